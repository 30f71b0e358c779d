#include "server/service/progress_service.h"

namespace itp::service {

ProgressServiceImpl::ProgressServiceImpl(app::Application& app,
                                         ServingCore& core)
    : BoundService(core) {
  using Ops = app::ProgressOperations;
  Unary("CreateProgressReport", app.progress(), &Ops::CreateProgressReport);
  Unary("GetProgressReport", app.progress(), &Ops::GetProgressReport);
  Unary("ListProgressReports", app.progress(), &Ops::ListProgressReports);
  Unary("UpdateProgressReport", app.progress(), &Ops::UpdateProgressReport);
  Unary("PublishProgressReport", app.progress(), &Ops::PublishProgressReport);
  Unary("GetPlanProgress", app.progress(), &Ops::GetPlanProgress);
  CheckAllBound();
}

}  // namespace itp::service
