// Tests of auth::Authenticator against a real SQLite KeyStore in a temporary
// directory: what it answers, and how often it has to read the store.

#include "server/auth/authenticator.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "server/auth/api_key_secret.h"
#include "server/auth/policy.h"
#include "server/domain/errors.h"
#include "server/storage/key_store.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"
#include "tests/testing/temp_dir.h"

namespace itp::auth {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::itp::testing::TempDir;
using ::itp::v1::ApiKey;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// What every UNAUTHENTICATED message ends with.
constexpr char kHowToSend[] =
    " Send an API key as 'authorization: Bearer <key>'.";

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

// 2026-03-01T08:00:00Z, where every test's clock starts.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 8, 0, 0));
// 2026-06-30T23:59:59Z, when the expiring keys below expire.
const int64_t kExpiry = Micros(absl::CivilSecond(2026, 6, 30, 23, 59, 59));

// The real KeyStore with a count of GetKey calls (the reads the
// Authenticator is meant to avoid) and, when set, a failure for GetKey.
class CountingKeyStore : public storage::KeyStore {
 public:
  explicit CountingKeyStore(storage::KeyStore& real) : real_(real) {}

  absl::StatusOr<std::string> ServerSecret(
      absl::string_view name, absl::string_view candidate) override {
    return real_.ServerSecret(name, candidate);
  }

  absl::StatusOr<ApiKey> CreateKey(const storage::WriteContext& ctx,
                                   const ApiKey& key, absl::string_view salt,
                                   absl::string_view hash) override {
    return real_.CreateKey(ctx, key, salt, hash);
  }

  absl::StatusOr<storage::StoredApiKey> GetKey(
      absl::string_view key_id) override {
    ++get_key_calls_;
    if (!fail_with_.ok()) return fail_with_;
    return real_.GetKey(key_id);
  }

  absl::StatusOr<storage::ApiKeyPage> ListKeys(
      int page_size, const std::optional<domain::PageCursor>& after,
      bool show_inactive) override {
    return real_.ListKeys(page_size, after, show_inactive);
  }

  absl::StatusOr<ApiKey> RevokeKey(const storage::WriteContext& ctx,
                                   absl::string_view key_id) override {
    return real_.RevokeKey(ctx, key_id);
  }

  absl::StatusOr<int64_t> CountKeys() override { return real_.CountKeys(); }

  int get_key_calls() const { return get_key_calls_; }
  // GetKey returns `status` (OK: reads the real store again).
  void FailGetKeyWith(absl::Status status) { fail_with_ = std::move(status); }

 private:
  storage::KeyStore& real_;
  int get_key_calls_ = 0;
  absl::Status fail_with_;
};

// A key as issued: its id and the secret its holder sends.
struct Issued {
  std::string key_id;
  std::string secret;
  std::string name() const { return absl::StrCat("apiKeys/", key_id); }
  std::string bearer() const { return absl::StrCat("Bearer ", secret); }
};

// The partner key of the Indian and Indonesian industry ministries' joint
// upload desk.
ApiKey PartnerKey() {
  ApiKey key;
  key.set_display_name(
      "Ministry of Steel, India and Ministry of Industry, Indonesia - LeadIT "
      "uploads");
  key.set_role(itp::v1::PARTNER);
  key.add_countries("IND");
  key.add_countries("IDN");
  return key;
}

ApiKey ReviewerKey() {
  ApiKey key;
  key.set_display_name("LeadIT secretariat - review desk");
  key.set_role(itp::v1::REVIEWER);
  return key;
}

// A key of the South African Department of Trade, Industry and Competition
// that expires at kExpiry.
ApiKey ExpiringPartnerKey() {
  ApiKey key;
  key.set_display_name("DTIC South Africa - steel master plan (pilot)");
  key.set_role(itp::v1::PARTNER);
  key.add_countries("ZAF");
  *key.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(kExpiry);
  return key;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::SqliteOptions options;
    options.path = dir_.File("itp.db");
    options.now_unix_micros = [this] { return now_; };
    absl::StatusOr<storage::SqliteStores> stores =
        storage::OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
    keys_ = std::make_unique<CountingKeyStore>(*stores_.keys);
    authn_ = NewAuthenticator(10000);
  }

