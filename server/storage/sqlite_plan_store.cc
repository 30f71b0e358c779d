// SQLite implementation of PlanStore: the only file that speaks SQL.
//
// Plans are stored as serialized itp.v1.Plan messages next to the columns that
// queries filter and sort on (kept in step by the same write). A pool of
// connections serves concurrent requests; writes open IMMEDIATE transactions
// so that read-modify-write sequences never interleave.

#include <memory>
#include <unordered_map>
#include <utility>
#include <variant>

#include "SQLiteCpp/SQLiteCpp.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/domain/resource_names.h"
#include "server/storage/plan_store.h"
#include "sqlite3.h"  // result codes

namespace itp::storage {
namespace {

using domain::ErrorWithInfo;
using domain::FilterExpr;
using domain::FilterField;
using domain::PageCursor;
using domain::PlanOrder;
using google::protobuf::util::TimeUtil;
using itp::v1::Plan;
using itp::v1::PlanRevision;

// Versioned migrations; entry i moves the schema from version i to i + 1.
// Never edit an entry once released: append a new one.
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
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

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
  ~ScopedStatement() {
    --borrowed_;
    s_.tryReset();
    try {
      s_.clearBindings();
    } catch (const SQLite::Exception&) {
      // The statement is re-bound in full before its next use anyway.
    }
  }
  SQLite::Statement* operator->() { return &s_; }
  SQLite::Statement& operator*() { return s_; }

 private:
  SQLite::Statement& s_;
  int& borrowed_;
};

// One connection and its prepared statements. Used by one thread at a time.
class Connection {
 public:
  Connection(const std::string& path, int busy_timeout_ms)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                      SQLite::OPEN_FULLMUTEX,
            busy_timeout_ms) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA foreign_keys=ON");
  }

  SQLite::Database& db() { return db_; }

  // The cached statement for `sql`, prepared on first use.
  ScopedStatement Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      // Filters make SQL text vary; bound the cache so it cannot grow without
      // limit. Statements still borrowed must survive, so the cache is only
      // emptied between operations (it may briefly exceed its bound).
      if (cache_.size() >= kMaxCachedStatements && borrowed_ == 0) {
        cache_.clear();
      }
      it = cache_
               .emplace(sql, std::make_unique<SQLite::Statement>(db_, sql))
               .first;
    }
    return ScopedStatement(*it->second, borrowed_);
  }

 private:
  static constexpr size_t kMaxCachedStatements = 128;
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
  // Statements handed out and not yet returned.
  int borrowed_ = 0;
};

// A fixed set of connections handed out one request at a time.
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> c)
        : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (c_) pool_->Release(std::move(c_));
    }
    Connection* operator->() { return c_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> c_;
  };

  void Add(std::unique_ptr<Connection> c) {
    absl::MutexLock lock(&mu_);
    free_.push_back(std::move(c));
  }

  Lease Acquire() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](std::vector<std::unique_ptr<Connection>>* f) { return !f->empty(); },
        &free_));
    std::unique_ptr<Connection> c = std::move(free_.back());
    free_.pop_back();
    return Lease(this, std::move(c));
  }

 private:
  void Release(std::unique_ptr<Connection> c) {
    absl::MutexLock lock(&mu_);
    free_.push_back(std::move(c));
  }

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> free_ ABSL_GUARDED_BY(mu_);
};

absl::Status FromSqlite(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    return absl::UnavailableError(
        "The database is busy; retry the call in a moment.");
  }
  return absl::InternalError(absl::StrCat("Storage error: ", e.what()));
}

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

absl::string_view ColumnOf(FilterField f) {
  switch (f) {
    case FilterField::kState:
      return "p.state";
    case FilterField::kCountry:
      return "p.country";
    case FilterField::kRevision:
      return "p.revision";
    case FilterField::kCreateTime:
      return "p.create_time";
    case FilterField::kUpdateTime:
      return "p.update_time";
    case FilterField::kSubmitTime:
      return "p.submit_time";
    case FilterField::kSector:
      break;
  }
  return "";
}

