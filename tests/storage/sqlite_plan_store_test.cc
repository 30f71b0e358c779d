// Tests of the SQLite PlanStore against real database files in a temporary
// directory, with an injected clock.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_query.h"
#include "server/domain/resource_names.h"
#include "server/storage/plan_store.h"
#include "server/storage/sqlite.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

// The write context of a test call: `method` and `request_id` as given.
WriteContext Ctx(absl::string_view method, absl::string_view request_id) {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.request_id = std::string(request_id);
  ctx.api_key = "apiKeys/0123456789abcdef";
  ctx.role = itp::v1::PARTNER;
  return ctx;
}

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::domain::PlanAction;
using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::testing::RawDatabase;
using ::itp::testing::SteelPlan;
using ::itp::testing::TempDir;
using ::itp::v1::Plan;
using ::itp::v1::PlanRevision;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kSouthAfricaIndustry[] = "countries/ZAF/plans/industry-2050";
constexpr char kVietnamSteel[] = "countries/VNM/plans/steel-2050";
constexpr char kSwedenSteel[] = "countries/SWE/plans/steel-2045";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2060";

// Request ids as partner systems send them (UUIDs).
constexpr char kCreateRequestId[] = "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10";
constexpr char kSubmitRequestId[] = "5d0c7a4e-1f2b-4c3d-8e9f-a0b1c2d3e4f5";

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

// Debian's Abseil has no absl::Days.
absl::Duration Days(int n) { return absl::Hours(24 * n); }

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// 2026-03-01T00:00:00Z, where every test's clock starts.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 0, 0, 0));

MATCHER_P(EqualsProto, expected,
          std::string(negation ? "differs from " : "equals ") +
              expected.ShortDebugString()) {
  return MessageDifferencer::Equals(arg, expected);
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

PlanMutation Do(PlanAction action) {
  return [action](Plan& plan, int64_t now) {
    return domain::ApplyAction(plan, action, "", now);
  };
}

PlanMutation SetSummary(std::string summary) {
  return [summary = std::move(summary)](Plan& plan, int64_t) {
    Plan patch;
    patch.set_summary(summary);
    google::protobuf::FieldMask mask;
    mask.add_paths("summary");
    return domain::ApplyUpdate(plan, patch, mask);
  };
}

class SqlitePlanStoreTest : public ::testing::Test {
 protected:
  SqlitePlanStoreTest() : path_(dir_.File("itp.db")) {}

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<PlanStore>> store =
        OpenSqlitePlanStore(Options(path_));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  SqliteOptions Options(const std::string& path, int pool_size = 4) {
    SqliteOptions options;
    options.path = path;
    options.pool_size = pool_size;
    // Generous, so that a slow machine does not turn lock waits into
    // UNAVAILABLE in the concurrency tests.
    options.busy_timeout_ms = 60000;
    options.now_unix_micros = [this] { return now_.load(); };
    return options;
  }

  // Closes the store and opens the same file again.
  void Reopen() {
    store_.reset();
    SetUp();
  }

  int64_t Now() const { return now_.load(); }
  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }
  void SetClock(absl::CivilSecond t) { now_ = Micros(t); }

  Plan Create(const std::string& name, Plan plan,
              const std::string& request_id = "") {
    plan.set_name(name);
    absl::StatusOr<Plan> created =
        store_->CreatePlan(Ctx("CreatePlan", request_id), plan);
    EXPECT_TRUE(created.ok()) << name << ": " << created.status();
    return created.value_or(Plan());
  }

  Plan Mutate(const std::string& name, const std::string& method,
              const PlanMutation& mutation,
              const std::string& request_id = "") {
    absl::StatusOr<Plan> plan =
        store_->MutatePlan(Ctx(method, request_id), name, mutation);
    EXPECT_TRUE(plan.ok()) << name << " " << method << ": " << plan.status();
    return plan.value_or(Plan());
  }

  Plan Get(const std::string& name) {
    absl::StatusOr<Plan> plan = store_->GetPlan(name);
    EXPECT_TRUE(plan.ok()) << name << ": " << plan.status();
    return plan.value_or(Plan());
  }

  Plan Submit(const std::string& name) {
    return Mutate(name, "SubmitPlan", Do(PlanAction::kSubmit));
  }

  // Takes a submitted plan through a review that asks for changes.
  void SendBack(const std::string& name) {
    Mutate(name, "StartPlanReview", Do(PlanAction::kStartReview));
    Mutate(name, "RequestPlanChanges", Do(PlanAction::kRequestChanges));
  }

  // All names matching `query`, following next cursors with `page_size`;
  // checks total_size on every page against `expected_total`.
  std::vector<std::string> ListAllNames(PlanListQuery query, int page_size,
                                        int64_t expected_total) {
    std::vector<std::string> names;
    query.page_size = page_size;
    query.after.reset();
    for (int pages = 0; pages < 1000; ++pages) {
      absl::StatusOr<PlanPage> page = store_->ListPlans(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_EQ(page->total_size, expected_total);
      EXPECT_LE(static_cast<int>(page->plans.size()), page_size);
      for (const Plan& plan : page->plans) names.push_back(plan.name());
      if (!page->next) break;
      EXPECT_EQ(static_cast<int>(page->plans.size()), page_size);
      query.after = page->next;
    }
    return names;
  }

  // The names of the plans in `country` matching `filter`, in `order_by`
  // order, from a single page; checks total_size.
  std::vector<std::string> ListNames(
      const std::string& filter,
      const std::string& country = domain::kAnyCountry,
      const std::string& order_by = "") {
    PlanListQuery query;
    query.country = country;
    absl::StatusOr<std::optional<domain::FilterExpr>> parsed =
        domain::ParsePlanFilter(filter);
    EXPECT_TRUE(parsed.ok()) << filter << ": " << parsed.status();
    if (parsed.ok()) query.filter = *parsed;
    absl::StatusOr<domain::PlanOrder> order = domain::ParsePlanOrder(order_by);
    EXPECT_TRUE(order.ok()) << order_by << ": " << order.status();
    if (order.ok()) query.order = *order;
    query.page_size = domain::kMaxPageSize;
    absl::StatusOr<PlanPage> page = store_->ListPlans(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> names;
    if (!page.ok()) return names;
    for (const Plan& plan : page->plans) names.push_back(plan.name());
    EXPECT_EQ(page->total_size, static_cast<int64_t>(names.size()));
    EXPECT_FALSE(page->next.has_value());
    return names;
  }

  // Five plans whose states, sectors and times differ, created and changed
  // one day apart from 2026-03-01:
  //   IND steel-2070     SUBMITTED rev 1  created 03-01, updated/submitted
  //                      03-06; IRON_AND_STEEL
  //   IDN cement-2060    DRAFT     rev 0  created 03-02, updated 03-11; CEMENT
  //   ZAF industry-2050  DRAFT     rev 0  created 03-03, updated 03-03;
  //                      IRON_AND_STEEL and CEMENT
  //   VNM steel-2050     SUBMITTED rev 2  created 03-04, updated/submitted
  //                      03-10; IRON_AND_STEEL
  //   SWE steel-2045     DRAFT     rev 0  created 03-05, updated 03-05;
  //                      IRON_AND_STEEL
  void CreateFivePlans() {
    SetClock(absl::CivilSecond(2026, 3, 1, 0, 0, 0));
    Create(kIndiaSteel, IndiaSteelPlan());
    SetClock(absl::CivilSecond(2026, 3, 2, 0, 0, 0));
    Create(kIndonesiaCement, IndonesiaCementPlan());
    SetClock(absl::CivilSecond(2026, 3, 3, 0, 0, 0));
    Plan south_africa = SteelPlan("ZAF", 2.3);
    south_africa.set_display_name("South Africa heavy industry plan");
    *south_africa.add_sectors() = IndonesiaCementPlan().sectors(0);
    Create(kSouthAfricaIndustry, south_africa);
    SetClock(absl::CivilSecond(2026, 3, 4, 0, 0, 0));
    Create(kVietnamSteel, SteelPlan("VNM", 2.1));
    SetClock(absl::CivilSecond(2026, 3, 5, 0, 0, 0));
    Create(kSwedenSteel, SteelPlan("SWE", 0.9));
    SetClock(absl::CivilSecond(2026, 3, 6, 0, 0, 0));
    Submit(kIndiaSteel);
    SetClock(absl::CivilSecond(2026, 3, 7, 0, 0, 0));
    Submit(kVietnamSteel);
    SetClock(absl::CivilSecond(2026, 3, 8, 0, 0, 0));
    Mutate(kVietnamSteel, "StartPlanReview", Do(PlanAction::kStartReview));
    SetClock(absl::CivilSecond(2026, 3, 9, 0, 0, 0));
    Mutate(kVietnamSteel, "RequestPlanChanges",
           Do(PlanAction::kRequestChanges));
    SetClock(absl::CivilSecond(2026, 3, 10, 0, 0, 0));
    Submit(kVietnamSteel);
    SetClock(absl::CivilSecond(2026, 3, 11, 0, 0, 0));
    Mutate(kIndonesiaCement, "UpdatePlan",
           SetSummary("Clinker ratio to 0.65 by 2035 and calcined clay"));
  }

  TempDir dir_;
  const std::string path_;
  std::atomic<int64_t> now_{kStart};
  std::unique_ptr<PlanStore> store_;
};

// ---------------------------------------------------------------------------
// CreatePlan and GetPlan

TEST_F(SqlitePlanStoreTest, CreatePlanStoresDraftWithClockTimesAndEtag) {
  Plan input = IndiaSteelPlan();
  input.set_name(kIndiaSteel);

  absl::StatusOr<Plan> created =
      store_->CreatePlan(Ctx("CreatePlan", ""), input);

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), kIndiaSteel);
  EXPECT_EQ(created->state(), Plan::DRAFT);
  EXPECT_EQ(created->revision(), 0);
  EXPECT_EQ(created->country(), "IND");
  EXPECT_EQ(MicrosOf(created->create_time()), kStart);
  EXPECT_EQ(MicrosOf(created->update_time()), kStart);
  EXPECT_FALSE(created->has_submit_time());
  EXPECT_FALSE(created->etag().empty());
  // The content is stored as given.
  Plan expected = input;
  expected.set_state(Plan::DRAFT);
  expected.set_country("IND");
  *expected.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(kStart);
  *expected.mutable_update_time() = expected.create_time();
  expected.set_etag(created->etag());
  EXPECT_THAT(*created, EqualsProto(expected));
}

