#include "server/storage/sqlite_db.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "itp/v1/benchmark_job.pb.h"
#include "server/domain/errors.h"
#include "sqlite3.h"  // result codes

namespace itp::storage::internal {
namespace {

// Versioned migrations; entry i moves the schema from version i to i + 1.
// Never edit an entry once released: append a new one. Ids that appear in
// resource names use AUTOINCREMENT so that a deleted resource's name is never
// given to another.
const char* const kMigrations[] = {
    // 1: plans, their sectors (for filtering), frozen revisions and the log of
    // retry-safe requests.
    R"sql(
CREATE TABLE plans (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  country     TEXT    NOT NULL,
  state       INTEGER NOT NULL,
  revision    INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  etag        TEXT    NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  submit_time INTEGER NOT NULL DEFAULT 0,
  content     BLOB    NOT NULL
) STRICT;
CREATE INDEX plans_by_country ON plans(country, name);
CREATE INDEX plans_by_state ON plans(state, name);
CREATE INDEX plans_by_create_time ON plans(create_time, name);
CREATE INDEX plans_by_update_time ON plans(update_time, name);
CREATE INDEX plans_by_submit_time ON plans(submit_time, name);
CREATE TABLE plan_sectors (
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  sector  INTEGER NOT NULL,
  PRIMARY KEY (plan_id, sector)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_sectors_by_sector ON plan_sectors(sector, plan_id);
CREATE TABLE plan_revisions (
  plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  revision    INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  content     BLOB    NOT NULL,
  PRIMARY KEY (plan_id, revision)
) STRICT;
CREATE TABLE request_log (
  request_id  TEXT    PRIMARY KEY,
  method      TEXT    NOT NULL,
  resource    TEXT    NOT NULL,
  response    BLOB    NOT NULL,
  create_time INTEGER NOT NULL
) STRICT;
)sql",
    // 2: API keys (salted hashes only) and the audit trail.
    R"sql(
CREATE TABLE api_keys (
  id          INTEGER PRIMARY KEY,
  key_id      TEXT    NOT NULL UNIQUE,
  salt        BLOB    NOT NULL,
  hash        BLOB    NOT NULL,
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL DEFAULT 0,
  revoke_time INTEGER NOT NULL DEFAULT 0,
  content     BLOB    NOT NULL
) STRICT;
CREATE TABLE audit_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  time       INTEGER NOT NULL,
  api_key    TEXT    NOT NULL,
  role       INTEGER NOT NULL,
  method     TEXT    NOT NULL,
  resource   TEXT    NOT NULL,
  request_id TEXT    NOT NULL,
  code       INTEGER NOT NULL,
  message    TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_events_by_time ON audit_events(time);
CREATE INDEX audit_events_by_api_key ON audit_events(api_key, id);
CREATE INDEX audit_events_by_resource ON audit_events(resource, id);
CREATE INDEX audit_events_by_code ON audit_events(code, id);
)sql",
    // 3: reference pathways and benchmark reports.
    R"sql(
CREATE TABLE pathways (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  sector      INTEGER NOT NULL,
  built_in    INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  content     BLOB    NOT NULL
) STRICT;
CREATE INDEX pathways_by_sector ON pathways(sector, name);
CREATE TABLE benchmark_reports (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  create_time INTEGER NOT NULL,
  content     BLOB    NOT NULL
) STRICT;
CREATE INDEX benchmark_reports_by_plan ON benchmark_reports(plan_id, id);
)sql",
    // 4: reviews, their comments, and the plan events partners follow.
    R"sql(
CREATE TABLE reviews (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  state       INTEGER NOT NULL,
  reviewer    TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  content     BLOB    NOT NULL
) STRICT;
CREATE INDEX reviews_by_plan ON reviews(plan_id, id);
CREATE UNIQUE INDEX reviews_one_open_per_plan ON reviews(plan_id)
  WHERE state = 1;
CREATE TABLE comments (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
  resolved  INTEGER NOT NULL,
  content   BLOB    NOT NULL
) STRICT;
CREATE INDEX comments_by_review ON comments(review_id, id);
CREATE TABLE plan_events (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  time           INTEGER NOT NULL,
  country        TEXT    NOT NULL,
  on_open_review INTEGER NOT NULL,
  content        BLOB    NOT NULL
) STRICT;
)sql",
    // 5: benchmark jobs, their runs and the plans of each run.
    R"sql(
