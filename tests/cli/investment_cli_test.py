#!/usr/bin/python3
"""End-to-end tests of `itp projects` and `itp export` against itp-server.

Each test runs the real `itp` binary as a subprocess against a real
itp-server started with --demo on port 0 with a fresh SQLite database
(stopped with SIGTERM, clean exit asserted), as tests/cli/cli_test.py does.
The demo has two plans with projects, both SUBMITTED with a published
progress report: India steel (a hydrogen DRI plant, ANNOUNCED) and Viet Nam
cement (a calcined clay line, DELAYED by its report); see
server/demo/demo_plans.cc. The export tests first approve the India plan
through `itp reviews`, since only APPROVED plans are exported.

`itp export`'s refusals (unsafe paths, a wrong size or SHA-256, a stream
that fails half way) need a server that misbehaves: FakeExportTest serves
hand-made DataPackageChunk messages from an in-process grpcio server
(Debian python3-grpcio) instead.

Run as CTest does:

    /usr/bin/python3 tests/cli/investment_cli_test.py \\
        --itp build/client/itp --server build/server/itp-server \\
        --work-dir build/tests/investment-cli

The last line of output is `N passed, N failed`; the exit status is non-zero
on any failure.
"""

import concurrent.futures
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, "e2e"))
import itp_e2e  # noqa: E402 (found through the path set above)

# Set by main() before the tests run.
ITP_BINARY = None
SERVER_BINARY = None
RUN_DIR = None
SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), os.pardir, os.pardir))
# Where tests/opendata/validate.sh installs the npm validator; None skips
# the validation test.
OPENDATA_WORK_DIR = None

COMMAND_TIMEOUT_S = 60.0

# Exit codes of the `itp` CLI.
EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_PERMISSION = 4
EXIT_VALIDATION = 5

# The demo's tracked projects (server/demo/demo_plans.cc); ids made from the
# project names.
INDIA_STEEL_NAME = "countries/IND/plans/steel-2070"
INDIA_PROJECT = INDIA_STEEL_NAME + "/projects/hydrogen-dri-demonstration-plant"
VIET_NAM_CEMENT_NAME = "countries/VNM/plans/cement-2050"
VIET_NAM_PROJECT = VIET_NAM_CEMENT_NAME + "/projects/calcined-clay-cement-line"

LIST_HEADER = (r"(?m)^PROJECT\s+COUNTRY\s+TECHNOLOGY\s+STATUS\s+SCALE\s+START"
               r"\s+CAPACITY_MTPA\s+CAPEX_USD\s+COMPANY$")


