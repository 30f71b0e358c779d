// PlanOperations stories through the application layer only: create, read,
// list, update, submit, withdraw, delete, access control and event-bus news.
#include "server/app/plan_operations.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "itp/v1/plan_service.pb.h"
#include "server/domain/errors.h"
#include "tests/testing/app_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::app {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::testing::ViolatedFields;
using itp::v1::Plan;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kVietNamCement[] = "countries/VNM/plans/cement-2050";
constexpr char kIndiaRequestId[] = "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10";

// Viet Nam cement: 118 Mt at 0.59 t CO2/t in 2022 to 140 Mt at 0.25 in 2050.
Plan VietNamCementPlan() {
  Plan plan;
  plan.set_display_name("Viet Nam cement sector emissions roadmap to 2050");
  plan.set_submitting_body("Ministry of Construction, Viet Nam");
  auto* sector = plan.add_sectors();
  sector->set_sector(itp::v1::CEMENT);
  sector->set_base_year(2022);
  const double points[][3] = {
      {2022, 118.0, 0.59}, {2030, 130.0, 0.50}, {2050, 140.0, 0.25}};
  for (const auto& p : points) {
    auto* point = sector->add_points();
    point->set_year(static_cast<int>(p[0]));
    point->set_production_mt(p[1]);
    point->set_intensity_tco2_per_t(p[2]);
  }
  auto* target = plan.add_targets();
  target->set_type(itp::v1::Target::NET_ZERO);
  target->set_target_year(2050);
  target->set_conditional(true);
  return plan;
}

std::vector<std::string> NamesOf(const itp::v1::ListPlansResponse& page) {
  std::vector<std::string> names;
  for (const Plan& p : page.plans()) names.push_back(p.name());
  return names;
}

class PlanOperationsTest : public ::itp::testing::AppTest {
 protected:
  PlanOperations& plans() { return harness_.app().plans(); }
  uint64_t Sequence() { return harness_.app().events().sequence(); }

  // How far the event bus moved while `action` ran.
  uint64_t NewsOf(const std::function<void()>& action) {
    const uint64_t before = Sequence();
    action();
    return Sequence() - before;
  }

  absl::StatusOr<Plan> Update(const Caller& caller, const Plan& plan,
                              const std::vector<std::string>& paths) {
    itp::v1::UpdatePlanRequest request;
    *request.mutable_plan() = plan;
    for (const std::string& p : paths)
      request.mutable_update_mask()->add_paths(p);
    return plans().UpdatePlan(caller, request);
  }

  absl::Status Delete(const Caller& caller, const std::string& name,
                      const std::string& etag = "") {
    itp::v1::DeletePlanRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return plans().DeletePlan(caller, request).status();
  }

  absl::StatusOr<itp::v1::ListPlansResponse> List(
      const Caller& caller, const std::string& parent,
      const std::string& filter = "", int page_size = 0,
      const std::string& page_token = "") {
    itp::v1::ListPlansRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return plans().ListPlans(caller, request);
  }
};

// ---------------------------------------------------------------------------
// Create and read
// ---------------------------------------------------------------------------

TEST_F(PlanOperationsTest, CreateRetriedWithTheSameRequestIdReturnsFirstPlan) {
  Plan created = MustCreateIndiaSteel();
  EXPECT_EQ(created.name(), kIndiaSteel);
  EXPECT_EQ(created.country(), "IND");
  EXPECT_EQ(created.state(), Plan::DRAFT);
  EXPECT_EQ(created.revision(), 0);
  EXPECT_THAT(created.etag(), Not(IsEmpty()));
  EXPECT_TRUE(created.has_create_time());
  EXPECT_EQ(created.display_name(), "India green steel roadmap");
  ASSERT_EQ(created.sectors_size(), 1);
  EXPECT_DOUBLE_EQ(created.sectors(0).points(0).intensity_tco2_per_t(), 2.54);
  EXPECT_DOUBLE_EQ(created.sectors(0).points(0).production_mt(), 100.3);

  // The partner system's retry (say after a timeout) gets the same plan.
  auto retried = CreateIndiaSteel();
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*retried, created))
      << retried->DebugString();
  auto read = Get(india_.caller, kIndiaSteel);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*read, created));

  // Without the request id, the same plan id is taken.
  itp::v1::CreatePlanRequest again = ::itp::testing::IndiaSteelCreateRequest();
  again.clear_request_id();
  auto taken = plans().CreatePlan(india_.caller, again);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(domain::ErrorReasonOf(taken.status()), "PLAN_ALREADY_EXISTS");

  // The request id of this plan cannot create another one.
  auto reused = Create(india_.caller, "IND", "cement-2070",
                       ::itp::testing::IndiaSteelPlan(), kIndiaRequestId);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(reused.status()), ElementsAre("request_id"));
}

