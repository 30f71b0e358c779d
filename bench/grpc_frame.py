#!/usr/bin/python3
"""Python side of bench/grpc_load.sh: gRPC request bodies, seeding and jobs.

Talks to a running itp-server through grpcio with generic calls; the message
classes come from modules that /usr/bin/protoc generated into --stubs
(`protoc --python_out`), so no gRPC code generator is needed.

  frame METHOD JSON OUT [--response-out FILE]
                         writes the request (proto3 JSON) as one gRPC frame for
                         `h2load -d OUT`, then sends those exact bytes once
                         and exits non-zero unless the status is OK; the
                         serialized response goes to FILE when given
  seed N                 creates N steel and cement plans of 25 countries and
                         submits nine in ten of them
  create-key ROLE OUT [COUNTRY ...]
                         creates an API key (PARTNER, REVIEWER, ...) with the
                         admin key and writes its secret to OUT
  streams N --stream-key-file KEY --until FILE
                         opens N WatchPlanEvents streams of countries/- with
                         the key in FILE, prints how many were refused
                         (RESOURCE_EXHAUSTED) and how many are open, and
                         holds the open ones until FILE exists
  health                 prints the serving status of itp.v1.PlanService
                         (SERVING, NOT_SERVING)
  job-runs ID (--runs N | --until FILE)
                         creates benchmark job ID over every submitted plan
                         and runs it N times, or back to back until FILE
                         exists, then prints run times and plans per second

METHOD is `package.Service/Method`, e.g. `itp.v1.PlanService/GetPlan`.
"""

import argparse
import glob
import importlib
import json
import os
import random
import struct
import sys
import time

import grpc
from google.protobuf import descriptor_pool, json_format

RPC_TIMEOUT_S = 30.0
# job-runs never takes longer than this.
JOB_LOOP_LIMIT_S = 60.0

# Indicative starting points: crude steel (worldsteel) and cement (USGS)
# output in Mt, intensities in t CO2 per t, and the national net-zero year.
COUNTRIES = [
    ("CHN", "China", 1019.1, 2.00, 2100.0, 0.60, 2060),
    ("IND", "India", 125.3, 2.54, 410.0, 0.56, 2070),
    ("JPN", "Japan", 87.0, 1.95, 50.0, 0.72, 2050),
    ("USA", "United States", 81.4, 1.00, 93.0, 0.62, 2050),
    ("RUS", "Russian Federation", 75.8, 1.90, 62.0, 0.64, 2060),
    ("KOR", "Korea", 66.7, 1.90, 50.0, 0.65, 2050),
    ("DEU", "Germany", 35.4, 1.40, 33.0, 0.58, 2045),
    ("TUR", "Turkiye", 35.1, 1.10, 85.0, 0.62, 2053),
    ("BRA", "Brazil", 33.7, 1.70, 63.0, 0.58, 2050),
    ("VNM", "Viet Nam", 22.1, 2.20, 110.0, 0.68, 2050),
    ("ITA", "Italy", 21.1, 0.90, 20.0, 0.60, 2050),
    ("MEX", "Mexico", 18.4, 1.20, 50.0, 0.60, 2050),
    ("IDN", "Indonesia", 17.0, 1.90, 62.0, 0.62, 2060),
    ("ESP", "Spain", 11.4, 0.80, 17.0, 0.60, 2050),
    ("EGY", "Egypt", 10.4, 1.30, 50.0, 0.66, 2050),
    ("FRA", "France", 10.0, 1.30, 17.0, 0.55, 2050),
    ("SAU", "Saudi Arabia", 9.0, 1.00, 53.0, 0.70, 2060),
    ("MYS", "Malaysia", 7.0, 1.50, 21.0, 0.65, 2050),
    ("POL", "Poland", 6.4, 1.20, 19.0, 0.60, 2050),
    ("ARG", "Argentina", 5.1, 1.20, 12.0, 0.60, 2050),
    ("PAK", "Pakistan", 5.0, 1.20, 50.0, 0.70, 2050),
    ("ZAF", "South Africa", 4.9, 2.40, 12.0, 0.75, 2050),
    ("THA", "Thailand", 4.5, 0.90, 35.0, 0.55, 2065),
    ("NGA", "Nigeria", 2.0, 1.00, 24.0, 0.60, 2060),
    ("KEN", "Kenya", 0.05, 0.60, 9.2, 0.60, 2050),
]


def load_stubs(stubs_dir):
    """Imports every generated itp/v1 module, filling the descriptor pool."""
    sys.path.insert(0, stubs_dir)
    for path in sorted(glob.glob(os.path.join(stubs_dir, "itp", "v1",
                                              "*_pb2.py"))):
        importlib.import_module("itp.v1." + os.path.basename(path)[:-3])


def message_class(descriptor):
    module = importlib.import_module(
        descriptor.file.name[:-len(".proto")].replace("/", ".") + "_pb2")
    return getattr(module, descriptor.name)