absl::string_view SqlOp(domain::CompareOp op) {
  switch (op) {
    case domain::CompareOp::kEq:
      return "=";
    case domain::CompareOp::kNe:
      return "!=";
    case domain::CompareOp::kLt:
      return "<";
    case domain::CompareOp::kLe:
      return "<=";
    case domain::CompareOp::kGt:
      return ">";
    case domain::CompareOp::kGe:
      return ">=";
  }
  return "=";
}

using BindValue = std::variant<int64_t, std::string>;

// Appends the SQL of `e` to `sql`, with every value as a `?` parameter.
void FilterToSql(const FilterExpr& e, std::string* sql,
                 std::vector<BindValue>* binds) {
  switch (e.kind) {
    case FilterExpr::Kind::kAnd:
    case FilterExpr::Kind::kOr:
      sql->append("(");
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) {
          sql->append(e.kind == FilterExpr::Kind::kAnd ? " AND " : " OR ");
        }
        FilterToSql(e.children[i], sql, binds);
      }
      sql->append(")");
      return;
    case FilterExpr::Kind::kNot:
      sql->append("NOT ");
      FilterToSql(e.children[0], sql, binds);
      return;
    case FilterExpr::Kind::kCompare:
      break;
  }
  if (e.field == FilterField::kSector) {
    absl::StrAppend(sql, e.op == domain::CompareOp::kNe ? "NOT " : "",
                    "EXISTS (SELECT 1 FROM plan_sectors s WHERE s.plan_id = "
                    "p.id AND s.sector = ?)");
    binds->emplace_back(e.int_value);
    return;
  }
  absl::StrAppend(sql, "(", ColumnOf(e.field), " ", SqlOp(e.op), " ?)");
  if (e.field == FilterField::kCountry) {
    binds->emplace_back(e.string_value);
  } else {
    binds->emplace_back(e.int_value);
  }
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

absl::StatusOr<Plan> ParsePlanBlob(const SQLite::Column& column) {
  Plan plan;
  if (!plan.ParseFromArray(column.getBlob(), column.getBytes())) {
    return absl::DataLossError("A stored plan could not be decoded.");
  }
  return plan;
}

class SqlitePlanStore : public PlanStore {
 public:
  explicit SqlitePlanStore(std::function<int64_t()> now) : now_(std::move(now)) {}

  ConnectionPool& pool() { return pool_; }

  absl::StatusOr<Plan> CreatePlan(const Plan& input,
                                  absl::string_view request_id) override {
    return Write<Plan>([&](Connection& c) -> absl::StatusOr<Plan> {
      auto replay = Replay(c, request_id, "CreatePlan", input.name());
      if (!replay.ok() || replay->has_value()) return Unwrap(replay);
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
      int64_t now = now_();
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
      LogRequest(c, request_id, "CreatePlan", plan.name(), plan, now);
      return plan;
    });
  }

  absl::StatusOr<Plan> GetPlan(absl::string_view name) override {
    return Read<Plan>([&](Connection& c) -> absl::StatusOr<Plan> {
      ScopedStatement s = c.Prepare("SELECT content FROM plans WHERE name = ?");
      s->bind(1, std::string(name));
      if (!s->executeStep()) return PlanNotFound(name);
      return ParsePlanBlob(s->getColumn(0));
    });
  }

