#include "server/domain/plan_query.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

using ::testing::HasSubstr;

// Enum numbers used in DebugString(): Plan.State DRAFT 1, SUBMITTED 2,
// IN_REVIEW 3, CHANGES_REQUESTED 4, APPROVED 5, REJECTED 6, WITHDRAWN 7;
// Sector IRON_AND_STEEL 1, CEMENT 2, ALUMINIUM 3.

// The canonical rendering of `filter`, or the error it gives.
std::string Parsed(absl::string_view filter) {
  absl::StatusOr<std::optional<FilterExpr>> result = ParsePlanFilter(filter);
  if (!result.ok()) return absl::StrCat("error: ", result.status().ToString());
  if (!result->has_value()) return "<nothing>";
  return (*result)->DebugString();
}

// Expects INVALID_ARGUMENT with exactly one BadRequest violation on "filter"
// whose description contains `what`.
void ExpectFilterError(absl::string_view filter, absl::string_view what) {
  SCOPED_TRACE(filter.size() > 200 ? std::string(filter.substr(0, 200)) + "..."
                                   : std::string(filter));
  absl::StatusOr<std::optional<FilterExpr>> result = ParsePlanFilter(filter);
  ASSERT_FALSE(result.ok()) << "parsed as "
                            << (result->has_value() ? (*result)->DebugString()
                                                    : std::string("<nothing>"));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad_request = BadRequestOf(result.status());
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "filter");
  EXPECT_THAT(bad_request.field_violations(0).description(), HasSubstr(what));
}

// ---------------------------------------------------------------------------
// Empty filters.

TEST(PlanFilterTest, EmptyFilterMatchesEverything) {
  EXPECT_EQ(Parsed(""), "<nothing>");
}

TEST(PlanFilterTest, BlankFilterMatchesEverything) {
  EXPECT_EQ(Parsed("   \t\n\r  "), "<nothing>");
}

// ---------------------------------------------------------------------------
// Comparisons.

TEST(PlanFilterTest, StateComparisonUsesTheEnumNumber) {
  EXPECT_EQ(Parsed("state = SUBMITTED"), "state = 2");
  EXPECT_EQ(Parsed("state != DRAFT"), "state != 1");
  EXPECT_EQ(Parsed("state=CHANGES_REQUESTED"), "state = 4");
  EXPECT_EQ(Parsed("state = \"WITHDRAWN\""), "state = 7");
}

TEST(PlanFilterTest, SectorComparisonUsesTheEnumNumber) {
  EXPECT_EQ(Parsed("sector = IRON_AND_STEEL"), "sector = 1");
  EXPECT_EQ(Parsed("sector != CEMENT"), "sector != 2");
  EXPECT_EQ(Parsed("sector = 'GLASS'"), "sector = 8");
}

TEST(PlanFilterTest, CountryComparisonKeepsTheCode) {
  EXPECT_EQ(Parsed("country = IND"), "country = IND");
  EXPECT_EQ(Parsed("country != \"IDN\""), "country != IDN");
  EXPECT_EQ(Parsed("country='ZAF'"), "country = ZAF");
}

TEST(PlanFilterTest, RevisionSupportsEveryOperator) {
  EXPECT_EQ(Parsed("revision = 2"), "revision = 2");
  EXPECT_EQ(Parsed("revision != 0"), "revision != 0");
  EXPECT_EQ(Parsed("revision < 3"), "revision < 3");
  EXPECT_EQ(Parsed("revision <= 3"), "revision <= 3");
  EXPECT_EQ(Parsed("revision > 1"), "revision > 1");
  EXPECT_EQ(Parsed("revision >= 1"), "revision >= 1");
  EXPECT_EQ(Parsed("revision>=10"), "revision >= 10");
}

// 2026-01-01T00:00:00Z: from 1970-01-01 there are 56 years, 14 of them leap
// years (1972, 1976, ..., 2024), so 56 x 365 + 14 = 20,454 days
// = 20,454 x 86,400 s = 1,767,225,600 s = 1,767,225,600,000,000 us.
TEST(PlanFilterTest, QuotedTimeIsUnixMicroseconds) {
  EXPECT_EQ(Parsed("create_time >= \"2026-01-01T00:00:00Z\""),
            "create_time >= 1767225600000000");
}

