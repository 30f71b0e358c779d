// The review rubric and the rules of a review: which scores are valid, what
// a decision needs, which plan transition it triggers, and how a review rolls
// up. Pure functions over the itp.v1 messages.
//
//   itp::v1::Rubric rubric = CurrentRubric();
//   FieldViolations v;
//   ValidateScores(request.scores(), rubric, "scores", &v);
#ifndef ITP_SERVER_DOMAIN_REVIEW_RULES_H_
#define ITP_SERVER_DOMAIN_REVIEW_RULES_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "itp/v1/review.pb.h"
#include "server/domain/errors.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_validation.h"

namespace itp::domain {

inline constexpr size_t kMaxEvidenceChars = 5000;
inline constexpr size_t kMaxCommentChars = 10000;

// The rubric every new review follows: the eight criteria of the domain
// brief (section 5), built from the UK TPT framework, the UN "Integrity
// Matters" recommendations and TPI's ASCOR framework. Name
// `rubrics/leadit-2026-v1`.
itp::v1::Rubric CurrentRubric();

// The rubric named `name` (only the current one exists); NOT_FOUND (reason
// RUBRIC_NOT_FOUND) otherwise.
absl::StatusOr<itp::v1::Rubric> FindRubric(absl::string_view name);

// Adds violations under `prefix` ("scores[1].score"): unknown criterion,
// a criterion given twice, a score outside 0..max_score, evidence missing or
// longer than kMaxEvidenceChars; at least one score.
void ValidateScores(
    const google::protobuf::RepeatedPtrField<itp::v1::CriterionScore>& scores,
    const itp::v1::Rubric& rubric, absl::string_view prefix,
    FieldViolations* violations);

// Replaces the review's scores of the criteria in `scores` and refreshes the
// roll-up. FAILED_PRECONDITION (reason REVIEW_NOT_OPEN) unless the review is
// OPEN; ABORTED on a stale etag.
absl::Status ApplyScores(
    itp::v1::Review& review,
    const google::protobuf::RepeatedPtrField<itp::v1::CriterionScore>& scores,
    absl::string_view etag, const itp::v1::Rubric& rubric);

// Sets total_score, max_total_score and unscored_criteria from the scores.
void RollUp(itp::v1::Review& review, const itp::v1::Rubric& rubric);

// Completes an open review with `decision` and `summary` at `now`:
// FAILED_PRECONDITION (reason REVIEW_NOT_OPEN) unless OPEN; ABORTED on a
// stale etag; INVALID_ARGUMENT for an unspecified decision; FAILED_PRECONDITION
// (reason REVIEW_INCOMPLETE) naming the unscored criteria, or (reason
// NO_UNRESOLVED_COMMENTS) for REQUEST_CHANGES without an unresolved comment.
absl::Status ApplyCompletion(itp::v1::Review& review,
                             itp::v1::Review::Decision decision,
                             absl::string_view summary, absl::string_view etag,
                             int unresolved_comments, int64_t now_unix_micros);

// The plan action a decision triggers (APPROVE -> kApprove, ...); only for
// decisions ApplyCompletion accepted.
PlanAction ActionOf(itp::v1::Review::Decision decision);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_REVIEW_RULES_H_
