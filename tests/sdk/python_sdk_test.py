#!/usr/bin/env python3
"""The Python SDK as a partner developer gets it (ctest sdk.python, label
sdk): client/python installed offline with pip into a fresh directory, its
example partner program run against a real itp-server (sdk_harness).
"""
import os
import shutil
import sys

import sdk_harness
from sdk_harness import BUILD_TIMEOUT_S, run


class PythonSdkTest(sdk_harness.SdkTestCase):
    """client/python installed offline with pip (--no-deps
    --no-build-isolation, on Debian's python3-grpcio) into a fresh target
    directory, its example run against the server."""

    def test_the_example_installs_offline_and_runs(self):
        package = os.path.abspath(sdk_harness.ARGS.python_package)
        source = os.path.join(self.dir, "python-src")
        shutil.copytree(package, source)
        target = os.path.join(self.dir, "site")
        env = dict(os.environ, ITP_PROTO_DIR=os.path.join(
            package, "..", "..", "proto"))
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


def add_arguments(parser):
    parser.add_argument("--python-package", required=True,
                        help="client/python")


if __name__ == "__main__":
    sdk_harness.main(__doc__, add_arguments)
