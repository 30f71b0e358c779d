#include "server/service/benchmark_service.h"

namespace itp::service {

BenchmarkServiceImpl::BenchmarkServiceImpl(app::Application& app,
                                           ServingCore& core)
    : BoundService(core) {
  Unary("ListPathways", app.benchmarks(),
        &app::BenchmarkOperations::ListPathways);
  Unary("GetPathway", app.benchmarks(), &app::BenchmarkOperations::GetPathway);
  Unary("CreatePathway", app.benchmarks(),
        &app::BenchmarkOperations::CreatePathway);
  Unary("BenchmarkPlan", app.benchmarks(),
        &app::BenchmarkOperations::BenchmarkPlan);
  Unary("GetBenchmarkReport", app.benchmarks(),
        &app::BenchmarkOperations::GetBenchmarkReport);
  Unary("ListBenchmarkReports", app.benchmarks(),
        &app::BenchmarkOperations::ListBenchmarkReports);
  Unary("ComparePlans", app.benchmarks(),
        &app::BenchmarkOperations::ComparePlans);
  CheckAllBound();
}

}  // namespace itp::service
