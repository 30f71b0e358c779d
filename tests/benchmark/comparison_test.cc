// Tests of the peer comparison of ComparePlans (benchmark/comparison.h): the
// default reference pathway, the rows of each plan and their ranking.

#include "server/benchmark/comparison.h"

#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_service.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/benchmark/reference_pathways.h"
#include "tests/testing/test_plans.h"

namespace itp::benchmark {
namespace {

using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::testing::SteelPlan;
using ::itp::v1::Pathway;
using ::itp::v1::Plan;
using ::itp::v1::PlanComparison;
using ::itp::v1::PlanRevision;
using ::itp::v1::Sector;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::SizeIs;

constexpr char kNzeSteel[] = "pathways/iea-nze-steel-2022";
constexpr char kNzeCement[] = "pathways/iea-nze-cement-2022";
constexpr char kTpiSteel15[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kTpiSteelBelow2[] = "pathways/tpi-steel-2022-below-2c";
constexpr char kTpiSteelPledges[] = "pathways/tpi-steel-2022-national-pledges";

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070/revisions/1";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2060/revisions/2";
constexpr char kSouthAfricaSteel[] =
    "countries/ZAF/plans/steel-2050/revisions/1";
constexpr char kVietnamSteel[] = "countries/VNM/plans/steel-2050/revisions/3";
constexpr char kIndonesiaSteel[] = "countries/IDN/plans/steel-2060/revisions/1";
constexpr char kIndonesiaCement[] =
    "countries/IDN/plans/cement-2060/revisions/1";

Matcher<double> Near(double expected) { return DoubleNear(expected, 1e-9); }

// The shipped pathways of `sector`.
std::vector<Pathway> ShippedPathways(Sector sector) {
  std::vector<Pathway> of_sector;
  for (const Pathway& p : ReferencePathways()) {
    if (p.sector() == sector) of_sector.push_back(p);
  }
  return of_sector;
}

Pathway ShippedPathway(absl::string_view name) {
  for (const Pathway& p : ReferencePathways()) {
    if (p.name() == name) return p;
  }
  ADD_FAILURE() << "no shipped pathway " << name;
  return Pathway();
}

// A national steel pathway as an admin would add it (not built in), more
// stringent than any shipped one and first by name.
Pathway IndiaNationalSteelPathway() {
  Pathway p;
  p.set_name("pathways/bee-india-steel-2023");
  p.set_display_name("BEE India green steel taxonomy (2023)");
  p.set_sector(itp::v1::IRON_AND_STEEL);
  p.set_scenario("Green steel taxonomy");
  p.set_stringency_rank(1);
  p.set_family("BEE India");
  p.set_built_in(false);
  const std::vector<std::pair<int, double>> points = {
      {2020, 2.5}, {2030, 2.0}, {2050, 0.0}};
  for (auto [year, intensity] : points) {
    auto* point = p.add_points();
    point->set_year(year);
    point->set_intensity_tco2_per_t(intensity);
  }
  return p;
}

PlanRevision Revision(absl::string_view name, const Plan& plan) {
  PlanRevision revision;
  revision.set_name(std::string(name));
  revision.set_revision(1);
  *revision.mutable_plan() = plan;
  revision.mutable_plan()->set_state(Plan::SUBMITTED);
  return revision;
}

// A steel plan of `country` from base year 2022 through the given
// (year, t CO2/t) points, with production.
Plan SteelPlanThrough(const std::string& country,
                      std::vector<std::pair<int, double>> points) {
  Plan plan;
  plan.set_display_name(country + " steel roadmap");
  auto* sector = plan.add_sectors();
  sector->set_sector(itp::v1::IRON_AND_STEEL);
  sector->set_base_year(points.front().first);
  for (auto [year, intensity] : points) {
    auto* point = sector->add_points();
    point->set_year(year);
    point->set_production_mt(20.0);
    point->set_intensity_tco2_per_t(intensity);
  }
  return plan;
}

// Vietnam: 2.3 t CO2/t in 2022, a round 1.5 in 2030, 0.4 in 2050.
Plan VietnamSteelPlan() {
  return SteelPlanThrough("VNM", {{2022, 2.3}, {2030, 1.5}, {2050, 0.4}});
}

// South Africa: 1.9 in 2022, the same round 1.5 in 2030, 0.5 in 2050.
Plan SouthAfricaSteelPlan() {
  return SteelPlanThrough("ZAF", {{2022, 1.9}, {2030, 1.5}, {2050, 0.5}});
}

// Indonesia: a steel pathway that starts in 2032.
Plan IndonesiaLateSteelPlan() {
  return SteelPlanThrough("IDN", {{2032, 2.1}, {2050, 0.6}});
}

std::vector<std::string> RevisionsOf(const std::vector<PlanComparison>& rows) {
  std::vector<std::string> names;
  for (const PlanComparison& row : rows) names.push_back(row.plan_revision());
  return names;
}

// ---------------------------------------------------------------------------
// DefaultComparisonPathway.

// Steel ships TPI 1.5 Degrees and IEA NZE at stringency rank 1; the name
// breaks the tie: "pathways/iea-..." < "pathways/tpi-..." ('i' < 't').
TEST(DefaultComparisonPathwayTest, IsTheMostStringentShippedPathwayByName) {
  std::optional<Pathway> steel =
      DefaultComparisonPathway(ShippedPathways(itp::v1::IRON_AND_STEEL));
  ASSERT_TRUE(steel.has_value());
  EXPECT_EQ(steel->name(), kNzeSteel);

  std::optional<Pathway> cement =
      DefaultComparisonPathway(ShippedPathways(itp::v1::CEMENT));
  ASSERT_TRUE(cement.has_value());
  EXPECT_EQ(cement->name(), kNzeCement);

  // Pulp and paper has TPI only: Below 2 Degrees (rank 1) and 2 Degrees.
  std::optional<Pathway> paper =
      DefaultComparisonPathway(ShippedPathways(itp::v1::PULP_AND_PAPER));
  ASSERT_TRUE(paper.has_value());
  EXPECT_EQ(paper->name(), "pathways/tpi-pulp-paper-2021-below-2c");
}

TEST(DefaultComparisonPathwayTest, DoesNotDependOnTheOrderGiven) {
  std::vector<Pathway> steel = ShippedPathways(itp::v1::IRON_AND_STEEL);
  std::vector<Pathway> reversed(steel.rbegin(), steel.rend());

  std::optional<Pathway> chosen = DefaultComparisonPathway(reversed);

  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->name(), kNzeSteel);
}

TEST(DefaultComparisonPathwayTest, LowestStringencyRankWins) {
  std::optional<Pathway> chosen = DefaultComparisonPathway(
      {ShippedPathway(kTpiSteelPledges), ShippedPathway(kTpiSteelBelow2),
       ShippedPathway(kTpiSteel15)});
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->name(), kTpiSteel15);

