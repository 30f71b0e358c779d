#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/benchmark/engine.h"
#include "tests/testing/test_plans.h"

namespace itp::benchmark {
namespace {

using ::itp::v1::Pathway;
using ::itp::v1::SectorPathway;
using ::testing::DoubleNear;
using ::testing::Optional;

// India's crude steel intensity: 2.54 t CO2/t in 2020, the official aim of
// 2.2 in 2030, 1.0 in 2050.
Series IndiaIntensity() {
  return Series({{2020, 2.54}, {2030, 2.2}, {2050, 1.0}});
}

TEST(SeriesTest, GivenYearsReturnTheirValuesExactly) {
  Series s = IndiaIntensity();
  EXPECT_EQ(s.At(2020), 2.54);
  EXPECT_EQ(s.At(2030), 2.2);
  EXPECT_EQ(s.At(2050), 1.0);
}

TEST(SeriesTest, InterpolatesLinearlyBetweenGivenYears) {
  Series s = IndiaIntensity();
  // 2.54 + (2.2 - 2.54) * 5/10 = 2.37
  EXPECT_THAT(s.At(2025), Optional(DoubleNear(2.37, 1e-12)));
  // 2.54 - 0.034 * 3 = 2.438
  EXPECT_THAT(s.At(2023), Optional(DoubleNear(2.438, 1e-12)));
  // 2.2 + (1.0 - 2.2) * 15/20 = 1.3
  EXPECT_THAT(s.At(2045), Optional(DoubleNear(1.3, 1e-12)));
}

TEST(SeriesTest, HoldsTheLastValueFlatAfterTheLastYear) {
  Series s = IndiaIntensity();
  EXPECT_EQ(s.At(2051), 1.0);
  EXPECT_EQ(s.At(2100), 1.0);
}

TEST(SeriesTest, IsUndefinedBeforeTheFirstYear) {
  Series s = IndiaIntensity();
  EXPECT_EQ(s.At(2019), std::nullopt);
  EXPECT_EQ(s.At(1990), std::nullopt);
  EXPECT_EQ(s.first_year(), 2020);
  EXPECT_EQ(s.last_year(), 2050);
}

TEST(SeriesTest, EmptySeriesIsUndefinedEverywhere) {
  Series s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.At(2030), std::nullopt);
}

TEST(SeriesTest, SinglePointIsHeldFlatFromItsYear) {
  // Gerdau's 2020 intensity, as TPI holds it.
  Series s({{2020, 0.93}});
  EXPECT_EQ(s.At(2019), std::nullopt);
  EXPECT_EQ(s.At(2020), 0.93);
  EXPECT_EQ(s.At(2050), 0.93);
}

TEST(SeriesTest, PlanIntensityDerivesIntensityFromEmissionsAndProduction) {
  SectorPathway sector;
  sector.set_sector(itp::v1::CEMENT);
  sector.set_base_year(2023);
  // Indonesia cement: 38.44 Mt CO2 / 62 Mt = 0.62 t CO2/t.
  auto* base = sector.add_points();
  base->set_year(2023);
  base->set_production_mt(62.0);
  base->set_emissions_mtco2(38.44);
  // Intensity given: it wins over emissions / production.
  auto* mid = sector.add_points();
  mid->set_year(2030);
  mid->set_production_mt(70.0);
  mid->set_intensity_tco2_per_t(0.55);
  mid->set_emissions_mtco2(38.6);
  // Emissions without production: no intensity, skipped.
  auto* no_production = sector.add_points();
  no_production->set_year(2040);
  no_production->set_emissions_mtco2(30.0);
  // Zero production: no intensity, skipped.
  auto* zero = sector.add_points();
  zero->set_year(2050);
  zero->set_production_mt(0.0);
  zero->set_emissions_mtco2(10.0);
  auto* end = sector.add_points();
  end->set_year(2060);
  end->set_production_mt(85.0);
  end->set_intensity_tco2_per_t(0.08);

  Series intensity = Series::PlanIntensity(sector);
  EXPECT_THAT(intensity.At(2023), Optional(DoubleNear(0.62, 1e-12)));
  EXPECT_EQ(intensity.At(2030), 0.55);
  // 2040 and 2050 skipped: 0.55 + (0.08 - 0.55) * 15/30 = 0.315
  EXPECT_THAT(intensity.At(2045), Optional(DoubleNear(0.315, 1e-12)));
  EXPECT_EQ(intensity.At(2060), 0.08);
}

TEST(SeriesTest, PlanProductionSkipsPointsWithoutProduction) {
  SectorPathway sector;
  auto* a = sector.add_points();
  a->set_year(2020);
  a->set_production_mt(100.3);
  a->set_intensity_tco2_per_t(2.54);
  auto* b = sector.add_points();
  b->set_year(2030);
  b->set_intensity_tco2_per_t(2.2);
  auto* c = sector.add_points();
  c->set_year(2050);
  c->set_production_mt(400.0);
  c->set_intensity_tco2_per_t(1.0);

  Series production = Series::PlanProduction(sector);
  EXPECT_EQ(production.first_year(), 2020);
  // 100.3 + (400 - 100.3) * 10/30 = 200.2
  EXPECT_THAT(production.At(2030), Optional(DoubleNear(200.2, 1e-9)));
  EXPECT_TRUE(Series::PlanProduction(SectorPathway()).empty());
}

TEST(SeriesTest, PlanIntensityOfTheIndiaSteelPlan) {
  Series s = Series::PlanIntensity(itp::testing::IndiaSteelPlan().sectors(0));
  EXPECT_EQ(s.first_year(), 2020);
  EXPECT_EQ(s.last_year(), 2070);
  // 1.0 + (0.1 - 1.0) * 10/20 = 0.55
  EXPECT_THAT(s.At(2060), Optional(DoubleNear(0.55, 1e-12)));
}

TEST(SeriesTest, PathwayIntensitySkipsPointsWithoutIntensity) {
  Pathway pathway;
  auto* a = pathway.add_points();
  a->set_year(2020);
  a->set_intensity_tco2_per_t(1.90);
  auto* b = pathway.add_points();
  b->set_year(2030);
  b->set_production_mt(1970.0);
  auto* c = pathway.add_points();
  c->set_year(2050);
  c->set_intensity_tco2_per_t(0.11);

  Series s = Series::PathwayIntensity(pathway);
  // 1.90 + (0.11 - 1.90) * 10/30 = 1.3033...
  EXPECT_THAT(s.At(2030),
              Optional(DoubleNear(1.90 + (0.11 - 1.90) / 3, 1e-12)));
  EXPECT_EQ(s.last_year(), 2050);
}

}  // namespace
}  // namespace itp::benchmark
