#!/usr/bin/env python3
"""The Java SDK as a partner developer gets it (ctest sdk.java, label sdk).

Copies client/java and proto/ into a fresh directory and runs
client/java/build.sh there, as client/java/README.md says: the itp.v1 and
vendored google.rpc classes generated with Debian's protoc and
protoc-gen-grpc-java, compiled with javac against Debian's grpc-java,
protobuf-java and netty jars, packaged as itp-client.jar, and the library's
unit tests (ItpClientTest) run. Checks what the jar holds and the classpath
the script writes, then runs org.leadit.itp.examples.PartnerExample against a
real itp-server (sdk_harness), and once more over TLS (https:// and
ITP_TLS_CA, with the unit tests' test certificate).
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile

import sdk_harness
from sdk_harness import BUILD_TIMEOUT_S, RUN_TIMEOUT_S, run
import itp_e2e  # noqa: E402  (tests/e2e, on sys.path by sdk_harness)

# What the build needs, by Debian package (build.sh checks the jars too and
# names their packages).
TOOLS = {
    "javac": "openjdk-17-jdk-headless",
    "java": "openjdk-17-jdk-headless",
    "jar": "openjdk-17-jdk-headless",
    "protoc": "protobuf-compiler",
    "grpc_java_plugin": "protobuf-compiler-grpc-java-plugin",
}
MAIN = "org.leadit.itp.examples.PartnerExample"
TEST_RESOURCES = "src/test/resources/org/leadit/itp/client"


class JavaSdkTest(sdk_harness.SdkTestCase):

    def check_tools(self):
        missing = ["%s (%s)" % (tool, package) for tool, package in
                   TOOLS.items() if shutil.which(tool) is None]
        self.assertFalse(missing, "missing tools, apt-get install the "
                         "Debian packages named: " + ", ".join(missing))

    def copy_sources(self):
        """client/java (without a build/ of its own) and proto/, as a
        checkout has them."""
        source = os.path.join(self.dir, "client", "java")
        shutil.copytree(os.path.join(sdk_harness.ARGS.source_dir, "client",
                                     "java"), source,
                        ignore=shutil.ignore_patterns("build"))
        shutil.copytree(os.path.join(sdk_harness.ARGS.source_dir, "proto"),
                        os.path.join(self.dir, "proto"))
        return source

    def build(self, source):
        result = run([os.path.join(source, "build.sh")], cwd=source,
                     timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stdout)
        # build.sh runs the unit tests last; their summary line.
        self.assertRegex(result.stdout,
                         r"(?m)^ItpClientTest: [0-9]+ checks passed$")
        sys.stderr.write("\n" + result.stdout)

    def check_build(self, build):
        with zipfile.ZipFile(os.path.join(build, "itp-client.jar")) as jar:
            names = set(jar.namelist())
        for name in ("org/leadit/itp/v1/Plan.class",
                     "org/leadit/itp/v1/PlanServiceGrpc.class",
                     "org/leadit/itp/v1/PlanServiceGrpc$"
                     "PlanServiceBlockingStub.class",
                     "org/leadit/itp/v1/ReviewServiceGrpc.class",
                     "org/leadit/itp/v1/AdminServiceGrpc.class",
                     "org/leadit/itp/v1/BenchmarkJobServiceGrpc.class",
                     "org/leadit/itp/v1/PlanServiceProto.class",
                     "com/google/rpc/Status.class",
                     "com/google/rpc/ErrorInfo.class",
                     "com/google/rpc/BadRequest$FieldViolation.class",
                     "com/google/rpc/RetryInfo.class",
                     "org/leadit/itp/client/ItpClient.class",
                     "org/leadit/itp/client/ItpException.class",
                     "itp/v1/plan_service.proto"):
            self.assertIn(name, names)
        with zipfile.ZipFile(os.path.join(build, "itp-examples.jar")) as jar:
            self.assertIn("org/leadit/itp/examples/PartnerExample.class",
                          jar.namelist())
        with open(os.path.join(build, "classpath"), encoding="utf-8") as f:
            classpath = f.read().strip().split(":")
        for entry in classpath:
            self.assertTrue(os.path.isabs(entry) and os.path.exists(entry),
                            entry)
        names = [os.path.basename(entry) for entry in classpath]
        for jar in ("itp-client.jar", "grpc-netty.jar", "grpc-core.jar",
                    "protobuf.jar", "perfmark-api.jar", "netty-codec-http2.jar",
                    "netty-tcnative.jar"):
            self.assertIn(jar, names)
        # The empty aggregator, and Debian's common protos (1.16, without
        # ErrorInfo) that would shadow the generated com.google.rpc.
        self.assertNotIn("netty-all.jar", names)
        self.assertFalse([n for n in names if "common-protos" in n], names)
        return ":".join(classpath)

    def run_over_tls(self, source, classpath):
        """PartnerExample against a TLS itp-server: https:// and
        ITP_TLS_CA, the key made with the CLI over TLS too."""
        certs = os.path.join(source, TEST_RESOURCES)
        ca = os.path.join(certs, "test-ca.pem")
        db_dir = os.path.join(self.dir, "tls-db")
        os.makedirs(db_dir)
        server = itp_e2e.ServerProcess(
            sdk_harness.ARGS.server, os.path.join(db_dir, "itp.db"), self.dir,
            args=["--tls_cert=" + os.path.join(certs, "test-server.pem"),
                  "--tls_key=" + os.path.join(certs, "test-server.key")])
        try:
            port = server.wait_until_serving()
            env = dict(os.environ, ITP_ADDRESS="https://localhost:%d" % port,
                       ITP_TLS_CA=ca)
            created = subprocess.run(
                [sdk_harness.ARGS.cli, "keys", "create", "--role", "PARTNER",
                 "--country", "BRA", "--name", "Brazil over TLS", "-o",
                 "json"],
                env=dict(env, ITP_API_KEY_FILE=itp_e2e.admin_key_path(db_dir)),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                timeout=RUN_TIMEOUT_S)
            self.assertEqual(created.returncode, 0, created.stderr)
            env["ITP_API_KEY"] = json.loads(created.stdout)["secret"]
            result = subprocess.run(
                ["java", "-cp", classpath, MAIN, "tls-steel-2050"], env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                timeout=RUN_TIMEOUT_S)
            self.assertEqual(result.returncode, 0,
                             result.stdout + result.stderr)
            lines = result.stdout.splitlines()
            self.assertRegex(lines[0], r"^created countries/BRA/plans/"
                             r"tls-steel-2050 \(DRAFT, etag [0-9a-f]+\)$")
            self.assertTrue(lines[4].startswith(
                "rejected with code 3 (INVALID_ARGUMENT), reason "
                "INVALID_FIELDS: "), lines[4])
            self.assertEqual(len(lines), 8, result.stdout)
        finally:
            server.stop()

    def test_builds_from_debian_packages_and_the_example_runs(self):
        self.check_tools()
        source = self.copy_sources()
        self.build(source)
        build = os.path.join(source, "build")
        classpath = self.check_build(build)
        self.run_partner_example(["java", "-cp", classpath, MAIN],
                                 cwd=source)
        self.run_over_tls(source, classpath)


def add_arguments(parser):
    parser.add_argument("--source-dir", required=True,
                        help="the repository (client/java and proto/)")


if __name__ == "__main__":
    sdk_harness.main(__doc__, add_arguments)
