#!/usr/bin/python3
"""End-to-end tests of itp-server's transport bounds, as a hostile client.

The real server binary, attacked over loopback; what is counted:

  * A burst of idle TCP connections beyond the open-file limit (the server
    runs with a limit of 256 and --reserved_file_descriptors=64): the
    connections past the cap are reset at once, the server warns, and once
    they close a new client is served. (gRPC 1.51 alone stops accepting for
    good after "Too many open files".)
  * Slow request bodies: CreatePlan streams that declare a 4 MiB message,
    send all but 100 KiB of it and never finish. With
    --max_transport_memory_mb=32 the server resets streams, lets in less
    than 150 MiB of the 234 MiB of bodies and its RSS grows by less than
    100 MiB; with the bound off (0) the same attack gets more than 200 MiB
    in and grows the RSS by more than 150 MiB (so the test can tell).
    Afterwards a CreatePlan is served.
  * The same slow bodies with the quota off and
    --request_body_timeout_seconds=2: every stream ends with
    DEADLINE_EXCEEDED (grpc-status 4), none before the two seconds, and the
    server serves a new client afterwards.

Run as CTest does:

    /usr/bin/python3 tests/e2e/transport_bounds_test.py \\
        --server build/server/itp-server --proto-dir proto \\
        --work-dir build/tests/e2e-transport

The last line of output is `N passed, N failed`.
"""

import errno
import importlib
import os
import resource
import socket
import sys
import time
import unittest
import uuid

import grpc

import itp_e2e

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "bench"))
import slow_body  # noqa: E402  (bench/slow_body.py: the raw HTTP/2 client)

SERVER_BINARY = None
RUN_DIR = None
plan_service_pb2 = None
plan_service_pb2_grpc = None
plan_pb2 = None
health_pb2 = None
health_pb2_grpc = None

FILE_LIMIT = 256
RESERVED = 64
IDLE_CONNECTIONS = 400
SLOW_STREAMS = 60
BODY_TIMEOUT_S = 2
INDIA_STEEL = "countries/IND/plans/steel-2070"


def _generate_stubs(proto_dir, out_dir):
    health_root = itp_e2e.health_proto_root(proto_dir, out_dir)
    services = ["itp/v1/plan_service.proto", itp_e2e.HEALTH_PROTO]
    messages = services + ["itp/v1/plan.proto"]
    itp_e2e.generate_stubs([proto_dir, health_root], out_dir, messages,
                           services)
    global plan_service_pb2, plan_service_pb2_grpc, plan_pb2
    global health_pb2, health_pb2_grpc
    plan_service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plan_service_pb2_grpc = importlib.import_module(
        "itp.v1.plan_service_pb2_grpc")
    plan_pb2 = importlib.import_module("itp.v1.plan_pb2")
    health_pb2 = importlib.import_module("itp_e2e_health.health_pb2")
    health_pb2_grpc = importlib.import_module(
        "itp_e2e_health.health_pb2_grpc")


def _limit_files():
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, FILE_LIMIT))


def _rss_mib(pid):
    return slow_body.rss_mib(pid)


