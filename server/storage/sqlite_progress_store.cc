// SQLite implementation of ProgressStore.

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/storage/progress_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace {

using domain::ErrorWithInfo;
using domain::FilterExpr;
using domain::FilterField;
using domain::PageCursor;
using google::protobuf::util::TimeUtil;
using internal::Connection;
using internal::FromBlob;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::PlanEvent;
using itp::v1::ProgressReport;

constexpr char kSegment[] = "/progressReports/";

absl::Status ReportNotFound(absl::string_view name) {
  return ErrorWithInfo(
      absl::StatusCode::kNotFound,
      absl::StrCat("Progress report ", name, " does not exist."),
      "PROGRESS_REPORT_NOT_FOUND", name);
}

std::string ReportEtag(absl::string_view name, int version, int64_t edits) {
  return absl::StrCat(
      absl::Hex(domain::QueryFingerprint(
                    {name, absl::StrCat(version), absl::StrCat(edits)}),
                absl::kZeroPad16));
}

// `{plan}/progressReports/{year}` split into the plan's name and the year.
bool SplitName(absl::string_view name, std::string* plan, int* year) {
  size_t pos = name.rfind(kSegment);
  if (pos == absl::string_view::npos) return false;
  *plan = std::string(name.substr(0, pos));
  return absl::SimpleAtoi(name.substr(pos + sizeof(kSegment) - 1), year);
}

// The SQL of one report filter comparison (r: progress_reports, p: plans).
void ReportComparisonToSql(const FilterExpr& e, std::string* sql,
                           std::vector<internal::BindValue>* binds) {
  switch (e.field) {
    case FilterField::kSector:
      absl::StrAppend(sql, e.op == domain::CompareOp::kNe ? "NOT " : "",
                      "EXISTS (SELECT 1 FROM progress_report_sectors s WHERE "
                      "s.report_id = r.id AND s.sector = ?)");
      binds->emplace_back(e.int_value);
      return;
    case FilterField::kCountry:
      internal::AppendComparison("p.country", e, sql, binds);
      return;
    case FilterField::kReportingYear:
      internal::AppendComparison("r.reporting_year", e, sql, binds);
      return;
    default:  // kReportState; the parser admits no other report field
      internal::AppendComparison("r.state", e, sql, binds);
      return;
  }
}

class SqliteProgressStore : public ProgressStore {
 public:
  explicit SqliteProgressStore(std::shared_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<ProgressReport> CreateReport(
      const WriteContext& ctx, absl::string_view plan_name, int year,
      bool supersede, const ProgressReportFactory& make) override {
    const std::string name = absl::StrCat(plan_name, kSegment, year);
    return db_->Write<ProgressReport>([&](Connection& c)
                                          -> absl::StatusOr<ProgressReport> {
      auto replay = db_->ReplayAs<ProgressReport>(c, ctx, plan_name);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      int64_t plan_id = 0;
      itp::v1::Plan plan;
      {
        ScopedStatement s =
            c.Prepare("SELECT id, content FROM plans WHERE name = ?");
        s->bind(1, std::string(plan_name));
        if (!s->executeStep()) {
          return ErrorWithInfo(
              absl::StatusCode::kNotFound,
              absl::StrCat("Plan ", plan_name, " does not exist."),
              "PLAN_NOT_FOUND", plan_name);
        }
        plan_id = s->getColumn(0).getInt64();
        auto content = FromBlob<itp::v1::Plan>(s->getColumn(1));
        if (!content.ok()) return content.status();
        plan = *std::move(content);
      }
      std::optional<ProgressReport> published;
      int latest_version = 0;
      {
        ScopedStatement s = c.Prepare(
            "SELECT version, state, content FROM progress_reports "
            "WHERE plan_id = ? AND reporting_year = ? "
            "ORDER BY version DESC");
        s->bind(1, static_cast<int64_t>(plan_id));
        s->bind(2, year);
        while (s->executeStep()) {
          const int version = s->getColumn(0).getInt();
          const int state = s->getColumn(1).getInt();
          if (latest_version == 0) latest_version = version;
          if (state == ProgressReport::DRAFT) {
            return ErrorWithInfo(
                absl::StatusCode::kAlreadyExists,
                absl::StrCat(name, " already has a draft (version ", version,
                             "); update or publish it instead."),
                "PROGRESS_REPORT_DRAFT_EXISTS", name);
          }
          if (state == ProgressReport::PUBLISHED && !published) {
            auto r = FromBlob<ProgressReport>(s->getColumn(2));
            if (!r.ok()) return r.status();
            published = *std::move(r);
          }
        }
      }
      if (published && !supersede) {
        return ErrorWithInfo(
            absl::StatusCode::kAlreadyExists,
            absl::StrCat(name, " is published (version ", published->version(),
                         "); file a correction with supersede set to "
                         "true."),
            "PROGRESS_REPORT_EXISTS", name);
      }
      if (!published && supersede) {
        return ErrorWithInfo(
            absl::StatusCode::kFailedPrecondition,
            absl::StrCat(name,
                         " has no published version to supersede; "
                         "leave supersede unset."),
            "NOTHING_TO_SUPERSEDE", name);
      }
      auto report = make(plan, published ? &*published : nullptr);
      if (!report.ok()) return report.status();
      const int version = latest_version + 1;
      const int64_t now = db_->Now();
      report->set_name(name);
      report->set_reporting_year(year);
      report->set_version(version);
      report->set_state(ProgressReport::DRAFT);
      report->set_supersedes_version(published ? published->version() : 0);
      report->clear_superseded_by_version();
      report->set_country(plan.country());
      report->set_filed_by(ctx.api_key);
      report->set_etag(ReportEtag(name, version, 0));
      *report->mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      *report->mutable_update_time() = report->create_time();
      report->clear_publish_time();
      {
        ScopedStatement s = c.Prepare(
            "INSERT INTO progress_reports (plan_id, reporting_year, "
            "version, state, edits, create_time, content) "
            "VALUES (?, ?, ?, 1, 0, ?, x'')");
        s->bind(1, static_cast<int64_t>(plan_id));
        s->bind(2, year);
        s->bind(3, version);
        s->bind(4, static_cast<int64_t>(now));
        s->exec();
      }
      const int64_t id = c.db().getLastInsertRowid();
      WriteContent(c, id, *report, 0);
      db_->RecordWrite(c, ctx, plan_name, *report);
      return report;
    });
  }

  absl::StatusOr<ProgressReport> GetReport(absl::string_view name, int version,
                                           bool include_draft) override {
    return db_->Read<ProgressReport>(
        [&](Connection& c) -> absl::StatusOr<ProgressReport> {
          auto row = Load(c, name, version, include_draft);
          if (!row.ok()) return row.status();
          return std::move(row->report);
        });
  }

  absl::StatusOr<ProgressReportPage> ListReports(
      const ProgressReportQuery& q) override {
    std::string sql =
        "SELECT r.reporting_year, r.version, p.name, r.content "
        "FROM progress_reports r JOIN plans p ON p.id = r.plan_id WHERE 1";
    std::vector<internal::BindValue> binds;
    if (!q.plan.empty()) {
      sql.append(" AND p.name = ?");
      binds.emplace_back(q.plan);
    }
    if (!q.show_superseded) sql.append(" AND r.state != 3");
    if (q.draft_countries) {
      sql.append(" AND (r.state != 1 OR p.country IN (''");
      for (const std::string& country : *q.draft_countries) {
        sql.append(", ?");
        binds.emplace_back(country);
      }
      sql.append("))");
    }
    if (q.plan_filter) {
      sql.append(" AND ");
      internal::FilterToSql(*q.plan_filter, internal::PlanComparisonToSql, &sql,
                            &binds);
    }
    if (q.filter) {
      sql.append(" AND ");
      internal::FilterToSql(*q.filter, ReportComparisonToSql, &sql, &binds);
    }
    if (q.after) {
      const int64_t year = q.after->key / 10000;
      const int64_t version = q.after->key % 10000;
      sql.append(
          " AND (r.reporting_year < ? OR (r.reporting_year = ? AND (p.name > "
          "? OR (p.name = ? AND r.version < ?))))");
      binds.emplace_back(year);
      binds.emplace_back(year);
      binds.emplace_back(q.after->name);
      binds.emplace_back(q.after->name);
      binds.emplace_back(version);
    }
    sql.append(
        " ORDER BY r.reporting_year DESC, p.name, r.version DESC LIMIT ?");
    binds.emplace_back(static_cast<int64_t>(q.page_size) + 1);
    return db_->Read<ProgressReportPage>(
        [&](Connection& c) -> absl::StatusOr<ProgressReportPage> {
          ProgressReportPage page;
          ScopedStatement s = c.Prepare(sql);
          internal::Bind(*s, binds);
          int64_t last_key = 0;
          std::string last_plan;
          while (s->executeStep()) {
            if (static_cast<int>(page.reports.size()) == q.page_size) {
              page.next = PageCursor{last_key, last_plan};
              break;
            }
            auto report = FromBlob<ProgressReport>(s->getColumn(3));
            if (!report.ok()) return report.status();
            last_key =
                s->getColumn(0).getInt64() * 10000 + s->getColumn(1).getInt64();
            last_plan = s->getColumn(2).getString();
            page.reports.push_back(*std::move(report));
          }
          return page;
        });
  }

  absl::StatusOr<ProgressReport> UpdateDraft(
      const WriteContext& ctx, absl::string_view name,
      const ProgressReportMutation& mutate) override {
    return db_->Write<ProgressReport>(
        [&](Connection& c) -> absl::StatusOr<ProgressReport> {
          auto draft = LoadDraft(c, name);
          if (!draft.ok()) return draft.status();
          const int64_t now = db_->Now();
          absl::Status s = mutate(draft->report, now);
          if (!s.ok()) return s;
          Touch(*draft, now);
          WriteContent(c, draft->id, draft->report, draft->edits);
          db_->RecordWrite(c, ctx, name, draft->report);
          return std::move(draft->report);
        });
  }

  absl::StatusOr<ProgressReport> PublishReport(
      const WriteContext& ctx, absl::string_view name,
      const ProgressReportMutation& mutate,
      const ProgressStatusOf& status_of) override {
    return db_->Write<ProgressReport>(
        [&](Connection& c) -> absl::StatusOr<ProgressReport> {
          auto replay = db_->ReplayAs<ProgressReport>(c, ctx, name);
          if (!replay.ok()) return replay.status();
          if (replay->has_value()) return **replay;
          auto draft = LoadDraft(c, name);
          if (!draft.ok()) return draft.status();
          const int64_t now = db_->Now();
          ProgressReport& report = draft->report;
          absl::Status status = mutate(report, now);
          if (!status.ok()) return status;
          report.set_state(ProgressReport::PUBLISHED);
          *report.mutable_publish_time() =
              TimeUtil::MicrosecondsToTimestamp(now);
          Touch(*draft, now);
          if (report.supersedes_version() > 0) {
            auto old = Load(c, name, report.supersedes_version(), false);
            if (!old.ok()) return old.status();
            old->report.set_state(ProgressReport::SUPERSEDED);
            old->report.set_superseded_by_version(report.version());
            WriteContent(c, old->id, old->report, old->edits);
          }
          WriteContent(c, draft->id, report, draft->edits);
          // The plan's status follows its latest published reporting year.
          int64_t latest_year = 0;
          {
            ScopedStatement s = c.Prepare(
                "SELECT MAX(reporting_year) FROM progress_reports WHERE "
                "plan_id = ? AND state = 2");
            s->bind(1, static_cast<int64_t>(draft->plan_id));
            if (s->executeStep() && !s->getColumn(0).isNull()) {
              latest_year = s->getColumn(0).getInt64();
            }
          }
          if (latest_year == report.reporting_year()) {
            auto progress = status_of(report);
            if (!progress.ok()) return progress.status();
            ScopedStatement s =
                c.Prepare("UPDATE plans SET progress_status = ? WHERE id = ?");
            s->bind(1, *progress);
            s->bind(2, static_cast<int64_t>(draft->plan_id));
            s->exec();
          }
          // The tracker takes project status from the latest report.
          internal::RefreshProjectIndex(c, draft->plan_id);
          PlanEvent event;
          event.set_type(PlanEvent::PROGRESS_PUBLISHED);
          event.set_plan(draft->plan_name);
          event.set_progress_report(report.name());
          event.set_progress_report_version(report.version());
          event.set_summary(
              report.supersedes_version() > 0
                  ? absl::StrCat("Progress report ", report.reporting_year(),
                                 " corrected: version ", report.version(),
                                 " supersedes version ",
                                 report.supersedes_version())
                  : absl::StrCat("Progress report ", report.reporting_year(),
                                 " published"));
          db_->InsertEvent(c, event, report.country(), false);
          db_->RecordWrite(c, ctx, name, report);
          return std::move(report);
        });
  }

  absl::StatusOr<std::vector<ProgressReport>> PublishedReports(
      absl::string_view plan_name) override {
    return db_->Read<std::vector<ProgressReport>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<ProgressReport>> {
          ScopedStatement s = c.Prepare(
              "SELECT r.content FROM progress_reports r JOIN plans p ON p.id "
              "= r.plan_id WHERE p.name = ? AND r.state = 2 "
              "ORDER BY r.reporting_year DESC");
          s->bind(1, std::string(plan_name));
          std::vector<ProgressReport> reports;
          while (s->executeStep()) {
            auto report = FromBlob<ProgressReport>(s->getColumn(0));
            if (!report.ok()) return report.status();
            reports.push_back(*std::move(report));
          }
          return reports;
        });
  }

 private:
  struct Row {
    int64_t id = 0;
    int64_t plan_id = 0;
    std::string plan_name;
    int64_t edits = 0;
    ProgressReport report;
  };

  static void Touch(Row& row, int64_t now) {
    ++row.edits;
    row.report.set_etag(
        ReportEtag(row.report.name(), row.report.version(), row.edits));
    *row.report.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now);
  }

  // Version `version` (0: the newest, drafts only if `include_draft`).
  absl::StatusOr<Row> Load(Connection& c, absl::string_view name, int version,
                           bool include_draft) {
    std::string plan;
    int year = 0;
    if (!SplitName(name, &plan, &year)) return ReportNotFound(name);
    std::string sql =
        "SELECT r.id, r.plan_id, r.edits, r.content FROM progress_reports r "
        "JOIN plans p ON p.id = r.plan_id WHERE p.name = ? AND "
        "r.reporting_year = ?";
    if (version > 0) {
      sql.append(" AND r.version = ?");
    } else if (!include_draft) {
      sql.append(" AND r.state != 1");
    }
    sql.append(" ORDER BY r.version DESC LIMIT 1");
    ScopedStatement s = c.Prepare(sql);
    s->bind(1, plan);
    s->bind(2, year);
    if (version > 0) s->bind(3, version);
    if (!s->executeStep()) {
      return version > 0
                 ? ErrorWithInfo(absl::StatusCode::kNotFound,
                                 absl::StrCat("Progress report ", name,
                                              " has no version ", version, "."),
                                 "PROGRESS_REPORT_NOT_FOUND", name)
                 : ReportNotFound(name);
    }
    Row row;
    row.id = s->getColumn(0).getInt64();
    row.plan_id = s->getColumn(1).getInt64();
    row.plan_name = plan;
    row.edits = s->getColumn(2).getInt64();
    auto report = FromBlob<ProgressReport>(s->getColumn(3));
    if (!report.ok()) return report.status();
    row.report = *std::move(report);
    return row;
  }

  // The year's draft; FAILED_PRECONDITION when only published versions
  // exist.
  absl::StatusOr<Row> LoadDraft(Connection& c, absl::string_view name) {
    auto row = Load(c, name, 0, true);
    if (!row.ok()) return row.status();
    if (row->report.state() != ProgressReport::DRAFT) {
      return ErrorWithInfo(
          absl::StatusCode::kFailedPrecondition,
          absl::StrCat(name, " version ", row->report.version(),
                       " is published and cannot change; file a correction "
                       "(CreateProgressReport with supersede)."),
          "PROGRESS_REPORT_PUBLISHED", name);
    }
    return row;
  }

  void WriteContent(Connection& c, int64_t id, const ProgressReport& report,
                    int64_t edits) {
    {
      ScopedStatement s = c.Prepare(
          "UPDATE progress_reports SET state = ?, edits = ?, content = ? "
          "WHERE id = ?");
      s->bind(1, static_cast<int>(report.state()));
      s->bind(2, static_cast<int64_t>(edits));
      internal::BindMessage(s, 3, report);
      s->bind(4, static_cast<int64_t>(id));
      s->exec();
    }
    {
      ScopedStatement s =
          c.Prepare("DELETE FROM progress_report_sectors WHERE report_id = ?");
      s->bind(1, static_cast<int64_t>(id));
      s->exec();
    }
    for (const auto& sector : report.sectors()) {
      ScopedStatement s = c.Prepare(
          "INSERT OR IGNORE INTO progress_report_sectors (report_id, sector) "
          "VALUES (?, ?)");
      s->bind(1, static_cast<int64_t>(id));
      s->bind(2, static_cast<int>(sector.sector()));
      s->exec();
    }
  }

  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {
std::unique_ptr<ProgressStore> NewSqliteProgressStore(
    std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteProgressStore>(std::move(db));
}
}  // namespace internal

}  // namespace itp::storage
