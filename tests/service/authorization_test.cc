// The authorization table: every RPC x every kind of caller x own/other
// country x every plan state, over a real channel to a real server, with the
// expected status code of each cell written out from the access rules:
//
//   PARTNER   writes the plans of its countries; reads every plan of its
//             countries and APPROVED plans of all countries.
//   REVIEWER  reads every non-draft plan and revision; no edits.
//   BENCHMARK_RUNNER reads non-draft plans.
//   ADMIN     everything, plus keys and the audit trail.
//   No, bad or revoked key: UNAUTHENTICATED. A hidden or missing plan is
//   PERMISSION_DENIED for a caller who may not read every plan of its country.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/domain/plan_lifecycle.h"
#include "server/storage/sqlite.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using grpc::StatusCode;
using ::itp::testing::ServerHarness;
using itp::v1::Plan;

enum class Caller {
  kNoKey,
  kBadKey,
  kRevokedKey,
  kPartnerOwn,    // PARTNER key for IND, on India plans
  kPartnerOther,  // PARTNER key for BRA, on India plans
  kReviewer,
  kRunner,
  kAdmin,
};

enum class Rpc {
  kCreatePlan,
  kGetPlan,
  kListPlans,
  kUpdatePlan,
  kDeletePlan,
  kSubmitPlan,
  kWithdrawPlan,
  kGetPlanRevision,
  kListPlanRevisions,
  kCreateApiKey,
  kListApiKeys,
  kRevokeApiKey,
  kListAuditEvents,
  kListPathways,
  kCreatePathway,
  kBenchmarkPlan,
  kListBenchmarkReports,
  kComparePlans,
  kGetRubric,
  kStartReview,
  kListReviews,
  kComparePlanRevisions,
};

const std::vector<Caller> kCallers = {
    Caller::kNoKey,      Caller::kBadKey,       Caller::kRevokedKey,
    Caller::kPartnerOwn, Caller::kPartnerOther, Caller::kReviewer,
    Caller::kRunner,     Caller::kAdmin};

const std::vector<Plan::State> kStates = {
    Plan::DRAFT,    Plan::SUBMITTED, Plan::IN_REVIEW, Plan::CHANGES_REQUESTED,
    Plan::APPROVED, Plan::REJECTED,  Plan::WITHDRAWN};

std::string CallerName(Caller c) {
  switch (c) {
    case Caller::kNoKey:
      return "NoKey";
    case Caller::kBadKey:
      return "BadKey";
    case Caller::kRevokedKey:
      return "RevokedKey";
    case Caller::kPartnerOwn:
      return "PartnerOwnCountry";
    case Caller::kPartnerOther:
      return "PartnerOtherCountry";
    case Caller::kReviewer:
      return "Reviewer";
    case Caller::kRunner:
      return "BenchmarkRunner";
    case Caller::kAdmin:
      return "Admin";
  }
  return "";
}

std::string RpcName(Rpc r) {
  switch (r) {
    case Rpc::kCreatePlan:
      return "CreatePlan";
    case Rpc::kGetPlan:
      return "GetPlan";
    case Rpc::kListPlans:
      return "ListPlans";
    case Rpc::kUpdatePlan:
      return "UpdatePlan";
    case Rpc::kDeletePlan:
      return "DeletePlan";
    case Rpc::kSubmitPlan:
      return "SubmitPlan";
    case Rpc::kWithdrawPlan:
      return "WithdrawPlan";
    case Rpc::kGetPlanRevision:
      return "GetPlanRevision";
    case Rpc::kListPlanRevisions:
      return "ListPlanRevisions";
    case Rpc::kCreateApiKey:
      return "CreateApiKey";
    case Rpc::kListApiKeys:
      return "ListApiKeys";
    case Rpc::kRevokeApiKey:
      return "RevokeApiKey";
    case Rpc::kListAuditEvents:
      return "ListAuditEvents";
    case Rpc::kListPathways:
      return "ListPathways";
    case Rpc::kCreatePathway:
      return "CreatePathway";
    case Rpc::kBenchmarkPlan:
      return "BenchmarkPlan";
    case Rpc::kListBenchmarkReports:
      return "ListBenchmarkReports";
    case Rpc::kComparePlans:
      return "ComparePlans";
    case Rpc::kGetRubric:
      return "GetRubric";
    case Rpc::kStartReview:
      return "StartReview";
    case Rpc::kListReviews:
      return "ListReviews";
    case Rpc::kComparePlanRevisions:
      return "ComparePlanRevisions";
  }
  return "";
}

