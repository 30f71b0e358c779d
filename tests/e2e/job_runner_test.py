#!/usr/bin/python3
"""End-to-end test of itp-job-runner against the real itp-server binary.

The set-up is that of a nightly cron job at the LeadIT secretariat: an
itp-server with one job worker on a fresh SQLite database, 200 national steel
and cement plans (10 countries x 2 sectors x 10 scenarios, built from 2022
production and intensity figures) created and submitted through the API, and
a BENCHMARK_RUNNER key that itp-job-runner reads from ITP_API_KEY_FILE.

The tests run in order on the same server and database:

  1. the first run creates the job, benchmarks all 200 plans, exits 0 and
     writes a JSON report with 200 results and a CSV with 200 plan_added rows;
  2. a second run is followed by the runner in the background while the
     server is killed with SIGKILL mid-run and restarted on the same port and
     database: the server resumes the run, the runner reconnects, and the run
     ends (SUCCEEDED, or FAILED with a reason) with every plan accounted for;
  3. one plan goes through review (REQUEST_CHANGES), its partner lowers its
     2030 intensity and resubmits, and the third run's CSV reports exactly the
     label changes that follow (and no plans added).

Python stubs are generated at test time by itp_e2e.generate_stubs(), as for
python_client_test.py.
Run as CTest does:

    /usr/bin/python3 tests/e2e/job_runner_test.py \\
        --server build/server/itp-server --runner build/client/itp-job-runner \\
        --proto-dir proto --work-dir build/tests/e2e-jobs

The last line of output is `N passed, N failed`; the exit status is non-zero
on any failure.
"""

import csv
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import grpc

import itp_e2e

# Set by main() before the tests run.
SERVER_BINARY = None
RUNNER_BINARY = None
RUN_DIR = None
# Generated modules, imported by _generate_stubs().
admin_pb2 = None
admin_pb2_grpc = None
plan_pb2 = None
plan_service_pb2 = None
plan_service_pb2_grpc = None
review_pb2 = None
review_service_pb2 = None
review_service_pb2_grpc = None
job_pb2 = None
job_service_pb2 = None
job_service_pb2_grpc = None

RPC_TIMEOUT_S = 10.0
RUNNER_TIMEOUT_S = 120.0
POLL_INTERVAL_S = 0.001

JOB_ID = "nightly-steel-cement"
JOB_NAME = "benchmarkJobs/" + JOB_ID
JOB_TITLE = "Nightly steel and cement benchmark"
JOB_FILTER = "sector = IRON_AND_STEEL OR sector = CEMENT"

# 2022 crude steel and cement production (Mt) and emissions intensity
# (t CO2 per t), rounded: worldsteel Steel Statistical Yearbook, USGS Mineral
# Commodity Summaries, GCCA GNR and national inventories.
COUNTRIES = [
    # iso3, name, steel Mt, steel t/t, cement Mt, cement t/t
    ("IND", "India", 125.3, 2.54, 380.0, 0.59),
    ("CHN", "China", 1018.0, 1.95, 2130.0, 0.58),
    ("BRA", "Brazil", 34.1, 1.70, 63.0, 0.56),
    ("IDN", "Indonesia", 15.6, 1.90, 65.0, 0.62),
    ("ZAF", "South Africa", 4.4, 2.40, 13.0, 0.72),
    ("MEX", "Mexico", 18.2, 1.20, 50.0, 0.64),
    ("TUR", "Turkiye", 35.1, 1.05, 76.0, 0.63),
    ("VNM", "Viet Nam", 20.0, 2.10, 118.0, 0.68),
    ("EGY", "Egypt", 9.8, 1.40, 50.0, 0.66),
    ("DEU", "Germany", 36.8, 1.55, 33.0, 0.57),
]
SCENARIOS = 10
TOTAL_PLANS = len(COUNTRIES) * 2 * SCENARIOS