  std::unique_ptr<Authenticator> NewAuthenticator(size_t max_cached_keys) {
    return std::make_unique<Authenticator>(
        *keys_, [this] { return now_; }, max_cached_keys);
  }

  // Issues a secret the way the server does and stores `key` under it.
  Issued Issue(ApiKey key) {
    absl::StatusOr<IssuedSecret> issued = IssueSecret();
    EXPECT_TRUE(issued.ok()) << issued.status();
    key.set_name(absl::StrCat("apiKeys/", issued->key_id));
    storage::WriteContext ctx;
    ctx.method = "/itp.v1.AdminService/CreateApiKey";
    ctx.api_key = "apiKeys/a1b2c3d4e5f60718";
    ctx.role = itp::v1::ADMIN;
    absl::StatusOr<ApiKey> created =
        stores_.keys->CreateKey(ctx, key, issued->salt, issued->hash);
    EXPECT_TRUE(created.ok()) << created.status();
    return Issued{issued->key_id, issued->secret};
  }

  void Revoke(const Issued& key) {
    storage::WriteContext ctx;
    ctx.method = "/itp.v1.AdminService/RevokeApiKey";
    ctx.api_key = "apiKeys/a1b2c3d4e5f60718";
    ctx.role = itp::v1::ADMIN;
    absl::StatusOr<ApiKey> revoked = stores_.keys->RevokeKey(ctx, key.key_id);
    ASSERT_TRUE(revoked.ok()) << revoked.status();
  }

  int reads() const { return keys_->get_key_calls(); }

  TempDir dir_;
  int64_t now_ = kStart;
  storage::SqliteStores stores_;
  std::unique_ptr<CountingKeyStore> keys_;
  std::unique_ptr<Authenticator> authn_;
};

// The secret of `key`'s id with the random part of another issued secret: a
// well-formed guess at the key.
std::string WrongSecretFor(const Issued& key) {
  absl::StatusOr<IssuedSecret> other = IssueSecret();
  EXPECT_TRUE(other.ok()) << other.status();
  // "itp_" + 16 hex digits + "_" is 21 characters.
  return absl::StrCat("itp_", key.key_id, "_", other->secret.substr(21));
}

// Asserts UNAUTHENTICATED with reason UNAUTHENTICATED and exactly `message`
// (followed by the hint on how to send a key).
void ExpectUnauthenticated(const absl::Status& status,
                           const std::string& message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(status.message(), absl::StrCat(message, kHowToSend)) << status;
  EXPECT_EQ(domain::ErrorReasonOf(status), "UNAUTHENTICATED") << status;
}

// ---------------------------------------------------------------------------
// Values that are refused before the store is asked.

TEST_F(AuthenticatorTest, MissingAuthorizationIsUnauthenticated) {
  ExpectUnauthenticated(authn_->Authenticate(std::nullopt).status(),
                        "The call has no authorization metadata.");
  EXPECT_EQ(reads(), 0);
}

TEST_F(AuthenticatorTest, NonBearerAuthorizationIsUnauthenticated) {
  Issued key = Issue(PartnerKey());
  for (const std::string& value :
       {std::string(""), std::string("Basic bWluaXN0cnk6c3RlZWw="),
        std::string("Token ") + key.secret, key.secret,
        std::string("Bearer") + key.secret, std::string("Bearer")}) {
    SCOPED_TRACE(value);
    ExpectUnauthenticated(authn_->Authenticate(value).status(),
                          "The authorization metadata is not a Bearer key.");
  }
  EXPECT_EQ(reads(), 0);
}

