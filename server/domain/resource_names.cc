#include "server/domain/resource_names.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/domain/countries.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

constexpr size_t kMaxPlanIdLength = 63;

// Returns a problem sentence for a country segment, or "" when valid.
std::string CountryProblem(absl::string_view country) {
  if (IsIsoAlpha3Country(country)) return "";
  return absl::StrCat("'", country,
                      "' is not an ISO 3166-1 alpha-3 country code (for "
                      "example IND, IDN, ZAF, BRA, VNM).");
}

// Parses a positive whole number without leading zeros.
bool ParsePositive(absl::string_view digits, int64_t* value) {
  if (digits.empty() || digits.size() > 18 || digits.front() == '0') {
    return false;
  }
  for (char c : digits) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return absl::SimpleAtoi(digits, value) && *value > 0;
}

// Splits `{parent}{segment}{n}` at the last `segment`; false when it is
// missing or `n` is not a positive whole number.
bool SplitTrailingId(absl::string_view name, absl::string_view segment,
                     absl::string_view* parent, int64_t* id) {
  size_t pos = name.rfind(segment);
  if (pos == absl::string_view::npos) return false;
  *parent = name.substr(0, pos);
  return ParsePositive(name.substr(pos + segment.size()), id);
}

absl::Status MalformedName(absl::string_view field, absl::string_view name,
                           absl::string_view form) {
  return InvalidField(
      std::string(field),
      absl::StrCat("'", name, "' must have the form ", form, "."));
}

// `prefix{id}` with a valid id; the id.
absl::StatusOr<std::string> ParsePrefixedId(absl::string_view name,
                                            absl::string_view prefix,
                                            absl::string_view field,
                                            absl::string_view kind,
                                            absl::string_view example) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, prefix) || !IdProblem(id, "id").empty()) {
    return InvalidField(std::string(field),
                        absl::StrCat("'", name, "' is not a ", kind,
                                     " name such as ", example, "."));
  }
  return std::string(id);
}

}  // namespace

std::string PlanName::ToString() const {
  return absl::StrCat("countries/", country, "/plans/", plan_id);
}

std::string RevisionName::ToString() const {
  return absl::StrCat(plan.ToString(), "/revisions/", revision);
}

std::string ReviewName::ToString() const {
  return absl::StrCat(plan.ToString(), "/reviews/", review);
}

std::string CommentName::ToString() const {
  return absl::StrCat(review.ToString(), "/comments/", comment);
}

std::string ReportName::ToString() const {
  return absl::StrCat(plan.ToString(), "/benchmarkReports/", report);
}

std::string ProgressReportName::ToString() const {
  return absl::StrCat(plan.ToString(), "/progressReports/", reporting_year);
}

std::string JobRunName::ToString() const {
  return absl::StrCat(job, "/runs/", run);
}

std::string IdProblem(absl::string_view id, absl::string_view field) {
  if (id.empty()) return absl::StrCat(field, " is required.");
  if (id.size() > kMaxPlanIdLength) {
    return absl::StrCat(field, " must be at most ", kMaxPlanIdLength,
                        " characters.");
  }
  bool chars_ok = true;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      chars_ok = false;
    }
  }
  if (!chars_ok || !(id.front() >= 'a' && id.front() <= 'z') ||
      id.back() == '-') {
    return absl::StrCat(
        field, " '", id,
        "' must use lower-case letters, digits and hyphens, start with a "
        "letter and not end with a hyphen (for example steel-2070).");
  }
  return "";
}

std::string PlanIdProblem(absl::string_view id) {
  return IdProblem(id, "plan_id");
}

absl::StatusOr<std::string> ParseCountryParent(absl::string_view parent,
                                               bool allow_wildcard,
                                               absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(parent, '/');
  if (parent.empty()) {
    return InvalidField(std::string(field),
                        "is required, e.g. 'countries/IND'.");
  }
  if (parts.size() != 2 || parts[0] != "countries") {
    return InvalidField(
        std::string(field),
        absl::StrCat("'", parent, "' must have the form countries/{country}",
                     allow_wildcard ? " or countries/-." : "."));
  }
  if (parts[1] == kAnyCountry) {
    if (allow_wildcard) return std::string(kAnyCountry);
    return InvalidField(std::string(field),
                        "countries/- is allowed only when listing.");
  }
  std::string problem = CountryProblem(parts[1]);
  if (!problem.empty()) return InvalidField(std::string(field), problem);
  return std::string(parts[1]);
}

absl::StatusOr<PlanName> ParsePlanName(absl::string_view name,
                                       absl::string_view field) {
  if (name.empty()) {
    return InvalidField(std::string(field),
                        "is required, e.g. 'countries/IND/plans/steel-2070'.");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "countries" || parts[2] != "plans") {
    return InvalidField(std::string(field),
                        absl::StrCat("'", name,
                                     "' must have the form "
                                     "countries/{country}/plans/{plan}."));
  }
  std::string problem = CountryProblem(parts[1]);
  if (problem.empty()) problem = PlanIdProblem(parts[3]);
  if (!problem.empty()) return InvalidField(std::string(field), problem);
  return PlanName{std::string(parts[1]), std::string(parts[3])};
}

