// The versioned schema of the SQLite store: its migrations, in order, and
// the data steps that SQL alone cannot do. Opening a database migrates it.
#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_job.pb.h"
#include "server/domain/investment.h"
#include "server/storage/sqlite.h"
#include "server/storage/sqlite_db.h"

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
    // 10: progress reports (one row per version of a plan's report for a
    // reporting year; state 1 DRAFT, 2 PUBLISHED, 3 SUPERSEDED; `edits`
    // counts the changes behind the etag), the sectors each reports on, and
    // the progress status of each plan's latest published report.
    R"sql(
CREATE TABLE progress_reports (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  plan_id        INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  reporting_year INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  state          INTEGER NOT NULL,
  edits          INTEGER NOT NULL,
  create_time    INTEGER NOT NULL,
  content        BLOB    NOT NULL,
  UNIQUE (plan_id, reporting_year, version)
) STRICT;
CREATE UNIQUE INDEX progress_reports_one_draft
  ON progress_reports(plan_id, reporting_year) WHERE state = 1;
CREATE INDEX progress_reports_by_year
  ON progress_reports(reporting_year, plan_id, version);
CREATE TABLE progress_report_sectors (
  report_id INTEGER NOT NULL REFERENCES progress_reports(id)
            ON DELETE CASCADE,
  sector    INTEGER NOT NULL,
  PRIMARY KEY (report_id, sector)
) STRICT, WITHOUT ROWID;
CREATE INDEX progress_report_sectors_by_sector
  ON progress_report_sectors(sector, report_id);
ALTER TABLE plans ADD COLUMN progress_status INTEGER NOT NULL DEFAULT 0;
CREATE INDEX plans_by_progress_status ON plans(progress_status, name);
)sql",
    // 11: the investment tracker: one row per project of each plan's latest
    // submitted revision (RefreshProjectIndex), with the columns that
    // ListProjects filters and sorts on and SummarizeInvestments groups and
    // sums; `content` is the TrackedProject. Projects get stable ids
    // (AssignProjectIds), filled into every stored plan and revision.
    R"sql(
CREATE TABLE plan_projects (
  plan_id       INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  project_id    TEXT    NOT NULL,
  name          TEXT    NOT NULL UNIQUE,
  country       TEXT    NOT NULL,
  sector        INTEGER NOT NULL,
  technology    INTEGER NOT NULL,
  scale         INTEGER NOT NULL,
  status        INTEGER NOT NULL,
  start_year    INTEGER NOT NULL,
  conditional   INTEGER NOT NULL,
  company       TEXT    NOT NULL,
  capacity_mtpa REAL,
  capex_usd     REAL,
  content       BLOB    NOT NULL,
  PRIMARY KEY (plan_id, project_id)
) STRICT;
CREATE INDEX plan_projects_by_technology
  ON plan_projects(technology, status, name);
CREATE INDEX plan_projects_by_status ON plan_projects(status, name);
CREATE INDEX plan_projects_by_country ON plan_projects(country, name);
CREATE INDEX plan_projects_by_sector ON plan_projects(sector, name);
CREATE INDEX plan_projects_by_start_year ON plan_projects(start_year, name);
CREATE INDEX plan_projects_by_scale ON plan_projects(scale, name);
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

// Migration 11's data: ids for the projects of every stored plan and
// revision (each revision's ids carried to the next, the current content
// after the latest revision), then the tracker's rows of every plan.
void FillProjectIds(Connection& c) {
  std::vector<int64_t> plan_ids;
  {
    SQLite::Statement s(c.db(), "SELECT id FROM plans ORDER BY id");
    while (s.executeStep()) plan_ids.push_back(s.getColumn(0).getInt64());
  }
  for (int64_t plan_id : plan_ids) {
    std::vector<std::pair<int, itp::v1::Plan>> revisions;
    {
      SQLite::Statement s(c.db(),
                          "SELECT revision, content FROM plan_revisions "
                          "WHERE plan_id = ? ORDER BY revision");
      s.bind(1, static_cast<int64_t>(plan_id));
      while (s.executeStep()) {
        auto plan = FromBlob<itp::v1::Plan>(s.getColumn(1));
        if (plan.ok()) revisions.emplace_back(s.getColumn(0).getInt(), *plan);
      }
    }
    const itp::v1::Plan* previous = nullptr;
    SQLite::Statement update(c.db(),
                             "UPDATE plan_revisions SET content = ? WHERE "
                             "plan_id = ? AND revision = ?");
    for (auto& [revision, plan] : revisions) {
      domain::AssignProjectIds(previous, plan);
      const std::string blob = plan.SerializeAsString();
      update.bind(1, blob.data(), static_cast<int>(blob.size()));
      update.bind(2, static_cast<int64_t>(plan_id));
      update.bind(3, revision);
      update.exec();
      update.reset();
      previous = &plan;
    }
    std::optional<itp::v1::Plan> current;
    {
      SQLite::Statement s(c.db(), "SELECT content FROM plans WHERE id = ?");
      s.bind(1, static_cast<int64_t>(plan_id));
      if (s.executeStep()) {
        auto plan = FromBlob<itp::v1::Plan>(s.getColumn(0));
        if (plan.ok()) current = *std::move(plan);
      }
    }
    if (current) {
      domain::AssignProjectIds(previous, *current);
      const std::string blob = current->SerializeAsString();
      SQLite::Statement s(c.db(), "UPDATE plans SET content = ? WHERE id = ?");
      s.bind(1, blob.data(), static_cast<int>(blob.size()));
      s.bind(2, static_cast<int64_t>(plan_id));
      s.exec();
    }
    RefreshProjectIndex(c, plan_id);
  }
}

// Steps of a migration that SQL cannot do, run in its transaction right
// after its SQL: {version reached, step}.
struct MigrationStep {
  int version;
  void (*run)(Connection& c);
};
constexpr MigrationStep kMigrationSteps[] = {{9, FillRetentionColumns},
                                             {11, FillProjectIds}};

}  // namespace

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


}  // namespace itp::storage::internal

namespace itp::storage {

int SqliteSchemaVersion() { return internal::kSchemaVersion; }

std::string SqliteLibraryVersion() { return sqlite3_libversion(); }

}  // namespace itp::storage
