#include "server/service/server.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"
#include "grpc/health/v1/health.pb.h"
#include "grpc/support/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "prometheus/exposer.h"
#include "server/app/application.h"
#include "server/common/accept_guard.h"
#include "server/common/file_limit.h"
#include "server/common/log.h"
#include "server/service/admin_service.h"
#include "server/service/benchmark_job_service.h"
#include "server/service/benchmark_service.h"
#include "server/service/plan_service.h"
#include "server/service/investment_service.h"
#include "server/service/progress_service.h"
#include "server/service/reflection_v1.h"
#include "server/service/review_service.h"
#include "server/service/serving_core.h"

namespace itp::service {
namespace {

// At the end of a drain: how long calls keep arriving (and are held) after
// the last admitted one finished, and then how long gRPC's shutdown is given
// to write its GOAWAY frames before the held calls are refused. A client
// must learn that the connection is closing before it learns that its call
// was refused, or it would send its next call into the closing connection.
constexpr absl::Duration kGoawayFlush = absl::Milliseconds(100);
// The metrics listener: threads serving scrapes, and how long one HTTP
// request may take to arrive (a stalled client holds a thread no longer).
constexpr int kMetricsThreads = 2;
constexpr int kMetricsRequestTimeoutMs = 10000;

constexpr const char* kServiceNames[] = {
    "itp.v1.PlanService",      "itp.v1.AdminService",
    "itp.v1.BenchmarkService", "itp.v1.ReviewService",
    "itp.v1.ProgressService",  "itp.v1.BenchmarkJobService"};

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot read ", flag, " file '", path, "'."));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// True for addresses only this machine can reach.
bool IsLoopback(absl::string_view address) {
  absl::string_view host = address.substr(0, address.rfind(':'));
  return host == "localhost" || host == "[::1]" ||
         absl::StartsWith(host, "127.") || absl::StartsWith(address, "unix:");
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerConfig& config) {
  const bool tls =
      !config.tls_cert_file.empty() || !config.tls_key_file.empty();
  if (!tls) {
    if (!config.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs --tls_cert and --tls_key.");
    }
    if (!IsLoopback(config.listen_address) && !config.allow_insecure_remote) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Refusing to serve plaintext on '", config.listen_address,
          "', which is reachable from other machines: give --tls_cert and "
          "--tls_key, or --allow_insecure_remote behind a TLS proxy."));
    }
    return grpc::InsecureServerCredentials();
  }
  if (config.tls_cert_file.empty() || config.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both --tls_cert and --tls_key.");
  }
  auto cert = ReadFile(config.tls_cert_file, "--tls_cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(config.tls_key_file, "--tls_key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!config.tls_client_ca_file.empty()) {
    auto ca = ReadFile(config.tls_client_ca_file, "--tls_client_ca");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::Status ListenError(const std::string& address, absl::string_view flag) {
  return absl::UnavailableError(
      absl::StrCat("Cannot listen on '", address, "'", flag,
                   ": the address is malformed or already in use."));
}

// Drops the builder's plugins: reflection (registered process-wide) stays
// off the health-only listener.
class NoPlugins : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->clear();
  }
};

// The civetweb listening_ports value of --metrics_listen: host:port, or a
// port alone meaning loopback (civetweb would take a bare port as every
// interface). Nothing but an address and a port number, so that no other
// civetweb syntax (an "s" suffix for TLS, a list) slips in.
absl::StatusOr<std::string> MetricsAddress(const std::string& flag) {
  auto bad = [&flag] {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen must be host:port or a port number (e.g. "
        "127.0.0.1:9464 or 9464), not '",
        flag, "'."));
  };
  std::string host = "127.0.0.1";
  std::string port = flag;
  const size_t colon = flag.rfind(':');
  if (colon != std::string::npos) {
    host = flag.substr(0, colon);
    port = flag.substr(colon + 1);
  }
  int number = 0;
  if (host.empty() || port.empty() ||
      !std::all_of(port.begin(), port.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &number) || number > 65535) {
    return bad();
  }
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != ':' && c != '[' &&
        c != ']' && c != '-') {
      return bad();
    }
  }
  return absl::StrCat(host, ":", number);
}

