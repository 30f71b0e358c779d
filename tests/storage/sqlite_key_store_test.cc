// Tests of the SQLite KeyStore and AuditLog (and of the audit events the
// stores write in the same transaction as their changes) against real
// database files in a temporary directory, with an injected clock.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_query.h"
#include "server/domain/resource_names.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::testing::SteelPlan;
using ::itp::testing::RawDatabase;
using ::itp::testing::TempDir;
using ::itp::v1::ApiKey;
using ::itp::v1::AuditEvent;
using ::itp::v1::Plan;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

// Full RPC methods, as the service layer passes them.
constexpr char kCreateApiKey[] = "/itp.v1.AdminService/CreateApiKey";
constexpr char kRevokeApiKey[] = "/itp.v1.AdminService/RevokeApiKey";
constexpr char kCreatePlan[] = "/itp.v1.PlanService/CreatePlan";
constexpr char kUpdatePlan[] = "/itp.v1.PlanService/UpdatePlan";
constexpr char kSubmitPlan[] = "/itp.v1.PlanService/SubmitPlan";
constexpr char kApprovePlan[] = "/itp.v1.PlanService/ApprovePlan";
constexpr char kDeletePlan[] = "/itp.v1.PlanService/DeletePlan";
constexpr char kGetPlan[] = "/itp.v1.PlanService/GetPlan";
constexpr char kListPlans[] = "/itp.v1.PlanService/ListPlans";

// Callers.
constexpr char kAdminKey[] = "apiKeys/a1b2c3d4e5f60718";
constexpr char kIndiaPartnerKey[] = "apiKeys/3f9c2a1b7d4e8f60";
constexpr char kIndonesiaPartnerKey[] = "apiKeys/5e0d71c29ab48f36";
constexpr char kReviewerKey[] = "apiKeys/9c41e07b2d5a6f18";

// Key ids of keys the tests create.
constexpr char kIndiaKeyId[] = "3f9c2a1b7d4e8f60";
constexpr char kIndonesiaKeyId[] = "5e0d71c29ab48f36";
constexpr char kBrazilKeyId[] = "b7a3019e4c2d58f1";
constexpr char kReviewerKeyId[] = "9c41e07b2d5a6f18";

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2060";

// Request ids as clients send them (UUIDs).
constexpr char kCreateKeyRequestId[] = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
constexpr char kCreatePlanRequestId[] = "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10";
constexpr char kRevokeRequestId[] = "e3b0c442-98fc-4c14-9afb-f4c8996fb924";
constexpr char kSubmitRequestId[] = "5d0c7a4e-1f2b-4c3d-8e9f-a0b1c2d3e4f5";

// Salt and hash as raw bytes, with NUL bytes inside and at the ends, so that
// they only round-trip if they are stored as blobs of the right length.
const std::string kSalt(
    "\x00\x9f\x13\x00\xfe\x7a\x00\x01\x88\x42\x00\xc3\x5d"
    "\x00\x11\x00",
    16);
const std::string kHash(
    "\x00\x5a\x8c\x00\x1f\xe2\x00\x77\x90\x03\x00\x00\xab\xcd\xef\x10"
    "\x00\x21\x32\x43\x54\x00\x65\x76\x87\x98\xa9\x00\xba\xcb\xdc\x00",
    32);

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

// Debian's Abseil has no absl::Days.
absl::Duration Days(int n) { return absl::Hours(24 * n); }

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

google::protobuf::Timestamp TimestampOf(absl::CivilSecond t) {
  return TimeUtil::MicrosecondsToTimestamp(Micros(t));
}

// 2026-03-01T00:00:00Z, where every test's clock starts.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 0, 0, 0));

MATCHER_P(EqualsProto, expected,
          std::string(negation ? "differs from " : "equals ") +
              expected.ShortDebugString()) {
  return MessageDifferencer::Equals(arg, expected);
}

WriteContext Ctx(absl::string_view method, absl::string_view api_key,
                 itp::v1::Role role, absl::string_view request_id = "") {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.api_key = std::string(api_key);
  ctx.role = role;
  ctx.request_id = std::string(request_id);
  return ctx;
}

// An administrator's call of `method`.
WriteContext AdminCtx(absl::string_view method,
                      absl::string_view request_id = "") {
  return Ctx(method, kAdminKey, itp::v1::ADMIN, request_id);
}

// A call of `method` by the Indian ministry's partner key.
WriteContext IndiaCtx(absl::string_view method,
                      absl::string_view request_id = "") {
  return Ctx(method, kIndiaPartnerKey, itp::v1::PARTNER, request_id);
}

// Asserts the status code and the ErrorInfo reason of `status`.
void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::string& reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(domain::ErrorReasonOf(status), reason) << status;
}

// Asserts that `status` is INVALID_ARGUMENT naming exactly `field`.
void ExpectInvalidField(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  google::rpc::BadRequest bad_request = domain::BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 1) << status;
  EXPECT_EQ(bad_request.field_violations(0).field(), field) << status;
}

// The key of the Indian steel ministry's upload system.
ApiKey IndiaPartnerKey() {
  ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", kIndiaKeyId));
  key.set_display_name("Ministry of Steel, India - plan upload");
  key.set_role(itp::v1::PARTNER);
  key.add_countries("IND");
  *key.mutable_expire_time() =
      TimestampOf(absl::CivilSecond(2027, 3, 1, 0, 0, 0));
  return key;
}

ApiKey IndonesiaPartnerKey() {
  ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", kIndonesiaKeyId));
  key.set_display_name("Ministry of Industry, Indonesia - cement roadmap team");
  key.set_role(itp::v1::PARTNER);
  key.add_countries("IDN");
  return key;
}

ApiKey BrazilPartnerKey() {
  ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", kBrazilKeyId));
  key.set_display_name("BNDES, Brazil - steel decarbonisation desk");
  key.set_role(itp::v1::PARTNER);
  key.add_countries("BRA");
  return key;
}

ApiKey ReviewerKey() {
  ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", kReviewerKeyId));
  key.set_display_name("LeadIT secretariat - review desk");
  key.set_role(itp::v1::REVIEWER);
  return key;
}

// A partner key for bulk tests: id 16 hex digits from `n`.
ApiKey BulkKey(int n) {
  ApiKey key;
  key.set_name(absl::StrFormat("apiKeys/%016x", 0x4d1e000000000000ULL + n));
  key.set_display_name(
      absl::StrCat("Regional steel association ", n, ", Brazil - reporting"));
  key.set_role(itp::v1::PARTNER);
  key.add_countries("BRA");
  return key;
}

std::string IdOf(const ApiKey& key) {
  return key.name().substr(std::string("apiKeys/").size());
}

std::vector<std::string> NamesOf(const std::vector<ApiKey>& keys) {
  std::vector<std::string> names;
  for (const ApiKey& key : keys) names.push_back(key.name());
  return names;
}

// "method resource code" of each event, to compare event lists readably.
std::vector<std::string> Summaries(const std::vector<AuditEvent>& events) {
  std::vector<std::string> out;
  for (const AuditEvent& e : events) {
    out.push_back(absl::StrCat(e.method(), " ", e.resource(), " ", e.code()));
  }
  return out;
}

// Opens all three stores over one database file with an injected clock.
class SqliteStoresTestBase : public ::testing::Test {
 protected:
  SqliteStoresTestBase() : path_(dir_.File("itp.db")) {}

  void SetUp() override { Open(); }

  SqliteOptions Options(const std::string& path) {
    SqliteOptions options;
    options.path = path;
    options.pool_size = 4;
    options.busy_timeout_ms = 60000;
    options.now_unix_micros = [this] { return now_.load(); };
    return options;
  }

  void Open() {
    absl::StatusOr<SqliteStores> stores = OpenSqliteStores(Options(path_));
    ASSERT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
  }

  // Closes every store and opens the same file again.
  void Reopen() {
    stores_ = SqliteStores();
    Open();
  }

  KeyStore& keys() { return *stores_.keys; }
  AuditLog& audit() { return *stores_.audit; }
  PlanStore& plans() { return *stores_.plans; }

