// SQLite implementation of RetentionStore. Every query runs on an index that
// holds what it reads (schema 9), so that a pass reads no report content and
// a batch costs about as much as the rows it deletes.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "server/storage/retention_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace {

using internal::Connection;
using internal::ScopedStatement;
using internal::SqliteDb;

// The unix micros before which rows kept for `keep` have expired at `now`;
// nullopt when they are kept for ever.
std::optional<int64_t> Cutoff(absl::Time now, absl::Duration keep) {
  if (keep == absl::InfiniteDuration()) return std::nullopt;
  return absl::ToUnixMicros(now - keep);
}

class SqliteRetentionStore : public RetentionStore {
 public:
  explicit SqliteRetentionStore(std::shared_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<RetentionCounts> ApplyRetention(
      const RetentionPolicy& policy, absl::Time now,
      const std::function<bool()>& between_batches) override {
    if (policy.batch_rows < 1) {
      return absl::InvalidArgumentError("batch_rows must be at least 1.");
    }
    if (policy.request_ids < absl::ZeroDuration() ||
        policy.denied_audit < absl::ZeroDuration() ||
        policy.superseded_reports < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          "Retention periods must not be negative.");
    }
    const std::optional<int64_t> request_ids = Cutoff(now, policy.request_ids);
    const std::optional<int64_t> audit = Cutoff(now, policy.denied_audit);
    // A report outlives every request id that could replay it.
    std::optional<int64_t> reports = Cutoff(now, policy.superseded_reports);
    if (reports) {
      reports = request_ids ? std::min(*reports, *request_ids)
                            : std::optional<int64_t>();
    }

    RetentionCounts counts;
    absl::Status s;
    if (request_ids) {
      s = RunBatches(policy, between_batches, &counts, &counts.request_ids,
                     [&](Connection& c) {
                       return DeleteRequestIds(c, *request_ids,
                                               policy.batch_rows);
                     });
    }
    if (s.ok() && counts.complete && audit) {
      s = RunBatches(policy, between_batches, &counts, &counts.audit_events,
                     [&](Connection& c) {
                       return DeleteAuditEvents(c, *audit, policy.batch_rows);
                     });
    }
    if (s.ok() && counts.complete && reports) {
      // Each batch goes on where the previous one stopped: deleting a
      // superseded report changes no other report's fate (the newest of its
      // revision and parameters stays), so a pass reads every old report
      // once however many batches it takes.
      ReportCursor cursor;
      s = RunBatches(policy, between_batches, &counts,
                     &counts.benchmark_reports, [&](Connection& c) {
                       return DeleteSupersededReports(
                           c, *reports, policy.batch_rows, &cursor);
                     });
    }
    if (!s.ok()) return s;
    return counts;
  }

 private:
  struct ReportCursor {
    int64_t create_time = INT64_MIN;
    int64_t id = 0;
  };

  // Runs `batch` (Connection& -> StatusOr<rows deleted>), one transaction
  // each, adding to `*deleted`, until a batch deletes less than
  // policy.batch_rows or `between_batches` says stop.
  template <typename Batch>
  absl::Status RunBatches(const RetentionPolicy& policy,
                          const std::function<bool()>& between_batches,
                          RetentionCounts* counts, int64_t* deleted,
                          const Batch& batch) {
    while (true) {
      if (counts->transactions > 0 && between_batches && !between_batches()) {
        counts->complete = false;
        return absl::OkStatus();
      }
      absl::StatusOr<int64_t> n = db_->Write<int64_t>(batch);
      if (!n.ok()) return n.status();
      ++counts->transactions;
      *deleted += *n;
      if (*n < policy.batch_rows) return absl::OkStatus();
    }
  }

  static absl::StatusOr<int64_t> DeleteRequestIds(Connection& c, int64_t cutoff,
                                                  int limit) {
    ScopedStatement s = c.Prepare(
        "DELETE FROM request_ids WHERE rowid IN (SELECT rowid FROM "
        "request_ids WHERE create_time < ? ORDER BY create_time LIMIT ?)");
    s->bind(1, static_cast<int64_t>(cutoff));
    s->bind(2, limit);
    return static_cast<int64_t>(s->exec());
  }

  static absl::StatusOr<int64_t> DeleteAuditEvents(Connection& c,
                                                   int64_t cutoff, int limit) {
    // kind != 0: AuditKind::kRead and kKeyless, never a change record.
    ScopedStatement s = c.Prepare(
        "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events "
        "WHERE kind != 0 AND time < ? ORDER BY time LIMIT ?)");
    s->bind(1, static_cast<int64_t>(cutoff));
    s->bind(2, limit);
    return static_cast<int64_t>(s->exec());
  }

  static absl::StatusOr<int64_t> DeleteSupersededReports(Connection& c,
                                                         int64_t cutoff,
                                                         int limit,
                                                         ReportCursor* cursor) {
    std::vector<int64_t> ids;
    {
      ScopedStatement s = c.Prepare(
          "SELECT r.create_time, r.id FROM benchmark_reports r "
          "INDEXED BY benchmark_reports_by_time "
          "WHERE r.create_time < ? AND (r.create_time, r.id) > (?, ?) "
          "AND r.plan_revision != '' "
          "AND EXISTS (SELECT 1 FROM benchmark_reports n "
          "  INDEXED BY benchmark_reports_by_revision "
          "  WHERE n.plan_id = r.plan_id AND n.plan_revision = r.plan_revision "
          "  AND n.parameters = r.parameters AND n.id > r.id) "
          "AND NOT EXISTS (SELECT 1 FROM benchmark_job_items i "
          "  WHERE i.report_id = r.id) "
          "ORDER BY r.create_time, r.id LIMIT ?");
      s->bind(1, static_cast<int64_t>(cutoff));
      s->bind(2, static_cast<int64_t>(cursor->create_time));
      s->bind(3, static_cast<int64_t>(cursor->id));
      s->bind(4, limit);
      while (s->executeStep()) {
        cursor->create_time = s->getColumn(0).getInt64();
        cursor->id = s->getColumn(1).getInt64();
        ids.push_back(cursor->id);
      }
    }
    ScopedStatement s = c.Prepare("DELETE FROM benchmark_reports WHERE id = ?");
    for (int64_t id : ids) {
      s->bind(1, static_cast<int64_t>(id));
      s->exec();
      s->reset();
    }
    return static_cast<int64_t>(ids.size());
  }

  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<RetentionStore> NewSqliteRetentionStore(
    std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteRetentionStore>(std::move(db));
}

}  // namespace internal
}  // namespace itp::storage