  chosen = DefaultComparisonPathway(
      {ShippedPathway(kTpiSteelPledges), ShippedPathway(kTpiSteelBelow2)});
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->name(), kTpiSteelBelow2);
}

TEST(DefaultComparisonPathwayTest, ReturnsTheWholePathway) {
  std::optional<Pathway> chosen =
      DefaultComparisonPathway(ShippedPathways(itp::v1::IRON_AND_STEEL));
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->SerializeAsString(),
            ShippedPathway(kNzeSteel).SerializeAsString());
}

TEST(DefaultComparisonPathwayTest, AdminPathwaysAreNeverChosen) {
  std::vector<Pathway> steel = ShippedPathways(itp::v1::IRON_AND_STEEL);
  // Rank 1 and first by name, but not shipped.
  steel.insert(steel.begin(), IndiaNationalSteelPathway());

  std::optional<Pathway> chosen = DefaultComparisonPathway(steel);

  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->name(), kNzeSteel);
}

TEST(DefaultComparisonPathwayTest, NoShippedPathwayGivesNone) {
  EXPECT_EQ(DefaultComparisonPathway({}), std::nullopt);
  EXPECT_EQ(DefaultComparisonPathway({IndiaNationalSteelPathway()}),
            std::nullopt);
}

// ---------------------------------------------------------------------------
// AppendComparisons.

