#include "server/service/benchmark_job_service.h"

namespace itp::service {

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::CreateBenchmarkJob(
    grpc::CallbackServerContext* context,
    const itp::v1::CreateBenchmarkJobRequest* request,
    itp::v1::BenchmarkJob* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkJobService/CreateBenchmarkJob",
                     app_.jobs(), &app::JobOperations::CreateBenchmarkJob,
                     request, response);
}

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::GetBenchmarkJob(
    grpc::CallbackServerContext* context,
    const itp::v1::GetBenchmarkJobRequest* request,
    itp::v1::BenchmarkJob* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkJobService/GetBenchmarkJob",
                     app_.jobs(), &app::JobOperations::GetBenchmarkJob, request,
                     response);
}

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::ListBenchmarkJobs(
    grpc::CallbackServerContext* context,
    const itp::v1::ListBenchmarkJobsRequest* request,
    itp::v1::ListBenchmarkJobsResponse* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkJobService/ListBenchmarkJobs",
                     app_.jobs(), &app::JobOperations::ListBenchmarkJobs,
                     request, response);
}

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::RunBenchmarkJob(
    grpc::CallbackServerContext* context,
    const itp::v1::RunBenchmarkJobRequest* request,
    itp::v1::BenchmarkJobRun* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkJobService/RunBenchmarkJob",
                     app_.jobs(), &app::JobOperations::RunBenchmarkJob, request,
                     response);
}

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::CancelBenchmarkJob(
    grpc::CallbackServerContext* context,
    const itp::v1::CancelBenchmarkJobRequest* request,
    itp::v1::BenchmarkJobRun* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkJobService/CancelBenchmarkJob",
                     app_.jobs(), &app::JobOperations::CancelBenchmarkJob,
                     request, response);
}

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::GetBenchmarkJobRun(
    grpc::CallbackServerContext* context,
    const itp::v1::GetBenchmarkJobRunRequest* request,
    itp::v1::BenchmarkJobRun* response) {
  return core_.Unary(context, "/itp.v1.BenchmarkJobService/GetBenchmarkJobRun",
                     app_.jobs(), &app::JobOperations::GetBenchmarkJobRun,
                     request, response);
}

grpc::ServerUnaryReactor* BenchmarkJobServiceImpl::ListBenchmarkJobRuns(
    grpc::CallbackServerContext* context,
    const itp::v1::ListBenchmarkJobRunsRequest* request,
    itp::v1::ListBenchmarkJobRunsResponse* response) {
  return core_.Unary(
      context, "/itp.v1.BenchmarkJobService/ListBenchmarkJobRuns", app_.jobs(),
      &app::JobOperations::ListBenchmarkJobRuns, request, response);
}

grpc::ServerWriteReactor<itp::v1::BenchmarkJobResult>*
BenchmarkJobServiceImpl::StreamBenchmarkJobResults(
    grpc::CallbackServerContext* context,
    const itp::v1::StreamBenchmarkJobResultsRequest* request) {
  return core_.Stream(
      context, "/itp.v1.BenchmarkJobService/StreamBenchmarkJobResults",
      app_.jobs(), &app::JobOperations::StreamBenchmarkJobResults, request);
}

}  // namespace itp::service
