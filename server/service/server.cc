#include "server/service/server.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/auth/api_key_secret.h"
#include "server/auth/authenticator.h"
#include "server/benchmark/reference_pathways.h"
#include "server/common/log.h"
#include "server/demo/demo_plans.h"
#include "server/service/admin_service.h"
#include "server/service/benchmark_job_service.h"
#include "server/service/benchmark_service.h"
#include "server/service/call_guard.h"
#include "server/service/logging_interceptor.h"
#include "server/service/plan_service.h"
#include "server/service/review_service.h"
#include "server/storage/sqlite.h"

namespace itp::service {
namespace {

constexpr const char* kServiceNames[] = {
    "itp.v1.PlanService", "itp.v1.AdminService", "itp.v1.BenchmarkService",
    "itp.v1.ReviewService", "itp.v1.BenchmarkJobService"};

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

std::string AdminKeyPath(const ServerConfig& config) {
  if (!config.admin_key_file.empty()) return config.admin_key_file;
  size_t slash = config.db_path.rfind('/');
  return slash == std::string::npos
             ? "itp-admin.key"
             : absl::StrCat(config.db_path.substr(0, slash + 1),
                            "itp-admin.key");
}

// Writes `secret` to `path` readable by the owner only.
absl::Status WriteSecretFile(const std::string& path,
                             const std::string& secret) {
  // O_EXCL: never overwrite a key file, which may belong to another database.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat(
        "The database has no API keys yet, but the admin key file '", path,
        "' already exists (from another database?). Move it away or choose "
        "another path with --admin_key_file."));
  }
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        "Cannot write the admin key file '", path, "': ", strerror(errno)));
  }
  bool ok = fchmod(fd, 0600) == 0;
  std::string line = secret + "\n";
  ok = ok &&
       write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    return absl::UnavailableError(
        absl::StrCat("Cannot write the admin key file '", path, "'."));
  }
  return absl::OkStatus();
}

// On a database without keys, creates the first ADMIN key and writes it to
// the admin key file. The secret is never logged.
absl::Status BootstrapAdminKey(storage::KeyStore& keys,
                               const std::string& path) {
  auto count = keys.CountKeys();
  if (!count.ok()) return count.status();
  if (*count > 0) return absl::OkStatus();
  auto issued = auth::IssueSecret();
  if (!issued.ok()) return issued.status();
  itp::v1::ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", issued->key_id));
  key.set_display_name("Initial administrator (created at first start)");
  key.set_role(itp::v1::ADMIN);
  // Write the file first: a key nobody can read would lock everyone out.
  absl::Status written = WriteSecretFile(path, issued->secret);
  if (!written.ok()) return written;
  storage::WriteContext ctx;
  ctx.method = "itp-server/bootstrap";
  auto created = keys.CreateKey(ctx, key, issued->salt, issued->hash);
  if (!created.ok()) return created.status();
  Log(LogLevel::kInfo, absl::StrCat("created the initial admin key ",
                                    key.name(), "; its secret is in ", path));
  return absl::OkStatus();
}

class ServerImpl : public ItpServer {
 public:
  ServerImpl(storage::SqliteStores stores, std::function<int64_t()> now,
             int job_workers)
      : stores_(std::move(stores)),
        authenticator_(*stores_.keys, now),
        runner_(*stores_.plans, *stores_.benchmarks, *stores_.jobs,
                {job_workers, [this] { events_.Notify(); }, now}),
        guard_{authenticator_, *stores_.audit, events_},
        plan_service_(*stores_.plans, guard_),
        admin_service_(*stores_.keys, *stores_.audit, guard_, now),
        benchmark_service_(*stores_.plans, *stores_.benchmarks, guard_),
        review_service_(*stores_.plans, *stores_.reviews, guard_),
        job_service_(*stores_.plans, *stores_.benchmarks, *stores_.jobs,
                     runner_, guard_) {}

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
    builder.RegisterService(&job_service_);
    builder.SetMaxReceiveMessageSize(config.max_message_bytes);
    grpc::ResourceQuota quota("itp-server");
    quota.SetMaxThreads(config.max_threads);
    builder.SetResourceQuota(quota);
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(NewLoggingInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("Cannot listen on '", config.listen_address,
                       "': the address is malformed or already in use."));
    }
    absl::Status started = runner_.Start();
    if (!started.ok()) return started;
    auto* health = server_->GetHealthCheckService();
    health->SetServingStatus(true);
    for (const char* name : kServiceNames) {
      health->SetServingStatus(name, true);
    }
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Shutdown(absl::Duration grace) override {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
  }

  void Wait() override {
    server_->Wait();
    // Calls are done; unfinished runs stay RUNNING and resume at the next
    // start.
    runner_.Stop();
  }

 private:
  storage::SqliteStores stores_;
  auth::Authenticator authenticator_;
  EventBus events_;
  jobs::JobRunner runner_;
  GuardDeps guard_;
  PlanServiceImpl plan_service_;
  AdminServiceImpl admin_service_;
  BenchmarkServiceImpl benchmark_service_;
  ReviewServiceImpl review_service_;
  BenchmarkJobServiceImpl job_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ItpServer>> ItpServer::Start(
    const ServerConfig& config) {
  if (config.max_threads < 2) {
    return absl::InvalidArgumentError("max_threads must be at least 2.");
  }
  if (config.max_message_bytes < 1024) {
    return absl::InvalidArgumentError(
        "max_message_bytes must be at least 1024.");
  }
  std::function<int64_t()> now = config.now_unix_micros;
  if (!now) now = [] { return absl::ToUnixMicros(absl::Now()); };
  storage::SqliteOptions options;
  options.path = config.db_path;
  options.pool_size = config.db_pool_size;
  options.now_unix_micros = now;
  auto stores = storage::OpenSqliteStores(options);
  if (!stores.ok()) return stores.status();
  absl::Status bootstrapped =
      BootstrapAdminKey(*stores->keys, AdminKeyPath(config));
  if (!bootstrapped.ok()) return bootstrapped;
  absl::Status seeded =
      stores->benchmarks->SeedPathways(benchmark::ReferencePathways());
  if (!seeded.ok()) return seeded;
  if (config.demo) {
    auto seeded = demo::SeedDemoPlans(*stores->plans);
    if (!seeded.ok()) return seeded.status();
    Log(LogLevel::kInfo, absl::StrCat("demo data: ", *seeded,
                                      " plans added (existing plans kept)"));
  }
  auto server =
      std::make_unique<ServerImpl>(*std::move(stores), now, config.job_workers);
  absl::Status built = server->Build(config);
  if (!built.ok()) return built;
  return std::unique_ptr<ItpServer>(std::move(server));
}

absl::Status RunServer(const ServerConfig& config,
                       const std::string& port_file) {
  // Block the shutdown signals in every thread (gRPC's threads inherit the
  // mask) and take them synchronously below: no async signal handler runs.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

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
          ", database ", config.db_path));
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
  Log(LogLevel::kInfo, absl::StrCat("received signal ", signal_number,
                                    ", shutting down gracefully"));
  (*server)->Shutdown(absl::Seconds(10));
  (*server)->Wait();
  Log(LogLevel::kInfo, "itp-server stopped");
  return absl::OkStatus();
}

}  // namespace itp::service
