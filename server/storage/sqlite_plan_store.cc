// SQLite implementation of PlanStore.
//
// Plans are stored as serialized itp.v1.Plan messages next to the columns that
// queries filter and sort on (kept in step by the same write). A pool of
// connections serves concurrent requests; writes open IMMEDIATE transactions
// so that read-modify-write sequences never interleave.

#include <memory>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/domain/resource_names.h"
#include "server/storage/plan_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace {

using domain::ErrorWithInfo;
using domain::FilterExpr;
using domain::FilterField;
using domain::PageCursor;
using domain::PlanOrder;
using google::protobuf::util::TimeUtil;
using internal::Connection;
using internal::FromBlob;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::Plan;
using itp::v1::PlanRevision;

absl::Status PlanNotFound(absl::string_view name) {
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Plan ", name, " does not exist."),
                       "PLAN_NOT_FOUND", name);
}

std::string ComputeEtag(absl::string_view name, int64_t create_time,
                        int64_t version) {
  uint64_t fp = domain::QueryFingerprint(
      {name, absl::StrCat(create_time), absl::StrCat(version)});
  return absl::StrCat(absl::Hex(fp, absl::kZeroPad16));
}

absl::string_view SortColumn(PlanOrder::Field f) {
  switch (f) {
    case PlanOrder::Field::kName:
      return "p.name";
    case PlanOrder::Field::kCreateTime:
      return "p.create_time";
    case PlanOrder::Field::kUpdateTime:
      return "p.update_time";
    case PlanOrder::Field::kSubmitTime:
      return "p.submit_time";
  }
  return "p.name";
}

int64_t SortKeyOf(const Plan& plan, PlanOrder::Field f) {
  switch (f) {
    case PlanOrder::Field::kName:
      return 0;
    case PlanOrder::Field::kCreateTime:
      return TimeUtil::TimestampToMicroseconds(plan.create_time());
    case PlanOrder::Field::kUpdateTime:
      return TimeUtil::TimestampToMicroseconds(plan.update_time());
    case PlanOrder::Field::kSubmitTime:
      return plan.has_submit_time()
                 ? TimeUtil::TimestampToMicroseconds(plan.submit_time())
                 : 0;
  }
  return 0;
}

void WriteSectors(Connection& c, int64_t id, const Plan& plan) {
  {
    ScopedStatement s = c.Prepare("DELETE FROM plan_sectors WHERE plan_id = ?");
    s->bind(1, static_cast<int64_t>(id));
    s->exec();
  }
  for (const auto& sector : plan.sectors()) {
    ScopedStatement s = c.Prepare(
        "INSERT OR IGNORE INTO plan_sectors (plan_id, sector) VALUES (?, ?)");
    s->bind(1, static_cast<int64_t>(id));
    s->bind(2, static_cast<int>(sector.sector()));
    s->exec();
  }
}

}  // namespace

namespace internal {

absl::StatusOr<Plan> ApplyPlanMutation(SqliteDb& db, Connection& c,
                                       absl::string_view name,
                                       const PlanMutation& mutate,
                                       absl::string_view cause_review) {
  int64_t id = 0;
  int64_t version = 0;
  Plan plan;
  {
    ScopedStatement s =
        c.Prepare("SELECT id, version, content FROM plans WHERE name = ?");
    s->bind(1, std::string(name));
    if (!s->executeStep()) return PlanNotFound(name);
    id = s->getColumn(0).getInt64();
    version = s->getColumn(1).getInt64();
    auto parsed = FromBlob<Plan>(s->getColumn(2));
    if (!parsed.ok()) return parsed.status();
    plan = *std::move(parsed);
  }
  const int old_revision = plan.revision();
  const Plan::State old_state = plan.state();
  const int64_t now = db.Now();
  absl::Status status = mutate(plan, now);
  if (!status.ok()) return status;

  *plan.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now);
  plan.set_etag(ComputeEtag(
      plan.name(), TimeUtil::TimestampToMicroseconds(plan.create_time()),
      version + 1));
  std::string blob = plan.SerializeAsString();
  {
    ScopedStatement s = c.Prepare(
        "UPDATE plans SET state = ?, revision = ?, version = ?, etag = ?, "
        "update_time = ?, submit_time = ?, content = ? WHERE id = ?");
    s->bind(1, static_cast<int>(plan.state()));
    s->bind(2, plan.revision());
    s->bind(3, static_cast<int64_t>(version + 1));
    s->bind(4, plan.etag());
    s->bind(5, static_cast<int64_t>(now));
    s->bind(6, static_cast<int64_t>(
                   plan.has_submit_time()
                       ? TimeUtil::TimestampToMicroseconds(plan.submit_time())
                       : 0));
    s->bind(7, blob.data(), static_cast<int>(blob.size()));
    s->bind(8, static_cast<int64_t>(id));
    s->exec();
  }
  WriteSectors(c, id, plan);
  if (plan.state() != old_state) {
    db.InsertStateChange(c, plan, old_state, cause_review);
  }
  if (plan.revision() > old_revision) {
    ScopedStatement s = c.Prepare(
        "INSERT INTO plan_revisions (plan_id, revision, create_time, "
        "content) VALUES (?, ?, ?, ?)");
    s->bind(1, static_cast<int64_t>(id));
    s->bind(2, plan.revision());
    s->bind(3, static_cast<int64_t>(now));
    s->bind(4, blob.data(), static_cast<int>(blob.size()));
    s->exec();
    // The tracker follows the latest submitted revision.
    internal::RefreshProjectIndex(c, id);
  }
  return plan;
}

}  // namespace internal