TEST_F(AuthenticatorTest, MalformedKeyIsUnauthenticated) {
  Issued key = Issue(PartnerKey());
  const std::string body = key.secret.substr(21);
  for (const std::string& value : {
           std::string("Bearer "),
           std::string("Bearer  ") + key.secret,
           std::string("Bearer itp_"),
           // Upper-case hex in the key id.
           absl::StrCat("Bearer itp_3F9C2A1B7D4E8F60_", body),
           // 15 and 17 hex digits.
           absl::StrCat("Bearer itp_3f9c2a1b7d4e8f6_", body),
           absl::StrCat("Bearer itp_3f9c2a1b7d4e8f601_", body),
           // No body.
           std::string("Bearer itp_3f9c2a1b7d4e8f60"),
           absl::StrCat("Bearer sk_3f9c2a1b7d4e8f60_", body),
           absl::StrCat("Bearer ", key.key_id),
       }) {
    SCOPED_TRACE(value);
    ExpectUnauthenticated(authn_->Authenticate(value).status(),
                          "The API key is malformed.");
  }
  EXPECT_EQ(reads(), 0);
}

// ---------------------------------------------------------------------------
// The first verification.

TEST_F(AuthenticatorTest, UnknownKeyIdIsNotValid) {
  Issue(PartnerKey());
  absl::StatusOr<IssuedSecret> never_stored = IssueSecret();
  ASSERT_TRUE(never_stored.ok()) << never_stored.status();

  ExpectUnauthenticated(
      authn_->Authenticate(absl::StrCat("Bearer ", never_stored->secret))
          .status(),
      "The API key is not valid.");
  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, WrongSecretOfAStoredKeyIsNotValid) {
  Issued key = Issue(PartnerKey());

  ExpectUnauthenticated(
      authn_->Authenticate(absl::StrCat("Bearer ", WrongSecretFor(key)))
          .status(),
      "The API key is not valid.");
  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, WrongSecretIsNotRememberedAsVerified) {
  Issued key = Issue(PartnerKey());
  const std::string wrong = absl::StrCat("Bearer ", WrongSecretFor(key));
  ASSERT_FALSE(authn_->Authenticate(wrong).ok());

  // Neither the wrong secret nor the key is known without the store now.
  EXPECT_EQ(authn_->AuthenticateCached(wrong), std::nullopt);
  EXPECT_EQ(authn_->AuthenticateCached(key.bearer()), std::nullopt);
  ExpectUnauthenticated(authn_->Authenticate(wrong).status(),
                        "The API key is not valid.");
  EXPECT_EQ(reads(), 2);
  // The right secret still works after the wrong ones.
  EXPECT_TRUE(authn_->Authenticate(key.bearer()).ok());
  EXPECT_EQ(reads(), 3);
}

TEST_F(AuthenticatorTest, PartnerPrincipalHasTheKeysIdRoleAndCountries) {
  Issued key = Issue(PartnerKey());

  absl::StatusOr<Principal> who = authn_->Authenticate(key.bearer());

  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->key_id, key.key_id);
  EXPECT_EQ(who->role, itp::v1::PARTNER);
  EXPECT_THAT(who->countries, ElementsAre("IND", "IDN"));
  EXPECT_EQ(who->ApiKeyName(), key.name());
}

TEST_F(AuthenticatorTest, ReviewerPrincipalHasNoCountries) {
  Issued key = Issue(ReviewerKey());

  absl::StatusOr<Principal> who = authn_->Authenticate(key.bearer());

  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->key_id, key.key_id);
  EXPECT_EQ(who->role, itp::v1::REVIEWER);
  EXPECT_THAT(who->countries, IsEmpty());
}

// RFC 7235: the authentication scheme is case-insensitive.
TEST_F(AuthenticatorTest, BearerSchemeIsCaseInsensitive) {
  Issued key = Issue(ReviewerKey());

  absl::StatusOr<Principal> who =
      authn_->Authenticate(absl::StrCat("bearer ", key.secret));

  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->key_id, key.key_id);
}