  int64_t Now() const { return now_.load(); }
  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }
  void SetClock(absl::CivilSecond t) { now_ = Micros(t); }

  ApiKey CreateKey(const ApiKey& key, const std::string& request_id = "") {
    absl::StatusOr<ApiKey> created = keys().CreateKey(
        AdminCtx(kCreateApiKey, request_id), key, kSalt, kHash);
    EXPECT_TRUE(created.ok()) << key.name() << ": " << created.status();
    return created.value_or(ApiKey());
  }

  ApiKey Revoke(const std::string& key_id) {
    absl::StatusOr<ApiKey> revoked =
        keys().RevokeKey(AdminCtx(kRevokeApiKey), key_id);
    EXPECT_TRUE(revoked.ok()) << key_id << ": " << revoked.status();
    return revoked.value_or(ApiKey());
  }

  StoredApiKey GetKey(const std::string& key_id) {
    absl::StatusOr<StoredApiKey> stored = keys().GetKey(key_id);
    EXPECT_TRUE(stored.ok()) << key_id << ": " << stored.status();
    return stored.value_or(StoredApiKey());
  }

  int64_t CountKeys() {
    absl::StatusOr<int64_t> count = keys().CountKeys();
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }

  // Every key, from one page.
  std::vector<ApiKey> ListKeys(bool show_inactive) {
    absl::StatusOr<ApiKeyPage> page =
        keys().ListKeys(domain::kMaxPageSize, std::nullopt, show_inactive);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    EXPECT_FALSE(page->next.has_value());
    return page->keys;
  }

  // Every key, following `next` with `page_size`; checks each page's size.
  std::vector<ApiKey> ListAllKeys(int page_size, bool show_inactive) {
    std::vector<ApiKey> all;
    std::optional<domain::PageCursor> after;
    for (int pages = 0; pages < 100; ++pages) {
      absl::StatusOr<ApiKeyPage> page =
          keys().ListKeys(page_size, after, show_inactive);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(static_cast<int>(page->keys.size()), page_size);
      for (const ApiKey& key : page->keys) all.push_back(key);
      if (!page->next) break;
      EXPECT_EQ(static_cast<int>(page->keys.size()), page_size);
      EXPECT_EQ(page->next->name, page->keys.back().name());
      after = page->next;
    }
    return all;
  }

  // Events matching `filter` (parsed with domain::ParseAuditFilter), newest
  // first, from one page.
  std::vector<AuditEvent> Events(const std::string& filter = "") {
    absl::StatusOr<std::optional<domain::FilterExpr>> parsed =
        domain::ParseAuditFilter(filter);
    EXPECT_TRUE(parsed.ok()) << filter << ": " << parsed.status();
    if (!parsed.ok()) return {};
    absl::StatusOr<AuditPage> page =
        audit().List(*parsed, domain::kMaxPageSize, std::nullopt);
    EXPECT_TRUE(page.ok()) << filter << ": " << page.status();
    if (!page.ok()) return {};
    EXPECT_FALSE(page->next.has_value());
    return page->events;
  }

  Plan CreatePlan(const std::string& name, Plan plan, const WriteContext& ctx) {
    plan.set_name(name);
    absl::StatusOr<Plan> created = plans().CreatePlan(ctx, plan);
    EXPECT_TRUE(created.ok()) << name << ": " << created.status();
    return created.value_or(Plan());
  }

  Plan GetPlan(const std::string& name) {
    absl::StatusOr<Plan> plan = plans().GetPlan(name);
    EXPECT_TRUE(plan.ok()) << name << ": " << plan.status();
    return plan.value_or(Plan());
  }

  TempDir dir_;
  const std::string path_;
  std::atomic<int64_t> now_{kStart};
  SqliteStores stores_;
};

class SqliteKeyStoreTest : public SqliteStoresTestBase {};
class SqliteAuditLogTest : public SqliteStoresTestBase {};
class SqliteWriteAuditTest : public SqliteStoresTestBase {};
class SqliteMigrationTest : public SqliteStoresTestBase {};

// The tables of the database behind `raw`.
std::set<std::string> Tables(RawDatabase& raw) {
  std::vector<std::string> names =
      raw.Column("SELECT name FROM sqlite_master WHERE type = 'table'");
  return std::set<std::string>(names.begin(), names.end());
}

// ---------------------------------------------------------------------------
// CreateKey and GetKey

// The secret that signs page tokens is made once and kept: tokens stay
// valid across restarts, and a second candidate never replaces it.
TEST_F(SqliteKeyStoreTest, ServerSecretIsStoredOnceAndKept) {
  const std::string first(32, '\x5a');
  absl::StatusOr<std::string> stored = keys().ServerSecret("page_tokens", first);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, first);
  EXPECT_EQ(*keys().ServerSecret("page_tokens", std::string(32, '\x01')),
            first);
  Reopen();
  EXPECT_EQ(*keys().ServerSecret("page_tokens", std::string(32, '\x02')),
            first);
  // Another name, another secret.
  EXPECT_EQ(*keys().ServerSecret("other", std::string(32, '\x03')),
            std::string(32, '\x03'));
}

TEST_F(SqliteKeyStoreTest, CreateKeyStoresMetadataWithClockCreateTime) {
  SetClock(absl::CivilSecond(2026, 3, 2, 9, 30, 0));

  absl::StatusOr<ApiKey> created = keys().CreateKey(
      AdminCtx(kCreateApiKey), IndiaPartnerKey(), kSalt, kHash);

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "apiKeys/3f9c2a1b7d4e8f60");
  EXPECT_EQ(created->display_name(), "Ministry of Steel, India - plan upload");
  EXPECT_EQ(created->role(), itp::v1::PARTNER);
  EXPECT_THAT(created->countries(), ElementsAre("IND"));
  EXPECT_EQ(MicrosOf(created->expire_time()),
            Micros(absl::CivilSecond(2027, 3, 1, 0, 0, 0)));
  EXPECT_EQ(MicrosOf(created->create_time()),
            Micros(absl::CivilSecond(2026, 3, 2, 9, 30, 0)));
  EXPECT_EQ(created->state(), ApiKey::ACTIVE);
  EXPECT_FALSE(created->has_revoke_time());
}

TEST_F(SqliteKeyStoreTest, GetKeyReturnsMetadataAndExactSaltAndHashBytes) {
  ApiKey created = CreateKey(IndiaPartnerKey());
  Advance(absl::Hours(3));

  absl::StatusOr<StoredApiKey> stored = keys().GetKey(kIndiaKeyId);

  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_THAT(stored->key, EqualsProto(created));
  ASSERT_EQ(stored->salt.size(), 16u);
  ASSERT_EQ(stored->hash.size(), 32u);
  EXPECT_EQ(stored->salt, kSalt);
  EXPECT_EQ(stored->hash, kHash);
}

TEST_F(SqliteKeyStoreTest, KeysKeepTheirOwnSaltAndHash) {
  const std::string other_salt(16, '\0');
  std::string other_hash = kHash;
  other_hash[31] = '\x01';
  CreateKey(IndiaPartnerKey());
  ASSERT_TRUE(keys()
                  .CreateKey(AdminCtx(kCreateApiKey), IndonesiaPartnerKey(),
                             other_salt, other_hash)
                  .ok());

  StoredApiKey india = GetKey(kIndiaKeyId);
  StoredApiKey indonesia = GetKey(kIndonesiaKeyId);

  EXPECT_EQ(india.salt, kSalt);
  EXPECT_EQ(india.hash, kHash);
  EXPECT_EQ(indonesia.salt, other_salt);
  EXPECT_EQ(indonesia.hash, other_hash);
  EXPECT_EQ(indonesia.key.display_name(),
            "Ministry of Industry, Indonesia - cement roadmap team");
}

TEST_F(SqliteKeyStoreTest, CreateKeyOverridesClientSuppliedOutputFields) {
  ApiKey input = IndonesiaPartnerKey();
  input.set_state(ApiKey::REVOKED);
  *input.mutable_create_time() =
      TimestampOf(absl::CivilSecond(2020, 1, 1, 0, 0, 0));
  *input.mutable_revoke_time() =
      TimestampOf(absl::CivilSecond(2020, 1, 2, 0, 0, 0));

  ApiKey created = CreateKey(input);

  EXPECT_EQ(MicrosOf(created.create_time()), kStart);
  EXPECT_FALSE(created.has_revoke_time());
  EXPECT_EQ(created.state(), ApiKey::ACTIVE);
  StoredApiKey stored = GetKey(kIndonesiaKeyId);
  EXPECT_THAT(stored.key, EqualsProto(created));
}

TEST_F(SqliteKeyStoreTest, GetKeyOfAbsentIdIsApiKeyNotFound) {
  CreateKey(IndiaPartnerKey());

  absl::StatusOr<StoredApiKey> stored = keys().GetKey(kBrazilKeyId);

  ExpectError(stored.status(), absl::StatusCode::kNotFound,
              "API_KEY_NOT_FOUND");
  EXPECT_THAT(std::string(stored.status().message()),
              ::testing::HasSubstr("apiKeys/b7a3019e4c2d58f1"));
}

