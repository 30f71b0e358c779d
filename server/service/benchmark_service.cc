#include "server/service/benchmark_service.h"

namespace itp::service {

grpc::ServerUnaryReactor* BenchmarkServiceImpl::ListPathways(
    grpc::CallbackServerContext* context,
    const itp::v1::ListPathwaysRequest* request,
    itp::v1::ListPathwaysResponse* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkService/ListPathways",
                     app_.benchmarks(), &app::BenchmarkOperations::ListPathways,
                     request, response);
}

grpc::ServerUnaryReactor* BenchmarkServiceImpl::GetPathway(
    grpc::CallbackServerContext* context,
    const itp::v1::GetPathwayRequest* request, itp::v1::Pathway* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkService/GetPathway",
                     app_.benchmarks(), &app::BenchmarkOperations::GetPathway,
                     request, response);
}

grpc::ServerUnaryReactor* BenchmarkServiceImpl::CreatePathway(
    grpc::CallbackServerContext* context,
    const itp::v1::CreatePathwayRequest* request, itp::v1::Pathway* response) {
  return core_.Unary(
      context, "/itp.v1.BenchmarkService/CreatePathway", app_.benchmarks(),
      &app::BenchmarkOperations::CreatePathway, request, response);
}

grpc::ServerUnaryReactor* BenchmarkServiceImpl::BenchmarkPlan(
    grpc::CallbackServerContext* context,
    const itp::v1::BenchmarkPlanRequest* request,
    itp::v1::BenchmarkReport* response) {
  return core_.Unary(
      context, "/itp.v1.BenchmarkService/BenchmarkPlan", app_.benchmarks(),
      &app::BenchmarkOperations::BenchmarkPlan, request, response);
}

grpc::ServerUnaryReactor* BenchmarkServiceImpl::GetBenchmarkReport(
    grpc::CallbackServerContext* context,
    const itp::v1::GetBenchmarkReportRequest* request,
    itp::v1::BenchmarkReport* response) {
  return core_.Unary(
      context, "/itp.v1.BenchmarkService/GetBenchmarkReport", app_.benchmarks(),
      &app::BenchmarkOperations::GetBenchmarkReport, request, response);
}

grpc::ServerUnaryReactor* BenchmarkServiceImpl::ListBenchmarkReports(
    grpc::CallbackServerContext* context,
    const itp::v1::ListBenchmarkReportsRequest* request,
    itp::v1::ListBenchmarkReportsResponse* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkService/ListBenchmarkReports",
                     app_.benchmarks(),
                     &app::BenchmarkOperations::ListBenchmarkReports, request,
                     response);
}

grpc::ServerUnaryReactor* BenchmarkServiceImpl::ComparePlans(
    grpc::CallbackServerContext* context,
    const itp::v1::ComparePlansRequest* request,
    itp::v1::ComparePlansResponse* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkService/ComparePlans",
                     app_.benchmarks(), &app::BenchmarkOperations::ComparePlans,
                     request, response);
}

}  // namespace itp::service
