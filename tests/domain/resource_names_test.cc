#include "server/domain/resource_names.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A valid plan id of exactly 63 characters.
const std::string kLongestPlanId =
    "steel-" + std::string(52, 'a') + "-2070";  // 6 + 52 + 5

// Expects INVALID_ARGUMENT with one BadRequest violation on `field` whose
// description contains `what`.
void ExpectInvalidField(const absl::Status& status, absl::string_view field,
                        absl::string_view what) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), field);
  EXPECT_THAT(bad_request.field_violations(0).description(), HasSubstr(what));
}

// ---------------------------------------------------------------------------
// Plan ids.

TEST(ResourceNamesTest, ValidPlanIdsHaveNoProblem) {
  ASSERT_EQ(kLongestPlanId.size(), 63u);
  for (const std::string& id :
       {std::string("steel-2070"), std::string("cement-2060"), std::string("s"),
        std::string("green-steel-taxonomy-v2"), kLongestPlanId}) {
    EXPECT_THAT(PlanIdProblem(id), IsEmpty()) << id;
  }
}

TEST(ResourceNamesTest, EmptyPlanIdIsRequired) {
  EXPECT_EQ(PlanIdProblem(""), "plan_id is required.");
}

TEST(ResourceNamesTest, PlanIdOf64CharactersIsTooLong) {
  EXPECT_EQ(PlanIdProblem(kLongestPlanId + "0"),
            "plan_id must be at most 63 characters.");
}

TEST(ResourceNamesTest, MalformedPlanIdsAreDescribed) {
  for (const char* id : {"Steel-2070", "STEEL", "steel-2070-", "-steel",
                         "2070-steel", "steel_2070", "steel 2070", "steel.2070",
                         "steel/2070", "acier-\u00e9"}) {
    SCOPED_TRACE(id);
    EXPECT_THAT(PlanIdProblem(id),
                HasSubstr("must use lower-case letters, digits and hyphens, "
                          "start with a letter and not end with a hyphen"));
  }
}

// ---------------------------------------------------------------------------
// Plan names.

TEST(ResourceNamesTest, PlanNameParses) {
  absl::StatusOr<PlanName> name =
      ParsePlanName("countries/IND/plans/steel-2070", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->country, "IND");
  EXPECT_EQ(name->plan_id, "steel-2070");
}

TEST(ResourceNamesTest, PlanNameRoundTrips) {
  for (const std::string& text :
       {std::string("countries/IND/plans/steel-2070"),
        std::string("countries/IDN/plans/cement-2060"),
        std::string("countries/VNM/plans/cement-2050"),
        "countries/ZAF/plans/" + kLongestPlanId}) {
    absl::StatusOr<PlanName> name = ParsePlanName(text, "name");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_EQ(name->ToString(), text);
  }
  EXPECT_EQ((PlanName{"BRA", "steel-2050"}).ToString(),
            "countries/BRA/plans/steel-2050");
}

TEST(ResourceNamesTest, PlanNameWithUnknownCountryIsRejected) {
  ExpectInvalidField(
      ParsePlanName("countries/XYZ/plans/steel-2070", "name").status(), "name",
      "'XYZ' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParsePlanName("countries/ind/plans/steel-2070", "name").status(), "name",
      "'ind' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParsePlanName("countries/IN/plans/steel-2070", "name").status(), "name",
      "'IN' is not an ISO 3166-1 alpha-3 country code");
}

TEST(ResourceNamesTest, PlanNameWithBadPlanIdIsRejected) {
  ExpectInvalidField(
      ParsePlanName("countries/IND/plans/Steel-2070", "name").status(), "name",
      "must use lower-case letters");
  ExpectInvalidField(
      ParsePlanName("countries/IND/plans/steel-2070-", "name").status(), "name",
      "not end with a hyphen");
  ExpectInvalidField(
      ParsePlanName("countries/IND/plans/" + kLongestPlanId + "x", "name")
          .status(),
      "name", "at most 63 characters");
  ExpectInvalidField(ParsePlanName("countries/IND/plans/", "name").status(),
                     "name", "plan_id is required");
}

TEST(ResourceNamesTest, MalformedPlanNamesAreRejected) {
  for (const char* text : {
           "countries/IND/plans",
           "countries/IND",
           "countries",
           "IND/plans/steel-2070",
           "plans/steel-2070",
           "countries/IND/plan/steel-2070",
           "Countries/IND/plans/steel-2070",
           "/countries/IND/plans/steel-2070",
           "countries/IND/plans/steel-2070/",
           "countries//plans/steel-2070/x",
           "countries/IND/plans/steel-2070/revisions/1",
           "https://itp.leadit.org/v1/countries/IND/plans/steel-2070",
       }) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParsePlanName(text, "name").status(), "name",
                       "must have the form countries/{country}/plans/{plan}");
  }
}

TEST(ResourceNamesTest, EmptyPlanNameIsRequired) {
  ExpectInvalidField(ParsePlanName("", "name").status(), "name", "is required");
}

TEST(ResourceNamesTest, PlanNameErrorsNameTheGivenField) {
  ExpectInvalidField(
      ParsePlanName("countries/XYZ/plans/steel-2070", "plan.name").status(),
      "plan.name", "'XYZ'");
}

// ---------------------------------------------------------------------------
// Country parents.