TEST_F(SqliteKeyStoreTest, CreateKeyWithTakenIdIsAlreadyExists) {
  ApiKey first = CreateKey(IndiaPartnerKey());
  Advance(absl::Minutes(5));
  ApiKey clash = IndiaPartnerKey();
  clash.set_display_name("Steel Authority of India - benchmarking");
  const std::string other_salt(16, '\x5c');

  absl::StatusOr<ApiKey> created =
      keys().CreateKey(AdminCtx(kCreateApiKey), clash, other_salt, kHash);

  ExpectError(created.status(), absl::StatusCode::kAlreadyExists,
              "API_KEY_ALREADY_EXISTS");
  StoredApiKey stored = GetKey(kIndiaKeyId);
  EXPECT_THAT(stored.key, EqualsProto(first));
  EXPECT_EQ(stored.salt, kSalt);
  EXPECT_EQ(CountKeys(), 1);
}

TEST_F(SqliteKeyStoreTest, CreateKeyRetriedWithSameRequestIdReturnsFirstKey) {
  ApiKey first = CreateKey(IndiaPartnerKey(), kCreateKeyRequestId);
  Advance(absl::Seconds(30));
  // The service issues a fresh id and secret for every attempt; the retry
  // must still return the key of the first attempt.
  ApiKey retry = IndiaPartnerKey();
  retry.set_name("apiKeys/0d4c8e2f6a1b3957");

  absl::StatusOr<ApiKey> replayed = keys().CreateKey(
      AdminCtx(kCreateApiKey, kCreateKeyRequestId), retry, kSalt, kHash);

  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->name(), "apiKeys/3f9c2a1b7d4e8f60");
  EXPECT_THAT(*replayed, EqualsProto(first));
  EXPECT_EQ(CountKeys(), 1);
  ExpectError(keys().GetKey("0d4c8e2f6a1b3957").status(),
              absl::StatusCode::kNotFound, "API_KEY_NOT_FOUND");
  EXPECT_THAT(NamesOf(ListKeys(true)), ElementsAre(kIndiaPartnerKey));
}

TEST_F(SqliteKeyStoreTest, RequestIdOfAnotherMethodIsInvalidArgument) {
  CreatePlan(kIndiaSteel, IndiaSteelPlan(),
             AdminCtx(kCreatePlan, kCreatePlanRequestId));

  absl::StatusOr<ApiKey> created =
      keys().CreateKey(AdminCtx(kCreateApiKey, kCreatePlanRequestId),
                       IndiaPartnerKey(), kSalt, kHash);

  ExpectInvalidField(created.status(), "request_id");
  EXPECT_EQ(CountKeys(), 0);
  ExpectError(keys().GetKey(kIndiaKeyId).status(), absl::StatusCode::kNotFound,
              "API_KEY_NOT_FOUND");
}

TEST_F(SqliteKeyStoreTest, CreateKeyRequestIdReusedForCreatePlanIsInvalid) {
  CreateKey(IndiaPartnerKey(), kCreateKeyRequestId);
  Plan plan = IndiaSteelPlan();
  plan.set_name(kIndiaSteel);

  absl::StatusOr<Plan> created =
      plans().CreatePlan(AdminCtx(kCreatePlan, kCreateKeyRequestId), plan);

  ExpectInvalidField(created.status(), "request_id");
  // Nothing of the first request is told.
  EXPECT_EQ(created.status().message(),
            absl::StrCat("The request has an invalid field: request_id: '",
                         kCreateKeyRequestId,
                         "' was already used by this API key for another "
                         "request; use a new UUID for a new request."));
  ExpectError(plans().GetPlan(kIndiaSteel).status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
}

// Request ids are each key's own: the admin's id is a new one for India.
TEST_F(SqliteKeyStoreTest, AnotherKeysRequestIdIsANewRequest) {
  CreateKey(IndiaPartnerKey(), kCreateKeyRequestId);
  Plan plan = IndiaSteelPlan();
  plan.set_name(kIndiaSteel);
  absl::StatusOr<Plan> created =
      plans().CreatePlan(IndiaCtx(kCreatePlan, kCreateKeyRequestId), plan);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), kIndiaSteel);
}

// The same id and method from the same key, but another request: refused.
TEST_F(SqliteKeyStoreTest, SameRequestIdWithAnotherRequestIsInvalid) {
  WriteContext first = AdminCtx(kCreateApiKey, kCreateKeyRequestId);
  first.request_hash = std::string(32, '\x01');
  ASSERT_TRUE(keys().CreateKey(first, IndiaPartnerKey(), kSalt, kHash).ok());
  WriteContext other = first;
  other.request_hash = std::string(32, '\x02');
  ExpectInvalidField(
      keys().CreateKey(other, IndiaPartnerKey(), kSalt, kHash).status(),
      "request_id");
  // The same request again is replayed.
  EXPECT_TRUE(keys().CreateKey(first, IndiaPartnerKey(), kSalt, kHash).ok());
  EXPECT_EQ(CountKeys(), 1);
}

// ---------------------------------------------------------------------------
// RevokeKey and expiry

TEST_F(SqliteKeyStoreTest, RevokeKeySetsRevokeTimeAndRevokedState) {
  ApiKey created = CreateKey(IndiaPartnerKey());
  Advance(Days(2));

  absl::StatusOr<ApiKey> revoked =
      keys().RevokeKey(AdminCtx(kRevokeApiKey), kIndiaKeyId);

  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->state(), ApiKey::REVOKED);
  EXPECT_EQ(MicrosOf(revoked->revoke_time()),
            kStart + absl::ToInt64Microseconds(Days(2)));
  EXPECT_EQ(revoked->name(), created.name());
  EXPECT_EQ(revoked->display_name(), created.display_name());
  EXPECT_THAT(revoked->create_time(), EqualsProto(created.create_time()));
  StoredApiKey stored = GetKey(kIndiaKeyId);
  EXPECT_THAT(stored.key, EqualsProto(*revoked));
  EXPECT_EQ(stored.salt, kSalt);
  EXPECT_EQ(stored.hash, kHash);
}

TEST_F(SqliteKeyStoreTest, SecondRevokeKeepsTheFirstRevokeTime) {
  CreateKey(IndiaPartnerKey());
  Advance(absl::Hours(1));
  ApiKey first = Revoke(kIndiaKeyId);
  Advance(Days(3));

  absl::StatusOr<ApiKey> second =
      keys().RevokeKey(AdminCtx(kRevokeApiKey), kIndiaKeyId);

  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(*second, EqualsProto(first));
  EXPECT_EQ(MicrosOf(second->revoke_time()),
            kStart + absl::ToInt64Microseconds(absl::Hours(1)));
  EXPECT_THAT(GetKey(kIndiaKeyId).key, EqualsProto(first));
}

TEST_F(SqliteKeyStoreTest, RevokeKeyOfAbsentIdIsNotFound) {
  CreateKey(IndiaPartnerKey());
  const size_t events_before = Events().size();

  absl::StatusOr<ApiKey> revoked =
      keys().RevokeKey(AdminCtx(kRevokeApiKey), kBrazilKeyId);

  ExpectError(revoked.status(), absl::StatusCode::kNotFound,
              "API_KEY_NOT_FOUND");
  EXPECT_EQ(CountKeys(), 1);
  EXPECT_EQ(GetKey(kIndiaKeyId).key.state(), ApiKey::ACTIVE);
  EXPECT_THAT(Events(), SizeIs(events_before));
}

// WriteContext::request_id makes every write retry-safe; RevokeKey is
// idempotent, so a retry with the same request id must succeed.
TEST_F(SqliteKeyStoreTest, RevokeKeyRetriedWithSameRequestIdSucceeds) {
  CreateKey(IndiaPartnerKey());
  Advance(absl::Minutes(10));
  absl::StatusOr<ApiKey> first =
      keys().RevokeKey(AdminCtx(kRevokeApiKey, kRevokeRequestId), kIndiaKeyId);
  ASSERT_TRUE(first.ok()) << first.status();
  Advance(absl::Seconds(5));

  absl::StatusOr<ApiKey> retry =
      keys().RevokeKey(AdminCtx(kRevokeApiKey, kRevokeRequestId), kIndiaKeyId);

  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_THAT(*retry, EqualsProto(*first));
}

TEST_F(SqliteKeyStoreTest, KeyPastItsExpireTimeIsExpired) {
  ApiKey key = BrazilPartnerKey();
  *key.mutable_expire_time() =
      TimestampOf(absl::CivilSecond(2026, 3, 31, 0, 0, 0));
  CreateKey(key);

  SetClock(absl::CivilSecond(2026, 3, 30, 23, 59, 59));
  EXPECT_EQ(GetKey(kBrazilKeyId).key.state(), ApiKey::ACTIVE);
  EXPECT_THAT(NamesOf(ListKeys(false)), ElementsAre(key.name()));

  SetClock(absl::CivilSecond(2026, 4, 2, 0, 0, 0));

  StoredApiKey stored = GetKey(kBrazilKeyId);
  EXPECT_EQ(stored.key.state(), ApiKey::EXPIRED);
  EXPECT_FALSE(stored.key.has_revoke_time());
  EXPECT_THAT(ListKeys(false), IsEmpty());
  std::vector<ApiKey> all = ListKeys(true);
  ASSERT_THAT(all, SizeIs(1));
  EXPECT_EQ(all[0].name(), key.name());
  EXPECT_EQ(all[0].state(), ApiKey::EXPIRED);
}

