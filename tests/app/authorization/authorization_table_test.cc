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
  ITP_ACCESS_TABLE_CALLS(ITP_APP_CALL)
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