// India: 2.54 t CO2/t in 2020, 2.2 in 2030, 1.0 in 2050, 0.1 in 2070.
// Against IEA NZE steel (1.90 in 2020, 0.92 in 2030, 0.43 in 2040, 0.11 in
// 2050) in 2030, with the SDA target from the base year 2020:
//   d = I_plan(2020) - I_sc(2050) = 2.54 - 0.11 = 2.43
//   p = (I_sc(2030) - I_sc(2050)) / (I_sc(2020) - I_sc(2050))
//     = (0.92 - 0.11) / (1.90 - 0.11) = 0.81 / 1.79 = 0.4525140...
//   target = d p + I_sc(2050) = 2.43 x 0.4525140 + 0.11 = 1.2096089...
//   ratio = -(2.2 - 1.2096089) / 1.2096089 = -0.8187696...
TEST(AppendComparisonsTest, RowHasIntensityAndRatioAtTheYear) {
  const Pathway nze = ShippedPathway(kNzeSteel);
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndiaSteel, IndiaSteelPlan()), "IND",
                    itp::v1::IRON_AND_STEEL, &nze, 2030, &rows);

  ASSERT_THAT(rows, SizeIs(1));
  const PlanComparison& row = rows[0];
  EXPECT_EQ(row.plan_revision(), kIndiaSteel);
  EXPECT_EQ(row.country(), "IND");
  EXPECT_EQ(row.display_name(), "India green steel roadmap");
  ASSERT_TRUE(row.has_intensity());
  EXPECT_THAT(row.intensity(), Near(2.2));
  const double target = 2.43 * 0.81 / 1.79 + 0.11;
  EXPECT_THAT(target, Near(1.2096089385));
  ASSERT_TRUE(row.has_alignment_ratio());
  EXPECT_THAT(row.alignment_ratio(), Near(-(2.2 - target) / target));
  EXPECT_THAT(row.alignment_ratio(), Near(-0.8187696287));
  // Ranks are RankComparisons' job.
  EXPECT_EQ(row.intensity_rank(), 0);
  EXPECT_EQ(row.alignment_rank(), 0);
}

// Between plan points the intensity is linear:
//   2025: 2.54 + (2.2 - 2.54) x 5/10 = 2.54 - 0.17 = 2.37
//   2040: 2.2 + (1.0 - 2.2) x 10/20 = 2.2 - 0.6 = 1.6
//   2063: 1.0 + (0.1 - 1.0) x 13/20 = 1.0 - 0.585 = 0.415
// and flat after the last point (2080: 0.1).
TEST(AppendComparisonsTest, IntensityIsInterpolatedBetweenPlanPoints) {
  struct Case {
    int year;
    double intensity;
  };
  for (const Case& c : {Case{2020, 2.54}, Case{2025, 2.37}, Case{2040, 1.6},
                        Case{2063, 0.415}, Case{2070, 0.1}, Case{2080, 0.1}}) {
    SCOPED_TRACE(c.year);
    std::vector<PlanComparison> rows;
    AppendComparisons(Revision(kIndiaSteel, IndiaSteelPlan()), "IND",
                      itp::v1::IRON_AND_STEEL, nullptr, c.year, &rows);
    ASSERT_THAT(rows, SizeIs(1));
    ASSERT_TRUE(rows[0].has_intensity());
    EXPECT_THAT(rows[0].intensity(), Near(c.intensity));
  }
}

// Indonesia cement: 0.62 in 2023, 0.55 in 2030, 0.08 in 2060. IEA NZE
// cement: 0.59 in 2020, 0.45 in 2030, 0.22 in 2040, 0.03 in 2050.
//   2040 intensity: 0.55 + (0.08 - 0.55) x 10/30 = 0.55 - 0.1566667
//                 = 0.3933333
//   I_sc(2023) = 0.59 + (0.45 - 0.59) x 3/10 = 0.59 - 0.042 = 0.548
//   2030: d = 0.62 - 0.03 = 0.59, p = (0.45 - 0.03) / (0.548 - 0.03)
//         = 0.42 / 0.518, target = 0.59 x 0.42 / 0.518 + 0.03 = 0.5083784
//         ratio = -(0.55 - 0.5083784) / 0.5083784 = -0.0818713
TEST(AppendComparisonsTest, CementPlanAgainstTheCementPathway) {
  const Pathway nze = ShippedPathway(kNzeCement);
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndonesiaCement, IndonesiaCementPlan()), "IDN",
                    itp::v1::CEMENT, &nze, 2030, &rows);
  AppendComparisons(Revision(kIndonesiaCement, IndonesiaCementPlan()), "IDN",
                    itp::v1::CEMENT, nullptr, 2040, &rows);

  ASSERT_THAT(rows, SizeIs(2));
  EXPECT_EQ(rows[0].display_name(), "Indonesia cement roadmap to 2060");
  EXPECT_THAT(rows[0].intensity(), Near(0.55));
  const double target = 0.59 * 0.42 / 0.518 + 0.03;
  ASSERT_TRUE(rows[0].has_alignment_ratio());
  EXPECT_THAT(rows[0].alignment_ratio(), Near(-(0.55 - target) / target));
  EXPECT_THAT(rows[0].alignment_ratio(), Near(-0.0818713450));
  EXPECT_THAT(rows[1].intensity(), Near(0.55 - 0.47 / 3));
  EXPECT_FALSE(rows[1].has_alignment_ratio());
}

