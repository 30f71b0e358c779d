#include "server/domain/plan_lifecycle.h"

#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "tests/testing/test_plans.h"

namespace itp::domain {
namespace {

using ::google::protobuf::FieldMask;
using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::v1::Plan;
using ::testing::HasSubstr;

constexpr char kIndiaSteelName[] = "countries/IND/plans/steel-2070";
constexpr char kCurrentEtag[] = "a3f9c2e17b04";
constexpr char kStaleEtag[] = "5d81e0b7c6a2";
// 2026-03-02T09:30:00.25Z: 1,772,443,800 s after the epoch, plus 250,000 us.
constexpr int64_t kSubmitMicros = 1772443800250000;

// The India steel plan as stored: named, in `state`, with an etag.
Plan StoredIndiaPlan(PlanState state, int revision = 0) {
  Plan plan = IndiaSteelPlan();
  plan.set_name(kIndiaSteelName);
  plan.set_country("IND");
  plan.set_state(state);
  plan.set_revision(revision);
  plan.set_etag(kCurrentEtag);
  *plan.mutable_create_time() = TimeUtil::SecondsToTimestamp(1767225600);
  *plan.mutable_update_time() = TimeUtil::SecondsToTimestamp(1767225600);
  return plan;
}

FieldMask Mask(std::vector<std::string> paths) {
  FieldMask mask;
  for (const std::string& p : paths) mask.add_paths(p);
  return mask;
}

bool SameContent(Plan a, Plan b) {
  ClearOutputOnlyFields(a);
  ClearOutputOnlyFields(b);
  return MessageDifferencer::Equals(a, b);
}

// The ErrorInfo "resource" metadata of a status; empty when absent.
std::string ErrorResourceOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(kErrorInfoTypeUrl)) {
    info.ParseFromString(std::string(*payload));
  }
  auto it = info.metadata().find("resource");
  return it == info.metadata().end() ? "" : it->second;
}

// ---------------------------------------------------------------------------
// The transition table, written out from the diagram in plan_lifecycle.h:
//
//   DRAFT --Submit--> SUBMITTED --StartReview--> IN_REVIEW
//   IN_REVIEW --Approve--> APPROVED | --RequestChanges--> CHANGES_REQUESTED
//             | --Reject--> REJECTED
//   CHANGES_REQUESTED --Submit--> SUBMITTED
//   SUBMITTED, IN_REVIEW, CHANGES_REQUESTED, APPROVED --Withdraw--> WITHDRAWN
//
// kIllegal marks a transition that must fail (no legal transition leads to
// STATE_UNSPECIFIED, so it cannot be confused with a real target).

constexpr PlanState kIllegal = Plan::STATE_UNSPECIFIED;

constexpr PlanState kAllStates[] = {
    Plan::STATE_UNSPECIFIED, Plan::DRAFT,    Plan::SUBMITTED, Plan::IN_REVIEW,
    Plan::CHANGES_REQUESTED, Plan::APPROVED, Plan::REJECTED,  Plan::WITHDRAWN};

constexpr PlanAction kAllActions[] = {
    PlanAction::kSubmit,  PlanAction::kStartReview,
    PlanAction::kApprove, PlanAction::kRequestChanges,
    PlanAction::kReject,  PlanAction::kWithdraw};

struct TransitionRow {
  PlanState from;
  // Indexed like kAllActions: submit, start review, approve, request changes,
  // reject, withdraw.
  PlanState next[6];
};

constexpr TransitionRow kTransitions[] = {
    // {from, {submit, start review, approve, request changes, reject,
    //         withdraw}}
    {Plan::STATE_UNSPECIFIED,
     {kIllegal, kIllegal, kIllegal, kIllegal, kIllegal, kIllegal}},
    {Plan::DRAFT,
     {Plan::SUBMITTED, kIllegal, kIllegal, kIllegal, kIllegal, kIllegal}},
    {Plan::SUBMITTED,
     {kIllegal, Plan::IN_REVIEW, kIllegal, kIllegal, kIllegal,
      Plan::WITHDRAWN}},
    {Plan::IN_REVIEW,
     {kIllegal, kIllegal, Plan::APPROVED, Plan::CHANGES_REQUESTED,
      Plan::REJECTED, Plan::WITHDRAWN}},
    {Plan::CHANGES_REQUESTED,
     {Plan::SUBMITTED, kIllegal, kIllegal, kIllegal, kIllegal,
      Plan::WITHDRAWN}},
    {Plan::APPROVED,
     {kIllegal, kIllegal, kIllegal, kIllegal, kIllegal, Plan::WITHDRAWN}},
    {Plan::REJECTED,
     {kIllegal, kIllegal, kIllegal, kIllegal, kIllegal, kIllegal}},
    {Plan::WITHDRAWN,
     {kIllegal, kIllegal, kIllegal, kIllegal, kIllegal, kIllegal}},
};