TEST_F(SqlitePlanStoreTest, CountPlansGroupsByStateAndCountry) {
  absl::StatusOr<std::vector<PlanCount>> none = store_->CountPlans();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(*none, IsEmpty());

  Create(kIndiaSteel, itp::testing::SteelPlan("IND", 2.54));
  Create("countries/IND/plans/cement-2070",
         itp::testing::SteelPlan("IND", 0.63));
  Create(kIndonesiaCement, itp::testing::SteelPlan("IDN", 0.62));
  Create(kSwedenSteel, itp::testing::SteelPlan("SWE", 1.4));
  Create(kBrazilSteel, itp::testing::SteelPlan("BRA", 1.8));
  Submit(kIndiaSteel);
  Submit(kSwedenSteel);
  Submit(kBrazilSteel);

  absl::StatusOr<std::vector<PlanCount>> counts = store_->CountPlans();
  ASSERT_TRUE(counts.ok()) << counts.status();
  std::vector<std::string> rows;
  for (const PlanCount& count : *counts) {
    rows.push_back(absl::StrCat(Plan::State_Name(count.state), " ",
                                count.country, " ", count.plans));
  }
  EXPECT_THAT(rows, ElementsAre("DRAFT IDN 1", "DRAFT IND 1", "SUBMITTED BRA 1",
                                "SUBMITTED IND 1", "SUBMITTED SWE 1"));
}

TEST_F(SqlitePlanStoreTest, GetPlanReturnsThePlanAsCreated) {
  Plan created = Create(kIndonesiaCement, IndonesiaCementPlan());

  absl::StatusOr<Plan> got = store_->GetPlan(kIndonesiaCement);

  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, EqualsProto(created));
  EXPECT_EQ(got->sectors(0).points(0).technology_shares(0).share_percent(), 78);
}

TEST_F(SqlitePlanStoreTest, CreatePlanOverridesClientSuppliedOutputFields) {
  Plan input = IndiaSteelPlan();
  input.set_state(Plan::APPROVED);
  input.set_revision(4);
  input.set_country("BRA");
  input.set_etag("stale-etag");
  *input.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(kStart - 1);
  *input.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(1);

  Plan created = Create(kIndiaSteel, input);

  EXPECT_EQ(created.state(), Plan::DRAFT);
  EXPECT_EQ(created.revision(), 0);
  EXPECT_EQ(created.country(), "IND");
  EXPECT_NE(created.etag(), "stale-etag");
  EXPECT_FALSE(created.has_submit_time());
  EXPECT_EQ(MicrosOf(created.create_time()), kStart);
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(created));
}

TEST_F(SqlitePlanStoreTest, GetPlanOfAbsentNameIsNotFound) {
  Create(kIndiaSteel, IndiaSteelPlan());

  absl::StatusOr<Plan> got = store_->GetPlan("countries/IND/plans/cement-2070");

  ExpectError(got.status(), absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  // The same plan id in another country is another plan.
  ExpectError(store_->GetPlan("countries/IDN/plans/steel-2070").status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
}

TEST_F(SqlitePlanStoreTest, CreatePlanWithTakenNameIsAlreadyExists) {
  Plan first = Create(kIndiaSteel, IndiaSteelPlan(), kCreateRequestId);
  Advance(absl::Minutes(5));
  Plan second = SteelPlan("IND", 2.4);
  second.set_name(kIndiaSteel);

  ExpectError(store_->CreatePlan(Ctx("CreatePlan", ""), second).status(),
              absl::StatusCode::kAlreadyExists, "PLAN_ALREADY_EXISTS");
  ExpectError(
      store_
          ->CreatePlan(
              Ctx("CreatePlan", "9e3b1c2d-7a6f-4e5d-8c9b-0a1b2c3d4e5f"), second)
          .status(),
      absl::StatusCode::kAlreadyExists, "PLAN_ALREADY_EXISTS");

  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(first));
}

TEST_F(SqlitePlanStoreTest, CreatePlanWithMalformedNameIsInvalidArgument) {
  Plan plan = SteelPlan("IND", 2.5);
  plan.set_name("countries/XYZ/plans/steel-2070");

  ExpectInvalidField(store_->CreatePlan(Ctx("CreatePlan", ""), plan).status(),
                     "name");
  ExpectError(store_->GetPlan("countries/XYZ/plans/steel-2070").status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
}

// ---------------------------------------------------------------------------
// Retry safety (request_id)

TEST_F(SqlitePlanStoreTest, CreatePlanRetriedWithSameRequestIdReturnsFirst) {
  Plan first = Create(kIndiaSteel, IndiaSteelPlan(), kCreateRequestId);
  Advance(absl::Seconds(30));

  Plan input = IndiaSteelPlan();
  input.set_name(kIndiaSteel);
  absl::StatusOr<Plan> retried =
      store_->CreatePlan(Ctx("CreatePlan", kCreateRequestId), input);

  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_THAT(*retried, EqualsProto(first));
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(first));
  EXPECT_THAT(ListNames(""), ElementsAre(kIndiaSteel));
}

TEST_F(SqlitePlanStoreTest, CreatePlanReplayReturnsFirstResponseAfterChanges) {
  Plan first = Create(kIndiaSteel, IndiaSteelPlan(), kCreateRequestId);
  Advance(absl::Hours(2));
  Plan updated =
      Mutate(kIndiaSteel, "UpdatePlan",
             SetSummary("Crude steel to net zero by 2070 with green hydrogen"));
  Advance(absl::Hours(1));

  Plan input = IndiaSteelPlan();
  input.set_name(kIndiaSteel);
  absl::StatusOr<Plan> retried =
      store_->CreatePlan(Ctx("CreatePlan", kCreateRequestId), input);

  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_THAT(*retried, EqualsProto(first));
  // The replay changed nothing: the plan keeps its update.
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(updated));
}