bool Authenticated(Caller c) {
  return c != Caller::kNoKey && c != Caller::kBadKey &&
         c != Caller::kRevokedKey;
}

// Whether `c` may read an India plan in `state`, per the rules above.
bool MayRead(Caller c, Plan::State state) {
  switch (c) {
    case Caller::kAdmin:
    case Caller::kPartnerOwn:
      return true;
    case Caller::kPartnerOther:
      return state == Plan::APPROVED;
    case Caller::kReviewer:
    case Caller::kRunner:
      return state != Plan::DRAFT;
    default:
      return false;
  }
}

bool MayWrite(Caller c) {
  return c == Caller::kAdmin || c == Caller::kPartnerOwn;
}

// The expected code of one cell. `state` is ignored by the calls that do not
// act on an existing plan.
StatusCode Expected(Rpc rpc, Caller c, Plan::State state) {
  if (!Authenticated(c)) return StatusCode::UNAUTHENTICATED;
  const bool editable =
      state == Plan::DRAFT || state == Plan::CHANGES_REQUESTED;
  switch (rpc) {
    case Rpc::kCreatePlan:
      return MayWrite(c) ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    case Rpc::kListPlans:
      return StatusCode::OK;
    case Rpc::kGetPlan:
    case Rpc::kListPlanRevisions:
      return MayRead(c, state) ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    case Rpc::kGetPlanRevision:
      if (!MayRead(c, state)) return StatusCode::PERMISSION_DENIED;
      // A plan that was never submitted has no revision 1.
      return state == Plan::DRAFT ? StatusCode::NOT_FOUND : StatusCode::OK;
    case Rpc::kUpdatePlan:
    case Rpc::kSubmitPlan:
      if (!MayWrite(c)) return StatusCode::PERMISSION_DENIED;
      return editable ? StatusCode::OK : StatusCode::FAILED_PRECONDITION;
    case Rpc::kDeletePlan:
      if (!MayWrite(c)) return StatusCode::PERMISSION_DENIED;
      return state == Plan::DRAFT ? StatusCode::OK
                                  : StatusCode::FAILED_PRECONDITION;
    case Rpc::kWithdrawPlan:
      if (!MayWrite(c)) return StatusCode::PERMISSION_DENIED;
      return state == Plan::SUBMITTED || state == Plan::IN_REVIEW ||
                     state == Plan::CHANGES_REQUESTED || state == Plan::APPROVED
                 ? StatusCode::OK
                 : StatusCode::FAILED_PRECONDITION;
    case Rpc::kCreateApiKey:
    case Rpc::kListApiKeys:
    case Rpc::kRevokeApiKey:
    case Rpc::kListAuditEvents:
    case Rpc::kCreatePathway:
      return c == Caller::kAdmin ? StatusCode::OK
                                 : StatusCode::PERMISSION_DENIED;
    case Rpc::kListPathways:
    case Rpc::kComparePlans:
    case Rpc::kGetRubric:
      return StatusCode::OK;
    case Rpc::kBenchmarkPlan:
      // Partners benchmark their own plans only, drafts included.
      if (c == Caller::kPartnerOther) return StatusCode::PERMISSION_DENIED;
      return MayRead(c, state) ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    case Rpc::kListBenchmarkReports:
      return MayRead(c, state) ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    case Rpc::kStartReview:
      if (c != Caller::kReviewer && c != Caller::kAdmin) {
        return StatusCode::PERMISSION_DENIED;
      }
      if (!MayRead(c, state)) return StatusCode::PERMISSION_DENIED;
      return state == Plan::SUBMITTED ? StatusCode::OK
                                      : StatusCode::FAILED_PRECONDITION;
    case Rpc::kListReviews:
      // Reviews are the secretariat's and the plan's own country's.
      if (c == Caller::kRunner || c == Caller::kPartnerOther) {
        return StatusCode::PERMISSION_DENIED;
      }
      return MayRead(c, state) ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    case Rpc::kComparePlanRevisions:
      if (!MayRead(c, state)) return StatusCode::PERMISSION_DENIED;
      // A plan never submitted has no revision 1 to compare.
      return state == Plan::DRAFT ? StatusCode::INVALID_ARGUMENT
                                  : StatusCode::OK;
  }
  return StatusCode::UNKNOWN;
}

