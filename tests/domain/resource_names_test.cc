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

// ---------------------------------------------------------------------------
// Ids of reviews, comments, reports and runs: what every "{n}" segment must
// reject. 19 digits are refused even where they would fit an int64, so that
// no id can overflow.

const char* const kBadIds[] = {
    "0",
    "00",
    "-1",
    "-3",
    "01",
    "007",
    "abc",
    "3a",
    "+1",
    "1.0",
    "1e3",
    "0x1",
    " 1",
    "1 ",
    "",
    "1/",
    "\uff11",
    "9223372036854775807",  // INT64_MAX, 19 digits
    "9223372036854775808",  // INT64_MAX + 1
    "1000000000000000000",  // 10^18, 19 digits
    "99999999999999999999999",
};

// The largest id accepted: 18 digits.
constexpr char kLargestId[] = "999999999999999999";

// ---------------------------------------------------------------------------
// Plan or revision names.

TEST(ResourceNamesTest, PlanOrRevisionNameOfAPlanHasRevisionZero) {
  absl::StatusOr<RevisionName> name =
      ParsePlanOrRevisionName("countries/IND/plans/steel-2070", "plan");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->plan.country, "IND");
  EXPECT_EQ(name->plan.plan_id, "steel-2070");
  EXPECT_EQ(name->revision, 0);
  EXPECT_EQ(name->plan.ToString(), "countries/IND/plans/steel-2070");
}

TEST(ResourceNamesTest, PlanOrRevisionNameOfARevisionRoundTrips) {
  for (const char* text : {"countries/IDN/plans/cement-2060/revisions/1",
                           "countries/ZAF/plans/steel-2050/revisions/12",
                           "countries/VNM/plans/cement-2050/revisions/"
                           "2147483647"}) {
    absl::StatusOr<RevisionName> name = ParsePlanOrRevisionName(text, "plan");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_GE(name->revision, 1);
    EXPECT_EQ(name->ToString(), text);
  }
  absl::StatusOr<RevisionName> name = ParsePlanOrRevisionName(
      "countries/IDN/plans/cement-2060/revisions/4", "plan");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->plan.country, "IDN");
  EXPECT_EQ(name->plan.plan_id, "cement-2060");
  EXPECT_EQ(name->revision, 4);
}

TEST(ResourceNamesTest, PlanOrRevisionNameWithBadRevisionIsRejected) {
  for (const char* revision :
       {"0", "01", "-1", "abc", "", " 1", "2147483648", "1e3"}) {
    SCOPED_TRACE(revision);
    ExpectInvalidField(
        ParsePlanOrRevisionName(
            std::string("countries/IND/plans/steel-2070/revisions/") + revision,
            "plan")
            .status(),
        "plan", "must be a positive whole number");
  }
}

TEST(ResourceNamesTest, MalformedPlanOrRevisionNamesAreRejected) {
  ExpectInvalidField(ParsePlanOrRevisionName("", "plan").status(), "plan",
                     "is required");
  ExpectInvalidField(
      ParsePlanOrRevisionName("countries/XYZ/plans/steel-2070", "plan")
          .status(),
      "plan", "'XYZ' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(ParsePlanOrRevisionName(
                         "countries/idn/plans/cement-2060/revisions/2", "plan")
                         .status(),
                     "plan", "'idn' is not an ISO 3166-1 alpha-3 country code");
  for (const char* text :
       {"countries/IND/plans", "countries/IND/plans/steel-2070/reviews/1",
        "countries/IND/revisions/1",
        "countries/IND/plans/steel-2070/benchmarkReports/1",
        "pathways/tpi-steel-2022-1p5c"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParsePlanOrRevisionName(text, "plan").status(), "plan",
                       "must have the form countries/{country}/plans/{plan}");
  }
}

TEST(ResourceNamesTest, PlanOrRevisionNameErrorsNameTheGivenField) {
  ExpectInvalidField(
      ParsePlanOrRevisionName("countries/IND/plans/Steel-2070", "plan_revision")
          .status(),
      "plan_revision", "must use lower-case letters");
}

// ---------------------------------------------------------------------------
// Review names.

TEST(ResourceNamesTest, ReviewNameParses) {
  absl::StatusOr<ReviewName> name =
      ParseReviewName("countries/IND/plans/steel-2070/reviews/3", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->plan.country, "IND");
  EXPECT_EQ(name->plan.plan_id, "steel-2070");
  EXPECT_EQ(name->review, 3);
}

