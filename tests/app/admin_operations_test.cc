// AdminOperations: revocation that takes effect at the key's next call, the
// audit trail of unauthenticated and denied calls, and CreateApiKey retries.
#include "server/app/admin_operations.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "server/domain/errors.h"
#include "tests/testing/app_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::app {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::testing::ViolatedFields;
using itp::v1::ApiKey;
using itp::v1::AuditEvent;
using itp::v1::Plan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kGetPlan[] = "/itp.v1.PlanService/GetPlan";
constexpr char kListAuditEvents[] = "/itp.v1.AdminService/ListAuditEvents";
constexpr char kRevokeApiKey[] = "/itp.v1.AdminService/RevokeApiKey";

class AdminOperationsTest : public ::itp::testing::AppTest {
 protected:
  AdminOperations& admin() { return harness_.app().admin(); }

  absl::StatusOr<itp::v1::ListPlansResponse> ListIndia(const Caller& caller) {
    itp::v1::ListPlansRequest request;
    request.set_parent("countries/IND");
    return harness_.app().plans().ListPlans(caller, request);
  }

  absl::StatusOr<ApiKey> Revoke(const Caller& caller, const std::string& name) {
    itp::v1::RevokeApiKeyRequest request;
    request.set_name(name);
    return admin().RevokeApiKey(caller, request);
  }

  // Every audit event matching `filter`, newest first, read by the admin.
  std::vector<AuditEvent> Audit(const std::string& filter) {
    itp::v1::ListAuditEventsRequest request;
    request.set_filter(filter);
    request.set_page_size(1000);
    auto events = admin().ListAuditEvents(harness_.admin().caller, request);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return {};
    EXPECT_EQ(events->next_page_token(), "");
    return {events->audit_events().begin(), events->audit_events().end()};
  }

  std::vector<ApiKey> Keys(bool show_inactive) {
    itp::v1::ListApiKeysRequest request;
    request.set_page_size(1000);
    request.set_show_inactive(show_inactive);
    auto keys = admin().ListApiKeys(harness_.admin().caller, request);
    EXPECT_TRUE(keys.ok()) << keys.status();
    if (!keys.ok()) return {};
    return {keys->api_keys().begin(), keys->api_keys().end()};
  }

  static const ApiKey* Find(const std::vector<ApiKey>& keys,
                            const std::string& name) {
    for (const ApiKey& k : keys) {
      if (k.name() == name) return &k;
    }
    return nullptr;
  }
};

// ---------------------------------------------------------------------------
// RevokeApiKey
// ---------------------------------------------------------------------------

TEST_F(AdminOperationsTest, RevokedKeyFailsAtItsNextCallThoughItWasCached) {
  const std::string bearer = absl::StrCat("Bearer ", india_.secret);
  // Used once: the authenticator remembers the verified key.
  ASSERT_TRUE(ListIndia(india_.caller).ok());
  auto cached = harness_.app().authenticator().AuthenticateCached(bearer);
  ASSERT_TRUE(cached.has_value()) << "the key should be remembered";
  ASSERT_TRUE(cached->ok()) << cached->status();

  auto revoked = Revoke(harness_.admin().caller, india_.name);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->name(), india_.name);
  EXPECT_EQ(revoked->state(), ApiKey::REVOKED);
  EXPECT_TRUE(revoked->has_revoke_time());
  EXPECT_FALSE(harness_.app().authenticator().AuthenticateCached(bearer))
      << "a revoked key must be forgotten, not answered from the cache";

  // The very next call, as the serving layer would authenticate it.
  Caller next = harness_.CallerWith(india_.secret);
  ASSERT_FALSE(next.principal.ok());
  EXPECT_EQ(next.principal.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(domain::ErrorReasonOf(next.principal.status()), "UNAUTHENTICATED");
  EXPECT_THAT(std::string(next.principal.status().message()),
              HasSubstr(absl::StrCat(india_.name, " has been revoked")));
  EXPECT_EQ(ListIndia(next).status().code(),
            absl::StatusCode::kUnauthenticated);
  // And every call after it.
  EXPECT_EQ(harness_.CallerWith(india_.secret).principal.status().code(),
            absl::StatusCode::kUnauthenticated);

  // Other keys are not affected.
  EXPECT_TRUE(harness_.CallerWith(brazil_.secret).principal.ok());
}

