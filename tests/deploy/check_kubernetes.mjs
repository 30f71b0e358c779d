// Checks the Kubernetes manifests of deploy/kubernetes offline, as an API
// server and an admission controller would, and their references to each
// other and to the binaries:
//
// 1. Schema: every document against the Kubernetes API schema of its kind
//    (kubernetes-models: types, required fields, enums, formats).
// 2. Unknown fields: the schema allows extra fields (the API server drops
//    them silently, which hides typos), so every document is also compiled
//    as a TypeScript literal of its API type: an excess property is an error.
// 3. The Pod Security "restricted" profile, plus read-only root filesystems
//    and resource requests and limits, for every pod template.
// 4. References: Service selectors and target ports, the StatefulSet's
//    governing Service, probe ports, volumes, Secrets, the CronJob's server
//    address, NetworkPolicy selectors, and every --flag passed to itp-server
//    or itp-job-runner (read from their --help).
//
// checkManifests() returns a list of "file: path: problem" strings; the
// command line prints them and exits 1 when there are any:
//
//   node check_kubernetes.mjs DIR [--server itp-server] [--runner itp-job-runner]

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const require = createRequire(import.meta.url);

// apiVersion/kind -> module of kubernetes-models and its interface name.
function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
  const module = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    const loaded = require(module);
    if (typeof loaded[kind] !== "function") return null;
    return { module, Model: loaded[kind], iface: `I${kind}` };
  } catch {
    return null;
  }
}

// Every document of every *.yaml file in `dir`, parsed strictly (duplicate
// keys and syntax errors are problems).
export function loadManifests(dir, problems) {
  const docs = [];
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const parsed = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
    parsed.forEach((doc, index) => {
      for (const error of doc.errors) problems.push(`${file}#${index}: ${error.message}`);
      if (doc.errors.length === 0 && doc.contents !== null) {
        docs.push({ file, index, object: doc.toJS() });
      }
    });
  }
  return docs;
}

function where(doc) {
  const name = doc.object?.metadata?.name ?? `#${doc.index}`;
  return `${doc.file}: ${doc.object?.kind ?? "?"}/${name}`;
}

function checkSchemas(docs, problems) {
  for (const doc of docs) {
    const model = modelOf(doc.object.apiVersion, doc.object.kind);
    if (model === null) {
      problems.push(`${where(doc)}: unknown apiVersion/kind ${doc.object.apiVersion}/${doc.object.kind}`);
      continue;
    }
    doc.model = model;
    try {
      new model.Model(doc.object).validate();
    } catch (error) {
      for (const line of String(error.message).split(/,\s*(?=data)/)) {
        problems.push(`${where(doc)}: ${line.replace(/^data/, "")}`);
      }
    }
  }
}

// Compiles every document as a literal of its API type with tsc; the file
// goes beside node_modules so that the imports resolve.
function checkUnknownFields(docs, problems) {
  const typed = docs.filter((doc) => doc.model);
  if (typed.length === 0) return;
  const prefix = path.dirname(path.dirname(require.resolve("kubernetes-models/package.json")));
  const work = fs.mkdtempSync(path.join(path.dirname(prefix), ".itp-k8s-"));
  const text = typed.map((doc, i) => `import type { ${doc.model.iface} as T${i} } from "${doc.model.module}";`);
  const starts = [];
  let line = text.length + 1;
  typed.forEach((doc, i) => {
    const literal = JSON.stringify(doc.object, null, 1);
    starts.push({ line, doc });
    text.push(`export const doc${i}: T${i} = ${literal};`);
    line += literal.split("\n").length;
  });
  const source = path.join(work, "manifests.ts");
  fs.writeFileSync(source, text.join("\n") + "\n");
  let output = "";
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit",
      "--strict", "--skipLibCheck", "--target", "es2020", "--module", "commonjs",
      "--moduleResolution", "node", source], { encoding: "utf8" });
  } catch (error) {
    output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  let found = 0;
  for (const match of output.matchAll(/manifests\.ts\((\d+),\d+\): error TS\d+: (.*)/g)) {
    const at = Number(match[1]);
    let doc = starts[0].doc;
    for (const start of starts) if (start.line <= at) doc = start.doc;
    problems.push(`${where(doc)}: ${match[2]}`);
    ++found;
  }
  if (output !== "" && found === 0) problems.push(`tsc: ${output.trim()}`);
}

// The pod templates of a workload, with a path for messages.
function podTemplates(doc) {
  const o = doc.object;
  if (["StatefulSet", "Deployment", "DaemonSet", "Job", "ReplicaSet"].includes(o.kind)) {
    return [{ at: "spec.template", template: o.spec?.template }];
  }
  if (o.kind === "CronJob") {
    return [{ at: "spec.jobTemplate.spec.template", template: o.spec?.jobTemplate?.spec?.template }];
  }
  if (o.kind === "Pod") return [{ at: "", template: { metadata: o.metadata, spec: o.spec } }];
  return [];
}

const kAllowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
  "persistentVolumeClaim", "projected", "secret"];

function checkRestricted(docs, problems) {
  for (const doc of docs) {
    for (const { at, template } of podTemplates(doc)) {
      const spec = template?.spec ?? {};
      const pod = spec.securityContext ?? {};
      const p = (field, text) => problems.push(`${where(doc)}: ${at}.spec.${field}: ${text}`);
      for (const host of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (spec[host]) p(host, "must not be set (restricted profile)");
      }
      for (const volume of spec.volumes ?? []) {
        const type = Object.keys(volume).find((k) => k !== "name");
        if (!kAllowedVolumes.includes(type)) p(`volumes[${volume.name}]`, `${type} volumes are not allowed (restricted profile)`);
      }
      const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
      for (const c of containers) {
        const sc = c.securityContext ?? {};
        const cp = (field, text) => p(`containers[${c.name}].${field}`, text);
        if (sc.privileged) cp("securityContext.privileged", "must not be true (restricted profile)");
        if (sc.allowPrivilegeEscalation !== false) cp("securityContext.allowPrivilegeEscalation", "must be false (restricted profile)");
        const drop = sc.capabilities?.drop ?? [];
        if (!drop.includes("ALL")) cp("securityContext.capabilities.drop", "must include ALL (restricted profile)");
        for (const cap of sc.capabilities?.add ?? []) {
          if (cap !== "NET_BIND_SERVICE") cp("securityContext.capabilities.add", `${cap} is not allowed (restricted profile)`);
        }
        const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        if (nonRoot !== true) cp("securityContext.runAsNonRoot", "must be true, in the container or the pod (restricted profile)");
        const user = sc.runAsUser ?? pod.runAsUser;
        if (user === 0) cp("securityContext.runAsUser", "must not be 0 (restricted profile)");
        const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
          cp("securityContext.seccompProfile.type", "must be RuntimeDefault or Localhost (restricted profile)");
        }
        if (sc.readOnlyRootFilesystem !== true) cp("securityContext.readOnlyRootFilesystem", "must be true");
        for (const port of c.ports ?? []) {
          if (port.hostPort) cp(`ports[${port.name}].hostPort`, "must not be set");
        }
        for (const kind of ["requests", "limits"]) {
          for (const resource of ["cpu", "memory"]) {
            if (c.resources?.[kind]?.[resource] === undefined) cp(`resources.${kind}.${resource}`, "must be set");
          }
        }
      }
    }
  }
}

