// SQLite implementation of InvestmentStore, and the writer of its rows.
//
// `plan_projects` holds one row per project of each plan's latest submitted
// revision: the TrackedProject as a blob beside the columns that filters,
// sorting, grouping and sums use (each with an index). Reads join `plans`
// for the caller's visibility (by the plan's state and country now), so a
// plan's rows need no rewrite when its state changes.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/domain/investment.h"
#include "server/domain/resource_names.h"
#include "server/storage/investment_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace internal {

void RefreshProjectIndex(Connection& c, int64_t plan_id) {
  {
    ScopedStatement s =
        c.Prepare("DELETE FROM plan_projects WHERE plan_id = ?");
    s->bind(1, static_cast<int64_t>(plan_id));
    s->exec();
  }
  itp::v1::PlanRevision revision;
  {
    ScopedStatement s = c.Prepare(
        "SELECT p.name, p.revision, r.content FROM plans p JOIN "
        "plan_revisions r ON r.plan_id = p.id AND r.revision = p.revision "
        "WHERE p.id = ?");
    s->bind(1, static_cast<int64_t>(plan_id));
    if (!s->executeStep()) return;  // never submitted
    auto plan = FromBlob<itp::v1::Plan>(s->getColumn(2));
    if (!plan.ok()) return;  // an undecodable revision tracks nothing
    revision.set_name(absl::StrCat(s->getColumn(0).getString(),
                                   "/revisions/", s->getColumn(1).getInt()));
    revision.set_revision(s->getColumn(1).getInt());
    *revision.mutable_plan() = *std::move(plan);
  }
  std::optional<itp::v1::ProgressReport> report;
  {
    ScopedStatement s = c.Prepare(
        "SELECT content FROM progress_reports WHERE plan_id = ? AND "
        "state = 2 ORDER BY reporting_year DESC, version DESC LIMIT 1");
    s->bind(1, static_cast<int64_t>(plan_id));
    if (s->executeStep()) {
      auto parsed = FromBlob<itp::v1::ProgressReport>(s->getColumn(0));
      if (parsed.ok()) report = *std::move(parsed);
    }
  }
  const std::vector<itp::v1::TrackedProject> tracked =
      domain::TrackProjects(revision, report ? &*report : nullptr);
  for (const itp::v1::TrackedProject& t : tracked) {
    const itp::v1::Project& p = t.project();
    const std::string blob = t.SerializeAsString();
    ScopedStatement s = c.Prepare(
        "INSERT OR REPLACE INTO plan_projects (plan_id, project_id, name, "
        "country, sector, technology, scale, status, start_year, "
        "conditional, company, capacity_mtpa, capex_usd, content) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s->bind(1, static_cast<int64_t>(plan_id));
    s->bind(2, p.project_id());
    s->bind(3, t.name());
    s->bind(4, t.country());
    s->bind(5, static_cast<int>(t.sector()));
    s->bind(6, static_cast<int>(p.technology()));
    s->bind(7, static_cast<int>(p.scale()));
    s->bind(8, static_cast<int>(t.status()));
    s->bind(9, p.start_year());
    s->bind(10, p.conditional() ? 1 : 0);
    s->bind(11, p.company());
    if (p.has_capacity_mtpa()) {
      s->bind(12, p.capacity_mtpa());
    } else {
      s->bind(12);
    }
    if (p.has_capex_usd()) {
      s->bind(13, p.capex_usd());
    } else {
      s->bind(13);
    }
    s->bind(14, blob.data(), static_cast<int>(blob.size()));
    s->exec();
  }
}

// The SQL of one project filter comparison over `plan_projects j`.
void ProjectComparisonToSql(const domain::FilterExpr& e, std::string* sql,
                            std::vector<BindValue>* binds) {
  using domain::FilterField;
  absl::string_view column = "j.technology";
  switch (e.field) {
    case FilterField::kProjectStatus:
      column = "j.status";
      break;
    case FilterField::kScale:
      column = "j.scale";
      break;
    case FilterField::kSector:
      column = "j.sector";
      break;
    case FilterField::kCountry:
      column = "j.country";
      break;
    case FilterField::kState:
      column = "p.state";
      break;
    case FilterField::kStartYear:
      column = "j.start_year";
      break;
    case FilterField::kConditional:
      column = "j.conditional";
      break;
    case FilterField::kCompany:
      column = "j.company";
      break;
    default:  // kTechnology; the parser admits no other project field
      break;
  }
  AppendComparison(column, e, sql, binds);
}

}  // namespace internal

