// Printing of plans, revisions and revision diffs; see plan_views.h.
#include "client/plan_views.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/review_views.h"
#include "google/protobuf/struct.pb.h"

namespace itp::client {
namespace {

using itp::v1::Plan;

std::string YesNo(bool value) { return value ? "yes" : "no"; }

std::string SectorList(const Plan& plan) {
  std::vector<std::string> sectors;
  for (const auto& s : plan.sectors())
    sectors.push_back(SectorName(s.sector()));
  return absl::StrJoin(sectors, ";");
}

std::string StateText(const Plan& plan) {
  std::string state = EnumName(Plan::State_descriptor(), plan.state());
  if (plan.revision() == 0) return state + " (never submitted)";
  return absl::StrCat(state, ", revision ", plan.revision());
}

std::string ScopeText(itp::v1::SectorPathway::ScopeBoundary scope) {
  switch (scope) {
    case itp::v1::SectorPathway::SCOPE_1:
      return "scope 1";
    case itp::v1::SectorPathway::SCOPE_1_AND_2:
      return "scope 1+2";
    default:
      return "scope not stated";
  }
}

void PrintOverview(std::ostream& out, const Plan& plan) {
  out << plan.display_name() << "\n";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Name", plan.name()},
      {"Country", plan.country()},
      {"State", StateText(plan)},
      {"Submitting body", plan.submitting_body()},
      {"Created", FormatTime(plan.create_time())},
      {"Updated", FormatTime(plan.update_time())},
      {"Submitted", FormatTime(plan.submit_time())},
  };
  if (!plan.withdrawal_reason().empty()) {
    fields.emplace_back("Withdrawal reason", plan.withdrawal_reason());
  }
  PrintFields(out, fields);
  if (!plan.summary().empty()) out << "\nSummary\n  " << plan.summary() << "\n";
}

void PrintSector(std::ostream& out, const itp::v1::SectorPathway& sector) {
  out << "  " << SectorName(sector.sector()) << ": base year "
      << YearOrNoValue(sector.base_year()) << ", "
      << (sector.intensity_unit().empty() ? "tCO2/t" : sector.intensity_unit())
      << ", " << ScopeText(sector.scope_boundary()) << "\n";
  Table trajectory({{"YEAR", "year", Table::kRight},
                    {"PRODUCTION Mt", "production_mt", Table::kRight},
                    {"INTENSITY tCO2/t", "intensity_tco2_per_t", Table::kRight},
                    {"EMISSIONS MtCO2", "emissions_mtco2", Table::kRight}});
  Table shares({{"YEAR", "year", Table::kRight},
                {"INDICATOR", "indicator"},
                {"SHARE %", "share_percent", Table::kRight},
                {"DESCRIPTION", "description"}});
  bool computed = false;
  for (const auto& point : sector.points()) {
    std::string emissions = kNoValue;
    if (point.has_emissions_mtco2()) {
      emissions = FormatFixed(point.emissions_mtco2(), 1) + " ";
    } else if (point.has_production_mt() && point.has_intensity_tco2_per_t()) {
      emissions =
          FormatFixed(point.production_mt() * point.intensity_tco2_per_t(), 1) +
          "*";
      computed = true;
    }
    trajectory.AddRow({absl::StrCat(point.year()),
                       point.has_production_mt()
                           ? FormatFixed(point.production_mt(), 1)
                           : kNoValue,
                       point.has_intensity_tco2_per_t()
                           ? FormatFixed(point.intensity_tco2_per_t(), 3)
                           : kNoValue,
                       emissions});
    for (const auto& share : point.technology_shares()) {
      shares.AddRow({absl::StrCat(point.year()),
                     EnumName(itp::v1::TechnologyShare::Indicator_descriptor(),
                              share.indicator()),
                     FormatNumber(share.share_percent()), share.description()});
    }
  }
  trajectory.PrintAligned(out, "    ");
  if (computed) {
    out << "    * production x intensity; the plan states no emissions "
           "figure.\n";
  }
  if (!shares.empty()) {
    out << "    Technology shares\n";
    shares.PrintAligned(out, "    ");
  }
}

void PrintTargets(std::ostream& out, const Plan& plan) {
  out << "\nTargets\n";
  if (plan.targets().empty()) {
    out << "  None stated.\n";
    return;
  }
  Table table({{"TYPE", "type"},
               {"SECTOR", "sector"},
               {"REDUCTION %", "reduction_percent", Table::kRight},
               {"BASE YEAR", "base_year", Table::kRight},
               {"TARGET YEAR", "target_year", Table::kRight},
               {"VALUE", "target_value", Table::kRight},
               {"CONDITIONAL", "conditional"},
               {"LEGAL STATUS", "legal_status"}});
  for (const auto& t : plan.targets()) {
    table.AddRow(
        {EnumName(itp::v1::Target::Type_descriptor(), t.type()),
         t.sector() == itp::v1::SECTOR_UNSPECIFIED ? "all"
                                                   : SectorName(t.sector()),
         t.has_reduction_percent() ? FormatNumber(t.reduction_percent())
                                   : kNoValue,
         YearOrNoValue(t.base_year()), YearOrNoValue(t.target_year()),
         t.has_target_value() ? FormatNumber(t.target_value()) : kNoValue,
         YesNo(t.conditional()),
         t.legal_status() == itp::v1::Target::LEGAL_STATUS_UNSPECIFIED
             ? kNoValue
             : EnumName(itp::v1::Target::LegalStatus_descriptor(),
                        t.legal_status())});
  }
  table.PrintAligned(out, "  ");
}

void PrintProjects(std::ostream& out, const Plan& plan) {
  out << "\nProjects\n";
  if (plan.projects().empty()) {
    out << "  None listed.\n";
    return;
  }
  Table table({{"NAME", "name"},
               {"COMPANY, SITE", "company"},
               {"TECHNOLOGY", "technology"},
               {"SCALE", "scale"},
               {"STATUS", "status"},
               {"START", "start_year", Table::kRight},
               {"CAPACITY Mt/yr", "capacity_mtpa", Table::kRight},
               {"CAPEX", "capex_usd", Table::kRight},
               {"CONDITIONAL", "conditional"}});
  double capex = 0, conditional_capex = 0;
  for (const auto& p : plan.projects()) {
    std::vector<std::string> where;
    if (!p.company().empty()) where.push_back(p.company());
    if (!p.site().empty()) where.push_back(p.site());
    table.AddRow(
        {p.name(), OrNoValue(absl::StrJoin(where, ", ")),
         EnumName(itp::v1::Project::Technology_descriptor(), p.technology()),
         p.scale() == itp::v1::Project::SCALE_UNSPECIFIED
             ? kNoValue
             : EnumName(itp::v1::Project::Scale_descriptor(), p.scale()),
         EnumName(itp::v1::Project::Status_descriptor(), p.status()),
         YearOrNoValue(p.start_year()),
         p.has_capacity_mtpa() ? FormatNumber(p.capacity_mtpa()) : kNoValue,
         p.has_capex_usd() ? FormatUsd(p.capex_usd()) : kNoValue,
         YesNo(p.conditional())});
    if (p.status() != itp::v1::Project::CANCELLED) {
      capex += p.capex_usd();
      if (p.conditional()) conditional_capex += p.capex_usd();
    }
  }
  table.PrintAligned(out, "  ");
  out << "  Capital cost of projects not cancelled: " << FormatUsd(capex)
      << ", of which conditional on international support: "
      << FormatUsd(conditional_capex) << ".\n";
}

void PrintPolicies(std::ostream& out, const Plan& plan) {
  out << "\nPolicy instruments\n";
  if (plan.policies().empty()) {
    out << "  None listed.\n";
    return;
  }
  Table table({{"TYPE", "type"},
               {"NAME", "name"},
               {"STATUS", "status"},
               {"START", "start_year", Table::kRight},
               {"SOURCE", "source_uri"}});
  for (const auto& p : plan.policies()) {
    table.AddRow(
        {EnumName(itp::v1::PolicyInstrument::Type_descriptor(), p.type()),
         p.name(),
         EnumName(itp::v1::PolicyInstrument::Status_descriptor(), p.status()),
         YearOrNoValue(p.start_year()), OrNoValue(p.source_uri())});
  }
  table.PrintAligned(out, "  ");
}

// The amount for people when it is set; empty (shown as kNoValue) otherwise.
std::string UsdIfSet(bool has, double usd) { return has ? FormatUsd(usd) : ""; }

void PrintFinance(std::ostream& out, const Plan& plan) {
  out << "\nFinance needs\n";
  if (!plan.has_finance()) {
    out << "  Not stated.\n";
    return;
  }
  const itp::v1::FinanceNeeds& f = plan.finance();
  PrintFields(
      out,
      {{"Total need", UsdIfSet(f.has_total_need_usd(), f.total_need_usd())},
       {"Domestic", UsdIfSet(f.has_domestic_usd(), f.domestic_usd())},
       {"International",
        UsdIfSet(f.has_international_usd(), f.international_usd())},
       {"Conditional", UsdIfSet(f.has_conditional_usd(), f.conditional_usd())},
       {"Period", f.period()}});
}

void PrintGovernance(std::ostream& out, const Plan& plan) {
  out << "\nGovernance\n";
  if (!plan.has_governance()) {
    out << "  Not stated.\n";
    return;
  }
  const itp::v1::Governance& g = plan.governance();
  PrintFields(
      out, {{"Lead institution", g.lead_institution()},
            {"MRV arrangements", g.mrv_arrangements()},
            {"Reporting cadence",
             g.reporting_cadence() ==
                     itp::v1::Governance::REPORTING_CADENCE_UNSPECIFIED
                 ? ""
                 : EnumName(itp::v1::Governance::ReportingCadence_descriptor(),
                            g.reporting_cadence())},
            {"Stakeholder engagement", g.stakeholder_engagement()},
            {"Just transition", g.just_transition_measures()}});
}

Table PlanListTable(OutputFormat format,
                    const google::protobuf::RepeatedPtrField<Plan>& plans) {
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"NAME", "name"},
               {"COUNTRY", "country"},
               {"TITLE", "display_name"},
               {"STATE", "state"},
               {"REV", "revision", Table::kRight},
               {"SECTORS", "sectors"},
               {"UPDATED", "update_time"}});
  for (const Plan& plan : plans) {
    table.AddRow({plan.name(), plan.country(), plan.display_name(),
                  EnumName(Plan::State_descriptor(), plan.state()),
                  absl::StrCat(plan.revision()), SectorList(plan),
                  csv ? FormatRfc3339(plan.update_time())
                      : FormatTime(plan.update_time())});
  }
  return table;
}

}  // namespace

