#include "server/benchmark/progress.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "server/benchmark/engine.h"
#include "tests/testing/test_plans.h"

namespace itp::benchmark {
namespace {

using ::itp::v1::ActualAlignment;
using ::itp::v1::MetricProgress;
using ::itp::v1::Pathway;
using ::itp::v1::Plan;
using ::itp::v1::PlanProgress;
using ::itp::v1::ProgressProjection;
using ::itp::v1::ProgressReport;
using ::itp::v1::ReportingRecord;
using ::itp::v1::SectorPathway;
using ::itp::v1::SectorProgress;
using ::itp::v1::TechnologyProgress;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Expected values below were worked out apart from the engine with python3,
// one line per figure in the comment next to each assertion, e.g.
//
//   def lerp(a, b, f): return a + (b - a) * f
//   P = lerp(2.54, 2.2, 4 / 10)            # 2.404
//   dev = (2.47 - P) / P                   # 0.027454242928452697
//   r_obs = (2.47 / 2.54) ** (1 / 4) - 1   # -0.006962133865093034
//
// Outputs are quoted with repr() precision; exact values are compared at
// 1e-12 (intensities, rates) or 1e-9 (Mt CO2).
constexpr double kExact = 1e-12;
constexpr double kExactMt = 1e-9;

template <typename T>
T FromJson(const std::string& json) {
  T message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return message;
}

// ---------------------------------------------------------------------------
// Reference pathways of the domain brief (section 3).

Pathway MakePathway(const std::string& name, itp::v1::Sector sector,
                    const std::string& scenario, int rank,
                    const std::string& family,
                    const std::vector<std::pair<int, double>>& points) {
  Pathway p;
  p.set_name(name);
  p.set_display_name(scenario + " (" + family + ")");
  p.set_sector(sector);
  p.set_scenario(scenario);
  p.set_stringency_rank(rank);
  p.set_family(family);
  for (const auto& [year, value] : points) {
    auto* pt = p.add_points();
    pt->set_year(year);
    pt->set_intensity_tco2_per_t(value);
  }
  return p;
}

Pathway Tpi(const std::string& name, itp::v1::Sector sector,
            const std::string& scenario, int rank,
            const std::vector<double>& values) {
  static constexpr int kYears[] = {2019, 2020, 2025, 2030, 2035, 2040, 2050};
  std::vector<std::pair<int, double>> points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.emplace_back(kYears[i], values[i]);
  }
  return MakePathway(name, sector, scenario, rank, "TPI 2022", points);
}

// TPI steel and cement benchmarks (2022 release), the IEA NZE steel pathway
// and, as a pathway of another family, the IEA NZE cement one.
std::vector<Pathway> ReferencePathways() {
  using itp::v1::CEMENT;
  using itp::v1::IRON_AND_STEEL;
  return {
      // Given first to show that labels follow family name order.
      Tpi("pathways/tpi-steel-2022-national-pledges", IRON_AND_STEEL,
          "National Pledges", 3,
          {1.662, 1.659, 1.645, 1.632, 1.546, 1.460, 1.270}),
      Tpi("pathways/tpi-steel-2022-1p5c", IRON_AND_STEEL, "1.5 Degrees", 1,
          {1.662, 1.613, 1.371, 1.129, 0.796, 0.463, 0.052}),
      Tpi("pathways/tpi-steel-2022-below-2c", IRON_AND_STEEL, "Below 2 Degrees",
          2, {1.662, 1.646, 1.567, 1.488, 1.211, 0.935, 0.516}),
      MakePathway("pathways/iea-nze-steel-2022", IRON_AND_STEEL,
                  "Net Zero Emissions by 2050", 1, "IEA NZE 2022",
                  {{2020, 1.90}, {2030, 0.92}, {2040, 0.43}, {2050, 0.11}}),
      Tpi("pathways/tpi-cement-2022-1p5c", CEMENT, "1.5 Degrees", 1,
          {0.545, 0.545, 0.482, 0.419, 0.313, 0.207, 0.031}),
      Tpi("pathways/tpi-cement-2022-below-2c", CEMENT, "Below 2 Degrees", 2,
          {0.545, 0.545, 0.546, 0.547, 0.449, 0.351, 0.171}),
      Tpi("pathways/tpi-cement-2022-national-pledges", CEMENT,
          "National Pledges", 3,
          {0.545, 0.545, 0.558, 0.570, 0.548, 0.527, 0.494}),
  };
}

// ---------------------------------------------------------------------------
// Plans and reports.

// The demo plan (server/demo/demo_plans.cc): 2020 100.3 Mt at 2.54, 2030
// 255 Mt at 2.2, 2050 400 Mt at 1.0, 2070 450 Mt at 0.1; a hydrogen DRI
// demonstration plant (0.5 Mt/yr, USD 600 million, 2027, announced).
Plan IndiaSteelPlan() { return itp::testing::IndiaSteelPlan(); }

// India's report for 2024: worldsteel's 125.3, 140.8 and 149.6 Mt of crude
// steel for 2022-2024 at a slowly falling intensity.
constexpr char kIndiaReport2024[] = R"json({
  "name": "countries/IND/plans/steel-2070/progressReports/2024",
  "reporting_year": 2024, "version": 1, "state": "PUBLISHED",
  "plan_revision": "countries/IND/plans/steel-2070/revisions/1",
  "sectors": [{"sector": "IRON_AND_STEEL", "points": [
    {"year": 2022, "production_mt": 125.3, "intensity_tco2_per_t": 2.52},
    {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49},
    {"year": 2024, "production_mt": 149.6, "intensity_tco2_per_t": 2.47}]}],
  "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
    "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 150000000}]})json";

ProgressReport IndiaReport2024() {
  return FromJson<ProgressReport>(kIndiaReport2024);
}

// A report for `year` with the given steel points (JSON array body).
ProgressReport SteelReport(int year, const std::string& points) {
  return FromJson<ProgressReport>(
      "{\"reporting_year\": " + std::to_string(year) +
      ", \"state\": \"PUBLISHED\", \"sectors\": [{\"sector\": "
      "\"IRON_AND_STEEL\", \"points\": [" +
      points + "]}]}");
}

PlanProgress Assess(const Plan& plan, const ProgressReport& report,
                    const ProgressOptions& options = ProgressOptions()) {
  return AssessProgress(plan, report, ReferencePathways(), options);
}

struct AlignmentRow {
  std::string family;
  int year;
  std::string label;
  std::string pathway;
  bool operator==(const AlignmentRow& o) const {
    return family == o.family && year == o.year && label == o.label &&
           pathway == o.pathway;
  }
  friend std::ostream& operator<<(std::ostream& os, const AlignmentRow& r) {
    return os << "{" << r.family << ", " << r.year << ", " << r.label << ", "
              << r.pathway << "}";
  }
};

std::vector<AlignmentRow> AlignmentsOf(const SectorProgress& sector) {
  std::vector<AlignmentRow> rows;
  for (const ActualAlignment& a : sector.alignments()) {
    rows.push_back({a.family(), a.year(), a.label(), a.pathway()});
  }
  return rows;
}

// True when no double of `metric` is NaN or infinite.
bool AllFinite(const MetricProgress& metric) {
  std::vector<double> values = {
      metric.base_value(),   metric.actual(),        metric.planned(),
      metric.deviation(),    metric.observed_rate(), metric.milestone_value(),
      metric.required_rate()};
  for (const ProgressProjection& p : metric.projections()) {
    values.push_back(p.projected());
    values.push_back(p.planned());
  }
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// The India steel case: 2.7 % above the plan in 2024.

TEST(ProgressTest, IndiaSteel2024NeedsMoreEffort) {
  PlanProgress progress = Assess(IndiaSteelPlan(), IndiaReport2024());
  EXPECT_EQ(progress.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(progress.method_version(), "itp-progress/1.0");
  EXPECT_EQ(progress.tolerance(), 0.02);
  EXPECT_EQ(progress.threshold(), 0.10);
  EXPECT_EQ(progress.pace_margin(), 0.01);
  // Left to the caller.
  EXPECT_EQ(progress.plan(), "");
  EXPECT_EQ(progress.progress_report(), "");
  EXPECT_EQ(progress.reporting_year(), 0);
  EXPECT_FALSE(progress.has_reporting());
  EXPECT_FALSE(progress.has_assess_time());

  ASSERT_THAT(progress.sectors(), SizeIs(1));
  const SectorProgress& steel = progress.sectors(0);
  EXPECT_EQ(steel.sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_EQ(steel.status(), itp::v1::MORE_EFFORT_NEEDED);
  const MetricProgress& m = steel.intensity();
  EXPECT_EQ(m.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(m.base_year(), 2020);
  // No actual for 2020: P(2020) = 2.54, from the plan.
  EXPECT_EQ(m.base_value(), 2.54);
  EXPECT_TRUE(m.base_from_plan());
  EXPECT_EQ(m.latest_year(), 2024);
  EXPECT_EQ(m.actual(), 2.47);
  // P(2024) = 2.54 + (2.2 - 2.54) * 4/10 = 2.404
  EXPECT_NEAR(m.planned(), 2.404, kExact);
  // dev = (2.47 - 2.404) / 2.404 = 0.027454242928452697
  EXPECT_NEAR(m.deviation(), 0.027454242928452697, kExact);
  // r_obs = (2.47 / 2.54) ** (1/4) - 1 = -0.006962133865093034
  EXPECT_NEAR(m.observed_rate(), -0.006962133865093034, kExact);
  // m = 2030 (first plan year after 2024), P(m) = 2.2
  EXPECT_EQ(m.milestone_year(), 2030);
  EXPECT_EQ(m.milestone_value(), 2.2);
  // r_req = (2.2 / 2.47) ** (1/6) - 1 = -0.019108537357505062
  EXPECT_NEAR(m.required_rate(), -0.019108537357505062, kExact);
  // Projections at 2030 and the plan's last year, 2070:
  // 2.47 * (1 + r_obs) ** 6 = 2.3686004541762267, P(2030) = 2.2
  // 2.47 * (1 + r_obs) ** 46 = 1.7911179019537433, P(2070) = 0.1
  ASSERT_THAT(m.projections(), SizeIs(2));
  EXPECT_EQ(m.projections(0).year(), 2030);
  EXPECT_NEAR(m.projections(0).projected(), 2.3686004541762267, kExact);
  EXPECT_EQ(m.projections(0).planned(), 2.2);
  EXPECT_EQ(m.projections(1).year(), 2070);
  EXPECT_NEAR(m.projections(1).projected(), 1.7911179019537433, kExact);
  EXPECT_EQ(m.projections(1).planned(), 0.1);
  EXPECT_THAT(m.message(),
              HasSubstr("Actual 2.470 t CO2/t in 2024 is 2.7 % above the "
                        "plan's 2.404, more than the 2 % tolerance"));
  EXPECT_THAT(m.message(),
              HasSubstr("reaching 2.200 in 2030 needs -1.9 % a year against "
                        "-0.7 % observed"));
}

TEST(ProgressTest, IndiaSteel2024IsNotAlignedWithAnyPathway) {
  // A(2024) = 2.47 against the 2024 values:
  //   IEA NZE   1.90 + (0.92 - 1.90) * 4/10 = 1.508
  //   TPI 1.5   1.613 + (1.371 - 1.613) * 4/5 = 1.4194
  //   TPI B2    1.646 + (1.567 - 1.646) * 4/5 = 1.5828
  //   TPI NP    1.659 + (1.645 - 1.659) * 4/5 = 1.6478
  // 2.47 is above all of them; families in name order.
  PlanProgress progress = Assess(IndiaSteelPlan(), IndiaReport2024());
  EXPECT_THAT(AlignmentsOf(progress.sectors(0)),
              ElementsAre(AlignmentRow{"IEA NZE 2022", 2024, kNotAligned, ""},
                          AlignmentRow{"TPI 2022", 2024, kNotAligned, ""}));
}

TEST(ProgressTest, EmissionsFromProductionTimesIntensityNeedMoreEffort) {
  // E = production x intensity. Plan: 2020 100.3 * 2.54 = 254.762,
  // 2030 255 * 2.2 = 561.0, 2050 400.0, 2070 450 * 0.1 = 45.0.
  // Actual 2024: 149.6 * 2.47 = 369.512.
  PlanProgress progress = Assess(IndiaSteelPlan(), IndiaReport2024());
  const SectorProgress& steel = progress.sectors(0);
  ASSERT_TRUE(steel.has_emissions());
  const MetricProgress& e = steel.emissions();
  EXPECT_EQ(e.latest_year(), 2024);
  EXPECT_NEAR(e.actual(), 369.512, kExactMt);
  EXPECT_NEAR(e.base_value(), 254.762, kExactMt);
  EXPECT_TRUE(e.base_from_plan());
  // P(2024) = 254.762 + (561 - 254.762) * 4/10 = 377.2572
  EXPECT_NEAR(e.planned(), 377.2572, kExactMt);
  // dev = (369.512 - 377.2572) / 377.2572 = -0.020530290740640632
  EXPECT_NEAR(e.deviation(), -0.020530290740640632, kExact);
  // r_obs = (369.512 / 254.762) ** (1/4) - 1 = 0.09742152505667101
  EXPECT_NEAR(e.observed_rate(), 0.09742152505667101, kExact);
  // r_req = (561 / 369.512) ** (1/6) - 1 = 0.0720681301680941; it is below
  // r_obs - 0.01 = 0.0874: emissions grow faster than the plan allows.
  EXPECT_EQ(e.milestone_year(), 2030);
  EXPECT_NEAR(e.milestone_value(), 561.0, kExactMt);
  EXPECT_NEAR(e.required_rate(), 0.0720681301680941, kExact);
  EXPECT_EQ(e.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_THAT(e.message(), HasSubstr("within the 2 % tolerance, but"));
  // 369.512 * (1 + r_obs) ** 6 = 645.4600874944321 (plan 561)
  // 369.512 * (1 + r_obs) ** 46 = 26595.512519736767 (plan 45)
  ASSERT_THAT(e.projections(), SizeIs(2));
  EXPECT_NEAR(e.projections(0).projected(), 645.4600874944321, 1e-9);
  EXPECT_NEAR(e.projections(0).planned(), 561.0, kExactMt);
  EXPECT_NEAR(e.projections(1).projected(), 26595.512519736767, 1e-7);
  EXPECT_NEAR(e.projections(1).planned(), 45.0, kExactMt);
  // The sector follows intensity, which is assessed.
  EXPECT_EQ(steel.status(), itp::v1::MORE_EFFORT_NEEDED);
}

TEST(ProgressTest, ReportedProjectIsCountedPerTechnology) {
  PlanProgress progress = Assess(IndiaSteelPlan(), IndiaReport2024());
  ASSERT_THAT(progress.technologies(), SizeIs(1));
  const TechnologyProgress& h2 = progress.technologies(0);
  EXPECT_EQ(h2.technology(), itp::v1::Project::HYDROGEN_DRI);
  EXPECT_EQ(h2.projects(), 1);
  // Under construction, due 2027 (after the reporting year 2024).
  EXPECT_EQ(h2.not_yet_due(), 1);
  EXPECT_EQ(h2.delayed(), 0);
  EXPECT_EQ(h2.not_reported(), 0);
  EXPECT_EQ(h2.planned_capacity_mtpa(), 0.5);
  EXPECT_EQ(h2.planned_capital_usd(), 6e8);
  EXPECT_EQ(h2.operating_capacity_mtpa(), 0);
  EXPECT_EQ(h2.capital_spent_usd(), 1.5e8);
}

// ---------------------------------------------------------------------------
// Statuses.

TEST(ProgressTest, OnPlanAtAHoldingPaceIsOnTrack) {
  // A(2024) = 2.40: dev = (2.40 - 2.404) / 2.404 = -0.0016638935108153094;
  // r_obs = (2.40 / 2.54) ** (1/4) - 1 = -0.014073860011561634;
  // r_req = (2.2 / 2.40) ** (1/6) - 1 = -0.014397250134766781, not below
  // r_obs - 0.01 = -0.024: on track.
  PlanProgress progress =
      Assess(IndiaSteelPlan(),
             SteelReport(2024, R"({"year": 2024, "production_mt": 149.6,
                            "intensity_tco2_per_t": 2.40})"));
  const MetricProgress& m = progress.sectors(0).intensity();
  EXPECT_EQ(m.status(), itp::v1::ON_TRACK);
  EXPECT_NEAR(m.deviation(), -0.0016638935108153094, kExact);
  EXPECT_NEAR(m.observed_rate(), -0.014073860011561634, kExact);
  EXPECT_NEAR(m.required_rate(), -0.014397250134766781, kExact);
  EXPECT_THAT(m.message(), HasSubstr("is 0.2 % below the plan's 2.404, "
                                     "within the 2 % tolerance"));
  EXPECT_EQ(progress.status(), itp::v1::ON_TRACK);
}

// Viet Nam cement (110 Mt in 2023, USGS) under a plan that promised fast
// clinker substitution: 0.68 t CO2/t in 2020, 0.55 in 2025, 0.50 in 2030,
// 0.15 in 2050.
Plan VietNamCementPlan() {
  return FromJson<Plan>(R"json({
  "display_name": "Viet Nam cement transition plan",
  "sectors": [{"sector": "CEMENT", "base_year": 2020, "points": [
    {"year": 2020, "production_mt": 101.0, "intensity_tco2_per_t": 0.68},
    {"year": 2025, "production_mt": 115.0, "intensity_tco2_per_t": 0.55},
    {"year": 2030, "production_mt": 120.0, "intensity_tco2_per_t": 0.50},
    {"year": 2050, "intensity_tco2_per_t": 0.15}]}]})json");
}

TEST(ProgressTest, FarAbovePlanIsNotOnTrack) {
  ProgressReport report = FromJson<ProgressReport>(R"json({
    "reporting_year": 2024, "sectors": [{"sector": "CEMENT", "points": [
      {"year": 2023, "intensity_tco2_per_t": 0.675},
      {"year": 2024, "intensity_tco2_per_t": 0.67}]}]})json");
  PlanProgress progress = Assess(VietNamCementPlan(), report);
  const SectorProgress& cement = progress.sectors(0);
  const MetricProgress& m = cement.intensity();
  // P(2024) = 0.68 + (0.55 - 0.68) * 4/5 = 0.5760000000000001
  EXPECT_NEAR(m.planned(), 0.576, kExact);
  // dev = (0.67 - 0.576) / 0.576 = 0.16319444444444436 > 0.10
  EXPECT_NEAR(m.deviation(), 0.16319444444444436, kExact);
  EXPECT_EQ(m.status(), itp::v1::NOT_ON_TRACK);
  EXPECT_THAT(m.message(), HasSubstr("Actual 0.670 t CO2/t in 2024 is 16.3 % "
                                     "above the plan's 0.576, more than the "
                                     "10 % threshold"));
  // r_obs = (0.67 / 0.68) ** (1/4) - 1 = -0.0036969209449955187
  // m = 2025: r_req = 0.55 / 0.67 - 1 = -0.17910447761194026
  EXPECT_NEAR(m.observed_rate(), -0.0036969209449955187, kExact);
  EXPECT_EQ(m.milestone_year(), 2025);
  EXPECT_NEAR(m.required_rate(), -0.17910447761194026, kExact);
  // 0.67 * (1 + r_obs) ** 6 = 0.655275058224484 (plan 0.50)
  // 0.67 * (1 + r_obs) ** 26 = 0.6084894988130307 (plan 0.15)
  ASSERT_THAT(m.projections(), SizeIs(2));
  EXPECT_EQ(m.projections(0).year(), 2030);
  EXPECT_NEAR(m.projections(0).projected(), 0.655275058224484, kExact);
  EXPECT_EQ(m.projections(1).year(), 2050);
  EXPECT_NEAR(m.projections(1).projected(), 0.6084894988130307, kExact);
  EXPECT_EQ(m.projections(1).planned(), 0.15);
  // No production reported: no emissions metric.
  EXPECT_FALSE(cement.has_emissions());
  // TPI cement 2024: 1.5 0.4946, B2 0.5458, NP 0.5554; 0.67 meets none.
  EXPECT_THAT(AlignmentsOf(cement),
              ElementsAre(AlignmentRow{"TPI 2022", 2024, kNotAligned, ""}));
  EXPECT_EQ(progress.status(), itp::v1::NOT_ON_TRACK);
}

// Viet Nam steel (19.9 Mt in 2020, 22.1 Mt in 2024, worldsteel) under a plan
// that holds intensity until 2024 and then cuts it steeply to 2030.
Plan VietNamSteelPlan() {
  return FromJson<Plan>(R"json({
  "display_name": "Viet Nam steel transition plan",
  "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2020, "points": [
    {"year": 2020, "production_mt": 19.9, "intensity_tco2_per_t": 2.10},
    {"year": 2024, "production_mt": 22.1, "intensity_tco2_per_t": 2.05},
    {"year": 2030, "production_mt": 28.0, "intensity_tco2_per_t": 1.60},
    {"year": 2050, "production_mt": 40.0, "intensity_tco2_per_t": 0.40}]}]})json");
}

