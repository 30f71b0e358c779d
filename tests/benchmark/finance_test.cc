#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/benchmark/engine.h"
#include "tests/testing/test_plans.h"

namespace itp::benchmark {
namespace {

using ::itp::v1::FinanceCoverage;
using ::itp::v1::Plan;
using ::itp::v1::Project;
using ::testing::DoubleNear;

Project* AddProject(Plan& plan, const char* name, Project::Status status,
                    double capex_usd, bool conditional) {
  Project* p = plan.add_projects();
  p->set_name(name);
  p->set_sector(itp::v1::IRON_AND_STEEL);
  p->set_status(status);
  p->set_capex_usd(capex_usd);
  p->set_conditional(conditional);
  return p;
}

// India steel with four projects, one of them cancelled, and a stated need.
Plan IndiaSteelWithFinance() {
  Plan plan = itp::testing::IndiaSteelPlan();
  plan.clear_projects();
  AddProject(plan, "Hydrogen DRI demonstration plant", Project::ANNOUNCED,
             600e6, false);
  AddProject(plan, "Kalinganagar electric arc furnace conversion",
             Project::UNDER_CONSTRUCTION, 1.2e9, true);
  AddProject(plan, "Green hydrogen electrolyser, Hazira", Project::OPERATING,
             400e6, true);
  AddProject(plan, "Blast furnace carbon capture pilot", Project::CANCELLED,
             150e6, true);
  plan.mutable_finance()->set_total_need_usd(200e9);
  plan.mutable_finance()->set_conditional_usd(50e9);
  return plan;
}

TEST(FinanceCoverageTest, WorkedExample) {
  FinanceCoverage coverage = ComputeFinanceCoverage(IndiaSteelWithFinance());
  // identified = 0.6 + 1.2 + 0.4 = 2.2 bn (the cancelled 0.15 bn excluded)
  EXPECT_THAT(coverage.identified_usd(), DoubleNear(2.2e9, 1e-3));
  EXPECT_EQ(coverage.need_usd(), 200e9);
  // coverage = 2.2 / 200 = 0.011
  ASSERT_TRUE(coverage.has_coverage_ratio());
  EXPECT_THAT(coverage.coverage_ratio(), DoubleNear(0.011, 1e-15));
  // conditional share of need = 50 / 200 = 0.25 (exact in binary)
  ASSERT_TRUE(coverage.has_conditional_share_of_need());
  EXPECT_EQ(coverage.conditional_share_of_need(), 0.25);
  // conditional share of identified = (1.2 + 0.4) / 2.2 = 8/11 = 0.727272...
  ASSERT_TRUE(coverage.has_conditional_share_of_identified());
  EXPECT_THAT(coverage.conditional_share_of_identified(),
              DoubleNear(8.0 / 11.0, 1e-15));
}

TEST(FinanceCoverageTest, ProjectWithoutCapexCountsAsZero) {
  Plan plan = IndiaSteelWithFinance();
  plan.add_projects()->set_name("Scrap-based mini-mill cluster, Ludhiana");
  EXPECT_THAT(ComputeFinanceCoverage(plan).identified_usd(),
              DoubleNear(2.2e9, 1e-3));
}

TEST(FinanceCoverageTest, UnstatedNeedLeavesRatiosOfNeedUnset) {
  Plan plan = IndiaSteelWithFinance();
  plan.mutable_finance()->clear_total_need_usd();
  FinanceCoverage coverage = ComputeFinanceCoverage(plan);
  EXPECT_EQ(coverage.need_usd(), 0);
  EXPECT_FALSE(coverage.has_coverage_ratio());
  EXPECT_FALSE(coverage.has_conditional_share_of_need());
  EXPECT_TRUE(coverage.has_conditional_share_of_identified());
}

TEST(FinanceCoverageTest, UnstatedConditionalAmountLeavesItsShareUnset) {
  Plan plan = IndiaSteelWithFinance();
  plan.mutable_finance()->clear_conditional_usd();
  FinanceCoverage coverage = ComputeFinanceCoverage(plan);
  EXPECT_TRUE(coverage.has_coverage_ratio());
  EXPECT_FALSE(coverage.has_conditional_share_of_need());
}

TEST(FinanceCoverageTest, NothingIdentifiedLeavesTheConditionalShareUnset) {
  Plan plan = IndiaSteelWithFinance();
  plan.clear_projects();
  AddProject(plan, "Blast furnace carbon capture pilot", Project::CANCELLED,
             150e6, true);
  FinanceCoverage coverage = ComputeFinanceCoverage(plan);
  EXPECT_EQ(coverage.identified_usd(), 0);
  EXPECT_EQ(coverage.coverage_ratio(), 0);
  EXPECT_FALSE(coverage.has_conditional_share_of_identified());
}

TEST(FinanceCoverageTest, ThePlanWithoutFinanceHasOnlyIdentifiedCapital) {
  // The India plan of the test fixtures: one 600 M USD project, no need.
  FinanceCoverage coverage =
      ComputeFinanceCoverage(itp::testing::IndiaSteelPlan());
  EXPECT_EQ(coverage.identified_usd(), 600e6);
  EXPECT_EQ(coverage.need_usd(), 0);
  EXPECT_FALSE(coverage.has_coverage_ratio());
  EXPECT_FALSE(coverage.has_conditional_share_of_need());
  EXPECT_EQ(coverage.conditional_share_of_identified(), 0);
}

}  // namespace
}  // namespace itp::benchmark
