// The operations of itp.v1.InvestmentService: the investment tracker over
// the latest submitted revision of every plan the caller may read. Which
// plans are readable is auth/policy's ReadableFilter; what a project record
// holds is domain/investment; lists and sums are SQL in the store.
//
//   InvestmentOperations investments(context);
//   auto page = investments.ListProjects(caller, request);
//   auto summary = investments.SummarizeInvestments(caller, summarize);
#ifndef ITP_SERVER_APP_INVESTMENT_OPERATIONS_H_
#define ITP_SERVER_APP_INVESTMENT_OPERATIONS_H_

#include "absl/status/statusor.h"
#include "itp/v1/investment_service.pb.h"
#include "server/app/call.h"
#include "server/app/caller.h"
#include "server/app/context.h"

namespace itp::app {

// Thread-safe; errors as the API documents.
class InvestmentOperations {
 public:
  explicit InvestmentOperations(AppContext& context) : ctx_(context) {}

  absl::StatusOr<itp::v1::ListProjectsResponse> ListProjects(
      const Caller& caller, const itp::v1::ListProjectsRequest& request);
  absl::StatusOr<itp::v1::SummarizeInvestmentsResponse> SummarizeInvestments(
      const Caller& caller,
      const itp::v1::SummarizeInvestmentsRequest& request);

 private:
  AppContext& ctx_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_INVESTMENT_OPERATIONS_H_
