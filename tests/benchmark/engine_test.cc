#include "server/benchmark/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "tests/testing/benchmark_report.h"
#include "tests/testing/test_plans.h"

namespace itp::benchmark {
namespace {

using ::itp::testing::GapYears;
using ::itp::testing::Label;
using ::itp::testing::LabelsOf;
using ::itp::testing::ResultFor;

using ::itp::v1::AlignmentLabel;
using ::itp::v1::BenchmarkReport;
using ::itp::v1::Pathway;
using ::itp::v1::PathwayResult;
using ::itp::v1::Plan;
using ::itp::v1::SectorBenchmark;
using ::itp::v1::SectorPathway;
using ::testing::_;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

constexpr char kTpi15[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kTpiBelow2[] = "pathways/tpi-steel-2022-below-2c";
constexpr char kTpiPledges[] = "pathways/tpi-steel-2022-national-pledges";
constexpr char kNze[] = "pathways/iea-nze-steel-2022";

// Within 1e-9 of `expected`, relative.
Matcher<double> Rel(double expected) {
  return DoubleNear(expected, 1e-9 * std::fabs(expected));
}

// ---------------------------------------------------------------------------
// Reference pathways of the domain brief (section 3).

Pathway MakePathway(const std::string& name, const std::string& display_name,
                    const std::string& scenario, int rank,
                    const std::string& family, const std::string& source,
                    const std::string& release_date,
                    const std::vector<std::pair<int, double>>& points) {
  Pathway p;
  p.set_name(name);
  p.set_display_name(display_name);
  p.set_sector(itp::v1::IRON_AND_STEEL);
  p.set_scenario(scenario);
  p.set_stringency_rank(rank);
  p.set_family(family);
  p.set_source(source);
  p.set_release_date(release_date);
  p.set_intensity_unit("tCO2/t crude steel");
  p.set_scope_boundary(SectorPathway::SCOPE_1_AND_2);
  for (const auto& [year, value] : points) {
    auto* pt = p.add_points();
    pt->set_year(year);
    pt->set_intensity_tco2_per_t(value);
  }
  return p;
}

Pathway TpiSteel(const std::string& name, const std::string& scenario, int rank,
                 const std::vector<double>& values) {
  static constexpr int kYears[] = {2019, 2020, 2025, 2030, 2035, 2040, 2050};
  std::vector<std::pair<int, double>> points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.emplace_back(kYears[i], values[i]);
  }
  return MakePathway(name, "TPI " + scenario + ", steel (2022)", scenario, rank,
                     "TPI 2022",
                     "Transition Pathway Initiative, "
                     "Sector_Benchmarks_21042022.csv",
                     "2022-04-01", points);
}

// TPI steel benchmarks, 2022 release: 1.5 Degrees (1.5 C, 396 Gt CO2),
// Below 2 Degrees (1.65 C, 646 Gt CO2), National Pledges (no budget).
std::vector<Pathway> TpiSteelPathways() {
  Pathway p15 = TpiSteel(kTpi15, "1.5 Degrees", 1,
                         {1.662, 1.613, 1.371, 1.129, 0.796, 0.463, 0.052});
  p15.set_scenario_temperature_c(1.5);
  p15.set_global_budget_gtco2(396);
  Pathway below2 = TpiSteel(kTpiBelow2, "Below 2 Degrees", 2,
                            {1.662, 1.646, 1.567, 1.488, 1.211, 0.935, 0.516});
  below2.set_scenario_temperature_c(1.65);
  below2.set_global_budget_gtco2(646);
  Pathway pledges = TpiSteel(kTpiPledges, "National Pledges", 3,
                             {1.662, 1.659, 1.645, 1.632, 1.546, 1.460, 1.270});
  return {p15, below2, pledges};
}

// IEA Net Zero Emissions by 2050, crude steel, as in the WEF Net-Zero
// Industry Tracker 2022 (published 28 July 2022).
Pathway IeaNzeSteel() {
  Pathway p = MakePathway(
      kNze, "IEA Net Zero by 2050, crude steel", "Net Zero Emissions by 2050",
      1, "IEA NZE 2022",
      "IEA NZE scenario, WEF Net-Zero Industry Tracker 2022 data sheet",
      "2022-07-28",
      {{2020, 1.90}, {2030, 0.92}, {2040, 0.43}, {2050, 0.11}});
  p.set_scenario_temperature_c(1.5);
  p.set_global_budget_gtco2(396);
  return p;
}

// A steel "plan" made of one company's 2020 intensity, held flat as TPI does.
Plan CompanyPlan(const std::string& company, double intensity_2020) {
  Plan plan;
  plan.set_display_name(company + " crude steel, TPI assessment");
  SectorPathway* s = plan.add_sectors();
  s->set_sector(itp::v1::IRON_AND_STEEL);
  s->set_base_year(2020);
  auto* pt = s->add_points();
  pt->set_year(2020);
  pt->set_intensity_tco2_per_t(intensity_2020);
  return plan;
}

BenchmarkOptions Checkpoints(std::vector<int> years) {
  BenchmarkOptions options;
  options.checkpoint_years = std::move(years);
  return options;
}

// ---------------------------------------------------------------------------
// TPI's published labels for three steel companies (2025, 2035, 2050).

// The India steel plan runs to its 2070 net-zero point, past the horizon.
constexpr char kIndiaPast2050[] =
    "the plan's figures for 2070 are after 2050, the benchmark horizon: the "
    "SDA target and cumulative emissions stop at 2050.";

TEST(AlignmentLabelTest, JswSteelIsNotAlignedThroughout) {
  // 2.49 exceeds every TPI value (the highest is 1.662, in 2019).
  BenchmarkReport report =
      BenchmarkPlan(CompanyPlan("JSW Steel", 2.49), TpiSteelPathways(),
                    Checkpoints({2025, 2035, 2050}));
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2025, "TPI 2022", kNotAligned, false},
                          Label{2035, "TPI 2022", kNotAligned, false},
                          Label{2050, "TPI 2022", kNotAligned, false}));
}

TEST(AlignmentLabelTest, TataSteelIsNotAlignedThroughout) {
  BenchmarkReport report =
      BenchmarkPlan(CompanyPlan("Tata Steel", 2.119), TpiSteelPathways(),
                    Checkpoints({2025, 2035, 2050}));
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2025, "TPI 2022", kNotAligned, false},
                          Label{2035, "TPI 2022", kNotAligned, false},
                          Label{2050, "TPI 2022", kNotAligned, false}));
}

TEST(AlignmentLabelTest, GerdauMovesFromOnePointFiveToNationalPledges) {
  // 0.93 held flat: 2025 <= 1.371 (1.5 Degrees); 2035 > 0.796 (1.5) but
  // <= 1.211 (Below 2); 2050 > 0.052 and > 0.516 but <= 1.270 (Pledges).
  BenchmarkReport report =
      BenchmarkPlan(CompanyPlan("Gerdau", 0.93), TpiSteelPathways(),
                    Checkpoints({2025, 2035, 2050}));
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2025, "TPI 2022", "1.5 Degrees", true},
                          Label{2035, "TPI 2022", "Below 2 Degrees", true},
                          Label{2050, "TPI 2022", "National Pledges", true}));
}

TEST(AlignmentLabelTest, MeetingTheBenchmarkExactlyCounts) {
  // TPI's rule is I_plan <= I_sc: 1.129 equals 1.5 Degrees in 2030.
  BenchmarkReport report = BenchmarkPlan(
      CompanyPlan("Gerdau", 1.129), TpiSteelPathways(), Checkpoints({2030}));
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2030, "TPI 2022", "1.5 Degrees", true}));
}