class TransportBoundsTest(unittest.TestCase):

    def start(self, name, args=(), preexec_fn=None):
        db_dir = os.path.join(RUN_DIR, name)
        os.makedirs(db_dir)
        server = itp_e2e.ServerProcess(
            SERVER_BINARY, os.path.join(db_dir, "itp.db"), db_dir,
            args=["--demo"] + list(args), preexec_fn=preexec_fn)
        self.addCleanup(lambda: server.running() and server.kill())
        port = server.wait_until_serving()
        key = itp_e2e.read_admin_key(db_dir)
        return server, port, key

    def serve_check(self, port, key):
        """A new client on a new connection: health and a GetPlan."""
        with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="itp.v1.PlanService"),
                timeout=10)
            self.assertEqual(health.status,
                             health_pb2.HealthCheckResponse.SERVING)
            plan = plan_service_pb2_grpc.PlanServiceStub(channel).GetPlan(
                plan_service_pb2.GetPlanRequest(name=INDIA_STEEL),
                metadata=(("authorization", "Bearer " + key),), timeout=10)
            self.assertEqual(plan.name, INDIA_STEEL)

    def test_idle_connection_burst_is_capped_and_the_server_recovers(self):
        server, port, key = self.start(
            "burst", ["--reserved_file_descriptors=%d" % RESERVED],
            preexec_fn=_limit_files)
        cap = FILE_LIMIT - RESERVED
        sockets = []
        try:
            for _ in range(IDLE_CONNECTIONS):
                sockets.append(socket.create_connection(("127.0.0.1", port)))
            time.sleep(1.0)
            reset = 0
            for s in sockets:
                s.setblocking(False)
                try:
                    if s.recv(1) == b"":
                        reset += 1
                except BlockingIOError:
                    pass  # accepted and waiting for the HTTP/2 preface
                except ConnectionResetError:
                    reset += 1
            held = IDLE_CONNECTIONS - reset
            print("idle connections: %d opened, %d held, %d reset (cap %d)"
                  % (IDLE_CONNECTIONS, held, reset, cap))
            # Every connection held has a descriptor below the cap, next to
            # the server's own; the rest were reset.
            self.assertLess(held, cap)
            self.assertGreater(held, cap - 64)
            self.assertEqual(held + reset, IDLE_CONNECTIONS)
        finally:
            for s in sockets:
                s.close()
        self.assertIn("refusing connections", server.log())
        self.assertNotIn("Too many open files", server.log())
        time.sleep(0.5)
        self.serve_check(port, key)
        server.stop()

    def slow_body_attack(self, name, transport_mb):
        server, port, key = self.start(
            name, ["--max_transport_memory_mb=%d" % transport_mb])
        pid = server.process.pid
        before = _rss_mib(pid)
        attacker = slow_body.Attacker(port, SLOW_STREAMS,
                                      4 * 1024 * 1024 - 64, 100 * 1024)
        peak = before
        quiet_since = time.monotonic()
        sent = 0
        start = time.monotonic()
        # Until the client can send no more for a second (flow control or
        # resets), bounded by 30 s.
        while (time.monotonic() - quiet_since < 1.0
               and time.monotonic() - start < 30 and not attacker.closed):
            attacker.pump()
            if attacker.sent != sent:
                sent = attacker.sent
                quiet_since = time.monotonic()
            peak = max(peak, _rss_mib(pid))
            time.sleep(0.002)
        outcomes = attacker.results()
        attacker.sock.close()
        self.sent_mib = sent / 2**20
        print("slow bodies, --max_transport_memory_mb=%d: %s, sent %.1f MiB, "
              "server RSS %.1f -> peak %.1f MiB"
              % (transport_mb, outcomes, sent / 2**20, before, peak))
        return server, port, key, outcomes, peak - before

    def test_slow_bodies_are_bounded_by_the_transport_quota(self):
        server, port, key, outcomes, growth = self.slow_body_attack(
            "quota", 32)
        self.assertGreaterEqual(outcomes.get("reset by server", 0), 1)
        # The body bytes the server let in (its flow-control windows) and,
        # unless under AddressSanitizer (whose quarantine keeps freed memory
        # resident), its RSS.
        self.assertLess(self.sent_mib, 150.0)
        if "ASAN_OPTIONS" not in os.environ:
            self.assertLess(growth, 100.0)
        # The server still takes a real request.
        with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
            plan = plan_service_pb2_grpc.PlanServiceStub(channel).CreatePlan(
                plan_service_pb2.CreatePlanRequest(
                    parent="countries/ZAF", plan_id="cement-2050",
                    request_id=str(uuid.uuid4()),
                    plan=plan_pb2.Plan(display_name="South Africa cement")),
                metadata=(("authorization", "Bearer " + key),), timeout=10)
            self.assertEqual(plan.name, "countries/ZAF/plans/cement-2050")
        self.serve_check(port, key)
        server.stop()

    def test_slow_bodies_are_cut_at_the_body_timeout(self):
        server, port, key = self.start(
            "body-timeout", ["--max_transport_memory_mb=0",
                             "--request_body_timeout_seconds=%d"
                             % BODY_TIMEOUT_S])
        pid = server.process.pid
        before = _rss_mib(pid)
        attacker = slow_body.Attacker(port, SLOW_STREAMS,
                                      4 * 1024 * 1024 - 64, 100 * 1024)
        start = time.monotonic()
        peak = before
        first_end = None
        # Until every stream has ended, bounded by a minute.
        while (len(attacker.outcome) < SLOW_STREAMS
               and time.monotonic() - start < 60 and not attacker.closed):
            attacker.pump()
            if attacker.outcome and first_end is None:
                first_end = time.monotonic() - start
            peak = max(peak, _rss_mib(pid))
            time.sleep(0.002)
        outcomes = attacker.results()
        attacker.sock.close()
        time.sleep(0.5)
        after = _rss_mib(pid)
        print("slow bodies, --request_body_timeout_seconds=%d, no quota: %s, "
              "sent %.1f MiB, first ended after %.1f s, server RSS %.1f -> "
              "peak %.1f -> %.1f MiB after"
              % (BODY_TIMEOUT_S, outcomes, attacker.sent / 2**20,
                 first_end or -1, before, peak, after))
        self.assertEqual(outcomes, {"grpc-status 4": SLOW_STREAMS})
        # A deadline never fires early: a lower bound, not a timing target.
        self.assertGreaterEqual(first_end, BODY_TIMEOUT_S - 0.05)
        self.assertIn("REQUEST_BODY_TIMEOUT", server.log())
        self.serve_check(port, key)
        server.stop()

    def test_without_the_quota_the_same_attack_pins_the_bodies(self):
        server, _, _, outcomes, growth = self.slow_body_attack("no-quota", 0)
        self.assertEqual(outcomes.get("reset by server", 0), 0)
        self.assertGreater(self.sent_mib, 200.0)
        self.assertGreater(growth, 150.0)
        server.stop()


def main():
    return itp_e2e.main_with_stubs(sys.modules[__name__], "TransportBoundsTest",
                                   _generate_stubs)


if __name__ == "__main__":
    sys.exit(main())