CREATE TABLE benchmark_jobs (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  content     BLOB    NOT NULL
) STRICT;
CREATE TABLE benchmark_job_runs (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id  INTEGER NOT NULL REFERENCES benchmark_jobs(id) ON DELETE CASCADE,
  state   INTEGER NOT NULL,
  content BLOB    NOT NULL
) STRICT;
CREATE INDEX benchmark_job_runs_by_job ON benchmark_job_runs(job_id, id);
CREATE INDEX benchmark_job_runs_by_state ON benchmark_job_runs(state, id);
CREATE TABLE benchmark_job_items (
  run_id  INTEGER NOT NULL REFERENCES benchmark_job_runs(id)
          ON DELETE CASCADE,
  idx     INTEGER NOT NULL,
  plan    TEXT    NOT NULL,
  done    INTEGER NOT NULL,
  content BLOB,
  PRIMARY KEY (run_id, idx)
) STRICT, WITHOUT ROWID;
)sql",
    // 6: who an audit row is about when there is no key (the client's
    // address), and how many calls it stands for (unauthenticated failures
    // are one row per client and minute).
    R"sql(
ALTER TABLE audit_events ADD COLUMN peer TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
)sql",
    // 7: request ids belong to the API key that sent them (for those
    // recorded before, the key of their audit event, if any; without one
    // they replay no more), and remember a digest of the request they came
    // with (not known for those recorded before).
    R"sql(
CREATE TABLE request_ids (
  api_key      TEXT    NOT NULL,
  request_id   TEXT    NOT NULL,
  method       TEXT    NOT NULL,
  resource     TEXT    NOT NULL,
  request_hash BLOB    NOT NULL,
  response     BLOB    NOT NULL,
  create_time  INTEGER NOT NULL,
  PRIMARY KEY (api_key, request_id)
) STRICT;
CREATE INDEX request_ids_by_time ON request_ids(create_time);
INSERT INTO request_ids
  SELECT COALESCE((SELECT a.api_key FROM audit_events a
                   WHERE a.request_id = r.request_id AND a.code = 0
                     AND a.method = r.method
                   ORDER BY a.id LIMIT 1), ''),
         lower(r.request_id), r.method, r.resource, x'', r.response,
         r.create_time
  FROM request_log r;
DROP TABLE request_log;
)sql",
    // 8: secrets of the server, such as the key that signs page tokens.
    R"sql(
CREATE TABLE server_secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;
)sql",
    // 9: what retention (retention_store.h) needs to find expired rows
    // without decoding any: the kind of each audit row (AuditKind; older
    // rows by their code and method: 16 is UNAUTHENTICATED, and reads are the
    // Get, List, Watch, Stream and Compare methods), the revision and
    // parameters of each report, and the report of each job result. The
    // last two are filled from the stored messages by FillRetentionColumns.
    R"sql(
ALTER TABLE audit_events ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
UPDATE audit_events SET kind = 2 WHERE code = 16;
UPDATE audit_events SET kind = 1
  WHERE code NOT IN (0, 16)
    AND (method GLOB '/*/Get*' OR method GLOB '/*/List*'
         OR method GLOB '/*/Watch*' OR method GLOB '/*/Stream*'
         OR method GLOB '/*/Compare*');
CREATE INDEX audit_events_expiring_by_time ON audit_events(time)
  WHERE kind != 0;
ALTER TABLE benchmark_reports ADD COLUMN plan_revision TEXT NOT NULL
  DEFAULT '';
ALTER TABLE benchmark_reports ADD COLUMN parameters BLOB NOT NULL
  DEFAULT x'';
CREATE INDEX benchmark_reports_by_revision
  ON benchmark_reports(plan_id, plan_revision, parameters, id);
CREATE INDEX benchmark_reports_by_time
  ON benchmark_reports(create_time, id, plan_id, plan_revision, parameters);
