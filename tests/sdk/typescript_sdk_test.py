#!/usr/bin/env python3
"""The TypeScript SDK as a partner developer gets it (ctest sdk.typescript,
label sdk): client/typescript and proto/ copied into a fresh directory, then,
as client/typescript/README.md says, `npm ci` (the pinned package-lock.json),
`npm run generate` (buf and protoc-gen-es from node_modules write src/gen),
`npm run build` (tsc to dist/), `npm test` (node --test: ItpError and
connect() against an in-process server), and the compiled example partner
program run with node against a real itp-server (sdk_harness).

Needs node (18.14 or newer) and npm on PATH: Debian's `nodejs` and `npm`
packages; npm ci fetches the rest from the npm registry.
"""
import os
import re
import shutil
import subprocess

import sdk_harness
from sdk_harness import BUILD_TIMEOUT_S, run

MIN_NODE = (18, 14)


def tool(name):
    """The path of `name`, or None."""
    return shutil.which(name)


class TypeScriptSdkTest(sdk_harness.SdkTestCase):
    """client/typescript generated, built and unit-tested in a fresh copy,
    its example run against the server."""

    def check_tools(self):
        node, npm = tool("node"), tool("npm")
        if node is None or npm is None:
            self.fail("node and npm are needed (%s missing): install "
                      "Debian's packages with `apt-get install nodejs npm`"
                      % " and ".join(n for n, p in (("node", node),
                                                    ("npm", npm)) if p is None))
        version = subprocess.run([node, "--version"], stdout=subprocess.PIPE,
                                 text=True).stdout.strip()
        match = re.match(r"v(\d+)\.(\d+)", version)
        self.assertTrue(match and tuple(map(int, match.groups())) >= MIN_NODE,
                        "node %s is too old: @connectrpc/connect-node needs "
                        "%d.%d or newer (Debian's nodejs package)"
                        % (version, *MIN_NODE))
        return node, npm

    def npm(self, npm, package, *args):
        env = dict(os.environ, npm_config_update_notifier="false",
                   npm_config_fund="false", npm_config_audit="false")
        result = run([npm] + list(args), cwd=package, env=env,
                     timeout=BUILD_TIMEOUT_S)
        self.assertEqual(result.returncode, 0,
                         "npm %s failed:\n%s" % (" ".join(args),
                                                 result.stdout))
        return result.stdout

    def test_the_example_builds_and_runs(self):
        node, npm = self.check_tools()
        source = sdk_harness.ARGS.source_dir
        # The layout of the repository, which buf.gen.yaml relies on
        # (../../proto), without what a local build left in the source tree.
        package = os.path.join(self.dir, "client", "typescript")
        shutil.copytree(os.path.join(source, "client", "typescript"), package,
                        ignore=shutil.ignore_patterns("node_modules", "dist",
                                                      "gen"))
        shutil.copytree(os.path.join(source, "proto"),
                        os.path.join(self.dir, "proto"))

        self.npm(npm, package, "ci")
        self.npm(npm, package, "run", "generate")
        gen = os.path.join(package, "src", "gen")
        for path in ("itp/v1/plan_pb.ts", "itp/v1/plan_service_pb.ts",
                     "itp/v1/review_service_pb.ts",
                     "google/rpc/error_details_pb.ts",
                     "google/rpc/status_pb.ts",
                     "grpc/health/v1/health_pb.ts"):
            self.assertTrue(os.path.isfile(os.path.join(gen, path)), path)
        with open(os.path.join(gen, "itp/v1/plan_service_pb.ts")) as f:
            generated = f.read()
        self.assertIn("export const PlanService: GenService<", generated)
        self.assertIn("export type CreatePlanRequest = ", generated)

        self.npm(npm, package, "run", "build")
        for path in ("src/index.js", "src/index.d.ts", "src/errors.js",
                     "src/gen/itp/v1/plan_pb.js",
                     "examples/partner_example.js"):
            self.assertTrue(os.path.isfile(os.path.join(package, "dist",
                                                        path)), path)

        output = self.npm(npm, package, "test")
        self.assertRegex(output, r"(?m)^# pass [1-9]\d*$", output)
        self.assertRegex(output, r"(?m)^# fail 0$", output)

        self.run_partner_example(
            [node, os.path.join("dist", "examples", "partner_example.js")],
            cwd=package)


def add_arguments(parser):
    parser.add_argument("--source-dir", required=True,
                        help="the repository (client/typescript, proto/)")


if __name__ == "__main__":
    sdk_harness.main(__doc__, add_arguments)