# The plan revised in test 3: India's crude steel scenario 1, 2.54 t CO2/t in
# 2022, 2.4638 (x 0.97) in 2030 and 1.143 (x 0.45) in 2050. With 2030 lowered
# to 1.45 its TPI 2022 labels move (TPI steel 2022: 1.5 Degrees / Below 2
# Degrees / National Pledges = 1.129 / 1.488 / 1.632 in 2030, 0.796 / 1.211 /
# 1.546 in 2035, 0.463 / 0.935 / 1.460 in 2040):
#   2030: 2.4638 -> 1.45     Not Aligned -> Below 2 Degrees
#   2035: 2.1336 -> 1.37325  Not Aligned -> National Pledges
#   2040: 1.8034 -> 1.2965   Not Aligned -> National Pledges
# 2025 (2.5114 -> 2.13125) stays Not Aligned, 2050 (1.143) National Pledges,
# and every IEA NZE label stays Not Aligned. The SDA alignment ratios (base
# year 2022, so at 2027 and 2030) turn positive against TPI 1.5 and Below 2
# Degrees: 1p5c 2027 -0.171606 -> 0.126246, 2030 -0.309792 -> 0.229159;
# below-2c 2027 -0.0409292 -> 0.223701, 2030 -0.0676257 -> 0.371679 (the
# python3 script of tests/benchmark/engine_test.cc over TPI's published
# yearly values: 2022 and 2027 are TPI's own figures, 1.517 and 1.274 for
# 1.5 Degrees, 1.614 and 1.535 for Below 2 Degrees, not points on straight
# lines between 2020, 2025 and 2030, which gave -0.170795 -> 0.126851,
# -0.309096 -> 0.229568, -0.0409061 -> 0.223719, -0.0679276 -> 0.371501).
REVISED_PLAN = "countries/IND/plans/steel-2050-scenario-01"
REVISED_2030_INTENSITY = 1.45
EXPECTED_LABEL_ROWS = [
    ["label", REVISED_PLAN, "IRON_AND_STEEL", "TPI 2022", "2030",
     "Not Aligned", "Below 2 Degrees"],
    ["label", REVISED_PLAN, "IRON_AND_STEEL", "TPI 2022", "2035",
     "Not Aligned", "National Pledges"],
    ["label", REVISED_PLAN, "IRON_AND_STEEL", "TPI 2022", "2040",
     "Not Aligned", "National Pledges"],
]
EXPECTED_CROSSINGS = [
    ("pathways/tpi-steel-2022-1p5c", "2027", "-0.171606", "0.126246"),
    ("pathways/tpi-steel-2022-1p5c", "2030", "-0.309792", "0.229159"),
    ("pathways/tpi-steel-2022-below-2c", "2027", "-0.0409292", "0.223701"),
    ("pathways/tpi-steel-2022-below-2c", "2030", "-0.0676257", "0.371679"),
]
CSV_HEADER = ["change", "plan", "sector", "family_or_pathway", "year", "old",
              "new"]


def _generate_stubs(proto_dir, out_dir):
    """Generates (with itp_e2e.generate_stubs) and imports the stubs this
    test uses."""
    messages = [
        "itp/v1/admin_service.proto",
        "itp/v1/plan.proto",
        "itp/v1/plan_service.proto",
        "itp/v1/review.proto",
        "itp/v1/review_service.proto",
        "itp/v1/benchmark_job.proto",
        "itp/v1/benchmark_job_service.proto",
    ]
    services = [
        "itp/v1/admin_service.proto",
        "itp/v1/plan_service.proto",
        "itp/v1/review_service.proto",
        "itp/v1/benchmark_job_service.proto",
    ]
    itp_e2e.generate_stubs([proto_dir], out_dir, messages, services)

    global admin_pb2, admin_pb2_grpc, plan_pb2, plan_service_pb2
    global plan_service_pb2_grpc, review_pb2, review_service_pb2
    global review_service_pb2_grpc, job_pb2, job_service_pb2
    global job_service_pb2_grpc
    admin_pb2 = importlib.import_module("itp.v1.admin_service_pb2")
    admin_pb2_grpc = importlib.import_module("itp.v1.admin_service_pb2_grpc")
    plan_pb2 = importlib.import_module("itp.v1.plan_pb2")
    plan_service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plan_service_pb2_grpc = importlib.import_module(
        "itp.v1.plan_service_pb2_grpc")
    review_pb2 = importlib.import_module("itp.v1.review_pb2")
    review_service_pb2 = importlib.import_module("itp.v1.review_service_pb2")
    review_service_pb2_grpc = importlib.import_module(
        "itp.v1.review_service_pb2_grpc")
    job_pb2 = importlib.import_module("itp.v1.benchmark_job_pb2")
    job_service_pb2 = importlib.import_module(
        "itp.v1.benchmark_job_service_pb2")
    job_service_pb2_grpc = importlib.import_module(
        "itp.v1.benchmark_job_service_pb2_grpc")


