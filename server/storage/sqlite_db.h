// Internal to server/storage: the SQLite database shared by the SQLite
// stores (plans, API keys, audit trail, retention). A pool of connections,
// each with its own cache of prepared statements; versioned migrations; and
// the bookkeeping every write does in its transaction (the request log that
// makes retries safe, and the audit event).
//
// Only server/storage/*.cc include this header.
#ifndef ITP_SERVER_STORAGE_SQLITE_DB_H_
#define ITP_SERVER_STORAGE_SQLITE_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/message_lite.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/review.pb.h"
#include "server/common/metrics.h"
#include "server/domain/plan_query.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"

namespace itp::storage::internal {

// Bounds of an audit row's texts, in bytes: the resource a call named, and
// every other text (key, method, request id, peer).
inline constexpr size_t kMaxAuditResourceBytes = 256;
inline constexpr size_t kMaxAuditFieldBytes = 128;

// What an audit row records (column audit_events.kind, schema 9), which
// decides whether retention may delete it (server/storage/retention_store.h).
enum class AuditKind : int {
  // A change, a denied or failed attempt at one, or the server's own write:
  // kept for ever.
  kChange = 0,
  // The denial or failure of a call that only reads.
  kRead = 1,
  // Calls without a valid key, counted per client and minute.
  kKeyless = 2,
};

// The parameters of `report` that make two reports of one plan revision the
// same computation (methodology_version, pathway_releases, checkpoint_years,
// tcre_c_per_1000_gtco2), serialized deterministically: column
// benchmark_reports.parameters.
std::string ReportParameters(const itp::v1::BenchmarkReport& report);

// The id of report `name` (`.../benchmarkReports/{id}`); 0 for anything else.
int64_t ReportIdOf(absl::string_view name);

// A statement borrowed from a connection's cache; reset (releasing any read
// snapshot) and unbound when the borrow ends.
class ScopedStatement {
 public:
  ScopedStatement(SQLite::Statement& s, int& borrowed)
      : s_(s), borrowed_(borrowed) {
    ++borrowed_;
  }
  ScopedStatement(const ScopedStatement&) = delete;
  ScopedStatement& operator=(const ScopedStatement&) = delete;
  ~ScopedStatement();
  SQLite::Statement* operator->() { return &s_; }
  SQLite::Statement& operator*() { return s_; }

 private:
  SQLite::Statement& s_;
  int& borrowed_;
};

// One connection and its prepared statements. Used by one thread at a time.
class Connection {
 public:
  // A connection that, finding the database locked by another connection or
  // process, retries for up to `busy_timeout_ms` (as SQLite's busy timeout
  // does), counting each retry in `metrics`.
  Connection(const std::string& path, int busy_timeout_ms, Metrics& metrics);

  SQLite::Database& db() { return db_; }

  // The cached statement for `sql`, prepared on first use.
  ScopedStatement Prepare(const std::string& sql);

 private:
  // SQLite's busy handler: sleeps and returns 1 to retry, 0 to give up.
  static int OnBusy(void* connection, int count);

