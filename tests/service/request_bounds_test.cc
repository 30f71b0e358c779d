// Abuse resistance, over a real channel to the real server on a real SQLite
// file: a request bears work, errors and audit rows of bounded size
// whatever it holds, and a client without a key costs one audit row a
// minute however much it calls. Each test counts codes, violations, bytes
// and rows (never time).
//
// The attacks are those measured against the service before these bounds
// (issue "Abuse resistance"): a 600 KB CreatePlan with 300,000 empty points
// in one sector (which took a 75 MB audit row and 1.14 GB of RSS), a
// million checkpoint years in BenchmarkPlan and CreateBenchmarkJob, 4 MB
// resource names and request ids, floods of calls without a key, and a
// partner reusing another country's request id to learn of its plans.

#include <sys/stat.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "server/domain/errors.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using grpc::StatusCode;
using ::itp::testing::IndiaSteelCreateRequest;
using ::itp::testing::ServerHarness;
using ::itp::testing::ViolatedFields;

// 2026-11-30T09:00:05Z: a fixed clock, so that every keyless call of a test
// falls in one minute.
constexpr int64_t kNow = (1796029200LL + 5) * 1000 * 1000;

int64_t FileBytes(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

class RequestBoundsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    ASSERT_TRUE(harness_.AdminKey().ok());
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India");
  }

  // The database file once the server has closed it (its write-ahead log
  // then checkpointed and gone), in bytes; the server is started again.
  int64_t DatabaseBytes() {
    harness_.Stop();
    EXPECT_EQ(FileBytes(harness_.db_path() + "-wal"), 0);
    const int64_t bytes = FileBytes(harness_.db_path());
    EXPECT_TRUE(harness_.Start().ok());
    return bytes;
  }

  // Every audit event, newest first.
  std::vector<itp::v1::AuditEvent> AuditEvents(const std::string& filter) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, harness_.admin_key());
    itp::v1::ListAuditEventsRequest request;
    request.set_page_size(1000);
    request.set_filter(filter);
    itp::v1::ListAuditEventsResponse response;
    grpc::Status status =
        harness_.admin().ListAuditEvents(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.audit_events().begin(), response.audit_events().end()};
  }

  static int64_t kNowFn() { return kNow; }
  ServerHarness harness_{&kNowFn};
  ServerHarness::Key india_;
};

TEST_F(RequestBoundsTest, AHugeSectorIsOneViolationWithBoundedTrailers) {
  itp::v1::CreatePlanRequest request = IndiaSteelCreateRequest();
  auto* sector = request.mutable_plan()->mutable_sectors(0);
  sector->clear_points();
  for (int i = 0; i < 300000; ++i) sector->add_points();
  ASSERT_GT(request.ByteSizeLong(), 590000u);
  const int64_t before = DatabaseBytes();

  grpc::ClientContext context;
  ServerHarness::Authorize(&context, india_);
  itp::v1::Plan plan;
  grpc::Status status = harness_.plans().CreatePlan(&context, request, &plan);
  ASSERT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            std::vector<std::string>{"plan.sectors[0].points"});
  EXPECT_EQ(status.error_message(),
            "The request has an invalid field: plan.sectors[0].points: has "
            "300000 entries; at most 111 are allowed.");
  EXPECT_LT(status.error_details().size(), domain::kMaxBadRequestBytes + 200);

  // The failed change is audited in one small row.
  auto events = AuditEvents("method = \"/itp.v1.PlanService/CreatePlan\"");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code(), "INVALID_ARGUMENT");
  EXPECT_EQ(events[0].resource(), "countries/IND");
  EXPECT_EQ(events[0].count(), 1);
  EXPECT_EQ(events[0].peer(), "ipv4:127.0.0.1");
  EXPECT_LE(events[0].ByteSizeLong(), 1024u);
  EXPECT_LT(DatabaseBytes() - before, 16 * 1024);
}

