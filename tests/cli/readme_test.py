#!/usr/bin/python3
"""The README's reviewer walkthrough, run command by command as a newcomer
would copy it, against a real itp-server started with --demo.

The walkthrough is read from README.md itself (the first ```sh block under
"## Reviewer walkthrough"), so a command that the README shows and the CLI no
longer accepts fails this test. The two build lines at its top are replaced
by a PATH that holds the `itp` under test; everything else runs as written,
with `bash -euo pipefail`, in a directory holding the server's itp-admin.key
(where `./scripts/serve.sh --demo` leaves it). The test then checks what the
walkthrough did: the review it completed, the progress status it printed and
the CSV files it wrote. Standard library only.

Run as CTest does:

    /usr/bin/python3 tests/cli/readme_test.py --itp build/client/itp \\
        --server build/server/itp-server --readme README.md \\
        --work-dir build/tests/readme
"""

import csv
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, "e2e"))
import cli_test  # noqa: E402 (the CLI tests' fixtures)
import itp_e2e  # noqa: E402

README = None

# The walkthrough's first lines build the client and put it on PATH; the
# test runs the client under test instead.
BUILD_LINES = (
    "./scripts/build.sh itp",
    'export PATH="$PWD/build/client:$PATH"',
)

WALKTHROUGH_TIMEOUT_S = 120


def walkthrough_script(readme_text):
    """The first ```sh block after the walkthrough heading, without the
    build lines (each of which must be there: the README is the source)."""
    section = readme_text.split("\n## Reviewer walkthrough\n", 1)
    if len(section) != 2:
        raise AssertionError("README.md has no '## Reviewer walkthrough'")
    block = re.search(r"```sh\n(.*?)\n```", section[1], re.DOTALL)
    if block is None:
        raise AssertionError("the walkthrough has no ```sh block")
    lines = block.group(1).split("\n")
    for build_line in BUILD_LINES:
        matching = [line for line in lines if line.startswith(build_line)]
        if len(matching) != 1:
            raise AssertionError("the walkthrough no longer starts with %r"
                                 % build_line)
        lines.remove(matching[0])
    return "\n".join(lines) + "\n"