TEST_F(SqliteKeyStoreTest, KeyExpiresExactlyAtItsExpireTime) {
  ApiKey key = BrazilPartnerKey();
  *key.mutable_expire_time() =
      TimestampOf(absl::CivilSecond(2026, 3, 31, 0, 0, 0));
  CreateKey(key);

  SetClock(absl::CivilSecond(2026, 3, 31, 0, 0, 0));

  EXPECT_EQ(GetKey(kBrazilKeyId).key.state(), ApiKey::EXPIRED);
  EXPECT_THAT(ListKeys(false), IsEmpty());
  EXPECT_THAT(ListKeys(true), SizeIs(1));
}

TEST_F(SqliteKeyStoreTest, RevokedKeyPastExpiryStaysRevoked) {
  ApiKey key = BrazilPartnerKey();
  *key.mutable_expire_time() =
      TimestampOf(absl::CivilSecond(2026, 3, 10, 0, 0, 0));
  CreateKey(key);
  Advance(Days(1));
  Revoke(kBrazilKeyId);

  SetClock(absl::CivilSecond(2026, 6, 1, 0, 0, 0));

  EXPECT_EQ(GetKey(kBrazilKeyId).key.state(), ApiKey::REVOKED);
}

// ---------------------------------------------------------------------------
// ListKeys and CountKeys

TEST_F(SqliteKeyStoreTest, ListKeysReturnsOldestFirst) {
  // Ids in descending order, so that id order and creation order differ.
  CreateKey(ReviewerKey());  // 9c41...
  Advance(absl::Hours(1));
  CreateKey(IndonesiaPartnerKey());  // 5e0d...
  Advance(absl::Hours(1));
  CreateKey(IndiaPartnerKey());  // 3f9c...

  std::vector<ApiKey> listed = ListKeys(false);

  EXPECT_THAT(NamesOf(listed), ElementsAre(kReviewerKey, kIndonesiaPartnerKey,
                                           kIndiaPartnerKey));
  for (const ApiKey& key : listed) {
    EXPECT_EQ(key.state(), ApiKey::ACTIVE) << key.name();
  }
  EXPECT_EQ(MicrosOf(listed[2].create_time()),
            kStart + absl::ToInt64Microseconds(absl::Hours(2)));
  EXPECT_THAT(listed[1], EqualsProto(GetKey(kIndonesiaKeyId).key));
}

TEST_F(SqliteKeyStoreTest, ListKeysOfEmptyStoreIsEmpty) {
  absl::StatusOr<ApiKeyPage> page = keys().ListKeys(10, std::nullopt, true);

  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->keys, IsEmpty());
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(SqliteKeyStoreTest, PagingThroughTwentyFiveKeysGivesEachOnce) {
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    // Ids alternate between high and low so that id order is not creation
    // order.
    ApiKey key = BulkKey(i % 2 == 0 ? 1000 - i : i);
    expected.push_back(CreateKey(key).name());
    Advance(absl::Minutes(1));
  }

  absl::StatusOr<ApiKeyPage> first = keys().ListKeys(10, std::nullopt, false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->keys, SizeIs(10));
  ASSERT_TRUE(first->next.has_value());
  absl::StatusOr<ApiKeyPage> second = keys().ListKeys(10, first->next, false);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->keys, SizeIs(10));
  ASSERT_TRUE(second->next.has_value());
  absl::StatusOr<ApiKeyPage> third = keys().ListKeys(10, second->next, false);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_THAT(third->keys, SizeIs(5));
  EXPECT_FALSE(third->next.has_value());

  std::vector<std::string> names = NamesOf(first->keys);
  for (const ApiKey& key : second->keys) names.push_back(key.name());
  for (const ApiKey& key : third->keys) names.push_back(key.name());
  EXPECT_THAT(names, ElementsAreArray(expected));
  EXPECT_THAT(NamesOf(ListAllKeys(10, true)), ElementsAreArray(expected));
}

TEST_F(SqliteKeyStoreTest, PagingActiveKeysSkipsRevokedOnesAcrossPages) {
  std::vector<std::string> all;
  std::vector<std::string> active;
  for (int i = 0; i < 25; ++i) {
    ApiKey key = CreateKey(BulkKey(i));
    all.push_back(key.name());
    if (i % 3 == 1) {
      Revoke(IdOf(key));
    } else {
      active.push_back(key.name());
    }
    Advance(absl::Minutes(1));
  }

  EXPECT_THAT(NamesOf(ListAllKeys(4, false)), ElementsAreArray(active));
  EXPECT_THAT(NamesOf(ListAllKeys(4, true)), ElementsAreArray(all));
  EXPECT_THAT(NamesOf(ListAllKeys(1, false)), ElementsAreArray(active));
}

TEST_F(SqliteKeyStoreTest, ShowInactiveControlsRevokedAndExpiredKeys) {
  CreateKey(IndiaPartnerKey());  // expires 2027-03-01
  CreateKey(IndonesiaPartnerKey());
  ApiKey brazil = BrazilPartnerKey();
  *brazil.mutable_expire_time() =
      TimestampOf(absl::CivilSecond(2026, 3, 2, 0, 0, 0));
  CreateKey(brazil);
  CreateKey(ReviewerKey());
  Advance(absl::Hours(1));
  Revoke(kIndonesiaKeyId);
  SetClock(absl::CivilSecond(2026, 3, 3, 0, 0, 0));

  std::vector<ApiKey> active = ListKeys(false);
  std::vector<ApiKey> all = ListKeys(true);

  EXPECT_THAT(NamesOf(active), ElementsAre(kIndiaPartnerKey, kReviewerKey));
  for (const ApiKey& key : active) EXPECT_EQ(key.state(), ApiKey::ACTIVE);
  ASSERT_THAT(NamesOf(all), ElementsAre(kIndiaPartnerKey, kIndonesiaPartnerKey,
                                        brazil.name(), kReviewerKey));
  EXPECT_EQ(all[0].state(), ApiKey::ACTIVE);
  EXPECT_EQ(all[1].state(), ApiKey::REVOKED);
  EXPECT_EQ(MicrosOf(all[1].revoke_time()),
            kStart + absl::ToInt64Microseconds(absl::Hours(1)));
  EXPECT_EQ(all[2].state(), ApiKey::EXPIRED);
  EXPECT_EQ(all[3].state(), ApiKey::ACTIVE);
}

TEST_F(SqliteKeyStoreTest, CountKeysCountsEveryKeyRevokedIncluded) {
  EXPECT_EQ(CountKeys(), 0);
  CreateKey(IndiaPartnerKey());
  CreateKey(IndonesiaPartnerKey());
  ApiKey brazil = BrazilPartnerKey();
  *brazil.mutable_expire_time() =
      TimestampOf(absl::CivilSecond(2026, 3, 2, 0, 0, 0));
  CreateKey(brazil);
  Revoke(kIndonesiaKeyId);
  SetClock(absl::CivilSecond(2026, 4, 1, 0, 0, 0));

  EXPECT_EQ(CountKeys(), 3);
  EXPECT_THAT(ListKeys(false), SizeIs(1));
}

// ---------------------------------------------------------------------------
// Durability

TEST_F(SqliteKeyStoreTest, KeysAndAuditEventsSurviveCloseAndReopen) {
  ApiKey india = CreateKey(IndiaPartnerKey(), kCreateKeyRequestId);
  Advance(absl::Hours(1));
  CreateKey(IndonesiaPartnerKey());
  Advance(absl::Hours(1));
  ApiKey revoked = Revoke(kIndonesiaKeyId);
  ASSERT_TRUE(audit()
                  .Record(IndiaCtx(kSubmitPlan), kIndonesiaCement,
                          absl::PermissionDeniedError(
                              "apiKeys/3f9c2a1b7d4e8f60 may act only on "
                              "plans of IND."))
                  .ok());
  std::vector<AuditEvent> events_before = Events();
  ASSERT_THAT(events_before, SizeIs(4));

  Reopen();

  StoredApiKey stored = GetKey(kIndiaKeyId);
  EXPECT_THAT(stored.key, EqualsProto(india));
  EXPECT_EQ(stored.salt, kSalt);
  EXPECT_EQ(stored.hash, kHash);
  EXPECT_THAT(GetKey(kIndonesiaKeyId).key, EqualsProto(revoked));
  EXPECT_EQ(CountKeys(), 2);
  EXPECT_THAT(NamesOf(ListKeys(false)), ElementsAre(kIndiaPartnerKey));
  std::vector<AuditEvent> events_after = Events();
  ASSERT_THAT(events_after, SizeIs(events_before.size()));
  for (size_t i = 0; i < events_after.size(); ++i) {
    EXPECT_THAT(events_after[i], EqualsProto(events_before[i]));
  }
  // The request log survives too: the retry is still recognised.
  absl::StatusOr<ApiKey> replayed =
      keys().CreateKey(AdminCtx(kCreateApiKey, kCreateKeyRequestId),
                       BrazilPartnerKey(), kSalt, kHash);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_THAT(*replayed, EqualsProto(india));
  EXPECT_EQ(CountKeys(), 2);
}

