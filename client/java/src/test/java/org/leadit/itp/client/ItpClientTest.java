package org.leadit.itp.client;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.leadit.itp.v1.GetPlanRequest;
import org.leadit.itp.v1.Plan;
import org.leadit.itp.v1.PlanServiceGrpc;

/**
 * Unit tests of the client library without a test framework: {@code java -cp
 * "$(cat build/classpath):build/itp-client-tests.jar" org.leadit.itp.client.ItpClientTest} exits 0
 * when every check passed and 1 after printing the first that failed.
 */
public final class ItpClientTest {
  private static int checks = 0;

  private ItpClientTest() {}

  private static void check(boolean condition, String what) {
    checks++;
    if (!condition) {
      throw new AssertionError(what);
    }
  }

  private static void checkEqual(Object expected, Object actual, String what) {
    checks++;
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }

  private static com.google.rpc.Status invalidFieldsStatus() {
    return com.google.rpc.Status.newBuilder()
        .setCode(3)
        .setMessage("The request has 2 invalid fields: ...")
        .addDetails(
            Any.pack(
                ErrorInfo.newBuilder()
                    .setReason("INVALID_FIELDS")
                    .setDomain("itp.leadit.org")
                    .putMetadata("plan", "countries/BRA/plans/p")
                    .putMetadata("count", "2")
                    .build()))
        .addDetails(
            Any.pack(
                BadRequest.newBuilder()
                    .addFieldViolations(
                        BadRequest.FieldViolation.newBuilder()
                            .setField("plan.sectors[0].points[2].year")
                            .setDescription("year 2200 is outside 1990-2100."))
                    .addFieldViolations(
                        BadRequest.FieldViolation.newBuilder()
                            .setField("plan.sectors[0].base_year")
                            .setDescription("year 1850 is outside 1990-2100."))
                    .build()))
        .addDetails(
            Any.pack(
                RetryInfo.newBuilder()
                    .setRetryDelay(
                        com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(500000000))
                    .build()))
        .build();
  }

  private static Metadata trailersWith(byte[] details) {
    Metadata trailers = new Metadata();
    trailers.put(ItpException.STATUS_DETAILS_KEY, details);
    return trailers;
  }

  private static void checkInvalidFields(ItpException e, String message) {
    checkEqual(Status.Code.INVALID_ARGUMENT, e.code(), "code");
    checkEqual(3, e.code().value(), "code value");
    checkEqual(message, e.message(), "message");
    checkEqual("INVALID_FIELDS", e.reason(), "reason");
    checkEqual("itp.leadit.org", e.domain(), "domain");
    checkEqual(
        Map.of("count", "2", "plan", "countries/BRA/plans/p"), e.metadata(), "metadata");
    checkEqual(
        List.of(
            new ItpException.FieldViolation(
                "plan.sectors[0].points[2].year", "year 2200 is outside 1990-2100."),
            new ItpException.FieldViolation(
                "plan.sectors[0].base_year", "year 1850 is outside 1990-2100.")),
        e.fieldViolations(),
        "field violations");
    checkEqual(Duration.ofMillis(2500), e.retryDelay().orElse(null), "retry delay");
  }

  /** Every detail of a StatusRuntimeException's trailer arrives in the exception. */
  static void decodesAllDetails() {
    StatusRuntimeException grpcError =
        Status.INVALID_ARGUMENT
            .withDescription("The request has 2 invalid fields: see the details.")
            .asRuntimeException(trailersWith(invalidFieldsStatus().toByteArray()));
    ItpException e = ItpException.from(grpcError);
    checkInvalidFields(e, "The request has 2 invalid fields: see the details.");
    check(e.getCause() == grpcError, "the cause is the gRPC exception");
    checkEqual(
        "INVALID_ARGUMENT: The request has 2 invalid fields: see the details.\n"
            + "  plan.sectors[0].points[2].year: year 2200 is outside 1990-2100.\n"
            + "  plan.sectors[0].base_year: year 1850 is outside 1990-2100.",
        e.getMessage(),
        "getMessage()");
    check(ItpException.from(e) == e, "an ItpException converts to itself");
    // A StatusException (the checked kind) converts the same way.
    checkInvalidFields(
        ItpException.from(
            Status.INVALID_ARGUMENT
                .withDescription("checked")
                .asException(trailersWith(invalidFieldsStatus().toByteArray()))),
        "checked");
    // Without a description, the google.rpc.Status message is used.
    checkInvalidFields(
        ItpException.from(
            Status.INVALID_ARGUMENT.asRuntimeException(
                trailersWith(invalidFieldsStatus().toByteArray()))),
        "The request has 2 invalid fields: ...");
  }

