// @leadit/itp-client: a TypeScript client for the ITP (Industry Transition
// Plan) gRPC API, on @connectrpc/connect-node's gRPC transport (HTTP/2).
//
//   import { create } from "@bufbuild/protobuf";
//   import { connect, GetPlanRequestSchema, ItpError } from "@leadit/itp-client";
//
//   const itp = connect();  // ITP_ADDRESS, ITP_API_KEY_FILE, ITP_TLS_CA
//   try {
//     const plan = await itp.plans.getPlan({ name: "countries/IND/plans/steel-2070" });
//   } catch (e) {
//     if (e instanceof ItpError) console.log(e.codeName, e.reason, e.fieldViolations);
//   }
//
// The generated messages, enums and service descriptors of itp.v1 are
// exported from here too (PlanSchema, Plan, Plan_State, PlanService, ...).
import { readFileSync } from "node:fs";
import { homedir } from "node:os";

import type { DescService } from "@bufbuild/protobuf";
import {
  createClient,
  type Client,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

import { Health } from "./gen/grpc/health/v1/health_pb.js";
import { AdminService } from "./gen/itp/v1/admin_service_pb.js";
import { BenchmarkJobService } from "./gen/itp/v1/benchmark_job_service_pb.js";
import { BenchmarkService } from "./gen/itp/v1/benchmark_service_pb.js";
import { PlanService } from "./gen/itp/v1/plan_service_pb.js";
import { ProgressService } from "./gen/itp/v1/progress_service_pb.js";
import { ReviewService } from "./gen/itp/v1/review_service_pb.js";
import { ItpError } from "./errors.js";

export { codeName, ItpError, type FieldViolation } from "./errors.js";
export { Code } from "@connectrpc/connect";
export * from "./gen/itp/v1/admin_service_pb.js";
export * from "./gen/itp/v1/benchmark_job_pb.js";
export * from "./gen/itp/v1/benchmark_job_service_pb.js";
export * from "./gen/itp/v1/benchmark_pb.js";
export * from "./gen/itp/v1/benchmark_service_pb.js";
export * from "./gen/itp/v1/plan_pb.js";
export * from "./gen/itp/v1/plan_service_pb.js";
export * from "./gen/itp/v1/progress_pb.js";
export * from "./gen/itp/v1/progress_service_pb.js";
export * from "./gen/itp/v1/review_pb.js";
export * from "./gen/itp/v1/review_service_pb.js";

export const DEFAULT_ADDRESS = "127.0.0.1:50051";
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Clients of every ITP service, on one transport (one HTTP/2 connection). */
export interface ItpClient {
  readonly plans: Client<typeof PlanService>;
  readonly reviews: Client<typeof ReviewService>;
  readonly progress: Client<typeof ProgressService>;
  readonly benchmarks: Client<typeof BenchmarkService>;
  readonly jobs: Client<typeof BenchmarkJobService>;
  readonly admin: Client<typeof AdminService>;
  readonly health: Client<typeof Health>;
  readonly transport: Transport;
}

export interface ConnectOptions {
  /** host:port, or https://host:port for TLS (default ITP_ADDRESS, then 127.0.0.1:50051). */
  address?: string;
  /** The API key (default ITP_API_KEY). */
  apiKey?: string;
  /** A file whose first line is the API key (default ITP_API_KEY_FILE). */
  apiKeyFile?: string;
  /** A PEM file of the CA to trust; implies TLS (default ITP_TLS_CA). */
  tlsCa?: string;
  /** Deadline of each call (default 30 s). */
  timeoutMs?: number;
}

/** Sends `authorization: Bearer <apiKey>` with every call. */
export function apiKeyInterceptor(apiKey: string): Interceptor {
  return (next) => (request) => {
    request.header.set("authorization", `Bearer ${apiKey}`);
    return next(request);
  };
}

/**
 * `client` with every method's errors turned into ItpError: unary and
 * client-streaming calls reject with it, server- and bidi-streaming calls
 * throw it from their response iterator. (An interceptor cannot do this:
 * connect turns whatever an interceptor throws back into a ConnectError.)
 */
export function withItpErrors<S extends DescService>(service: S, client: Client<S>): Client<S> {
  const wrapped: Record<string, unknown> = {};
  const methods = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of service.methods) {
    const call = methods[method.localName];
    if (method.methodKind === "unary" || method.methodKind === "client_streaming") {
      wrapped[method.localName] = async (...args: unknown[]) => {
        try {
          return await call(...args);
        } catch (e) {
          throw ItpError.from(e);
        }
      };
    } else {
      wrapped[method.localName] = (...args: unknown[]) =>
        itpErrors(call(...args) as AsyncIterable<unknown>);
    }
  }
  return wrapped as Client<S>;
}

async function* itpErrors<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (e) {
    throw ItpError.from(e);
  }
}

/** The clients of every service on `transport`; their calls fail with ItpError. */
export function createItpClient(transport: Transport): ItpClient {
  const client = <S extends DescService>(service: S) =>
    withItpErrors(service, createClient(service, transport));
  return {
    plans: client(PlanService),
    reviews: client(ReviewService),
    progress: client(ProgressService),
    benchmarks: client(BenchmarkService),
    jobs: client(BenchmarkJobService),
    admin: client(AdminService),
    health: client(Health),
    transport,
  };
}

/** The key from apiKey, ITP_API_KEY, or the first line of the key file. */
function resolveApiKey(options: ConnectOptions): string | undefined {
  const env = process.env;
  const key = options.apiKey ?? (env.ITP_API_KEY || undefined);
  if (key !== undefined) return key.trim();
  const file = options.apiKeyFile ?? (env.ITP_API_KEY_FILE || undefined);
  if (file === undefined) return undefined;
  const path = file.startsWith("~/") ? homedir() + file.slice(1) : file;
  return readFileSync(path, "ascii").split("\n")[0].trim();
}

/**
 * An ItpClient for the server at options.address (host:port; https://host:port
 * for TLS), sending the API key on every call. Unset options come from
 * ITP_ADDRESS, ITP_API_KEY, ITP_API_KEY_FILE and ITP_TLS_CA, as for the `itp`
 * CLI. Calls reject with ItpError.
 */
export function connect(options: ConnectOptions = {}): ItpClient {
  const env = process.env;
  const address = options.address ?? (env.ITP_ADDRESS || DEFAULT_ADDRESS);
  const tlsCa = options.tlsCa ?? (env.ITP_TLS_CA || undefined);
  const match = /^(https?):\/\/(.*)$/.exec(address);
  const hostPort = match ? match[2] : address;
  const tls = match?.[1] === "https" || tlsCa !== undefined;
  const apiKey = resolveApiKey(options);
  const interceptors = apiKey ? [apiKeyInterceptor(apiKey)] : [];
  const transport = createGrpcTransport({
    baseUrl: `${tls ? "https" : "http"}://${hostPort}`,
    interceptors,
    defaultTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    nodeOptions: tlsCa ? { ca: readFileSync(tlsCa) } : {},
  });
  return createItpClient(transport);
}