PlanState ExpectedNext(PlanState from, PlanAction action) {
  for (const TransitionRow& row : kTransitions) {
    if (row.from != from) continue;
    for (int i = 0; i < 6; ++i) {
      if (kAllActions[i] == action) return row.next[i];
    }
  }
  ADD_FAILURE() << "no row for state " << Plan::State_Name(from);
  return kIllegal;
}

TEST(PlanLifecycleTest, TableCoversEveryStateOfTheProto) {
  ASSERT_EQ(std::size(kTransitions), std::size(kAllStates));
  int states_in_proto = Plan::State_descriptor()->value_count();
  EXPECT_EQ(states_in_proto, static_cast<int>(std::size(kAllStates)));
  for (int i = 0; i < states_in_proto; ++i) {
    EXPECT_EQ(kTransitions[i].from,
              Plan::State_descriptor()->value(i)->number());
  }
}

class PlanTransitionTest
    : public ::testing::TestWithParam<std::tuple<PlanState, PlanAction>> {};

TEST_P(PlanTransitionTest, NextStateFollowsTheDiagram) {
  auto [from, action] = GetParam();
  PlanState expected = ExpectedNext(from, action);
  absl::StatusOr<PlanState> next = NextState(from, action);
  if (expected != kIllegal) {
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(*next, expected) << Plan::State_Name(*next);
  } else {
    ASSERT_FALSE(next.ok()) << "moved to " << Plan::State_Name(*next);
    EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ErrorReasonOf(next.status()), "INVALID_PLAN_STATE");
    EXPECT_THAT(
        std::string(next.status().message()),
        HasSubstr(absl::StrCat("Cannot ", PlanActionName(action),
                               " a plan in state ", Plan::State_Name(from))));
  }
}

TEST_P(PlanTransitionTest, ApplyActionFollowsTheDiagram) {
  auto [from, action] = GetParam();
  PlanState expected = ExpectedNext(from, action);
  Plan plan = StoredIndiaPlan(from, /*revision=*/1);
  const Plan before = plan;
  absl::Status status = ApplyAction(plan, action, kCurrentEtag, kSubmitMicros);
  if (expected != kIllegal) {
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(plan.state(), expected);
    EXPECT_TRUE(SameContent(plan, before));
    if (action == PlanAction::kSubmit) {
      EXPECT_EQ(plan.revision(), 2);
      EXPECT_EQ(TimeUtil::TimestampToMicroseconds(plan.submit_time()),
                kSubmitMicros);
    } else {
      EXPECT_EQ(plan.revision(), 1);
      EXPECT_FALSE(plan.has_submit_time());
    }
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ErrorReasonOf(status), "INVALID_PLAN_STATE");
    EXPECT_EQ(ErrorResourceOf(status), kIndiaSteelName);
    EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
  }
}

std::string TransitionName(
    const ::testing::TestParamInfo<std::tuple<PlanState, PlanAction>>& info) {
  static const char* const kActionNames[] = {"Submit",  "StartReview",
                                             "Approve", "RequestChanges",
                                             "Reject",  "Withdraw"};
  return absl::StrCat(Plan::State_Name(std::get<0>(info.param)), "_",
                      kActionNames[static_cast<int>(std::get<1>(info.param))]);
}

INSTANTIATE_TEST_SUITE_P(EveryStateAndAction, PlanTransitionTest,
                         ::testing::Combine(::testing::ValuesIn(kAllStates),
                                            ::testing::ValuesIn(kAllActions)),
                         TransitionName);

