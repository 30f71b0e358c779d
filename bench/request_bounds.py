#!/usr/bin/python3
"""The attacks of issue "Abuse resistance", against a real itp-server.

Starts build/server/itp-server on a fresh database, sends each attack and
prints, for each: the status code, the answer's time, the server's resident
memory before and after (VmRSS and its peak VmHWM, from /proc) and the growth
of the database (file plus write-ahead log, and the file alone after the
server has closed it).

    /usr/bin/python3 bench/request_bounds.py [--build build]

The figures are this machine's; tests/service/request_bounds_test.cc checks
the bounds themselves (codes, violations, bytes and rows).
"""

import argparse
import importlib
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import itp_e2e  # noqa: E402

import grpc  # noqa: E402


def rss_kib(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def file_bytes(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    binary = os.path.join(args.build, "server", "itp-server")
    work = tempfile.mkdtemp(prefix="itp-bounds-")
    stubs = os.path.join(work, "stubs")
    services = ["itp/v1/admin_service.proto", "itp/v1/plan_service.proto",
                "itp/v1/benchmark_service.proto",
                "itp/v1/benchmark_job_service.proto"]
    itp_e2e.generate_stubs(
        [os.path.join(ROOT, "proto")], stubs,
        services + ["itp/v1/plan.proto", "itp/v1/benchmark.proto",
                    "itp/v1/benchmark_job.proto"], services)
    admin_pb2 = importlib.import_module("itp.v1.admin_service_pb2")
    admin_grpc = importlib.import_module("itp.v1.admin_service_pb2_grpc")
    plan_pb2 = importlib.import_module("itp.v1.plan_pb2")
    plans_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plans_grpc = importlib.import_module("itp.v1.plan_service_pb2_grpc")
    bench_pb2 = importlib.import_module("itp.v1.benchmark_service_pb2")
    bench_grpc = importlib.import_module("itp.v1.benchmark_service_pb2_grpc")
    jobs_pb2 = importlib.import_module("itp.v1.benchmark_job_service_pb2")
    jobs_grpc = importlib.import_module("itp.v1.benchmark_job_service_pb2_grpc")

    db = os.path.join(work, "itp.db")
    server = itp_e2e.ServerProcess(binary, db, work)
    port = server.wait_until_serving()
    channel = grpc.insecure_channel(
        "127.0.0.1:%d" % port,
        options=[("grpc.max_send_message_length", 8 << 20)])
    admin_key = itp_e2e.read_admin_key(work)
    admin = admin_grpc.AdminServiceStub(channel)
    plans = plans_grpc.PlanServiceStub(channel)
    benchmarks = bench_grpc.BenchmarkServiceStub(channel)
    jobs = jobs_grpc.BenchmarkJobServiceStub(channel)

    def auth(key):
        return (("authorization", "Bearer " + key),)

    created = admin.CreateApiKey(admin_pb2.CreateApiKeyRequest(
        api_key=admin_pb2.ApiKey(display_name="Ministry of Steel, India",
                                 role=admin_pb2.PARTNER, countries=["IND"])),
        metadata=auth(admin_key))
    india = created.secret
    plan = plans.CreatePlan(plans_pb2.CreatePlanRequest(
        parent="countries/IND", plan_id="steel-2070",
        plan=plan_pb2.Plan(display_name="India green steel roadmap", sectors=[
            plan_pb2.SectorPathway(sector=plan_pb2.IRON_AND_STEEL,
                                   base_year=2020, points=[
                plan_pb2.PathwayPoint(year=2020, intensity_tco2_per_t=2.54),
                plan_pb2.PathwayPoint(year=2030, intensity_tco2_per_t=2.2)])])),
        metadata=auth(india))

    def attack(label, call, repeat=1):
        before_rss, _ = rss_kib(server.process.pid)
        before_db = file_bytes(db) + file_bytes(db + "-wal")
        start = time.monotonic()
        codes = {}
        for _ in range(repeat):
            try:
                call()
                code = "OK"
            except grpc.RpcError as error:
                code = error.code().name
            codes[code] = codes.get(code, 0) + 1
        elapsed = time.monotonic() - start
        rss, hwm = rss_kib(server.process.pid)
        grown = file_bytes(db) + file_bytes(db + "-wal") - before_db
        print("%-58s %-24s %8.3f s  RSS %6.1f -> %6.1f MiB (peak %6.1f)  "
              "database +%d KiB" % (
                  label, ",".join("%s x%d" % kv for kv in codes.items()),
                  elapsed, before_rss / 1024, rss / 1024, hwm / 1024,
                  grown // 1024))

    huge = plans_pb2.CreatePlanRequest(
        parent="countries/IND", plan_id="steel-huge",
        plan=plan_pb2.Plan(display_name="India green steel roadmap"))
    sector = huge.plan.sectors.add()
    sector.sector = plan_pb2.IRON_AND_STEEL
    for _ in range(300000):
        sector.points.add()
    attack("CreatePlan, 300,000 empty points (%d KB)" % (
        huge.ByteSize() // 1000),
        lambda: plans.CreatePlan(huge, metadata=auth(india), timeout=60))

    years = bench_pb2.BenchmarkPlanRequest(name=plan.name,
                                           checkpoint_years=[2030] * 1000000)
    attack("BenchmarkPlan, 1,000,000 checkpoint_years",
           lambda: benchmarks.BenchmarkPlan(years, metadata=auth(india),
                                            timeout=60))
    job = jobs_pb2.CreateBenchmarkJobRequest(benchmark_job_id="nightly")
    job.benchmark_job.display_name = "Nightly steel benchmark"
    job.benchmark_job.checkpoint_years.extend([2030] * 1000000)
    attack("CreateBenchmarkJob, 1,000,000 checkpoint_years",
           lambda: jobs.CreateBenchmarkJob(job, metadata=auth(admin_key),
                                           timeout=60))
    big_name = plans_pb2.GetPlanRequest(
        name="countries/IND/plans/" + "x" * 4000000)
    attack("20 GetPlan without a key, 4 MB name",
           lambda: plans.GetPlan(big_name, timeout=60), repeat=20)
    submit = plans_pb2.SubmitPlanRequest(
        name="countries/IND/plans/" + "s" * 2000000,
        request_id="r" * 2000000)
    attack("20 SubmitPlan by a partner, 2 MB name and request id",
           lambda: plans.SubmitPlan(submit, metadata=auth(india), timeout=60),
           repeat=20)
    small = plans_pb2.ListPlansRequest(parent="countries/-")
    attack("5,000 ListPlans without a key",
           lambda: plans.ListPlans(small, timeout=60), repeat=5000)

    channel.close()
    server.stop()
    audit_server = itp_e2e.ServerProcess(binary, db, work)
    audit_port = audit_server.wait_until_serving()
    with grpc.insecure_channel("127.0.0.1:%d" % audit_port) as audit_channel:
        events = admin_grpc.AdminServiceStub(audit_channel).ListAuditEvents(
            admin_pb2.ListAuditEventsRequest(page_size=1000,
                                             filter="code = UNAUTHENTICATED"),
            metadata=auth(admin_key)).audit_events
    audit_server.stop()
    print("database file after the server closed it (write-ahead log "
          "checkpointed): %d KiB" % (file_bytes(db) // 1024))
    print("audit events of calls without a key: %d, counting %d calls" % (
        len(events), sum(e.count for e in events)))


if __name__ == "__main__":
    main()
