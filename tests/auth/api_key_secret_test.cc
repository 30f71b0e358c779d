#include "server/auth/api_key_secret.h"

#include <openssl/sha.h>

#include <optional>
#include <regex>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace itp::auth {
namespace {

using ::testing::Optional;

// A well-formed secret (key id 3f9c2a1b7d4e8f60) and its 43-character body.
constexpr char kKeyId[] = "3f9c2a1b7d4e8f60";
constexpr char kBody[] = "q8Vb2mT0xLrN5wYc1ZkE7uHs3oPd9aGf4jRi6lKe_-A";
std::string WellFormedSecret() {
  return absl::StrCat("itp_", kKeyId, "_", kBody);
}

// SHA-256(salt || secret), computed here with OpenSSL directly rather than
// through the code under test.
std::string ExpectedHash(const std::string& salt, const std::string& secret) {
  std::string input = salt + secret;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

IssuedSecret Issue() {
  absl::StatusOr<IssuedSecret> issued = IssueSecret();
  EXPECT_TRUE(issued.ok()) << issued.status();
  return issued.ok() ? *std::move(issued) : IssuedSecret{};
}

// ---------------------------------------------------------------------------
// IssueSecret.

TEST(IssueSecretTest, SecretIsPrefixKeyIdAndBase64UrlBody) {
  IssuedSecret issued = Issue();
  EXPECT_TRUE(std::regex_match(issued.key_id, std::regex("[0-9a-f]{16}")))
      << issued.key_id;
  EXPECT_TRUE(std::regex_match(
      issued.secret, std::regex("itp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")))
      << issued.secret;
  EXPECT_EQ(issued.secret.substr(4, 16), issued.key_id);
  EXPECT_EQ(issued.secret.size(), 4u + 16u + 1u + 43u);
}

TEST(IssueSecretTest, BodyDecodesToThirtyTwoRandomBytes) {
  IssuedSecret issued = Issue();
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(issued.secret.substr(21), &bytes));
  EXPECT_EQ(bytes.size(), 32u);
}

TEST(IssueSecretTest, SaltIsSixteenBytesAndHashThirtyTwo) {
  IssuedSecret issued = Issue();
  EXPECT_EQ(issued.salt.size(), 16u);
  EXPECT_EQ(issued.hash.size(), 32u);
}

TEST(IssueSecretTest, HashIsSha256OfSaltThenSecret) {
  IssuedSecret issued = Issue();
  EXPECT_EQ(absl::BytesToHexString(issued.hash),
            absl::BytesToHexString(ExpectedHash(issued.salt, issued.secret)));
}

TEST(IssueSecretTest, ThousandIssuedSecretsAreAllDistinct) {
  std::set<std::string> key_ids;
  std::set<std::string> secrets;
  std::set<std::string> salts;
  for (int i = 0; i < 1000; ++i) {
    IssuedSecret issued = Issue();
    key_ids.insert(issued.key_id);
    secrets.insert(issued.secret);
    salts.insert(issued.salt);
  }
  EXPECT_EQ(key_ids.size(), 1000u);
  EXPECT_EQ(secrets.size(), 1000u);
  EXPECT_EQ(salts.size(), 1000u);
}

// ---------------------------------------------------------------------------
// KeyIdOf.

TEST(KeyIdOfTest, RoundTripsAnIssuedSecret) {
  IssuedSecret issued = Issue();
  EXPECT_THAT(KeyIdOf(issued.secret), Optional(issued.key_id));
}

TEST(KeyIdOfTest, ReturnsTheKeyIdOfAWellFormedSecret) {
  EXPECT_THAT(KeyIdOf(WellFormedSecret()), Optional(std::string(kKeyId)));
}

TEST(KeyIdOfTest, RejectsWrongPrefix) {
  EXPECT_EQ(KeyIdOf(absl::StrCat("itq_", kKeyId, "_", kBody)), std::nullopt);
  EXPECT_EQ(KeyIdOf(absl::StrCat("ITP_", kKeyId, "_", kBody)), std::nullopt);
  EXPECT_EQ(KeyIdOf(absl::StrCat("Bearer itp_", kKeyId, "_", kBody)),
            std::nullopt);
  EXPECT_EQ(KeyIdOf(absl::StrCat(kKeyId, "_", kBody)), std::nullopt);
}

TEST(KeyIdOfTest, RejectsUpperCaseHex) {
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_3F9C2A1B7D4E8F60_", kBody)),
            std::nullopt);
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_3f9c2a1b7d4e8F60_", kBody)),
            std::nullopt);
}

