// Tests of the review and event visibility rules of auth/policy
// (CheckReviewRead, ReviewScopeOf, CheckWatchEvents, EventVisible), role by
// role.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/review.pb.h"
#include "server/auth/policy.h"
#include "server/domain/errors.h"
#include "server/domain/resource_names.h"

namespace itp::auth {
namespace {

using ::itp::v1::PlanEvent;
using ::itp::v1::Review;
using ::itp::v1::Role;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The expectations come from the rules in policy.h and review.proto:
//   reviews   REVIEWER and ADMIN read every review; PARTNER reads the
//             completed reviews of its own countries; nobody else reads any.
//   watching  whoever may read plans may watch every country it may read
//             ("-"); a partner may also name one of its own countries only.
//   events    follow the read rule of the resource they are about:
//             REVIEWER and ADMIN see every event; BENCHMARK_RUNNER, which
//             reads plans but no review, state changes only; PARTNER the
//             events of its own countries except comments made while a
//             review was open; ROLE_UNSPECIFIED nothing.

constexpr char kAny[] = "-";
// The partner key is scoped to India and Indonesia; Brazil is not its own.
constexpr char kOwn[] = "IND";
constexpr char kSecondOwn[] = "IDN";
constexpr char kOther[] = "BRA";

constexpr char kIndiaReview[] = "countries/IND/plans/steel-2070/reviews/3";
constexpr char kBrazilReview[] = "countries/BRA/plans/steel-2060/reviews/1";

Principal Partner() {
  return Principal{"3f9c2a1b7d4e8f60", itp::v1::PARTNER, {kOwn, kSecondOwn}};
}
Principal Reviewer() {
  return Principal{"9c41e07b2d5a6f18", itp::v1::REVIEWER, {}};
}
Principal Runner() {
  return Principal{"4d1e000000000007", itp::v1::BENCHMARK_RUNNER, {}};
}
Principal Admin() { return Principal{"a1b2c3d4e5f60718", itp::v1::ADMIN, {}}; }
Principal Unspecified() {
  return Principal{"b7a3019e4c2d58f1", itp::v1::ROLE_UNSPECIFIED, {}};
}

// The ErrorInfo payload of `status`.
google::rpc::ErrorInfo ErrorInfoOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(domain::kErrorInfoTypeUrl)) {
    EXPECT_TRUE(info.ParseFromString(std::string(*payload)));
  }
  return info;
}

void ExpectDenied(const absl::Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_EQ(status.message(), message);
  EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED") << status;
}

// ---------------------------------------------------------------------------
// CheckReviewRead.

TEST(CheckReviewReadTest, PartnerMayNotReadAnOpenReview) {
  absl::Status status = CheckReviewRead(Partner(), kIndiaReview, Review::OPEN);

  ExpectDenied(status,
               "Review countries/IND/plans/steel-2070/reviews/3 is still in "
               "progress; partners see it once it is completed.");
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("resource"), kIndiaReview);
  EXPECT_EQ(ErrorInfoOf(status).domain(), domain::kErrorDomain);
}

TEST(CheckReviewReadTest, PartnerMayNotReadAReviewWithoutAState) {
  ExpectDenied(
      CheckReviewRead(Partner(), kIndiaReview, Review::STATE_UNSPECIFIED),
      "Review countries/IND/plans/steel-2070/reviews/3 is still in "
      "progress; partners see it once it is completed.");
}

TEST(CheckReviewReadTest, PartnerMayReadACompletedReview) {
  EXPECT_EQ(CheckReviewRead(Partner(), kIndiaReview, Review::COMPLETED),
            absl::OkStatus());
}

TEST(CheckReviewReadTest, ReviewersAndAdminsReadReviewsInEveryState) {
  for (const Principal& p : {Reviewer(), Admin()}) {
    for (Review::State state : {Review::OPEN, Review::COMPLETED}) {
      SCOPED_TRACE(
          absl::StrCat(Role_Name(p.role), " ", Review::State_Name(state)));
      EXPECT_EQ(CheckReviewRead(p, kIndiaReview, state), absl::OkStatus());
      EXPECT_EQ(CheckReviewRead(p, kBrazilReview, state), absl::OkStatus());
    }
  }
}

// CheckReviewRead only adds the state rule for partners; the other roles are
// refused by CheckCall(kReadReviews) before it is asked (next test).
TEST(CheckReviewReadTest, StateRuleConcernsPartnersOnly) {
  for (const Principal& p : {Runner(), Unspecified()}) {
    for (Review::State state : {Review::OPEN, Review::COMPLETED}) {
      SCOPED_TRACE(
          absl::StrCat(Role_Name(p.role), " ", Review::State_Name(state)));
      EXPECT_EQ(CheckReviewRead(p, kIndiaReview, state), absl::OkStatus());
    }
  }
}

// A review read as the service decides it: CheckCall(kReadReviews) for the
// plan's country, then CheckReviewRead with the review's state.
absl::Status ReviewRead(const Principal& p, absl::string_view country,
                        absl::string_view review, Review::State state) {
  absl::Status s = CheckCall(p, Operation::kReadReviews, country);
  if (!s.ok()) return s;
  return CheckReviewRead(p, review, state);
}

