package org.leadit.itp.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A failed ITP call, with the details the server sent in the {@code grpc-status-details-bin}
 * trailer (a {@code google.rpc.Status}): the {@code ErrorInfo} reason, domain and metadata, the
 * {@code BadRequest} field violations and the {@code RetryInfo} delay.
 *
 * <pre>{@code
 * try {
 *   itp.call(() -> itp.plans().getPlan(request));
 * } catch (ItpException e) {
 *   e.code();             // io.grpc.Status.Code, e.g. NOT_FOUND
 *   e.reason();           // e.g. "PLAN_NOT_FOUND", "" without an ErrorInfo
 *   e.fieldViolations();  // for INVALID_ARGUMENT
 *   e.retryDelay();       // Optional<Duration>, for UNAVAILABLE and RESOURCE_EXHAUSTED
 * }
 * }</pre>
 */
public final class ItpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The trailer holding the serialized google.rpc.Status. */
  public static final Metadata.Key<byte[]> STATUS_DETAILS_KEY =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /** One invalid field of a rejected request. */
  public static final class FieldViolation {
    private final String field;
    private final String description;

    public FieldViolation(String field, String description) {
      this.field = Objects.requireNonNull(field);
      this.description = Objects.requireNonNull(description);
    }

    /** The field's path, e.g. {@code plan.sectors[0].points[2].year}. */
    public String field() {
      return field;
    }

    /** Why its value is wrong, as a sentence. */
    public String description() {
      return description;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof FieldViolation
          && field.equals(((FieldViolation) other).field)
          && description.equals(((FieldViolation) other).description);
    }

    @Override
    public int hashCode() {
      return Objects.hash(field, description);
    }

    @Override
    public String toString() {
      return field + ": " + description;
    }
  }

  private final Status.Code code;
  private final String statusMessage;
  private final String reason;
  private final String domain;
  private final Map<String, String> metadata;
  private final List<FieldViolation> fieldViolations;
  private final Duration retryDelay;

  public ItpException(
      Status.Code code,
      String message,
      String reason,
      String domain,
      Map<String, String> metadata,
      List<FieldViolation> fieldViolations,
      Duration retryDelay,
      Throwable cause) {
    super(describe(code, message, fieldViolations, cause), cause);
    this.code = Objects.requireNonNull(code);
    this.statusMessage = message == null ? "" : message;
    this.reason = reason == null ? "" : reason;
    this.domain = domain == null ? "" : domain;
    this.metadata =
        Collections.unmodifiableMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
    this.fieldViolations =
        List.copyOf(fieldViolations == null ? List.<FieldViolation>of() : fieldViolations);
    this.retryDelay = retryDelay;
  }

  /**
   * The ItpException for what a call threw: a {@code StatusRuntimeException} or {@code
   * StatusException} with its trailers decoded; any other throwable becomes UNKNOWN (an
   * ItpException is returned as it is).
   */
  public static ItpException from(Throwable error) {
    if (error instanceof ItpException) {
      return (ItpException) error;
    }
    Status status = Status.fromThrowable(error);
    return from(status, Status.trailersFromThrowable(error), error);
  }

  /** The ItpException for a call's status and trailers (null when there were none). */
  public static ItpException from(Status status, Metadata trailers, Throwable cause) {
    String message = status.getDescription();
    String reason = "";
    String domain = "";
    Map<String, String> metadata = Map.of();
    List<FieldViolation> violations = new ArrayList<>();
    Duration retryDelay = null;
    byte[] details = trailers == null ? null : trailers.get(STATUS_DETAILS_KEY);
    if (details != null) {
      try {
        com.google.rpc.Status rpcStatus = com.google.rpc.Status.parseFrom(details);
        if ((message == null || message.isEmpty()) && !rpcStatus.getMessage().isEmpty()) {
          message = rpcStatus.getMessage();
        }
        for (Any detail : rpcStatus.getDetailsList()) {
          if (detail.is(ErrorInfo.class)) {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            reason = info.getReason();
            domain = info.getDomain();
            metadata = info.getMetadataMap();
          } else if (detail.is(BadRequest.class)) {
            for (BadRequest.FieldViolation v :
                detail.unpack(BadRequest.class).getFieldViolationsList()) {
              violations.add(new FieldViolation(v.getField(), v.getDescription()));
            }
          } else if (detail.is(RetryInfo.class)) {
            com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
            retryDelay = Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
          }
        }
      } catch (InvalidProtocolBufferException e) {
        // Undecodable details: keep the code and message, which gRPC itself carries.
      }
    }
    return new ItpException(
        status.getCode(), message, reason, domain, metadata, violations, retryDelay, cause);
  }

  /** The canonical status code, e.g. {@code INVALID_ARGUMENT}; {@code code().value()} is 3. */
  public Status.Code code() {
    return code;
  }

  /** The status message the server sent ("" when none). */
  public String message() {
    return statusMessage;
  }

  /** The google.rpc.ErrorInfo reason, e.g. {@code INVALID_FIELDS}; "" without an ErrorInfo. */
  public String reason() {
    return reason;
  }

  /** The google.rpc.ErrorInfo domain, {@code itp.leadit.org}; "" without an ErrorInfo. */
  public String domain() {
    return domain;
  }

  /** The google.rpc.ErrorInfo metadata, sorted by key; empty without an ErrorInfo. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The google.rpc.BadRequest field violations, in the server's order; empty without one. */
  public List<FieldViolation> fieldViolations() {
    return fieldViolations;
  }

  /** The google.rpc.RetryInfo delay: wait at least this long before retrying. */
  public Optional<Duration> retryDelay() {
    return Optional.ofNullable(retryDelay);
  }

  private static String describe(
      Status.Code code, String message, List<FieldViolation> violations, Throwable cause) {
    StringBuilder text = new StringBuilder(code.name());
    if (message != null && !message.isEmpty()) {
      text.append(": ").append(message);
    }
    // A failure on the client's side (no connection, TLS handshake) says why in its cause.
    Throwable why = cause == null ? null : Status.fromThrowable(cause).getCause();
    if (why != null) {
      while (why.getCause() != null && why.getCause() != why) {
        why = why.getCause();
      }
      text.append(" (").append(why).append(")");
    }
    if (violations != null) {
      for (FieldViolation v : violations) {
        text.append("\n  ").append(v);
      }
    }
    return text.toString();
  }
}