TEST_F(PlanOperationsTest, CreateReportsEveryInvalidFieldAtOnce) {
  Plan plan = ::itp::testing::IndiaSteelPlan();
  plan.mutable_sectors(0)->mutable_points(3)->set_year(2200);
  plan.clear_display_name();
  auto created = Create(india_.caller, "IND", "Steel 2070", plan);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<std::string> fields = ViolatedFields(created.status());
  EXPECT_THAT(fields, Contains("plan_id"));
  EXPECT_THAT(fields, Contains("plan.sectors[0].points[3].year"));
  EXPECT_THAT(fields, Contains("plan.display_name"));
  EXPECT_EQ(
      Get(india_.caller, "countries/IND/plans/steel-2070").status().code(),
      absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// List
// ---------------------------------------------------------------------------

TEST_F(PlanOperationsTest, ListPagesThroughTheMatchesOfAFilter) {
  Key indonesia = harness_.CreatePartner("IDN");
  Key viet_nam = harness_.CreatePartner("VNM");
  Key reviewer = harness_.CreateReviewer();
  MustCreateIndiaSteel();
  ASSERT_TRUE(Submit(india_.caller, kIndiaSteel).ok());
  ASSERT_TRUE(Create(indonesia.caller, "IDN", "cement-2060",
                     ::itp::testing::IndonesiaCementPlan())
                  .ok());
  ASSERT_TRUE(Submit(indonesia.caller, kIndonesiaCement).ok());
  ASSERT_TRUE(
      Create(viet_nam.caller, "VNM", "cement-2050", VietNamCementPlan()).ok());
  ASSERT_TRUE(Submit(viet_nam.caller, kVietNamCement).ok());
  ASSERT_TRUE(Create(brazil_.caller, "BRA", "steel-2050",
                     ::itp::testing::SteelPlan("BRA", 1.8))
                  .ok());  // stays a draft

  const std::string filter = "state = SUBMITTED AND sector = CEMENT";
  auto first = List(reviewer.caller, "countries/-", filter, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(NamesOf(*first), ElementsAre(kIndonesiaCement));
  EXPECT_EQ(first->total_size(), 2);
  ASSERT_THAT(first->next_page_token(), Not(IsEmpty()));

  auto second =
      List(reviewer.caller, "countries/-", filter, 1, first->next_page_token());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(NamesOf(*second), ElementsAre(kVietNamCement));
  EXPECT_EQ(second->total_size(), 2);
  EXPECT_EQ(second->next_page_token(), "") << "the last page";

  // The token belongs to its query.
  auto other_query = List(reviewer.caller, "countries/-", "sector = CEMENT", 1,
                          first->next_page_token());
  EXPECT_EQ(other_query.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(other_query.status()), ElementsAre("page_token"));

  // Lists hold (and count) only what the caller may read.
  auto all = List(harness_.admin().caller, "countries/-");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(NamesOf(*all), ElementsAre(kBrazilSteel, kIndonesiaCement,
                                         kIndiaSteel, kVietNamCement));
  auto no_drafts = List(reviewer.caller, "countries/-");
  ASSERT_TRUE(no_drafts.ok()) << no_drafts.status();
  EXPECT_EQ(no_drafts->total_size(), 3);
  EXPECT_THAT(NamesOf(*no_drafts),
              ElementsAre(kIndonesiaCement, kIndiaSteel, kVietNamCement));
  auto own = List(india_.caller, "countries/-");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_THAT(NamesOf(*own), ElementsAre(kIndiaSteel));
  EXPECT_EQ(own->total_size(), 1);
  auto either =
      List(reviewer.caller, "countries/-", "country = IND OR country = IDN");
  ASSERT_TRUE(either.ok()) << either.status();
  EXPECT_THAT(NamesOf(*either), ElementsAre(kIndonesiaCement, kIndiaSteel));
}

TEST_F(PlanOperationsTest, ListRefusesBadPageSizeFilterAndParent) {
  auto negative = List(india_.caller, "countries/IND", "", -1);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(negative.status()), ElementsAre("page_size"));

  auto bad = List(india_.caller, "countries/XYZ", "state = FINISHED", -5);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(bad.status()),
              ElementsAre("parent", "page_size", "filter"));
}

// ---------------------------------------------------------------------------
// Update, submit, withdraw, delete
// ---------------------------------------------------------------------------

TEST_F(PlanOperationsTest, UpdateReplacesMaskedFieldsAndStaleEtagIsAborted) {
  Plan created = MustCreateIndiaSteel();
  Plan patch = created;
  patch.set_display_name("India green steel roadmap (2024 update)");
  patch.set_summary("Not in the mask: must not be applied.");
  auto updated = Update(india_.caller, patch, {"display_name"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name(), "India green steel roadmap (2024 update)");
  EXPECT_EQ(updated->summary(), "Crude steel towards net zero by 2070");
  EXPECT_NE(updated->etag(), created.etag());
  EXPECT_EQ(updated->state(), Plan::DRAFT);

  // A second editor still holding the first etag.
  Plan stale = created;
  stale.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(1.9);
  auto aborted = Update(india_.caller, stale, {"sectors"});
  EXPECT_EQ(aborted.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(domain::ErrorReasonOf(aborted.status()), "ETAG_MISMATCH");
  auto unchanged = Get(india_.caller, kIndiaSteel);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*unchanged, *updated));

  // With the current etag the edit goes through.
  stale.set_etag(updated->etag());
  auto edited = Update(india_.caller, stale, {"sectors"});
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_DOUBLE_EQ(edited->sectors(0).points(1).intensity_tco2_per_t(), 1.9);
  EXPECT_EQ(edited->display_name(), "India green steel roadmap (2024 update)");

  auto bad_mask = Update(india_.caller, *edited, {"state"});
  EXPECT_EQ(bad_mask.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(bad_mask.status()),
              ElementsAre("update_mask.paths[0]"));
}

TEST_F(PlanOperationsTest, SubmitFreezesRevisionOneAndLocksTheContent) {
  Plan created = MustCreateIndiaSteel();
  const std::string request_id = "5d3c1e9a-7b2f-4a61-8c0d-9e4f2a6b1c73";
  auto submitted =
      Submit(india_.caller, kIndiaSteel, created.etag(), request_id);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->state(), Plan::SUBMITTED);
  EXPECT_EQ(submitted->revision(), 1);
  EXPECT_TRUE(submitted->has_submit_time());
  auto retried = Submit(india_.caller, kIndiaSteel, created.etag(), request_id);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*retried, *submitted));

  itp::v1::GetPlanRevisionRequest get_revision;
  get_revision.set_name(absl::StrCat(kIndiaSteel, "/revisions/1"));
  auto revision = plans().GetPlanRevision(india_.caller, get_revision);
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(revision->revision(), 1);
  EXPECT_EQ(revision->plan().state(), Plan::SUBMITTED);
  EXPECT_EQ(revision->plan().display_name(), "India green steel roadmap");
  EXPECT_DOUBLE_EQ(revision->plan().sectors(0).points(1).intensity_tco2_per_t(),
                   2.2);

  Plan patch = *submitted;
  patch.set_display_name("Edited after submission");
  auto locked = Update(india_.caller, patch, {"display_name"});
  EXPECT_EQ(locked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::ErrorReasonOf(locked.status()), "INVALID_PLAN_STATE");
  auto twice = Submit(india_.caller, kIndiaSteel);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::ErrorReasonOf(twice.status()), "INVALID_PLAN_STATE");

  get_revision.set_name(absl::StrCat(kIndiaSteel, "/revisions/2"));
  auto missing = plans().GetPlanRevision(india_.caller, get_revision);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(missing.status()), "REVISION_NOT_FOUND");
}