TEST_F(AdminOperationsTest, RevokedKeyIsListedOnlyWithInactiveKeys) {
  ASSERT_TRUE(Revoke(harness_.admin().caller, india_.name).ok());
  EXPECT_EQ(Find(Keys(/*show_inactive=*/false), india_.name), nullptr);
  std::vector<ApiKey> all = Keys(/*show_inactive=*/true);
  const ApiKey* listed = Find(all, india_.name);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->state(), ApiKey::REVOKED);
  EXPECT_EQ(listed->display_name(), "Ministry of Steel, India - plan upload");
  EXPECT_NE(Find(all, brazil_.name), nullptr);
}

TEST_F(AdminOperationsTest, OnlyAdminsRevokeKeys) {
  auto denied = Revoke(brazil_.caller, india_.name);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain::ErrorReasonOf(denied.status()), "PERMISSION_DENIED");
  EXPECT_TRUE(harness_.CallerWith(india_.secret).principal.ok());

  auto unknown = Revoke(harness_.admin().caller, "apiKeys/3f9c2a1b7d4e8f60");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(unknown.status()), "API_KEY_NOT_FOUND");

  auto malformed = Revoke(harness_.admin().caller, "apiKeys/ministry-of-steel");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(malformed.status()), ElementsAre("name"));
}

// ---------------------------------------------------------------------------
// The audit trail of refused calls
// ---------------------------------------------------------------------------

// Calls without a valid key are counted, one row per client and minute
// (written when the minute ends; here by a flush), naming neither resource
// nor request id: a client with no key cannot grow the trail.
TEST_F(AdminOperationsTest, UnauthenticatedCallsAreCountedPerClient) {
  auto no_key = Get(harness_.NoKey(), kIndiaSteel);
  EXPECT_EQ(no_key.status().code(), absl::StatusCode::kUnauthenticated);
  auto bad_key = harness_.app().plans().CreatePlan(
      harness_.CallerWith("itp_0123456789abcdef_not-the-secret"),
      ::itp::testing::IndiaSteelCreateRequest());
  EXPECT_EQ(bad_key.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Audit("code = UNAUTHENTICATED"), IsEmpty()) << "not yet written";
  ASSERT_TRUE(harness_.app().keyless_audit().Flush(true).ok());

  std::vector<AuditEvent> events = Audit("code = UNAUTHENTICATED");
  ASSERT_EQ(events.size(), 1u);
  const AuditEvent& e = events[0];
  EXPECT_EQ(e.count(), 2);
  EXPECT_EQ(e.peer(), ::itp::testing::AppHarness::kPeer);
  EXPECT_EQ(e.method(), "*") << "two methods were called";
  EXPECT_EQ(e.resource(), "");
  EXPECT_EQ(e.request_id(), "");
  EXPECT_EQ(e.api_key(), "") << "nobody was authenticated";
  EXPECT_EQ(e.role(), itp::v1::ROLE_UNSPECIFIED);
  // The first call's message.
  EXPECT_THAT(e.message(), HasSubstr("no authorization metadata"));
  EXPECT_THAT(e.name(), StartsWith("auditEvents/"));
  EXPECT_TRUE(e.has_time());
  // Nothing was created by the refused CreatePlan.
  EXPECT_EQ(Get(india_.caller, kIndiaSteel).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AdminOperationsTest, CallOfARevokedKeyIsAuditedAsUnauthenticated) {
  ASSERT_TRUE(Revoke(harness_.admin().caller, india_.name).ok());
  EXPECT_EQ(ListIndia(harness_.CallerWith(india_.secret)).status().code(),
            absl::StatusCode::kUnauthenticated);
  ASSERT_TRUE(harness_.app().keyless_audit().Flush(true).ok());
  std::vector<AuditEvent> events = Audit("code = UNAUTHENTICATED");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method(), "/itp.v1.PlanService/ListPlans");
  EXPECT_EQ(events[0].count(), 1);
  EXPECT_THAT(events[0].message(), HasSubstr("has been revoked"));

  // The revocation itself is in the trail, as the admin's success.
  std::vector<AuditEvent> revocations =
      Audit(absl::StrCat("method = \"", kRevokeApiKey, "\""));
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].code(), "OK");
  EXPECT_EQ(revocations[0].resource(), india_.name);
  EXPECT_EQ(revocations[0].api_key(), harness_.admin().name);
}