TEST(ResourceNamesTest, CountryParentParses) {
  for (bool allow_wildcard : {false, true}) {
    absl::StatusOr<std::string> country =
        ParseCountryParent("countries/IND", allow_wildcard, "parent");
    ASSERT_TRUE(country.ok()) << country.status();
    EXPECT_EQ(*country, "IND");
  }
}

TEST(ResourceNamesTest, WildcardParentIsAllowedWhenAsked) {
  absl::StatusOr<std::string> country =
      ParseCountryParent("countries/-", /*allow_wildcard=*/true, "parent");
  ASSERT_TRUE(country.ok()) << country.status();
  EXPECT_EQ(*country, kAnyCountry);
}

TEST(ResourceNamesTest, WildcardParentIsRejectedUnlessAsked) {
  ExpectInvalidField(
      ParseCountryParent("countries/-", /*allow_wildcard=*/false, "parent")
          .status(),
      "parent", "countries/- is allowed only when listing");
}

TEST(ResourceNamesTest, EmptyParentIsRequired) {
  ExpectInvalidField(ParseCountryParent("", true, "parent").status(), "parent",
                     "is required");
}

TEST(ResourceNamesTest, ParentWithUnknownCountryIsRejected) {
  for (const char* parent : {"countries/XYZ", "countries/ind", "countries/IN",
                             "countries/INDI", "countries/", "countries/*"}) {
    SCOPED_TRACE(parent);
    ExpectInvalidField(ParseCountryParent(parent, true, "parent").status(),
                       "parent", "is not an ISO 3166-1 alpha-3 country code");
  }
}

TEST(ResourceNamesTest, MalformedParentsAreRejected) {
  for (const char* parent :
       {"countries", "IND", "regions/IND", "countries/IND/plans",
        "countries/IND/", "/countries/IND"}) {
    SCOPED_TRACE(parent);
    ExpectInvalidField(ParseCountryParent(parent, true, "parent").status(),
                       "parent", "must have the form countries/{country}");
  }
}

// ---------------------------------------------------------------------------
// Revision names.

TEST(ResourceNamesTest, RevisionNameParses) {
  absl::StatusOr<RevisionName> name =
      ParseRevisionName("countries/IND/plans/steel-2070/revisions/3", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->plan.country, "IND");
  EXPECT_EQ(name->plan.plan_id, "steel-2070");
  EXPECT_EQ(name->revision, 3);
}

TEST(ResourceNamesTest, RevisionNameRoundTrips) {
  for (const char* text :
       {"countries/IND/plans/steel-2070/revisions/1",
        "countries/IDN/plans/cement-2060/revisions/12",
        "countries/BRA/plans/steel-2050/revisions/2147483647"}) {
    absl::StatusOr<RevisionName> name = ParseRevisionName(text, "name");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_EQ(name->ToString(), text);
  }
  EXPECT_EQ((RevisionName{{"ZAF", "steel-2050"}, 4}).ToString(),
            "countries/ZAF/plans/steel-2050/revisions/4");
}

TEST(ResourceNamesTest, NonPositiveOrNonCanonicalRevisionsAreRejected) {
  for (const char* revision : {"0", "01", "007", "abc", "-1", "+1", "1.0",
                               "1e3", "", "2147483648", "0x1"}) {
    SCOPED_TRACE(revision);
    ExpectInvalidField(
        ParseRevisionName(
            std::string("countries/IND/plans/steel-2070/revisions/") + revision,
            "name")
            .status(),
        "name", "must be a positive whole number");
  }
}

// absl::SimpleAtoi skips surrounding blanks, but ".../revisions/ 1" is not
// the canonical name of revision 1 (its ToString differs from the input).
TEST(ResourceNamesTest, RevisionWithSurroundingBlanksIsRejected) {
  for (const char* revision : {" 1", "1 ", "1\n", "\t2"}) {
    SCOPED_TRACE(revision);
    ExpectInvalidField(
        ParseRevisionName(
            std::string("countries/IND/plans/steel-2070/revisions/") + revision,
            "name")
            .status(),
        "name", "must be a positive whole number");
  }
}

TEST(ResourceNamesTest, RevisionNameWithBadPlanPartIsRejected) {
  ExpectInvalidField(
      ParseRevisionName("countries/XYZ/plans/steel-2070/revisions/1", "name")
          .status(),
      "name", "'XYZ' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParseRevisionName("countries/IND/plans/Steel-2070/revisions/1", "name")
          .status(),
      "name", "must use lower-case letters");
  ExpectInvalidField(
      ParseRevisionName("countries/IND/revisions/1", "name").status(), "name",
      "must have the form countries/{country}/plans/{plan}");
  ExpectInvalidField(
      ParseRevisionName("countries/IND/plans/steel-2070/revisions/1/"
                        "revisions/2",
                        "name")
          .status(),
      "name", "must have the form countries/{country}/plans/{plan}");
}

TEST(ResourceNamesTest, RevisionNameWithoutRevisionSegmentIsRejected) {
  for (const char* text :
       {"countries/IND/plans/steel-2070", "countries/IND/plans/steel-2070/1",
        "countries/IND/plans/steel-2070/revisions",
        "countries/IND/plans/steel-2070/revision/1", ""}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParseRevisionName(text, "name").status(), "name",
                       "must have the form "
                       "countries/{country}/plans/{plan}/revisions/{revision}");
  }
}

}  // namespace
}  // namespace itp::domain