TEST_F(SqlitePlanStoreTest, RequestIdReusedForAnotherPlanIsInvalidArgument) {
  Create(kIndiaSteel, IndiaSteelPlan(), kCreateRequestId);

  Plan other = IndonesiaCementPlan();
  other.set_name(kIndonesiaCement);
  absl::Status status =
      store_->CreatePlan(Ctx("CreatePlan", kCreateRequestId), other).status();

  ExpectInvalidField(status, "request_id");
  ExpectError(store_->GetPlan(kIndonesiaCement).status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
}

TEST_F(SqlitePlanStoreTest, SubmitRetriedWithSameRequestIdDoesNotSubmitTwice) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Advance(Days(1));
  int calls = 0;
  PlanMutation submit = [&calls](Plan& plan, int64_t now) {
    ++calls;
    return domain::ApplyAction(plan, PlanAction::kSubmit, "", now);
  };
  Plan first = Mutate(kIndiaSteel, "SubmitPlan", submit, kSubmitRequestId);
  ASSERT_EQ(first.revision(), 1);
  Advance(absl::Minutes(1));

  absl::StatusOr<Plan> retried = store_->MutatePlan(
      Ctx("SubmitPlan", kSubmitRequestId), kIndiaSteel, submit);

  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_THAT(*retried, EqualsProto(first));
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(first));
  absl::StatusOr<RevisionPage> revisions =
      store_->ListPlanRevisions(kIndiaSteel, 10, std::nullopt);
  ASSERT_TRUE(revisions.ok()) << revisions.status();
  ASSERT_EQ(revisions->revisions.size(), 1u);
  EXPECT_EQ(revisions->revisions[0].revision(), 1);
}

TEST_F(SqlitePlanStoreTest, SubmitReplayReturnsFirstResponseAfterReview) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Plan first = Mutate(kIndiaSteel, "SubmitPlan", Do(PlanAction::kSubmit),
                      kSubmitRequestId);
  Advance(Days(1));
  Plan in_review =
      Mutate(kIndiaSteel, "StartPlanReview", Do(PlanAction::kStartReview));

  absl::StatusOr<Plan> retried =
      store_->MutatePlan(Ctx("SubmitPlan", kSubmitRequestId), kIndiaSteel,
                         Do(PlanAction::kSubmit));

  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_THAT(*retried, EqualsProto(first));
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(in_review));
}

TEST_F(SqlitePlanStoreTest, MutateRequestIdReusedElsewhereIsInvalidArgument) {
  Create(kIndiaSteel, IndiaSteelPlan(), kCreateRequestId);
  Create(kVietnamSteel, SteelPlan("VNM", 2.1));
  Plan submitted = Mutate(kIndiaSteel, "SubmitPlan", Do(PlanAction::kSubmit),
                          kSubmitRequestId);
  Plan vietnam = Get(kVietnamSteel);

  // The same id for the same method on another plan.
  ExpectInvalidField(store_
                         ->MutatePlan(Ctx("SubmitPlan", kSubmitRequestId),
                                      kVietnamSteel, Do(PlanAction::kSubmit))
                         .status(),
                     "request_id");
  // The same id for another method on the same plan.
  ExpectInvalidField(store_
                         ->MutatePlan(Ctx("WithdrawPlan", kSubmitRequestId),
                                      kIndiaSteel, Do(PlanAction::kWithdraw))
                         .status(),
                     "request_id");
  // The id of the CreatePlan call.
  ExpectInvalidField(store_
                         ->MutatePlan(Ctx("StartPlanReview", kCreateRequestId),
                                      kIndiaSteel, Do(PlanAction::kStartReview))
                         .status(),
                     "request_id");

  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(submitted));
  EXPECT_THAT(Get(kVietnamSteel), EqualsProto(vietnam));
}

TEST_F(SqlitePlanStoreTest, FailedMutationDoesNotConsumeItsRequestId) {
  Create(kIndiaSteel, IndiaSteelPlan());
  PlanMutation fail = [](Plan&, int64_t) {
    return absl::UnavailableError("The review service is unreachable.");
  };
  EXPECT_EQ(
      store_->MutatePlan(Ctx("SubmitPlan", kSubmitRequestId), kIndiaSteel, fail)
          .status()
          .code(),
      absl::StatusCode::kUnavailable);

  Plan submitted = Mutate(kIndiaSteel, "SubmitPlan", Do(PlanAction::kSubmit),
                          kSubmitRequestId);

  EXPECT_EQ(submitted.state(), Plan::SUBMITTED);
  EXPECT_EQ(submitted.revision(), 1);
}

// ---------------------------------------------------------------------------
// MutatePlan

TEST_F(SqlitePlanStoreTest, EveryWriteChangesEtagAndAdvancesUpdateTime) {
  Plan created = Create(kIndiaSteel, IndiaSteelPlan());
  std::set<std::string> etags = {created.etag()};
  int64_t last_update = MicrosOf(created.update_time());

  for (int i = 1; i <= 5; ++i) {
    Advance(absl::Minutes(i));
    Plan updated =
        Mutate(kIndiaSteel, "UpdatePlan",
               SetSummary(absl::StrCat("Draft ", i, " of the steel roadmap")));
    EXPECT_TRUE(etags.insert(updated.etag()).second)
        << "etag repeated: " << updated.etag();
    EXPECT_EQ(MicrosOf(updated.update_time()), Now());
    EXPECT_GT(MicrosOf(updated.update_time()), last_update);
    EXPECT_EQ(MicrosOf(updated.create_time()), kStart);
    last_update = MicrosOf(updated.update_time());
    EXPECT_THAT(Get(kIndiaSteel), EqualsProto(updated));
  }
  EXPECT_EQ(Get(kIndiaSteel).summary(), "Draft 5 of the steel roadmap");
}

TEST_F(SqlitePlanStoreTest, MutationReceivesTheStoreClock) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Advance(absl::Hours(3));
  int64_t seen = 0;

  Mutate(kIndiaSteel, "UpdatePlan", [&seen](Plan&, int64_t now) {
    seen = now;
    return absl::OkStatus();
  });

  EXPECT_EQ(seen, kStart + absl::ToInt64Microseconds(absl::Hours(3)));
}

TEST_F(SqlitePlanStoreTest, FailedMutationLeavesStoredPlanUnchanged) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Plan before = Get(kIndiaSteel);
  std::string before_bytes;
  ASSERT_TRUE(before.SerializeToString(&before_bytes));
  Advance(absl::Hours(1));

  absl::StatusOr<Plan> result = store_->MutatePlan(
      Ctx("UpdatePlan", ""), kIndiaSteel,
      [](Plan& plan, int64_t now) -> absl::Status {
        // Change everything the store indexes, then fail.
        plan.set_summary("Half-applied change");
        plan.clear_sectors();
        plan.set_state(Plan::APPROVED);
        plan.set_revision(7);
        *plan.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(now);
        return domain::ErrorWithInfo(absl::StatusCode::kFailedPrecondition,
                                     "Sector pathways are missing.",
                                     "PLAN_INCOMPLETE", plan.name());
      });

  ExpectError(result.status(), absl::StatusCode::kFailedPrecondition,
              "PLAN_INCOMPLETE");
  EXPECT_EQ(result.status().message(), "Sector pathways are missing.");
  Plan after = Get(kIndiaSteel);
  std::string after_bytes;
  ASSERT_TRUE(after.SerializeToString(&after_bytes));
  EXPECT_EQ(after_bytes, before_bytes);
  // The indexed columns are unchanged too.
  EXPECT_THAT(ListNames("sector = IRON_AND_STEEL"), ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListNames("state = DRAFT AND revision = 0"),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListNames("state = APPROVED"), IsEmpty());
  ExpectError(store_->GetPlanRevision(kIndiaSteel, 7).status(),
              absl::StatusCode::kNotFound, "REVISION_NOT_FOUND");
}

TEST_F(SqlitePlanStoreTest, DomainErrorOfMutationIsReturnedAsIs) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Plan before = Get(kIndiaSteel);

  // A DRAFT cannot be approved.
  absl::Status status = store_
                            ->MutatePlan(Ctx("ApprovePlan", ""), kIndiaSteel,
                                         Do(PlanAction::kApprove))
                            .status();

  ExpectError(status, absl::StatusCode::kFailedPrecondition,
              "INVALID_PLAN_STATE");
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(before));
}

TEST_F(SqlitePlanStoreTest, MutatePlanOfAbsentPlanIsNotFound) {
  bool called = false;
  absl::StatusOr<Plan> result = store_->MutatePlan(
      Ctx("UpdatePlan", ""), kBrazilSteel, [&called](Plan&, int64_t) {
        called = true;
        return absl::OkStatus();
      });

  ExpectError(result.status(), absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  EXPECT_FALSE(called);
}

TEST_F(SqlitePlanStoreTest, SubmitFreezesRevisionOne) {
  Plan created = Create(kIndiaSteel, IndiaSteelPlan());
  SetClock(absl::CivilSecond(2026, 3, 2, 9, 30, 0));

  Plan submitted = Submit(kIndiaSteel);

  EXPECT_EQ(submitted.state(), Plan::SUBMITTED);
  EXPECT_EQ(submitted.revision(), 1);
  EXPECT_EQ(MicrosOf(submitted.submit_time()), Now());
  EXPECT_EQ(MicrosOf(submitted.update_time()), Now());
  EXPECT_NE(submitted.etag(), created.etag());

  absl::StatusOr<PlanRevision> revision =
      store_->GetPlanRevision(kIndiaSteel, 1);
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(revision->name(), "countries/IND/plans/steel-2070/revisions/1");
  EXPECT_EQ(revision->revision(), 1);
  EXPECT_EQ(MicrosOf(revision->create_time()), Now());
  EXPECT_THAT(revision->plan(), EqualsProto(submitted));

  absl::StatusOr<RevisionPage> list =
      store_->ListPlanRevisions(kIndiaSteel, 10, std::nullopt);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->revisions.size(), 1u);
  EXPECT_THAT(list->revisions[0], EqualsProto(*revision));
  EXPECT_FALSE(list->next.has_value());
}