namespace {

class SqlitePlanStore : public PlanStore {
 public:
  absl::StatusOr<std::vector<PlanCount>> CountPlans() override {
    return db_->Read<std::vector<PlanCount>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<PlanCount>> {
          // Over the state index; country is read from each plan's row.
          ScopedStatement s = c.Prepare(
              "SELECT state, country, COUNT(*) FROM plans "
              "GROUP BY state, country ORDER BY state, country");
          std::vector<PlanCount> counts;
          while (s->executeStep()) {
            PlanCount count;
            count.state =
                static_cast<itp::v1::Plan::State>(s->getColumn(0).getInt());
            count.country = s->getColumn(1).getString();
            count.plans = s->getColumn(2).getInt64();
            counts.push_back(std::move(count));
          }
          return counts;
        });
  }

  explicit SqlitePlanStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  absl::StatusOr<Plan> CreatePlan(const WriteContext& ctx,
                                  const Plan& input) override {
    return db_->Write<Plan>([&](Connection& c) -> absl::StatusOr<Plan> {
      auto replay = db_->ReplayAs<Plan>(c, ctx, input.name());
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      {
        ScopedStatement exists =
            c.Prepare("SELECT 1 FROM plans WHERE name = ?");
        exists->bind(1, input.name());
        if (exists->executeStep()) {
          return ErrorWithInfo(
              absl::StatusCode::kAlreadyExists,
              absl::StrCat("Plan ", input.name(),
                           " already exists; choose another plan_id or "
                           "update the existing plan."),
              "PLAN_ALREADY_EXISTS", input.name());
        }
      }
      auto name = domain::ParsePlanName(input.name(), "name");
      if (!name.ok()) return name.status();
      const int64_t now = db_->Now();
      Plan plan = input;
      plan.set_country(name->country);
      plan.set_state(Plan::DRAFT);
      plan.set_revision(0);
      *plan.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      *plan.mutable_update_time() = plan.create_time();
      plan.clear_submit_time();
      plan.set_etag(ComputeEtag(plan.name(), now, 1));
      std::string blob = plan.SerializeAsString();
      ScopedStatement insert = c.Prepare(
          "INSERT INTO plans (name, country, state, revision, version, etag, "
          "create_time, update_time, submit_time, content) "
          "VALUES (?, ?, ?, 0, 1, ?, ?, ?, 0, ?)");
      insert->bind(1, plan.name());
      insert->bind(2, plan.country());
      insert->bind(3, static_cast<int>(plan.state()));
      insert->bind(4, plan.etag());
      insert->bind(5, static_cast<int64_t>(now));
      insert->bind(6, static_cast<int64_t>(now));
      insert->bind(7, blob.data(), static_cast<int>(blob.size()));
      insert->exec();
      WriteSectors(c, c.db().getLastInsertRowid(), plan);
      db_->RecordWrite(c, ctx, plan.name(), plan);
      return plan;
    });
  }

  absl::StatusOr<Plan> GetPlan(absl::string_view name) override {
    return db_->Read<Plan>([&](Connection& c) -> absl::StatusOr<Plan> {
      ScopedStatement s = c.Prepare("SELECT content FROM plans WHERE name = ?");
      s->bind(1, std::string(name));
      if (!s->executeStep()) return PlanNotFound(name);
      return FromBlob<Plan>(s->getColumn(0));
    });
  }