TEST(PlanFilterTest, UnquotedTimeIsUnixMicroseconds) {
  EXPECT_EQ(Parsed("update_time < 2026-01-01T00:00:00Z"),
            "update_time < 1767225600000000");
}

// 2025-12-31T21:00:00-03:00 is the same instant as 2026-01-01T00:00:00Z.
TEST(PlanFilterTest, TimeWithNegativeOffsetIsConvertedToUtc) {
  EXPECT_EQ(Parsed("submit_time <= 2025-12-31T21:00:00-03:00"),
            "submit_time <= 1767225600000000");
}

// 2025-06-30T18:30:00+05:30 (India) is 2025-06-30T13:00:00Z.
// 2025-01-01T00:00:00Z = 1,767,225,600 - 365 x 86,400 = 1,735,689,600 s.
// Jan-May hold 31 + 28 + 31 + 30 + 31 = 151 days, so June 30 is day 180:
// 1,735,689,600 + 180 x 86,400 = 1,751,241,600 s; plus 13 h (46,800 s)
// = 1,751,288,400 s.
TEST(PlanFilterTest, TimeWithPositiveOffsetIsConvertedToUtc) {
  EXPECT_EQ(Parsed("submit_time > \"2025-06-30T18:30:00+05:30\""),
            "submit_time > 1751288400000000");
}

// 2024-01-01T00:00:00Z = 1,735,689,600 - 366 x 86,400 = 1,704,067,200 s.
// Feb 29 is day 31 + 28 = 59: + 59 x 86,400 = 1,709,164,800 s; plus 12 h
// (43,200 s) = 1,709,208,000 s; plus 0.5 s = 1,709,208,000,500,000 us.
TEST(PlanFilterTest, FractionalSecondsAreKept) {
  EXPECT_EQ(Parsed("create_time = 2024-02-29T12:00:00.5Z"),
            "create_time = 1709208000500000");
}

TEST(PlanFilterTest, EpochIsZero) {
  EXPECT_EQ(Parsed("submit_time = \"1970-01-01T00:00:00Z\""),
            "submit_time = 0");
}

// ---------------------------------------------------------------------------
// Boolean structure.

TEST(PlanFilterTest, AndJoinsComparisons) {
  EXPECT_EQ(Parsed("state = SUBMITTED AND sector = CEMENT"),
            "(state = 2 AND sector = 2)");
  EXPECT_EQ(Parsed("country = IND AND sector = IRON_AND_STEEL AND "
                   "revision >= 1"),
            "(country = IND AND sector = 1 AND revision >= 1)");
}

TEST(PlanFilterTest, OrJoinsComparisons) {
  EXPECT_EQ(Parsed("country = IND OR country = IDN OR country = VNM"),
            "(country = IND OR country = IDN OR country = VNM)");
}

TEST(PlanFilterTest, OrBindsTighterThanAnd) {
  EXPECT_EQ(Parsed("state = APPROVED AND country = IND OR country = IDN"),
            "(state = 5 AND (country = IND OR country = IDN))");
  EXPECT_EQ(Parsed("country = IND OR country = IDN AND sector = CEMENT"),
            "((country = IND OR country = IDN) AND sector = 2)");
}

TEST(PlanFilterTest, NotNegatesAComparison) {
  EXPECT_EQ(Parsed("NOT state = DRAFT"), "NOT state = 1");
}

TEST(PlanFilterTest, MinusNegatesAComparison) {
  EXPECT_EQ(Parsed("-state = DRAFT"), "NOT state = 1");
  EXPECT_EQ(Parsed("-(sector = CEMENT)"), "NOT sector = 2");
}

TEST(PlanFilterTest, NotAppliesToTheTermOnly) {
  EXPECT_EQ(Parsed("NOT state = DRAFT AND country = BRA"),
            "(NOT state = 1 AND country = BRA)");
  EXPECT_EQ(Parsed("NOT state = WITHDRAWN OR state = REJECTED"),
            "(NOT state = 7 OR state = 6)");
}

TEST(PlanFilterTest, NotNegatesAParenthesisedExpression) {
  EXPECT_EQ(Parsed("NOT (state = DRAFT OR state = WITHDRAWN)"),
            "NOT (state = 1 OR state = 7)");
  EXPECT_EQ(Parsed("NOT(state = DRAFT)"), "NOT state = 1");
}