TEST_F(SqlitePlanStoreTest, SecondSubmissionFreezesRevisionTwoAndKeepsOne) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Advance(Days(1));
  Plan first = Submit(kIndiaSteel);
  Advance(Days(1));
  // The reviewers send the plan back (as ReviewPlan would).
  Plan sent_back =
      Mutate(kIndiaSteel, "RequestPlanChanges", [](Plan& plan, int64_t) {
        plan.set_state(Plan::CHANGES_REQUESTED);
        return absl::OkStatus();
      });
  EXPECT_EQ(sent_back.revision(), 1);
  Advance(Days(1));
  Plan patch;
  patch.set_summary("Crude steel towards net zero by 2070; scrap-based EAF");
  patch.add_projects()->set_name("Scrap EAF expansion, Odisha");
  google::protobuf::FieldMask mask;
  mask.add_paths("summary");
  mask.add_paths("projects");
  Mutate(kIndiaSteel, "UpdatePlan", [&](Plan& plan, int64_t) {
    return domain::ApplyUpdate(plan, patch, mask);
  });
  Advance(Days(1));
  const int64_t second_submit = Now();

  Plan second = Submit(kIndiaSteel);

  EXPECT_EQ(second.state(), Plan::SUBMITTED);
  EXPECT_EQ(second.revision(), 2);
  EXPECT_EQ(MicrosOf(second.submit_time()), second_submit);
  absl::StatusOr<PlanRevision> one = store_->GetPlanRevision(kIndiaSteel, 1);
  absl::StatusOr<PlanRevision> two = store_->GetPlanRevision(kIndiaSteel, 2);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_THAT(one->plan(), EqualsProto(first));
  EXPECT_EQ(one->plan().summary(), "Crude steel towards net zero by 2070");
  EXPECT_EQ(one->plan().projects_size(), 1);
  EXPECT_THAT(two->plan(), EqualsProto(second));
  EXPECT_EQ(two->plan().summary(),
            "Crude steel towards net zero by 2070; scrap-based EAF");
  ASSERT_EQ(two->plan().projects_size(), 1);
  EXPECT_EQ(two->plan().projects(0).name(), "Scrap EAF expansion, Odisha");
  EXPECT_EQ(two->name(), "countries/IND/plans/steel-2070/revisions/2");
  EXPECT_EQ(MicrosOf(two->create_time()), second_submit);
}

TEST_F(SqlitePlanStoreTest, AbsentRevisionIsRevisionNotFound) {
  Create(kIndiaSteel, IndiaSteelPlan());

  ExpectError(store_->GetPlanRevision(kIndiaSteel, 1).status(),
              absl::StatusCode::kNotFound, "REVISION_NOT_FOUND");
  Submit(kIndiaSteel);
  ExpectError(store_->GetPlanRevision(kIndiaSteel, 2).status(),
              absl::StatusCode::kNotFound, "REVISION_NOT_FOUND");
  ExpectError(store_->GetPlanRevision(kIndiaSteel, 0).status(),
              absl::StatusCode::kNotFound, "REVISION_NOT_FOUND");
  EXPECT_TRUE(store_->GetPlanRevision(kIndiaSteel, 1).ok());
}

TEST_F(SqlitePlanStoreTest, RevisionOfAbsentPlanIsPlanNotFound) {
  ExpectError(store_->GetPlanRevision(kBrazilSteel, 1).status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  ExpectError(
      store_->ListPlanRevisions(kBrazilSteel, 10, std::nullopt).status(),
      absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
}

TEST_F(SqlitePlanStoreTest, DraftHasNoRevisions) {
  Create(kIndiaSteel, IndiaSteelPlan());

  absl::StatusOr<RevisionPage> page =
      store_->ListPlanRevisions(kIndiaSteel, 10, std::nullopt);

  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->revisions, IsEmpty());
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(SqlitePlanStoreTest, ListPlanRevisionsPagesNewestFirstWithBefore) {
  Create(kBrazilSteel, SteelPlan("BRA", 1.9));
  for (int revision = 1; revision <= 5; ++revision) {
    if (revision > 1) {
      SendBack(kBrazilSteel);
      Mutate(
          kBrazilSteel, "UpdatePlan",
          SetSummary(absl::StrCat("Charcoal-based iron, version ", revision)));
    }
    Advance(Days(7));
    ASSERT_EQ(Submit(kBrazilSteel).revision(), revision);
  }

  std::vector<int> seen;
  std::optional<int64_t> before;
  std::vector<size_t> page_sizes;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<RevisionPage> page =
        store_->ListPlanRevisions(kBrazilSteel, 2, before);
    ASSERT_TRUE(page.ok()) << page.status();
    page_sizes.push_back(page->revisions.size());
    for (const PlanRevision& r : page->revisions) {
      seen.push_back(r.revision());
      EXPECT_EQ(r.name(),
                absl::StrCat(kBrazilSteel, "/revisions/", r.revision()));
      EXPECT_EQ(r.plan().revision(), r.revision());
      EXPECT_EQ(
          r.plan().summary(),
          r.revision() == 1
              ? ""
              : absl::StrCat("Charcoal-based iron, version ", r.revision()));
    }
    if (!page->next) break;
    EXPECT_EQ(page->next->key, page->revisions.back().revision());
    before = page->next->key;
  }

  EXPECT_THAT(seen, ElementsAre(5, 4, 3, 2, 1));
  EXPECT_THAT(page_sizes, ElementsAre(2u, 2u, 1u));

  absl::StatusOr<RevisionPage> older =
      store_->ListPlanRevisions(kBrazilSteel, 10, std::optional<int64_t>(4));
  ASSERT_TRUE(older.ok()) << older.status();
  std::vector<int> older_numbers;
  for (const PlanRevision& r : older->revisions) {
    older_numbers.push_back(r.revision());
  }
  EXPECT_THAT(older_numbers, ElementsAre(3, 2, 1));
  EXPECT_FALSE(older->next.has_value());
}

// ---------------------------------------------------------------------------
// DeletePlan

TEST_F(SqlitePlanStoreTest, DeletePlanCheckErrorAbortsDeletion) {
  Plan created = Create(kIndiaSteel, IndiaSteelPlan());

  absl::Status status = store_->DeletePlan(
      Ctx("DeletePlan", ""), kIndiaSteel, [](const Plan& plan) {
        return domain::CheckDeletion(plan, "0123456789abcdef");
      });

  ExpectError(status, absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(created));
}

TEST_F(SqlitePlanStoreTest, DeletePlanOfSubmittedPlanRefusedByCheck) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Plan submitted = Submit(kIndiaSteel);

  absl::Status status = store_->DeletePlan(
      Ctx("DeletePlan", ""), kIndiaSteel,
      [](const Plan& plan) { return domain::CheckDeletion(plan, ""); });

  ExpectError(status, absl::StatusCode::kFailedPrecondition,
              "INVALID_PLAN_STATE");
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(submitted));
  EXPECT_TRUE(store_->GetPlanRevision(kIndiaSteel, 1).ok());
}

TEST_F(SqlitePlanStoreTest, DeletePlanChecksTheStoredPlan) {
  Plan created = Create(kIndiaSteel, IndiaSteelPlan());
  Plan checked;

  absl::Status status = store_->DeletePlan(
      Ctx("DeletePlan", ""), kIndiaSteel, [&checked](const Plan& plan) {
        checked = plan;
        return domain::CheckDeletion(plan, plan.etag());
      });

  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(checked, EqualsProto(created));
}

