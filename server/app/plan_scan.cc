#include "server/app/plan_scan.h"

#include <utility>

#include "server/domain/resource_names.h"

namespace itp::app {

absl::Status ForEachReadablePlan(
    storage::PlanStore& plans, const auth::Principal& principal,
    std::optional<domain::FilterExpr> filter,
    const std::function<absl::Status(const itp::v1::Plan&)>& visit) {
  storage::PlanListQuery query;
  query.country = domain::kAnyCountry;
  query.filter = auth::RestrictToReadable(principal, domain::kAnyCountry,
                                          std::move(filter));
  query.page_size = domain::kMaxPageSize;
  while (true) {
    auto page = plans.ListPlans(query);
    if (!page.ok()) return page.status();
    for (const itp::v1::Plan& plan : page->plans) {
      absl::Status s = visit(plan);
      if (!s.ok()) return s;
    }
    if (!page->next) return absl::OkStatus();
    query.after = page->next;
  }
}

}  // namespace itp::app