TEST(AppendComparisonsTest, WithoutAReferenceThereIsNoRatio) {
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndiaSteel, IndiaSteelPlan()), "IND",
                    itp::v1::IRON_AND_STEEL, nullptr, 2030, &rows);

  ASSERT_THAT(rows, SizeIs(1));
  EXPECT_THAT(rows[0].intensity(), Near(2.2));
  EXPECT_FALSE(rows[0].has_alignment_ratio());
}

TEST(AppendComparisonsTest, PlanWithoutTheSectorAddsNoRow) {
  const Pathway nze = ShippedPathway(kNzeCement);
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndiaSteel, IndiaSteelPlan()), "IND",
                    itp::v1::CEMENT, &nze, 2030, &rows);

  EXPECT_THAT(rows, IsEmpty());
}

TEST(AppendComparisonsTest, OneRowPerPathwayOfTheSector) {
  // India's plan with a second steel pathway (the scrap-EAF route) and
  // Indonesia's cement pathway.
  Plan plan = IndiaSteelPlan();
  *plan.add_sectors() = IndonesiaCementPlan().sectors(0);
  *plan.add_sectors() = SteelPlan("IND", 1.2).sectors(0);
  const Pathway nze = ShippedPathway(kNzeSteel);
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndiaSteel, plan), "IND", itp::v1::IRON_AND_STEEL,
                    &nze, 2050, &rows);

  // 2050: 1.0 on the first pathway; 1.2 / 5 = 0.24 on the second. The SDA
  // target in 2050 is the pathway's 0.11: below 5 % of the first pathway's
  // base intensity (2.54 x 0.05 = 0.127), so no ratio there, only the gap
  // 1.0 - 0.11; above 5 % of the second's (1.2 x 0.05 = 0.06).
  ASSERT_THAT(rows, SizeIs(2));
  EXPECT_THAT(RevisionsOf(rows), ElementsAre(kIndiaSteel, kIndiaSteel));
  EXPECT_THAT(rows[0].intensity(), Near(1.0));
  EXPECT_THAT(rows[1].intensity(), Near(0.24));
  EXPECT_FALSE(rows[0].has_alignment_ratio());
  EXPECT_TRUE(rows[0].alignment_ratio_not_meaningful());
  EXPECT_THAT(rows[0].alignment_gap(), Near(1.0 - 0.11));
  EXPECT_TRUE(rows[1].has_alignment_ratio());
  EXPECT_FALSE(rows[1].alignment_ratio_not_meaningful());
  EXPECT_THAT(rows[1].alignment_ratio(), Near(-(0.24 - 0.11) / 0.11));
  EXPECT_THAT(rows[1].alignment_gap(), Near(0.24 - 0.11));
}

TEST(AppendComparisonsTest, RowsAreAppendedAfterExistingOnes) {
  std::vector<PlanComparison> rows(1);
  rows[0].set_plan_revision(kBrazilSteel);

  AppendComparisons(Revision(kIndiaSteel, IndiaSteelPlan()), "IND",
                    itp::v1::IRON_AND_STEEL, nullptr, 2030, &rows);

  EXPECT_THAT(RevisionsOf(rows), ElementsAre(kBrazilSteel, kIndiaSteel));
}

TEST(AppendComparisonsTest, PlanStartingAfterTheYearHasNoValues) {
  const Pathway nze = ShippedPathway(kNzeSteel);
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndonesiaSteel, IndonesiaLateSteelPlan()), "IDN",
                    itp::v1::IRON_AND_STEEL, &nze, 2030, &rows);

  ASSERT_THAT(rows, SizeIs(1));
  EXPECT_EQ(rows[0].plan_revision(), kIndonesiaSteel);
  EXPECT_EQ(rows[0].country(), "IDN");
  EXPECT_FALSE(rows[0].has_intensity());
  EXPECT_FALSE(rows[0].has_alignment_ratio());
}