TEST_F(SqlitePlanStoreTest, DeletePlanRemovesPlanAndRevisions) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Create(kIndonesiaCement, IndonesiaCementPlan());
  Submit(kIndiaSteel);
  SendBack(kIndiaSteel);
  Submit(kIndiaSteel);

  absl::Status status =
      store_->DeletePlan(Ctx("DeletePlan", ""), kIndiaSteel,
                         [](const Plan&) { return absl::OkStatus(); });

  ASSERT_TRUE(status.ok()) << status;
  ExpectError(store_->GetPlan(kIndiaSteel).status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  ExpectError(store_->GetPlanRevision(kIndiaSteel, 1).status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  ExpectError(store_->ListPlanRevisions(kIndiaSteel, 10, std::nullopt).status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  EXPECT_THAT(ListNames(""), ElementsAre(kIndonesiaCement));
  EXPECT_THAT(ListNames("sector = IRON_AND_STEEL"), IsEmpty());
  // The raw tables hold nothing of the deleted plan.
  RawDatabase raw(path_);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM plan_revisions"), 0);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM plan_sectors"), 1);
}

TEST_F(SqlitePlanStoreTest, DeletePlanOfAbsentPlanIsNotFound) {
  bool checked = false;

  absl::Status status = store_->DeletePlan(Ctx("DeletePlan", ""), kBrazilSteel,
                                           [&checked](const Plan&) {
                                             checked = true;
                                             return absl::OkStatus();
                                           });

  ExpectError(status, absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  EXPECT_FALSE(checked);
}

TEST_F(SqlitePlanStoreTest, DeletedNameCanBeCreatedAgainAsNewPlan) {
  Create(kIndiaSteel, IndiaSteelPlan());
  Submit(kIndiaSteel);
  ASSERT_TRUE(store_
                  ->DeletePlan(Ctx("DeletePlan", ""), kIndiaSteel,
                               [](const Plan&) { return absl::OkStatus(); })
                  .ok());
  Advance(Days(30));

  Plan again = Create(kIndiaSteel, SteelPlan("IND", 2.5));

  EXPECT_EQ(again.state(), Plan::DRAFT);
  EXPECT_EQ(again.revision(), 0);
  EXPECT_EQ(again.display_name(), "IND crude steel pathway");
  EXPECT_EQ(MicrosOf(again.create_time()), Now());
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(again));
  // No revision of the deleted plan shows through.
  absl::StatusOr<RevisionPage> revisions =
      store_->ListPlanRevisions(kIndiaSteel, 10, std::nullopt);
  ASSERT_TRUE(revisions.ok()) << revisions.status();
  EXPECT_THAT(revisions->revisions, IsEmpty());
  ExpectError(store_->GetPlanRevision(kIndiaSteel, 1).status(),
              absl::StatusCode::kNotFound, "REVISION_NOT_FOUND");
}

// ---------------------------------------------------------------------------
// ListPlans: scoping and filters

TEST_F(SqlitePlanStoreTest, ListPlansIsScopedToTheCountry) {
  CreateFivePlans();
  Create("countries/IND/plans/cement-2070", IndonesiaCementPlan());

  EXPECT_THAT(ListNames("", "IND"),
              ElementsAre("countries/IND/plans/cement-2070", kIndiaSteel));
  EXPECT_THAT(ListNames("", "IDN"), ElementsAre(kIndonesiaCement));
  EXPECT_THAT(ListNames("", "BRA"), IsEmpty());
  EXPECT_THAT(ListNames("", domain::kAnyCountry),
              ElementsAre(kIndonesiaCement, "countries/IND/plans/cement-2070",
                          kIndiaSteel, kSwedenSteel, kVietnamSteel,
                          kSouthAfricaIndustry));
}

TEST_F(SqlitePlanStoreTest, ListPlansOfEmptyStoreIsEmpty) {
  PlanListQuery query;
  query.country = domain::kAnyCountry;

  absl::StatusOr<PlanPage> page = store_->ListPlans(query);

  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->plans, IsEmpty());
  EXPECT_EQ(page->total_size, 0);
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(SqlitePlanStoreTest, ListPlansReturnsPlansAsStored) {
  CreateFivePlans();
  PlanListQuery query;
  query.country = "VNM";

  absl::StatusOr<PlanPage> page = store_->ListPlans(query);

  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->plans.size(), 1u);
  EXPECT_THAT(page->plans[0], EqualsProto(Get(kVietnamSteel)));
}

struct FilterCase {
  std::string filter;
  std::vector<std::string> names;
};

TEST_F(SqlitePlanStoreTest, ListPlansAppliesFilters) {
  CreateFivePlans();
  const std::vector<FilterCase> cases = {
      {"state = DRAFT", {kIndonesiaCement, kSwedenSteel, kSouthAfricaIndustry}},
      {"state = SUBMITTED", {kIndiaSteel, kVietnamSteel}},
      {"state != DRAFT", {kIndiaSteel, kVietnamSteel}},
      {"state = APPROVED", {}},
      {"sector = CEMENT", {kIndonesiaCement, kSouthAfricaIndustry}},
      {"sector != CEMENT", {kIndiaSteel, kSwedenSteel, kVietnamSteel}},
      {"sector = IRON_AND_STEEL",
       {kIndiaSteel, kSwedenSteel, kVietnamSteel, kSouthAfricaIndustry}},
      {"sector = IRON_AND_STEEL AND sector = CEMENT", {kSouthAfricaIndustry}},
      {"sector = ALUMINIUM", {}},
      {"country = IND", {kIndiaSteel}},
      {"country != IND",
       {kIndonesiaCement, kSwedenSteel, kVietnamSteel, kSouthAfricaIndustry}},
      {"revision = 2", {kVietnamSteel}},
      {"revision >= 1", {kIndiaSteel, kVietnamSteel}},
      {"revision < 1", {kIndonesiaCement, kSwedenSteel, kSouthAfricaIndustry}},
      {"update_time > \"2026-03-06T00:00:00Z\"",
       {kIndonesiaCement, kVietnamSteel}},
      {"update_time >= \"2026-03-06T00:00:00Z\"",
       {kIndonesiaCement, kIndiaSteel, kVietnamSteel}},
      {"update_time < \"2026-03-05T00:00:00Z\"", {kSouthAfricaIndustry}},
      {"update_time <= \"2026-03-05T00:00:00Z\"",
       {kSwedenSteel, kSouthAfricaIndustry}},
      {"update_time = \"2026-03-10T00:00:00Z\"", {kVietnamSteel}},
      {"create_time >= \"2026-03-03T00:00:00Z\" AND "
       "create_time < \"2026-03-05T00:00:00Z\"",
       {kVietnamSteel, kSouthAfricaIndustry}},
      {"submit_time > \"2026-03-07T00:00:00Z\"", {kVietnamSteel}},
      {"submit_time = \"1970-01-01T00:00:00Z\"",
       {kIndonesiaCement, kSwedenSteel, kSouthAfricaIndustry}},
      {"NOT state = DRAFT", {kIndiaSteel, kVietnamSteel}},
      {"-sector = CEMENT", {kIndiaSteel, kSwedenSteel, kVietnamSteel}},
      {"NOT sector != CEMENT", {kIndonesiaCement, kSouthAfricaIndustry}},
      {"NOT (country = IND OR country = VNM)",
       {kIndonesiaCement, kSwedenSteel, kSouthAfricaIndustry}},
      {"country = IND OR country = IDN", {kIndonesiaCement, kIndiaSteel}},
      {"state = SUBMITTED OR sector = CEMENT",
       {kIndonesiaCement, kIndiaSteel, kVietnamSteel, kSouthAfricaIndustry}},
      {"(country = IND OR country = VNM) AND revision >= 2", {kVietnamSteel}},
      // Juxtaposed terms are joined by AND.
      {"sector = IRON_AND_STEEL state = DRAFT",
       {kSwedenSteel, kSouthAfricaIndustry}},
      // OR binds tighter than AND.
      {"state = DRAFT AND country = ZAF OR country = IDN",
       {kIndonesiaCement, kSouthAfricaIndustry}},
  };
  for (const FilterCase& c : cases) {
    SCOPED_TRACE(c.filter);
    EXPECT_THAT(ListNames(c.filter), ElementsAreArray(c.names));
  }
}

TEST_F(SqlitePlanStoreTest, ListPlansCombinesCountryAndFilter) {
  CreateFivePlans();

  EXPECT_THAT(ListNames("sector = CEMENT", "IND"), IsEmpty());
  EXPECT_THAT(ListNames("sector = CEMENT", "ZAF"),
              ElementsAre(kSouthAfricaIndustry));
  EXPECT_THAT(ListNames("state = SUBMITTED OR sector = CEMENT", "VNM"),
              ElementsAre(kVietnamSteel));
  // The filter's country and the scope disagree: nothing matches.
  EXPECT_THAT(ListNames("country = IDN", "IND"), IsEmpty());
}

