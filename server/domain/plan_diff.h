// Field paths into a plan and differences between plan revisions, by
// protobuf reflection, so that they follow the API as it grows.
//
// A path names fields by their proto names and list elements by index:
// "sectors[0].points[2].intensity_tco2_per_t", "finance.total_need_usd".
//
//   std::string problem = AnchorProblem(revision.plan(), anchor);
//   std::vector<itp::v1::FieldChange> changes = DiffPlans(old_plan, new_plan);
#ifndef ITP_SERVER_DOMAIN_PLAN_DIFF_H_
#define ITP_SERVER_DOMAIN_PLAN_DIFF_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/review.pb.h"

namespace itp::domain {

// "" when `path` names a content field of `plan` (list indexes within the
// list's size; a scalar, message or whole list may be named); otherwise a
// sentence saying which segment does not exist.
std::string AnchorProblem(const itp::v1::Plan& plan, absl::string_view path);

// The content fields that differ between `from` and `to`, in field order:
// changed scalars with old and new values, list elements added or removed
// (the whole element as text on one side), messages set or cleared.
// Output-only fields (name, state, revision, etag, times, ...) are ignored.
std::vector<itp::v1::FieldChange> DiffPlans(const itp::v1::Plan& from,
                                            const itp::v1::Plan& to);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_PLAN_DIFF_H_