TEST(ProgressTest, OnPlanButTooSlowNeedsMoreEffort) {
  PlanProgress progress =
      Assess(VietNamSteelPlan(),
             SteelReport(2024, R"({"year": 2020, "production_mt": 19.9,
                            "intensity_tco2_per_t": 2.10},
                           {"year": 2024, "production_mt": 22.1,
                            "intensity_tco2_per_t": 2.05})"));
  const MetricProgress& m = progress.sectors(0).intensity();
  // dev = (2.05 - 2.05) / 2.05 = 0
  EXPECT_EQ(m.deviation(), 0);
  // An actual for t0: the base is A(2020) = 2.10.
  EXPECT_EQ(m.base_value(), 2.10);
  EXPECT_FALSE(m.base_from_plan());
  // r_obs = (2.05 / 2.10) ** (1/4) - 1 = -0.006006277655963399
  // r_req = (1.60 / 2.05) ** (1/6) - 1 = -0.04046455904531088
  //   < r_obs - 0.01 = -0.016006: the pace must more than treble.
  EXPECT_NEAR(m.observed_rate(), -0.006006277655963399, kExact);
  EXPECT_EQ(m.milestone_year(), 2030);
  EXPECT_NEAR(m.required_rate(), -0.04046455904531088, kExact);
  EXPECT_EQ(m.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_THAT(m.message(),
              HasSubstr("Actual 2.050 t CO2/t in 2024 equals the plan's 2.050, "
                        "within the 2 % tolerance, but reaching 1.600 in 2030 "
                        "needs -4.0 % a year against -0.6 % observed, beyond "
                        "the 1-point pace margin."));
  // 2.05 * (1 + r_obs) ** 6 = 1.9772232585949683
  // 2.05 * (1 + r_obs) ** 26 = 1.7527845729517155
  ASSERT_THAT(m.projections(), SizeIs(2));
  EXPECT_NEAR(m.projections(0).projected(), 1.9772232585949683, kExact);
  EXPECT_NEAR(m.projections(1).projected(), 1.7527845729517155, kExact);
}

TEST(ProgressTest, OptionsChangeTheStatusAndAreReported) {
  // India 2024: dev 0.027454 <= 0.03 but r_req -0.019109 < r_obs - 0.01
  // = -0.016962: more effort (pace); with a 2-point margin, -0.019109 is not
  // below -0.026962: on track.
  ProgressOptions wide;
  wide.tolerance = 0.03;
  PlanProgress pace = Assess(IndiaSteelPlan(), IndiaReport2024(), wide);
  EXPECT_EQ(pace.sectors(0).intensity().status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_THAT(pace.sectors(0).intensity().message(),
              HasSubstr("within the 3 % tolerance, but"));
  wide.pace_margin = 0.02;
  PlanProgress on_track = Assess(IndiaSteelPlan(), IndiaReport2024(), wide);
  EXPECT_EQ(on_track.sectors(0).intensity().status(), itp::v1::ON_TRACK);
  EXPECT_EQ(on_track.tolerance(), 0.03);
  EXPECT_EQ(on_track.pace_margin(), 0.02);
  // dev 0.027454 > threshold 0.025: not on track.
  ProgressOptions strict;
  strict.threshold = 0.025;
  EXPECT_EQ(Assess(IndiaSteelPlan(), IndiaReport2024(), strict).status(),
            itp::v1::NOT_ON_TRACK);
}

// ---------------------------------------------------------------------------
// The plan's years.

// Brazil steel under a short plan: 32.6 Mt at 1.72 in 2019, 31.9 Mt at 1.66
// in 2023 (worldsteel production); the 2024 report is past its end.
Plan BrazilSteelPlan() {
  return FromJson<Plan>(R"json({
  "display_name": "Brazil steel near-term plan",
  "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2019, "points": [
    {"year": 2019, "production_mt": 32.6, "intensity_tco2_per_t": 1.72},
    {"year": 2023, "production_mt": 31.9, "intensity_tco2_per_t": 1.66}]}]})json");
}

