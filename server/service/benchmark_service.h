// The gRPC adapter of itp.v1.BenchmarkService: each method hands its request to
// app::BenchmarkOperations through the serving core and holds no rule of its
// own.
//
//   BenchmarkServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_BENCHMARK_SERVICE_H_
#define ITP_SERVER_SERVICE_BENCHMARK_SERVICE_H_

#include "itp/v1/benchmark_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/serving_core.h"

namespace itp::service {

// Thread-safe; `app` and `core` must outlive it.
class BenchmarkServiceImpl final
    : public itp::v1::BenchmarkService::CallbackService {
 public:
  BenchmarkServiceImpl(app::Application& app, ServingCore& core)
      : app_(app), core_(core) {}

  grpc::ServerUnaryReactor* ListPathways(
      grpc::CallbackServerContext* context,
      const itp::v1::ListPathwaysRequest* request,
      itp::v1::ListPathwaysResponse* response) override;
  grpc::ServerUnaryReactor* GetPathway(
      grpc::CallbackServerContext* context,
      const itp::v1::GetPathwayRequest* request,
      itp::v1::Pathway* response) override;
  grpc::ServerUnaryReactor* CreatePathway(
      grpc::CallbackServerContext* context,
      const itp::v1::CreatePathwayRequest* request,
      itp::v1::Pathway* response) override;
  grpc::ServerUnaryReactor* BenchmarkPlan(
      grpc::CallbackServerContext* context,
      const itp::v1::BenchmarkPlanRequest* request,
      itp::v1::BenchmarkReport* response) override;
  grpc::ServerUnaryReactor* GetBenchmarkReport(
      grpc::CallbackServerContext* context,
      const itp::v1::GetBenchmarkReportRequest* request,
      itp::v1::BenchmarkReport* response) override;
  grpc::ServerUnaryReactor* ListBenchmarkReports(
      grpc::CallbackServerContext* context,
      const itp::v1::ListBenchmarkReportsRequest* request,
      itp::v1::ListBenchmarkReportsResponse* response) override;
  grpc::ServerUnaryReactor* ComparePlans(
      grpc::CallbackServerContext* context,
      const itp::v1::ComparePlansRequest* request,
      itp::v1::ComparePlansResponse* response) override;

 private:
  app::Application& app_;
  ServingCore& core_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_BENCHMARK_SERVICE_H_
