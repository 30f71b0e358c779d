// The authorization table shared by the application-layer test (every cell,
// in one process) and the service test (a sample over a real channel): the
// kinds of caller, the RPCs, the expected code of each cell written out from
// the access rules, and one function that makes a cell's call through any
// client.
//
//   PARTNER   writes the plans of its countries; reads every plan of its
//             countries and APPROVED plans of all countries.
//   REVIEWER  reads every non-draft plan and revision; no edits.
//   BENCHMARK_RUNNER reads non-draft plans.
//   ADMIN     everything, plus keys and the audit trail.
//   No, bad or revoked key: UNAUTHENTICATED. A hidden or missing plan is
//   PERMISSION_DENIED for a caller who may not read every plan of its country.
//
//   absl::StatusCode code = RunCell(cell, client, make_plan);
//   EXPECT_EQ(code, Expected(cell.rpc, cell.caller, cell.state));
#ifndef ITP_TESTS_TESTING_ACCESS_TABLE_H_
#define ITP_TESTS_TESTING_ACCESS_TABLE_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/empty.pb.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/benchmark_service.pb.h"
#include "itp/v1/investment_service.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "itp/v1/progress_service.pb.h"
#include "itp/v1/review_service.pb.h"
#include "tests/testing/test_plans.h"

namespace itp::testing::access {

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
  kGetApiKey,
  kListApiKeys,
  kRevokeApiKey,
  kGetAuditEvent,
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
  kCreateProgressReport,
  kGetPlanProgress,
  kListProjects,
  kSummarizeInvestments,
};

extern const std::vector<Caller> kCallers;
extern const std::vector<Plan::State> kStates;

std::string CallerName(Caller c);
std::string RpcName(Rpc r);
bool Authenticated(Caller c);
// Whether `c` may read an India plan in `state`, per the rules above.
bool MayRead(Caller c, Plan::State state);
bool MayWrite(Caller c);
// The expected code of one cell. `state` is ignored by the calls that do not
// act on an existing plan.
absl::StatusCode Expected(Rpc rpc, Caller c, Plan::State state);

struct Cell {
  Rpc rpc;
  Caller caller;
  Plan::State state;
};

void PrintTo(const Cell& cell, std::ostream* os);
std::string CellName(const ::testing::TestParamInfo<Cell>& info);
// Every RPC that acts on a plan x every caller x every state, and the others
// x every caller.
std::vector<Cell> AllCells();

// Every call of the table as X(Request, Response, Group, Method): the request
// type (in itp::v1), the response type, the application's
// operations group (app::Application::Group()) or gRPC stub, and the method.
// Clients expand it into their Call overloads.
#define ITP_ACCESS_TABLE_CALLS(X)                                              \
  X(CreatePlanRequest, ::itp::v1::Plan, plans, CreatePlan)                     \
  X(GetPlanRequest, ::itp::v1::Plan, plans, GetPlan)                           \
  X(ListPlansRequest, ::itp::v1::ListPlansResponse, plans, ListPlans)          \
  X(UpdatePlanRequest, ::itp::v1::Plan, plans, UpdatePlan)                     \
  X(DeletePlanRequest, ::google::protobuf::Empty, plans, DeletePlan)           \
  X(SubmitPlanRequest, ::itp::v1::Plan, plans, SubmitPlan)                     \
  X(WithdrawPlanRequest, ::itp::v1::Plan, plans, WithdrawPlan)                 \
  X(GetPlanRevisionRequest, ::itp::v1::PlanRevision, plans, GetPlanRevision)   \
  X(ListPlanRevisionsRequest, ::itp::v1::ListPlanRevisionsResponse, plans,     \
    ListPlanRevisions)                                                         \
  X(CreateApiKeyRequest, ::itp::v1::CreateApiKeyResponse, admin, CreateApiKey) \
  X(GetApiKeyRequest, ::itp::v1::ApiKey, admin, GetApiKey)                     \
  X(ListApiKeysRequest, ::itp::v1::ListApiKeysResponse, admin, ListApiKeys)    \
  X(RevokeApiKeyRequest, ::itp::v1::ApiKey, admin, RevokeApiKey)               \
  X(GetAuditEventRequest, ::itp::v1::AuditEvent, admin, GetAuditEvent)         \
  X(ListAuditEventsRequest, ::itp::v1::ListAuditEventsResponse, admin,         \
    ListAuditEvents)                                                           \
  X(ListPathwaysRequest, ::itp::v1::ListPathwaysResponse, benchmarks,          \
    ListPathways)                                                              \
  X(CreatePathwayRequest, ::itp::v1::Pathway, benchmarks, CreatePathway)       \
  X(BenchmarkPlanRequest, ::itp::v1::BenchmarkReport, benchmarks,              \
    BenchmarkPlan)                                                             \
  X(ComparePlansRequest, ::itp::v1::ComparePlansResponse, benchmarks,          \
    ComparePlans)                                                              \
  X(GetRubricRequest, ::itp::v1::Rubric, reviews, GetRubric)                   \
  X(StartReviewRequest, ::itp::v1::Review, reviews, StartReview)               \
  X(ListReviewsRequest, ::itp::v1::ListReviewsResponse, reviews, ListReviews)  \
  X(ListBenchmarkReportsRequest, ::itp::v1::ListBenchmarkReportsResponse,      \
    benchmarks, ListBenchmarkReports)                                          \
  X(ComparePlanRevisionsRequest, ::itp::v1::ComparePlanRevisionsResponse,      \
    reviews, ComparePlanRevisions)                                             \
  X(CreateProgressReportRequest, ::itp::v1::ProgressReport, progress,          \
    CreateProgressReport)                                                      \
  X(GetPlanProgressRequest, ::itp::v1::PlanProgress, progress, GetPlanProgress) \
  X(ListProjectsRequest, ::itp::v1::ListProjectsResponse, investments,         \
    ListProjects)                                                              \
  X(SummarizeInvestmentsRequest, ::itp::v1::SummarizeInvestmentsResponse,      \
    investments, SummarizeInvestments)