  absl::StatusOr<PlanPage> ListPlans(const PlanListQuery& q) override {
    std::string where = "1";
    std::vector<BindValue> binds;
    if (q.country != domain::kAnyCountry) {
      where.append(" AND p.country = ?");
      binds.emplace_back(q.country);
    }
    if (q.filter) {
      where.append(" AND ");
      FilterToSql(*q.filter, &where, &binds);
    }
    std::string count_sql =
        absl::StrCat("SELECT COUNT(*) FROM plans p WHERE ", where);
    std::vector<BindValue> count_binds = binds;

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

    return Read<PlanPage>([&](Connection& c) -> absl::StatusOr<PlanPage> {
      // Both statements in one read transaction: the count matches the page.
      SQLite::Transaction txn(c.db(), SQLite::TransactionBehavior::DEFERRED);
      PlanPage page;
      {
        ScopedStatement s = c.Prepare(sql);
        Bind(*s, binds);
        while (s->executeStep()) {
          auto plan = ParsePlanBlob(s->getColumn(0));
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
        Bind(*s, count_binds);
        s->executeStep();
        page.total_size = s->getColumn(0).getInt64();
      }
      txn.commit();
      return page;
    });
  }

  absl::StatusOr<Plan> MutatePlan(absl::string_view name,
                                  absl::string_view method,
                                  absl::string_view request_id,
                                  const PlanMutation& mutate) override {
    return Write<Plan>([&](Connection& c) -> absl::StatusOr<Plan> {
      auto replay = Replay(c, request_id, method, name);
      if (!replay.ok() || replay->has_value()) return Unwrap(replay);
      int64_t id = 0;
      int64_t version = 0;
      Plan plan;
      {
        ScopedStatement s = c.Prepare(
            "SELECT id, version, content FROM plans WHERE name = ?");
        s->bind(1, std::string(name));
        if (!s->executeStep()) return PlanNotFound(name);
        id = s->getColumn(0).getInt64();
        version = s->getColumn(1).getInt64();
        auto parsed = ParsePlanBlob(s->getColumn(2));
        if (!parsed.ok()) return parsed.status();
        plan = *std::move(parsed);
      }
      const int old_revision = plan.revision();
      const int64_t now = now_();
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
      if (plan.revision() > old_revision) {
        ScopedStatement s = c.Prepare(
            "INSERT INTO plan_revisions (plan_id, revision, create_time, "
            "content) VALUES (?, ?, ?, ?)");
        s->bind(1, static_cast<int64_t>(id));
        s->bind(2, plan.revision());
        s->bind(3, static_cast<int64_t>(now));
        s->bind(4, blob.data(), static_cast<int>(blob.size()));
        s->exec();
      }
      LogRequest(c, request_id, method, plan.name(), plan, now);
      return plan;
    });
  }

  absl::Status DeletePlan(absl::string_view name,
                          const PlanCheck& check) override {
    return Write<bool>([&](Connection& c) -> absl::StatusOr<bool> {
             int64_t id = 0;
             {
               ScopedStatement s =
                   c.Prepare("SELECT id, content FROM plans WHERE name = ?");
               s->bind(1, std::string(name));
               if (!s->executeStep()) return PlanNotFound(name);
               id = s->getColumn(0).getInt64();
               auto plan = ParsePlanBlob(s->getColumn(1));
               if (!plan.ok()) return plan.status();
               absl::Status status = check(*plan);
               if (!status.ok()) return status;
             }
             ScopedStatement s = c.Prepare("DELETE FROM plans WHERE id = ?");
             s->bind(1, static_cast<int64_t>(id));
             s->exec();
             return true;
           })
        .status();
  }

  absl::StatusOr<PlanRevision> GetPlanRevision(absl::string_view plan_name,
                                               int revision) override {
    return Read<PlanRevision>(
        [&](Connection& c) -> absl::StatusOr<PlanRevision> {
          SQLite::Transaction txn(c.db(),
                                  SQLite::TransactionBehavior::DEFERRED);
          auto id = PlanId(c, plan_name);
          if (!id.ok()) return id.status();
          ScopedStatement s = c.Prepare(
              "SELECT revision, create_time, content FROM plan_revisions "
              "WHERE plan_id = ? AND revision = ?");
          s->bind(1, static_cast<int64_t>(*id));
          s->bind(2, revision);
          if (!s->executeStep()) {
            std::string rev_name = absl::StrCat(plan_name, "/revisions/",
                                                revision);
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
    return Read<RevisionPage>(
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
  // Runs `fn` on a pooled connection, turning SQLite exceptions into
  // statuses.
  template <typename T, typename Fn>
  absl::StatusOr<T> Read(Fn&& fn) {
    ConnectionPool::Lease c = pool_.Acquire();
    try {
      return fn(*c.operator->());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e);
    }
  }

  // Runs `fn` in an IMMEDIATE transaction, committed only when `fn` succeeds.
  template <typename T, typename Fn>
  absl::StatusOr<T> Write(Fn&& fn) {
    ConnectionPool::Lease c = pool_.Acquire();
    try {
      SQLite::Transaction txn(c->db(), SQLite::TransactionBehavior::IMMEDIATE);
      absl::StatusOr<T> result = fn(*c.operator->());
      if (result.ok()) txn.commit();
      return result;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e);
    }
  }

  static absl::StatusOr<Plan> Unwrap(
      const absl::StatusOr<std::optional<Plan>>& replay) {
    if (!replay.ok()) return replay.status();
    return **replay;
  }

  // The stored response of an earlier call with `request_id`, nullopt when
  // there was none; INVALID_ARGUMENT when the id was used for another call.
  absl::StatusOr<std::optional<Plan>> Replay(Connection& c,
                                             absl::string_view request_id,
                                             absl::string_view method,
                                             absl::string_view resource) {
    if (request_id.empty()) return std::optional<Plan>();
    ScopedStatement s = c.Prepare(
        "SELECT method, resource, response FROM request_log "
        "WHERE request_id = ?");
    s->bind(1, std::string(request_id));
    if (!s->executeStep()) return std::optional<Plan>();
    if (s->getColumn(0).getString() != method ||
        s->getColumn(1).getString() != resource) {
      return domain::InvalidField(
          "request_id",
          absl::StrCat("'", request_id, "' was already used for ",
                       s->getColumn(0).getString(), " on ",
                       s->getColumn(1).getString(),
                       "; use a new UUID for a new request."));
    }
    auto plan = ParsePlanBlob(s->getColumn(2));
    if (!plan.ok()) return plan.status();
    return std::optional<Plan>(*std::move(plan));
  }

  void LogRequest(Connection& c, absl::string_view request_id,
                  absl::string_view method, absl::string_view resource,
                  const Plan& response, int64_t now) {
    if (request_id.empty()) return;
    std::string blob = response.SerializeAsString();
    ScopedStatement s = c.Prepare(
        "INSERT INTO request_log (request_id, method, resource, response, "
        "create_time) VALUES (?, ?, ?, ?, ?)");
    s->bind(1, std::string(request_id));
    s->bind(2, std::string(method));
    s->bind(3, std::string(resource));
    s->bind(4, blob.data(), static_cast<int>(blob.size()));
    s->bind(5, static_cast<int64_t>(now));
    s->exec();
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
    auto plan = ParsePlanBlob(s.getColumn(2));
    if (!plan.ok()) return plan.status();
    *revision.mutable_plan() = *std::move(plan);
    return revision;
  }

  std::function<int64_t()> now_;
  ConnectionPool pool_;
};

absl::Status Migrate(Connection& c) {
  SQLite::Transaction txn(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
  int version = c.db().execAndGet("PRAGMA user_version").getInt();
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "The database schema is version ", version,
        " but this server understands up to version ", kSchemaVersion,
        "; run a newer itp-server."));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    c.db().exec(kMigrations[v]);
    c.db().exec(absl::StrCat("PRAGMA user_version = ", v + 1));
  }
  txn.commit();
  return absl::OkStatus();
}

}  // namespace

int SqliteSchemaVersion() { return kSchemaVersion; }

absl::StatusOr<std::unique_ptr<PlanStore>> OpenSqlitePlanStore(
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
  auto store = std::make_unique<SqlitePlanStore>(std::move(now));
  try {
    for (int i = 0; i < options.pool_size; ++i) {
      auto c = std::make_unique<Connection>(options.path,
                                            options.busy_timeout_ms);
      if (i == 0) {
        absl::Status migrated = Migrate(*c);
        if (!migrated.ok()) return migrated;
      }
      store->pool().Add(std::move(c));
    }
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "Cannot open the database '", options.path, "': ", e.what()));
  }
  return std::unique_ptr<PlanStore>(std::move(store));
}

}  // namespace itp::storage
