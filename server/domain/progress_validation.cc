#include "server/domain/progress_validation.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/domain/field_validator.h"
#include "server/domain/plan_validation.h"
#include "server/domain/update_mask.h"

namespace itp::domain {
namespace {

using itp::v1::Plan;
using itp::v1::PolicyUpdate;
using itp::v1::ProgressReport;
using itp::v1::ProjectUpdate;
using itp::v1::SectorActuals;

constexpr double kMaxCapitalUsd = 1e13;

class ReportValidator : public FieldValidator {
 public:
  ReportValidator(FieldViolations* v, const Plan& plan, int reporting_year)
      : FieldValidator(v), plan_(plan), reporting_year_(reporting_year) {}

  void Sector(const Path& p, const SectorActuals& s) {
    EnumSet(p.Field("sector"), s.sector(), itp::v1::Sector_IsValid,
            "e.g. IRON_AND_STEEL, CEMENT");
    if (s.sector() != 0 && itp::v1::Sector_IsValid(s.sector()) &&
        !PlanHasSector(s.sector())) {
      Add(p.Field("sector"), absl::StrCat(PlanRevisionName(), " has no ",
                                          itp::v1::Sector_Name(s.sector()),
                                          " pathway to report against."));
    }
    if (s.points_size() == 0) {
      Add(p.Field("points"), "needs at least one yearly point.");
    }
    if (!MaxItems(p.Field("points"), s.points_size(), kMaxPoints)) return;
    for (int i = 0; i < s.points_size(); ++i) {
      const Path pp = p.Index("points", i);
      const int year = s.points(i).year();
      Point(pp, s.points(i));
      if (i > 0 && year <= s.points(i - 1).year()) {
        Add(pp.Field("year"),
            absl::StrCat("years must be strictly increasing (", year,
                         " follows ", s.points(i - 1).year(), ")."));
      }
      if (reporting_year_ != 0 && year > reporting_year_) {
        Add(pp.Field("year"),
            absl::StrCat("an actual for ", year,
                         " cannot be in a report for reporting year ",
                         reporting_year_, "."));
      }
    }
  }

  void Project(const Path& p, const ProjectUpdate& u) {
    Text(p.Field("project_name"), u.project_name(), kMaxShortTextChars, true);
    if (!u.project_name().empty() && !PlanHasProject(u.project_name())) {
      Add(p.Field("project_name"),
          absl::StrCat("'", u.project_name(), "' is not a project of ",
                       PlanRevisionName(), "."));
    }
    EnumSet(p.Field("status"), u.status(), ProjectUpdate::Status_IsValid,
            "ANNOUNCED, UNDER_CONSTRUCTION, OPERATING, DELAYED or CANCELLED");
    Year(p.Field("actual_start_year"), u.actual_start_year(),
         u.status() == ProjectUpdate::OPERATING);
    if (u.actual_start_year() != 0 && reporting_year_ != 0 &&
        u.actual_start_year() > reporting_year_) {
      Add(p.Field("actual_start_year"),
          absl::StrCat(u.actual_start_year(), " is after the reporting year ",
                       reporting_year_, "."));
    }
    if (u.has_capital_spent_usd()) {
      Quantity(p.Field("capital_spent_usd"), u.capital_spent_usd(),
               kMaxCapitalUsd, "USD");
    }
    Text(p.Field("note"), u.note(), kMaxLongTextChars, false);
  }

  void Policy(const Path& p, const PolicyUpdate& u) {
    Text(p.Field("policy_name"), u.policy_name(), kMaxShortTextChars, true);
    if (!u.policy_name().empty() && !PlanHasPolicy(u.policy_name())) {
      Add(p.Field("policy_name"),
          absl::StrCat("'", u.policy_name(), "' is not a policy instrument of ",
                       PlanRevisionName(), "."));
    }
    EnumSet(p.Field("status"), u.status(), PolicyUpdate::Status_IsValid,
            "PLANNED, ADOPTED, IN_FORCE, DELAYED or WITHDRAWN");
    Text(p.Field("note"), u.note(), kMaxLongTextChars, false);
  }

 private:
  std::string PlanRevisionName() const {
    return plan_.revision() > 0
               ? absl::StrCat(plan_.name(), " revision ", plan_.revision())
               : plan_.name();
  }
  bool PlanHasSector(int sector) const {
    for (const auto& s : plan_.sectors()) {
      if (s.sector() == sector) return true;
    }
    return false;
  }
  bool PlanHasProject(const std::string& name) const {
    for (const auto& pr : plan_.projects()) {
      if (pr.name() == name) return true;
    }
    return false;
  }
  bool PlanHasPolicy(const std::string& name) const {
    for (const auto& po : plan_.policies()) {
      if (po.name() == name) return true;
    }
    return false;
  }