class ReadmeWalkthroughTest(cli_test.CliTestCase):

    def run_walkthrough(self):
        with open(README, encoding="utf-8") as source:
            script = walkthrough_script(source.read())
        env = self.base_env()
        env["PATH"] = (os.path.dirname(cli_test.ITP_BINARY) + os.pathsep +
                       env.get("PATH", "/usr/bin:/bin"))
        env["ITP_ADDRESS"] = self.address
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script], cwd=self.test_dir,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            timeout=WALKTHROUGH_TIMEOUT_S, env=env, check=False)

    def start_demo_server(self):
        db_path = os.path.join(self.test_dir, "itp.db")
        server = itp_e2e.ServerProcess(cli_test.SERVER_BINARY, db_path,
                                       self.test_dir, args=["--demo"])
        self.addCleanup(server.stop)
        self.address = "127.0.0.1:%d" % server.wait_until_serving()
        self.admin_key_file = itp_e2e.admin_key_path(self.test_dir)

    def read_csv(self, name):
        with open(os.path.join(self.test_dir, name), encoding="utf-8",
                  newline="") as source:
            return list(csv.DictReader(source))

    def test_every_command_of_the_walkthrough_works(self):
        self.start_demo_server()
        result = self.run_walkthrough()
        self.assertEqual(result.returncode, 0,
                         "walkthrough failed\nstdout:\n%s\nstderr:\n%s"
                         % (result.stdout, result.stderr))

        # The reviewer key went to a file, mode 0600 from the umask.
        key_path = os.path.join(self.test_dir, "reviewer.key")
        self.assertEqual(os.stat(key_path).st_mode & 0o777, 0o600)
        with open(key_path, encoding="utf-8") as key:
            self.assertTrue(key.read().startswith("itp_"))

        # What the reviewer saw: the submitted plans, the benchmark and where
        # the plan stands by its 2023 progress report.
        out = result.stdout
        self.assertIn("countries/IND/plans/steel-2070", out)
        self.assertIn("Progress of countries/IND/plans/steel-2070: "
                      "MORE_EFFORT_NEEDED", out)
        self.assertIn("OVERDUE", out)
        self.assertRegex(out, r"intensity t CO2/t\s+2020\s+2\.540 \(plan\)"
                              r"\s+2023\s+2\.490\s+2\.438\s+\+2\.1 %")
        # Viet Nam's cement plan (NOT_ON_TRACK) is listed.
        listed = re.findall(r"^countries/\S+", out, re.MULTILINE)
        self.assertIn("countries/VNM/plans/cement-2050", listed)
        self.assertIn("countries/IND/plans/steel-2070/reviews/1", out)

        # The review it completed, read back through the CLI as JSON.
        review = self.itp("reviews", "get", "IND/steel-2070/reviews/1",
                          "-o", "json")
        self.assert_exit(review, cli_test.EXIT_OK)
        review = json.loads(review.stdout)
        self.assertEqual(review["state"], "COMPLETED")
        self.assertEqual(review["decision"], "REQUEST_CHANGES")
        self.assertEqual(len(review["scores"]), 8)
        self.assertEqual(review["reporting_record"]["state"], "OVERDUE")
        self.assertEqual(review["progress_status"], "MORE_EFFORT_NEEDED")
        plan = self.itp("plans", "get", "IND/steel-2070", "-o", "json")
        self.assert_exit(plan, cli_test.EXIT_OK)
        self.assertEqual(json.loads(plan.stdout)["state"],
                         "CHANGES_REQUESTED")

        # The spreadsheets.
        reviews = self.read_csv("reviews.csv")
        self.assertEqual(
            [(r["name"], r["decision"], r["total_score"]) for r in reviews],
            [("countries/IND/plans/steel-2070/reviews/1", "REQUEST_CHANGES",
              "15")])
        benchmark = self.read_csv("india-steel-benchmark.csv")
        self.assertTrue(benchmark)
        self.assertEqual({r["plan_revision"] for r in benchmark},
                         {"countries/IND/plans/steel-2070/revisions/1"})
        self.assertIn(("2030", "TPI 2022", "Not Aligned"),
                      {(r["year"], r["family"], r["label"])
                       for r in benchmark})
        cement = self.read_csv("cement-plans.csv")
        self.assertEqual({r["plan_revision"] for r in cement},
                         {"countries/IDN/plans/cement-2060/revisions/1",
                          "countries/IND/plans/cement-2070/revisions/1",
                          "countries/VNM/plans/cement-2050/revisions/1"})
        progress = self.read_csv("progress-reports.csv")
        self.assertEqual(
            sorted((r["name"], r["state"]) for r in progress),
            [("countries/IDN/plans/cement-2060/progressReports/2025",
              "PUBLISHED"),
             ("countries/IND/plans/steel-2070/progressReports/2023",
              "PUBLISHED"),
             ("countries/VNM/plans/cement-2050/progressReports/2025",
              "PUBLISHED")])

    def test_a_walkthrough_without_its_build_lines_is_refused(self):
        with self.assertRaises(AssertionError):
            walkthrough_script("## Reviewer walkthrough\n\n```sh\n"
                               "itp plans list\n```\n")


def main():
    parser = itp_e2e.argument_parser(__doc__.splitlines()[0],
                                     "ReadmeWalkthroughTest")
    parser.add_argument("--itp", required=True, help="the itp binary")
    parser.add_argument("--readme", required=True, help="README.md")
    options = parser.parse_args()

    global README
    README = os.path.abspath(options.readme)
    cli_test.ITP_BINARY = os.path.abspath(options.itp)
    cli_test.SERVER_BINARY = os.path.abspath(options.server)
    cli_test.RUN_DIR = itp_e2e.start_run(
        options.work_dir, [cli_test.ITP_BINARY, cli_test.SERVER_BINARY])
    if cli_test.RUN_DIR is None:
        return 1
    return itp_e2e.run_tests(sys.modules[__name__], options.tests,
                             cli_test.RUN_DIR)


if __name__ == "__main__":
    sys.exit(main())
