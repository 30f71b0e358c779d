#!/usr/bin/python3
"""End-to-end tests of the `itp` command-line client against itp-server.

Each test runs the real `itp` binary as a subprocess, as a reviewer or a
script would, against a real itp-server started on port 0 with a fresh SQLite
database (stopped with SIGTERM, clean exit asserted). The admin key is the one
the server writes to itp-admin.key beside the database at first start. The
tests check exit codes, the human-readable tables, and that JSON and CSV
output parse with the standard library. Standard library only, with the
server plumbing shared with tests/e2e in tests/e2e/itp_e2e.py.

Run as CTest does:

    /usr/bin/python3 tests/cli/cli_test.py --itp build/client/itp \\
        --server build/server/itp-server --work-dir build/tests/cli

The last line of output is `N passed, N failed`; the exit status is non-zero
on any failure.
"""

import copy
import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, "e2e"))
import itp_e2e  # noqa: E402 (found through the path set above)

# Set by main() before the tests run.
ITP_BINARY = None
SERVER_BINARY = None
RUN_DIR = None

COMMAND_TIMEOUT_S = 60.0

# Exit codes of the `itp` CLI.
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_PERMISSION = 4
EXIT_VALIDATION = 5
EXIT_CONFLICT = 6
EXIT_UNAVAILABLE = 7

# The India steel plan as a CreatePlanRequest in the proto3 JSON mapping.
INDIA_STEEL = {
    "parent": "countries/IND", "plan_id": "steel-2070",
    "request_id": "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10",
    "plan": {
        "display_name": "India green steel roadmap",
        "summary": "Crude steel towards net zero by 2070",
        "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2020, "points": [
            {"year": 2020, "production_mt": 100.3,
             "intensity_tco2_per_t": 2.54},
            {"year": 2030, "production_mt": 255.0,
             "intensity_tco2_per_t": 2.2},
            {"year": 2050, "production_mt": 400.0,
             "intensity_tco2_per_t": 1.0},
            {"year": 2070, "production_mt": 450.0,
             "intensity_tco2_per_t": 0.1}]}],
        "targets": [{"type": "NET_ZERO", "target_year": 2070,
                     "conditional": False}],
        "projects": [{"name": "Hydrogen DRI demonstration plant",
                      "technology": "HYDROGEN_DRI", "capacity_mtpa": 0.5,
                      "capex_usd": 600000000, "start_year": 2027,
                      "status": "ANNOUNCED"}]}}

INDIA_STEEL_NAME = "countries/IND/plans/steel-2070"

# Brazil's steel sector (about 32 Mt of crude steel in 2023), as a bare Plan;
# the title holds a comma so that CSV quoting is exercised.
BRAZIL_STEEL_PLAN = {
    "display_name": "Brazil low-carbon steel plan, 2023-2050",
    "summary": "Charcoal-based and hydrogen-ready ironmaking towards 2050",
    "submitting_body": "Ministry of Development, Industry, Trade and Services",
    "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2023, "points": [
        {"year": 2023, "production_mt": 31.9, "intensity_tco2_per_t": 1.7},
        {"year": 2050, "production_mt": 45.0, "intensity_tco2_per_t": 0.2}]}],
    "targets": [{"type": "NET_ZERO", "target_year": 2050}]}

