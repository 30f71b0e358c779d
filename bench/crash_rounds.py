#!/usr/bin/python3
"""Crash rounds: itp-server killed with SIGKILL under writing clients.

Each round starts the real server binary on the same SQLite database, runs
--clients writer threads (PARTNER keys of India, Indonesia, Viet Nam, Brazil
and South Africa) that write steel and cement plans back to back, and kills
the server with SIGKILL (kill -9) at a random moment. A plan's life is
CreatePlan (with a request_id), one to four UpdatePlan calls with its etag,
then SubmitPlan (with etag and request_id), SubmitPlan and WithdrawPlan, or
DeletePlan of the draft. A call enters the ledger as acknowledged only once
its OK reply has arrived.

After the kill the database is opened directly (python sqlite3, read-only,
before any server touches it again) for `PRAGMA integrity_check`; then the
server is restarted on it and every plan of the round is read back through
the API (GetPlan, and GetPlanRevision for submissions). A write is lost when
it was acknowledged but its plan is missing or shows older content; the one
call per client that was in flight at the kill may be found applied or not.
The restarted server serves the next round. After the last round every plan
of every round is read once more, the server is stopped with SIGTERM, and
the cleanly closed file is checked again.

    /usr/bin/python3 bench/crash_rounds.py [--rounds 20] [--clients 8] \\
        [--seed 2026] [--server build/server/itp-server] [--proto-dir proto] \\
        [--work-dir DIR]

Prints one line per round (acknowledged calls, calls in flight at the kill
and how many of them were applied, lost calls, the integrity_check result,
the restart time) and a total line. Exits non-zero if a write was lost,
integrity_check is not `ok`, or a call failed before the kill. The run
directory (database, server logs, stubs) is removed on success and kept on
failure. Needs python3-grpcio and python3-grpc-tools (Debian), so
/usr/bin/python3.
"""

import argparse
import concurrent.futures
import importlib
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import itp_e2e  # noqa: E402

import grpc  # noqa: E402

# Generated modules, imported by _generate_stubs().
admin_pb2 = None
admin_pb2_grpc = None
plan_pb2 = None
plan_service_pb2 = None
plan_service_pb2_grpc = None

RPC_TIMEOUT_S = 10.0
# Bound on waits that only guard against a hang.
WAIT_LIMIT_S = 30.0
KILL_DELAY_S = (0.5, 3.0)
VERIFY_THREADS = 8

# 2022 crude steel and cement production (Mt) and emissions intensity
# (t CO2 per t), rounded (worldsteel, USGS, GCCA GNR and national
# inventories, as in tests/e2e/job_runner_test.py), the submitting ministry
# and the national net-zero year.
COUNTRIES = [
    # iso3, name, steel Mt, steel t/t, cement Mt, cement t/t, body, net zero
    ("IND", "India", 125.3, 2.54, 380.0, 0.59,
     "Ministry of Steel, Government of India", 2070),
    ("IDN", "Indonesia", 15.6, 1.90, 65.0, 0.62,
     "Ministry of Industry, Republic of Indonesia", 2060),
    ("VNM", "Viet Nam", 20.0, 2.10, 118.0, 0.68,
     "Ministry of Industry and Trade, Viet Nam", 2050),
    ("BRA", "Brazil", 34.1, 1.70, 63.0, 0.56,
     "Ministry of Development, Industry, Trade and Services, Brazil", 2050),
    ("ZAF", "South Africa", 4.4, 2.40, 13.0, 0.72,
     "Department of Trade, Industry and Competition, South Africa", 2050),
]
WITHDRAWAL_REASON = ("Superseded by the sector roadmap annexed to the updated "
                     "NDC; a revised plan follows.")


def _generate_stubs(proto_dir, out_dir):
    services = ["itp/v1/admin_service.proto", "itp/v1/plan_service.proto"]
    itp_e2e.generate_stubs([proto_dir], out_dir,
                           services + ["itp/v1/plan.proto"], services)
    global admin_pb2, admin_pb2_grpc, plan_pb2, plan_service_pb2
    global plan_service_pb2_grpc
    admin_pb2 = importlib.import_module("itp.v1.admin_service_pb2")
    admin_pb2_grpc = importlib.import_module("itp.v1.admin_service_pb2_grpc")
    plan_pb2 = importlib.import_module("itp.v1.plan_pb2")
    plan_service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plan_service_pb2_grpc = importlib.import_module(
        "itp.v1.plan_service_pb2_grpc")


