#include "server/domain/plan_validation.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "tests/testing/test_plans.h"

namespace itp::domain {
namespace {

using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::testing::SteelPlan;
using ::itp::v1::PathwayPoint;
using ::itp::v1::Plan;
using ::itp::v1::PolicyInstrument;
using ::itp::v1::Project;
using ::itp::v1::SectorPathway;
using ::itp::v1::Target;
using ::itp::v1::TechnologyShare;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

using Violation = std::pair<std::string, std::string>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The violations of `plan`'s content, with paths under "plan".
std::vector<Violation> ViolationsOf(const Plan& plan) {
  FieldViolations violations;
  ValidatePlanContent(plan, "plan", &violations);
  return violations.violations();
}

// A string of `count` copies of `unit` (one character, possibly multi-byte).
std::string Repeat(const std::string& unit, size_t count) {
  std::string s;
  for (size_t i = 0; i < count; ++i) s += unit;
  return s;
}

// Appends a 2030 steel target of `type` (otherwise empty) to `plan`.
Target* AddTarget(Plan& plan, Target::Type type) {
  Target* t = plan.add_targets();
  t->set_type(type);
  t->set_sector(itp::v1::IRON_AND_STEEL);
  t->set_target_year(2030);
  return t;
}

// ---------------------------------------------------------------------------
// Valid plans.

TEST(PlanValidationTest, IndiaSteelPlanIsValid) {
  EXPECT_THAT(ViolationsOf(IndiaSteelPlan()), IsEmpty());
}

TEST(PlanValidationTest, IndonesiaCementPlanIsValid) {
  EXPECT_THAT(ViolationsOf(IndonesiaCementPlan()), IsEmpty());
}

TEST(PlanValidationTest, MinimalBrazilSteelPlanIsValid) {
  EXPECT_THAT(ViolationsOf(SteelPlan("BRA", 0.93)), IsEmpty());
}

TEST(PlanValidationTest, PathsUseTheGivenPrefix) {
  Plan plan = IndiaSteelPlan();
  plan.clear_display_name();
  FieldViolations violations;
  ValidatePlanContent(plan, "", &violations);
  EXPECT_THAT(violations.violations(),
              ElementsAre(Pair("display_name", "is required.")));
}

TEST(PlanValidationTest, OutputOnlyFieldsAreIgnored) {
  Plan plan = IndiaSteelPlan();
  plan.set_name("not a resource name");
  plan.set_state(static_cast<Plan::State>(42));
  plan.set_revision(-3);
  plan.set_country("XYZ");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

// ---------------------------------------------------------------------------
// Years.

TEST(PlanValidationTest, YearAfter2100IsRejectedWithItsPath) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(3)->set_year(2200);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[3].year",
                               HasSubstr("year 2200 is outside 1990-2100"))));
}

TEST(PlanValidationTest, YearBefore1990IsRejectedForPointAndBaseYear) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->set_base_year(1989);
  plan.mutable_sectors(0)->mutable_points(0)->set_year(1989);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].year",
                               HasSubstr("year 1989 is outside 1990-2100")),
                          Pair("plan.sectors[0].base_year",
                               HasSubstr("year 1989 is outside 1990-2100"))));
}

TEST(PlanValidationTest, Years1990And2100AreAccepted) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->set_base_year(1990);
  plan.mutable_sectors(0)->mutable_points(0)->set_year(1990);
  plan.mutable_sectors(0)->mutable_points(3)->set_year(2100);
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, MissingPointYearIsRequired) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(1)->clear_year();
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.sectors[0].points[1].year",
                       "is required (a year from 1990 to 2100)."),
                  Pair("plan.sectors[0].points[1].year",
                       HasSubstr("strictly increasing (0 follows 2020)"))));
}

TEST(PlanValidationTest, RepeatedYearIsNotStrictlyIncreasing) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(2)->set_year(2030);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.sectors[0].points[2].year",
                       HasSubstr("years must be strictly increasing (2030 "
                                 "follows 2030)"))));
}

TEST(PlanValidationTest, DecreasingYearIsNotStrictlyIncreasing) {
  Plan plan = IndonesiaCementPlan();
  plan.mutable_sectors(0)->mutable_points(2)->set_year(2025);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[2].year",
                               HasSubstr("(2025 follows 2030)"))));
}

TEST(PlanValidationTest, BaseYearMustBeAmongThePoints) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->set_base_year(2022);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].base_year",
                               HasSubstr("base year 2022 must be one of the "
                                         "years in points"))));
}

