#include "server/service/admin_service.h"

namespace itp::service {

AdminServiceImpl::AdminServiceImpl(app::Application& app, ServingCore& core)
    : BoundService(core) {
  Unary("CreateApiKey", app.admin(), &app::AdminOperations::CreateApiKey);
  Unary("GetApiKey", app.admin(), &app::AdminOperations::GetApiKey);
  Unary("ListApiKeys", app.admin(), &app::AdminOperations::ListApiKeys);
  Unary("RevokeApiKey", app.admin(), &app::AdminOperations::RevokeApiKey);
  Unary("GetAuditEvent", app.admin(), &app::AdminOperations::GetAuditEvent);
  Unary("ListAuditEvents", app.admin(), &app::AdminOperations::ListAuditEvents);
  CheckAllBound();
}

}  // namespace itp::service
