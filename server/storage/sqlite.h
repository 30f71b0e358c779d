// Opening the SQLite database behind the stores. One file holds plans, API
// keys, the audit trail, pathways and benchmark reports, so that a change and
// its audit event commit in one transaction.
//
//   SqliteOptions options;
//   options.path = "itp.db";
//   absl::StatusOr<SqliteStores> stores = OpenSqliteStores(options);
//   (*stores).plans->GetPlan("countries/IND/plans/steel-2070");
#ifndef ITP_SERVER_STORAGE_SQLITE_H_
#define ITP_SERVER_STORAGE_SQLITE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/common/metrics.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/investment_store.h"
#include "server/storage/job_store.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/progress_store.h"
#include "server/storage/retention_store.h"
#include "server/storage/review_store.h"

namespace itp::storage {

struct SqliteOptions {
  // Database file; created when missing. ":memory:" is not supported because
  // every pooled connection must see the same database.
  std::string path;
  // Connections in the pool; each request borrows one for its duration.
  int pool_size = 8;
  // How long a connection waits for a lock before giving up with UNAVAILABLE.
  int busy_timeout_ms = 5000;
  // The clock behind every stored time; absl::Now when empty.
  std::function<int64_t()> now_unix_micros;
  // Where busy retries and write transaction times are recorded; must
  // outlive the stores. None (Metrics::Discard()) when null.
  Metrics* metrics = nullptr;
};

// The stores over one database; they share its connection pool and stay
// valid independently of each other.
struct SqliteStores {
  std::unique_ptr<PlanStore> plans;
  std::unique_ptr<KeyStore> keys;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<BenchmarkStore> benchmarks;
  std::unique_ptr<ReviewStore> reviews;
  std::unique_ptr<ProgressStore> progress;
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<RetentionStore> retention;
  std::unique_ptr<InvestmentStore> investments;
};

// Opens (creating if needed) and migrates the SQLite database at
// `options.path`. The database runs in WAL mode with synchronous=FULL: a write
// that returned OK survives a crash of the process or of the machine.
// INVALID_ARGUMENT for a bad path or pool size; FAILED_PRECONDITION when the
// file's schema is newer than this build; UNAVAILABLE or INTERNAL when the
// file cannot be opened.
absl::StatusOr<SqliteStores> OpenSqliteStores(const SqliteOptions& options);

// OpenSqliteStores for callers that need only the plans.
absl::StatusOr<std::unique_ptr<PlanStore>> OpenSqlitePlanStore(
    const SqliteOptions& options);

// The schema version this build writes (PRAGMA user_version).
int SqliteSchemaVersion();

// The version of the SQLite library linked in, e.g. "3.40.1".
std::string SqliteLibraryVersion();

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_SQLITE_H_
