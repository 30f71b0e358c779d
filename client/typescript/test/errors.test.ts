// ItpError from a ConnectError: the google.rpc details the ITP server sends
// (ErrorInfo, BadRequest, RetryInfo), both as a ConnectError built in
// process and as connect's gRPC protocol decodes them from the
// grpc-status / grpc-message / grpc-status-details-bin trailers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";

import {
  BadRequestSchema,
  ErrorInfoSchema,
  RetryInfoSchema,
} from "../src/gen/google/rpc/error_details_pb.js";
import { StatusSchema } from "../src/gen/google/rpc/status_pb.js";
import { codeName, ItpError } from "../src/index.js";

const MESSAGE = "The request has 2 invalid fields: plan.sectors[0].base_year, " +
  "plan.sectors[0].points[2].year";
const VIOLATIONS = [
  { field: "plan.sectors[0].points[2].year", description: "year 2200 is outside 1990-2100." },
  { field: "plan.sectors[0].base_year", description: "year 1850 is outside 1990-2100." },
];

test("ItpError carries code, message, ErrorInfo, BadRequest and RetryInfo", () => {
  const connectError = new ConnectError(MESSAGE, Code.InvalidArgument, undefined, [
    { desc: ErrorInfoSchema, value: { reason: "INVALID_FIELDS", domain: "itp.leadit.org", metadata: { count: "2" } } },
    { desc: BadRequestSchema, value: { fieldViolations: VIOLATIONS } },
    { desc: RetryInfoSchema, value: { retryDelay: { seconds: 2n, nanos: 500_000_000 } } },
  ]);
  const error = ItpError.from(connectError);
  assert.ok(error instanceof ItpError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "ItpError");
  assert.equal(error.code, 3);
  assert.equal(error.codeName, "INVALID_ARGUMENT");
  assert.equal(error.message, MESSAGE);
  assert.equal(error.reason, "INVALID_FIELDS");
  assert.equal(error.domain, "itp.leadit.org");
  assert.deepEqual(error.metadata, { count: "2" });
  assert.deepEqual(error.fieldViolations, VIOLATIONS);
  assert.equal(error.retryDelayMs, 2500);
  assert.equal(error.cause, connectError);
  assert.equal(error.toString(), [
    `INVALID_ARGUMENT: ${MESSAGE}`,
    "  plan.sectors[0].points[2].year: year 2200 is outside 1990-2100.",
    "  plan.sectors[0].base_year: year 1850 is outside 1990-2100.",
  ].join("\n"));
  assert.equal(ItpError.from(error), error);
});

test("ItpError decodes the grpc-status-details-bin trailer", () => {
  const status = create(StatusSchema, {
    code: Code.Unavailable,
    message: "the database is busy",
    details: [
      anyPack(RetryInfoSchema, create(RetryInfoSchema, { retryDelay: { seconds: 1n, nanos: 250_000_000 } })),
      anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: "BUSY", domain: "itp.leadit.org" })),
    ],
  });
  const trailer = new Headers({
    "grpc-status": "14",
    "grpc-message": encodeURIComponent(status.message),
    "grpc-status-details-bin": Buffer.from(toBinary(StatusSchema, status)).toString("base64").replace(/=+$/, ""),
  });
  const connectError = findTrailerError(trailer);
  assert.ok(connectError instanceof ConnectError);
  const error = ItpError.from(connectError);
  assert.equal(error.code, Code.Unavailable);
  assert.equal(error.codeName, "UNAVAILABLE");
  assert.equal(error.message, "the database is busy");
  assert.equal(error.reason, "BUSY");
  assert.equal(error.domain, "itp.leadit.org");
  assert.deepEqual(error.metadata, {});
  assert.deepEqual(error.fieldViolations, []);
  assert.equal(error.retryDelayMs, 1250);
});

test("an error without details has empty fields", () => {
  const error = ItpError.from(new ConnectError("no plan countries/BRA/plans/x", Code.NotFound));
  assert.equal(error.code, Code.NotFound);
  assert.equal(error.codeName, "NOT_FOUND");
  assert.equal(error.message, "no plan countries/BRA/plans/x");
  assert.equal(error.reason, "");
  assert.equal(error.domain, "");
  assert.deepEqual(error.fieldViolations, []);
  assert.equal(error.retryDelayMs, undefined);
});

test("anything else becomes an UNKNOWN ItpError", () => {
  const error = ItpError.from(new TypeError("socket hang up"));
  assert.equal(error.code, Code.Unknown);
  assert.equal(error.codeName, "UNKNOWN");
  assert.equal(error.message, "socket hang up");
});

test("codeName names every canonical code", () => {
  assert.equal(codeName(Code.Canceled), "CANCELLED");
  assert.equal(codeName(Code.FailedPrecondition), "FAILED_PRECONDITION");
  assert.equal(codeName(Code.Unauthenticated), "UNAUTHENTICATED");
  assert.equal(codeName(99 as Code), "CODE_99");
});
