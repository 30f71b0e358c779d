// The gRPC handlers of itp.v1.AdminService: API keys and the audit trail,
// for ADMIN keys only.
//
//   AdminServiceImpl admin(*key_store, *audit_log, guard_deps, clock);
//   builder.RegisterService(&admin);
#ifndef ITP_SERVER_SERVICE_ADMIN_SERVICE_H_
#define ITP_SERVER_SERVICE_ADMIN_SERVICE_H_

#include <cstdint>
#include <functional>

#include "itp/v1/admin_service.grpc.pb.h"
#include "server/service/call_guard.h"
#include "server/storage/key_store.h"

namespace itp::service {

// Thread-safe; the stores and `guard`'s dependencies must outlive it.
class AdminServiceImpl final : public itp::v1::AdminService::Service {
 public:
  AdminServiceImpl(storage::KeyStore& keys, storage::AuditLog& audit,
                   const GuardDeps& guard, std::function<int64_t()> now)
      : keys_(keys), audit_(audit), guard_(guard), now_(std::move(now)) {}

  grpc::Status CreateApiKey(grpc::ServerContext* context,
                            const itp::v1::CreateApiKeyRequest* request,
                            itp::v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context,
                           const itp::v1::ListApiKeysRequest* request,
                           itp::v1::ListApiKeysResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context,
                            const itp::v1::RevokeApiKeyRequest* request,
                            itp::v1::ApiKey* response) override;
  grpc::Status ListAuditEvents(
      grpc::ServerContext* context,
      const itp::v1::ListAuditEventsRequest* request,
      itp::v1::ListAuditEventsResponse* response) override;

 private:
  storage::KeyStore& keys_;
  storage::AuditLog& audit_;
  const GuardDeps& guard_;
  std::function<int64_t()> now_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_ADMIN_SERVICE_H_
