// End-to-end tests of PlanService: the real server library on a real
// loopback channel, backed by a real SQLite file.

#include "server/service/plan_service.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::testing::ErrorReason;
using ::itp::testing::ServerHarness;
using ::itp::testing::ViolatedFields;
using itp::v1::Plan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";

class PlanServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer(int max_message_bytes = 4 * 1024 * 1024) {
    absl::Status status = harness_.Start([&](ServerConfig& config) {
      config.max_message_bytes = max_message_bytes;
    });
    ASSERT_TRUE(status.ok()) << status;
  }

  // Adds the admin key the server wrote at its first start.
  void Authorize(grpc::ClientContext* context) {
    ServerHarness::Authorize(context, harness_.admin_key());
  }

  void StopServer() { harness_.Stop(); }

  grpc::Status Create(const itp::v1::CreatePlanRequest& request, Plan* plan) {
    grpc::ClientContext context;
    Authorize(&context);
    return harness_.plans().CreatePlan(&context, request, plan);
  }

  Plan MustCreate(const std::string& country, const std::string& plan_id,
                  const Plan& content) {
    itp::v1::CreatePlanRequest request;
    request.set_parent(absl::StrCat("countries/", country));
    request.set_plan_id(plan_id);
    *request.mutable_plan() = content;
    Plan plan;
    grpc::Status status = Create(request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  grpc::Status Get(const std::string& name, Plan* plan) {
    grpc::ClientContext context;
    Authorize(&context);
    itp::v1::GetPlanRequest request;
    request.set_name(name);
    return harness_.plans().GetPlan(&context, request, plan);
  }

  grpc::Status Submit(const std::string& name, const std::string& etag,
                      const std::string& request_id, Plan* plan) {
    grpc::ClientContext context;
    Authorize(&context);
    itp::v1::SubmitPlanRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_request_id(request_id);
    return harness_.plans().SubmitPlan(&context, request, plan);
  }

  grpc::Status Update(const Plan& plan, const std::vector<std::string>& paths,
                      Plan* result) {
    grpc::ClientContext context;
    Authorize(&context);
    itp::v1::UpdatePlanRequest request;
    *request.mutable_plan() = plan;
    for (const auto& p : paths) request.mutable_update_mask()->add_paths(p);
    return harness_.plans().UpdatePlan(&context, request, result);
  }

  grpc::Status List(const itp::v1::ListPlansRequest& request,
                    itp::v1::ListPlansResponse* response) {
    grpc::ClientContext context;
    Authorize(&context);
    return harness_.plans().ListPlans(&context, request, response);
  }

  // Every plan name of a listing, following next_page_token to the end.
  std::vector<std::string> ListAll(itp::v1::ListPlansRequest request,
                                   int* pages = nullptr) {
    std::vector<std::string> names;
    int count = 0;
    do {
      itp::v1::ListPlansResponse response;
      grpc::Status status = List(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const Plan& p : response.plans()) names.push_back(p.name());
      request.set_page_token(response.next_page_token());
      ++count;
    } while (!request.page_token().empty());
    if (pages != nullptr) *pages = count;
    return names;
  }

  ServerHarness harness_;
};

TEST_F(PlanServiceTest, CreatesThePlanOfTheIssueJsonAndReadsItBack) {
  Plan created;
  grpc::Status status = Create(testing::IndiaSteelCreateRequest(), &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), kIndiaSteel);
  EXPECT_EQ(created.country(), "IND");
  EXPECT_EQ(created.state(), Plan::DRAFT);
  EXPECT_EQ(created.revision(), 0);
  EXPECT_FALSE(created.etag().empty());
  ASSERT_EQ(created.sectors_size(), 1);
  EXPECT_EQ(created.sectors(0).points(3).intensity_tco2_per_t(), 0.1);
  EXPECT_EQ(created.projects(0).technology(), itp::v1::Project::HYDROGEN_DRI);
  EXPECT_EQ(created.projects(0).capex_usd(), 600000000.0);

  Plan read;
  ASSERT_TRUE(Get(kIndiaSteel, &read).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(created, read));
}

