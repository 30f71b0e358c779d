#include "server/domain/plan_validation.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/domain/field_validator.h"
#include "server/domain/resource_names.h"

namespace itp::domain {
namespace {

using itp::v1::FinanceNeeds;
using itp::v1::Governance;
using itp::v1::PathwayPoint;
using itp::v1::Plan;
using itp::v1::PolicyInstrument;
using itp::v1::Project;
using itp::v1::SectorPathway;
using itp::v1::Target;
using itp::v1::TechnologyShare;

class Validator : public FieldValidator {
 public:
  using FieldValidator::FieldValidator;

  void Sector(const Path& p, const SectorPathway& s) {
    EnumSet(p.Field("sector"), s.sector(), itp::v1::Sector_IsValid,
            "e.g. IRON_AND_STEEL, CEMENT");
    Text(p.Field("intensity_unit"), s.intensity_unit(), kMaxShortTextChars,
         false);
    EnumKnown(p.Field("scope_boundary"), s.scope_boundary(),
              SectorPathway::ScopeBoundary_IsValid);
    if (s.points_size() == 0) {
      Add(p.Field("points"), "needs at least one yearly point.");
    }
    if (!MaxItems(p.Field("points"), s.points_size(), kMaxPoints)) return;
    bool has_base = false;
    for (int i = 0; i < s.points_size(); ++i) {
      const PathwayPoint& pt = s.points(i);
      Path pp = p.Index("points", i);
      Point(pp, pt);
      if (i > 0 && pt.year() <= s.points(i - 1).year()) {
        Add(pp.Field("year"),
            absl::StrCat("years must be strictly increasing (", pt.year(),
                         " follows ", s.points(i - 1).year(), ")."));
      }
      has_base = has_base || pt.year() == s.base_year();
    }
    Year(p.Field("base_year"), s.base_year(), true);
    if (s.base_year() != 0 && s.points_size() > 0 && !has_base) {
      Add(p.Field("base_year"),
          absl::StrCat("base year ", s.base_year(),
                       " must be one of the years in points."));
    }
  }

  void TargetEntry(const Path& p, const Target& t) {
    EnumSet(p.Field("type"), t.type(), Target::Type_IsValid,
            "e.g. NET_ZERO, BASE_YEAR_REDUCTION, INTENSITY");
    EnumKnown(p.Field("sector"), t.sector(), itp::v1::Sector_IsValid);
    EnumKnown(p.Field("legal_status"), t.legal_status(),
              Target::LegalStatus_IsValid);
    Year(p.Field("target_year"), t.target_year(), true);
    bool needs_percent = t.type() == Target::BASE_YEAR_REDUCTION ||
                         t.type() == Target::BAU_REDUCTION ||
                         t.type() == Target::INTENSITY;
    bool needs_base = t.type() == Target::BASE_YEAR_REDUCTION ||
                      t.type() == Target::INTENSITY;
    bool needs_value =
        t.type() == Target::ABSOLUTE || t.type() == Target::FIXED_LEVEL;
    if (t.has_reduction_percent()) {
      Percent(p.Field("reduction_percent"), t.reduction_percent());
    } else if (needs_percent) {
      Add(p.Field("reduction_percent"),
          absl::StrCat("is required for a ", Target::Type_Name(t.type()),
                       " target."));
    }
    Year(p.Field("base_year"), t.base_year(), needs_base);
    if (t.base_year() != 0 && t.target_year() != 0 &&
        t.base_year() >= t.target_year()) {
      Add(p.Field("target_year"),
          absl::StrCat("target year ", t.target_year(),
                       " must come after base year ", t.base_year(), "."));
    }
    if (t.has_target_value()) {
      const bool intensity = t.type() == Target::FIXED_LEVEL;
      Quantity(p.Field("target_value"), t.target_value(),
               intensity ? kMaxIntensityTco2PerT : kMaxEmissionsMtco2,
               intensity ? "t CO2/t" : "Mt CO2");
    } else if (needs_value) {
      Add(p.Field("target_value"),
          absl::StrCat("is required for a ", Target::Type_Name(t.type()),
                       " target."));
    }
    Text(p.Field("coverage"), t.coverage(), kMaxShortTextChars, false);
    Uri(p.Field("source_uri"), t.source_uri());
  }

