// ItpError: a failed ITP call with the google.rpc details the server sent in
// the `grpc-status-details-bin` trailer (connect-node decodes the trailer
// into ConnectError.details; findDetails() unpacks them with the generated
// google.rpc schemas).
import { Code, ConnectError } from "@connectrpc/connect";

import {
  BadRequestSchema,
  ErrorInfoSchema,
  RetryInfoSchema,
} from "./gen/google/rpc/error_details_pb.js";

/** One invalid field of a rejected request (google.rpc.BadRequest). */
export interface FieldViolation {
  /** The field's path, e.g. `plan.sectors[0].base_year`. */
  readonly field: string;
  /** Why it is invalid. */
  readonly description: string;
}

/** The canonical gRPC code names, indexed by code (0-16). */
const CODE_NAMES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
  "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
  "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
] as const;

/** `INVALID_ARGUMENT` for Code.InvalidArgument (3), and so on. */
export function codeName(code: Code): string {
  return CODE_NAMES[code] ?? `CODE_${code}`;
}

/**
 * A failed ITP call. Every call of a client made by connect() or
 * createItpClient() rejects with an ItpError.
 *
 * - code: the gRPC status code (Code from @connectrpc/connect; a number, 3
 *   for INVALID_ARGUMENT), codeName its canonical name;
 * - message: the status message as the server sent it;
 * - reason, domain, metadata: of the google.rpc.ErrorInfo ("", "", {}
 *   without one);
 * - fieldViolations: of the google.rpc.BadRequest ([] without one);
 * - retryDelayMs: of the google.rpc.RetryInfo, in milliseconds (undefined
 *   without one);
 * - cause: the ConnectError it was made from.
 */
export class ItpError extends Error {
  readonly code: Code;
  readonly reason: string;
  readonly domain: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly fieldViolations: readonly FieldViolation[];
  readonly retryDelayMs: number | undefined;
  override readonly cause: ConnectError;

  constructor(error: ConnectError) {
    super(error.rawMessage);
    this.name = "ItpError";
    this.code = error.code;
    this.cause = error;
    const info = error.findDetails(ErrorInfoSchema)[0];
    this.reason = info?.reason ?? "";
    this.domain = info?.domain ?? "";
    this.metadata = { ...(info?.metadata ?? {}) };
    this.fieldViolations = error
      .findDetails(BadRequestSchema)
      .flatMap((bad) => bad.fieldViolations)
      .map(({ field, description }) => ({ field, description }));
    const retry = error.findDetails(RetryInfoSchema)[0]?.retryDelay;
    this.retryDelayMs = retry === undefined
      ? undefined
      : Number(retry.seconds) * 1000 + retry.nanos / 1e6;
  }

  /** The canonical name of code, e.g. `INVALID_ARGUMENT`. */
  get codeName(): string {
    return codeName(this.code);
  }

  /**
   * The ItpError for anything a call threw: an ItpError as it is, a
   * ConnectError with its details, anything else as an UNKNOWN (or, for an
   * AbortError, CANCELED) ItpError (ConnectError.from).
   */
  static from(reason: unknown): ItpError {
    if (reason instanceof ItpError) return reason;
    return new ItpError(ConnectError.from(reason));
  }

  /** `INVALID_ARGUMENT: <message>` and a line per field violation. */
  override toString(): string {
    return [
      `${this.codeName}: ${this.message}`,
      ...this.fieldViolations.map((v) => `  ${v.field}: ${v.description}`),
    ].join("\n");
  }
}
