// Tests of domain::Overloaded (the RESOURCE_EXHAUSTED status of a refused
// call, with its ErrorInfo and the google.rpc.RetryInfo delay) and of the
// bounds on every error's size.

#include "server/domain/errors.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace itp::domain {
namespace {

constexpr char kCapacityMessage[] =
    "itp-server is at capacity: 256 calls are waiting for a worker "
    "(--max_queued_calls). Retry after a short wait.";

// The RetryInfo payload of `status`; fails the test when it is missing or
// does not decode.
google::rpc::RetryInfo RetryInfoOf(const absl::Status& status) {
  google::rpc::RetryInfo retry;
  auto payload = status.GetPayload(kRetryInfoTypeUrl);
  EXPECT_TRUE(payload.has_value()) << status;
  if (payload.has_value()) {
    EXPECT_TRUE(retry.ParseFromString(std::string(*payload))) << status;
  }
  return retry;
}

google::rpc::ErrorInfo ErrorInfoOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  EXPECT_TRUE(payload.has_value()) << status;
  if (payload.has_value()) {
    EXPECT_TRUE(info.ParseFromString(std::string(*payload))) << status;
  }
  return info;
}

TEST(OverloadedTest, IsResourceExhaustedWithTheMessage) {
  absl::Status status = Overloaded(kCapacityMessage, "SERVER_AT_CAPACITY", 250);

  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), kCapacityMessage);
}

TEST(OverloadedTest, CarriesTheReasonInErrorInfo) {
  absl::Status status = Overloaded(kCapacityMessage, "SERVER_AT_CAPACITY", 250);

  EXPECT_EQ(ErrorReasonOf(status), "SERVER_AT_CAPACITY");
  google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.reason(), "SERVER_AT_CAPACITY");
  EXPECT_EQ(info.domain(), "itp.leadit.org");
  EXPECT_TRUE(info.metadata().empty());
}

TEST(OverloadedTest, CarriesNoBadRequest) {
  absl::Status status = Overloaded(
      "API key apiKeys/3f9c2a1b7d4e8f60 has 4 streams open, its limit "
      "(--max_streams_per_key). Close one or retry later.",
      "TOO_MANY_STREAMS_FOR_KEY", 1000);

  EXPECT_EQ(BadRequestOf(status).field_violations_size(), 0);
  EXPECT_FALSE(status.GetPayload(kBadRequestTypeUrl).has_value());
}

TEST(OverloadedTest, RetryInfoTypeUrlIsTheGoogleRpcOne) {
  EXPECT_STREQ(kRetryInfoTypeUrl, "type.googleapis.com/google.rpc.RetryInfo");
  // The type URL names the message the payload holds.
  EXPECT_EQ(std::string(kRetryInfoTypeUrl),
            "type.googleapis.com/" +
                google::rpc::RetryInfo::descriptor()->full_name());
}

TEST(OverloadedTest, RetryDelayOfLessThanASecondIsInNanos) {
  // 250 ms = 0 s + 250 x 1,000,000 ns.
  google::rpc::RetryInfo retry =
      RetryInfoOf(Overloaded(kCapacityMessage, "SERVER_AT_CAPACITY", 250));

  EXPECT_EQ(retry.retry_delay().seconds(), 0);
  EXPECT_EQ(retry.retry_delay().nanos(), 250000000);
}

TEST(OverloadedTest, RetryDelaySplitsSecondsAndNanos) {
  // 1500 ms = 1 s + 500 x 1,000,000 ns.
  google::rpc::RetryInfo retry =
      RetryInfoOf(Overloaded(kCapacityMessage, "SERVER_AT_CAPACITY", 1500));

  EXPECT_EQ(retry.retry_delay().seconds(), 1);
  EXPECT_EQ(retry.retry_delay().nanos(), 500000000);
}

