"""Plumbing shared by the end-to-end test scripts of itp-server.

python_client_test.py, job_runner_test.py (both in tests/e2e) and
tests/cli/cli_test.py drive the real binaries; this module holds what they
have in common, so that each script keeps only its tests:

  * generate_stubs(): Python stubs generated from proto/ at test time;
  * ServerProcess: one itp-server on a free loopback port, with a fresh
    SQLite database, a bounded wait for it to serve, and SIGTERM or SIGKILL
    to stop it;
  * admin_key_path() and read_admin_key(): the bootstrap admin key the server
    writes beside its database at first start;
  * argument_parser(), start_run() and run_tests(): the command line, the run
    directory and the unittest runner whose last line is `N passed, N failed`.

It needs the standard library only; generate_stubs() also needs grpc_tools
(Debian python3-grpc-tools), which it imports when called.
"""

import argparse
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 20.0
STARTUP_POLL_S = 0.02


def _grpc_tools_include_dir():
    """Returns the directory holding grpc_tools' bundled google/protobuf."""
    try:
        from importlib import resources
        return str(resources.files("grpc_tools") / "_proto")
    except (ImportError, AttributeError):
        import pkg_resources
        return pkg_resources.resource_filename("grpc_tools", "_proto")


def _protoc_version(command):
    """Returns protoc's version as a tuple, e.g. (3, 21, 12), or None."""
    try:
        output = subprocess.run(
            command + ["--version"], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=60, check=False).stdout
    except OSError:
        return None
    match = re.search(rb"libprotoc (\d+)\.(\d+)", output)
    return tuple(int(part) for part in match.groups()) if match else None


def _run_grpc_tools(args):
    from grpc_tools import protoc
    if protoc.main(["grpc_tools.protoc"] + args) != 0:
        raise RuntimeError("grpc_tools.protoc failed: %s" % " ".join(args))


_IMPORT_LINE = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;',
                          re.MULTILINE)


def _with_local_imports(include_dirs, messages):
    """`messages` and every file they import, directly or not, that lives
    under one of `include_dirs` (so not the well-known types, which the
    protobuf package provides). A test names the files it uses; a message
    file that gains an import then needs no change to every test."""
    result = []
    pending = list(messages)
    while pending:
        name = pending.pop(0)
        if name in result:
            continue
        path = next((os.path.join(d, name) for d in include_dirs
                     if os.path.isfile(os.path.join(d, name))), None)
        if path is None:
            if name in messages:
                result.append(name)  # protoc names the missing file
            continue
        result.append(name)
        with open(path, encoding="utf-8") as source:
            pending.extend(_IMPORT_LINE.findall(source.read()))
    return result


def generate_stubs(include_dirs, out_dir, messages, services):
    """Generates Python stubs into `out_dir` and puts it on sys.path.

    `messages` are the .proto files (relative to `include_dirs`) to generate
    message modules for, with their imports; `services` are those of them
    that also get gRPC service stubs.

    grpc_tools.protoc generates everything when its bundled compiler knows
    proto3 `optional` (protoc 3.15 or later), which plan.proto uses. Debian
    12's python3-grpc-tools 1.14 bundles protoc 3.5.1, which rejects those
    labels; then the message modules come from the Debian protoc that builds
    the server (protobuf-compiler, matching python3-protobuf) and grpc_tools
    generates the gRPC stubs from its descriptor set.
    """
    os.makedirs(out_dir, exist_ok=True)
    includes = ["-I" + include_dir for include_dir in include_dirs]
    messages = _with_local_imports(include_dirs, messages)

    tools_version = _protoc_version(
        [sys.executable, "-m", "grpc_tools.protoc"])
    if tools_version is not None and tools_version >= (3, 15):
        _run_grpc_tools(includes + ["-I" + _grpc_tools_include_dir(),
                                    "--python_out=" + out_dir,
                                    "--grpc_python_out=" + out_dir] + messages)
    else:
        protoc = next((path for path in ("/usr/bin/protoc",
                                         shutil.which("protoc"))
                       if path and os.access(path, os.X_OK)), None)
        system_version = _protoc_version([protoc]) if protoc else None
        if system_version is None or system_version < (3, 15):
            raise RuntimeError(
                "grpc_tools bundles protoc %s and the system protoc is %s; "
                "proto3 optional fields need protoc 3.15 or later"
                % (tools_version, system_version))
        descriptor_set = os.path.join(out_dir, "itp.protoset")
        compiled = subprocess.run(
            [protoc] + includes + ["--include_imports",
                                   "--descriptor_set_out=" + descriptor_set,
                                   "--python_out=" + out_dir] + messages,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60,
            check=False)
        if compiled.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (
                protoc, compiled.stdout.decode("utf-8", "replace")))
        _run_grpc_tools(["--descriptor_set_in=" + descriptor_set,
                         "--grpc_python_out=" + out_dir] + services)
    sys.path.insert(0, out_dir)
    importlib.invalidate_caches()


# The health proto, compiled from a copy under another import path: the
# installed `grpc` package is a regular package, so modules generated as
# grpc.health.v1 could not be imported next to it. Its package, and so the
# wire name grpc.health.v1.Health, stays the same.
HEALTH_PROTO = "itp_e2e_health/health.proto"


def health_proto_root(proto_dir, out_dir):
    """Copies the repository's health proto to HEALTH_PROTO under a new
    include directory in `out_dir` and returns that directory."""
    health_root = os.path.join(out_dir, "_health_src")
    os.makedirs(os.path.join(health_root, "itp_e2e_health"))
    shutil.copy(
        os.path.join(proto_dir, "grpc", "health", "v1", "health.proto"),
        os.path.join(health_root, "itp_e2e_health"))
    return health_root