TEST(ProgressTest, LatestYearAfterThePlanEndsUsesTheFlatLastValue) {
  PlanProgress progress =
      Assess(BrazilSteelPlan(),
             SteelReport(2024, R"({"year": 2024, "production_mt": 33.7,
                            "intensity_tco2_per_t": 1.64})"));
  const SectorProgress& steel = progress.sectors(0);
  const MetricProgress& m = steel.intensity();
  // P(2024) = P(2023) = 1.66, held flat.
  EXPECT_EQ(m.planned(), 1.66);
  // dev = (1.64 - 1.66) / 1.66 = -0.012048192771084348
  EXPECT_NEAR(m.deviation(), -0.012048192771084348, kExact);
  // No plan year after 2024: no milestone, no required rate, no pace rule.
  EXPECT_EQ(m.milestone_year(), 0);
  EXPECT_FALSE(m.has_milestone_value());
  EXPECT_FALSE(m.has_required_rate());
  EXPECT_EQ(m.status(), itp::v1::ON_TRACK);
  // r_obs = (1.64 / 1.72) ** (1/5) - 1 = -0.009480384889034688 (P(2019))
  EXPECT_TRUE(m.base_from_plan());
  EXPECT_NEAR(m.observed_rate(), -0.009480384889034688, kExact);
  // Only 2030 (the plan's last year, 2023, is not after 2024):
  // 1.64 * (1 + r_obs) ** 6 = 1.5488962539549136, P(2030) = 1.66 (flat)
  ASSERT_THAT(m.projections(), SizeIs(1));
  EXPECT_EQ(m.projections(0).year(), 2030);
  EXPECT_NEAR(m.projections(0).projected(), 1.5488962539549136, kExact);
  EXPECT_EQ(m.projections(0).planned(), 1.66);

  // Emissions: 33.7 * 1.64 = 55.268 against P = 31.9 * 1.66 = 52.954 (flat):
  // dev = (55.268 - 52.954) / 52.954 = 0.04369830418854114
  // r_obs = (55.268 / (32.6 * 1.72 = 56.072)) ** (1/5) - 1
  //       = -0.0028843322983614916
  ASSERT_TRUE(steel.has_emissions());
  EXPECT_NEAR(steel.emissions().planned(), 52.954, kExactMt);
  EXPECT_NEAR(steel.emissions().deviation(), 0.04369830418854114, kExact);
  EXPECT_NEAR(steel.emissions().observed_rate(), -0.0028843322983614916,
              kExact);
  EXPECT_EQ(steel.emissions().status(), itp::v1::MORE_EFFORT_NEEDED);
  // The sector status is the intensity one.
  EXPECT_EQ(steel.status(), itp::v1::ON_TRACK);
  EXPECT_EQ(progress.status(), itp::v1::ON_TRACK);

  // 1.64 in 2024: IEA NZE 1.508 (not met); TPI 1.5 1.4194 and B2 1.5828 not
  // met, National Pledges 1.6478 met.
  EXPECT_THAT(AlignmentsOf(steel),
              ElementsAre(AlignmentRow{"IEA NZE 2022", 2024, kNotAligned, ""},
                          AlignmentRow{"TPI 2022", 2024, "National Pledges",
                                       "pathways/tpi-steel-2022-national-"
                                       "pledges"}));
}