TEST(OverloadedTest, RetryDelaysOfWholeAndOddMilliseconds) {
  struct Case {
    int ms;
    int64_t seconds;
    int32_t nanos;
  };
  // seconds = ms / 1000, nanos = (ms mod 1000) x 1,000,000.
  const Case kCases[] = {
      {0, 0, 0},
      {1, 0, 1000000},
      {999, 0, 999000000},
      {1000, 1, 0},
      {2000, 2, 0},
      {60001, 60, 1000000},
      // INT_MAX ms: 2,147,483 s and 647 ms.
      {2147483647, 2147483, 647000000},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.ms);
    google::rpc::RetryInfo retry =
        RetryInfoOf(Overloaded("itp-server has 1024 streams open, its limit "
                               "(--max_streams). Retry after a short wait.",
                               "TOO_MANY_STREAMS", c.ms));
    EXPECT_EQ(retry.retry_delay().seconds(), c.seconds);
    EXPECT_EQ(retry.retry_delay().nanos(), c.nanos);
  }
}

// The bounds on what an error carries (errors.h): a request with a flood of
// mistakes gets a bounded answer.

google::rpc::BadRequest BadRequestOf(const absl::Status& status) {
  google::rpc::BadRequest bad_request;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  EXPECT_TRUE(payload.has_value()) << status;
  if (payload.has_value()) {
    EXPECT_TRUE(bad_request.ParseFromString(std::string(*payload)));
  }
  return bad_request;
}

TEST(FieldViolationsBoundsTest, RecordsAHundredAndCountsTheRest) {
  FieldViolations violations;
  for (int i = 0; i < 300000; ++i) {
    violations.Add(absl::StrCat("plan.sectors[0].points[", i, "].year"),
                   "must be between 1990 and 2100 (got 0).");
  }
  EXPECT_EQ(violations.size(), 300000u);
  EXPECT_EQ(violations.violations().size(), kMaxRecordedViolations);
  EXPECT_EQ(violations.omitted(), 300000u - kMaxRecordedViolations);
}

TEST(FieldViolationsBoundsTest, StatusListsWhatFitsThenSaysHowManyMore) {
  FieldViolations violations;
  for (int i = 0; i < 300000; ++i) {
    violations.Add(absl::StrCat("plan.sectors[0].points[", i, "].year"),
                   "must be between 1990 and 2100 (got 0).");
  }
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LE(status.message().size(), kMaxStatusMessageBytes);
  EXPECT_TRUE(absl::StartsWith(
      status.message(),
      "The request has 300000 invalid fields: plan.sectors[0].points[0].year: "
      "must be between 1990 and 2100 (got 0)."))
      << status.message();
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  ASSERT_TRUE(payload.has_value());
  EXPECT_LE(payload->size(), kMaxBadRequestBytes);
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_GE(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(),
            "plan.sectors[0].points[0].year");
  const auto& last =
      bad_request.field_violations(bad_request.field_violations_size() - 1);
  const int listed = bad_request.field_violations_size() - 1;
  EXPECT_EQ(last.field(), "");
  EXPECT_EQ(last.description(),
            absl::StrCat("and ", 300000 - listed,
                         " more invalid fields not listed."));
}

TEST(FieldViolationsBoundsTest, AFewViolationsAreAllListed) {
  FieldViolations violations;
  violations.Add("plan.display_name", "is required.");
  violations.Add("plan.base_year", "must be between 1990 and 2100 (got 0).");
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.message(),
            "The request has 2 invalid fields: plan.display_name: is "
            "required. plan.base_year: must be between 1990 and 2100 (got 0).");
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(1).field(), "plan.base_year");
}

TEST(FieldViolationsBoundsTest, LongFieldsAndDescriptionsAreCut) {
  FieldViolations violations;
  violations.Add(std::string(100000, 'f'), std::string(100000, 'd'));
  ASSERT_EQ(violations.violations().size(), 1u);
  EXPECT_EQ(violations.violations()[0].first.size(), kMaxFieldPathBytes);
  EXPECT_EQ(violations.violations()[0].second.size(), kMaxDescriptionBytes);
  EXPECT_TRUE(absl::EndsWith(violations.violations()[0].second, "..."));
}