def _metadata(key):
    return (("authorization", "Bearer " + key),)


def plan_content(country, steel, version):
    """The content of a plan at `version` (0 when created, then one more per
    UpdatePlan): each consultation draft lowers the 2030 intensity."""
    iso3, name, steel_mt, steel_t, cement_mt, cement_t, body, net_zero = \
        country
    production = steel_mt if steel else cement_mt
    intensity = steel_t if steel else cement_t
    plan = plan_pb2.Plan(
        display_name="%s %s transition plan, consultation draft %d"
        % (name, "crude steel" if steel else "cement", version + 1),
        summary=("Scrap-based EAF, hydrogen DRI and CCUS towards net zero "
                 "by %d" if steel else
                 "Clinker substitution, alternative fuels and CCUS towards "
                 "net zero by %d") % net_zero,
        submitting_body=body)
    pathway = plan.sectors.add(
        sector=plan_pb2.IRON_AND_STEEL if steel else plan_pb2.CEMENT,
        intensity_unit=("tCO2/t crude steel" if steel
                        else "tCO2/t cementitious product"),
        scope_boundary=plan_pb2.SectorPathway.SCOPE_1, base_year=2022)
    for year, mt, tco2 in (
            (2022, production, intensity),
            (2030, round(production * 1.12, 3),
             round(intensity * (0.97 - 0.01 * version), 4)),
            (2050, round(production * 1.25, 3), round(intensity * 0.45, 4))):
        pathway.points.add(year=year, production_mt=mt,
                           intensity_tco2_per_t=tco2)
    plan.targets.add(type=plan_pb2.Target.NET_ZERO, target_year=net_zero,
                     legal_status=plan_pb2.Target.POLICY_DOCUMENT)
    return plan


CONTENT_FIELDS = ("display_name", "summary", "submitting_body", "sectors",
                  "targets")


def same_content(plan, expected):
    return all(getattr(plan, field) == getattr(expected, field)
               for field in CONTENT_FIELDS)


class PlanRecord:
    """The ledger entry of one plan: the calls its writer planned, the last
    one acknowledged and the one in flight (sent, no reply yet).

    `steps` are "create", "update"..., then "submit" (perhaps followed by
    "withdraw") or "delete"; step i < `updates` + 1 leaves content version i.
    `acked` is the index of the last step whose OK reply arrived (-1: none)
    and `acked_etag` the etag of that reply.
    """

    def __init__(self, name, country, steel, updates, ending, round_no):
        self.name = name
        self.country = country
        self.steel = steel
        self.updates = updates
        self.steps = ["create"] + ["update"] * updates + ending
        self.round_no = round_no
        self.acked = -1
        self.acked_etag = None
        self.in_flight = None

    def content(self, version):
        return plan_content(self.country, self.steel, version)

    def observed_step(self, plan):
        """The step `plan` (None: NOT_FOUND) shows, or None if it shows none
        of them (content that no call wrote)."""
        last = self.updates  # the content version submitted
        if plan is None:
            if "delete" in self.steps and self.acked >= last:
                return self.steps.index("delete")
            return -1
        if plan.state == plan_pb2.Plan.DRAFT:
            for version in range(last + 1):
                if same_content(plan, self.content(version)):
                    return version if plan.revision == 0 else None
            return None
        if not same_content(plan, self.content(last)) or plan.revision != 1:
            return None
        if plan.state == plan_pb2.Plan.SUBMITTED and "submit" in self.steps:
            return self.steps.index("submit")
        if (plan.state == plan_pb2.Plan.WITHDRAWN and "withdraw" in self.steps
                and plan.withdrawal_reason == WITHDRAWAL_REASON):
            return self.steps.index("withdraw")
        return None


