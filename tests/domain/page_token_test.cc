#include "server/domain/page_token.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
// 2026-01-01T00:00:00Z in Unix microseconds, an update_time sort key.
constexpr int64_t kUpdateTimeKey = 1767225600000000;

// The signer of a database whose secret is these 32 bytes.
const PageTokens& Tokens() {
  static const PageTokens* tokens = new PageTokens(
      "\x8f\x1d\x5a\x33\xc2\x07\x9e\x41\x6b\xd0\x27\xf4\x18\x93\x5c\xa6"
      "\x3e\x71\x0b\xe9\x84\x2f\xc5\x66\x1a\xbd\x50\x97\x2c\xf8\x43\x0e");
  return *tokens;
}

uint64_t ReviewerQuery() {
  return QueryFingerprint(
      {"countries/-", "sector = IRON_AND_STEEL", "update_time desc"});
}

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

TEST(PageTokenTest, TokenRoundTrips) {
  const uint64_t fp = ReviewerQuery();
  std::string token = Tokens().Encode(fp, {kUpdateTimeKey, kIndiaSteel});
  absl::StatusOr<PageCursor> cursor = Tokens().Decode(token, fp);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->key, kUpdateTimeKey);
  EXPECT_EQ(cursor->name, kIndiaSteel);
}

TEST(PageTokenTest, NameOrderTokenWithZeroKeyRoundTrips) {
  const uint64_t fp = QueryFingerprint({"countries/IDN", "", ""});
  absl::StatusOr<PageCursor> cursor = Tokens().Decode(
      Tokens().Encode(fp, {0, "countries/IDN/plans/cement-2060"}), fp);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->key, 0);
  EXPECT_EQ(cursor->name, "countries/IDN/plans/cement-2060");
}

TEST(PageTokenTest, ExtremeKeysRoundTrip) {
  const uint64_t fp = ReviewerQuery();
  for (int64_t key : {std::numeric_limits<int64_t>::min(), int64_t{-1},
                      std::numeric_limits<int64_t>::max()}) {
    absl::StatusOr<PageCursor> cursor =
        Tokens().Decode(Tokens().Encode(fp, {key, kIndiaSteel}), fp);
    ASSERT_TRUE(cursor.ok()) << cursor.status();
    EXPECT_EQ(cursor->key, key);
  }
}

TEST(PageTokenTest, TokenIsOpaqueAndUrlSafe) {
  std::string token =
      Tokens().Encode(ReviewerQuery(), {kUpdateTimeKey, kIndiaSteel});
  EXPECT_THAT(token, MatchesRegex("[A-Za-z0-9_-]+"));
  EXPECT_THAT(token, Not(HasSubstr("steel-2070")));
}

TEST(PageTokenTest, NamesContainingPipesSurvive) {
  const uint64_t fp = ReviewerQuery();
  const std::string name = "countries/ZAF/plans/steel|cement||2050|";
  absl::StatusOr<PageCursor> cursor =
      Tokens().Decode(Tokens().Encode(fp, {kUpdateTimeKey, name}), fp);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->key, kUpdateTimeKey);
  EXPECT_EQ(cursor->name, name);
}

TEST(PageTokenTest, TokenOfAnotherQueryIsRejected) {
  std::string token =
      Tokens().Encode(ReviewerQuery(), {kUpdateTimeKey, kIndiaSteel});
  // Same parent and order, different filter.
  uint64_t other =
      QueryFingerprint({"countries/-", "sector = CEMENT", "update_time desc"});
  ExpectInvalidField(Tokens().Decode(token, other).status(), "page_token",
                     "belongs to a different query");
  // Same filter and order, different parent.
  other = QueryFingerprint(
      {"countries/IND", "sector = IRON_AND_STEEL", "update_time desc"});
  ExpectInvalidField(Tokens().Decode(token, other).status(), "page_token",
                     "belongs to a different query");
  // Same parent and filter, different order.
  other = QueryFingerprint(
      {"countries/-", "sector = IRON_AND_STEEL", "update_time"});
  ExpectInvalidField(Tokens().Decode(token, other).status(), "page_token",
                     "belongs to a different query");
}

TEST(PageTokenTest, GarbageTokensAreRejected) {
  const uint64_t fp = ReviewerQuery();
  for (const char* token :
       {"", "next", "not a page token!", "%%%%", "cDF8",
        "====", "countries/IND/plans/steel-2070", "' OR 1=1 --"}) {
    SCOPED_TRACE(token);
    ExpectInvalidField(Tokens().Decode(token, fp).status(), "page_token",
                       "is not a page token returned by this method");
  }
}

TEST(PageTokenTest, WellEncodedButMalformedPayloadsAreRejected) {
  const uint64_t fp = ReviewerQuery();
  const std::string hex_fp = absl::StrCat(absl::Hex(fp));
  for (const std::string& raw : {
           "p9|" + hex_fp + "|0|" + kIndiaSteel,  // unknown version
           "|" + hex_fp + "|0|" + std::string(kIndiaSteel),
           "p1|" + hex_fp + "|0",                    // no name
           "p1|" + hex_fp + "|0|",                   // empty name
           "p1|" + hex_fp + "|" + kIndiaSteel,       // no key
           "p1|" + hex_fp + "|soon|" + kIndiaSteel,  // key not a number
           "p1|" + hex_fp + "|1.5|" + kIndiaSteel,
           "p1|not-hex|0|" + std::string(kIndiaSteel),  // bad fingerprint
           "p1||0|" + std::string(kIndiaSteel),
       }) {
    SCOPED_TRACE(raw);
    ExpectInvalidField(
        Tokens().Decode(absl::WebSafeBase64Escape(raw), fp).status(),
        "page_token", "is not a page token returned by this method");
  }
}