TEST(PlanValidationTest, MissingBaseYearIsRequired) {
  Plan plan = IndonesiaCementPlan();
  plan.mutable_sectors(0)->clear_base_year();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].base_year",
                               "is required (a year from 1990 to 2100).")));
}

// ---------------------------------------------------------------------------
// Quantities.

TEST(PlanValidationTest, NaNProductionIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(1)->set_production_mt(kNaN);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.sectors[0].points[1].production_mt",
                       HasSubstr("must be a finite number (got NaN)"))));
}

TEST(PlanValidationTest, InfiniteIntensityIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(2)->set_intensity_tco2_per_t(
      kInfinity);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.sectors[0].points[2].intensity_tco2_per_t",
                       HasSubstr("must be a finite number (got Infinity)"))));
}

TEST(PlanValidationTest, NegativeInfiniteEmissionsAreRejected) {
  Plan plan = IndonesiaCementPlan();
  plan.mutable_sectors(0)->mutable_points(0)->set_emissions_mtco2(-kInfinity);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].emissions_mtco2",
                               HasSubstr("(got Infinity)"))));
}

TEST(PlanValidationTest, NegativeNumbersAreRejected) {
  Plan plan = IndonesiaCementPlan();
  PathwayPoint* base = plan.mutable_sectors(0)->mutable_points(0);
  base->set_production_mt(-62.0);
  base->set_intensity_tco2_per_t(-0.62);
  base->set_emissions_mtco2(-38.44);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].production_mt",
                               "must not be negative (got -62)."),
                          Pair("plan.sectors[0].points[0].intensity_tco2_per_t",
                               "must not be negative (got -0.62)."),
                          Pair("plan.sectors[0].points[0].emissions_mtco2",
                               "must not be negative (got -38.44).")));
}

TEST(PlanValidationTest, IntensityInKilogramsIsImplausiblyLarge) {
  Plan plan = IndiaSteelPlan();
  // 2,540 kg CO2/t sent where t CO2/t is expected.
  plan.mutable_sectors(0)->mutable_points(0)->set_intensity_tco2_per_t(2540);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.sectors[0].points[0].intensity_tco2_per_t",
                       HasSubstr("2540 t CO2/t is implausibly large (at most "
                                 "100); check the unit"))));
}

TEST(PlanValidationTest, ProductionInKilotonnesIsImplausiblyLarge) {
  Plan plan = IndiaSteelPlan();
  // 149,600 kt of crude steel sent where Mt is expected.
  plan.mutable_sectors(0)->mutable_points(0)->set_production_mt(149600);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].production_mt",
                               HasSubstr("149600 Mt is implausibly large (at "
                                         "most 5000)"))));
}

TEST(PlanValidationTest, EmissionsAbove50000MtAreImplausiblyLarge) {
  Plan plan = IndonesiaCementPlan();
  plan.mutable_sectors(0)->mutable_points(0)->set_emissions_mtco2(60000);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].emissions_mtco2",
                               HasSubstr("60000 Mt CO2 is implausibly large "
                                         "(at most 50000)"))));
}

TEST(PlanValidationTest, LimitValuesAreAccepted) {
  Plan plan = IndiaSteelPlan();
  PathwayPoint* point = plan.mutable_sectors(0)->mutable_points(1);
  point->set_production_mt(kMaxProductionMt);
  point->clear_intensity_tco2_per_t();
  point->set_emissions_mtco2(kMaxEmissionsMtco2);
  plan.mutable_sectors(0)->mutable_points(2)->set_intensity_tco2_per_t(
      kMaxIntensityTco2PerT);
  plan.mutable_sectors(0)->mutable_points(3)->set_intensity_tco2_per_t(0);
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

// India 2020: 100.3 Mt x 2.54 t CO2/t = 254.762 Mt CO2. 2 % of it is 5.095.
TEST(PlanValidationTest, EmissionsMatchingProductionTimesIntensityAreAccepted) {
  for (double emissions : {254.762, 250.0, 259.9}) {
    SCOPED_TRACE(emissions);
    Plan plan = IndiaSteelPlan();
    plan.mutable_sectors(0)->mutable_points(0)->set_emissions_mtco2(emissions);
    EXPECT_THAT(ViolationsOf(plan), IsEmpty());
  }
}

TEST(PlanValidationTest, EmissionsMoreThanTwoPercentBelowAreInconsistent) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(0)->set_emissions_mtco2(240.0);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair(
          "plan.sectors[0].points[0].emissions_mtco2",
          HasSubstr("240 Mt CO2 is inconsistent with production x intensity "
                    "= 100.3 Mt x 2.54 t CO2/t = 254.762 Mt CO2"))));
}