namespace {

using internal::BindValue;
using internal::Connection;
using internal::FromBlob;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::InvestmentGroup;
using itp::v1::TrackedProject;

absl::string_view KeyColumn(domain::InvestmentKey key) {
  switch (key) {
    case domain::InvestmentKey::kTechnology:
      return "j.technology";
    case domain::InvestmentKey::kStatus:
      return "j.status";
    case domain::InvestmentKey::kCountry:
      return "j.country";
    case domain::InvestmentKey::kSector:
      return "j.sector";
    case domain::InvestmentKey::kStartYear:
      return "j.start_year";
    case domain::InvestmentKey::kScale:
      return "j.scale";
  }
  return "j.technology";
}

void SetKey(InvestmentGroup& g, domain::InvestmentKey key,
            const SQLite::Column& value) {
  switch (key) {
    case domain::InvestmentKey::kTechnology:
      g.set_technology(
          static_cast<itp::v1::Project::Technology>(value.getInt()));
      break;
    case domain::InvestmentKey::kStatus:
      g.set_status(static_cast<TrackedProject::Status>(value.getInt()));
      break;
    case domain::InvestmentKey::kCountry:
      g.set_country(value.getString());
      break;
    case domain::InvestmentKey::kSector:
      g.set_sector(static_cast<itp::v1::Sector>(value.getInt()));
      break;
    case domain::InvestmentKey::kStartYear:
      g.set_start_year(value.getInt());
      break;
    case domain::InvestmentKey::kScale:
      g.set_scale(static_cast<itp::v1::Project::Scale>(value.getInt()));
      break;
  }
}

// The FROM and WHERE of a query, with its parameters.
struct Selection {
  std::string from_where;
  std::vector<BindValue> binds;
};

Selection Select(const ProjectQuery& q) {
  Selection sel;
  sel.from_where =
      "FROM plan_projects j JOIN plans p ON p.id = j.plan_id WHERE 1";
  if (!q.plan.empty()) {
    sel.from_where.append(" AND p.name = ?");
    sel.binds.emplace_back(q.plan);
  } else if (q.country != domain::kAnyCountry) {
    sel.from_where.append(" AND j.country = ?");
    sel.binds.emplace_back(q.country);
  }
  if (q.plan_filter) {
    sel.from_where.append(" AND ");
    internal::FilterToSql(*q.plan_filter, internal::PlanComparisonToSql,
                          &sel.from_where, &sel.binds);
  }
  if (q.filter) {
    sel.from_where.append(" AND ");
    internal::FilterToSql(*q.filter, internal::ProjectComparisonToSql,
                          &sel.from_where, &sel.binds);
  }
  return sel;
}

// Sums of the rows `j` of one group (or of all): count, capacity, capital,
// and how many state each figure.
constexpr char kSums[] =
    "COUNT(*), TOTAL(j.capacity_mtpa), TOTAL(j.capex_usd), "
    "COUNT(j.capacity_mtpa), COUNT(j.capex_usd)";

void SetSums(InvestmentGroup& g, SQLite::Statement& s, int first) {
  g.set_project_count(s.getColumn(first).getInt64());
  g.set_capacity_mtpa(s.getColumn(first + 1).getDouble());
  g.set_capex_usd(s.getColumn(first + 2).getDouble());
  g.set_projects_with_capacity(s.getColumn(first + 3).getInt64());
  g.set_projects_with_capex(s.getColumn(first + 4).getInt64());
}

class SqliteInvestmentStore : public InvestmentStore {
 public:
  explicit SqliteInvestmentStore(std::shared_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<ProjectPage> ListProjects(const ProjectQuery& q) override {
    Selection sel = Select(q);
    const std::string count_sql =
        absl::StrCat("SELECT COUNT(*) ", sel.from_where);
    const std::vector<BindValue> count_binds = sel.binds;
    const bool by_year = q.order.field == domain::ProjectOrder::Field::kStartYear;
    const bool desc = q.order.descending;
    const absl::string_view cmp = desc ? "<" : ">";
    std::string where = sel.from_where;
    std::vector<BindValue> binds = sel.binds;
    if (q.after) {
      if (by_year) {
        absl::StrAppend(&where, " AND (j.start_year ", cmp,
                        " ? OR (j.start_year = ? AND j.name ", cmp, " ?))");
        binds.emplace_back(q.after->key);
        binds.emplace_back(q.after->key);
        binds.emplace_back(q.after->name);
      } else {
        absl::StrAppend(&where, " AND j.name ", cmp, " ?");
        binds.emplace_back(q.after->name);
      }
    }
    const absl::string_view dir = desc ? " DESC" : "";
    std::string sql =
        absl::StrCat("SELECT j.content, p.state ", where, " ORDER BY ");
    if (by_year) absl::StrAppend(&sql, "j.start_year", dir, ", ");
    absl::StrAppend(&sql, "j.name", dir, " LIMIT ?");
    binds.emplace_back(static_cast<int64_t>(q.page_size) + 1);

    return db_->Read<ProjectPage>(
        [&](Connection& c) -> absl::StatusOr<ProjectPage> {
          SQLite::Transaction txn(c.db(),
                                  SQLite::TransactionBehavior::DEFERRED);
          ProjectPage page;
          {
            ScopedStatement s = c.Prepare(sql);
            internal::Bind(*s, binds);
            while (s->executeStep()) {
              auto t = FromBlob<TrackedProject>(s->getColumn(0));
              if (!t.ok()) return t.status();
              t->set_plan_state(
                  static_cast<itp::v1::Plan::State>(s->getColumn(1).getInt()));
              page.projects.push_back(*std::move(t));
            }
          }
          if (static_cast<int>(page.projects.size()) > q.page_size) {
            page.projects.pop_back();
            const TrackedProject& last = page.projects.back();
            page.next = domain::PageCursor{
                by_year ? last.project().start_year() : 0, last.name()};
          }
          {
            ScopedStatement s = c.Prepare(count_sql);
            internal::Bind(*s, count_binds);
            s->executeStep();
            page.total_size = s->getColumn(0).getInt64();
          }
          txn.commit();
          return page;
        });
  }

  absl::StatusOr<InvestmentSummary> Summarize(
      const ProjectQuery& q, const std::vector<domain::InvestmentKey>& keys,
      int limit, int64_t offset) override {
    Selection sel = Select(q);
    std::vector<absl::string_view> columns;
    for (domain::InvestmentKey k : keys) columns.push_back(KeyColumn(k));
    const std::string key_list = absl::StrJoin(columns, ", ");
    const std::string total_sql =
        absl::StrCat("SELECT ", kSums, " ", sel.from_where);
    std::string groups_sql;
    std::string count_sql;
    std::vector<BindValue> group_binds = sel.binds;
    if (!keys.empty()) {
      groups_sql = absl::StrCat("SELECT ", key_list, ", ", kSums, " ",
                                sel.from_where, " GROUP BY ", key_list,
                                " ORDER BY ", key_list, " LIMIT ? OFFSET ?");
      group_binds.emplace_back(static_cast<int64_t>(limit));
      group_binds.emplace_back(offset);
      count_sql = absl::StrCat("SELECT COUNT(*) FROM (SELECT 1 ",
                               sel.from_where, " GROUP BY ", key_list, ")");
    }
    return db_->Read<InvestmentSummary>(
        [&](Connection& c) -> absl::StatusOr<InvestmentSummary> {
          SQLite::Transaction txn(c.db(),
                                  SQLite::TransactionBehavior::DEFERRED);
          InvestmentSummary summary;
          {
            ScopedStatement s = c.Prepare(total_sql);
            internal::Bind(*s, sel.binds);
            s->executeStep();
            SetSums(summary.total, *s, 0);
          }
          if (!keys.empty()) {
            {
              ScopedStatement s = c.Prepare(groups_sql);
              internal::Bind(*s, group_binds);
              while (s->executeStep()) {
                InvestmentGroup g;
                for (size_t i = 0; i < keys.size(); ++i) {
                  SetKey(g, keys[i], s->getColumn(static_cast<int>(i)));
                }
                SetSums(g, *s, static_cast<int>(keys.size()));
                summary.groups.push_back(std::move(g));
              }
            }
            ScopedStatement s = c.Prepare(count_sql);
            internal::Bind(*s, sel.binds);
            s->executeStep();
            summary.total_groups = s->getColumn(0).getInt64();
          }
          txn.commit();
          return summary;
        });
  }

 private:
  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<InvestmentStore> NewSqliteInvestmentStore(
    std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteInvestmentStore>(std::move(db));
}

}  // namespace internal
}  // namespace itp::storage