absl::StatusOr<RevisionName> ParseRevisionName(absl::string_view name,
                                               absl::string_view field) {
  size_t pos = name.rfind("/revisions/");
  if (pos == absl::string_view::npos) {
    return InvalidField(
        std::string(field),
        absl::StrCat("'", name,
                     "' must have the form "
                     "countries/{country}/plans/{plan}/revisions/{revision}."));
  }
  auto plan = ParsePlanName(name.substr(0, pos), field);
  if (!plan.ok()) return plan.status();
  int revision = 0;
  absl::string_view number = name.substr(pos + 11);
  bool digits = !number.empty() &&
                std::all_of(number.begin(), number.end(),
                            [](char c) { return absl::ascii_isdigit(c); });
  if (!digits || number.front() == '0' ||
      !absl::SimpleAtoi(number, &revision) || revision < 1) {
    return InvalidField(std::string(field),
                        absl::StrCat("revision '", number,
                                     "' must be a positive whole number."));
  }
  return RevisionName{*std::move(plan), revision};
}

absl::StatusOr<RevisionName> ParsePlanOrRevisionName(absl::string_view name,
                                                     absl::string_view field) {
  if (absl::StrContains(name, "/revisions/")) {
    return ParseRevisionName(name, field);
  }
  auto plan = ParsePlanName(name, field);
  if (!plan.ok()) return plan.status();
  return RevisionName{*std::move(plan), 0};
}

absl::StatusOr<ReviewName> ParseReviewName(absl::string_view name,
                                           absl::string_view field) {
  constexpr absl::string_view kForm =
      "countries/{country}/plans/{plan}/reviews/{review}";
  absl::string_view parent;
  int64_t id = 0;
  if (!SplitTrailingId(name, "/reviews/", &parent, &id)) {
    return MalformedName(field, name, kForm);
  }
  auto plan = ParsePlanName(parent, field);
  if (!plan.ok()) return plan.status();
  return ReviewName{*std::move(plan), id};
}

absl::StatusOr<CommentName> ParseCommentName(absl::string_view name,
                                             absl::string_view field) {
  absl::string_view parent;
  int64_t id = 0;
  if (!SplitTrailingId(name, "/comments/", &parent, &id)) {
    return MalformedName(
        field, name,
        "countries/{country}/plans/{plan}/reviews/{review}/comments/"
        "{comment}");
  }
  auto review = ParseReviewName(parent, field);
  if (!review.ok()) return review.status();
  return CommentName{*std::move(review), id};
}

absl::StatusOr<ReportName> ParseReportName(absl::string_view name,
                                           absl::string_view field) {
  absl::string_view parent;
  int64_t id = 0;
  if (!SplitTrailingId(name, "/benchmarkReports/", &parent, &id)) {
    return MalformedName(
        field, name,
        "countries/{country}/plans/{plan}/benchmarkReports/{report}");
  }
  auto plan = ParsePlanName(parent, field);
  if (!plan.ok()) return plan.status();
  return ReportName{*std::move(plan), id};
}

absl::StatusOr<ProgressReportName> ParseProgressReportName(
    absl::string_view name, absl::string_view field) {
  absl::string_view parent;
  int64_t year = 0;
  if (!SplitTrailingId(name, "/progressReports/", &parent, &year)) {
    return MalformedName(
        field, name,
        "countries/{country}/plans/{plan}/progressReports/{reporting_year}");
  }
  if (year < 1990 || year > 2100) {
    return InvalidField(std::string(field),
                        absl::StrCat("reporting year ", year, " in '", name,
                                     "' must be 1990-2100."));
  }
  auto plan = ParsePlanName(parent, field);
  if (!plan.ok()) return plan.status();
  return ProgressReportName{*std::move(plan), static_cast<int>(year)};
}

absl::StatusOr<std::string> ParsePathwayName(absl::string_view name,
                                             absl::string_view field) {
  return ParsePrefixedId(name, "pathways/", field, "pathway",
                         "pathways/tpi-steel-2022-1p5c");
}

absl::StatusOr<std::string> ParseJobName(absl::string_view name,
                                         absl::string_view field) {
  return ParsePrefixedId(name, "benchmarkJobs/", field, "job",
                         "benchmarkJobs/nightly-steel");
}

absl::StatusOr<JobRunName> ParseJobRunName(absl::string_view name,
                                           absl::string_view field) {
  absl::string_view job;
  int64_t id = 0;
  if (!SplitTrailingId(name, "/runs/", &job, &id) ||
      !ParseJobName(job, field).ok()) {
    return InvalidField(std::string(field),
                        absl::StrCat("'", name,
                                     "' is not a run name such as "
                                     "benchmarkJobs/nightly-steel/runs/12."));
  }
  return JobRunName{std::string(job), id};
}

absl::StatusOr<std::string> ParseApiKeyName(absl::string_view name,
                                            absl::string_view field) {
  constexpr absl::string_view kPrefix = "apiKeys/";
  absl::string_view id = name;
  bool ok = absl::ConsumePrefix(&id, kPrefix) && id.size() == 16;
  for (char c : id)
    ok = ok && (absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'));
  if (!ok) {
    return InvalidField(std::string(field),
                        absl::StrCat("'", name,
                                     "' is not an API key name such as "
                                     "apiKeys/3f9c2a1b7d4e8f60."));
  }
  return std::string(id);
}

absl::StatusOr<int64_t> ParseAuditEventName(absl::string_view name,
                                            absl::string_view field) {
  absl::string_view parent;
  int64_t id = 0;
  if (!SplitTrailingId(name, "auditEvents/", &parent, &id) || !parent.empty()) {
    return InvalidField(std::string(field),
                        absl::StrCat("'", name,
                                     "' is not an audit event name such as "
                                     "auditEvents/1042."));
  }
  return id;
}

}  // namespace itp::domain