// A call on a resource that does not exist: NOT_FOUND means the caller got
// past the access check (which comes first), so it counts as allowed.
inline absl::StatusCode MissingIsAllowed(absl::StatusCode code) {
  return code == absl::StatusCode::kNotFound ? absl::StatusCode::kOk : code;
}

// An India plan with this id in this state, for a cell.
using PlanMaker =
    std::function<Plan(const std::string& plan_id, Plan::State state)>;

// Makes the cell's call as the cell's caller through `client`, which has an
// overload `absl::StatusCode Call(const Request&, Response*)` for every
// request type of the table and sends as the caller it was made for.
template <typename Client>
absl::StatusCode RunCell(const Cell& cell, Client& client,
                         const PlanMaker& make_plan) {
  static int counter = 0;
  const std::string plan_id = absl::StrCat(
      "steel-", absl::AsciiStrToLower(RpcName(cell.rpc)), "-", ++counter);
  switch (cell.rpc) {
    case Rpc::kCreatePlan: {
      itp::v1::CreatePlanRequest request;
      request.set_parent("countries/IND");
      request.set_plan_id(plan_id);
      *request.mutable_plan() = IndiaSteelPlan();
      Plan response;
      return client.Call(request, &response);
    }
    case Rpc::kGetPlan: {
      itp::v1::GetPlanRequest request;
      request.set_name(make_plan(plan_id, cell.state).name());
      Plan response;
      return client.Call(request, &response);
    }
    case Rpc::kListPlans: {
      itp::v1::ListPlansRequest request;
      request.set_parent("countries/IND");
      itp::v1::ListPlansResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kUpdatePlan: {
      Plan plan = make_plan(plan_id, cell.state);
      itp::v1::UpdatePlanRequest request;
      *request.mutable_plan() = plan;
      request.mutable_plan()->set_summary("Revised after consultation");
      request.mutable_update_mask()->add_paths("summary");
      Plan response;
      return client.Call(request, &response);
    }
    case Rpc::kDeletePlan: {
      itp::v1::DeletePlanRequest request;
      request.set_name(make_plan(plan_id, cell.state).name());
      google::protobuf::Empty response;
      return client.Call(request, &response);
    }
    case Rpc::kSubmitPlan: {
      itp::v1::SubmitPlanRequest request;
      request.set_name(make_plan(plan_id, cell.state).name());
      Plan response;
      return client.Call(request, &response);
    }
    case Rpc::kWithdrawPlan: {
      itp::v1::WithdrawPlanRequest request;
      request.set_name(make_plan(plan_id, cell.state).name());
      request.set_reason("Superseded by the updated national roadmap");
      Plan response;
      return client.Call(request, &response);
    }
    case Rpc::kGetPlanRevision: {
      itp::v1::GetPlanRevisionRequest request;
      request.set_name(
          absl::StrCat(make_plan(plan_id, cell.state).name(), "/revisions/1"));
      itp::v1::PlanRevision response;
      return client.Call(request, &response);
    }
    case Rpc::kListPlanRevisions: {
      itp::v1::ListPlanRevisionsRequest request;
      request.set_parent(make_plan(plan_id, cell.state).name());
      itp::v1::ListPlanRevisionsResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kCreateApiKey: {
      itp::v1::CreateApiKeyRequest request;
      request.mutable_api_key()->set_role(itp::v1::REVIEWER);
      request.mutable_api_key()->set_display_name("Secretariat reviewer");
      itp::v1::CreateApiKeyResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kListApiKeys: {
      itp::v1::ListApiKeysRequest request;
      itp::v1::ListApiKeysResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kRevokeApiKey: {
      // Revoking an unknown key: the check comes before existence, so
      // only an admin learns that it does not exist.
      itp::v1::RevokeApiKeyRequest request;
      request.set_name("apiKeys/00000000deadbeef");
      itp::v1::ApiKey response;
      return MissingIsAllowed(client.Call(request, &response));
    }
    case Rpc::kGetApiKey: {
      // As for revoking: only an admin learns that the key does not exist.
      itp::v1::GetApiKeyRequest request;
      request.set_name("apiKeys/00000000deadbeef");
      itp::v1::ApiKey response;
      return MissingIsAllowed(client.Call(request, &response));
    }
    case Rpc::kGetAuditEvent: {
      itp::v1::GetAuditEventRequest request;
      request.set_name("auditEvents/999999999");
      itp::v1::AuditEvent response;
      return MissingIsAllowed(client.Call(request, &response));
    }
    case Rpc::kListAuditEvents: {
      itp::v1::ListAuditEventsRequest request;
      itp::v1::ListAuditEventsResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kListPathways: {
      itp::v1::ListPathwaysRequest request;
      request.set_sector(itp::v1::IRON_AND_STEEL);
      itp::v1::ListPathwaysResponse response;
      return client.Call(request, &response);
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
      p->set_release_date("2024-12-01");
      for (auto [year, intensity] :
           {std::pair{2020, 2.54}, {2030, 2.2}, {2050, 1.2}}) {
        auto* point = p->add_points();
        point->set_year(year);
        point->set_intensity_tco2_per_t(intensity);
      }
      itp::v1::Pathway response;
      return client.Call(request, &response);
    }
    case Rpc::kBenchmarkPlan: {
      itp::v1::BenchmarkPlanRequest request;
      request.set_name(make_plan(plan_id, cell.state).name());
      itp::v1::BenchmarkReport response;
      return client.Call(request, &response);
    }
    case Rpc::kListBenchmarkReports: {
      itp::v1::ListBenchmarkReportsRequest request;
      request.set_parent(make_plan(plan_id, cell.state).name());
      itp::v1::ListBenchmarkReportsResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kComparePlans: {
      itp::v1::ComparePlansRequest request;
      request.set_sector(itp::v1::IRON_AND_STEEL);
      itp::v1::ComparePlansResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kGetRubric: {
      itp::v1::GetRubricRequest request;
      itp::v1::Rubric response;
      return client.Call(request, &response);
    }
    case Rpc::kStartReview: {
      itp::v1::StartReviewRequest request;
      request.set_parent(make_plan(plan_id, cell.state).name());
      itp::v1::Review response;
      return client.Call(request, &response);
    }
    case Rpc::kListReviews: {
      itp::v1::ListReviewsRequest request;
      request.set_parent(make_plan(plan_id, cell.state).name());
      itp::v1::ListReviewsResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kComparePlanRevisions: {
      itp::v1::ComparePlanRevisionsRequest request;
      request.set_plan(make_plan(plan_id, cell.state).name());
      request.set_from_revision(1);
      request.set_to_revision(1);
      itp::v1::ComparePlanRevisionsResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kCreateProgressReport: {
      // India's 2024 crude steel: 149.6 Mt at 2.47 t CO2/t.
      itp::v1::CreateProgressReportRequest request;
      request.set_parent(make_plan(plan_id, cell.state).name());
      request.set_reporting_year(2024);
      auto* sector = request.mutable_progress_report()->add_sectors();
      sector->set_sector(itp::v1::IRON_AND_STEEL);
      auto* point = sector->add_points();
      point->set_year(2024);
      point->set_production_mt(149.6);
      point->set_intensity_tco2_per_t(2.47);
      itp::v1::ProgressReport response;
      return client.Call(request, &response);
    }
    case Rpc::kGetPlanProgress: {
      itp::v1::GetPlanProgressRequest request;
      request.set_name(make_plan(plan_id, cell.state).name());
      itp::v1::PlanProgress response;
      return client.Call(request, &response);
    }
    case Rpc::kListProjects: {
      itp::v1::ListProjectsRequest request;
      request.set_parent(make_plan(plan_id, cell.state).name());
      itp::v1::ListProjectsResponse response;
      return client.Call(request, &response);
    }
    case Rpc::kSummarizeInvestments: {
      itp::v1::SummarizeInvestmentsRequest request;
      request.set_parent("countries/-/plans/-");
      request.add_group_by("technology");
      itp::v1::SummarizeInvestmentsResponse response;
      return client.Call(request, &response);
    }
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace itp::testing::access

#endif  // ITP_TESTS_TESTING_ACCESS_TABLE_H_