// What reflection lists: the API's services, health and reflection itself
// (both versions), in the order v1alpha lists them.
std::vector<std::string> ReflectedServiceNames() {
  return {itp::v1::PlanService::service_full_name(),
          itp::v1::AdminService::service_full_name(),
          itp::v1::BenchmarkService::service_full_name(),
          itp::v1::ReviewService::service_full_name(),
          itp::v1::ProgressService::service_full_name(),
          itp::v1::InvestmentService::service_full_name(),
          itp::v1::OpenDataService::service_full_name(),
          itp::v1::BenchmarkJobService::service_full_name(),
          grpc::reflection::v1::ServerReflection::service_full_name(),
          "grpc.health.v1.Health",
          "grpc.reflection.v1alpha.ServerReflection"};
}

class ServerImpl : public ItpServer {
 public:
  ServerImpl(std::shared_ptr<Metrics> metrics,
             std::unique_ptr<app::Application> app, const ServerConfig& config)
      : metrics_(std::move(metrics)),
        app_(std::move(app)),
        drain_(config.drain),
        core_(*app_, config.limits, *metrics_),
        plan_service_(*app_, core_),
        admin_service_(*app_, core_),
        benchmark_service_(*app_, core_),
        review_service_(*app_, core_),
        progress_service_(*app_, core_),
        investment_service_(*app_, core_),
        open_data_service_(*app_, core_),
        job_service_(*app_, core_),
        reflection_v1_(ReflectedServiceNames()) {}

  ~ServerImpl() override {
    if (server_ != nullptr) {
      Shutdown(absl::ZeroDuration());
      Wait();
    }
  }