TEST(AlignmentLabelTest, PathwayOrderDoesNotChangeTheLabel) {
  std::vector<Pathway> reversed = TpiSteelPathways();
  std::reverse(reversed.begin(), reversed.end());
  BenchmarkReport report = BenchmarkPlan(CompanyPlan("Gerdau", 0.93), reversed,
                                         Checkpoints({2025, 2035, 2050}));
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2025, "TPI 2022", "1.5 Degrees", true},
                          Label{2035, "TPI 2022", "Below 2 Degrees", true},
                          Label{2050, "TPI 2022", "National Pledges", true}));
}

TEST(AlignmentLabelTest, LabelsAreGivenPerFamilyInFirstAppearanceOrder) {
  std::vector<Pathway> pathways = {IeaNzeSteel()};
  for (const Pathway& p : TpiSteelPathways()) pathways.push_back(p);
  // Gerdau 0.93 against NZE: 2025 1.41 (met), 2050 0.11 (not met).
  BenchmarkReport report = BenchmarkPlan(CompanyPlan("Gerdau", 0.93), pathways,
                                         Checkpoints({2025, 2050}));
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2025, "IEA NZE 2022",
                                "Net Zero Emissions by 2050", true},
                          Label{2050, "IEA NZE 2022", kNotAligned, false},
                          Label{2025, "TPI 2022", "1.5 Degrees", true},
                          Label{2050, "TPI 2022", "National Pledges", true}));
}

// ---------------------------------------------------------------------------
// Worked example: the India steel plan (2020 100.3 Mt at 2.54; 2030 255 Mt at
// 2.2; 2050 400 Mt at 1.0; 2070 450 Mt at 0.1) against TPI 1.5 Degrees and
// IEA NZE steel. Expected values come from this script (python3), written
// apart from the engine:
//
//   def at(pts, y):  # linear, flat after last, None before first
//       ys = sorted(pts)
//       if y < ys[0]: return None
//       if y >= ys[-1]: return pts[ys[-1]]
//       for a, b in zip(ys, ys[1:]):
//           if a <= y <= b:
//               return pts[a] + (pts[b] - pts[a]) * (y - a) / (b - a)
//   I = {2020: 2.54, 2030: 2.2, 2050: 1.0, 2070: 0.1}
//   P = {2020: 100.3, 2030: 255.0, 2050: 400.0, 2070: 450.0}
//   TPI15 = {2019: 1.662, 2020: 1.613, 2025: 1.371, 2030: 1.129,
//            2035: 0.796, 2040: 0.463, 2050: 0.052}
//   NZE = {2020: 1.90, 2030: 0.92, 2040: 0.43, 2050: 0.11}
//   t0 = 2020
//   for name, sc in (("TPI 1.5", TPI15), ("IEA NZE", NZE)):
//       for y in (2025, 2030, 2035, 2040, 2050):
//           print("gap", y, at(I, y), at(sc, y), at(I, y) - at(sc, y))
//       d = at(I, t0) - sc[2050]
//       def target(y):
//           return d * ((at(sc, y) - sc[2050]) /
//                       (at(sc, t0) - sc[2050])) + sc[2050]
//       for y in (2025, 2030, 2040, 2050): print("sda", y, target(y))
//       for y in (2025, 2030):
//           print("ratio", y, -(at(I, y) - target(y)) / target(y))
//       plan = sum(at(P, y) * at(I, y) for y in range(t0, 2051))
//       budget = sum(at(P, y) * at(sc, y) for y in range(t0, 2051))
//       print("cumulative", plan, budget, plan / budget)
//       for tcre in (0.45, 0.60):
//           print("itr", tcre, 1.5 + 396 * (plan / budget - 1) * tcre / 1000)
//
// Output (repr):
//   TPI 1.5
//     gap 2025 2.37 1.371 0.9990000000000001
//     gap 2030 2.2 1.129 1.0710000000000002
//     gap 2035 1.9000000000000001 0.796 1.104
//     gap 2040 1.6 0.463 1.137
//     gap 2050 1.0 0.052 0.948
//     sda 2025 2.154288276745676
//     sda 2030 1.7685765534913516
//     sda 2040 0.7070723894939143
//     sda 2050 0.052
//     ratio 2025 -0.10013131742061186
//     ratio 2030 -0.24393823702851566
//     cumulative 14681.527700000002 5651.865994999998 2.5976425684876854
//     itr 0.45 1.7846999057045054
//     itr 0.6 1.879599874272674
//   IEA NZE
//     gap 2025 2.37 1.41 0.9600000000000002
//     gap 2030 2.2 0.92 1.2800000000000002
//     gap 2035 1.9000000000000001 0.675 1.225
//     gap 2040 1.6 0.43 1.1700000000000002
//     gap 2050 1.0 0.11 0.89
//     sda 2025 1.8748044692737433
//     sda 2030 1.2096089385474864
//     sda 2040 0.5444134078212292
//     sda 2050 0.11
//     ratio 2025 -0.26413182752763775
//     ratio 2030 -0.8187696286717158
//     cumulative 14681.527700000002 5391.431149999997 2.7231225423327556
//     itr 0.45 1.8070604370436971
//     itr 0.6 1.9094139160582628
//
// By hand, TPI 1.5 SDA in 2025: d = 2.54 - 0.052 = 2.488, p = (1.371 - 0.052)
// / (1.613 - 0.052) = 1.319 / 1.561 = 0.844971..., target = 2.488 p + 0.052
// = 2.154288...; ratio = -(2.37 - 2.154288) / 2.154288 = -0.100131...
// Sum of production 2020..2050: 11 (100.3 + 255) / 2 = 1954.15 for 2020-2030,
// plus 20 x 255 + 7.25 x (1 + ... + 20) = 6622.5 for 2031-2050: 8576.65.

class IndiaSteelWorkedExampleTest : public ::testing::Test {
 protected:
  // The report stays alive in the fixture, so references into it are safe.
  const BenchmarkReport& Run(double tcre) {
    BenchmarkOptions options;
    options.tcre_c_per_1000_gtco2 = tcre;
    report_ = BenchmarkPlan(itp::testing::IndiaSteelPlan(),
                            {TpiSteelPathways()[0], IeaNzeSteel()}, options);
    return report_;
  }

 private:
  BenchmarkReport report_;
};

TEST_F(IndiaSteelWorkedExampleTest, GapsAgainstTpiOnePointFive) {
  const PathwayResult& r = ResultFor(Run(kDefaultTcre).sectors(0), kTpi15);
  EXPECT_EQ(r.scenario(), "1.5 Degrees");
  EXPECT_EQ(r.family(), "TPI 2022");
  ASSERT_THAT(r.gaps(), SizeIs(5));
  const int years[] = {2025, 2030, 2035, 2040, 2050};
  const double plan[] = {2.37, 2.2, 1.9000000000000001, 1.6, 1.0};
  const double pathway[] = {1.371, 1.129, 0.796, 0.463, 0.052};
  const double gap[] = {0.9990000000000001, 1.0710000000000002, 1.104, 1.137,
                        0.948};
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(years[i]);
    EXPECT_EQ(r.gaps(i).year(), years[i]);
    EXPECT_THAT(r.gaps(i).plan_intensity(), Rel(plan[i]));
    // Pathway values at given years are exact.
    EXPECT_EQ(r.gaps(i).pathway_intensity(), pathway[i]);
    EXPECT_THAT(r.gaps(i).gap(), Rel(gap[i]));
  }
}

TEST_F(IndiaSteelWorkedExampleTest, GapsAgainstIeaNze) {
  const PathwayResult& r = ResultFor(Run(kDefaultTcre).sectors(0), kNze);
  ASSERT_THAT(r.gaps(), SizeIs(5));
  const double pathway[] = {1.41, 0.92, 0.675, 0.43, 0.11};
  const double gap[] = {0.9600000000000002, 1.2800000000000002, 1.225,
                        1.1700000000000002, 0.89};
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(r.gaps(i).year());
    EXPECT_THAT(r.gaps(i).pathway_intensity(), Rel(pathway[i]));
    EXPECT_THAT(r.gaps(i).gap(), Rel(gap[i]));
  }
}

