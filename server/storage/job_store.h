// Storage of benchmark jobs, their runs, and each run's per-plan items.
// A run's plan list is fixed when it starts, so a run resumed after a restart
// benchmarks exactly the plans it began with.
//
// Thread-safe. Errors common to all methods: UNAVAILABLE when the database
// stays busy past its timeout, INTERNAL on a storage fault.
#ifndef ITP_SERVER_STORAGE_JOB_STORE_H_
#define ITP_SERVER_STORAGE_JOB_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/benchmark_job.pb.h"
#include "server/domain/page_token.h"
#include "server/storage/write_context.h"

namespace itp::storage {

struct JobPage {
  std::vector<itp::v1::BenchmarkJob> jobs;
  std::optional<domain::PageCursor> next;
};

struct RunPage {
  // Newest first.
  std::vector<itp::v1::BenchmarkJobRun> runs;
  std::optional<domain::PageCursor> next;
};

// A plan of a run still to benchmark.
struct PendingItem {
  int index = 0;
  std::string plan;
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Stores a job (name set); ALREADY_EXISTS (reason JOB_ALREADY_EXISTS).
  virtual absl::StatusOr<itp::v1::BenchmarkJob> CreateJob(
      const WriteContext& ctx, const itp::v1::BenchmarkJob& job) = 0;

  // NOT_FOUND (reason JOB_NOT_FOUND).
  virtual absl::StatusOr<itp::v1::BenchmarkJob> GetJob(
      absl::string_view name) = 0;

  // Jobs by creation, oldest first.
  virtual absl::StatusOr<JobPage> ListJobs(
      int page_size, const std::optional<domain::PageCursor>& after) = 0;

  // Starts a PENDING run of `job_name` over `plans` (in that order) and makes
  // it the job's latest run. FAILED_PRECONDITION (reason RUN_IN_PROGRESS)
  // while another run of the job is PENDING or RUNNING; NOT_FOUND for a
  // missing job. Retry-safe on ctx.request_id.
  virtual absl::StatusOr<itp::v1::BenchmarkJobRun> CreateRun(
      const WriteContext& ctx, absl::string_view job_name,
      const std::vector<std::string>& plans) = 0;

  // NOT_FOUND (reason RUN_NOT_FOUND).
  virtual absl::StatusOr<itp::v1::BenchmarkJobRun> GetRun(
      absl::string_view name) = 0;

  virtual absl::StatusOr<RunPage> ListRuns(
      absl::string_view job_name, int page_size,
      const std::optional<domain::PageCursor>& after) = 0;

  // Runs in PENDING or RUNNING, oldest first (to resume after a restart).
  virtual absl::StatusOr<std::vector<itp::v1::BenchmarkJobRun>>
  UnfinishedRuns() = 0;

  // The run's plans not yet done, in index order.
  virtual absl::StatusOr<std::vector<PendingItem>> PendingItems(
      absl::string_view run_name) = 0;

  // Records a plan's result (succeeded when `result.error` is empty) and
  // updates the run's counts, atomically. Nothing changes once the run has
  // finished (e.g. was cancelled while the plan was being benchmarked).
  virtual absl::Status RecordResult(
      absl::string_view run_name,
      const itp::v1::BenchmarkJobResult& result) = 0;

  // Finished results with index >= `start_index`, in index order, stopping
  // at the first unfinished one; at most `limit`.
  virtual absl::StatusOr<std::vector<itp::v1::BenchmarkJobResult>> Results(
      absl::string_view run_name, int start_index, int limit) = 0;

  // Moves the run to `state` (with `reason` for FAILED/CANCELLED and
  // `changes` when set), setting start/end times. A run already finished
  // stays as it is and its stored value is returned. `resumed` counts a
  // resumption after a restart.
  virtual absl::StatusOr<itp::v1::BenchmarkJobRun> SetRunState(
      absl::string_view run_name, itp::v1::BenchmarkJobRun::State state,
      absl::string_view reason, const itp::v1::RunChanges* changes,
      bool resumed) = 0;

  // The latest SUCCEEDED run of the job before `run_name`, if any.
  virtual absl::StatusOr<std::optional<itp::v1::BenchmarkJobRun>>
  PreviousSucceededRun(absl::string_view run_name) = 0;

  // How many runs are in each state, ordered by state; states without runs
  // are absent.
  virtual absl::StatusOr<
      std::vector<std::pair<itp::v1::BenchmarkJobRun::State, int64_t>>>
  CountRuns() = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_JOB_STORE_H_
