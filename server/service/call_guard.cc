#include "server/service/call_guard.h"

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/service/grpc_status.h"

namespace itp::service {

absl::Status CallGuard::Authenticate() {
  auto principal = deps_.authenticator.Authenticate(context_);
  if (!principal.ok()) return principal.status();
  principal_ = *std::move(principal);
  return absl::OkStatus();
}

absl::Status CallGuard::Authorize(auth::Operation operation,
                                  absl::string_view country) {
  return auth::CheckCall(principal_, operation, country);
}

absl::Status CallGuard::AuthorizeRead(
    absl::string_view country, std::optional<itp::v1::Plan::State> state) {
  return auth::CheckPlanRead(principal_, country, state);
}

storage::WriteContext CallGuard::Write() const {
  storage::WriteContext ctx;
  ctx.method = method_;
  ctx.request_id = request_id_;
  if (!principal_.key_id.empty()) ctx.api_key = principal_.ApiKeyName();
  ctx.role = principal_.role;
  return ctx;
}

grpc::Status CallGuard::Finish(const absl::Status& outcome) {
  const bool denied =
      absl::IsUnauthenticated(outcome) || absl::IsPermissionDenied(outcome);
  if (denied || (kind_ == kMutation && !outcome.ok())) {
    absl::Status recorded = deps_.audit.Record(Write(), resource_, outcome);
    if (!recorded.ok()) {
      Log(LogLevel::kError,
          absl::StrCat("audit record of ", method_, " on ", resource_,
                       " failed: ", recorded.ToString()));
    }
  }
  if (kind_ == kMutation && outcome.ok()) deps_.events.Notify();
  return ToGrpcStatus(outcome);
}

absl::StatusOr<itp::v1::Plan> ReadPlanAs(CallGuard& call,
                                         storage::PlanStore& store,
                                         const std::string& name,
                                         absl::string_view country) {
  auto plan = store.GetPlan(name);
  if (!plan.ok() && !absl::IsNotFound(plan.status())) return plan.status();
  absl::Status s = call.AuthorizeRead(
      country, plan.ok() ? std::optional(plan->state()) : std::nullopt);
  if (!s.ok()) return s;
  return plan;
}

}  // namespace itp::service