class Client:
    """Unary calls by method name, authenticated with one API key."""

    def __init__(self, address, key_file):
        with open(key_file, encoding="ascii") as key:
            self.metadata = (("authorization", "Bearer " + key.read().strip()),)
        self.channel = grpc.insecure_channel(address)

    def types(self, method):
        service, name = method.split("/")
        descriptor = descriptor_pool.Default().FindServiceByName(
            service).FindMethodByName(name)
        return (message_class(descriptor.input_type),
                message_class(descriptor.output_type))

    def call_bytes(self, method, body):
        """Sends serialized request bytes; returns the parsed response."""
        _, response_type = self.types(method)
        rpc = self.channel.unary_unary(
            "/" + method, response_deserializer=response_type.FromString)
        return rpc(body, timeout=RPC_TIMEOUT_S, metadata=self.metadata)

    def call(self, method, request_json):
        request_type, _ = self.types(method)
        request = json_format.Parse(request_json, request_type())
        return self.call_bytes(method, request.SerializeToString())


def frame(client, args):
    request_type, _ = client.types(args.method)
    body = json_format.Parse(args.json, request_type()).SerializeToString()
    framed = b"\x00" + struct.pack(">I", len(body)) + body
    with open(args.out, "wb") as out:
        out.write(framed)
    with open(args.out, "rb") as written:
        response = client.call_bytes(args.method, written.read()[5:])
    if args.response_out:
        with open(args.response_out, "wb") as out:
            out.write(response.SerializeToString())
    print("  %s: gRPC OK through grpcio (request %d B, response %d B)"
          % (args.method, len(framed), response.ByteSize()))


def sector_json(sector, base_mt, base_intensity, base_year, end_year, rng):
    growth = rng.uniform(0.7, 2.0)
    residual = rng.uniform(0.03, 0.5)
    points = []
    for k in range(4):
        f = k / 3
        points.append({
            "year": base_year + round((end_year - base_year) * f),
            "production_mt": round(base_mt * (1 + (growth - 1) * f), 3),
            "intensity_tco2_per_t": round(
                base_intensity * (1 - (1 - residual) * f * f), 4)})
    cement = sector == "CEMENT"
    return {"sector": sector,
            "intensity_unit": ("tCO2/t cementitious product" if cement
                               else "tCO2/t crude steel"),
            "scope_boundary": "SCOPE_1" if cement else "SCOPE_1_AND_2",
            "base_year": base_year, "points": points}


def seed(client, args):
    rng = random.Random(20220401)
    for i in range(args.count):
        code, name, steel_mt, steel_i, cement_mt, cement_i, net_zero = (
            COUNTRIES[i % len(COUNTRIES)])
        # Each country gets steel and cement plans in turn, scenario 1, 2...
        variant = i // len(COUNTRIES)
        scenario = variant // 2 + 1
        if variant % 2 == 0:
            label, sector, base_mt, base_i = ("steel", "IRON_AND_STEEL",
                                              steel_mt, steel_i)
        else:
            label, sector, base_mt, base_i = ("cement", "CEMENT", cement_mt,
                                              cement_i)
        plan_id = "%s-pathway-%02d" % (label, scenario)
        plan = {
            "display_name": "%s %s pathway, scenario %d" % (name, label,
                                                            scenario),
            "summary": "Benchmark seed: %s sector towards net zero by %d"
                       % (label, net_zero),
            "submitting_body": "Ministry of Industry, %s" % name,
            "sectors": [sector_json(sector, base_mt * rng.uniform(0.9, 1.1),
                                    base_i * rng.uniform(0.95, 1.05),
                                    2019 + variant % 5, net_zero, rng)],
            "targets": [{"type": "NET_ZERO", "target_year": net_zero}]}
        created = client.call("itp.v1.PlanService/CreatePlan", json.dumps(
            {"parent": "countries/" + code, "plan_id": plan_id,
             "plan": plan}))
        if i % 10 != 9:
            client.call("itp.v1.PlanService/SubmitPlan",
                        '{"name": "%s"}' % created.name)


def create_key(client, args):
    created = client.call("itp.v1.AdminService/CreateApiKey", json.dumps(
        {"api_key": {"display_name": "Load benchmark %s key" % args.role,
                     "role": args.role, "countries": args.countries}}))
    with open(args.out, "w", encoding="ascii") as out:
        out.write(created.secret + "\n")


def streams(client, args):
    """Opens WatchPlanEvents streams and holds them until a file exists."""
    with open(args.stream_key_file, encoding="ascii") as key:
        metadata = (("authorization", "Bearer " + key.read().strip()),)
    request_type, _ = client.types("itp.v1.ReviewService/WatchPlanEvents")
    request = request_type(parent="countries/-").SerializeToString()
    watch = client.channel.unary_stream(
        "/itp.v1.ReviewService/WatchPlanEvents")
    calls = [watch(request, metadata=metadata, timeout=JOB_LOOP_LIMIT_S * 2)
             for _ in range(args.count)]
    refused = []

    def on_done(call):
        if call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
            refused.append(call)
    for call in calls:
        call.add_done_callback(on_done)
    deadline = time.monotonic() + JOB_LOOP_LIMIT_S
    # The refusals come at once; the open streams stay silent.
    while time.monotonic() < deadline:
        settled = sum(1 for c in calls if c.done())
        time.sleep(0.5)
        if settled == sum(1 for c in calls if c.done()):
            break
    codes = {}
    for call in calls:
        name = call.code().name if call.done() else "OPEN"
        codes[name] = codes.get(name, 0) + 1
    print(", ".join("%d %s" % (n, code) for code, n in sorted(codes.items())),
          flush=True)
    with open(args.until + ".ready", "w", encoding="ascii"):
        pass
    hold_until = time.monotonic() + 2 * JOB_LOOP_LIMIT_S
    while not os.path.exists(args.until) and time.monotonic() < hold_until:
        time.sleep(0.05)
    for call in calls:
        call.cancel()