// The SDA target runs to 2050: after it there is an intensity but no ratio.
TEST(AppendComparisonsTest, YearAfter2050HasNoRatio) {
  const Pathway nze = ShippedPathway(kNzeSteel);
  std::vector<PlanComparison> rows;

  AppendComparisons(Revision(kIndiaSteel, IndiaSteelPlan()), "IND",
                    itp::v1::IRON_AND_STEEL, &nze, 2060, &rows);

  ASSERT_THAT(rows, SizeIs(1));
  // 1.0 + (0.1 - 1.0) x 10/20 = 0.55.
  EXPECT_THAT(rows[0].intensity(), Near(0.55));
  EXPECT_FALSE(rows[0].has_alignment_ratio());
}

// ---------------------------------------------------------------------------
// RankComparisons.

PlanComparison Row(absl::string_view revision, std::optional<double> intensity,
                   std::optional<double> ratio) {
  PlanComparison row;
  row.set_plan_revision(std::string(revision));
  row.set_country(std::string(revision.substr(10, 3)));
  if (intensity) row.set_intensity(*intensity);
  if (ratio) row.set_alignment_ratio(*ratio);
  return row;
}

struct Ranked {
  std::string revision;
  int intensity_rank;
  int alignment_rank;
  bool operator==(const Ranked& other) const {
    return revision == other.revision &&
           intensity_rank == other.intensity_rank &&
           alignment_rank == other.alignment_rank;
  }
  friend std::ostream& operator<<(std::ostream& os, const Ranked& r) {
    return os << r.revision << " (intensity " << r.intensity_rank
              << ", alignment " << r.alignment_rank << ")";
  }
};

std::vector<Ranked> RanksOf(const std::vector<PlanComparison>& rows) {
  std::vector<Ranked> ranked;
  for (const PlanComparison& row : rows) {
    ranked.push_back(
        {row.plan_revision(), row.intensity_rank(), row.alignment_rank()});
  }
  return ranked;
}

TEST(RankComparisonsTest, NoRowsStayNone) {
  std::vector<PlanComparison> rows;
  RankComparisons(rows);
  EXPECT_THAT(rows, IsEmpty());
}

TEST(RankComparisonsTest, RanksIntensityAscendingAndRatioDescending) {
  std::vector<PlanComparison> rows = {
      Row(kIndiaSteel, 2.2, -0.82),
      Row(kBrazilSteel, 1.47, -0.44),
      Row(kSouthAfricaSteel, 1.85, -0.45),
      Row(kVietnamSteel, 1.5, -0.23),
  };

  RankComparisons(rows);

  EXPECT_THAT(
      RanksOf(rows),
      ElementsAre(Ranked{kBrazilSteel, 1, 2}, Ranked{kVietnamSteel, 2, 1},
                  Ranked{kSouthAfricaSteel, 3, 3}, Ranked{kIndiaSteel, 4, 4}));
  // The rows keep their values.
  EXPECT_THAT(rows[0].intensity(), Near(1.47));
  EXPECT_THAT(rows[0].alignment_ratio(), Near(-0.44));
  EXPECT_EQ(rows[0].country(), "BRA");
}

TEST(RankComparisonsTest, PositiveRatiosRankAboveNegativeOnes) {
  std::vector<PlanComparison> rows = {
      Row(kIndiaSteel, 1.3, -0.05),
      Row(kBrazilSteel, 1.0, 0.12),
  };

  RankComparisons(rows);

  EXPECT_THAT(RanksOf(rows), ElementsAre(Ranked{kBrazilSteel, 1, 1},
                                         Ranked{kIndiaSteel, 2, 2}));
}

TEST(RankComparisonsTest, RowsWithoutValuesRankLast) {
  std::vector<PlanComparison> rows = {
      Row(kIndonesiaSteel, std::nullopt, std::nullopt),
      Row(kIndiaSteel, 2.2, -0.82),
      Row(kSouthAfricaSteel, 1.85, std::nullopt),
      Row(kBrazilSteel, 1.47, -0.44),
  };

  RankComparisons(rows);

  // Ratios: BRA -0.44 (1), IND -0.82 (2); IDN and ZAF have none (rank 0).
  // Intensities: BRA, ZAF, IND, then IDN without one (rank 0, last).
  EXPECT_THAT(
      RanksOf(rows),
      ElementsAre(Ranked{kBrazilSteel, 1, 1}, Ranked{kSouthAfricaSteel, 2, 0},
                  Ranked{kIndiaSteel, 3, 2}, Ranked{kIndonesiaSteel, 0, 0}));
}