TEST(PlanValidationTest, EmissionsMoreThanTwoPercentAboveAreInconsistent) {
  Plan plan = IndiaSteelPlan();
  // |260 - 254.762| = 5.238 > 2 % of 260 = 5.2.
  plan.mutable_sectors(0)->mutable_points(0)->set_emissions_mtco2(260.0);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].emissions_mtco2",
                               HasSubstr("inconsistent"))));
}

TEST(PlanValidationTest, PointWithoutIntensityOrEmissionsIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(1)->clear_intensity_tco2_per_t();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[1]",
                               HasSubstr("needs intensity_tco2_per_t or "
                                         "emissions_mtco2"))));
}

TEST(PlanValidationTest, PointWithEmissionsOnlyIsAccepted) {
  Plan plan = IndiaSteelPlan();
  PathwayPoint* point = plan.mutable_sectors(0)->mutable_points(1);
  point->clear_intensity_tco2_per_t();
  point->set_emissions_mtco2(561.0);  // 255 Mt x 2.2 t CO2/t
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, TechnologyShareAbove100PercentIsRejected) {
  Plan plan = IndonesiaCementPlan();
  plan.mutable_sectors(0)
      ->mutable_points(0)
      ->mutable_technology_shares(0)
      ->set_share_percent(178);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(
          Pair("plan.sectors[0].points[0].technology_shares[0].share_percent",
               "must be a percentage from 0 to 100 (got 178).")));
}

TEST(PlanValidationTest, OtherTechnologyShareNeedsADescription) {
  Plan plan = IndonesiaCementPlan();
  TechnologyShare* share =
      plan.mutable_sectors(0)->mutable_points(1)->add_technology_shares();
  share->set_indicator(TechnologyShare::OTHER);
  share->set_share_percent(5);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair(
                  "plan.sectors[0].points[1].technology_shares[0].description",
                  "is required.")));
  share->set_description("Limestone calcined clay cement (LC3)");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

// ---------------------------------------------------------------------------
// Sectors.

TEST(PlanValidationTest, DuplicateSectorIsRejected) {
  Plan plan = IndiaSteelPlan();
  *plan.add_sectors() = plan.sectors(0);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[1].sector",
                               HasSubstr("IRON_AND_STEEL appears more than "
                                         "once"))));
}

TEST(PlanValidationTest, SteelAndCementPathwaysTogetherAreAccepted) {
  Plan plan = IndiaSteelPlan();
  *plan.add_sectors() = IndonesiaCementPlan().sectors(0);
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, MissingSectorIsRequired) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->clear_sector();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].sector",
                               "is required (e.g. IRON_AND_STEEL, CEMENT).")));
}

TEST(PlanValidationTest, SectorWithoutPointsIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_sectors(0)->clear_points();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points",
                               "needs at least one yearly point.")));
}

// ---------------------------------------------------------------------------
// Text.

TEST(PlanValidationTest, MissingDisplayNameIsRequired) {
  Plan plan = IndonesiaCementPlan();
  plan.clear_display_name();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.display_name", "is required.")));
}

TEST(PlanValidationTest, DisplayNameOf201CharactersIsTooLong) {
  Plan plan = IndiaSteelPlan();
  plan.set_display_name(Repeat("x", 201));
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.display_name",
                               "must be at most 200 characters (got 201).")));
  plan.set_display_name(Repeat("x", 200));
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, LengthsCountUtf8CharactersNotBytes) {
  Plan plan = IndiaSteelPlan();
  // 200 two-byte characters (400 bytes) fit the 200-character title limit.
  plan.set_display_name(Repeat("\u00e9", 200));
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
  // 200 four-byte characters (800 bytes) fit as well.
  plan.set_display_name(Repeat("\U0001F3ED", 200));
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
  // 201 three-byte Devanagari characters do not.
  plan.set_display_name(Repeat("\u0907", 201));
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.display_name",
                               "must be at most 200 characters (got 201).")));
}