class ServerProcess(itp_e2e.ServerProcess):
    """One itp-server process with one job worker on `db_path`."""

    def __init__(self, db_path, log_dir, port=0):
        super().__init__(SERVER_BINARY, db_path, log_dir, port=port,
                         args=["--job_workers=1"])


def _scenario_plan(country, sector, k):
    """Scenario k (0-9) of a country's national steel or cement plan."""
    iso3, name, steel_mt, steel_t, cement_mt, cement_t = country
    steel = sector == plan_pb2.IRON_AND_STEEL
    production = steel_mt if steel else cement_mt
    intensity = steel_t if steel else cement_t
    plan = plan_pb2.Plan(
        display_name="%s %s pathway, scenario %d of %d (2024 consultation)"
        % (name, "crude steel" if steel else "cement", k + 1, SCENARIOS),
        summary=("Scrap-based EAF, hydrogen DRI and CCUS towards 2050"
                 if steel else
                 "Clinker substitution, alternative fuels and CCUS towards "
                 "2050"))
    sector_pathway = plan.sectors.add(sector=sector, base_year=2022)
    for year, mt, tco2 in ((2022, production, intensity),
                           (2030, production * 1.12,
                            intensity * (0.97 - 0.035 * k)),
                           (2050, production * 1.25,
                            intensity * (0.45 - 0.035 * k))):
        sector_pathway.points.add(year=year, production_mt=mt,
                                  intensity_tco2_per_t=tco2)
    plan.targets.add(type=plan_pb2.Target.NET_ZERO,
                     target_year=2070 if k < 5 else 2050)
    plan_id = "%s-2050-scenario-%02d" % ("steel" if steel else "cement",
                                         k + 1)
    return iso3, plan_id, plan


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