// ---------------------------------------------------------------------------
// AuditLog: Record and List

TEST_F(SqliteAuditLogTest, RecordWritesEventWithClockTimeAndCaller) {
  SetClock(absl::CivilSecond(2026, 3, 4, 14, 5, 9));
  const absl::Status denied = absl::PermissionDeniedError(
      "apiKeys/3f9c2a1b7d4e8f60 may act only on plans of IND.");

  absl::Status recorded = audit().Record(
      IndiaCtx(kSubmitPlan, kCreatePlanRequestId), kIndonesiaCement, denied);

  ASSERT_TRUE(recorded.ok()) << recorded;
  std::vector<AuditEvent> events = Events();
  ASSERT_THAT(events, SizeIs(1));
  const AuditEvent& e = events[0];
  EXPECT_THAT(e.name(), MatchesRegex("auditEvents/[1-9][0-9]*"));
  EXPECT_EQ(MicrosOf(e.time()),
            Micros(absl::CivilSecond(2026, 3, 4, 14, 5, 9)));
  EXPECT_EQ(e.api_key(), kIndiaPartnerKey);
  EXPECT_EQ(e.role(), itp::v1::PARTNER);
  EXPECT_EQ(e.method(), kSubmitPlan);
  EXPECT_EQ(e.resource(), kIndonesiaCement);
  EXPECT_EQ(e.request_id(), kCreatePlanRequestId);
  EXPECT_EQ(e.code(), "PERMISSION_DENIED");
  EXPECT_EQ(e.message(),
            "apiKeys/3f9c2a1b7d4e8f60 may act only on plans of IND.");
}

TEST_F(SqliteAuditLogTest, UnauthenticatedCallIsRecordedWithoutCaller) {
  ASSERT_TRUE(
      audit()
          .Record(Ctx(kListPlans, "", itp::v1::ROLE_UNSPECIFIED),
                  "countries/BRA",
                  absl::UnauthenticatedError("The call carries no API key."))
          .ok());

  std::vector<AuditEvent> events = Events();

  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].api_key(), "");
  EXPECT_EQ(events[0].role(), itp::v1::ROLE_UNSPECIFIED);
  EXPECT_EQ(events[0].request_id(), "");
  EXPECT_EQ(events[0].code(), "UNAUTHENTICATED");
  EXPECT_EQ(events[0].message(), "The call carries no API key.");
}

TEST_F(SqliteAuditLogTest, ListOfEmptyLogIsEmpty) {
  absl::StatusOr<AuditPage> page = audit().List(std::nullopt, 10, std::nullopt);

  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->events, IsEmpty());
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(SqliteAuditLogTest, ListReturnsNewestFirstWithDistinctNames) {
  ASSERT_TRUE(audit()
                  .Record(IndiaCtx(kGetPlan), kIndonesiaCement,
                          absl::PermissionDeniedError("Not your country."))
                  .ok());
  Advance(absl::Minutes(1));
  ASSERT_TRUE(audit()
                  .Record(IndiaCtx(kSubmitPlan), kIndiaSteel,
                          absl::AbortedError("The etag is stale."))
                  .ok());
  Advance(absl::Minutes(1));
  ASSERT_TRUE(audit()
                  .Record(IndiaCtx(kDeletePlan), kIndiaSteel,
                          absl::FailedPreconditionError(
                              "Only DRAFT plans can be deleted."))
                  .ok());

  std::vector<AuditEvent> events = Events();

  EXPECT_THAT(
      Summaries(events),
      ElementsAre(
          absl::StrCat(kDeletePlan, " ", kIndiaSteel, " FAILED_PRECONDITION"),
          absl::StrCat(kSubmitPlan, " ", kIndiaSteel, " ABORTED"),
          absl::StrCat(kGetPlan, " ", kIndonesiaCement, " PERMISSION_DENIED")));
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(MicrosOf(events[0].time()),
            kStart + absl::ToInt64Microseconds(absl::Minutes(2)));
  EXPECT_EQ(MicrosOf(events[2].time()), kStart);
  std::set<std::string> names;
  for (const AuditEvent& e : events) {
    EXPECT_THAT(e.name(), MatchesRegex("auditEvents/[1-9][0-9]*"));
    names.insert(e.name());
  }
  EXPECT_THAT(names, SizeIs(3));
}

TEST_F(SqliteAuditLogTest, PagingWithAfterGivesEveryEventOnceNewestFirst) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(
        audit()
            .Record(IndiaCtx(kGetPlan),
                    absl::StrCat("countries/IDN/plans/cement-20", 50 + i),
                    absl::PermissionDeniedError("Not your country."))
            .ok());
    Advance(absl::Minutes(1));
  }
  std::vector<AuditEvent> all = Events();
  ASSERT_THAT(all, SizeIs(7));

  std::vector<AuditEvent> paged;
  std::vector<size_t> sizes;
  std::optional<domain::PageCursor> after;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<AuditPage> page = audit().List(std::nullopt, 3, after);
    ASSERT_TRUE(page.ok()) << page.status();
    sizes.push_back(page->events.size());
    for (const AuditEvent& e : page->events) paged.push_back(e);
    if (!page->next) break;
    EXPECT_EQ(page->next->name, page->events.back().name());
    after = page->next;
  }

  EXPECT_THAT(sizes, ElementsAre(3, 3, 1));
  ASSERT_THAT(paged, SizeIs(7));
  for (size_t i = 0; i < paged.size(); ++i) {
    EXPECT_THAT(paged[i], EqualsProto(all[i]));
  }
  EXPECT_EQ(paged[0].resource(), "countries/IDN/plans/cement-2056");
  EXPECT_EQ(paged[6].resource(), "countries/IDN/plans/cement-2050");
}

TEST_F(SqliteAuditLogTest, EventRecordedWhilePagingDoesNotShiftLaterPages) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        audit()
            .Record(IndiaCtx(kGetPlan),
                    absl::StrCat("countries/IDN/plans/cement-20", 50 + i),
                    absl::PermissionDeniedError("Not your country."))
            .ok());
  }
  absl::StatusOr<AuditPage> first = audit().List(std::nullopt, 2, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->next.has_value());
  ASSERT_TRUE(audit()
                  .Record(IndiaCtx(kGetPlan), kBrazilSteel,
                          absl::PermissionDeniedError("Not your country."))
                  .ok());

  absl::StatusOr<AuditPage> second = audit().List(std::nullopt, 2, first->next);

  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_THAT(second->events, SizeIs(2));
  EXPECT_EQ(second->events[0].resource(), "countries/IDN/plans/cement-2051");
  EXPECT_EQ(second->events[1].resource(), "countries/IDN/plans/cement-2050");
  EXPECT_FALSE(second->next.has_value());
}

// Six events over five days, newest last:
//   E1 03-01 09:00  India partner  SubmitPlan   IDN cement  PERMISSION_DENIED
//   E2 03-01 10:00  (nobody)       ListPlans    countries/IND  UNAUTHENTICATED
//   E3 03-02 10:00  reviewer       ApprovePlan  IND steel   FAILED_PRECONDITION
//   E4 03-03 08:00  admin          CreateApiKey apiKeys     OK (by the store)
//   E5 03-04 12:00  India partner  SubmitPlan   IND steel   ABORTED
//   E6 03-05 16:00  IDN partner    GetPlan      IND steel   PERMISSION_DENIED
class SqliteAuditFilterTest : public SqliteStoresTestBase {
 protected:
  void SetUp() override {
    SqliteStoresTestBase::SetUp();
    SetClock(absl::CivilSecond(2026, 3, 1, 9, 0, 0));
    Record(IndiaCtx(kSubmitPlan), kIndonesiaCement,
           absl::PermissionDeniedError("Not a plan of IND."));
    SetClock(absl::CivilSecond(2026, 3, 1, 10, 0, 0));
    Record(Ctx(kListPlans, "", itp::v1::ROLE_UNSPECIFIED), "countries/IND",
           absl::UnauthenticatedError("The call carries no API key."));
    SetClock(absl::CivilSecond(2026, 3, 2, 10, 0, 0));
    Record(Ctx(kApprovePlan, kReviewerKey, itp::v1::REVIEWER), kIndiaSteel,
           absl::FailedPreconditionError("The plan is not IN_REVIEW."));
    SetClock(absl::CivilSecond(2026, 3, 3, 8, 0, 0));
    CreateKey(IndonesiaPartnerKey());
    SetClock(absl::CivilSecond(2026, 3, 4, 12, 0, 0));
    Record(IndiaCtx(kSubmitPlan), kIndiaSteel,
           absl::AbortedError("The etag is stale."));
    SetClock(absl::CivilSecond(2026, 3, 5, 16, 0, 0));
    Record(Ctx(kGetPlan, kIndonesiaPartnerKey, itp::v1::PARTNER), kIndiaSteel,
           absl::PermissionDeniedError("Drafts are visible to IND only."));
  }