TEST(PlanValidationTest, ValidateTextCountsCharacters) {
  // 23 characters, 25 bytes.
  const std::string body = "Minist\u00e9rio da Ind\u00fastria";
  ASSERT_EQ(body.size(), 25u);
  FieldViolations ok;
  ValidateText(body, "plan.submitting_body", 23, &ok);
  EXPECT_TRUE(ok.empty());
  FieldViolations too_long;
  ValidateText(body, "plan.submitting_body", 22, &too_long);
  EXPECT_THAT(too_long.violations(),
              ElementsAre(Pair("plan.submitting_body",
                               "must be at most 22 characters (got 23).")));
  FieldViolations empty;
  ValidateText("", "plan.submitting_body", 22, &empty);
  EXPECT_TRUE(empty.empty());
}

TEST(PlanValidationTest, TooLongTextFieldsAreReportedWithTheirPaths) {
  Plan plan = IndiaSteelPlan();
  plan.set_summary(Repeat("a", kMaxSummaryChars + 1));
  plan.set_submitting_body(Repeat("b", kMaxShortTextChars + 1));
  plan.mutable_projects(0)->set_site(Repeat("c", kMaxShortTextChars + 1));
  plan.mutable_governance()->set_mrv_arrangements(
      Repeat("d", kMaxLongTextChars + 1));
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(
          Pair("plan.summary", HasSubstr("at most 10000 characters")),
          Pair("plan.submitting_body", HasSubstr("at most 300 characters")),
          Pair("plan.projects[0].site", HasSubstr("at most 300 characters")),
          Pair("plan.governance.mrv_arrangements",
               HasSubstr("at most 5000 characters"))));
}

// ---------------------------------------------------------------------------
// Characters: no control characters (newline and tab in long texts), no
// bidirectional overrides.

std::vector<Violation> TextViolations(const std::string& text, size_t max) {
  FieldViolations violations;
  ValidateText(text, "comment.body", max, &violations);
  return violations.violations();
}

TEST(PlanValidationTest, TerminalEscapesInATitleAreRejected) {
  Plan plan = IndiaSteelPlan();
  // Clears a reviewer's screen and sets the terminal's title.
  plan.set_display_name("\x1b[2J\x1b]0;Approved\x07India green steel roadmap");
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.display_name",
                               "holds the control character U+001B at "
                               "character 1; it is one line of text, "
                               "without control characters.")));
}

TEST(PlanValidationTest, NulAndNewlineInShortTextsAreRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_projects(0)->set_company(std::string("Tata Steel\0Ltd", 14));
  plan.mutable_projects(0)->set_site("Kalinganagar\nOdisha");
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.projects[0].company",
                       HasSubstr("the control character U+0000 at character "
                                 "11")),
                  Pair("plan.projects[0].site",
                       HasSubstr("the control character U+000A at character "
                                 "13"))));
}

TEST(PlanValidationTest, RightToLeftOverrideIsRejected) {
  Plan plan = IndiaSteelPlan();
  // "\u202E" makes "...2070 ot 0502 morf" read backwards on screen.
  plan.set_summary("Net zero \xE2\x80\xAE" "0502 morf 2070");
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.summary",
                               "holds the bidirectional control U+202E at "
                               "character 10, which can make text display "
                               "other than it reads.")));
}

TEST(PlanValidationTest, LongTextsMayHoldNewlinesTabsAndAnyScript) {
  Plan plan = IndiaSteelPlan();
  plan.set_summary(
      "Crude steel towards net zero by 2070.\n\n\tPhase 1: hydrogen DRI "
      "pilots; \xE0\xA4\xB9\xE0\xA4\xB0\xE0\xA4\xBF\xE0\xA4\xA4 "
      "\xE0\xA4\x87\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xAA\xE0\xA4\xBE\xE0\xA4\xA4.");
  plan.set_display_name("S\xC3\xA3o Paulo a\xC3\xA7o verde");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, EveryControlCharacterButNewlineAndTabIsRejected) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string text = absl::StrCat("Evidence", std::string(1, c), ".");
    const bool allowed = c == '\n' || c == '\t';
    EXPECT_EQ(TextViolations(text, 5000).empty(), allowed) << c;
    EXPECT_EQ(TextViolations(text, 300).size(), 1u) << c;
  }
  EXPECT_EQ(TextViolations("Evidence\x7F", 5000).size(), 1u);
  // U+0085 (NEL), a C1 control.
  EXPECT_EQ(TextViolations("Evidence\xC2\x85", 5000).size(), 1u);
  // U+2066 (left-to-right isolate) and U+2069 (pop directional isolate).
  EXPECT_EQ(TextViolations("\xE2\x81\xA6IND\xE2\x81\xA9", 5000).size(), 1u);
  // U+200F (right-to-left mark) is ordinary in Arabic and Hebrew text.
  EXPECT_THAT(TextViolations("\xE2\x80\x8FIND", 5000), IsEmpty());
}

