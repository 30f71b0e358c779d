"""Builds the itp-client package: the itp.v1 modules are generated from the
repository's proto/ at build time (never committed), next to the
hand-written itp_client helpers.

Messages come from protoc (Debian's protobuf-compiler, 3.15 or later for
proto3 `optional`, matching python3-protobuf); the gRPC service stubs from
grpc_tools (python3-grpc-tools, whose bundled protoc is older) reading
protoc's descriptor set. The vendored google.rpc modules go under
itp_client._googleapis, used only where googleapis-common-protos is not
installed. ITP_PROTO_DIR overrides where the .proto files are.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.environ.get("ITP_PROTO_DIR",
                           os.path.join(HERE, "..", "..", "proto"))


def _protoc():
    for path in ("/usr/bin/protoc", shutil.which("protoc")):
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("itp-client: protoc not found (apt-get install protobuf-compiler)")


def _generate(out_dir):
    itp_files = sorted(os.path.relpath(p, PROTO_DIR) for p in
                       glob.glob(os.path.join(PROTO_DIR, "itp", "v1",
                                              "*.proto")))
    if not itp_files:
        sys.exit("itp-client: no itp/v1/*.proto under %s" % PROTO_DIR)
    services = [f for f in itp_files if f.endswith("_service.proto")]
    rpc_files = ["google/rpc/status.proto", "google/rpc/error_details.proto"]
    with tempfile.TemporaryDirectory() as scratch:
        descriptors = os.path.join(scratch, "itp.protoset")
        subprocess.run([_protoc(), "-I", PROTO_DIR, "--include_imports",
                        "--descriptor_set_out=" + descriptors,
                        "--python_out=" + out_dir] + itp_files, check=True)
        from grpc_tools import protoc as grpc_protoc
        if grpc_protoc.main(["grpc_tools.protoc",
                             "--descriptor_set_in=" + descriptors,
                             "--grpc_python_out=" + out_dir] + services):
            sys.exit("itp-client: grpc_tools.protoc failed")
        rpc_out = os.path.join(scratch, "rpc")
        os.makedirs(rpc_out)
        subprocess.run([_protoc(), "-I", PROTO_DIR,
                        "--python_out=" + rpc_out] + rpc_files, check=True)
        vendored = os.path.join(out_dir, "itp_client", "_googleapis")
        os.makedirs(vendored, exist_ok=True)
        for name in ("status_pb2.py", "error_details_pb2.py"):
            shutil.copy(os.path.join(rpc_out, "google", "rpc", name), vendored)
        open(os.path.join(vendored, "__init__.py"), "w").close()
    for package in ("itp", os.path.join("itp", "v1")):
        init = os.path.join(out_dir, package, "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()


class BuildWithGeneratedCode(build_py):
    def run(self):
        super().run()
        _generate(self.build_lib)


setup(cmdclass={"build_py": BuildWithGeneratedCode},
      packages=["itp_client"])