TEST(ProgressTest, MeetingAPathwayExactlyCountsForTheLabel) {
  // 1.567 is TPI Below 2 Degrees in 2025 exactly (TPI's rule is <=); IEA NZE
  // 2025 = 1.90 + (0.92 - 1.90) * 5/10 = 1.41 is not met.
  PlanProgress progress = Assess(
      BrazilSteelPlan(),
      SteelReport(2025, R"({"year": 2025, "intensity_tco2_per_t": 1.567})"));
  EXPECT_THAT(AlignmentsOf(progress.sectors(0)),
              ElementsAre(AlignmentRow{"IEA NZE 2022", 2025, kNotAligned, ""},
                          AlignmentRow{"TPI 2022", 2025, "Below 2 Degrees",
                                       "pathways/tpi-steel-2022-below-2c"}));
  // One ulp above (1.5670000000000002): Below 2 Degrees is missed, TPI
  // National Pledges (1.645) is the most stringent met.
  ProgressReport above = SteelReport(2025, R"({"year": 2025})");
  above.mutable_sectors(0)->mutable_points(0)->set_intensity_tco2_per_t(
      std::nextafter(1.567, 2.0));
  EXPECT_THAT(AlignmentsOf(Assess(BrazilSteelPlan(), above).sectors(0)),
              ElementsAre(AlignmentRow{"IEA NZE 2022", 2025, kNotAligned, ""},
                          AlignmentRow{"TPI 2022", 2025, "National Pledges",
                                       "pathways/tpi-steel-2022-national-"
                                       "pledges"}));
}

