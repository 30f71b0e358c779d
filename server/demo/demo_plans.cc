#include "server/demo/demo_plans.h"

#include "server/domain/investment.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "server/benchmark/progress.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_validation.h"
#include "server/domain/progress_validation.h"
#include "server/domain/resource_names.h"

namespace itp::demo {
namespace {

struct Source {
  const char* country;
  const char* plan_id;
  bool submit;
  const char* json;
};

// Figures: worldsteel 2024 production, USGS 2023 cement, India's 2.54 t CO2/t
// steel intensity (2022) and its 2.2 aim for 2030, India's net zero by 2070
// (see the domain brief, section 4).
constexpr Source kSources[] = {
    {"IND", "steel-2070", true, R"json({
  "display_name": "India green steel roadmap",
  "summary": "Crude steel towards net zero by 2070",
  "submitting_body": "Ministry of Steel, Government of India",
  "sectors": [{"sector": "IRON_AND_STEEL",
    "intensity_unit": "tCO2/t crude steel", "scope_boundary": "SCOPE_1_AND_2",
    "base_year": 2020, "points": [
      {"year": 2020, "production_mt": 100.3, "intensity_tco2_per_t": 2.54},
      {"year": 2030, "production_mt": 255.0, "intensity_tco2_per_t": 2.2,
       "technology_shares": [{"indicator": "SCRAP_SHARE", "share_percent": 25}]},
      {"year": 2050, "production_mt": 400.0, "intensity_tco2_per_t": 1.0},
      {"year": 2070, "production_mt": 450.0, "intensity_tco2_per_t": 0.1}]}],
  "targets": [
    {"type": "NET_ZERO", "target_year": 2070, "conditional": false,
     "legal_status": "POLICY_DOCUMENT"},
    {"type": "FIXED_LEVEL", "sector": "IRON_AND_STEEL", "target_year": 2030,
     "target_value": 2.2, "coverage": "Crude steel, scope 1 and 2"}],
  "projects": [
    {"name": "Hydrogen DRI demonstration plant", "sector": "IRON_AND_STEEL",
     "technology": "HYDROGEN_DRI", "scale": "DEMONSTRATION",
     "capacity_mtpa": 0.5, "capex_usd": 600000000, "start_year": 2027,
     "status": "ANNOUNCED"}],
  "policies": [
    {"type": "STANDARD_OR_TAXONOMY", "name": "Green Steel Taxonomy",
     "description": "Steel below 2.2 tCO2e/t is classed as green.",
     "status": "ADOPTED", "start_year": 2024}],
  "finance": {"total_need_usd": 280000000000, "domestic_usd": 200000000000,
              "international_usd": 80000000000, "conditional_usd": 60000000000,
              "period": "2025-2070"},
  "governance": {"lead_institution": "Ministry of Steel",
                 "reporting_cadence": "ANNUAL"}})json"},
    {"IND", "cement-2070", true, R"json({
  "display_name": "India cement decarbonisation pathway",
  "summary": "Clinker substitution, alternative fuels and CCUS for 410 Mt of cement",
  "submitting_body": "Department for Promotion of Industry and Internal Trade",
  "sectors": [{"sector": "CEMENT",
    "intensity_unit": "tCO2/t cementitious product", "scope_boundary": "SCOPE_1",
    "base_year": 2023, "points": [
      {"year": 2023, "production_mt": 410.0, "intensity_tco2_per_t": 0.56,
       "emissions_mtco2": 229.6},
      {"year": 2030, "production_mt": 560.0, "intensity_tco2_per_t": 0.50},
      {"year": 2050, "production_mt": 800.0, "intensity_tco2_per_t": 0.30},
      {"year": 2070, "production_mt": 850.0, "intensity_tco2_per_t": 0.05}]}],
  "targets": [{"type": "NET_ZERO", "sector": "CEMENT", "target_year": 2070}]})json"},
    {"IDN", "cement-2060", true, R"json({
  "display_name": "Indonesia cement roadmap to 2060",
  "summary": "Lower clinker ratio and co-processing of biomass in 62 Mt of cement",
  "submitting_body": "Ministry of Industry, Republic of Indonesia",
  "sectors": [{"sector": "CEMENT",
    "intensity_unit": "tCO2/t cementitious product", "scope_boundary": "SCOPE_1",
    "base_year": 2023, "points": [
      {"year": 2023, "production_mt": 62.0, "intensity_tco2_per_t": 0.62,
       "technology_shares": [{"indicator": "CLINKER_RATIO", "share_percent": 78}]},
      {"year": 2030, "production_mt": 70.0, "intensity_tco2_per_t": 0.55},
      {"year": 2040, "production_mt": 78.0, "intensity_tco2_per_t": 0.40},
      {"year": 2060, "production_mt": 85.0, "intensity_tco2_per_t": 0.08}]}],
  "targets": [{"type": "NET_ZERO", "target_year": 2060, "conditional": true}]})json"},
    {"VNM", "cement-2050", true, R"json({
  "display_name": "Viet Nam cement transition plan",
  "summary": "110 Mt of cement with calcined clay and waste heat recovery",
  "submitting_body": "Ministry of Construction, Viet Nam",
  "sectors": [{"sector": "CEMENT", "intensity_unit": "tCO2/t cementitious product",
    "scope_boundary": "SCOPE_1", "base_year": 2023, "points": [
      {"year": 2023, "production_mt": 110.0, "intensity_tco2_per_t": 0.64},
      {"year": 2030, "production_mt": 115.0, "intensity_tco2_per_t": 0.52},
      {"year": 2050, "production_mt": 120.0, "intensity_tco2_per_t": 0.10}]}],
  "projects": [{"name": "Calcined clay cement line", "technology": "CALCINED_CLAY",
    "scale": "PILOT", "status": "UNDER_CONSTRUCTION", "capacity_mtpa": 1.0,
    "start_year": 2026, "conditional": true}],
  "targets": [{"type": "NET_ZERO", "target_year": 2050, "conditional": true}]})json"},
    {"BRA", "steel-2050", false, R"json({
  "display_name": "Brazil low-carbon steel plan",
  "summary": "33.7 Mt of crude steel with charcoal, scrap and green hydrogen",
  "submitting_body": "Ministry of Development, Industry, Trade and Services",
  "sectors": [{"sector": "IRON_AND_STEEL", "intensity_unit": "tCO2/t crude steel",
    "scope_boundary": "SCOPE_1_AND_2", "base_year": 2024, "points": [
      {"year": 2024, "production_mt": 33.7, "intensity_tco2_per_t": 1.70},
      {"year": 2030, "production_mt": 38.0, "intensity_tco2_per_t": 1.40},
      {"year": 2050, "production_mt": 45.0, "intensity_tco2_per_t": 0.30}]}]})json"},
    {"ZAF", "steel-2050", false, R"json({
  "display_name": "South Africa steel just transition plan",
  "summary": "Draft: coal-based blast furnaces to gas and hydrogen DRI",
  "submitting_body": "Department of Trade, Industry and Competition",
  "sectors": [{"sector": "IRON_AND_STEEL", "intensity_unit": "tCO2/t crude steel",
    "scope_boundary": "SCOPE_1_AND_2", "base_year": 2022, "points": [
      {"year": 2022, "production_mt": 4.9, "intensity_tco2_per_t": 2.40},
      {"year": 2035, "production_mt": 6.0, "intensity_tco2_per_t": 1.60},
      {"year": 2050, "production_mt": 7.5, "intensity_tco2_per_t": 0.40}]}],
  "governance": {"lead_institution": "Presidential Climate Commission",
    "just_transition_measures": "Reskilling for workers of coal-based plants"}})json"},
};