TEST_F(AuthenticatorTest, KeyRevokedBeforeFirstUseIsUnauthenticated) {
  Issued key = Issue(PartnerKey());
  Revoke(key);

  ExpectUnauthenticated(
      authn_->Authenticate(key.bearer()).status(),
      absl::StrCat("The API key ", key.name(), " has been revoked."));
  EXPECT_EQ(reads(), 1);
  // A revoked key is not remembered: every call asks the store.
  EXPECT_EQ(authn_->AuthenticateCached(key.bearer()), std::nullopt);
  EXPECT_FALSE(authn_->Authenticate(key.bearer()).ok());
  EXPECT_EQ(reads(), 2);
}

TEST_F(AuthenticatorTest, RevokedKeyWithWrongSecretIsOnlyNotValid) {
  Issued key = Issue(PartnerKey());
  Revoke(key);

  // Whoever does not hold the secret does not learn that it was revoked.
  ExpectUnauthenticated(
      authn_->Authenticate(absl::StrCat("Bearer ", WrongSecretFor(key)))
          .status(),
      "The API key is not valid.");
}

TEST_F(AuthenticatorTest, KeyExpiredAtFirstUseIsUnauthenticated) {
  Issued key = Issue(ExpiringPartnerKey());
  now_ = kExpiry;

  ExpectUnauthenticated(
      authn_->Authenticate(key.bearer()).status(),
      absl::StrCat("The API key ", key.name(), " has expired."));
  EXPECT_EQ(reads(), 1);
  EXPECT_EQ(authn_->AuthenticateCached(key.bearer()), std::nullopt);
}

TEST_F(AuthenticatorTest, KeyIsValidUntilTheMicrosecondBeforeItsExpiry) {
  Issued key = Issue(ExpiringPartnerKey());
  now_ = kExpiry - 1;

  absl::StatusOr<Principal> who = authn_->Authenticate(key.bearer());

  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_THAT(who->countries, ElementsAre("ZAF"));
}

TEST_F(AuthenticatorTest, StoreFailureIsReturnedAndNotRemembered) {
  Issued key = Issue(PartnerKey());
  keys_->FailGetKeyWith(
      absl::UnavailableError("The database stayed busy for 5000 ms."));

  absl::Status status = authn_->Authenticate(key.bearer()).status();

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(status.message(), "The database stayed busy for 5000 ms.");
  EXPECT_EQ(authn_->AuthenticateCached(key.bearer()), std::nullopt);
  keys_->FailGetKeyWith(absl::OkStatus());
  EXPECT_TRUE(authn_->Authenticate(key.bearer()).ok());
  EXPECT_EQ(reads(), 2);
}

// ---------------------------------------------------------------------------
// Remembered keys.

TEST_F(AuthenticatorTest, FirstCallReadsTheStoreOnce) {
  Issued key = Issue(PartnerKey());

  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());

  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, CachedKeyIsNotReadFromTheStoreAgain) {
  Issued key = Issue(PartnerKey());
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());
  ASSERT_EQ(reads(), 1);

  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<Principal> who = authn_->Authenticate(key.bearer());
    ASSERT_TRUE(who.ok()) << who.status();
    EXPECT_EQ(who->key_id, key.key_id);
    EXPECT_EQ(who->role, itp::v1::PARTNER);
    EXPECT_THAT(who->countries, ElementsAre("IND", "IDN"));
  }

  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, EachKeyIsReadOnceAmongOthers) {
  Issued partner = Issue(PartnerKey());
  Issued reviewer = Issue(ReviewerKey());

  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Principal> p = authn_->Authenticate(partner.bearer());
    absl::StatusOr<Principal> r = authn_->Authenticate(reviewer.bearer());
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(p->role, itp::v1::PARTNER);
    EXPECT_EQ(r->role, itp::v1::REVIEWER);
  }

  EXPECT_EQ(reads(), 2);
}