TEST(ProgressTest, LatestYearBeforeThePlanStartsIsNotAssessed) {
  // Indonesia cement plan starts in 2023 (0.62); a report for 2022 at 0.63.
  ProgressReport report = FromJson<ProgressReport>(R"json({
    "reporting_year": 2022, "sectors": [{"sector": "CEMENT", "points": [
      {"year": 2022, "production_mt": 62.0, "intensity_tco2_per_t": 0.63}]}]})json");
  PlanProgress progress = Assess(itp::testing::IndonesiaCementPlan(), report);
  const SectorProgress& cement = progress.sectors(0);
  const MetricProgress& m = cement.intensity();
  EXPECT_EQ(m.status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(m.message(),
            "The latest actual is for 2022, before the plan's first year "
            "(2023): nothing to compare with.");
  EXPECT_EQ(m.actual(), 0.63);
  EXPECT_FALSE(m.has_planned());
  EXPECT_FALSE(m.has_deviation());
  // y < t0: no observed rate, hence no projections.
  EXPECT_FALSE(m.has_observed_rate());
  EXPECT_THAT(m.projections(), IsEmpty());
  // m = 2023: r_req = 0.62 / 0.63 - 1 = -0.015873015873015928
  EXPECT_EQ(m.milestone_year(), 2023);
  EXPECT_NEAR(m.required_rate(), -0.015873015873015928, kExact);
  EXPECT_EQ(cement.status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(progress.status(), itp::v1::NOT_ASSESSED);
  // The actual still gets labels: TPI cement 2022 is 0.5198 / 0.5454 /
  // 0.5502, all below 0.63.
  EXPECT_THAT(AlignmentsOf(cement),
              ElementsAre(AlignmentRow{"TPI 2022", 2022, kNotAligned, ""}));
}

TEST(ProgressTest, ReportAgainstAnOlderRevisionUsesThatRevisionsPlan) {
  // Revision 1 aimed at 2.4 in 2030; revision 2 at India's official 2.2.
  // The function only sees the content it is given.
  Plan revision_1 = IndiaSteelPlan();
  revision_1.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(
      2.4);
  Plan revision_2 = IndiaSteelPlan();
  // Revision 1: P(2024) = 2.54 + (2.4 - 2.54) * 4/10 = 2.484;
  // dev = (2.47 - 2.484) / 2.484 = -0.0056360708534620736;
  // r_req = (2.4 / 2.47) ** (1/6) - 1 = -0.004780107627928687, not below
  // r_obs - 0.01 = -0.016962: on track.
  const MetricProgress m1 =
      Assess(revision_1, IndiaReport2024()).sectors(0).intensity();
  EXPECT_NEAR(m1.planned(), 2.484, kExact);
  EXPECT_NEAR(m1.deviation(), -0.0056360708534620736, kExact);
  EXPECT_NEAR(m1.required_rate(), -0.004780107627928687, kExact);
  EXPECT_EQ(m1.milestone_value(), 2.4);
  EXPECT_EQ(m1.status(), itp::v1::ON_TRACK);
  // Revision 2: P(2024) = 2.404, dev 0.027454: more effort needed.
  const MetricProgress m2 =
      Assess(revision_2, IndiaReport2024()).sectors(0).intensity();
  EXPECT_NEAR(m2.planned(), 2.404, kExact);
  EXPECT_EQ(m2.status(), itp::v1::MORE_EFFORT_NEEDED);
}

// ---------------------------------------------------------------------------
// Missing, zero and non-finite values.

TEST(ProgressTest, ZeroProductionAndEmptyPointsAreSkipped) {
  // 2022: nothing; 2023: production 0 with emissions 350.6 (no intensity
  // from it, but an emissions actual); 2024: 149.6 Mt at 2.47.
  PlanProgress progress =
      Assess(IndiaSteelPlan(), SteelReport(2024, R"({"year": 2022},
                           {"year": 2023, "production_mt": 0,
                            "emissions_mtco2": 350.6},
                           {"year": 2024, "production_mt": 149.6,
                            "intensity_tco2_per_t": 2.47})"));
  const SectorProgress& steel = progress.sectors(0);
  // Intensity as in the India case: y = 2024, dev 0.027454.
  EXPECT_EQ(steel.intensity().latest_year(), 2024);
  EXPECT_NEAR(steel.intensity().deviation(), 0.027454242928452697, kExact);
  // Emissions: y = 2024, 149.6 * 2.47 = 369.512; base P(2020) = 254.762.
  EXPECT_EQ(steel.emissions().latest_year(), 2024);
  EXPECT_NEAR(steel.emissions().actual(), 369.512, kExactMt);
  EXPECT_TRUE(steel.emissions().base_from_plan());
  EXPECT_TRUE(AllFinite(steel.intensity()));
  EXPECT_TRUE(AllFinite(steel.emissions()));
}

TEST(ProgressTest, ZeroPlanValueLeavesTheDeviationUndefined) {
  // A revision typed with 0 for 2024 (a valid intensity, but no base for a
  // relative deviation).
  Plan plan = FromJson<Plan>(R"json({
  "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2020, "points": [
    {"year": 2020, "production_mt": 100.3, "intensity_tco2_per_t": 2.54},
    {"year": 2024, "production_mt": 149.6, "intensity_tco2_per_t": 0}]}]})json");
  PlanProgress progress = Assess(plan, IndiaReport2024());
  const SectorProgress& steel = progress.sectors(0);
  const MetricProgress& m = steel.intensity();
  EXPECT_EQ(m.status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(m.message(),
            "The plan's intensity in 2024 is 0.000 t CO2/t: the deviation is "
            "undefined.");
  EXPECT_EQ(m.planned(), 0);
  EXPECT_FALSE(m.has_deviation());
  // r_obs is still known (-0.006962133865093034) and so is the projection
  // to 2030: 2.3686004541762267 against P(2030) = 0 (flat).
  EXPECT_NEAR(m.observed_rate(), -0.006962133865093034, kExact);
  ASSERT_THAT(m.projections(), SizeIs(1));
  EXPECT_NEAR(m.projections(0).projected(), 2.3686004541762267, kExact);
  EXPECT_EQ(m.projections(0).planned(), 0);
  // Emissions: P(2024) = 149.6 * 0 = 0 too; neither metric is assessed.
  EXPECT_EQ(steel.emissions().status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(steel.status(), itp::v1::NOT_ASSESSED);
  EXPECT_TRUE(AllFinite(m));
  EXPECT_TRUE(AllFinite(steel.emissions()));
}

TEST(ProgressTest, NonFiniteActualsAreSkipped) {
  ProgressReport report =
      SteelReport(2024, R"({"year": 2023, "production_mt": 140.8,
                "intensity_tco2_per_t": 2.49},
               {"year": 2024, "intensity_tco2_per_t": "Infinity"})");
  const MetricProgress m =
      Assess(IndiaSteelPlan(), report).sectors(0).intensity();
  // 2024 is skipped: y = 2023, P(2023) = 2.54 - 0.034 * 3 = 2.438;
  // dev = (2.49 - 2.438) / 2.438 = 0.021328958162428236
  EXPECT_EQ(m.latest_year(), 2023);
  EXPECT_NEAR(m.deviation(), 0.021328958162428236, kExact);
  EXPECT_TRUE(AllFinite(m));
}