TEST(TruncateTest, KeepsShortTextAndCutsLongTextAtACharacter) {
  EXPECT_EQ(Truncate("Tata Steel", 20), "Tata Steel");
  EXPECT_EQ(Truncate("Tata Steel Kalinganagar", 10), "Tata St...");
  // "São Paulo": the cut falls inside "ã" (2 bytes) and backs up before it.
  EXPECT_EQ(Truncate("S\xC3\xA3o Paulo", 5), "S...");
  EXPECT_EQ(Truncate("S\xC3\xA3o Paulo", 6), "S\xC3\xA3...");
}

TEST(ErrorWithInfoBoundsTest, MessageAndResourceAreCut) {
  absl::Status status = ErrorWithInfo(
      absl::StatusCode::kNotFound,
      absl::StrCat("Plan ", std::string(4 << 20, 'x'), " does not exist."),
      "PLAN_NOT_FOUND", std::string(4 << 20, 'x'));
  EXPECT_EQ(status.message().size(), kMaxStatusMessageBytes);
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("resource").size(),
            kMaxFieldPathBytes);
}

}  // namespace
}  // namespace itp::domain

namespace itp::domain {
namespace {

TEST(StandardDetailsTest, FieldViolationsCarryAnErrorInfo) {
  absl::Status status = InvalidField("plan.sectors[0].base_year",
                                     "year 1850 is outside "
                                     "1990-2100.");
  google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.reason(), "INVALID_FIELDS");
  EXPECT_EQ(info.domain(), "itp.leadit.org");
  ASSERT_EQ(BadRequestOf(status).field_violations_size(), 1);
  EXPECT_EQ(BadRequestOf(status).field_violations(0).field(),
            "plan.sectors[0].base_year");
}

TEST(StandardDetailsTest, AnErrorWithoutInfoGetsTheCodeNameAsReason) {
  absl::Status status =
      WithStandardDetails(absl::InternalError("disk I/O error"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message(), "disk I/O error");
  EXPECT_EQ(ErrorInfoOf(status).reason(), "INTERNAL");
  EXPECT_EQ(ErrorInfoOf(status).domain(), "itp.leadit.org");
  EXPECT_FALSE(status.GetPayload(kRetryInfoTypeUrl).has_value());
}

TEST(StandardDetailsTest, AnExistingErrorInfoIsKept) {
  absl::Status status = WithStandardDetails(ErrorWithInfo(
      absl::StatusCode::kNotFound, "Plan countries/IND/plans/x not found.",
      "PLAN_NOT_FOUND", "countries/IND/plans/x"));
  EXPECT_EQ(ErrorInfoOf(status).reason(), "PLAN_NOT_FOUND");
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("resource"),
            "countries/IND/plans/x");
}

TEST(StandardDetailsTest, UnavailableAndResourceExhaustedCarryARetryInfo) {
  for (absl::Status error :
       {absl::UnavailableError("database is locked"),
        absl::ResourceExhaustedError("too many streams")}) {
    absl::Status status = WithStandardDetails(error);
    auto payload = status.GetPayload(kRetryInfoTypeUrl);
    ASSERT_TRUE(payload.has_value()) << error;
    google::rpc::RetryInfo retry;
    ASSERT_TRUE(retry.ParseFromString(std::string(*payload)));
    EXPECT_EQ(retry.retry_delay().seconds(), 1) << error;
    EXPECT_EQ(retry.retry_delay().nanos(), 0) << error;
  }
  // An Overloaded status keeps its own delay.
  absl::Status shed = WithStandardDetails(
      Overloaded("The server is busy.", "SERVER_OVERLOADED", 250));
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(
      retry.ParseFromString(std::string(*shed.GetPayload(kRetryInfoTypeUrl))));
  EXPECT_EQ(retry.retry_delay().nanos(), 250000000);
  EXPECT_EQ(ErrorInfoOf(shed).reason(), "SERVER_OVERLOADED");
  EXPECT_TRUE(WithStandardDetails(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace itp::domain