TEST_F(IndiaSteelWorkedExampleTest, SdaTargetRunsYearlyFromBaseYearTo2050) {
  const SectorBenchmark& sector = Run(kDefaultTcre).sectors(0);
  for (const char* name : {kTpi15, kNze}) {
    const PathwayResult& r = ResultFor(sector, name);
    ASSERT_THAT(r.sda_target(), SizeIs(31)) << name;  // 2020..2050
    for (int i = 0; i < r.sda_target_size(); ++i) {
      EXPECT_EQ(r.sda_target(i).year(), 2020 + i);
    }
    // The target starts at the plan's own base intensity.
    EXPECT_THAT(r.sda_target(0).value(), Rel(2.54)) << name;
  }
  const PathwayResult& tpi = ResultFor(sector, kTpi15);
  EXPECT_THAT(tpi.sda_target(2025 - 2020).value(), Rel(2.154288276745676));
  EXPECT_THAT(tpi.sda_target(2030 - 2020).value(), Rel(1.7685765534913516));
  EXPECT_THAT(tpi.sda_target(2040 - 2020).value(), Rel(0.7070723894939143));
  EXPECT_THAT(tpi.sda_target(2050 - 2020).value(), Rel(0.052));
  const PathwayResult& nze = ResultFor(sector, kNze);
  EXPECT_THAT(nze.sda_target(2025 - 2020).value(), Rel(1.8748044692737433));
  EXPECT_THAT(nze.sda_target(2030 - 2020).value(), Rel(1.2096089385474864));
  EXPECT_THAT(nze.sda_target(2040 - 2020).value(), Rel(0.5444134078212292));
  EXPECT_THAT(nze.sda_target(2050 - 2020).value(), Rel(0.11));
}

TEST_F(IndiaSteelWorkedExampleTest, AlignmentRatiosAtBasePlusFiveAnd2030) {
  const SectorBenchmark& sector = Run(kDefaultTcre).sectors(0);
  const PathwayResult& tpi = ResultFor(sector, kTpi15);
  ASSERT_THAT(tpi.alignment_ratios(), SizeIs(2));
  EXPECT_EQ(tpi.alignment_ratios(0).year(), 2025);
  EXPECT_THAT(tpi.alignment_ratios(0).plan_intensity(), Rel(2.37));
  EXPECT_THAT(tpi.alignment_ratios(0).target_intensity(),
              Rel(2.154288276745676));
  EXPECT_THAT(tpi.alignment_ratios(0).ratio(), Rel(-0.10013131742061186));
  EXPECT_EQ(tpi.alignment_ratios(1).year(), 2030);
  EXPECT_THAT(tpi.alignment_ratios(1).ratio(), Rel(-0.24393823702851566));

  const PathwayResult& nze = ResultFor(sector, kNze);
  ASSERT_THAT(nze.alignment_ratios(), SizeIs(2));
  EXPECT_THAT(nze.alignment_ratios(0).ratio(), Rel(-0.26413182752763775));
  EXPECT_THAT(nze.alignment_ratios(1).ratio(), Rel(-0.8187696286717158));
}

TEST_F(IndiaSteelWorkedExampleTest, CumulativeEmissionsAgainstBudget) {
  const SectorBenchmark& sector = Run(kDefaultTcre).sectors(0);
  const PathwayResult& tpi = ResultFor(sector, kTpi15);
  ASSERT_TRUE(tpi.has_cumulative());
  EXPECT_EQ(tpi.cumulative().from_year(), 2020);
  EXPECT_EQ(tpi.cumulative().to_year(), 2050);
  EXPECT_THAT(tpi.cumulative().plan_mtco2(), Rel(14681.527700000002));
  EXPECT_THAT(tpi.cumulative().budget_mtco2(), Rel(5651.865994999998));
  EXPECT_THAT(tpi.cumulative().overshoot_ratio(), Rel(2.5976425684876854));

  const PathwayResult& nze = ResultFor(sector, kNze);
  ASSERT_TRUE(nze.has_cumulative());
  EXPECT_THAT(nze.cumulative().plan_mtco2(), Rel(14681.527700000002));
  EXPECT_THAT(nze.cumulative().budget_mtco2(), Rel(5391.431149999997));
  EXPECT_THAT(nze.cumulative().overshoot_ratio(), Rel(2.7231225423327556));
}

TEST_F(IndiaSteelWorkedExampleTest, ImpliedTemperatureRiseWithAr6Tcre) {
  const BenchmarkReport& report = Run(0.45);
  EXPECT_EQ(report.tcre_c_per_1000_gtco2(), 0.45);
  const PathwayResult& tpi = ResultFor(report.sectors(0), kTpi15);
  ASSERT_TRUE(tpi.has_implied_temperature());
  EXPECT_THAT(tpi.implied_temperature().itr_c(), Rel(1.7846999057045054));
  EXPECT_EQ(tpi.implied_temperature().scenario_temperature_c(), 1.5);
  EXPECT_EQ(tpi.implied_temperature().global_budget_gtco2(), 396);
  EXPECT_EQ(tpi.implied_temperature().tcre_c_per_1000_gtco2(), 0.45);
  const PathwayResult& nze = ResultFor(report.sectors(0), kNze);
  EXPECT_THAT(nze.implied_temperature().itr_c(), Rel(1.8070604370436971));
}

TEST_F(IndiaSteelWorkedExampleTest, ImpliedTemperatureRiseWithOsClimateTcre) {
  const BenchmarkReport& report = Run(0.60);
  const PathwayResult& tpi = ResultFor(report.sectors(0), kTpi15);
  EXPECT_THAT(tpi.implied_temperature().itr_c(), Rel(1.879599874272674));
  EXPECT_EQ(tpi.implied_temperature().tcre_c_per_1000_gtco2(), 0.60);
  const PathwayResult& nze = ResultFor(report.sectors(0), kNze);
  EXPECT_THAT(nze.implied_temperature().itr_c(), Rel(1.9094139160582628));
}

TEST_F(IndiaSteelWorkedExampleTest, NothingIsSkipped) {
  const BenchmarkReport& report = Run(kDefaultTcre);
  EXPECT_TRUE(report.sectors(0).covered());
  EXPECT_THAT(report.sectors(0).messages(), ElementsAre(kIndiaPast2050));
  for (const PathwayResult& r : report.sectors(0).pathways()) {
    EXPECT_THAT(r.messages(), IsEmpty()) << r.pathway();
  }
  // 2.37 in 2025 is above every scenario of both families.
  for (const AlignmentLabel& l : report.sectors(0).labels()) {
    EXPECT_EQ(l.label(), kNotAligned) << l.year() << " " << l.family();
  }
}

TEST_F(IndiaSteelWorkedExampleTest, AlignmentRatioAtMatchesTheReport) {
  const Plan plan = itp::testing::IndiaSteelPlan();
  const SectorPathway& sector = plan.sectors(0);
  std::optional<itp::v1::AlignmentRatio> ratio =
      AlignmentRatioAt(sector, TpiSteelPathways()[0], 2025);
  ASSERT_TRUE(ratio.has_value());
  EXPECT_EQ(ratio->year(), 2025);
  EXPECT_THAT(ratio->ratio(), Rel(-0.10013131742061186));
  // Any year from the base year to 2050 works.
  EXPECT_THAT(
      AlignmentRatioAt(sector, TpiSteelPathways()[0], 2050)->target_intensity(),
      Rel(0.052));
  EXPECT_EQ(AlignmentRatioAt(sector, TpiSteelPathways()[0], 2019),
            std::nullopt);
  EXPECT_EQ(AlignmentRatioAt(sector, TpiSteelPathways()[0], 2051),
            std::nullopt);
}

// ---------------------------------------------------------------------------
// Report fields.

