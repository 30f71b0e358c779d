#include "tests/testing/access_table.h"

#include "absl/strings/str_replace.h"

namespace itp::testing::access {

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
    case Rpc::kGetApiKey:
      return "GetApiKey";
    case Rpc::kGetAuditEvent:
      return "GetAuditEvent";
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
    case Rpc::kCreateProgressReport:
      return "CreateProgressReport";
    case Rpc::kGetPlanProgress:
      return "GetPlanProgress";
    case Rpc::kListProjects:
      return "ListProjects";
    case Rpc::kSummarizeInvestments:
      return "SummarizeInvestments";
  }
  return "";
}

bool Authenticated(Caller c) {
  return c != Caller::kNoKey && c != Caller::kBadKey &&
         c != Caller::kRevokedKey;
}

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

absl::StatusCode Expected(Rpc rpc, Caller c, Plan::State state) {
  if (!Authenticated(c)) return absl::StatusCode::kUnauthenticated;
  const bool editable =
      state == Plan::DRAFT || state == Plan::CHANGES_REQUESTED;
  switch (rpc) {
    case Rpc::kCreatePlan:
      return MayWrite(c) ? absl::StatusCode::kOk
                         : absl::StatusCode::kPermissionDenied;
    case Rpc::kListPlans:
      return absl::StatusCode::kOk;
    case Rpc::kGetPlan:
    case Rpc::kListPlanRevisions:
      return MayRead(c, state) ? absl::StatusCode::kOk
                               : absl::StatusCode::kPermissionDenied;
    case Rpc::kGetPlanRevision:
      if (!MayRead(c, state)) return absl::StatusCode::kPermissionDenied;
      // A plan that was never submitted has no revision 1.
      return state == Plan::DRAFT ? absl::StatusCode::kNotFound
                                  : absl::StatusCode::kOk;
    case Rpc::kUpdatePlan:
    case Rpc::kSubmitPlan:
      if (!MayWrite(c)) return absl::StatusCode::kPermissionDenied;
      return editable ? absl::StatusCode::kOk
                      : absl::StatusCode::kFailedPrecondition;
    case Rpc::kDeletePlan:
      if (!MayWrite(c)) return absl::StatusCode::kPermissionDenied;
      return state == Plan::DRAFT ? absl::StatusCode::kOk
                                  : absl::StatusCode::kFailedPrecondition;
    case Rpc::kWithdrawPlan:
      if (!MayWrite(c)) return absl::StatusCode::kPermissionDenied;
      return state == Plan::SUBMITTED || state == Plan::IN_REVIEW ||
                     state == Plan::CHANGES_REQUESTED || state == Plan::APPROVED
                 ? absl::StatusCode::kOk
                 : absl::StatusCode::kFailedPrecondition;
    case Rpc::kCreateApiKey:
    case Rpc::kGetApiKey:
    case Rpc::kListApiKeys:
    case Rpc::kRevokeApiKey:
    case Rpc::kGetAuditEvent:
    case Rpc::kListAuditEvents:
    case Rpc::kCreatePathway:
      return c == Caller::kAdmin ? absl::StatusCode::kOk
                                 : absl::StatusCode::kPermissionDenied;
    case Rpc::kListPathways:
    case Rpc::kComparePlans:
    case Rpc::kGetRubric:
      return absl::StatusCode::kOk;
    case Rpc::kBenchmarkPlan:
      // Partners benchmark their own plans only, drafts included.
      if (c == Caller::kPartnerOther)
        return absl::StatusCode::kPermissionDenied;
      return MayRead(c, state) ? absl::StatusCode::kOk
                               : absl::StatusCode::kPermissionDenied;
    case Rpc::kListBenchmarkReports:
      return MayRead(c, state) ? absl::StatusCode::kOk
                               : absl::StatusCode::kPermissionDenied;
    case Rpc::kStartReview:
      if (c != Caller::kReviewer && c != Caller::kAdmin) {
        return absl::StatusCode::kPermissionDenied;
      }
      if (!MayRead(c, state)) return absl::StatusCode::kPermissionDenied;
      return state == Plan::SUBMITTED ? absl::StatusCode::kOk
                                      : absl::StatusCode::kFailedPrecondition;
    case Rpc::kListReviews:
      // Reviews are the secretariat's and the plan's own country's.
      if (c == Caller::kRunner || c == Caller::kPartnerOther) {
        return absl::StatusCode::kPermissionDenied;
      }
      return MayRead(c, state) ? absl::StatusCode::kOk
                               : absl::StatusCode::kPermissionDenied;
    case Rpc::kComparePlanRevisions:
      if (!MayRead(c, state)) return absl::StatusCode::kPermissionDenied;
      // A plan never submitted has no revision 1 to compare.
      return state == Plan::DRAFT ? absl::StatusCode::kInvalidArgument
                                  : absl::StatusCode::kOk;
    case Rpc::kCreateProgressReport:
      // The country's partners file reports, for submitted plans in force.
      if (!MayWrite(c)) return absl::StatusCode::kPermissionDenied;
      return state == Plan::DRAFT || state == Plan::REJECTED ||
                     state == Plan::WITHDRAWN
                 ? absl::StatusCode::kFailedPrecondition
                 : absl::StatusCode::kOk;
    case Rpc::kGetPlanProgress:
    case Rpc::kListProjects:
      return MayRead(c, state) ? absl::StatusCode::kOk
                               : absl::StatusCode::kPermissionDenied;
    case Rpc::kSummarizeInvestments:
      return absl::StatusCode::kOk;
  }
  return absl::StatusCode::kUnknown;
}

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

std::vector<Cell> AllCells() {
  std::vector<Cell> cells;
  const std::vector<Rpc> plan_rpcs = {Rpc::kGetPlan,
                                      Rpc::kUpdatePlan,
                                      Rpc::kDeletePlan,
                                      Rpc::kSubmitPlan,
                                      Rpc::kWithdrawPlan,
                                      Rpc::kGetPlanRevision,
                                      Rpc::kListPlanRevisions,
                                      Rpc::kBenchmarkPlan,
                                      Rpc::kListBenchmarkReports,
                                      Rpc::kStartReview,
                                      Rpc::kListReviews,
                                      Rpc::kComparePlanRevisions,
                                      Rpc::kCreateProgressReport,
                                      Rpc::kGetPlanProgress,
                                      Rpc::kListProjects};
  for (Rpc rpc : plan_rpcs) {
    for (Caller caller : kCallers) {
      for (Plan::State state : kStates) cells.push_back({rpc, caller, state});
    }
  }
  for (Rpc rpc : {Rpc::kCreatePlan, Rpc::kListPlans, Rpc::kCreateApiKey,
                  Rpc::kGetApiKey, Rpc::kListApiKeys, Rpc::kRevokeApiKey,
                  Rpc::kGetAuditEvent, Rpc::kListAuditEvents,
                  Rpc::kListPathways, Rpc::kCreatePathway, Rpc::kComparePlans,
                  Rpc::kGetRubric, Rpc::kSummarizeInvestments}) {
    for (Caller caller : kCallers) cells.push_back({rpc, caller, Plan::DRAFT});
  }
  return cells;
}

}  // namespace itp::testing::access
