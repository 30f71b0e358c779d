// The operations of itp.v1.BenchmarkJobService: jobs that re-benchmark every
// plan a filter selects, their runs (executed by the JobRunner on threads of
// its own) and the feed of a run's results.
//
//   JobOperations jobs(context);
//   auto run = jobs.RunBenchmarkJob(caller, request);   // returns at once
//   auto feed = jobs.StreamBenchmarkJobResults(caller, stream_request);
#ifndef ITP_SERVER_APP_JOB_OPERATIONS_H_
#define ITP_SERVER_APP_JOB_OPERATIONS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "itp/v1/benchmark_job_service.pb.h"
#include "server/app/caller.h"
#include "server/app/context.h"
#include "server/app/feed.h"

namespace itp::app {

// Thread-safe; errors as the API documents.
class JobOperations {
 public:
  explicit JobOperations(AppContext& context) : ctx_(context) {}

  absl::StatusOr<itp::v1::BenchmarkJob> CreateBenchmarkJob(
      const Caller& caller, const itp::v1::CreateBenchmarkJobRequest& request);
  absl::StatusOr<itp::v1::BenchmarkJob> GetBenchmarkJob(
      const Caller& caller, const itp::v1::GetBenchmarkJobRequest& request);
  absl::StatusOr<itp::v1::ListBenchmarkJobsResponse> ListBenchmarkJobs(
      const Caller& caller, const itp::v1::ListBenchmarkJobsRequest& request);
  absl::StatusOr<itp::v1::BenchmarkJobRun> RunBenchmarkJob(
      const Caller& caller, const itp::v1::RunBenchmarkJobRequest& request);
  absl::StatusOr<itp::v1::BenchmarkJobRun> CancelBenchmarkJob(
      const Caller& caller, const itp::v1::CancelBenchmarkJobRequest& request);
  absl::StatusOr<itp::v1::BenchmarkJobRun> GetBenchmarkJobRun(
      const Caller& caller, const itp::v1::GetBenchmarkJobRunRequest& request);
  absl::StatusOr<itp::v1::ListBenchmarkJobRunsResponse> ListBenchmarkJobRuns(
      const Caller& caller,
      const itp::v1::ListBenchmarkJobRunsRequest& request);

  // Checks the request and returns the feed of the run's results from
  // start_index on; the feed finishes with the run.
  absl::StatusOr<std::unique_ptr<Feed<itp::v1::BenchmarkJobResult>>>
  StreamBenchmarkJobResults(
      const Caller& caller,
      const itp::v1::StreamBenchmarkJobResultsRequest& request);

 private:
  AppContext& ctx_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_JOB_OPERATIONS_H_