TEST(BenchmarkReportTest, RecordsMethodologyCheckpointsTcreAndReleases) {
  std::vector<Pathway> pathways = {IeaNzeSteel()};
  for (const Pathway& p : TpiSteelPathways()) pathways.push_back(p);
  // A pathway given twice is one release.
  pathways.push_back(TpiSteelPathways()[0]);
  Pathway cement = TpiSteelPathways()[0];
  cement.set_name("pathways/tpi-cement-2022-1p5c");
  cement.set_sector(itp::v1::CEMENT);
  pathways.push_back(cement);

  BenchmarkReport report =
      BenchmarkPlan(itp::testing::IndiaSteelPlan(), pathways, {});
  EXPECT_EQ(report.methodology_version(), "itp-benchmark/1.1");
  EXPECT_THAT(report.checkpoint_years(),
              ElementsAre(2025, 2030, 2035, 2040, 2050));
  EXPECT_EQ(report.tcre_c_per_1000_gtco2(), 0.45);
  // Sorted, unique, and only the pathways of the plan's sectors.
  EXPECT_THAT(
      report.pathway_releases(),
      ElementsAre("pathways/iea-nze-steel-2022@2022-07-28",
                  "pathways/tpi-steel-2022-1p5c@2022-04-01",
                  "pathways/tpi-steel-2022-below-2c@2022-04-01",
                  "pathways/tpi-steel-2022-national-pledges@2022-04-01"));
  EXPECT_EQ(report.finance().identified_usd(), 600e6);
  EXPECT_TRUE(report.name().empty());
  EXPECT_TRUE(report.plan_revision().empty());
  EXPECT_FALSE(report.has_create_time());
}

TEST(BenchmarkReportTest, ResultsFollowInputOrder) {
  std::vector<Pathway> pathways = TpiSteelPathways();
  pathways.insert(pathways.begin() + 1, IeaNzeSteel());
  BenchmarkReport report =
      BenchmarkPlan(itp::testing::IndiaSteelPlan(), pathways, {});
  std::vector<std::string> names;
  for (const PathwayResult& r : report.sectors(0).pathways()) {
    names.push_back(r.pathway());
  }
  EXPECT_THAT(names, ElementsAre(kTpi15, kNze, kTpiBelow2, kTpiPledges));
}

TEST(BenchmarkReportTest, CustomCheckpointsAreKeptInTheirOrder) {
  BenchmarkReport report =
      BenchmarkPlan(itp::testing::IndiaSteelPlan(), {TpiSteelPathways()[0]},
                    Checkpoints({2050, 2030}));
  EXPECT_THAT(report.checkpoint_years(), ElementsAre(2050, 2030));
  EXPECT_THAT(GapYears(report.sectors(0).pathways(0)), ElementsAre(2050, 2030));
}

TEST(BenchmarkReportTest, SameInputsGiveByteIdenticalReports) {
  Plan plan = itp::testing::IndiaSteelPlan();
  *plan.add_sectors() = itp::testing::IndonesiaCementPlan().sectors(0);
  std::vector<Pathway> pathways = TpiSteelPathways();
  pathways.push_back(IeaNzeSteel());
  auto serialize = [](const BenchmarkReport& report) {
    std::string bytes;
    {
      google::protobuf::io::StringOutputStream stream(&bytes);
      google::protobuf::io::CodedOutputStream out(&stream);
      out.SetSerializationDeterministic(true);
      report.SerializeToCodedStream(&out);
    }
    return bytes;
  };
  std::string first = serialize(BenchmarkPlan(plan, pathways, {}));
  std::string second = serialize(BenchmarkPlan(plan, pathways, {}));
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
}

// ---------------------------------------------------------------------------
// Metrics that cannot be computed are skipped with a message.

TEST(BenchmarkEdgeCaseTest, SectorWithoutPathwayIsNotCovered) {
  BenchmarkReport report = BenchmarkPlan(itp::testing::IndonesiaCementPlan(),
                                         TpiSteelPathways(), {});
  ASSERT_THAT(report.sectors(), SizeIs(1));
  const SectorBenchmark& cement = report.sectors(0);
  EXPECT_EQ(cement.sector(), itp::v1::CEMENT);
  EXPECT_FALSE(cement.covered());
  EXPECT_THAT(
      cement.messages(),
      ElementsAre("None of the reference pathways used covers CEMENT."));
  EXPECT_THAT(cement.pathways(), IsEmpty());
  EXPECT_THAT(cement.labels(), IsEmpty());
  EXPECT_THAT(report.pathway_releases(), IsEmpty());
}

