#!/usr/bin/python3
"""End-to-end test of itp-server's graceful shutdown under load.

The real server binary (with --demo and a 2 s drain period) serves 8 client
threads that call GetPlan back to back while 50 WatchPlanEvents streams of
four API keys are open; then it gets SIGTERM. What must hold, counted from
the clients and from the server's own log:

  * health turns NOT_SERVING at once, and calls are still served during the
    drain period (new streams are refused with UNAVAILABLE);
  * every open stream ends with UNAVAILABLE ("shutting down") right away;
  * no unary call that reached the server fails: the server logs no GetPlan
    with a code other than OK, clients see only OK and UNAVAILABLE (calls
    refused after the drain, which never reached it), and the OKs the
    clients counted are exactly the OKs the server logged;
  * the process exits 0 within the drain period plus one second.

Run as CTest does:

    /usr/bin/python3 tests/e2e/shutdown_test.py \
        --server build/server/itp-server --proto-dir proto \
        --work-dir build/tests/e2e-shutdown

The last line of output is `N passed, N failed`.
"""

import importlib
import os
import re
import signal
import sys
import tempfile
import threading
import time
import unittest

import grpc

import itp_e2e

SERVER_BINARY = None
RUN_DIR = None
admin_pb2 = None
admin_pb2_grpc = None
plan_service_pb2 = None
plan_service_pb2_grpc = None
review_service_pb2 = None
review_service_pb2_grpc = None
health_pb2 = None
health_pb2_grpc = None

DRAIN_SECONDS = 2
CLIENTS = 8
STREAMS = 50
STREAM_KEYS = 4
RPC_TIMEOUT_S = 10.0
# Bounds on waits that only guard against a hang.
WAIT_LIMIT_S = 30.0
INDIA_STEEL = "countries/IND/plans/steel-2070"


def _generate_stubs(proto_dir, out_dir):
    health_root = itp_e2e.health_proto_root(proto_dir, out_dir)
    services = ["itp/v1/admin_service.proto", "itp/v1/plan_service.proto",
                "itp/v1/review_service.proto",
                itp_e2e.HEALTH_PROTO]
    messages = services + ["itp/v1/plan.proto", "itp/v1/review.proto"]
    itp_e2e.generate_stubs([proto_dir, health_root], out_dir, messages,
                           services)
    global admin_pb2, admin_pb2_grpc, plan_service_pb2, plan_service_pb2_grpc
    global review_service_pb2, review_service_pb2_grpc
    global health_pb2, health_pb2_grpc
    admin_pb2 = importlib.import_module("itp.v1.admin_service_pb2")
    admin_pb2_grpc = importlib.import_module("itp.v1.admin_service_pb2_grpc")
    plan_service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plan_service_pb2_grpc = importlib.import_module(
        "itp.v1.plan_service_pb2_grpc")
    review_service_pb2 = importlib.import_module("itp.v1.review_service_pb2")
    review_service_pb2_grpc = importlib.import_module(
        "itp.v1.review_service_pb2_grpc")
    health_pb2 = importlib.import_module("itp_e2e_health.health_pb2")
    health_pb2_grpc = importlib.import_module(
        "itp_e2e_health.health_pb2_grpc")


def _metadata(key):
    return (("authorization", "Bearer " + key),)


class Stream(threading.Thread):
    """One WatchPlanEvents stream, read until it ends."""

    def __init__(self, channel, key):
        super().__init__(daemon=True)
        stub = review_service_pb2_grpc.ReviewServiceStub(channel)
        self.call = stub.WatchPlanEvents(
            review_service_pb2.WatchPlanEventsRequest(parent="countries/-"),
            metadata=_metadata(key), timeout=60)
        self.first_event = threading.Event()
        self.code = None
        self.details = ""

    def run(self):
        try:
            for _ in self.call:
                self.first_event.set()
            self.code = grpc.StatusCode.OK
        except grpc.RpcError as error:
            self.code = error.code()
            self.details = error.details() or ""


class Client(threading.Thread):
    """Calls GetPlan back to back on a channel of its own until told to
    stop, counting the codes."""

    def __init__(self, address, key):
        super().__init__(daemon=True)
        self.channel = grpc.insecure_channel(address)
        self.stub = plan_service_pb2_grpc.PlanServiceStub(self.channel)
        self.key = key
        self.stop = threading.Event()
        self.codes = {}
        self.calls = 0
        self.ok_after = None  # set by the test: OKs after this moment
        self.oks_after_mark = 0

    def run(self):
        request = plan_service_pb2.GetPlanRequest(name=INDIA_STEEL)
        while not self.stop.is_set():
            try:
                self.stub.GetPlan(request, metadata=_metadata(self.key),
                                  timeout=RPC_TIMEOUT_S)
                code = grpc.StatusCode.OK
            except grpc.RpcError as error:
                code = error.code()
            self.codes[code] = self.codes.get(code, 0) + 1
            self.calls += 1
            mark = self.ok_after
            if code == grpc.StatusCode.OK and mark and time.monotonic() > mark:
                self.oks_after_mark += 1
        self.channel.close()


