// node --test: the manifests of deploy/ pass the offline checks of
// check_kubernetes.mjs, and each kind of mistake an operator could make in
// them is caught with the path it is at. Run by tests/deploy/deploy_test.sh,
// which installs the pinned npm packages first. Environment: ITP_SOURCE_DIR,
// ITP_SERVER, ITP_JOB_RUNNER (the built binaries, for their flags).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import YAML from "yaml";
import { checkManifests, secretsReferenced } from "./check_kubernetes.mjs";

const source = process.env.ITP_SOURCE_DIR;
const manifests = path.join(source, "deploy", "kubernetes");
const binaries = {
  "itp-server": process.env.ITP_SERVER,
  "itp-job-runner": process.env.ITP_JOB_RUNNER,
};

// A copy of deploy/kubernetes with `edit(text)` applied to one file.
function mutated(file, edit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itp-manifests-"));
  for (const name of fs.readdirSync(manifests)) {
    const text = fs.readFileSync(path.join(manifests, name), "utf8");
    const changed = name === file ? edit(text) : text;
    if (name === file) assert.notEqual(changed, text, `the edit changed nothing in ${file}`);
    fs.writeFileSync(path.join(dir, name), changed);
  }
  return dir;
}

test("the shipped manifests have no problems", () => {
  const { docs, problems } = checkManifests(manifests, binaries);
  assert.deepEqual(problems, []);
  assert.deepEqual(docs.map((d) => `${d.object.kind}/${d.object.metadata.name}`).sort(), [
    "CronJob/itp-nightly-benchmark",
    "NetworkPolicy/itp-benchmark-job",
    "NetworkPolicy/itp-server",
    "Service/itp-server",
    "Service/itp-server-pods",
    "StatefulSet/itp-server",
  ]);
  assert.deepEqual(secretsReferenced(docs), ["itp-benchmark-runner", "itp-server-ca", "itp-server-tls"]);
  const server = docs.find((d) => d.object.kind === "StatefulSet").object;
  assert.equal(server.spec.replicas, 1);
  assert.equal(server.spec.volumeClaimTemplates[0].spec.accessModes[0], "ReadWriteOnce");
  const container = server.spec.template.spec.containers[0];
  assert.equal(container.livenessProbe.grpc.port, 8081);
  assert.equal(container.readinessProbe.grpc.service, "itp.v1.PlanService");
  assert.ok(container.args.includes("--db=/var/lib/itp/itp.db"));
});

const mistakes = [
  {
    what: "a port number written as a string (schema)",
    file: "itp-server.yaml",
    edit: (t) => t.replace("containerPort: 8081", 'containerPort: "8081"'),
    expect: [
      "itp-server.yaml: StatefulSet/itp-server: /spec/template/spec/containers/0/ports/1/containerPort must be integer",
      "itp-server.yaml: StatefulSet/itp-server: Type 'string' is not assignable to type 'number'.",
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].startupProbe.grpc.port 8081 is no container port",
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].livenessProbe.grpc.port 8081 is no container port",
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].readinessProbe.grpc.port 8081 is no container port",
    ],
  },
  {
    what: "a misspelt field, which the API server would drop silently",
    file: "itp-server.yaml",
    edit: (t) => t.replace("  replicas: 1", "  replica: 1"),
    expect: [
      "itp-server.yaml: StatefulSet/itp-server: Object literal may only specify known properties, and '\"replica\"' does not exist in type 'IStatefulSetSpec'.",
    ],
  },
  {
    what: "capabilities kept (restricted profile)",
    file: "benchmark-cronjob.yaml",
    edit: (t) => t.replace('drop: ["ALL"]', 'drop: ["NET_RAW"]'),
    expect: [
      "benchmark-cronjob.yaml: CronJob/itp-nightly-benchmark: spec.jobTemplate.spec.template.spec.containers[itp-job-runner].securityContext.capabilities.drop: must include ALL (restricted profile)",
    ],
  },
  {
    what: "a writable root filesystem and privilege escalation",
    file: "itp-server.yaml",
    edit: (t) => t.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
      .replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true"),
    expect: [
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].securityContext.allowPrivilegeEscalation: must be false (restricted profile)",
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].securityContext.readOnlyRootFilesystem: must be true",
    ],
  },
  {
    what: "no memory limit",
    file: "itp-server.yaml",
    edit: (t) => t.replace("              memory: 1Gi\n", ""),
    expect: [
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].resources.limits.memory: must be set",
    ],
  },
  {
    what: "a server flag that does not exist",
    file: "itp-server.yaml",
    edit: (t) => t.replace("--db_pool_size=8", "--db_pool=8"),
    expect: [
      "itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].args: --db_pool is not a flag of itp-server",
    ],
  },
  {
    what: "probes on another port than --health_listen",
    file: "itp-server.yaml",
    edit: (t) => t.replace("--health_listen=0.0.0.0:8081", "--health_listen=0.0.0.0:8082"),
    expect: ["startupProbe", "livenessProbe", "readinessProbe"].map((probe) =>
      `itp-server.yaml: StatefulSet/itp-server: spec.template.spec.containers[itp-server].${probe}.grpc.port 8081 is not the --health_listen port (8082)`),
  },
  {
    what: "the CronJob pointed at a Service that is not there",
    file: "benchmark-cronjob.yaml",
    edit: (t) => t.replace("value: itp-server:50051", "value: itp:50051"),
    expect: [
      "benchmark-cronjob.yaml: CronJob/itp-nightly-benchmark: spec.jobTemplate.spec.template.spec.containers[itp-job-runner].env[ITP_ADDRESS]: itp is no Service here",
    ],
  },
  {
    what: "a Service selecting no pod",
    file: "itp-server.yaml",
    edit: (t) => t.replace("  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: itp\n",
      "  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: itp-server\n"),
    expect: ["itp-server.yaml: Service/itp-server: spec.selector matches no pod template"],
  },
  {
    what: "a duplicate key, which YAML parsers resolve differently",
    file: "network-policy.yaml",
    edit: (t) => t.replace("  policyTypes: [\"Ingress\", \"Egress\"]\n  ingress:\n    - from:",
      "  policyTypes: [\"Ingress\", \"Egress\"]\n  policyTypes: [\"Ingress\"]\n  ingress:\n    - from:"),
    expect: ["network-policy.yaml#0: Map keys must be unique"],
  },
];

