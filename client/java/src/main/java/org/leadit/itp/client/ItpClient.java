package org.leadit.itp.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.leadit.itp.v1.AdminServiceGrpc;
import org.leadit.itp.v1.BenchmarkJobServiceGrpc;
import org.leadit.itp.v1.BenchmarkServiceGrpc;
import org.leadit.itp.v1.PlanServiceGrpc;
import org.leadit.itp.v1.ProgressServiceGrpc;
import org.leadit.itp.v1.ReviewServiceGrpc;

/**
 * One channel to an ITP server and a blocking stub per service. Every call carries the API key
 * ({@code authorization: Bearer <key>}) and, unless the stub sets its own, a deadline of {@link
 * #timeout()}.
 *
 * <pre>{@code
 * try (ItpClient itp = ItpClient.connect()) {   // ITP_ADDRESS, ITP_API_KEY_FILE, ITP_TLS_CA
 *   Plan plan = itp.call(() -> itp.plans().getPlan(
 *       GetPlanRequest.newBuilder().setName("countries/IND/plans/steel-2070").build()));
 * } catch (ItpException e) {
 *   System.err.println(e.code() + " " + e.reason() + " " + e.fieldViolations());
 * }
 * }</pre>
 *
 * <p>The generated stubs throw {@code io.grpc.StatusRuntimeException}; {@link #call} (or {@link
 * ItpException#from}) turns it into an {@link ItpException} with the server's details decoded.
 */
public final class ItpClient implements AutoCloseable {
  public static final String DEFAULT_ADDRESS = "127.0.0.1:50051";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final ManagedChannel channel;
  private final Channel intercepted;
  private final Duration timeout;

