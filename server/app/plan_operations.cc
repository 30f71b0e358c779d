#include "server/app/plan_operations.h"

#include "server/domain/investment.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_query.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using auth::Operation;
using domain::FieldViolations;
using domain::PlanAction;
using itp::v1::Plan;

constexpr char kCreatePlan[] = "/itp.v1.PlanService/CreatePlan";
constexpr char kGetPlan[] = "/itp.v1.PlanService/GetPlan";
constexpr char kListPlans[] = "/itp.v1.PlanService/ListPlans";
constexpr char kUpdatePlan[] = "/itp.v1.PlanService/UpdatePlan";
constexpr char kDeletePlan[] = "/itp.v1.PlanService/DeletePlan";
constexpr char kSubmitPlan[] = "/itp.v1.PlanService/SubmitPlan";
constexpr char kWithdrawPlan[] = "/itp.v1.PlanService/WithdrawPlan";
constexpr char kGetPlanRevision[] = "/itp.v1.PlanService/GetPlanRevision";
constexpr char kListPlanRevisions[] = "/itp.v1.PlanService/ListPlanRevisions";

constexpr size_t kMaxWithdrawalReasonChars = 2000;

// A store mutation that applies a state-changing action.
storage::PlanMutation Action(PlanAction action, const std::string& etag) {
  return [action, etag](Plan& plan, int64_t now) {
    return domain::ApplyAction(plan, action, etag, now);
  };
}

// Authenticates, parses `name` as a plan name (field `field`) and authorizes
// `operation` on its country. The parsed name on success.
absl::StatusOr<domain::PlanName> Admit(Call& call, const std::string& name,
                                       absl::string_view field,
                                       Operation operation) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  auto parsed = domain::ParsePlanName(name, field);
  if (!parsed.ok()) return parsed.status();
  s = call.Authorize(operation, parsed->country);
  if (!s.ok()) return s;
  return parsed;
}

}  // namespace

absl::StatusOr<Plan> PlanOperations::CreatePlan(
    const Caller& caller, const itp::v1::CreatePlanRequest& request) {
  Call call(ctx_.call, caller, kCreatePlan, Call::kMutation, request.parent(),
            request);
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto country = domain::ParseCountryParent(request.parent(),
                                            /*allow_wildcard=*/false, "parent");
  if (country.ok()) {
    s = call.Authorize(Operation::kWritePlan, *country);
    if (!s.ok()) return call.Finish(s);
  }

  FieldViolations violations;
  violations.AddFrom(country.status());
  std::string id_problem = domain::PlanIdProblem(request.plan_id());
  if (!id_problem.empty()) violations.Add("plan_id", id_problem);
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  domain::ValidatePlanContent(request.plan(), "plan", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  Plan plan = request.plan();
  domain::ClearOutputOnlyFields(plan);
  domain::AssignProjectIds(nullptr, plan);
  plan.set_name(domain::PlanName{*country, request.plan_id()}.ToString());
  return call.Finish(ctx_.plans.CreatePlan(call.Write(), plan));
}

absl::StatusOr<Plan> PlanOperations::GetPlan(
    const Caller& caller, const itp::v1::GetPlanRequest& request) {
  Call call(ctx_.call, caller, kGetPlan, Call::kRead, request.name());
  auto name = Admit(call, request.name(), "name", Operation::kReadPlan);
  if (!name.ok()) return call.Finish(name.status());
  return call.Finish(
      ReadPlanAs(call, ctx_.plans, request.name(), name->country));
}

absl::StatusOr<itp::v1::ListPlansResponse> PlanOperations::ListPlans(
    const Caller& caller, const itp::v1::ListPlansRequest& request) {
  Call call(ctx_.call, caller, kListPlans, Call::kRead, request.parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);

  FieldViolations violations;
  auto country = domain::ParseCountryParent(request.parent(),
                                            /*allow_wildcard=*/true, "parent");
  violations.AddFrom(country.status());
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  auto filter = domain::ParsePlanFilter(request.filter());
  violations.AddFrom(filter.status());
  auto order = domain::ParsePlanOrder(request.order_by());
  violations.AddFrom(order.status());
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  s = call.Authorize(Operation::kListPlans, *country);
  if (!s.ok()) return call.Finish(s);

  // Only plans the caller may read are listed (and counted): the caller's
  // filter is combined with the visibility rule of its role.
  std::optional<domain::FilterExpr> combined =
      auth::RestrictToReadable(call.principal(), *country, *std::move(filter));
  // Tokens are bound to the parsed query (visibility included), so that a
  // token cannot be replayed by a caller who sees other plans.
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListPlans", request.parent(), combined ? combined->DebugString() : "",
       absl::StrCat(static_cast<int>(order->field), order->descending)});
  storage::PlanListQuery query;
  query.country = *country;
  query.filter = std::move(combined);
  query.order = *order;
  query.page_size = *page_size;
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  query.after = *std::move(cursor);
  auto page = ctx_.plans.ListPlans(query);
  if (!page.ok()) return call.Finish(page.status());
  itp::v1::ListPlansResponse response;
  for (Plan& plan : page->plans) *response.add_plans() = std::move(plan);
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  response.set_total_size(static_cast<int32_t>(page->total_size));
  return call.Done(std::move(response));
}