  void Record(const WriteContext& ctx, const std::string& resource,
              const absl::Status& outcome) {
    absl::Status recorded = audit().Record(ctx, resource, outcome);
    ASSERT_TRUE(recorded.ok()) << recorded;
  }

  std::vector<std::string> Matching(const std::string& filter) {
    return Summaries(Events(filter));
  }

  const std::string e1_ =
      absl::StrCat(kSubmitPlan, " ", kIndonesiaCement, " PERMISSION_DENIED");
  const std::string e2_ =
      absl::StrCat(kListPlans, " countries/IND UNAUTHENTICATED");
  const std::string e3_ =
      absl::StrCat(kApprovePlan, " ", kIndiaSteel, " FAILED_PRECONDITION");
  const std::string e4_ = absl::StrCat(kCreateApiKey, " apiKeys OK");
  const std::string e5_ =
      absl::StrCat(kSubmitPlan, " ", kIndiaSteel, " ABORTED");
  const std::string e6_ =
      absl::StrCat(kGetPlan, " ", kIndiaSteel, " PERMISSION_DENIED");
};

TEST_F(SqliteAuditFilterTest, EmptyFilterMatchesEverythingNewestFirst) {
  EXPECT_THAT(Matching(""), ElementsAre(e6_, e5_, e4_, e3_, e2_, e1_));
}

TEST_F(SqliteAuditFilterTest, FiltersOnCode) {
  EXPECT_THAT(Matching("code = PERMISSION_DENIED"), ElementsAre(e6_, e1_));
  EXPECT_THAT(Matching("code = OK"), ElementsAre(e4_));
  EXPECT_THAT(Matching("code != OK"), ElementsAre(e6_, e5_, e3_, e2_, e1_));
  EXPECT_THAT(Matching("code = UNAUTHENTICATED OR code = FAILED_PRECONDITION"),
              ElementsAre(e3_, e2_));
  EXPECT_THAT(Matching("code = NOT_FOUND"), IsEmpty());
}

TEST_F(SqliteAuditFilterTest, FiltersOnMethod) {
  EXPECT_THAT(Matching("method = \"/itp.v1.PlanService/SubmitPlan\""),
              ElementsAre(e5_, e1_));
  EXPECT_THAT(Matching("method = \"/itp.v1.AdminService/CreateApiKey\""),
              ElementsAre(e4_));
  EXPECT_THAT(Matching("method != \"/itp.v1.PlanService/SubmitPlan\""),
              ElementsAre(e6_, e4_, e3_, e2_));
  // Exact match only: a prefix matches nothing.
  EXPECT_THAT(Matching("method = \"/itp.v1.PlanService/Submit\""), IsEmpty());
}

TEST_F(SqliteAuditFilterTest, FiltersOnApiKey) {
  EXPECT_THAT(Matching("api_key = \"apiKeys/3f9c2a1b7d4e8f60\""),
              ElementsAre(e5_, e1_));
  EXPECT_THAT(Matching("api_key = \"apiKeys/a1b2c3d4e5f60718\""),
              ElementsAre(e4_));
  EXPECT_THAT(Matching("api_key = \"apiKeys/5e0d71c29ab48f36\""),
              ElementsAre(e6_));
}

TEST_F(SqliteAuditFilterTest, FiltersOnResource) {
  EXPECT_THAT(Matching("resource = \"countries/IND/plans/steel-2070\""),
              ElementsAre(e6_, e5_, e3_));
  EXPECT_THAT(Matching("resource = apiKeys"), ElementsAre(e4_));
  EXPECT_THAT(Matching("resource = \"countries/IND\""), ElementsAre(e2_));
}

TEST_F(SqliteAuditFilterTest, FiltersOnTimeRanges) {
  EXPECT_THAT(Matching("time >= \"2026-03-02T00:00:00Z\" AND "
                       "time < \"2026-03-04T00:00:00Z\""),
              ElementsAre(e4_, e3_));
  // Bounds are exact to the microsecond: E3 is at 2026-03-02T10:00:00Z.
  EXPECT_THAT(Matching("time > \"2026-03-02T10:00:00Z\""),
              ElementsAre(e6_, e5_, e4_));
  EXPECT_THAT(Matching("time <= \"2026-03-02T10:00:00Z\""),
              ElementsAre(e3_, e2_, e1_));
  EXPECT_THAT(Matching("time = \"2026-03-01T10:00:00Z\""), ElementsAre(e2_));
  EXPECT_THAT(Matching("time != \"2026-03-01T10:00:00Z\""),
              ElementsAre(e6_, e5_, e4_, e3_, e1_));
  // Other offsets are converted: 2026-03-04T17:30:00+05:30 is 12:00Z.
  EXPECT_THAT(Matching("time >= \"2026-03-04T17:30:00+05:30\""),
              ElementsAre(e6_, e5_));
  EXPECT_THAT(Matching("time < \"2026-03-01T00:00:00Z\""), IsEmpty());
}

TEST_F(SqliteAuditFilterTest, CombinesFieldsWithAndOrNot) {
  EXPECT_THAT(Matching("code = PERMISSION_DENIED AND "
                       "time >= \"2026-03-03T00:00:00Z\""),
              ElementsAre(e6_));
  EXPECT_THAT(Matching("resource = \"countries/IND/plans/steel-2070\" AND "
                       "NOT code = ABORTED"),
              ElementsAre(e6_, e3_));
  EXPECT_THAT(Matching("api_key = \"apiKeys/3f9c2a1b7d4e8f60\" "
                       "code = PERMISSION_DENIED"),
              ElementsAre(e1_));
  EXPECT_THAT(Matching("(method = \"/itp.v1.PlanService/GetPlan\" OR "
                       "method = \"/itp.v1.PlanService/ListPlans\") AND "
                       "time < \"2026-03-05T00:00:00Z\""),
              ElementsAre(e2_));
}

TEST_F(SqliteAuditFilterTest, FilteredPagingGivesEveryMatchOnce) {
  absl::StatusOr<std::optional<domain::FilterExpr>> filter =
      domain::ParseAuditFilter("code != OK");
  ASSERT_TRUE(filter.ok()) << filter.status();

  std::vector<std::string> seen;
  std::optional<domain::PageCursor> after;
  std::vector<size_t> sizes;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<AuditPage> page = audit().List(*filter, 2, after);
    ASSERT_TRUE(page.ok()) << page.status();
    sizes.push_back(page->events.size());
    for (const std::string& s : Summaries(page->events)) seen.push_back(s);
    if (!page->next) break;
    after = page->next;
  }

  EXPECT_THAT(sizes, ElementsAre(2, 2, 1));
  EXPECT_THAT(seen, ElementsAre(e6_, e5_, e3_, e2_, e1_));
}

TEST_F(SqliteAuditFilterTest, SqlTextInFilterValuesMatchesNothing) {
  for (const char* filter :
       {"resource = \"x' OR '1'='1\"", "resource = 'x\\' OR \\'1\\'=\\'1'",
        "method = \"'; DROP TABLE audit_events; --\"",
        "api_key = \"\\\" OR 1=1 --\"",
        "resource != \"x') OR 1=1 UNION SELECT * FROM api_keys --\" AND "
        "code = NOT_FOUND"}) {
    SCOPED_TRACE(filter);
    EXPECT_THAT(Matching(filter), IsEmpty());
  }

  // The table and the rest of the database are intact and writable.
  EXPECT_THAT(Matching(""), ElementsAre(e6_, e5_, e4_, e3_, e2_, e1_));
  EXPECT_EQ(CountKeys(), 1);
  Record(IndiaCtx(kGetPlan), "x' OR '1'='1",
         absl::NotFoundError("Plan x' OR '1'='1 does not exist."));
  EXPECT_THAT(Matching("resource = \"x' OR '1'='1\""),
              ElementsAre(absl::StrCat(kGetPlan, " x' OR '1'='1 NOT_FOUND")));
  RawDatabase raw(path_);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM audit_events"), 7);
}

// ---------------------------------------------------------------------------
// Audit events written by the stores, in the transaction of the change