TEST(BenchmarkEdgeCaseTest, CoveredAndUncoveredSectorsSideBySide) {
  Plan plan = itp::testing::IndiaSteelPlan();
  *plan.add_sectors() = itp::testing::IndonesiaCementPlan().sectors(0);
  BenchmarkReport report = BenchmarkPlan(plan, TpiSteelPathways(), {});
  ASSERT_THAT(report.sectors(), SizeIs(2));
  EXPECT_EQ(report.sectors(0).sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_TRUE(report.sectors(0).covered());
  EXPECT_THAT(report.sectors(0).pathways(), SizeIs(3));
  EXPECT_EQ(report.sectors(1).sector(), itp::v1::CEMENT);
  EXPECT_FALSE(report.sectors(1).covered());
}

// Brazil crude steel from 2015 (33.3 Mt at 1.75 t CO2/t), before TPI's
// first year, 2019.
Plan BrazilSteelFrom2015() {
  Plan plan;
  plan.set_display_name("Brazil steel decarbonisation pathway");
  SectorPathway* s = plan.add_sectors();
  s->set_sector(itp::v1::IRON_AND_STEEL);
  s->set_base_year(2015);
  const std::tuple<int, double, double> points[] = {
      {2015, 33.3, 1.75}, {2030, 40.0, 1.4}, {2050, 45.0, 0.6}};
  for (const auto& [year, production, intensity] : points) {
    auto* pt = s->add_points();
    pt->set_year(year);
    pt->set_production_mt(production);
    pt->set_intensity_tco2_per_t(intensity);
  }
  return plan;
}

TEST(BenchmarkEdgeCaseTest, BaseYearBeforePathwaySkipsSdaButKeepsGaps) {
  BenchmarkReport report =
      BenchmarkPlan(BrazilSteelFrom2015(), {TpiSteelPathways()[0]}, {});
  const PathwayResult& r = report.sectors(0).pathways(0);
  EXPECT_THAT(r.messages(),
              ElementsAre("base year 2015 is outside pathway "
                          "pathways/tpi-steel-2022-1p5c, which starts in "
                          "2019."));
  EXPECT_THAT(r.sda_target(), IsEmpty());
  EXPECT_THAT(r.alignment_ratios(), IsEmpty());
  EXPECT_FALSE(r.has_cumulative());
  EXPECT_FALSE(r.has_implied_temperature());
  EXPECT_THAT(GapYears(r), ElementsAre(2025, 2030, 2035, 2040, 2050));
  // 2030 is a given year of both: 1.4 - 1.129
  EXPECT_THAT(r.gaps(1).gap(), Rel(1.4 - 1.129));
  EXPECT_THAT(report.sectors(0).messages(), IsEmpty());
  EXPECT_THAT(report.sectors(0).labels(), SizeIs(5));
}

TEST(BenchmarkEdgeCaseTest, CheckpointBeforePathwayStartHasNoGap) {
  BenchmarkReport report =
      BenchmarkPlan(BrazilSteelFrom2015(), {TpiSteelPathways()[0]},
                    Checkpoints({2015, 2030}));
  const PathwayResult& r = report.sectors(0).pathways(0);
  EXPECT_THAT(GapYears(r), ElementsAre(2030));
  EXPECT_THAT(r.messages(),
              Contains("checkpoint 2015 is before pathway "
                       "pathways/tpi-steel-2022-1p5c, which starts in 2019: "
                       "no gap for 2015."));
  // No pathway of the family is defined in 2015: no label either.
  EXPECT_THAT(LabelsOf(report.sectors(0)),
              ElementsAre(Label{2030, "TPI 2022", kNotAligned, false}));
}

TEST(BenchmarkEdgeCaseTest, CheckpointBeforePlanStartIsReportedOnce) {
  BenchmarkReport report =
      BenchmarkPlan(itp::testing::IndiaSteelPlan(), TpiSteelPathways(),
                    Checkpoints({2015, 2025}));
  const SectorBenchmark& sector = report.sectors(0);
  EXPECT_THAT(sector.messages(),
              ElementsAre(kIndiaPast2050, "checkpoint 2015 is before the plan's first year "
                          "(2020): no gap or label for 2015."));
  for (const PathwayResult& r : sector.pathways()) {
    EXPECT_THAT(GapYears(r), ElementsAre(2025)) << r.pathway();
    EXPECT_THAT(r.messages(), Not(Contains(HasSubstr("2015")))) << r.pathway();
  }
  EXPECT_THAT(LabelsOf(sector),
              ElementsAre(Label{2025, "TPI 2022", kNotAligned, false}));
}

TEST(BenchmarkEdgeCaseTest, MissingProductionKeepsIntensityMetricsOnly) {
  Plan plan = itp::testing::IndiaSteelPlan();
  for (auto& pt : *plan.mutable_sectors(0)->mutable_points()) {
    pt.clear_production_mt();
  }
  BenchmarkReport report = BenchmarkPlan(plan, TpiSteelPathways(), {});
  const SectorBenchmark& sector = report.sectors(0);
  EXPECT_THAT(sector.messages(),
              ElementsAre(kIndiaPast2050, "no production figures: cumulative emissions and "
                          "the implied temperature rise are not computed."));
  const PathwayResult& tpi = ResultFor(sector, kTpi15);
  EXPECT_THAT(tpi.gaps(), SizeIs(5));
  EXPECT_THAT(tpi.sda_target(), SizeIs(31));
  ASSERT_THAT(tpi.alignment_ratios(), SizeIs(2));
  EXPECT_THAT(tpi.alignment_ratios(0).ratio(), Rel(-0.10013131742061186));
  EXPECT_FALSE(tpi.has_cumulative());
  EXPECT_FALSE(tpi.has_implied_temperature());
  EXPECT_THAT(tpi.messages(), IsEmpty());
  EXPECT_THAT(sector.labels(), SizeIs(5));
}

TEST(BenchmarkEdgeCaseTest, ProductionStartingAfterBaseYearSkipsCumulative) {
  Plan plan = itp::testing::IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(0)->clear_production_mt();
  BenchmarkReport report = BenchmarkPlan(plan, {IeaNzeSteel()}, {});
  EXPECT_THAT(report.sectors(0).messages(),
              ElementsAre(kIndiaPast2050, "production figures start in 2030, after the base "
                          "year 2020: cumulative emissions and the implied "
                          "temperature rise are not computed."));
  EXPECT_FALSE(report.sectors(0).pathways(0).has_cumulative());
}

TEST(BenchmarkEdgeCaseTest, PathwayEndingIn2040HasNoSdaOrCumulative) {
  // IEA NZE steel without its 2050 point.
  Pathway truncated = IeaNzeSteel();
  truncated.mutable_points()->RemoveLast();
  BenchmarkReport report =
      BenchmarkPlan(itp::testing::IndiaSteelPlan(), {truncated}, {});
  const PathwayResult& r = report.sectors(0).pathways(0);
  EXPECT_THAT(r.messages(),
              ElementsAre(AllOf(StartsWith("pathway "
                                           "pathways/iea-nze-steel-2022 ends "
                                           "in 2040"),
                                HasSubstr("does not reach 2050"))));
  EXPECT_THAT(r.sda_target(), IsEmpty());
  EXPECT_THAT(r.alignment_ratios(), IsEmpty());
  EXPECT_FALSE(r.has_cumulative());
  EXPECT_FALSE(r.has_implied_temperature());
  // Checkpoint gaps hold the pathway's 2040 value flat (TPI's rule).
  ASSERT_THAT(GapYears(r), ElementsAre(2025, 2030, 2035, 2040, 2050));
  EXPECT_EQ(r.gaps(4).pathway_intensity(), 0.43);
  EXPECT_EQ(AlignmentRatioAt(itp::testing::IndiaSteelPlan().sectors(0),
                             truncated, 2025),
            std::nullopt);
}

TEST(BenchmarkEdgeCaseTest, IntensityIsDerivedFromEmissionsWhenAbsent) {
  // E = P x I: 100.3 x 2.54 = 254.762, 255 x 2.2 = 561, 400 x 1.0 = 400,
  // 450 x 0.1 = 45 (python3: {y: P[y] * I[y] for y in P}).
  Plan plan = itp::testing::IndiaSteelPlan();
  const double emissions[] = {254.762, 561.0, 400.0, 45.0};
  for (int i = 0; i < 4; ++i) {
    auto* pt = plan.mutable_sectors(0)->mutable_points(i);
    pt->clear_intensity_tco2_per_t();
    pt->set_emissions_mtco2(emissions[i]);
  }
  BenchmarkOptions options;
  BenchmarkReport report =
      BenchmarkPlan(plan, {TpiSteelPathways()[0]}, options);
  const PathwayResult& r = report.sectors(0).pathways(0);
  // Same figures as the worked example above.
  ASSERT_THAT(r.gaps(), SizeIs(5));
  EXPECT_THAT(r.gaps(0).plan_intensity(), Rel(2.37));
  EXPECT_THAT(r.gaps(0).gap(), Rel(0.9990000000000001));
  EXPECT_THAT(r.sda_target(5).value(), Rel(2.154288276745676));
  EXPECT_THAT(r.alignment_ratios(1).ratio(), Rel(-0.24393823702851566));
  EXPECT_THAT(r.cumulative().plan_mtco2(), Rel(14681.527700000002));
  EXPECT_THAT(r.implied_temperature().itr_c(), Rel(1.7846999057045054));
}

TEST(BenchmarkEdgeCaseTest, NationalPledgesWithoutTemperatureHasNoItr) {
  BenchmarkReport report = BenchmarkPlan(itp::testing::IndiaSteelPlan(),
                                         {TpiSteelPathways()[2]}, {});
  const PathwayResult& r = report.sectors(0).pathways(0);
  EXPECT_EQ(r.scenario(), "National Pledges");
  EXPECT_TRUE(r.has_cumulative());
  EXPECT_FALSE(r.has_implied_temperature());
  EXPECT_THAT(r.messages(),
              ElementsAre("pathway pathways/tpi-steel-2022-national-pledges "
                          "has no scenario temperature and global carbon "
                          "budget: the implied temperature rise is not "
                          "computed."));
}

TEST(BenchmarkEdgeCaseTest, FlatPathwayHasNoSdaButKeepsCumulative) {
  // A frozen-efficiency reference: the 2020 world average (IEA, 1.90 t CO2/t)
  // held to 2050, so I_sc(t0) == I_sc(2050) and p(t) divides by zero.
  // python3 (script above): budget = 1.90 x 8576.65 = 16295.634999999998,
  // overshoot = 14681.527700000002 / 16295.634999999998 = 0.9009484871255403
  Pathway frozen = MakePathway(
      "pathways/frozen-efficiency-steel-2020", "Frozen 2020 efficiency, steel",
      "Frozen 2020 efficiency", 1, "Counterfactual 2020",
      "IEA Net Zero Roadmap 2023, 2020 world average", "2023-09-26",
      {{2020, 1.90}, {2050, 1.90}});
  BenchmarkReport report =
      BenchmarkPlan(itp::testing::IndiaSteelPlan(), {frozen}, {});
  const PathwayResult& r = report.sectors(0).pathways(0);
  EXPECT_THAT(r.messages(),
              ElementsAre("pathway pathways/frozen-efficiency-steel-2020 has "
                          "the same intensity in 2020 and 2050 (1.9 t CO2/t): "
                          "the SDA target and alignment ratios are not "
                          "computed.",
                          HasSubstr("no scenario temperature")));
  EXPECT_THAT(r.sda_target(), IsEmpty());
  EXPECT_THAT(r.alignment_ratios(), IsEmpty());
  EXPECT_THAT(r.gaps(), SizeIs(5));
  ASSERT_TRUE(r.has_cumulative());
  EXPECT_THAT(r.cumulative().budget_mtco2(), Rel(16295.634999999998));
  EXPECT_THAT(r.cumulative().overshoot_ratio(), Rel(0.9009484871255403));
  EXPECT_EQ(
      AlignmentRatioAt(itp::testing::IndiaSteelPlan().sectors(0), frozen, 2025),
      std::nullopt);
}

TEST(BenchmarkEdgeCaseTest, PlanStartingAfterItsBaseYearIsReported) {
  Plan plan = itp::testing::IndiaSteelPlan();
  plan.mutable_sectors(0)->set_base_year(2015);
  BenchmarkReport report = BenchmarkPlan(plan, {TpiSteelPathways()[0]}, {});
  EXPECT_THAT(report.sectors(0).messages(),
              ElementsAre(kIndiaPast2050,
                          StartsWith("base year 2015 is before the plan's "
                                     "first intensity figure (2020)")));
  const PathwayResult& r = report.sectors(0).pathways(0);
  EXPECT_THAT(r.gaps(), SizeIs(5));
  EXPECT_THAT(r.sda_target(), IsEmpty());
  EXPECT_FALSE(r.has_cumulative());
}

TEST(BenchmarkEdgeCaseTest, RatioYearsCoincideAtBase2025) {
  // Base year 2025: t0 + 5 = 2030, reported once.
  Plan plan = itp::testing::SteelPlan("VNM", 2.1);
  plan.mutable_sectors(0)->set_base_year(2025);
  plan.mutable_sectors(0)->mutable_points(0)->set_year(2025);
  BenchmarkReport report = BenchmarkPlan(plan, {IeaNzeSteel()}, {});
  const PathwayResult& r = report.sectors(0).pathways(0);
  ASSERT_THAT(r.alignment_ratios(), SizeIs(1));
  EXPECT_EQ(r.alignment_ratios(0).year(), 2030);
  EXPECT_THAT(r.sda_target(), SizeIs(26));  // 2025..2050
}

TEST(BenchmarkEdgeCaseTest, RatioBefore2030IsDroppedForLateBaseYears) {
  // Base year 2035: 2030 is before it; only 2040 remains.
  Plan plan = itp::testing::SteelPlan("IDN", 1.8);
  plan.mutable_sectors(0)->set_base_year(2035);
  plan.mutable_sectors(0)->mutable_points(0)->set_year(2035);
  BenchmarkReport report = BenchmarkPlan(plan, {IeaNzeSteel()}, {});
  const PathwayResult& r = report.sectors(0).pathways(0);
  ASSERT_THAT(r.alignment_ratios(), SizeIs(1));
  EXPECT_EQ(r.alignment_ratios(0).year(), 2040);
}

TEST(BenchmarkEdgeCaseTest, ZeroSdaTargetHasNoMeaningfulRatio) {
  // A pathway reaching exactly zero in 2050 makes the SDA target zero there
  // (d x p(2050) + 0 = 0), and a ratio relative to zero means nothing: the
  // gap (1.0 - 0) is given instead.
  Pathway zero = IeaNzeSteel();
  zero.mutable_points(3)->set_intensity_tco2_per_t(0.0);
  const Plan plan = itp::testing::IndiaSteelPlan();
  std::optional<itp::v1::AlignmentRatio> at_2050 =
      AlignmentRatioAt(plan.sectors(0), zero, 2050);
  ASSERT_TRUE(at_2050.has_value());
  EXPECT_TRUE(at_2050->not_meaningful());
  EXPECT_EQ(at_2050->ratio(), 0.0);
  EXPECT_EQ(at_2050->target_intensity(), 0.0);
  EXPECT_THAT(at_2050->gap(), Rel(1.0));
  // In 2030: 2.54 x (0.92 - 0) / (1.90 - 0) = 1.2298947368421054 (python3),
  // ratio = -(2.2 - 1.2298947...) / 1.2298947... = -0.7887709688462855.
  std::optional<itp::v1::AlignmentRatio> ratio =
      AlignmentRatioAt(plan.sectors(0), zero, 2030);
  ASSERT_TRUE(ratio.has_value());
  EXPECT_THAT(ratio->target_intensity(), Rel(1.2298947368421054));
  EXPECT_THAT(ratio->ratio(), Rel(-0.7887709688462855));
}

// ---------------------------------------------------------------------------
// Validation.

using Violation = std::pair<std::string, std::string>;

std::vector<Violation> OptionViolations(const BenchmarkOptions& options,
                                        absl::string_view prefix = "") {
  domain::FieldViolations violations;
  ValidateOptions(options, prefix, &violations);
  return violations.violations();
}

std::vector<Violation> PathwayViolations(const Pathway& pathway) {
  domain::FieldViolations violations;
  ValidatePathway(pathway, "pathway", &violations);
  return violations.violations();
}

TEST(ValidateOptionsTest, DefaultsAreValid) {
  EXPECT_THAT(OptionViolations(BenchmarkOptions()), IsEmpty());
  BenchmarkOptions os_climate;
  os_climate.tcre_c_per_1000_gtco2 = 2.2 / 3664 * 1000;
  os_climate.checkpoint_years = {1990, 2030, 2100};
  EXPECT_THAT(OptionViolations(os_climate), IsEmpty());
}

TEST(ValidateOptionsTest, YearsOutOfRangeAndRepeatsAreReportedByIndex) {
  EXPECT_THAT(
      OptionViolations(Checkpoints({2025, 1989, 2030, 2025, 2101})),
      ElementsAre(
          Pair("checkpoint_years[1]", "year 1989 is outside 1990-2100."),
          Pair("checkpoint_years[3]",
               "repeats year 2025 (checkpoint_years[0])."),
          Pair("checkpoint_years[4]", "year 2101 is outside 1990-2100.")));
}

TEST(ValidateOptionsTest, PrefixIsPrepended) {
  EXPECT_THAT(OptionViolations(Checkpoints({2030, 2030}), "options"),
              ElementsAre(Pair("options.checkpoint_years[1]", _)));
}

TEST(ValidateOptionsTest, AtMostTwentyYears) {
  std::vector<int> years;
  for (int y = 2030; y <= 2050; ++y) years.push_back(y);  // 21 years
  EXPECT_THAT(OptionViolations(Checkpoints(years)),
              ElementsAre(Pair("checkpoint_years",
                               "has 21 years; at most 20 are allowed.")));
  years.pop_back();
  EXPECT_THAT(OptionViolations(Checkpoints(years)), IsEmpty());
}

TEST(ValidateOptionsTest, TcreMustBeFiniteAndInZeroToFive) {
  for (double tcre : {0.0, -0.45, 5.01, kNaN, kInfinity}) {
    BenchmarkOptions options;
    options.tcre_c_per_1000_gtco2 = tcre;
    EXPECT_THAT(OptionViolations(options),
                ElementsAre(Pair("tcre_c_per_1000_gtco2",
                                 StartsWith("must be above 0 and at most 5"))))
        << tcre;
  }
  BenchmarkOptions options;
  options.tcre_c_per_1000_gtco2 = 5.0;
  EXPECT_THAT(OptionViolations(options), IsEmpty());
}

TEST(ValidatePathwayTest, BriefPathwaysAreValid) {
  for (const Pathway& p : TpiSteelPathways()) {
    EXPECT_THAT(PathwayViolations(p), IsEmpty()) << p.name();
  }
  EXPECT_THAT(PathwayViolations(IeaNzeSteel()), IsEmpty());
}

TEST(ValidatePathwayTest, EmptyPathwayListsEveryRequiredField) {
  EXPECT_THAT(
      PathwayViolations(Pathway()),
      ElementsAre(
          Pair("pathway.display_name", "is required."),
          Pair("pathway.scenario", "is required."),
          Pair("pathway.family", "is required."),
          Pair("pathway.source", "is required."),
          Pair("pathway.release_date", _), Pair("pathway.sector", _),
          Pair("pathway.stringency_rank", _),
          Pair("pathway.points", "needs at least two points (got 0).")));
}

TEST(ValidatePathwayTest, BlankTextIsMissing) {
  Pathway p = IeaNzeSteel();
  p.set_scenario("   ");
  EXPECT_THAT(PathwayViolations(p),
              ElementsAre(Pair("pathway.scenario", "is required.")));
}

TEST(ValidatePathwayTest, ReleaseDateMustBeACalendarDate) {
  // A day is required: "2022-04" and "2022" are not release dates.
  for (const char* date :
       {"22", "21/04/2022", "2022-13-01", "2022-04-31", "2023-02-29",
        "2022-4-01", "2022-00", "2022-04", "2022", "1899-12-31"}) {
    Pathway p = IeaNzeSteel();
    p.set_release_date(date);
    EXPECT_THAT(PathwayViolations(p),
                ElementsAre(Pair("pathway.release_date",
                                 absl::StrCat("must be a date as YYYY-MM-DD "
                                              "(got \"",
                                              date, "\")."))))
        << date;
  }
  Pathway undated = IeaNzeSteel();
  undated.clear_release_date();
  EXPECT_THAT(PathwayViolations(undated),
              ElementsAre(Pair("pathway.release_date",
                               "is required (YYYY-MM-DD).")));
  for (const char* date : {"2024-02-29", "2022-04-01", "1900-01-01"}) {
    Pathway p = IeaNzeSteel();
    p.set_release_date(date);
    EXPECT_THAT(PathwayViolations(p), IsEmpty()) << date;
  }
}

TEST(ValidatePathwayTest, PointsAreCheckedWithTheirPaths) {
  Pathway p = IeaNzeSteel();
  p.clear_points();
  auto add = [&p](int year) {
    auto* pt = p.add_points();
    pt->set_year(year);
    return pt;
  };
  add(2019)->set_intensity_tco2_per_t(1.662);
  add(2019)->set_intensity_tco2_per_t(1.613);  // [1] not after 2019
  add(2030);                                   // [2] no intensity
  add(2035)->set_intensity_tco2_per_t(-0.1);   // [3] negative
  add(2040)->set_intensity_tco2_per_t(kNaN);   // [4] not finite
  add(2045)->set_intensity_tco2_per_t(101);    // [5] above 100
  add(2101)->set_intensity_tco2_per_t(0.05);   // [6] year out of range
  EXPECT_THAT(
      PathwayViolations(p),
      ElementsAre(
          Pair("pathway.points[1].year",
               "must be after 2019 (points[0].year): years must strictly "
               "increase."),
          Pair("pathway.points[2].intensity_tco2_per_t", "is required."),
          Pair("pathway.points[3].intensity_tco2_per_t",
               "must be from 0 to 100 t CO2/t (got -0.1)."),
          Pair("pathway.points[4].intensity_tco2_per_t",
               "must be from 0 to 100 t CO2/t (got nan)."),
          Pair("pathway.points[5].intensity_tco2_per_t",
               "must be from 0 to 100 t CO2/t (got 101)."),
          Pair("pathway.points[6].year", "year 2101 is outside 1990-2100.")));
}

TEST(ValidatePathwayTest, OnePointIsNotAPathway) {
  Pathway p = IeaNzeSteel();
  p.mutable_points()->DeleteSubrange(1, 3);
  EXPECT_THAT(PathwayViolations(p),
              ElementsAre(Pair("pathway.points",
                               "needs at least two points (got 1).")));
}

TEST(ValidatePathwayTest, SectorAndRank) {
  Pathway p = IeaNzeSteel();
  p.set_sector(static_cast<itp::v1::Sector>(42));
  p.set_stringency_rank(0);
  EXPECT_THAT(PathwayViolations(p),
              ElementsAre(Pair("pathway.sector", "has an unknown value 42."),
                          Pair("pathway.stringency_rank",
                               HasSubstr("must be at least 1"))));
}

TEST(ValidatePathwayTest, TemperatureAndBudgetGoTogether) {
  Pathway no_budget = IeaNzeSteel();
  no_budget.clear_global_budget_gtco2();
  EXPECT_THAT(PathwayViolations(no_budget),
              ElementsAre(Pair("pathway.global_budget_gtco2",
                               HasSubstr("is required when "
                                         "scenario_temperature_c is set"))));
  Pathway no_temperature = IeaNzeSteel();
  no_temperature.clear_scenario_temperature_c();
  EXPECT_THAT(PathwayViolations(no_temperature),
              ElementsAre(Pair("pathway.scenario_temperature_c",
                               HasSubstr("is required when "
                                         "global_budget_gtco2 is set"))));
  Pathway neither = IeaNzeSteel();
  neither.clear_scenario_temperature_c();
  neither.clear_global_budget_gtco2();
  EXPECT_THAT(PathwayViolations(neither), IsEmpty());
}

TEST(ValidatePathwayTest, TemperatureAndBudgetRanges) {
  Pathway p = IeaNzeSteel();
  p.set_scenario_temperature_c(0);
  p.set_global_budget_gtco2(10001);
  EXPECT_THAT(
      PathwayViolations(p),
      ElementsAre(Pair("pathway.scenario_temperature_c",
                       "must be above 0 and at most 10 degrees C (got 0)."),
                  Pair("pathway.global_budget_gtco2",
                       "must be above 0 and at most 10000 Gt CO2 (got "
                       "10001).")));
  p.set_scenario_temperature_c(10);
  p.set_global_budget_gtco2(10000);
  EXPECT_THAT(PathwayViolations(p), IsEmpty());
}

// ---------------------------------------------------------------------------
// Figures that explain themselves (methodology 1.1).

BenchmarkReport IndiaSteelAgainstAll() {
  std::vector<Pathway> pathways = TpiSteelPathways();
  pathways.push_back(IeaNzeSteel());
  return BenchmarkPlan(itp::testing::IndiaSteelPlan(), pathways, {});
}

// TPI 2022 Below 2 Degrees in 2030: the plan's 2.2 is above the pathway's
// 1.488 (label: Not Aligned for that scenario) while its SDA target, from the
// plan's own 2.54 in 2020 towards 0.516 in 2050, is 2.257 there, so the
// ratio is +2.5 %. The sentences say which is which.
TEST(ExplanationTest, LabelAndRatioSayWhatTheyCompare) {
  const BenchmarkReport report = IndiaSteelAgainstAll();
  const PathwayResult& below2 = ResultFor(report.sectors(0), kTpiBelow2);
  EXPECT_THAT(
      below2.explanations(),
      ElementsAre(
          "The gap and the TPI label compare the plan with the pathway "
          "itself: in 2030 the plan's 2.200 t CO2/t is 0.712 above the "
          "pathway's 1.488.",
          "The alignment ratio compares the plan with its SDA target, a "
          "convergence path that starts at the plan's own base intensity "
          "(2.540 t CO2/t in 2020) and meets the pathway in 2050 (0.516), not "
          "with the pathway itself: in 2030 the target is 2.257 and the plan "
          "2.200, a ratio of +2.5 % (positive is aligned with the target), "
          "although the plan is above the pathway itself, so its TPI label is "
          "not this scenario.",
          "Cumulative emissions compare the plan's emissions 2020-2050 (14682 "
          "Mt CO2) with the budget of its own production at the pathway's "
          "intensity (9056 Mt CO2): 1.62 times the budget.",
          "The implied temperature (1.83 C) scales that overshoot from the "
          "scenario's 1.65 C by its global budget (646 Gt CO2) and the TCRE "
          "(0.45 C per 1000 Gt CO2), so each pathway gives its own figure; "
          "the sector headline quotes the most stringent pathway."));
  // A negative ratio gets no "although".
  const PathwayResult& nze = ResultFor(report.sectors(0), kNze);
  ASSERT_THAT(nze.explanations(), SizeIs(4));
  EXPECT_THAT(nze.explanations(1),
              HasSubstr("in 2030 the target is 1.210 and the plan 2.200, a "
                        "ratio of -81.9 % (positive is aligned with the "
                        "target)."));
  // No budget: no temperature sentence.
  EXPECT_THAT(ResultFor(report.sectors(0), kTpiPledges).explanations(),
              SizeIs(3));
}

// One headline per sector: each family's label at 2030 and 2050 (not in the
// checkpoint years given) and one implied temperature, of the most stringent
// pathway: IEA NZE and TPI 1.5 Degrees both stand for 1.5 C and 396 Gt CO2
// at rank 1, and the name decides.
TEST(ExplanationTest, OneHeadlinePerSector) {
  std::vector<Pathway> pathways = TpiSteelPathways();
  pathways.push_back(IeaNzeSteel());
  const BenchmarkReport report = BenchmarkPlan(
      itp::testing::IndiaSteelPlan(), pathways, Checkpoints({2025, 2040}));
  const itp::v1::SectorHeadline& headline = report.sectors(0).headline();
  SectorBenchmark labels;
  *labels.mutable_labels() = headline.labels();
  EXPECT_THAT(LabelsOf(labels),
              ElementsAre(Label{2030, "TPI 2022", "Not Aligned", false},
                          Label{2050, "TPI 2022", "National Pledges", true},
                          Label{2030, "IEA NZE 2022", "Not Aligned", false},
                          Label{2050, "IEA NZE 2022", "Not Aligned", false}));
  EXPECT_EQ(headline.reference_pathway(), kNze);
  ASSERT_TRUE(headline.has_implied_temperature_c());
  EXPECT_EQ(headline.implied_temperature_c(),
            ResultFor(report.sectors(0), kNze).implied_temperature().itr_c());
  EXPECT_EQ(headline.summary(),
            "IRON_AND_STEEL: TPI 2022 Not Aligned in 2030 and National "
            "Pledges in 2050; IEA NZE 2022 Not Aligned in 2030 and Not "
            "Aligned in 2050; implied temperature 1.81 C against IEA Net Zero "
            "by 2050, crude steel (pathways/iea-nze-steel-2022), the most "
            "stringent pathway used.");
}

TEST(ExplanationTest, HeadlineWithoutTemperatureSaysWhy) {
  Plan plan = itp::testing::IndiaSteelPlan();
  for (auto& pt : *plan.mutable_sectors(0)->mutable_points()) {
    pt.clear_production_mt();
  }
  const BenchmarkReport report = BenchmarkPlan(plan, TpiSteelPathways(), {});
  const itp::v1::SectorHeadline& headline = report.sectors(0).headline();
  EXPECT_EQ(headline.reference_pathway(), kTpi15);
  EXPECT_FALSE(headline.has_implied_temperature_c());
  EXPECT_THAT(headline.summary(),
              HasSubstr("; no implied temperature against TPI 1.5 Degrees, "
                        "steel (2022) (pathways/tpi-steel-2022-1p5c), the "
                        "most stringent pathway used: see its messages."));
}

// In 2050 the SDA target is the pathway's own end point. ComparePlans at
// 2050 against IEA NZE (0.11, 4.3 % of India's 2.54 in 2020) used to give
// -(1.0 - 0.11) / 0.11 = -809.1 %, a figure a review memo would quote; now
// the ratio is not meaningful and the gap is given.
TEST(ExplanationTest, NearZeroTargetGivesTheGapNotARatio) {
  const Plan india = itp::testing::IndiaSteelPlan();
  std::optional<itp::v1::AlignmentRatio> compared =
      AlignmentRatioAt(india.sectors(0), IeaNzeSteel(), 2050);
  ASSERT_TRUE(compared.has_value());
  EXPECT_TRUE(compared->not_meaningful());
  EXPECT_EQ(compared->ratio(), 0.0);
  EXPECT_THAT(compared->gap(), Rel(1.0 - 0.11));
  // At 5 % exactly or above, the ratio stands: a 1.2 t/t plan's 5 % is 0.06.
  std::optional<itp::v1::AlignmentRatio> low_base = AlignmentRatioAt(
      itp::testing::SteelPlan("IND", 1.2).sectors(0), IeaNzeSteel(), 2050);
  ASSERT_TRUE(low_base.has_value());
  EXPECT_FALSE(low_base->not_meaningful());
  EXPECT_THAT(low_base->ratio(), Rel(-(0.24 - 0.11) / 0.11));

  // In a report the ratios are at base + 5 and 2030: from a 2045 base
  // (1.3 t/t) TPI 1.5 Degrees ends at 0.052, 4.0 % of it.
  Plan late = india;
  late.mutable_sectors(0)->set_base_year(2045);
  const BenchmarkReport report =
      BenchmarkPlan(late, {TpiSteelPathways()[0]}, {});
  const PathwayResult& tpi = report.sectors(0).pathways(0);
  ASSERT_THAT(tpi.alignment_ratios(), SizeIs(1));
  const itp::v1::AlignmentRatio& at_2050 = tpi.alignment_ratios(0);
  EXPECT_EQ(at_2050.year(), 2050);
  EXPECT_TRUE(at_2050.not_meaningful());
  EXPECT_EQ(at_2050.ratio(), 0.0);
  EXPECT_THAT(at_2050.target_intensity(), Rel(0.052));
  EXPECT_THAT(at_2050.gap(), Rel(1.0 - 0.052));
  EXPECT_THAT(tpi.messages(),
              ElementsAre("the SDA target in 2050 (0.052 t CO2/t) is below 5 "
                          "% of the plan's base intensity (1.300): the "
                          "alignment ratio is not meaningful; the gap to the "
                          "target is +0.948 t CO2/t."));
  ASSERT_THAT(tpi.explanations(), SizeIs(4));
  EXPECT_THAT(tpi.explanations(1),
              HasSubstr("in 2050 the target (0.052) is below 5 % of the base "
                        "intensity, so no ratio is given; the plan's 1.000 is "
                        "0.948 above it."));
}

TEST(ExplanationTest, IgnoredPointsAndYearsPastTheHorizonAreNamed) {
  Plan plan = itp::testing::IndiaSteelPlan();
  SectorPathway* sector = plan.mutable_sectors(0);
  auto* no_production = sector->add_points();
  no_production->set_year(2075);
  no_production->set_emissions_mtco2(12.0);
  auto* zero_production = sector->add_points();
  zero_production->set_year(2080);
  zero_production->set_emissions_mtco2(3.5);
  zero_production->set_production_mt(0);
  const BenchmarkReport report =
      BenchmarkPlan(plan, {IeaNzeSteel()}, Checkpoints({2030, 2060}));
  const int n = sector->points_size();
  EXPECT_THAT(
      report.sectors(0).messages(),
      ElementsAre(
          absl::StrCat("point 2075 (points[", n - 2,
                       "]) gives emissions but neither production nor "
                       "intensity: the point is ignored for intensity."),
          absl::StrCat("point 2080 (points[", n - 1,
                       "]) gives emissions (3.5 Mt CO2) with zero production: "
                       "its intensity is undefined and the point is ignored."),
          "the plan's figures for 2070, 2075, 2080 are after 2050, the "
          "benchmark horizon: the SDA target and cumulative emissions stop at "
          "2050.",
          "checkpoint 2060 is after 2050: every pathway is held at its last "
          "value, so its gap and label compare with the pathway's end point."));
}

}  // namespace
}  // namespace itp::benchmark