TEST(CheckReviewReadTest, ReviewReadByEveryRoleCountryAndState) {
  constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
  constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;
  struct Case {
    Principal principal;
    const char* country;
    const char* review;
    Review::State state;
    absl::StatusCode code;
  };
  const Case kCases[] = {
      {Partner(), kOwn, kIndiaReview, Review::OPEN, kDenied},
      {Partner(), kOwn, kIndiaReview, Review::COMPLETED, kOk},
      {Partner(), kOther, kBrazilReview, Review::OPEN, kDenied},
      {Partner(), kOther, kBrazilReview, Review::COMPLETED, kDenied},
      {Reviewer(), kOwn, kIndiaReview, Review::OPEN, kOk},
      {Reviewer(), kOwn, kIndiaReview, Review::COMPLETED, kOk},
      {Reviewer(), kOther, kBrazilReview, Review::OPEN, kOk},
      {Reviewer(), kOther, kBrazilReview, Review::COMPLETED, kOk},
      {Admin(), kOwn, kIndiaReview, Review::OPEN, kOk},
      {Admin(), kOwn, kIndiaReview, Review::COMPLETED, kOk},
      {Admin(), kOther, kBrazilReview, Review::OPEN, kOk},
      {Admin(), kOther, kBrazilReview, Review::COMPLETED, kOk},
      {Runner(), kOwn, kIndiaReview, Review::OPEN, kDenied},
      {Runner(), kOwn, kIndiaReview, Review::COMPLETED, kDenied},
      {Runner(), kOther, kBrazilReview, Review::COMPLETED, kDenied},
      {Unspecified(), kOwn, kIndiaReview, Review::OPEN, kDenied},
      {Unspecified(), kOwn, kIndiaReview, Review::COMPLETED, kDenied},
      {Unspecified(), kOther, kBrazilReview, Review::COMPLETED, kDenied},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(absl::StrCat(Role_Name(c.principal.role), " ", c.review, " ",
                              Review::State_Name(c.state)));
    absl::Status status = ReviewRead(c.principal, c.country, c.review, c.state);
    EXPECT_EQ(status.code(), c.code) << status;
    if (!status.ok()) {
      EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED");
    }
  }
}

TEST(CheckReviewReadTest, PartnerOfAnotherCountryIsToldWhichCountry) {
  ExpectDenied(ReviewRead(Partner(), kOther, kBrazilReview, Review::COMPLETED),
               "API key 3f9c2a1b7d4e8f60 (PARTNER) may not read the reviews "
               "of plans of BRA.");
}

// ---------------------------------------------------------------------------
// ReviewScopeOf.

TEST(ReviewScopeOfTest, PartnerListsCompletedReviewsOfItsCountries) {
  ReviewScope scope = ReviewScopeOf(Partner());

  EXPECT_THAT(scope.countries, ElementsAre("IND", "IDN"));
  EXPECT_TRUE(scope.completed_only);
}

TEST(ReviewScopeOfTest, OtherRolesListEveryReview) {
  for (const Principal& p : {Reviewer(), Admin(), Runner(), Unspecified()}) {
    SCOPED_TRACE(Role_Name(p.role));
    ReviewScope scope = ReviewScopeOf(p);
    EXPECT_THAT(scope.countries, IsEmpty());
    EXPECT_FALSE(scope.completed_only);
  }
}

// ---------------------------------------------------------------------------
// CheckWatchEvents.

TEST(CheckWatchEventsTest, EveryRoleAndCountry) {
  constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
  constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;
  struct Case {
    Principal principal;
    const char* country;
    absl::StatusCode code;
  };
  const Case kCases[] = {
      {Partner(), kAny, kOk},         {Partner(), kOwn, kOk},
      {Partner(), kSecondOwn, kOk},   {Partner(), kOther, kDenied},
      {Reviewer(), kAny, kOk},        {Reviewer(), kOwn, kOk},
      {Reviewer(), kOther, kOk},      {Runner(), kAny, kOk},
      {Runner(), kOwn, kOk},          {Runner(), kOther, kOk},
      {Admin(), kAny, kOk},           {Admin(), kOwn, kOk},
      {Admin(), kOther, kOk},         {Unspecified(), kAny, kDenied},
      {Unspecified(), kOwn, kDenied}, {Unspecified(), kOther, kDenied},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(absl::StrCat(Role_Name(c.principal.role), " ", c.country));
    absl::Status status = CheckWatchEvents(c.principal, c.country);
    EXPECT_EQ(status.code(), c.code) << status;
    if (!status.ok()) {
      EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED");
    }
  }
}

TEST(CheckWatchEventsTest, PartnerNamingAnotherCountryIsDenied) {
  ExpectDenied(CheckWatchEvents(Partner(), kOther),
               "API key 3f9c2a1b7d4e8f60 (PARTNER) may not read plans of BRA "
               "that are not APPROVED (or do not exist).");
}

