#!/usr/bin/python3
"""itp-server's command line as an operator meets it: --help, --version,
--flagfile, mistakes, and the README's flag reference.

Each test runs the real itp-server binary as a subprocess. The flags the
server defines are read from server/main.cc (every ABSL_FLAG), so a flag
added there and missing from --help or the README fails here. The JSON log
test uses python3-grpcio with generic calls (no generated stubs).

Run as CTest does:

    /usr/bin/python3 tests/e2e/server_flags_test.py \\
        --server build/server/itp-server --source-dir . \\
        --work-dir build/tests/e2e-server-flags
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

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

    def test_json_logs_put_every_line_on_stderr_in_one_format(self):
        work = tempfile.mkdtemp(prefix="json-", dir=RUN_DIR)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "2", "-subj", "/CN=localhost", "-addext",
             "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", os.path.join(work, "server.key"),
             "-out", os.path.join(work, "server.crt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
            timeout=TIMEOUT_S)
        db_path = os.path.join(work, "itp.db")
        server = itp_e2e.ServerProcess(
            SERVER_BINARY, db_path, work,
            args=["--log_format=json",
                  "--tls_cert=" + os.path.join(work, "server.crt"),
                  "--tls_key=" + os.path.join(work, "server.key")])
        try:
            port = server.wait_until_serving()
            with open(os.path.join(work, "server.crt"), "rb") as cert:
                credentials = grpc.ssl_channel_credentials(cert.read())
            admin = itp_e2e.read_admin_key(work)
            with grpc.secure_channel("localhost:%d" % port,
                                     credentials) as channel:
                get_plan = channel.unary_unary(
                    "/itp.v1.PlanService/GetPlan",
                    request_serializer=lambda name: b"\x0a" + bytes(
                        [len(name)]) + name.encode(),
                    response_deserializer=lambda data: data)
                submit = channel.unary_unary(
                    "/itp.v1.PlanService/SubmitPlan",
                    request_serializer=lambda fields: b"".join(
                        bytes([tag, len(v)]) + v.encode()
                        for tag, v in fields),
                    response_deserializer=lambda data: data)
                for key in (None, admin):
                    metadata = (("authorization", "Bearer " + key),) if key \
                        else None
                    with self.assertRaises(grpc.RpcError):
                        get_plan("countries/IND/plans/steel-2070",
                                 metadata=metadata, timeout=TIMEOUT_S)
                with self.assertRaises(grpc.RpcError):
                    submit([(0x0a, "countries/IND/plans/steel-2070"),
                            (0x1a, "5d0c3a8e-7f21-4b6e-9c44-1a2b3c4d5e6f")],
                           metadata=(("authorization", "Bearer " + admin),),
                           timeout=TIMEOUT_S)
            # A client speaking plaintext to the TLS port: gRPC core logs
            # the failed handshake itself.
            with socket.create_connection(("127.0.0.1", port),
                                          timeout=TIMEOUT_S) as raw:
                raw.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
                raw.recv(1024)
            deadline = time.monotonic() + TIMEOUT_S
            while "grpc: " not in server.log() and \
                    time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            server.stop()
        lines = server.log().splitlines()
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                self.fail("not a JSON line: %r" % line)
        for record in records:
            self.assertRegex(record["time"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertIn(record["level"], ("INFO", "WARNING", "ERROR"))
        calls = [r for r in records if r["message"] == "rpc"]
        self.assertEqual([(c["method"], c["code"], c["key_id"] != "",
                           c["role"], c["resource"], c["request_id"])
                          for c in calls], [
            ("/itp.v1.PlanService/GetPlan", "UNAUTHENTICATED", False, "",
             "countries/IND/plans/steel-2070", ""),
            ("/itp.v1.PlanService/GetPlan", "NOT_FOUND", True, "ADMIN",
             "countries/IND/plans/steel-2070", ""),
            ("/itp.v1.PlanService/SubmitPlan", "NOT_FOUND", True, "ADMIN",
             "countries/IND/plans/steel-2070",
             "5d0c3a8e-7f21-4b6e-9c44-1a2b3c4d5e6f")])
        for call in calls:
            self.assertEqual(call["level"], "WARNING")
            self.assertFalse(call["refused"])
            self.assertGreater(call["latency_ms"], 0)
            self.assertTrue(call["peer"].startswith("ipv4:127.0.0.1:"))
        grpc_lines = [r for r in records if r["message"].startswith("grpc: ")]
        self.assertTrue(grpc_lines, "no gRPC core line in:\n" + server.log())
        self.assertTrue(any("andshake" in r["message"] for r in grpc_lines),
                        grpc_lines)
        self.assertTrue(any(r["message"].startswith("itp-server listening on")
                            for r in records))

    def test_the_health_port_serves_health_and_nothing_else(self):
        work = tempfile.mkdtemp(prefix="health-", dir=RUN_DIR)
        server = itp_e2e.ServerProcess(
            SERVER_BINARY, os.path.join(work, "itp.db"), work,
            args=["--health_listen=127.0.0.1:0"])
        try:
            port = server.wait_until_serving()
            match = re.search(r"health checks \(plaintext\) on port (\d+)",
                              server.log())
            self.assertIsNotNone(match, server.log())
            health_port = int(match.group(1))
            identity = dict(request_serializer=lambda data: data,
                            response_deserializer=lambda data: data)
            # ServerReflectionInfo with list_services (field 7) = "".
            reflection_request = b"\x3a\x00"
            with grpc.insecure_channel("127.0.0.1:%d" % health_port) as ch:
                check = ch.unary_unary("/grpc.health.v1.Health/Check",
                                       **identity)
                # HealthCheckResponse{status: SERVING (1)}.
                self.assertEqual(check(b"", timeout=TIMEOUT_S), b"\x08\x01")
                reflect = ch.stream_stream(
                    "/grpc.reflection.v1alpha.ServerReflection/"
                    "ServerReflectionInfo", **identity)
                with self.assertRaises(grpc.RpcError) as refused:
                    list(reflect(iter([reflection_request]),
                                 timeout=TIMEOUT_S))
                self.assertEqual(refused.exception.code(),
                                 grpc.StatusCode.UNIMPLEMENTED)
                get_plan = ch.unary_unary("/itp.v1.PlanService/GetPlan",
                                          **identity)
                with self.assertRaises(grpc.RpcError) as refused:
                    get_plan(b"", timeout=TIMEOUT_S)
                self.assertEqual(refused.exception.code(),
                                 grpc.StatusCode.UNIMPLEMENTED)
            # Reflection is there on the main port.
            with grpc.insecure_channel("127.0.0.1:%d" % port) as ch:
                reflect = ch.stream_stream(
                    "/grpc.reflection.v1alpha.ServerReflection/"
                    "ServerReflectionInfo", **identity)
                replies = list(reflect(iter([reflection_request]),
                                       timeout=TIMEOUT_S))
                self.assertEqual(len(replies), 1)
                self.assertIn(b"itp.v1.PlanService", replies[0])
        finally:
            server.stop()

    def test_an_unknown_log_format_is_refused(self):
        result = self.run_server("--log_format=xml")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         "itp-server: --log_format must be text or json, not "
                         "'xml'\n")

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
