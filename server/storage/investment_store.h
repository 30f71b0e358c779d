// The storage interface of the investment tracker: the projects of every
// plan's latest submitted revision, kept by the store in indexed columns
// (technology, status, scale, sector, country, start year, capacity,
// capital) in the same transaction as the submission or the progress report
// that changes them, so that lists and sums are SQL over those columns and
// never decode a plan.
//
//   ProjectQuery query;
//   query.filter = domain::ParseProjectFilter("technology = HYDROGEN_DRI");
//   auto page = stores->investments->ListProjects(query);
//   auto summary = stores->investments->Summarize(query, {kCountry}, 50, 0);
#ifndef ITP_SERVER_STORAGE_INVESTMENT_STORE_H_
#define ITP_SERVER_STORAGE_INVESTMENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/investment.pb.h"
#include "server/domain/investment.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"

namespace itp::storage {

struct ProjectQuery {
  // ISO 3166-1 alpha-3 code, or domain::kAnyCountry.
  std::string country = "-";
  // One plan's name, or empty for all plans of `country`.
  std::string plan;
  // Over the project fields (domain::ParseProjectFilter).
  std::optional<domain::FilterExpr> filter;
  // Over the plan fields (auth::ReadableFilter): which plans the caller may
  // read.
  std::optional<domain::FilterExpr> plan_filter;
  domain::ProjectOrder order;
  // At least 1.
  int page_size = domain::kDefaultPageSize;
  std::optional<domain::PageCursor> after;
};

struct ProjectPage {
  // With plan_state filled from the plan as it is now.
  std::vector<itp::v1::TrackedProject> projects;
  std::optional<domain::PageCursor> next;
  // Projects matching the query, over all pages.
  int64_t total_size = 0;
};

struct InvestmentSummary {
  // In the order of their keys (by `keys`, in turn).
  std::vector<itp::v1::InvestmentGroup> groups;
  itp::v1::InvestmentGroup total;
  int64_t total_groups = 0;
};

class InvestmentStore {
 public:
  virtual ~InvestmentStore() = default;

  // One page of the projects matching `query` (its order; ties by name).
  virtual absl::StatusOr<ProjectPage> ListProjects(
      const ProjectQuery& query) = 0;

  // The projects matching `query` (order, page_size and after ignored),
  // grouped by `keys`: groups [offset, offset + limit) and the totals.
  virtual absl::StatusOr<InvestmentSummary> Summarize(
      const ProjectQuery& query, const std::vector<domain::InvestmentKey>& keys,
      int limit, int64_t offset) = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_INVESTMENT_STORE_H_
