#include "server/auth/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/domain/errors.h"
#include "server/domain/resource_names.h"

namespace itp::auth {
namespace {

using itp::v1::Plan;
using itp::v1::Role;

absl::Status Denied(const Principal& p, absl::string_view what) {
  return domain::ErrorWithInfo(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("API key ", p.key_id, " (", itp::v1::Role_Name(p.role),
                   ") may not ", what, "."),
      "PERMISSION_DENIED");
}

domain::FilterExpr Compare(domain::FilterField field, domain::CompareOp op,
                           int64_t value) {
  domain::FilterExpr e;
  e.field = field;
  e.op = op;
  e.int_value = value;
  return e;
}

}  // namespace

std::string Principal::ApiKeyName() const {
  return absl::StrCat("apiKeys/", key_id);
}

bool Principal::HasCountry(absl::string_view country) const {
  return std::find(countries.begin(), countries.end(), country) !=
         countries.end();
}

absl::Status CheckCall(const Principal& p, Operation operation,
                       absl::string_view country) {
  if (p.role == itp::v1::ADMIN) return absl::OkStatus();
  switch (operation) {
    case Operation::kAdministrate:
      return Denied(p, "administer ITP (API keys, the audit trail, pathways)");
    case Operation::kWritePlan:
      if (p.role != itp::v1::PARTNER) {
        return Denied(p, "create, edit, submit, withdraw or delete plans");
      }
      if (!p.HasCountry(country)) {
        return Denied(
            p, absl::StrCat("change plans of ", country, "; it is limited to ",
                            absl::StrJoin(p.countries, ", ")));
      }
      return absl::OkStatus();
    case Operation::kRunJobs:
      if (p.role == itp::v1::BENCHMARK_RUNNER) return absl::OkStatus();
      return Denied(p, "manage or run benchmark jobs");
    case Operation::kReadJobs:
      if (p.role == itp::v1::BENCHMARK_RUNNER ||
          p.role == itp::v1::REVIEWER) {
        return absl::OkStatus();
      }
      return Denied(p, "read benchmark jobs and their runs");
    case Operation::kExportOpenData:
      if (p.role == itp::v1::REVIEWER) return absl::OkStatus();
      return Denied(p, "export the open data package");
    case Operation::kReview:
      if (p.role == itp::v1::REVIEWER) return absl::OkStatus();
      return Denied(p, "start, score, decide or resolve reviews");
    case Operation::kReadReviews:
      if (p.role == itp::v1::REVIEWER) return absl::OkStatus();
      if (p.role == itp::v1::PARTNER &&
          (country == domain::kAnyCountry || p.HasCountry(country))) {
        return absl::OkStatus();
      }
      return Denied(p, absl::StrCat("read the reviews of plans of ", country));
    case Operation::kBenchmarkPlan:
      if (p.role == itp::v1::PARTNER && !p.HasCountry(country)) {
        return Denied(p, absl::StrCat("benchmark plans of ", country,
                                      "; it is limited to ",
                                      absl::StrJoin(p.countries, ", ")));
      }
      [[fallthrough]];
    case Operation::kReadPlan:
    case Operation::kListPlans:
    case Operation::kReadReference:
      if (p.role == itp::v1::PARTNER || p.role == itp::v1::REVIEWER ||
          p.role == itp::v1::BENCHMARK_RUNNER) {
        return absl::OkStatus();
      }
      return Denied(p, "read plans");
  }
  return Denied(p, "make this call");
}

absl::Status CheckPlanRead(const Principal& p, absl::string_view country,
                           std::optional<Plan::State> state) {
  if (p.role == itp::v1::ADMIN) return absl::OkStatus();
  if (p.role == itp::v1::PARTNER) {
    if (p.HasCountry(country)) return absl::OkStatus();
    if (state == Plan::APPROVED) return absl::OkStatus();
    return Denied(p, absl::StrCat("read plans of ", country,
                                  " that are not APPROVED (or do not exist)"));
  }
  if (p.role == itp::v1::REVIEWER || p.role == itp::v1::BENCHMARK_RUNNER) {
    if (state.has_value() && *state != Plan::DRAFT) return absl::OkStatus();
    return Denied(p, "read draft plans (or plans that do not exist)");
  }
  return Denied(p, "read plans");
}

absl::Status CheckReportRead(const Principal& p, absl::string_view report,
                             absl::string_view country, bool of_draft) {
  if (!of_draft || CheckPlanRead(p, country, Plan::DRAFT).ok()) {
    return absl::OkStatus();
  }
  return domain::ErrorWithInfo(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("Benchmark report ", report,
                   " is of a draft; only those who may read drafts of ",
                   country, " may read it."),
      "PERMISSION_DENIED", report);
}

absl::Status CheckProgressDraftRead(const Principal& p,
                                    absl::string_view report,
                                    absl::string_view country) {
  if (CheckCall(p, Operation::kWritePlan, country).ok()) {
    return absl::OkStatus();
  }
  return domain::ErrorWithInfo(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("Progress report ", report, " is a draft; only partners of ",
                   country, " and admins may read it before it is published."),
      "PERMISSION_DENIED", report);
}

std::optional<std::vector<std::string>> ProgressDraftCountries(
    const Principal& p) {
  if (p.role == itp::v1::ADMIN) return std::nullopt;
  if (p.role == itp::v1::PARTNER) return p.countries;
  return std::vector<std::string>();
}

std::optional<domain::FilterExpr> ReadableFilter(const Principal& p,
                                                 absl::string_view country) {
  using domain::CompareOp;
  using domain::FilterExpr;
  using domain::FilterField;
  switch (p.role) {
    case itp::v1::ADMIN:
      return std::nullopt;
    case itp::v1::PARTNER: {
      if (country != domain::kAnyCountry && p.HasCountry(country)) {
        return std::nullopt;
      }
      FilterExpr readable;
      readable.kind = FilterExpr::Kind::kOr;
      readable.children.push_back(
          Compare(FilterField::kState, CompareOp::kEq, Plan::APPROVED));
      for (const std::string& own : p.countries) {
        FilterExpr c;
        c.field = FilterField::kCountry;
        c.op = CompareOp::kEq;
        c.string_value = own;
        readable.children.push_back(std::move(c));
      }
      return readable;
    }
    case itp::v1::REVIEWER:
    case itp::v1::BENCHMARK_RUNNER:
      return Compare(FilterField::kState, CompareOp::kNe, Plan::DRAFT);
    default:
      // Nothing is readable: a state no plan has.
      return Compare(FilterField::kState, CompareOp::kEq,
                     Plan::STATE_UNSPECIFIED);
  }
}

std::optional<domain::FilterExpr> RestrictToReadable(
    const Principal& principal, absl::string_view country,
    std::optional<domain::FilterExpr> filter) {
  return domain::AndFilters(std::move(filter),
                            ReadableFilter(principal, country));
}

absl::Status CheckReviewRead(const Principal& p, absl::string_view review_name,
                             itp::v1::Review::State state) {
  if (p.role == itp::v1::PARTNER && state != itp::v1::Review::COMPLETED) {
    return domain::ErrorWithInfo(
        absl::StatusCode::kPermissionDenied,
        absl::StrCat("Review ", review_name,
                     " is still in progress; partners see it once it is "
                     "completed."),
        "PERMISSION_DENIED", review_name);
  }
  return absl::OkStatus();
}

ReviewScope ReviewScopeOf(const Principal& p) {
  ReviewScope scope;
  if (p.role == itp::v1::PARTNER) {
    scope.countries = p.countries;
    scope.completed_only = true;
  }
  return scope;
}

absl::Status CheckWatchEvents(const Principal& p, absl::string_view country) {
  absl::Status s = CheckCall(p, Operation::kReadPlan, country);
  if (!s.ok()) return s;
  if (p.role == itp::v1::PARTNER && country != domain::kAnyCountry &&
      !p.HasCountry(country)) {
    return CheckPlanRead(p, country, std::nullopt);
  }
  return absl::OkStatus();
}

bool EventVisible(const Principal& p, absl::string_view watched_country,
                  const EventFacts& e) {
  if (watched_country != domain::kAnyCountry && e.country != watched_country) {
    return false;
  }
  // Partners watch only their own countries' plans.
  if (p.role == itp::v1::PARTNER && !p.HasCountry(e.country)) return false;
  // An event tells what the resource it is about would: it is sent to those
  // who may read that resource.
  switch (e.type) {
    case itp::v1::PlanEvent::STATE_CHANGED:
    case itp::v1::PlanEvent::PROGRESS_PUBLISHED:
      return CheckCall(p, Operation::kReadPlan, e.country).ok();
    case itp::v1::PlanEvent::REVIEW_COMPLETED:
      return CheckCall(p, Operation::kReadReviews, e.country).ok() &&
             CheckReviewRead(p, "", itp::v1::Review::COMPLETED).ok();
    case itp::v1::PlanEvent::COMMENT_ADDED:
      return CheckCall(p, Operation::kReadReviews, e.country).ok() &&
             CheckReviewRead(p, "",
                             e.on_open_review ? itp::v1::Review::OPEN
                                              : itp::v1::Review::COMPLETED)
                 .ok();
    default:
      return false;
  }
}

}  // namespace itp::auth
