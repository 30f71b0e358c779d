#include "server/storage/sqlite_db.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/domain/errors.h"
#include "sqlite3.h"  // result codes

namespace itp::storage::internal {

ScopedStatement::~ScopedStatement() {
  --borrowed_;
  s_.tryReset();
  try {
    s_.clearBindings();
  } catch (const SQLite::Exception&) {
    // The statement is re-bound in full before its next use anyway.
  }
}

Connection::Connection(const std::string& path, int busy_timeout_ms,
                       Metrics& metrics)
    : db_(path,
          SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX),
      busy_timeout_ms_(busy_timeout_ms),
      metrics_(metrics) {
  // Replaces SQLite's busy timeout, with the same waits, to count retries.
  sqlite3_busy_handler(db_.getHandle(), &Connection::OnBusy, this);
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=FULL");
  db_.exec("PRAGMA foreign_keys=ON");
}

int Connection::OnBusy(void* connection, int count) {
  // SQLite's own schedule (sqliteDefaultBusyCallback): short waits first,
  // then 100 ms at a time, until the timeout.
  static constexpr int kDelays[] = {1,  2,  5,  10, 15, 20,
                                    25, 25, 25, 50, 50, 100};
  static constexpr int kTotals[] = {0,  1,  3,   8,   18,  33,
                                    53, 78, 103, 128, 178, 228};
  constexpr int kSteps = sizeof(kDelays) / sizeof(kDelays[0]);
  auto* c = static_cast<Connection*>(connection);
  int delay;
  int waited;
  if (count < kSteps) {
    delay = kDelays[count];
    waited = kTotals[count];
  } else {
    delay = kDelays[kSteps - 1];
    waited = kTotals[kSteps - 1] + delay * (count - (kSteps - 1));
  }
  if (waited + delay > c->busy_timeout_ms_) {
    delay = c->busy_timeout_ms_ - waited;
    if (delay <= 0) return 0;
  }
  c->metrics_.DbBusyRetry();
  absl::SleepFor(absl::Milliseconds(delay));
  return 1;
}

ScopedStatement Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    // Filters make SQL text vary; bound the cache so it cannot grow without
    // limit. Statements still borrowed must survive, so the cache is only
    // emptied between operations (it may briefly exceed its bound).
    if (cache_.size() >= kMaxCachedStatements && borrowed_ == 0) {
      cache_.clear();
    }
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql))
             .first;
  }
  return ScopedStatement(*it->second, borrowed_);
}

void FilterToSql(const domain::FilterExpr& e, ComparisonToSql comparison,
                 std::string* sql, std::vector<BindValue>* binds) {
  using Kind = domain::FilterExpr::Kind;
  switch (e.kind) {
    case Kind::kAnd:
    case Kind::kOr:
      sql->append("(");
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) sql->append(e.kind == Kind::kAnd ? " AND " : " OR ");
        FilterToSql(e.children[i], comparison, sql, binds);
      }
      sql->append(")");
      return;
    case Kind::kNot:
      sql->append("NOT ");
      FilterToSql(e.children[0], comparison, sql, binds);
      return;
    case Kind::kCompare:
      comparison(e, sql, binds);
      return;
  }
}

void AppendComparison(absl::string_view column, const domain::FilterExpr& e,
                      std::string* sql, std::vector<BindValue>* binds) {
  absl::string_view op = "=";
  switch (e.op) {
    case domain::CompareOp::kEq:
      op = "=";
      break;
    case domain::CompareOp::kNe:
      op = "!=";
      break;
    case domain::CompareOp::kLt:
      op = "<";
      break;
    case domain::CompareOp::kLe:
      op = "<=";
      break;
    case domain::CompareOp::kGt:
      op = ">";
      break;
    case domain::CompareOp::kGe:
      op = ">=";
      break;
  }
  absl::StrAppend(sql, "(", column, " ", op, " ?)");
  if (e.string_value.empty()) {
    binds->emplace_back(e.int_value);
  } else {
    binds->emplace_back(e.string_value);
  }
}

void BindMessage(ScopedStatement& s, int index,
                 const google::protobuf::MessageLite& message) {
  std::string blob = message.SerializeAsString();
  s->bind(index, blob.data(), static_cast<int>(blob.size()));
}

void Bind(SQLite::Statement& s, const std::vector<BindValue>& binds) {
  for (size_t i = 0; i < binds.size(); ++i) {
    if (const auto* v = std::get_if<int64_t>(&binds[i])) {
      s.bind(static_cast<int>(i + 1), static_cast<int64_t>(*v));
    } else {
      s.bind(static_cast<int>(i + 1), std::get<std::string>(binds[i]));
    }
  }
}

