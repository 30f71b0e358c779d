// Plan validation from arbitrary bytes: a CreatePlanRequest (or an
// UpdatePlanRequest's plan) as a partner's client could send it, through
// the checks CreatePlan runs before anything is stored. Whatever the input:
// no crash, no undefined behaviour, and the error stays bounded (at most
// kMaxRecordedViolations entries plus the "and N more" one, a message of at
// most kMaxStatusMessageBytes, a BadRequest of at most kMaxBadRequestBytes).
// The same bytes read as a CreateProgressReportRequest go through the checks
// of a progress report against the plan read from them, bounded likewise.
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "itp/v1/plan_service.pb.h"
#include "itp/v1/progress_service.pb.h"
#include "server/domain/errors.h"
#include "server/domain/plan_validation.h"
#include "server/domain/progress_validation.h"
#include "server/domain/resource_names.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using itp::domain::FieldViolations;

void CheckBounded(const absl::Status& status) {
  FUZZ_CHECK(status.message().size() <= itp::domain::kMaxStatusMessageBytes);
  const google::rpc::BadRequest bad = itp::domain::BadRequestOf(status);
  FUZZ_CHECK(bad.field_violations_size() <=
             static_cast<int>(itp::domain::kMaxRecordedViolations) + 1);
  FUZZ_CHECK(bad.ByteSizeLong() <= itp::domain::kMaxBadRequestBytes);
}

// A progress report read from the same bytes, checked against `plan`.
void CheckProgressReport(const uint8_t* data, size_t size,
                         const itp::v1::Plan& plan) {
  itp::v1::CreateProgressReportRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  FieldViolations violations;
  itp::domain::ValidateReportingYear(request.reporting_year(), 2026, plan,
                                     "reporting_year", &violations);
  itp::domain::ValidateProgressReportContent(
      request.progress_report(), plan, request.reporting_year(),
      "progress_report", &violations);
  const absl::Status status = violations.ToStatus();
  FUZZ_CHECK(violations.empty() == status.ok());
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CheckBounded(status);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  itp::v1::CreatePlanRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  CheckProgressReport(data, size, request.plan());
  FieldViolations violations;
  violations.AddFrom(itp::domain::ParseCountryParent(
                         request.parent(), /*allow_wildcard=*/false, "parent")
                         .status());
  const std::string id_problem = itp::domain::PlanIdProblem(request.plan_id());
  if (!id_problem.empty()) violations.Add("plan_id", id_problem);
  itp::domain::ValidateRequestId(request.request_id(), "request_id",
                                 &violations);
  itp::domain::ValidatePlanContent(request.plan(), "plan", &violations);
  const absl::Status status = violations.ToStatus();
  FUZZ_CHECK(violations.empty() == status.ok());
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CheckBounded(status);
    return 0;
  }
  // Valid content: the submission check must answer too, bounded as well.
  const absl::Status submission =
      itp::domain::ValidateForSubmission(request.plan());
  if (!submission.ok()) {
    FUZZ_CHECK(submission.code() == absl::StatusCode::kFailedPrecondition);
    FUZZ_CHECK(submission.message().size() <=
               itp::domain::kMaxStatusMessageBytes);
  }
  return 0;
}