// ---------------------------------------------------------------------------
// List sizes.

TEST(PlanValidationTest, MoreThan100TargetsAreRejected) {
  Plan plan = IndiaSteelPlan();
  while (plan.targets_size() < kMaxTargets)
    *plan.add_targets() = plan.targets(0);
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
  *plan.add_targets() = plan.targets(0);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets",
                               "has 101 entries; at most 100 are allowed.")));
}

// The attack of a 600 KB request: one sector with 300,000 empty points.
// One violation, and no work (nor violation) per point.
TEST(PlanValidationTest, AHugeListIsOneViolationAndItsEntriesAreNotChecked) {
  Plan plan = IndiaSteelPlan();
  SectorPathway* sector = plan.mutable_sectors(0);
  sector->clear_points();
  for (int i = 0; i < 300000; ++i) sector->add_points();
  FieldViolations violations;
  ValidatePlanContent(plan, "plan", &violations);
  EXPECT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations.violations(),
              ElementsAre(Pair("plan.sectors[0].points",
                               "has 300000 entries; at most 111 are "
                               "allowed.")));
}

TEST(PlanValidationTest, MoreThan20SectorsAreOneViolation) {
  Plan plan = IndiaSteelPlan();
  while (plan.sectors_size() <= kMaxSectors) {
    *plan.add_sectors() = plan.sectors(0);
  }
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors",
                               "has 21 entries; at most 20 are allowed.")));
}

TEST(PlanValidationTest, MoreThan20TechnologySharesAreRejected) {
  Plan plan = IndonesiaCementPlan();
  PathwayPoint* point = plan.mutable_sectors(0)->mutable_points(0);
  while (point->technology_shares_size() <= kMaxTechnologyShares) {
    *point->add_technology_shares() = point->technology_shares(0);
  }
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.sectors[0].points[0].technology_shares",
                               "has 21 entries; at most 20 are allowed.")));
}

TEST(PlanValidationTest, MoreThan200PoliciesAreRejected) {
  Plan plan = IndiaSteelPlan();
  for (int i = 0; i <= kMaxPolicies; ++i) {
    plan.add_policies()->set_name("Green Steel Taxonomy");
  }
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.policies",
                               "has 201 entries; at most 200 are allowed.")));
}

TEST(PlanValidationTest, MoreThan1000ProjectsAreRejected) {
  Plan plan = IndiaSteelPlan();
  while (plan.projects_size() <= kMaxProjects) {
    *plan.add_projects() = plan.projects(0);
  }
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.projects",
                               "has 1001 entries; at most 1000 are allowed.")));
}

// ---------------------------------------------------------------------------
// Targets.

TEST(PlanValidationTest, BaseYearReductionNeedsPercentAndBaseYear) {
  Plan plan = IndiaSteelPlan();
  AddTarget(plan, Target::BASE_YEAR_REDUCTION);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].reduction_percent",
                               "is required for a BASE_YEAR_REDUCTION target."),
                          Pair("plan.targets[1].base_year",
                               "is required (a year from 1990 to 2100).")));
}

TEST(PlanValidationTest, IntensityTargetNeedsPercentAndBaseYear) {
  Plan plan = IndiaSteelPlan();
  AddTarget(plan, Target::INTENSITY);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].reduction_percent",
                               "is required for a INTENSITY target."),
                          Pair("plan.targets[1].base_year",
                               "is required (a year from 1990 to 2100).")));
}