TEST_F(PlanOperationsTest, SubmittingAPlanWithoutSectorsIsRefused) {
  Plan outline;
  outline.set_display_name("India cement: outline, pathway to follow");
  ASSERT_TRUE(Create(india_.caller, "IND", "cement-2070", outline).ok());
  auto refused = Submit(india_.caller, "countries/IND/plans/cement-2070");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::ErrorReasonOf(refused.status()), "PLAN_INCOMPLETE");
}

TEST_F(PlanOperationsTest, WithdrawRecordsTheReasonAndIsRetrySafe) {
  MustCreateIndiaSteel();
  auto submitted = Submit(india_.caller, kIndiaSteel);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string reason =
      "Superseded by the Green Steel Taxonomy roadmap of the Ministry of "
      "Steel.";
  const std::string request_id = "a8f4c2d1-3e5b-4f70-9a1c-6d2e8b0f4a95";
  auto withdrawn = Withdraw(india_.caller, kIndiaSteel, submitted->etag(),
                            reason, request_id);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state(), Plan::WITHDRAWN);
  EXPECT_EQ(withdrawn->withdrawal_reason(), reason);
  EXPECT_EQ(withdrawn->revision(), 1);
  auto retried = Withdraw(india_.caller, kIndiaSteel, submitted->etag(), reason,
                          request_id);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*retried, *withdrawn));

  auto again = Withdraw(india_.caller, kIndiaSteel, "", reason);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::ErrorReasonOf(again.status()), "INVALID_PLAN_STATE");
}

