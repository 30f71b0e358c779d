#include "server/service/benchmark_job_service.h"

namespace itp::service {

BenchmarkJobServiceImpl::BenchmarkJobServiceImpl(app::Application& app,
                                                 ServingCore& core)
    : BoundService(core) {
  Unary("CreateBenchmarkJob", app.jobs(),
        &app::JobOperations::CreateBenchmarkJob);
  Unary("GetBenchmarkJob", app.jobs(), &app::JobOperations::GetBenchmarkJob);
  Unary("ListBenchmarkJobs", app.jobs(),
        &app::JobOperations::ListBenchmarkJobs);
  Unary("RunBenchmarkJob", app.jobs(), &app::JobOperations::RunBenchmarkJob);
  Unary("CancelBenchmarkJob", app.jobs(),
        &app::JobOperations::CancelBenchmarkJob);
  Unary("GetBenchmarkJobRun", app.jobs(),
        &app::JobOperations::GetBenchmarkJobRun);
  Unary("ListBenchmarkJobRuns", app.jobs(),
        &app::JobOperations::ListBenchmarkJobRuns);
  Stream("StreamBenchmarkJobResults", app.jobs(),
         &app::JobOperations::StreamBenchmarkJobResults);
  CheckAllBound();
}

}  // namespace itp::service