// One server for the whole suite, with a key for each kind of caller.
class World {
 public:
  World() {
    absl::Status started = harness_.Start();
    EXPECT_TRUE(started.ok()) << started;
    keys_[Caller::kAdmin] = harness_.admin_key();
    keys_[Caller::kBadKey] =
        "itp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    keys_[Caller::kPartnerOwn] =
        harness_
            .CreateKey(itp::v1::PARTNER, {"IND"}, "Ministry of Steel, India")
            .secret;
    keys_[Caller::kPartnerOther] =
        harness_
            .CreateKey(itp::v1::PARTNER, {"BRA"},
                       "Ministry of Industry, Brazil")
            .secret;
    keys_[Caller::kReviewer] =
        harness_.CreateKey(itp::v1::REVIEWER, {}, "LeadIT secretariat reviewer")
            .secret;
    keys_[Caller::kRunner] =
        harness_
            .CreateKey(itp::v1::BENCHMARK_RUNNER, {}, "Nightly benchmark job")
            .secret;
    ServerHarness::Key revoked =
        harness_.CreateKey(itp::v1::PARTNER, {"IND"}, "Retired India upload");
    keys_[Caller::kRevokedKey] = revoked.secret;
    grpc::ClientContext context;
    Authorize(&context, Caller::kAdmin);
    itp::v1::RevokeApiKeyRequest revoke;
    revoke.set_name(revoked.name);
    itp::v1::ApiKey ignored;
    EXPECT_TRUE(harness_.admin().RevokeApiKey(&context, revoke, &ignored).ok());

    storage::SqliteOptions options;
    options.path = harness_.db_path();
    options.pool_size = 1;
    auto stores = storage::OpenSqliteStores(options);
    EXPECT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
  }

  // The server stops before the stores of the test close.
  ~World() { harness_.Stop(); }

  void Authorize(grpc::ClientContext* context, Caller c) {
    if (c != Caller::kNoKey) ServerHarness::Authorize(context, keys_[c]);
  }

  // An India plan named `plan_id`, driven into `state` through the domain
  // state machine (review transitions have no RPC yet).
  Plan MakePlan(const std::string& plan_id, Plan::State state) {
    using domain::PlanAction;
    storage::WriteContext ctx;
    ctx.method = "authorization_test/setup";
    Plan plan = testing::IndiaSteelPlan();
    plan.set_name(absl::StrCat("countries/IND/plans/", plan_id));
    auto created = stores_.plans->CreatePlan(ctx, plan);
    if (!created.ok()) {
      ADD_FAILURE() << created.status();
      return plan;
    }
    std::vector<PlanAction> path;
    switch (state) {
      case Plan::SUBMITTED:
        path = {PlanAction::kSubmit};
        break;
      case Plan::IN_REVIEW:
        path = {PlanAction::kSubmit, PlanAction::kStartReview};
        break;
      case Plan::CHANGES_REQUESTED:
        path = {PlanAction::kSubmit, PlanAction::kStartReview,
                PlanAction::kRequestChanges};
        break;
      case Plan::APPROVED:
        path = {PlanAction::kSubmit, PlanAction::kStartReview,
                PlanAction::kApprove};
        break;
      case Plan::REJECTED:
        path = {PlanAction::kSubmit, PlanAction::kStartReview,
                PlanAction::kReject};
        break;
      case Plan::WITHDRAWN:
        path = {PlanAction::kSubmit, PlanAction::kWithdraw};
        break;
      default:
        break;
    }
    Plan result = *created;
    for (PlanAction action : path) {
      auto moved = stores_.plans->MutatePlan(
          ctx, plan.name(), [action](Plan& p, int64_t now) {
            return domain::ApplyAction(p, action, "", now);
          });
      if (!moved.ok()) {
        ADD_FAILURE() << moved.status();
        return result;
      }
      result = *moved;
    }
    EXPECT_EQ(result.state(), state);
    return result;
  }