TEST(PlanLifecycleTest, ActionNamesReadAsVerbs) {
  EXPECT_EQ(PlanActionName(PlanAction::kSubmit), "submit");
  EXPECT_EQ(PlanActionName(PlanAction::kStartReview), "start a review of");
  EXPECT_EQ(PlanActionName(PlanAction::kApprove), "approve");
  EXPECT_EQ(PlanActionName(PlanAction::kRequestChanges), "request changes to");
  EXPECT_EQ(PlanActionName(PlanAction::kReject), "reject");
  EXPECT_EQ(PlanActionName(PlanAction::kWithdraw), "withdraw");
}

// ---------------------------------------------------------------------------
// Editable and deletable states.

TEST(PlanLifecycleTest, OnlyDraftAndChangesRequestedAreEditable) {
  struct Case {
    PlanState state;
    bool editable;
    bool deletable;
  };
  const Case kCases[] = {
      {Plan::STATE_UNSPECIFIED, false, false}, {Plan::DRAFT, true, true},
      {Plan::SUBMITTED, false, false},         {Plan::IN_REVIEW, false, false},
      {Plan::CHANGES_REQUESTED, true, false},  {Plan::APPROVED, false, false},
      {Plan::REJECTED, false, false},          {Plan::WITHDRAWN, false, false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(Plan::State_Name(c.state));
    EXPECT_EQ(ContentEditable(c.state), c.editable);
    EXPECT_EQ(Deletable(c.state), c.deletable);
  }
}

// ---------------------------------------------------------------------------
// Etags.

TEST(PlanLifecycleTest, EmptyEtagPassesTheEtagCheck) {
  EXPECT_TRUE(CheckEtag(StoredIndiaPlan(Plan::DRAFT), "").ok());
}

TEST(PlanLifecycleTest, CurrentEtagPassesTheEtagCheck) {
  EXPECT_TRUE(CheckEtag(StoredIndiaPlan(Plan::DRAFT), kCurrentEtag).ok());
}

TEST(PlanLifecycleTest, StaleEtagIsAborted) {
  absl::Status status = CheckEtag(StoredIndiaPlan(Plan::DRAFT), kStaleEtag);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(status), "ETAG_MISMATCH");
  EXPECT_EQ(ErrorResourceOf(status), kIndiaSteelName);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("'", kStaleEtag, "' is stale")));
}

// ---------------------------------------------------------------------------
// Deletion.

TEST(PlanLifecycleTest, DraftCanBeDeleted) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  EXPECT_TRUE(CheckDeletion(plan, "").ok());
  EXPECT_TRUE(CheckDeletion(plan, kCurrentEtag).ok());
}

TEST(PlanLifecycleTest, DeleteWithStaleEtagIsAborted) {
  absl::Status status = CheckDeletion(StoredIndiaPlan(Plan::DRAFT), kStaleEtag);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(status), "ETAG_MISMATCH");
}

TEST(PlanLifecycleTest, OnlyDraftPlansCanBeDeleted) {
  for (PlanState state : kAllStates) {
    if (state == Plan::DRAFT) continue;
    SCOPED_TRACE(Plan::State_Name(state));
    absl::Status status = CheckDeletion(StoredIndiaPlan(state), kCurrentEtag);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ErrorReasonOf(status), "INVALID_PLAN_STATE");
    EXPECT_EQ(ErrorResourceOf(status), kIndiaSteelName);
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(absl::StrCat("Only DRAFT plans can be deleted; ",
                                       kIndiaSteelName, " is ",
                                       Plan::State_Name(state))));
  }
}

// ---------------------------------------------------------------------------
// Output-only fields.

TEST(PlanLifecycleTest, ClearOutputOnlyFieldsKeepsTheContent) {
  Plan plan = StoredIndiaPlan(Plan::WITHDRAWN, 2);
  *plan.mutable_submit_time() =
      TimeUtil::MicrosecondsToTimestamp(kSubmitMicros);
  plan.set_withdrawal_reason("Superseded by the 2026 roadmap");
  ClearOutputOnlyFields(plan);
  EXPECT_EQ(plan.name(), "");
  EXPECT_EQ(plan.state(), Plan::STATE_UNSPECIFIED);
  EXPECT_EQ(plan.revision(), 0);
  EXPECT_EQ(plan.etag(), "");
  EXPECT_EQ(plan.country(), "");
  EXPECT_FALSE(plan.has_create_time());
  EXPECT_FALSE(plan.has_update_time());
  EXPECT_FALSE(plan.has_submit_time());
  EXPECT_EQ(plan.withdrawal_reason(), "");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, IndiaSteelPlan()));
}