def health(client, args):
    # grpc.health.v1 by hand (its generated module would shadow the grpc
    # package): HealthCheckRequest{service = 1}, response {status = 1}.
    service = b"itp.v1.PlanService"
    check = client.channel.unary_unary("/grpc.health.v1.Health/Check")
    response = check(b"\x0a" + bytes([len(service)]) + service,
                     timeout=RPC_TIMEOUT_S)
    status = response[1] if len(response) == 2 and response[0] == 8 else 0
    print({1: "SERVING", 2: "NOT_SERVING"}.get(status, "UNKNOWN"))


def job_runs(client, args):
    """Runs one benchmark job over every submitted plan back to back."""
    job = "benchmarkJobs/" + args.job_id
    client.call("itp.v1.BenchmarkJobService/CreateBenchmarkJob", json.dumps(
        {"benchmark_job_id": args.job_id,
         "benchmark_job": {"display_name": "Load benchmark: every plan"}}))
    deadline = time.monotonic() + JOB_LOOP_LIMIT_S
    rejected = 0

    def call(method, request):
        """Retries calls the saturated server rejects, as clients would."""
        nonlocal rejected
        while True:
            try:
                return client.call(method, request)
            except grpc.RpcError as error:
                if (error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED
                        or time.monotonic() > deadline):
                    raise
                rejected += 1
                time.sleep(0.01)

    durations = []
    plans = failed = 0
    while time.monotonic() < deadline:
        run = call("itp.v1.BenchmarkJobService/RunBenchmarkJob",
                   json.dumps({"name": job}))
        while run.state in (run.PENDING, run.RUNNING):
            if time.monotonic() > deadline:
                raise SystemExit("job run %s unfinished after %.0f s"
                                 % (run.name, JOB_LOOP_LIMIT_S))
            time.sleep(0.01)
            run = call("itp.v1.BenchmarkJobService/GetBenchmarkJobRun",
                       json.dumps({"name": run.name}))
        if run.state != run.SUCCEEDED:
            raise SystemExit("job run %s ended %s: %s" % (
                run.name, run.State.Name(run.state), run.reason))
        durations.append((run.end_time.ToNanoseconds()
                          - run.start_time.ToNanoseconds()) / 1e9)
        plans += run.succeeded_plans
        failed += run.failed_plans
        if (len(durations) == args.runs if args.until is None
                else os.path.exists(args.until)):
            break
    total = sum(durations)
    print("%d runs, %d plans benchmarked (%d failed), run time mean %.3f s,"
          " max %.3f s, %.0f plans/s%s"
          % (len(durations), plans, failed, total / len(durations),
             max(durations), plans / total if total else 0,
             "; %d calls retried after RESOURCE_EXHAUSTED" % rejected
             if rejected else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stubs", required=True,
                        help="directory of modules from protoc --python_out")
    parser.add_argument("--address", required=True, help="host:port")
    parser.add_argument("--key-file", required=True, help="API key file")
    commands = parser.add_subparsers(dest="command", required=True)
    framed = commands.add_parser("frame")
    framed.add_argument("method")
    framed.add_argument("json")
    framed.add_argument("out")
    framed.add_argument("--response-out")
    framed.set_defaults(handler=frame)
    seeded = commands.add_parser("seed")
    seeded.add_argument("count", type=int)
    seeded.set_defaults(handler=seed)
    key = commands.add_parser("create-key")
    key.add_argument("role")
    key.add_argument("out")
    key.add_argument("countries", nargs="*")
    key.set_defaults(handler=create_key)
    held = commands.add_parser("streams")
    held.add_argument("count", type=int)
    held.add_argument("--stream-key-file", required=True)
    held.add_argument("--until", required=True, metavar="FILE")
    held.set_defaults(handler=streams)
    checked = commands.add_parser("health")
    checked.set_defaults(handler=health)
    jobs = commands.add_parser("job-runs")
    jobs.add_argument("job_id")
    until = jobs.add_mutually_exclusive_group(required=True)
    until.add_argument("--runs", type=int)
    until.add_argument("--until", metavar="FILE")
    jobs.set_defaults(handler=job_runs)
    args = parser.parse_args()

    load_stubs(args.stubs)
    client = Client(args.address, args.key_file)
    try:
        args.handler(client, args)
    except grpc.RpcError as error:
        print("%s failed: %s %s" % (args.command, error.code().name,
                                    error.details()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
