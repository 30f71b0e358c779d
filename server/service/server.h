// Assembles and runs itp-server: the application layer (storage, API keys,
// jobs) behind the serving core, TLS, health checking, reflection and
// graceful shutdown: NOT_SERVING first, then a drain period in which calls
// are still served while open streams end at once, then gRPC's shutdown with
// a deadline.
// main() only turns flags into a ServerConfig and calls RunServer; tests call
// ItpServer::Start on port 0 and read the bound port.
//
//   ServerConfig config;
//   config.listen_address = "127.0.0.1:0";
//   config.db_path = "/tmp/itp.db";
//   auto server = ItpServer::Start(config);
//   int port = (*server)->port();
#ifndef ITP_SERVER_SERVICE_SERVER_H_
#define ITP_SERVER_SERVICE_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/app/retention.h"
#include "server/common/metrics.h"
#include "server/service/serving_core.h"

namespace itp::service {

struct ServerConfig {
  // host:port; port 0 picks a free port. Loopback by default.
  std::string listen_address = "127.0.0.1:50051";
  // SQLite database file, created when missing.
  std::string db_path = "itp.db";
  // Workers, queue and per-key bounds of the serving core.
  ServingLimits limits;
  // Database connections shared by the workers and the job runner.
  int db_pool_size = 8;
  // Threads running benchmark jobs in the background (not serving calls).
  int job_workers = 1;
  // Clients without a valid key told apart in the audit trail per minute.
  int keyless_audit_clients = 1000;
  // Retention of request ids, audit rows that record no change and
  // superseded benchmark reports; checked by Application::Open.
  app::RetentionOptions retention;
  // Largest request accepted, in bytes.
  int max_message_bytes = 4 * 1024 * 1024;
  // Memory for request bodies and other transport buffers, all connections
  // together, in MiB (--max_transport_memory_mb); 0: unbounded.
  int max_transport_memory_mb = 128;
  // Descriptors below the open-file limit that connections never take
  // (--reserved_file_descriptors); applied by RunServer, process-wide.
  int reserved_file_descriptors = 256;
  // Streams (calls) one HTTP/2 connection may have open at once; a client
  // opening more waits for one to end.
  int max_streams_per_connection = 100;
  // A connection with no call for this long is closed (GOAWAY); the client
  // reconnects when it calls again. Zero: never.
  absl::Duration max_connection_idle = absl::Minutes(5);
  // host:port of a second, plaintext listener that serves grpc.health.v1
  // only (the same statuses as the main one), for probes that cannot speak
  // TLS, such as the kubelet's native gRPC probes. Empty: none.
  std::string health_listen_address;
  // host:port (or a port alone, meaning 127.0.0.1) of an HTTP listener
  // serving Prometheus metrics at /metrics. Empty: none.
  std::string metrics_listen_address;
  // How long a reading of the gauges that count stored rows (plans by state
  // and country, job runs by state) is reused.
  absl::Duration metrics_refresh = absl::Seconds(15);
  // What itp_build_info says (main() fills it in).
  BuildInfo build;
  // Seeds realistic demonstration plans (skipping those already present).
  bool demo = false;
  // Where the first start of an empty database writes the initial ADMIN key
  // (mode 0600). Empty: itp-admin.key beside the database file.
  std::string admin_key_file;
  // PEM files for TLS; both or neither. With `tls_client_ca_file` as well,
  // clients must present a certificate signed by that CA (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Without TLS the server refuses to listen beyond loopback unless this is
  // set (e.g. behind a TLS-terminating proxy on the same host or pod).
  bool allow_insecure_remote = false;
  // After SIGTERM: how long health says NOT_SERVING while calls are still
  // served, so that load balancers move away first.
  absl::Duration drain = absl::Seconds(5);
  // Then how long calls in flight may take before they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // The clock of the store, for tests; absl::Now when empty.
  std::function<int64_t()> now_unix_micros;
};

class ItpServer {
 public:
  virtual ~ItpServer() = default;

  // Opens the store, creates the initial admin key on an empty database,
  // seeds demo plans when asked, and starts serving. INVALID_ARGUMENT for a
  // bad config (including plaintext on a non-loopback address), UNAVAILABLE
  // when the address cannot be bound, or the store's error.
  static absl::StatusOr<std::unique_ptr<ItpServer>> Start(
      const ServerConfig& config);

  // The port actually bound.
  virtual int port() const = 0;

  // The port of the health listener; 0 without one.
  virtual int health_port() const = 0;

  // The port of the metrics listener; 0 without one.
  virtual int metrics_port() const = 0;

  // Marks the services NOT_SERVING, ends open streams with UNAVAILABLE,
  // serves unary calls for the drain period, then stops accepting calls and
  // waits up to `grace` for calls in flight before cancelling them.
  // Idempotent.
  virtual void Shutdown(absl::Duration grace) = 0;

  // Ends a drain period in progress (or the next one) at once. Thread-safe.
  virtual void SkipDrain() = 0;

  // Blocks until the server has shut down and its workers and job runner
  // have stopped.
  virtual void Wait() = 0;

  // What the serving core holds now.
  struct Load {
    int queued_calls = 0;
    int running_calls = 0;
    int open_streams = 0;
    // Calls ended so far because their request body did not arrive within
    // request_body_timeout.
    int64_t body_timeouts = 0;
  };
  virtual Load load() const = 0;
};

// Sends gRPC core's log lines through the server's logger (server/common/
// log.h), in its format. RunServer calls it; process-wide.
void RouteGrpcLogs();

// Starts the server and serves until SIGINT or SIGTERM, then shuts down
// gracefully; a second signal skips what is left of the drain period. Writes
// the bound port to `port_file` when it is not empty.
absl::Status RunServer(const ServerConfig& config,
                       const std::string& port_file);

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_SERVER_H_