TEST(CheckWatchEventsTest, RoleWithoutPlanReadsIsDenied) {
  ExpectDenied(CheckWatchEvents(Unspecified(), kAny),
               "API key b7a3019e4c2d58f1 (ROLE_UNSPECIFIED) may not read "
               "plans.");
}

// ---------------------------------------------------------------------------
// EventVisible.

struct EventCase {
  const char* watched;
  const char* country;
  PlanEvent::Type type;
  bool on_open_review;
  bool visible;
};

constexpr PlanEvent::Type kStateChanged = PlanEvent::STATE_CHANGED;
constexpr PlanEvent::Type kCommentAdded = PlanEvent::COMMENT_ADDED;
constexpr PlanEvent::Type kReviewCompleted = PlanEvent::REVIEW_COMPLETED;

void ExpectVisibility(const Principal& p, const std::vector<EventCase>& cases) {
  for (const EventCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(Role_Name(p.role), " watching ", c.watched, ": ",
                              PlanEvent::Type_Name(c.type), " in ", c.country,
                              c.on_open_review ? " (open review)" : ""));
    EventFacts event;
    event.country = c.country;
    event.type = c.type;
    event.on_open_review = c.on_open_review;
    EXPECT_EQ(EventVisible(p, c.watched, event), c.visible);
  }
}

// Every event of `country` of every type, open review or not, with
// `visible` for all of them.
std::vector<EventCase> AllEventsOf(const char* watched, const char* country,
                                   bool visible) {
  std::vector<EventCase> cases;
  for (PlanEvent::Type type :
       {kStateChanged, kCommentAdded, kReviewCompleted}) {
    for (bool open : {false, true}) {
      cases.push_back({watched, country, type, open, visible});
    }
  }
  return cases;
}

TEST(EventVisibleTest, ReviewersAndAdminsSeeEveryEventOfTheWatchedCountries) {
  for (const Principal& p : {Reviewer(), Admin()}) {
    for (const char* country : {kOwn, kSecondOwn, kOther}) {
      ExpectVisibility(p, AllEventsOf(kAny, country, true));
    }
    ExpectVisibility(p, AllEventsOf(kOther, kOther, true));
    ExpectVisibility(p, AllEventsOf(kOwn, kOwn, true));
  }
}

TEST(EventVisibleTest, EventsOfOtherCountriesThanTheWatchedOneAreNotSent) {
  for (const Principal& p : {Partner(), Reviewer(), Runner(), Admin()}) {
    ExpectVisibility(p, AllEventsOf(kOwn, kSecondOwn, false));
    ExpectVisibility(p, AllEventsOf(kOwn, kOther, false));
    ExpectVisibility(p, AllEventsOf(kOther, kOwn, false));
  }
}

// GetReview denies a runner, so REVIEW_COMPLETED (decision, summary) does.
TEST(EventVisibleTest, BenchmarkRunnerSeesStateChangesOnly) {
  for (const char* watched : {kAny, kOther}) {
    ExpectVisibility(Runner(),
                     {
                         {watched, kOther, kStateChanged, false, true},
                         {watched, kOther, kStateChanged, true, true},
                         {watched, kOther, kReviewCompleted, false, false},
                         {watched, kOther, kReviewCompleted, true, false},
                         {watched, kOther, kCommentAdded, false, false},
                         {watched, kOther, kCommentAdded, true, false},
                     });
  }
}

TEST(EventVisibleTest, PartnerSeesItsCountriesButNotOpenReviewComments) {
  for (const char* watched : {kAny, kOwn}) {
    ExpectVisibility(Partner(),
                     {
                         {watched, kOwn, kStateChanged, false, true},
                         {watched, kOwn, kStateChanged, true, true},
                         {watched, kOwn, kReviewCompleted, false, true},
                         {watched, kOwn, kReviewCompleted, true, true},
                         {watched, kOwn, kCommentAdded, false, true},
                         {watched, kOwn, kCommentAdded, true, false},
                     });
  }
  ExpectVisibility(Partner(),
                   {
                       {kAny, kSecondOwn, kStateChanged, false, true},
                       {kAny, kSecondOwn, kCommentAdded, false, true},
                       {kAny, kSecondOwn, kCommentAdded, true, false},
                       {kSecondOwn, kSecondOwn, kReviewCompleted, false, true},
                   });
}

TEST(EventVisibleTest, PartnerSeesNothingOfOtherCountries) {
  // Not even through a watch of that country (which CheckWatchEvents
  // refuses anyway).
  for (const char* watched : {kAny, kOther}) {
    ExpectVisibility(Partner(), AllEventsOf(watched, kOther, false));
  }
}

TEST(EventVisibleTest, UnspecifiedRoleSeesNothing) {
  for (const char* watched : {kAny, kOwn}) {
    ExpectVisibility(Unspecified(), AllEventsOf(watched, kOwn, false));
  }
  ExpectVisibility(Unspecified(), AllEventsOf(kAny, kOther, false));
}

}  // namespace
}  // namespace itp::auth