class Writer(threading.Thread):
    """One client on a channel of its own: writes plans of its country until
    a call fails (the server was killed)."""

    def __init__(self, index, round_no, address, key, country, seed):
        super().__init__(daemon=True)
        self.index = index
        self.round_no = round_no
        self.address = address
        self.key = key
        self.country = country
        self.rng = random.Random("%s-%d-%d" % (seed, round_no, index))
        self.records = []
        self.acknowledged = 0
        self.failure = None  # (monotonic time, code, details)

    def run(self):
        channel = grpc.insecure_channel(self.address)
        try:
            self._write(plan_service_pb2_grpc.PlanServiceStub(channel))
        finally:
            channel.close()

    def _write(self, stub):
        metadata = _metadata(self.key)
        sequence = 0
        while True:
            sequence += 1
            steel = self.rng.random() < 0.5
            ending = self.rng.choices(
                (["submit"], ["submit", "withdraw"], ["delete"]),
                weights=(6, 2, 2))[0]
            plan_id = "%s-r%02d-c%d-%05d" % ("steel" if steel else "cement",
                                             self.round_no, self.index,
                                             sequence)
            record = PlanRecord(
                "countries/%s/plans/%s" % (self.country[0], plan_id),
                self.country, steel, self.rng.randint(1, 4), ending,
                self.round_no)
            self.records.append(record)
            etag = ""
            for step, kind in enumerate(record.steps):
                if kind == "create":
                    call = stub.CreatePlan
                    request = plan_service_pb2.CreatePlanRequest(
                        parent="countries/" + self.country[0],
                        plan_id=plan_id, plan=record.content(0),
                        request_id=str(uuid.uuid4()))
                elif kind == "update":
                    plan = record.content(step)
                    plan.name = record.name
                    plan.etag = etag
                    call = stub.UpdatePlan
                    request = plan_service_pb2.UpdatePlanRequest(plan=plan)
                    request.update_mask.paths.extend(
                        ["display_name", "sectors"])
                elif kind == "submit":
                    call = stub.SubmitPlan
                    request = plan_service_pb2.SubmitPlanRequest(
                        name=record.name, etag=etag,
                        request_id=str(uuid.uuid4()))
                elif kind == "withdraw":
                    call = stub.WithdrawPlan
                    request = plan_service_pb2.WithdrawPlanRequest(
                        name=record.name, etag=etag,
                        request_id=str(uuid.uuid4()),
                        reason=WITHDRAWAL_REASON)
                else:
                    call = stub.DeletePlan
                    request = plan_service_pb2.DeletePlanRequest(
                        name=record.name, etag=etag)
                record.in_flight = step
                try:
                    reply = call(request, metadata=metadata,
                                 timeout=RPC_TIMEOUT_S)
                except grpc.RpcError as error:
                    self.failure = (time.monotonic(), error.code(),
                                    error.details() or "")
                    return
                # Acknowledged: only now does the call enter the ledger.
                etag = getattr(reply, "etag", "")
                record.acked = step
                record.acked_etag = etag or None
                record.in_flight = None
                self.acknowledged += 1


def integrity_check(db_path):
    """`PRAGMA integrity_check` on the file as the crash left it, through a
    read-only connection (no checkpoint, the write-ahead log stays for the
    server's own recovery). Returns the result, "ok" when sound."""
    try:
        connection = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True,
                                     timeout=WAIT_LIMIT_S)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        return "error: %s" % error
    return "; ".join(str(row[0]) for row in rows)