ALTER TABLE benchmark_job_items ADD COLUMN report_id INTEGER;
CREATE INDEX benchmark_job_items_by_report ON benchmark_job_items(report_id)
  WHERE report_id IS NOT NULL;
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// Migration 9's data: the revision and parameters of every stored report and
// the report id of every recorded job result, read from their messages. A
// message that cannot be decoded keeps the defaults, which retention reads
// as "keep".
void FillRetentionColumns(Connection& c) {
  struct ReportKeys {
    int64_t id;
    std::string plan_revision;
    std::string parameters;
  };
  std::vector<ReportKeys> reports;
  {
    SQLite::Statement s(c.db(), "SELECT id, content FROM benchmark_reports");
    while (s.executeStep()) {
      auto report = FromBlob<itp::v1::BenchmarkReport>(s.getColumn(1));
      if (!report.ok()) continue;
      reports.push_back({s.getColumn(0).getInt64(), report->plan_revision(),
                         ReportParameters(*report)});
    }
  }
  {
    SQLite::Statement s(c.db(),
                        "UPDATE benchmark_reports SET plan_revision = ?, "
                        "parameters = ? WHERE id = ?");
    for (const ReportKeys& r : reports) {
      s.bind(1, r.plan_revision);
      s.bind(2, r.parameters.data(), static_cast<int>(r.parameters.size()));
      s.bind(3, static_cast<int64_t>(r.id));
      s.exec();
      s.reset();
    }
  }
  struct ItemReport {
    int64_t run_id;
    int idx;
    int64_t report_id;
  };
  std::vector<ItemReport> items;
  {
    SQLite::Statement s(c.db(),
                        "SELECT run_id, idx, content FROM benchmark_job_items "
                        "WHERE content IS NOT NULL");
    while (s.executeStep()) {
      auto result = FromBlob<itp::v1::BenchmarkJobResult>(s.getColumn(2));
      if (!result.ok()) continue;
      const int64_t report_id = ReportIdOf(result->report());
      if (report_id == 0) continue;
      items.push_back(
          {s.getColumn(0).getInt64(), s.getColumn(1).getInt(), report_id});
    }
  }
  SQLite::Statement s(c.db(),
                      "UPDATE benchmark_job_items SET report_id = ? WHERE "
                      "run_id = ? AND idx = ?");
  for (const ItemReport& item : items) {
    s.bind(1, static_cast<int64_t>(item.report_id));
    s.bind(2, static_cast<int64_t>(item.run_id));
    s.bind(3, item.idx);
    s.exec();
    s.reset();
  }
}

// Steps of a migration that SQL cannot do, run in its transaction right
// after its SQL: {version reached, step}.
struct MigrationStep {
  int version;
  void (*run)(Connection& c);
};
constexpr MigrationStep kMigrationSteps[] = {{9, FillRetentionColumns}};

absl::Status Migrate(Connection& c) {
  SQLite::Transaction txn(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
  int version = c.db().execAndGet("PRAGMA user_version").getInt();
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("The database schema is version ", version,
                     " but this server understands up to version ",
                     kSchemaVersion, "; run a newer itp-server."));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    c.db().exec(kMigrations[v]);
    for (const MigrationStep& step : kMigrationSteps) {
      if (step.version == v + 1) step.run(c);
    }
    c.db().exec(absl::StrCat("PRAGMA user_version = ", v + 1));
  }
  txn.commit();
  return absl::OkStatus();
}

}  // namespace

ScopedStatement::~ScopedStatement() {
  --borrowed_;
  s_.tryReset();
  try {
    s_.clearBindings();
  } catch (const SQLite::Exception&) {
    // The statement is re-bound in full before its next use anyway.
  }
}

Connection::Connection(const std::string& path, int busy_timeout_ms)
    : db_(path,
          SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
          busy_timeout_ms) {
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=FULL");
  db_.exec("PRAGMA foreign_keys=ON");
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

absl::Status FromSqlite(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
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
  std::shared_ptr<SqliteDb> db(new SqliteDb(std::move(now)));
  try {
    for (int i = 0; i < options.pool_size; ++i) {
      auto c =
          std::make_unique<Connection>(options.path, options.busy_timeout_ms);
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
                           const google::protobuf::MessageLite& response) {
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
  InsertAudit(c, ctx, resource, absl::OkStatus());
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
  s->bind(8, domain::Truncate(outcome.message(),
                              domain::kMaxStatusMessageBytes));
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

namespace itp::storage {

int SqliteSchemaVersion() { return internal::kSchemaVersion; }

}  // namespace itp::storage