  absl::Status Build(const ServerConfig& config) {
    auto credentials = Credentials(config);
    if (!credentials.ok()) return credentials.status();
    // Referencing the health descriptor links it in, so that reflection can
    // describe grpc.health.v1.Health (libgrpc++ does not register it).
    grpc::health::v1::HealthCheckRequest::descriptor();
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(config.listen_address, *credentials, &port_);
    builder.RegisterService(&plan_service_);
    builder.RegisterService(&admin_service_);
    builder.RegisterService(&benchmark_service_);
    builder.RegisterService(&review_service_);
    builder.RegisterService(&progress_service_);
    builder.RegisterService(&investment_service_);
    builder.RegisterService(&open_data_service_);
    builder.RegisterService(&job_service_);
    builder.RegisterService(&reflection_v1_);
    builder.SetMaxReceiveMessageSize(config.max_message_bytes);
    // gRPC sets SO_REUSEPORT by default: a second server on the same port
    // would start and share the connections. Fail instead.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // Request bodies and other transport buffers of all connections
    // together: under pressure gRPC shrinks flow-control windows, closes
    // idle connections and then cancels streams ("Buffers full") rather
    // than buffering without limit.
    if (config.max_transport_memory_mb > 0) {
      transport_quota_.Resize(
          static_cast<size_t>(config.max_transport_memory_mb) << 20);
      builder.SetResourceQuota(transport_quota_);
    }
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               config.max_streams_per_connection);
    if (config.max_connection_idle > absl::ZeroDuration()) {
      builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                                 static_cast<int>(absl::ToInt64Milliseconds(
                                     config.max_connection_idle)));
    }
    // Before the gRPC server starts, so that a metrics address that cannot
    // be bound fails the start at once (no drain of a server never seen).
    if (!config.metrics_listen_address.empty()) {
      absl::Status metrics = ServeMetrics(config);
      if (!metrics.ok()) return metrics;
    }
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return ListenError(config.listen_address, "");
    }
    if (!config.health_listen_address.empty()) {
      // The default health service and nothing else.
      grpc::ServerBuilder health_builder;
      health_builder.AddListeningPort(config.health_listen_address,
                                      grpc::InsecureServerCredentials(),
                                      &health_port_);
      health_builder.SetOption(std::make_unique<NoPlugins>());
      // Answers every other method UNIMPLEMENTED; it also gives the server
      // the callback queue that the default health service is served on.
      health_builder.RegisterCallbackGenericService(&health_unimplemented_);
      health_builder.SetMaxReceiveMessageSize(4096);
      health_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
      // Anyone may connect, without a key: few streams, short-lived idle
      // connections, little memory.
      health_builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 4);
      health_builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 30000);
      health_quota_.Resize(4 << 20);
      health_builder.SetResourceQuota(health_quota_);
      health_server_ = health_builder.BuildAndStart();
      if (health_server_ == nullptr || health_port_ == 0) {
        server_->Shutdown();
        server_->Wait();
        server_.reset();
        return ListenError(config.health_listen_address, " (--health_listen)");
      }
    }
    SetServing(true);
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  int health_port() const override { return health_port_; }

  int metrics_port() const override { return metrics_port_; }

  void SkipDrain() override {
    if (!drain_cut_.HasBeenNotified()) drain_cut_.Notify();
  }

  void Shutdown(absl::Duration grace) override {
    {
      absl::MutexLock lock(&mu_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    // Balancers stop sending new calls; streams go elsewhere at once.
    SetServing(false);
    core_.CloseStreams();
    if (drain_ > absl::ZeroDuration()) {
      Log(LogLevel::kInfo, absl::StrCat("NOT_SERVING; draining for ",
                                        absl::FormatDuration(drain_),
                                        " (calls are still served)"));
      drain_cut_.WaitForNotificationWithTimeout(drain_);
    }
    // After a drain, calls arriving from now on wait until gRPC has sent
    // its GOAWAY and are then refused with UNAVAILABLE, so that no call is
    // cut off midway. (Without a drain the server stops at once.)
    const absl::Time deadline = absl::Now() + grace;
    const absl::Duration flush =
        drain_ > absl::ZeroDuration() ? kGoawayFlush : absl::ZeroDuration();
    core_.HoldNewCalls(flush, deadline);
    std::thread releaser([this, flush] {
      absl::SleepFor(flush);
      core_.ReleaseHeld();
    });
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(absl::ToInt64Milliseconds(
                          std::max(deadline - absl::Now(), flush))));
    releaser.join();
  }

  void Wait() override {
    absl::MutexLock lock(&wait_mu_);
    if (server_ == nullptr) return;
    server_->Wait();
    // Every call has finished; queued stream reads run out, then the jobs
    // stop (unfinished runs stay RUNNING and resume at the next start).
    core_.Stop();
    app_->StopJobs();
    server_.reset();
    // Probes see NOT_SERVING until the very end.
    if (health_server_ != nullptr) {
      health_server_->Shutdown(std::chrono::system_clock::now());
      health_server_->Wait();
      health_server_.reset();
    }
    FlushLog();
  }

  Load load() const override {
    WorkerPool::Stats pool = core_.pool_stats();
    return {pool.queued, pool.running, core_.open_streams(),
            core_.body_timeouts()};
  }

 private:
  // The serving core's gauges, read when scraped, and the HTTP listener.
  absl::Status ServeMetrics(const ServerConfig& config) {
    auto address = MetricsAddress(config.metrics_listen_address);
    if (!address.ok()) return address.status();
    const ServingLimits limits = config.limits;
    core_gauges_.push_back(metrics_->AddScrapeGauge(
        "itp_worker_queue_depth", "RPCs waiting for a worker.",
        [this] { return One(core_.pool_stats().queued); }));
    core_gauges_.push_back(metrics_->AddScrapeGauge(
        "itp_worker_running", "RPCs and stream reads running on a worker.",
        [this] { return One(core_.pool_stats().running); }));
    core_gauges_.push_back(metrics_->AddScrapeGauge(
        "itp_worker_threads", "Worker threads (--workers).",
        [limits] { return One(limits.workers); }));
    core_gauges_.push_back(metrics_->AddScrapeGauge(
        "itp_worker_queue_capacity",
        "RPCs that may wait for a worker (--max_queued_calls).",
        [limits] { return One(limits.max_queued_calls); }));
    core_gauges_.push_back(metrics_->AddScrapeGauge(
        "itp_server_open_streams",
        "Server streams open (WatchPlanEvents, StreamBenchmarkJobResults).",
        [this] { return One(core_.open_streams()); }));
    core_gauges_.push_back(metrics_->AddScrapeGauge(
        "itp_server_max_streams", "Server streams allowed (--max_streams).",
        [limits] { return One(limits.max_streams); }));
    try {
      // A few threads and a request timeout: a scraper, not the public,
      // is expected here.
      metrics_exposer_ =
          std::make_unique<prometheus::Exposer>(std::vector<std::string>{
              "listening_ports", *address, "num_threads",
              std::to_string(kMetricsThreads), "request_timeout_ms",
              std::to_string(kMetricsRequestTimeoutMs)});
    } catch (const std::exception&) {
      return ListenError(config.metrics_listen_address, " (--metrics_listen)");
    }
    metrics_exposer_->RegisterCollectable(metrics_);
    std::vector<int> ports = metrics_exposer_->GetListeningPorts();
    metrics_port_ = ports.empty() ? 0 : ports.front();
    return absl::OkStatus();
  }

  static std::vector<Metrics::Sample> One(double value) {
    return {Metrics::Sample{{}, value}};
  }

  void SetServing(bool serving) {
    for (grpc::Server* server : {server_.get(), health_server_.get()}) {
      if (server == nullptr) continue;
      auto* health = server->GetHealthCheckService();
      health->SetServingStatus(serving);
      for (const char* name : kServiceNames) {
        health->SetServingStatus(name, serving);
      }
    }
  }

  // Outlives everything that records into it.
  std::shared_ptr<Metrics> metrics_;
  std::unique_ptr<app::Application> app_;
  const absl::Duration drain_;
  ServingCore core_;
  PlanServiceImpl plan_service_;
  AdminServiceImpl admin_service_;
  BenchmarkServiceImpl benchmark_service_;
  ReviewServiceImpl review_service_;
  ProgressServiceImpl progress_service_;
  InvestmentServiceImpl investment_service_;
  OpenDataServiceImpl open_data_service_;
  BenchmarkJobServiceImpl job_service_;
  ReflectionV1Service reflection_v1_;
  grpc::ResourceQuota transport_quota_{"itp-transport"};
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  // The plaintext grpc.health.v1-only listener (--health_listen), if any.
  std::unique_ptr<grpc::Server> health_server_;
  grpc::ResourceQuota health_quota_{"itp-health"};
  grpc::CallbackGenericService health_unimplemented_;
  int health_port_ = 0;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification drain_cut_;
  // Serialises Wait, which ends with server_ reset.
  absl::Mutex wait_mu_;
  // Last, so that scrapes end before what they read goes.
  std::vector<Metrics::GaugeRegistration> core_gauges_;
  std::unique_ptr<prometheus::Exposer> metrics_exposer_;
  int metrics_port_ = 0;
};

}  // namespace