class Verifier:
    """Reads plans back through the API of a (restarted) server."""

    def __init__(self, address, keys):
        self.channel = grpc.insecure_channel(address)
        grpc.channel_ready_future(self.channel).result(timeout=WAIT_LIMIT_S)
        self.plans = plan_service_pb2_grpc.PlanServiceStub(self.channel)
        self.keys = keys

    def close(self):
        self.channel.close()

    def _read(self, record):
        metadata = _metadata(self.keys[record.country[0]])
        try:
            plan = self.plans.GetPlan(
                plan_service_pb2.GetPlanRequest(name=record.name),
                metadata=metadata, timeout=RPC_TIMEOUT_S)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            return None, None
        revision = None
        if plan.revision >= 1:
            revision = self.plans.GetPlanRevision(
                plan_service_pb2.GetPlanRevisionRequest(
                    name=record.name + "/revisions/1"),
                metadata=metadata, timeout=RPC_TIMEOUT_S)
        return plan, revision

    def check(self, records):
        """Compares each plan with its ledger entry and makes what was found
        the entry's acknowledged state. Returns (lost calls, in flight,
        in flight applied, problems)."""
        with concurrent.futures.ThreadPoolExecutor(VERIFY_THREADS) as pool:
            found = list(pool.map(self._read, records))
        lost = in_flight = applied = 0
        problems = []
        for record, (plan, revision) in zip(records, found):
            step = record.observed_step(plan)
            if revision is not None and not (
                    revision.revision == 1 and same_content(
                        revision.plan, record.content(record.updates))):
                step = None
            if record.in_flight is not None:
                in_flight += 1
            if step is not None and step == record.acked:
                if plan is not None and plan.etag != record.acked_etag:
                    lost += 1
                    problems.append("%s: etag %s, acknowledged %s" % (
                        record.name, plan.etag, record.acked_etag))
            elif step is not None and step == record.in_flight:
                applied += 1
            elif step is not None and step < record.acked:
                lost += record.acked - step
                problems.append("%s: shows step %d (%s), acknowledged %d (%s)"
                                % (record.name, step,
                                   record.steps[step] if step >= 0 else
                                   "nothing", record.acked,
                                   record.steps[record.acked]))
            else:
                lost += max(record.acked + 1, 1)
                problems.append("%s: shows %s, acknowledged step %d, in "
                                "flight %s" % (record.name,
                                               "NOT_FOUND" if plan is None
                                               else "state %d revision %d %r"
                                               % (plan.state, plan.revision,
                                                  plan.display_name),
                                               record.acked,
                                               record.in_flight))
            if step is not None:
                record.acked = step
                record.acked_etag = plan.etag if plan is not None else None
            record.in_flight = None
        return lost, in_flight, applied, problems


def create_partner_keys(address, admin_key):
    channel = grpc.insecure_channel(address)
    try:
        admin = admin_pb2_grpc.AdminServiceStub(channel)
        keys = {}
        for country in COUNTRIES:
            created = admin.CreateApiKey(
                admin_pb2.CreateApiKeyRequest(api_key=admin_pb2.ApiKey(
                    display_name="%s - plan upload" % country[6],
                    role=admin_pb2.PARTNER, countries=[country[0]])),
                metadata=_metadata(admin_key), timeout=RPC_TIMEOUT_S)
            keys[country[0]] = created.secret
        return keys
    finally:
        channel.close()