TEST(KeyIdOfTest, RejectsNonHexKeyId) {
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_3f9c2a1b7d4e8g60_", kBody)),
            std::nullopt);
}

TEST(KeyIdOfTest, RejectsShortKeyIdOrSecret) {
  // 15 hex digits.
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_3f9c2a1b7d4e8f6_", kBody)), std::nullopt);
  EXPECT_EQ(KeyIdOf("itp_3f9c"), std::nullopt);
  EXPECT_EQ(KeyIdOf("itp_"), std::nullopt);
  EXPECT_EQ(KeyIdOf(""), std::nullopt);
  // Key id and separator but no secret part.
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_", kKeyId, "_")), std::nullopt);
}

TEST(KeyIdOfTest, RejectsMissingUnderscoreAfterKeyId) {
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_", kKeyId, kBody)), std::nullopt);
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_", kKeyId, "-", kBody)), std::nullopt);
  EXPECT_EQ(KeyIdOf(absl::StrCat("itp_", kKeyId)), std::nullopt);
}

// ---------------------------------------------------------------------------
// VerifySecret.

TEST(VerifySecretTest, AcceptsTheIssuedSecret) {
  IssuedSecret issued = Issue();
  EXPECT_TRUE(VerifySecret(issued.secret, issued.salt, issued.hash));
}

TEST(VerifySecretTest, RejectsASecretWithAnyOneCharacterChanged) {
  IssuedSecret issued = Issue();
  for (size_t i = 0; i < issued.secret.size(); ++i) {
    std::string changed = issued.secret;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifySecret(changed, issued.salt, issued.hash))
        << "position " << i << ": " << changed;
  }
}

TEST(VerifySecretTest, RejectsTruncatedOrExtendedSecret) {
  IssuedSecret issued = Issue();
  EXPECT_FALSE(VerifySecret(issued.secret.substr(0, issued.secret.size() - 1),
                            issued.salt, issued.hash));
  EXPECT_FALSE(VerifySecret(issued.secret + "A", issued.salt, issued.hash));
  EXPECT_FALSE(VerifySecret("", issued.salt, issued.hash));
}

TEST(VerifySecretTest, RejectsWrongSalt) {
  IssuedSecret issued = Issue();
  IssuedSecret other = Issue();
  EXPECT_FALSE(VerifySecret(issued.secret, other.salt, issued.hash));
  std::string flipped = issued.salt;
  flipped[0] = static_cast<char>(flipped[0] ^ 0x01);
  EXPECT_FALSE(VerifySecret(issued.secret, flipped, issued.hash));
  EXPECT_FALSE(VerifySecret(issued.secret, "", issued.hash));
}

TEST(VerifySecretTest, RejectsTruncatedOrEmptyHash) {
  IssuedSecret issued = Issue();
  EXPECT_FALSE(
      VerifySecret(issued.secret, issued.salt, issued.hash.substr(0, 31)));
  EXPECT_FALSE(
      VerifySecret(issued.secret, issued.salt, issued.hash.substr(0, 16)));
  EXPECT_FALSE(VerifySecret(issued.secret, issued.salt, ""));
}

TEST(VerifySecretTest, RejectsAnotherKeysHash) {
  IssuedSecret issued = Issue();
  IssuedSecret other = Issue();
  EXPECT_FALSE(VerifySecret(issued.secret, issued.salt, other.hash));
  EXPECT_FALSE(VerifySecret(other.secret, issued.salt, issued.hash));
}

TEST(VerifySecretTest, AcceptsAHashComputedIndependently) {
  const std::string salt(
      "\x01\x9a\x3c\x00\x7f\xee\x10\x42\x55\x06\xb8\xc1\x2d"
      "\x90\x4e\xf3",
      16);
  const std::string secret = WellFormedSecret();
  EXPECT_TRUE(VerifySecret(secret, salt, ExpectedHash(salt, secret)));
}

}  // namespace
}  // namespace itp::auth
