// The gRPC adapter of itp.v1.AdminService: each method hands its request to
// app::AdminOperations through the serving core and holds no rule of its own.
//
//   AdminServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_ADMIN_SERVICE_H_
#define ITP_SERVER_SERVICE_ADMIN_SERVICE_H_

#include "itp/v1/admin_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/serving_core.h"

namespace itp::service {

// Thread-safe; `app` and `core` must outlive it.
class AdminServiceImpl final : public itp::v1::AdminService::CallbackService {
 public:
  AdminServiceImpl(app::Application& app, ServingCore& core)
      : app_(app), core_(core) {}

  grpc::ServerUnaryReactor* CreateApiKey(
      grpc::CallbackServerContext* context,
      const itp::v1::CreateApiKeyRequest* request,
      itp::v1::CreateApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* ListApiKeys(
      grpc::CallbackServerContext* context,
      const itp::v1::ListApiKeysRequest* request,
      itp::v1::ListApiKeysResponse* response) override;
  grpc::ServerUnaryReactor* RevokeApiKey(
      grpc::CallbackServerContext* context,
      const itp::v1::RevokeApiKeyRequest* request,
      itp::v1::ApiKey* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const itp::v1::ListAuditEventsRequest* request,
      itp::v1::ListAuditEventsResponse* response) override;

 private:
  app::Application& app_;
  ServingCore& core_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_ADMIN_SERVICE_H_