TEST(PlanValidationTest, BauReductionNeedsPercentButNoBaseYear) {
  Plan plan = IndonesiaCementPlan();
  Target* t = AddTarget(plan, Target::BAU_REDUCTION);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].reduction_percent",
                               "is required for a BAU_REDUCTION target.")));
  // Indonesia's enhanced NDC: 31.89 % below business-as-usual by 2030.
  t->set_reduction_percent(31.89);
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, CompleteIntensityTargetIsAccepted) {
  Plan plan = IndiaSteelPlan();
  // India's NDC: emissions intensity 45 % below 2005 by 2030.
  Target* t = AddTarget(plan, Target::INTENSITY);
  t->set_reduction_percent(45);
  t->set_base_year(2005);
  t->set_legal_status(Target::POLICY_DOCUMENT);
  t->set_source_uri("https://unfccc.int/NDCREG");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, TargetYearMustComeAfterBaseYear) {
  Plan plan = IndiaSteelPlan();
  Target* t = AddTarget(plan, Target::BASE_YEAR_REDUCTION);
  t->set_reduction_percent(45);
  t->set_base_year(2030);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].target_year",
                               HasSubstr("target year 2030 must come after "
                                         "base year 2030"))));
  t->set_base_year(2035);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].target_year",
                               HasSubstr("target year 2030 must come after "
                                         "base year 2035"))));
}

TEST(PlanValidationTest, ReductionPercentAbove100IsRejected) {
  Plan plan = IndiaSteelPlan();
  Target* t = AddTarget(plan, Target::BAU_REDUCTION);
  t->set_reduction_percent(120);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].reduction_percent",
                               "must be a percentage from 0 to 100 (got "
                               "120).")));
}

TEST(PlanValidationTest, AbsoluteTargetNeedsTargetValue) {
  Plan plan = IndiaSteelPlan();
  Target* t = AddTarget(plan, Target::ABSOLUTE);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].target_value",
                               "is required for a ABSOLUTE target.")));
  // The ASCOR 1.5 C benchmark for India in 2030: 1,649.7 Mt CO2e.
  t->set_target_value(1649.7);
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, FixedLevelTargetNeedsTargetValue) {
  Plan plan = IndiaSteelPlan();
  Target* t = AddTarget(plan, Target::FIXED_LEVEL);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].target_value",
                               "is required for a FIXED_LEVEL target.")));
  t->set_target_value(2.2);  // India's 2030 steel-intensity aim
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

// A FIXED_LEVEL target value is an intensity in t CO2/t (plan.proto), so the
// intensity limit of 100 t CO2/t applies, as it does to pathway points.
TEST(PlanValidationTest, FixedLevelTargetInKilogramsIsImplausiblyLarge) {
  Plan plan = IndiaSteelPlan();
  AddTarget(plan, Target::FIXED_LEVEL)->set_target_value(2200);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[1].target_value",
                               HasSubstr("2200 t CO2/t is implausibly large "
                                         "(at most 100)"))));
}

TEST(PlanValidationTest, NetZeroTargetNeedsOnlyATargetYear) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_targets(0)->clear_target_year();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[0].target_year",
                               "is required (a year from 1990 to 2100).")));
}

TEST(PlanValidationTest, TargetWithoutTypeIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_targets(0)->clear_type();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[0].type",
                               HasSubstr("is required (e.g. NET_ZERO"))));
}

// ---------------------------------------------------------------------------
// Projects, policies, URIs and finance.

TEST(PlanValidationTest, ProjectWithoutNameIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_projects(0)->clear_name();
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.projects[0].name", "is required.")));
}

TEST(PlanValidationTest, PolicyWithoutNameIsRejected) {
  Plan plan = IndiaSteelPlan();
  PolicyInstrument* policy = plan.add_policies();
  policy->set_type(PolicyInstrument::STANDARD_OR_TAXONOMY);
  policy->set_status(PolicyInstrument::ADOPTED);
  policy->set_start_year(2024);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.policies[0].name", "is required.")));
  policy->set_name("Green Steel Taxonomy");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, NegativeProjectCapacityIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_projects(0)->set_capacity_mtpa(-0.5);
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.projects[0].capacity_mtpa",
                               "must not be negative (got -0.5).")));
}

TEST(PlanValidationTest, SourceUriMustBeHttpOrHttps) {
  for (const char* uri : {"ftp://pib.gov.in/green-steel-taxonomy.pdf",
                          "www.pib.gov.in/PressReleasePage.aspx",
                          "javascript:alert(1)", "file:///etc/passwd"}) {
    SCOPED_TRACE(uri);
    Plan plan = IndiaSteelPlan();
    plan.mutable_targets(0)->set_source_uri(uri);
    PolicyInstrument* policy = plan.add_policies();
    policy->set_name("Green Steel Taxonomy");
    policy->set_source_uri(uri);
    EXPECT_THAT(ViolationsOf(plan),
                ElementsAre(Pair("plan.targets[0].source_uri",
                                 "must be an http:// or https:// URL."),
                            Pair("plan.policies[0].source_uri",
                                 "must be an http:// or https:// URL.")));
  }
}

