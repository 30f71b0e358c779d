#include "server/domain/plan_lifecycle.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/domain/plan_validation.h"
#include "server/domain/update_mask.h"

namespace itp::domain {
namespace {

// A plan has nine updatable fields and ten nested ones; repeating them is
// allowed, within reason.
constexpr int kMaxUpdatePaths = 50;

using itp::v1::Plan;

constexpr absl::string_view kContentFields[] = {
    "display_name", "summary",  "submitting_body", "sectors",   "targets",
    "projects",     "policies", "finance",         "governance"};

std::string StateName(PlanState s) { return Plan::State_Name(s); }

}  // namespace

absl::string_view PlanActionName(PlanAction action) {
  switch (action) {
    case PlanAction::kSubmit:
      return "submit";
    case PlanAction::kStartReview:
      return "start a review of";
    case PlanAction::kApprove:
      return "approve";
    case PlanAction::kRequestChanges:
      return "request changes to";
    case PlanAction::kReject:
      return "reject";
    case PlanAction::kWithdraw:
      return "withdraw";
  }
  return "change";
}

absl::StatusOr<PlanState> NextState(PlanState from, PlanAction action) {
  switch (action) {
    case PlanAction::kSubmit:
      if (from == Plan::DRAFT || from == Plan::CHANGES_REQUESTED) {
        return Plan::SUBMITTED;
      }
      break;
    case PlanAction::kStartReview:
      if (from == Plan::SUBMITTED) return Plan::IN_REVIEW;
      break;
    case PlanAction::kApprove:
      if (from == Plan::IN_REVIEW) return Plan::APPROVED;
      break;
    case PlanAction::kRequestChanges:
      if (from == Plan::IN_REVIEW) return Plan::CHANGES_REQUESTED;
      break;
    case PlanAction::kReject:
      if (from == Plan::IN_REVIEW) return Plan::REJECTED;
      break;
    case PlanAction::kWithdraw:
      if (from == Plan::SUBMITTED || from == Plan::IN_REVIEW ||
          from == Plan::CHANGES_REQUESTED || from == Plan::APPROVED) {
        return Plan::WITHDRAWN;
      }
      break;
  }
  return ErrorWithInfo(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("Cannot ", PlanActionName(action),
                                    " a plan in state ", StateName(from), "."),
                       "INVALID_PLAN_STATE");
}

bool ContentEditable(PlanState state) {
  return state == Plan::DRAFT || state == Plan::CHANGES_REQUESTED;
}

bool Deletable(PlanState state) { return state == Plan::DRAFT; }

absl::Status CheckDeletion(const Plan& plan, absl::string_view etag) {
  absl::Status s = CheckEtag(plan, etag);
  if (!s.ok()) return s;
  if (Deletable(plan.state())) return absl::OkStatus();
  return ErrorWithInfo(
      absl::StatusCode::kFailedPrecondition,
      absl::StrCat("Only DRAFT plans can be deleted; ", plan.name(), " is ",
                   StateName(plan.state()),
                   ". Withdraw a submitted plan instead."),
      "INVALID_PLAN_STATE", plan.name());
}

absl::Status CheckEtag(const Plan& current, absl::string_view etag) {
  if (etag.empty() || etag == current.etag()) return absl::OkStatus();
  return ErrorWithInfo(
      absl::StatusCode::kAborted,
      absl::StrCat("The etag '", etag, "' is stale: ", current.name(),
                   " has changed since it was read (current etag '",
                   current.etag(), "'). Read it again and retry."),
      "ETAG_MISMATCH", current.name());
}

void ClearOutputOnlyFields(Plan& plan) {
  plan.clear_name();
  plan.clear_state();
  plan.clear_revision();
  plan.clear_etag();
  plan.clear_country();
  plan.clear_create_time();
  plan.clear_update_time();
  plan.clear_submit_time();
  plan.clear_withdrawal_reason();
}

bool IsUpdatableField(absl::string_view path) {
  for (absl::string_view f : kContentFields) {
    if (f == path) return true;
  }
  return false;
}

absl::Status ApplyUpdate(Plan& current, const Plan& patch,
                         const google::protobuf::FieldMask& mask) {
  absl::StatusOr<std::vector<std::string>> paths = ResolveUpdateMask(
      patch, mask, UpdatableFields{kContentFields, kMaxUpdatePaths});
  if (!paths.ok()) return paths.status();
  absl::Status etag = CheckEtag(current, patch.etag());
  if (!etag.ok()) return etag;
  if (!ContentEditable(current.state())) {
    return ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("The content of a plan in state ",
                     StateName(current.state()),
                     " cannot change; only DRAFT and CHANGES_REQUESTED plans "
                     "can be edited."),
        "INVALID_PLAN_STATE", current.name());
  }
  ApplyUpdatePaths(patch, *paths, current);
  return absl::OkStatus();
}

absl::Status ApplyAction(Plan& plan, PlanAction action, absl::string_view etag,
                         int64_t now_unix_micros) {
  absl::Status s = CheckEtag(plan, etag);
  if (!s.ok()) return s;
  absl::StatusOr<PlanState> next = NextState(plan.state(), action);
  if (!next.ok()) {
    return ErrorWithInfo(next.status().code(), next.status().message(),
                         "INVALID_PLAN_STATE", plan.name());
  }
  if (action == PlanAction::kSubmit) {
    s = ValidateForSubmission(plan);
    if (!s.ok()) return s;
    plan.set_revision(plan.revision() + 1);
    *plan.mutable_submit_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
            now_unix_micros);
  }
  plan.set_state(*next);
  return absl::OkStatus();
}

}  // namespace itp::domain