TEST_F(SqlitePlanStoreTest, SectorFilterFollowsContentChanges) {
  Create(kIndiaSteel, IndiaSteelPlan());
  ASSERT_THAT(ListNames("sector = CEMENT"), IsEmpty());

  Mutate(kIndiaSteel, "UpdatePlan", [](Plan& plan, int64_t) {
    *plan.add_sectors() = IndonesiaCementPlan().sectors(0);
    return absl::OkStatus();
  });
  EXPECT_THAT(ListNames("sector = CEMENT"), ElementsAre(kIndiaSteel));

  Mutate(kIndiaSteel, "UpdatePlan", [](Plan& plan, int64_t) {
    plan.mutable_sectors()->DeleteSubrange(0, 1);  // drop steel
    return absl::OkStatus();
  });
  EXPECT_THAT(ListNames("sector = CEMENT"), ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListNames("sector = IRON_AND_STEEL"), IsEmpty());
}

// ---------------------------------------------------------------------------
// ListPlans: ordering and paging

struct OrderCase {
  std::string order_by;
  std::vector<std::string> names;
};

TEST_F(SqlitePlanStoreTest, ListPlansOrdersByEachFieldBothWays) {
  CreateFivePlans();
  const std::vector<OrderCase> cases = {
      {"",
       {kIndonesiaCement, kIndiaSteel, kSwedenSteel, kVietnamSteel,
        kSouthAfricaIndustry}},
      {"name",
       {kIndonesiaCement, kIndiaSteel, kSwedenSteel, kVietnamSteel,
        kSouthAfricaIndustry}},
      {"name desc",
       {kSouthAfricaIndustry, kVietnamSteel, kSwedenSteel, kIndiaSteel,
        kIndonesiaCement}},
      {"create_time",
       {kIndiaSteel, kIndonesiaCement, kSouthAfricaIndustry, kVietnamSteel,
        kSwedenSteel}},
      {"create_time desc",
       {kSwedenSteel, kVietnamSteel, kSouthAfricaIndustry, kIndonesiaCement,
        kIndiaSteel}},
      {"update_time",
       {kSouthAfricaIndustry, kSwedenSteel, kIndiaSteel, kVietnamSteel,
        kIndonesiaCement}},
      {"update_time desc",
       {kIndonesiaCement, kVietnamSteel, kIndiaSteel, kSwedenSteel,
        kSouthAfricaIndustry}},
      // The three drafts tie on submit_time 0 and are ordered by name, in
      // the direction of the sort.
      {"submit_time",
       {kIndonesiaCement, kSwedenSteel, kSouthAfricaIndustry, kIndiaSteel,
        kVietnamSteel}},
      {"submit_time desc",
       {kVietnamSteel, kIndiaSteel, kSouthAfricaIndustry, kSwedenSteel,
        kIndonesiaCement}},
  };
  for (const OrderCase& c : cases) {
    SCOPED_TRACE(c.order_by);
    EXPECT_THAT(ListNames("", domain::kAnyCountry, c.order_by),
                ElementsAreArray(c.names));
    // Pages of two give the same sequence.
    PlanListQuery query;
    query.country = domain::kAnyCountry;
    absl::StatusOr<domain::PlanOrder> order =
        domain::ParsePlanOrder(c.order_by);
    ASSERT_TRUE(order.ok()) << order.status();
    query.order = *order;
    EXPECT_THAT(ListAllNames(query, 2, 5), ElementsAreArray(c.names));
  }
}

TEST_F(SqlitePlanStoreTest, EqualSortKeysArePagedInNameOrder) {
  // Eight plans created at the same instant, then four at a later one.
  const std::vector<std::string> countries = {"SWE", "IND", "ZAF", "BRA",
                                              "IDN", "VNM", "DEU", "CHL"};
  std::vector<std::string> first_batch;
  for (const std::string& country : countries) {
    std::string name = absl::StrCat("countries/", country, "/plans/steel-2050");
    Create(name, SteelPlan(country, 2.0));
    first_batch.push_back(name);
  }
  Advance(absl::Seconds(1));
  std::vector<std::string> second_batch;
  for (const char* country : {"IND", "BRA", "VNM", "ZAF"}) {
    std::string name =
        absl::StrCat("countries/", country, "/plans/cement-2050");
    Create(name, IndonesiaCementPlan());
    second_batch.push_back(name);
  }
  std::sort(first_batch.begin(), first_batch.end());
  std::sort(second_batch.begin(), second_batch.end());
  std::vector<std::string> ascending = first_batch;
  ascending.insert(ascending.end(), second_batch.begin(), second_batch.end());
  std::vector<std::string> descending(ascending.rbegin(), ascending.rend());

  PlanListQuery query;
  query.country = domain::kAnyCountry;
  query.order.field = domain::PlanOrder::Field::kCreateTime;
  for (int page_size : {1, 3, 5, 12, 13}) {
    SCOPED_TRACE(page_size);
    query.order.descending = false;
    EXPECT_THAT(ListAllNames(query, page_size, 12),
                ElementsAreArray(ascending));
    query.order.descending = true;
    EXPECT_THAT(ListAllNames(query, page_size, 12),
                ElementsAreArray(descending));
  }
}

TEST_F(SqlitePlanStoreTest, KeysetPagingReturnsEveryPlanOnceInOrder) {
  const std::vector<std::string> countries = {"IND", "IDN", "BRA",
                                              "VNM", "ZAF", "SWE"};
  struct Row {
    int64_t create_time;
    std::string name;
  };
  std::vector<Row> rows;
  for (int i = 0; i < 237; ++i) {
    // Three plans per minute, so that create times tie.
    if (i % 3 == 0) Advance(absl::Minutes(1));
    const std::string& country = countries[i % countries.size()];
    std::string name =
        absl::StrFormat("countries/%s/plans/steel-%03d", country, i);
    Create(name, SteelPlan(country, 1.0 + i / 100.0));
    rows.push_back({Now(), name});
  }

  PlanListQuery query;
  query.country = domain::kAnyCountry;

  std::vector<std::string> by_name;
  for (const Row& r : rows) by_name.push_back(r.name);
  std::sort(by_name.begin(), by_name.end());
  std::vector<std::string> names = ListAllNames(query, 10, 237);
  EXPECT_EQ(names.size(), 237u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 237u);
  EXPECT_EQ(names, by_name);

  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(b.create_time, b.name) < std::tie(a.create_time, a.name);
  });
  std::vector<std::string> newest_first;
  for (const Row& r : rows) newest_first.push_back(r.name);
  query.order.field = domain::PlanOrder::Field::kCreateTime;
  query.order.descending = true;
  EXPECT_EQ(ListAllNames(query, 10, 237), newest_first);

  // Paging within one country.
  query.country = "BRA";
  query.order = domain::PlanOrder();
  std::vector<std::string> brazil = ListAllNames(query, 10, 40);
  ASSERT_EQ(brazil.size(), 40u);
  EXPECT_EQ(brazil.front(), "countries/BRA/plans/steel-002");
  EXPECT_EQ(brazil.back(), "countries/BRA/plans/steel-236");
}

TEST_F(SqlitePlanStoreTest, PageSizeBoundsEachPageAndLastPageHasNoNext) {
  for (int i = 0; i < 25; ++i) {
    Create(absl::StrFormat("countries/ZAF/plans/cement-%02d", i),
           IndonesiaCementPlan());
  }
  PlanListQuery query;
  query.country = "ZAF";
  query.page_size = 10;
  std::vector<size_t> sizes;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<PlanPage> page = store_->ListPlans(query);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size, 25);
    sizes.push_back(page->plans.size());
    if (!page->next) break;
    EXPECT_EQ(page->next->name, page->plans.back().name());
    query.after = page->next;
  }
  EXPECT_THAT(sizes, ElementsAre(10u, 10u, 5u));

  // A page that ends exactly at the last plan has no next cursor.
  query.after.reset();
  query.page_size = 25;
  absl::StatusOr<PlanPage> all = store_->ListPlans(query);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->plans.size(), 25u);
  EXPECT_FALSE(all->next.has_value());
}

