// The gRPC handlers of itp.v1.BenchmarkJobService: jobs, runs (executed in
// the background by jobs::JobRunner) and the stream of a run's results.
//
//   BenchmarkJobServiceImpl jobs(*plan_store, *job_store, runner, guard);
//   builder.RegisterService(&jobs);
#ifndef ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_
#define ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_

#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "server/jobs/job_runner.h"
#include "server/service/call_guard.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/job_store.h"
#include "server/storage/plan_store.h"

namespace itp::service {

// Thread-safe; everything given must outlive it.
class BenchmarkJobServiceImpl final
    : public itp::v1::BenchmarkJobService::Service {
 public:
  BenchmarkJobServiceImpl(storage::PlanStore& plans,
                          storage::BenchmarkStore& benchmarks,
                          storage::JobStore& jobs, jobs::JobRunner& runner,
                          const GuardDeps& guard)
      : plans_(plans),
        benchmarks_(benchmarks),
        jobs_(jobs),
        runner_(runner),
        guard_(guard) {}

  grpc::Status CreateBenchmarkJob(
      grpc::ServerContext* context,
      const itp::v1::CreateBenchmarkJobRequest* request,
      itp::v1::BenchmarkJob* response) override;
  grpc::Status GetBenchmarkJob(grpc::ServerContext* context,
                               const itp::v1::GetBenchmarkJobRequest* request,
                               itp::v1::BenchmarkJob* response) override;
  grpc::Status ListBenchmarkJobs(
      grpc::ServerContext* context,
      const itp::v1::ListBenchmarkJobsRequest* request,
      itp::v1::ListBenchmarkJobsResponse* response) override;
  grpc::Status RunBenchmarkJob(grpc::ServerContext* context,
                               const itp::v1::RunBenchmarkJobRequest* request,
                               itp::v1::BenchmarkJobRun* response) override;
  grpc::Status CancelBenchmarkJob(
      grpc::ServerContext* context,
      const itp::v1::CancelBenchmarkJobRequest* request,
      itp::v1::BenchmarkJobRun* response) override;
  grpc::Status GetBenchmarkJobRun(
      grpc::ServerContext* context,
      const itp::v1::GetBenchmarkJobRunRequest* request,
      itp::v1::BenchmarkJobRun* response) override;
  grpc::Status ListBenchmarkJobRuns(
      grpc::ServerContext* context,
      const itp::v1::ListBenchmarkJobRunsRequest* request,
      itp::v1::ListBenchmarkJobRunsResponse* response) override;
  grpc::Status StreamBenchmarkJobResults(
      grpc::ServerContext* context,
      const itp::v1::StreamBenchmarkJobResultsRequest* request,
      grpc::ServerWriter<itp::v1::BenchmarkJobResult>* writer) override;

 private:
  storage::PlanStore& plans_;
  storage::BenchmarkStore& benchmarks_;
  storage::JobStore& jobs_;
  jobs::JobRunner& runner_;
  const GuardDeps& guard_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_
