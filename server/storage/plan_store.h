// The storage interface for plans and their revisions. Implementations hide
// their query language entirely and speak domain values (the itp.v1 messages
// the domain layer validates) and absl::Status.
//
//   auto stores = OpenSqliteStores(options);   // server/storage/sqlite.h
//   auto plan = stores->plans->GetPlan("countries/IND/plans/steel-2070");
//
// Every method is thread-safe. Errors common to all methods: UNAVAILABLE when
// the database stays busy past its timeout, INTERNAL on a storage fault.
// Every successful write records an audit event for `ctx` in the same
// transaction as the change.
#ifndef ITP_SERVER_STORAGE_PLAN_STORE_H_
#define ITP_SERVER_STORAGE_PLAN_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/storage/write_context.h"

namespace itp::storage {

struct PlanListQuery {
  // ISO 3166-1 alpha-3 code, or domain::kAnyCountry for all countries.
  std::string country;
  std::optional<domain::FilterExpr> filter;
  domain::PlanOrder order;
  // At least 1.
  int page_size = domain::kDefaultPageSize;
  // Where the previous page ended; nullopt for the first page.
  std::optional<domain::PageCursor> after;
};

struct PlanPage {
  std::vector<itp::v1::Plan> plans;
  // Set when more plans follow.
  std::optional<domain::PageCursor> next;
  // Plans matching country and filter, over all pages.
  int64_t total_size = 0;
};

struct RevisionPage {
  // Newest first.
  std::vector<itp::v1::PlanRevision> revisions;
  // Set when older revisions follow; `key` is the last revision returned.
  std::optional<domain::PageCursor> next;
};

// Changes a plan in place inside the store's write transaction; `now` is the
// store's clock in Unix microseconds (the update time it will record).
// Returning an error aborts the transaction and leaves the plan untouched.
using PlanMutation =
    std::function<absl::Status(itp::v1::Plan& plan, int64_t now)>;

// Checks a plan before it is deleted; an error aborts the deletion.
using PlanCheck = std::function<absl::Status(const itp::v1::Plan& plan)>;

// How many plans are in one state in one country.
struct PlanCount {
  itp::v1::Plan::State state = itp::v1::Plan::STATE_UNSPECIFIED;
  std::string country;
  int64_t plans = 0;
};

class PlanStore {
 public:
  virtual ~PlanStore() = default;

  // Stores `plan` (whose `name` is set) as a new DRAFT with revision 0, fresh
  // create/update times and etag, and returns it as stored. With a non-empty
  // `ctx.request_id`, a repeated call returns the first result and changes
  // nothing. ALREADY_EXISTS when the name is taken (reason
  // PLAN_ALREADY_EXISTS); INVALID_ARGUMENT when the request id was used for a
  // different request.
  virtual absl::StatusOr<itp::v1::Plan> CreatePlan(
      const WriteContext& ctx, const itp::v1::Plan& plan) = 0;

  // The plan named `name`; NOT_FOUND (reason PLAN_NOT_FOUND) if absent.
  virtual absl::StatusOr<itp::v1::Plan> GetPlan(absl::string_view name) = 0;

  // One page of plans in the query's order (ties broken by name).
  virtual absl::StatusOr<PlanPage> ListPlans(const PlanListQuery& query) = 0;

  // Atomically reads the plan, applies `mutate` and writes the result with a
  // new etag and update time. When the mutation raised `revision`, the new
  // content is also frozen as that revision. `ctx.method` and
  // `ctx.request_id` make the call retry-safe as for CreatePlan. NOT_FOUND if
  // absent; any error of `mutate` is returned as is.
  virtual absl::StatusOr<itp::v1::Plan> MutatePlan(
      const WriteContext& ctx, absl::string_view name,
      const PlanMutation& mutate) = 0;

  // Atomically checks the plan with `check` and deletes it. NOT_FOUND if
  // absent; any error of `check` is returned as is.
  virtual absl::Status DeletePlan(const WriteContext& ctx,
                                  absl::string_view name,
                                  const PlanCheck& check) = 0;

  // Revision `revision` of the plan; NOT_FOUND (reason REVISION_NOT_FOUND or
  // PLAN_NOT_FOUND) if absent.
  virtual absl::StatusOr<itp::v1::PlanRevision> GetPlanRevision(
      absl::string_view plan_name, int revision) = 0;

  // Revisions of a plan, newest first, older than `before` when set.
  // NOT_FOUND if the plan is absent.
  virtual absl::StatusOr<RevisionPage> ListPlanRevisions(
      absl::string_view plan_name, int page_size,
      std::optional<int64_t> before) = 0;

  // The plans by state and country (for the server's metrics; no access
  // control), ordered by state, then country; a group without plans is
  // absent.
  virtual absl::StatusOr<std::vector<PlanCount>> CountPlans() = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_PLAN_STORE_H_