// ---------------------------------------------------------------------------
// Updates.

TEST(PlanLifecycleTest, ContentFieldsAreUpdatable) {
  for (const char* path :
       {"display_name", "summary", "submitting_body", "sectors", "targets",
        "projects", "policies", "finance", "governance"}) {
    EXPECT_TRUE(IsUpdatableField(path)) << path;
  }
  for (const char* path :
       {"name", "state", "revision", "etag", "country", "create_time",
        "update_time", "submit_time", "withdrawal_reason", "*", "",
        "sectors.points", "Display_Name"}) {
    EXPECT_FALSE(IsUpdatableField(path)) << path;
  }
}

TEST(PlanLifecycleTest, UpdateWithMaskReplacesOnlyTheNamedFields) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  Plan patch = IndonesiaCementPlan();
  patch.set_display_name("India green steel and cement roadmap");
  ASSERT_TRUE(ApplyUpdate(plan, patch, Mask({"display_name"})).ok());

  Plan expected = StoredIndiaPlan(Plan::DRAFT);
  expected.set_display_name("India green steel and cement roadmap");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, expected)) << plan.DebugString();
}

TEST(PlanLifecycleTest, UpdateWithSeveralPathsReplacesEachOfThem) {
  Plan plan = StoredIndiaPlan(Plan::CHANGES_REQUESTED, 1);
  const Plan patch = IndonesiaCementPlan();
  ASSERT_TRUE(ApplyUpdate(plan, patch, Mask({"sectors", "targets"})).ok());
  EXPECT_EQ(plan.display_name(), "India green steel roadmap");
  EXPECT_EQ(plan.summary(), "Crude steel towards net zero by 2070");
  ASSERT_EQ(plan.sectors_size(), 1);
  EXPECT_EQ(plan.sectors(0).sector(), itp::v1::CEMENT);
  EXPECT_TRUE(MessageDifferencer::Equals(plan.sectors(0), patch.sectors(0)));
  ASSERT_EQ(plan.targets_size(), 1);
  EXPECT_EQ(plan.targets(0).target_year(), 2060);
  EXPECT_EQ(plan.projects_size(), 1);  // not in the mask: kept
  EXPECT_EQ(plan.state(), Plan::CHANGES_REQUESTED);
  EXPECT_EQ(plan.revision(), 1);
}

TEST(PlanLifecycleTest, UpdateOfAMessageFieldAbsentFromThePatchClearsIt) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  plan.mutable_finance()->set_total_need_usd(280e9);
  plan.mutable_governance()->set_lead_institution("Ministry of Steel");
  Plan patch = IndiaSteelPlan();  // neither finance nor governance
  ASSERT_TRUE(ApplyUpdate(plan, patch, Mask({"finance"})).ok());
  EXPECT_FALSE(plan.has_finance());
  EXPECT_TRUE(plan.has_governance());
}

// AIP-134: an empty mask names the fields the patch populates; the others
// keep their stored values (they used to be wiped).
TEST(PlanLifecycleTest, UpdateWithEmptyMaskReplacesOnlyPopulatedFields) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  plan.mutable_finance()->set_total_need_usd(280e9);
  plan.mutable_governance()->set_lead_institution("Ministry of Steel");
  plan.mutable_governance()->set_mrv_arrangements("Annual CCTS registry");
  Plan patch;
  patch.set_display_name("India green steel roadmap 2070");
  patch.mutable_governance()->set_lead_institution(
      "Bureau of Energy Efficiency");
  ASSERT_TRUE(ApplyUpdate(plan, patch, FieldMask()).ok());

  Plan expected = StoredIndiaPlan(Plan::DRAFT);
  expected.set_display_name("India green steel roadmap 2070");
  expected.mutable_finance()->set_total_need_usd(280e9);
  expected.mutable_governance()->set_lead_institution(
      "Bureau of Energy Efficiency");
  expected.mutable_governance()->set_mrv_arrangements("Annual CCTS registry");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, expected)) << plan.DebugString();
}