TEST(PlanFilterTest, ParenthesesGroup) {
  EXPECT_EQ(Parsed("(state = SUBMITTED OR state = IN_REVIEW) AND "
                   "(sector = IRON_AND_STEEL OR sector = CEMENT)"),
            "((state = 2 OR state = 3) AND (sector = 1 OR sector = 2))");
  EXPECT_EQ(Parsed("(state = APPROVED AND country = IND) OR country = IDN"),
            "((state = 5 AND country = IND) OR country = IDN)");
  EXPECT_EQ(Parsed("((country = ZAF))"), "country = ZAF");
}

TEST(PlanFilterTest, JuxtapositionMeansAnd) {
  EXPECT_EQ(Parsed("country = VNM sector = CEMENT"),
            "(country = VNM AND sector = 2)");
  EXPECT_EQ(Parsed("country = VNM sector = CEMENT OR sector = IRON_AND_STEEL"),
            "(country = VNM AND (sector = 2 OR sector = 1))");
  EXPECT_EQ(Parsed("state = SUBMITTED AND country = IND sector = CEMENT"),
            "(state = 2 AND (country = IND AND sector = 2))");
  EXPECT_EQ(Parsed("country = BRA -state = DRAFT"),
            "(country = BRA AND NOT state = 1)");
}

TEST(PlanFilterTest, RealisticReviewerQuery) {
  EXPECT_EQ(
      Parsed("(country = IND OR country = IDN OR country = ZAF) AND "
             "sector = IRON_AND_STEEL AND state != DRAFT AND "
             "submit_time >= \"2026-01-01T00:00:00Z\""),
      "((country = IND OR country = IDN OR country = ZAF) AND sector = 1 AND "
      "state != 1 AND submit_time >= 1767225600000000)");
}

// ---------------------------------------------------------------------------
// Errors.

TEST(PlanFilterTest, UnknownFieldIsRejected) {
  ExpectFilterError("status = SUBMITTED", "unknown field 'status'");
  ExpectFilterError("display_name = \"India green steel roadmap\"",
                    "unknown field 'display_name'");
  ExpectFilterError("plan.state = DRAFT", "unknown field 'plan.state'");
}

TEST(PlanFilterTest, ErrorNamesThePosition) {
  // "state = DRAFT AND " is 18 characters, so 'stage' starts at position 19.
  ExpectFilterError("state = DRAFT AND stage = SUBMITTED",
                    "at position 19: unknown field 'stage'");
}

TEST(PlanFilterTest, BadStateValueIsRejected) {
  ExpectFilterError("state = SUBMITTTED", "'SUBMITTTED' is not a plan state");
  ExpectFilterError("state = submitted", "'submitted' is not a plan state");
  ExpectFilterError("state = STATE_UNSPECIFIED", "is not a plan state");
  ExpectFilterError("state = 2", "'2' is not a plan state");
}

TEST(PlanFilterTest, BadSectorValueIsRejected) {
  ExpectFilterError("sector = STEEL", "'STEEL' is not a sector");
  ExpectFilterError("sector = SECTOR_UNSPECIFIED", "is not a sector");
}

TEST(PlanFilterTest, BadCountryValueIsRejected) {
  ExpectFilterError("country = XYZ", "'XYZ' is not an ISO 3166-1 alpha-3");
  ExpectFilterError("country = IN", "'IN' is not an ISO 3166-1 alpha-3");
  ExpectFilterError("country = ind", "'ind' is not an ISO 3166-1 alpha-3");
  ExpectFilterError("country = \"India\"", "is not an ISO 3166-1 alpha-3");
}

TEST(PlanFilterTest, BadRevisionValueIsRejected) {
  ExpectFilterError("revision = two", "'two' is not a revision number");
  ExpectFilterError("revision >= -1", "'-1' is not a revision number");
  ExpectFilterError("revision = 1.5", "is not a revision number");
}

TEST(PlanFilterTest, BadTimeValueIsRejected) {
  ExpectFilterError("create_time > 2026-01-01", "is not an RFC 3339 time");
  ExpectFilterError("update_time > \"yesterday\"", "is not an RFC 3339 time");
  ExpectFilterError("submit_time > 1767225600", "is not an RFC 3339 time");
}