TEST(PlanValidationTest, HttpAndHttpsSourceUrisAreAccepted) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_targets(0)->set_source_uri(
      "https://pib.gov.in/PressReleasePage.aspx?PRID=2085118");
  PolicyInstrument* policy = plan.add_policies();
  policy->set_name("Green Steel Taxonomy");
  policy->set_source_uri("http://steel.gov.in/green-steel-taxonomy");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, SourceUriLongerThan2000CharactersIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_targets(0)->set_source_uri("https://unfccc.int/" +
                                          Repeat("n", kMaxUriChars - 19 + 1));
  EXPECT_THAT(ViolationsOf(plan),
              ElementsAre(Pair("plan.targets[0].source_uri",
                               "must be at most 2000 characters (got "
                               "2001).")));
}

TEST(PlanValidationTest, FinancePartsWithinTheTotalAreAccepted) {
  Plan plan = IndiaSteelPlan();
  itp::v1::FinanceNeeds* finance = plan.mutable_finance();
  finance->set_total_need_usd(280e9);
  finance->set_domestic_usd(200e9);
  finance->set_international_usd(80e9);
  finance->set_conditional_usd(60e9);
  finance->set_period("2025-2070");
  EXPECT_THAT(ViolationsOf(plan), IsEmpty());
}

TEST(PlanValidationTest, FinancePartsExceedingTheTotalAreRejected) {
  Plan plan = IndiaSteelPlan();
  itp::v1::FinanceNeeds* finance = plan.mutable_finance();
  finance->set_total_need_usd(280e9);
  finance->set_domestic_usd(200e9);
  finance->set_international_usd(100e9);
  finance->set_conditional_usd(300e9);
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(Pair("plan.finance.total_need_usd",
                       "domestic plus international (3e+11 USD) exceed the "
                       "total need (2.8e+11 USD)."),
                  Pair("plan.finance.conditional_usd",
                       "3e+11 USD exceeds the total need (2.8e+11 USD).")));
}

// ---------------------------------------------------------------------------
// Enum numbers unknown to this version of the API.

TEST(PlanValidationTest, UnknownEnumNumbersAreRejected) {
  Plan plan = IndiaSteelPlan();
  SectorPathway* sector = plan.mutable_sectors(0);
  sector->set_sector(static_cast<itp::v1::Sector>(42));
  sector->set_scope_boundary(static_cast<SectorPathway::ScopeBoundary>(7));
  TechnologyShare* share = sector->mutable_points(1)->add_technology_shares();
  share->set_indicator(static_cast<TechnologyShare::Indicator>(99));
  share->set_share_percent(25);
  plan.mutable_targets(0)->set_legal_status(
      static_cast<Target::LegalStatus>(11));
  Project* project = plan.mutable_projects(0);
  project->set_technology(static_cast<Project::Technology>(77));
  PolicyInstrument* policy = plan.add_policies();
  policy->set_name("Green Steel Taxonomy");
  policy->set_type(static_cast<PolicyInstrument::Type>(64));
  plan.mutable_governance()->set_reporting_cadence(
      static_cast<itp::v1::Governance::ReportingCadence>(12));
  EXPECT_THAT(
      ViolationsOf(plan),
      ElementsAre(
          Pair("plan.sectors[0].sector", "has an unknown value 42."),
          Pair("plan.sectors[0].scope_boundary", "has an unknown value 7."),
          Pair("plan.sectors[0].points[1].technology_shares[0].indicator",
               "has an unknown value 99."),
          Pair("plan.targets[0].legal_status", "has an unknown value 11."),
          Pair("plan.projects[0].technology", "has an unknown value 77."),
          Pair("plan.policies[0].type", "has an unknown value 64."),
          Pair("plan.governance.reporting_cadence",
               "has an unknown value 12.")));
}

TEST(PlanValidationTest, UnknownTargetTypeIsRejected) {
  Plan plan = IndiaSteelPlan();
  plan.mutable_targets(0)->set_type(static_cast<Target::Type>(8));
  EXPECT_THAT(ViolationsOf(plan), ElementsAre(Pair("plan.targets[0].type",
                                                   "has an unknown value 8.")));
}

// ---------------------------------------------------------------------------
// Several violations at once.

