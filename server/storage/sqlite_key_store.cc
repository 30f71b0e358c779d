// SQLite implementations of KeyStore and AuditLog.

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/storage/key_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace {

using domain::ErrorWithInfo;
using domain::FilterExpr;
using domain::FilterField;
using domain::PageCursor;
using google::protobuf::util::TimeUtil;
using internal::Connection;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::ApiKey;
using itp::v1::AuditEvent;

int64_t MicrosOrZero(bool has, const google::protobuf::Timestamp& t) {
  return has ? TimeUtil::TimestampToMicroseconds(t) : 0;
}

// The stored key with its state for the time `now`.
absl::StatusOr<ApiKey> KeyFromBlob(const SQLite::Column& column, int64_t now) {
  ApiKey key;
  if (!key.ParseFromArray(column.getBlob(), column.getBytes())) {
    return absl::DataLossError("A stored API key could not be decoded.");
  }
  if (key.has_revoke_time()) {
    key.set_state(ApiKey::REVOKED);
  } else if (key.has_expire_time() &&
             TimeUtil::TimestampToMicroseconds(key.expire_time()) <= now) {
    key.set_state(ApiKey::EXPIRED);
  } else {
    key.set_state(ApiKey::ACTIVE);
  }
  return key;
}

absl::Status KeyNotFound(absl::string_view key_id) {
  std::string name = absl::StrCat("apiKeys/", key_id);
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("API key ", name, " does not exist."),
                       "API_KEY_NOT_FOUND", name);
}

class SqliteKeyStore : public KeyStore {
 public:
  explicit SqliteKeyStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  absl::StatusOr<std::string> ServerSecret(
      absl::string_view name, absl::string_view candidate) override {
    return db_->Write<std::string>(
        [&](Connection& c) -> absl::StatusOr<std::string> {
          {
            ScopedStatement insert = c.Prepare(
                "INSERT OR IGNORE INTO server_secrets (name, value) "
                "VALUES (?, ?)");
            insert->bind(1, std::string(name));
            insert->bind(2, candidate.data(),
                         static_cast<int>(candidate.size()));
            insert->exec();
          }
          ScopedStatement s =
              c.Prepare("SELECT value FROM server_secrets WHERE name = ?");
          s->bind(1, std::string(name));
          if (!s->executeStep()) {
            return absl::InternalError("server secret not stored");
          }
          const SQLite::Column value = s->getColumn(0);
          return std::string(static_cast<const char*>(value.getBlob()),
                             value.getBytes());
        });
  }

  absl::StatusOr<ApiKey> CreateKey(const WriteContext& ctx, const ApiKey& input,
                                   absl::string_view salt,
                                   absl::string_view hash) override {
    return db_->Write<ApiKey>([&](Connection& c) -> absl::StatusOr<ApiKey> {
      auto replay = db_->ReplayAs<ApiKey>(c, ctx, "apiKeys");
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      const std::string key_id =
          input.name().substr(input.name().find('/') + 1);
      {
        ScopedStatement s =
            c.Prepare("SELECT 1 FROM api_keys WHERE key_id = ?");
        s->bind(1, key_id);
        if (s->executeStep()) {
          return ErrorWithInfo(
              absl::StatusCode::kAlreadyExists,
              absl::StrCat("API key ", input.name(), " already exists."),
              "API_KEY_ALREADY_EXISTS", input.name());
        }
      }
      const int64_t now = db_->Now();
      ApiKey key = input;
      *key.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      key.clear_revoke_time();
      key.clear_state();
      std::string blob = key.SerializeAsString();
      {
        ScopedStatement s = c.Prepare(
            "INSERT INTO api_keys (key_id, salt, hash, create_time, "
            "expire_time, content) VALUES (?, ?, ?, ?, ?, ?)");
        s->bind(1, key_id);
        s->bind(2, salt.data(), static_cast<int>(salt.size()));
        s->bind(3, hash.data(), static_cast<int>(hash.size()));
        s->bind(4, static_cast<int64_t>(now));
        s->bind(5, static_cast<int64_t>(
                       MicrosOrZero(key.has_expire_time(), key.expire_time())));
        s->bind(6, blob.data(), static_cast<int>(blob.size()));
        s->exec();
      }
      key.set_state(ApiKey::ACTIVE);
      // The request log keeps the key as created: "apiKeys" is the resource
      // of every CreateApiKey, so the replay check compares methods only.
      db_->RecordWrite(c, ctx, "apiKeys", key);
      return key;
    });
  }