  absl::StatusOr<PlanPage> ListPlans(const PlanListQuery& q) override {
    std::string where = "1";
    std::vector<internal::BindValue> binds;
    if (q.country != domain::kAnyCountry) {
      where.append(" AND p.country = ?");
      binds.emplace_back(q.country);
    }
    if (q.filter) {
      where.append(" AND ");
      internal::FilterToSql(*q.filter, internal::PlanComparisonToSql, &where,
                            &binds);
    }
    std::string count_sql =
        absl::StrCat("SELECT COUNT(*) FROM plans p WHERE ", where);
    std::vector<internal::BindValue> count_binds = binds;

    const bool desc = q.order.descending;
    const absl::string_view col = SortColumn(q.order.field);
    const absl::string_view cmp = desc ? "<" : ">";
    if (q.after) {
      if (q.order.field == PlanOrder::Field::kName) {
        absl::StrAppend(&where, " AND p.name ", cmp, " ?");
        binds.emplace_back(q.after->name);
      } else {
        absl::StrAppend(&where, " AND (", col, " ", cmp, " ? OR (", col,
                        " = ? AND p.name ", cmp, " ?))");
        binds.emplace_back(q.after->key);
        binds.emplace_back(q.after->key);
        binds.emplace_back(q.after->name);
      }
    }
    const absl::string_view dir = desc ? " DESC" : "";
    std::string sql = absl::StrCat("SELECT p.content FROM plans p WHERE ",
                                   where, " ORDER BY ");
    if (q.order.field != PlanOrder::Field::kName) {
      absl::StrAppend(&sql, col, dir, ", ");
    }
    absl::StrAppend(&sql, "p.name", dir, " LIMIT ?");
    binds.emplace_back(static_cast<int64_t>(q.page_size) + 1);

    return db_->Read<PlanPage>([&](Connection& c) -> absl::StatusOr<PlanPage> {
      // Both statements in one read transaction: the count matches the page.
      SQLite::Transaction txn(c.db(), SQLite::TransactionBehavior::DEFERRED);
      PlanPage page;
      {
        ScopedStatement s = c.Prepare(sql);
        internal::Bind(*s, binds);
        while (s->executeStep()) {
          auto plan = FromBlob<Plan>(s->getColumn(0));
          if (!plan.ok()) return plan.status();
          page.plans.push_back(*std::move(plan));
        }
      }
      if (static_cast<int>(page.plans.size()) > q.page_size) {
        page.plans.pop_back();
        const Plan& last = page.plans.back();
        page.next = PageCursor{SortKeyOf(last, q.order.field), last.name()};
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

  absl::StatusOr<Plan> MutatePlan(const WriteContext& ctx,
                                  absl::string_view name,
                                  const PlanMutation& mutate) override {
    return db_->Write<Plan>([&](Connection& c) -> absl::StatusOr<Plan> {
      auto replay = db_->ReplayAs<Plan>(c, ctx, name);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      auto plan = internal::ApplyPlanMutation(*db_, c, name, mutate, "");
      if (!plan.ok()) return plan.status();
      db_->RecordWrite(c, ctx, plan->name(), *plan);
      return plan;
    });
  }

  absl::Status DeletePlan(const WriteContext& ctx, absl::string_view name,
                          const PlanCheck& check) override {
    return db_
        ->Write<bool>([&](Connection& c) -> absl::StatusOr<bool> {
          int64_t id = 0;
          {
            ScopedStatement s =
                c.Prepare("SELECT id, content FROM plans WHERE name = ?");
            s->bind(1, std::string(name));
            if (!s->executeStep()) return PlanNotFound(name);
            id = s->getColumn(0).getInt64();
            auto plan = FromBlob<Plan>(s->getColumn(1));
            if (!plan.ok()) return plan.status();
            absl::Status status = check(*plan);
            if (!status.ok()) return status;
          }
          {
            ScopedStatement s = c.Prepare("DELETE FROM plans WHERE id = ?");
            s->bind(1, static_cast<int64_t>(id));
            s->exec();
          }
          db_->InsertAudit(c, ctx, name, absl::OkStatus());
          return true;
        })
        .status();
  }

  absl::StatusOr<PlanRevision> GetPlanRevision(absl::string_view plan_name,
                                               int revision) override {
    return db_->Read<PlanRevision>([&](Connection& c)
                                       -> absl::StatusOr<PlanRevision> {
      SQLite::Transaction txn(c.db(), SQLite::TransactionBehavior::DEFERRED);
      auto id = PlanId(c, plan_name);
      if (!id.ok()) return id.status();
      ScopedStatement s = c.Prepare(
          "SELECT revision, create_time, content FROM plan_revisions "
          "WHERE plan_id = ? AND revision = ?");
      s->bind(1, static_cast<int64_t>(*id));
      s->bind(2, revision);
      if (!s->executeStep()) {
        std::string rev_name = absl::StrCat(plan_name, "/revisions/", revision);
        return ErrorWithInfo(
            absl::StatusCode::kNotFound,
            absl::StrCat("Revision ", rev_name, " does not exist."),
            "REVISION_NOT_FOUND", rev_name);
      }
      return RevisionFromRow(plan_name, *s);
    });
  }

  absl::StatusOr<RevisionPage> ListPlanRevisions(
      absl::string_view plan_name, int page_size,
      std::optional<int64_t> before) override {
    return db_->Read<RevisionPage>(
        [&](Connection& c) -> absl::StatusOr<RevisionPage> {
          SQLite::Transaction txn(c.db(),
                                  SQLite::TransactionBehavior::DEFERRED);
          auto id = PlanId(c, plan_name);
          if (!id.ok()) return id.status();
          ScopedStatement s = c.Prepare(
              "SELECT revision, create_time, content FROM plan_revisions "
              "WHERE plan_id = ? AND revision < ? ORDER BY revision DESC "
              "LIMIT ?");
          s->bind(1, static_cast<int64_t>(*id));
          s->bind(2, static_cast<int64_t>(before.value_or(INT64_MAX)));
          s->bind(3, page_size + 1);
          RevisionPage page;
          while (s->executeStep()) {
            auto revision = RevisionFromRow(plan_name, *s);
            if (!revision.ok()) return revision.status();
            page.revisions.push_back(*std::move(revision));
          }
          if (static_cast<int>(page.revisions.size()) > page_size) {
            page.revisions.pop_back();
            page.next = PageCursor{page.revisions.back().revision(),
                                   std::string(plan_name)};
          }
          return page;
        });
  }

 private:
  absl::StatusOr<int64_t> PlanId(Connection& c, absl::string_view name) {
    ScopedStatement s = c.Prepare("SELECT id FROM plans WHERE name = ?");
    s->bind(1, std::string(name));
    if (!s->executeStep()) return PlanNotFound(name);
    return s->getColumn(0).getInt64();
  }

  static absl::StatusOr<PlanRevision> RevisionFromRow(
      absl::string_view plan_name, SQLite::Statement& s) {
    PlanRevision revision;
    revision.set_revision(s.getColumn(0).getInt());
    revision.set_name(
        absl::StrCat(plan_name, "/revisions/", revision.revision()));
    *revision.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(s.getColumn(1).getInt64());
    auto plan = FromBlob<Plan>(s.getColumn(2));
    if (!plan.ok()) return plan.status();
    *revision.mutable_plan() = *std::move(plan);
    return revision;
  }

  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<PlanStore> NewSqlitePlanStore(std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqlitePlanStore>(std::move(db));
}

}  // namespace internal

absl::StatusOr<SqliteStores> OpenSqliteStores(const SqliteOptions& options) {
  auto db = SqliteDb::Open(options);
  if (!db.ok()) return db.status();
  SqliteStores stores;
  stores.plans = internal::NewSqlitePlanStore(*db);
  stores.keys = internal::NewSqliteKeyStore(*db);
  stores.audit = internal::NewSqliteAuditLog(*db);
  stores.benchmarks = internal::NewSqliteBenchmarkStore(*db);
  stores.reviews = internal::NewSqliteReviewStore(*db);
  stores.progress = internal::NewSqliteProgressStore(*db);
  stores.jobs = internal::NewSqliteJobStore(*db);
  stores.retention = internal::NewSqliteRetentionStore(*db);
  stores.investments = internal::NewSqliteInvestmentStore(*db);
  return stores;
}

absl::StatusOr<std::unique_ptr<PlanStore>> OpenSqlitePlanStore(
    const SqliteOptions& options) {
  auto db = SqliteDb::Open(options);
  if (!db.ok()) return db.status();
  return internal::NewSqlitePlanStore(*std::move(db));
}

namespace internal {

// The SQL of one plan filter comparison; values become `?` parameters.
void PlanComparisonToSql(const domain::FilterExpr& e, std::string* sql,
                         std::vector<internal::BindValue>* binds) {
  if (e.field == domain::FilterField::kSector) {
    absl::StrAppend(sql, e.op == domain::CompareOp::kNe ? "NOT " : "",
                    "EXISTS (SELECT 1 FROM plan_sectors s WHERE s.plan_id = "
                    "p.id AND s.sector = ?)");
    binds->emplace_back(e.int_value);
    return;
  }
  absl::string_view column = "p.state";
  switch (e.field) {
    case domain::FilterField::kCountry:
      column = "p.country";
      break;
    case domain::FilterField::kRevision:
      column = "p.revision";
      break;
    case domain::FilterField::kCreateTime:
      column = "p.create_time";
      break;
    case domain::FilterField::kUpdateTime:
      column = "p.update_time";
      break;
    case domain::FilterField::kSubmitTime:
      column = "p.submit_time";
      break;
    case domain::FilterField::kProgressStatus:
      column = "p.progress_status";
      break;
    default:  // kState; the parser admits no other plan field
      break;
  }
  internal::AppendComparison(column, e, sql, binds);
}

}  // namespace internal

}  // namespace itp::storage