struct ProgressSource {
  const char* plan;
  int reporting_year;
  const char* json;
};

// India: worldsteel production (125.3 Mt in 2022, 140.8 in 2023) and the
// brief's intensity of about 2.5 t CO2/t, against a plan of 2.438 in 2023.
// Viet Nam: intensity rising while the plan falls (about 10.6 % above it in
// 2025). Indonesia: clinker substitution ahead of its plan.
constexpr ProgressSource kProgressSources[] = {
    {"countries/IND/plans/steel-2070", 2023, R"json({
  "sectors": [{"sector": "IRON_AND_STEEL", "points": [
    {"year": 2022, "production_mt": 125.3, "intensity_tco2_per_t": 2.52},
    {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49}]}],
  "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
    "status": "ANNOUNCED", "capital_spent_usd": 40000000,
    "note": "Site selected; electrolyser tender under way."}],
  "policy_updates": [{"policy_name": "Green Steel Taxonomy",
    "status": "ADOPTED"}],
  "narrative": "Crude steel output grew 12 % in 2023; intensity fell 1.2 %, slower than the plan.",
  "sources": ["https://worldsteel.org/data/world-steel-in-figures-2024/"]})json"},
    {"countries/VNM/plans/cement-2050", 2025, R"json({
  "sectors": [{"sector": "CEMENT", "points": [
    {"year": 2024, "production_mt": 112.0, "intensity_tco2_per_t": 0.66},
    {"year": 2025, "production_mt": 114.0, "intensity_tco2_per_t": 0.67}]}],
  "project_updates": [{"project_name": "Calcined clay cement line",
    "status": "DELAYED", "capital_spent_usd": 25000000,
    "note": "Kiln commissioning moved to 2027."}],
  "narrative": "Clinker ratio unchanged; more output from older kilns."})json"},
    {"countries/IDN/plans/cement-2060", 2025, R"json({
  "sectors": [{"sector": "CEMENT", "points": [
    {"year": 2024, "production_mt": 63.5, "intensity_tco2_per_t": 0.605},
    {"year": 2025, "production_mt": 64.8, "intensity_tco2_per_t": 0.59}]}],
  "narrative": "Clinker ratio down to 74 % with co-processing of biomass."})json"},
};

