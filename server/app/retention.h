// Data retention in the background: a thread of its own deletes expired
// request ids, audit rows that record no change and superseded benchmark
// reports (the rule is in server/storage/retention_store.h) shortly after
// Start() and then every interval, in small transactions with a pause
// between them so that calls' writes are never held up for long. Change
// records are kept for ever.
//
//   RetentionRunner retention(*stores.retention, now, options.retention);
//   retention.Start();   // first pass after first_pass_delay
//   ...
//   retention.Stop();    // prompt: a pass in progress ends after its batch
#ifndef ITP_SERVER_APP_RETENTION_H_
#define ITP_SERVER_APP_RETENTION_H_

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/retention_store.h"

namespace itp::app {

// Retention periods in whole days, as the server's flags give them.
struct RetentionOptions {
  // --request_id_retention_days: at least 1, so that a client's retry stays
  // idempotent for at least a day.
  int request_id_retention_days = 7;
  // --denied_audit_retention_days: audit rows of denied or failed reads and
  // of calls without a valid key; 0 keeps them for ever.
  int denied_audit_retention_days = 30;
  // --superseded_report_retention_days; 0 keeps them for ever.
  int superseded_report_retention_days = 30;
  // --retention_interval_minutes between passes, at least 1.
  int retention_interval_minutes = 60;
  // From Start() to the first pass, so that it does not compete with
  // start-up (resumed jobs, the first calls).
  absl::Duration first_pass_delay = absl::Seconds(10);
  // Between two transactions of a pass: other writers get the lock.
  absl::Duration pause_between_batches = absl::Milliseconds(10);
  // Rows deleted per transaction.
  int batch_rows = 1000;
};

// OK, or INVALID_ARGUMENT naming the flag of the first value out of bounds.
absl::Status ValidateRetentionOptions(const RetentionOptions& options);

// The storage policy of valid `options` (0 days: kept for ever).
storage::RetentionPolicy RetentionPolicyOf(const RetentionOptions& options);

// Thread-safe. The store must outlive the runner.
class RetentionRunner {
 public:
  // `now` gives Unix microseconds: the time a pass judges ages by. `options`
  // must be valid (ValidateRetentionOptions).
  RetentionRunner(storage::RetentionStore& store, std::function<int64_t()> now,
                  RetentionOptions options);
  // Stop().
  ~RetentionRunner();
  RetentionRunner(const RetentionRunner&) = delete;
  RetentionRunner& operator=(const RetentionRunner&) = delete;

  // Starts the background thread: a pass after first_pass_delay, then one
  // every retention_interval_minutes. A failed pass is logged and tried
  // again at the next interval. No-op when running.
  void Start();

  // Ends the thread without waiting for the next pass; a pass in progress
  // stops before its next transaction. Idempotent.
  void Stop();

  // Runs one pass on the calling thread and logs a line with the counts
  // when it deleted something. The store's error, logged as well.
  absl::StatusOr<storage::RetentionCounts> RunOnce();

  // Passes the background thread has finished, failed ones included.
  int passes() const;
  // Blocks until passes() >= n or `timeout` has passed; whether it got
  // there.
  bool AwaitPasses(int n, absl::Duration timeout) const;
  // The counts of the latest pass that succeeded (zero before the first).
  storage::RetentionCounts last_counts() const;

 private:
  // Waits for `d` or Stop(); false when stopping.
  bool Wait(absl::Duration d);

  storage::RetentionStore& store_;
  const std::function<int64_t()> now_;
  const RetentionOptions options_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int passes_ ABSL_GUARDED_BY(mu_) = 0;
  storage::RetentionCounts last_counts_ ABSL_GUARDED_BY(mu_);

  absl::Mutex thread_mu_;
  std::thread thread_ ABSL_GUARDED_BY(thread_mu_);
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_RETENTION_H_