TEST(ResourceNamesTest, ReviewNameRoundTrips) {
  for (const std::string& text :
       {std::string("countries/IND/plans/steel-2070/reviews/1"),
        std::string("countries/IDN/plans/cement-2060/reviews/27"),
        std::string("countries/BRA/plans/reviews/reviews/2"),
        std::string("countries/VNM/plans/cement-2050/reviews/") + kLargestId}) {
    absl::StatusOr<ReviewName> name = ParseReviewName(text, "name");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_EQ(name->ToString(), text);
  }
  EXPECT_EQ((ReviewName{{"ZAF", "steel-2050"}, 5}).ToString(),
            "countries/ZAF/plans/steel-2050/reviews/5");
  absl::StatusOr<ReviewName> largest = ParseReviewName(
      std::string("countries/VNM/plans/cement-2050/reviews/") + kLargestId,
      "name");
  ASSERT_TRUE(largest.ok()) << largest.status();
  EXPECT_EQ(largest->review, 999999999999999999);
}

TEST(ResourceNamesTest, BadReviewIdsAreRejected) {
  for (const char* id : kBadIds) {
    SCOPED_TRACE(id);
    ExpectInvalidField(
        ParseReviewName(
            std::string("countries/IND/plans/steel-2070/reviews/") + id,
            "review")
            .status(),
        "review",
        "must have the form countries/{country}/plans/{plan}/reviews/"
        "{review}");
  }
}

TEST(ResourceNamesTest, ReviewNameWithBadPlanPartIsRejected) {
  ExpectInvalidField(
      ParseReviewName("countries/XYZ/plans/steel-2070/reviews/3", "name")
          .status(),
      "name", "'XYZ' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParseReviewName("countries/ind/plans/steel-2070/reviews/3", "name")
          .status(),
      "name", "'ind' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParseReviewName("countries/IND/plans/Steel-2070/reviews/3", "name")
          .status(),
      "name", "must use lower-case letters");
  for (const char* text : {"countries/IND/reviews/3", "reviews/3",
                           "countries/IND/plans/steel-2070/revisions/1/"
                           "reviews/3",
                           "/countries/IND/plans/steel-2070/reviews/3"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParseReviewName(text, "name").status(), "name",
                       "must have the form countries/{country}/plans/{plan}");
  }
}

TEST(ResourceNamesTest, MalformedReviewNamesAreRejected) {
  for (const char* text :
       {"", "countries/IND/plans/steel-2070",
        "countries/IND/plans/steel-2070/reviews",
        "countries/IND/plans/steel-2070/reviews/3/",
        "countries/IND/plans/steel-2070/review/3",
        "countries/IND/plans/steel-2070/Reviews/3",
        "countries/IND/plans/steel-2070/reviews/3/comments/1"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(
        ParseReviewName(text, "name").status(), "name",
        "must have the form countries/{country}/plans/{plan}/reviews/{review}");
  }
}

// ---------------------------------------------------------------------------
// Comment names.

TEST(ResourceNamesTest, CommentNameParses) {
  absl::StatusOr<CommentName> name = ParseCommentName(
      "countries/IDN/plans/cement-2060/reviews/2/comments/14", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->review.plan.country, "IDN");
  EXPECT_EQ(name->review.plan.plan_id, "cement-2060");
  EXPECT_EQ(name->review.review, 2);
  EXPECT_EQ(name->comment, 14);
}

TEST(ResourceNamesTest, CommentNameRoundTrips) {
  for (const std::string& text :
       {std::string("countries/IND/plans/steel-2070/reviews/1/comments/1"),
        std::string("countries/ZAF/plans/steel-2050/reviews/12/comments/305"),
        std::string("countries/BRA/plans/steel-2060/reviews/") + kLargestId +
            "/comments/" + kLargestId}) {
    absl::StatusOr<CommentName> name = ParseCommentName(text, "name");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_EQ(name->ToString(), text);
  }
  EXPECT_EQ((CommentName{{{"VNM", "cement-2050"}, 3}, 8}).ToString(),
            "countries/VNM/plans/cement-2050/reviews/3/comments/8");
}

TEST(ResourceNamesTest, BadCommentIdsAreRejected) {
  for (const char* id : kBadIds) {
    SCOPED_TRACE(id);
    ExpectInvalidField(
        ParseCommentName(
            std::string("countries/IND/plans/steel-2070/reviews/3/comments/") +
                id,
            "comment")
            .status(),
        "comment",
        "must have the form "
        "countries/{country}/plans/{plan}/reviews/{review}/comments/"
        "{comment}");
  }
}

TEST(ResourceNamesTest, CommentNameWithBadReviewIdIsRejected) {
  for (const char* id : kBadIds) {
    SCOPED_TRACE(id);
    ExpectInvalidField(
        ParseCommentName(
            std::string("countries/IND/plans/steel-2070/reviews/") + id +
                "/comments/4",
            "name")
            .status(),
        "name",
        "must have the form countries/{country}/plans/{plan}/reviews/"
        "{review}");
  }
}

TEST(ResourceNamesTest, CommentNameWithBadPlanPartIsRejected) {
  ExpectInvalidField(
      ParseCommentName("countries/XYZ/plans/steel-2070/reviews/3/comments/4",
                       "name")
          .status(),
      "name", "'XYZ' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParseCommentName("countries/IND/plans/steel-2070-/reviews/3/comments/4",
                       "name")
          .status(),
      "name", "not end with a hyphen");
}

