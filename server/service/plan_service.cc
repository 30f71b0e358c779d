#include "server/service/plan_service.h"

namespace itp::service {

PlanServiceImpl::PlanServiceImpl(app::Application& app, ServingCore& core)
    : BoundService(core) {
  Unary("CreatePlan", app.plans(), &app::PlanOperations::CreatePlan);
  Unary("GetPlan", app.plans(), &app::PlanOperations::GetPlan);
  Unary("ListPlans", app.plans(), &app::PlanOperations::ListPlans);
  Unary("UpdatePlan", app.plans(), &app::PlanOperations::UpdatePlan);
  Unary("DeletePlan", app.plans(), &app::PlanOperations::DeletePlan);
  Unary("SubmitPlan", app.plans(), &app::PlanOperations::SubmitPlan);
  Unary("WithdrawPlan", app.plans(), &app::PlanOperations::WithdrawPlan);
  Unary("GetPlanRevision", app.plans(), &app::PlanOperations::GetPlanRevision);
  Unary("ListPlanRevisions", app.plans(),
        &app::PlanOperations::ListPlanRevisions);
  CheckAllBound();
}

}  // namespace itp::service