class ServerProcess:
    """One itp-server process on `db_path`, listening on loopback.

    The server listens on `port` (0: a free one, which it writes to a port
    file) and logs to a file in `log_dir`; `args` are further command-line
    flags. Tests stop servers often, so the drain period after SIGTERM is
    `drain_seconds` (0 unless a test is about it). `preexec_fn` runs in the
    child before the server starts (e.g. to lower a resource limit).
    """

    def __init__(self, binary, db_path, log_dir, port=0, args=(),
                 drain_seconds=0, preexec_fn=None):
        os.makedirs(log_dir, exist_ok=True)
        tag = uuid.uuid4().hex[:8]
        self.port_file = os.path.join(log_dir, "port-%s" % tag)
        self.log_path = os.path.join(log_dir, "server-%s.log" % tag)
        # Set once the process was stopped or its death was reported.
        self.accounted_for = False
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "--listen=127.0.0.1:%d" % port, "--db=" + db_path,
             "--port_file=" + self.port_file,
             "--drain_seconds=%d" % drain_seconds] + list(args),
            stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, preexec_fn=preexec_fn)

    def log(self):
        """Returns what the server has written to stderr so far."""
        with open(self.log_path, "rb") as log:
            return log.read().decode("utf-8", "replace")

    def wait_until_serving(self):
        """Polls for the port file and returns the port; raises with the log
        if the server dies or does not serve in time."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                self.accounted_for = True
                raise AssertionError(
                    "itp-server exited with %d before serving:\n%s"
                    % (code, self.log()))
            if os.path.exists(self.port_file):
                with open(self.port_file, encoding="ascii") as port_file:
                    text = port_file.read().strip()
                if text:
                    return int(text)
            time.sleep(STARTUP_POLL_S)
        self.kill()
        raise AssertionError(
            "itp-server did not write %s within %.0f s:\n%s"
            % (self.port_file, STARTUP_TIMEOUT_S, self.log()))

    def running(self):
        return self.process.poll() is None

    def terminate(self):
        """Sends SIGTERM and returns the exit code (bounded wait)."""
        self.accounted_for = True
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                "itp-server did not stop within %.0f s of SIGTERM:\n%s"
                % (SHUTDOWN_TIMEOUT_S, self.log()))
        self._log.close()
        return code

    def stop(self):
        """Sends SIGTERM and asserts a clean exit."""
        code = self.terminate()
        if code != 0:
            raise AssertionError("itp-server exited with %d on SIGTERM:\n%s"
                                 % (code, self.log()))

    def kill(self):
        """Sends SIGKILL, as a crash or `kill -9` would, and reaps the
        process."""
        self.accounted_for = True
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
        self._log.close()
        return code


def admin_key_path(db_dir):
    """The admin key file the server writes beside its database in
    `db_dir` at first start."""
    return os.path.join(db_dir, "itp-admin.key")


def read_admin_key(db_dir):
    """The admin key the server wrote beside its database in `db_dir`."""
    with open(admin_key_path(db_dir), encoding="ascii") as key_file:
        return key_file.read().strip()


def argument_parser(description, example_test):
    """A parser for --server, --work-dir and optional test names; each
    script adds its own options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--server", required=True,
                        help="path to the itp-server binary")
    parser.add_argument("--work-dir", required=True,
                        help="directory for databases, logs and stubs")
    parser.add_argument("tests", nargs="*",
                        help="optional test names, e.g. %s" % example_test)
    return parser


def start_run(work_dir, executables):
    """Makes a fresh run directory under `work_dir` and returns its path.

    If one of `executables` is not executable, says so, reports the run as
    one failure and returns None.
    """
    for executable in executables:
        if not os.access(executable, os.X_OK):
            print("not an executable: %s" % executable, file=sys.stderr)
            print("0 passed, 1 failed")
            return None
    os.makedirs(work_dir, exist_ok=True)
    return tempfile.mkdtemp(prefix="run-", dir=os.path.abspath(work_dir))


def run_tests(module, names, run_dir):
    """Runs the tests `names` of `module` (all of them if none are named).

    Prints `N passed, N failed` last, removes `run_dir` if nothing failed
    (otherwise keeps it and says where it is) and returns the exit status.
    """
    loader = unittest.defaultTestLoader
    if names:
        suite = loader.loadTestsFromNames(names, module)
    else:
        suite = loader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)

    # A test can fail and then also error in its cleanup: count it once.
    failed_ids = {test.id() for test, _ in result.failures + result.errors}
    failed_ids.update(test.id() for test in result.unexpectedSuccesses)
    failed = len(failed_ids)
    passed = max(result.testsRun - failed - len(result.skipped), 0)
    if failed == 0:
        shutil.rmtree(run_dir, ignore_errors=True)
    else:
        print("databases and logs kept in %s" % run_dir)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.testsRun > 0 else 1


def main_with_stubs(module, example_test, generate_stubs):
    """The main() of a test script against the server binary: parses
    --server, --work-dir, --proto-dir and test names, sets the module's
    SERVER_BINARY and RUN_DIR, calls generate_stubs(proto_dir, stubs_dir)
    and runs the module's tests; returns the exit status."""
    parser = argument_parser(module.__doc__.splitlines()[0], example_test)
    parser.add_argument("--proto-dir", required=True,
                        help="the repository's proto/ directory")
    options = parser.parse_args()
    module.SERVER_BINARY = os.path.abspath(options.server)
    module.RUN_DIR = start_run(options.work_dir, [module.SERVER_BINARY])
    if module.RUN_DIR is None:
        return 1
    generate_stubs(os.path.abspath(options.proto_dir),
                   os.path.join(module.RUN_DIR, "stubs"))
    return run_tests(module, options.tests, module.RUN_DIR)