TEST_F(AuthenticatorTest, WrongSecretForCachedKeyIsNotValidWithoutARead) {
  Issued key = Issue(PartnerKey());
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());
  const std::string wrong = absl::StrCat("Bearer ", WrongSecretFor(key));

  ExpectUnauthenticated(authn_->Authenticate(wrong).status(),
                        "The API key is not valid.");
  std::optional<absl::StatusOr<Principal>> cached =
      authn_->AuthenticateCached(wrong);
  ASSERT_TRUE(cached.has_value());
  ExpectUnauthenticated(cached->status(), "The API key is not valid.");

  EXPECT_EQ(reads(), 1);
  // The holder of the right secret is not locked out by the guesses.
  EXPECT_TRUE(authn_->Authenticate(key.bearer()).ok());
  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, WrongSecretOfAnotherLengthForCachedKeyIsNotValid) {
  Issued key = Issue(PartnerKey());
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());

  for (const std::string& secret :
       {key.secret + "A", key.secret.substr(0, 22),
        key.secret.substr(0, key.secret.size() - 1)}) {
    SCOPED_TRACE(secret);
    ExpectUnauthenticated(
        authn_->Authenticate(absl::StrCat("Bearer ", secret)).status(),
        "The API key is not valid.");
  }
  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, CachedKeyExpiresWithoutARead) {
  Issued key = Issue(ExpiringPartnerKey());
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());
  now_ = kExpiry - 1;
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());

  now_ = kExpiry;

  const std::string expired =
      absl::StrCat("The API key ", key.name(), " has expired.");
  ExpectUnauthenticated(authn_->Authenticate(key.bearer()).status(), expired);
  std::optional<absl::StatusOr<Principal>> cached =
      authn_->AuthenticateCached(key.bearer());
  ASSERT_TRUE(cached.has_value());
  ExpectUnauthenticated(cached->status(), expired);
  now_ = kExpiry + absl::ToInt64Microseconds(absl::Hours(24 * 30));
  ExpectUnauthenticated(authn_->Authenticate(key.bearer()).status(), expired);
  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, KeyRevokedAfterCachingIsAcceptedUntilForgotten) {
  Issued key = Issue(PartnerKey());
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());
  Revoke(key);

  // Revoked in the store, but this process was not told: still remembered.
  absl::StatusOr<Principal> who = authn_->Authenticate(key.bearer());
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->key_id, key.key_id);
  EXPECT_EQ(reads(), 1);

  authn_->Forget(key.key_id);

  EXPECT_EQ(authn_->AuthenticateCached(key.bearer()), std::nullopt);
  ExpectUnauthenticated(
      authn_->Authenticate(key.bearer()).status(),
      absl::StrCat("The API key ", key.name(), " has been revoked."));
  EXPECT_EQ(reads(), 2);
}

TEST_F(AuthenticatorTest, ForgetOnlyDropsTheNamedKey) {
  Issued partner = Issue(PartnerKey());
  Issued reviewer = Issue(ReviewerKey());
  ASSERT_TRUE(authn_->Authenticate(partner.bearer()).ok());
  ASSERT_TRUE(authn_->Authenticate(reviewer.bearer()).ok());

  authn_->Forget(partner.key_id);
  authn_->Forget("0000000000000000");

  EXPECT_EQ(authn_->AuthenticateCached(partner.bearer()), std::nullopt);
  std::optional<absl::StatusOr<Principal>> cached =
      authn_->AuthenticateCached(reviewer.bearer());
  ASSERT_TRUE(cached.has_value());
  ASSERT_TRUE(cached->ok()) << cached->status();
  EXPECT_EQ((*cached)->key_id, reviewer.key_id);
  // A forgotten key that is still valid is verified and remembered again.
  ASSERT_TRUE(authn_->Authenticate(partner.bearer()).ok());
  ASSERT_TRUE(authn_->Authenticate(partner.bearer()).ok());
  EXPECT_EQ(reads(), 3);
}

// ---------------------------------------------------------------------------
// AuthenticateCached.

