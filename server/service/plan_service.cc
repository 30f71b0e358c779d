#include "server/service/plan_service.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_query.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::service {
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
absl::StatusOr<domain::PlanName> Admit(CallGuard& call, const std::string& name,
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

grpc::Status PlanServiceImpl::CreatePlan(
    grpc::ServerContext* context, const itp::v1::CreatePlanRequest* request,
    Plan* response) {
  CallGuard call(guard_, *context, kCreatePlan, CallGuard::kMutation,
                 request->parent(), request->request_id());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto country = domain::ParseCountryParent(request->parent(),
                                            /*allow_wildcard=*/false, "parent");
  if (country.ok()) {
    s = call.Authorize(Operation::kWritePlan, *country);
    if (!s.ok()) return call.Finish(s);
  }

  FieldViolations violations;
  violations.AddFrom(country.status());
  std::string id_problem = domain::PlanIdProblem(request->plan_id());
  if (!id_problem.empty()) violations.Add("plan_id", id_problem);
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  domain::ValidatePlanContent(request->plan(), "plan", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  Plan plan = request->plan();
  domain::ClearOutputOnlyFields(plan);
  plan.set_name(domain::PlanName{*country, request->plan_id()}.ToString());
  return call.Finish(store_.CreatePlan(call.Write(), plan), response);
}

grpc::Status PlanServiceImpl::GetPlan(grpc::ServerContext* context,
                                      const itp::v1::GetPlanRequest* request,
                                      Plan* response) {
  CallGuard call(guard_, *context, kGetPlan, CallGuard::kRead, request->name());
  auto name = Admit(call, request->name(), "name", Operation::kReadPlan);
  if (!name.ok()) return call.Finish(name.status());
  return call.Finish(ReadPlanAs(call, store_, request->name(), name->country),
                     response);
}

grpc::Status PlanServiceImpl::ListPlans(
    grpc::ServerContext* context, const itp::v1::ListPlansRequest* request,
    itp::v1::ListPlansResponse* response) {
  CallGuard call(guard_, *context, kListPlans, CallGuard::kRead,
                 request->parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);

  FieldViolations violations;
  auto country = domain::ParseCountryParent(request->parent(),
                                            /*allow_wildcard=*/true, "parent");
  violations.AddFrom(country.status());
  auto page_size = domain::EffectivePageSize(request->page_size());
  violations.AddFrom(page_size.status());
  auto filter = domain::ParsePlanFilter(request->filter());
  violations.AddFrom(filter.status());
  auto order = domain::ParsePlanOrder(request->order_by());
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
      {"ListPlans", request->parent(), combined ? combined->DebugString() : "",
       absl::StrCat(static_cast<int>(order->field), order->descending)});
  storage::PlanListQuery query;
  query.country = *country;
  query.filter = std::move(combined);
  query.order = *order;
  query.page_size = *page_size;
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  query.after = *std::move(cursor);
  auto page = store_.ListPlans(query);
  if (!page.ok()) return call.Finish(page.status());
  for (Plan& plan : page->plans) *response->add_plans() = std::move(plan);
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  response->set_total_size(static_cast<int32_t>(page->total_size));
  return call.Finish(absl::OkStatus());
}

grpc::Status PlanServiceImpl::UpdatePlan(
    grpc::ServerContext* context, const itp::v1::UpdatePlanRequest* request,
    Plan* response) {
  CallGuard call(guard_, *context, kUpdatePlan, CallGuard::kMutation,
                 request->plan().name());
  auto name =
      Admit(call, request->plan().name(), "plan.name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());

  auto mutation = [request](Plan& plan, int64_t) {
    absl::Status applied =
        domain::ApplyUpdate(plan, request->plan(), request->update_mask());
    if (!applied.ok()) return applied;
    FieldViolations violations;
    domain::ValidatePlanContent(plan, "plan", &violations);
    return violations.ToStatus();
  };
  return call.Finish(
      store_.MutatePlan(call.Write(), request->plan().name(), mutation),
      response);
}

grpc::Status PlanServiceImpl::DeletePlan(
    grpc::ServerContext* context, const itp::v1::DeletePlanRequest* request,
    google::protobuf::Empty*) {
  CallGuard call(guard_, *context, kDeletePlan, CallGuard::kMutation,
                 request->name());
  auto name = Admit(call, request->name(), "name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());
  return call.Finish(store_.DeletePlan(
      call.Write(), request->name(), [request](const Plan& plan) {
        return domain::CheckDeletion(plan, request->etag());
      }));
}

grpc::Status PlanServiceImpl::SubmitPlan(
    grpc::ServerContext* context, const itp::v1::SubmitPlanRequest* request,
    Plan* response) {
  CallGuard call(guard_, *context, kSubmitPlan, CallGuard::kMutation,
                 request->name(), request->request_id());
  auto name = Admit(call, request->name(), "name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());
  FieldViolations violations;
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  return call.Finish(
      store_.MutatePlan(call.Write(), request->name(),
                        Action(PlanAction::kSubmit, request->etag())),
      response);
}

grpc::Status PlanServiceImpl::WithdrawPlan(
    grpc::ServerContext* context, const itp::v1::WithdrawPlanRequest* request,
    Plan* response) {
  CallGuard call(guard_, *context, kWithdrawPlan, CallGuard::kMutation,
                 request->name(), request->request_id());
  auto name = Admit(call, request->name(), "name", Operation::kWritePlan);
  if (!name.ok()) return call.Finish(name.status());
  FieldViolations violations;
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  domain::ValidateText(request->reason(), "reason", kMaxWithdrawalReasonChars,
                       &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto withdraw = [request](Plan& plan, int64_t now) {
    absl::Status applied =
        domain::ApplyAction(plan, PlanAction::kWithdraw, request->etag(), now);
    if (applied.ok()) plan.set_withdrawal_reason(request->reason());
    return applied;
  };
  return call.Finish(store_.MutatePlan(call.Write(), request->name(), withdraw),
                     response);
}

grpc::Status PlanServiceImpl::GetPlanRevision(
    grpc::ServerContext* context,
    const itp::v1::GetPlanRevisionRequest* request,
    itp::v1::PlanRevision* response) {
  CallGuard call(guard_, *context, kGetPlanRevision, CallGuard::kRead,
                 request->name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto name = domain::ParseRevisionName(request->name(), "name");
  if (!name.ok()) return call.Finish(name.status());
  s = call.Authorize(Operation::kReadPlan, name->plan.country);
  if (!s.ok()) return call.Finish(s);
  const std::string plan_name = name->plan.ToString();
  auto plan = ReadPlanAs(call, store_, plan_name, name->plan.country);
  if (!plan.ok()) return call.Finish(plan.status());
  return call.Finish(store_.GetPlanRevision(plan_name, name->revision),
                     response);
}

grpc::Status PlanServiceImpl::ListPlanRevisions(
    grpc::ServerContext* context,
    const itp::v1::ListPlanRevisionsRequest* request,
    itp::v1::ListPlanRevisionsResponse* response) {
  CallGuard call(guard_, *context, kListPlanRevisions, CallGuard::kRead,
                 request->parent());
  auto name = Admit(call, request->parent(), "parent", Operation::kReadPlan);
  if (!name.ok()) return call.Finish(name.status());
  auto page_size = domain::EffectivePageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  auto plan = ReadPlanAs(call, store_, request->parent(), name->country);
  if (!plan.ok()) return call.Finish(plan.status());

  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListPlanRevisions", request->parent()});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  std::optional<int64_t> before;
  if (*cursor) before = (*cursor)->key;
  auto page = store_.ListPlanRevisions(request->parent(), *page_size, before);
  if (!page.ok()) return call.Finish(page.status());
  for (auto& revision : page->revisions) {
    *response->add_revisions() = std::move(revision);
  }
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

}  // namespace itp::service