absl::StatusOr<Plan> PlanOperations::UpdatePlan(
    const Caller& caller, const itp::v1::UpdatePlanRequest& request) {
  Call call(ctx_.call, caller, kUpdatePlan, Call::kMutation,
            request.plan().name());
  auto name =
      Admit(call, request.plan().name(), "plan.name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());

  auto mutation = [&request](Plan& plan, int64_t) {
    const Plan before = plan;
    absl::Status applied =
        domain::ApplyUpdate(plan, request.plan(), request.update_mask());
    if (!applied.ok()) return applied;
    // Projects keep their ids across the change (matched by name).
    domain::AssignProjectIds(&before, plan);
    FieldViolations violations;
    domain::ValidatePlanContent(plan, "plan", &violations);
    return violations.ToStatus();
  };
  return call.Finish(
      ctx_.plans.MutatePlan(call.Write(), request.plan().name(), mutation));
}

absl::StatusOr<google::protobuf::Empty> PlanOperations::DeletePlan(
    const Caller& caller, const itp::v1::DeletePlanRequest& request) {
  Call call(ctx_.call, caller, kDeletePlan, Call::kMutation, request.name());
  auto name = Admit(call, request.name(), "name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());
  absl::Status deleted = call.Finish(ctx_.plans.DeletePlan(
      call.Write(), request.name(), [&request](const Plan& plan) {
        return domain::CheckDeletion(plan, request.etag());
      }));
  if (!deleted.ok()) return deleted;
  return google::protobuf::Empty();
}

absl::StatusOr<Plan> PlanOperations::SubmitPlan(
    const Caller& caller, const itp::v1::SubmitPlanRequest& request) {
  Call call(ctx_.call, caller, kSubmitPlan, Call::kMutation, request.name(),
            request);
  auto name = Admit(call, request.name(), "name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());
  FieldViolations violations;
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  return call.Finish(
      ctx_.plans.MutatePlan(call.Write(), request.name(),
                            Action(PlanAction::kSubmit, request.etag())));
}

absl::StatusOr<Plan> PlanOperations::WithdrawPlan(
    const Caller& caller, const itp::v1::WithdrawPlanRequest& request) {
  Call call(ctx_.call, caller, kWithdrawPlan, Call::kMutation, request.name(),
            request);
  auto name = Admit(call, request.name(), "name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());
  FieldViolations violations;
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  domain::ValidateText(request.reason(), "reason", kMaxWithdrawalReasonChars,
                       &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto withdraw = [&request](Plan& plan, int64_t now) {
    absl::Status applied =
        domain::ApplyAction(plan, PlanAction::kWithdraw, request.etag(), now);
    if (applied.ok()) plan.set_withdrawal_reason(request.reason());
    return applied;
  };
  return call.Finish(
      ctx_.plans.MutatePlan(call.Write(), request.name(), withdraw));
}

absl::StatusOr<itp::v1::PlanRevision> PlanOperations::GetPlanRevision(
    const Caller& caller, const itp::v1::GetPlanRevisionRequest& request) {
  Call call(ctx_.call, caller, kGetPlanRevision, Call::kRead, request.name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto name = domain::ParseRevisionName(request.name(), "name");
  if (!name.ok()) return call.Finish(name.status());
  s = call.Authorize(Operation::kReadPlan, name->plan.country);
  if (!s.ok()) return call.Finish(s);
  const std::string plan_name = name->plan.ToString();
  auto plan = ReadPlanAs(call, ctx_.plans, plan_name, name->plan.country);
  if (!plan.ok()) return call.Finish(plan.status());
  return call.Finish(ctx_.plans.GetPlanRevision(plan_name, name->revision));
}

absl::StatusOr<itp::v1::ListPlanRevisionsResponse>
PlanOperations::ListPlanRevisions(
    const Caller& caller, const itp::v1::ListPlanRevisionsRequest& request) {
  Call call(ctx_.call, caller, kListPlanRevisions, Call::kRead,
            request.parent());
  auto name = Admit(call, request.parent(), "parent", Operation::kReadPlan);
  if (!name.ok()) return call.Finish(name.status());
  auto page_size = domain::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  auto plan = ReadPlanAs(call, ctx_.plans, request.parent(), name->country);
  if (!plan.ok()) return call.Finish(plan.status());

  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListPlanRevisions", request.parent()});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  std::optional<int64_t> before;
  if (*cursor) before = (*cursor)->key;
  auto page =
      ctx_.plans.ListPlanRevisions(request.parent(), *page_size, before);
  if (!page.ok()) return call.Finish(page.status());
  itp::v1::ListPlanRevisionsResponse response;
  for (auto& revision : page->revisions) {
    *response.add_revisions() = std::move(revision);
  }
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

}  // namespace itp::app