bool IsBusy(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

absl::Status SqliteDb::Failed(const SQLite::Exception& e) {
  if (IsBusy(e)) metrics_.DbBusyError();
  return FromSqlite(e);
}

absl::Status FromSqlite(const SQLite::Exception& e) {
  if (IsBusy(e)) {
    return absl::UnavailableError(
        "The database is busy; retry the call in a moment.");
  }
  return absl::InternalError(absl::StrCat("Storage error: ", e.what()));
}

absl::StatusOr<std::shared_ptr<SqliteDb>> SqliteDb::Open(
    const SqliteOptions& options) {
  if (options.path.empty() || options.path == ":memory:") {
    return absl::InvalidArgumentError(
        "The database path must name a file (':memory:' cannot be shared by "
        "the connection pool).");
  }
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("The pool needs at least 1 connection.");
  }
  std::function<int64_t()> now = options.now_unix_micros;
  if (!now) now = [] { return absl::ToUnixMicros(absl::Now()); };
  Metrics& metrics =
      options.metrics != nullptr ? *options.metrics : Metrics::Discard();
  std::shared_ptr<SqliteDb> db(new SqliteDb(std::move(now), metrics));
  try {
    for (int i = 0; i < options.pool_size; ++i) {
      auto c = std::make_unique<Connection>(options.path,
                                            options.busy_timeout_ms, metrics);
      if (i == 0) {
        absl::Status migrated = Migrate(*c);
        if (!migrated.ok()) return migrated;
      }
      absl::MutexLock lock(&db->mu_);
      db->free_.push_back(std::move(c));
    }
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(absl::StrCat("Cannot open the database '",
                                               options.path, "': ", e.what()));
  }
  return db;
}

SqliteDb::Lease::Lease(SqliteDb& owner) : db(owner) {
  absl::MutexLock lock(&db.mu_);
  db.mu_.Await(absl::Condition(
      +[](std::vector<std::unique_ptr<Connection>>* f) { return !f->empty(); },
      &db.free_));
  connection = std::move(db.free_.back());
  db.free_.pop_back();
}

SqliteDb::Lease::~Lease() {
  absl::MutexLock lock(&db.mu_);
  db.free_.push_back(std::move(connection));
}

absl::StatusOr<std::optional<std::string>> SqliteDb::Replay(
    Connection& c, const WriteContext& ctx, absl::string_view resource) {
  if (ctx.request_id.empty()) return std::optional<std::string>();
  std::string method;
  std::string stored_resource;
  std::string response;
  std::string request_hash;
  {
    ScopedStatement s = c.Prepare(
        "SELECT method, resource, request_hash, response FROM request_ids "
        "WHERE api_key = ? AND request_id = ?");
    s->bind(1, ctx.api_key);
    s->bind(2, ctx.request_id);
    if (!s->executeStep()) return std::optional<std::string>();
    method = s->getColumn(0).getString();
    stored_resource = s->getColumn(1).getString();
    const SQLite::Column hash = s->getColumn(2);
    request_hash.assign(static_cast<const char*>(hash.getBlob()),
                        hash.getBytes());
    const SQLite::Column blob = s->getColumn(3);
    response.assign(static_cast<const char*>(blob.getBlob()), blob.getBytes());
  }
  // The same id with another request: a client bug or a guess. Say so, and
  // nothing about the first request.
  if (method != ctx.method || stored_resource != resource ||
      (!request_hash.empty() && request_hash != ctx.request_hash)) {
    return domain::InvalidField(
        "request_id",
        absl::StrCat("'", ctx.request_id,
                     "' was already used by this API key for another "
                     "request; use a new UUID for a new request."));
  }
  InsertAudit(c, ctx, resource, absl::OkStatus());
  return std::optional<std::string>(std::move(response));
}