TEST_F(PlanOperationsTest, WithdrawWithAStaleEtagIsAborted) {
  Plan created = MustCreateIndiaSteel();
  ASSERT_TRUE(Submit(india_.caller, kIndiaSteel).ok());
  auto aborted = Withdraw(india_.caller, kIndiaSteel, created.etag(),
                          "Withdrawn on an old copy.");
  EXPECT_EQ(aborted.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(domain::ErrorReasonOf(aborted.status()), "ETAG_MISMATCH");
  EXPECT_EQ(Get(india_.caller, kIndiaSteel)->state(), Plan::SUBMITTED);
}

TEST_F(PlanOperationsTest, DeleteRemovesADraftOnly) {
  Plan draft = MustCreateIndiaSteel();
  Plan patch = draft;
  patch.set_summary("Crude steel towards net zero by 2070, with interim goals");
  auto updated = Update(india_.caller, patch, {"summary"});
  ASSERT_TRUE(updated.ok()) << updated.status();

  absl::Status stale = Delete(india_.caller, kIndiaSteel, draft.etag());
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(domain::ErrorReasonOf(stale), "ETAG_MISMATCH");
  EXPECT_TRUE(Delete(india_.caller, kIndiaSteel, updated->etag()).ok());
  auto gone = Get(india_.caller, kIndiaSteel);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(gone.status()), "PLAN_NOT_FOUND");
  EXPECT_EQ(Delete(india_.caller, kIndiaSteel).code(),
            absl::StatusCode::kNotFound);

  // A submitted plan is withdrawn, never deleted. (A new request: the first
  // one's request id would replay its result, the deleted plan.)
  itp::v1::CreatePlanRequest recreate =
      ::itp::testing::IndiaSteelCreateRequest();
  recreate.set_request_id("e2c7a9b4-1f3d-4c8e-b6a0-5d9f7e3c2a18");
  ASSERT_TRUE(plans().CreatePlan(india_.caller, recreate).ok());
  ASSERT_TRUE(Submit(india_.caller, kIndiaSteel).ok());
  absl::Status submitted = Delete(india_.caller, kIndiaSteel);
  EXPECT_EQ(submitted.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::ErrorReasonOf(submitted), "INVALID_PLAN_STATE");
}