TEST_F(AdminOperationsTest, DeniedCallsAreAuditedWithTheCallersKey) {
  harness_.MakePlan("IND", "steel-2070", Plan::DRAFT);
  // Brazil's ministry reading an Indian draft, then the audit trail.
  auto read = Get(brazil_.caller, kIndiaSteel);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied);
  itp::v1::ListAuditEventsRequest list;
  auto audit = admin().ListAuditEvents(brazil_.caller, list);
  EXPECT_EQ(audit.status().code(), absl::StatusCode::kPermissionDenied);

  std::vector<AuditEvent> events = Audit("code = PERMISSION_DENIED");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].method(), kListAuditEvents);
  EXPECT_EQ(events[0].resource(), "auditEvents");
  EXPECT_EQ(events[1].method(), kGetPlan);
  EXPECT_EQ(events[1].resource(), kIndiaSteel);
  for (const AuditEvent& e : events) {
    EXPECT_EQ(e.code(), "PERMISSION_DENIED");
    EXPECT_EQ(e.api_key(), brazil_.name);
    EXPECT_EQ(e.role(), itp::v1::PARTNER);
    EXPECT_THAT(e.message(), Not(IsEmpty()));
  }

  // The same events, filtered by key and code.
  std::vector<AuditEvent> by_key = Audit(
      absl::StrCat("code = PERMISSION_DENIED AND api_key = \"", brazil_.name,
                   "\" AND resource = \"", kIndiaSteel, "\""));
  ASSERT_EQ(by_key.size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(by_key[0], events[1]));
}

TEST_F(AdminOperationsTest, AuditTrailIsForAdminsOnlyAndFiltersAreChecked) {
  itp::v1::ListAuditEventsRequest request;
  request.set_filter("code = PERMISSION_DENIED");
  EXPECT_EQ(admin().ListAuditEvents(india_.caller, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(admin().ListAuditEvents(harness_.NoKey(), request).status().code(),
            absl::StatusCode::kUnauthenticated);

  request.set_filter("severity = HIGH");
  auto bad = admin().ListAuditEvents(harness_.admin().caller, request);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(bad.status()), ElementsAre("filter"));
}

// ---------------------------------------------------------------------------
// CreateApiKey
// ---------------------------------------------------------------------------

TEST_F(AdminOperationsTest, CreateRetriedWithTheSameRequestIdReturnsFirstKey) {
  itp::v1::CreateApiKeyRequest request;
  request.mutable_api_key()->set_display_name("LeadIT secretariat, Stockholm");
  request.mutable_api_key()->set_role(itp::v1::REVIEWER);
  request.set_request_id("7c0e3f52-9a1b-4d6e-8f21-3b5a9c7d2e40");

  auto first = admin().CreateApiKey(harness_.admin().caller, request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->secret(), StartsWith("itp_"));
  EXPECT_THAT(first->api_key().name(), StartsWith("apiKeys/"));
  EXPECT_EQ(first->api_key().state(), ApiKey::ACTIVE);
  EXPECT_EQ(first->api_key().role(), itp::v1::REVIEWER);

  auto retried = admin().CreateApiKey(harness_.admin().caller, request);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->secret(), "") << "a secret is shown once only";
  EXPECT_TRUE(MessageDifferencer::Equals(retried->api_key(), first->api_key()))
      << retried->api_key().DebugString();

  // One key was made, and the first secret is its secret.
  int named = 0;
  for (const ApiKey& k : Keys(/*show_inactive=*/true)) {
    if (k.display_name() == "LeadIT secretariat, Stockholm") ++named;
  }
  EXPECT_EQ(named, 1);
  Caller reviewer = harness_.CallerWith(first->secret());
  ASSERT_TRUE(reviewer.principal.ok()) << reviewer.principal.status();
  EXPECT_EQ(reviewer.principal->ApiKeyName(), first->api_key().name());
  EXPECT_EQ(reviewer.principal->role, itp::v1::REVIEWER);
}

