#include "server/auth/api_key_rules.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "server/domain/countries.h"
#include "server/domain/errors.h"

namespace itp::auth {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// 2026-11-01T00:00:00Z, the injected "now" of these tests.
const int64_t kNowMicros = absl::ToUnixMicros(absl::FromCivil(
    absl::CivilSecond(2026, 11, 1, 0, 0, 0), absl::UTCTimeZone()));

// 51 distinct ISO 3166-1 alpha-3 codes, one more than a key may hold.
const char* const kFiftyOneCountries[] = {
    "ARG", "AUS", "AUT", "BEL", "BGD", "BRA", "CAN", "CHE", "CHL", "CHN", "COL",
    "CZE", "DEU", "DNK", "EGY", "ESP", "ETH", "FIN", "FRA", "GBR", "GHA", "GRC",
    "HUN", "IDN", "IND", "IRL", "ISR", "ITA", "JPN", "KEN", "KOR", "MAR", "MEX",
    "MYS", "NGA", "NLD", "NOR", "NZL", "PAK", "PER", "PHL", "POL", "PRT", "ROU",
    "SAU", "SWE", "THA", "TUR", "UKR", "USA", "VNM"};

itp::v1::ApiKey PartnerKey() {
  itp::v1::ApiKey key;
  key.set_display_name("Ministry of Steel, India - plan upload");
  key.set_role(itp::v1::PARTNER);
  key.add_countries("IND");
  key.add_countries("IDN");
  return key;
}

itp::v1::ApiKey KeyWithRole(itp::v1::Role role, const std::string& name) {
  itp::v1::ApiKey key;
  key.set_display_name(name);
  key.set_role(role);
  return key;
}

// The paths of the fields that ValidateNewApiKey reports, in order.
std::vector<std::string> ViolatedFields(const itp::v1::ApiKey& key,
                                        int64_t now_micros = kNowMicros) {
  domain::FieldViolations violations;
  ValidateNewApiKey(key, now_micros, "api_key", &violations);
  std::vector<std::string> fields;
  for (const auto& [field, description] : violations.violations()) {
    EXPECT_FALSE(description.empty()) << field;
    fields.push_back(field);
  }
  return fields;
}

// The description of the only violation of `key`.
std::string OnlyDescription(const itp::v1::ApiKey& key) {
  domain::FieldViolations violations;
  ValidateNewApiKey(key, kNowMicros, "api_key", &violations);
  EXPECT_EQ(violations.size(), 1u);
  return violations.empty() ? "" : violations.violations()[0].second;
}

// A display name of exactly `chars` characters (ASCII).
std::string DisplayNameOfLength(size_t chars) {
  std::string name = "Ministry of Steel, India - plan upload";
  while (name.size() < chars) name += " - plan upload";
  name.resize(chars);
  return name;
}

// ---------------------------------------------------------------------------
// Valid keys.

TEST(ValidateNewApiKeyTest, AcceptsPartnerKeyForIndiaAndIndonesia) {
  EXPECT_THAT(ViolatedFields(PartnerKey()), IsEmpty());
}

TEST(ValidateNewApiKeyTest, AcceptsReviewerKey) {
  EXPECT_THAT(ViolatedFields(KeyWithRole(itp::v1::REVIEWER,
                                         "LeadIT Secretariat - plan review")),
              IsEmpty());
}

TEST(ValidateNewApiKeyTest, AcceptsBenchmarkRunnerKey) {
  EXPECT_THAT(ViolatedFields(KeyWithRole(itp::v1::BENCHMARK_RUNNER,
                                         "Nightly IEA NZE benchmark job")),
              IsEmpty());
}

TEST(ValidateNewApiKeyTest, AcceptsAdminKey) {
  EXPECT_THAT(ViolatedFields(KeyWithRole(itp::v1::ADMIN,
                                         "ITP operations team - key admin")),
              IsEmpty());
}

TEST(ValidateNewApiKeyTest, AcceptsExpireTimeInTheFuture) {
  itp::v1::ApiKey key = PartnerKey();
  *key.mutable_expire_time() =
      TimeUtil::MicrosecondsToTimestamp(kNowMicros + 1);
  EXPECT_THAT(ViolatedFields(key), IsEmpty());
  *key.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(
      kNowMicros + int64_t{365} * 24 * 3600 * 1000000);
  EXPECT_THAT(ViolatedFields(key), IsEmpty());
}

TEST(ValidateNewApiKeyTest, AcceptsDisplayNameOfTwoHundredCharacters) {
  itp::v1::ApiKey key = PartnerKey();
  key.set_display_name(DisplayNameOfLength(200));
  EXPECT_THAT(ViolatedFields(key), IsEmpty());
}

TEST(ValidateNewApiKeyTest, CountsDisplayNameLengthInCharactersNotBytes) {
  itp::v1::ApiKey key = PartnerKey();
  std::string name;
  // "Ministère" with a two-byte è, 20 times: 200 characters, 220 bytes.
  for (int i = 0; i < 20; ++i) name += "Ministère ";
  ASSERT_EQ(name.size(), 220u);
  key.set_display_name(name);
  EXPECT_THAT(ViolatedFields(key), IsEmpty());
}

TEST(ValidateNewApiKeyTest, AcceptsPartnerWithFiftyCountries) {
  itp::v1::ApiKey key = PartnerKey();
  key.clear_countries();
  for (int i = 0; i < 50; ++i) key.add_countries(kFiftyOneCountries[i]);
  EXPECT_THAT(ViolatedFields(key), IsEmpty());
}

TEST(ValidateNewApiKeyTest, TestCountryListIsOfDistinctIsoCodes) {
  std::set<std::string> distinct;
  for (const char* code : kFiftyOneCountries) {
    EXPECT_TRUE(domain::IsIsoAlpha3Country(code)) << code;
    distinct.insert(code);
  }
  EXPECT_EQ(distinct.size(), 51u);
  EXPECT_FALSE(domain::IsIsoAlpha3Country("XYZ"));
}

// ---------------------------------------------------------------------------
// display_name.

TEST(ValidateNewApiKeyTest, MissingDisplayNameIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  key.clear_display_name();
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.display_name"));
  EXPECT_THAT(OnlyDescription(key), HasSubstr("required"));
}

TEST(ValidateNewApiKeyTest, BlankDisplayNameIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  key.set_display_name("  \t\n ");
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.display_name"));
  EXPECT_THAT(OnlyDescription(key), HasSubstr("required"));
}

TEST(ValidateNewApiKeyTest, DisplayNameOfTwoHundredAndOneCharactersIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  key.set_display_name(DisplayNameOfLength(201));
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.display_name"));
  EXPECT_THAT(OnlyDescription(key), HasSubstr("200"));
}

// ---------------------------------------------------------------------------
// role.

TEST(ValidateNewApiKeyTest, UnspecifiedRoleIsReported) {
  itp::v1::ApiKey key =
      KeyWithRole(itp::v1::ROLE_UNSPECIFIED, "Ministry of Steel, India");
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.role"));
}

TEST(ValidateNewApiKeyTest, UnknownRoleNumberIsReported) {
  itp::v1::ApiKey key =
      KeyWithRole(static_cast<itp::v1::Role>(9), "Ministry of Steel, India");
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.role"));
}

// ---------------------------------------------------------------------------
// countries.

TEST(ValidateNewApiKeyTest, PartnerWithoutCountriesIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  key.clear_countries();
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries"));
}

TEST(ValidateNewApiKeyTest, PartnerWithFiftyOneCountriesIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  key.clear_countries();
  for (const char* code : kFiftyOneCountries) key.add_countries(code);
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries"));
  EXPECT_THAT(OnlyDescription(key), HasSubstr("50"));
}

TEST(ValidateNewApiKeyTest, UnknownCountryIsReportedAtItsIndex) {
  itp::v1::ApiKey key = PartnerKey();
  key.clear_countries();
  key.add_countries("IND");
  key.add_countries("XYZ");
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries[1]"));
  EXPECT_THAT(OnlyDescription(key), HasSubstr("XYZ"));
}

TEST(ValidateNewApiKeyTest, LowerCaseCountryIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  key.clear_countries();
  key.add_countries("ind");
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries[0]"));
}

TEST(ValidateNewApiKeyTest, DuplicateCountryIsReportedAtTheRepetition) {
  itp::v1::ApiKey key = PartnerKey();
  key.add_countries("IND");  // IND, IDN, IND
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries[2]"));
  EXPECT_THAT(OnlyDescription(key), HasSubstr("IND"));
}

TEST(ValidateNewApiKeyTest, CountriesOnReviewerKeyAreReported) {
  itp::v1::ApiKey key =
      KeyWithRole(itp::v1::REVIEWER, "LeadIT Secretariat - plan review");
  key.add_countries("IND");
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries"));
}

TEST(ValidateNewApiKeyTest, CountriesOnAdminOrRunnerKeyAreReported) {
  for (itp::v1::Role role : {itp::v1::ADMIN, itp::v1::BENCHMARK_RUNNER}) {
    SCOPED_TRACE(itp::v1::Role_Name(role));
    itp::v1::ApiKey key = KeyWithRole(role, "ITP operations team");
    key.add_countries("BRA");
    EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.countries"));
  }
}

// ---------------------------------------------------------------------------
// expire_time.

TEST(ValidateNewApiKeyTest, ExpireTimeInThePastIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  *key.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(
      kNowMicros - int64_t{24} * 3600 * 1000000);
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.expire_time"));
}

TEST(ValidateNewApiKeyTest, ExpireTimeEqualToNowIsReported) {
  itp::v1::ApiKey key = PartnerKey();
  *key.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(kNowMicros);
  EXPECT_THAT(ViolatedFields(key), ElementsAre("api_key.expire_time"));
}

// ---------------------------------------------------------------------------
// Several problems at once, and the prefix.

TEST(ValidateNewApiKeyTest, ReportsEveryViolationOfAPartnerKeyAtOnce) {
  itp::v1::ApiKey key = PartnerKey();
  key.set_display_name("");
  key.clear_countries();
  key.add_countries("IND");
  key.add_countries("XYZ");
  key.add_countries("IND");
  *key.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(kNowMicros);
  EXPECT_THAT(
      ViolatedFields(key),
      UnorderedElementsAre("api_key.display_name", "api_key.countries[1]",
                           "api_key.countries[2]", "api_key.expire_time"));
}

TEST(ValidateNewApiKeyTest, ReportsEveryViolationOfAnUnspecifiedKeyAtOnce) {
  itp::v1::ApiKey key;
  key.set_display_name(DisplayNameOfLength(201));
  key.add_countries("IND");
  *key.mutable_expire_time() =
      TimeUtil::MicrosecondsToTimestamp(kNowMicros - 1);
  EXPECT_THAT(ViolatedFields(key),
              UnorderedElementsAre("api_key.display_name", "api_key.role",
                                   "api_key.countries", "api_key.expire_time"));
}

TEST(ValidateNewApiKeyTest, FieldPathsStartWithTheGivenPrefix) {
  itp::v1::ApiKey key = PartnerKey();
  key.add_countries("IDN");
  domain::FieldViolations violations;
  ValidateNewApiKey(key, kNowMicros, "requests[3].api_key", &violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations.violations()[0].first,
            "requests[3].api_key.countries[2]");
}

}  // namespace
}  // namespace itp::auth
