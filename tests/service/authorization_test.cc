// A sample of the authorization table (tests/testing/access_table.h) over a
// real channel to a real server: every RPC x the main kinds of caller, on a
// draft and an approved plan. The application-layer test runs every cell;
// this one shows that the gRPC adapters add and lose nothing. Visibility of
// lists and the audit of denied calls are checked here end to end too.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/investment_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/storage/sqlite.h"
#include "tests/testing/access_table.h"
#include "tests/testing/plan_states.h"
#include "tests/testing/server_harness.h"

namespace itp::service {
namespace {

using namespace ::itp::testing::access;  // NOLINT: the table's vocabulary
using ::itp::testing::ServerHarness;

// One server for the whole suite, with a key for each kind of caller.
class World {
 public:
  World() {
    absl::Status started = harness_.Start();
    EXPECT_TRUE(started.ok()) << started;
    investments_ = itp::v1::InvestmentService::NewStub(harness_.channel());
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
  // state machine.
  Plan MakePlan(const std::string& plan_id, Plan::State state) {
    return testing::MakePlanInState(*stores_.plans, "IND", plan_id, state);
  }

  const std::string& key(Caller c) { return keys_[c]; }

  itp::v1::PlanService::Stub& plans() { return harness_.plans(); }
  itp::v1::AdminService::Stub& admin() { return harness_.admin(); }
  itp::v1::BenchmarkService::Stub& benchmarks() {
    return harness_.benchmarks();
  }
  itp::v1::ReviewService::Stub& reviews() { return harness_.reviews(); }
  itp::v1::ProgressService::Stub& progress() { return harness_.progress(); }
  itp::v1::BenchmarkJobService::Stub& jobs() { return harness_.jobs(); }
  itp::v1::InvestmentService::Stub& investments() { return *investments_; }

 private:
  ServerHarness harness_;
  std::unique_ptr<itp::v1::InvestmentService::Stub> investments_;
  std::map<Caller, std::string> keys_;
  storage::SqliteStores stores_;
};

// Makes each cell's call over the channel with the caller's key.
class GrpcClient {
 public:
  GrpcClient(World& world, Caller caller) : world_(world), caller_(caller) {}

#define ITP_GRPC_CALL(Request, Response, stub, Method)                         \
  absl::StatusCode Call(const itp::v1::Request& request, Response* response) { \
    grpc::ClientContext context;                                               \
    world_.Authorize(&context, caller_);                                       \
    return static_cast<absl::StatusCode>(                                      \
        world_.stub().Method(&context, request, response).error_code());       \
  }
  ITP_ACCESS_TABLE_CALLS(ITP_GRPC_CALL)
#undef ITP_GRPC_CALL

 private:
  World& world_;
  Caller caller_;
};

class AuthorizationTest : public ::testing::TestWithParam<Cell> {
 protected:
  static void SetUpTestSuite() { world_ = new World(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  absl::StatusCode Run(const Cell& cell) {
    GrpcClient client(*world_, cell.caller);
    return RunCell(cell, client,
                   [](const std::string& plan_id, Plan::State state) {
                     return world_->MakePlan(plan_id, state);
                   });
  }

  static World* world_;
};

World* AuthorizationTest::world_ = nullptr;

TEST_P(AuthorizationTest, CallGetsTheExpectedCode) {
  const Cell& cell = GetParam();
  EXPECT_EQ(Run(cell), Expected(cell.rpc, cell.caller, cell.state));
}

// The sample: the callers that differ most, and a draft (hidden from all but
// its own country and admins) and an approved plan (readable by everyone).
std::vector<Cell> SampleCells() {
  const std::set<Caller> callers = {Caller::kNoKey, Caller::kPartnerOwn,
                                    Caller::kPartnerOther, Caller::kReviewer,
                                    Caller::kAdmin};
  std::vector<Cell> cells;
  for (const Cell& cell : AllCells()) {
    if (callers.count(cell.caller) == 0) continue;
    if (cell.state != Plan::DRAFT && cell.state != Plan::APPROVED) continue;
    cells.push_back(cell);
  }
  return cells;
}

INSTANTIATE_TEST_SUITE_P(SampleOverARealChannel, AuthorizationTest,
                         ::testing::ValuesIn(SampleCells()), CellName);

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
    grpc::StatusCode code =
        world_->plans().GetPlan(&context, request, &response).error_code();
    const bool reads_all_of_india =
        caller == Caller::kAdmin || caller == Caller::kPartnerOwn;
    EXPECT_EQ(code, reads_all_of_india ? grpc::StatusCode::NOT_FOUND
                                       : grpc::StatusCode::PERMISSION_DENIED);
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
        grpc::StatusCode::PERMISSION_DENIED);
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
