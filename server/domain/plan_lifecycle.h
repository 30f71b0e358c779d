// The plan state machine and the pure operations that change a plan: the one
// place that decides which transitions are legal, when content may change, and
// what a submission freezes. Storage runs these functions inside a write
// transaction; handlers never touch plan state directly.
//
//   DRAFT --Submit--> SUBMITTED --StartReview--> IN_REVIEW
//   IN_REVIEW --Approve--> APPROVED | --RequestChanges--> CHANGES_REQUESTED
//             | --Reject--> REJECTED
//   CHANGES_REQUESTED --Submit--> SUBMITTED (the next revision)
//   SUBMITTED, IN_REVIEW, CHANGES_REQUESTED, APPROVED --Withdraw--> WITHDRAWN
//
//   auto next = NextState(Plan::DRAFT, PlanAction::kSubmit);  // SUBMITTED
#ifndef ITP_SERVER_DOMAIN_PLAN_LIFECYCLE_H_
#define ITP_SERVER_DOMAIN_PLAN_LIFECYCLE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "itp/v1/plan.pb.h"

namespace itp::domain {

using PlanState = itp::v1::Plan::State;

// Every event that moves a plan between states.
enum class PlanAction {
  kSubmit,
  kStartReview,
  kApprove,
  kRequestChanges,
  kReject,
  kWithdraw,
};

// Name of an action as users see it, e.g. "submit".
absl::string_view PlanActionName(PlanAction action);

// The state a plan in `from` moves to on `action`. FAILED_PRECONDITION (reason
// INVALID_PLAN_STATE) naming both when the transition is illegal.
absl::StatusOr<PlanState> NextState(PlanState from, PlanAction action);

// True in the states whose content may change (DRAFT, CHANGES_REQUESTED).
bool ContentEditable(PlanState state);

// True in the states in which a plan may be deleted (DRAFT).
bool Deletable(PlanState state);

// OK when `plan` may be deleted now: ABORTED on a stale `etag`,
// FAILED_PRECONDITION (reason INVALID_PLAN_STATE) unless it is a DRAFT.
absl::Status CheckDeletion(const itp::v1::Plan& plan, absl::string_view etag);

// ABORTED (reason ETAG_MISMATCH) when `etag` is set and differs from the
// plan's current etag; OK otherwise.
absl::Status CheckEtag(const itp::v1::Plan& current, absl::string_view etag);

// Clears the fields clients may not set (name, state, revision, etag,
// country, times, withdrawal_reason), keeping the content.
void ClearOutputOnlyFields(itp::v1::Plan& plan);

// The content fields UpdatePlan may replace.
bool IsUpdatableField(absl::string_view path);

// Replaces the fields of `current` that `mask` names with those of `patch`,
// as AIP-134 has it (server/domain/update_mask.h): `*` replaces every content
// field, an empty mask the fields populated in `patch`, and a path may name a
// field inside finance or governance (`governance.lead_institution`).
// INVALID_ARGUMENT naming update_mask.paths[i] for an unknown or output-only
// path; FAILED_PRECONDITION when `current` is not editable; ABORTED on a stale
// etag in `patch`. Does not validate the resulting content.
absl::Status ApplyUpdate(itp::v1::Plan& current, const itp::v1::Plan& patch,
                         const google::protobuf::FieldMask& mask);

// Applies `action` to `plan`: checks the etag and the transition and sets the
// new state. A submission also increments `revision` and sets `submit_time` to
// `now_unix_micros`; it requires content that passes ValidateForSubmission.
absl::Status ApplyAction(itp::v1::Plan& plan, PlanAction action,
                         absl::string_view etag, int64_t now_unix_micros);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_PLAN_LIFECYCLE_H_