// A token cut short (by a proxy, a URL length limit or a copy-paste) must not
// decode to another position: the client would silently skip or repeat plans.
TEST(PageTokenTest, TruncatedTokensAreRejected) {
  const uint64_t fp = ReviewerQuery();
  const std::string token = Tokens().Encode(fp, {kUpdateTimeKey, kIndiaSteel});
  std::vector<std::string> accepted;
  for (size_t length = 0; length < token.size(); ++length) {
    absl::StatusOr<PageCursor> cursor =
        Tokens().Decode(token.substr(0, length), fp);
    if (cursor.ok()) {
      accepted.push_back(absl::StrCat("first ", length, " of ", token.size(),
                                      " characters -> key ", cursor->key,
                                      ", name '", cursor->name, "'"));
      continue;
    }
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(BadRequestOf(cursor.status()).field_violations(0).field(),
              "page_token");
  }
  EXPECT_THAT(accepted, IsEmpty());
}

// Changing any one character so that the token decodes to different bytes
// must be detected.
TEST(PageTokenTest, TamperedTokensAreRejected) {
  const uint64_t fp = ReviewerQuery();
  const std::string token = Tokens().Encode(fp, {kUpdateTimeKey, kIndiaSteel});
  std::string original;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &original));
  std::vector<std::string> accepted;
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = token[i] == 'A' ? 'B' : 'A';
    std::string raw;
    if (absl::WebSafeBase64Unescape(tampered, &raw) && raw == original) {
      continue;  // only unused padding bits changed
    }
    absl::StatusOr<PageCursor> cursor = Tokens().Decode(tampered, fp);
    if (cursor.ok()) {
      accepted.push_back(absl::StrCat("character ", i, " -> key ", cursor->key,
                                      ", name '", cursor->name, "'"));
    }
  }
  EXPECT_THAT(accepted, IsEmpty());
}

// The checksum of the tokens before signing could be recomputed by anyone:
// such a home-made token, pointing wherever its maker likes, is rejected.
TEST(PageTokenTest, HomeMadeTokensWithAnUnkeyedChecksumAreRejected) {
  const uint64_t fp = ReviewerQuery();
  for (const char* version : {"p1", "p2"}) {
    const std::string payload = absl::StrCat(version, "|", absl::Hex(fp),
                                             "|0|countries/BRA/plans/zzz");
    const std::string forged = absl::WebSafeBase64Escape(absl::StrCat(
        payload, "|", absl::Hex(QueryFingerprint({payload}), absl::kZeroPad16)));
    ExpectInvalidField(Tokens().Decode(forged, fp).status(), "page_token",
                       "is not a page token returned by this method");
  }
}

TEST(PageTokenTest, TokensOfAnotherSecretAreRejected) {
  const uint64_t fp = ReviewerQuery();
  PageTokens other(std::string(32, '\x42'));
  ExpectInvalidField(
      Tokens().Decode(other.Encode(fp, {kUpdateTimeKey, kIndiaSteel}), fp)
          .status(),
      "page_token", "is not a page token returned by this method");
}

// After a restart the server signs with the same secret from its database:
// tokens it gave out before still work.
TEST(PageTokenTest, TokensOfTheSameSecretWorkInAnotherInstance) {
  const uint64_t fp = ReviewerQuery();
  const std::string token = Tokens().Encode(fp, {kUpdateTimeKey, kIndiaSteel});
  PageTokens restarted(
      "\x8f\x1d\x5a\x33\xc2\x07\x9e\x41\x6b\xd0\x27\xf4\x18\x93\x5c\xa6"
      "\x3e\x71\x0b\xe9\x84\x2f\xc5\x66\x1a\xbd\x50\x97\x2c\xf8\x43\x0e");
  absl::StatusOr<PageCursor> cursor = restarted.Decode(token, fp);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->name, kIndiaSteel);
  EXPECT_EQ(cursor->key, kUpdateTimeKey);
}

TEST(PageTokenTest, ZeroPageSizeGivesTheDefault) {
  absl::StatusOr<int> size = EffectivePageSize(0);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 50);
}

TEST(PageTokenTest, PageSizesUpTo1000AreKept) {
  for (int requested : {1, 25, 50, 999, 1000}) {
    absl::StatusOr<int> size = EffectivePageSize(requested);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, requested);
  }
}

TEST(PageTokenTest, PageSizesAbove1000AreCapped) {
  for (int requested : {1001, 5000, std::numeric_limits<int>::max()}) {
    absl::StatusOr<int> size = EffectivePageSize(requested);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, 1000);
  }
}

TEST(PageTokenTest, NegativePageSizeIsInvalidArgument) {
  ExpectInvalidField(EffectivePageSize(-1).status(), "page_size",
                     "must not be negative (got -1)");
  ExpectInvalidField(
      EffectivePageSize(std::numeric_limits<int>::min()).status(), "page_size",
      "must not be negative");
}

TEST(PageTokenTest, FingerprintSeparatesTheParts) {
  EXPECT_NE(QueryFingerprint({"ab", "c"}), QueryFingerprint({"a", "bc"}));
  EXPECT_NE(QueryFingerprint({"countries/IND", "", "name"}),
            QueryFingerprint({"countries/IND", "name", ""}));
  EXPECT_NE(QueryFingerprint({"countries/IND", ""}),
            QueryFingerprint({"countries/IND"}));
}

TEST(PageTokenTest, FingerprintIsStable) {
  EXPECT_EQ(ReviewerQuery(), ReviewerQuery());
  // FNV-1a of nothing is its 64-bit offset basis.
  EXPECT_EQ(QueryFingerprint({}), 14695981039346656037ull);
}

}  // namespace
}  // namespace itp::domain
