// The gRPC adapter of itp.v1.BenchmarkJobService: each method hands its request
// to app::JobOperations through the serving core and holds no rule of its own.
//
//   BenchmarkJobServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_
#define ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_

#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/serving_core.h"

namespace itp::service {

// Thread-safe; `app` and `core` must outlive it.
class BenchmarkJobServiceImpl final
    : public itp::v1::BenchmarkJobService::CallbackService {
 public:
  BenchmarkJobServiceImpl(app::Application& app, ServingCore& core)
      : app_(app), core_(core) {}

  grpc::ServerUnaryReactor* CreateBenchmarkJob(
      grpc::CallbackServerContext* context,
      const itp::v1::CreateBenchmarkJobRequest* request,
      itp::v1::BenchmarkJob* response) override;
  grpc::ServerUnaryReactor* GetBenchmarkJob(
      grpc::CallbackServerContext* context,
      const itp::v1::GetBenchmarkJobRequest* request,
      itp::v1::BenchmarkJob* response) override;
  grpc::ServerUnaryReactor* ListBenchmarkJobs(
      grpc::CallbackServerContext* context,
      const itp::v1::ListBenchmarkJobsRequest* request,
      itp::v1::ListBenchmarkJobsResponse* response) override;
  grpc::ServerUnaryReactor* RunBenchmarkJob(
      grpc::CallbackServerContext* context,
      const itp::v1::RunBenchmarkJobRequest* request,
      itp::v1::BenchmarkJobRun* response) override;
  grpc::ServerUnaryReactor* CancelBenchmarkJob(
      grpc::CallbackServerContext* context,
      const itp::v1::CancelBenchmarkJobRequest* request,
      itp::v1::BenchmarkJobRun* response) override;
  grpc::ServerUnaryReactor* GetBenchmarkJobRun(
      grpc::CallbackServerContext* context,
      const itp::v1::GetBenchmarkJobRunRequest* request,
      itp::v1::BenchmarkJobRun* response) override;
  grpc::ServerUnaryReactor* ListBenchmarkJobRuns(
      grpc::CallbackServerContext* context,
      const itp::v1::ListBenchmarkJobRunsRequest* request,
      itp::v1::ListBenchmarkJobRunsResponse* response) override;
  grpc::ServerWriteReactor<itp::v1::BenchmarkJobResult>*
  StreamBenchmarkJobResults(
      grpc::CallbackServerContext* context,
      const itp::v1::StreamBenchmarkJobResultsRequest* request) override;

 private:
  app::Application& app_;
  ServingCore& core_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_