TEST(PlanLifecycleTest, UpdateWithEmptyMaskOfAFullPlanReplacesItsContent) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan patch = IndonesiaCementPlan();
  ASSERT_TRUE(ApplyUpdate(plan, patch, FieldMask()).ok());
  EXPECT_EQ(plan.display_name(), patch.display_name());
  ASSERT_EQ(plan.sectors_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(plan.sectors(0), patch.sectors(0)));
  EXPECT_EQ(plan.targets_size(), patch.targets_size());
  EXPECT_EQ(plan.name(), kIndiaSteelName);
  EXPECT_EQ(plan.etag(), kCurrentEtag);
  EXPECT_EQ(plan.country(), "IND");
  EXPECT_EQ(plan.state(), Plan::DRAFT);
}

TEST(PlanLifecycleTest, UpdateWithEmptyMaskAndEmptyPatchChangesNothing) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  ASSERT_TRUE(ApplyUpdate(plan, Plan(), FieldMask()).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(plan, StoredIndiaPlan(Plan::DRAFT)));
}

TEST(PlanLifecycleTest, UpdateOfANestedPathReplacesOnlyThatField) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  plan.mutable_governance()->set_lead_institution("Ministry of Steel");
  plan.mutable_governance()->set_mrv_arrangements("Annual CCTS registry");
  Plan patch = IndonesiaCementPlan();
  patch.mutable_governance()->set_lead_institution(
      "Bureau of Energy Efficiency");
  patch.mutable_governance()->set_mrv_arrangements("ignored: not in the mask");
  ASSERT_TRUE(
      ApplyUpdate(plan, patch, Mask({"governance.lead_institution"})).ok());

  Plan expected = StoredIndiaPlan(Plan::DRAFT);
  expected.mutable_governance()->set_lead_institution(
      "Bureau of Energy Efficiency");
  expected.mutable_governance()->set_mrv_arrangements("Annual CCTS registry");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, expected)) << plan.DebugString();
}

TEST(PlanLifecycleTest, UpdateOfANestedPathUnsetInThePatchClearsIt) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  plan.mutable_finance()->set_total_need_usd(280e9);
  plan.mutable_finance()->set_domestic_usd(120e9);
  Plan patch;  // no finance at all
  ASSERT_TRUE(ApplyUpdate(plan, patch, Mask({"finance.total_need_usd"})).ok());
  ASSERT_TRUE(plan.has_finance());
  EXPECT_FALSE(plan.finance().has_total_need_usd());
  EXPECT_EQ(plan.finance().domestic_usd(), 120e9);
}

TEST(PlanLifecycleTest, UpdateOfANestedPathOnAPlanWithoutTheMessageSetsIt) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  Plan patch;
  patch.mutable_finance()->set_international_usd(0);  // optional: zero is set
  ASSERT_TRUE(
      ApplyUpdate(plan, patch, Mask({"finance.international_usd"})).ok());
  ASSERT_TRUE(plan.finance().has_international_usd());
  EXPECT_EQ(plan.finance().international_usd(), 0);
  EXPECT_FALSE(plan.finance().has_total_need_usd());
  // Clearing a field of a message the plan does not have creates nothing.
  Plan bare = StoredIndiaPlan(Plan::DRAFT);
  ASSERT_TRUE(
      ApplyUpdate(bare, Plan(), Mask({"governance.lead_institution"})).ok());
  EXPECT_FALSE(bare.has_governance());
}

