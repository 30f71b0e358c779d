#!/usr/bin/env python3
"""The Go SDK as a partner developer gets it (ctest sdk.go, label sdk):
client/go and proto/ copied into a fresh directory, the itpv1 package
generated there by client/go/generate.sh, then built offline on Debian's Go
packages in GOPATH mode (GO111MODULE=off) as client/go/README.md says:
`go vet`, the itp package's unit tests (`go test`), and the example partner
program built with `go build` and run against a real itp-server
(sdk_harness).

The build cache is GOCACHE=<work-dir>/gocache (about 60 MB), kept between
runs: the first run compiles Debian's grpc and protobuf packages (the whole
test then takes about 20 s on two cores), later ones reuse them (about 5 s).
"""
import os
import shutil
import sys

import sdk_harness
from sdk_harness import BUILD_TIMEOUT_S, run

GOCODE = "/usr/share/gocode/src"
IMPORT_PATH = "github.com/leadit/itp/client/go"
# What the build needs, and the Debian package that brings it.
TOOLS = {
    "go": "golang-go",
    "protoc": "protobuf-compiler",
    "protoc-gen-go": "protoc-gen-go",
    "protoc-gen-go-grpc": "protoc-gen-go-grpc",
}
SOURCES = {
    "google.golang.org/grpc": "golang-google-grpc-dev",
    "google.golang.org/protobuf": "golang-google-protobuf-dev",
    "google.golang.org/genproto/googleapis/rpc/errdetails":
        "golang-google-genproto-dev",
    "github.com/golang/protobuf/proto": "golang-github-golang-protobuf-1-5-dev",
    "golang.org/x/net/http2": "golang-golang-x-net-dev",
}
# The wrapper github.com/golang/protobuf 1.4+ has over
# google.golang.org/protobuf; 1.3 (golang-github-golang-protobuf-1-3-dev,
# what apt picks for golang-google-grpc-dev by default) lacks it.
GOLANG_PROTOBUF_V1_5 = "github.com/golang/protobuf/proto/registry.go"
WELL_KNOWN_TYPES = "/usr/include/google/protobuf/timestamp.proto"


class GoSdkTest(sdk_harness.SdkTestCase):
    """client/go generated and built in a copy, vetted, unit-tested, and
    its example run against the server."""

    def check_prerequisites(self):
        missing = sorted({package for tool, package in TOOLS.items()
                          if shutil.which(tool) is None} |
                         {package for path, package in SOURCES.items()
                          if not os.path.isdir(os.path.join(GOCODE, path))})
        if not os.path.isfile(WELL_KNOWN_TYPES):
            missing.append("libprotobuf-dev")
        if not os.path.isfile(os.path.join(GOCODE, GOLANG_PROTOBUF_V1_5)):
            missing.append("golang-github-golang-protobuf-1-5-dev")
        if missing:
            self.fail("the Go SDK needs the Debian packages: apt-get install "
                      + " ".join(sorted(set(missing))))

    def go(self, env, *args):
        result = run(["go"] + list(args), env=env, cwd=self.client,
                     timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0,
                         "go %s:\n%s" % (" ".join(args), result.stdout))
        return result.stdout

    def test_the_sdk_builds_offline_and_the_example_runs(self):
        self.check_prerequisites()
        source = sdk_harness.ARGS.source_dir
        self.client = os.path.join(self.dir, "client", "go")
        shutil.copytree(os.path.join(source, "client", "go"), self.client,
                        symlinks=True,
                        ignore=shutil.ignore_patterns("build", "itpv1"))
        shutil.copytree(os.path.join(source, "proto"),
                        os.path.join(self.dir, "proto"))

        result = run(["sh", "generate.sh"], cwd=self.client,
                     timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0, result.stdout)
        for path in ("itpv1/plan.pb.go", "itpv1/plan_service.pb.go",
                     "itpv1/plan_service_grpc.pb.go",
                     "itpv1/review_service_grpc.pb.go",
                     "build/gopath/src/%s/itp/client.go" % IMPORT_PATH):
            self.assertTrue(os.path.isfile(os.path.join(self.client, path)),
                            path)
        # Only itp.v1 is generated: google.rpc comes from genproto.
        self.assertFalse(os.path.exists(os.path.join(
            self.client, "itpv1", "error_details.pb.go")))

        env = dict(os.environ, GO111MODULE="off", GOFLAGS="",
                   GOPROXY="off",
                   GOPATH=os.path.join(self.client, "build", "gopath") +
                   ":/usr/share/gocode",
                   GOCACHE=os.path.join(
                       os.path.abspath(sdk_harness.ARGS.work_dir),
                       "gocache"))
        packages = [IMPORT_PATH + "/itp", IMPORT_PATH + "/itpv1",
                    IMPORT_PATH + "/examples/partner_example"]
        self.go(env, "vet", *packages)
        tests = self.go(env, "test", "-count=1", "-v", IMPORT_PATH + "/itp")
        self.assertIn("--- PASS: TestFromStatusDecodesEveryDetail", tests)
        self.assertIn("--- PASS: TestCallsThroughAServer", tests)
        self.assertNotIn("--- FAIL", tests)
        example = os.path.join(self.client, "build", "partner_example")
        self.go(env, "build", "-o", example, packages[2])
        self.run_partner_example([example])


def add_arguments(parser):
    parser.add_argument("--source-dir", required=True,
                        help="the repository (client/go and proto/)")


if __name__ == "__main__":
    sdk_harness.main(__doc__, add_arguments)