// Request ids are each key's own: the admin's UUID is a new id for India;
// the same key reusing an id for another request learns nothing of the
// first; an upper-case copy of the UUID is the same id.
TEST_F(AdminOperationsTest, RequestIdsAreEachKeysOwnAndCaseInsensitive) {
  itp::v1::CreateApiKeyRequest key;
  key.mutable_api_key()->set_display_name(
      "Ministry of Industry, Republic of Indonesia");
  key.mutable_api_key()->set_role(itp::v1::PARTNER);
  key.mutable_api_key()->add_countries("IDN");
  key.set_request_id("0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10");
  ASSERT_TRUE(admin().CreateApiKey(harness_.admin().caller, key).ok());

  // The India plan request carries the same UUID: another key, a new id.
  auto plan = CreateIndiaSteel();
  ASSERT_TRUE(plan.ok()) << plan.status();

  // The admin reusing its id for another key: refused, naming nothing.
  itp::v1::CreateApiKeyRequest other = key;
  other.mutable_api_key()->set_display_name("Ministry of Mines, Indonesia");
  auto reused = admin().CreateApiKey(harness_.admin().caller, other);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(reused.status()), ElementsAre("request_id"));
  EXPECT_THAT(std::string(reused.status().message()),
              Not(HasSubstr("apiKeys/")));

  // A retry in upper case is the same request: the first answer again.
  itp::v1::CreateApiKeyRequest retry = key;
  retry.set_request_id("0B6F2A8E-4C1D-4E3A-9A57-2F1D5C8E7B10");
  auto replayed = admin().CreateApiKey(harness_.admin().caller, retry);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->api_key().display_name(),
            "Ministry of Industry, Republic of Indonesia");
}

TEST_F(AdminOperationsTest, OnlyAdminsCreateKeysAndInvalidKeysAreRefused) {
  itp::v1::CreateApiKeyRequest request;
  request.mutable_api_key()->set_display_name("Self-issued reviewer key");
  request.mutable_api_key()->set_role(itp::v1::REVIEWER);
  auto denied = admin().CreateApiKey(india_.caller, request);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);

  // A partner key needs its countries.
  itp::v1::CreateApiKeyRequest partner;
  partner.mutable_api_key()->set_display_name(
      "Department of Trade, Industry and Competition, South Africa");
  partner.mutable_api_key()->set_role(itp::v1::PARTNER);
  auto invalid = admin().CreateApiKey(harness_.admin().caller, partner);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<std::string> fields = ViolatedFields(invalid.status());
  ASSERT_GE(fields.size(), 1u);
  EXPECT_THAT(fields[0], StartsWith("api_key."));
}

}  // namespace
}  // namespace itp::app

// ---------------------------------------------------------------------------
// GetApiKey, GetAuditEvent
// ---------------------------------------------------------------------------

namespace itp::app {
namespace {

class AdminGetTest : public AdminOperationsTest {
 protected:
  absl::StatusOr<ApiKey> GetKey(const Caller& caller, const std::string& name) {
    itp::v1::GetApiKeyRequest request;
    request.set_name(name);
    return admin().GetApiKey(caller, request);
  }