// Files and publishes the demo report of `plan` (content of its revision),
// if there is one.
absl::Status SeedProgress(storage::ProgressStore& progress,
                          const itp::v1::Plan& plan,
                          const std::vector<DemoProgressReport>& reports) {
  for (const DemoProgressReport& demo : reports) {
    if (demo.plan != plan.name()) continue;
    domain::FieldViolations violations;
    domain::ValidateProgressReportContent(
        demo.report, plan, demo.reporting_year, "progress_report", &violations);
    if (!violations.empty()) {
      return absl::InternalError(
          absl::StrCat("Demo progress report of ", plan.name(),
                       " is invalid: ", violations.ToStatus().message()));
    }
    storage::WriteContext ctx;
    ctx.method = "itp-server/demo";
    const std::string revision =
        absl::StrCat(plan.name(), "/revisions/", plan.revision());
    auto created = progress.CreateReport(
        ctx, plan.name(), demo.reporting_year, false,
        [&](const itp::v1::Plan&, const itp::v1::ProgressReport*) {
          itp::v1::ProgressReport report;
          domain::CopyReportContent(demo.report, &report);
          report.set_plan_revision(revision);
          return absl::StatusOr<itp::v1::ProgressReport>(report);
        });
    if (!created.ok()) return created.status();
    auto published = progress.PublishReport(
        ctx, created->name(),
        [](itp::v1::ProgressReport&, int64_t) { return absl::OkStatus(); },
        [&plan](const itp::v1::ProgressReport& report) -> absl::StatusOr<int> {
          return benchmark::AssessProgress(plan, report, {},
                                           benchmark::ProgressOptions())
              .status();
        });
    if (!published.ok()) return published.status();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<DemoProgressReport>> DemoProgressReports() {
  std::vector<DemoProgressReport> reports;
  for (const ProgressSource& source : kProgressSources) {
    DemoProgressReport demo;
    demo.plan = source.plan;
    demo.reporting_year = source.reporting_year;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(source.json, &demo.report);
    if (!parsed.ok()) {
      return absl::InternalError(
          absl::StrCat("Demo progress report of ", demo.plan,
                       " does not parse: ", parsed.ToString()));
    }
    reports.push_back(std::move(demo));
  }
  return reports;
}

absl::StatusOr<std::vector<DemoPlan>> DemoPlans() {
  std::vector<DemoPlan> plans;
  for (const Source& source : kSources) {
    DemoPlan demo;
    demo.parent = absl::StrCat("countries/", source.country);
    demo.plan_id = source.plan_id;
    demo.submit = source.submit;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(source.json, &demo.plan);
    if (!parsed.ok()) {
      return absl::InternalError(
          absl::StrCat("Demo plan ", demo.parent, "/", demo.plan_id,
                       " does not parse: ", parsed.ToString()));
    }
    plans.push_back(std::move(demo));
  }
  return plans;
}

absl::StatusOr<int> SeedDemoPlans(storage::PlanStore& store,
                                  storage::ProgressStore* progress) {
  auto demos = DemoPlans();
  if (!demos.ok()) return demos.status();
  auto reports = DemoProgressReports();
  if (!reports.ok()) return reports.status();
  int added = 0;
  for (DemoPlan& demo : *demos) {
    std::string name = absl::StrCat(demo.parent, "/plans/", demo.plan_id);
    auto existing = store.GetPlan(name);
    if (existing.ok()) continue;
    if (!absl::IsNotFound(existing.status())) return existing.status();
    domain::FieldViolations violations;
    domain::ValidatePlanContent(demo.plan, "plan", &violations);
    if (!violations.empty()) {
      return absl::InternalError(
          absl::StrCat("Demo plan ", name,
                       " is invalid: ", violations.ToStatus().message()));
    }
    domain::AssignProjectIds(nullptr, demo.plan);
    demo.plan.set_name(name);
    storage::WriteContext ctx;
    ctx.method = "itp-server/demo";
    auto created = store.CreatePlan(ctx, demo.plan);
    if (!created.ok()) return created.status();
    if (demo.submit) {
      auto submitted =
          store.MutatePlan(ctx, name, [](itp::v1::Plan& plan, int64_t now) {
            return domain::ApplyAction(plan, domain::PlanAction::kSubmit, "",
                                       now);
          });
      if (!submitted.ok()) return submitted.status();
      if (progress != nullptr) {
        absl::Status s = SeedProgress(*progress, *submitted, *reports);
        if (!s.ok()) return s;
      }
    }
    ++added;
  }
  return added;
}

}  // namespace itp::demo