  void ProjectEntry(const Path& p, const Project& pr) {
    Text(p.Field("name"), pr.name(), kMaxShortTextChars, true);
    Text(p.Field("company"), pr.company(), kMaxShortTextChars, false);
    Text(p.Field("site"), pr.site(), kMaxShortTextChars, false);
    Text(p.Field("finance_source"), pr.finance_source(), kMaxShortTextChars,
         false);
    Text(p.Field("technology_detail"), pr.technology_detail(),
         kMaxShortTextChars, false);
    if (!pr.project_id().empty()) {
      std::string problem = IdProblem(pr.project_id(), "project_id");
      if (!problem.empty()) Add(p.Field("project_id"), problem);
    }
    EnumKnown(p.Field("sector"), pr.sector(), itp::v1::Sector_IsValid);
    EnumKnown(p.Field("technology"), pr.technology(),
              Project::Technology_IsValid);
    EnumKnown(p.Field("scale"), pr.scale(), Project::Scale_IsValid);
    EnumKnown(p.Field("status"), pr.status(), Project::Status_IsValid);
    Year(p.Field("start_year"), pr.start_year(), false);
    Year(p.Field("actual_start_year"), pr.actual_start_year(), false);
    if (pr.has_capacity_mtpa()) {
      Quantity(p.Field("capacity_mtpa"), pr.capacity_mtpa(), kMaxProductionMt,
               "Mt/yr");
    }
    if (pr.has_capex_usd()) {
      Quantity(p.Field("capex_usd"), pr.capex_usd(), 1e13, "USD");
    }
  }

  void PolicyEntry(const Path& p, const PolicyInstrument& po) {
    EnumKnown(p.Field("type"), po.type(), PolicyInstrument::Type_IsValid);
    EnumKnown(p.Field("status"), po.status(), PolicyInstrument::Status_IsValid);
    Text(p.Field("name"), po.name(), kMaxShortTextChars, true);
    Text(p.Field("description"), po.description(), kMaxLongTextChars, false);
    Year(p.Field("start_year"), po.start_year(), false);
    Uri(p.Field("source_uri"), po.source_uri());
  }

  void Finance(const Path& p, const FinanceNeeds& f) {
    constexpr double kMaxUsd = 1e14;
    bool total =
        f.has_total_need_usd() &&
        Quantity(p.Field("total_need_usd"), f.total_need_usd(), kMaxUsd, "USD");
    bool domestic =
        f.has_domestic_usd() &&
        Quantity(p.Field("domestic_usd"), f.domestic_usd(), kMaxUsd, "USD");
    bool international = f.has_international_usd() &&
                         Quantity(p.Field("international_usd"),
                                  f.international_usd(), kMaxUsd, "USD");
    bool conditional = f.has_conditional_usd() &&
                       Quantity(p.Field("conditional_usd"), f.conditional_usd(),
                                kMaxUsd, "USD");
    double parts = (domestic ? f.domestic_usd() : 0) +
                   (international ? f.international_usd() : 0);
    if (total && (domestic || international) &&
        parts > f.total_need_usd() * 1.01) {
      Add(p.Field("total_need_usd"),
          absl::StrFormat("domestic plus international (%g USD) exceed the "
                          "total need (%g USD).",
                          parts, f.total_need_usd()));
    }
    if (total && conditional && f.conditional_usd() > f.total_need_usd()) {
      Add(p.Field("conditional_usd"),
          absl::StrFormat("%g USD exceeds the total need (%g USD).",
                          f.conditional_usd(), f.total_need_usd()));
    }
    Text(p.Field("period"), f.period(), kMaxShortTextChars, false);
  }

