// `itp health`: grpc.health.v1.Health/Check against the server, for
// operators, scripts and container health checks. No API key is needed.

#include <memory>
#include <string>

#include "client/commands.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace itp::client {
namespace {

struct HealthOptions {
  std::string service;
};

int CheckHealth(Session& session, const HealthOptions& options) {
  auto stub = grpc::health::v1::Health::NewStub(session.connection().channel());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(options.service);
  grpc::health::v1::HealthCheckResponse response;
  auto context = session.connection().NewCallContext();
  grpc::Status status = stub->Check(context.get(), request, &response);
  if (!status.ok()) return session.Fail(status);
  const std::string state =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
          response.status());
  const std::string& address = session.connection().options().address;
  const std::string what =
      options.service.empty() ? "the server" : options.service;
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(response);
  } else if (session.format() == OutputFormat::kCsv) {
    Table table(
        {{"ADDRESS", "address"}, {"SERVICE", "service"}, {"STATUS", "status"}});
    table.AddRow({address, options.service, state});
    table.PrintCsv(session.out());
  } else {
    session.out() << address << ": " << what << " is " << state << "\n";
  }
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? kExitOk
             : kExitUnavailable;
}

}  // namespace

void AddHealthCommands(Cli& cli) {
  auto options = std::make_shared<HealthOptions>();
  CLI::App* command = cli.AddCommand(
      cli.root(), "health",
      "Ask the server whether it is serving (grpc.health.v1); exit 0 when "
      "SERVING, 7 when NOT_SERVING (draining) or unreachable",
      "  itp health\n"
      "  itp health --service itp.v1.PlanService -o json\n"
      "  itp health --address 127.0.0.1:8081   # a --health_listen port",
      [options](Session& s) { return CheckHealth(s, *options); },
      /*needs_api_key=*/false);
  command->add_option("--service", options->service,
                      "One service, e.g. itp.v1.PlanService (default: the "
                      "server as a whole)");
}

}  // namespace itp::client
