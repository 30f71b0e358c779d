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
#include "server/service/grpc_status.h"

namespace itp::service {
namespace {

using domain::FieldViolations;
using domain::PlanAction;
using itp::v1::Plan;

constexpr size_t kMaxWithdrawalReasonChars = 2000;

// Copies a successful result into the response, or converts the error.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

// A store mutation that applies a state-changing action.
storage::PlanMutation Action(PlanAction action, const std::string& etag) {
  return [action, etag](Plan& plan, int64_t now) {
    return domain::ApplyAction(plan, action, etag, now);
  };
}

}  // namespace

grpc::Status PlanServiceImpl::CreatePlan(
    grpc::ServerContext* context, const itp::v1::CreatePlanRequest* request,
    Plan* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "CreatePlan", request->parent());
  if (!s.ok()) return ToGrpcStatus(s);

  FieldViolations violations;
  auto country = domain::ParseCountryParent(request->parent(),
                                            /*allow_wildcard=*/false, "parent");
  violations.AddFrom(country.status());
  std::string id_problem = domain::PlanIdProblem(request->plan_id());
  if (!id_problem.empty()) violations.Add("plan_id", id_problem);
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  domain::ValidatePlanContent(request->plan(), "plan", &violations);
  if (!violations.empty()) return ToGrpcStatus(violations.ToStatus());

  Plan plan = request->plan();
  domain::ClearOutputOnlyFields(plan);
  plan.set_name(domain::PlanName{*country, request->plan_id()}.ToString());
  return Reply(store_.CreatePlan(plan, request->request_id()), response);
}

grpc::Status PlanServiceImpl::GetPlan(grpc::ServerContext* context,
                                      const itp::v1::GetPlanRequest* request,
                                      Plan* response) {
  absl::Status s = authorizer_.Authorize(*context, "GetPlan", request->name());
  if (!s.ok()) return ToGrpcStatus(s);
  auto name = domain::ParsePlanName(request->name(), "name");
  if (!name.ok()) return ToGrpcStatus(name.status());
  return Reply(store_.GetPlan(request->name()), response);
}

grpc::Status PlanServiceImpl::ListPlans(
    grpc::ServerContext* context, const itp::v1::ListPlansRequest* request,
    itp::v1::ListPlansResponse* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "ListPlans", request->parent());
  if (!s.ok()) return ToGrpcStatus(s);

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
  if (!violations.empty()) return ToGrpcStatus(violations.ToStatus());

  // Tokens are bound to the parsed query, so that equivalent spellings of
  // the same filter share tokens and any real change is rejected.
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListPlans", request->parent(),
       *filter ? (*filter)->DebugString() : "",
       absl::StrCat(static_cast<int>(order->field), order->descending)});
  storage::PlanListQuery query;
  query.country = *country;
  query.filter = *std::move(filter);
  query.order = *order;
  query.page_size = *page_size;
  if (!request->page_token().empty()) {
    auto cursor =
        domain::DecodePageToken(request->page_token(), fingerprint);
    if (!cursor.ok()) return ToGrpcStatus(cursor.status());
    query.after = *std::move(cursor);
  }
  auto page = store_.ListPlans(query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (Plan& plan : page->plans) *response->add_plans() = std::move(plan);
  if (page->next) {
    response->set_next_page_token(
        domain::EncodePageToken(fingerprint, *page->next));
  }
  response->set_total_size(static_cast<int32_t>(page->total_size));
  return grpc::Status::OK;
}

grpc::Status PlanServiceImpl::UpdatePlan(
    grpc::ServerContext* context, const itp::v1::UpdatePlanRequest* request,
    Plan* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "UpdatePlan", request->plan().name());
  if (!s.ok()) return ToGrpcStatus(s);
  auto name = domain::ParsePlanName(request->plan().name(), "plan.name");
  if (!name.ok()) return ToGrpcStatus(name.status());

  auto mutation = [request](Plan& plan, int64_t) {
    absl::Status applied = domain::ApplyUpdate(plan, request->plan(),
                                               request->update_mask());
    if (!applied.ok()) return applied;
    FieldViolations violations;
    domain::ValidatePlanContent(plan, "plan", &violations);
    return violations.ToStatus();
  };
  return Reply(store_.MutatePlan(request->plan().name(), "UpdatePlan",
                                 /*request_id=*/"", mutation),
               response);
}