  absl::StatusOr<StoredApiKey> GetKey(absl::string_view key_id) override {
    return db_->Read<StoredApiKey>(
        [&](Connection& c) -> absl::StatusOr<StoredApiKey> {
          ScopedStatement s = c.Prepare(
              "SELECT salt, hash, content FROM api_keys WHERE key_id = ?");
          s->bind(1, std::string(key_id));
          if (!s->executeStep()) return KeyNotFound(key_id);
          StoredApiKey stored;
          stored.salt = s->getColumn(0).getString();
          stored.hash = s->getColumn(1).getString();
          auto key = KeyFromBlob(s->getColumn(2), db_->Now());
          if (!key.ok()) return key.status();
          stored.key = *std::move(key);
          return stored;
        });
  }

  absl::StatusOr<ApiKeyPage> ListKeys(int page_size,
                                      const std::optional<PageCursor>& after,
                                      bool show_inactive) override {
    return db_->Read<ApiKeyPage>(
        [&](Connection& c) -> absl::StatusOr<ApiKeyPage> {
          const std::string sql = absl::StrCat(
              "SELECT id, content FROM api_keys WHERE id > ?",
              show_inactive ? ""
                            : " AND revoke_time = 0 AND (expire_time = 0 OR "
                              "expire_time > ?)",
              " ORDER BY id LIMIT ?");
          ScopedStatement s = c.Prepare(sql);
          int i = 1;
          s->bind(i++, static_cast<int64_t>(after ? after->key : 0));
          if (!show_inactive) s->bind(i++, static_cast<int64_t>(db_->Now()));
          s->bind(i++, page_size + 1);
          ApiKeyPage page;
          int64_t last_id = 0;
          while (s->executeStep()) {
            if (static_cast<int>(page.keys.size()) == page_size) {
              page.next = PageCursor{last_id, page.keys.back().name()};
              break;
            }
            last_id = s->getColumn(0).getInt64();
            auto key = KeyFromBlob(s->getColumn(1), db_->Now());
            if (!key.ok()) return key.status();
            page.keys.push_back(*std::move(key));
          }
          return page;
        });
  }

  absl::StatusOr<ApiKey> RevokeKey(const WriteContext& ctx,
                                   absl::string_view key_id) override {
    return db_->Write<ApiKey>([&](Connection& c) -> absl::StatusOr<ApiKey> {
      auto replay =
          db_->ReplayAs<ApiKey>(c, ctx, absl::StrCat("apiKeys/", key_id));
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      ApiKey key;
      {
        ScopedStatement s =
            c.Prepare("SELECT content FROM api_keys WHERE key_id = ?");
        s->bind(1, std::string(key_id));
        if (!s->executeStep()) return KeyNotFound(key_id);
        auto stored = KeyFromBlob(s->getColumn(0), db_->Now());
        if (!stored.ok()) return stored.status();
        key = *std::move(stored);
      }
      if (!key.has_revoke_time()) {
        const int64_t now = db_->Now();
        *key.mutable_revoke_time() = TimeUtil::MicrosecondsToTimestamp(now);
        key.set_state(ApiKey::REVOKED);
        ApiKey stored = key;
        stored.clear_state();
        std::string blob = stored.SerializeAsString();
        ScopedStatement s = c.Prepare(
            "UPDATE api_keys SET revoke_time = ?, content = ? WHERE key_id = "
            "?");
        s->bind(1, static_cast<int64_t>(now));
        s->bind(2, blob.data(), static_cast<int>(blob.size()));
        s->bind(3, std::string(key_id));
        s->exec();
      }
      db_->RecordWrite(c, ctx, key.name(), key);
      return key;
    });
  }

  absl::StatusOr<int64_t> CountKeys() override {
    return db_->Read<int64_t>([&](Connection& c) -> absl::StatusOr<int64_t> {
      ScopedStatement s = c.Prepare("SELECT COUNT(*) FROM api_keys");
      s->executeStep();
      return s->getColumn(0).getInt64();
    });
  }

 private:
  std::shared_ptr<SqliteDb> db_;
};

void AuditComparisonToSql(const FilterExpr& e, std::string* sql,
                          std::vector<internal::BindValue>* binds) {
  absl::string_view column = "time";
  switch (e.field) {
    case FilterField::kApiKey:
      column = "api_key";
      break;
    case FilterField::kMethod:
      column = "method";
      break;
    case FilterField::kResource:
      column = "resource";
      break;
    case FilterField::kCode:
      column = "code";
      break;
    default:  // kTime; the parser admits no other audit field
      break;
  }
  internal::AppendComparison(column, e, sql, binds);
}