function matches(selector, labels) {
  if (!selector || !labels) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

// The long flags `binary --help` lists ("  --name (type, ...)" or
// "  --name ..." as CLI11 prints them).
function flagsOf(binary) {
  const text = execFileSync(binary, ["--help"], { encoding: "utf8" });
  return new Set([...text.matchAll(/^\s+(?:-\w,\s*)?--([\w-]+)/gm)].map((m) => m[1]));
}

function checkFlags(doc, at, container, known, problems) {
  const args = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
  for (const arg of args) {
    const match = /^--(?:no)?([\w-]+)/.exec(arg);
    if (!match) continue;
    const name = match[1];
    const raw = /^--([\w-]+)/.exec(arg)[1];
    if (!known.has(raw) && !known.has(name)) {
      problems.push(`${where(doc)}: ${at}.containers[${container.name}].args: ${arg.split("=")[0]} is not a flag of ${path.basename(container.command?.[0] ?? "?")}`);
    }
  }
}

function checkReferences(docs, problems, binaries) {
  const services = docs.filter((d) => d.object.kind === "Service");
  const workloads = docs.flatMap((d) => podTemplates(d).map((t) => ({ doc: d, ...t })));
  const flagSets = {};
  for (const [name, binary] of Object.entries(binaries)) {
    if (binary) flagSets[name] = flagsOf(binary);
  }
  for (const service of services) {
    const spec = service.object.spec ?? {};
    const pods = workloads.filter((w) => matches(spec.selector, w.template?.metadata?.labels));
    if (pods.length === 0) {
      problems.push(`${where(service)}: spec.selector matches no pod template`);
      continue;
    }
    for (const port of spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const found = pods.some((w) => (w.template.spec.containers ?? []).some((c) =>
        (c.ports ?? []).some((cp) => cp.name === target || cp.containerPort === target)));
      if (!found) problems.push(`${where(service)}: spec.ports[${port.name}].targetPort ${target} is no container port of the pods it selects`);
    }
  }
  for (const w of workloads) {
    const spec = w.template?.spec ?? {};
    const o = w.doc.object;
    if (!matches(o.spec?.selector?.matchLabels ?? w.template?.metadata?.labels, w.template?.metadata?.labels)) {
      problems.push(`${where(w.doc)}: spec.selector does not match ${w.at}.metadata.labels`);
    }
    if (o.kind === "StatefulSet") {
      const governing = services.find((s) => s.object.metadata?.name === o.spec?.serviceName);
      if (!governing) problems.push(`${where(w.doc)}: spec.serviceName ${o.spec?.serviceName} names no Service here`);
      else if (governing.object.spec?.clusterIP !== "None") problems.push(`${where(w.doc)}: spec.serviceName ${o.spec.serviceName} must be a headless Service (clusterIP: None)`);
    }
    const volumeNames = new Set([...(spec.volumes ?? []).map((v) => v.name),
      ...(o.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name)]);
    for (const c of spec.containers ?? []) {
      const at = `${w.at}.spec.containers[${c.name}]`;
      for (const mount of c.volumeMounts ?? []) {
        if (!volumeNames.has(mount.name)) problems.push(`${where(w.doc)}: ${at}.volumeMounts[${mount.name}]: no such volume`);
      }
      const portNumbers = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      const numbers = new Set((c.ports ?? []).map((p) => p.containerPort));
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const grpc = c[probe]?.grpc;
        if (c[probe] && !grpc && path.basename(c.command?.[0] ?? "") === "itp-server") {
          problems.push(`${where(w.doc)}: ${at}.${probe}: must be a native grpc probe`);
        }
        if (grpc && !numbers.has(grpc.port)) problems.push(`${where(w.doc)}: ${at}.${probe}.grpc.port ${grpc.port} is no container port`);
      }
      const program = path.basename(c.command?.[0] ?? "");
      const known = flagSets[program];
      if (known) checkFlags(w.doc, `${w.at}.spec`, c, known, problems);
      // itp-server: the probes' port is the one --health_listen binds.
      if (program === "itp-server") {
        const health = (c.args ?? []).find((a) => a.startsWith("--health_listen="));
        const port = health ? Number(health.split(":").pop()) : undefined;
        for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
          const grpc = c[probe]?.grpc;
          if (grpc && grpc.port !== port) problems.push(`${where(w.doc)}: ${at}.${probe}.grpc.port ${grpc.port} is not the --health_listen port (${port ?? "none"})`);
        }
        const listen = (c.args ?? []).find((a) => a.startsWith("--listen="));
        const listenPort = listen ? Number(listen.split(":").pop()) : 50051;
        if (portNumbers.get("grpc") !== listenPort) problems.push(`${where(w.doc)}: ${at}.ports[grpc] is not the --listen port ${listenPort}`);
      }
      // ITP_ADDRESS host:port must be a Service here and one of its ports.
      for (const env of c.env ?? []) {
        if (env.name !== "ITP_ADDRESS") continue;
        const [host, port] = String(env.value).split(":");
        const service = services.find((s) => s.object.metadata?.name === host.split(".")[0]);
        if (!service) problems.push(`${where(w.doc)}: ${at}.env[ITP_ADDRESS]: ${host} is no Service here`);
        else if (!(service.object.spec?.ports ?? []).some((p) => p.port === Number(port))) {
          problems.push(`${where(w.doc)}: ${at}.env[ITP_ADDRESS]: Service ${host} has no port ${port}`);
        }
      }
    }
  }
  for (const policy of docs.filter((d) => d.object.kind === "NetworkPolicy")) {
    const spec = policy.object.spec ?? {};
    const selects = (selector) => workloads.some((w) => matches(selector?.matchLabels, w.template?.metadata?.labels));
    if (!selects(spec.podSelector)) problems.push(`${where(policy)}: spec.podSelector matches no pod template`);
  }
}

// The Secrets the manifests need (made with kubectl, never committed).
export function secretsReferenced(docs) {
  const names = new Set();
  for (const doc of docs) {
    for (const { template } of podTemplates(doc)) {
      for (const volume of template?.spec?.volumes ?? []) {
        if (volume.secret?.secretName) names.add(volume.secret.secretName);
      }
    }
  }
  return [...names].sort();
}

export function checkManifests(dir, binaries = {}) {
  const problems = [];
  const docs = loadManifests(dir, problems);
  checkSchemas(docs, problems);
  checkUnknownFields(docs, problems);
  checkRestricted(docs, problems);
  checkReferences(docs, problems, binaries);
  return { docs, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = args[0];
  const { docs, problems } = checkManifests(dir, {
    "itp-server": option("--server"), "itp-job-runner": option("--runner"),
  });
  for (const problem of problems) console.error(problem);
  console.log(`${docs.length} documents, ${problems.length} problems; Secrets needed: ${secretsReferenced(docs).join(", ")}`);
  process.exit(problems.length === 0 ? 0 : 1);
}