TEST(ResourceNamesTest, MalformedCommentNamesAreRejected) {
  for (const char* text : {"", "countries/IND/plans/steel-2070/reviews/3",
                           "countries/IND/plans/steel-2070/reviews/3/comments",
                           "countries/IND/plans/steel-2070/reviews/3/comment/4",
                           "countries/IND/plans/steel-2070/reviews/3/comments/"
                           "4/"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParseCommentName(text, "name").status(), "name",
                       "must have the form "
                       "countries/{country}/plans/{plan}/reviews/{review}/"
                       "comments/{comment}");
  }
  // A comment directly under a plan has no review.
  ExpectInvalidField(
      ParseCommentName("countries/IND/plans/steel-2070/comments/4", "name")
          .status(),
      "name",
      "must have the form countries/{country}/plans/{plan}/reviews/{review}");
}

// ---------------------------------------------------------------------------
// Benchmark report names.

TEST(ResourceNamesTest, ReportNameParses) {
  absl::StatusOr<ReportName> name = ParseReportName(
      "countries/IDN/plans/cement-2060/benchmarkReports/7", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->plan.country, "IDN");
  EXPECT_EQ(name->plan.plan_id, "cement-2060");
  EXPECT_EQ(name->report, 7);
}

TEST(ResourceNamesTest, ReportNameRoundTrips) {
  for (const std::string& text :
       {std::string("countries/IND/plans/steel-2070/benchmarkReports/1"),
        std::string("countries/ZAF/plans/steel-2050/benchmarkReports/4096"),
        std::string("countries/BRA/plans/steel-2060/benchmarkReports/") +
            kLargestId}) {
    absl::StatusOr<ReportName> name = ParseReportName(text, "name");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_EQ(name->ToString(), text);
  }
  EXPECT_EQ((ReportName{{"VNM", "cement-2050"}, 2}).ToString(),
            "countries/VNM/plans/cement-2050/benchmarkReports/2");
}

TEST(ResourceNamesTest, BadReportIdsAreRejected) {
  for (const char* id : kBadIds) {
    SCOPED_TRACE(id);
    ExpectInvalidField(
        ParseReportName(
            std::string("countries/IND/plans/steel-2070/benchmarkReports/") +
                id,
            "report")
            .status(),
        "report",
        "must have the form "
        "countries/{country}/plans/{plan}/benchmarkReports/{report}");
  }
}

TEST(ResourceNamesTest, ReportNameWithBadPlanPartIsRejected) {
  ExpectInvalidField(
      ParseReportName("countries/XYZ/plans/steel-2070/benchmarkReports/1",
                      "name")
          .status(),
      "name", "'XYZ' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParseReportName("countries/IN/plans/steel-2070/benchmarkReports/1",
                      "name")
          .status(),
      "name", "'IN' is not an ISO 3166-1 alpha-3 country code");
  ExpectInvalidField(
      ParseReportName(
          "countries/IND/plans/steel-2070/revisions/2/benchmarkReports/1",
          "name")
          .status(),
      "name", "must have the form countries/{country}/plans/{plan}");
}

