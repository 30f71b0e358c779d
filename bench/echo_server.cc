// The baseline of bench/serving_load.sh: a bare gRPC server (the synchronous
// API with gRPC's default thread settings) that answers
// itp.v1.PlanService/GetPlan and ListPlans with fixed responses read from
// files, byte for byte what itp-server answered for the same requests. It
// does no authentication, no database work and no logging, so the ratio of
// itp-server's calls per second to its own is what the service costs on top
// of gRPC itself.
//
//   echo_server --listen=127.0.0.1:0 --port_file=port
//     --get_plan_response=get.pb --list_plans_response=list.pb  (one line)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "itp/v1/plan_service.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port to listen on.");
ABSL_FLAG(std::string, port_file, "", "Where to write the bound port.");
ABSL_FLAG(std::string, get_plan_response, "",
          "A serialized itp.v1.Plan, returned by every GetPlan.");
ABSL_FLAG(std::string, list_plans_response, "",
          "A serialized itp.v1.ListPlansResponse, returned by every "
          "ListPlans.");

namespace {

template <typename Message>
bool Load(const std::string& path, Message* message) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return in && message->ParseFromString(bytes.str());
}

class EchoPlanService final : public itp::v1::PlanService::Service {
 public:
  EchoPlanService(itp::v1::Plan plan, itp::v1::ListPlansResponse list)
      : plan_(std::move(plan)), list_(std::move(list)) {}

  grpc::Status GetPlan(grpc::ServerContext*, const itp::v1::GetPlanRequest*,
                       itp::v1::Plan* response) override {
    *response = plan_;
    return grpc::Status::OK;
  }

  grpc::Status ListPlans(grpc::ServerContext*,
                         const itp::v1::ListPlansRequest*,
                         itp::v1::ListPlansResponse* response) override {
    *response = list_;
    return grpc::Status::OK;
  }

 private:
  const itp::v1::Plan plan_;
  const itp::v1::ListPlansResponse list_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  itp::v1::Plan plan;
  itp::v1::ListPlansResponse list;
  if (!Load(absl::GetFlag(FLAGS_get_plan_response), &plan) ||
      !Load(absl::GetFlag(FLAGS_list_plans_response), &list)) {
    std::cerr << "echo_server: cannot read --get_plan_response or "
                 "--list_plans_response\n";
    return 1;
  }
  EchoPlanService service(std::move(plan), std::move(list));
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "echo_server: cannot listen\n";
    return 1;
  }
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    std::string tmp = absl::GetFlag(FLAGS_port_file) + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), absl::GetFlag(FLAGS_port_file).c_str());
  }
  server->Wait();
  return 0;
}