// The columns AuditEventOfRow reads, in its order.
constexpr char kAuditColumns[] =
    "id, time, api_key, role, method, resource, request_id, code, message, "
    "peer, count";

// The event of a row of kAuditColumns.
AuditEvent AuditEventOfRow(SQLite::Statement& s) {
  AuditEvent event;
  event.set_name(absl::StrCat("auditEvents/", s.getColumn(0).getInt64()));
  *event.mutable_time() =
      TimeUtil::MicrosecondsToTimestamp(s.getColumn(1).getInt64());
  event.set_api_key(s.getColumn(2).getString());
  event.set_role(static_cast<itp::v1::Role>(s.getColumn(3).getInt()));
  event.set_method(s.getColumn(4).getString());
  event.set_resource(s.getColumn(5).getString());
  event.set_request_id(s.getColumn(6).getString());
  event.set_code(
      std::string(domain::CanonicalCodeName(s.getColumn(7).getInt())));
  event.set_message(s.getColumn(8).getString());
  event.set_peer(s.getColumn(9).getString());
  event.set_count(s.getColumn(10).getInt64());
  return event;
}

class SqliteAuditLog : public AuditLog {
 public:
  explicit SqliteAuditLog(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  absl::Status Record(const WriteContext& ctx, absl::string_view resource,
                      const absl::Status& outcome) override {
    return db_
        ->Write<bool>([&](Connection& c) -> absl::StatusOr<bool> {
          db_->InsertAudit(c, ctx, resource, outcome);
          return true;
        })
        .status();
  }

  absl::Status RecordCounted(const std::vector<CountedCalls>& rows) override {
    if (rows.empty()) return absl::OkStatus();
    return db_
        ->Write<bool>([&](Connection& c) -> absl::StatusOr<bool> {
          for (const CountedCalls& row : rows) {
            db_->InsertKeylessAudit(c, row.ctx, row.outcome, row.count,
                                    row.first_time);
          }
          return true;
        })
        .status();
  }

  absl::StatusOr<AuditPage> List(
      const std::optional<FilterExpr>& filter, int page_size,
      const std::optional<PageCursor>& after) override {
    std::string sql = absl::StrCat("SELECT ", kAuditColumns,
                                   " FROM audit_events WHERE 1");
    std::vector<internal::BindValue> binds;
    if (filter) {
      sql.append(" AND ");
      internal::FilterToSql(*filter, AuditComparisonToSql, &sql, &binds);
    }
    if (after) {
      sql.append(" AND id < ?");
      binds.emplace_back(after->key);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    binds.emplace_back(static_cast<int64_t>(page_size) + 1);
    return db_->Read<AuditPage>([&](Connection& c)
                                    -> absl::StatusOr<AuditPage> {
      ScopedStatement s = c.Prepare(sql);
      internal::Bind(*s, binds);
      AuditPage page;
      int64_t last_id = 0;
      while (s->executeStep()) {
        if (static_cast<int>(page.events.size()) == page_size) {
          page.next = PageCursor{last_id, page.events.back().name()};
          break;
        }
        last_id = s->getColumn(0).getInt64();
        page.events.push_back(AuditEventOfRow(*s));
      }
      return page;
    });
  }

  absl::StatusOr<AuditEvent> Get(int64_t id) override {
    return db_->Read<AuditEvent>([&](Connection& c)
                                     -> absl::StatusOr<AuditEvent> {
      ScopedStatement s = c.Prepare(
          absl::StrCat("SELECT ", kAuditColumns,
                       " FROM audit_events WHERE id = ?"));
      s->bind(1, static_cast<int64_t>(id));
      if (!s->executeStep()) {
        const std::string name = absl::StrCat("auditEvents/", id);
        return ErrorWithInfo(
            absl::StatusCode::kNotFound,
            absl::StrCat("Audit event ", name,
                         " does not exist (or was deleted by retention)."),
            "AUDIT_EVENT_NOT_FOUND", name);
      }
      return AuditEventOfRow(*s);
    });
  }

 private:
  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<KeyStore> NewSqliteKeyStore(std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteKeyStore>(std::move(db));
}

std::unique_ptr<AuditLog> NewSqliteAuditLog(std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteAuditLog>(std::move(db));
}

}  // namespace internal
}  // namespace itp::storage