  private ItpClient(ManagedChannel channel, String apiKey, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
    }
    this.channel = channel;
    this.timeout = timeout;
    this.intercepted =
        apiKey == null || apiKey.isEmpty()
            ? ClientInterceptors.intercept(channel, new DeadlineInterceptor(timeout))
            : ClientInterceptors.intercept(
                channel, new ApiKeyInterceptor(apiKey), new DeadlineInterceptor(timeout));
  }

  /**
   * A client configured from the environment, as the {@code itp} CLI is: ITP_ADDRESS ({@code
   * host:port}, {@code https://host:port} for TLS; default 127.0.0.1:50051), ITP_API_KEY or
   * ITP_API_KEY_FILE (a file holding the key, whitespace trimmed), ITP_TLS_CA (a PEM file of the
   * CAs to trust; setting it also selects TLS).
   */
  public static ItpClient connect() {
    return connect(System.getenv(), DEFAULT_TIMEOUT);
  }

  /** As {@link #connect()}, with the variables taken from {@code env}. */
  public static ItpClient connect(Map<String, String> env, Duration timeout) {
    String address = nonEmpty(env.get("ITP_ADDRESS"));
    String apiKey = nonEmpty(env.get("ITP_API_KEY"));
    if (apiKey == null) {
      String keyFile = nonEmpty(env.get("ITP_API_KEY_FILE"));
      if (keyFile != null) {
        apiKey = readApiKey(expandHome(keyFile));
      }
    }
    String ca = nonEmpty(env.get("ITP_TLS_CA"));
    return connect(
        address == null ? DEFAULT_ADDRESS : address,
        apiKey,
        ca == null ? null : expandHome(ca),
        timeout);
  }

  /**
   * A client for {@code address} ({@code host:port}; {@code https://host:port} for TLS), sending
   * {@code apiKey} (null: none) on every call. {@code tlsCa} (null: the JVM's trusted CAs) is a
   * PEM file of the CAs to trust and selects TLS.
   */
  public static ItpClient connect(String address, String apiKey, Path tlsCa, Duration timeout) {
    String target = address.trim();
    boolean tls = tlsCa != null;
    if (target.startsWith("https://")) {
      tls = true;
      target = target.substring("https://".length());
    } else if (target.startsWith("http://")) {
      target = target.substring("http://".length());
    }
    while (target.endsWith("/")) {
      target = target.substring(0, target.length() - 1);
    }
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
    if (tls) {
      builder.sslContext(tlsContext(tlsCa));
    } else {
      builder.usePlaintext();
    }
    return new ItpClient(builder.build(), apiKey, timeout);
  }

  /**
   * The client TLS context, trusting {@code tlsCa} (null: the JVM's CAs). HTTP/2 needs ALPN:
   * Debian 12's netty (libnetty-java) has no JDK ALPN negotiator, so there it comes from
   * netty-tcnative (OpenSSL), which client/java/build.sh puts on the classpath; elsewhere the
   * JDK's own ALPN serves when netty-tcnative is absent.
   */
  static SslContext tlsContext(Path tlsCa) {
    if (tlsCa != null && !Files.isReadable(tlsCa)) {
      throw new IllegalArgumentException("Cannot read the TLS CA file " + tlsCa + ".");
    }
    try {
      SslContextBuilder ssl =
          OpenSsl.isAvailable()
              ? GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.OPENSSL)
              : GrpcSslContexts.forClient();
      if (tlsCa != null) {
        ssl.trustManager(tlsCa.toFile());
      }
      return ssl.build();
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException(
          "TLS needs ALPN, which this netty lacks without netty-tcnative (Debian: apt-get install"
              + " libnetty-tcnative-java libnetty-tcnative-jni, and use the classpath"
              + " client/java/build.sh writes): "
              + OpenSsl.unavailabilityCause(),
          e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot use the TLS CA file " + tlsCa + ": " + e, e);
    }
  }

  /** A client on a channel of your own (closed with the client). */
  public static ItpClient of(ManagedChannel channel, String apiKey, Duration timeout) {
    return new ItpClient(channel, apiKey, timeout);
  }

  /** Runs one call of a stub, turning its StatusRuntimeException into an ItpException. */
  public <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw ItpException.from(e);
    }
  }

  /**
   * Starts a server-streaming call (e.g. {@code reviews().watchPlanEvents(request)}); the
   * returned iterator throws ItpException. The call's deadline is {@link #timeout()} unless the
   * stub sets another ({@code withDeadlineAfter}).
   */
  public <T> Iterator<T> stream(Supplier<Iterator<T>> call) {
    Iterator<T> responses = call(call);
    return new Iterator<T>() {
      @Override
      public boolean hasNext() {
        return ItpClient.this.call(responses::hasNext);
      }

      @Override
      public T next() {
        return ItpClient.this.call(responses::next);
      }
    };
  }

  public PlanServiceGrpc.PlanServiceBlockingStub plans() {
    return PlanServiceGrpc.newBlockingStub(intercepted);
  }

  public ReviewServiceGrpc.ReviewServiceBlockingStub reviews() {
    return ReviewServiceGrpc.newBlockingStub(intercepted);
  }

  public ProgressServiceGrpc.ProgressServiceBlockingStub progress() {
    return ProgressServiceGrpc.newBlockingStub(intercepted);
  }

  public BenchmarkServiceGrpc.BenchmarkServiceBlockingStub benchmarks() {
    return BenchmarkServiceGrpc.newBlockingStub(intercepted);
  }

  public BenchmarkJobServiceGrpc.BenchmarkJobServiceBlockingStub jobs() {
    return BenchmarkJobServiceGrpc.newBlockingStub(intercepted);
  }

  public AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(intercepted);
  }

  /** The channel with the key and deadline interceptors, for stubs of your own. */
  public Channel channel() {
    return intercepted;
  }

  /** The deadline of a call whose stub sets none. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Adds {@code authorization: Bearer <key>} to every call. */
  public static final class ApiKeyInterceptor implements ClientInterceptor {
    public static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String value;

    public ApiKeyInterceptor(String apiKey) {
      this.value = "Bearer " + apiKey;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<Q, R>(
          next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(AUTHORIZATION, value);
          super.start(listener, headers);
        }
      };
    }
  }

  /** Gives a call without a deadline one of {@code timeout} from its start. */
  public static final class DeadlineInterceptor implements ClientInterceptor {
    private final long timeoutNanos;

    public DeadlineInterceptor(Duration timeout) {
      this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (options.getDeadline() == null) {
        options = options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
      }
      return next.newCall(method, options);
    }
  }

  private static String nonEmpty(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static Path expandHome(String path) {
    String home = System.getProperty("user.home");
    if (path.startsWith("~/") && home != null) {
      return Paths.get(home, path.substring(2));
    }
    return Paths.get(path);
  }

  private static String readApiKey(Path file) {
    String key;
    try {
      key = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the API key file " + file + ": " + e, e);
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("The API key file " + file + " is empty.");
    }
    return key;
  }
}
