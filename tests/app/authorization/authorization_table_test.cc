// The whole authorization table against the application layer, in one
// process: every operation x every kind of caller x own/other country x
// every plan state (tests/testing/access_table.h), with no server and no
// channel. tests/service/authorization_test.cc runs a sample of the same
// cells over a real channel.
#include <map>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/access_table.h"
#include "tests/testing/app_harness.h"

namespace itp::app {
namespace {

using namespace ::itp::testing::access;  // NOLINT: the table's vocabulary

// Makes each cell's call as its caller, straight into the operations.
class AppClient {
 public:
  AppClient(Application& app, const Caller& caller)
      : app_(app), caller_(caller) {}

#define ITP_APP_CALL(Request, Response, group, Op)                             \
  absl::StatusCode Call(const itp::v1::Request& request, Response* response) { \
    auto result = app_.group().Op(caller_, request);                           \
    if (result.ok()) *response = *std::move(result);                           \
    return result.status().code();                                             \
  }
  ITP_APP_CALL(CreatePlanRequest, Plan, plans, CreatePlan)
  ITP_APP_CALL(GetPlanRequest, Plan, plans, GetPlan)
  ITP_APP_CALL(ListPlansRequest, itp::v1::ListPlansResponse, plans, ListPlans)
  ITP_APP_CALL(UpdatePlanRequest, Plan, plans, UpdatePlan)
  ITP_APP_CALL(DeletePlanRequest, google::protobuf::Empty, plans, DeletePlan)
  ITP_APP_CALL(SubmitPlanRequest, Plan, plans, SubmitPlan)
  ITP_APP_CALL(WithdrawPlanRequest, Plan, plans, WithdrawPlan)
  ITP_APP_CALL(GetPlanRevisionRequest, itp::v1::PlanRevision, plans,
               GetPlanRevision)
  ITP_APP_CALL(ListPlanRevisionsRequest, itp::v1::ListPlanRevisionsResponse,
               plans, ListPlanRevisions)
  ITP_APP_CALL(CreateApiKeyRequest, itp::v1::CreateApiKeyResponse, admin,
               CreateApiKey)
  ITP_APP_CALL(ListApiKeysRequest, itp::v1::ListApiKeysResponse, admin,
               ListApiKeys)
  ITP_APP_CALL(RevokeApiKeyRequest, itp::v1::ApiKey, admin, RevokeApiKey)
  ITP_APP_CALL(ListAuditEventsRequest, itp::v1::ListAuditEventsResponse, admin,
               ListAuditEvents)
  ITP_APP_CALL(ListPathwaysRequest, itp::v1::ListPathwaysResponse, benchmarks,
               ListPathways)
  ITP_APP_CALL(CreatePathwayRequest, itp::v1::Pathway, benchmarks,
               CreatePathway)
  ITP_APP_CALL(BenchmarkPlanRequest, itp::v1::BenchmarkReport, benchmarks,
               BenchmarkPlan)
  ITP_APP_CALL(ListBenchmarkReportsRequest,
               itp::v1::ListBenchmarkReportsResponse, benchmarks,
               ListBenchmarkReports)
  ITP_APP_CALL(ComparePlansRequest, itp::v1::ComparePlansResponse, benchmarks,
               ComparePlans)
  ITP_APP_CALL(GetRubricRequest, itp::v1::Rubric, reviews, GetRubric)
  ITP_APP_CALL(StartReviewRequest, itp::v1::Review, reviews, StartReview)
  ITP_APP_CALL(ListReviewsRequest, itp::v1::ListReviewsResponse, reviews,
               ListReviews)
  ITP_APP_CALL(ComparePlanRevisionsRequest,
               itp::v1::ComparePlanRevisionsResponse, reviews,
               ComparePlanRevisions)
#undef ITP_APP_CALL

 private:
  Application& app_;
  const Caller& caller_;
};

// One application for the whole table, with a caller of each kind.
class World {
 public:
  World() {
    absl::Status opened = harness_.Open();
    EXPECT_TRUE(opened.ok()) << opened;
    callers_.emplace(testing::access::Caller::kAdmin, harness_.admin().caller);
    callers_.emplace(testing::access::Caller::kNoKey, harness_.NoKey());
    callers_.emplace(
        testing::access::Caller::kBadKey,
        harness_.CallerWith("itp_0123456789abcdef_"
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    callers_.emplace(
        testing::access::Caller::kPartnerOwn,
        harness_
            .CreateKey(itp::v1::PARTNER, {"IND"}, "Ministry of Steel, India")
            .caller);
    callers_.emplace(testing::access::Caller::kPartnerOther,
                     harness_
                         .CreateKey(itp::v1::PARTNER, {"BRA"},
                                    "Ministry of Industry, Brazil")
                         .caller);
    callers_.emplace(
        testing::access::Caller::kReviewer,
        harness_.CreateKey(itp::v1::REVIEWER, {}, "LeadIT secretariat reviewer")
            .caller);
    callers_.emplace(
        testing::access::Caller::kRunner,
        harness_
            .CreateKey(itp::v1::BENCHMARK_RUNNER, {}, "Nightly benchmark job")
            .caller);
    testing::AppHarness::Key retired =
        harness_.CreateKey(itp::v1::PARTNER, {"IND"}, "Retired India upload");
    itp::v1::RevokeApiKeyRequest revoke;
    revoke.set_name(retired.name);
    EXPECT_TRUE(harness_.app()
                    .admin()
                    .RevokeApiKey(harness_.admin().caller, revoke)
                    .ok());
    // Authenticated again after the revocation, as its next call would be.
    callers_.emplace(testing::access::Caller::kRevokedKey,
                     harness_.CallerWith(retired.secret));
  }

  absl::StatusCode Run(const Cell& cell) {
    AppClient client(harness_.app(), callers_.at(cell.caller));
    return RunCell(cell, client,
                   [this](const std::string& plan_id, Plan::State state) {
                     return harness_.MakePlan("IND", plan_id, state);
                   });
  }

 private:
  testing::AppHarness harness_;
  std::map<testing::access::Caller, app::Caller> callers_;
};

class AuthorizationTableTest : public ::testing::TestWithParam<Cell> {
 protected:
  static void SetUpTestSuite() { world_ = new World(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  static World* world_;
};

World* AuthorizationTableTest::world_ = nullptr;

TEST_P(AuthorizationTableTest, OperationGivesTheExpectedCode) {
  const Cell& cell = GetParam();
  EXPECT_EQ(world_->Run(cell), Expected(cell.rpc, cell.caller, cell.state));
}

INSTANTIATE_TEST_SUITE_P(EveryOperationCallerCountryAndState,
                         AuthorizationTableTest,
                         ::testing::ValuesIn(AllCells()), CellName);

}  // namespace
}  // namespace itp::app
