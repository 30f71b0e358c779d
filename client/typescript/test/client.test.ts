// connect() against an in-process gRPC server (connect-node's adapter on a
// plaintext HTTP/2 server on 127.0.0.1): the settings come from ITP_*
// variables, the key goes in `authorization: Bearer`, and errors, also in the
// middle of a response stream, arrive as ItpError with the details decoded
// from the real grpc-status-details-bin trailer.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

import { BadRequestSchema, ErrorInfoSchema } from "../src/gen/google/rpc/error_details_pb.js";
import {
  connect,
  ItpError,
  Plan_State,
  PlanEvent_Type,
  PlanEventSchema,
  PlanSchema,
  PlanService,
  ReviewService,
} from "../src/index.js";

const KEY = "itp_test_0123456789abcdef";

function routes(router: ConnectRouter): void {
  router.service(PlanService, {
    getPlan(request, context) {
      if (context.requestHeader.get("authorization") !== `Bearer ${KEY}`) {
        throw new ConnectError("missing or unknown API key", Code.Unauthenticated);
      }
      if (request.name !== "countries/BRA/plans/green-steel-2050") {
        throw new ConnectError(`plan ${request.name} not found`, Code.NotFound, undefined, [
          { desc: ErrorInfoSchema, value: { reason: "PLAN_NOT_FOUND", domain: "itp.leadit.org", metadata: { name: request.name } } },
        ]);
      }
      return create(PlanSchema, { name: request.name, state: Plan_State.DRAFT, etag: "1a2b" });
    },
  });
  router.service(ReviewService, {
    async *watchPlanEvents(request) {
      yield create(PlanEventSchema, { id: 7n, type: PlanEvent_Type.STATE_CHANGED, plan: `${request.parent}/plans/p` });
      throw new ConnectError("bad after_event_id", Code.InvalidArgument, undefined, [
        { desc: BadRequestSchema, value: { fieldViolations: [{ field: "after_event_id", description: "must not be negative." }] } },
      ]);
    },
  });
}

let server: http2.Http2Server;
const sessions = new Set<http2.ServerHttp2Session>();
let directory: string;
let address: string;

before(async () => {
  server = http2.createServer(connectNodeAdapter({ routes }));
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  directory = mkdtempSync(join(tmpdir(), "itp-client-test-"));
});

after(() => {
  // The clients' idle HTTP/2 connections would keep the server open.
  for (const session of sessions) session.destroy();
  server.close();
  rmSync(directory, { recursive: true, force: true });
});

function withEnvironment<T>(variables: Record<string, string>, body: () => T): T {
  const saved = { ...process.env };
  for (const name of ["ITP_ADDRESS", "ITP_API_KEY", "ITP_API_KEY_FILE", "ITP_TLS_CA"]) {
    delete process.env[name];
  }
  Object.assign(process.env, variables);
  try {
    return body();
  } finally {
    process.env = saved;
  }
}

test("connect() reads ITP_ADDRESS and the first line of ITP_API_KEY_FILE", async () => {
  const keyFile = join(directory, "partner.key");
  writeFileSync(keyFile, `  ${KEY}\nsecond line\n`);
  const itp = withEnvironment({ ITP_ADDRESS: address, ITP_API_KEY_FILE: keyFile }, () => connect());
  const plan = await itp.plans.getPlan({ name: "countries/BRA/plans/green-steel-2050" });
  assert.equal(plan.name, "countries/BRA/plans/green-steel-2050");
  assert.equal(plan.state, Plan_State.DRAFT);
  assert.equal(plan.etag, "1a2b");
});

test("ITP_API_KEY wins over ITP_API_KEY_FILE; without a key the call is UNAUTHENTICATED", async () => {
  const itp = withEnvironment(
    { ITP_ADDRESS: `http://${address}`, ITP_API_KEY: KEY, ITP_API_KEY_FILE: join(directory, "missing.key") },
    () => connect());
  assert.equal((await itp.plans.getPlan({ name: "countries/BRA/plans/green-steel-2050" })).etag, "1a2b");
  const anonymous = withEnvironment({}, () => connect({ address }));
  await assert.rejects(anonymous.plans.getPlan({ name: "countries/BRA/plans/green-steel-2050" }),
    (e: unknown) => e instanceof ItpError && e.code === Code.Unauthenticated &&
      e.message === "missing or unknown API key");
});

test("a failed call rejects with ItpError and its ErrorInfo", async () => {
  const itp = connect({ address, apiKey: KEY });
  const error = await itp.plans.getPlan({ name: "countries/BRA/plans/nope" }).then(
    () => assert.fail("getPlan resolved"), (e: unknown) => e);
  assert.ok(error instanceof ItpError, String(error));
  assert.equal(error.code, Code.NotFound);
  assert.equal(error.codeName, "NOT_FOUND");
  assert.equal(error.message, "plan countries/BRA/plans/nope not found");
  assert.equal(error.reason, "PLAN_NOT_FOUND");
  assert.equal(error.domain, "itp.leadit.org");
  assert.deepEqual(error.metadata, { name: "countries/BRA/plans/nope" });
});

test("an error in a response stream is an ItpError", async () => {
  const itp = connect({ address, apiKey: KEY });
  const received: bigint[] = [];
  const error = await (async () => {
    for await (const event of itp.reviews.watchPlanEvents({ parent: "countries/BRA" })) {
      received.push(event.id);
    }
  })().then(() => assert.fail("the stream ended without an error"), (e: unknown) => e);
  assert.deepEqual(received, [7n]);
  assert.ok(error instanceof ItpError, String(error));
  assert.equal(error.codeName, "INVALID_ARGUMENT");
  assert.deepEqual(error.fieldViolations, [{ field: "after_event_id", description: "must not be negative." }]);
});