TEST_F(RequestBoundsTest, ThousandsOfViolationsAreAHundredThenACount) {
  itp::v1::CreatePlanRequest request = IndiaSteelCreateRequest();
  // 1,000 projects (the most allowed), each with four mistakes.
  auto* plan = request.mutable_plan();
  plan->clear_projects();
  for (int i = 0; i < 1000; ++i) {
    auto* project = plan->add_projects();
    project->set_capacity_mtpa(-1);
    project->set_capex_usd(-1);
    project->set_start_year(1800);
  }
  grpc::ClientContext context;
  ServerHarness::Authorize(&context, india_);
  itp::v1::Plan created;
  grpc::Status status =
      harness_.plans().CreatePlan(&context, request, &created);
  ASSERT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(status.error_message().size(), domain::kMaxStatusMessageBytes);
  EXPECT_TRUE(absl::StartsWith(status.error_message(),
                               "The request has 4000 invalid fields: "))
      << status.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  // The BadRequest and an ErrorInfo (INVALID_FIELDS).
  ASSERT_EQ(details.details_size(), 2);
  EXPECT_EQ(testing::ErrorReason(status), "INVALID_FIELDS");
  std::vector<std::string> fields = ViolatedFields(status);
  ASSERT_GE(fields.size(), 10u);
  ASSERT_LE(fields.size(), domain::kMaxRecordedViolations + 1);
  EXPECT_EQ(fields.front(), "plan.projects[0].name");
  // The closing entry names no field and counts the rest.
  EXPECT_EQ(fields.back(), "");
  // google.rpc.Status: the message, the BadRequest and the ErrorInfo.
  EXPECT_LT(status.error_details().size(),
            domain::kMaxStatusMessageBytes + domain::kMaxBadRequestBytes + 100);
}

TEST_F(RequestBoundsTest, AMillionCheckpointYearsAreOneViolation) {
  grpc::ClientContext create_context;
  ServerHarness::Authorize(&create_context, india_);
  itp::v1::Plan plan;
  ASSERT_TRUE(harness_.plans()
                  .CreatePlan(&create_context, IndiaSteelCreateRequest(), &plan)
                  .ok());
  {
    itp::v1::BenchmarkPlanRequest request;
    request.set_name(plan.name());
    for (int i = 0; i < 1000000; ++i) request.add_checkpoint_years(2030);
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::BenchmarkReport report;
    grpc::Status status =
        harness_.benchmarks().BenchmarkPlan(&context, request, &report);
    ASSERT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status),
              std::vector<std::string>{"checkpoint_years"});
  }
  {
    itp::v1::CreateBenchmarkJobRequest request;
    request.set_benchmark_job_id("nightly-steel");
    request.mutable_benchmark_job()->set_display_name(
        "Nightly steel benchmark");
    for (int i = 0; i < 1000000; ++i) {
      request.mutable_benchmark_job()->add_checkpoint_years(2030);
    }
    for (int i = 0; i < 10000; ++i) {
      request.mutable_benchmark_job()->add_pathways("pathways/tpi-steel-1p5c");
    }
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, harness_.admin_key());
    itp::v1::BenchmarkJob job;
    grpc::Status status =
        harness_.jobs().CreateBenchmarkJob(&context, request, &job);
    ASSERT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status),
              (std::vector<std::string>{"benchmark_job.pathways",
                                        "benchmark_job.checkpoint_years"}));
  }
}

