// End-to-end tests of InvestmentService and OpenDataService: the real server
// library on a real loopback channel and a real SQLite file, driven by the
// keys of those who use the tracker (partners of India and Brazil, a
// secretariat reviewer, the bootstrap admin).
//
//   SummarizeInvestments  the same counts and sums as adding the projects up
//                         by hand, over 1,000 generated projects in 20 plans;
//                         the proto3 JSON request of the issue is accepted.
//   ListProjects          filters, paging, the latest submitted revision
//                         only, and only the plans the caller may read.
//   ExportDataPackage     APPROVED plans only; REVIEWER and ADMIN keys.

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "itp/v1/investment_service.grpc.pb.h"
#include "itp/v1/open_data_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using grpc::StatusCode;
using ::itp::testing::ErrorReason;
using ::itp::testing::ServerHarness;
using ::itp::testing::ViolatedFields;
using itp::v1::InvestmentGroup;
using itp::v1::Plan;
using itp::v1::Project;
using itp::v1::TrackedProject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Key = ServerHarness::Key;

constexpr const char* kCountries[] = {"IND", "BRA", "IDN", "VNM", "ZAF",
                                      "MEX", "EGY", "KEN", "SWE", "DEU",
                                      "TUR", "ARG", "CHL", "MAR", "THA",
                                      "PHL", "NGA", "COL", "PER", "KAZ"};

class InvestmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
    absl::StatusOr<Key> admin = harness_.AdminKey();
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = *admin;
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, Government of India");
    brazil_ = harness_.CreateKey(itp::v1::PARTNER, {"BRA"},
                                 "Ministry of Development, Brazil");
    reviewer_ = harness_.CreateKey(itp::v1::REVIEWER, {},
                                   "LeadIT secretariat, Stockholm");
    investments_ = itp::v1::InvestmentService::NewStub(harness_.channel());
    open_data_ = itp::v1::OpenDataService::NewStub(harness_.channel());
  }

  static void Prepare(grpc::ClientContext* context, const Key& who) {
    ServerHarness::Authorize(context, who);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(60));
  }

  Plan Create(const Key& who, const std::string& country,
              const std::string& id, const Plan& content) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::CreatePlanRequest request;
    request.set_parent(absl::StrCat("countries/", country));
    request.set_plan_id(id);
    *request.mutable_plan() = content;
    Plan plan;
    grpc::Status status = harness_.plans().CreatePlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  Plan Submit(const Key& who, const std::string& name) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::SubmitPlanRequest request;
    request.set_name(name);
    Plan plan;
    grpc::Status status = harness_.plans().SubmitPlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  void Approve(const std::string& plan) {
    itp::v1::Review review;
    {
      grpc::ClientContext context;
      Prepare(&context, reviewer_);
      itp::v1::StartReviewRequest request;
      request.set_parent(plan);
      grpc::Status status =
          harness_.reviews().StartReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      Prepare(&context, reviewer_);
      itp::v1::ScoreReviewRequest request;
      request.set_name(review.name());
      for (const char* criterion :
           {"ambition", "interim_targets", "coverage", "implementation",
            "policy_instruments", "finance", "governance", "engagement"}) {
        auto* s = request.add_scores();
        s->set_criterion_id(criterion);
        s->set_score(2);
        s->set_evidence("Stated in the plan with sources.");
      }
      grpc::Status status =
          harness_.reviews().ScoreReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    grpc::ClientContext context;
    Prepare(&context, reviewer_);
    itp::v1::CompleteReviewRequest request;
    request.set_name(review.name());
    request.set_decision(itp::v1::Review::APPROVE);
    request.set_summary("Approved: credible milestones and annual reporting.");
    itp::v1::Review completed;
    grpc::Status status =
        harness_.reviews().CompleteReview(&context, request, &completed);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status List(const Key& who, const itp::v1::ListProjectsRequest& request,
                    itp::v1::ListProjectsResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, who);
    return investments_->ListProjects(&context, request, response);
  }

  // Every project of `parent` matching `filter`, through pages of 100.
  std::vector<TrackedProject> ListAll(const Key& who, const std::string& parent,
                                      const std::string& filter) {
    std::vector<TrackedProject> all;
    itp::v1::ListProjectsRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_page_size(100);
    while (true) {
      itp::v1::ListProjectsResponse response;
      grpc::Status status = List(who, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& p : response.projects()) all.push_back(p);
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  grpc::Status Summarize(const Key& who,
                         const itp::v1::SummarizeInvestmentsRequest& request,
                         itp::v1::SummarizeInvestmentsResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, who);
    return investments_->SummarizeInvestments(&context, request, response);
  }

  ServerHarness harness_;
  Key admin_;
  Key india_;
  Key brazil_;
  Key reviewer_;
  std::unique_ptr<itp::v1::InvestmentService::Stub> investments_;
  std::unique_ptr<itp::v1::OpenDataService::Stub> open_data_;
};

// A hydrogen DRI project of `capacity` Mt/yr and `capex` USD.
Project HydrogenDri(const std::string& name, double capacity, double capex) {
  Project p;
  p.set_name(name);
  p.set_company("Tata Steel");
  p.set_sector(itp::v1::IRON_AND_STEEL);
  p.set_technology(Project::HYDROGEN_DRI);
  p.set_scale(Project::FULL_SCALE);
  p.set_status(Project::ANNOUNCED);
  p.set_start_year(2028);
  p.set_capacity_mtpa(capacity);
  p.set_capex_usd(capex);
  return p;
}

TEST_F(InvestmentServiceTest, SummaryEqualsTheProjectsAddedUpByHand) {
  // 1,000 projects over 20 plans: technology, status, scale and start year
  // cycle at different rates; every seventh states no capacity and every
  // eleventh no capital cost.
  constexpr Project::Technology kTech[] = {
      Project::HYDROGEN_DRI, Project::NATURAL_GAS_DRI,
      Project::ELECTRIC_ARC_FURNACE, Project::CARBON_CAPTURE,
      Project::HYDROGEN_PRODUCTION};
  constexpr Project::Status kStatus[] = {
      Project::ANNOUNCED, Project::UNDER_CONSTRUCTION, Project::OPERATING,
      Project::CANCELLED};
  struct Sums {
    int64_t count = 0;
    double capacity = 0;
    double capex = 0;
    int64_t with_capacity = 0;
    int64_t with_capex = 0;
  };
  std::map<std::pair<int, int>, Sums> by_hand;
  Sums total;
  std::set<std::string> dri_operating;
  int n = 0;
  for (int c = 0; c < 20; ++c) {
    const std::string country = kCountries[c];
    Plan plan = itp::testing::SteelPlan(country, 1.8 + 0.05 * c);
    for (int i = 0; i < 50; ++i, ++n) {
      Project* p = plan.add_projects();
      p->set_name(absl::StrCat("Plant ", i + 1, " of ", country));
      p->set_company(absl::StrCat("Steelmaker ", c % 7));
      p->set_sector(itp::v1::IRON_AND_STEEL);
      p->set_technology(kTech[n % 5]);
      p->set_status(kStatus[(n / 3) % 4]);
      p->set_scale(Project::FULL_SCALE);
      p->set_start_year(2025 + n % 11);
      const double capacity = 0.25 + (n % 13) * 0.35;
      const double capex = 1.2e8 + (n % 17) * 7.5e7;
      if (n % 7 != 0) p->set_capacity_mtpa(capacity);
      if (n % 11 != 0) p->set_capex_usd(capex);
      for (Sums* s : {&by_hand[{p->technology(), p->status()}], &total}) {
        ++s->count;
        if (p->has_capacity_mtpa()) {
          s->capacity += capacity;
          ++s->with_capacity;
        }
        if (p->has_capex_usd()) {
          s->capex += capex;
          ++s->with_capex;
        }
      }
      if (p->technology() == Project::HYDROGEN_DRI &&
          p->status() == Project::OPERATING) {
        dri_operating.insert(absl::StrCat("countries/", country,
                                          "/plans/steel-2050/projects/plant-",
                                          i + 1, "-of-",
                                          absl::AsciiStrToLower(country)));
      }
    }
    Plan created = Create(admin_, country, "steel-2050", plan);
    Submit(admin_, created.name());
  }
  ASSERT_EQ(n, 1000);

  itp::v1::SummarizeInvestmentsRequest request;
  request.set_parent("countries/-/plans/-");
  request.add_group_by("technology");
  request.add_group_by("status");
  request.set_page_size(7);  // several pages of groups
  std::vector<InvestmentGroup> groups;
  itp::v1::SummarizeInvestmentsResponse response;
  while (true) {
    grpc::Status status = Summarize(reviewer_, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.total_groups(), static_cast<int>(by_hand.size()));
    for (const auto& g : response.groups()) groups.push_back(g);
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  ASSERT_EQ(groups.size(), by_hand.size());
  auto it = by_hand.begin();
  for (const InvestmentGroup& g : groups) {
    // Groups come in key order: technology, then status.
    EXPECT_EQ(static_cast<int>(g.technology()), it->first.first);
    const Sums& s = it->second;
    EXPECT_EQ(g.project_count(), s.count);
    EXPECT_NEAR(g.capacity_mtpa(), s.capacity, 1e-9 * s.capacity);
    EXPECT_NEAR(g.capex_usd(), s.capex, 1e-9 * s.capex);
    EXPECT_EQ(g.projects_with_capacity(), s.with_capacity);
    EXPECT_EQ(g.projects_with_capex(), s.with_capex);
    EXPECT_TRUE(g.country().empty());  // not a grouping field
    EXPECT_EQ(g.start_year(), 0);
    ++it;
  }
  EXPECT_EQ(response.total().project_count(), 1000);
  EXPECT_NEAR(response.total().capacity_mtpa(), total.capacity,
              1e-9 * total.capacity);
  EXPECT_NEAR(response.total().capex_usd(), total.capex, 1e-9 * total.capex);
  EXPECT_EQ(response.total().projects_with_capacity(), total.with_capacity);
  EXPECT_EQ(response.total().projects_with_capex(), total.with_capex);

  // Status OPERATING maps from the plan's Project.Status.
  std::vector<TrackedProject> listed = ListAll(
      reviewer_, "countries/-/plans/-",
      "technology = HYDROGEN_DRI AND status = OPERATING");
  std::set<std::string> names;
  for (const auto& p : listed) {
    names.insert(p.name());
    EXPECT_EQ(p.status(), TrackedProject::OPERATING);
    EXPECT_EQ(p.status_source(), TrackedProject::PLAN);
    EXPECT_EQ(p.plan_state(), Plan::SUBMITTED);
    EXPECT_EQ(p.plan_revision(), absl::StrCat(p.plan(), "/revisions/1"));
  }
  EXPECT_EQ(names, dri_operating);
  EXPECT_EQ(listed.size(), dri_operating.size());

  // One country, a start-year range.
  itp::v1::SummarizeInvestmentsRequest india;
  india.set_parent("countries/IND/plans/-");
  india.set_filter("start_year >= 2030 AND status != CANCELLED");
  itp::v1::SummarizeInvestmentsResponse india_summary;
  ASSERT_TRUE(Summarize(admin_, india, &india_summary).ok());
  int64_t expected = 0;
  for (int i = 0; i < 50; ++i) {
    if (2025 + i % 11 >= 2030 && kStatus[(i / 3) % 4] != Project::CANCELLED) {
      ++expected;
    }
  }
  EXPECT_EQ(india_summary.total().project_count(), expected);
  EXPECT_EQ(india_summary.groups_size(), 0);
}

TEST_F(InvestmentServiceTest, AcceptsTheJsonRequestOfTheIssue) {
  Plan plan = itp::testing::IndiaSteelPlan();
  *plan.add_projects() =
      HydrogenDri("Kalinganagar hydrogen DRI module", 2.5, 1.5e9);
  Submit(india_, Create(india_, "IND", "steel-2070", plan).name());
  Plan brazil = itp::testing::SteelPlan("BRA", 1.9);
  *brazil.add_projects() = HydrogenDri("Pecem green iron plant", 2.0, 1.2e9);
  Submit(brazil_, Create(brazil_, "BRA", "steel-2050", brazil).name());

  itp::v1::SummarizeInvestmentsRequest request;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      R"({"parent": "countries/-/plans/-", "filter": "technology = HYDROGEN_DRI", "group_by": ["country", "status"]})",
      &request);
  ASSERT_TRUE(parsed.ok()) << parsed;
  itp::v1::SummarizeInvestmentsResponse response;
  grpc::Status status = Summarize(reviewer_, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // IndiaSteelPlan has its own hydrogen DRI demonstration plant (0.5 Mt/yr).
  ASSERT_EQ(response.groups_size(), 2);
  EXPECT_EQ(response.groups(0).country(), "BRA");
  EXPECT_EQ(response.groups(0).status(), TrackedProject::ANNOUNCED);
  EXPECT_EQ(response.groups(0).project_count(), 1);
  EXPECT_DOUBLE_EQ(response.groups(0).capacity_mtpa(), 2.0);
  EXPECT_EQ(response.groups(1).country(), "IND");
  EXPECT_EQ(response.groups(1).project_count(), 2);
  EXPECT_DOUBLE_EQ(response.groups(1).capacity_mtpa(), 3.0);
  EXPECT_DOUBLE_EQ(response.groups(1).capex_usd(), 1.5e9 + 6e8);
  EXPECT_EQ(response.groups(1).technology(), Project::TECHNOLOGY_UNSPECIFIED);
  EXPECT_EQ(response.total().project_count(), 3);
  EXPECT_EQ(response.total_groups(), 2);
}

TEST_F(InvestmentServiceTest, ProjectsHaveStableIdsAndNames) {
  Plan plan = itp::testing::IndiaSteelPlan();
  *plan.add_projects() = HydrogenDri("Kalinganagar H2-DRI (phase 1)", 2.5, 1.5e9);
  *plan.add_projects() = HydrogenDri("Kalinganagar H2-DRI (phase 1)", 2.5, 1.5e9);
  Plan created = Create(india_, "IND", "steel-2070", plan);
  ASSERT_EQ(created.projects_size(), 3);
  EXPECT_EQ(created.projects(0).project_id(), "hydrogen-dri-demonstration-plant");
  EXPECT_EQ(created.projects(1).project_id(), "kalinganagar-h2-dri-phase-1");
  EXPECT_EQ(created.projects(2).project_id(), "kalinganagar-h2-dri-phase-1-2");

  // A change that sends the projects without ids keeps them, by name.
  {
    grpc::ClientContext context;
    Prepare(&context, india_);
    itp::v1::UpdatePlanRequest request;
    *request.mutable_plan() = created;
    for (auto& p : *request.mutable_plan()->mutable_projects()) {
      p.clear_project_id();
    }
    std::swap(*request.mutable_plan()->mutable_projects(0),
              *request.mutable_plan()->mutable_projects(1));
    request.mutable_update_mask()->add_paths("projects");
    Plan updated;
    grpc::Status status =
        harness_.plans().UpdatePlan(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(updated.projects(0).project_id(), "kalinganagar-h2-dri-phase-1");
    EXPECT_EQ(updated.projects(1).project_id(),
              "hydrogen-dri-demonstration-plant");
  }
  // Ids given by the partner are checked.
  {
    grpc::ClientContext context;
    Prepare(&context, india_);
    itp::v1::UpdatePlanRequest request;
    request.mutable_plan()->set_name(created.name());
    *request.mutable_plan()->add_projects() = HydrogenDri("A", 1, 1e8);
    *request.mutable_plan()->add_projects() = HydrogenDri("B", 1, 1e8);
    request.mutable_plan()->mutable_projects(0)->set_project_id("odisha-dri");
    request.mutable_plan()->mutable_projects(1)->set_project_id("odisha-dri");
    request.mutable_update_mask()->add_paths("projects");
    Plan updated;
    grpc::Status status =
        harness_.plans().UpdatePlan(&context, request, &updated);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status),
                ElementsAre("plan.projects[1].project_id"));
    EXPECT_THAT(status.error_message(), HasSubstr("already the id of projects[0]"));
  }
}

TEST_F(InvestmentServiceTest, DraftsAndUnreadablePlansStayOutOfTheTracker) {
  // A draft never submitted: no one sees its projects, not even an admin.
  Plan draft = itp::testing::SteelPlan("IND", 2.4);
  *draft.add_projects() = HydrogenDri("Draft-only DRI plant", 3.0, 2.0e9);
  Create(india_, "IND", "steel-draft", draft);
  // A submitted Brazil plan: readable by Brazil, reviewers and admins, not by
  // India's partner (partners read other countries' APPROVED plans only).
  Plan brazil = itp::testing::SteelPlan("BRA", 1.9);
  *brazil.add_projects() = HydrogenDri("Pecem green iron plant", 2.0, 1.2e9);
  const std::string brazil_plan =
      Create(brazil_, "BRA", "steel-2050", brazil).name();
  Submit(brazil_, brazil_plan);

  for (const Key* who : {&admin_, &reviewer_, &brazil_, &india_}) {
    for (const auto& p : ListAll(*who, "countries/-/plans/-", "")) {
      EXPECT_NE(p.project().name(), "Draft-only DRI plant");
    }
  }
  EXPECT_EQ(ListAll(reviewer_, "countries/-/plans/-", "").size(), 1u);
  EXPECT_EQ(ListAll(brazil_, "countries/BRA/plans/-", "").size(), 1u);
  EXPECT_EQ(ListAll(india_, "countries/-/plans/-", "").size(), 0u);
  itp::v1::SummarizeInvestmentsRequest summary;
  summary.set_parent("countries/-/plans/-");
  itp::v1::SummarizeInvestmentsResponse response;
  ASSERT_TRUE(Summarize(india_, summary, &response).ok());
  EXPECT_EQ(response.total().project_count(), 0);
  ASSERT_TRUE(Summarize(admin_, summary, &response).ok());
  EXPECT_EQ(response.total().project_count(), 1);
  EXPECT_DOUBLE_EQ(response.total().capex_usd(), 1.2e9);

  // Naming the plan: India may not read it.
  itp::v1::ListProjectsRequest request;
  request.set_parent(brazil_plan);
  itp::v1::ListProjectsResponse page;
  grpc::Status status = List(india_, request, &page);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  // Once approved, every partner sees it.
  Approve(brazil_plan);
  ASSERT_TRUE(List(india_, request, &page).ok());
  ASSERT_EQ(page.projects_size(), 1);
  EXPECT_EQ(page.projects(0).name(),
            "countries/BRA/plans/steel-2050/projects/pecem-green-iron-plant");
  EXPECT_EQ(page.projects(0).plan_state(), Plan::APPROVED);
}

TEST_F(InvestmentServiceTest, BadRequestsNameTheField) {
  struct Case {
    std::string parent;
    std::string filter;
    std::vector<std::string> group_by;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"countries/IND", "", {}, {"parent"}},
      {"countries/-/plans/steel-2070", "", {}, {"parent"}},
      {"countries/XXX/plans/-", "", {}, {"parent"}},
      {"countries/-/plans/-", "technology = STEEL", {}, {"filter"}},
      {"countries/-/plans/-", "capacity > 2", {}, {"filter"}},
      {"countries/-/plans/-", "", {"country", "colour", "country"},
       {"group_by[1]", "group_by[2]"}},
  };
  for (const Case& c : cases) {
    itp::v1::SummarizeInvestmentsRequest request;
    request.set_parent(c.parent);
    request.set_filter(c.filter);
    for (const auto& g : c.group_by) request.add_group_by(g);
    itp::v1::SummarizeInvestmentsResponse response;
    grpc::Status status = Summarize(reviewer_, request, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << c.parent;
    EXPECT_EQ(ErrorReason(status), "INVALID_FIELDS");
    EXPECT_EQ(ViolatedFields(status), c.fields) << status.error_message();
  }
  itp::v1::ListProjectsRequest request;
  request.set_parent("countries/-/plans/-");
  request.set_order_by("capacity desc");
  itp::v1::ListProjectsResponse response;
  grpc::Status status = List(reviewer_, request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("order_by"));
  // No key at all.
  grpc::ClientContext context;
  status = investments_->ListProjects(&context, request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
}

// The files of an export, by path, checked against each file's size.
std::map<std::string, std::string> Export(
    itp::v1::OpenDataService::Stub& stub, const Key& who,
    grpc::Status* status) {
  grpc::ClientContext context;
  ServerHarness::Authorize(&context, who);
  std::map<std::string, std::string> files;
  auto reader = stub.ExportDataPackage(&context, {});
  itp::v1::DataPackageChunk chunk;
  while (reader->Read(&chunk)) {
    files[chunk.path()] += chunk.data();
    if (chunk.last()) {
      EXPECT_EQ(static_cast<int64_t>(files[chunk.path()].size()), chunk.size());
      EXPECT_EQ(chunk.sha256().size(), 64u);
    }
  }
  *status = reader->Finish();
  return files;
}

TEST_F(InvestmentServiceTest, ExportHoldsApprovedPlansOnly) {
  Plan india = itp::testing::IndiaSteelPlan();
  const std::string india_plan = Create(india_, "IND", "steel-2070", india).name();
  Submit(india_, india_plan);
  Approve(india_plan);
  Plan brazil = itp::testing::SteelPlan("BRA", 1.9);
  *brazil.add_projects() = HydrogenDri("Pecem green iron plant", 2.0, 1.2e9);
  Submit(brazil_, Create(brazil_, "BRA", "steel-2050", brazil).name());
  Plan draft = itp::testing::SteelPlan("IND", 2.4);
  *draft.add_projects() = HydrogenDri("Draft-only DRI plant", 3.0, 2.0e9);
  Create(india_, "IND", "steel-draft", draft);

  grpc::Status status;
  std::map<std::string, std::string> files =
      Export(*open_data_, reviewer_, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(files.size(), 14u);
  EXPECT_THAT(files["datapackage.json"], HasSubstr("\"name\": \"CC-BY-4.0\""));
  EXPECT_EQ(files["data/plans.csv"].substr(0, 5), "plan,");
  EXPECT_THAT(files["data/plans.csv"], HasSubstr(india_plan + ",IND,"));
  EXPECT_THAT(files["data/projects.csv"],
              HasSubstr(india_plan +
                        "/projects/hydrogen-dri-demonstration-plant,"));
  for (const auto& [path, content] : files) {
    EXPECT_EQ(content.find("steel-draft"), std::string::npos) << path;
    EXPECT_EQ(content.find("BRA/plans"), std::string::npos) << path;
  }
  // The same data gives the same bytes.
  std::map<std::string, std::string> again =
      Export(*open_data_, admin_, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(again, files);

  // Partners have no export.
  Export(*open_data_, india_, &status);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("export the open data package"));
}

}  // namespace
}  // namespace itp::service