void PrintPlanList(std::ostream& out, OutputFormat format,
                   const itp::v1::ListPlansResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.plans().empty()) {
    out << "No plans found.\n";
    return;
  }
  PlanListTable(format, response.plans()).Print(out, format);
}

void PrintPlan(std::ostream& out, OutputFormat format, const Plan& plan) {
  if (format == OutputFormat::kJson) {
    out << ToJson(plan);
    return;
  }
  if (format == OutputFormat::kCsv) {
    Table points({{"PLAN", "plan"},
                  {"SECTOR", "sector"},
                  {"YEAR", "year"},
                  {"PRODUCTION Mt", "production_mt"},
                  {"INTENSITY tCO2/t", "intensity_tco2_per_t"},
                  {"EMISSIONS MtCO2", "emissions_mtco2"}});
    for (const auto& sector : plan.sectors()) {
      for (const auto& p : sector.points()) {
        points.AddRow(
            {plan.name(), SectorName(sector.sector()), absl::StrCat(p.year()),
             p.has_production_mt() ? FormatNumber(p.production_mt()) : "",
             p.has_intensity_tco2_per_t()
                 ? FormatNumber(p.intensity_tco2_per_t())
                 : "",
             p.has_emissions_mtco2() ? FormatNumber(p.emissions_mtco2()) : ""});
      }
    }
    points.PrintCsv(out);
    return;
  }
  PrintOverview(out, plan);
  out << "\nSector pathways\n";
  if (plan.sectors().empty()) out << "  None stated.\n";
  for (const auto& sector : plan.sectors()) PrintSector(out, sector);
  PrintTargets(out, plan);
  PrintProjects(out, plan);
  PrintPolicies(out, plan);
  PrintFinance(out, plan);
  PrintGovernance(out, plan);
}