  itp::v1::PlanService::Stub& plans() { return harness_.plans(); }
  itp::v1::AdminService::Stub& admin() { return harness_.admin(); }
  itp::v1::BenchmarkService::Stub& benchmarks() {
    return harness_.benchmarks();
  }
  itp::v1::ReviewService::Stub& reviews() { return harness_.reviews(); }

 private:
  ServerHarness harness_;
  std::map<Caller, std::string> keys_;
  storage::SqliteStores stores_;
};

struct Cell {
  Rpc rpc;
  Caller caller;
  Plan::State state;
};

void PrintTo(const Cell& cell, std::ostream* os) {
  *os << RpcName(cell.rpc) << " by " << CallerName(cell.caller) << " on a "
      << Plan::State_Name(cell.state) << " plan";
}

std::string CellName(const ::testing::TestParamInfo<Cell>& info) {
  std::string state = absl::StrReplaceAll(
      absl::AsciiStrToLower(Plan::State_Name(info.param.state)), {{"_", ""}});
  state[0] = absl::ascii_toupper(state[0]);
  return absl::StrCat(RpcName(info.param.rpc), "_",
                      CallerName(info.param.caller), "_", state);
}

class AuthorizationTest : public ::testing::TestWithParam<Cell> {
 protected:
  static void SetUpTestSuite() { world_ = new World(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  // Runs the cell's RPC as its caller and returns the status code.
  StatusCode Run(const Cell& cell) {
    static int counter = 0;
    const std::string plan_id = absl::StrCat(
        "steel-", absl::AsciiStrToLower(RpcName(cell.rpc)), "-", ++counter);
    grpc::ClientContext context;
    world_->Authorize(&context, cell.caller);
    switch (cell.rpc) {
      case Rpc::kCreatePlan: {
        itp::v1::CreatePlanRequest request;
        request.set_parent("countries/IND");
        request.set_plan_id(plan_id);
        *request.mutable_plan() = testing::IndiaSteelPlan();
        Plan response;
        return world_->plans()
            .CreatePlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kGetPlan: {
        itp::v1::GetPlanRequest request;
        request.set_name(world_->MakePlan(plan_id, cell.state).name());
        Plan response;
        return world_->plans()
            .GetPlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kListPlans: {
        itp::v1::ListPlansRequest request;
        request.set_parent("countries/IND");
        itp::v1::ListPlansResponse response;
        return world_->plans()
            .ListPlans(&context, request, &response)
            .error_code();
      }
      case Rpc::kUpdatePlan: {
        Plan plan = world_->MakePlan(plan_id, cell.state);
        itp::v1::UpdatePlanRequest request;
        *request.mutable_plan() = plan;
        request.mutable_plan()->set_summary("Revised after consultation");
        request.mutable_update_mask()->add_paths("summary");
        Plan response;
        return world_->plans()
            .UpdatePlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kDeletePlan: {
        itp::v1::DeletePlanRequest request;
        request.set_name(world_->MakePlan(plan_id, cell.state).name());
        google::protobuf::Empty response;
        return world_->plans()
            .DeletePlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kSubmitPlan: {
        itp::v1::SubmitPlanRequest request;
        request.set_name(world_->MakePlan(plan_id, cell.state).name());
        Plan response;
        return world_->plans()
            .SubmitPlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kWithdrawPlan: {
        itp::v1::WithdrawPlanRequest request;
        request.set_name(world_->MakePlan(plan_id, cell.state).name());
        request.set_reason("Superseded by the updated national roadmap");
        Plan response;
        return world_->plans()
            .WithdrawPlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kGetPlanRevision: {
        itp::v1::GetPlanRevisionRequest request;
        request.set_name(absl::StrCat(
            world_->MakePlan(plan_id, cell.state).name(), "/revisions/1"));
        itp::v1::PlanRevision response;
        return world_->plans()
            .GetPlanRevision(&context, request, &response)
            .error_code();
      }
      case Rpc::kListPlanRevisions: {
        itp::v1::ListPlanRevisionsRequest request;
        request.set_parent(world_->MakePlan(plan_id, cell.state).name());
        itp::v1::ListPlanRevisionsResponse response;
        return world_->plans()
            .ListPlanRevisions(&context, request, &response)
            .error_code();
      }
      case Rpc::kCreateApiKey: {
        itp::v1::CreateApiKeyRequest request;
        request.mutable_api_key()->set_role(itp::v1::REVIEWER);
        request.mutable_api_key()->set_display_name("Secretariat reviewer");
        itp::v1::CreateApiKeyResponse response;
        return world_->admin()
            .CreateApiKey(&context, request, &response)
            .error_code();
      }
      case Rpc::kListApiKeys: {
        itp::v1::ListApiKeysRequest request;
        itp::v1::ListApiKeysResponse response;
        return world_->admin()
            .ListApiKeys(&context, request, &response)
            .error_code();
      }
      case Rpc::kRevokeApiKey: {
        // Revoking an unknown key: the check comes before existence, so
        // only an admin learns that it does not exist.
        itp::v1::RevokeApiKeyRequest request;
        request.set_name("apiKeys/00000000deadbeef");
        itp::v1::ApiKey response;
        StatusCode code = world_->admin()
                              .RevokeApiKey(&context, request, &response)
                              .error_code();
        return code == StatusCode::NOT_FOUND ? StatusCode::OK : code;
      }
      case Rpc::kListAuditEvents: {
        itp::v1::ListAuditEventsRequest request;
        itp::v1::ListAuditEventsResponse response;
        return world_->admin()
            .ListAuditEvents(&context, request, &response)
            .error_code();
      }
      case Rpc::kListPathways: {
        itp::v1::ListPathwaysRequest request;
        request.set_sector(itp::v1::IRON_AND_STEEL);
        itp::v1::ListPathwaysResponse response;
        return world_->benchmarks()
            .ListPathways(&context, request, &response)
            .error_code();
      }
      case Rpc::kCreatePathway: {
        itp::v1::CreatePathwayRequest request;
        request.set_pathway_id(plan_id);
        itp::v1::Pathway* p = request.mutable_pathway();
        p->set_display_name("India national steel pathway");
        p->set_sector(itp::v1::IRON_AND_STEEL);
        p->set_scenario("National Steel Policy");
        p->set_stringency_rank(1);
        p->set_family("India national 2024");
        p->set_source("Ministry of Steel, Government of India");
        p->set_release_date("2024-12");
        for (auto [year, intensity] :
             {std::pair{2020, 2.54}, {2030, 2.2}, {2050, 1.2}}) {
          auto* point = p->add_points();
          point->set_year(year);
          point->set_intensity_tco2_per_t(intensity);
        }
        itp::v1::Pathway response;
        return world_->benchmarks()
            .CreatePathway(&context, request, &response)
            .error_code();
      }
      case Rpc::kBenchmarkPlan: {
        itp::v1::BenchmarkPlanRequest request;
        request.set_name(world_->MakePlan(plan_id, cell.state).name());
        itp::v1::BenchmarkReport response;
        return world_->benchmarks()
            .BenchmarkPlan(&context, request, &response)
            .error_code();
      }
      case Rpc::kListBenchmarkReports: {
        itp::v1::ListBenchmarkReportsRequest request;
        request.set_parent(world_->MakePlan(plan_id, cell.state).name());
        itp::v1::ListBenchmarkReportsResponse response;
        return world_->benchmarks()
            .ListBenchmarkReports(&context, request, &response)
            .error_code();
      }
      case Rpc::kComparePlans: {
        itp::v1::ComparePlansRequest request;
        request.set_sector(itp::v1::IRON_AND_STEEL);
        itp::v1::ComparePlansResponse response;
        return world_->benchmarks()
            .ComparePlans(&context, request, &response)
            .error_code();
      }
      case Rpc::kGetRubric: {
        itp::v1::GetRubricRequest request;
        itp::v1::Rubric response;
        return world_->reviews()
            .GetRubric(&context, request, &response)
            .error_code();
      }
      case Rpc::kStartReview: {
        itp::v1::StartReviewRequest request;
        request.set_parent(world_->MakePlan(plan_id, cell.state).name());
        itp::v1::Review response;
        return world_->reviews()
            .StartReview(&context, request, &response)
            .error_code();
      }
      case Rpc::kListReviews: {
        itp::v1::ListReviewsRequest request;
        request.set_parent(world_->MakePlan(plan_id, cell.state).name());
        itp::v1::ListReviewsResponse response;
        return world_->reviews()
            .ListReviews(&context, request, &response)
            .error_code();
      }
      case Rpc::kComparePlanRevisions: {
        itp::v1::ComparePlanRevisionsRequest request;
        request.set_plan(world_->MakePlan(plan_id, cell.state).name());
        request.set_from_revision(1);
        request.set_to_revision(1);
        itp::v1::ComparePlanRevisionsResponse response;
        return world_->reviews()
            .ComparePlanRevisions(&context, request, &response)
            .error_code();
      }
    }
    return StatusCode::UNKNOWN;
  }

  static World* world_;
};

World* AuthorizationTest::world_ = nullptr;

TEST_P(AuthorizationTest, CallGetsTheExpectedCode) {
  const Cell& cell = GetParam();
  EXPECT_EQ(Run(cell), Expected(cell.rpc, cell.caller, cell.state));
}

std::vector<Cell> AllCells() {
  std::vector<Cell> cells;
  const std::vector<Rpc> plan_rpcs = {
      Rpc::kGetPlan,           Rpc::kUpdatePlan,    Rpc::kDeletePlan,
      Rpc::kSubmitPlan,        Rpc::kWithdrawPlan,  Rpc::kGetPlanRevision,
      Rpc::kListPlanRevisions, Rpc::kBenchmarkPlan, Rpc::kListBenchmarkReports,
      Rpc::kStartReview,       Rpc::kListReviews,   Rpc::kComparePlanRevisions};
  for (Rpc rpc : plan_rpcs) {
    for (Caller caller : kCallers) {
      for (Plan::State state : kStates) cells.push_back({rpc, caller, state});
    }
  }
  for (Rpc rpc : {Rpc::kCreatePlan, Rpc::kListPlans, Rpc::kCreateApiKey,
                  Rpc::kListApiKeys, Rpc::kRevokeApiKey, Rpc::kListAuditEvents,
                  Rpc::kListPathways, Rpc::kCreatePathway, Rpc::kComparePlans,
                  Rpc::kGetRubric}) {
    for (Caller caller : kCallers) cells.push_back({rpc, caller, Plan::DRAFT});
  }
  return cells;
}

INSTANTIATE_TEST_SUITE_P(EveryRpcCallerCountryAndState, AuthorizationTest,
                         ::testing::ValuesIn(AllCells()), CellName);

// Listing returns exactly the plans the caller may read, and paginates
// correctly over them.
class VisibilityTest : public AuthorizationTest {};

TEST_F(VisibilityTest, ListsReturnExactlyTheReadablePlans) {
  std::map<std::string, Plan::State> india;
  for (Plan::State state : kStates) {
    for (int i = 0; i < 3; ++i) {
      Plan plan = world_->MakePlan(
          absl::StrCat("visible-", static_cast<int>(state), "-", i), state);
      india[plan.name()] = state;
    }
  }
  for (Caller caller : kCallers) {
    if (!Authenticated(caller)) continue;
    for (const char* parent : {"countries/IND", "countries/-"}) {
      SCOPED_TRACE(absl::StrCat(CallerName(caller), " ", parent));
      std::set<std::string> listed;
      itp::v1::ListPlansRequest request;
      request.set_parent(parent);
      request.set_page_size(4);
      request.set_filter("country = IND");
      int total = -1;
      do {
        grpc::ClientContext context;
        world_->Authorize(&context, caller);
        itp::v1::ListPlansResponse response;
        ASSERT_TRUE(
            world_->plans().ListPlans(&context, request, &response).ok());
        if (total < 0) total = response.total_size();
        EXPECT_EQ(response.total_size(), total);
        for (const Plan& p : response.plans()) {
          EXPECT_TRUE(listed.insert(p.name()).second) << p.name();
          EXPECT_TRUE(MayRead(caller, p.state())) << p.name();
        }
        request.set_page_token(response.next_page_token());
      } while (!request.page_token().empty());
      for (const auto& [name, state] : india) {
        EXPECT_EQ(listed.count(name) == 1, MayRead(caller, state)) << name;
      }
      EXPECT_EQ(total, static_cast<int>(listed.size()));
    }
  }
}

TEST_F(VisibilityTest, MissingPlanLooksLikeAHiddenOneToOtherCountries) {
  for (Caller caller : kCallers) {
    if (!Authenticated(caller)) continue;
    SCOPED_TRACE(CallerName(caller));
    grpc::ClientContext context;
    world_->Authorize(&context, caller);
    itp::v1::GetPlanRequest request;
    request.set_name("countries/IND/plans/cement-2070-unpublished");
    Plan response;
    StatusCode code =
        world_->plans().GetPlan(&context, request, &response).error_code();
    const bool reads_all_of_india =
        caller == Caller::kAdmin || caller == Caller::kPartnerOwn;
    EXPECT_EQ(code, reads_all_of_india ? StatusCode::NOT_FOUND
                                       : StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(VisibilityTest, DeniedAttemptsAndChangesAreAudited) {
  Plan plan = world_->MakePlan("audited-steel", Plan::DRAFT);
  {
    grpc::ClientContext context;
    world_->Authorize(&context, Caller::kPartnerOther);
    itp::v1::SubmitPlanRequest request;
    request.set_name(plan.name());
    request.set_request_id("3b241101-e2bb-4255-8caf-4136c566a962");
    Plan response;
    EXPECT_EQ(
        world_->plans().SubmitPlan(&context, request, &response).error_code(),
        StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    world_->Authorize(&context, Caller::kPartnerOwn);
    itp::v1::SubmitPlanRequest request;
    request.set_name(plan.name());
    request.set_request_id("9c5b94b1-35ad-49bb-b118-8e8fc24abf80");
    Plan response;
    EXPECT_TRUE(world_->plans().SubmitPlan(&context, request, &response).ok());
  }
  grpc::ClientContext context;
  world_->Authorize(&context, Caller::kAdmin);
  itp::v1::ListAuditEventsRequest request;
  request.set_filter(absl::StrCat("resource = \"", plan.name(),
                                  "\" AND method = "
                                  "\"/itp.v1.PlanService/SubmitPlan\""));
  itp::v1::ListAuditEventsResponse response;
  ASSERT_TRUE(
      world_->admin().ListAuditEvents(&context, request, &response).ok());
  ASSERT_EQ(response.audit_events_size(), 2);
  const auto& granted = response.audit_events(0);  // newest first
  const auto& denied = response.audit_events(1);
  EXPECT_EQ(granted.code(), "OK");
  EXPECT_EQ(granted.role(), itp::v1::PARTNER);
  EXPECT_EQ(granted.request_id(), "9c5b94b1-35ad-49bb-b118-8e8fc24abf80");
  EXPECT_EQ(denied.code(), "PERMISSION_DENIED");
  EXPECT_EQ(denied.role(), itp::v1::PARTNER);
  EXPECT_EQ(denied.request_id(), "3b241101-e2bb-4255-8caf-4136c566a962");
  EXPECT_NE(denied.api_key(), granted.api_key());
  EXPECT_TRUE(denied.api_key().rfind("apiKeys/", 0) == 0);
}

}  // namespace
}  // namespace itp::service
