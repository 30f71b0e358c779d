#!/usr/bin/python3
"""itp-server's command line as an operator meets it: --help, --version,
--flagfile, mistakes, and the README's flag reference.

Each test runs the real itp-server binary as a subprocess. The flags the
server defines are read from server/main.cc (every ABSL_FLAG), so a flag
added there and missing from --help or the README fails here. Standard
library only.

Run as CTest does:

    /usr/bin/python3 tests/e2e/server_flags_test.py \\
        --server build/server/itp-server --source-dir . \\
        --work-dir build/tests/e2e-server-flags
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itp_e2e  # noqa: E402

# Set by main() before the tests run.
SERVER_BINARY = None
SOURCE_DIR = None
RUN_DIR = None

TIMEOUT_S = 30

def defined_flags():
    """{name: (type, default as written in C++)} for server/main.cc."""
    with open(os.path.join(SOURCE_DIR, "server", "main.cc"),
              encoding="utf-8") as source:
        text = source.read()
    flags = {}
    for match in re.finditer(r"ABSL_FLAG\(([^,]+),\s*(\w+),\s*([^,]+),",
                             text):
        flags[match.group(2)] = (match.group(1).strip(),
                                 match.group(3).strip())
    return flags


def readme_flags():
    """{name: default cell} of the README's flag reference table."""
    with open(os.path.join(SOURCE_DIR, "README.md"),
              encoding="utf-8") as source:
        text = source.read()
    section = text.split("\n### Flag reference\n", 1)
    if len(section) != 2:
        raise AssertionError("README.md has no '### Flag reference'")
    body = section[1].split("\n## ", 1)[0]
    rows = {}
    for line in body.splitlines():
        match = re.match(r"\| `--(\w+)` \| ([^|]*) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def help_flags(help_text):
    """{name: (type, default)} of `itp-server --help`."""
    return {m.group(1): (m.group(2), m.group(3))
            for m in re.finditer(r"^  --(\w+) \((\w+), default (.*)\)$",
                                 help_text, re.MULTILINE)}


class ServerFlagsTest(unittest.TestCase):

    def run_server(self, *args, cwd=None):
        return subprocess.run([SERVER_BINARY] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=TIMEOUT_S, cwd=cwd,
                              check=False)

    def test_help_lists_every_flag_with_its_default_and_exits_0(self):
        result = self.run_server("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("No flags matched", result.stdout)
        self.assertTrue(result.stdout.startswith(
            "itp-server: Industry Transition Plan service (gRPC)."))
        listed = help_flags(result.stdout)
        defined = defined_flags()
        self.assertGreaterEqual(len(defined), 29)
        self.assertEqual(sorted(listed), sorted(defined))
        self.assertEqual(listed["listen"], ("string", '"127.0.0.1:50051"'))
        self.assertEqual(listed["workers"], ("int", "8"))
        self.assertEqual(listed["max_message_bytes"], ("int", "4194304"))
        self.assertEqual(listed["demo"], ("bool", "false"))
        self.assertEqual(listed["admin_key_file"], ("string", '""'))
        # Each flag's help text follows it.
        self.assertIn("Calls waiting for a worker, all callers together;",
                      result.stdout)
        self.assertIn("--flagfile=FILE", result.stdout)
        # Sorted by name, so an operator finds a flag.
        names = re.findall(r"^  --(\w+) \(", result.stdout, re.MULTILINE)
        self.assertEqual(names, sorted(names))
        for spelling in ("-help", "-h"):
            other = self.run_server(spelling)
            self.assertEqual(other.returncode, 0, spelling)
            self.assertEqual(other.stdout, result.stdout, spelling)

    def test_help_wins_over_other_flags_and_starts_nothing(self):
        work = tempfile.mkdtemp(prefix="help-", dir=RUN_DIR)
        result = self.run_server("--db=" + os.path.join(work, "itp.db"),
                                 "--help", cwd=work)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(os.listdir(work), [])

    def test_version_prints_the_version_and_build(self):
        result = self.run_server("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertRegex(lines[0], r"^itp-server \d+\.\d+\.\d+$")
        self.assertRegex(lines[1],
                         r"^  build: (commit [0-9a-f]{7,}(-dirty)?|unknown), ")
        self.assertRegex(lines[2], r"^  gRPC 1\.\d+\.\d+, Protobuf 3\.\d+\.\d+, "
                                   r"SQLite 3\.\d+\.\d+ \(database schema "
                                   r"version \d+\)$")

    def test_an_unknown_flag_is_named_and_exits_1(self):
        result = self.run_server("--workerz=8")
        self.assertEqual(result.returncode, 1)
        self.assertIn("Unknown command line flag 'workerz'", result.stderr)
        bad = self.run_server("--workers=eight")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("workers", bad.stderr)

    def test_a_stray_argument_is_refused_before_anything_starts(self):
        work = tempfile.mkdtemp(prefix="stray-", dir=RUN_DIR)
        result = self.run_server("--db=" + os.path.join(work, "itp.db"),
                                 "listen=127.0.0.1:0", cwd=work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("unexpected argument 'listen=127.0.0.1:0'",
                      result.stderr)
        self.assertEqual(os.listdir(work), [])

    def test_a_flagfile_is_the_config_file(self):
        work = tempfile.mkdtemp(prefix="flagfile-", dir=RUN_DIR)
        db_path = os.path.join(work, "itp.db")
        flagfile = os.path.join(work, "itp-server.flags")
        with open(flagfile, "w", encoding="utf-8") as out:
            out.write("# ITP at the LeadIT secretariat\n"
                      "--db=%s\n--workers=4\n--nodemo\n" % db_path)
        server = itp_e2e.ServerProcess(SERVER_BINARY, db_path, work,
                                       args=["--flagfile=" + flagfile])
        try:
            server.wait_until_serving()
            self.assertTrue(os.path.exists(db_path))
            self.assertTrue(os.path.exists(itp_e2e.admin_key_path(work)))
        finally:
            server.stop()

    def test_the_readme_reference_lists_every_flag_with_its_default(self):
        readme = readme_flags()
        listed = help_flags(self.run_server("--help").stdout)
        self.assertEqual(sorted(readme), sorted(listed))
        for name, (flag_type, default) in listed.items():
            cell = readme[name]
            if flag_type == "string" and default == '""':
                # An empty default is described ("none", or what it means).
                self.assertNotEqual(cell, "", name)
            elif flag_type == "string":
                self.assertEqual(cell, "`%s`" % default.strip('"'), name)
            else:
                self.assertEqual(cell, default, name)


def main():
    parser = itp_e2e.argument_parser(__doc__.splitlines()[0],
                                     "ServerFlagsTest")
    parser.add_argument("--source-dir", required=True,
                        help="the repository root (server/main.cc, README)")
    options = parser.parse_args()
    global SERVER_BINARY, SOURCE_DIR, RUN_DIR
    SERVER_BINARY = os.path.abspath(options.server)
    SOURCE_DIR = os.path.abspath(options.source_dir)
    RUN_DIR = itp_e2e.start_run(options.work_dir, [SERVER_BINARY])
    if RUN_DIR is None:
        return 1
    return itp_e2e.run_tests(sys.modules[__name__], options.tests, RUN_DIR)


if __name__ == "__main__":
    sys.exit(main())