TEST_F(SqliteWriteAuditTest, CreatePlanAddsOneOkEventWithCallerAndPlanName) {
  SetClock(absl::CivilSecond(2026, 3, 2, 11, 0, 0));

  CreatePlan(kIndiaSteel, IndiaSteelPlan(),
             IndiaCtx(kCreatePlan, kCreatePlanRequestId));

  std::vector<AuditEvent> events = Events();
  ASSERT_THAT(events, SizeIs(1));
  const AuditEvent& e = events[0];
  EXPECT_EQ(e.code(), "OK");
  EXPECT_EQ(e.message(), "");
  EXPECT_EQ(e.resource(), kIndiaSteel);
  EXPECT_EQ(e.method(), kCreatePlan);
  EXPECT_EQ(e.api_key(), kIndiaPartnerKey);
  EXPECT_EQ(e.role(), itp::v1::PARTNER);
  EXPECT_EQ(e.request_id(), kCreatePlanRequestId);
  EXPECT_EQ(MicrosOf(e.time()),
            Micros(absl::CivilSecond(2026, 3, 2, 11, 0, 0)));
}

TEST_F(SqliteWriteAuditTest, FailedCreatePlanAddsNoEvent) {
  CreatePlan(kIndiaSteel, IndiaSteelPlan(), IndiaCtx(kCreatePlan));
  Plan again = IndiaSteelPlan();
  again.set_name(kIndiaSteel);

  absl::StatusOr<Plan> created =
      plans().CreatePlan(IndiaCtx(kCreatePlan), again);

  ExpectError(created.status(), absl::StatusCode::kAlreadyExists,
              "PLAN_ALREADY_EXISTS");
  EXPECT_THAT(Events(), SizeIs(1));
}

TEST_F(SqliteWriteAuditTest, MutatePlanAddsOneOkEvent) {
  CreatePlan(kIndiaSteel, IndiaSteelPlan(), IndiaCtx(kCreatePlan));
  Advance(Days(3));

  absl::StatusOr<Plan> submitted = plans().MutatePlan(
      IndiaCtx(kSubmitPlan, kSubmitRequestId), kIndiaSteel,
      [](Plan& plan, int64_t now) {
        return domain::ApplyAction(plan, domain::PlanAction::kSubmit, "", now);
      });

  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->state(), Plan::SUBMITTED);
  std::vector<AuditEvent> events = Events();
  ASSERT_THAT(events, SizeIs(2));
  const AuditEvent& e = events[0];
  EXPECT_EQ(e.code(), "OK");
  EXPECT_EQ(e.resource(), kIndiaSteel);
  EXPECT_EQ(e.method(), kSubmitPlan);
  EXPECT_EQ(e.api_key(), kIndiaPartnerKey);
  EXPECT_EQ(e.role(), itp::v1::PARTNER);
  EXPECT_EQ(e.request_id(), kSubmitRequestId);
  EXPECT_EQ(MicrosOf(e.time()), kStart + absl::ToInt64Microseconds(Days(3)));
  EXPECT_EQ(events[1].method(), kCreatePlan);
}

TEST_F(SqliteWriteAuditTest, FailedMutationAddsNoEventAndChangesNothing) {
  Plan created =
      CreatePlan(kIndiaSteel, IndiaSteelPlan(), IndiaCtx(kCreatePlan));
  Advance(absl::Hours(2));
  absl::Status refused;

  absl::StatusOr<Plan> result = plans().MutatePlan(
      IndiaCtx(kApprovePlan), kIndiaSteel, [&refused](Plan& plan, int64_t now) {
        plan.set_summary("Approved without review");
        refused =
            domain::ApplyAction(plan, domain::PlanAction::kApprove, "", now);
        return refused;
      });

  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(result.status(), refused);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition)
      << result.status();
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(created));
  EXPECT_THAT(Summaries(Events()),
              ElementsAre(absl::StrCat(kCreatePlan, " ", kIndiaSteel, " OK")));
}

TEST_F(SqliteWriteAuditTest, MutatePlanOfAbsentPlanAddsNoEvent) {
  absl::StatusOr<Plan> result = plans().MutatePlan(
      IndiaCtx(kUpdatePlan), kIndiaSteel, [](Plan& plan, int64_t) {
        plan.set_summary("Hydrogen DRI at scale from 2030");
        return absl::OkStatus();
      });

  ExpectError(result.status(), absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_F(SqliteWriteAuditTest, DeletePlanAddsOneOkEvent) {
  CreatePlan(kBrazilSteel, SteelPlan("BRA", 1.9),
             Ctx(kCreatePlan, "apiKeys/b7a3019e4c2d58f1", itp::v1::PARTNER));
  Advance(Days(1));

  absl::Status deleted = plans().DeletePlan(
      Ctx(kDeletePlan, "apiKeys/b7a3019e4c2d58f1", itp::v1::PARTNER),
      kBrazilSteel, [](const Plan&) { return absl::OkStatus(); });

  ASSERT_TRUE(deleted.ok()) << deleted;
  std::vector<AuditEvent> events = Events();
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].code(), "OK");
  EXPECT_EQ(events[0].method(), kDeletePlan);
  EXPECT_EQ(events[0].resource(), kBrazilSteel);
  EXPECT_EQ(events[0].api_key(), "apiKeys/b7a3019e4c2d58f1");
  EXPECT_EQ(events[0].role(), itp::v1::PARTNER);
  EXPECT_EQ(MicrosOf(events[0].time()),
            kStart + absl::ToInt64Microseconds(Days(1)));
}

TEST_F(SqliteWriteAuditTest, RefusedDeletionAddsNoEvent) {
  Plan created = CreatePlan(kIndonesiaCement, IndonesiaCementPlan(),
                            IndiaCtx(kCreatePlan));

  absl::Status deleted = plans().DeletePlan(
      IndiaCtx(kDeletePlan), kIndonesiaCement, [](const Plan& plan) {
        return domain::CheckDeletion(plan, "0000000000000000");
      });

  EXPECT_EQ(deleted.code(), absl::StatusCode::kAborted) << deleted;
  EXPECT_THAT(GetPlan(kIndonesiaCement), EqualsProto(created));
  EXPECT_THAT(Events(), SizeIs(1));
}

TEST_F(SqliteWriteAuditTest, CreateKeyAndRevokeKeyAddOneEventEach) {
  SetClock(absl::CivilSecond(2026, 3, 1, 8, 0, 0));
  ApiKey created = CreateKey(IndiaPartnerKey(), kCreateKeyRequestId);
  std::vector<AuditEvent> events = Events();
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].code(), "OK");
  EXPECT_EQ(events[0].method(), kCreateApiKey);
  EXPECT_EQ(events[0].resource(), "apiKeys");
  EXPECT_EQ(events[0].api_key(), kAdminKey);
  EXPECT_EQ(events[0].role(), itp::v1::ADMIN);
  EXPECT_EQ(events[0].request_id(), kCreateKeyRequestId);
  EXPECT_EQ(MicrosOf(events[0].time()),
            Micros(absl::CivilSecond(2026, 3, 1, 8, 0, 0)));

  SetClock(absl::CivilSecond(2026, 3, 9, 17, 45, 0));
  Revoke(kIndiaKeyId);

  events = Events();
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].code(), "OK");
  EXPECT_EQ(events[0].method(), kRevokeApiKey);
  EXPECT_EQ(events[0].resource(), created.name());
  EXPECT_EQ(events[0].api_key(), kAdminKey);
  EXPECT_EQ(events[0].role(), itp::v1::ADMIN);
  EXPECT_EQ(events[0].request_id(), "");
  EXPECT_EQ(MicrosOf(events[0].time()),
            Micros(absl::CivilSecond(2026, 3, 9, 17, 45, 0)));
}

TEST_F(SqliteWriteAuditTest, RejectedCreateKeyAddsNoEvent) {
  CreateKey(IndiaPartnerKey());
  CreatePlan(kIndiaSteel, IndiaSteelPlan(),
             AdminCtx(kCreatePlan, kCreatePlanRequestId));
  ASSERT_THAT(Events(), SizeIs(2));

  EXPECT_EQ(
      keys()
          .CreateKey(AdminCtx(kCreateApiKey), IndiaPartnerKey(), kSalt, kHash)
          .status()
          .code(),
      absl::StatusCode::kAlreadyExists);
  ExpectInvalidField(
      keys()
          .CreateKey(AdminCtx(kCreateApiKey, kCreatePlanRequestId),
                     BrazilPartnerKey(), kSalt, kHash)
          .status(),
      "request_id");

  EXPECT_THAT(Events(), SizeIs(2));
  EXPECT_EQ(CountKeys(), 1);
}