  void GovernanceEntry(const Path& p, const Governance& g) {
    Text(p.Field("lead_institution"), g.lead_institution(), kMaxShortTextChars,
         false);
    Text(p.Field("mrv_arrangements"), g.mrv_arrangements(), kMaxLongTextChars,
         false);
    EnumKnown(p.Field("reporting_cadence"), g.reporting_cadence(),
              Governance::ReportingCadence_IsValid);
    Text(p.Field("stakeholder_engagement"), g.stakeholder_engagement(),
         kMaxLongTextChars, false);
    Text(p.Field("just_transition_measures"), g.just_transition_measures(),
         kMaxLongTextChars, false);
  }
};

}  // namespace

void ValidatePlanContent(const Plan& plan, absl::string_view prefix,
                         FieldViolations* violations) {
  Validator v(violations);
  Path root(prefix);
  v.Text(root.Field("display_name"), plan.display_name(), kMaxTitleChars, true);
  v.Text(root.Field("summary"), plan.summary(), kMaxSummaryChars, false);
  v.Text(root.Field("submitting_body"), plan.submitting_body(),
         kMaxShortTextChars, false);

  std::set<int> sectors_seen;
  const bool sectors_ok =
      v.MaxItems(root.Field("sectors"), plan.sectors_size(), kMaxSectors);
  for (int i = 0; sectors_ok && i < plan.sectors_size(); ++i) {
    Path p = root.Index("sectors", i);
    v.Sector(p, plan.sectors(i));
    int sector = plan.sectors(i).sector();
    if (sector != 0 && !sectors_seen.insert(sector).second) {
      v.Add(p.Field("sector"),
            absl::StrCat(itp::v1::Sector_Name(plan.sectors(i).sector()),
                         " appears more than once; give one pathway per "
                         "sector."));
    }
  }
  const bool targets_ok =
      v.MaxItems(root.Field("targets"), plan.targets_size(), kMaxTargets);
  for (int i = 0; targets_ok && i < plan.targets_size(); ++i) {
    v.TargetEntry(root.Index("targets", i), plan.targets(i));
  }
  const bool projects_ok =
      v.MaxItems(root.Field("projects"), plan.projects_size(), kMaxProjects);
  std::map<std::string, int> project_ids;
  for (int i = 0; projects_ok && i < plan.projects_size(); ++i) {
    Path p = root.Index("projects", i);
    v.ProjectEntry(p, plan.projects(i));
    const std::string& id = plan.projects(i).project_id();
    if (id.empty()) continue;
    auto [it, inserted] = project_ids.emplace(id, i);
    if (!inserted) {
      v.Add(p.Field("project_id"),
            absl::StrCat("'", id, "' is already the id of projects[",
                         it->second, "]; ids are unique within a plan."));
    }
  }
  const bool policies_ok =
      v.MaxItems(root.Field("policies"), plan.policies_size(), kMaxPolicies);
  for (int i = 0; policies_ok && i < plan.policies_size(); ++i) {
    v.PolicyEntry(root.Index("policies", i), plan.policies(i));
  }
  if (plan.has_finance()) v.Finance(root.Field("finance"), plan.finance());
  if (plan.has_governance()) {
    v.GovernanceEntry(root.Field("governance"), plan.governance());
  }
}

void ValidateText(absl::string_view value, absl::string_view field,
                  size_t max_chars, FieldViolations* violations) {
  Validator(violations).Text(Path(field), value, max_chars, false);
}

void ValidateRequestId(absl::string_view id, absl::string_view field,
                       FieldViolations* violations) {
  if (id.empty()) return;
  bool ok = id.size() == 36;
  for (size_t i = 0; ok && i < id.size(); ++i) {
    char c = id[i];
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    ok =
        dash_position ? c == '-' : std::isxdigit(static_cast<unsigned char>(c));
  }
  if (!ok) {
    violations->Add(std::string(field),
                    absl::StrCat("'", id,
                                 "' is not a UUID (e.g. "
                                 "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10)."));
  }
}

absl::Status ValidateForSubmission(const Plan& plan) {
  if (plan.sectors_size() > 0) return absl::OkStatus();
  return ErrorWithInfo(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat(plan.name(),
                                    " cannot be submitted without at least "
                                    "one sector pathway in sectors."),
                       "PLAN_INCOMPLETE", plan.name());
}

}  // namespace itp::domain
