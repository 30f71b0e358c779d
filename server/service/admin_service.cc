#include "server/service/admin_service.h"

namespace itp::service {

grpc::ServerUnaryReactor* AdminServiceImpl::CreateApiKey(
    grpc::CallbackServerContext* context,
    const itp::v1::CreateApiKeyRequest* request,
    itp::v1::CreateApiKeyResponse* response) {
  return core_.Unary(context, "/itp.v1.AdminService/CreateApiKey", app_.admin(),
                     &app::AdminOperations::CreateApiKey, request, response);
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListApiKeys(
    grpc::CallbackServerContext* context,
    const itp::v1::ListApiKeysRequest* request,
    itp::v1::ListApiKeysResponse* response) {
  return core_.Unary(context, "/itp.v1.AdminService/ListApiKeys", app_.admin(),
                     &app::AdminOperations::ListApiKeys, request, response);
}

grpc::ServerUnaryReactor* AdminServiceImpl::RevokeApiKey(
    grpc::CallbackServerContext* context,
    const itp::v1::RevokeApiKeyRequest* request, itp::v1::ApiKey* response) {
  return core_.Unary(context, "/itp.v1.AdminService/RevokeApiKey", app_.admin(),
                     &app::AdminOperations::RevokeApiKey, request, response);
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const itp::v1::ListAuditEventsRequest* request,
    itp::v1::ListAuditEventsResponse* response) {
  return core_.Unary(context, "/itp.v1.AdminService/ListAuditEvents",
                     app_.admin(), &app::AdminOperations::ListAuditEvents,
                     request, response);
}

}  // namespace itp::service