TEST(PlanLifecycleTest, UpdateOfAPathInsideAListOrAnUnknownSubfieldIsInvalid) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan before = plan;
  absl::Status status =
      ApplyUpdate(plan, IndonesiaCementPlan(),
                  Mask({"sectors.points", "governance.minister", "summary.text",
                        "governance."}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 4);
  EXPECT_EQ(bad_request.field_violations(0).field(), "update_mask.paths[0]");
  EXPECT_EQ(bad_request.field_violations(0).description(),
            "'sectors.points' goes inside 'sectors', which is a list; name "
            "the whole field to replace it.");
  EXPECT_EQ(bad_request.field_violations(1).field(), "update_mask.paths[1]");
  EXPECT_EQ(bad_request.field_violations(1).description(),
            "'governance.minister' is not a field that can be updated: "
            "Governance has no field 'minister'.");
  EXPECT_EQ(bad_request.field_violations(2).description(),
            "'summary.text' goes inside 'summary', which is not a message; "
            "name the whole field to replace it.");
  EXPECT_EQ(bad_request.field_violations(3).field(), "update_mask.paths[3]");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
}

TEST(PlanLifecycleTest, UpdateWithWildcardMaskReplacesAllContentFields) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan patch = IndonesiaCementPlan();
  ASSERT_TRUE(ApplyUpdate(plan, patch, Mask({"*"})).ok());
  EXPECT_TRUE(SameContent(plan, patch)) << plan.DebugString();
  EXPECT_EQ(plan.name(), kIndiaSteelName);
}

TEST(PlanLifecycleTest, UpdateIgnoresOutputOnlyFieldsOfThePatch) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  Plan patch = IndonesiaCementPlan();
  patch.set_name("countries/IDN/plans/cement-2060");
  patch.set_state(Plan::APPROVED);
  patch.set_revision(9);
  patch.set_country("IDN");
  patch.set_withdrawal_reason("none");
  ASSERT_TRUE(ApplyUpdate(plan, patch, Mask({"*"})).ok());
  EXPECT_EQ(plan.name(), kIndiaSteelName);
  EXPECT_EQ(plan.state(), Plan::DRAFT);
  EXPECT_EQ(plan.revision(), 0);
  EXPECT_EQ(plan.country(), "IND");
  EXPECT_EQ(plan.withdrawal_reason(), "");
}

TEST(PlanLifecycleTest, UpdateOfStateIsInvalidArgumentNamingTheMaskPath) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan before = plan;
  Plan patch = plan;
  patch.set_state(Plan::APPROVED);
  absl::Status status = ApplyUpdate(plan, patch, Mask({"state"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "update_mask.paths[0]");
  EXPECT_EQ(bad_request.field_violations(0).description(),
            "'state' is not a field that can be updated; use one of "
            "display_name, summary, submitting_body, sectors, targets, "
            "projects, policies, finance, governance; fields inside finance "
            "and governance can be named too, e.g. finance.total_need_usd.");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
}

TEST(PlanLifecycleTest, UpdateOfNameIsInvalidArgumentNamingTheMaskPath) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan before = plan;
  Plan patch = plan;
  patch.set_display_name("India steel");
  patch.set_name("countries/IND/plans/steel-2047");
  absl::Status status =
      ApplyUpdate(plan, patch, Mask({"display_name", "name"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "update_mask.paths[1]");
  EXPECT_THAT(bad_request.field_violations(0).description(),
              HasSubstr("'name' is not a field that can be updated"));
  // Nothing is applied, not even the valid path.
  EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
}

TEST(PlanLifecycleTest, UpdateReportsEveryUnknownMaskPath) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  absl::Status status = ApplyUpdate(
      plan, plan, Mask({"revision", "summary", "sectors.points", "etag"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 3);
  EXPECT_EQ(bad_request.field_violations(0).field(), "update_mask.paths[0]");
  EXPECT_EQ(bad_request.field_violations(1).field(), "update_mask.paths[2]");
  EXPECT_EQ(bad_request.field_violations(2).field(), "update_mask.paths[3]");
}

TEST(PlanLifecycleTest, UpdateOfANonEditablePlanIsFailedPrecondition) {
  for (PlanState state : kAllStates) {
    if (ContentEditable(state)) continue;
    SCOPED_TRACE(Plan::State_Name(state));
    Plan plan = StoredIndiaPlan(state, 1);
    const Plan before = plan;
    absl::Status status =
        ApplyUpdate(plan, IndonesiaCementPlan(), Mask({"display_name"}));
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ErrorReasonOf(status), "INVALID_PLAN_STATE");
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(Plan::State_Name(state)));
    EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
  }
}

TEST(PlanLifecycleTest, UpdateWithStaleEtagIsAborted) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan before = plan;
  Plan patch = IndonesiaCementPlan();
  patch.set_etag(kStaleEtag);
  absl::Status status = ApplyUpdate(plan, patch, Mask({"display_name"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(status), "ETAG_MISMATCH");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
}

TEST(PlanLifecycleTest, UpdateWithCurrentEtagSucceeds) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  Plan patch = IndonesiaCementPlan();
  patch.set_etag(kCurrentEtag);
  EXPECT_TRUE(ApplyUpdate(plan, patch, Mask({"summary"})).ok());
  EXPECT_EQ(plan.summary(), "Lower clinker ratio and biomass co-processing");
}

// ---------------------------------------------------------------------------
// Actions.

TEST(PlanLifecycleTest, SubmitIncrementsRevisionAndSetsSubmitTime) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  ASSERT_TRUE(
      ApplyAction(plan, PlanAction::kSubmit, kCurrentEtag, kSubmitMicros).ok());
  EXPECT_EQ(plan.state(), Plan::SUBMITTED);
  EXPECT_EQ(plan.revision(), 1);
  EXPECT_EQ(plan.submit_time().seconds(), 1772443800);
  EXPECT_EQ(plan.submit_time().nanos(), 250000000);
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(plan.submit_time()),
            kSubmitMicros);
}