TEST(RankComparisonsTest, FullTiesShareRanksAndKeepTheInputOrder) {
  std::vector<PlanComparison> rows = {
      Row(kVietnamSteel, 1.5, -0.2),
      Row(kSouthAfricaSteel, 1.5, -0.2),
      Row(kIndonesiaSteel, std::nullopt, std::nullopt),
      Row(kIndiaSteel, std::nullopt, std::nullopt),
  };

  RankComparisons(rows);

  EXPECT_THAT(
      RanksOf(rows),
      ElementsAre(Ranked{kVietnamSteel, 1, 1}, Ranked{kSouthAfricaSteel, 1, 1},
                  Ranked{kIndonesiaSteel, 0, 0}, Ranked{kIndiaSteel, 0, 0}));
}

TEST(RankComparisonsTest, RatioTiesShareARank) {
  std::vector<PlanComparison> rows = {
      Row(kSouthAfricaSteel, 1.85, -0.45),
      Row(kBrazilSteel, 1.47, -0.45),
  };

  RankComparisons(rows);

  EXPECT_THAT(RanksOf(rows), ElementsAre(Ranked{kBrazilSteel, 1, 1},
                                         Ranked{kSouthAfricaSteel, 2, 1}));
}

TEST(RankComparisonsTest, ThreeWayTiesSkipTheNextRanks) {
  std::vector<PlanComparison> rows = {
      Row(kIndiaSteel, 2.2, -0.82),
      Row(kSouthAfricaSteel, 1.5, -0.45),
      Row(kVietnamSteel, 1.5, -0.45),
      Row(kBrazilSteel, 1.5, -0.45),
  };

  RankComparisons(rows);

  // Standard competition ranking: 1, 1, 1, 4.
  EXPECT_THAT(
      RanksOf(rows),
      ElementsAre(Ranked{kSouthAfricaSteel, 1, 1}, Ranked{kVietnamSteel, 1, 1},
                  Ranked{kBrazilSteel, 1, 1}, Ranked{kIndiaSteel, 4, 4}));
}

// At 2050 against a near-zero pathway no ratio is meaningful: the rows are
// ranked by their gap to the target, after every row with a ratio.
TEST(RankComparisonsTest, GapsRankAfterRatiosSmallestFirst) {
  std::vector<PlanComparison> rows(3);
  rows[0].set_plan_revision(kIndiaSteel);
  rows[0].set_intensity(1.0);
  rows[0].set_alignment_gap(0.89);
  rows[0].set_alignment_ratio_not_meaningful(true);
  rows[1].set_plan_revision(kBrazilSteel);
  rows[1].set_intensity(0.38);
  rows[1].set_alignment_gap(0.27);
  rows[1].set_alignment_ratio_not_meaningful(true);
  rows[2] = Row(kVietnamSteel, 0.24, -1.18);

  RankComparisons(rows);

  EXPECT_THAT(
      RanksOf(rows),
      ElementsAre(Ranked{kVietnamSteel, 1, 1}, Ranked{kBrazilSteel, 2, 2},
                  Ranked{kIndiaSteel, 3, 3}));
}

// Equal intensities share the rank and are listed better aligned first.
TEST(RankComparisonsTest, IntensityTiesGoBetterAlignedFirst) {
  std::vector<PlanComparison> rows = {
      Row(kSouthAfricaSteel, 1.5, -0.47),
      Row(kVietnamSteel, 1.5, -0.23),
  };

  RankComparisons(rows);

  EXPECT_THAT(RanksOf(rows), ElementsAre(Ranked{kVietnamSteel, 1, 1},
                                         Ranked{kSouthAfricaSteel, 1, 2}));
}

