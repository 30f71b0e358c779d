// The whole authorization table against the application layer, in one
// process: every operation x every kind of caller x own/other country x
// every plan state (tests/testing/access_table.h), with no server and no
// channel. tests/service/authorization_test.cc runs a sample of the same
// cells over a real channel.
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
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

  // Reading a report of draft content of an India plan now in
  // `cell.state` (a report made while it was a draft; beside it, when the
  // plan was submitted, a report of revision 1): GetBenchmarkReport's code,
  // ListBenchmarkReports's code, and whether that lists it.
  struct DraftReportRead {
    absl::StatusCode get;
    absl::StatusCode list;
    bool listed = false;
  };
  DraftReportRead ReadDraftReport(const Cell& cell) {
    const Plan plan = harness_.MakePlan(
        "IND", absl::StrCat("draft-report-", ++made_), cell.state);
    storage::WriteContext ctx;
    ctx.method = "/itp.v1.BenchmarkService/BenchmarkPlan";
    itp::v1::BenchmarkReport report;
    report.set_plan_revision(plan.name());
    report.mutable_finance()->set_need_usd(9.99e11);
    auto of_draft =
        harness_.stores().benchmarks->CreateReport(ctx, plan.name(), report);
    EXPECT_TRUE(of_draft.ok()) << of_draft.status();
    if (cell.state != Plan::DRAFT) {
      report.set_plan_revision(plan.name() + "/revisions/1");
      EXPECT_TRUE(harness_.stores()
                      .benchmarks->CreateReport(ctx, plan.name(), report)
                      .ok());
    }
    const app::Caller& caller = callers_.at(cell.caller);
    DraftReportRead read;
    itp::v1::GetBenchmarkReportRequest get;
    get.set_name(of_draft->name());
    read.get =
        harness_.app().benchmarks().GetBenchmarkReport(caller, get).status().code();
    itp::v1::ListBenchmarkReportsRequest list;
    list.set_parent(plan.name());
    auto listed = harness_.app().benchmarks().ListBenchmarkReports(caller, list);
    read.list = listed.status().code();
    if (listed.ok()) {
      for (const auto& r : listed->benchmark_reports()) {
        read.listed |= r.name() == of_draft->name();
      }
    }
    return read;
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
  int made_ = 0;
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

// A report of draft content is readable only by those who may read the
// draft (the India partner, the admin), whatever the plan's state now:
// reviewers and runners never, Brazil not even once the plan is approved.
// ListBenchmarkReports answers as the table says and leaves the report out
// for the others.
std::vector<Cell> DraftReportCells() {
  std::vector<Cell> cells;
  for (testing::access::Caller caller : kCallers) {
    for (Plan::State state : kStates) {
      cells.push_back({Rpc::kListBenchmarkReports, caller, state});
    }
  }
  return cells;
}

using DraftReportTableTest = AuthorizationTableTest;

TEST_P(DraftReportTableTest, OnlyDraftReadersReadAReportOfADraft) {
  const Cell& cell = GetParam();
  const auto read = world_->ReadDraftReport(cell);
  const bool reads_drafts = MayRead(cell.caller, Plan::DRAFT);
  EXPECT_EQ(read.get, !Authenticated(cell.caller)
                          ? absl::StatusCode::kUnauthenticated
                      : reads_drafts ? absl::StatusCode::kOk
                                     : absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(read.list, Expected(cell.rpc, cell.caller, cell.state));
  EXPECT_EQ(read.listed, reads_drafts);
}

INSTANTIATE_TEST_SUITE_P(EveryCallerAndState, DraftReportTableTest,
                         ::testing::ValuesIn(DraftReportCells()), CellName);

}  // namespace
}  // namespace itp::app
