// Walks every plan of a query a caller may read, page by page, for the
// operations that work over many plans (ComparePlans, RunBenchmarkJob).
//
//   absl::Status s = ForEachReadablePlan(plans, principal,
//       domain::HasSubmittedRevision(), [&](const itp::v1::Plan& plan) {
//         names.push_back(plan.name());
//         return absl::OkStatus();
//       });
#ifndef ITP_SERVER_APP_PLAN_SCAN_H_
#define ITP_SERVER_APP_PLAN_SCAN_H_

#include <functional>
#include <optional>

#include "absl/status/status.h"
#include "itp/v1/plan.pb.h"
#include "server/auth/policy.h"
#include "server/domain/plan_query.h"
#include "server/storage/plan_store.h"

namespace itp::app {

// Calls `visit` for each plan of every country that matches `filter` and
// that `principal` may read, in name order. Stops at the first error of the
// store or of `visit` and returns it.
absl::Status ForEachReadablePlan(
    storage::PlanStore& plans, const auth::Principal& principal,
    std::optional<domain::FilterExpr> filter,
    const std::function<absl::Status(const itp::v1::Plan&)>& visit);

}  // namespace itp::app

#endif  // ITP_SERVER_APP_PLAN_SCAN_H_