TEST_F(AuthenticatorTest, CachedLookupOfUnverifiedKeyNeedsTheStore) {
  Issued key = Issue(PartnerKey());

  EXPECT_EQ(authn_->AuthenticateCached(key.bearer()), std::nullopt);
  EXPECT_EQ(reads(), 0);
}

TEST_F(AuthenticatorTest, CachedLookupOfVerifiedKeyGivesThePrincipal) {
  Issued key = Issue(PartnerKey());
  ASSERT_TRUE(authn_->Authenticate(key.bearer()).ok());

  std::optional<absl::StatusOr<Principal>> cached =
      authn_->AuthenticateCached(key.bearer());

  ASSERT_TRUE(cached.has_value());
  ASSERT_TRUE(cached->ok()) << cached->status();
  EXPECT_EQ((*cached)->key_id, key.key_id);
  EXPECT_EQ((*cached)->role, itp::v1::PARTNER);
  EXPECT_THAT((*cached)->countries, ElementsAre("IND", "IDN"));
  EXPECT_EQ(reads(), 1);
}

TEST_F(AuthenticatorTest, CachedLookupAnswersBadValuesWithoutTheStore) {
  std::optional<absl::StatusOr<Principal>> missing =
      authn_->AuthenticateCached(std::nullopt);
  ASSERT_TRUE(missing.has_value());
  ExpectUnauthenticated(missing->status(),
                        "The call has no authorization metadata.");

  std::optional<absl::StatusOr<Principal>> basic =
      authn_->AuthenticateCached("Basic bWluaXN0cnk6c3RlZWw=");
  ASSERT_TRUE(basic.has_value());
  ExpectUnauthenticated(basic->status(),
                        "The authorization metadata is not a Bearer key.");

  std::optional<absl::StatusOr<Principal>> malformed =
      authn_->AuthenticateCached("Bearer itp_3f9c2a1b7d4e8f60");
  ASSERT_TRUE(malformed.has_value());
  ExpectUnauthenticated(malformed->status(), "The API key is malformed.");

  EXPECT_EQ(reads(), 0);
}

// ---------------------------------------------------------------------------
// The bound on remembered keys.

TEST_F(AuthenticatorTest, FullCacheStartsAfresh) {
  std::unique_ptr<Authenticator> authn = NewAuthenticator(2);
  Issued india = Issue(PartnerKey());
  Issued reviewer = Issue(ReviewerKey());
  Issued south_africa = Issue(ExpiringPartnerKey());
  ASSERT_TRUE(authn->Authenticate(india.bearer()).ok());
  ASSERT_TRUE(authn->Authenticate(reviewer.bearer()).ok());
  ASSERT_EQ(reads(), 2);
  // Two keys fit.
  ASSERT_TRUE(authn->Authenticate(india.bearer()).ok());
  ASSERT_TRUE(authn->Authenticate(reviewer.bearer()).ok());
  ASSERT_EQ(reads(), 2);

  // The third clears the cache and is the only one remembered.
  ASSERT_TRUE(authn->Authenticate(south_africa.bearer()).ok());
  EXPECT_EQ(reads(), 3);
  EXPECT_EQ(authn->AuthenticateCached(india.bearer()), std::nullopt);
  EXPECT_EQ(authn->AuthenticateCached(reviewer.bearer()), std::nullopt);
  std::optional<absl::StatusOr<Principal>> cached =
      authn->AuthenticateCached(south_africa.bearer());
  ASSERT_TRUE(cached.has_value());
  EXPECT_TRUE(cached->ok()) << cached->status();
  ASSERT_TRUE(authn->Authenticate(south_africa.bearer()).ok());
  EXPECT_EQ(reads(), 3);

  // The dropped keys are verified again, one read each.
  ASSERT_TRUE(authn->Authenticate(india.bearer()).ok());
  EXPECT_EQ(reads(), 4);
  ASSERT_TRUE(authn->Authenticate(india.bearer()).ok());
  EXPECT_EQ(reads(), 4);
}

}  // namespace
}  // namespace itp::auth
