// Tests of field paths into plans (comment anchors) and of the field-level
// differences between plan revisions.

#include "server/domain/plan_diff.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/review.pb.h"
#include "tests/testing/test_plans.h"

namespace itp::domain {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::v1::FieldChange;
using ::itp::v1::Plan;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The India steel plan as frozen in revision 1: named, SUBMITTED, with times.
Plan IndiaRevision1() {
  Plan plan = IndiaSteelPlan();
  plan.set_name("countries/IND/plans/steel-2070");
  plan.set_country("IND");
  plan.set_state(Plan::SUBMITTED);
  plan.set_revision(1);
  plan.set_etag("9a4c1e7f03b2d658");
  *plan.mutable_create_time() = TimeUtil::SecondsToTimestamp(1772323200);
  *plan.mutable_update_time() = TimeUtil::SecondsToTimestamp(1772755200);
  *plan.mutable_submit_time() = TimeUtil::SecondsToTimestamp(1772755200);
  return plan;
}

MATCHER_P3(IsChange, path, old_value, new_value, "") {
  *result_listener << "path '" << arg.path() << "' old '" << arg.old_value()
                   << "' new '" << arg.new_value() << "'";
  return arg.path() == path && arg.old_value() == old_value &&
         arg.new_value() == new_value;
}

std::vector<std::string> Paths(const std::vector<FieldChange>& changes) {
  std::vector<std::string> paths;
  for (const FieldChange& c : changes) paths.push_back(c.path());
  return paths;
}

// ---------------------------------------------------------------------------
// AnchorProblem.

TEST(AnchorProblemTest, AcceptsScalarsMessagesListsAndElementsOfThePlan) {
  const Plan plan = IndiaRevision1();
  for (const char* path : {
           "display_name",
           "summary",
           "sectors",
           "sectors[0]",
           "sectors[0].sector",
           "sectors[0].base_year",
           "sectors[0].points",
           "sectors[0].points[0]",
           "sectors[0].points[3].year",
           "sectors[0].points[1].intensity_tco2_per_t",
           "sectors[0].points[3].technology_shares",
           "targets[0].target_year",
           "projects[0].capex_usd",
           "projects[0].name",
       }) {
    EXPECT_EQ(AnchorProblem(plan, path), "") << path;
  }
}

TEST(AnchorProblemTest, AcceptsFieldsOfTheSchemaThatThisRevisionLeavesUnset) {
  // The India plan states no finance, governance, submitting body or
  // policies; a reviewer must be able to point at what is missing.
  const Plan plan = IndiaRevision1();
  ASSERT_FALSE(plan.has_finance());
  for (const char* path :
       {"finance", "finance.total_need_usd", "finance.period", "governance",
        "governance.lead_institution", "submitting_body", "policies",
        "projects[0].finance_source"}) {
    EXPECT_EQ(AnchorProblem(plan, path), "") << path;
  }
}

TEST(AnchorProblemTest, AcceptsDeeplyNestedElements) {
  EXPECT_EQ(AnchorProblem(IndonesiaCementPlan(),
                          "sectors[0].points[0].technology_shares[0]."
                          "share_percent"),
            "");
}

TEST(AnchorProblemTest, RejectsAnUnknownFieldNamingTheMessage) {
  const Plan plan = IndiaRevision1();
  EXPECT_EQ(AnchorProblem(plan, "targets[0].ambition"),
            "'targets[0].ambition': Target has no field 'ambition'.");
  EXPECT_EQ(AnchorProblem(plan, "finance.total_usd"),
            "'finance.total_usd': FinanceNeeds has no field 'total_usd'.");
  EXPECT_EQ(AnchorProblem(plan, "emissions"),
            "'emissions': Plan has no field 'emissions'.");
}

TEST(AnchorProblemTest, NamesFieldsByProtoNameOnly) {
  const Plan plan = IndiaRevision1();
  EXPECT_EQ(AnchorProblem(plan, "displayName"),
            "'displayName': Plan has no field 'displayName'.");
  EXPECT_EQ(AnchorProblem(plan, "sectors[0].points[1].intensityTco2PerT"),
            "'sectors[0].points[1].intensityTco2PerT': PathwayPoint has no "
            "field 'intensityTco2PerT'.");
}

TEST(AnchorProblemTest, RejectsAnIndexBeyondTheListSayingHowManyEntries) {
  const Plan plan = IndiaRevision1();
  EXPECT_EQ(AnchorProblem(plan, "sectors[0].points[4].year"),
            "'sectors[0].points[4].year': points has 4 entries in this "
            "revision (no index 4).");
  EXPECT_EQ(AnchorProblem(plan, "policies[0]"),
            "'policies[0]': policies has 0 entries in this revision (no "
            "index 0).");
  EXPECT_THAT(AnchorProblem(plan, "sectors[1]"),
              AllOf(HasSubstr("'sectors[1]': sectors has 1 entr"),
                    HasSubstr("no index 1")));
}

TEST(AnchorProblemTest, RejectsAListWithoutIndexInTheMiddleOfThePath) {
  const Plan plan = IndiaRevision1();
  EXPECT_EQ(AnchorProblem(plan, "sectors.points[0].year"),
            "'sectors.points[0].year': 'sectors' is a list; name an element, "
            "e.g. sectors[0].");
  EXPECT_EQ(AnchorProblem(plan, "sectors[0].points.year"),
            "'sectors[0].points.year': 'points' is a list; name an element, "
            "e.g. points[0].");
}

TEST(AnchorProblemTest, RejectsAnIndexOnAFieldThatIsNotAList) {
  const Plan plan = IndiaRevision1();
  EXPECT_EQ(AnchorProblem(plan, "display_name[0]"),
            "'display_name[0]': 'display_name' is not a list.");
  EXPECT_EQ(AnchorProblem(plan, "finance[0].total_need_usd"),
            "'finance[0].total_need_usd': 'finance' is not a list.");
  EXPECT_EQ(AnchorProblem(plan, "sectors[0].base_year[0]"),
            "'sectors[0].base_year[0]': 'base_year' is not a list.");
}

TEST(AnchorProblemTest, RejectsAMalformedIndex) {
  const Plan plan = IndiaRevision1();
  EXPECT_EQ(AnchorProblem(plan, "sectors[0].points[x].year"),
            "'sectors[0].points[x].year': 'points[x]' has a malformed index.");
  for (const char* path : {"sectors[]", "sectors[-1]", "sectors[0",
                           "sectors[0]x", "sectors[1.5]", "sectors[0][1]"}) {
    EXPECT_THAT(AnchorProblem(plan, path), HasSubstr("has a malformed index."))
        << path;
  }
}

TEST(AnchorProblemTest, RejectsAnIndexThatIsNotPlainDigits) {
  // Anchors are stored verbatim and matched against the paths DiffPlans
  // produces ("sectors[0]"), so only the canonical spelling is an index.
  const Plan plan = IndiaRevision1();
  for (const char* path : {"sectors[ 0]", "sectors[0 ]", "sectors[+0]"}) {
    EXPECT_EQ(AnchorProblem(plan, path), std::string("'") + path + "': '" +
                                             path + "' has a malformed index.")
        << path;
  }
}

TEST(AnchorProblemTest, RejectsASegmentAfterAScalar) {
  EXPECT_EQ(AnchorProblem(IndiaRevision1(), "display_name.text"),
            "'display_name.text': 'text' follows a field that has no fields.");
}

TEST(AnchorProblemTest, RejectsOutputOnlyFieldsOfThePlan) {
  const Plan plan = IndiaRevision1();
  for (const char* field :
       {"name", "state", "revision", "etag", "country", "create_time",
        "update_time", "submit_time", "withdrawal_reason"}) {
    EXPECT_EQ(
        AnchorProblem(plan, field),
        std::string("'") + field + "': Plan has no field '" + field + "'.")
        << field;
  }
  EXPECT_EQ(AnchorProblem(plan, "update_time.seconds"),
            "'update_time.seconds': Plan has no field 'update_time'.");
}

TEST(AnchorProblemTest, RejectsAnEmptyPathOrSegment) {
  const Plan plan = IndiaRevision1();
  EXPECT_THAT(AnchorProblem(plan, ""), Not(IsEmpty()));
  EXPECT_THAT(AnchorProblem(plan, "sectors[0]..year"), Not(IsEmpty()));
  EXPECT_THAT(AnchorProblem(plan, "sectors[0]."), Not(IsEmpty()));
}

// ---------------------------------------------------------------------------
// DiffPlans.

TEST(DiffPlansTest, IdenticalPlansHaveNoChanges) {
  EXPECT_THAT(DiffPlans(IndiaRevision1(), IndiaRevision1()), IsEmpty());
  EXPECT_THAT(DiffPlans(IndonesiaCementPlan(), IndonesiaCementPlan()),
              IsEmpty());
}

TEST(DiffPlansTest, IgnoresOutputOnlyFields) {
  Plan from = IndiaRevision1();
  Plan to = IndiaRevision1();
  to.set_state(Plan::IN_REVIEW);
  to.set_revision(2);
  to.set_etag("e71b05c9a2d4f836");
  *to.mutable_update_time() = TimeUtil::SecondsToTimestamp(1773360000);
  *to.mutable_submit_time() = TimeUtil::SecondsToTimestamp(1773360000);
  to.set_withdrawal_reason("Superseded by the 2027 National Steel Policy");
  EXPECT_THAT(DiffPlans(from, to), IsEmpty());
}

TEST(DiffPlansTest, AChangedIntensityIsOneChangeWithTextValues) {
  Plan from = IndiaRevision1();
  Plan to = IndiaRevision1();
  to.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(1.9);
  EXPECT_THAT(DiffPlans(from, to),
              ElementsAre(IsChange("sectors[0].points[1].intensity_tco2_per_t",
                                   "2.2", "1.9")));
}

TEST(DiffPlansTest, AChangedTitleShowsBothValues) {
  Plan to = IndiaRevision1();
  to.set_display_name("India green steel roadmap 2025");
  std::vector<FieldChange> changes = DiffPlans(IndiaRevision1(), to);
  // Strings in their text form, quoted.
  EXPECT_THAT(changes, ElementsAre(IsChange(
                           "display_name", "\"India green steel roadmap\"",
                           "\"India green steel roadmap 2025\"")));
}

TEST(DiffPlansTest, AnAddedPointIsAnElementWithNoOldValue) {
  Plan from = IndiaRevision1();
  from.mutable_sectors(0)->mutable_points()->RemoveLast();  // 2070
  EXPECT_THAT(DiffPlans(from, IndiaRevision1()),
              ElementsAre(IsChange(
                  "sectors[0].points[3]", "",
                  "year: 2070 production_mt: 450 intensity_tco2_per_t: 0.1")));
}

TEST(DiffPlansTest, ARemovedProjectIsAnElementWithNoNewValue) {
  Plan to = IndiaRevision1();
  to.clear_projects();
  std::vector<FieldChange> changes = DiffPlans(IndiaRevision1(), to);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path(), "projects[0]");
  EXPECT_THAT(changes[0].old_value(),
              AllOf(HasSubstr("Hydrogen DRI demonstration plant"),
                    HasSubstr("HYDROGEN_DRI"), HasSubstr("start_year: 2027")));
  EXPECT_EQ(changes[0].new_value(), "");
}

