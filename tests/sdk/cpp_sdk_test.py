#!/usr/bin/env python3
"""The C++ SDK as a partner developer gets it (ctest sdk.cpp, label sdk).

Installs this build with `cmake --install` into a fresh prefix, checks what
the prefix holds (headers, libraries, itpConfig.cmake, the .proto files and
the API's FileDescriptorSet), configures and builds client/cpp/example, a
separate CMake project, with find_package(itp CONFIG REQUIRED) against that
prefix only, and runs it against a real itp-server (sdk_harness: a --demo
server, a PARTNER key for Brazil, the example's output checked step by step
against the server's state).
"""
import os

import sdk_harness
from sdk_harness import BUILD_TIMEOUT_S, run


class CppSdkTest(sdk_harness.SdkTestCase):

    def setUp(self):
        super().setUp()
        self.prefix = os.path.join(self.dir, "prefix")

    def install(self):
        result = run(["cmake", "--install", sdk_harness.ARGS.build_dir,
                      "--prefix", self.prefix], timeout=BUILD_TIMEOUT_S)
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
        configure = ["cmake", "-S", sdk_harness.ARGS.example_dir, "-B", build,
                     "-DCMAKE_PREFIX_PATH=" + self.prefix,
                     "-DCMAKE_BUILD_TYPE=Release",
                     "-DCMAKE_CXX_COMPILER=" + sdk_harness.ARGS.cxx_compiler]
        if sdk_harness.ARGS.sanitize:
            # The installed libraries of a sanitizer build need its runtime.
            flags = "-fsanitize=" + sdk_harness.ARGS.sanitize
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

    def test_the_example_builds_from_the_installed_prefix_and_runs(self):
        self.install()
        self.check_prefix()
        self.run_partner_example([self.build_example()])


def add_arguments(parser):
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--example-dir", required=True)
    parser.add_argument("--cxx-compiler", default="c++")
    parser.add_argument("--sanitize", default="")


if __name__ == "__main__":
    sdk_harness.main(__doc__, add_arguments)