TEST(PlanFilterTest, OrderedOperatorOnStateIsRejected) {
  ExpectFilterError("state > DRAFT", "'state' supports only = and !=");
  ExpectFilterError("sector <= CEMENT", "'sector' supports only = and !=");
  ExpectFilterError("country >= IND", "'country' supports only = and !=");
}

TEST(PlanFilterTest, UnterminatedStringIsRejected) {
  ExpectFilterError("country = \"IND", "unterminated string");
  ExpectFilterError("state = 'SUBMITTED", "unterminated string");
}

TEST(PlanFilterTest, UnbalancedParenthesesAreRejected) {
  ExpectFilterError("(state = DRAFT", "'(' has no matching ')'");
  ExpectFilterError("((state = DRAFT) OR state = SUBMITTED",
                    "'(' has no matching ')'");
  ExpectFilterError("state = DRAFT)", "unexpected ')'");
  ExpectFilterError("()", "expected a field name, found ')'");
}

TEST(PlanFilterTest, TrailingJunkIsRejected) {
  ExpectFilterError("state = DRAFT =", "unexpected '='");
  ExpectFilterError("state = DRAFT AND", "found the end of the filter");
  ExpectFilterError("state = DRAFT OR", "found the end of the filter");
  ExpectFilterError("state = DRAFT country", "expected a comparison operator");
}

TEST(PlanFilterTest, IncompleteComparisonsAreRejected) {
  ExpectFilterError("state", "expected a comparison operator after 'state'");
  ExpectFilterError("state DRAFT",
                    "expected a comparison operator after 'state'");
  ExpectFilterError("state =", "expected a value after 'state ='");
  ExpectFilterError("state ! DRAFT", "'!' must be followed by '='");
  ExpectFilterError("AND state = DRAFT", "unknown field 'AND'");
  ExpectFilterError("state == DRAFT", "expected a value after 'state ='");
}

TEST(PlanFilterTest, SqlInjectionIsRejected) {
  ExpectFilterError("state = SUBMITTED; DROP TABLE plans",
                    "unexpected character ';'");
  ExpectFilterError("state = \"SUBMITTED' OR 1=1 --\"",
                    "'SUBMITTED' OR 1=1 --' is not a plan state");
  ExpectFilterError("country = \"IND\" UNION SELECT * FROM plans",
                    "unexpected character '*'");
  ExpectFilterError("country = IND' OR '1'='1", "");
  ExpectFilterError("state = DRAFT -- comment", "");
}

TEST(PlanFilterTest, NonAsciiCharactersAreRejected) {
  ExpectFilterError("country = \u00cdND", "unexpected character");
  ExpectFilterError("sector = CEMENT \u2227 country = IDN",
                    "unexpected character");
}

// The description travels in a proto3 string field (google.rpc.BadRequest),
// which every proto3 parser rejects unless it is valid UTF-8; a client would
// lose the whole error detail otherwise.
TEST(PlanFilterTest, ErrorAboutANonAsciiCharacterIsValidUtf8) {
  for (const char* filter :
       {"country = \u00cdND", "sector = CEMENT \u2227 country = IDN",
        "state = DRAFT \U0001F3ED"}) {
    SCOPED_TRACE(filter);
    absl::StatusOr<std::optional<FilterExpr>> result = ParsePlanFilter(filter);
    ASSERT_FALSE(result.ok());
    auto payload = result.status().GetPayload(kBadRequestTypeUrl);
    ASSERT_TRUE(payload.has_value());
    google::rpc::BadRequest bad_request;
    EXPECT_TRUE(bad_request.ParseFromString(std::string(*payload)))
        << "the BadRequest payload does not parse: "
        << absl::CHexEscape(result.status().message());
  }
}

TEST(PlanFilterTest, FilterOf2000CharactersIsAccepted) {
  std::string filter = "state = DRAFT";
  filter.resize(kMaxFilterLength, ' ');
  EXPECT_EQ(Parsed(filter), "state = 1");
}

TEST(PlanFilterTest, FilterLongerThan2000CharactersIsRejected) {
  std::string filter = "state = DRAFT";
  filter.resize(kMaxFilterLength + 1, ' ');
  ExpectFilterError(filter, "must be at most 2000 characters");
}

std::string CountryOr(int comparisons) {
  std::vector<std::string> parts(comparisons, "country = IND");
  return absl::StrJoin(parts, " OR ");
}

