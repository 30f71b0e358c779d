#include "server/app/call.h"

#include "absl/strings/str_cat.h"
#include "server/common/log.h"

namespace itp::app {

absl::Status Call::Authenticate() {
  if (!caller_.principal.ok()) return caller_.principal.status();
  principal_ = *caller_.principal;
  return absl::OkStatus();
}

absl::Status Call::Authorize(auth::Operation operation,
                             absl::string_view country) {
  return auth::CheckCall(principal_, operation, country);
}

absl::Status Call::AuthorizeRead(absl::string_view country,
                                 std::optional<itp::v1::Plan::State> state) {
  return auth::CheckPlanRead(principal_, country, state);
}

storage::WriteContext Call::Write() const {
  storage::WriteContext ctx;
  ctx.method = method_;
  ctx.request_id = request_id_;
  if (!principal_.key_id.empty()) ctx.api_key = principal_.ApiKeyName();
  ctx.role = principal_.role;
  ctx.peer = caller_.peer;
  return ctx;
}

absl::Status Call::Finish(const absl::Status& outcome) {
  const bool denied =
      absl::IsUnauthenticated(outcome) || absl::IsPermissionDenied(outcome);
  if (absl::IsUnauthenticated(outcome)) {
    deps_.keyless.Count(Write(), outcome);
  } else if (denied || (kind_ == kMutation && !outcome.ok())) {
    absl::Status recorded = deps_.audit.Record(Write(), resource_, outcome);
    if (!recorded.ok()) {
      Log(LogLevel::kError,
          absl::StrCat("audit record of ", method_, " on ", resource_,
                       " failed: ", recorded.ToString()));
    }
  }
  if (kind_ == kMutation && outcome.ok()) deps_.events.Notify();
  return outcome;
}

absl::StatusOr<itp::v1::Plan> ReadPlanAs(Call& call, storage::PlanStore& store,
                                         const std::string& name,
                                         absl::string_view country) {
  auto plan = store.GetPlan(name);
  if (!plan.ok() && !absl::IsNotFound(plan.status())) return plan.status();
  absl::Status s = call.AuthorizeRead(
      country, plan.ok() ? std::optional(plan->state()) : std::nullopt);
  if (!s.ok()) return s;
  return plan;
}

}  // namespace itp::app
