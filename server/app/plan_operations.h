// The operations of itp.v1.PlanService: plans and their revisions. Each
// reads top to bottom as the story of its RPC: authorize (auth/policy),
// validate (domain), load, apply the domain rule, store with its audit
// record, publish.
//
//   PlanOperations plans(context);
//   absl::StatusOr<itp::v1::Plan> plan = plans.SubmitPlan(caller, request);
#ifndef ITP_SERVER_APP_PLAN_OPERATIONS_H_
#define ITP_SERVER_APP_PLAN_OPERATIONS_H_

#include "absl/status/statusor.h"
#include "google/protobuf/empty.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "server/app/caller.h"
#include "server/app/context.h"

namespace itp::app {

// Thread-safe. Errors: UNAUTHENTICATED, PERMISSION_DENIED (before existence),
// INVALID_ARGUMENT with every violated field, NOT_FOUND, ALREADY_EXISTS,
// ABORTED (stale etag), FAILED_PRECONDITION (state), UNAVAILABLE (database
// busy), as the API documents.
class PlanOperations {
 public:
  explicit PlanOperations(AppContext& context) : ctx_(context) {}

  absl::StatusOr<itp::v1::Plan> CreatePlan(
      const Caller& caller, const itp::v1::CreatePlanRequest& request);
  absl::StatusOr<itp::v1::Plan> GetPlan(const Caller& caller,
                                        const itp::v1::GetPlanRequest& request);
  absl::StatusOr<itp::v1::ListPlansResponse> ListPlans(
      const Caller& caller, const itp::v1::ListPlansRequest& request);
  absl::StatusOr<itp::v1::Plan> UpdatePlan(
      const Caller& caller, const itp::v1::UpdatePlanRequest& request);
  absl::StatusOr<google::protobuf::Empty> DeletePlan(
      const Caller& caller, const itp::v1::DeletePlanRequest& request);
  absl::StatusOr<itp::v1::Plan> SubmitPlan(
      const Caller& caller, const itp::v1::SubmitPlanRequest& request);
  absl::StatusOr<itp::v1::Plan> WithdrawPlan(
      const Caller& caller, const itp::v1::WithdrawPlanRequest& request);
  absl::StatusOr<itp::v1::PlanRevision> GetPlanRevision(
      const Caller& caller, const itp::v1::GetPlanRevisionRequest& request);
  absl::StatusOr<itp::v1::ListPlanRevisionsResponse> ListPlanRevisions(
      const Caller& caller, const itp::v1::ListPlanRevisionsRequest& request);

 private:
  AppContext& ctx_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_PLAN_OPERATIONS_H_