TEST(PlanFilterTest, FiftyComparisonsAreAccepted) {
  absl::StatusOr<std::optional<FilterExpr>> result =
      ParsePlanFilter(CountryOr(kMaxFilterComparisons));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->has_value());
  EXPECT_EQ((*result)->kind, FilterExpr::Kind::kOr);
  EXPECT_EQ((*result)->children.size(), 50u);
}

TEST(PlanFilterTest, MoreThanFiftyComparisonsAreRejected) {
  ExpectFilterError(CountryOr(kMaxFilterComparisons + 1),
                    "at most 50 comparisons");
}

std::string Nested(int depth) {
  return absl::StrCat(std::string(depth, '('), "state = DRAFT",
                      std::string(depth, ')'));
}

TEST(PlanFilterTest, SixteenLevelsOfParenthesesAreAccepted) {
  EXPECT_EQ(Parsed(Nested(16)), "state = 1");
}

TEST(PlanFilterTest, DeepNestingIsRejected) {
  ExpectFilterError(Nested(17), "nested too deeply");
  ExpectFilterError(Nested(900), "nested too deeply");
  std::string nots;
  for (int i = 0; i < 20; ++i) nots += "NOT (";
  nots += "state = DRAFT";
  nots += std::string(20, ')');
  ExpectFilterError(nots, "nested too deeply");
}

// ---------------------------------------------------------------------------
// order_by.

TEST(PlanOrderTest, EmptyOrderIsNameAscending) {
  for (const char* order_by : {"", "   "}) {
    absl::StatusOr<PlanOrder> order = ParsePlanOrder(order_by);
    ASSERT_TRUE(order.ok()) << order.status();
    EXPECT_EQ(order->field, PlanOrder::Field::kName);
    EXPECT_FALSE(order->descending);
  }
}

TEST(PlanOrderTest, EveryFieldParsesAscendingAndDescending) {
  struct Case {
    const char* order_by;
    PlanOrder::Field field;
    bool descending;
  };
  const Case kCases[] = {
      {"name", PlanOrder::Field::kName, false},
      {"name asc", PlanOrder::Field::kName, false},
      {"name desc", PlanOrder::Field::kName, true},
      {"create_time", PlanOrder::Field::kCreateTime, false},
      {"create_time asc", PlanOrder::Field::kCreateTime, false},
      {"create_time desc", PlanOrder::Field::kCreateTime, true},
      {"update_time", PlanOrder::Field::kUpdateTime, false},
      {"update_time asc", PlanOrder::Field::kUpdateTime, false},
      {"update_time desc", PlanOrder::Field::kUpdateTime, true},
      {"submit_time", PlanOrder::Field::kSubmitTime, false},
      {"submit_time asc", PlanOrder::Field::kSubmitTime, false},
      {"submit_time desc", PlanOrder::Field::kSubmitTime, true},
      {"  update_time   desc ", PlanOrder::Field::kUpdateTime, true},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.order_by);
    absl::StatusOr<PlanOrder> order = ParsePlanOrder(c.order_by);
    ASSERT_TRUE(order.ok()) << order.status();
    EXPECT_EQ(order->field, c.field);
    EXPECT_EQ(order->descending, c.descending);
  }
}

TEST(PlanOrderTest, UnsupportedOrdersNameOrderBy) {
  for (const char* order_by :
       {"display_name", "state", "country desc", "Name", "name DESC",
        "name descending", "update_time desc name", "update_time desc, name",
        "-update_time", "name; DROP TABLE plans"}) {
    SCOPED_TRACE(order_by);
    absl::StatusOr<PlanOrder> order = ParsePlanOrder(order_by);
    ASSERT_FALSE(order.ok());
    EXPECT_EQ(order.status().code(), absl::StatusCode::kInvalidArgument);
    google::rpc::BadRequest bad_request = BadRequestOf(order.status());
    ASSERT_EQ(bad_request.field_violations_size(), 1);
    EXPECT_EQ(bad_request.field_violations(0).field(), "order_by");
    EXPECT_THAT(bad_request.field_violations(0).description(),
                HasSubstr(absl::StrCat("'", order_by, "' is not supported")));
  }
}

// ---------------------------------------------------------------------------
// AndFilters, HasSubmittedRevision, HasSector.