void PrintPlanChange(std::ostream& out, OutputFormat format,
                     absl::string_view verb, const Plan& plan) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(plan);
      return;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<Plan> plans;
      *plans.Add() = plan;
      PlanListTable(format, plans).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      out << verb << " " << plan.name() << ": " << StateText(plan) << ".\n";
      return;
  }
}

void PrintRevisions(std::ostream& out, OutputFormat format,
                    const itp::v1::ListPlanRevisionsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.revisions().empty()) {
    out << "No submitted revisions.\n";
    return;
  }
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"REVISION", "revision", Table::kRight},
               {"SUBMITTED", "create_time"},
               {"TITLE", "display_name"},
               {"NAME", "name"}});
  for (const auto& r : response.revisions()) {
    table.AddRow(
        {absl::StrCat(r.revision()),
         csv ? FormatRfc3339(r.create_time()) : FormatTime(r.create_time()),
         r.plan().display_name(), r.name()});
  }
  table.Print(out, format);
}

void PrintPlanDiff(std::ostream& out, OutputFormat format,
                   const itp::v1::ComparePlanRevisionsResponse& diff) {
  if (format == OutputFormat::kJson) {
    google::protobuf::Struct document;
    auto& fields = *document.mutable_fields();
    fields["from"].set_string_value(diff.from_revision());
    fields["to"].set_string_value(diff.to_revision());
    auto* list = fields["changes"].mutable_list_value();
    for (const itp::v1::FieldChange& c : diff.changes()) {
      auto& change =
          *list->add_values()->mutable_struct_value()->mutable_fields();
      change["path"].set_string_value(c.path());
      change["old"].set_string_value(c.old_value());
      change["new"].set_string_value(c.new_value());
    }
    out << ToJson(document);
    return;
  }
  const int from = RevisionNumberOf(diff.from_revision());
  const int to = RevisionNumberOf(diff.to_revision());
  Table table = FieldChangeTable(format, absl::StrCat("REVISION ", from),
                                 absl::StrCat("REVISION ", to), diff.changes());
  if (format == OutputFormat::kCsv) {
    table.PrintCsv(out);
    return;
  }
  if (diff.changes().empty()) {
    out << "No content changes between revisions " << from << " and " << to
        << ".\n";
    return;
  }
  const size_t n = diff.changes().size();
  out << n << (n == 1 ? " field" : " fields") << " changed from revision "
      << from << " to " << to << ":\n";
  table.PrintAligned(out, "  ");
}

}  // namespace itp::client