  /** Errors without details, or with details that do not decode, keep code and message. */
  static void toleratesMissingDetails() {
    ItpException none =
        ItpException.from(Status.NOT_FOUND.withDescription("No plan.").asRuntimeException());
    checkEqual(Status.Code.NOT_FOUND, none.code(), "code without trailers");
    checkEqual("No plan.", none.message(), "message without trailers");
    checkEqual("", none.reason(), "reason without trailers");
    checkEqual("", none.domain(), "domain without trailers");
    checkEqual(Map.of(), none.metadata(), "metadata without trailers");
    checkEqual(List.of(), none.fieldViolations(), "violations without trailers");
    check(none.retryDelay().isEmpty(), "no retry delay without trailers");
    checkEqual("NOT_FOUND: No plan.", none.getMessage(), "getMessage() without details");

    ItpException garbage =
        ItpException.from(
            Status.UNAVAILABLE
                .withDescription("down")
                .asRuntimeException(trailersWith(new byte[] {(byte) 0xff, 0x01, 0x02})));
    checkEqual(Status.Code.UNAVAILABLE, garbage.code(), "code with a bad trailer");
    checkEqual("down", garbage.message(), "message with a bad trailer");
    checkEqual("", garbage.reason(), "reason with a bad trailer");
    check(garbage.retryDelay().isEmpty(), "no retry delay with a bad trailer");

    ItpException other = ItpException.from(new IllegalStateException("boom"));
    checkEqual(Status.Code.UNKNOWN, other.code(), "code of a non-gRPC exception");
  }

  /** What the fake PlanService saw of the last call. */
  private static final AtomicReference<String> authorization = new AtomicReference<>();

  private static final AtomicReference<Deadline> deadline = new AtomicReference<>();