TEST_F(SqliteWriteAuditTest, ReplayedCreateKeyIsAuditedWithoutNewKey) {
  CreateKey(IndiaPartnerKey(), kCreateKeyRequestId);
  Advance(absl::Seconds(20));

  absl::StatusOr<ApiKey> replayed =
      keys().CreateKey(AdminCtx(kCreateApiKey, kCreateKeyRequestId),
                       IndonesiaPartnerKey(), kSalt, kHash);

  ASSERT_TRUE(replayed.ok()) << replayed.status();
  std::vector<AuditEvent> events = Events();
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].code(), "OK");
  EXPECT_EQ(events[0].resource(), "apiKeys");
  EXPECT_EQ(events[0].request_id(), kCreateKeyRequestId);
  EXPECT_EQ(MicrosOf(events[0].time()),
            kStart + absl::ToInt64Microseconds(absl::Seconds(20)));
  EXPECT_EQ(CountKeys(), 1);
}

// ---------------------------------------------------------------------------
// Migrations

// The schema of version 1, verbatim from kMigrations[0] in
// server/storage/sqlite_db.cc (plans, sectors, revisions, request log).
constexpr char kVersionOneSchema[] = R"sql(
CREATE TABLE plans (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  country     TEXT    NOT NULL,
  state       INTEGER NOT NULL,
  revision    INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  etag        TEXT    NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  submit_time INTEGER NOT NULL DEFAULT 0,
  content     BLOB    NOT NULL
) STRICT;
CREATE INDEX plans_by_country ON plans(country, name);
CREATE INDEX plans_by_state ON plans(state, name);
CREATE INDEX plans_by_create_time ON plans(create_time, name);
CREATE INDEX plans_by_update_time ON plans(update_time, name);
CREATE INDEX plans_by_submit_time ON plans(submit_time, name);
CREATE TABLE plan_sectors (
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  sector  INTEGER NOT NULL,
  PRIMARY KEY (plan_id, sector)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_sectors_by_sector ON plan_sectors(sector, plan_id);
CREATE TABLE plan_revisions (
  plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  revision    INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  content     BLOB    NOT NULL,
  PRIMARY KEY (plan_id, revision)
) STRICT;
CREATE TABLE request_log (
  request_id  TEXT    PRIMARY KEY,
  method      TEXT    NOT NULL,
  resource    TEXT    NOT NULL,
  response    BLOB    NOT NULL,
  create_time INTEGER NOT NULL
) STRICT;
)sql";

// Version 2 added the key and audit tables; later versions keep them.
TEST_F(SqliteMigrationTest, NewFileHasKeyAndAuditTablesAtCurrentVersion) {
  EXPECT_GE(SqliteSchemaVersion(), 2);
  RawDatabase raw(path_);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
  std::set<std::string> tables = Tables(raw);
  EXPECT_TRUE(tables.count("api_keys")) << "api_keys missing";
  EXPECT_TRUE(tables.count("audit_events")) << "audit_events missing";
  EXPECT_TRUE(tables.count("plans")) << "plans missing";
}

TEST_F(SqliteMigrationTest,
       FromThePreviousVersionKeepsPlansAndAddsKeysAndAudit) {
  stores_ = SqliteStores();
  const std::string path = dir_.File("itp-v1.db");
  // A plan as a version-1 build stored it, with its sector row and the
  // request log entry of its creation.
  const int64_t created_at = Micros(absl::CivilSecond(2026, 2, 10, 8, 0, 0));
  Plan stored = IndiaSteelPlan();
  stored.set_name(kIndiaSteel);
  stored.set_country("IND");
  stored.set_state(Plan::DRAFT);
  stored.set_revision(0);
  *stored.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created_at);
  *stored.mutable_update_time() = stored.create_time();
  stored.set_etag("6a1f3c9e0b7d2e45");
  ASSERT_GT(stored.sectors_size(), 0);
  {
    RawDatabase raw(path);
    raw.Exec(kVersionOneSchema);
    raw.Exec("PRAGMA user_version = 1");
    raw.ExecWithBlob(
        absl::StrCat("INSERT INTO plans (id, name, country, state, revision, "
                     "version, etag, create_time, update_time, submit_time, "
                     "content) VALUES (1, '",
                     kIndiaSteel, "', 'IND', ", static_cast<int>(Plan::DRAFT),
                     ", 0, 1, '6a1f3c9e0b7d2e45', ", created_at, ", ",
                     created_at, ", 0, ?)"),
        stored.SerializeAsString());
    raw.Exec(
        absl::StrCat("INSERT INTO plan_sectors (plan_id, sector) VALUES "
                     "(1, ",
                     static_cast<int>(stored.sectors(0).sector()), ")"));
    raw.ExecWithBlob(
        absl::StrCat("INSERT INTO request_log (request_id, method, resource, "
                     "response, create_time) VALUES ('",
                     kCreatePlanRequestId, "', '", kCreatePlan, "', '",
                     kIndiaSteel, "', ?, ", created_at, ")"),
        stored.SerializeAsString());
    ASSERT_EQ(raw.QueryInt("PRAGMA user_version"), 1);
    ASSERT_FALSE(Tables(raw).count("api_keys"));
  }

  absl::StatusOr<SqliteStores> opened = OpenSqliteStores(Options(path));

  ASSERT_TRUE(opened.ok()) << opened.status();
  stores_ = *std::move(opened);
  {
    RawDatabase raw(path);
    EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
    EXPECT_GE(SqliteSchemaVersion(), 2);
    EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM plans"), 1);
    // The request id is kept; a version 1 database knows no key that sent
    // it (its audit trail came with version 2), so it replays no more.
    EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM request_ids WHERE "
                           "api_key = ''"),
              1);
  }
  // The existing plan and its sector index are kept; migration 11 gives its
  // project an id made from the name.
  Plan migrated = stored;
  migrated.mutable_projects(0)->set_project_id(
      "hydrogen-dri-demonstration-plant");
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(migrated));
  PlanListQuery query;
  query.country = domain::kAnyCountry;
  absl::StatusOr<std::optional<domain::FilterExpr>> filter =
      domain::ParsePlanFilter("sector = IRON_AND_STEEL");
  ASSERT_TRUE(filter.ok()) << filter.status();
  query.filter = *filter;
  absl::StatusOr<PlanPage> page = plans().ListPlans(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->plans, SizeIs(1));
  EXPECT_EQ(page->plans[0].name(), kIndiaSteel);
  EXPECT_EQ(plans()
                .CreatePlan(IndiaCtx(kCreatePlan, kCreatePlanRequestId), stored)
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);

  // The new tables work: keys, and audit events written with plan changes.
  ApiKey key = CreateKey(IndiaPartnerKey());
  EXPECT_EQ(key.state(), ApiKey::ACTIVE);
  EXPECT_EQ(GetKey(kIndiaKeyId).hash, kHash);
  EXPECT_EQ(CountKeys(), 1);
  Advance(Days(1));
  absl::StatusOr<Plan> submitted = plans().MutatePlan(
      IndiaCtx(kSubmitPlan), kIndiaSteel, [](Plan& plan, int64_t now) {
        return domain::ApplyAction(plan, domain::PlanAction::kSubmit, "", now);
      });
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->revision(), 1);
  // Newest first: the submission and the key.
  EXPECT_THAT(Summaries(Events()),
              ElementsAre(absl::StrCat(kSubmitPlan, " ", kIndiaSteel, " OK"),
                          absl::StrCat(kCreateApiKey, " apiKeys OK")));

  // Opening the migrated file again changes nothing.
  stores_ = SqliteStores();
  opened = OpenSqliteStores(Options(path));
  ASSERT_TRUE(opened.ok()) << opened.status();
  stores_ = *std::move(opened);
  EXPECT_EQ(CountKeys(), 1);
  EXPECT_THAT(Events(), SizeIs(2));
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(*submitted));
}

TEST_F(SqliteMigrationTest, EmptyVersionOneDatabaseIsMigrated) {
  stores_ = SqliteStores();
  const std::string path = dir_.File("empty-v1.db");
  {
    RawDatabase raw(path);
    raw.Exec(kVersionOneSchema);
    raw.Exec("PRAGMA user_version = 1");
  }

  absl::StatusOr<SqliteStores> opened = OpenSqliteStores(Options(path));

  ASSERT_TRUE(opened.ok()) << opened.status();
  stores_ = *std::move(opened);
  RawDatabase raw(path);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
  EXPECT_EQ(CountKeys(), 0);
  EXPECT_THAT(ListKeys(true), IsEmpty());
  EXPECT_THAT(Events(), IsEmpty());
  ASSERT_TRUE(audit()
                  .Record(IndiaCtx(kGetPlan), kIndiaSteel,
                          absl::NotFoundError("Plan does not exist."))
                  .ok());
  EXPECT_THAT(
      Summaries(Events("code = NOT_FOUND")),
      ElementsAre(absl::StrCat(kGetPlan, " ", kIndiaSteel, " NOT_FOUND")));
}

}  // namespace
}  // namespace itp::storage