  static constexpr size_t kMaxCachedStatements = 128;
  SQLite::Database db_;
  const int busy_timeout_ms_;
  Metrics& metrics_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
  // Statements handed out and not yet returned.
  int borrowed_ = 0;
};

using BindValue = std::variant<int64_t, std::string>;

// Appends the SQL of one comparison of a filter to `sql`, with its value as a
// `?` parameter appended to `binds`.
using ComparisonToSql = void (*)(const domain::FilterExpr& comparison,
                                 std::string* sql,
                                 std::vector<BindValue>* binds);

// Appends the SQL of filter `e` (AND, OR, NOT over comparisons rendered by
// `comparison`) to `sql`. User text only ever reaches `binds`.
void FilterToSql(const domain::FilterExpr& e, ComparisonToSql comparison,
                 std::string* sql, std::vector<BindValue>* binds);

// The SQL of one ListPlans filter comparison over `plans p`
// (sqlite_plan_store.cc).
void PlanComparisonToSql(const domain::FilterExpr& e, std::string* sql,
                         std::vector<BindValue>* binds);

// "(column op ?)" for a comparison of `e`, binding its string or int value.
void AppendComparison(absl::string_view column, const domain::FilterExpr& e,
                      std::string* sql, std::vector<BindValue>* binds);

// Binds `binds` to parameters 1, 2, ... of `s`.
void Bind(SQLite::Statement& s, const std::vector<BindValue>& binds);

// Decodes a message stored in a BLOB column; DATA_LOSS when it is corrupt.
template <typename T>
absl::StatusOr<T> FromBlob(const SQLite::Column& column) {
  T message;
  if (!message.ParseFromArray(column.getBlob(), column.getBytes())) {
    return absl::DataLossError("A stored record could not be decoded.");
  }
  return message;
}

// Binds `message`, serialized, to parameter `index` of `s`.
void BindMessage(ScopedStatement& s, int index,
                 const google::protobuf::MessageLite& message);

// The SQLite error as a status: UNAVAILABLE when busy or locked, INTERNAL
// otherwise.
absl::Status FromSqlite(const SQLite::Exception& e);

// Whether `e` says the database was busy or locked.
bool IsBusy(const SQLite::Exception& e);

// Brings the database on `c` to the current schema version in one
// transaction (sqlite_schema.cc); FAILED_PRECONDITION for a database from a
// newer server.
absl::Status Migrate(Connection& c);

class SqliteDb {
 public:
  // Opens `options.path` with `options.pool_size` connections and migrates it.
  static absl::StatusOr<std::shared_ptr<SqliteDb>> Open(
      const SqliteOptions& options);

  int64_t Now() const { return now_(); }

  // Runs `fn(Connection&)` (returning absl::StatusOr<T>) on a pooled
  // connection, turning SQLite exceptions into statuses.
  template <typename T, typename Fn>
  absl::StatusOr<T> Read(Fn&& fn) {
    Lease lease(*this);
    try {
      return fn(*lease.connection);
    } catch (const SQLite::Exception& e) {
      return Failed(e);
    }
  }

  // As Read, in an IMMEDIATE transaction committed only when `fn` succeeds.
  //
  // Writers of this process queue on a mutex rather than in SQLite's busy
  // handler, which sleeps and retries: a steady writer (a benchmark job)
  // would otherwise keep interactive writes waiting. The busy timeout still
  // covers other processes (backups, the sqlite3 shell).
  template <typename T, typename Fn>
  absl::StatusOr<T> Write(Fn&& fn) {
    const absl::Time asked = absl::Now();
    absl::MutexLock writer(&write_mu_);
    const absl::Time began = absl::Now();
    absl::StatusOr<T> result = absl::UnknownError("");
    {
      Lease lease(*this);
      try {
        SQLite::Transaction txn(lease.connection->db(),
                                SQLite::TransactionBehavior::IMMEDIATE);
        result = fn(*lease.connection);
        if (result.ok()) txn.commit();
      } catch (const SQLite::Exception& e) {
        result = Failed(e);
      }
    }
    metrics_.DbWriteTransaction(began - asked, absl::Now() - began);
    return result;
  }

  // In a write transaction: the response stored for `ctx.request_id` of
  // `ctx.api_key` by an earlier call, nullopt when there is none (or no
  // request id). An earlier call is replayed only if it was the same method
  // on the same resource with the same request (ctx.request_hash); otherwise
  // INVALID_ARGUMENT naming request_id that tells nothing of the earlier
  // call. A replay is audited.
  absl::StatusOr<std::optional<std::string>> Replay(Connection& c,
                                                    const WriteContext& ctx,
                                                    absl::string_view resource);

  // Replay() with the stored response decoded as a T.
  template <typename T>
  absl::StatusOr<std::optional<T>> ReplayAs(Connection& c,
                                            const WriteContext& ctx,
                                            absl::string_view resource) {
    auto replay = Replay(c, ctx, resource);
    if (!replay.ok()) return replay.status();
    if (!replay->has_value()) return std::optional<T>();
    T message;
    if (!message.ParseFromString(**replay)) {
      return absl::DataLossError("A stored response could not be decoded.");
    }
    return std::optional<T>(std::move(message));
  }

  // In a write transaction, after a successful change: records the response
  // for retries (when ctx.request_id is set) under `resource`, the one a
  // retry's Replay names, and the audit event, of `audited` when given (a
  // create whose name the server picks replays on the parent and audits the
  // new resource).
  void RecordWrite(Connection& c, const WriteContext& ctx,
                   absl::string_view resource,
                   const google::protobuf::MessageLite& response,
                   absl::string_view audited = {});

