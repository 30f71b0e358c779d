#!/usr/bin/python3
"""itp-server's /metrics, checked by scraping, promtool and a real Prometheus.

A real server serves the demo data with `--metrics_listen=127.0.0.1:0
--metrics_refresh_seconds=1`; the test makes a known number of calls with
python3-grpcio (stubs generated from proto/ at test time): 25 GetPlan of a
demo plan, 3 GetPlan of a plan that does not exist, 2 ListPlans without a
key, one CreatePlan, the ListPlans pages it needs to know the plans, and one
benchmark job run over the submitted plans. Then `GET /metrics` must count
exactly those calls, by method, code and role, and the run, and `itp_plans`
must give, per state and country, what ListPlans returns to the admin.
`promtool check metrics` (Debian package `prometheus`) must accept the
exposition, and a real `prometheus` (same package), scraping every second,
must read the same counts back through its HTTP API. The flag's default
(off), a bare port number and bad addresses are checked too.

Run as CTest does:

    /usr/bin/python3 tests/e2e/metrics_test.py \\
        --server build/server/itp-server --proto-dir proto \\
        --work-dir build/tests/e2e-metrics
"""

import collections
import importlib
import ipaddress
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

import grpc
from google.protobuf import json_format

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itp_e2e  # noqa: E402
from python_client_test import BRAZIL_STEEL_JSON  # noqa: E402

# Set by main() before the tests run.
SERVER_BINARY = None
RUN_DIR = None
plan_pb2 = None
plan_service_pb2 = None
plan_service_pb2_grpc = None
benchmark_job_pb2 = None
benchmark_job_service_pb2 = None
benchmark_job_service_pb2_grpc = None

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
INSTALL_HINT = ("install the Debian package `prometheus` "
                "(scripts/install-deps.sh installs it)")

RPC_TIMEOUT_S = 10.0
HTTP_TIMEOUT_S = 5.0
# How long counters may take to reach their values after the calls returned
# (a call is counted when it ends, which may be just after the client saw
# its response), workers to return and itp_plans to be refreshed (every
# second here); generous for a loaded CI machine, and the wait ends as soon
# as they have.
SETTLE_TIMEOUT_S = 20.0
PROMETHEUS_READY_TIMEOUT_S = 30.0
PROMETHEUS_QUERY_TIMEOUT_S = 30.0
PROMETHEUS_STOP_TIMEOUT_S = 10.0

PLAN_SERVICE = "itp.v1.PlanService"
JOB_SERVICE = "itp.v1.BenchmarkJobService"
JOB_RUN_TIMEOUT_S = 20.0
# A bad --metrics_listen may be found only when binding, after the gRPC
# listener started; the exit then waits for --drain_seconds (5 s).
BAD_ADDRESS_TIMEOUT_S = 30.0
GOOD_GETS = 25
MISSING_GETS = 3
KEYLESS_LISTS = 2
MISSING_PLAN = "countries/IND/plans/steel-2099"
NEW_PLAN_ID = "charcoal-steel-2050"
DEFAULT_WORKERS = 8

# Every family of the spec, with its type.
FAMILIES = {
    "grpc_server_started_total": "counter",
    "grpc_server_handled_total": "counter",
    "grpc_server_handling_seconds": "histogram",
    "itp_server_calls_in_progress": "gauge",
    "itp_server_calls_by_role_total": "counter",
    "itp_server_open_streams": "gauge",
    "itp_server_request_body_timeouts_total": "counter",
    "itp_worker_queue_depth": "gauge",
    "itp_worker_running": "gauge",
    "itp_worker_threads": "gauge",
    "itp_worker_queue_capacity": "gauge",
    "itp_worker_pool_wait_seconds": "histogram",
    "itp_db_busy_retries_total": "counter",
    "itp_db_busy_errors_total": "counter",
    "itp_db_write_transaction_seconds": "histogram",
    "itp_db_write_lock_wait_seconds": "histogram",
    "itp_job_runs_finished_total": "counter",
    "itp_job_run_duration_seconds": "histogram",
    "itp_job_runs": "gauge",
    "itp_plans": "gauge",
    "itp_build_info": "gauge",
    "process_resident_memory_bytes": "gauge",
    "process_open_fds": "gauge",
    "process_max_fds": "gauge",
    "process_start_time_seconds": "gauge",
}
# Families whose name in a `# TYPE` line is the name of a sample too.
UNLABELLED = [name for name, kind in FAMILIES.items()
              if kind != "histogram" and name not in (
                  "grpc_server_started_total", "grpc_server_handled_total",
                  "itp_server_calls_by_role_total",
                  "itp_job_runs_finished_total", "itp_job_runs",
                  "itp_plans", "itp_build_info")]