TEST_F(RequestBoundsTest, HugeNamesAndRequestIdsAreCutInTheAuditTrail) {
  // A failed change by a partner: audited, with its fields cut.
  itp::v1::SubmitPlanRequest request;
  request.set_name("countries/IND/plans/" + std::string(2000000, 's'));
  request.set_request_id(std::string(2000000, 'r'));
  const int64_t before = DatabaseBytes();
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::Plan plan;
    grpc::Status status = harness_.plans().SubmitPlan(&context, request, &plan);
    ASSERT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_LE(status.error_message().size(), domain::kMaxStatusMessageBytes);
  }
  auto events = AuditEvents("method = \"/itp.v1.PlanService/SubmitPlan\"");
  ASSERT_EQ(events.size(), 20u);
  for (const auto& event : events) {
    EXPECT_EQ(event.resource().size(), 256u);
    EXPECT_EQ(event.request_id().size(), 128u);
    EXPECT_LE(event.message().size(), domain::kMaxStatusMessageBytes);
  }
  // 20 rows of under 1 KB each, not 80 MB.
  EXPECT_LT(DatabaseBytes() - before, 32 * 1024);
}

TEST_F(RequestBoundsTest, CallsWithoutAKeyAreOneRowPerClientAndMinute) {
  const int64_t before = DatabaseBytes();
  itp::v1::GetPlanRequest huge;
  huge.set_name("countries/IND/plans/" + std::string(4000000, 'x'));
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    itp::v1::Plan plan;
    EXPECT_EQ(harness_.plans().GetPlan(&context, huge, &plan).error_code(),
              StatusCode::UNAUTHENTICATED);
  }
  itp::v1::ListPlansRequest list;
  for (int i = 0; i < 2000; ++i) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, "itp_not-a-key");
    itp::v1::ListPlansResponse plans;
    EXPECT_EQ(harness_.plans().ListPlans(&context, list, &plans).error_code(),
              StatusCode::UNAUTHENTICATED);
  }
  // The rows are written when their minute ends or at shutdown.
  const int64_t after = DatabaseBytes();
  auto events = AuditEvents("code = UNAUTHENTICATED");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].count(), 2020);
  EXPECT_EQ(events[0].peer(), "ipv4:127.0.0.1");
  EXPECT_EQ(events[0].method(), "*");
  EXPECT_EQ(events[0].resource(), "");
  EXPECT_EQ(events[0].api_key(), "");
  EXPECT_LT(after - before, 16 * 1024);
}

// Request ids are each key's own: Brazil's id is a new one for India, and
// India reusing its own id for another plan is told nothing of the first.
TEST_F(RequestBoundsTest, RequestIdsAreTheKeysOwnAndDiscloseNothing) {
  ServerHarness::Key brazil = harness_.CreateKey(
      itp::v1::PARTNER, {"BRA"}, "Ministry of Development, Brazil");
  auto create = [&](const ServerHarness::Key& key, const std::string& parent,
                    const std::string& plan_id, const std::string& request_id,
                    itp::v1::Plan* plan) {
    itp::v1::CreatePlanRequest request = IndiaSteelCreateRequest();
    request.set_parent(parent);
    request.set_plan_id(plan_id);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, key);
    return harness_.plans().CreatePlan(&context, request, plan);
  };
  const std::string id = "7c2f9e4a-1b3d-4e5f-8a6b-9c0d1e2f3a4b";
  itp::v1::Plan plan;
  ASSERT_TRUE(create(brazil, "countries/BRA", "steel-2050", id, &plan).ok());
  ASSERT_EQ(plan.name(), "countries/BRA/plans/steel-2050");

  grpc::Status mine = create(india_, "countries/IND", "steel-2070", id, &plan);
  ASSERT_TRUE(mine.ok()) << mine.error_message();
  EXPECT_EQ(plan.name(), "countries/IND/plans/steel-2070");

  grpc::Status reused =
      create(india_, "countries/IND", "cement-2060", id, &plan);
  EXPECT_EQ(reused.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(reused), std::vector<std::string>{"request_id"});
  EXPECT_FALSE(absl::StrContains(reused.error_message(), "countries/"))
      << reused.error_message();

  // The same request in upper case is a retry: the first answer.
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  grpc::Status retried =
      create(india_, "countries/IND", "steel-2070", upper, &plan);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(plan.name(), "countries/IND/plans/steel-2070");
}

}  // namespace
}  // namespace itp::service