  /**
   * A fake PlanService on 127.0.0.1 (TLS with the test certificate when {@code tls}): GetPlan of
   * "ok" answers, of anything else fails with invalidFieldsStatus() in the trailer.
   */
  private static Server startFakeServer(boolean tls) throws Exception {
    PlanServiceGrpc.PlanServiceImplBase service =
        new PlanServiceGrpc.PlanServiceImplBase() {
          @Override
          public void getPlan(GetPlanRequest request, StreamObserver<Plan> responses) {
            deadline.set(Context.current().getDeadline());
            if (request.getName().equals("ok")) {
              responses.onNext(Plan.newBuilder().setName("ok").build());
              responses.onCompleted();
              return;
            }
            responses.onError(
                Status.INVALID_ARGUMENT
                    .withDescription("bad " + request.getName())
                    .asRuntimeException(trailersWith(invalidFieldsStatus().toByteArray())));
          }
        };
    ServerInterceptor headers =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
            authorization.set(metadata.get(ItpClient.ApiKeyInterceptor.AUTHORIZATION));
            return next.startCall(call, metadata);
          }
        };
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(service, headers));
    if (tls) {
      check(OpenSsl.isAvailable(), "netty-tcnative loads: " + OpenSsl.unavailabilityCause());
      try (InputStream cert = resource("test-server.pem");
          InputStream key = resource("test-server.key")) {
        builder.sslContext(
            GrpcSslContexts.configure(SslContextBuilder.forServer(cert, key), SslProvider.OPENSSL)
                .build());
      }
    }
    return builder.build().start();
  }

  private static InputStream resource(String name) {
    return Objects.requireNonNull(
        ItpClientTest.class.getResourceAsStream(name), "test resource " + name);
  }

  private static void stop(Server server) throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /**
   * A real call over Netty to a fake PlanService: the client sends the key read from
   * ITP_API_KEY_FILE and a deadline, and the server's error arrives decoded.
   */
  static void callsCarryKeyAndDeadlineAndDecodeErrors() throws Exception {
    Server server = startFakeServer(false);
    Path keyFile = Files.createTempFile("itp-client-test", ".key");
    try {
      Files.write(keyFile, "  secret-key-1 \n".getBytes(StandardCharsets.US_ASCII));
      Map<String, String> env =
          Map.of(
              "ITP_ADDRESS", "127.0.0.1:" + server.getPort(),
              "ITP_API_KEY_FILE", keyFile.toString());
      try (ItpClient itp = ItpClient.connect(env, Duration.ofSeconds(7))) {
        Plan plan =
            itp.call(() -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("ok").build()));
        checkEqual("ok", plan.getName(), "the call's response");
        checkEqual("Bearer secret-key-1", authorization.get(), "authorization header");
        check(deadline.get() != null, "the call has a deadline");
        long left = deadline.get().timeRemaining(TimeUnit.MILLISECONDS);
        check(left > 0 && left <= 7000, "the deadline is the client's timeout, " + left + " ms");

        ItpException e = null;
        try {
          itp.call(() -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("x").build()));
        } catch (ItpException thrown) {
          e = thrown;
        }
        check(e != null, "a failed call throws ItpException");
        checkInvalidFields(e, "bad x");

        // A deadline the stub sets wins over the client's timeout.
        itp.call(
            () ->
                itp.plans()
                    .withDeadlineAfter(1, TimeUnit.HOURS)
                    .getPlan(GetPlanRequest.newBuilder().setName("ok").build()));
        check(
            deadline.get().timeRemaining(TimeUnit.SECONDS) > 3000,
            "the stub's own deadline is kept");
      }
      // ITP_API_KEY wins over ITP_API_KEY_FILE; http:// and a trailing / are accepted.
      Map<String, String> both =
          Map.of(
              "ITP_ADDRESS", "http://127.0.0.1:" + server.getPort() + "/",
              "ITP_API_KEY", "key-2",
              "ITP_API_KEY_FILE", keyFile.toString());
      try (ItpClient itp = ItpClient.connect(both, Duration.ofSeconds(5))) {
        itp.call(() -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("ok").build()));
        checkEqual("Bearer key-2", authorization.get(), "ITP_API_KEY's header");
      }
    } finally {
      Files.deleteIfExists(keyFile);
      stop(server);
    }
  }

  /**
   * https:// with ITP_TLS_CA: the call goes over TLS (HTTP/2 by ALPN) and verifies the server's
   * certificate; without the CA the handshake fails and the exception says why.
   */
  static void tlsVerifiesTheServerWithTheGivenCa() throws Exception {
    Server server = startFakeServer(true);
    Path ca = Files.createTempFile("itp-client-test-ca", ".pem");
    try (InputStream pem = resource("test-ca.pem")) {
      Files.copy(pem, ca, StandardCopyOption.REPLACE_EXISTING);
      for (String host : new String[] {"localhost", "127.0.0.1"}) {
        Map<String, String> env =
            Map.of(
                "ITP_ADDRESS", "https://" + host + ":" + server.getPort(),
                "ITP_API_KEY", "tls-key",
                "ITP_TLS_CA", ca.toString());
        try (ItpClient itp = ItpClient.connect(env, Duration.ofSeconds(10))) {
          Plan plan =
              itp.call(
                  () -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("ok").build()));
          checkEqual("ok", plan.getName(), "the response over TLS to " + host);
          checkEqual("Bearer tls-key", authorization.get(), "the header over TLS");
          ItpException e = null;
          try {
            itp.call(() -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("y").build()));
          } catch (ItpException thrown) {
            e = thrown;
          }
          check(e != null, "a failed call over TLS throws ItpException");
          checkInvalidFields(e, "bad y");
        }
      }
      // ITP_TLS_CA alone selects TLS too.
      Map<String, String> caOnly =
          Map.of("ITP_ADDRESS", "localhost:" + server.getPort(), "ITP_TLS_CA", ca.toString());
      try (ItpClient itp = ItpClient.connect(caOnly, Duration.ofSeconds(10))) {
        itp.call(() -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("ok").build()));
        checkEqual(null, authorization.get(), "no key, no header");
      }
      // Without the CA, the JVM's CAs do not trust the test certificate.
      Map<String, String> noCa = Map.of("ITP_ADDRESS", "https://localhost:" + server.getPort());
      try (ItpClient itp = ItpClient.connect(noCa, Duration.ofSeconds(10))) {
        ItpException e = null;
        try {
          itp.call(() -> itp.plans().getPlan(GetPlanRequest.newBuilder().setName("ok").build()));
        } catch (ItpException thrown) {
          e = thrown;
        }
        check(e != null, "an untrusted server certificate fails the call");
        checkEqual(Status.Code.UNAVAILABLE, e.code(), "code of an untrusted certificate");
        check(
            e.getMessage().contains("unable to find valid certification path"),
            "the message says why: " + e.getMessage());
      }
      try {
        ItpClient.connect(
            Map.of("ITP_ADDRESS", "https://localhost:1", "ITP_TLS_CA", "/nonexistent.pem"),
            Duration.ofSeconds(1));
        check(false, "a missing CA file is refused");
      } catch (IllegalArgumentException expected) {
        checkEqual(
            "Cannot read the TLS CA file /nonexistent.pem.",
            expected.getMessage(),
            "message for a missing CA file");
      }
    } finally {
      Files.deleteIfExists(ca);
      stop(server);
    }
  }

  public static void main(String[] args) {
    try {
      decodesAllDetails();
      toleratesMissingDetails();
      callsCarryKeyAndDeadlineAndDecodeErrors();
      tlsVerifiesTheServerWithTheGivenCa();
    } catch (Throwable failure) {
      System.out.println("ItpClientTest FAILED after " + checks + " checks: " + failure);
      failure.printStackTrace();
      System.exit(1);
    }
    System.out.println("ItpClientTest: " + checks + " checks passed");
    System.exit(0);
  }
}