grpc::Status PlanServiceImpl::DeletePlan(
    grpc::ServerContext* context, const itp::v1::DeletePlanRequest* request,
    google::protobuf::Empty*) {
  absl::Status s =
      authorizer_.Authorize(*context, "DeletePlan", request->name());
  if (!s.ok()) return ToGrpcStatus(s);
  auto name = domain::ParsePlanName(request->name(), "name");
  if (!name.ok()) return ToGrpcStatus(name.status());
  return ToGrpcStatus(store_.DeletePlan(
      request->name(), [request](const Plan& plan) {
        return domain::CheckDeletion(plan, request->etag());
      }));
}

grpc::Status PlanServiceImpl::SubmitPlan(
    grpc::ServerContext* context, const itp::v1::SubmitPlanRequest* request,
    Plan* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "SubmitPlan", request->name());
  if (!s.ok()) return ToGrpcStatus(s);
  FieldViolations violations;
  violations.AddFrom(domain::ParsePlanName(request->name(), "name").status());
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  if (!violations.empty()) return ToGrpcStatus(violations.ToStatus());
  return Reply(
      store_.MutatePlan(request->name(), "SubmitPlan", request->request_id(),
                        Action(PlanAction::kSubmit, request->etag())),
      response);
}

grpc::Status PlanServiceImpl::WithdrawPlan(
    grpc::ServerContext* context, const itp::v1::WithdrawPlanRequest* request,
    Plan* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "WithdrawPlan", request->name());
  if (!s.ok()) return ToGrpcStatus(s);
  FieldViolations violations;
  violations.AddFrom(domain::ParsePlanName(request->name(), "name").status());
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  domain::ValidateText(request->reason(), "reason", kMaxWithdrawalReasonChars,
                       &violations);
  if (!violations.empty()) return ToGrpcStatus(violations.ToStatus());
  auto withdraw = [request](Plan& plan, int64_t now) {
    absl::Status applied = domain::ApplyAction(plan, PlanAction::kWithdraw,
                                               request->etag(), now);
    if (applied.ok()) plan.set_withdrawal_reason(request->reason());
    return applied;
  };
  return Reply(store_.MutatePlan(request->name(), "WithdrawPlan",
                                 request->request_id(), withdraw),
               response);
}

grpc::Status PlanServiceImpl::GetPlanRevision(
    grpc::ServerContext* context,
    const itp::v1::GetPlanRevisionRequest* request,
    itp::v1::PlanRevision* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "GetPlanRevision", request->name());
  if (!s.ok()) return ToGrpcStatus(s);
  auto name = domain::ParseRevisionName(request->name(), "name");
  if (!name.ok()) return ToGrpcStatus(name.status());
  return Reply(
      store_.GetPlanRevision(name->plan.ToString(), name->revision), response);
}

grpc::Status PlanServiceImpl::ListPlanRevisions(
    grpc::ServerContext* context,
    const itp::v1::ListPlanRevisionsRequest* request,
    itp::v1::ListPlanRevisionsResponse* response) {
  absl::Status s =
      authorizer_.Authorize(*context, "ListPlanRevisions", request->parent());
  if (!s.ok()) return ToGrpcStatus(s);
  FieldViolations violations;
  violations.AddFrom(
      domain::ParsePlanName(request->parent(), "parent").status());
  auto page_size = domain::EffectivePageSize(request->page_size());
  violations.AddFrom(page_size.status());
  if (!violations.empty()) return ToGrpcStatus(violations.ToStatus());

  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListPlanRevisions", request->parent()});
  std::optional<int64_t> before;
  if (!request->page_token().empty()) {
    auto cursor = domain::DecodePageToken(request->page_token(), fingerprint);
    if (!cursor.ok()) return ToGrpcStatus(cursor.status());
    before = cursor->key;
  }
  auto page = store_.ListPlanRevisions(request->parent(), *page_size, before);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& revision : page->revisions) {
    *response->add_revisions() = std::move(revision);
  }
  if (page->next) {
    response->set_next_page_token(
        domain::EncodePageToken(fingerprint, *page->next));
  }
  return grpc::Status::OK;
}

}  // namespace itp::service
