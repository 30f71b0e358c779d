// The operations of itp.v1.BenchmarkService: reference pathways, benchmark
// reports (through the BenchmarkStep that jobs use too) and the peer
// comparison of a sector's plans.
//
//   BenchmarkOperations benchmarks(context);
//   auto report = benchmarks.BenchmarkPlan(caller, request);
#ifndef ITP_SERVER_APP_BENCHMARK_OPERATIONS_H_
#define ITP_SERVER_APP_BENCHMARK_OPERATIONS_H_

#include "absl/status/statusor.h"
#include "itp/v1/benchmark_service.pb.h"
#include "server/app/caller.h"
#include "server/app/context.h"

namespace itp::app {

// Thread-safe; errors as the API documents.
class BenchmarkOperations {
 public:
  explicit BenchmarkOperations(AppContext& context) : ctx_(context) {}

  absl::StatusOr<itp::v1::ListPathwaysResponse> ListPathways(
      const Caller& caller, const itp::v1::ListPathwaysRequest& request);
  absl::StatusOr<itp::v1::Pathway> GetPathway(
      const Caller& caller, const itp::v1::GetPathwayRequest& request);
  absl::StatusOr<itp::v1::Pathway> CreatePathway(
      const Caller& caller, const itp::v1::CreatePathwayRequest& request);
  absl::StatusOr<itp::v1::BenchmarkReport> BenchmarkPlan(
      const Caller& caller, const itp::v1::BenchmarkPlanRequest& request);
  absl::StatusOr<itp::v1::BenchmarkReport> GetBenchmarkReport(
      const Caller& caller, const itp::v1::GetBenchmarkReportRequest& request);
  absl::StatusOr<itp::v1::ListBenchmarkReportsResponse> ListBenchmarkReports(
      const Caller& caller,
      const itp::v1::ListBenchmarkReportsRequest& request);
  absl::StatusOr<itp::v1::ComparePlansResponse> ComparePlans(
      const Caller& caller, const itp::v1::ComparePlansRequest& request);

 private:
  AppContext& ctx_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_BENCHMARK_OPERATIONS_H_
