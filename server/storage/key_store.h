// Storage of API keys (metadata plus salted hash; never the secret) and of
// the audit trail.
//
//   auto key = keys.CreateKey(ctx, api_key, issued.salt, issued.hash);
//   auto stored = keys.GetKey("3f9c2a1b7d4e8f60");
//   audit.Record(ctx, "countries/IND/plans/steel-2070", status);
//
// Thread-safe. Errors common to all methods: UNAVAILABLE when the database
// stays busy past its timeout, INTERNAL on a storage fault.
#ifndef ITP_SERVER_STORAGE_KEY_STORE_H_
#define ITP_SERVER_STORAGE_KEY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/admin_service.pb.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/storage/write_context.h"

namespace itp::storage {

struct StoredApiKey {
  // With `state` computed for the current time.
  itp::v1::ApiKey key;
  std::string salt;
  std::string hash;
};

struct ApiKeyPage {
  std::vector<itp::v1::ApiKey> keys;
  std::optional<domain::PageCursor> next;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // The database's secret `name` (e.g. "page_tokens"): the one stored, or,
  // at the first call, `candidate`, which is then stored. It never changes
  // afterwards, so what it signs stays valid across restarts.
  virtual absl::StatusOr<std::string> ServerSecret(
      absl::string_view name, absl::string_view candidate) = 0;

  // Stores `key` (whose name `apiKeys/{id}` is set) with its salted hash and
  // returns it with create_time and state set. Retry-safe on
  // ctx.request_id (the replay returns the stored key). ALREADY_EXISTS for a
  // taken id.
  virtual absl::StatusOr<itp::v1::ApiKey> CreateKey(const WriteContext& ctx,
                                                    const itp::v1::ApiKey& key,
                                                    absl::string_view salt,
                                                    absl::string_view hash) = 0;

  // The key with id `key_id` (the part after `apiKeys/`); NOT_FOUND (reason
  // API_KEY_NOT_FOUND) if absent.
  virtual absl::StatusOr<StoredApiKey> GetKey(absl::string_view key_id) = 0;

  // Keys oldest first, after `after` when set; revoked and expired ones only
  // with `show_inactive`.
  virtual absl::StatusOr<ApiKeyPage> ListKeys(
      int page_size, const std::optional<domain::PageCursor>& after,
      bool show_inactive) = 0;

  // Sets revoke_time (idempotent: a revoked key keeps its first revoke time).
  // NOT_FOUND if absent.
  virtual absl::StatusOr<itp::v1::ApiKey> RevokeKey(
      const WriteContext& ctx, absl::string_view key_id) = 0;

  // Number of keys ever created (revoked ones included).
  virtual absl::StatusOr<int64_t> CountKeys() = 0;
};

struct AuditPage {
  // Newest first.
  std::vector<itp::v1::AuditEvent> events;
  std::optional<domain::PageCursor> next;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Records a call that did not change anything (a denied or failed call)
  // in its own transaction. Successful writes are recorded by the stores.
  // Rows of reads (ctx.is_read) and of RecordCounted are not change records:
  // retention deletes them after a while (retention_store.h).
  virtual absl::Status Record(const WriteContext& ctx,
                              absl::string_view resource,
                              const absl::Status& outcome) = 0;

  // Calls recorded as one event each: `count` calls like `ctx` and
  // `outcome` from `first_time` (unix micros) on, naming no resource.
  struct CountedCalls {
    WriteContext ctx;
    absl::Status outcome;
    int64_t count = 0;
    int64_t first_time = 0;
  };
  // Records `rows` in one transaction.
  virtual absl::Status RecordCounted(const std::vector<CountedCalls>& rows) = 0;

  // Events newest first matching `filter` (from domain::ParseAuditFilter),
  // older than `after` when set.
  virtual absl::StatusOr<AuditPage> List(
      const std::optional<domain::FilterExpr>& filter, int page_size,
      const std::optional<domain::PageCursor>& after) = 0;

  // The event `auditEvents/{id}`; NOT_FOUND (reason AUDIT_EVENT_NOT_FOUND)
  // if there is none (or retention deleted it).
  virtual absl::StatusOr<itp::v1::AuditEvent> Get(int64_t id) = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_KEY_STORE_H_