class ShutdownTest(unittest.TestCase):

    def test_sigterm_under_load_loses_no_accepted_call(self):
        test_dir = tempfile.mkdtemp(prefix="shutdown-", dir=RUN_DIR)
        server = itp_e2e.ServerProcess(
            SERVER_BINARY, os.path.join(test_dir, "itp.db"), test_dir,
            args=["--demo"], drain_seconds=DRAIN_SECONDS)
        self.addCleanup(lambda: server.running() and server.kill())
        address = "127.0.0.1:%d" % server.wait_until_serving()
        admin = itp_e2e.read_admin_key(test_dir)
        control = grpc.insecure_channel(address)
        self.addCleanup(control.close)
        admin_stub = admin_pb2_grpc.AdminServiceStub(control)
        health = health_pb2_grpc.HealthStub(control)

        # Four secretariat keys hold the streams (at most 16 each).
        keys = []
        for i in range(STREAM_KEYS):
            created = admin_stub.CreateApiKey(
                admin_pb2.CreateApiKeyRequest(api_key=admin_pb2.ApiKey(
                    display_name="LeadIT secretariat reviewer %d" % (i + 1),
                    role=admin_pb2.REVIEWER)),
                metadata=_metadata(admin), timeout=RPC_TIMEOUT_S)
            keys.append(created.secret)

        stream_channel = grpc.insecure_channel(address)
        self.addCleanup(stream_channel.close)
        streams = [Stream(stream_channel, keys[i % STREAM_KEYS])
                   for i in range(STREAMS)]
        for stream in streams:
            stream.start()
        # The demo's submissions are events: each open stream gets them.
        for stream in streams:
            self.assertTrue(stream.first_event.wait(WAIT_LIMIT_S),
                            "a stream received no event:\n" + server.log())

        clients = [Client(address, admin) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        # Load is on: wait until every client has had calls answered.
        deadline = time.monotonic() + WAIT_LIMIT_S
        while (any(c.calls < 20 for c in clients)
               and time.monotonic() < deadline):
            time.sleep(0.01)

        stopping = time.monotonic()
        server.process.send_signal(signal.SIGTERM)

        # Health turns NOT_SERVING first...
        status = None
        while time.monotonic() - stopping < DRAIN_SECONDS:
            status = health.Check(
                health_pb2.HealthCheckRequest(service="itp.v1.PlanService"),
                timeout=RPC_TIMEOUT_S).status
            if status == health_pb2.HealthCheckResponse.NOT_SERVING:
                break
        self.assertEqual(status, health_pb2.HealthCheckResponse.NOT_SERVING)
        not_serving = time.monotonic()
        for client in clients:
            client.ok_after = not_serving

        # ...every stream ends with UNAVAILABLE, and new ones are refused...
        for stream in streams:
            stream.join(WAIT_LIMIT_S)
        codes = [stream.code for stream in streams]
        self.assertEqual(codes.count(grpc.StatusCode.UNAVAILABLE), STREAMS,
                         codes)
        self.assertTrue(all("shutting down" in s.details for s in streams))
        late = Stream(stream_channel, keys[0])
        late.run()
        self.assertEqual(late.code, grpc.StatusCode.UNAVAILABLE)

        # ...while the clients' calls are still served.
        served_in_drain = 0
        while served_in_drain == 0 and time.monotonic() - not_serving < 1:
            served_in_drain = sum(c.oks_after_mark for c in clients)
            time.sleep(0.01)
        self.assertGreater(served_in_drain, 0)

        code = server.process.wait(timeout=WAIT_LIMIT_S)
        exited = time.monotonic()
        server.accounted_for = True
        for client in clients:
            client.stop.set()
        for client in clients:
            client.join(WAIT_LIMIT_S)

        self.assertEqual(code, 0, server.log())
        self.assertLessEqual(exited - stopping, DRAIN_SECONDS + 1.0,
                             "exit took %.2f s" % (exited - stopping))

        # No call that the server ran failed. The only other calls it logged
        # are those it refused without running them (held at the end of the
        # drain, then refused with UNAVAILABLE once the GOAWAY was out).
        log = server.log()
        ran = re.findall(r"rpc /itp\.v1\.PlanService/GetPlan code=(\w+) "
                         r"latency_ms=\S+ peer=\S+ key=\S+$", log, re.M)
        refused = re.findall(r"rpc /itp\.v1\.PlanService/GetPlan code=(\w+) "
                             r".* refused\b.*$", log, re.M)
        self.assertEqual(set(ran), {"OK"})
        self.assertLessEqual(set(refused), {"UNAVAILABLE"})
        client_codes = {}
        for client in clients:
            for c, n in client.codes.items():
                client_codes[c] = client_codes.get(c, 0) + n
        self.assertLessEqual(
            set(client_codes),
            {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, client_codes)
        self.assertEqual(client_codes[grpc.StatusCode.OK], len(ran))
        print("  %d GetPlan calls served (%d seen during the drain), %d refused "
              "by the server at the end of it and %d more by the clients' "
              "closed connections; %d streams ended UNAVAILABLE; exit %.2f s "
              "after SIGTERM"
              % (len(ran), served_in_drain, len(refused),
                 client_codes.get(grpc.StatusCode.UNAVAILABLE, 0)
                 - len(refused), STREAMS, exited - stopping))


def main():
    return itp_e2e.main_with_stubs(sys.modules[__name__], "ShutdownTest",
                                   _generate_stubs)


if __name__ == "__main__":
    sys.exit(main())