namespace {

// Every connection takes a file descriptor: the soft limit is raised to the
// hard one, and the accept guard keeps `reserved` of them free and the
// listener alive (gRPC 1.51 stops accepting for good once it runs out;
// accept_guard.h).
absl::Status GuardDescriptors(int reserved) {
  absl::StatusOr<uint64_t> file_limit = RaiseFileLimit();
  if (!file_limit.ok()) {
    Log(LogLevel::kWarning,
        "open-file limit not raised: " + file_limit.status().ToString());
    return absl::OkStatus();
  }
  if (*file_limit < 4096) {
    Log(LogLevel::kWarning,
        absl::StrCat("open-file limit is ", *file_limit,
                     "; each connection takes one: raise the hard limit "
                     "(LimitNOFILE= in the systemd unit, ulimit -Hn)"));
  }
  const uint64_t limit = std::min<uint64_t>(*file_limit, 1 << 30);
  if (reserved < 32 || static_cast<uint64_t>(reserved) + 32 > limit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "reserved_file_descriptors (", reserved,
        ") must be at least 32 and leave at least 32 of the open-file limit "
        "of ",
        limit, " for connections."));
  }
  EnableAcceptGuard(static_cast<int>(limit) - reserved);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ItpServer>> ItpServer::Start(
    const ServerConfig& config) {
  const ServingLimits& limits = config.limits;
  if (limits.workers < 1 || limits.max_queued_calls < 1 ||
      limits.max_calls_per_key < 1 || limits.max_streams_per_key < 1 ||
      limits.max_streams < 1) {
    return absl::InvalidArgumentError(
        "workers, max_queued_calls, max_calls_per_key, max_streams_per_key "
        "and max_streams must each be at least 1.");
  }
  if (config.max_message_bytes < 1024) {
    return absl::InvalidArgumentError(
        "max_message_bytes must be at least 1024.");
  }
  if (limits.request_body_timeout < absl::Seconds(1) ||
      limits.request_body_timeout > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        "request_body_timeout_seconds must be between 1 and 3600.");
  }
  if (config.max_streams_per_connection < 1) {
    return absl::InvalidArgumentError(
        "max_streams_per_connection must be at least 1.");
  }
  if (config.max_connection_idle < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "max_connection_idle_seconds must not be negative.");
  }
  if (config.keyless_audit_clients < 1) {
    return absl::InvalidArgumentError(
        "keyless_audit_clients must be at least 1.");
  }
  if (config.drain < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("drain_seconds must not be negative.");
  }
  if (config.max_transport_memory_mb < 0) {
    return absl::InvalidArgumentError(
        "max_transport_memory_mb must be 0 (unbounded) or more.");
  }
  if (config.reserved_file_descriptors < 32) {
    return absl::InvalidArgumentError(
        "reserved_file_descriptors must be at least 32.");
  }
  app::ApplicationOptions options;
  options.db_path = config.db_path;
  options.db_pool_size = config.db_pool_size;
  options.job_workers = config.job_workers;
  options.keyless_audit_clients = config.keyless_audit_clients;
  options.retention = config.retention;
  options.demo = config.demo;
  options.admin_key_file = config.admin_key_file;
  options.now_unix_micros = config.now_unix_micros;
  if (!config.metrics_listen_address.empty()) {
    auto address = MetricsAddress(config.metrics_listen_address);
    if (!address.ok()) return address.status();
  }
  if (config.metrics_refresh < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "metrics_refresh_seconds must not be negative.");
  }
  auto metrics = std::make_shared<Metrics>(config.build);
  options.metrics = metrics.get();
  options.metrics_refresh = config.metrics_refresh;
  auto app = app::Application::Open(options);
  if (!app.ok()) return app.status();
  auto server =
      std::make_unique<ServerImpl>(std::move(metrics), *std::move(app), config);
  absl::Status built = server->Build(config);
  if (!built.ok()) return built;
  return std::unique_ptr<ItpServer>(std::move(server));
}