TEST_F(SqlitePlanStoreTest, PlanInsertedBeforeCursorDoesNotRepeatPlans) {
  std::vector<std::string> originals;
  for (int i = 100; i < 130; ++i) {
    originals.push_back(absl::StrCat("countries/IND/plans/steel-", i));
    Create(originals.back(), SteelPlan("IND", 2.5));
  }
  PlanListQuery query;
  query.country = "IND";
  query.page_size = 10;

  std::vector<std::string> seen;
  absl::StatusOr<PlanPage> page = store_->ListPlans(query);
  ASSERT_TRUE(page.ok()) << page.status();
  for (const Plan& p : page->plans) seen.push_back(p.name());
  ASSERT_TRUE(page->next.has_value());
  ASSERT_EQ(page->next->name, "countries/IND/plans/steel-109");

  // One plan sorts before the cursor, one after it.
  Create("countries/IND/plans/steel-105-b", SteelPlan("IND", 2.4));
  Create("countries/IND/plans/steel-125-b", SteelPlan("IND", 2.4));

  query.after = page->next;
  while (true) {
    page = store_->ListPlans(query);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size, 32);
    for (const Plan& p : page->plans) seen.push_back(p.name());
    if (!page->next) break;
    query.after = page->next;
  }

  std::vector<std::string> expected = originals;
  expected.push_back("countries/IND/plans/steel-125-b");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST_F(SqlitePlanStoreTest, NewestFirstPagingIgnoresPlanCreatedMeanwhile) {
  std::vector<std::string> originals;
  for (int i = 0; i < 25; ++i) {
    Advance(absl::Minutes(1));
    originals.push_back(absl::StrFormat("countries/VNM/plans/steel-%02d", i));
    Create(originals.back(), SteelPlan("VNM", 2.1));
  }
  std::reverse(originals.begin(), originals.end());
  PlanListQuery query;
  query.country = domain::kAnyCountry;
  query.order.field = domain::PlanOrder::Field::kUpdateTime;
  query.order.descending = true;
  query.page_size = 10;

  std::vector<std::string> seen;
  absl::StatusOr<PlanPage> page = store_->ListPlans(query);
  ASSERT_TRUE(page.ok()) << page.status();
  for (const Plan& p : page->plans) seen.push_back(p.name());
  ASSERT_TRUE(page->next.has_value());

  // The newest plan of all sorts before the cursor.
  Advance(absl::Minutes(1));
  Create(kVietnamSteel, SteelPlan("VNM", 2.0));

  query.after = page->next;
  while (true) {
    page = store_->ListPlans(query);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size, 26);
    for (const Plan& p : page->plans) seen.push_back(p.name());
    if (!page->next) break;
    query.after = page->next;
  }

  EXPECT_EQ(seen, originals);
}

// ---------------------------------------------------------------------------
// Persistence, schema and the database file

TEST_F(SqlitePlanStoreTest, EverythingSurvivesCloseAndReopen) {
  CreateFivePlans();
  Create(kBrazilSteel, SteelPlan("BRA", 1.9), kCreateRequestId);
  std::vector<Plan> before;
  for (const std::string& name : ListNames("")) before.push_back(Get(name));
  absl::StatusOr<PlanRevision> vietnam_two =
      store_->GetPlanRevision(kVietnamSteel, 2);
  ASSERT_TRUE(vietnam_two.ok()) << vietnam_two.status();

  Reopen();

  std::vector<std::string> names = ListNames("");
  ASSERT_EQ(names.size(), before.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_THAT(Get(names[i]), EqualsProto(before[i]));
  }
  absl::StatusOr<PlanRevision> reread =
      store_->GetPlanRevision(kVietnamSteel, 2);
  ASSERT_TRUE(reread.ok()) << reread.status();
  EXPECT_THAT(*reread, EqualsProto(*vietnam_two));
  EXPECT_THAT(ListNames("sector = CEMENT"),
              ElementsAre(kIndonesiaCement, kSouthAfricaIndustry));
  // The request log survives too: the retry is still recognised.
  Plan retry = SteelPlan("BRA", 1.9);
  retry.set_name(kBrazilSteel);
  absl::StatusOr<Plan> replayed =
      store_->CreatePlan(Ctx("CreatePlan", kCreateRequestId), retry);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_THAT(*replayed, EqualsProto(Get(kBrazilSteel)));
  // And the store keeps working.
  Advance(Days(20));
  EXPECT_EQ(Submit(kSwedenSteel).revision(), 1);
}

TEST_F(SqlitePlanStoreTest, FileCarriesTheCurrentSchemaVersion) {
  ASSERT_GE(SqliteSchemaVersion(), 1);
  RawDatabase raw(path_);

  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());

  Reopen();
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
}

TEST_F(SqlitePlanStoreTest, FileRunsInWalMode) {
  RawDatabase raw(path_);

  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
}

TEST_F(SqlitePlanStoreTest, ExistingEmptyDatabaseIsMigrated) {
  const std::string path = dir_.File("empty.db");
  {
    RawDatabase raw(path);
    raw.Exec("CREATE TABLE unrelated (x INTEGER)");
    ASSERT_EQ(raw.QueryInt("PRAGMA user_version"), 0);
  }

  absl::StatusOr<std::unique_ptr<PlanStore>> store =
      OpenSqlitePlanStore(Options(path));

  ASSERT_TRUE(store.ok()) << store.status();
  Plan plan = SteelPlan("ZAF", 2.3);
  plan.set_name(kSouthAfricaIndustry);
  EXPECT_TRUE((*store)->CreatePlan(Ctx("CreatePlan", ""), plan).ok());
  RawDatabase raw(path);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
}

TEST_F(SqlitePlanStoreTest, NewerSchemaFailsToOpenWithFailedPrecondition) {
  const std::string path = dir_.File("newer.db");
  {
    RawDatabase raw(path);
    raw.Exec(absl::StrCat("PRAGMA user_version = ", SqliteSchemaVersion() + 1));
  }

  absl::StatusOr<std::unique_ptr<PlanStore>> store =
      OpenSqlitePlanStore(Options(path));

  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition)
      << store.status();
  RawDatabase raw(path);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion() + 1);
}

TEST_F(SqlitePlanStoreTest, DatabaseFromNewerBuildIsLeftUntouched) {
  Plan created = Create(kIndiaSteel, IndiaSteelPlan());
  store_.reset();
  {
    RawDatabase raw(path_);
    raw.Exec(absl::StrCat("PRAGMA user_version = ", SqliteSchemaVersion() + 1));
  }

  absl::StatusOr<std::unique_ptr<PlanStore>> newer =
      OpenSqlitePlanStore(Options(path_));
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition)
      << newer.status();

  {
    RawDatabase raw(path_);
    raw.Exec(absl::StrCat("PRAGMA user_version = ", SqliteSchemaVersion()));
  }
  SetUp();
  EXPECT_THAT(Get(kIndiaSteel), EqualsProto(created));
}

