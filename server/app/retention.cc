#include "server/app/retention.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"

namespace itp::app {
namespace {

// `days` as a retention period; 0 is for ever.
absl::Duration KeptFor(int days) {
  return days == 0 ? absl::InfiniteDuration() : absl::Hours(24) * days;
}

std::string Age(int days) {
  return days == 0 ? "kept for ever"
                   : absl::StrCat("older than ", days, " days");
}

}  // namespace

absl::Status ValidateRetentionOptions(const RetentionOptions& options) {
  if (options.request_id_retention_days < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--request_id_retention_days must be at least 1 (got ",
        options.request_id_retention_days,
        "): a client retrying a call must find its request id for at least "
        "a day, or the retry would be applied twice."));
  }
  if (options.denied_audit_retention_days < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--denied_audit_retention_days must not be negative (got ",
        options.denied_audit_retention_days, "); 0 keeps them for ever."));
  }
  if (options.superseded_report_retention_days < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--superseded_report_retention_days must not be negative (got ",
        options.superseded_report_retention_days, "); 0 keeps them for ever."));
  }
  if (options.retention_interval_minutes < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--retention_interval_minutes must be at least 1 (got ",
                     options.retention_interval_minutes, ")."));
  }
  if (options.batch_rows < 1) {
    return absl::InvalidArgumentError(
        "The retention batch must hold at least 1 row.");
  }
  if (options.first_pass_delay < absl::ZeroDuration() ||
      options.pause_between_batches < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("Retention delays must not be negative.");
  }
  return absl::OkStatus();
}

storage::RetentionPolicy RetentionPolicyOf(const RetentionOptions& options) {
  storage::RetentionPolicy policy;
  policy.request_ids = KeptFor(options.request_id_retention_days);
  policy.denied_audit = KeptFor(options.denied_audit_retention_days);
  policy.superseded_reports = KeptFor(options.superseded_report_retention_days);
  policy.batch_rows = options.batch_rows;
  return policy;
}

RetentionRunner::RetentionRunner(storage::RetentionStore& store,
                                 std::function<int64_t()> now,
                                 RetentionOptions options)
    : store_(store), now_(std::move(now)), options_(options) {}

RetentionRunner::~RetentionRunner() { Stop(); }

void RetentionRunner::Start() {
  absl::MutexLock lock(&thread_mu_);
  if (thread_.joinable()) return;
  {
    absl::MutexLock state(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    absl::Duration wait = options_.first_pass_delay;
    while (Wait(wait)) {
      RunOnce().IgnoreError();  // logged; tried again at the next interval
      {
        absl::MutexLock lock(&mu_);
        ++passes_;
      }
      wait = absl::Minutes(options_.retention_interval_minutes);
    }
  });
}

void RetentionRunner::Stop() {
  absl::MutexLock lock(&thread_mu_);
  {
    absl::MutexLock state(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool RetentionRunner::Wait(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
  return !stopping_;
}

absl::StatusOr<storage::RetentionCounts> RetentionRunner::RunOnce() {
  auto counts = store_.ApplyRetention(
      RetentionPolicyOf(options_), absl::FromUnixMicros(now_()),
      [this] { return Wait(options_.pause_between_batches); });
  if (!counts.ok()) {
    Log(LogLevel::kError, absl::StrCat("retention pass failed (tried again in ",
                                       options_.retention_interval_minutes,
                                       " min): ", counts.status().ToString()));
    return counts;
  }
  {
    absl::MutexLock lock(&mu_);
    last_counts_ = *counts;
  }
  if (counts->total() > 0 || !counts->complete) {
    Log(LogLevel::kInfo,
        absl::StrCat(
            "retention: deleted ", counts->request_ids, " request ids (",
            Age(options_.request_id_retention_days), "), ",
            counts->audit_events,
            " audit events of denied reads and calls without a key (",
            Age(options_.denied_audit_retention_days), "), ",
            counts->benchmark_reports, " superseded benchmark reports (",
            Age(options_.superseded_report_retention_days), ") in ",
            counts->transactions, " transactions",
            counts->complete ? "" : "; stopped before the end (shutdown)"));
  }
  return counts;
}

int RetentionRunner::passes() const {
  absl::MutexLock lock(&mu_);
  return passes_;
}

bool RetentionRunner::AwaitPasses(int n, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  struct Args {
    const int* passes;
    int n;
  } args{&passes_, n};
  return mu_.AwaitWithTimeout(
      absl::Condition(
          +[](Args* a) { return *a->passes >= a->n; }, &args),
      timeout);
}

storage::RetentionCounts RetentionRunner::last_counts() const {
  absl::MutexLock lock(&mu_);
  return last_counts_;
}

}  // namespace itp::app