TEST(PlanValidationTest, EveryViolationIsReportedAtOnce) {
  Plan plan = IndiaSteelPlan();
  plan.clear_display_name();
  plan.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(kNaN);
  plan.mutable_sectors(0)->mutable_points(3)->set_year(2200);
  plan.mutable_targets(0)->set_source_uri("ftp://moef.gov.in/ndc.pdf");
  plan.mutable_projects(0)->clear_name();
  FieldViolations violations;
  ValidatePlanContent(plan, "plan", &violations);
  ASSERT_EQ(violations.size(), 5u);
  EXPECT_THAT(
      violations.violations(),
      ElementsAre(Pair("plan.display_name", "is required."),
                  Pair("plan.sectors[0].points[1].intensity_tco2_per_t",
                       HasSubstr("NaN")),
                  Pair("plan.sectors[0].points[3].year", HasSubstr("2200")),
                  Pair("plan.targets[0].source_uri", HasSubstr("https://")),
                  Pair("plan.projects[0].name", "is required.")));

  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("The request has 5 invalid fields: "
                         "plan.display_name: is required. "));
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 5);
  const char* fields[] = {
      "plan.display_name", "plan.sectors[0].points[1].intensity_tco2_per_t",
      "plan.sectors[0].points[3].year", "plan.targets[0].source_uri",
      "plan.projects[0].name"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(bad_request.field_violations(i).field(), fields[i]);
    EXPECT_EQ(bad_request.field_violations(i).description(),
              violations.violations()[i].second);
  }
}

TEST(PlanValidationTest, SingleViolationStatusNamesTheField) {
  Plan plan = IndonesiaCementPlan();
  plan.mutable_sectors(0)->set_base_year(2022);
  FieldViolations violations;
  ValidatePlanContent(plan, "plan", &violations);
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("The request has an invalid field: "
                        "plan.sectors[0].base_year: base year 2022"));
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(),
            "plan.sectors[0].base_year");
}

TEST(PlanValidationTest, NoViolationsGiveAnOkStatus) {
  FieldViolations violations;
  ValidatePlanContent(IndiaSteelPlan(), "plan", &violations);
  EXPECT_TRUE(violations.ToStatus().ok());
}

// ---------------------------------------------------------------------------
// Request ids.

TEST(PlanValidationTest, CanonicalUuidRequestIdsAreAccepted) {
  for (const char* id : {"", "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10",
                         "0B6F2A8E-4C1D-4E3A-9A57-2F1D5C8E7B10",
                         "00000000-0000-0000-0000-000000000000"}) {
    SCOPED_TRACE(id);
    FieldViolations violations;
    ValidateRequestId(id, "request_id", &violations);
    EXPECT_TRUE(violations.empty());
  }
}

TEST(PlanValidationTest, NonCanonicalRequestIdsAreRejected) {
  for (const char* id : {
           "0b6f2a8e4c1d4e3a9a572f1d5c8e7b10",        // no hyphens
           "{0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10}",  // braces
           "urn:uuid:0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10",
           "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b1",    // 35 characters
           "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b100",  // 37 characters
           "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b1g",   // not hexadecimal
           "0b6f2a8e4-c1d-4e3a-9a57-2f1d5c8e7b10",   // misplaced hyphen
           "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b1 ",   // trailing blank
           "steel-2070-submission-retry-number-1",   // 36 characters
       }) {
    SCOPED_TRACE(id);
    FieldViolations violations;
    ValidateRequestId(id, "request_id", &violations);
    EXPECT_THAT(violations.violations(),
                ElementsAre(Pair("request_id", HasSubstr("is not a UUID"))));
  }
}

// ---------------------------------------------------------------------------
// Submission.

TEST(PlanValidationTest, PlanWithoutSectorsCannotBeSubmitted) {
  Plan plan = IndiaSteelPlan();
  plan.set_name("countries/IND/plans/steel-2070");
  plan.clear_sectors();
  absl::Status status = ValidateForSubmission(plan);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(status), "PLAN_INCOMPLETE");
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("countries/IND/plans/steel-2070 cannot be submitted "
                        "without at least one sector pathway"));
}

TEST(PlanValidationTest, PlanWithASectorCanBeSubmitted) {
  EXPECT_TRUE(ValidateForSubmission(IndiaSteelPlan()).ok());
  EXPECT_TRUE(ValidateForSubmission(IndonesiaCementPlan()).ok());
}

}  // namespace
}  // namespace itp::domain