// ---------------------------------------------------------------------------
// ComparePlans as the service does it: the default pathway, the rows of
// every plan, then the ranks.
//
// Against IEA NZE steel in 2030. The plans below start in 2022, where
//   I_sc(2022) = 1.90 + (0.92 - 1.90) x 2/10 = 1.704
//   p(2030) = (0.92 - 0.11) / (1.704 - 0.11) = 0.81 / 1.594 = 0.5081556
//   target = (I_plan(2022) - 0.11) x 0.5081556 + 0.11
// Brazil, SteelPlan(1.9): 1.9 in 2022, 0.38 in 2050, so in 2030
//   1.9 + (0.38 - 1.9) x 8/28 = 1.4657143; target = 1.79 x 0.5081556 + 0.11
//   = 1.0195985; ratio = -(1.4657143 - 1.0195985) / 1.0195985 = -0.4375407
// South Africa, 1.9 -> 1.5 in 2030: the same target 1.0195985;
//   ratio = -(1.5 - 1.0195985) / 1.0195985 = -0.4711673
// Vietnam, 2.3 -> 1.5 in 2030: target = 2.19 x 0.5081556 + 0.11 = 1.2228607;
//   ratio = -(1.5 - 1.2228607) / 1.2228607 = -0.2266319
// India (base 2020, above): 2.2 and -0.8187696.
// Indonesia starts in 2032: neither value.
TEST(ComparePlansFlowTest, PeersOfASectorAreRankedAgainstTheDefaultPathway) {
  std::vector<PlanRevision> revisions = {
      Revision(kIndiaSteel, IndiaSteelPlan()),
      Revision(kIndonesiaCement, IndonesiaCementPlan()),
      Revision(kIndonesiaSteel, IndonesiaLateSteelPlan()),
      Revision(kBrazilSteel, SteelPlan("BRA", 1.9)),
      Revision(kVietnamSteel, VietnamSteelPlan()),
  };
  std::optional<Pathway> reference =
      DefaultComparisonPathway(ShippedPathways(itp::v1::IRON_AND_STEEL));
  ASSERT_TRUE(reference.has_value());
  ASSERT_EQ(reference->name(), kNzeSteel);

  std::vector<PlanComparison> rows;
  for (const PlanRevision& revision : revisions) {
    AppendComparisons(revision, revision.name().substr(10, 3),
                      itp::v1::IRON_AND_STEEL, &*reference, 2030, &rows);
  }
  RankComparisons(rows);

  EXPECT_THAT(
      RanksOf(rows),
      ElementsAre(Ranked{kBrazilSteel, 1, 2}, Ranked{kVietnamSteel, 2, 1},
                  Ranked{kIndiaSteel, 3, 3}, Ranked{kIndonesiaSteel, 0, 0}));
  ASSERT_THAT(rows, SizeIs(4));
  EXPECT_THAT(rows[0].intensity(), Near(1.9 - 1.52 * 8 / 28));
  EXPECT_THAT(rows[0].intensity(), Near(1.4657142857));
  EXPECT_THAT(rows[0].alignment_ratio(), Near(-0.4375406533));
  EXPECT_EQ(rows[0].display_name(), "BRA crude steel pathway");
  EXPECT_THAT(rows[1].intensity(), Near(1.5));
  EXPECT_THAT(rows[1].alignment_ratio(), Near(-0.2266319181));
  EXPECT_EQ(rows[1].country(), "VNM");
  EXPECT_THAT(rows[2].alignment_ratio(), Near(-0.8187696287));
  EXPECT_FALSE(rows[3].has_intensity());
  EXPECT_FALSE(rows[3].has_alignment_ratio());
}

// South Africa and Vietnam both aim at a round 1.5 t CO2/t in 2030; South
// Africa is listed first; Vietnam (better aligned) goes first, both at
// intensity rank 1.
TEST(ComparePlansFlowTest, EqualIntensitiesGoBetterAlignedFirst) {
  const Pathway nze = ShippedPathway(kNzeSteel);
  std::vector<PlanComparison> rows;
  AppendComparisons(Revision(kSouthAfricaSteel, SouthAfricaSteelPlan()), "ZAF",
                    itp::v1::IRON_AND_STEEL, &nze, 2030, &rows);
  AppendComparisons(Revision(kVietnamSteel, VietnamSteelPlan()), "VNM",
                    itp::v1::IRON_AND_STEEL, &nze, 2030, &rows);
  ASSERT_THAT(rows, SizeIs(2));
  EXPECT_THAT(rows[0].alignment_ratio(), Near(-0.4711673353));
  EXPECT_THAT(rows[1].alignment_ratio(), Near(-0.2266319181));

  RankComparisons(rows);

  EXPECT_THAT(RanksOf(rows), ElementsAre(Ranked{kVietnamSteel, 1, 1},
                                         Ranked{kSouthAfricaSteel, 1, 2}));
}

}  // namespace
}  // namespace itp::benchmark