void SqliteDb::RecordWrite(Connection& c, const WriteContext& ctx,
                           absl::string_view resource,
                           const google::protobuf::MessageLite& response,
                           absl::string_view audited) {
  if (!ctx.request_id.empty()) {
    std::string blob = response.SerializeAsString();
    ScopedStatement s = c.Prepare(
        "INSERT INTO request_ids (api_key, request_id, method, resource, "
        "request_hash, response, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s->bind(1, ctx.api_key);
    s->bind(2, ctx.request_id);
    s->bind(3, ctx.method);
    s->bind(4, std::string(resource));
    s->bind(5, ctx.request_hash.data(),
            static_cast<int>(ctx.request_hash.size()));
    s->bind(6, blob.data(), static_cast<int>(blob.size()));
    s->bind(7, static_cast<int64_t>(Now()));
    s->exec();
  }
  InsertAudit(c, ctx, audited.empty() ? resource : audited, absl::OkStatus());
}

void SqliteDb::InsertEvent(Connection& c, const itp::v1::PlanEvent& event,
                           absl::string_view country, bool on_open_review) {
  ScopedStatement s = c.Prepare(
      "INSERT INTO plan_events (time, country, on_open_review, content) "
      "VALUES (?, ?, ?, ?)");
  std::string blob = event.SerializeAsString();
  s->bind(1, static_cast<int64_t>(Now()));
  s->bind(2, std::string(country));
  s->bind(3, on_open_review ? 1 : 0);
  s->bind(4, blob.data(), static_cast<int>(blob.size()));
  s->exec();
}

void SqliteDb::InsertStateChange(Connection& c, const itp::v1::Plan& plan,
                                 itp::v1::Plan::State from,
                                 absl::string_view review) {
  itp::v1::PlanEvent event;
  event.set_type(itp::v1::PlanEvent::STATE_CHANGED);
  event.set_plan(plan.name());
  event.set_from_state(from);
  event.set_to_state(plan.state());
  event.set_review(std::string(review));
  event.set_summary(absl::StrCat(itp::v1::Plan::State_Name(from), " -> ",
                                 itp::v1::Plan::State_Name(plan.state())));
  InsertEvent(c, event, plan.country(), false);
}

void SqliteDb::InsertAudit(Connection& c, const WriteContext& ctx,
                           absl::string_view resource,
                           const absl::Status& outcome) {
  InsertAuditRow(
      c, ctx, resource, outcome, 1, 0,
      ctx.is_read && !outcome.ok() ? AuditKind::kRead : AuditKind::kChange);
}

void SqliteDb::InsertKeylessAudit(Connection& c, const WriteContext& ctx,
                                  const absl::Status& outcome, int64_t count,
                                  int64_t time) {
  InsertAuditRow(c, ctx, "", outcome, count, time, AuditKind::kKeyless);
}

void SqliteDb::InsertAuditRow(Connection& c, const WriteContext& ctx,
                              absl::string_view resource,
                              const absl::Status& outcome, int64_t count,
                              int64_t time, AuditKind kind) {
  // Only bounded fields: what a caller sent is cut, so that no call (least
  // of all one without a key) can write a large row.
  ScopedStatement s = c.Prepare(
      "INSERT INTO audit_events (time, api_key, role, method, resource, "
      "request_id, code, message, peer, count, kind) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s->bind(1, static_cast<int64_t>(time > 0 ? time : Now()));
  s->bind(2, domain::Truncate(ctx.api_key, kMaxAuditFieldBytes));
  s->bind(3, static_cast<int>(ctx.role));
  s->bind(4, domain::Truncate(ctx.method, kMaxAuditFieldBytes));
  s->bind(5, domain::Truncate(resource, kMaxAuditResourceBytes));
  s->bind(6, domain::Truncate(ctx.request_id, kMaxAuditFieldBytes));
  s->bind(7, static_cast<int>(outcome.code()));
  s->bind(8,
          domain::Truncate(outcome.message(), domain::kMaxStatusMessageBytes));
  s->bind(9, domain::Truncate(ctx.peer, kMaxAuditFieldBytes));
  s->bind(10, count);
  s->bind(11, static_cast<int>(kind));
  s->exec();
}

std::string ReportParameters(const itp::v1::BenchmarkReport& report) {
  itp::v1::BenchmarkReport parameters;
  parameters.set_methodology_version(report.methodology_version());
  *parameters.mutable_pathway_releases() = report.pathway_releases();
  *parameters.mutable_checkpoint_years() = report.checkpoint_years();
  parameters.set_tcre_c_per_1000_gtco2(report.tcre_c_per_1000_gtco2());
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    parameters.SerializeToCodedStream(&coded);
  }
  return bytes;
}

int64_t ReportIdOf(absl::string_view name) {
  constexpr absl::string_view kSegment = "/benchmarkReports/";
  const size_t pos = name.rfind(kSegment);
  int64_t id = 0;
  if (pos == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(pos + kSegment.size()), &id) || id < 0) {
    return 0;
  }
  return id;
}

}  // namespace itp::storage::internal
