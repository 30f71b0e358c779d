#!/usr/bin/env python3
"""What every SDK test (tests/sdk/*_test.py, label sdk) shares: a --demo
itp-server on a fresh database, a PARTNER key for Brazil made through the
`itp` CLI, and the checks of an example partner program's output against
what the server then holds. Every language's example prints the same lines:

    created countries/BRA/plans/green-steel-2050 (DRAFT, etag ...)
    submitted revision 1; retry with request_id ... returned revision 1 and the same etag: yes
    read countries/BRA/plans/green-steel-2050: "Brazil low-carbon steel plan", SUBMITTED, 3 pathway points
    listed N plans of BRA in N pages
    rejected with code 3 (INVALID_ARGUMENT), reason INVALID_FIELDS: The request has 3 invalid fields: ...
      plan.sectors[0].points[2].year: ...
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import itp_e2e  # noqa: E402

ARGS = None
BUILD_TIMEOUT_S = 600
RUN_TIMEOUT_S = 60
PLAN_ID = "green-steel-2050"


def run(command, **kwargs):
    """Runs a build step, its stdout and stderr together (for the failure
    message)."""
    return subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kwargs)


class SdkTestCase(unittest.TestCase):
    """A temporary directory under --work-dir per test, and the run of an
    example partner program against a real server."""

    def setUp(self):
        os.makedirs(ARGS.work_dir, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="sdk-", dir=ARGS.work_dir)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def itp(self, port, key_file, *args):
        env = dict(os.environ, ITP_ADDRESS="127.0.0.1:%d" % port,
                   ITP_API_KEY_FILE=key_file)
        result = subprocess.run([ARGS.cli] + list(args), env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                timeout=RUN_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def run_partner_example(self, command, env_extra=None, cwd=None):
        """Runs the example partner program `command` (plus the plan id; in
        `cwd` if given) against a --demo server with a PARTNER key for Brazil
        and checks its output and what the server then holds."""
        db_dir = os.path.join(self.dir, "db")
        os.makedirs(db_dir)
        server = itp_e2e.ServerProcess(
            ARGS.server, os.path.join(db_dir, "itp.db"), self.dir,
            args=["--demo"])
        try:
            port = server.wait_until_serving()
            admin = itp_e2e.admin_key_path(db_dir)
            key = json.loads(self.itp(
                port, admin, "keys", "create", "--role", "PARTNER",
                "--country", "BRA", "--name",
                "Ministry of Development, Industry, Trade and Services, "
                "Brazil", "-o", "json"))
            partner = os.path.join(self.dir, "partner.key")
            with open(partner, "w", encoding="ascii") as f:
                f.write(key["secret"] + "\n")
            os.chmod(partner, 0o600)
            before = json.loads(self.itp(port, admin, "plans", "list",
                                         "--country", "BRA",
                                         "-o", "json"))
            env = dict(os.environ, ITP_ADDRESS="127.0.0.1:%d" % port,
                       ITP_API_KEY_FILE=partner, **(env_extra or {}))
            result = subprocess.run(command + [PLAN_ID], env=env, cwd=cwd,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True,
                                    timeout=RUN_TIMEOUT_S)
            self.assertEqual(result.returncode, 0,
                             result.stdout + result.stderr)
            lines = result.stdout.splitlines()
            name = "countries/BRA/plans/" + PLAN_ID
            self.assertRegex(lines[0], r"^created %s \(DRAFT, etag [0-9a-f]+\)$"
                             % name)
            self.assertRegex(lines[1], r"^submitted revision 1; retry with "
                             r"request_id [0-9a-f-]{36} returned revision 1 "
                             r"and the same etag: yes$")
            self.assertEqual(lines[2], 'read %s: "Brazil low-carbon steel '
                             'plan", SUBMITTED, 3 pathway points' % name)
            count = len(before.get("plans", [])) + 1
            self.assertEqual(lines[3], "listed %d plans of BRA in %d pages"
                             % (count, count))
            self.assertTrue(lines[4].startswith(
                "rejected with code 3 (INVALID_ARGUMENT), reason "
                "INVALID_FIELDS: The request has 3 invalid fields: "),
                lines[4])
            self.assertEqual(lines[5:], [
                "  plan.sectors[0].points[2].year: year 2200 is outside "
                "1990-2100.",
                "  plan.sectors[0].base_year: year 1850 is outside "
                "1990-2100.",
                "  plan.sectors[0].base_year: base year 1850 must be one of "
                "the years in points."])

            # What the server holds: one plan, submitted once (the retry
            # made no second revision), and no trace of the bad one.
            stored = json.loads(self.itp(port, admin, "plans", "get", name,
                                         "-o", "json"))
            self.assertEqual(stored["state"], "SUBMITTED")
            self.assertEqual(stored["revision"], 1)
            after = json.loads(self.itp(port, admin, "plans", "list",
                                        "--country", "BRA",
                                        "-o", "json"))
            self.assertEqual(sorted(p["name"] for p in after["plans"]),
                             sorted([p["name"] for p in
                                     before.get("plans", [])] + [name]))
        finally:
            server.stop()


def main(doc, add_arguments=None):
    """Parses --server, --cli, --work-dir (and what add_arguments adds to
    the parser), then runs the calling module's tests."""
    global ARGS
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--work-dir", required=True)
    if add_arguments:
        add_arguments(parser)
    ARGS, rest = parser.parse_known_args()
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