// ---------------------------------------------------------------------------
// Access control
// ---------------------------------------------------------------------------

TEST_F(PlanOperationsTest, AnotherCountrysPartnerIsDeniedBeforeExistence) {
  Plan draft = MustCreateIndiaSteel();
  const std::string missing = "countries/IND/plans/cement-2070";

  // Reading: an existing draft and a missing plan look the same to Brazil.
  auto existing_read = Get(brazil_.caller, kIndiaSteel);
  auto missing_read = Get(brazil_.caller, missing);
  EXPECT_EQ(existing_read.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(missing_read.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain::ErrorReasonOf(existing_read.status()), "PERMISSION_DENIED");
  EXPECT_EQ(existing_read.status().message(), missing_read.status().message());
  // India itself learns that the plan is missing.
  EXPECT_EQ(Get(india_.caller, missing).status().code(),
            absl::StatusCode::kNotFound);

  // Every change is denied whether or not the plan exists.
  for (const std::string& name : {std::string(kIndiaSteel), missing}) {
    Plan patch = draft;
    patch.set_name(name);
    patch.set_display_name("Edited from Brasilia");
    EXPECT_EQ(Update(brazil_.caller, patch, {"display_name"}).status().code(),
              absl::StatusCode::kPermissionDenied)
        << name;
    EXPECT_EQ(Submit(brazil_.caller, name).status().code(),
              absl::StatusCode::kPermissionDenied)
        << name;
    EXPECT_EQ(Withdraw(brazil_.caller, name, "", "").status().code(),
              absl::StatusCode::kPermissionDenied)
        << name;
    EXPECT_EQ(Delete(brazil_.caller, name).code(),
              absl::StatusCode::kPermissionDenied)
        << name;
  }
  auto create = Create(brazil_.caller, "IND", "steel-2047",
                       ::itp::testing::SteelPlan("IND", 2.4));
  EXPECT_EQ(create.status().code(), absl::StatusCode::kPermissionDenied);
  // Even an invalid request: denied before it is validated.
  auto invalid = Create(brazil_.caller, "IND", "Steel 2047", Plan());
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kPermissionDenied);

  // The India plan is untouched.
  auto read = Get(india_.caller, kIndiaSteel);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*read, draft));
}

