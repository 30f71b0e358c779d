#include "server/app/admin_operations.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "server/auth/api_key_rules.h"
#include "server/auth/api_key_secret.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using auth::Operation;

constexpr char kCreateApiKey[] = "/itp.v1.AdminService/CreateApiKey";
constexpr char kGetApiKey[] = "/itp.v1.AdminService/GetApiKey";
constexpr char kListApiKeys[] = "/itp.v1.AdminService/ListApiKeys";
constexpr char kRevokeApiKey[] = "/itp.v1.AdminService/RevokeApiKey";
constexpr char kGetAuditEvent[] = "/itp.v1.AdminService/GetAuditEvent";
constexpr char kListAuditEvents[] = "/itp.v1.AdminService/ListAuditEvents";

absl::Status AdmitAdmin(Call& call) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  return call.Authorize(Operation::kAdministrate, "");
}

}  // namespace

absl::StatusOr<itp::v1::CreateApiKeyResponse> AdminOperations::CreateApiKey(
    const Caller& caller, const itp::v1::CreateApiKeyRequest& request) {
  Call call(ctx_.call, caller, kCreateApiKey, Call::kMutation, "apiKeys",
            request);
  itp::v1::CreateApiKeyResponse response;
  absl::Status s = AdmitAdmin(call);
  if (!s.ok()) return call.Finish(s);
  domain::FieldViolations violations;
  auth::ValidateNewApiKey(request.api_key(), ctx_.now(), "api_key",
                          &violations);
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  auto issued = auth::IssueSecret();
  if (!issued.ok()) return call.Finish(issued.status());
  itp::v1::ApiKey key = request.api_key();
  key.set_name(absl::StrCat("apiKeys/", issued->key_id));
  key.clear_state();
  key.clear_create_time();
  key.clear_revoke_time();
  auto stored =
      ctx_.keys.CreateKey(call.Write(), key, issued->salt, issued->hash);
  if (!stored.ok()) return call.Finish(stored.status());
  // A retried request returns the key created the first time; its secret was
  // shown then and cannot be shown again.
  if (stored->name() == key.name()) response.set_secret(issued->secret);
  *response.mutable_api_key() = *std::move(stored);
  return call.Done(std::move(response));
}

absl::StatusOr<itp::v1::ApiKey> AdminOperations::GetApiKey(
    const Caller& caller, const itp::v1::GetApiKeyRequest& request) {
  Call call(ctx_.call, caller, kGetApiKey, Call::kRead, request.name());
  absl::Status s = AdmitAdmin(call);
  if (!s.ok()) return call.Finish(s);
  auto key_id = domain::ParseApiKeyName(request.name(), "name");
  if (!key_id.ok()) return call.Finish(key_id.status());
  auto stored = ctx_.keys.GetKey(*key_id);
  if (!stored.ok()) return call.Finish(stored.status());
  return call.Done(std::move(stored->key));
}

absl::StatusOr<itp::v1::ListApiKeysResponse> AdminOperations::ListApiKeys(
    const Caller& caller, const itp::v1::ListApiKeysRequest& request) {
  Call call(ctx_.call, caller, kListApiKeys, Call::kRead, "apiKeys");
  itp::v1::ListApiKeysResponse response;
  absl::Status s = AdmitAdmin(call);
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListApiKeys", request.show_inactive() ? "all" : "active"});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = ctx_.keys.ListKeys(*page_size, after, request.show_inactive());
  if (!page.ok()) return call.Finish(page.status());
  for (auto& key : page->keys) *response.add_api_keys() = std::move(key);
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<itp::v1::ApiKey> AdminOperations::RevokeApiKey(
    const Caller& caller, const itp::v1::RevokeApiKeyRequest& request) {
  Call call(ctx_.call, caller, kRevokeApiKey, Call::kMutation, request.name());
  absl::Status s = AdmitAdmin(call);
  if (!s.ok()) return call.Finish(s);
  auto key_id = domain::ParseApiKeyName(request.name(), "name");
  if (!key_id.ok()) return call.Finish(key_id.status());
  auto revoked = ctx_.keys.RevokeKey(call.Write(), *key_id);
  if (revoked.ok()) ctx_.authenticator.Forget(*key_id);
  return call.Finish(std::move(revoked));
}

absl::StatusOr<itp::v1::AuditEvent> AdminOperations::GetAuditEvent(
    const Caller& caller, const itp::v1::GetAuditEventRequest& request) {
  Call call(ctx_.call, caller, kGetAuditEvent, Call::kRead, request.name());
  absl::Status s = AdmitAdmin(call);
  if (!s.ok()) return call.Finish(s);
  auto id = domain::ParseAuditEventName(request.name(), "name");
  if (!id.ok()) return call.Finish(id.status());
  return call.Finish(ctx_.audit.Get(*id));
}

absl::StatusOr<itp::v1::ListAuditEventsResponse>
AdminOperations::ListAuditEvents(
    const Caller& caller, const itp::v1::ListAuditEventsRequest& request) {
  Call call(ctx_.call, caller, kListAuditEvents, Call::kRead, "auditEvents");
  itp::v1::ListAuditEventsResponse response;
  absl::Status s = AdmitAdmin(call);
  if (!s.ok()) return call.Finish(s);
  domain::FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  auto filter = domain::ParseAuditFilter(request.filter());
  violations.AddFrom(filter.status());
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListAuditEvents", *filter ? (*filter)->DebugString() : ""});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = ctx_.audit.List(*filter, *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (auto& event : page->events) {
    *response.add_audit_events() = std::move(event);
  }
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

}  // namespace itp::app
