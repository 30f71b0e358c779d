#include "server/domain/resource_names.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

}  // namespace

std::string PlanName::ToString() const {
  return absl::StrCat("countries/", country, "/plans/", plan_id);
}

std::string RevisionName::ToString() const {
  return absl::StrCat(plan.ToString(), "/revisions/", revision);
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

}  // namespace itp::domain