TEST(PlanLifecycleTest, ResubmitAfterChangesRequestedCreatesTheNextRevision) {
  Plan plan = StoredIndiaPlan(Plan::CHANGES_REQUESTED, 1);
  ASSERT_TRUE(ApplyAction(plan, PlanAction::kSubmit, "", kSubmitMicros).ok());
  EXPECT_EQ(plan.state(), Plan::SUBMITTED);
  EXPECT_EQ(plan.revision(), 2);
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(plan.submit_time()),
            kSubmitMicros);
}

TEST(PlanLifecycleTest, OtherActionsKeepRevisionAndSubmitTime) {
  Plan plan = StoredIndiaPlan(Plan::SUBMITTED, 1);
  *plan.mutable_submit_time() = TimeUtil::SecondsToTimestamp(1767225600);
  ASSERT_TRUE(
      ApplyAction(plan, PlanAction::kStartReview, "", kSubmitMicros).ok());
  ASSERT_TRUE(ApplyAction(plan, PlanAction::kApprove, "", kSubmitMicros).ok());
  ASSERT_TRUE(ApplyAction(plan, PlanAction::kWithdraw, "", kSubmitMicros).ok());
  EXPECT_EQ(plan.state(), Plan::WITHDRAWN);
  EXPECT_EQ(plan.revision(), 1);
  EXPECT_EQ(plan.submit_time().seconds(), 1767225600);
}

TEST(PlanLifecycleTest, SubmitWithoutSectorsIsFailedPrecondition) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  plan.clear_sectors();
  const Plan before = plan;
  absl::Status status =
      ApplyAction(plan, PlanAction::kSubmit, kCurrentEtag, kSubmitMicros);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(status), "PLAN_INCOMPLETE");
  EXPECT_EQ(plan.state(), Plan::DRAFT);
  EXPECT_EQ(plan.revision(), 0);
  EXPECT_FALSE(plan.has_submit_time());
  EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
}

TEST(PlanLifecycleTest, SubmitWithStaleEtagIsAborted) {
  Plan plan = StoredIndiaPlan(Plan::DRAFT);
  const Plan before = plan;
  absl::Status status =
      ApplyAction(plan, PlanAction::kSubmit, kStaleEtag, kSubmitMicros);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(status), "ETAG_MISMATCH");
  EXPECT_TRUE(MessageDifferencer::Equals(plan, before));
}

TEST(PlanLifecycleTest, WithdrawWithStaleEtagIsAborted) {
  Plan plan = StoredIndiaPlan(Plan::APPROVED, 1);
  absl::Status status =
      ApplyAction(plan, PlanAction::kWithdraw, kStaleEtag, kSubmitMicros);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(plan.state(), Plan::APPROVED);
}

}  // namespace
}  // namespace itp::domain