  const Plan& plan_;
  int reporting_year_;
};

}  // namespace

void ValidateReportingYear(int year, int current_year, const Plan& plan,
                           absl::string_view field,
                           FieldViolations* violations) {
  const std::string f(field);
  if (year == 0) {
    violations->Add(f, "is required (a completed calendar year, e.g. " +
                           absl::StrCat(current_year - 1) + ").");
    return;
  }
  if (year < kMinYear || year >= current_year) {
    violations->Add(f, absl::StrCat("reporting year ", year,
                                    " must be a completed calendar year from ",
                                    kMinYear, " to ", current_year - 1, "."));
    return;
  }
  int earliest_base = 0;
  for (const auto& s : plan.sectors()) {
    if (earliest_base == 0 || s.base_year() < earliest_base) {
      earliest_base = s.base_year();
    }
  }
  if (earliest_base != 0 && year < earliest_base) {
    violations->Add(f, absl::StrCat("reporting year ", year,
                                    " is before the plan's base year ",
                                    earliest_base, "."));
  }
}

void ValidateProgressReportContent(const ProgressReport& report,
                                   const Plan& plan, int reporting_year,
                                   absl::string_view prefix,
                                   FieldViolations* violations) {
  ReportValidator v(violations, plan, reporting_year);
  const Path root(prefix);
  if (v.MaxItems(root.Field("sectors"), report.sectors_size(), kMaxSectors)) {
    std::set<int> seen;
    for (int i = 0; i < report.sectors_size(); ++i) {
      const Path p = root.Index("sectors", i);
      v.Sector(p, report.sectors(i));
      const int sector = report.sectors(i).sector();
      if (sector != 0 && !seen.insert(sector).second) {
        v.Add(p.Field("sector"),
              absl::StrCat(itp::v1::Sector_Name(report.sectors(i).sector()),
                           " appears more than once; give one entry per "
                           "sector."));
      }
    }
  }
  if (v.MaxItems(root.Field("project_updates"), report.project_updates_size(),
                 kMaxProjects)) {
    std::set<std::string> seen;
    for (int i = 0; i < report.project_updates_size(); ++i) {
      const Path p = root.Index("project_updates", i);
      const ProjectUpdate& u = report.project_updates(i);
      v.Project(p, u);
      if (!u.project_name().empty() && !seen.insert(u.project_name()).second) {
        v.Add(p.Field("project_name"),
              absl::StrCat("'", u.project_name(),
                           "' is updated more than once."));
      }
    }
  }
  if (v.MaxItems(root.Field("policy_updates"), report.policy_updates_size(),
                 kMaxPolicies)) {
    std::set<std::string> seen;
    for (int i = 0; i < report.policy_updates_size(); ++i) {
      const Path p = root.Index("policy_updates", i);
      const PolicyUpdate& u = report.policy_updates(i);
      v.Policy(p, u);
      if (!u.policy_name().empty() && !seen.insert(u.policy_name()).second) {
        v.Add(
            p.Field("policy_name"),
            absl::StrCat("'", u.policy_name(), "' is updated more than once."));
      }
    }
  }
  v.Text(root.Field("narrative"), report.narrative(), kMaxNarrativeChars,
         false);
  if (v.MaxItems(root.Field("sources"), report.sources_size(),
                 kMaxReportSources)) {
    for (int i = 0; i < report.sources_size(); ++i) {
      const Path p = root.Index("sources", i);
      if (report.sources(i).empty()) {
        v.Add(p, "must be an http:// or https:// URL (got an empty string).");
      }
      v.Uri(p, report.sources(i));
    }
  }
}

absl::Status CheckReportEtag(const ProgressReport& current,
                             absl::string_view etag) {
  if (etag.empty() || etag == current.etag()) return absl::OkStatus();
  return ErrorWithInfo(
      absl::StatusCode::kAborted,
      absl::StrCat("The etag '", etag, "' is stale: ", current.name(),
                   " has changed since it was read (current etag '",
                   current.etag(), "'). Read it again and retry."),
      "ETAG_MISMATCH", current.name());
}

void CopyReportContent(const ProgressReport& from, ProgressReport* to) {
  *to->mutable_sectors() = from.sectors();
  *to->mutable_project_updates() = from.project_updates();
  *to->mutable_policy_updates() = from.policy_updates();
  to->set_narrative(from.narrative());
  *to->mutable_sources() = from.sources();
}

absl::Status ApplyReportUpdate(ProgressReport& current,
                               const ProgressReport& patch,
                               const google::protobuf::FieldMask& mask) {
  static constexpr absl::string_view kFields[] = {
      "sectors", "project_updates", "policy_updates", "narrative", "sources"};
  absl::StatusOr<std::vector<std::string>> paths =
      ResolveUpdateMask(patch, mask, UpdatableFields{kFields, 20});
  if (!paths.ok()) return paths.status();
  absl::Status etag = CheckReportEtag(current, patch.etag());
  if (!etag.ok()) return etag;
  ApplyUpdatePaths(patch, *paths, current);
  return absl::OkStatus();
}

}  // namespace itp::domain