  absl::StatusOr<AuditEvent> GetEvent(const Caller& caller,
                                      const std::string& name) {
    itp::v1::GetAuditEventRequest request;
    request.set_name(name);
    return admin().GetAuditEvent(caller, request);
  }
};

TEST_F(AdminGetTest, GetApiKeyReturnsWhatTheListShowsRevokedKeysToo) {
  auto india = GetKey(harness_.admin().caller, india_.name);
  ASSERT_TRUE(india.ok()) << india.status();
  const std::vector<ApiKey> active = Keys(false);
  const ApiKey* listed = Find(active, india_.name);
  ASSERT_NE(listed, nullptr);
  EXPECT_TRUE(MessageDifferencer::Equals(*india, *listed))
      << india->DebugString();
  EXPECT_EQ(india->role(), itp::v1::PARTNER);
  EXPECT_THAT(india->countries(), ElementsAre("IND"));
  EXPECT_EQ(india->state(), ApiKey::ACTIVE);

  // A revoked key is gone from the default list but still readable.
  ASSERT_TRUE(Revoke(harness_.admin().caller, brazil_.name).ok());
  EXPECT_EQ(Find(Keys(false), brazil_.name), nullptr);
  auto brazil = GetKey(harness_.admin().caller, brazil_.name);
  ASSERT_TRUE(brazil.ok()) << brazil.status();
  EXPECT_EQ(brazil->state(), ApiKey::REVOKED);
  EXPECT_TRUE(brazil->has_revoke_time());
}

TEST_F(AdminGetTest, GetApiKeyErrorsNameTheKeyOrTheField) {
  auto missing = GetKey(harness_.admin().caller, "apiKeys/00000000deadbeef");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(missing.status()), "API_KEY_NOT_FOUND");
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("apiKeys/00000000deadbeef does not exist"));

  auto malformed = GetKey(harness_.admin().caller, "keys/3f9c2a1b7d4e8f60");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(malformed.status()), ElementsAre("name"));

  // Keys are the admins' alone, and a partner learns nothing of them.
  auto partner = GetKey(india_.caller, brazil_.name);
  EXPECT_EQ(partner.status().code(), absl::StatusCode::kPermissionDenied);
  const Key reviewer_key = harness_.CreateReviewer();
  auto reviewer = GetKey(reviewer_key.caller, "apiKeys/00000000deadbeef");
  EXPECT_EQ(reviewer.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AdminGetTest, GetAuditEventReturnsTheListedEvent) {
  harness_.MakePlan("IND", "steel-2070", Plan::DRAFT);
  auto denied = Get(brazil_.caller, kIndiaSteel);
  ASSERT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  std::vector<AuditEvent> events = Audit("code = PERMISSION_DENIED");
  ASSERT_EQ(events.size(), 1u);
  ASSERT_THAT(events[0].name(), StartsWith("auditEvents/"));

  auto event = GetEvent(harness_.admin().caller, events[0].name());
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*event, events[0]))
      << event->DebugString();
  EXPECT_EQ(event->resource(), kIndiaSteel);
  EXPECT_EQ(event->api_key(), brazil_.name);
  EXPECT_EQ(event->code(), "PERMISSION_DENIED");
}

TEST_F(AdminGetTest, GetAuditEventErrorsNameTheEventOrTheField) {
  auto missing = GetEvent(harness_.admin().caller, "auditEvents/999999999");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(missing.status()), "AUDIT_EVENT_NOT_FOUND");
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("auditEvents/999999999 does not exist"));
  for (const char* name :
       {"auditEvents/0", "auditEvents/-3", "auditEvents/12x", "auditEvents/",
        "apiKeys/3f9c2a1b7d4e8f60", "x/auditEvents/12"}) {
    auto malformed = GetEvent(harness_.admin().caller, name);
    EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument)
        << name;
    EXPECT_THAT(ViolatedFields(malformed.status()), ElementsAre("name"))
        << name;
  }
  auto partner = GetEvent(india_.caller, "auditEvents/1");
  EXPECT_EQ(partner.status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace itp::app