class JobRunnerTest(unittest.TestCase):
    """The three runs of the nightly job, in order, on one database."""

    server = None
    channel = None

    @classmethod
    def setUpClass(cls):
        try:
            cls._set_up()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _set_up(cls):
        cls.test_dir = tempfile.mkdtemp(prefix="job-runner-", dir=RUN_DIR)
        cls.db_path = os.path.join(cls.test_dir, "itp.db")
        # No config file of the user running the test may leak in.
        cls.config_home = os.path.join(cls.test_dir, "xdg")
        os.makedirs(cls.config_home)
        cls.start_server()
        cls.admin_key = itp_e2e.read_admin_key(cls.test_dir)
        cls.runner_key = cls.create_key(
            admin_pb2.BENCHMARK_RUNNER, (),
            "LeadIT secretariat - nightly benchmark job")
        cls.reviewer_key = cls.create_key(
            admin_pb2.REVIEWER, (), "LeadIT secretariat - review desk")
        cls.india_key = cls.create_key(
            admin_pb2.PARTNER, ("IND",),
            "Ministry of Steel, India - plan upload")
        cls.runner_key_file = os.path.join(cls.test_dir, "runner.key")
        fd = os.open(cls.runner_key_file, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as key_file:
            key_file.write(cls.runner_key + "\n")

        started = time.monotonic()
        cls.plan_names = []
        for country in COUNTRIES:
            for sector in (plan_pb2.IRON_AND_STEEL, plan_pb2.CEMENT):
                for k in range(SCENARIOS):
                    iso3, plan_id, plan = _scenario_plan(country, sector, k)
                    created = cls.call(
                        cls.plans.CreatePlan,
                        plan_service_pb2.CreatePlanRequest(
                            parent="countries/" + iso3, plan_id=plan_id,
                            plan=plan, request_id=str(uuid.uuid4())))
                    submitted = cls.call(
                        cls.plans.SubmitPlan,
                        plan_service_pb2.SubmitPlanRequest(
                            name=created.name, etag=created.etag,
                            request_id=str(uuid.uuid4())))
                    assert submitted.revision == 1, submitted
                    cls.plan_names.append(submitted.name)
        print("[figures] seeded %d plans in %.2f s"
              % (len(cls.plan_names), time.monotonic() - started))
        assert len(cls.plan_names) == TOTAL_PLANS

    @classmethod
    def tearDownClass(cls):
        if cls.channel is not None:
            cls.channel.close()
        if cls.server is not None and cls.server.running():
            cls.server.stop()

    @classmethod
    def start_server(cls, port=0):
        cls.server = ServerProcess(cls.db_path, cls.test_dir, port=port)
        cls.port = cls.server.wait_until_serving()
        cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.port)
        grpc.channel_ready_future(cls.channel).result(timeout=RPC_TIMEOUT_S)
        cls.plans = plan_service_pb2_grpc.PlanServiceStub(cls.channel)
        cls.admin = admin_pb2_grpc.AdminServiceStub(cls.channel)
        cls.reviews = review_service_pb2_grpc.ReviewServiceStub(cls.channel)
        cls.jobs = job_service_pb2_grpc.BenchmarkJobServiceStub(cls.channel)

    @classmethod
    def call(cls, method, request, key=None):
        metadata = (("authorization",
                     "Bearer " + (key if key is not None else cls.admin_key)),)
        return method(request, timeout=RPC_TIMEOUT_S, metadata=metadata)

    @classmethod
    def create_key(cls, role, countries, display_name):
        created = cls.call(cls.admin.CreateApiKey,
                           admin_pb2.CreateApiKeyRequest(
                               api_key=admin_pb2.ApiKey(
                                   display_name=display_name, role=role,
                                   countries=list(countries))))
        return created.secret

    # Helpers.

    def runner_command(self, name):
        """The runner's arguments, writing name.json and name.csv."""
        json_path = os.path.join(self.test_dir, name + ".json")
        csv_path = os.path.join(self.test_dir, name + ".csv")
        args = [RUNNER_BINARY, "--job", JOB_ID, "--display-name", JOB_TITLE,
                "--filter", JOB_FILTER, "--timeout-minutes", "2",
                "--report-json", json_path, "--report-csv", csv_path]
        return args, json_path, csv_path

    def runner_env(self, **extra):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("ITP_")}
        env["ITP_ADDRESS"] = "127.0.0.1:%d" % self.port
        env["ITP_API_KEY_FILE"] = self.runner_key_file
        env["XDG_CONFIG_HOME"] = self.config_home
        env.update(extra)
        return env

    def run_runner(self, name):
        """Runs the runner to its end; returns (exit code, stdout, stderr,
        json path, csv path)."""
        args, json_path, csv_path = self.runner_command(name)
        started = time.monotonic()
        finished = subprocess.run(
            args, env=self.runner_env(), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            timeout=RUNNER_TIMEOUT_S, check=False)
        print("[figures] %s: itp-job-runner took %.2f s"
              % (name, time.monotonic() - started))
        return (finished.returncode, finished.stdout.decode("utf-8", "replace"),
                finished.stderr.decode("utf-8", "replace"), json_path,
                csv_path)

    def get_run(self, name):
        return self.call(self.jobs.GetBenchmarkJobRun,
                         job_service_pb2.GetBenchmarkJobRunRequest(name=name),
                         key=self.runner_key)

    def latest_run(self):
        return self.call(self.jobs.GetBenchmarkJob,
                         job_service_pb2.GetBenchmarkJobRequest(
                             name=JOB_NAME),
                         key=self.runner_key).latest_run

    def assert_report_json(self, json_path, run_name, succeeded_names=None):
        """Checks the JSON report: the run and one result per plan, in index
        order; returns it."""
        with open(json_path, encoding="utf-8") as f:
            report = json.load(f)
        self.assertEqual(report["run"]["name"], run_name)
        results = report["results"]
        self.assertEqual(len(results), TOTAL_PLANS)
        self.assertEqual([r["index"] for r in results],
                         list(range(TOTAL_PLANS)))
        self.assertEqual(sorted(r["plan"] for r in results),
                         sorted(self.plan_names))
        for r in results:
            if r["error"]:
                continue
            self.assertTrue(r["report"].startswith(r["plan"] +
                                                   "/benchmarkReports/"), r)
            self.assertTrue(r["summary"]["labels"], r)
        return report

    # The runs, in order.

    def test_1_first_run_benchmarks_every_plan(self):
        """The first run creates the job, benchmarks the 200 plans and
        reports each as added."""
        code, out, err, json_path, csv_path = self.run_runner("run-1")
        self.assertEqual(code, 0, "stdout:\n%s\nstderr:\n%s" % (out, err))
        self.assertIn("created " + JOB_NAME, err)

        run_name = self.latest_run()
        self.assertEqual(run_name, JOB_NAME + "/runs/1")
        run = self.get_run(run_name)
        self.assertEqual(run.state, job_pb2.BenchmarkJobRun.SUCCEEDED,
                         run.reason)
        self.assertEqual(run.total_plans, TOTAL_PLANS)
        self.assertEqual(run.succeeded_plans, TOTAL_PLANS)
        self.assertEqual(run.failed_plans, 0)
        self.assertEqual(run.resumptions, 0)
        print("[figures] run 1: %d plans in %.3f s (server times)" % (
            run.total_plans,
            (run.end_time.ToNanoseconds() - run.start_time.ToNanoseconds())
            / 1e9))
        # stdout: the one-line summary.
        self.assertEqual(
            out.strip(),
            "%s SUCCEEDED: 200 plans, 200 benchmarked, 0 failed; 0 label "
            "changes, 0 ratio crossings, 200 plans added, 0 plans gone"
            % run_name)

        report = self.assert_report_json(json_path, run_name)
        self.assertEqual(report["run"]["state"], "SUCCEEDED")
        self.assertEqual(report["run"]["succeeded_plans"], TOTAL_PLANS)
        self.assertTrue(all(not r["error"] for r in report["results"]))

        rows = _read_csv(csv_path)
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(len(rows), 1 + TOTAL_PLANS)
        self.assertTrue(all(row[0] == "plan_added" for row in rows[1:]),
                        rows[1:5])
        self.assertEqual(sorted(row[1] for row in rows[1:]),
                         sorted(self.plan_names))
        # By plan name.
        self.assertEqual([row[1] for row in rows[1:]],
                         sorted(row[1] for row in rows[1:]))

    def test_2_run_survives_server_crash(self):
        """The server is killed with SIGKILL mid-run and restarted; the run
        resumes, the runner reconnects, and every plan is accounted for."""
        previous = self.latest_run()
        args, json_path, csv_path = self.runner_command("run-2")
        out_path = os.path.join(self.test_dir, "run-2.out")
        err_path = os.path.join(self.test_dir, "run-2.err")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            runner = subprocess.Popen(
                args, env=self.runner_env(), stdin=subprocess.DEVNULL,
                stdout=out, stderr=err)
        started = time.monotonic()
        try:
            # Wait (bounded) for the run to be under way, then crash the
            # server in the middle of it.
            deadline = time.monotonic() + 30
            run = None
            while time.monotonic() < deadline:
                name = self.latest_run()
                if name != previous:
                    run = self.get_run(name)
                    if (run.succeeded_plans > 20 or
                            run.state != job_pb2.BenchmarkJobRun.RUNNING and
                            run.state != job_pb2.BenchmarkJobRun.PENDING):
                        break
                self.assertIsNone(runner.poll(), "the runner exited early")
                time.sleep(POLL_INTERVAL_S)
            self.assertIsNotNone(run, "no second run within 30 s")
            self.assertEqual(run.state, job_pb2.BenchmarkJobRun.RUNNING,
                             "the run was not caught mid-way: %s" % run)
            self.assertGreater(run.succeeded_plans, 20)
            self.assertLess(run.succeeded_plans, TOTAL_PLANS)
            run_name = run.name
            self.channel.close()
            self.assertEqual(self.server.kill(), -signal.SIGKILL)
            killed_at = run.succeeded_plans

            self.start_server(port=self.port)
            try:
                code = runner.wait(timeout=RUNNER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.fail("itp-job-runner did not finish within %.0f s"
                          % RUNNER_TIMEOUT_S)
        finally:
            if runner.poll() is None:
                runner.kill()
                runner.wait()
        print("[figures] run 2: killed at %d/%d plans; runner finished %.2f s "
              "after it started" % (killed_at, TOTAL_PLANS,
                                     time.monotonic() - started))
        with open(out_path, encoding="utf-8") as f:
            out = f.read()
        with open(err_path, encoding="utf-8") as f:
            err = f.read()
        detail = "stdout:\n%s\nstderr:\n%s\nserver log:\n%s" % (
            out, err, self.server.log())

        # Not stuck RUNNING: the runner returned only once the run ended.
        run = self.get_run(run_name)
        self.assertIn(run.state, (job_pb2.BenchmarkJobRun.SUCCEEDED,
                                  job_pb2.BenchmarkJobRun.FAILED), detail)
        if run.state == job_pb2.BenchmarkJobRun.SUCCEEDED:
            self.assertEqual(code, 0, detail)
        else:
            self.assertEqual(code, 1, detail)
            self.assertTrue(run.reason, "FAILED without a reason")
        self.assertEqual(run.total_plans, TOTAL_PLANS)
        self.assertEqual(run.succeeded_plans + run.failed_plans, TOTAL_PLANS,
                         detail)
        self.assertGreaterEqual(run.resumptions, 1, detail)
        self.assertIn("resuming " + run_name, self.server.log())
        self.assertIn("connection lost", err, detail)
        print("[figures] run 2: %s, %d succeeded, %d failed, %d resumption(s)"
              % (job_pb2.BenchmarkJobRun.State.Name(run.state),
                 run.succeeded_plans, run.failed_plans, run.resumptions))

        report = self.assert_report_json(json_path, run_name)
        self.assertEqual(report["run"]["resumptions"], run.resumptions)
        # Nothing changed since run 1.
        self.assertEqual(report["run"]["changes"]["previous_run"],
                         JOB_NAME + "/runs/1")
        rows = _read_csv(csv_path)
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual([row for row in rows[1:]
                          if row[0] != "plan_failed"], [], detail)
        self.assertEqual(len(rows) - 1, run.failed_plans)

    def test_3_revised_plan_reports_label_change(self):
        """A plan revised after REQUEST_CHANGES shows up in the next run's
        CSV as the label changes its new 2030 intensity causes."""
        # The secretariat's review asks for changes.
        rubric = self.call(self.reviews.GetRubric,
                           review_service_pb2.GetRubricRequest(),
                           key=self.reviewer_key)
        self.assertEqual(len(rubric.criteria), 8)
        review = self.call(self.reviews.StartReview,
                           review_service_pb2.StartReviewRequest(
                               parent=REVISED_PLAN),
                           key=self.reviewer_key)
        scores = [review_pb2.CriterionScore(
            criterion_id=criterion.id,
            score=1 if criterion.id == "ambition" else 2,
            evidence="%s: assessed against the submitted pathway (2.54 t "
                     "CO2/t in 2022, 2.46 in 2030)." % criterion.title)
            for criterion in rubric.criteria]
        self.call(self.reviews.ScoreReview,
                  review_service_pb2.ScoreReviewRequest(
                      name=review.name, scores=scores),
                  key=self.reviewer_key)
        self.call(self.reviews.CreateComment,
                  review_service_pb2.CreateCommentRequest(
                      parent=review.name, comment=review_pb2.Comment(
                          anchor="sectors[0].points[1].intensity_tco2_per_t",
                          body="2.46 t CO2/t in 2030 is above every TPI 2022 "
                               "benchmark (National Pledges 1.632).")),
                  key=self.reviewer_key)
        decided = self.call(self.reviews.CompleteReview,
                            review_service_pb2.CompleteReviewRequest(
                                name=review.name,
                                decision=review_pb2.Review.REQUEST_CHANGES,
                                summary="Lower the 2030 intensity."),
                            key=self.reviewer_key)
        self.assertEqual(decided.decision, review_pb2.Review.REQUEST_CHANGES)

        # India's partner lowers 2030 to 1.45 and resubmits.
        plan = self.call(self.plans.GetPlan,
                         plan_service_pb2.GetPlanRequest(name=REVISED_PLAN),
                         key=self.india_key)
        self.assertEqual(plan.state, plan_pb2.Plan.CHANGES_REQUESTED)
        self.assertEqual(plan.sectors[0].points[1].year, 2030)
        plan.sectors[0].points[1].intensity_tco2_per_t = REVISED_2030_INTENSITY
        update = plan_service_pb2.UpdatePlanRequest(plan=plan)
        update.update_mask.paths.append("sectors")
        updated = self.call(self.plans.UpdatePlan, update, key=self.india_key)
        submitted = self.call(self.plans.SubmitPlan,
                              plan_service_pb2.SubmitPlanRequest(
                                  name=REVISED_PLAN, etag=updated.etag,
                                  request_id=str(uuid.uuid4())),
                              key=self.india_key)
        self.assertEqual(submitted.revision, 2)

        previous = self.latest_run()
        code, out, err, json_path, csv_path = self.run_runner("run-3")
        self.assertEqual(code, 0, "stdout:\n%s\nstderr:\n%s" % (out, err))
        run_name = self.latest_run()
        self.assertNotEqual(run_name, previous)
        run = self.get_run(run_name)
        self.assertEqual(run.state, job_pb2.BenchmarkJobRun.SUCCEEDED)
        self.assertEqual(run.succeeded_plans, TOTAL_PLANS)
        self.assertEqual(run.changes.previous_run, previous)

        rows = _read_csv(csv_path)
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual([row for row in rows[1:] if row[0] == "label"],
                         EXPECTED_LABEL_ROWS)
        crossings = [tuple(row[3:]) for row in rows[1:]
                     if row[0] == "ratio_crossing"]
        self.assertEqual(crossings,
                         [(pathway, year, old, new)
                          for pathway, year, old, new in EXPECTED_CROSSINGS])
        for row in rows[1:]:
            self.assertEqual(row[1], REVISED_PLAN, row)
            self.assertEqual(row[2], "IRON_AND_STEEL", row)
        self.assertEqual(
            [row for row in rows[1:] if row[0] not in ("label",
                                                       "ratio_crossing")],
            [])
        self.assertIn("3 label changes, 4 ratio crossings, 0 plans added, "
                      "0 plans gone", out)

        report = self.assert_report_json(json_path, run_name)
        revised = [r for r in report["results"] if r["plan"] == REVISED_PLAN]
        self.assertEqual(revised[0]["plan_revision"],
                         REVISED_PLAN + "/revisions/2")


class RunnerExitCodeTest(unittest.TestCase):
    """Exit codes a cron job acts on, without a run."""

    def test_missing_job_without_definition_exits_3(self):
        """An unknown job and no --display-name to create it: exit 3 with a
        one-line reason, and nothing is created."""
        test_dir = tempfile.mkdtemp(prefix="exit-3-", dir=RUN_DIR)
        server = ServerProcess(os.path.join(test_dir, "itp.db"), test_dir)
        try:
            port = server.wait_until_serving()
            with open(os.path.join(test_dir, "itp-admin.key"),
                      encoding="ascii") as key_file:
                admin_key = key_file.read().strip()
            env = {key: value for key, value in os.environ.items()
                   if not key.startswith("ITP_")}
            env.update(ITP_ADDRESS="127.0.0.1:%d" % port,
                       ITP_API_KEY=admin_key,
                       XDG_CONFIG_HOME=os.path.join(test_dir, "xdg"))
            finished = subprocess.run(
                [RUNNER_BINARY, "--job", "weekly-cement"], env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, timeout=60, check=False)
            err = finished.stderr.decode("utf-8", "replace")
            self.assertEqual(finished.returncode, 3, err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            self.assertIn("benchmarkJobs/weekly-cement does not exist", err)
        finally:
            self.assertEqual(server.terminate(), 0, server.log())

    def test_unreachable_server_exits_7(self):
        """Nothing listens at ITP_ADDRESS: the runner retries until its
        timeout and exits 7."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        test_dir = tempfile.mkdtemp(prefix="exit-7-", dir=RUN_DIR)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("ITP_")}
        env.update(ITP_ADDRESS="127.0.0.1:%d" % port,
                   ITP_API_KEY="itp_0123456789abcdef_"
                               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                   XDG_CONFIG_HOME=os.path.join(test_dir, "xdg"))
        started = time.monotonic()
        finished = subprocess.run(
            [RUNNER_BINARY, "--job", "nightly-steel-cement",
             "--timeout-minutes", "0.05"], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
            check=False)
        err = finished.stderr.decode("utf-8", "replace")
        self.assertEqual(finished.returncode, 7, err)
        self.assertLess(time.monotonic() - started, 30)


def main():
    parser = itp_e2e.argument_parser(__doc__.splitlines()[0],
                                     "RunnerExitCodeTest")
    parser.add_argument("--runner", required=True,
                        help="path to the itp-job-runner binary")
    parser.add_argument("--proto-dir", required=True,
                        help="the repository's proto/ directory")
    options = parser.parse_args()

    global SERVER_BINARY, RUNNER_BINARY, RUN_DIR
    SERVER_BINARY = os.path.abspath(options.server)
    RUNNER_BINARY = os.path.abspath(options.runner)
    RUN_DIR = itp_e2e.start_run(options.work_dir,
                                [SERVER_BINARY, RUNNER_BINARY])
    if RUN_DIR is None:
        return 1
    _generate_stubs(os.path.abspath(options.proto_dir),
                    os.path.join(RUN_DIR, "stubs"))
    return itp_e2e.run_tests(sys.modules[__name__], options.tests, RUN_DIR)


if __name__ == "__main__":
    sys.exit(main())