TEST(ProgressTest, ZeroBaseLeavesTheObservedRateOut) {
  // An actual of 0 for the base year cannot start a growth rate.
  PlanProgress progress =
      Assess(IndiaSteelPlan(),
             SteelReport(2024, R"({"year": 2020, "intensity_tco2_per_t": 0},
                           {"year": 2024, "intensity_tco2_per_t": 2.47})"));
  const MetricProgress& m = progress.sectors(0).intensity();
  EXPECT_EQ(m.base_value(), 0);
  EXPECT_FALSE(m.base_from_plan());
  EXPECT_FALSE(m.has_observed_rate());
  EXPECT_THAT(m.projections(), IsEmpty());
  EXPECT_THAT(m.message(), HasSubstr("No observed rate"));
  // Still assessed on the deviation (0.027454).
  EXPECT_EQ(m.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_TRUE(AllFinite(m));
}

// ---------------------------------------------------------------------------
// Emissions only, and sectors without actuals.

TEST(ProgressTest, EmissionsOnlyReportIsAssessedOnEmissions) {
  // Indonesia cement: plan E 2023 = 62 * 0.62 (38.44 given), 2030 = 70 *
  // 0.55 = 38.5, 2060 = 85 * 0.08 = 6.8. The report gives emissions only.
  ProgressReport report = FromJson<ProgressReport>(R"json({
    "reporting_year": 2024, "sectors": [{"sector": "CEMENT", "points": [
      {"year": 2023, "emissions_mtco2": 38.44},
      {"year": 2024, "emissions_mtco2": 40.3}]}]})json");
  PlanProgress progress = Assess(itp::testing::IndonesiaCementPlan(), report);
  const SectorProgress& cement = progress.sectors(0);
  EXPECT_EQ(cement.intensity().status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(cement.intensity().message(),
            "The report gives no intensity for CEMENT.");
  const MetricProgress& e = cement.emissions();
  // Base: A(2023) = 38.44.
  EXPECT_EQ(e.base_value(), 38.44);
  EXPECT_FALSE(e.base_from_plan());
  // P(2024) = 38.44 + (38.5 - 38.44) * 1/7 = 38.44857142857143
  EXPECT_NEAR(e.planned(), 38.44857142857143, kExactMt);
  // dev = (40.3 - 38.448571) / 38.448571 = 0.04815337742438877
  EXPECT_NEAR(e.deviation(), 0.04815337742438877, kExact);
  // r_obs = 40.3 / 38.44 - 1 = 0.048387096774193505
  // r_req = (38.5 / 40.3) ** (1/6) - 1 = -0.007586613206452375
  EXPECT_NEAR(e.observed_rate(), 0.048387096774193505, kExact);
  EXPECT_NEAR(e.required_rate(), -0.007586613206452375, kExact);
  EXPECT_EQ(e.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_THAT(e.message(), HasSubstr("Actual 40.3 Mt CO2 in 2024 is 4.8 % "
                                     "above the plan's 38.4"));
  // 40.3 * (1 + r_obs) ** 6 = 53.510012078957985 (plan 38.5)
  // 40.3 * (1 + r_obs) ** 36 = 220.84372475339748 (plan 6.8)
  ASSERT_THAT(e.projections(), SizeIs(2));
  EXPECT_NEAR(e.projections(0).projected(), 53.510012078957985, kExactMt);
  EXPECT_NEAR(e.projections(0).planned(), 38.5, kExactMt);
  EXPECT_EQ(e.projections(1).year(), 2060);
  EXPECT_NEAR(e.projections(1).projected(), 220.84372475339748, 1e-8);
  EXPECT_NEAR(e.projections(1).planned(), 6.8, kExactMt);
  // Intensity is not assessed: the sector takes the emissions status.
  EXPECT_EQ(cement.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_THAT(cement.alignments(), IsEmpty());
}

TEST(ProgressTest, SectorWithoutActualsIsNotAssessed) {
  // India steel plus India's cement pathway (demo plan: 410 Mt at 0.56 in
  // 2023); the report covers steel only, and aluminium, which the plan does
  // not have.
  Plan plan = IndiaSteelPlan();
  SectorPathway* cement = plan.add_sectors();
  *cement = FromJson<SectorPathway>(R"json({
    "sector": "CEMENT", "base_year": 2023, "points": [
      {"year": 2023, "production_mt": 410.0, "intensity_tco2_per_t": 0.56},
      {"year": 2030, "production_mt": 560.0, "intensity_tco2_per_t": 0.50}]})json");
  ProgressReport report = IndiaReport2024();
  *report.add_sectors() = FromJson<itp::v1::SectorActuals>(R"json({
    "sector": "ALUMINIUM", "points": [
      {"year": 2024, "production_mt": 4.2, "intensity_tco2_per_t": 16.0}]})json");
  PlanProgress progress = Assess(plan, report);
  ASSERT_THAT(progress.sectors(), SizeIs(2));
  EXPECT_EQ(progress.sectors(0).sector(), itp::v1::IRON_AND_STEEL);
  const SectorProgress& out = progress.sectors(1);
  EXPECT_EQ(out.sector(), itp::v1::CEMENT);
  EXPECT_EQ(out.status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(out.intensity().status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(out.intensity().message(),
            "The report gives no actuals for CEMENT.");
  EXPECT_FALSE(out.has_emissions());
  EXPECT_THAT(out.alignments(), IsEmpty());
  // Worst over sectors, ignoring the unassessed one.
  EXPECT_EQ(progress.status(), itp::v1::MORE_EFFORT_NEEDED);
}

TEST(ProgressTest, NothingAssessedGivesNotAssessed) {
  ProgressReport empty;
  empty.set_reporting_year(2024);
  PlanProgress progress = Assess(IndiaSteelPlan(), empty);
  EXPECT_EQ(progress.sectors(0).intensity().message(),
            "The report gives no actuals for IRON_AND_STEEL.");
  EXPECT_EQ(progress.status(), itp::v1::NOT_ASSESSED);
  PlanProgress no_sectors = Assess(Plan(), IndiaReport2024());
  EXPECT_THAT(no_sectors.sectors(), IsEmpty());
  EXPECT_EQ(no_sectors.status(), itp::v1::NOT_ASSESSED);
}

// ---------------------------------------------------------------------------
// Projects (item 8).

// Indian steel projects (illustrative capacities and costs) and their 2024
// updates.
TEST(ProgressProjectsTest, CountsPerTechnology) {
  Plan plan = FromJson<Plan>(R"json({"projects": [
    {"name": "Hydrogen DRI demonstration plant", "technology": "HYDROGEN_DRI",
     "capacity_mtpa": 0.5, "capex_usd": 600000000, "start_year": 2027,
     "status": "ANNOUNCED"},
    {"name": "Hazira EAF", "technology": "ELECTRIC_ARC_FURNACE",
     "capacity_mtpa": 1.0, "capex_usd": 400000000, "start_year": 2023,
     "status": "UNDER_CONSTRUCTION"},
    {"name": "Vijayanagar EAF", "technology": "ELECTRIC_ARC_FURNACE",
     "capacity_mtpa": 1.5, "capex_usd": 500000000, "start_year": 2022,
     "status": "UNDER_CONSTRUCTION"},
    {"name": "Ludhiana scrap-based EAF", "technology": "ELECTRIC_ARC_FURNACE",
     "capacity_mtpa": 0.75, "capex_usd": 320000000, "start_year": 2024,
     "status": "ANNOUNCED"},
    {"name": "Kalinganagar gas-based DRI", "technology": "NATURAL_GAS_DRI",
     "capacity_mtpa": 1.2, "capex_usd": 550000000, "start_year": 2026,
     "status": "ANNOUNCED"},
    {"name": "Jamshedpur carbon capture pilot", "technology": "CARBON_CAPTURE",
     "capex_usd": 10000000, "start_year": 2021, "actual_start_year": 2021,
     "status": "OPERATING"},
    {"name": "Angul CCU demonstration", "technology": "CARBON_CAPTURE",
     "capex_usd": 150000000, "start_year": 2025, "status": "ANNOUNCED"},
    {"name": "Odisha green hydrogen electrolyser",
     "technology": "HYDROGEN_PRODUCTION", "capex_usd": 250000000,
     "start_year": 2026, "status": "ANNOUNCED"}]})json");
  ProgressReport report = FromJson<ProgressReport>(R"json({
    "reporting_year": 2024, "project_updates": [
    {"project_name": "Hydrogen DRI demonstration plant",
     "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 150000000},
    {"project_name": "Hazira EAF", "status": "OPERATING",
     "actual_start_year": 2023, "capital_spent_usd": 400000000},
    {"project_name": "Vijayanagar EAF", "status": "OPERATING",
     "actual_start_year": 2024, "capital_spent_usd": 520000000},
    {"project_name": "Ludhiana scrap-based EAF",
     "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 110000000},
    {"project_name": "Kalinganagar gas-based DRI", "status": "CANCELLED",
     "capital_spent_usd": 20000000},
    {"project_name": "Angul CCU demonstration", "status": "DELAYED",
     "capital_spent_usd": 30000000,
     "note": "Commissioning moved to 2028 after the capture tender."}]})json");
  PlanProgress progress = AssessProgress(plan, report, {}, ProgressOptions());
  ASSERT_THAT(progress.technologies(), SizeIs(5));

  // Enum order: NATURAL_GAS_DRI, HYDROGEN_DRI, HYDROGEN_PRODUCTION,
  // ELECTRIC_ARC_FURNACE, CARBON_CAPTURE.
  const TechnologyProgress& gas = progress.technologies(0);
  EXPECT_EQ(gas.technology(), itp::v1::Project::NATURAL_GAS_DRI);
  EXPECT_EQ(gas.projects(), 1);
  EXPECT_EQ(gas.cancelled(), 1);
  EXPECT_EQ(gas.delayed(), 0);
  EXPECT_EQ(gas.not_yet_due(), 0);
  // Cancelled: not in planned capacity or capital; its spending counts.
  EXPECT_EQ(gas.planned_capacity_mtpa(), 0);
  EXPECT_EQ(gas.planned_capital_usd(), 0);
  EXPECT_EQ(gas.capital_spent_usd(), 2e7);

  const TechnologyProgress& h2_dri = progress.technologies(1);
  EXPECT_EQ(h2_dri.technology(), itp::v1::Project::HYDROGEN_DRI);
  EXPECT_EQ(h2_dri.not_yet_due(), 1);  // 2027 > 2024

  // Not reported: the plan's status (announced), due 2026: not yet due.
  const TechnologyProgress& h2 = progress.technologies(2);
  EXPECT_EQ(h2.technology(), itp::v1::Project::HYDROGEN_PRODUCTION);
  EXPECT_EQ(h2.not_reported(), 1);
  EXPECT_EQ(h2.not_yet_due(), 1);
  EXPECT_EQ(h2.planned_capital_usd(), 2.5e8);
  EXPECT_EQ(h2.capital_spent_usd(), 0);

  // Hazira: operating in 2023 as planned (on time); Vijayanagar: operating in
  // 2024, planned 2022 (operating late: delayed); Ludhiana: under
  // construction, due 2024 <= 2024 (delayed by date).
  const TechnologyProgress& eaf = progress.technologies(3);
  EXPECT_EQ(eaf.technology(), itp::v1::Project::ELECTRIC_ARC_FURNACE);
  EXPECT_EQ(eaf.projects(), 3);
  EXPECT_EQ(eaf.operating(), 2);
  EXPECT_EQ(eaf.on_time(), 1);
  EXPECT_EQ(eaf.delayed(), 2);
  EXPECT_EQ(eaf.not_yet_due(), 0);
  EXPECT_EQ(eaf.not_reported(), 0);
  // 1.0 + 1.5 + 0.75 = 3.25 planned; 1.0 + 1.5 = 2.5 operating.
  EXPECT_NEAR(eaf.planned_capacity_mtpa(), 3.25, kExact);
  EXPECT_NEAR(eaf.operating_capacity_mtpa(), 2.5, kExact);
  // 4e8 + 5e8 + 3.2e8 = 1.22e9 planned; 9e8 operating; spent 4e8 + 5.2e8 +
  // 1.1e8 = 1.03e9.
  EXPECT_EQ(eaf.planned_capital_usd(), 1.22e9);
  EXPECT_EQ(eaf.operating_capital_usd(), 9e8);
  EXPECT_EQ(eaf.capital_spent_usd(), 1.03e9);

  // Jamshedpur: not reported, operating since 2021 as planned (on time);
  // Angul: reported DELAYED although due only in 2025.
  const TechnologyProgress& ccus = progress.technologies(4);
  EXPECT_EQ(ccus.technology(), itp::v1::Project::CARBON_CAPTURE);
  EXPECT_EQ(ccus.projects(), 2);
  EXPECT_EQ(ccus.operating(), 1);
  EXPECT_EQ(ccus.on_time(), 1);
  EXPECT_EQ(ccus.delayed(), 1);
  EXPECT_EQ(ccus.not_yet_due(), 0);
  EXPECT_EQ(ccus.not_reported(), 1);
  // No capacity given: 0; capital 1e7 + 1.5e8 = 1.6e8, operating 1e7.
  EXPECT_EQ(ccus.planned_capacity_mtpa(), 0);
  EXPECT_EQ(ccus.planned_capital_usd(), 1.6e8);
  EXPECT_EQ(ccus.operating_capital_usd(), 1e7);
  EXPECT_EQ(ccus.capital_spent_usd(), 3e7);
}

TEST(ProgressProjectsTest, NoProjectsNoTechnologies) {
  PlanProgress progress =
      Assess(itp::testing::IndonesiaCementPlan(), ProgressReport());
  EXPECT_THAT(progress.technologies(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Reporting discipline (item 9), in 2025: the 2024 report is expected.

TEST(ProgressReportingTest, UpToDateWithLastYearsReport) {
  ReportingRecord r = AssessReporting({2023, 2024, 2023}, 2023, 2025);
  EXPECT_EQ(r.state(), ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(r.expected_reporting_year(), 2024);
  EXPECT_EQ(r.latest_reporting_year(), 2024);
  EXPECT_THAT(r.reported_years(), ElementsAre(2024, 2023));
}

TEST(ProgressReportingTest, OverdueWhenTheLatestReportIsOlder) {
  ReportingRecord r = AssessReporting({2022}, 2021, 2025);
  EXPECT_EQ(r.state(), ReportingRecord::OVERDUE);
  EXPECT_EQ(r.latest_reporting_year(), 2022);
  EXPECT_THAT(r.reported_years(), ElementsAre(2022));
}

TEST(ProgressReportingTest, NeverReportedIsNotYetDueWithinAYear) {
  // Submitted in 2024: 2024 is not before 2024.
  ReportingRecord r = AssessReporting({}, 2024, 2025);
  EXPECT_EQ(r.state(), ReportingRecord::NOT_YET_DUE);
  EXPECT_EQ(r.latest_reporting_year(), 0);
  EXPECT_THAT(r.reported_years(), IsEmpty());
  // Never submitted.
  EXPECT_EQ(AssessReporting({}, 0, 2025).state(), ReportingRecord::NOT_YET_DUE);
}

TEST(ProgressReportingTest, NeverReportedIsOverdueAfterAYear) {
  ReportingRecord r = AssessReporting({}, 2023, 2025);
  EXPECT_EQ(r.state(), ReportingRecord::OVERDUE);
  EXPECT_EQ(r.expected_reporting_year(), 2024);
}

// ---------------------------------------------------------------------------

TEST(ProgressWorseStatusTest, OrdersBySeverity) {
  using itp::v1::MORE_EFFORT_NEEDED;
  using itp::v1::NOT_ASSESSED;
  using itp::v1::NOT_ON_TRACK;
  using itp::v1::ON_TRACK;
  using itp::v1::PROGRESS_STATUS_UNSPECIFIED;
  EXPECT_EQ(WorseStatus(ON_TRACK, MORE_EFFORT_NEEDED), MORE_EFFORT_NEEDED);
  EXPECT_EQ(WorseStatus(NOT_ON_TRACK, MORE_EFFORT_NEEDED), NOT_ON_TRACK);
  EXPECT_EQ(WorseStatus(MORE_EFFORT_NEEDED, NOT_ON_TRACK), NOT_ON_TRACK);
  EXPECT_EQ(WorseStatus(ON_TRACK, ON_TRACK), ON_TRACK);
  EXPECT_EQ(WorseStatus(NOT_ASSESSED, ON_TRACK), ON_TRACK);
  EXPECT_EQ(WorseStatus(NOT_ON_TRACK, NOT_ASSESSED), NOT_ON_TRACK);
  EXPECT_EQ(WorseStatus(PROGRESS_STATUS_UNSPECIFIED, MORE_EFFORT_NEEDED),
            MORE_EFFORT_NEEDED);
  EXPECT_EQ(WorseStatus(NOT_ASSESSED, NOT_ASSESSED), NOT_ASSESSED);
  EXPECT_EQ(WorseStatus(PROGRESS_STATUS_UNSPECIFIED, NOT_ASSESSED),
            NOT_ASSESSED);
  EXPECT_EQ(
      WorseStatus(PROGRESS_STATUS_UNSPECIFIED, PROGRESS_STATUS_UNSPECIFIED),
      PROGRESS_STATUS_UNSPECIFIED);
}

}  // namespace
}  // namespace itp::benchmark
