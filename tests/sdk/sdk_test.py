#!/usr/bin/env python3
"""The SDKs as a partner developer gets them (ctest sdk.cpp and sdk.python,
label sdk); the C++ one first.

Installs this build with `cmake --install` into a fresh prefix, checks what
the prefix holds (headers, libraries, itpConfig.cmake, the .proto files and
the API's FileDescriptorSet), configures and builds client/cpp/example, a
separate CMake project, with find_package(itp CONFIG REQUIRED) against that
prefix only, and runs it against a real itp-server (--demo) with a PARTNER
key for Brazil made through the `itp` CLI. The example creates a plan,
submits it with a request_id and retries the submit, reads it, lists the
country's plans a page at a time and decodes a bad plan's BadRequest and
ErrorInfo; the test checks each step's output against the server's state.
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
    return subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kwargs)


class CppSdkTest(unittest.TestCase):

    def setUp(self):
        os.makedirs(ARGS.work_dir, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="cpp-sdk-", dir=ARGS.work_dir)
        self.prefix = os.path.join(self.dir, "prefix")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def install(self):
        result = run(["cmake", "--install", ARGS.build_dir, "--prefix",
                      self.prefix], timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stdout)

    def check_prefix(self):
        for path in ("include/itp/itp/v1/plan.pb.h",
                     "include/itp/itp/v1/plan_service.grpc.pb.h",
                     "include/itp/google/rpc/error_details.pb.h",
                     "include/itp/client/itp_client.h",
                     "lib/libitp_proto.a", "lib/libitp_client.a",
                     "lib/cmake/itp/itpConfig.cmake",
                     "lib/cmake/itp/itpConfigVersion.cmake",
                     "lib/cmake/itp/itpTargets.cmake",
                     "share/itp/proto/itp/v1/plan_service.proto",
                     "share/itp/itp_api.binpb"):
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, path)),
                            path)
        from google.protobuf import descriptor_pb2
        descriptors = descriptor_pb2.FileDescriptorSet()
        with open(os.path.join(self.prefix, "share/itp/itp_api.binpb"),
                  "rb") as f:
            descriptors.ParseFromString(f.read())
        files = {f.name: f for f in descriptors.file}
        # Every API file, its imports, and the comments (source info).
        for name in ("itp/v1/plan_service.proto", "itp/v1/plan.proto",
                     "google/rpc/error_details.proto",
                     "google/protobuf/timestamp.proto",
                     "grpc/health/v1/health.proto"):
            self.assertIn(name, files)
        plan_service = files["itp/v1/plan_service.proto"]
        self.assertEqual([s.name for s in plan_service.service],
                         ["PlanService"])
        self.assertTrue(plan_service.source_code_info.location)
        self.assertEqual(plan_service.options.go_package,
                         "github.com/leadit/itp/client/go/itpv1;itpv1")
        self.assertEqual(plan_service.options.java_outer_classname,
                         "PlanServiceProto")

    def build_example(self):
        build = os.path.join(self.dir, "example-build")
        configure = ["cmake", "-S", ARGS.example_dir, "-B", build,
                     "-DCMAKE_PREFIX_PATH=" + self.prefix,
                     "-DCMAKE_BUILD_TYPE=Release",
                     "-DCMAKE_CXX_COMPILER=" + ARGS.cxx_compiler]
        if ARGS.sanitize:
            # The installed libraries of a sanitizer build need its runtime.
            flags = "-fsanitize=" + ARGS.sanitize
            configure += ["-DCMAKE_CXX_FLAGS=" + flags,
                          "-DCMAKE_EXE_LINKER_FLAGS=" + flags]
        result = run(configure, timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stdout)
        # The package was found in the prefix, not in a source or build tree.
        with open(os.path.join(build, "CMakeCache.txt")) as cache:
            self.assertIn("itp_DIR:PATH=%s/lib/cmake/itp" % self.prefix,
                          cache.read())
        result = run(["cmake", "--build", build, "-j", "2"],
                     timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stdout)
        return os.path.join(build, "partner_example")

    def itp(self, port, key_file, *args):
        env = dict(os.environ, ITP_ADDRESS="127.0.0.1:%d" % port,
                   ITP_API_KEY_FILE=key_file)
        result = subprocess.run([ARGS.cli] + list(args), env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                timeout=RUN_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_the_example_builds_from_the_installed_prefix_and_runs(self):
        self.install()
        self.check_prefix()
        self.run_partner_example([self.build_example()])

    def run_partner_example(self, command, env_extra=None):
        """Runs the example partner program `command` (plus the plan id)
        against a --demo server with a PARTNER key for Brazil and checks its
        output and what the server then holds."""
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
            result = subprocess.run(command + [PLAN_ID], env=env,
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


class PythonSdkTest(CppSdkTest):
    """client/python installed offline with pip (--no-deps
    --no-build-isolation, on Debian's python3-grpcio) into a fresh target
    directory, its example run against the server."""

    def test_the_example_builds_from_the_installed_prefix_and_runs(self):
        source = os.path.join(self.dir, "python-src")
        shutil.copytree(ARGS.python_package, source)
        target = os.path.join(self.dir, "site")
        env = dict(os.environ, ITP_PROTO_DIR=os.path.join(
            ARGS.python_package, "..", "..", "proto"))
        result = run([sys.executable, "-m", "pip", "install", "--no-deps",
                      "--no-build-isolation", "--no-index", "--target",
                      target, source], env=env, timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stdout)
        for path in ("itp/v1/plan_pb2.py", "itp/v1/plan_service_pb2_grpc.py",
                     "itp_client/__init__.py",
                     "itp_client/_googleapis/error_details_pb2.py"):
            self.assertTrue(os.path.isfile(os.path.join(target, path)), path)
        self.run_partner_example(
            [sys.executable, os.path.join(source, "examples",
                                          "partner_example.py")],
            {"PYTHONPATH": target})


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="")
    parser.add_argument("--example-dir", default="")
    parser.add_argument("--python-package", default="",
                        help="client/python: run the Python SDK test")
    parser.add_argument("--server", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--cxx-compiler", default="c++")
    parser.add_argument("--sanitize", default="")
    parser.add_argument("--work-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    if ARGS.python_package:
        del globals()["CppSdkTest"]  # run only the Python subclass
        rest = ["PythonSdkTest"] + rest
    else:
        del globals()["PythonSdkTest"]
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