TEST_F(SqlitePlanStoreTest, InMemoryOrEmptyPathIsInvalidArgument) {
  EXPECT_EQ(OpenSqlitePlanStore(Options(":memory:")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSqlitePlanStore(Options("")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqlitePlanStoreTest, EmptyPoolIsInvalidArgument) {
  EXPECT_EQ(
      OpenSqlitePlanStore(Options(dir_.File("pool.db"), 0)).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(SqlitePlanStoreTest, UnopenableFileIsUnavailableOrInternal) {
  const std::string not_a_database = dir_.File("notes.db");
  {
    std::ofstream out(not_a_database);
    out << "Steel decarbonisation workshop notes, not a database. "
        << std::string(4096, '#');
  }

  for (const std::string& path :
       {not_a_database, dir_.File("missing-directory/itp.db")}) {
    SCOPED_TRACE(path);
    absl::StatusCode code = OpenSqlitePlanStore(Options(path)).status().code();
    EXPECT_TRUE(code == absl::StatusCode::kUnavailable ||
                code == absl::StatusCode::kInternal)
        << absl::StatusCodeToString(code);
  }
}

TEST_F(SqlitePlanStoreTest, StoreWithoutClockUsesWallClock) {
  SqliteOptions options = Options(dir_.File("wall.db"));
  options.now_unix_micros = nullptr;
  absl::StatusOr<std::unique_ptr<PlanStore>> store =
      OpenSqlitePlanStore(options);
  ASSERT_TRUE(store.ok()) << store.status();
  const int64_t before = absl::ToUnixMicros(absl::Now());

  Plan plan = SteelPlan("SWE", 0.9);
  plan.set_name(kSwedenSteel);
  absl::StatusOr<Plan> created =
      (*store)->CreatePlan(Ctx("CreatePlan", ""), plan);

  const int64_t after = absl::ToUnixMicros(absl::Now());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GE(MicrosOf(created->create_time()), before);
  EXPECT_LE(MicrosOf(created->create_time()), after);
}

// ---------------------------------------------------------------------------
// Concurrency

TEST_F(SqlitePlanStoreTest, ConcurrentMutationsLoseNoUpdate) {
  Create(kIndiaSteel, IndiaSteelPlan());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<absl::Status>> statuses(kThreads);
  std::vector<std::vector<std::string>> etags(kThreads);

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &statuses, &etags] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<Plan> plan = store_->MutatePlan(
            Ctx("UpdatePlan", ""), kIndiaSteel, [t, i](Plan& plan, int64_t) {
              auto* policy = plan.add_policies();
              policy->set_type(itp::v1::PolicyInstrument::SUBSIDY);
              policy->set_name(absl::StrCat(
                  "Green steel contract for difference, tranche ", t, "-", i));
              return absl::OkStatus();
            });
        statuses[t].push_back(plan.status());
        if (plan.ok()) etags[t].push_back(plan->etag());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> distinct_etags;
  for (int t = 0; t < kThreads; ++t) {
    for (const absl::Status& status : statuses[t]) {
      EXPECT_TRUE(status.ok()) << status;
    }
    distinct_etags.insert(etags[t].begin(), etags[t].end());
  }
  EXPECT_EQ(distinct_etags.size(), size_t{kThreads * kPerThread});
  Plan final_plan = Get(kIndiaSteel);
  ASSERT_EQ(final_plan.policies_size(), kThreads * kPerThread);
  std::set<std::string> names;
  for (const auto& policy : final_plan.policies()) names.insert(policy.name());
  EXPECT_EQ(names.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(names.count("Green steel contract for difference, tranche 3-49"),
            1u);
}

TEST_F(SqlitePlanStoreTest, ConcurrentCreatesOfOneNameYieldOneWinner) {
  constexpr int kThreads = 4;
  std::vector<absl::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &statuses] {
      Plan plan = SteelPlan("IDN", 1.8 + t / 10.0);
      plan.set_name("countries/IDN/plans/steel-2060");
      statuses[t] = store_->CreatePlan(Ctx("CreatePlan", ""), plan).status();
    });
  }
  for (std::thread& thread : threads) thread.join();

  int created = 0;
  for (const absl::Status& status : statuses) {
    if (status.ok()) {
      ++created;
    } else {
      ExpectError(status, absl::StatusCode::kAlreadyExists,
                  "PLAN_ALREADY_EXISTS");
    }
  }
  EXPECT_EQ(created, 1);
}

// ---------------------------------------------------------------------------
// Hostile text

TEST_F(SqlitePlanStoreTest, FilterWithSqlTextIsRejectedByParser) {
  for (const char* filter :
       {"state = DRAFT; DROP TABLE plans", "country = \"IND' OR '1'='1\"",
        "country = IND' OR '1'='1", "revision = 1 UNION SELECT content",
        "state = DRAFT) OR (1 = 1"}) {
    SCOPED_TRACE(filter);
    ExpectInvalidField(domain::ParsePlanFilter(filter).status(), "filter");
  }
}

TEST_F(SqlitePlanStoreTest, CountryValuesAreBoundNotSpliced) {
  CreateFivePlans();
  const std::string hostile = "IND' OR '1'='1";

  PlanListQuery scoped;
  scoped.country = hostile;
  absl::StatusOr<PlanPage> page = store_->ListPlans(scoped);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->plans, IsEmpty());
  EXPECT_EQ(page->total_size, 0);

  // A filter built without the parser.
  PlanListQuery filtered;
  filtered.country = domain::kAnyCountry;
  domain::FilterExpr expr;
  expr.field = domain::FilterField::kCountry;
  expr.op = domain::CompareOp::kEq;
  expr.string_value = hostile;
  filtered.filter = expr;
  page = store_->ListPlans(filtered);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->plans, IsEmpty());
  EXPECT_EQ(page->total_size, 0);
}

TEST_F(SqlitePlanStoreTest, PlanTextWithSqlRoundTripsAndTablesStayIntact) {
  Create(kIndonesiaCement, IndonesiaCementPlan());
  Plan hostile = SteelPlan("BRA", 1.9);
  hostile.set_display_name("Robert'); DROP TABLE plans;--");
  hostile.set_summary("\"; DELETE FROM plan_revisions; -- ' OR 1=1 --");
  hostile.set_submitting_body("Ministério da Indústria \xE2\x80\x94 Brasil");

  Plan created = Create(kBrazilSteel, hostile, "'); DROP TABLE request_log;--");
  Plan submitted = Submit(kBrazilSteel);

  Plan got = Get(kBrazilSteel);
  EXPECT_EQ(got.display_name(), "Robert'); DROP TABLE plans;--");
  EXPECT_EQ(got.summary(), "\"; DELETE FROM plan_revisions; -- ' OR 1=1 --");
  EXPECT_EQ(got.submitting_body(),
            "Ministério da Indústria \xE2\x80\x94 Brasil");
  EXPECT_THAT(got, EqualsProto(submitted));
  EXPECT_THAT(ListNames(""), ElementsAre(kBrazilSteel, kIndonesiaCement));
  absl::StatusOr<PlanRevision> revision =
      store_->GetPlanRevision(kBrazilSteel, 1);
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(revision->plan().display_name(), "Robert'); DROP TABLE plans;--");
  // The hostile request id was stored as a value and still replays.
  absl::StatusOr<Plan> replayed = store_->CreatePlan(
      Ctx("CreatePlan", "'); DROP TABLE request_log;--"), hostile);
  ExpectInvalidField(replayed.status(), "request_id");
  hostile.set_name(kBrazilSteel);
  replayed = store_->CreatePlan(
      Ctx("CreatePlan", "'); DROP TABLE request_log;--"), hostile);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_THAT(*replayed, EqualsProto(created));
  // The tables still accept new plans.
  Create(kVietnamSteel, SteelPlan("VNM", 2.1));
  EXPECT_THAT(ListNames(""),
              ElementsAre(kBrazilSteel, kIndonesiaCement, kVietnamSteel));
}

// ---------------------------------------------------------------------------
// Statement cache

// Every distinct filter shape prepares new statements. Whatever the number of
// statements a connection has cached when a write begins, the write must
// succeed (a bounded cache must not evict a statement that is in use).
TEST_F(SqlitePlanStoreTest, WritesSucceedAfterManyDistinctFilterShapes) {
  for (int shapes = 55; shapes <= 70; ++shapes) {
    for (int odd = 0; odd <= 1; ++odd) {
      SCOPED_TRACE(absl::StrCat(shapes, " shapes, odd ", odd));
      const std::string path =
          dir_.File(absl::StrCat("cache-", shapes, "-", odd, ".db"));
      absl::StatusOr<std::unique_ptr<PlanStore>> opened =
          OpenSqlitePlanStore(Options(path, /*pool_size=*/1));
      ASSERT_TRUE(opened.ok()) << opened.status();
      PlanStore& store = **opened;
      PlanListQuery query;
      query.country = domain::kAnyCountry;
      for (int n = 1; n <= shapes; ++n) {
        // An OR of n comparisons: a statement text of its own.
        domain::FilterExpr any_revision;
        any_revision.kind = domain::FilterExpr::Kind::kOr;
        for (int k = 0; k < n + 1; ++k) {
          domain::FilterExpr compare;
          compare.field = domain::FilterField::kRevision;
          compare.op = domain::CompareOp::kGe;
          compare.int_value = 0;
          any_revision.children.push_back(compare);
        }
        query.filter = any_revision;
        ASSERT_TRUE(store.ListPlans(query).ok());
      }
      if (odd == 1) {
        // Same filter with a cursor: one more statement text.
        query.after = domain::PageCursor{0, kIndiaSteel};
        ASSERT_TRUE(store.ListPlans(query).ok());
      }

      Plan plan = IndiaSteelPlan();
      plan.set_name(kIndiaSteel);
      absl::StatusOr<Plan> created = store.CreatePlan(
          Ctx("CreatePlan", "7c9e6679-7425-40de-944b-e07fc1f90ae7"), plan);
      ASSERT_TRUE(created.ok()) << created.status();
      absl::StatusOr<Plan> submitted = store.MutatePlan(
          Ctx("SubmitPlan", ""), kIndiaSteel, Do(PlanAction::kSubmit));
      ASSERT_TRUE(submitted.ok()) << submitted.status();
      absl::StatusOr<Plan> got = store.GetPlan(kIndiaSteel);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_THAT(*got, EqualsProto(*submitted));
    }
  }
}

}  // namespace
}  // namespace itp::storage