TEST(DiffPlansTest, AnAddedFinanceMessageIsOneChangeWithTheWholeMessage) {
  Plan to = IndiaRevision1();
  to.mutable_finance()->set_total_need_usd(283e9);
  to.mutable_finance()->set_international_usd(40e9);
  to.mutable_finance()->set_period("2025-2070");
  EXPECT_THAT(DiffPlans(IndiaRevision1(), to),
              ElementsAre(IsChange("finance", "",
                                   "total_need_usd: 283000000000 "
                                   "international_usd: 40000000000 "
                                   "period: \"2025-2070\"")));
}

TEST(DiffPlansTest, AClearedGovernanceMessageHasNoNewValue) {
  Plan from = IndiaRevision1();
  from.mutable_governance()->set_lead_institution("Ministry of Steel");
  std::vector<FieldChange> changes = DiffPlans(from, IndiaRevision1());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path(), "governance");
  EXPECT_THAT(changes[0].old_value(), HasSubstr("Ministry of Steel"));
  EXPECT_EQ(changes[0].new_value(), "");
}

TEST(DiffPlansTest, AChangeInsideASetMessageNamesTheField) {
  Plan from = IndiaRevision1();
  from.mutable_finance()->set_total_need_usd(283e9);
  from.mutable_finance()->set_period("2025-2070");
  Plan to = from;
  to.mutable_finance()->set_total_need_usd(310e9);
  std::vector<FieldChange> changes = DiffPlans(from, to);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path(), "finance.total_need_usd");
  EXPECT_THAT(changes[0].old_value(), Not(IsEmpty()));
  EXPECT_THAT(changes[0].new_value(), Not(IsEmpty()));
  EXPECT_NE(changes[0].old_value(), changes[0].new_value());
}