// ParsePlanFilter(filter), which must succeed and give a filter.
FilterExpr MustParse(absl::string_view filter) {
  absl::StatusOr<std::optional<FilterExpr>> result = ParsePlanFilter(filter);
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result.ok() && result->has_value()) << filter;
  if (!result.ok() || !result->has_value()) return FilterExpr();
  return **result;
}

// DebugString of an optional filter ("<nothing>" when absent).
std::string Rendered(const std::optional<FilterExpr>& filter) {
  return filter ? filter->DebugString() : "<nothing>";
}

TEST(AndFiltersTest, TwoAbsentFiltersGiveNone) {
  EXPECT_EQ(AndFilters(std::nullopt, std::nullopt), std::nullopt);
}

TEST(AndFiltersTest, AbsentFirstOperandGivesTheSecond) {
  EXPECT_EQ(Rendered(AndFilters(std::nullopt, MustParse("country = IND"))),
            "country = IND");
}

TEST(AndFiltersTest, AbsentSecondOperandGivesTheFirst) {
  EXPECT_EQ(Rendered(AndFilters(MustParse("state = SUBMITTED OR state = "
                                          "IN_REVIEW"),
                                std::nullopt)),
            "(state = 2 OR state = 3)");
}

TEST(AndFiltersTest, TwoFiltersAreJoinedByAnd) {
  std::optional<FilterExpr> both =
      AndFilters(MustParse("state = SUBMITTED"), MustParse("country = IND"));

  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->kind, FilterExpr::Kind::kAnd);
  ASSERT_EQ(both->children.size(), 2u);
  EXPECT_EQ(both->DebugString(), "(state = 2 AND country = IND)");
  // The same as the caller writing the AND.
  EXPECT_EQ(both->DebugString(), Parsed("state = SUBMITTED AND country = IND"));
}

TEST(AndFiltersTest, OperandsKeepTheirOwnStructure) {
  EXPECT_EQ(
      Rendered(AndFilters(MustParse("state = SUBMITTED OR state = IN_REVIEW"),
                          MustParse("NOT country = IDN"))),
      "((state = 2 OR state = 3) AND NOT country = IDN)");
  EXPECT_EQ(Rendered(AndFilters(MustParse("sector = CEMENT country = VNM"),
                                MustParse("revision >= 2"))),
            "((sector = 2 AND country = VNM) AND revision >= 2)");
}

TEST(AndFiltersTest, RestrictsAFilterToSubmittedPlansOfASector) {
  // What ComparePlans lists: the caller's filter, the plans with a submitted
  // revision, and the sector compared.
  std::optional<FilterExpr> filter =
      AndFilters(AndFilters(MustParse("country = IND OR country = IDN"),
                            HasSubmittedRevision()),
                 HasSector(itp::v1::IRON_AND_STEEL));

  EXPECT_EQ(Rendered(filter),
            "(((country = IND OR country = IDN) AND revision >= 1) AND "
            "sector = 1)");
  EXPECT_EQ(Rendered(AndFilters(std::nullopt, HasSubmittedRevision())),
            "revision >= 1");
}

TEST(HasSubmittedRevisionTest, IsRevisionAtLeastOne) {
  FilterExpr e = HasSubmittedRevision();

  EXPECT_EQ(e.kind, FilterExpr::Kind::kCompare);
  EXPECT_EQ(e.field, FilterField::kRevision);
  EXPECT_EQ(e.op, CompareOp::kGe);
  EXPECT_EQ(e.int_value, 1);
  EXPECT_EQ(e.DebugString(), "revision >= 1");
  EXPECT_EQ(e.DebugString(), Parsed("revision >= 1"));
}

TEST(HasSectorTest, IsSectorEqualsTheEnumNumber) {
  EXPECT_EQ(HasSector(itp::v1::IRON_AND_STEEL).DebugString(), "sector = 1");
  EXPECT_EQ(HasSector(itp::v1::CEMENT).DebugString(), "sector = 2");
  EXPECT_EQ(HasSector(itp::v1::GLASS).DebugString(), Parsed("sector = GLASS"));
  FilterExpr e = HasSector(itp::v1::ALUMINIUM);
  EXPECT_EQ(e.kind, FilterExpr::Kind::kCompare);
  EXPECT_EQ(e.field, FilterField::kSector);
  EXPECT_EQ(e.op, CompareOp::kEq);
  EXPECT_EQ(e.int_value, 3);
}

}  // namespace
}  // namespace itp::domain
