#include "server/service/server.h"

#include <pthread.h>
#include <signal.h>

#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/auth/authorizer.h"
#include "server/common/log.h"
#include "server/demo/demo_plans.h"
#include "server/service/logging_interceptor.h"
#include "server/service/plan_service.h"
#include "server/storage/plan_store.h"

namespace itp::service {
namespace {

constexpr char kPlanServiceName[] = "itp.v1.PlanService";

class ServerImpl : public ItpServer {
 public:
  ServerImpl(std::unique_ptr<storage::PlanStore> store,
             std::unique_ptr<auth::Authorizer> authorizer)
      : store_(std::move(store)),
        authorizer_(std::move(authorizer)),
        plan_service_(*store_, *authorizer_) {}

  absl::Status Build(const ServerConfig& config) {
    // Referencing the health descriptor links it in, so that reflection can
    // describe grpc.health.v1.Health (libgrpc++ does not register it).
    grpc::health::v1::HealthCheckRequest::descriptor();
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(config.listen_address,
                             grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&plan_service_);
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
    auto* health = server_->GetHealthCheckService();
    health->SetServingStatus(true);
    health->SetServingStatus(kPlanServiceName, true);
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Shutdown(absl::Duration grace) override {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
  }

  void Wait() override { server_->Wait(); }

 private:
  std::unique_ptr<storage::PlanStore> store_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  PlanServiceImpl plan_service_;
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
  storage::SqliteOptions options;
  options.path = config.db_path;
  options.pool_size = config.db_pool_size;
  options.now_unix_micros = config.now_unix_micros;
  auto store = storage::OpenSqlitePlanStore(options);
  if (!store.ok()) return store.status();
  if (config.demo) {
    auto seeded = demo::SeedDemoPlans(**store);
    if (!seeded.ok()) return seeded.status();
    Log(LogLevel::kInfo, absl::StrCat("demo data: ", *seeded,
                                      " plans added (existing plans kept)"));
  }
  auto server = std::make_unique<ServerImpl>(*std::move(store),
                                             auth::NewAllowAllAuthorizer());
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
  std::string host = config.listen_address.substr(
      0, config.listen_address.rfind(':'));
  Log(LogLevel::kInfo,
      absl::StrCat("itp-server listening on ", host, ":", (*server)->port(),
                   " (database ", config.db_path, ")"));
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