TEST(DiffPlansTest, AChangedTechnologyShareNamesTheNestedElement) {
  Plan from = IndonesiaCementPlan();
  Plan to = IndonesiaCementPlan();
  to.mutable_sectors(0)
      ->mutable_points(0)
      ->mutable_technology_shares(0)
      ->set_share_percent(72);
  EXPECT_THAT(DiffPlans(from, to),
              ElementsAre(IsChange(
                  "sectors[0].points[0].technology_shares[0].share_percent",
                  "78", "72")));
}

TEST(DiffPlansTest, ChangesFollowTheFieldOrderOfTheProto) {
  Plan from = IndiaRevision1();
  Plan to = IndiaRevision1();
  // Made in an order unlike the field order.
  to.mutable_governance()->set_lead_institution("Ministry of Steel");
  to.mutable_targets(0)->set_target_year(2060);
  to.mutable_sectors(0)->mutable_points(2)->set_intensity_tco2_per_t(0.9);
  to.mutable_sectors(0)->mutable_points(2)->set_production_mt(390);
  to.set_submitting_body("Ministry of Steel, Government of India");
  to.set_display_name("India green steel roadmap, second edition");
  EXPECT_THAT(Paths(DiffPlans(from, to)),
              ElementsAre("display_name", "submitting_body",
                          "sectors[0].points[2].production_mt",
                          "sectors[0].points[2].intensity_tco2_per_t",
                          "targets[0].target_year", "governance"));
}

TEST(DiffPlansTest, ChangesAgainstTheRevisionBeforeArePairedByIndex) {
  Plan from = IndiaRevision1();
  Plan to = IndiaRevision1();
  // A 2040 point inserted before 2050: index 2 changes, index 4 is added.
  auto* points = to.mutable_sectors(0)->mutable_points();
  auto* p2040 = points->Add();
  p2040->set_year(2040);
  p2040->set_production_mt(330);
  p2040->set_intensity_tco2_per_t(1.6);
  for (int i = points->size() - 1; i > 2; --i) points->SwapElements(i, i - 1);
  std::vector<std::string> paths = Paths(DiffPlans(from, to));
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths.front(), "sectors[0].points[2].year");
  EXPECT_EQ(paths.back(), "sectors[0].points[4]");
}

}  // namespace
}  // namespace itp::domain
