#include "server/app/investment_operations.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/auth/policy.h"
#include "server/domain/errors.h"
#include "server/domain/investment.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using auth::Operation;
using domain::FieldViolations;

constexpr char kListProjects[] = "/itp.v1.InvestmentService/ListProjects";
constexpr char kSummarize[] = "/itp.v1.InvestmentService/SummarizeInvestments";

// Parses parent and filter (adding violations), then, once they are valid,
// authorizes the caller on the parent and restricts the query to the plans
// it may read. `query` is filled on success.
absl::Status Admit(Call& call, storage::PlanStore& plans,
                   const std::string& parent, const std::string& filter,
                   FieldViolations& violations, storage::ProjectQuery& query) {
  auto parsed = domain::ParseProjectParent(parent, "parent");
  violations.AddFrom(parsed.status());
  auto parsed_filter = domain::ParseProjectFilter(filter);
  violations.AddFrom(parsed_filter.status());
  if (!violations.empty()) return violations.ToStatus();
  query.country = parsed->country;
  query.plan = parsed->plan;
  query.filter = *std::move(parsed_filter);
  if (parsed->plan.empty()) {
    absl::Status s = call.Authorize(Operation::kListPlans, parsed->country);
    if (!s.ok()) return s;
  } else {
    absl::Status s = call.Authorize(Operation::kReadPlan, parsed->country);
    if (!s.ok()) return s;
    // NOT_FOUND, or PERMISSION_DENIED for a plan the caller may not read.
    auto plan = ReadPlanAs(call, plans, parsed->plan, parsed->country);
    if (!plan.ok()) return plan.status();
  }
  query.plan_filter = auth::ReadableFilter(call.principal(), parsed->country);
  return absl::OkStatus();
}

std::string FilterText(const std::optional<domain::FilterExpr>& f) {
  return f ? f->DebugString() : "";
}

}  // namespace

absl::StatusOr<itp::v1::ListProjectsResponse>
InvestmentOperations::ListProjects(
    const Caller& caller, const itp::v1::ListProjectsRequest& request) {
  Call call(ctx_.call, caller, kListProjects, Call::kRead, request.parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  auto order = domain::ParseProjectOrder(request.order_by());
  violations.AddFrom(order.status());
  storage::ProjectQuery query;
  s = Admit(call, ctx_.plans, request.parent(), request.filter(), violations,
            query);
  if (!s.ok()) return call.Finish(s);
  query.order = *order;
  query.page_size = *page_size;
  // Tokens are bound to the query and the caller's visibility.
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListProjects", request.parent(), FilterText(query.filter),
       FilterText(query.plan_filter),
       absl::StrCat(static_cast<int>(order->field), order->descending)});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  query.after = *std::move(cursor);
  auto page = ctx_.investments.ListProjects(query);
  if (!page.ok()) return call.Finish(page.status());
  itp::v1::ListProjectsResponse response;
  for (itp::v1::TrackedProject& p : page->projects) {
    *response.add_projects() = std::move(p);
  }
  response.set_next_page_token(
      ctx_.tokens.NextPageToken(fingerprint, page->next));
  response.set_total_size(static_cast<int32_t>(page->total_size));
  return call.Done(std::move(response));
}

absl::StatusOr<itp::v1::SummarizeInvestmentsResponse>
InvestmentOperations::SummarizeInvestments(
    const Caller& caller, const itp::v1::SummarizeInvestmentsRequest& request) {
  Call call(ctx_.call, caller, kSummarize, Call::kRead, request.parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  auto keys = domain::ParseGroupBy(request.group_by());
  violations.AddFrom(keys.status());
  storage::ProjectQuery query;
  s = Admit(call, ctx_.plans, request.parent(), request.filter(), violations,
            query);
  if (!s.ok()) return call.Finish(s);
  std::string key_names;
  for (domain::InvestmentKey k : *keys) {
    absl::StrAppend(&key_names, domain::InvestmentKeyName(k), ",");
  }
  // Groups are paged by position: the token holds the offset of the next
  // group, bound to the query and the caller's visibility.
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"SummarizeInvestments", request.parent(), FilterText(query.filter),
       FilterText(query.plan_filter), key_names});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const int64_t offset = cursor->has_value() ? (*cursor)->key : 0;
  auto summary =
      ctx_.investments.Summarize(query, *keys, *page_size, offset);
  if (!summary.ok()) return call.Finish(summary.status());
  itp::v1::SummarizeInvestmentsResponse response;
  for (itp::v1::InvestmentGroup& g : summary->groups) {
    *response.add_groups() = std::move(g);
  }
  *response.mutable_total() = std::move(summary->total);
  response.set_total_groups(static_cast<int32_t>(summary->total_groups));
  const int64_t next = offset + response.groups_size();
  std::optional<domain::PageCursor> next_cursor;
  if (next < summary->total_groups && response.groups_size() > 0) {
    next_cursor = domain::PageCursor{next, "groups"};
  }
  response.set_next_page_token(
      ctx_.tokens.NextPageToken(fingerprint, next_cursor));
  return call.Done(std::move(response));
}

}  // namespace itp::app
