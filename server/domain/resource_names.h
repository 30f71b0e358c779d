// Parsing and formatting of resource names (AIP-122):
//   countries/{country}                          a country collection parent
//   countries/-                                  every country (List only)
//   countries/{country}/plans/{plan}             a plan
//   countries/{country}/plans/{plan}/revisions/{n}  a submitted revision
//   {plan}/reviews/{n}, {plan}/reviews/{n}/comments/{m}   reviews, comments
//   {plan}/benchmarkReports/{n}                  a benchmark report
//   pathways/{pathway_id}                        a reference pathway
//   benchmarkJobs/{job_id}, benchmarkJobs/{job_id}/runs/{n}  jobs and runs
//   apiKeys/{key_id}                             an API key (16 hex digits)
//
// Every resource name of the API is parsed here, so that each handler checks
// names the same way and names the offending field the same way.
//
//   auto name = ParsePlanName("countries/IND/plans/steel-2070");
//   if (name.ok()) name->country;  // "IND"
#ifndef ITP_SERVER_DOMAIN_RESOURCE_NAMES_H_
#define ITP_SERVER_DOMAIN_RESOURCE_NAMES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itp::domain {

// The wildcard country of `countries/-`.
inline constexpr char kAnyCountry[] = "-";

struct PlanName {
  std::string country;  // ISO 3166-1 alpha-3
  std::string plan_id;
  std::string ToString() const;
};

struct RevisionName {
  PlanName plan;
  int revision = 0;
  std::string ToString() const;
};

struct ReviewName {
  PlanName plan;
  int64_t review = 0;
  std::string ToString() const;
};

struct CommentName {
  ReviewName review;
  int64_t comment = 0;
  std::string ToString() const;
};

struct ReportName {
  PlanName plan;
  int64_t report = 0;
  std::string ToString() const;
};

// `countries/{c}/plans/{p}/progressReports/{reporting_year}`.
struct ProgressReportName {
  PlanName plan;
  int reporting_year = 0;
  std::string ToString() const;
};

struct JobRunName {
  // `benchmarkJobs/{job_id}`.
  std::string job;
  int64_t run = 0;
  std::string ToString() const;
};

// Checks a resource id named `field` (e.g. "pathway_id") by the rules of
// PlanIdProblem.
std::string IdProblem(absl::string_view id, absl::string_view field);

// Checks a plan id: 1-63 characters of [a-z0-9-], starting with a letter and
// not ending with a hyphen. Returns a sentence describing the problem, or an
// empty string when `plan_id` is valid.
std::string PlanIdProblem(absl::string_view plan_id);

// Parses `countries/{country}`; with `allow_wildcard`, also `countries/-`
// (returning kAnyCountry). INVALID_ARGUMENT naming `field` when malformed or
// when the country is not an ISO 3166-1 alpha-3 code.
absl::StatusOr<std::string> ParseCountryParent(absl::string_view parent,
                                               bool allow_wildcard,
                                               absl::string_view field);

// Parses a plan name. INVALID_ARGUMENT naming `field` when malformed.
absl::StatusOr<PlanName> ParsePlanName(absl::string_view name,
                                       absl::string_view field);

// Parses a revision name; the revision is a positive integer.
// INVALID_ARGUMENT naming `field` when malformed.
absl::StatusOr<RevisionName> ParseRevisionName(absl::string_view name,
                                               absl::string_view field);

// Parses a plan name or a revision name of it; `revision` is 0 for a plan.
absl::StatusOr<RevisionName> ParsePlanOrRevisionName(absl::string_view name,
                                                     absl::string_view field);

// Parses `{plan}/reviews/{n}`, n a positive whole number. INVALID_ARGUMENT
// naming `field` when malformed.
absl::StatusOr<ReviewName> ParseReviewName(absl::string_view name,
                                           absl::string_view field);

// Parses `{plan}/reviews/{n}/comments/{m}`.
absl::StatusOr<CommentName> ParseCommentName(absl::string_view name,
                                             absl::string_view field);

// Parses `{plan}/benchmarkReports/{n}`.
absl::StatusOr<ReportName> ParseReportName(absl::string_view name,
                                           absl::string_view field);

// Parses `pathways/{pathway_id}` and returns the id.
// A progress report name; the year must be 1990-2100.
absl::StatusOr<ProgressReportName> ParseProgressReportName(
    absl::string_view name, absl::string_view field);

absl::StatusOr<std::string> ParsePathwayName(absl::string_view name,
                                             absl::string_view field);

// Parses `benchmarkJobs/{job_id}` and returns the id.
absl::StatusOr<std::string> ParseJobName(absl::string_view name,
                                         absl::string_view field);

// Parses `benchmarkJobs/{job_id}/runs/{n}`.
absl::StatusOr<JobRunName> ParseJobRunName(absl::string_view name,
                                           absl::string_view field);

// Parses `apiKeys/{key_id}` (16 lower-case hex digits) and returns the id;
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseApiKeyName(absl::string_view name,
                                            absl::string_view field);

// Parses `auditEvents/{n}`, n a positive whole number, and returns n;
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseAuditEventName(absl::string_view name,
                                            absl::string_view field);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_RESOURCE_NAMES_H_