TEST_F(PlanOperationsTest, ApprovedPlansOfOtherCountriesAreReadable) {
  harness_.MakePlan("IND", "steel-2070", Plan::APPROVED);
  auto read = Get(brazil_.caller, kIndiaSteel);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->state(), Plan::APPROVED);
  auto listed = List(brazil_.caller, "countries/-");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(NamesOf(*listed), ElementsAre(kIndiaSteel));
  // Reading is not writing.
  EXPECT_EQ(Withdraw(brazil_.caller, kIndiaSteel, "", "").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PlanOperationsTest, CallsWithoutAKeyAreUnauthenticated) {
  EXPECT_EQ(Get(harness_.NoKey(), kIndiaSteel).status().code(),
            absl::StatusCode::kUnauthenticated);
  auto create = plans().CreatePlan(harness_.NoKey(),
                                   ::itp::testing::IndiaSteelCreateRequest());
  EXPECT_EQ(create.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(domain::ErrorReasonOf(create.status()), "UNAUTHENTICATED");
  EXPECT_EQ(List(harness_.NoKey(), "countries/-").status().code(),
            absl::StatusCode::kUnauthenticated);
}

// ---------------------------------------------------------------------------
// The event bus
// ---------------------------------------------------------------------------

TEST_F(PlanOperationsTest, EverySuccessfulMutationNotifiesTheEventBusOnce) {
  Plan plan;
  EXPECT_EQ(NewsOf([&] { plan = MustCreateIndiaSteel(); }), 1u);
  Plan patch = plan;
  patch.set_summary("Crude steel towards net zero by 2070, 255 Mt by 2030");
  EXPECT_EQ(NewsOf([&] {
              auto updated = Update(india_.caller, patch, {"summary"});
              ASSERT_TRUE(updated.ok()) << updated.status();
              plan = *updated;
            }),
            1u);
  EXPECT_EQ(NewsOf([&] {
              auto submitted = Submit(india_.caller, kIndiaSteel, plan.etag());
              ASSERT_TRUE(submitted.ok()) << submitted.status();
              plan = *submitted;
            }),
            1u);
  EXPECT_EQ(NewsOf([&] {
              ASSERT_TRUE(Withdraw(india_.caller, kIndiaSteel, plan.etag(),
                                   "Replaced by a joint steel and cement plan.")
                              .ok());
            }),
            1u);
  EXPECT_EQ(NewsOf([&] {
              ASSERT_TRUE(Create(india_.caller, "IND", "steel-2047",
                                 ::itp::testing::SteelPlan("IND", 2.4))
                              .ok());
            }),
            1u);
  EXPECT_EQ(NewsOf([&] {
              ASSERT_TRUE(
                  Delete(india_.caller, "countries/IND/plans/steel-2047").ok());
            }),
            1u);
}

TEST_F(PlanOperationsTest, FailedCallsAndReadsDoNotNotifyTheEventBus) {
  Plan plan = MustCreateIndiaSteel();
  Plan patch = plan;
  patch.set_summary("A first edit");
  ASSERT_TRUE(Update(india_.caller, patch, {"summary"}).ok());

  // Reads.
  EXPECT_EQ(NewsOf([&] {
              EXPECT_TRUE(Get(india_.caller, kIndiaSteel).ok());
              EXPECT_TRUE(List(india_.caller, "countries/IND").ok());
            }),
            0u);
  // A stale etag, a denied call, no key, an invalid request, a missing plan,
  // an illegal transition and a plan id that is taken.
  EXPECT_EQ(NewsOf([&] {
              EXPECT_EQ(
                  Update(india_.caller, plan, {"summary"}).status().code(),
                  absl::StatusCode::kAborted);
            }),
            0u);
  EXPECT_EQ(NewsOf([&] {
              EXPECT_EQ(Submit(brazil_.caller, kIndiaSteel).status().code(),
                        absl::StatusCode::kPermissionDenied);
            }),
            0u);
  EXPECT_EQ(NewsOf([&] {
              EXPECT_EQ(Submit(harness_.NoKey(), kIndiaSteel).status().code(),
                        absl::StatusCode::kUnauthenticated);
            }),
            0u);
  EXPECT_EQ(
      NewsOf([&] {
        EXPECT_EQ(
            Create(india_.caller, "IND", "steel-2047", Plan()).status().code(),
            absl::StatusCode::kInvalidArgument);
      }),
      0u);
  EXPECT_EQ(NewsOf([&] {
              EXPECT_EQ(Submit(india_.caller, "countries/IND/plans/steel-2047")
                            .status()
                            .code(),
                        absl::StatusCode::kNotFound);
            }),
            0u);
  EXPECT_EQ(NewsOf([&] {
              EXPECT_EQ(
                  Withdraw(india_.caller, kIndiaSteel, "", "").status().code(),
                  absl::StatusCode::kFailedPrecondition);
            }),
            0u);
  itp::v1::CreatePlanRequest taken = ::itp::testing::IndiaSteelCreateRequest();
  taken.clear_request_id();
  EXPECT_EQ(NewsOf([&] {
              EXPECT_EQ(
                  plans().CreatePlan(india_.caller, taken).status().code(),
                  absl::StatusCode::kAlreadyExists);
            }),
            0u);
}

}  // namespace
}  // namespace itp::app