TEST(ResourceNamesTest, MalformedReportNamesAreRejected) {
  for (const char* text :
       {"", "countries/IND/plans/steel-2070",
        "countries/IND/plans/steel-2070/benchmarkReports",
        "countries/IND/plans/steel-2070/benchmarkreports/1",
        "countries/IND/plans/steel-2070/reports/1",
        "countries/IND/plans/steel-2070/benchmarkReports/1/"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(
        ParseReportName(text, "name").status(), "name",
        "must have the form "
        "countries/{country}/plans/{plan}/benchmarkReports/{report}");
  }
}

// ---------------------------------------------------------------------------
// Pathway and job names.

TEST(ResourceNamesTest, PathwayNameGivesTheId) {
  for (const char* id : {"tpi-steel-2022-1p5c", "tpi-cement-2022-below-2c",
                         "iea-nze-steel-2022", "bee-india-steel-2023"}) {
    const std::string text = std::string("pathways/") + id;
    absl::StatusOr<std::string> parsed = ParsePathwayName(text, "pathway");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(ResourceNamesTest, MalformedPathwayNamesAreRejected) {
  for (const std::string& text :
       {std::string(""), std::string("pathways"), std::string("pathways/"),
        std::string("tpi-steel-2022-1p5c"),
        std::string("pathway/tpi-steel-2022-1p5c"),
        std::string("Pathways/tpi-steel-2022-1p5c"),
        std::string("pathways/TPI-steel-2022-1p5c"),
        std::string("pathways/tpi_steel_2022"),
        std::string("pathways/2022-tpi-steel"),
        std::string("pathways/tpi-steel-"),
        std::string("pathways/tpi-steel-2022-1p5c/"),
        std::string("pathways/tpi/steel"),
        std::string("/pathways/tpi-steel-2022-1p5c"),
        std::string("pathways/") + kLongestPlanId + "x"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParsePathwayName(text, "pathway").status(), "pathway",
                       "is not a pathway name such as "
                       "pathways/tpi-steel-2022-1p5c");
  }
}

TEST(ResourceNamesTest, LongestPathwayIdIsAccepted) {
  absl::StatusOr<std::string> parsed =
      ParsePathwayName("pathways/" + kLongestPlanId, "name");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, kLongestPlanId);
}

TEST(ResourceNamesTest, JobNameGivesTheId) {
  for (const char* id : {"nightly-steel", "weekly-cement-idn", "j"}) {
    const std::string text = std::string("benchmarkJobs/") + id;
    absl::StatusOr<std::string> parsed = ParseJobName(text, "name");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(ResourceNamesTest, MalformedJobNamesAreRejected) {
  for (const std::string& text :
       {std::string(""), std::string("benchmarkJobs/"),
        std::string("nightly-steel"), std::string("jobs/nightly-steel"),
        std::string("benchmarkjobs/nightly-steel"),
        std::string("benchmarkJobs/Nightly-steel"),
        std::string("benchmarkJobs/nightly_steel"),
        std::string("benchmarkJobs/7-nightly"),
        std::string("benchmarkJobs/nightly-steel/runs/1"),
        std::string("benchmarkJobs/") + kLongestPlanId + "x"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(ParseJobName(text, "job").status(), "job",
                       "is not a job name such as benchmarkJobs/nightly-steel");
  }
}

// ---------------------------------------------------------------------------
// Job run names.

TEST(ResourceNamesTest, JobRunNameParses) {
  absl::StatusOr<JobRunName> name =
      ParseJobRunName("benchmarkJobs/nightly-steel/runs/12", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->job, "benchmarkJobs/nightly-steel");
  EXPECT_EQ(name->run, 12);
}

TEST(ResourceNamesTest, JobRunNameRoundTrips) {
  for (const std::string& text :
       {std::string("benchmarkJobs/nightly-steel/runs/1"),
        std::string("benchmarkJobs/weekly-cement-idn/runs/52"),
        std::string("benchmarkJobs/nightly-steel/runs/") + kLargestId}) {
    absl::StatusOr<JobRunName> name = ParseJobRunName(text, "name");
    ASSERT_TRUE(name.ok()) << name.status();
    EXPECT_EQ(name->ToString(), text);
  }
  EXPECT_EQ((JobRunName{"benchmarkJobs/nightly-steel", 3}).ToString(),
            "benchmarkJobs/nightly-steel/runs/3");
}

TEST(ResourceNamesTest, BadRunIdsAreRejected) {
  for (const char* id : kBadIds) {
    SCOPED_TRACE(id);
    ExpectInvalidField(
        ParseJobRunName(std::string("benchmarkJobs/nightly-steel/runs/") + id,
                        "run")
            .status(),
        "run", "is not a run name such as benchmarkJobs/nightly-steel/runs/12");
  }
}

TEST(ResourceNamesTest, MalformedJobRunNamesAreRejected) {
  for (const char* text :
       {"", "benchmarkJobs/nightly-steel", "benchmarkJobs/nightly-steel/runs",
        "benchmarkJobs/nightly-steel/run/1", "benchmarkJobs//runs/1",
        "benchmarkJobs/Nightly-steel/runs/1", "jobs/nightly-steel/runs/1",
        "nightly-steel/runs/1", "benchmarkJobs/nightly-steel/runs/1/",
        "benchmarkJobs/nightly-steel/runs/1/runs/2",
        "countries/IND/plans/steel-2070/runs/1"}) {
    SCOPED_TRACE(text);
    ExpectInvalidField(
        ParseJobRunName(text, "name").status(), "name",
        "is not a run name such as benchmarkJobs/nightly-steel/runs/12");
  }
}

// ---------------------------------------------------------------------------
// ParseApiKeyName.

TEST(ParseApiKeyNameTest, ReturnsTheKeyId) {
  absl::StatusOr<std::string> id =
      ParseApiKeyName("apiKeys/3f9c2a1b7d4e8f60", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "3f9c2a1b7d4e8f60");
}

TEST(ParseApiKeyNameTest, RejectsMalformedNamesNamingTheField) {
  for (const char* name : {
           "",
           "apiKeys/",
           "3f9c2a1b7d4e8f60",
           "apikeys/3f9c2a1b7d4e8f60",
           "apiKeys/3F9C2A1B7D4E8F60",
           "apiKeys/3f9c2a1b7d4e8f6",
           "apiKeys/3f9c2a1b7d4e8f601",
           "apiKeys/3f9c2a1b7d4e8g60",
           "apiKeys/3f9c2a1b7d4e8f60/",
           "apiKeys/-",
           "/apiKeys/3f9c2a1b7d4e8f60",
           "countries/IND/plans/steel-2070",
       }) {
    SCOPED_TRACE(name);
    absl::StatusOr<std::string> id = ParseApiKeyName(name, "name");
    ASSERT_FALSE(id.ok()) << *id;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    google::rpc::BadRequest bad_request = domain::BadRequestOf(id.status());
    ASSERT_EQ(bad_request.field_violations_size(), 1);
    EXPECT_EQ(bad_request.field_violations(0).field(), "name");
    EXPECT_THAT(bad_request.field_violations(0).description(),
                HasSubstr(absl::StrCat("'", name, "'")));
  }
}

// ---------------------------------------------------------------------------
// ParseAuditEventName.

TEST(ParseAuditEventNameTest, ReturnsTheEventId) {
  absl::StatusOr<int64_t> id = ParseAuditEventName("auditEvents/1042", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, 1042);
  id = ParseAuditEventName("auditEvents/999999999999999999", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, 999999999999999999);
}

TEST(ParseAuditEventNameTest, RejectsMalformedNamesNamingTheField) {
  for (const char* name : {
           "",
           "auditEvents/",
           "auditEvents/0",
           "auditEvents/01",
           "auditEvents/-1",
           "auditEvents/12a",
           "auditEvents/1000000000000000000",
           "auditevents/12",
           "/auditEvents/12",
           "apiKeys/auditEvents/12",
           "auditEvents/12/",
           "1042",
       }) {
    SCOPED_TRACE(name);
    absl::StatusOr<int64_t> id = ParseAuditEventName(name, "name");
    ASSERT_FALSE(id.ok()) << *id;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    google::rpc::BadRequest bad_request = domain::BadRequestOf(id.status());
    ASSERT_EQ(bad_request.field_violations_size(), 1);
    EXPECT_EQ(bad_request.field_violations(0).field(), "name");
    EXPECT_THAT(bad_request.field_violations(0).description(),
                HasSubstr(absl::StrCat("'", name, "' is not an audit event")));
  }
}

}  // namespace
}  // namespace itp::domain