  // Appends a plan event (id and time are the row's) in the caller's
  // transaction.
  void InsertEvent(Connection& c, const itp::v1::PlanEvent& event,
                   absl::string_view country, bool on_open_review);

  // Appends the STATE_CHANGED event of `plan` moving from `from` to its
  // current state (optionally caused by `review`).
  void InsertStateChange(Connection& c, const itp::v1::Plan& plan,
                         itp::v1::Plan::State from, absl::string_view review);

  // Inserts an audit event of one call with `outcome`, now (in the caller's
  // transaction); of kind kRead when ctx.is_read and the call failed, else
  // kChange. Every text is cut to its bound (kMaxAudit*Bytes, the status
  // message to domain::kMaxStatusMessageBytes).
  void InsertAudit(Connection& c, const WriteContext& ctx,
                   absl::string_view resource, const absl::Status& outcome);

  // As InsertAudit, for `count` calls without a valid key from `time` on
  // (unix micros), naming no resource: an event of kind kKeyless.
  void InsertKeylessAudit(Connection& c, const WriteContext& ctx,
                          const absl::Status& outcome, int64_t count,
                          int64_t time);

 private:
  void InsertAuditRow(Connection& c, const WriteContext& ctx,
                      absl::string_view resource, const absl::Status& outcome,
                      int64_t count, int64_t time, AuditKind kind);

  struct Lease {
    explicit Lease(SqliteDb& db);
    ~Lease();
    SqliteDb& db;
    std::unique_ptr<Connection> connection;
  };

  SqliteDb(std::function<int64_t()> now, Metrics& metrics)
      : now_(std::move(now)), metrics_(metrics) {}

  // FromSqlite(e), counting busy errors.
  absl::Status Failed(const SQLite::Exception& e);

  std::function<int64_t()> now_;
  Metrics& metrics_;
  // Held for the whole of each write transaction.
  absl::Mutex write_mu_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> free_ ABSL_GUARDED_BY(mu_);
};

// In a write transaction: reads the plan `name`, applies `mutate`, writes it
// back with a new etag and update time, freezes a new revision when
// `revision` rose, and records a STATE_CHANGED event (caused by
// `cause_review`, if any) when the state changed. NOT_FOUND for a missing
// plan; errors of `mutate` as they are.
absl::StatusOr<itp::v1::Plan> ApplyPlanMutation(SqliteDb& db, Connection& c,
                                                absl::string_view name,
                                                const PlanMutation& mutate,
                                                absl::string_view cause_review);

// Rewrites the investment tracker's rows of plan `plan_id` from its latest
// submitted revision and its latest published progress report
// (sqlite_investment_store.cc); no rows for a plan never submitted. Run in
// the transaction of every change to either.
void RefreshProjectIndex(Connection& c, int64_t plan_id);

// The stores over `db` (defined with each implementation).
std::unique_ptr<PlanStore> NewSqlitePlanStore(std::shared_ptr<SqliteDb> db);
std::unique_ptr<KeyStore> NewSqliteKeyStore(std::shared_ptr<SqliteDb> db);
std::unique_ptr<AuditLog> NewSqliteAuditLog(std::shared_ptr<SqliteDb> db);
std::unique_ptr<BenchmarkStore> NewSqliteBenchmarkStore(
    std::shared_ptr<SqliteDb> db);
std::unique_ptr<ReviewStore> NewSqliteReviewStore(std::shared_ptr<SqliteDb> db);
std::unique_ptr<ProgressStore> NewSqliteProgressStore(
    std::shared_ptr<SqliteDb> db);
std::unique_ptr<JobStore> NewSqliteJobStore(std::shared_ptr<SqliteDb> db);
std::unique_ptr<InvestmentStore> NewSqliteInvestmentStore(
    std::shared_ptr<SqliteDb> db);
std::unique_ptr<RetentionStore> NewSqliteRetentionStore(
    std::shared_ptr<SqliteDb> db);

}  // namespace itp::storage::internal

#endif  // ITP_SERVER_STORAGE_SQLITE_DB_H_