def run(options, run_dir):
    """The rounds; returns True if nothing was lost and every check passed."""
    db_path = os.path.join(run_dir, "itp.db")
    log_dir = os.path.join(run_dir, "logs")
    rng = random.Random(options.seed)
    server = itp_e2e.ServerProcess(options.server, db_path, log_dir,
                                   args=["--admin_key_file=" + os.path.join(
                                       run_dir, "itp-admin.key")])
    address = "127.0.0.1:%d" % server.wait_until_serving()
    keys = create_partner_keys(address, itp_e2e.read_admin_key(run_dir))
    ledger = []
    totals = {"acknowledged": 0, "lost": 0, "ok": 0, "in_flight": 0,
              "applied": 0}
    failed = False
    print("%d rounds, %d clients, seed %s, database %s"
          % (options.rounds, options.clients, options.seed, db_path))
    print("%5s %9s %12s %6s %9s %7s %6s  %s" % (
        "round", "kill_at_s", "acknowledged", "calls/s", "in_flight",
        "applied", "lost", "integrity_check  restart_s"))
    try:
        for round_no in range(1, options.rounds + 1):
            delay = rng.uniform(*KILL_DELAY_S)
            writers = [Writer(i, round_no, address,
                              keys[COUNTRIES[i % len(COUNTRIES)][0]],
                              COUNTRIES[i % len(COUNTRIES)], options.seed)
                       for i in range(options.clients)]
            started = time.monotonic()
            for writer in writers:
                writer.start()
            time.sleep(delay)
            killed_at = time.monotonic()
            server.kill()
            for writer in writers:
                writer.join(WAIT_LIMIT_S)
            if any(writer.is_alive() for writer in writers):
                raise RuntimeError("a writer did not stop after the kill")
            early = [w.failure for w in writers
                     if w.failure is None or w.failure[0] < killed_at]
            integrity = integrity_check(db_path)

            restarting = time.monotonic()
            server = itp_e2e.ServerProcess(options.server, db_path, log_dir)
            address = "127.0.0.1:%d" % server.wait_until_serving()
            restart_s = time.monotonic() - restarting
            records = [r for w in writers for r in w.records]
            ledger.extend(records)
            acknowledged = sum(w.acknowledged for w in writers)
            verifier = Verifier(address, keys)
            try:
                lost, in_flight, applied, problems = verifier.check(records)
            finally:
                verifier.close()

            print("%5d %9.2f %12d %6.0f %9d %7d %6d  %-15s  %9.2f" % (
                round_no, killed_at - started, acknowledged,
                acknowledged / (killed_at - started), in_flight, applied,
                lost, integrity, restart_s))
            for problem in problems[:10]:
                print("      lost: " + problem)
            for failure in early:
                print("      a writer stopped before the kill: %s" % (
                    "its thread died (see the traceback)" if failure is None
                    else "%s %s" % (failure[1], failure[2])))
            totals["acknowledged"] += acknowledged
            totals["lost"] += lost
            totals["in_flight"] += in_flight
            totals["applied"] += applied
            totals["ok"] += integrity == "ok"
            failed = failed or lost > 0 or integrity != "ok" or bool(early)

        # Every plan of every round, once more, then a clean stop.
        verifier = Verifier(address, keys)
        try:
            lost_again, _, _, problems = verifier.check(ledger)
        finally:
            verifier.close()
        for problem in problems[:10]:
            print("      lost: " + problem)
        code = server.terminate()
        final_integrity = integrity_check(db_path)
        print("re-read %d plans of all rounds: %d lost; SIGTERM exit %d; "
              "integrity_check after the clean stop: %s"
              % (len(ledger), lost_again, code, final_integrity))
        totals["lost"] += lost_again
        failed = (failed or lost_again > 0 or code != 0
                  or final_integrity != "ok")
    finally:
        if server.running():
            server.kill()
    print("total: %d rounds, %d acknowledged, %d lost, integrity_check ok "
          "%d/%d; %d calls in flight at the kills, %d of them applied"
          % (options.rounds, totals["acknowledged"], totals["lost"],
             totals["ok"], options.rounds, totals["in_flight"],
             totals["applied"]))
    return not failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server",
                        default=os.path.join(ROOT, "build", "server",
                                             "itp-server"),
                        help="path to the itp-server binary")
    parser.add_argument("--proto-dir", default=os.path.join(ROOT, "proto"),
                        help="the repository's proto/ directory")
    parser.add_argument("--work-dir", default=None,
                        help="directory for the run directory (database, "
                             "logs, stubs); default: the system temp dir")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026,
                        help="seeds the kill moments and the writers' "
                             "choices")
    options = parser.parse_args()
    if options.rounds < 1 or options.clients < 1:
        parser.error("--rounds and --clients must be at least 1")
    options.server = os.path.abspath(options.server)
    if not os.access(options.server, os.X_OK):
        print("not an executable: %s" % options.server, file=sys.stderr)
        return 1
    if options.work_dir:
        os.makedirs(options.work_dir, exist_ok=True)
    run_dir = tempfile.mkdtemp(prefix="crash-rounds-", dir=(
        os.path.abspath(options.work_dir) if options.work_dir else None))
    _generate_stubs(os.path.abspath(options.proto_dir),
                    os.path.join(run_dir, "stubs"))
    started = time.monotonic()
    ok = False
    try:
        ok = run(options, run_dir)
    finally:
        print("wall time %.1f s" % (time.monotonic() - started))
        if ok:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print("database and logs kept in %s" % run_dir)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
