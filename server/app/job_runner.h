// Runs benchmark jobs in the background on a small, bounded pool of worker
// threads of its own, so that job runs never take the threads that serve
// interactive calls. A run benchmarks its plans one by one with the same
// BenchmarkStep as BenchmarkPlan, stores a report per plan, records each
// result as it goes, and finishes with the changes
// since the job's previous successful run. Runs left PENDING or RUNNING by a
// crash or restart are resumed at Start(); a plan already recorded is not
// benchmarked again.
//
//   JobRunner runner(plans, benchmarks, jobs, options);
//   runner.Start();              // resumes unfinished runs
//   runner.Enqueue(run.name());  // after JobStore::CreateRun
//   runner.Stop();               // before the stores go away
#ifndef ITP_SERVER_APP_JOB_RUNNER_H_
#define ITP_SERVER_APP_JOB_RUNNER_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "itp/v1/benchmark_job.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/app/benchmark_step.h"
#include "server/common/metrics.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/job_store.h"
#include "server/storage/plan_store.h"

namespace itp::app {

struct JobRunnerOptions {
  // Worker threads; each works on one run at a time.
  int workers = 1;
  // Called after every recorded result and state change (e.g. to wake
  // streams); may be empty.
  std::function<void()> on_progress;
  // The clock of results' finish times; absl::Now when empty.
  std::function<int64_t()> now_unix_micros;
  // Where a plan stands by its progress reports, recorded in each result's
  // summary; none recorded when empty.
  std::function<absl::StatusOr<itp::v1::PlanProgress>(const std::string&)>
      assess_progress;
  // Where finished runs are counted and timed; Metrics::Discard() when null.
  Metrics* metrics = nullptr;
};

// Thread-safe. The stores must outlive the runner.
class JobRunner {
 public:
  JobRunner(storage::PlanStore& plans, storage::BenchmarkStore& benchmarks,
            storage::JobStore& jobs, JobRunnerOptions options);
  ~JobRunner();

  // Queues the unfinished runs found in the store (resumptions) and starts
  // the workers. The store's error if it cannot list them.
  absl::Status Start();

  // Queues a run created with JobStore::CreateRun. A run already queued or
  // being executed is not queued again (a retried RunBenchmarkJob, or a run
  // both created and found unfinished at start-up).
  void Enqueue(const std::string& run_name);

  // Stops the workers after the plan each is working on; unfinished runs
  // stay RUNNING and are resumed by the next Start(). Idempotent.
  void Stop();

 private:
  void Work();
  // Runs `run_name` to its end (or until Stop()).
  void Execute(const std::string& run_name, bool resumed);
  // Benchmarks one plan of a run.
  itp::v1::BenchmarkJobResult BenchmarkOne(const itp::v1::BenchmarkJob& job,
                                           const std::string& run_name,
                                           const storage::PendingItem& item);
  void Progress();

  storage::PlanStore& plans_;
  storage::JobStore& jobs_;
  BenchmarkStep step_;
  JobRunnerOptions options_;

  absl::Mutex mu_;
  // Run names with whether they are resumptions.
  std::deque<std::pair<std::string, bool>> queue_ ABSL_GUARDED_BY(mu_);
  // Runs queued or being executed.
  absl::flat_hash_set<std::string> active_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_JOB_RUNNER_H_
