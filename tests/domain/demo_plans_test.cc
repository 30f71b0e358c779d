#include "server/demo/demo_plans.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/plan_validation.h"
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

}  // namespace
}  // namespace itp::domain