for (const mistake of mistakes) {
  test(`caught: ${mistake.what}`, () => {
    const dir = mutated(mistake.file, mistake.edit);
    try {
      const { problems } = checkManifests(dir, binaries);
      assert.deepEqual(problems, mistake.expect);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("the compose file runs the server and the nightly job on named volumes", () => {
  const text = fs.readFileSync(path.join(source, "deploy", "compose.yaml"), "utf8");
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  assert.deepEqual(doc.errors, []);
  const compose = doc.toJS();
  assert.deepEqual(Object.keys(compose.services).sort(), ["nightly-benchmark", "server"]);
  const server = compose.services.server;
  assert.equal(server.build.dockerfile, "deploy/Dockerfile");
  assert.ok(fs.existsSync(path.join(source, "deploy", server.build.context, server.build.dockerfile)));
  assert.deepEqual(server.volumes, ["itp-data:/var/lib/itp"]);
  assert.ok(server.ports.every((p) => p.startsWith("127.0.0.1:")), "published on loopback only");
  assert.equal(server.read_only, true);
  assert.deepEqual(server.cap_drop, ["ALL"]);
  // Every volume and secret used is declared.
  for (const service of Object.values(compose.services)) {
    for (const volume of service.volumes ?? []) {
      assert.ok(volume.split(":")[0] in compose.volumes, volume);
    }
    for (const secret of service.secrets ?? []) assert.ok(secret in compose.secrets, secret);
  }
  const job = compose.services["nightly-benchmark"];
  assert.equal(job.depends_on.server.condition, "service_healthy");
  assert.equal(job.environment.ITP_ADDRESS, "server:50051");
  // The flags given to the binaries are theirs.
  const serverHelp = execFileSync(binaries["itp-server"], ["--help"], { encoding: "utf8" });
  for (const arg of server.command) {
    const name = /^--([\w]+)/.exec(arg)[1];
    assert.match(serverHelp, new RegExp(`^  --${name} \\(`, "m"), arg);
  }
  const runnerHelp = execFileSync(binaries["itp-job-runner"], ["--help"], { encoding: "utf8" });
  for (const flag of job.command[0].matchAll(/(--[\w-]+)=/g)) {
    assert.ok(runnerHelp.includes(flag[1]), `${flag[1]} is a flag of itp-job-runner`);
  }
});

test("the Dockerfile has a health check and the context leaves out builds, databases and keys", () => {
  const dockerfile = fs.readFileSync(path.join(source, "deploy", "Dockerfile"), "utf8");
  assert.match(dockerfile, /^HEALTHCHECK .*\n\s+CMD \["\/usr\/local\/bin\/itp", "health", "--address=127\.0\.0\.1:8081"\]$/m);
  // The health check's port is one the server listens on.
  assert.match(dockerfile, /^ENTRYPOINT \[[^\]]*"--health_listen=127\.0\.0\.1:8081"/m);
  assert.match(dockerfile, /^USER itp$/m);
  const ignored = fs.readFileSync(path.join(source, ".dockerignore"), "utf8").split("\n");
  for (const entry of ["build", "build-*", "**/*.db", "**/*.db-wal", "**/*.key", ".git"]) {
    assert.ok(ignored.includes(entry), entry);
  }
});