namespace {

// gRPC core's own lines ("Handshake failed ...", transport errors) through
// the server's logger, so that everything on stderr has one format.
void GrpcLogLine(gpr_log_func_args* args) {
  const LogLevel level = args->severity == GPR_LOG_SEVERITY_ERROR
                             ? LogLevel::kError
                             : LogLevel::kInfo;
  absl::string_view file = args->file != nullptr ? args->file : "";
  const size_t slash = file.rfind('/');
  if (slash != absl::string_view::npos) file.remove_prefix(slash + 1);
  Log(level,
      absl::StrCat("grpc: ", args->message != nullptr ? args->message : "",
                   " (", file, ":", args->line, ")"));
}

}  // namespace

void RouteGrpcLogs() { gpr_set_log_function(GrpcLogLine); }

absl::Status RunServer(const ServerConfig& config,
                       const std::string& port_file) {
  RouteGrpcLogs();
  // Block the shutdown signals in every thread (gRPC's threads inherit the
  // mask) and take them synchronously below: no async signal handler runs.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::Status descriptors = GuardDescriptors(config.reserved_file_descriptors);
  if (!descriptors.ok()) return descriptors;
  auto server = ItpServer::Start(config);
  if (!server.ok()) return server.status();
  std::string host =
      config.listen_address.substr(0, config.listen_address.rfind(':'));
  const bool tls = !config.tls_cert_file.empty();
  Log(LogLevel::kInfo,
      absl::StrCat(
          "itp-server listening on ", host, ":", (*server)->port(),
          tls ? (config.tls_client_ca_file.empty() ? " (TLS)" : " (mutual TLS)")
              : " (plaintext)",
          ", database ", config.db_path,
          (*server)->health_port() == 0
              ? ""
              : absl::StrCat("; health checks (plaintext) on port ",
                             (*server)->health_port()),
          (*server)->metrics_port() == 0
              ? ""
              : absl::StrCat("; metrics (Prometheus, HTTP) on port ",
                             (*server)->metrics_port())));
  // The port file is the readiness signal: whoever reads it (an init script,
  // a test) should find the startup line above already on stderr.
  FlushLog();
  if (!port_file.empty()) {
    std::string tmp = port_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << (*server)->port() << "\n";
    }
    if (std::rename(tmp.c_str(), port_file.c_str()) != 0) {
      return absl::InternalError(
          absl::StrCat("Cannot write the port file ", port_file));
    }
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(LogLevel::kInfo,
      absl::StrCat("received signal ", signal_number,
                   ", shutting down gracefully (signal again to skip the "
                   "drain)"));
  const absl::Time stopping = absl::Now();
  std::thread shutdown([&] {
    (*server)->Shutdown(config.shutdown_grace);
    (*server)->Wait();
    // Wakes the sigwait below, whose signals stay blocked.
    kill(getpid(), SIGTERM);
  });
  // A second signal cuts the drain short; the one sent above ends the wait.
  sigwait(&signals, &signal_number);
  (*server)->SkipDrain();
  shutdown.join();
  Log(LogLevel::kInfo,
      absl::StrCat("itp-server stopped ",
                   absl::FormatDuration(absl::Now() - stopping),
                   " after the signal"));
  FlushLog();
  return absl::OkStatus();
}

}  // namespace itp::service
