#include "tests/testing/plan_states.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/domain/plan_lifecycle.h"
#include "tests/testing/test_plans.h"

namespace itp::testing {

using itp::v1::Plan;

Plan MakePlanInState(storage::PlanStore& plans, const std::string& country,
                     const std::string& plan_id, Plan::State state) {
  using domain::PlanAction;
  storage::WriteContext ctx;
  ctx.method = "test/setup";
  Plan plan = IndiaSteelPlan();
  plan.set_name(absl::StrCat("countries/", country, "/plans/", plan_id));
  auto created = plans.CreatePlan(ctx, plan);
  if (!created.ok()) {
    ADD_FAILURE() << created.status();
    return plan;
  }
  std::vector<PlanAction> path;
  switch (state) {
    case Plan::SUBMITTED:
      path = {PlanAction::kSubmit};
      break;
    case Plan::IN_REVIEW:
      path = {PlanAction::kSubmit, PlanAction::kStartReview};
      break;
    case Plan::CHANGES_REQUESTED:
      path = {PlanAction::kSubmit, PlanAction::kStartReview,
              PlanAction::kRequestChanges};
      break;
    case Plan::APPROVED:
      path = {PlanAction::kSubmit, PlanAction::kStartReview,
              PlanAction::kApprove};
      break;
    case Plan::REJECTED:
      path = {PlanAction::kSubmit, PlanAction::kStartReview,
              PlanAction::kReject};
      break;
    case Plan::WITHDRAWN:
      path = {PlanAction::kSubmit, PlanAction::kWithdraw};
      break;
    default:
      break;
  }
  Plan result = *created;
  for (PlanAction action : path) {
    auto moved =
        plans.MutatePlan(ctx, plan.name(), [action](Plan& p, int64_t now) {
          return domain::ApplyAction(p, action, "", now);
        });
    if (!moved.ok()) {
      ADD_FAILURE() << moved.status();
      return result;
    }
    result = *moved;
  }
  EXPECT_EQ(result.state(), state);
  return result;
}

}  // namespace itp::testing
