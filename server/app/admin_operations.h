// The operations of itp.v1.AdminService: API keys and the audit trail, for
// ADMIN keys only. A revoked key is forgotten by the authenticator at once,
// so that its next call fails.
//
//   AdminOperations admin(context);
//   auto created = admin.CreateApiKey(caller, request);  // secret shown once
#ifndef ITP_SERVER_APP_ADMIN_OPERATIONS_H_
#define ITP_SERVER_APP_ADMIN_OPERATIONS_H_

#include "absl/status/statusor.h"
#include "itp/v1/admin_service.pb.h"
#include "server/app/caller.h"
#include "server/app/context.h"

namespace itp::app {

// Thread-safe; errors as the API documents.
class AdminOperations {
 public:
  explicit AdminOperations(AppContext& context) : ctx_(context) {}

  absl::StatusOr<itp::v1::CreateApiKeyResponse> CreateApiKey(
      const Caller& caller, const itp::v1::CreateApiKeyRequest& request);
  absl::StatusOr<itp::v1::ApiKey> GetApiKey(
      const Caller& caller, const itp::v1::GetApiKeyRequest& request);
  absl::StatusOr<itp::v1::ListApiKeysResponse> ListApiKeys(
      const Caller& caller, const itp::v1::ListApiKeysRequest& request);
  absl::StatusOr<itp::v1::ApiKey> RevokeApiKey(
      const Caller& caller, const itp::v1::RevokeApiKeyRequest& request);
  absl::StatusOr<itp::v1::AuditEvent> GetAuditEvent(
      const Caller& caller, const itp::v1::GetAuditEventRequest& request);
  absl::StatusOr<itp::v1::ListAuditEventsResponse> ListAuditEvents(
      const Caller& caller, const itp::v1::ListAuditEventsRequest& request);

 private:
  AppContext& ctx_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_ADMIN_OPERATIONS_H_
