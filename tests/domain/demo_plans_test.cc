#include "server/demo/demo_plans.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/benchmark/progress.h"
#include "server/domain/errors.h"
#include "server/domain/plan_validation.h"
#include "server/domain/progress_validation.h"
#include "server/domain/resource_names.h"

namespace itp::domain {
namespace {

using ::itp::demo::DemoPlan;
using ::itp::demo::DemoPlans;
using ::itp::v1::Plan;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;

std::vector<DemoPlan> LoadDemoPlans() {
  absl::StatusOr<std::vector<DemoPlan>> plans = DemoPlans();
  EXPECT_TRUE(plans.ok()) << plans.status();
  return plans.ok() ? *std::move(plans) : std::vector<DemoPlan>();
}

TEST(DemoPlansTest, DemoPlansParse) {
  absl::StatusOr<std::vector<DemoPlan>> plans = DemoPlans();
  ASSERT_TRUE(plans.ok()) << plans.status();
  EXPECT_THAT(*plans, ::testing::Not(IsEmpty()));
}

TEST(DemoPlansTest, EveryDemoPlanHasValidContent) {
  for (const DemoPlan& demo : LoadDemoPlans()) {
    SCOPED_TRACE(absl::StrCat(demo.parent, "/plans/", demo.plan_id));
    FieldViolations violations;
    ValidatePlanContent(demo.plan, "plan", &violations);
    EXPECT_THAT(violations.violations(), IsEmpty());
  }
}

TEST(DemoPlansTest, EveryDemoPlanCanBeSubmitted) {
  for (const DemoPlan& demo : LoadDemoPlans()) {
    SCOPED_TRACE(demo.plan_id);
    EXPECT_TRUE(ValidateForSubmission(demo.plan).ok());
  }
}

TEST(DemoPlansTest, ParentsAreValidCountries) {
  for (const DemoPlan& demo : LoadDemoPlans()) {
    SCOPED_TRACE(demo.parent);
    absl::StatusOr<std::string> country =
        ParseCountryParent(demo.parent, /*allow_wildcard=*/false, "parent");
    ASSERT_TRUE(country.ok()) << country.status();
    EXPECT_EQ(demo.parent, absl::StrCat("countries/", *country));
  }
}

TEST(DemoPlansTest, NamesAreValidAndUnique) {
  std::set<std::string> names;
  for (const DemoPlan& demo : LoadDemoPlans()) {
    std::string name = absl::StrCat(demo.parent, "/plans/", demo.plan_id);
    SCOPED_TRACE(name);
    EXPECT_THAT(PlanIdProblem(demo.plan_id), IsEmpty());
    EXPECT_TRUE(ParsePlanName(name, "name").ok());
    EXPECT_TRUE(names.insert(name).second) << "duplicate";
  }
}

TEST(DemoPlansTest, DemoPlansHoldContentOnly) {
  for (const DemoPlan& demo : LoadDemoPlans()) {
    SCOPED_TRACE(demo.plan_id);
    EXPECT_EQ(demo.plan.name(), "");
    EXPECT_EQ(demo.plan.state(), Plan::STATE_UNSPECIFIED);
    EXPECT_EQ(demo.plan.revision(), 0);
    EXPECT_EQ(demo.plan.etag(), "");
    EXPECT_FALSE(demo.plan.has_create_time());
  }
}

TEST(DemoPlansTest, CoverTheCountriesOfTheDomainBrief) {
  std::set<std::string> parents;
  for (const DemoPlan& demo : LoadDemoPlans()) parents.insert(demo.parent);
  EXPECT_THAT(parents,
              IsSupersetOf({"countries/IND", "countries/IDN", "countries/VNM",
                            "countries/BRA", "countries/ZAF"}));
}

// Each demo progress report is valid against its (submitted) demo plan and
// shows one status of section 6: India steel 2023 is 2.1 % behind
// (P(2023) = 2.54 + (2.2 - 2.54) * 3/10 = 2.438; dev = (2.49 - 2.438) /
// 2.438 = 0.02133 > 0.02), Viet Nam cement 2025 is not on track
// (P(2025) = 0.64 - 0.12 * 2/7 = 0.605714; dev = (0.67 - 0.605714) /
// 0.605714 = 0.10613 > 0.10) and Indonesia cement 2025 is on track
// (P(2025) = 0.62 - 0.07 * 2/7 = 0.60; dev = -0.01667; r_obs = (0.59 /
// 0.62)^(1/2) - 1 = -0.02451, r_req = (0.55 / 0.59)^(1/5) - 1 = -0.01394,
// not below r_obs - 0.01).
TEST(DemoPlansTest, DemoProgressReportsAreValidAndShowEachStatus) {
  auto reports = demo::DemoProgressReports();
  ASSERT_TRUE(reports.ok()) << reports.status();
  std::vector<DemoPlan> plans = LoadDemoPlans();
  std::vector<std::pair<std::string, double>> deviations;
  std::set<int> statuses;
  for (const demo::DemoProgressReport& report : *reports) {
    SCOPED_TRACE(report.plan);
    const DemoPlan* plan = nullptr;
    for (const DemoPlan& p : plans) {
      if (absl::StrCat(p.parent, "/plans/", p.plan_id) == report.plan) {
        plan = &p;
      }
    }
    ASSERT_NE(plan, nullptr);
    EXPECT_TRUE(plan->submit) << "reports need a submitted plan";
    FieldViolations violations;
    ValidateProgressReportContent(report.report, plan->plan,
                                  report.reporting_year, "progress_report",
                                  &violations);
    EXPECT_TRUE(violations.empty()) << violations.ToStatus();
    itp::v1::PlanProgress progress = benchmark::AssessProgress(
        plan->plan, report.report, {}, benchmark::ProgressOptions());
    statuses.insert(progress.status());
    ASSERT_EQ(progress.sectors_size(), 1);
    deviations.emplace_back(report.plan,
                            progress.sectors(0).intensity().deviation());
  }
  ASSERT_EQ(deviations.size(), 3u);
  EXPECT_EQ(deviations[0].first, "countries/IND/plans/steel-2070");
  EXPECT_NEAR(deviations[0].second, (2.49 - 2.438) / 2.438, 1e-12);
  EXPECT_EQ(deviations[1].first, "countries/VNM/plans/cement-2050");
  EXPECT_NEAR(deviations[1].second,
              (0.67 - (0.64 - 0.12 * 2 / 7.0)) / (0.64 - 0.12 * 2 / 7.0),
              1e-12);
  EXPECT_EQ(deviations[2].first, "countries/IDN/plans/cement-2060");
  EXPECT_NEAR(deviations[2].second, (0.59 - 0.60) / 0.60, 1e-12);
  EXPECT_EQ(statuses,
            (std::set<int>{itp::v1::ON_TRACK, itp::v1::MORE_EFFORT_NEEDED,
                           itp::v1::NOT_ON_TRACK}));
}

}  // namespace
}  // namespace itp::domain