BRAZIL_STEEL_NAME = "countries/BRA/plans/steel-2050"


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CliTestCase(unittest.TestCase):
    """Gives each test a directory, an isolated HOME and, on request, a
    server; runs `itp` with the admin key by default."""

    def setUp(self):
        self.test_dir = tempfile.mkdtemp(
            prefix=self.id().rsplit(".", 1)[-1] + "-", dir=RUN_DIR)
        # An empty HOME, so that no user's ~/.config/itp/config applies.
        self.home = os.path.join(self.test_dir, "home")
        os.makedirs(self.home)
        self.server = None
        self.address = None

    def start_server(self):
        db_path = os.path.join(self.test_dir, "itp.db")
        server = itp_e2e.ServerProcess(SERVER_BINARY, db_path, self.test_dir)
        self.addCleanup(server.stop)
        self.address = "127.0.0.1:%d" % server.wait_until_serving()
        self.server = server
        self.admin_key_file = itp_e2e.admin_key_path(self.test_dir)
        return server

    def base_env(self):
        """The environment without any ITP_* variable, HOME isolated."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ITP_") and k != "XDG_CONFIG_HOME"}
        env["HOME"] = self.home
        return env

    def itp(self, *args, key_file=None, connect=True, env=None,
            stdin_text=None):
        """Runs `itp args...`; returns the CompletedProcess (text).

        With `connect`, --address and --api-key-file (the admin key unless
        `key_file` is given) are added to the command line.
        """
        command = [ITP_BINARY] + list(args)
        if connect:
            command += ["--address", self.address, "--api-key-file",
                        key_file or self.admin_key_file]
        return subprocess.run(
            command, input=stdin_text, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, timeout=COMMAND_TIMEOUT_S,
            env=env if env is not None else self.base_env(), check=False)

    def assert_exit(self, result, code):
        self.assertEqual(
            result.returncode, code,
            "expected exit %d, got %d\nargs: %s\nstdout:\n%s\nstderr:\n%s"
            % (code, result.returncode, result.args, result.stdout,
               result.stderr))

    def write_json(self, name, document):
        path = os.path.join(self.test_dir, name)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(document, out)
        return path

    def write_text(self, name, text):
        path = os.path.join(self.test_dir, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        return path

    def create_india_plan(self):
        result = self.itp("plans", "create", "--file",
                          self.write_json("india-steel.json", INDIA_STEEL))
        self.assert_exit(result, EXIT_OK)
        return result

    def submit_india_plan(self):
        self.create_india_plan()
        result = self.itp("plans", "submit", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        return result

    def partner_key_file(self, country):
        """Creates a PARTNER key for `country`; returns a file holding it."""
        result = self.itp("keys", "create", "--role", "PARTNER", "--country",
                          country, "--name",
                          "Ministry of Development, Industry, Trade and "
                          "Services, Brazil", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        created = json.loads(result.stdout)
        self.assertEqual(created["api_key"]["role"], "PARTNER")
        self.assertEqual(created["api_key"]["countries"], [country])
        return self.write_text("partner-%s.key" % country, created["secret"])


class UsageTest(CliTestCase):
    """Mistakes on the command line exit 2 with CLI11's message, before any
    call; --help works everywhere."""

    def test_missing_argument_exits_2(self):
        result = self.itp("plans", "get", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("NAME is required", result.stderr)

    def test_unknown_command_exits_2(self):
        result = self.itp("plans", "approve", INDIA_STEEL_NAME, connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("not expected", result.stderr)

    def test_bad_output_format_exits_2(self):
        result = self.itp("plans", "list", "-o", "xml", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("xml not in {table,json,csv}", result.stderr)

    def test_group_without_command_shows_its_help_and_exits_2(self):
        result = self.itp("benchmark", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("Usage: itp benchmark", result.stderr)
        self.assertIn("compare", result.stderr)

    def test_help_on_every_command_has_examples(self):
        commands = [
            ["plans", "list"], ["plans", "get"], ["plans", "create"],
            ["plans", "update"], ["plans", "submit"], ["plans", "withdraw"],
            ["plans", "delete"], ["plans", "revisions"], ["plans", "diff"],
            ["benchmark", "plan"], ["benchmark", "compare"],
            ["benchmark", "pathways"], ["benchmark", "reports"],
            ["keys", "create"], ["keys", "list"], ["keys", "get"],
            ["keys", "revoke"], ["audit", "list"], ["audit", "get"],
            ["rubric"], ["reviews", "start"],
            ["reviews", "get"], ["reviews", "list"], ["reviews", "comment"],
            ["reviews", "reply"], ["reviews", "comments"],
            ["reviews", "resolve"], ["reviews", "score"],
            ["reviews", "complete"], ["jobs", "create"], ["jobs", "list"],
            ["jobs", "get"], ["jobs", "run"], ["jobs", "runs"],
            ["jobs", "results"], ["jobs", "cancel"]]
        for command in commands:
            result = self.itp(*command, "--help", connect=False)
            self.assert_exit(result, EXIT_OK)
            self.assertIn("Usage: itp " + " ".join(command), result.stdout)
            self.assertIn("Examples:\n  itp " + " ".join(command),
                          result.stdout)
            self.assertIn("--output", result.stdout)

    def test_no_api_key_anywhere_exits_2(self):
        result = self.itp("plans", "list", "--address", "127.0.0.1:50051",
                          connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("No API key", result.stderr)

    def test_unreadable_plan_file_exits_2(self):
        self.start_server()
        result = self.itp("plans", "create", "--file",
                          self.write_text("broken.json", '{"plan": {'))
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("broken.json", result.stderr)


class PlanCommandsTest(CliTestCase):

    def setUp(self):
        super().setUp()
        self.start_server()

    def test_create_then_get_shows_the_trajectory_table(self):
        result = self.create_india_plan()
        self.assertIn("Created %s: DRAFT" % INDIA_STEEL_NAME, result.stdout)

        result = self.itp("plans", "get", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        out = result.stdout
        self.assertTrue(out.startswith("India green steel roadmap\n"), out)
        self.assertRegex(out, r"State\s+DRAFT")
        self.assertRegex(out, r"YEAR\s+PRODUCTION Mt\s+INTENSITY tCO2/t\s+"
                              r"EMISSIONS MtCO2")
        # 255 Mt at 2.2 t/t is 561 Mt CO2, computed by the client.
        self.assertRegex(out, r"(?m)^\s+2030\s+255\.0\s+2\.200\s+561\.0\*$")
        self.assertRegex(out, r"(?m)^\s+2020\s+100\.3\s+2\.540\s+254\.8\*$")
        self.assertRegex(out, r"NET_ZERO\s+all\s.*2070")
        self.assertRegex(out, r"Hydrogen DRI demonstration plant\s.*"
                              r"HYDROGEN_DRI\s.*ANNOUNCED\s+2027\s+0\.5\s+"
                              r"USD 600 million")

    def test_get_accepts_the_short_name(self):
        self.create_india_plan()
        result = self.itp("plans", "get", "ind/steel-2070", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        plan = json.loads(result.stdout)
        self.assertEqual(plan["name"], INDIA_STEEL_NAME)
        self.assertEqual(plan["sectors"][0]["points"][1]["year"], 2030)

    def test_list_as_json_holds_the_plans(self):
        self.create_india_plan()
        result = self.itp("plans", "list", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        listing = json.loads(result.stdout)
        self.assertEqual([p["name"] for p in listing["plans"]],
                         [INDIA_STEEL_NAME])
        self.assertEqual(listing["plans"][0]["state"], "DRAFT")
        self.assertEqual(listing["total_size"], 1)

    def test_list_as_csv_parses_with_quoting(self):
        self.create_india_plan()
        result = self.itp("plans", "create", "--file",
                          self.write_json("brazil.json", BRAZIL_STEEL_PLAN),
                          "--parent", "BRA", "--id", "steel-2050")
        self.assert_exit(result, EXIT_OK)

        result = self.itp("plans", "list", "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(rows[0], ["name", "country", "display_name", "state",
                                   "revision", "sectors", "update_time"])
        by_name = {row[0]: row for row in rows[1:]}
        self.assertEqual(set(by_name), {INDIA_STEEL_NAME, BRAZIL_STEEL_NAME})
        self.assertEqual(by_name[BRAZIL_STEEL_NAME][2],
                         "Brazil low-carbon steel plan, 2023-2050")
        self.assertEqual(by_name[INDIA_STEEL_NAME][1:6],
                         ["IND", "India green steel roadmap", "DRAFT", "0",
                          "IRON_AND_STEEL"])

    def test_csv_makes_a_formula_in_partner_text_inert(self):
        # A title a spreadsheet would run as a formula (no control
        # characters, so the server accepts it).
        plan = dict(BRAZIL_STEEL_PLAN)
        plan["display_name"] = '=HYPERLINK("http://203.0.113.9/x","Open")'
        result = self.itp("plans", "create", "--file",
                          self.write_json("brazil.json", plan),
                          "--parent", "BRA", "--id", "steel-2050")
        self.assert_exit(result, EXIT_OK)
        result = self.itp("plans", "list", "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(rows[1][2],
                         "'=HYPERLINK(\"http://203.0.113.9/x\",\"Open\")")
        # The table shows it as it is.
        result = self.itp("plans", "list")
        self.assertIn('=HYPERLINK("http://203.0.113.9/x","Open")',
                      result.stdout)

    def test_terminal_escapes_are_refused_by_the_server(self):
        plan = dict(BRAZIL_STEEL_PLAN)
        plan["display_name"] = "\x1b[2J\x1b]0;Approved\x07Brazil steel"
        result = self.itp("plans", "create", "--file",
                          self.write_json("brazil.json", plan),
                          "--parent", "BRA", "--id", "steel-2050")
        self.assert_exit(result, EXIT_VALIDATION)
        # The error names the field and shows the character; it sends none.
        self.assertIn("plan.display_name: holds the control character "
                      "U+001B at character 1", result.stderr)
        self.assertNotIn("\x1b", result.stderr + result.stdout)

    def test_list_limit_and_country(self):
        self.create_india_plan()
        self.assert_exit(self.itp(
            "plans", "create", "--file",
            self.write_json("brazil.json", BRAZIL_STEEL_PLAN),
            "--parent", "BRA", "--id", "steel-2050"), EXIT_OK)
        result = self.itp("plans", "list", "--limit", "1", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(len(json.loads(result.stdout)["plans"]), 1)
        result = self.itp("plans", "list", "--country", "BRA", "-o", "json")
        self.assertEqual([p["name"] for p in json.loads(result.stdout)["plans"]],
                         [BRAZIL_STEEL_NAME])

    def test_validation_error_exits_5_with_one_line_per_field(self):
        request = copy.deepcopy(INDIA_STEEL)
        request["request_id"] = str(uuid.uuid4())
        request["plan"]["display_name"] = ""
        request["plan"]["sectors"][0]["points"][3]["year"] = 2200
        result = self.itp("plans", "create", "--file",
                          self.write_json("invalid.json", request))
        self.assert_exit(result, EXIT_VALIDATION)
        lines = result.stderr.splitlines()
        self.assertIn("2 fields are invalid", lines[0])
        self.assertIn(
            "  plan.sectors[0].points[3].year: year 2200 is outside "
            "1990-2100.", lines)
        self.assertTrue(
            any(line.startswith("  plan.display_name: ") for line in lines),
            result.stderr)

    def test_not_found_exits_3(self):
        result = self.itp("plans", "get", "countries/IND/plans/cement-2050")
        self.assert_exit(result, EXIT_NOT_FOUND)
        self.assertIn("Not found", result.stderr)

    def test_partner_of_another_country_exits_4(self):
        brazil_key = self.partner_key_file("BRA")
        result = self.itp("plans", "create", "--file",
                          self.write_json("india.json", INDIA_STEEL),
                          key_file=brazil_key)
        self.assert_exit(result, EXIT_PERMISSION)
        self.assertIn("Permission denied", result.stderr)
        # The denial is in the audit trail.
        result = self.itp("audit", "list", "--filter",
                          "code = PERMISSION_DENIED", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        events = json.loads(result.stdout)["audit_events"]
        self.assertEqual([e["method"] for e in events],
                         ["/itp.v1.PlanService/CreatePlan"])

    def test_wrong_key_exits_4(self):
        result = self.itp("plans", "list", key_file=self.write_text(
            "wrong.key", "itp_0000000000000000_not-a-real-secret"))
        self.assert_exit(result, EXIT_PERMISSION)
        self.assertIn("Not authenticated", result.stderr)

    def test_submit_then_revisions(self):
        self.create_india_plan()
        result = self.itp("plans", "submit", "IND/steel-2070")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Submitted %s: SUBMITTED, revision 1." % INDIA_STEEL_NAME,
                      result.stdout)

        result = self.itp("plans", "revisions", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"(?m)^REVISION\s+SUBMITTED\s+TITLE")
        self.assertRegex(result.stdout,
                         r"(?m)^\s+1\s.*India green steel roadmap\s+"
                         + re.escape(INDIA_STEEL_NAME + "/revisions/1") + "$")

        result = self.itp("plans", "revisions", INDIA_STEEL_NAME, "-o", "json")
        revisions = json.loads(result.stdout)["revisions"]
        self.assertEqual([r["revision"] for r in revisions], [1])
        self.assertEqual(revisions[0]["plan"]["state"], "SUBMITTED")

        # A submitted plan cannot be submitted again.
        result = self.itp("plans", "submit", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_CONFLICT)

    def test_diff_of_revisions(self):
        self.submit_india_plan()
        result = self.itp("plans", "diff", INDIA_STEEL_NAME, "--from", "1",
                          "--to", "1")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("No content changes between revisions 1 and 1.",
                      result.stdout)
        # The server checks the revision numbers.
        result = self.itp("plans", "diff", INDIA_STEEL_NAME, "--from", "1",
                          "--to", "2")
        self.assert_exit(result, EXIT_VALIDATION)
        self.assertIn("to_revision: must be a revision from 1 to 1",
                      result.stderr)
        # By default the latest revision and the one before: there is none.
        result = self.itp("plans", "diff", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_CONFLICT)
        self.assertIn("has a single submitted revision", result.stderr)
        result = self.itp("plans", "diff", "countries/IND/plans/cement-2050")
        self.assert_exit(result, EXIT_NOT_FOUND)

    def test_update_a_draft_reads_the_etag(self):
        self.assert_exit(self.itp(
            "plans", "create", "--file",
            self.write_json("brazil.json", BRAZIL_STEEL_PLAN),
            "--parent", "BRA", "--id", "steel-2050"), EXIT_OK)
        changed = copy.deepcopy(BRAZIL_STEEL_PLAN)
        changed["summary"] = "Charcoal, scrap-based EAF and hydrogen DRI"
        changed["display_name"] = "Not applied: outside the mask"
        result = self.itp("plans", "update", BRAZIL_STEEL_NAME, "--file",
                          self.write_json("brazil-v2.json", changed),
                          "--mask", "summary")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Updated %s" % BRAZIL_STEEL_NAME, result.stdout)

        plan = json.loads(self.itp("plans", "get", BRAZIL_STEEL_NAME, "-o",
                                   "json").stdout)
        self.assertEqual(plan["summary"],
                         "Charcoal, scrap-based EAF and hydrogen DRI")
        self.assertEqual(plan["display_name"], BRAZIL_STEEL_PLAN["display_name"])

        result = self.itp("plans", "update", BRAZIL_STEEL_NAME, "--file",
                          self.write_json("brazil-v3.json", changed),
                          "--etag", "0000000000000000")
        self.assert_exit(result, EXIT_CONFLICT)
        self.assertIn("Conflict", result.stderr)

    def test_withdraw_and_delete(self):
        self.submit_india_plan()
        result = self.itp("plans", "delete", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_CONFLICT)
        result = self.itp("plans", "withdraw", INDIA_STEEL_NAME, "--reason",
                          "Superseded by the 2025 National Steel Policy")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("WITHDRAWN", result.stdout)

        self.assert_exit(self.itp(
            "plans", "create", "--file",
            self.write_json("brazil.json", BRAZIL_STEEL_PLAN),
            "--parent", "BRA", "--id", "steel-2050"), EXIT_OK)
        result = self.itp("plans", "delete", BRAZIL_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Deleted %s." % BRAZIL_STEEL_NAME, result.stdout)
        self.assert_exit(self.itp("plans", "get", BRAZIL_STEEL_NAME),
                         EXIT_NOT_FOUND)


class BenchmarkCommandsTest(CliTestCase):

    def setUp(self):
        super().setUp()
        self.start_server()

    def test_pathways_lists_the_tpi_steel_pathway(self):
        result = self.itp("benchmark", "pathways")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(
            result.stdout,
            r"(?m)^pathways/tpi-steel-2022-1p5c\s+IRON_AND_STEEL\s+TPI 2022\s+"
            r"1\.5 Degrees\s+1\s+2022-04-01\s+1\.129\s+0\.052\s")

        result = self.itp("benchmark", "pathways", "--sector", "cement",
                          "-o", "json")
        self.assert_exit(result, EXIT_OK)
        sectors = {p["sector"] for p in json.loads(result.stdout)["pathways"]}
        self.assertEqual(sectors, {"CEMENT"})

    def test_plan_prints_tpi_labels(self):
        self.submit_india_plan()
        result = self.itp("benchmark", "plan", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        out = result.stdout
        self.assertIn("Benchmark of %s/revisions/1" % INDIA_STEEL_NAME, out)
        header = re.search(r"(?m)^\s+FAMILY\s+2025\s+2030\s+2035\s+2040\s+2050$",
                           out)
        self.assertIsNotNone(header, out)
        tpi = re.search(r"(?m)^\s+TPI 2022\s+(.*)$", out)
        self.assertIsNotNone(tpi, out)
        labels = re.split(r"\s{2,}", tpi.group(1).strip())
        # India's 2.2 t/t in 2030 is above even TPI's National Pledges (1.632).
        self.assertEqual(labels[1], "Not Aligned")
        self.assertRegex(out, r"pathways/tpi-steel-2022-1p5c\s+1\.5 Degrees\s+"
                              r"\+0\.999\s+\+1\.071")
        self.assertIn("ITR °C", out)
        self.assertIn("Headline: IRON_AND_STEEL: IEA NZE Not Aligned in 2030 "
                      "and Not Aligned in 2050; TPI 2022 Not Aligned in 2030 "
                      "and National Pledges in 2050; implied temperature 1.81 "
                      "C against IEA Net Zero by 2050, crude steel "
                      "(pathways/iea-nze-steel-2022), the most stringent "
                      "pathway used.", out)
        self.assertIn("What each figure compares", out)
        self.assertIn("- The gap and the TPI label compare the plan with the "
                      "pathway itself: in 2030 the plan's 2.200 t CO2/t is "
                      "1.071 above the pathway's 1.129.", out)

    def test_plan_as_json_and_csv(self):
        self.submit_india_plan()
        result = self.itp("benchmark", "plan", "IND/steel-2070", "--pathway",
                          "tpi-steel-2022-1p5c", "--years", "2030,2050",
                          "--tcre", "0.6", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        report = json.loads(result.stdout)
        self.assertEqual(report["checkpoint_years"], [2030, 2050])
        self.assertEqual(report["tcre_c_per_1000_gtco2"], 0.6)
        labels = {(l["family"], l["year"]): l["label"]
                  for l in report["sectors"][0]["labels"]}
        self.assertEqual(labels[("TPI 2022", 2030)], "Not Aligned")

        result = self.itp("benchmark", "plan", INDIA_STEEL_NAME, "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        row = next(r for r in rows if r["pathway"] ==
                   "pathways/tpi-steel-2022-1p5c" and r["year"] == "2030")
        self.assertEqual(row["label"], "Not Aligned")
        self.assertEqual(row["plan_intensity"], "2.2")
        self.assertEqual(row["pathway_intensity"], "1.129")

        result = self.itp("benchmark", "reports", INDIA_STEEL_NAME, "-o",
                          "json")
        self.assert_exit(result, EXIT_OK)
        reports = json.loads(result.stdout)["benchmark_reports"]
        self.assertEqual(len(reports), 2)
        result = self.itp("benchmark", "reports", reports[0]["name"])
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Alignment labels", result.stdout)

    def test_asking_again_stores_no_second_report(self):
        self.submit_india_plan()
        first = self.itp("benchmark", "plan", INDIA_STEEL_NAME, "-o", "json")
        self.assert_exit(first, EXIT_OK)
        again = self.itp("benchmark", "plan", INDIA_STEEL_NAME, "-o", "json")
        self.assert_exit(again, EXIT_OK)
        self.assertEqual(json.loads(again.stdout)["name"],
                         json.loads(first.stdout)["name"])
        dry = self.itp("benchmark", "plan", INDIA_STEEL_NAME, "--tcre", "0.6",
                       "--dry-run")
        self.assert_exit(dry, EXIT_OK)
        self.assertRegex(dry.stdout, r"(?m)^\s+Report\s+not stored \(--dry-run\)$")
        self.assertIn("Headline: IRON_AND_STEEL", dry.stdout)
        reports = self.itp("benchmark", "reports", INDIA_STEEL_NAME, "-o",
                           "json")
        self.assert_exit(reports, EXIT_OK)
        self.assertEqual(
            [r["name"] for r in json.loads(reports.stdout)["benchmark_reports"]],
            [json.loads(first.stdout)["name"]])

    def test_plan_of_a_never_submitted_draft_says_so(self):
        self.create_india_plan()
        result = self.itp("benchmark", "plan", INDIA_STEEL_NAME)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Benchmark of %s (the current draft: never submitted)"
                      % INDIA_STEEL_NAME, result.stdout)

    def test_compare_as_csv(self):
        self.submit_india_plan()
        result = self.itp("benchmark", "compare", "--sector",
                          "IRON_AND_STEEL", "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(rows[0], ["intensity_rank", "country", "display_name",
                                   "intensity", "alignment_ratio",
                                   "alignment_gap", "alignment_rank",
                                   "plan_revision"])
        self.assertEqual(len(rows), 2, rows)
        self.assertEqual(rows[1][:4],
                         ["1", "IND", "India green steel roadmap", "2.2"])
        self.assertLess(float(rows[1][4]), 0)
        self.assertGreater(float(rows[1][5]), 0)
        self.assertEqual(rows[1][6], "1")
        self.assertEqual(rows[1][7], INDIA_STEEL_NAME + "/revisions/1")

        result = self.itp("benchmark", "compare", "--sector", "IRON_AND_STEEL",
                          "--year", "2050")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("IRON_AND_STEEL plans in 2050", result.stdout)
        # In 2050 the target is IEA NZE's 0.11, below 5 % of India's 2.54
        # base: no ratio (it would be -809 %), the gap instead.
        self.assertRegex(result.stdout, r"1\s+IND\s+India green steel roadmap"
                                        r"\s+1\.000\s+n/m\s+\+0\.890\s+1\s")
        self.assertIn("Ranks: intensity 1 = lowest intensity; alignment 1 = "
                      "best aligned", result.stdout)
        self.assertIn("n/m: the target is below 5 % of the plan's base "
                      "intensity", result.stdout)


class AdminCommandsTest(CliTestCase):

    def setUp(self):
        super().setUp()
        self.start_server()

    def test_create_key_prints_the_secret_once(self):
        result = self.itp("keys", "create", "--role", "REVIEWER", "--name",
                          "LeadIT secretariat, Stockholm")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"(?m)^    itp_\S+$")
        self.assertIn("shown only once", result.stdout)

        result = self.itp("keys", "list", "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(sorted(r["role"] for r in rows),
                         ["ADMIN", "REVIEWER"])
        self.assertNotIn("itp_", result.stdout.replace("apiKeys/", ""))

    def test_revoked_key_stops_working(self):
        key_file = self.partner_key_file("BRA")
        self.assert_exit(self.itp("plans", "list", key_file=key_file), EXIT_OK)
        keys = json.loads(self.itp("keys", "list", "-o", "json").stdout)
        partner = next(k for k in keys["api_keys"] if k["role"] == "PARTNER")
        result = self.itp("keys", "revoke", partner["name"])
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Revoked %s" % partner["name"], result.stdout)
        self.assert_exit(self.itp("plans", "list", key_file=key_file),
                         EXIT_PERMISSION)
        listed = self.itp("keys", "list", "--all", "-o", "json")
        states = {k["name"]: k["state"]
                  for k in json.loads(listed.stdout)["api_keys"]}
        self.assertEqual(states[partner["name"]], "REVOKED")

        # One key by name or bare id, revoked ones too.
        result = self.itp("keys", "get", partner["name"], "-o", "json")
        self.assert_exit(result, EXIT_OK)
        key = json.loads(result.stdout)
        self.assertEqual(key["name"], partner["name"])
        self.assertEqual(key["state"], "REVOKED")
        self.assertEqual(key["countries"], ["BRA"])
        result = self.itp("keys", "get", partner["name"][len("apiKeys/"):])
        self.assert_exit(result, EXIT_OK)
        self.assertIn(partner["name"], result.stdout)
        self.assertIn("REVOKED", result.stdout)
        result = self.itp("keys", "get", "apiKeys/00000000deadbeef")
        self.assert_exit(result, EXIT_NOT_FOUND)
        self.assertIn("apiKeys/00000000deadbeef does not exist",
                      result.stderr)

    def test_audit_get_shows_one_listed_event(self):
        key_file = self.partner_key_file("BRA")
        self.assert_exit(self.itp("plans", "get", "IND/steel-2070",
                                  key_file=key_file), EXIT_PERMISSION)
        listed = json.loads(self.itp(
            "audit", "list", "--filter", "code = PERMISSION_DENIED",
            "-o", "json").stdout)["audit_events"]
        self.assertEqual(len(listed), 1)
        name = listed[0]["name"]
        result = self.itp("audit", "get", name, "-o", "json")
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(json.loads(result.stdout), listed[0])
        result = self.itp("audit", "get", name[len("auditEvents/"):],
                          "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual([(r["name"], r["code"], r["resource"]) for r in rows],
                         [(name, "PERMISSION_DENIED",
                           "countries/IND/plans/steel-2070")])
        result = self.itp("audit", "get", "auditEvents/0")
        self.assert_exit(result, EXIT_VALIDATION)
        self.assertIn("is not an audit event name", result.stderr)


# The field a reviewer comments on: India's 2030 steel intensity.
INTENSITY_2030 = "sectors[0].points[1].intensity_tco2_per_t"


class ReviewCommandsTest(CliTestCase):
    """The secretariat's review of a plan, through `itp` as reviewers and
    partners use it: keys from `itp keys create -o json`, then plans,
    reviews, comments, scores, decisions and benchmarks."""

    def setUp(self):
        super().setUp()
        self.start_server()

    def key_file(self, role, name, *extra):
        """Creates a key with the admin key; returns a file holding it."""
        result = self.itp("keys", "create", "--role", role, "--name", name,
                          *extra, "-o", "json")
        self.assert_exit(result, EXIT_OK)
        created = json.loads(result.stdout)
        self.assertEqual(created["api_key"]["role"], role)
        return self.write_text("%s-%s.key" % (role.lower(), uuid.uuid4().hex),
                               created["secret"])

    def reviewer_key(self):
        return self.key_file("REVIEWER", "LeadIT secretariat, Stockholm")

    def india_partner_key(self):
        return self.key_file("PARTNER", "Ministry of Steel, India",
                             "--country", "IND")

    def criteria(self, key_file):
        result = self.itp("rubric", "-o", "json", key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return [c["id"] for c in json.loads(result.stdout)["criteria"]]

    def score_every_criterion(self, review, score, key_file):
        args = []
        for criterion in self.criteria(key_file):
            args += ["--criterion", criterion, "--score", str(score),
                     "--evidence", "Evidence for %s in the plan" % criterion]
        result = self.itp("reviews", "score", review, *args,
                          key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return result

    def start_review(self, key_file):
        """Starts a review of the India plan; returns its name."""
        result = self.itp("reviews", "start", "IND/steel-2070", "-o", "json",
                          key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return json.loads(result.stdout)["name"]

    def test_rubric_lists_eight_criteria(self):
        result = self.itp("rubric", key_file=self.reviewer_key())
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"(?m)^\s+ID\s+TITLE\s+GUIDANCE$")
        self.assertRegex(result.stdout, r"(?m)^\s+ambition\s+Ambition\s+\S")
        result = self.itp("rubric", "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(len(rows), 8)
        self.assertEqual(rows[0]["id"], "ambition")

    def test_reviewer_journey(self):
        reviewer = self.reviewer_key()
        partner = self.india_partner_key()

        # The partner drafts and submits the India steel plan.
        self.assert_exit(self.itp(
            "plans", "create", "--file",
            self.write_json("india-steel.json", INDIA_STEEL),
            key_file=partner), EXIT_OK)
        self.assert_exit(self.itp("plans", "submit", "IND/steel-2070",
                                  key_file=partner), EXIT_OK)

        # The reviewer finds it and reads it.
        result = self.itp("plans", "list", "--filter", "state = SUBMITTED",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout,
                         r"(?m)^" + re.escape(INDIA_STEEL_NAME) +
                         r"\s+IND\s+India green steel roadmap\s+SUBMITTED"
                         r"\s+1\s+IRON_AND_STEEL\s")
        result = self.itp("plans", "get", "IND/steel-2070", key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"State\s+SUBMITTED, revision 1")
        self.assertRegex(result.stdout, r"(?m)^\s+2030\s+255\.0\s+2\.200\s")

        # First review: a comment on the 2030 intensity, scores, changes
        # requested.
        result = self.itp("reviews", "start", "IND/steel-2070",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        started = re.search(r"Started (\S+) of (\S+) \(OPEN", result.stdout)
        self.assertIsNotNone(started, result.stdout)
        first = started.group(1)
        self.assertRegex(first, "^" + re.escape(INDIA_STEEL_NAME) +
                         r"/reviews/\d+$")
        self.assertEqual(started.group(2), INDIA_STEEL_NAME + "/revisions/1")
        # The short name works for reviews too.
        first_short = "IND/steel-2070/reviews/" + first.rsplit("/", 1)[1]

        body = ("2.2 t/t in 2030 is above every TPI pathway; what would it "
                "take to reach 1.9?")
        result = self.itp("reviews", "comment", first_short, "--field",
                          INTENSITY_2030, "--body", body, key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        added = re.search(r"Added comment (\S+) on " +
                          re.escape(INTENSITY_2030) + r"\.", result.stdout)
        self.assertIsNotNone(added, result.stdout)
        comment = added.group(1)
        self.assertTrue(comment.startswith(first + "/comments/"), comment)

        criteria = self.criteria(reviewer)
        self.assertEqual(len(criteria), 8)
        result = self.score_every_criterion(first_short, 2, reviewer)
        self.assertIn("Scored %s: 16 of 32 (every criterion scored)." % first,
                      result.stdout)

        result = self.itp("reviews", "complete", first_short, "--decision",
                          "request-changes", "--summary",
                          "Lower the 2030 intensity; see the comment.",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Completed %s: REQUEST_CHANGES" % first, result.stdout)
        self.assertIn("%s is now CHANGES_REQUESTED." % INDIA_STEEL_NAME,
                      result.stdout)

        # The partner reads the comment and revises the plan.
        result = self.itp("reviews", "comments", first_short, key_file=partner)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("1 thread on %s, 1 unresolved." % first, result.stdout)
        self.assertIn("%s  (unresolved)" % comment, result.stdout)
        self.assertRegex(result.stdout,
                         r"(?m)^\s+Field\s+" + re.escape(INTENSITY_2030) + "$")
        self.assertIn("> " + body, result.stdout)

        revised = copy.deepcopy(INDIA_STEEL["plan"])
        revised["sectors"][0]["points"][1]["intensity_tco2_per_t"] = 1.9
        result = self.itp("plans", "update", "IND/steel-2070", "--file",
                          self.write_json("india-steel-v2.json",
                                          {"sectors": revised["sectors"]}),
                          "--mask", "sectors", key_file=partner)
        self.assert_exit(result, EXIT_OK)
        result = self.itp("plans", "submit", "IND/steel-2070",
                          key_file=partner)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("SUBMITTED, revision 2.", result.stdout)

        # Second review: the change is shown, the comment resolved, approved.
        result = self.itp("reviews", "start", "IND/steel-2070",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        second = re.search(r"Started (\S+) of ", result.stdout).group(1)
        self.assertNotEqual(second, first)
        change_row = (r"(?m)^\s+" + re.escape(INTENSITY_2030) +
                      r"\s+2\.2\s+1\.9$")
        self.assertRegex(result.stdout, change_row)

        result = self.itp("reviews", "get", second, key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"State\s+OPEN")
        self.assertRegex(result.stdout, r"Plan revision\s+" +
                         re.escape(INDIA_STEEL_NAME + "/revisions/2"))
        self.assertIn("1 field changed since %s/revisions/1:"
                      % INDIA_STEEL_NAME, result.stdout)
        self.assertRegex(result.stdout,
                         r"(?m)^\s+FIELD\s+REVISION 1\s+REVISION 2$")
        self.assertRegex(result.stdout, change_row)
        review = json.loads(self.itp("reviews", "get", second, "-o", "json",
                                     key_file=reviewer).stdout)
        self.assertEqual(review["changes_since_previous"],
                         [{"path": INTENSITY_2030, "old_value": "2.2",
                           "new_value": "1.9"}])

        result = self.itp("plans", "diff", "IND/steel-2070", key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("1 field changed from revision 1 to 2:", result.stdout)
        self.assertRegex(result.stdout, change_row)
        result = self.itp("plans", "diff", "IND/steel-2070", "-o", "csv",
                          key_file=reviewer)
        self.assertEqual(
            list(csv.reader(io.StringIO(result.stdout, newline=""))),
            [["path", "old", "new"], [INTENSITY_2030, "2.2", "1.9"]])

        result = self.itp("reviews", "resolve", comment, key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Resolved %s on %s." % (comment, INTENSITY_2030),
                      result.stdout)
        comments = json.loads(self.itp("reviews", "comments", first, "-o",
                                       "json", key_file=reviewer).stdout)
        self.assertEqual([(c["name"], c["resolved"])
                          for c in comments["comments"]], [(comment, True)])

        self.score_every_criterion(second, 3, reviewer)
        result = self.itp("reviews", "complete", second, "--decision",
                          "approve", "--summary",
                          "The 2030 intensity is now 1.9 t/t.",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Completed %s: APPROVE, score 24 of 32." % second,
                      result.stdout)
        self.assertIn("%s is now APPROVED." % INDIA_STEEL_NAME, result.stdout)

        result = self.itp("reviews", "list", "IND/steel-2070", "-o", "csv",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual([(r["name"], r["state"], r["decision"])
                          for r in rows],
                         [(second, "COMPLETED", "APPROVE"),
                          (first, "COMPLETED", "REQUEST_CHANGES")])

        # The benchmark of the approved revision, for a spreadsheet.
        result = self.itp("benchmark", "plan", "IND/steel-2070", "-o", "csv",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertTrue(rows, result.stdout)
        row = next(r for r in rows if r["pathway"] ==
                   "pathways/tpi-steel-2022-1p5c" and r["year"] == "2030")
        self.assertEqual(row["plan_revision"],
                         INDIA_STEEL_NAME + "/revisions/2")
        self.assertEqual(row["plan_intensity"], "1.9")

    def test_comment_on_a_field_the_revision_lacks_exits_5(self):
        self.submit_india_plan()
        reviewer = self.reviewer_key()
        review = self.start_review(reviewer)
        missing = "sectors[0].points[9].intensity_tco2_per_t"
        result = self.itp("reviews", "comment", review, "--field", missing,
                          "--body", "Where is this point?", key_file=reviewer)
        self.assert_exit(result, EXIT_VALIDATION)
        self.assertIn("1 field is invalid", result.stderr)
        self.assertRegex(result.stderr,
                         r"(?m)^  comment\.anchor: .*" + re.escape(missing))

    def test_partner_cannot_decide_a_review_exits_4(self):
        self.submit_india_plan()
        review = self.start_review(self.reviewer_key())
        result = self.itp("reviews", "complete", review, "--decision",
                          "approve", "--summary", "Self-approved",
                          key_file=self.india_partner_key())
        self.assert_exit(result, EXIT_PERMISSION)
        self.assertIn("Permission denied", result.stderr)

    def test_scores_from_a_file_and_the_review_as_csv(self):
        self.submit_india_plan()
        reviewer = self.reviewer_key()
        review = self.start_review(reviewer)
        scores = [{"criterion_id": c, "score": 1, "evidence": "Thin, see p. 3"}
                  for c in self.criteria(reviewer)[:3]]
        result = self.itp("reviews", "score", review, "--file",
                          self.write_json("scores.json", scores),
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("3 of 32 (not scored yet: implementation,",
                      result.stdout)

        result = self.itp("reviews", "get", review, "-o", "csv",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(len(rows), 8)
        self.assertEqual((rows[0]["criterion_id"], rows[0]["score"],
                          rows[0]["evidence"]),
                         ("ambition", "1", "Thin, see p. 3"))
        self.assertEqual(rows[7]["score"], "")

        # Requesting changes needs an unresolved comment: a conflict.
        self.score_every_criterion(review, 2, reviewer)
        result = self.itp("reviews", "complete", review, "--decision",
                          "request-changes", "--summary", "Please revise.",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_CONFLICT)
        self.assertIn("unresolved comment", result.stderr)

    def test_score_flags_must_come_in_triples_exits_2(self):
        result = self.itp("reviews", "score", "IND/steel-2070/reviews/1",
                          "--criterion", "ambition", "--score", "2",
                          key_file=self.reviewer_key())
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("(got 1 --criterion, 1 --score, 0 --evidence)",
                      result.stderr)

    def test_replies_form_a_thread_and_list_filters(self):
        self.submit_india_plan()
        reviewer = self.reviewer_key()
        review = self.start_review(reviewer)
        result = self.itp("reviews", "comment", review, "--body",
                          "Please state the MRV arrangements.", "-o", "json",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        comment = json.loads(result.stdout)["name"]
        short = "IND/" + comment.split("/", 3)[3]
        result = self.itp("reviews", "reply", short, "--body",
                          "And the reporting cadence.", key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"Added reply \S+ in reply to " +
                         re.escape(comment) + r"\.")
        result = self.itp("reviews", "comments", review, key_file=reviewer)
        self.assertIn("1 thread on %s, 1 unresolved." % review, result.stdout)
        self.assertRegex(result.stdout, r"(?m)^    Reply \S+  \(unresolved\)$")

        result = self.itp("reviews", "list", "--state", "open", "--mine",
                          "-o", "json", key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual([r["name"] for r in
                          json.loads(result.stdout)["reviews"]], [review])
        # Another reviewer's --mine is empty; COMPLETED has none yet.
        result = self.itp("reviews", "list", "--all", "--mine",
                          key_file=self.reviewer_key())
        self.assertIn("No reviews found.", result.stdout)
        result = self.itp("reviews", "list", "--state", "COMPLETED",
                          key_file=reviewer)
        self.assertIn("No reviews found.", result.stdout)


class JobCommandsTest(CliTestCase):
    """Benchmark jobs run with a BENCHMARK_RUNNER key."""

    def setUp(self):
        super().setUp()
        self.start_server()

    def runner_key(self):
        result = self.itp("keys", "create", "--role", "BENCHMARK_RUNNER",
                          "--name", "Nightly benchmark job", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        return self.write_text("runner.key",
                               json.loads(result.stdout)["secret"])

    def test_create_run_wait_and_results_as_csv(self):
        self.submit_india_plan()
        self.assert_exit(self.itp(
            "plans", "create", "--file",
            self.write_json("brazil.json", BRAZIL_STEEL_PLAN),
            "--parent", "BRA", "--id", "steel-2050"), EXIT_OK)
        self.assert_exit(self.itp("plans", "submit", BRAZIL_STEEL_NAME),
                         EXIT_OK)
        runner = self.runner_key()

        result = self.itp("jobs", "create", "nightly-all", "--name",
                          "Nightly benchmark of every submitted plan",
                          key_file=runner)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Created benchmarkJobs/nightly-all", result.stdout)

        result = self.itp("jobs", "run", "nightly-all", "--wait",
                          key_file=runner)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Run benchmarkJobs/nightly-all/runs/", result.stdout)
        self.assertIn(": SUCCEEDED", result.stdout)
        self.assertIn("2 plans: 2 benchmarked, 0 failed", result.stdout)
        self.assertIn("[2/2]", result.stdout)
        run = re.search(r"Run (\S+): SUCCEEDED", result.stdout).group(1)

        result = self.itp("jobs", "results", run, "-o", "csv",
                          key_file=runner)
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(sorted(r["plan"] for r in rows),
                         [BRAZIL_STEEL_NAME, INDIA_STEEL_NAME])
        for row in rows:
            self.assertEqual(row["plan_revision"],
                             row["plan"] + "/revisions/1")
            self.assertTrue(row["report"].startswith(
                row["plan"] + "/benchmarkReports/"), row)
            self.assertEqual(row["error"], "")

        # A second run compares with the first.
        result = self.itp("jobs", "run", "benchmarkJobs/nightly-all", "--wait",
                          "-o", "json", key_file=runner)
        self.assert_exit(result, EXIT_OK)
        report = json.loads(result.stdout)
        self.assertEqual(report["run"]["state"], "SUCCEEDED")
        self.assertEqual(report["run"]["changes"]["previous_run"], run)
        self.assertEqual(len(report["results"]), 2)

        result = self.itp("jobs", "get", "nightly-all", key_file=runner)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("No changes since %s." % run, result.stdout)
        result = self.itp("jobs", "runs", "nightly-all", "-o", "json",
                          key_file=runner)
        self.assertEqual(len(json.loads(result.stdout)["runs"]), 2)
        result = self.itp("jobs", "list", "-o", "csv", key_file=runner)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual([r["name"] for r in rows],
                         ["benchmarkJobs/nightly-all"])
        # Nothing to cancel once the run has ended.
        result = self.itp("jobs", "cancel", "nightly-all", key_file=runner)
        self.assert_exit(result, EXIT_CONFLICT)

    def test_partner_may_not_run_jobs_exits_4(self):
        result = self.itp("jobs", "list",
                          key_file=self.partner_key_file("BRA"))
        self.assert_exit(result, EXIT_PERMISSION)


# A progress report of the India steel plan for 2024 (the report's content;
# parent, reporting year and request id are flags of `itp progress create`).
INDIA_STEEL_REPORT_2024 = {
    "sectors": [{"sector": "IRON_AND_STEEL", "points": [
        {"year": 2022, "production_mt": 125.3, "intensity_tco2_per_t": 2.52},
        {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49},
        {"year": 2024, "production_mt": 149.6,
         "intensity_tco2_per_t": 2.47}]}],
    "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
                         "status": "UNDER_CONSTRUCTION",
                         "capital_spent_usd": 150000000}],
    "narrative": "Output grew 6 % in 2024; intensity fell 0.8 %."}

INDIA_STEEL_REPORT_NAME = INDIA_STEEL_NAME + "/progressReports/2024"


class ProgressUsageTest(CliTestCase):
    """`itp progress` on the command line, before any call."""

    def test_help_lists_the_subcommands(self):
        result = self.itp("progress", "--help", connect=False)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Usage: itp progress", result.stdout)
        for command in ["create", "update", "publish", "get", "list",
                        "status"]:
            self.assertRegex(result.stdout, r"(?m)^  %s\s" % command)
        result = self.itp("progress", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("Usage: itp progress", result.stderr)

    def test_help_on_every_progress_command_has_examples(self):
        for command in ["create", "update", "publish", "get", "list",
                        "status"]:
            result = self.itp("progress", command, "--help", connect=False)
            self.assert_exit(result, EXIT_OK)
            self.assertIn("Usage: itp progress " + command, result.stdout)
            self.assertIn("Examples:\n  itp progress " + command,
                          result.stdout)
            self.assertIn("--output", result.stdout)
        result = self.itp("progress", "create", "--help", connect=False)
        for flag in ["--year", "--file", "--supersede", "--request-id"]:
            self.assertIn(flag, result.stdout)

    def test_create_needs_the_year_exits_2(self):
        result = self.itp("progress", "create", "IND/steel-2070", "--file",
                          "report.json", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("--year is required", result.stderr)

    def test_unreadable_report_file_exits_2(self):
        self.start_server()
        result = self.itp("progress", "create", "IND/steel-2070", "--year",
                          "2024", "--file",
                          self.write_text("broken.json", '{"sectors": ['))
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("broken.json is not a valid", result.stderr)


class ProgressCommandsTest(CliTestCase):
    """Progress reports against the submitted India steel plan, filed,
    published and corrected with `itp progress`, and the assessment a
    reviewer reads with `itp progress status`."""

    def setUp(self):
        super().setUp()
        self.start_server()
        self.submit_india_plan()
        # The reporting year expected by now (domain brief, section 6, item
        # 9): the 2024 report is overdue from 2026 on.
        self.expected_year = time.gmtime().tm_year - 1

    def key_file(self, role, name, *extra):
        result = self.itp("keys", "create", "--role", role, "--name", name,
                          *extra, "-o", "json")
        self.assert_exit(result, EXIT_OK)
        return self.write_text("%s-%s.key" % (role.lower(), uuid.uuid4().hex),
                               json.loads(result.stdout)["secret"])

    def create_report(self, report=None, *extra, key_file=None):
        path = self.write_json("report-%s.json" % uuid.uuid4().hex,
                               report or INDIA_STEEL_REPORT_2024)
        result = self.itp("progress", "create", "IND/steel-2070", "--year",
                          "2024", "--file", path, *extra, key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return result

    def publish_report(self, key_file=None):
        result = self.itp("progress", "publish", "IND/steel-2070/2024",
                          key_file=key_file)
        self.assert_exit(result, EXIT_OK)
        return result

    def test_create_publish_and_status_table(self):
        result = self.create_report(INDIA_STEEL_REPORT_2024, "--request-id",
                                    str(uuid.uuid4()))
        self.assertIn("Created %s, version 1 (DRAFT) against %s/revisions/1."
                      % (INDIA_STEEL_REPORT_NAME, INDIA_STEEL_NAME),
                      result.stdout)
        result = self.publish_report()
        self.assertIn("Published %s, version 1." % INDIA_STEEL_REPORT_NAME,
                      result.stdout)
        self.assertIn("itp progress status " + INDIA_STEEL_NAME,
                      result.stdout)

        result = self.itp("progress", "status", "IND/steel-2070")
        self.assert_exit(result, EXIT_OK)
        out = result.stdout
        self.assertTrue(out.startswith(
            "Progress of %s: MORE_EFFORT_NEEDED\n" % INDIA_STEEL_NAME), out)
        self.assertRegex(out, r"Report\s+" + re.escape(
            INDIA_STEEL_REPORT_NAME + ", version 1"))
        self.assertRegex(out, r"Reporting year\s+2024\n")
        self.assertRegex(out, r"Plan revision\s+" +
                         re.escape(INDIA_STEEL_NAME + "/revisions/1"))
        self.assertRegex(out, r"Reporting\s+OVERDUE: latest 2024, expected "
                         r"%d\n" % self.expected_year)
        self.assertIn("IRON_AND_STEEL: MORE_EFFORT_NEEDED\n", out)
        self.assertRegex(out, r"(?m)^\s+METRIC\s+t0\s+BASE\s+y\s+A\(y\)\s+"
                              r"P\(y\)\s+DEV\s+r_obs\s+m\s+P\(m\)\s+r_req\s+"
                              r"STATUS$")
        self.assertRegex(
            out, r"(?m)^\s+intensity t CO2/t\s+2020\s+2\.540 \(plan\)\s+2024"
                 r"\s+2\.470\s+2\.404\s+\+2\.7 %\s+-0\.7 %/yr\s+2030\s+"
                 r"2\.200\s+-1\.9 %/yr\s+MORE_EFFORT_NEEDED$")
        # Emissions too: 149.6 Mt x 2.47 t/t.
        self.assertRegex(out, r"(?m)^\s+emissions Mt CO2\s+2020\s+"
                              r"254\.8 \(plan\)\s+2024\s+369\.5\s")
        self.assertIn("  intensity: Actual 2.470 t CO2/t in 2024 is 2.7 % "
                      "above the plan's 2.404", out)
        self.assertRegex(out, r"(?m)^\s+intensity\s+2030\s+2\.369\s+2\.200"
                              r"\s+\+7\.7 %$")
        self.assertRegex(out, r"(?m)^\s+intensity\s+2070\s+1\.791\s+0\.100"
                              r"\s")
        self.assertIn("Actual intensity 2024 against the pathways", out)
        self.assertRegex(out, r"(?m)^\s+TPI 2022\s+Not Aligned\s+-$")
        self.assertRegex(out, r"(?m)^\s+IEA NZE\s+Not Aligned\s+-$")
        self.assertRegex(out, r"(?m)^\s+HYDROGEN_DRI\s+1\s+0\s+0\s+0\s+0\s+"
                              r"1\s+0$")
        self.assertRegex(out, r"(?m)^\s+HYDROGEN_DRI\s+0 / 0\.5\s+USD 0 / "
                              r"USD 600 million\s+USD 150 million$")
        self.assertIn("Method itp-progress/1.0: tolerance 2.0 %, threshold "
                      "10.0 %, pace margin 1.0 %/yr.", out)

    def test_status_as_json_and_csv(self):
        self.create_report()
        self.publish_report()
        result = self.itp("progress", "status", INDIA_STEEL_NAME, "-o",
                          "json")
        self.assert_exit(result, EXIT_OK)
        progress = json.loads(result.stdout)
        self.assertEqual(progress["status"], "MORE_EFFORT_NEEDED")
        self.assertEqual(progress["progress_report"], INDIA_STEEL_REPORT_NAME)
        self.assertEqual(progress["report_version"], 1)
        self.assertEqual(progress["reporting"]["state"], "OVERDUE")
        self.assertEqual(progress["reporting"]["latest_reporting_year"], 2024)
        intensity = progress["sectors"][0]["intensity"]
        self.assertEqual(intensity["status"], "MORE_EFFORT_NEEDED")
        self.assertTrue(intensity["base_from_plan"])
        self.assertAlmostEqual(intensity["deviation"], 0.0274542429,
                               places=9)
        self.assertAlmostEqual(intensity["observed_rate"], -0.006962,
                               places=6)
        self.assertAlmostEqual(intensity["required_rate"], -0.019109,
                               places=6)
        self.assertEqual(
            [(p["year"], round(p["projected"], 4), p["planned"])
             for p in intensity["projections"]],
            [(2030, 2.3686, 2.2), (2070, 1.7911, 0.1)])
        self.assertIn("emissions", progress["sectors"][0])
        self.assertEqual(
            sorted((a["family"], a["label"])
                   for a in progress["sectors"][0]["alignments"]),
            [("IEA NZE", "Not Aligned"), ("TPI 2022", "Not Aligned")])
        technology = progress["technologies"][0]
        self.assertEqual((technology["technology"], technology["projects"],
                          technology["not_yet_due"]), ("HYDROGEN_DRI", 1, 1))
        self.assertEqual(technology["capital_spent_usd"], 150000000)

        result = self.itp("progress", "status", "IND/steel-2070", "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(rows[0], [
            "plan", "progress_report", "report_version", "reporting_year",
            "plan_revision", "plan_status", "sector", "metric", "unit",
            "status", "base_year", "base_value", "base_from_plan",
            "latest_year", "actual", "planned", "deviation", "observed_rate",
            "milestone_year", "milestone_value", "required_rate",
            "projected_2030", "planned_2030", "final_year", "projected_final",
            "planned_final", "message"])
        self.assertEqual([(r[6], r[7]) for r in rows[1:]],
                         [("IRON_AND_STEEL", "intensity"),
                          ("IRON_AND_STEEL", "emissions")])
        row = dict(zip(rows[0], rows[1]))
        self.assertEqual(
            [row[k] for k in ["plan", "progress_report", "report_version",
                              "reporting_year", "status", "base_year",
                              "base_value", "base_from_plan", "latest_year",
                              "actual", "planned", "milestone_year",
                              "milestone_value", "planned_2030", "final_year",
                              "planned_final"]],
            [INDIA_STEEL_NAME, INDIA_STEEL_REPORT_NAME, "1", "2024",
             "MORE_EFFORT_NEEDED", "2020", "2.54", "true", "2024", "2.47",
             "2.404", "2030", "2.2", "2.2", "2070", "0.1"])
        self.assertAlmostEqual(float(row["deviation"]), 0.0274542429,
                               places=9)
        self.assertAlmostEqual(float(row["observed_rate"]), -0.006962,
                               places=6)
        self.assertAlmostEqual(float(row["required_rate"]), -0.019109,
                               places=6)
        self.assertAlmostEqual(float(row["projected_2030"]), 2.3686, places=4)
        self.assertTrue(row["message"].startswith("Actual 2.470 t CO2/t"))

    def test_validation_error_names_the_field_exits_5(self):
        report = copy.deepcopy(INDIA_STEEL_REPORT_2024)
        report["sectors"][0]["points"] = [
            {"year": 2025, "production_mt": 152.0,
             "intensity_tco2_per_t": 2.45}]
        result = self.itp("progress", "create", "IND/steel-2070", "--year",
                          "2024", "--file",
                          self.write_json("invalid.json", report))
        self.assert_exit(result, EXIT_VALIDATION)
        lines = result.stderr.splitlines()
        self.assertEqual(lines[0], "Error: The server rejected the request: "
                                   "1 field is invalid.")
        self.assertIn("  progress_report.sectors[0].points[0].year: an actual "
                      "for 2025 cannot be in a report for reporting year "
                      "2024.", lines)
        self.assertEqual(result.stdout, "")
        # A project the plan does not have, and a mask the server refuses.
        report = copy.deepcopy(INDIA_STEEL_REPORT_2024)
        report["project_updates"][0]["project_name"] = "Coal gasifier"
        result = self.itp("progress", "create", "IND/steel-2070", "--year",
                          "2024", "--file",
                          self.write_json("invalid-2.json", report))
        self.assert_exit(result, EXIT_VALIDATION)
        self.assertRegex(result.stderr, r"(?m)^  progress_report\."
                                        r"project_updates\[0\]\.project_name: "
                                        r"'Coal gasifier' is not a project")
        self.create_report()
        result = self.itp("progress", "update", "IND/steel-2070/2024",
                          "--file", self.write_json(
                              "update.json", INDIA_STEEL_REPORT_2024),
                          "--mask", "narrative,state")
        self.assert_exit(result, EXIT_VALIDATION)
        self.assertIn("  update_mask.paths[1]: 'state' is not a field",
                      result.stderr)

    def test_update_a_draft_then_list(self):
        self.create_report()
        changed = copy.deepcopy(INDIA_STEEL_REPORT_2024)
        changed["narrative"] = "Output grew 6.2 % in 2024."
        changed["sectors"] = []
        result = self.itp("progress", "update",
                          "IND/steel-2070/progressReports/2024", "--file",
                          self.write_json("update.json", changed),
                          "--mask", "narrative")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Updated %s, version 1 (DRAFT)."
                      % INDIA_STEEL_REPORT_NAME, result.stdout)
        result = self.itp("progress", "get", "IND/steel-2070/2024", "-o",
                          "json")
        self.assert_exit(result, EXIT_OK)
        report = json.loads(result.stdout)
        self.assertEqual(report["narrative"], "Output grew 6.2 % in 2024.")
        self.assertEqual(len(report["sectors"][0]["points"]), 3)
        # A stale etag is a conflict.
        result = self.itp("progress", "update", "IND/steel-2070/2024",
                          "--file", self.write_json("update-2.json", changed),
                          "--mask", "narrative", "--etag", "0000000000000000")
        self.assert_exit(result, EXIT_CONFLICT)
        self.assertIn("Conflict", result.stderr)
        # So is publishing with one.
        result = self.itp("progress", "publish", "IND/steel-2070/2024",
                          "--etag", "0000000000000000")
        self.assert_exit(result, EXIT_CONFLICT)

        result = self.itp("progress", "get", "IND/steel-2070/2024")
        self.assert_exit(result, EXIT_OK)
        self.assertTrue(result.stdout.startswith(
            "Progress report %s, version 1\n" % INDIA_STEEL_REPORT_NAME))
        self.assertRegex(result.stdout, r"State\s+DRAFT\n")
        self.assertRegex(result.stdout,
                         r"(?m)^\s+2024\s+149\.6\s+2\.470\s+369\.5\*$")
        self.assertRegex(result.stdout, r"Hydrogen DRI demonstration plant\s+"
                                        r"UNDER_CONSTRUCTION\s+-\s+"
                                        r"USD 150 million")
        self.publish_report()

        result = self.itp("progress", "list")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"(?m)^REPORT\s+VERSION\s+STATE\s+REV"
                                        r"\s+SECTORS\s+UPDATED\s+PUBLISHED$")
        self.assertRegex(result.stdout,
                         r"(?m)^" + re.escape(INDIA_STEEL_REPORT_NAME) +
                         r"\s+1\s+PUBLISHED\s+1\s+IRON_AND_STEEL\s+\d{4}-")
        result = self.itp("progress", "list", "IND/steel-2070", "--filter",
                          "reporting_year >= 2024", "--page-size", "1", "-o",
                          "csv")
        self.assert_exit(result, EXIT_OK)
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        self.assertEqual(
            [(r["name"], r["reporting_year"], r["version"], r["state"],
              r["plan_revision"], r["sectors"]) for r in rows],
            [(INDIA_STEEL_REPORT_NAME, "2024", "1", "PUBLISHED",
              INDIA_STEEL_NAME + "/revisions/1", "IRON_AND_STEEL")])
        result = self.itp("progress", "list", "--filter",
                          "reporting_year < 2024")
        self.assert_exit(result, EXIT_OK)
        self.assertIn("No progress reports found.", result.stdout)

    def test_a_correction_supersedes_version_1(self):
        self.create_report()
        self.publish_report()
        corrected = copy.deepcopy(INDIA_STEEL_REPORT_2024)
        corrected["sectors"][0]["points"][2]["intensity_tco2_per_t"] = 2.45
        # Without --supersede the published year is taken.
        path = self.write_json("corrected.json", corrected)
        result = self.itp("progress", "create", "IND/steel-2070", "--year",
                          "2024", "--file", path)
        self.assert_exit(result, EXIT_CONFLICT)
        self.assertIn("Already exists", result.stderr)

        result = self.create_report(corrected, "--supersede")
        self.assertIn("Created %s, version 2 (DRAFT, correcting version 1)"
                      % INDIA_STEEL_REPORT_NAME, result.stdout)
        result = self.publish_report()
        self.assertIn("Published %s, version 2. Version 1 is now SUPERSEDED."
                      % INDIA_STEEL_REPORT_NAME, result.stdout)

        result = self.itp("progress", "get", "IND/steel-2070/2024",
                          "--version", "1")
        self.assert_exit(result, EXIT_OK)
        self.assertTrue(result.stdout.startswith(
            "Progress report %s, version 1\n" % INDIA_STEEL_REPORT_NAME))
        self.assertRegex(result.stdout, r"State\s+SUPERSEDED\n")
        self.assertRegex(result.stdout, r"Superseded by\s+version 2\n")
        self.assertRegex(result.stdout, r"(?m)^\s+2024\s+149\.6\s+2\.470\s")
        report = json.loads(self.itp("progress", "get", INDIA_STEEL_REPORT_NAME,
                                     "-o", "json").stdout)
        self.assertEqual((report["version"], report["state"],
                          report["supersedes_version"]), (2, "PUBLISHED", 1))

        result = self.itp("progress", "list", "IND/steel-2070",
                          "--show-superseded", "-o", "json")
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(
            [(r["version"], r["state"])
             for r in json.loads(result.stdout)["progress_reports"]],
            [(2, "PUBLISHED"), (1, "SUPERSEDED")])
        result = self.itp("progress", "list", "IND/steel-2070")
        self.assertRegex(result.stdout, r"(?m)^" +
                         re.escape(INDIA_STEEL_REPORT_NAME) +
                         r"\s+2\s+PUBLISHED, corrects v1\s")
        self.assertNotIn("SUPERSEDED", result.stdout)

        # The assessment follows the correction: 2.45 t/t is within 2 %.
        result = self.itp("progress", "status", "IND/steel-2070")
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"Report\s+" + re.escape(
            INDIA_STEEL_REPORT_NAME + ", version 2"))
        self.assertRegex(result.stdout, r"(?m)^\s+intensity t CO2/t\s+2020\s+"
                                        r"2\.540 \(plan\)\s+2024\s+2\.450\s+"
                                        r"2\.404\s+\+1\.9 %\s.*ON_TRACK$")

    def test_partner_files_and_a_reviewer_reads_once_published(self):
        partner = self.key_file("PARTNER", "Ministry of Steel, India",
                                "--country", "IND")
        reviewer = self.key_file("REVIEWER", "LeadIT secretariat, Stockholm")
        self.create_report(key_file=partner)
        # A draft stays with the country's partners (and admins): the
        # reviewer reads no version of the year, and lists none.
        result = self.itp("progress", "get", "IND/steel-2070/2024",
                          key_file=reviewer)
        self.assertIn(result.returncode, (EXIT_NOT_FOUND, EXIT_PERMISSION),
                      result.stderr)
        self.assertEqual(result.stdout, "")
        result = self.itp("progress", "list", "IND/steel-2070",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("No progress reports found.", result.stdout)
        result = self.itp("progress", "get", "IND/steel-2070/2024",
                          key_file=partner)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"State\s+DRAFT\n")
        result = self.itp("progress", "status", "IND/steel-2070",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"Report\s+none published\n")
        # A reviewer may not publish it.
        result = self.itp("progress", "publish", "IND/steel-2070/2024",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_PERMISSION)

        self.publish_report(key_file=partner)
        result = self.itp("progress", "get", "IND/steel-2070/2024",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"State\s+PUBLISHED\n")
        result = self.itp("progress", "status", "IND/steel-2070",
                          key_file=reviewer)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("MORE_EFFORT_NEEDED", result.stdout)
        self.assertIn("-1.9 %/yr", result.stdout)
        result = self.itp("progress", "get", "IND/steel-2070/2023")
        self.assert_exit(result, EXIT_NOT_FOUND)


class ConnectionTest(CliTestCase):
    """Where the address and key come from, and an unreachable server."""

    def test_environment_instead_of_flags(self):
        self.start_server()
        self.create_india_plan()
        env = self.base_env()
        env["ITP_ADDRESS"] = self.address
        with open(self.admin_key_file, encoding="ascii") as key:
            env["ITP_API_KEY"] = key.read().strip()
        result = self.itp("plans", "list", "-o", "json", connect=False,
                          env=env)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(json.loads(result.stdout)["plans"][0]["name"],
                         INDIA_STEEL_NAME)

        del env["ITP_API_KEY"]
        env["ITP_API_KEY_FILE"] = self.admin_key_file
        self.assert_exit(self.itp("plans", "list", connect=False, env=env),
                         EXIT_OK)

    def test_flags_take_precedence_over_environment(self):
        self.start_server()
        env = self.base_env()
        env["ITP_ADDRESS"] = "127.0.0.1:%d" % closed_port()
        env["ITP_API_KEY"] = "itp_0000000000000000_not-a-real-secret"
        result = self.itp("plans", "list", env=env)
        self.assert_exit(result, EXIT_OK)

    def test_config_file(self):
        self.start_server()
        config_dir = os.path.join(self.home, ".config", "itp")
        os.makedirs(config_dir)
        with open(os.path.join(config_dir, "config"), "w",
                  encoding="utf-8") as config:
            config.write("# LeadIT secretariat reviewer\n"
                         "address = %s\napi_key_file = %s\n"
                         "deadline_seconds = 10\n"
                         % (self.address, self.admin_key_file))
        result = self.itp("plans", "list", connect=False)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("No plans found.", result.stdout)

        with open(os.path.join(config_dir, "config"), "a",
                  encoding="utf-8") as config:
            config.write("adress = 127.0.0.1:1\n")
        result = self.itp("plans", "list", connect=False)
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("config:5: unknown key 'adress'", result.stderr)

    def test_unavailable_server_exits_7(self):
        key_file = self.write_text("some.key",
                                   "itp_0000000000000000_not-a-real-secret")
        address = "127.0.0.1:%d" % closed_port()
        started = time.monotonic()
        result = self.itp("plans", "list", "--address", address,
                          "--api-key-file", key_file, "--deadline", "2",
                          connect=False)
        self.assert_exit(result, EXIT_UNAVAILABLE)
        self.assertIn("Cannot reach the ITP server at " + address,
                      result.stderr)
        self.assertLess(time.monotonic() - started, 15)


class HealthCommandTest(CliTestCase):
    """`itp health`: no key needed, exit 0 only when SERVING."""

    def test_serving_without_a_key_in_each_format(self):
        self.start_server()
        result = self.itp("health", "--address", self.address, connect=False)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stdout,
                         "%s: the server is SERVING\n" % self.address)
        result = self.itp("health", "--address", self.address, "--service",
                          "itp.v1.ProgressService", "-o", "json",
                          connect=False)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(json.loads(result.stdout), {"status": "SERVING"})
        result = self.itp("health", "--service", "itp.v1.PlanService",
                          "-o", "csv")
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stdout.splitlines(), [
            "address,service,status",
            "%s,itp.v1.PlanService,SERVING" % self.address])

    def test_an_unknown_service_exits_3(self):
        self.start_server()
        result = self.itp("health", "--service", "itp.v1.TradeService",
                          "--address", self.address, connect=False)
        self.assert_exit(result, EXIT_NOT_FOUND)

    def test_not_serving_during_the_drain_exits_7(self):
        db_path = os.path.join(self.test_dir, "itp.db")
        server = itp_e2e.ServerProcess(SERVER_BINARY, db_path, self.test_dir,
                                       drain_seconds=10)
        address = "127.0.0.1:%d" % server.wait_until_serving()
        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 8
        result = None
        while time.monotonic() < deadline:
            result = self.itp("health", "--address", address, connect=False)
            if result.returncode != EXIT_OK:
                break
            time.sleep(0.05)
        server.process.send_signal(signal.SIGTERM)  # skip the rest
        self.assertEqual(server.terminate(), 0)
        self.assert_exit(result, EXIT_UNAVAILABLE)
        self.assertEqual(result.stdout,
                         "%s: the server is NOT_SERVING\n" % address)

    def test_no_server_exits_7(self):
        address = "127.0.0.1:%d" % closed_port()
        result = self.itp("health", "--address", address, "--deadline", "2",
                          connect=False)
        self.assert_exit(result, EXIT_UNAVAILABLE)
        self.assertIn("Cannot reach the ITP server at " + address,
                      result.stderr)


def main():
    parser = itp_e2e.argument_parser(__doc__.splitlines()[0], "UsageTest")
    parser.add_argument("--itp", required=True, help="the itp binary")
    options = parser.parse_args()

    global ITP_BINARY, SERVER_BINARY, RUN_DIR
    ITP_BINARY = os.path.abspath(options.itp)
    SERVER_BINARY = os.path.abspath(options.server)
    RUN_DIR = itp_e2e.start_run(options.work_dir, [ITP_BINARY, SERVER_BINARY])
    if RUN_DIR is None:
        return 1
    return itp_e2e.run_tests(sys.modules[__name__], options.tests, RUN_DIR)


if __name__ == "__main__":
    sys.exit(main())
