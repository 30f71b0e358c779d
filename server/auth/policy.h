// Who may do what: the access rules of ITP as pure functions over a
// Principal, so that they can be tested cell by cell without a server.
//
//   PARTNER           writes and benchmarks the plans of its countries; reads
//                     every plan of its countries and APPROVED plans of all
//                     countries.
//   REVIEWER          reads every non-draft plan and revision; benchmarks
//                     them; no plan edits.
//   BENCHMARK_RUNNER  reads non-draft plans; benchmarks them.
//   ADMIN             everything, plus API keys and the audit trail.
//
// Reads whose permission depends on the plan's state deny a missing plan
// exactly like a hidden one (PERMISSION_DENIED), so that a caller cannot
// probe which drafts exist in another country.
//
//   absl::Status s = CheckCall(principal, Operation::kWritePlan, "IND");
#ifndef ITP_SERVER_AUTH_POLICY_H_
#define ITP_SERVER_AUTH_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/review.pb.h"
#include "server/domain/plan_query.h"

namespace itp::auth {

// An authenticated caller.
struct Principal {
  std::string key_id;
  itp::v1::Role role = itp::v1::ROLE_UNSPECIFIED;
  // ISO 3166-1 alpha-3 codes (PARTNER only).
  std::vector<std::string> countries;

  // `apiKeys/{key_id}`.
  std::string ApiKeyName() const;
  bool HasCountry(absl::string_view country) const;
};

enum class Operation {
  // CreatePlan, UpdatePlan, DeletePlan, SubmitPlan, WithdrawPlan.
  kWritePlan,
  // GetPlan, GetPlanRevision, ListPlanRevisions.
  kReadPlan,
  // ListPlans.
  kListPlans,
  // AdminService, CreatePathway.
  kAdministrate,
  // BenchmarkPlan (then CheckPlanRead on the plan's state).
  kBenchmarkPlan,
  // ListPathways, GetPathway, GetRubric, ComparePlans (which lists only
  // readable plans).
  kReadReference,
  // StartReview, ScoreReview, CompleteReview, ResolveComment, and comments
  // on open reviews: REVIEWER and ADMIN.
  kReview,
  // Reading reviews and comments, and commenting on completed reviews:
  // REVIEWER and ADMIN; PARTNER for its countries (completed reviews only:
  // CheckReviewRead).
  kReadReviews,
  // BenchmarkJobService's changes (create, run, cancel): BENCHMARK_RUNNER
  // and ADMIN.
  kRunJobs,
  // BenchmarkJobService's reads (jobs, runs, their results and change
  // reports): BENCHMARK_RUNNER, REVIEWER and ADMIN.
  kReadJobs,
  // OpenDataService.ExportDataPackage: REVIEWER and ADMIN.
  kExportOpenData,
};

// The checks that need no stored data: OK, or PERMISSION_DENIED (reason
// PERMISSION_DENIED) saying what the role may not do. `country` is the
// country of the target (kAnyCountry for lists over all countries, empty for
// kAdministrate). A kReadPlan that passes here may still be refused by
// CheckPlanRead once the plan's state is known.
absl::Status CheckCall(const Principal& principal, Operation operation,
                       absl::string_view country);

// Whether `principal` may read a benchmark report of a plan of `country`
// (which it may read as the plan now stands): a report of draft content (of
// a plan benchmarked before any submission) stays readable only by those who
// may read a draft of `country`, whatever the plan's state later, for it
// tells the draft's figures. PERMISSION_DENIED naming `report` otherwise.
absl::Status CheckReportRead(const Principal& principal,
                             absl::string_view report,
                             absl::string_view country, bool of_draft);

// Whether `principal` may read a plan of `country` whose current state is
// `state` (nullopt when the plan does not exist). OK when allowed or when the
// plan is missing and the caller may read every plan of that country (the
// caller then gets NOT_FOUND); PERMISSION_DENIED otherwise.
absl::Status CheckPlanRead(const Principal& principal,
                           absl::string_view country,
                           std::optional<itp::v1::Plan::State> state);

// Whether `principal`, who may read the plan, may read progress report
// `report` of `country` in DRAFT: only those who may write the country's
// plans (its partners, admins). PERMISSION_DENIED naming the report
// otherwise.
absl::Status CheckProgressDraftRead(const Principal& principal,
                                    absl::string_view report,
                                    absl::string_view country);

// The countries whose draft progress reports a ListProgressReports by
// `principal` may show: nullopt for every country (admins), else the
// partner's countries (none for other roles).
std::optional<std::vector<std::string>> ProgressDraftCountries(
    const Principal& principal);

// The restriction that ListPlans adds (with AND) to the caller's filter so
// that only readable plans are listed; nullopt when the caller reads all.
std::optional<domain::FilterExpr> ReadableFilter(const Principal& principal,
                                                 absl::string_view country);

// `filter` AND ReadableFilter(principal, country): what a list may return.
std::optional<domain::FilterExpr> RestrictToReadable(
    const Principal& principal, absl::string_view country,
    std::optional<domain::FilterExpr> filter);

// Whether `principal`, who passed kReadReviews for the review's country, may
// read review `review_name` in `state`: partners see a review once it is
// completed; PERMISSION_DENIED (reason PERMISSION_DENIED) before.
absl::Status CheckReviewRead(const Principal& principal,
                             absl::string_view review_name,
                             itp::v1::Review::State state);

// Which reviews a ListReviews by `principal` may return: all of them, or
// (partners) only the completed reviews of its own countries.
struct ReviewScope {
  // Only plans of these countries, when not empty.
  std::vector<std::string> countries;
  bool completed_only = false;
};
ReviewScope ReviewScopeOf(const Principal& principal);

// Whether `principal` may watch the plan events of `country` (kAnyCountry
// for all the countries it may read): PERMISSION_DENIED when it may not read
// plans at all, or for a partner naming another country.
absl::Status CheckWatchEvents(const Principal& principal,
                              absl::string_view country);

// What an event reveals, for EventVisible.
struct EventFacts {
  // The plan's country.
  absl::string_view country;
  itp::v1::PlanEvent::Type type = itp::v1::PlanEvent::TYPE_UNSPECIFIED;
  // A comment event on a review that was open when the comment was made.
  bool on_open_review = false;
};

// Whether a watch of `watched_country` (or kAnyCountry) by `principal`
// delivers the event. An event goes to those who may read the resource it is
// about: a state change to whoever reads plans (partners: of their own
// countries), a completed review and its comments to whoever reads reviews
// (CheckCall kReadReviews and CheckReviewRead: reviewers, admins, partners
// of the country), a comment on an open review to reviewers and admins.
// Benchmark runners, who read no review, see state changes only.
bool EventVisible(const Principal& principal, absl::string_view watched_country,
                  const EventFacts& event);

}  // namespace itp::auth

#endif  // ITP_SERVER_AUTH_POLICY_H_