TEST_F(PlanServiceTest, InvalidPlanReportsEveryViolatedFieldInTheTrailer) {
  itp::v1::CreatePlanRequest request = testing::IndiaSteelCreateRequest();
  request.set_parent("countries/XYZ");
  request.mutable_plan()->mutable_sectors(0)->mutable_points(3)->set_year(2200);
  request.mutable_plan()
      ->mutable_sectors(0)
      ->mutable_points(1)
      ->set_intensity_tco2_per_t(std::nan(""));
  Plan plan;
  grpc::Status status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(status),
      ElementsAre("parent", "plan.sectors[0].points[1].intensity_tco2_per_t",
                  "plan.sectors[0].points[3].year"));
  EXPECT_THAT(status.error_message(), HasSubstr("year 2200 is outside"));
  EXPECT_EQ(Get(kIndiaSteel, &plan).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PlanServiceTest, RetriedCreateReturnsTheFirstResult) {
  Plan first;
  Plan retried;
  ASSERT_TRUE(Create(testing::IndiaSteelCreateRequest(), &first).ok());
  ASSERT_TRUE(Create(testing::IndiaSteelCreateRequest(), &retried).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(first, retried));
}

TEST_F(PlanServiceTest, SamePlanIdWithAnotherRequestIdAlreadyExists) {
  Plan plan;
  ASSERT_TRUE(Create(testing::IndiaSteelCreateRequest(), &plan).ok());
  itp::v1::CreatePlanRequest again = testing::IndiaSteelCreateRequest();
  again.set_request_id("5d1e8f3a-9b2c-4d7e-8f10-3a4b5c6d7e8f");
  grpc::Status status = Create(again, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PLAN_ALREADY_EXISTS");
  EXPECT_THAT(status.error_message(), HasSubstr(kIndiaSteel));
}

TEST_F(PlanServiceTest, UpdateWithStaleEtagIsAborted) {
  Plan created = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  Plan edit = created;
  edit.set_summary("Crude steel towards net zero by 2070, revised outlook");
  Plan updated;
  ASSERT_TRUE(Update(edit, {"summary"}, &updated).ok());
  EXPECT_NE(updated.etag(), created.etag());

  edit.set_summary("A concurrent edit from a stale copy");
  grpc::Status status = Update(edit, {"summary"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
  Plan read;
  ASSERT_TRUE(Get(kIndiaSteel, &read).ok());
  EXPECT_EQ(read.summary(),
            "Crude steel towards net zero by 2070, revised outlook");
}

TEST_F(PlanServiceTest, UpdateOnlyReplacesMaskedFieldsAndValidatesResult) {
  Plan created = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  Plan edit;
  edit.set_name(kIndiaSteel);
  edit.set_display_name("India green steel roadmap 2025 update");
  edit.set_summary("must not be applied: not in the mask");
  Plan updated;
  ASSERT_TRUE(Update(edit, {"display_name"}, &updated).ok());
  EXPECT_EQ(updated.display_name(), "India green steel roadmap 2025 update");
  EXPECT_EQ(updated.summary(), created.summary());
  EXPECT_EQ(updated.sectors_size(), 1);

  Plan bad = updated;
  bad.mutable_sectors(0)->set_base_year(2025);
  grpc::Status status = Update(bad, {"sectors"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("plan.sectors[0].base_year"));

  status = Update(bad, {"state"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask.paths[0]"));
}

// AIP-134 over the wire: a partner that sends only the display name and no
// mask changes the display name and nothing else (the summary used to be
// erased), and a nested path changes one governance field.
TEST_F(PlanServiceTest, UpdateWithEmptyMaskKeepsFieldsNotSent) {
  Plan india = testing::IndiaSteelPlan();
  india.mutable_governance()->set_lead_institution("Ministry of Steel");
  india.mutable_governance()->set_mrv_arrangements("Annual CCTS registry");
  Plan created = MustCreate("IND", "steel-2070", india);
  Plan edit;
  edit.set_name(kIndiaSteel);
  edit.set_display_name("India green steel roadmap 2025 update");
  Plan updated;
  ASSERT_TRUE(Update(edit, {}, &updated).ok());
  EXPECT_EQ(updated.display_name(), "India green steel roadmap 2025 update");
  EXPECT_EQ(updated.summary(), created.summary());
  EXPECT_EQ(updated.submitting_body(), created.submitting_body());
  EXPECT_EQ(updated.sectors_size(), created.sectors_size());
  EXPECT_EQ(updated.targets_size(), created.targets_size());

  Plan governance;
  governance.set_name(kIndiaSteel);
  governance.mutable_governance()->set_lead_institution(
      "Bureau of Energy Efficiency");
  ASSERT_TRUE(
      Update(governance, {"governance.lead_institution"}, &updated).ok());
  Plan read;
  ASSERT_TRUE(Get(kIndiaSteel, &read).ok());
  EXPECT_EQ(read.governance().lead_institution(),
            "Bureau of Energy Efficiency");
  EXPECT_EQ(read.governance().mrv_arrangements(), "Annual CCTS registry");
  EXPECT_EQ(read.display_name(), "India green steel roadmap 2025 update");
  EXPECT_EQ(read.summary(), created.summary());
}

TEST_F(PlanServiceTest, SubmitFreezesARevisionAndUpdateAfterSubmitFails) {
  Plan created = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  Plan submitted;
  ASSERT_TRUE(Submit(kIndiaSteel, created.etag(), "", &submitted).ok());
  EXPECT_EQ(submitted.state(), Plan::SUBMITTED);
  EXPECT_EQ(submitted.revision(), 1);
  EXPECT_TRUE(submitted.has_submit_time());

  Plan edit = submitted;
  edit.set_summary("Edited after submission");
  Plan result;
  grpc::Status status = Update(edit, {"summary"}, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "INVALID_PLAN_STATE");
  EXPECT_THAT(status.error_message(), HasSubstr("SUBMITTED"));

  grpc::ClientContext context;

  Authorize(&context);
  itp::v1::GetPlanRevisionRequest get_revision;
  get_revision.set_name(absl::StrCat(kIndiaSteel, "/revisions/1"));
  itp::v1::PlanRevision revision;
  ASSERT_TRUE(
      harness_.plans().GetPlanRevision(&context, get_revision, &revision).ok());
  EXPECT_EQ(revision.name(), "countries/IND/plans/steel-2070/revisions/1");
  EXPECT_EQ(revision.plan().summary(), created.summary());
  EXPECT_EQ(revision.plan().state(), Plan::SUBMITTED);

  grpc::ClientContext context2;

  Authorize(&context2);
  get_revision.set_name(absl::StrCat(kIndiaSteel, "/revisions/2"));
  status = harness_.plans().GetPlanRevision(&context2, get_revision, &revision);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "REVISION_NOT_FOUND");

  // A second submission of a SUBMITTED plan is illegal.
  status = Submit(kIndiaSteel, "", "", &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(PlanServiceTest, RetriedSubmitReturnsFirstResultWithoutNewRevision) {
  Plan created = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  const std::string request_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  Plan first;
  Plan retried;
  ASSERT_TRUE(Submit(kIndiaSteel, created.etag(), request_id, &first).ok());
  grpc::Status status =
      Submit(kIndiaSteel, created.etag(), request_id, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(first, retried));

  grpc::ClientContext context;

  Authorize(&context);
  itp::v1::ListPlanRevisionsRequest request;
  request.set_parent(kIndiaSteel);
  itp::v1::ListPlanRevisionsResponse response;
  ASSERT_TRUE(
      harness_.plans().ListPlanRevisions(&context, request, &response).ok());
  ASSERT_EQ(response.revisions_size(), 1);
  EXPECT_EQ(response.revisions(0).revision(), 1);
  EXPECT_EQ(response.next_page_token(), "");
}

TEST_F(PlanServiceTest, WithdrawRecordsReasonAndDeleteNeedsDraft) {
  Plan created = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  Plan submitted;
  ASSERT_TRUE(Submit(kIndiaSteel, "", "", &submitted).ok());

  grpc::ClientContext delete_context;

  Authorize(&delete_context);
  itp::v1::DeletePlanRequest delete_request;
  delete_request.set_name(kIndiaSteel);
  google::protobuf::Empty empty;
  grpc::Status status =
      harness_.plans().DeletePlan(&delete_context, delete_request, &empty);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext withdraw_context;

  Authorize(&withdraw_context);
  itp::v1::WithdrawPlanRequest withdraw;
  withdraw.set_name(kIndiaSteel);
  withdraw.set_etag(submitted.etag());
  withdraw.set_reason("Superseded by the 2025 National Steel Policy update");
  Plan withdrawn;
  ASSERT_TRUE(harness_.plans()
                  .WithdrawPlan(&withdraw_context, withdraw, &withdrawn)
                  .ok());
  EXPECT_EQ(withdrawn.state(), Plan::WITHDRAWN);
  EXPECT_EQ(withdrawn.withdrawal_reason(),
            "Superseded by the 2025 National Steel Policy update");

  Plan draft = MustCreate("IDN", "cement-2060", testing::IndonesiaCementPlan());
  grpc::ClientContext delete_draft;
  Authorize(&delete_draft);
  delete_request.set_name(draft.name());
  delete_request.set_etag(draft.etag());
  ASSERT_TRUE(
      harness_.plans().DeletePlan(&delete_draft, delete_request, &empty).ok());
  Plan gone;
  EXPECT_EQ(Get(draft.name(), &gone).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PlanServiceTest, FilterWithSqlTextIsRejectedAndTablesStayIntact) {
  MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  MustCreate("IDN", "cement-2060", testing::IndonesiaCementPlan());
  for (const char* filter :
       {"state = SUBMITTED; DROP TABLE plans", "country = \"IND' OR '1'='1\"",
        "state = DRAFT) OR 1=1 --",
        "name = 'x' UNION SELECT content FROM plans"}) {
    itp::v1::ListPlansRequest request;
    request.set_parent("countries/-");
    request.set_filter(filter);
    itp::v1::ListPlansResponse response;
    grpc::Status status = List(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << filter;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("filter")) << filter;
  }
  itp::v1::ListPlansRequest request;
  request.set_parent("countries/-");
  EXPECT_THAT(ListAll(request),
              ElementsAre("countries/IDN/plans/cement-2060", kIndiaSteel));
}

TEST_F(PlanServiceTest, FiltersByStateSectorCountryAndTime) {
  Plan india = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  MustCreate("IDN", "cement-2060", testing::IndonesiaCementPlan());
  MustCreate("VNM", "steel-2050", testing::SteelPlan("VNM", 2.1));
  Plan submitted;
  ASSERT_TRUE(Submit(india.name(), "", "", &submitted).ok());

  auto names = [this](const std::string& filter) {
    itp::v1::ListPlansRequest request;
    request.set_parent("countries/-");
    request.set_filter(filter);
    return ListAll(request);
  };
  EXPECT_THAT(names("state = SUBMITTED"), ElementsAre(kIndiaSteel));
  EXPECT_THAT(names("sector = IRON_AND_STEEL AND NOT state = SUBMITTED"),
              ElementsAre("countries/VNM/plans/steel-2050"));
  EXPECT_THAT(names("country = IDN OR country = VNM"),
              ElementsAre("countries/IDN/plans/cement-2060",
                          "countries/VNM/plans/steel-2050"));
  EXPECT_THAT(names("sector = CEMENT"),
              ElementsAre("countries/IDN/plans/cement-2060"));
  EXPECT_THAT(names("update_time >= \"2000-01-01T00:00:00Z\" AND revision "
                    ">= 1"),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(names("update_time < \"2000-01-01T00:00:00Z\""), ElementsAre());

  itp::v1::ListPlansRequest per_country;
  per_country.set_parent("countries/IND");
  EXPECT_THAT(ListAll(per_country), ElementsAre(kIndiaSteel));
}

TEST_F(PlanServiceTest, ListRejectsBadPageSizeParentOrderAndForeignToken) {
  itp::v1::ListPlansRequest request;
  request.set_parent("countries/XYZ");
  request.set_page_size(-5);
  request.set_order_by("display_name");
  itp::v1::ListPlansResponse response;
  grpc::Status status = List(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("parent", "page_size", "order_by"));

  for (const char* country : {"IND", "IDN", "BRA"}) {
    MustCreate(country, "steel-2050", testing::SteelPlan(country, 2.0));
  }
  itp::v1::ListPlansRequest first;
  first.set_parent("countries/-");
  first.set_page_size(1);
  ASSERT_TRUE(List(first, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());

  itp::v1::ListPlansRequest other = first;
  other.set_filter("state = DRAFT");
  other.set_page_token(response.next_page_token());
  status = List(other, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

TEST_F(PlanServiceTest, ThousandPlansPaginateEveryPlanExactlyOnce) {
  // 1,000 plans over ten LeadIT countries and two sectors.
  const std::vector<std::string> countries = {
      "IND", "IDN", "BRA", "VNM", "ZAF", "SWE", "DEU", "GBR", "KEN", "EGY"};
  std::set<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string& country = countries[i % countries.size()];
    Plan content = i % 2 == 0 ? testing::SteelPlan(country, 1.5 + i * 0.001)
                              : testing::IndonesiaCementPlan();
    Plan created =
        MustCreate(country, absl::StrFormat("plan-%04d", i), content);
    expected.insert(created.name());
  }

  for (const char* order : {"", "update_time desc", "create_time"}) {
    itp::v1::ListPlansRequest request;
    request.set_parent("countries/-");
    request.set_page_size(37);
    request.set_order_by(order);
    int pages = 0;
    std::vector<std::string> names = ListAll(request, &pages);
    EXPECT_EQ(names.size(), 1000u) << order;
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected)
        << order;
    EXPECT_EQ(pages, 28) << order;  // ceil(1000 / 37)
  }

  itp::v1::ListPlansRequest cement;
  cement.set_parent("countries/-");
  cement.set_filter("sector = CEMENT");
  cement.set_page_size(100);
  itp::v1::ListPlansResponse response;
  ASSERT_TRUE(List(cement, &response).ok());
  EXPECT_EQ(response.total_size(), 500);
  EXPECT_EQ(ListAll(cement).size(), 500u);

  itp::v1::ListPlansRequest india;
  india.set_parent("countries/IND");
  india.set_page_size(0);  // default page size 50
  ASSERT_TRUE(List(india, &response).ok());
  EXPECT_EQ(response.plans_size(), 50);
  EXPECT_EQ(response.total_size(), 100);
}

TEST_F(PlanServiceTest, PlansSurviveARestartOfTheServer) {
  Plan created = MustCreate("IND", "steel-2070", testing::IndiaSteelPlan());
  Plan submitted;
  ASSERT_TRUE(Submit(kIndiaSteel, created.etag(), "", &submitted).ok());
  StopServer();
  StartServer();
  Plan read;
  ASSERT_TRUE(Get(kIndiaSteel, &read).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(submitted, read));
}

TEST_F(PlanServiceTest, OversizedRequestIsRejected) {
  StopServer();
  StartServer(/*max_message_bytes=*/64 * 1024);
  itp::v1::CreatePlanRequest request = testing::IndiaSteelCreateRequest();
  for (int i = 0; i < 400; ++i) {
    auto* project = request.mutable_plan()->add_projects();
    project->set_name(
        absl::StrCat("Electric arc furnace line ", i, std::string(200, ' ')));
  }
  Plan plan;
  grpc::Status status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(PlanServiceTest, HealthServiceReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(harness_.channel());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("itp.v1.PlanService");
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  Authorize(&context);
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  request.set_service("itp.v1.NoSuchService");
  grpc::ClientContext unknown;
  Authorize(&unknown);
  EXPECT_EQ(health->Check(&unknown, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace itp::service