class InvestmentCliTestCase(unittest.TestCase):
    """Gives each test a directory, an isolated HOME and, on request, a demo
    server; runs `itp` with the admin key by default."""

    def setUp(self):
        self.test_dir = tempfile.mkdtemp(
            prefix=self.id().rsplit(".", 1)[-1] + "-", dir=RUN_DIR)
        # An empty HOME, so that no user's ~/.config/itp/config applies.
        self.home = os.path.join(self.test_dir, "home")
        os.makedirs(self.home)
        self.address = None
        self.admin_key_file = None

    def start_demo_server(self):
        server = itp_e2e.ServerProcess(
            SERVER_BINARY, os.path.join(self.test_dir, "itp.db"),
            self.test_dir, args=["--demo"])
        self.addCleanup(server.stop)
        self.address = "127.0.0.1:%d" % server.wait_until_serving()
        self.admin_key_file = itp_e2e.admin_key_path(self.test_dir)
        return server

    def base_env(self):
        """The environment without any ITP_* variable, HOME isolated."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ITP_") and k != "XDG_CONFIG_HOME"}
        env["HOME"] = self.home
        return env

    def itp(self, *args, key_file=None, connect=True):
        """Runs `itp args...`; returns the CompletedProcess (text).

        With `connect`, --address and --api-key-file (the admin key unless
        `key_file` is given) are added to the command line.
        """
        command = [ITP_BINARY] + list(args)
        if connect:
            command += ["--address", self.address, "--api-key-file",
                        key_file or self.admin_key_file]
        return subprocess.run(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, timeout=COMMAND_TIMEOUT_S, env=self.base_env(),
            check=False)

    def assert_exit(self, result, code):
        self.assertEqual(
            result.returncode, code,
            "expected exit %d, got %d\nargs: %s\nstdout:\n%s\nstderr:\n%s"
            % (code, result.returncode, result.args, result.stdout,
               result.stderr))

    def itp_json(self, *args, key_file=None):
        result = self.itp(*args, "-o", "json", key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return json.loads(result.stdout)

    def itp_csv(self, *args, key_file=None):
        result = self.itp(*args, "-o", "csv", key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return list(csv.DictReader(io.StringIO(result.stdout, newline="")))

    def write_text(self, name, text):
        path = os.path.join(self.test_dir, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        return path

    def key_file(self, role, name, *extra):
        """Creates a key with the admin key; returns a file holding it."""
        created = self.itp_json("keys", "create", "--role", role, "--name",
                                name, *extra)
        self.assertEqual(created["api_key"]["role"], role)
        return self.write_text("%s-%s.key" % (role.lower(), uuid.uuid4().hex),
                               created["secret"])

    def all_projects(self, *args):
        """Every tracked project `projects list --all args` gives (JSON)."""
        listed = self.itp_json("projects", "list", "--all", *args)
        self.assertEqual(listed["next_page_token"], "")
        self.assertEqual(listed["total_size"], len(listed["projects"]))
        return listed["projects"]


def listing(directory):
    """Every file under `directory`, as sorted relative paths."""
    found = []
    for root, _, files in os.walk(directory):
        for name in files:
            found.append(os.path.relpath(os.path.join(root, name), directory))
    return sorted(found)


def sha256_of(path):
    with open(path, "rb") as data:
        return hashlib.sha256(data.read()).hexdigest()


class UsageTest(InvestmentCliTestCase):
    """--help of each new command, and mistakes on the command line: exit 2
    before any call."""

    def test_help_of_each_command(self):
        commands = {
            ("projects", "list"): ["--parent", "--country", "--plan",
                                   "--filter", "--order-by", "--page-size",
                                   "--page-token", "--all"],
            ("projects", "summary"): ["--parent", "--country", "--plan",
                                      "--filter", "--by"],
            ("export",): ["--out", "--force"],
        }
        for command, flags in commands.items():
            result = self.itp(*command, "--help", connect=False)
            self.assert_exit(result, EXIT_OK)
            self.assertIn("Usage: itp " + " ".join(command), result.stdout)
            self.assertIn("Examples:\n  itp " + " ".join(command),
                          result.stdout)
            self.assertIn("--output", result.stdout)
            for flag in flags:
                self.assertIn(flag, result.stdout, command)
        # The summary's help says what its CSV total record looks like.
        result = self.itp("projects", "summary", "--help", connect=False)
        self.assertIn("TOTAL in every group column", result.stdout)

    def test_group_without_command_shows_its_help_and_exits_2(self):
        result = self.itp("projects", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("Usage: itp projects", result.stderr)
        self.assertIn("summary", result.stderr)

    def test_unknown_group_by_field_exits_2(self):
        result = self.itp("projects", "summary", "--by", "technology,colour",
                          connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("colour", result.stderr)

    def test_scope_flags_exclude_each_other_exits_2(self):
        result = self.itp("projects", "list", "--country", "IND", "--plan",
                          "IND/steel-2070", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("excludes", result.stderr)

    def test_all_and_page_token_exclude_each_other_exits_2(self):
        result = self.itp("projects", "list", "--all", "--page-token", "x",
                          connect=False)
        self.assert_exit(result, EXIT_USAGE)

    def test_export_needs_out_exits_2(self):
        result = self.itp("export", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("--out is required", result.stderr)


class ProjectsTest(InvestmentCliTestCase):
    """`itp projects list` and `itp projects summary` on the demo data."""

    def setUp(self):
        super().setUp()
        self.start_demo_server()

    def test_list_of_the_india_steel_plan_in_each_format(self):
        listed = self.itp_json("projects", "list", "--plan", "IND/steel-2070")
        self.assertEqual(listed["total_size"], 1)
        self.assertEqual(listed["next_page_token"], "")
        [tracked] = listed["projects"]
        self.assertEqual(tracked["name"], INDIA_PROJECT)
        self.assertEqual(tracked["plan"], INDIA_STEEL_NAME)
        self.assertEqual(tracked["plan_revision"],
                         INDIA_STEEL_NAME + "/revisions/1")
        self.assertEqual(tracked["country"], "IND")
        self.assertEqual(tracked["plan_state"], "SUBMITTED")
        self.assertEqual(tracked["sector"], "IRON_AND_STEEL")
        # The 2023 progress report has an update for the project.
        self.assertEqual(tracked["status"], "ANNOUNCED")
        self.assertEqual(tracked["status_source"], "PROGRESS_REPORT")
        self.assertEqual(tracked["progress_report"],
                         INDIA_STEEL_NAME + "/progressReports/2023")
        self.assertEqual(tracked["capital_spent_usd"], 40000000)
        project = tracked["project"]
        self.assertEqual(project["name"], "Hydrogen DRI demonstration plant")
        self.assertEqual(project["project_id"],
                         "hydrogen-dri-demonstration-plant")
        self.assertEqual(project["technology"], "HYDROGEN_DRI")
        self.assertEqual(project["scale"], "DEMONSTRATION")
        self.assertEqual(project["start_year"], 2027)
        self.assertEqual(project["capacity_mtpa"], 0.5)
        self.assertEqual(project["capex_usd"], 600000000)

        # The same plan by its full name, and the table.
        result = self.itp("projects", "list", "--plan", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, LIST_HEADER)
        self.assertRegex(
            result.stdout,
            r"(?m)^hydrogen-dri-demonstration-plant\s+IND\s+HYDROGEN_DRI\s+"
            r"ANNOUNCED\s+DEMONSTRATION\s+2027\s+0\.5\s+600 mn\s+-$")
        self.assertEqual(result.stderr, "")

        [row] = self.itp_csv("projects", "list", "--plan", "IND/steel-2070")
        self.assertEqual(row["name"], INDIA_PROJECT)
        self.assertEqual(row["plan"], INDIA_STEEL_NAME)
        self.assertEqual(row["plan_revision"],
                         INDIA_STEEL_NAME + "/revisions/1")
        self.assertEqual(row["project_id"], "hydrogen-dri-demonstration-plant")
        self.assertEqual(row["project_name"],
                         "Hydrogen DRI demonstration plant")
        self.assertEqual(row["technology"], "HYDROGEN_DRI")
        self.assertEqual(row["status"], "ANNOUNCED")
        self.assertEqual(row["status_source"], "PROGRESS_REPORT")
        self.assertEqual(row["plan_project_status"], "ANNOUNCED")
        self.assertEqual(row["start_year"], "2027")
        self.assertEqual(row["capacity_mtpa"], "0.5")
        self.assertEqual(row["capex_usd"], "600000000")
        self.assertEqual(row["capital_spent_usd"], "40000000")
        self.assertEqual(row["conditional"], "false")
        self.assertEqual(row["progress_report"],
                         INDIA_STEEL_NAME + "/progressReports/2023")

    def test_list_of_every_plan_by_country_and_by_start_year(self):
        projects = self.all_projects()
        self.assertEqual([p["name"] for p in projects],
                         [INDIA_PROJECT, VIET_NAM_PROJECT])
        viet_nam = projects[1]
        # Its 2025 progress report says the line is delayed.
        self.assertEqual(viet_nam["status"], "DELAYED")
        self.assertEqual(viet_nam["status_source"], "PROGRESS_REPORT")
        self.assertEqual(viet_nam["project"]["technology"], "CALCINED_CLAY")
        self.assertEqual(viet_nam["project"]["capacity_mtpa"], 1)
        self.assertNotIn("capex_usd", viet_nam["project"])
        self.assertTrue(viet_nam["project"]["conditional"])

        result = self.itp("projects", "list")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(
            result.stdout,
            r"(?m)^calcined-clay-cement-line\s+VNM\s+CALCINED_CLAY\s+DELAYED"
            r"\s+PILOT\s+2026\s+1\s+-\s+-$")

        self.assertEqual([p["name"] for p in self.all_projects(
            "--country", "VNM")], [VIET_NAM_PROJECT])
        self.assertEqual([p["name"] for p in self.all_projects(
            "--parent", "countries/IND/plans/-")], [INDIA_PROJECT])
        self.assertEqual([p["name"] for p in self.all_projects(
            "--order-by", "start_year")], [VIET_NAM_PROJECT, INDIA_PROJECT])
        self.assertEqual([p["name"] for p in self.all_projects(
            "--order-by", "start_year desc")],
            [INDIA_PROJECT, VIET_NAM_PROJECT])
        rows = self.itp_csv("projects", "list", "--all")
        self.assertEqual([r["name"] for r in rows],
                         [INDIA_PROJECT, VIET_NAM_PROJECT])
        self.assertEqual(rows[1]["capex_usd"], "")

    def test_one_page_at_a_time_unless_all(self):
        result = self.itp("projects", "list", "--page-size", "1", "-o",
                          "json")
        self.assert_exit(result, EXIT_OK)
        first = json.loads(result.stdout)
        self.assertEqual([p["name"] for p in first["projects"]],
                         [INDIA_PROJECT])
        self.assertEqual(first["total_size"], 2)
        token = first["next_page_token"]
        self.assertTrue(token)
        # How to go on is said on standard error, the JSON left whole.
        self.assertIn("Showing 1 of 2 projects.", result.stderr)
        self.assertIn("--page-token " + token, result.stderr)
        self.assertIn("--all", result.stderr)

        result = self.itp("projects", "list", "--page-size", "1",
                          "--page-token", token, "-o", "json")
        self.assert_exit(result, EXIT_OK)
        second = json.loads(result.stdout)
        self.assertEqual([p["name"] for p in second["projects"]],
                         [VIET_NAM_PROJECT])
        self.assertEqual(second["next_page_token"], "")
        self.assertEqual(result.stderr, "")

        # The table of one page keeps the hint off standard output.
        result = self.itp("projects", "list", "--page-size", "1")
        self.assert_exit(result, EXIT_OK)
        self.assertNotIn("page-token", result.stdout)
        self.assertIn("hydrogen-dri-demonstration-plant", result.stdout)
        self.assertNotIn("calcined-clay-cement-line", result.stdout)

        result = self.itp("projects", "list", "--all", "--page-size", "1")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("calcined-clay-cement-line", result.stdout)
        self.assertEqual(result.stderr, "")

    def test_a_filter_that_matches_nothing(self):
        nothing = "technology = ELECTRIC_ARC_FURNACE"
        result = self.itp("projects", "list", "--filter", nothing)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stdout, "No projects found.\n")
        listed = self.itp_json("projects", "list", "--filter", nothing)
        self.assertEqual(listed["projects"], [])
        self.assertEqual(listed["total_size"], 0)
        self.assertEqual(self.itp_csv("projects", "list", "--filter",
                                      nothing), [])

        result = self.itp("projects", "summary", "--filter", nothing)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stdout, "No projects found.\n")
        rows = self.itp_csv("projects", "summary", "--by", "technology",
                            "--filter", nothing)
        self.assertEqual(rows, [{"technology": "TOTAL", "projects": "0",
                                 "capacity_mtpa": "0", "capex_usd": "0",
                                 "projects_with_capacity": "0",
                                 "projects_with_capex": "0"}])

    def test_a_bad_filter_exits_5_naming_the_field(self):
        for command in (["projects", "list"], ["projects", "summary"]):
            result = self.itp(*command, "--filter", "colour = GREEN")
            self.assert_exit(result, EXIT_VALIDATION)
            self.assertTrue(result.stderr.startswith("Error: "),
                            result.stderr)
            self.assertRegex(result.stderr, r"(?m)^\s+filter: \S")
            self.assertEqual(result.stdout, "")

    def test_summary_by_technology_and_status_adds_up_to_the_list(self):
        projects = self.all_projects()
        summary = self.itp_json("projects", "summary", "--by",
                                "technology,status")
        self.assertEqual(summary["next_page_token"], "")

        # Per group and in total, what the list says.
        expected = {}
        for tracked in projects:
            key = (tracked["project"]["technology"], tracked["status"])
            group = expected.setdefault(key, [0, 0.0, 0.0, 0, 0])
            group[0] += 1
            if "capacity_mtpa" in tracked["project"]:
                group[1] += tracked["project"]["capacity_mtpa"]
                group[3] += 1
            if "capex_usd" in tracked["project"]:
                group[2] += tracked["project"]["capex_usd"]
                group[4] += 1

        def figures(group):
            # int64 fields are strings in the proto3 JSON mapping.
            return [int(group["project_count"]), group["capacity_mtpa"],
                    group["capex_usd"], int(group["projects_with_capacity"]),
                    int(group["projects_with_capex"])]

        self.assertEqual(
            {(g["technology"], g["status"]): figures(g)
             for g in summary["groups"]}, expected)
        self.assertEqual(summary["total_groups"], len(expected))
        totals = [sum(column) for column in zip(*expected.values())]
        self.assertEqual(figures(summary["total"])[0], len(projects))
        for got, want in zip(figures(summary["total"]), totals):
            self.assertAlmostEqual(got, want, places=6)

        # The demo's figures in the table: the calcined clay line states no
        # capital cost, so the total's sum is marked.
        result = self.itp("projects", "summary", "--by", "technology,status")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout,
                         r"(?m)^TECHNOLOGY\s+STATUS\s+PROJECTS\s+"
                         r"CAPACITY_MTPA\s+CAPEX_USD$")
        self.assertRegex(result.stdout, r"(?m)^HYDROGEN_DRI\s+ANNOUNCED\s+1"
                         r"\s+0\.5\s+600 mn$")
        self.assertRegex(result.stdout, r"(?m)^CALCINED_CLAY\s+DELAYED\s+1"
                         r"\s+1\s+-$")
        self.assertRegex(result.stdout, r"(?m)^TOTAL\s+2\s+1\.5\s+600 mn\*$")
        self.assertIn("Capacity stated by 2 of 2 projects, capital cost by 1.",
                      result.stdout)
        lines = result.stdout.splitlines()
        self.assertLess(lines.index(next(l for l in lines
                                         if l.startswith("HYDROGEN_DRI"))),
                        lines.index(next(l for l in lines
                                         if l.startswith("CALCINED_CLAY"))))

        # CSV: one record per group, the total last with TOTAL in each group
        # column, full precision.
        rows = self.itp_csv("projects", "summary", "--by", "technology,status")
        self.assertEqual(list(rows[0].keys()),
                         ["technology", "status", "projects",
                          "capacity_mtpa", "capex_usd",
                          "projects_with_capacity", "projects_with_capex"])
        self.assertEqual(rows[-1]["technology"], "TOTAL")
        self.assertEqual(rows[-1]["status"], "TOTAL")
        self.assertEqual(int(rows[-1]["projects"]), len(projects))
        self.assertEqual(sum(int(r["projects"]) for r in rows[:-1]),
                         len(projects))
        self.assertAlmostEqual(float(rows[-1]["capacity_mtpa"]), totals[1])
        self.assertAlmostEqual(float(rows[-1]["capex_usd"]), totals[2])
        self.assertEqual({(r["technology"], r["status"]) for r in rows[:-1]},
                         set(expected))

    def test_summary_without_by_is_the_total(self):
        result = self.itp("projects", "summary", "--country", "IND")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout,
                         r"(?m)^PROJECTS\s+CAPACITY_MTPA\s+CAPEX_USD$")
        self.assertRegex(result.stdout, r"(?m)^\s*1\s+0\.5\s+600 mn$")
        summary = self.itp_json("projects", "summary", "--country", "IND")
        self.assertEqual(summary["groups"], [])
        self.assertEqual(summary["total"]["project_count"], "1")


class ExportTest(InvestmentCliTestCase):
    """`itp export` of the demo data once the India steel plan is
    approved."""

    def setUp(self):
        super().setUp()
        self.start_demo_server()
        self.reviewer = self.key_file("REVIEWER",
                                      "LeadIT secretariat, Stockholm")

    def approve_india_plan(self):
        review = self.itp_json("reviews", "start", "IND/steel-2070",
                               key_file=self.reviewer)["name"]
        args = []
        for criterion in self.itp_json("rubric",
                                       key_file=self.reviewer)["criteria"]:
            args += ["--criterion", criterion["id"], "--score", "3",
                     "--evidence", "Evidence for %s" % criterion["id"]]
        self.assert_exit(self.itp("reviews", "score", review, *args,
                                  key_file=self.reviewer), EXIT_OK)
        result = self.itp("reviews", "complete", review, "--decision",
                          "approve", "--summary", "Credible and complete.",
                          key_file=self.reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("%s is now APPROVED." % INDIA_STEEL_NAME, result.stdout)

    def check_package(self, out, report):
        """Asserts that `out` holds exactly the files of `report` (the JSON
        of `itp export`), with their sizes and digests, and that
        datapackage.json lists them; returns the parsed datapackage.json."""
        self.assertEqual(report["out_dir"], out)
        files = report["files"]
        self.assertEqual(files[0]["path"], "datapackage.json")
        self.assertEqual(listing(out), sorted(f["path"] for f in files))
        for entry in files:
            path = os.path.join(out, entry["path"])
            self.assertEqual(os.path.getsize(path), entry["size_bytes"])
            self.assertEqual(sha256_of(path), entry["sha256"])
        self.assertEqual(report["total_bytes"],
                         sum(f["size_bytes"] for f in files))
        with open(os.path.join(out, "datapackage.json"),
                  encoding="utf-8") as package_file:
            package = json.load(package_file)
        self.assertEqual(
            sorted(r["path"] for r in package["resources"]),
            sorted(f["path"] for f in files if f["path"] != "datapackage.json"))
        for resource in package["resources"]:
            self.assertTrue(resource["path"].startswith("data/"), resource)
        return package

    def test_export_into_a_fresh_directory(self):
        self.approve_india_plan()
        out = os.path.join(self.test_dir, "open-data", "2026")
        result = self.itp("export", "--out", out, "-o", "json",
                          key_file=self.reviewer)
        self.assert_exit(result, EXIT_OK)
        report = json.loads(result.stdout)
        self.check_package(out, report)
        self.assertEqual(sorted(os.listdir(out)),
                         ["data", "datapackage.json"])
        # The approved plan and its project are in the tables.
        tables = "".join(
            open(os.path.join(out, f["path"]), encoding="utf-8").read()
            for f in report["files"] if f["path"].endswith(".csv"))
        self.assertIn(INDIA_STEEL_NAME, tables)
        self.assertIn(INDIA_PROJECT, tables)
        # Submitted plans that are not approved are not.
        self.assertNotIn(VIET_NAM_CEMENT_NAME, tables)

        # The table: one line per file with its size, then a summary; the
        # same bytes again (the export is deterministic).
        again = os.path.join(self.test_dir, "again")
        result = self.itp("export", "--out", again, key_file=self.reviewer)
        self.assert_exit(result, EXIT_OK)
        for entry in report["files"]:
            self.assertRegex(result.stdout, r"(?m)^\s+%s\s+%s bytes$" % (
                re.escape(entry["path"]), "{:,}".format(entry["size_bytes"])))
        self.assertIn("Exported %d files, %s bytes, to %s" % (
            len(report["files"]), "{:,}".format(report["total_bytes"]),
            again), result.stdout)
        for entry in report["files"]:
            self.assertEqual(sha256_of(os.path.join(again, entry["path"])),
                             entry["sha256"])

    def test_export_validates_and_round_trips(self):
        """The package passes the Frictionless validator (tests/opendata,
        npm datapackage) and its figures read back, through a fresh SQLite
        database, as the plan and its benchmark report state them."""
        if OPENDATA_WORK_DIR is None:
            self.skipTest("no --opendata-work-dir (node and npm missing)")
        self.approve_india_plan()
        report = self.itp_json("benchmark", "plan", "IND/steel-2070",
                               key_file=self.reviewer)
        out = os.path.join(self.test_dir, "package")
        self.assert_exit(self.itp("export", "--out", out,
                                  key_file=self.reviewer), EXIT_OK)
        validator = os.path.join(SOURCE_DIR, "tests", "opendata",
                                 "validate.sh")
        result = subprocess.run([validator, SOURCE_DIR, OPENDATA_WORK_DIR,
                                 out], capture_output=True, text=True,
                                timeout=300, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        counts = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertTrue(counts["valid"])
        self.assertEqual(counts["resources"]["plans"], 1)
        self.assertEqual(counts["resources"]["projects"], 1)
        self.assertGreater(counts["resources"]["benchmark_gaps"], 0)
        self.assertGreater(counts["resources"]["progress_actuals"], 0)

        # Every table into SQLite, typed by its Table Schema.
        import sqlite3
        with open(os.path.join(out, "datapackage.json"),
                  encoding="utf-8") as f:
            package = json.load(f)
        db = sqlite3.connect(":memory:")
        sql_type = {"integer": "INTEGER", "number": "REAL"}
        for resource in package["resources"]:
            fields = resource["schema"]["fields"]
            db.execute("CREATE TABLE %s (%s)" % (resource["name"], ", ".join(
                "%s %s" % (f["name"], sql_type.get(f["type"], "TEXT"))
                for f in fields)))
            with open(os.path.join(out, resource["path"]), newline="",
                      encoding="utf-8") as f:
                rows = list(csv.reader(f))[1:]
            db.executemany(
                "INSERT INTO %s VALUES (%s)" % (
                    resource["name"], ", ".join("?" * len(fields))),
                [[None if v == "" else v for v in row] for row in rows])
        plan = self.itp_json("plans", "get", "IND/steel-2070",
                             key_file=self.reviewer)
        self.assertEqual(db.execute(
            "SELECT plan, revision FROM plans").fetchall(),
            [(INDIA_STEEL_NAME, plan["revision"])])
        points = [(p["year"], p.get("production_mt"),
                   p.get("intensity_tco2_per_t"))
                  for p in plan["sectors"][0]["points"]]
        self.assertEqual(db.execute(
            "SELECT year, production_mt, intensity_tco2_per_t FROM "
            "pathway_points ORDER BY year").fetchall(), points)
        projects = sorted((p["project_id"], p.get("capacity_mtpa"),
                           p.get("capex_usd")) for p in plan["projects"])
        self.assertEqual(db.execute(
            "SELECT project_id, capacity_mtpa, capex_usd FROM projects "
            "ORDER BY project_id").fetchall(), projects)
        self.assertEqual(db.execute(
            "SELECT report, plan_revision FROM benchmark_reports").fetchall(),
            [(report["name"], report["plan_revision"])])
        labels = sorted((l["family"], l["year"], l["label"])
                        for s in report["sectors"] for l in s.get("labels", []))
        self.assertEqual(db.execute(
            "SELECT family, year, label FROM benchmark_labels ORDER BY "
            "family, year, label").fetchall(), labels)
        gaps = sorted((r["pathway"], g["year"], g["gap"])
                      for s in report["sectors"] for r in s["pathways"]
                      for g in r.get("gaps", []))
        self.assertEqual(db.execute(
            "SELECT pathway, year, gap FROM benchmark_gaps ORDER BY "
            "pathway, year").fetchall(), gaps)

    def test_export_into_a_non_empty_directory_needs_force(self):
        self.approve_india_plan()
        out = os.path.join(self.test_dir, "published")
        os.makedirs(out)
        notes = os.path.join(out, "NOTES.txt")
        with open(notes, "w", encoding="utf-8") as note:
            note.write("Published copy of the ITP open data.\n")

        result = self.itp("export", "--out", out, key_file=self.reviewer)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("is not empty", result.stderr)
        self.assertIn("--force", result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertEqual(listing(out), ["NOTES.txt"])

        result = self.itp("export", "--out", out, "--force", "-o", "csv",
                          key_file=self.reviewer)
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(rows[0]["path"], "datapackage.json")
        for row in rows:
            path = os.path.join(out, row["path"])
            self.assertEqual(os.path.getsize(path), int(row["size_bytes"]))
            self.assertEqual(sha256_of(path), row["sha256"])
        # Other files are left alone.
        self.assertEqual(listing(out),
                         sorted(["NOTES.txt"] + [r["path"] for r in rows]))

    def test_a_partner_may_not_export_and_nothing_is_left(self):
        partner = self.key_file("PARTNER", "Ministry of Steel, India",
                                "--country", "IND")
        out = os.path.join(self.test_dir, "partner-export")
        result = self.itp("export", "--out", out, key_file=partner)
        self.assert_exit(result, EXIT_PERMISSION)
        self.assertFalse(os.path.exists(out))


# --- A misbehaving OpenDataService -----------------------------------------

def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _length_delimited(field, data):
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def chunk(path, data=b"", last=False, size=None, sha256=None):
    """A DataPackageChunk in the protobuf wire format. On a last chunk, size
    and sha256 default to those of `data` (the whole file in one chunk)."""
    message = b""
    if path:
        message += _length_delimited(1, path.encode("utf-8"))
    if data:
        message += _length_delimited(2, data)
    if last:
        message += _varint(3 << 3) + _varint(1)
        size = len(data) if size is None else size
        sha256 = hashlib.sha256(data).hexdigest() if sha256 is None else sha256
        if size:
            message += _varint(4 << 3) + _varint(size)
        message += _length_delimited(5, sha256.encode("ascii"))
    return message


class FakeExportTest(InvestmentCliTestCase):
    """`itp export` against an in-process server that sends what a test
    says: the client writes only under --out, checks every file and leaves
    nothing behind when anything is wrong."""

    def setUp(self):
        super().setUp()
        try:
            import grpc
        except ImportError:
            self.skipTest("needs grpcio (Debian python3-grpcio)")
        self.grpc = grpc
        # What the next call answers: chunks, then an optional error.
        self.chunks = []
        self.error = None
        server = grpc.server(concurrent.futures.ThreadPoolExecutor(2))
        handler = grpc.method_handlers_generic_handler(
            "itp.v1.OpenDataService", {
                "ExportDataPackage": grpc.unary_stream_rpc_method_handler(
                    self._export, request_deserializer=lambda data: data,
                    response_serializer=lambda data: data)})
        server.add_generic_rpc_handlers((handler,))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        self.address = "127.0.0.1:%d" % port
        self.admin_key_file = self.write_text("fake.key", "itp_fake_key\n")

    def _export(self, request, context):
        for message in self.chunks:
            yield message
        if self.error is not None:
            context.abort(self.error[0], self.error[1])

    def export(self, out, *args):
        return self.itp("export", "--out", out, *args)

    def test_chunks_are_joined_and_empty_files_written(self):
        package = b'{"name": "leadit-itp-approved-plans", "resources": []}\n'
        self.chunks = [chunk("datapackage.json", package[:10]),
                       chunk("datapackage.json", package[10:20]),
                       chunk("", package[20:], last=True,
                             size=len(package),
                             sha256=hashlib.sha256(package).hexdigest()),
                       chunk("data/empty.csv", last=True)]
        out = os.path.join(self.test_dir, "out")
        result = self.export(out, "-o", "json")
        self.assert_exit(result, EXIT_OK)
        with open(os.path.join(out, "datapackage.json"), "rb") as data:
            self.assertEqual(data.read(), package)
        self.assertEqual(os.path.getsize(os.path.join(out, "data",
                                                      "empty.csv")), 0)
        self.assertEqual(listing(out), ["data/empty.csv", "datapackage.json"])
        report = json.loads(result.stdout)
        self.assertEqual([(f["path"], f["size_bytes"]) for f in
                          report["files"]],
                         [("datapackage.json", len(package)),
                          ("data/empty.csv", 0)])
        # Files get the usual permissions (the temporary files are 0600).
        mode = os.stat(os.path.join(out, "datapackage.json")).st_mode & 0o777
        self.assertEqual(mode & 0o044, 0o044 & ~current_umask())

    def assert_refused(self, out, code, message):
        result = self.export(out)
        self.assert_exit(result, code)
        self.assertIn(message, result.stderr)
        self.assertTrue(result.stderr.startswith("Error: "), result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertEqual(result.stdout, "")
        return result

    def test_unsafe_paths_are_refused_and_nothing_is_left(self):
        outside = os.path.join(self.test_dir, "escape.csv")
        unsafe = {
            "../escape.csv": 'a ".." component',
            "data/../../escape.csv": 'a ".." component',
            outside: "it is absolute",
            "data/a\0b.csv": "NUL byte",
            "data//x.csv": "empty component",
            "./datapackage.json": 'a "." component',
            "data/x\n.csv": "control character",
        }
        for path, reason in unsafe.items():
            self.chunks = [chunk("datapackage.json", b"{}", last=True),
                           chunk(path, b"pwned\n", last=True)]
            out = os.path.join(self.test_dir, "out")
            result = self.assert_refused(out, EXIT_OTHER, reason)
            self.assertIn("not safe to write", result.stderr)
            # A fresh directory is removed again; nothing lands outside.
            self.assertFalse(os.path.exists(out), path)
            self.assertFalse(os.path.exists(outside), path)

    def test_a_wrong_size_or_digest_is_refused(self):
        data = b"plan,country\ncountries/IND/plans/steel-2070,IND\n"
        cases = [
            (chunk("data/plans.csv", data, last=True, size=len(data) + 1),
             "arrived with %d bytes, but the server says it has %d"
             % (len(data), len(data) + 1)),
            (chunk("data/plans.csv", data, last=True, sha256="0" * 64),
             "but the server says \"%s\"" % ("0" * 64)),
        ]
        for bad, message in cases:
            self.chunks = [chunk("datapackage.json", b"{}", last=True), bad]
            out = os.path.join(self.test_dir, "out")
            self.assert_refused(out, EXIT_OTHER, message)
            self.assertFalse(os.path.exists(out))
        # An upper-case digest is the same digest.
        self.chunks = [chunk("data/plans.csv", data, last=True,
                             sha256=hashlib.sha256(data).hexdigest().upper())]
        self.assert_exit(self.export(os.path.join(self.test_dir, "ok")),
                         EXIT_OK)

    def test_a_failed_stream_leaves_the_directory_as_it_was(self):
        out = os.path.join(self.test_dir, "published")
        os.makedirs(os.path.join(out, "data"))
        with open(os.path.join(out, "datapackage.json"), "w") as old:
            old.write("the previous export\n")
        # A whole first file, half of a second, then the server fails.
        self.chunks = [chunk("datapackage.json", b"{}\n", last=True),
                       chunk("data/plans.csv", b"plan,country\n")]
        self.error = (self.grpc.StatusCode.INTERNAL, "The database is gone.")
        result = self.itp("export", "--out", out, "--force")
        self.assert_exit(result, EXIT_OTHER)
        self.assertIn("The database is gone.", result.stderr)
        self.assertEqual(listing(out), ["datapackage.json"])
        with open(os.path.join(out, "datapackage.json")) as kept:
            self.assertEqual(kept.read(), "the previous export\n")

        # A stream that ends inside a file, or sends nothing, fails too.
        self.error = None
        self.chunks = [chunk("datapackage.json", b"{")]
        self.assert_refused(os.path.join(self.test_dir, "cut"), EXIT_OTHER,
                            "ended in the middle of datapackage.json")
        self.assertFalse(os.path.exists(os.path.join(self.test_dir, "cut")))
        self.chunks = []
        self.assert_refused(os.path.join(self.test_dir, "none"), EXIT_OTHER,
                            "sent no files")
        self.chunks = [chunk("datapackage.json", b"{}", last=True),
                       chunk("datapackage.json", b"{}", last=True)]
        self.assert_refused(os.path.join(self.test_dir, "twice"), EXIT_OTHER,
                            "twice")

    def test_a_symbolic_link_out_of_the_directory_is_not_followed(self):
        elsewhere = os.path.join(self.test_dir, "elsewhere")
        os.makedirs(elsewhere)
        out = os.path.join(self.test_dir, "out")
        os.makedirs(out)
        os.symlink(elsewhere, os.path.join(out, "data"))
        self.chunks = [chunk("datapackage.json", b"{}", last=True),
                       chunk("data/plans.csv", b"x\n", last=True)]
        result = self.itp("export", "--out", out, "--force")
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("symbolic link", result.stderr)
        self.assertEqual(os.listdir(elsewhere), [])
        self.assertEqual(sorted(os.listdir(out)), ["data"])

    def test_out_is_a_file_exits_2(self):
        path = self.write_text("a-file", "not a directory\n")
        result = self.export(path)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("is not a directory", result.stderr)


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main():
    parser = itp_e2e.argument_parser(__doc__.splitlines()[0], "UsageTest")
    parser.add_argument("--itp", required=True, help="the itp binary")
    parser.add_argument("--opendata-work-dir",
                        help="where tests/opendata/validate.sh installs its "
                             "npm packages (the validation test needs it)")
    options = parser.parse_args()

    global ITP_BINARY, SERVER_BINARY, RUN_DIR, OPENDATA_WORK_DIR
    if options.opendata_work_dir:
        OPENDATA_WORK_DIR = os.path.abspath(options.opendata_work_dir)
    ITP_BINARY = os.path.abspath(options.itp)
    SERVER_BINARY = os.path.abspath(options.server)
    RUN_DIR = itp_e2e.start_run(options.work_dir, [ITP_BINARY, SERVER_BINARY])
    if RUN_DIR is None:
        return 1
    return itp_e2e.run_tests(sys.modules[__name__], options.tests, RUN_DIR)


if __name__ == "__main__":
    sys.exit(main())
