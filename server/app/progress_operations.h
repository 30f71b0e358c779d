// The operations of itp.v1.ProgressService: yearly progress reports against
// a plan's latest submitted revision, and the assessment of the latest
// published one. Who may read a draft is decided in auth/policy; what a
// report may hold in domain/progress_validation; the assessment itself is
// benchmark/progress (pure).
//
//   ProgressOperations progress(context);
//   auto report = progress.CreateProgressReport(caller, request);
//   auto status = progress.GetPlanProgress(caller, get_request);
#ifndef ITP_SERVER_APP_PROGRESS_OPERATIONS_H_
#define ITP_SERVER_APP_PROGRESS_OPERATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/progress_service.pb.h"
#include "server/app/call.h"
#include "server/app/caller.h"
#include "server/app/context.h"
#include "server/app/progress_assessment.h"

namespace itp::app {

// Thread-safe; errors as the API documents.
class ProgressOperations {
 public:
  explicit ProgressOperations(AppContext& context)
      : ctx_(context),
        assessor_(context.plans, context.benchmarks, context.progress,
                  context.now) {}

  absl::StatusOr<itp::v1::ProgressReport> CreateProgressReport(
      const Caller& caller,
      const itp::v1::CreateProgressReportRequest& request);
  absl::StatusOr<itp::v1::ProgressReport> GetProgressReport(
      const Caller& caller, const itp::v1::GetProgressReportRequest& request);
  absl::StatusOr<itp::v1::ListProgressReportsResponse> ListProgressReports(
      const Caller& caller, const itp::v1::ListProgressReportsRequest& request);
  absl::StatusOr<itp::v1::ProgressReport> UpdateProgressReport(
      const Caller& caller,
      const itp::v1::UpdateProgressReportRequest& request);
  absl::StatusOr<itp::v1::ProgressReport> PublishProgressReport(
      const Caller& caller,
      const itp::v1::PublishProgressReportRequest& request);
  absl::StatusOr<itp::v1::PlanProgress> GetPlanProgress(
      const Caller& caller, const itp::v1::GetPlanProgressRequest& request);

 private:
  AppContext& ctx_;
  ProgressAssessor assessor_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_PROGRESS_OPERATIONS_H_