def _generate_stubs(proto_dir, out_dir):
    services = ["itp/v1/plan_service.proto",
                "itp/v1/benchmark_job_service.proto"]
    itp_e2e.generate_stubs(
        [proto_dir], out_dir,
        services + ["itp/v1/plan.proto", "itp/v1/benchmark_job.proto"],
        services)
    global plan_pb2, plan_service_pb2, plan_service_pb2_grpc
    global benchmark_job_pb2, benchmark_job_service_pb2
    global benchmark_job_service_pb2_grpc
    benchmark_job_pb2 = importlib.import_module("itp.v1.benchmark_job_pb2")
    benchmark_job_service_pb2 = importlib.import_module(
        "itp.v1.benchmark_job_service_pb2")
    benchmark_job_service_pb2_grpc = importlib.import_module(
        "itp.v1.benchmark_job_service_pb2_grpc")
    plan_pb2 = importlib.import_module("itp.v1.plan_pb2")
    plan_service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plan_service_pb2_grpc = importlib.import_module(
        "itp.v1.plan_service_pb2_grpc")


# The Prometheus text format (version 0.0.4), parsed without a library.

_SAMPLE_LINE = re.compile(
    r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$")
_LABEL_PAIR = re.compile(
    r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*'
    r"(,|$)")
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


def _parse_value(text):
    special = {"+Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}
    if text in special:
        return special[text]
    return float(text)


def _parse_labels(text, line):
    labels = {}
    position = 0
    while position < len(text):
        match = _LABEL_PAIR.match(text, position)
        if match is None:
            raise AssertionError("bad labels in exposition line %r" % line)
        name = match.group(1)
        if name in labels:
            raise AssertionError("label %s twice in %r" % (name, line))
        labels[name] = re.sub(r"\\.", lambda m: _ESCAPES.get(m.group(0),
                                                               m.group(0)),
                              match.group(2))
        position = match.end()
        if match.group(3) == "":
            break
    return labels


class Exposition:
    """A parsed /metrics body: its samples, `# TYPE` and `# HELP` lines."""

    def __init__(self, text):
        self.text = text
        self.samples = []  # (name, {label: value}, value)
        self.types = {}
        self.helps = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            if line.startswith("#"):
                parts = line.split(None, 3)
                if len(parts) >= 3 and parts[1] == "TYPE":
                    if parts[2] in self.types:
                        raise AssertionError("two TYPE lines for %s"
                                             % parts[2])
                    self.types[parts[2]] = parts[3].strip() \
                        if len(parts) > 3 else ""
                elif len(parts) >= 3 and parts[1] == "HELP":
                    self.helps[parts[2]] = parts[3] if len(parts) > 3 else ""
                continue
            match = _SAMPLE_LINE.match(line)
            if match is None:
                raise AssertionError("not an exposition line: %r" % line)
            labels = _parse_labels(match.group(2) or "", line)
            self.samples.append((match.group(1), labels,
                                 _parse_value(match.group(3))))

    def select(self, name, **labels):
        """The samples named `name` whose labels include `labels`."""
        return [(sample_labels, value)
                for sample_name, sample_labels, value in self.samples
                if sample_name == name and all(
                    sample_labels.get(k) == v for k, v in labels.items())]

    def value(self, name, **labels):
        """The value of the one sample named `name` with exactly `labels`;
        None if there is none."""
        found = [value for sample_labels, value in self.select(name, **labels)
                 if sample_labels == labels]
        if len(found) > 1:
            raise AssertionError("%d samples %s%s" % (len(found), name,
                                                      labels))
        return found[0] if found else None

    def lines_of(self, name):
        """The exposition's lines of samples named `name`, for messages."""
        return "\n".join(line for line in self.text.splitlines()
                         if re.match(re.escape(name) + r"[{ ]", line)) \
            or "(no %s samples)" % name


def _http_get(url, timeout=HTTP_TIMEOUT_S):
    """GET `url` without any proxy of the environment; returns (status,
    content type, body)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return (response.status, response.headers.get("Content-Type", ""),
                    response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), \
            error.read().decode("utf-8", "replace")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening_addresses(pid):
    """{(address, port)} of the TCP sockets process `pid` listens on, from
    /proc; an IPv4-mapped IPv6 address counts as its IPv4 address."""
    inodes = set()
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match:
            inodes.add(match.group(1))
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state != "0A" or inode not in inodes:  # 0A: LISTEN
                    continue
                address, port = local.split(":")
                # Words of 32 bits in host (little-endian) order.
                raw = b"".join(bytes.fromhex(address[i:i + 8])[::-1]
                               for i in range(0, len(address), 8))
                ip = ipaddress.ip_address(raw)
                if ip.version == 6 and ip.ipv4_mapped is not None:
                    ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
                listening.add((str(ip), int(port, 16)))
    return listening


def _require_prometheus_tools():
    missing = [tool for tool in (PROMETHEUS, PROMTOOL)
               if not os.access(tool, os.X_OK)]
    if missing:
        raise AssertionError("%s not found: %s" % (", ".join(missing),
                                                   INSTALL_HINT))


def _metadata(key):
    return (("authorization", "Bearer " + key),)


class MetricsServerTestCase(unittest.TestCase):
    """Starts servers in a fresh directory of this test and stops them
    (SIGTERM, a clean exit) when the test ends, passed or not."""

    def setUp(self):
        self.test_dir = tempfile.mkdtemp(
            prefix=self.id().rsplit(".", 1)[-1] + "-", dir=RUN_DIR)

    def start_server(self, *args, demo=True):
        """Starts a server; returns (server, gRPC port)."""
        flags = (["--demo"] if demo else []) + list(args)
        server = itp_e2e.ServerProcess(
            SERVER_BINARY, os.path.join(self.test_dir, "itp.db"),
            self.test_dir, args=flags)
        self.addCleanup(self._stop_at_end, server)
        return server, server.wait_until_serving()

    def _stop_at_end(self, server):
        if server.running():
            server.stop()
        elif not server.accounted_for:
            server.accounted_for = True
            self.fail("itp-server died during the test with exit code %d:\n%s"
                      % (server.process.returncode, server.log()))

    def metrics_port(self, server):
        match = re.search(r"metrics \(Prometheus, HTTP\) on port (\d+)",
                          server.log())
        self.assertIsNotNone(
            match, "no 'metrics (Prometheus, HTTP) on port N' in the log:\n"
            + server.log())
        return int(match.group(1))

    def scrape(self, metrics_port):
        status, content_type, body = _http_get(
            "http://127.0.0.1:%d/metrics" % metrics_port)
        self.assertEqual(status, 200, body)
        self.assertTrue(content_type.startswith("text/plain"), content_type)
        return Exposition(body)

    def scrape_until(self, metrics_port, settled):
        """Scrapes until `settled(exposition)` holds or SETTLE_TIMEOUT_S
        passed; returns the last exposition (the caller asserts on it)."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            exposition = self.scrape(metrics_port)
            if settled(exposition) or time.monotonic() > deadline:
                return exposition
            time.sleep(0.1)

    # The calls whose metrics the tests check.

    def list_plans(self, stub, admin):
        """All plans ListPlans returns to the admin; returns (plans, number
        of ListPlans calls made)."""
        plans, token, calls = [], "", 0
        while True:
            page = stub.ListPlans(plan_service_pb2.ListPlansRequest(
                parent="countries/-", page_size=2, page_token=token),
                metadata=_metadata(admin), timeout=RPC_TIMEOUT_S)
            calls += 1
            plans.extend(page.plans)
            token = page.next_page_token
            if not token:
                self.assertEqual(len(plans), page.total_size)
                return plans, calls

    def make_known_calls(self, grpc_port):
        """The calls of the module docstring; returns what was done."""
        admin = itp_e2e.read_admin_key(self.test_dir)
        channel = grpc.insecure_channel("127.0.0.1:%d" % grpc_port)
        self.addCleanup(channel.close)
        stub = plan_service_pb2_grpc.PlanServiceStub(channel)
        demo_plans, list_calls = self.list_plans(stub, admin)
        self.assertGreaterEqual(len(demo_plans), 2)

        # A new draft: itp_plans must follow within the refresh interval.
        request = json_format.Parse(BRAZIL_STEEL_JSON,
                                    plan_service_pb2.CreatePlanRequest())
        request.plan_id = NEW_PLAN_ID  # the demo has BRA steel-2050
        created = stub.CreatePlan(request, metadata=_metadata(admin),
                                  timeout=RPC_TIMEOUT_S)
        self.assertEqual(created.state, plan_pb2.Plan.DRAFT)
        plans, more_list_calls = self.list_plans(stub, admin)
        list_calls += more_list_calls
        self.assertEqual(len(plans), len(demo_plans) + 1)

        target = sorted(plan.name for plan in demo_plans)[0]
        for _ in range(GOOD_GETS):
            got = stub.GetPlan(plan_service_pb2.GetPlanRequest(name=target),
                               metadata=_metadata(admin),
                               timeout=RPC_TIMEOUT_S)
            self.assertEqual(got.name, target)
        for _ in range(MISSING_GETS):
            with self.assertRaises(grpc.RpcError) as caught:
                stub.GetPlan(plan_service_pb2.GetPlanRequest(
                    name=MISSING_PLAN), metadata=_metadata(admin),
                    timeout=RPC_TIMEOUT_S)
            self.assertEqual(caught.exception.code(),
                             grpc.StatusCode.NOT_FOUND)
        for _ in range(KEYLESS_LISTS):
            with self.assertRaises(grpc.RpcError) as caught:
                stub.ListPlans(plan_service_pb2.ListPlansRequest(
                    parent="countries/-"), timeout=RPC_TIMEOUT_S)
            self.assertEqual(caught.exception.code(),
                             grpc.StatusCode.UNAUTHENTICATED)
        job_calls = self.run_benchmark_job(channel, admin)
        by_state_country = collections.Counter(
            (plan_pb2.Plan.State.Name(plan.state), plan.country)
            for plan in plans)
        return {"admin": admin, "plans": plans, "list_calls": list_calls,
                "job_calls": job_calls,
                "by_state_country": by_state_country,
                "demo_bra_drafts": sum(
                    1 for plan in demo_plans if plan.country == "BRA"
                    and plan.state == plan_pb2.Plan.DRAFT)}

    def run_benchmark_job(self, channel, admin):
        """Creates a benchmark job of every submitted plan, runs it and
        waits for the run to succeed; returns {method: calls made}."""
        jobs = benchmark_job_service_pb2_grpc.BenchmarkJobServiceStub(channel)
        job = jobs.CreateBenchmarkJob(
            benchmark_job_service_pb2.CreateBenchmarkJobRequest(
                benchmark_job_id="nightly-all",
                benchmark_job=benchmark_job_pb2.BenchmarkJob(
                    display_name="Nightly benchmark of submitted plans")),
            metadata=_metadata(admin), timeout=RPC_TIMEOUT_S)
        run = jobs.RunBenchmarkJob(
            benchmark_job_service_pb2.RunBenchmarkJobRequest(
                name=job.name, request_id=str(uuid.uuid4())),
            metadata=_metadata(admin), timeout=RPC_TIMEOUT_S)
        finished = (benchmark_job_pb2.BenchmarkJobRun.SUCCEEDED,
                    benchmark_job_pb2.BenchmarkJobRun.FAILED,
                    benchmark_job_pb2.BenchmarkJobRun.CANCELLED)
        polls = 0
        deadline = time.monotonic() + JOB_RUN_TIMEOUT_S
        while run.state not in finished and time.monotonic() < deadline:
            time.sleep(0.05)
            run = jobs.GetBenchmarkJobRun(
                benchmark_job_service_pb2.GetBenchmarkJobRunRequest(
                    name=run.name),
                metadata=_metadata(admin), timeout=RPC_TIMEOUT_S)
            polls += 1
        self.assertEqual(
            benchmark_job_pb2.BenchmarkJobRun.State.Name(run.state),
            "SUCCEEDED", run)
        self.assertGreater(run.succeeded_plans, 0, run)
        return {"CreateBenchmarkJob": 1, "RunBenchmarkJob": 1,
                "GetBenchmarkJobRun": polls}

    def plans_gauge(self, exposition):
        """{(state, country): value} of itp_plans."""
        result = {}
        for labels, value in exposition.select("itp_plans"):
            self.assertEqual(sorted(labels), ["country", "state"], labels)
            result[(labels["state"], labels["country"])] = value
        return result

    def expected_settled(self, done):
        """A predicate: the exposition shows every call of `done` ended
        and itp_plans refreshed."""
        def settled(exposition):
            count = exposition.value(
                "grpc_server_handling_seconds_count",
                grpc_service=PLAN_SERVICE, grpc_method="GetPlan",
                grpc_type="unary")
            keyless = exposition.value(
                "grpc_server_handled_total", grpc_service=PLAN_SERVICE,
                grpc_method="ListPlans", grpc_type="unary",
                grpc_code="UNAUTHENTICATED")
            plans = {key: value for key, value
                     in self.plans_gauge(exposition).items() if value != 0}
            finished = exposition.value("itp_job_runs_finished_total",
                                        state="SUCCEEDED")
            stored = exposition.value("itp_job_runs", state="SUCCEEDED")
            return (count == GOOD_GETS + MISSING_GETS
                    and keyless == KEYLESS_LISTS
                    and finished == 1 and stored == 1
                    and exposition.value("itp_server_calls_in_progress") == 0
                    # A worker counts as running until its task returns,
                    # just after the call ended.
                    and exposition.value("itp_worker_running") == 0
                    and exposition.value("itp_worker_queue_depth") == 0
                    and plans == dict(done["by_state_country"]))
        return settled


class MetricsEndpointTest(MetricsServerTestCase):

    def test_the_exposition_counts_every_call_and_describes_the_server(self):
        started_at = time.time()
        server, grpc_port = self.start_server(
            "--metrics_listen=127.0.0.1:0", "--metrics_refresh_seconds=1")
        metrics_port = self.metrics_port(server)
        self.assertNotEqual(metrics_port, grpc_port)
        self.assertEqual(_listening_addresses(server.process.pid),
                         {("127.0.0.1", grpc_port),
                          ("127.0.0.1", metrics_port)})
        done = self.make_known_calls(grpc_port)
        e = self.scrape_until(metrics_port, self.expected_settled(done))

        # Every family, with the type of the spec.
        for name, kind in FAMILIES.items():
            self.assertEqual(e.types.get(name), kind,
                             "TYPE of %s in:\n%s" % (name, e.text))
            self.assertTrue(e.helps.get(name), "no HELP text for %s" % name)
        for name in UNLABELLED:
            self.assertIsNotNone(e.value(name),
                                 "%s:\n%s" % (name, e.lines_of(name)))

        # Calls, by method and code.
        def handled(method, code):
            return e.value("grpc_server_handled_total",
                           grpc_service=PLAN_SERVICE, grpc_method=method,
                           grpc_type="unary", grpc_code=code)

        def started(method):
            return e.value("grpc_server_started_total",
                           grpc_service=PLAN_SERVICE, grpc_method=method,
                           grpc_type="unary")

        report = e.lines_of("grpc_server_handled_total")
        self.assertEqual(handled("GetPlan", "OK"), GOOD_GETS, report)
        self.assertEqual(handled("GetPlan", "NOT_FOUND"), MISSING_GETS, report)
        self.assertEqual(handled("ListPlans", "OK"), done["list_calls"],
                         report)
        self.assertEqual(handled("ListPlans", "UNAUTHENTICATED"),
                         KEYLESS_LISTS, report)
        self.assertEqual(handled("CreatePlan", "OK"), 1, report)
        # Only the codes a method returned are there, and only the methods
        # that were called.
        self.assertEqual(sorted(
            (labels["grpc_method"], labels["grpc_code"])
            for labels, _ in e.select("grpc_server_handled_total",
                                      grpc_service=PLAN_SERVICE)), [
            ("CreatePlan", "OK"), ("GetPlan", "NOT_FOUND"), ("GetPlan", "OK"),
            ("ListPlans", "OK"), ("ListPlans", "UNAUTHENTICATED")], report)
        for labels, _ in e.select("grpc_server_handled_total"):
            self.assertEqual(sorted(labels), ["grpc_code", "grpc_method",
                                              "grpc_service", "grpc_type"])
        for method, calls in done["job_calls"].items():
            self.assertEqual(e.value(
                "grpc_server_handled_total", grpc_service=JOB_SERVICE,
                grpc_method=method, grpc_type="unary", grpc_code="OK"),
                calls, report)
        self.assertEqual(sorted(
            labels["grpc_method"] for labels, _ in
            e.select("grpc_server_handled_total", grpc_service=JOB_SERVICE)),
            sorted(done["job_calls"]), report)
        self.assertEqual(
            {labels["grpc_service"] for labels, _ in
             e.select("grpc_server_started_total")},
            {PLAN_SERVICE, JOB_SERVICE})
        report = e.lines_of("grpc_server_started_total")
        self.assertEqual(started("GetPlan"), GOOD_GETS + MISSING_GETS, report)
        self.assertEqual(started("ListPlans"),
                         done["list_calls"] + KEYLESS_LISTS, report)
        self.assertEqual(started("CreatePlan"), 1, report)

        # The latency histogram of GetPlan.
        get_plan = dict(grpc_service=PLAN_SERVICE, grpc_method="GetPlan",
                        grpc_type="unary")
        self.assertEqual(
            e.value("grpc_server_handling_seconds_count", **get_plan),
            GOOD_GETS + MISSING_GETS,
            e.lines_of("grpc_server_handling_seconds_count"))
        self.assertGreater(
            e.value("grpc_server_handling_seconds_sum", **get_plan), 0)
        self.assertEqual(
            e.value("grpc_server_handling_seconds_bucket", le="+Inf",
                    **get_plan), GOOD_GETS + MISSING_GETS)
        for name, kind in FAMILIES.items():
            if kind == "histogram":
                self.assert_histograms_consistent(e, name)

        # Now: nothing in progress, nothing queued or running.
        for name in ("itp_server_calls_in_progress", "itp_server_open_streams",
                     "itp_server_request_body_timeouts_total",
                     "itp_worker_queue_depth", "itp_worker_running"):
            self.assertEqual(e.value(name), 0, e.lines_of(name))
        self.assertEqual(e.value("itp_worker_threads"), DEFAULT_WORKERS)
        self.assertGreater(e.value("itp_worker_queue_capacity"), 0)
        # Every call that reached a worker waited for it.
        self.assertGreaterEqual(e.value("itp_worker_pool_wait_seconds_count"),
                                GOOD_GETS + MISSING_GETS,
                                e.lines_of("itp_worker_pool_wait_seconds"))

        # Calls by the caller's role.
        roles = {labels["role"]: value for labels, value
                 in e.select("itp_server_calls_by_role_total")}
        self.assertEqual(roles, {
            "ADMIN": GOOD_GETS + MISSING_GETS + done["list_calls"] + 1
                     + sum(done["job_calls"].values()),
            "NONE": KEYLESS_LISTS},
            e.lines_of("itp_server_calls_by_role_total"))

        # The database: the CreatePlan was one write transaction.
        for name in ("itp_db_busy_retries_total", "itp_db_busy_errors_total"):
            self.assertGreaterEqual(e.value(name), 0)
        self.assertGreaterEqual(
            e.value("itp_db_write_transaction_seconds_count"), 1,
            e.lines_of("itp_db_write_transaction_seconds_count"))
        self.assertIsNotNone(e.value("itp_db_write_lock_wait_seconds_count"),
                             e.lines_of("itp_db_write_lock_wait_seconds"))

        # Plans by state and country, as ListPlans gives them to the admin.
        plans = self.plans_gauge(e)
        self.assertEqual({key: value for key, value in plans.items()
                          if value != 0}, dict(done["by_state_country"]),
                         e.lines_of("itp_plans"))
        self.assertEqual(sum(plans.values()), len(done["plans"]))
        self.assertEqual(plans[("DRAFT", "BRA")], done["demo_bra_drafts"] + 1)
        # The benchmark job run: finished once, SUCCEEDED, and in the store.
        report = "\n".join(e.lines_of(name) for name in (
            "itp_job_runs_finished_total", "itp_job_run_duration_seconds",
            "itp_job_runs"))
        self.assertEqual({labels["state"]: value for labels, value
                          in e.select("itp_job_runs_finished_total")},
                         {"SUCCEEDED": 1}, report)
        self.assertEqual(e.value("itp_job_run_duration_seconds_count",
                                 state="SUCCEEDED"), 1, report)
        self.assertGreater(e.value("itp_job_run_duration_seconds_sum",
                                   state="SUCCEEDED"), 0, report)
        stored = {labels["state"]: value
                  for labels, value in e.select("itp_job_runs")}
        for labels, _ in e.select("itp_job_runs"):
            self.assertEqual(list(labels), ["state"], report)
        self.assertEqual({state: value for state, value in stored.items()
                          if value != 0}, {"SUCCEEDED": 1}, report)

        # The build, as --version gives it.
        version = subprocess.run([SERVER_BINARY, "--version"],
                                 stdout=subprocess.PIPE, text=True,
                                 timeout=RPC_TIMEOUT_S, check=True).stdout
        info = e.select("itp_build_info")
        self.assertEqual(len(info), 1, e.lines_of("itp_build_info"))
        labels, value = info[0]
        self.assertEqual(value, 1)
        self.assertEqual(sorted(labels), ["build_type", "commit", "compiler",
                                          "sqlite_version", "version"])
        self.assertTrue(labels["version"])
        self.assertEqual(version.splitlines()[0],
                         "itp-server " + labels["version"])
        self.assertIn("SQLite %s " % labels["sqlite_version"], version)
        self.assertRegex(labels["sqlite_version"], r"^3\.\d+\.\d+$")
        for name in ("commit", "build_type", "compiler"):
            self.assertTrue(labels[name], name)
        self.assertIn(labels["build_type"], version.splitlines()[1])

        # The process.
        self.assertGreater(e.value("process_resident_memory_bytes"), 2 ** 20)
        self.assertGreaterEqual(e.value("process_open_fds"), 3)
        self.assertGreater(e.value("process_max_fds"),
                           e.value("process_open_fds"))
        self.assertGreaterEqual(e.value("process_start_time_seconds"),
                                started_at - 5)
        self.assertLessEqual(e.value("process_start_time_seconds"),
                             time.time() + 5)

        # No label value carries a key.
        self.assertNotIn(done["admin"], e.text)
        self.assertNotIn(done["admin"][:16], e.text)

    def assert_histograms_consistent(self, exposition, name):
        """Buckets of each series of histogram `name` grow with `le` and end
        in +Inf, which equals _count."""
        series = collections.defaultdict(list)
        for labels, value in exposition.select(name + "_bucket"):
            rest = tuple(sorted((k, v) for k, v in labels.items()
                                if k != "le"))
            series[rest].append((_parse_value(labels["le"]), value))
        for rest, buckets in series.items():
            buckets.sort()
            counts = [value for _, value in buckets]
            self.assertEqual(counts, sorted(counts), (name, rest))
            self.assertEqual(buckets[-1][0], math.inf, (name, rest))
            self.assertEqual(
                exposition.value(name + "_count", **dict(rest)), counts[-1],
                (name, rest))
            self.assertIsNotNone(
                exposition.value(name + "_sum", **dict(rest)), (name, rest))

    def test_promtool_accepts_the_exposition(self):
        _require_prometheus_tools()
        server, grpc_port = self.start_server(
            "--metrics_listen=127.0.0.1:0", "--metrics_refresh_seconds=1")
        metrics_port = self.metrics_port(server)
        done = self.make_known_calls(grpc_port)
        exposition = self.scrape_until(metrics_port,
                                       self.expected_settled(done))
        checked = subprocess.run([PROMTOOL, "check", "metrics"],
                                 input=exposition.text,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True,
                                 timeout=RPC_TIMEOUT_S, check=False)
        self.assertEqual(checked.returncode, 0,
                         "promtool check metrics exited with %d:\n%s"
                         % (checked.returncode, checked.stdout))

    def test_a_real_prometheus_scrapes_the_counts(self):
        _require_prometheus_tools()
        server, grpc_port = self.start_server(
            "--metrics_listen=127.0.0.1:0", "--metrics_refresh_seconds=1")
        metrics_port = self.metrics_port(server)
        done = self.make_known_calls(grpc_port)
        self.scrape_until(metrics_port, self.expected_settled(done))
        api = self.start_prometheus("127.0.0.1:%d" % metrics_port)

        target = "127.0.0.1:%d" % metrics_port
        expectations = [
            ('grpc_server_handled_total{grpc_method="GetPlan",'
             'grpc_code="OK"}', GOOD_GETS),
            ('grpc_server_handled_total{grpc_method="GetPlan",'
             'grpc_code="NOT_FOUND"}', MISSING_GETS),
            ('up{job="itp"}', 1),
            ("sum(itp_plans)", len(done["plans"])),
            ('itp_worker_threads{job="itp"}', DEFAULT_WORKERS),
            ('itp_job_runs_finished_total{state="SUCCEEDED"}', 1),
        ]
        deadline = time.monotonic() + PROMETHEUS_QUERY_TIMEOUT_S
        while True:
            results = {query: self.prometheus_query(api, query)
                       for query, _ in expectations}
            values = {query: [float(r["value"][1]) for r in result]
                      for query, result in results.items()}
            wanted = {query: [float(value)] for query, value in expectations}
            if values == wanted or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(values, wanted, json.dumps(results, indent=1))
        series = results['grpc_server_handled_total{grpc_method="GetPlan",'
                         'grpc_code="OK"}'][0]["metric"]
        self.assertEqual(series, {
            "__name__": "grpc_server_handled_total", "job": "itp",
            "instance": target, "grpc_service": PLAN_SERVICE,
            "grpc_method": "GetPlan", "grpc_type": "unary",
            "grpc_code": "OK"})

        status, _, body = _http_get(api + "/api/v1/targets")
        self.assertEqual(status, 200, body)
        targets = json.loads(body)["data"]["activeTargets"]
        self.assertEqual([(t["labels"]["job"], t["labels"]["instance"],
                           t["health"], t["lastError"]) for t in targets],
                         [("itp", target, "up", "")], body)

    def start_prometheus(self, target):
        """Starts Prometheus scraping `target` every second; stops it when
        the test ends. Returns its base URL once /-/ready answers."""
        work = tempfile.mkdtemp(prefix="prometheus-", dir=self.test_dir)
        config = os.path.join(work, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as out:
            out.write("global:\n"
                      "  scrape_interval: 1s\n"
                      "  evaluation_interval: 1s\n"
                      "scrape_configs:\n"
                      "  - job_name: itp\n"
                      "    static_configs:\n"
                      "      - targets: [\"%s\"]\n" % target)
        for attempt in range(3):
            port = _free_port()
            log_path = os.path.join(work, "prometheus-%d.log" % attempt)
            log = open(log_path, "wb")
            self.addCleanup(log.close)
            process = subprocess.Popen(
                [PROMETHEUS, "--config.file=" + config,
                 "--storage.tsdb.path=" + os.path.join(work, "data-%d"
                                                       % attempt),
                 "--web.listen-address=127.0.0.1:%d" % port,
                 "--log.level=warn"],
                stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, cwd=work)
            self.addCleanup(self._stop_prometheus, process, log_path)
            base = "http://127.0.0.1:%d" % port
            deadline = time.monotonic() + PROMETHEUS_READY_TIMEOUT_S
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    if _http_get(base + "/-/ready", timeout=1)[0] == 200:
                        return base
                except OSError:
                    pass
                time.sleep(0.1)
            with open(log_path, "rb") as written:
                text = written.read().decode("utf-8", "replace")
            if process.poll() is not None and "address already in use" in text:
                continue  # someone took the port: another one
            self.fail("prometheus did not get ready on port %d within %.0f s "
                      "(exit code %s):\n%s" % (port,
                                               PROMETHEUS_READY_TIMEOUT_S,
                                               process.poll(), text))
        self.fail("prometheus found no free port in 3 attempts")

    def _stop_prometheus(self, process, log_path):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=PROMETHEUS_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=PROMETHEUS_STOP_TIMEOUT_S)
                with open(log_path, "rb") as written:
                    self.fail("prometheus did not stop within %.0f s of "
                              "SIGTERM:\n%s" % (
                                  PROMETHEUS_STOP_TIMEOUT_S,
                                  written.read().decode("utf-8", "replace")))

    def prometheus_query(self, api, query):
        status, _, body = _http_get(
            api + "/api/v1/query?" + urllib.parse.urlencode({"query": query}))
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertEqual(answer["status"], "success", body)
        self.assertEqual(answer["data"]["resultType"], "vector", body)
        return answer["data"]["result"]


class MetricsListenFlagTest(MetricsServerTestCase):

    def test_metrics_are_off_by_default(self):
        listed = subprocess.run([SERVER_BINARY, "--help"],
                                stdout=subprocess.PIPE, text=True,
                                timeout=RPC_TIMEOUT_S, check=False).stdout
        self.assertRegex(listed, r'(?m)^  --metrics_listen \(string, '
                                 r'default ""\)$')
        self.assertRegex(listed, r"(?m)^  --metrics_refresh_seconds "
                                 r"\(int, default 15\)$")
        server, grpc_port = self.start_server(demo=False)
        self.assertNotIn("metrics (Prometheus", server.log())
        self.assertEqual(_listening_addresses(server.process.pid),
                         {("127.0.0.1", grpc_port)})

    def test_a_bare_port_number_is_served_on_loopback(self):
        for attempt in range(3):
            port = _free_port()
            server = itp_e2e.ServerProcess(
                SERVER_BINARY, os.path.join(self.test_dir,
                                            "itp-%d.db" % attempt),
                self.test_dir, args=["--metrics_listen=%d" % port])
            self.addCleanup(self._stop_at_end, server)
            try:
                grpc_port = server.wait_until_serving()
                break
            except AssertionError:
                # Someone else took the port between probe and start.
                if attempt == 2 or "in use" not in server.log():
                    raise
        self.assertEqual(self.metrics_port(server), port)
        self.assertEqual(_listening_addresses(server.process.pid),
                         {("127.0.0.1", grpc_port), ("127.0.0.1", port)})
        exposition = self.scrape(port)
        self.assertEqual(exposition.value("itp_worker_threads"),
                         DEFAULT_WORKERS)
        self.assertEqual(len(exposition.select("itp_build_info")), 1)

    def test_a_bad_address_is_refused_naming_the_flag(self):
        for value in ("nonsense", "256.1.1.1:9464"):
            with self.subTest(value=value):
                work = tempfile.mkdtemp(prefix="bad-", dir=self.test_dir)
                port_file = os.path.join(work, "port")
                try:
                    result = subprocess.run(
                        [SERVER_BINARY, "--listen=127.0.0.1:0",
                         "--db=" + os.path.join(work, "itp.db"),
                         "--port_file=" + port_file,
                         "--metrics_listen=" + value],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True, timeout=BAD_ADDRESS_TIMEOUT_S,
                        check=False)
                except subprocess.TimeoutExpired as expired:
                    self.fail("itp-server --metrics_listen=%s still ran "
                              "after %.0f s:\n%s" % (
                                  value, BAD_ADDRESS_TIMEOUT_S,
                                  expired.output))
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("--metrics_listen", result.stdout)
                # It never announced a port to a supervisor.
                self.assertFalse(os.path.exists(port_file), result.stdout)


def main():
    return itp_e2e.main_with_stubs(sys.modules[__name__],
                                   "MetricsEndpointTest", _generate_stubs)


if __name__ == "__main__":
    sys.exit(main())
