#include "server/app/progress_operations.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/benchmark/progress.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/domain/plan_validation.h"
#include "server/domain/progress_validation.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using auth::Operation;
using domain::ErrorWithInfo;
using domain::FieldViolations;
using itp::v1::Plan;
using itp::v1::PlanProgress;
using itp::v1::ProgressReport;

constexpr char kCreate[] = "/itp.v1.ProgressService/CreateProgressReport";
constexpr char kGet[] = "/itp.v1.ProgressService/GetProgressReport";
constexpr char kList[] = "/itp.v1.ProgressService/ListProgressReports";
constexpr char kUpdate[] = "/itp.v1.ProgressService/UpdateProgressReport";
constexpr char kPublish[] = "/itp.v1.ProgressService/PublishProgressReport";
constexpr char kGetProgress[] = "/itp.v1.ProgressService/GetPlanProgress";

constexpr char kAllPlans[] = "countries/-/plans/-";

// Reports are filed against plans that have been submitted and are not
// withdrawn or rejected.
absl::Status CheckReportable(const Plan& plan) {
  if (plan.revision() < 1) {
    return ErrorWithInfo(absl::StatusCode::kFailedPrecondition,
                         absl::StrCat(plan.name(),
                                      " has never been submitted; progress is "
                                      "reported against a submitted "
                                      "revision."),
                         "PLAN_NOT_SUBMITTED", plan.name());
  }
  if (plan.state() == Plan::WITHDRAWN || plan.state() == Plan::REJECTED) {
    return ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(plan.name(), " is ", Plan::State_Name(plan.state()),
                     "; progress reports are filed for plans in force."),
        "INVALID_PLAN_STATE", plan.name());
  }
  return absl::OkStatus();
}

// Authenticates, parses report name `name` (field `field`), authorizes
// `operation` on its country and reads its plan as the caller may.
struct Admitted {
  domain::ProgressReportName name;
  Plan plan;
};
absl::StatusOr<Admitted> Admit(Call& call, storage::PlanStore& plans,
                               const std::string& name, absl::string_view field,
                               Operation operation) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  auto parsed = domain::ParseProgressReportName(name, field);
  if (!parsed.ok()) return parsed.status();
  s = call.Authorize(operation, parsed->plan.country);
  if (!s.ok()) return s;
  auto plan =
      ReadPlanAs(call, plans, parsed->plan.ToString(), parsed->plan.country);
  if (!plan.ok()) return plan.status();
  return Admitted{*std::move(parsed), *std::move(plan)};
}

}  // namespace

absl::StatusOr<ProgressReport> ProgressOperations::CreateProgressReport(
    const Caller& caller, const itp::v1::CreateProgressReportRequest& request) {
  Call call(ctx_.call, caller, kCreate, Call::kMutation, request.parent(),
            request);
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request.parent(), "parent");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kWritePlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto plan =
      ReadPlanAs(call, ctx_.plans, request.parent(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  s = CheckReportable(*plan);
  if (!s.ok()) return call.Finish(s);
  const std::string revision_name =
      absl::StrCat(plan->name(), "/revisions/", plan->revision());
  auto content = assessor_.RevisionContent(revision_name);
  if (!content.ok()) return call.Finish(content.status());

  FieldViolations violations;
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  domain::ValidateReportingYear(request.reporting_year(),
                                assessor_.CurrentYear(), *content,
                                "reporting_year", &violations);
  domain::ValidateProgressReportContent(request.progress_report(), *content,
                                        request.reporting_year(),
                                        "progress_report", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  const int revision = plan->revision();
  auto make = [&](const Plan& current,
                  const ProgressReport*) -> absl::StatusOr<ProgressReport> {
    if (current.revision() != revision) {
      return ErrorWithInfo(
          absl::StatusCode::kAborted,
          absl::StrCat(current.name(), " was revised (now revision ",
                       current.revision(),
                       ") while the report was checked; "
                       "send it again."),
          "PLAN_REVISED", current.name());
    }
    ProgressReport report;
    domain::CopyReportContent(request.progress_report(), &report);
    report.set_plan_revision(revision_name);
    return report;
  };
  return call.Finish(ctx_.progress.CreateReport(call.Write(), request.parent(),
                                                request.reporting_year(),
                                                request.supersede(), make));
}

absl::StatusOr<ProgressReport> ProgressOperations::GetProgressReport(
    const Caller& caller, const itp::v1::GetProgressReportRequest& request) {
  Call call(ctx_.call, caller, kGet, Call::kRead, request.name());
  auto admitted =
      Admit(call, ctx_.plans, request.name(), "name", Operation::kReadPlan);
  if (!admitted.ok()) return call.Finish(admitted.status());
  if (request.version() < 0) {
    return call.Finish(domain::InvalidField(
        "version", absl::StrCat("must be 0 (the newest) or a version number "
                                "(got ",
                                request.version(), ").")));
  }
  const bool drafts =
      auth::CheckProgressDraftRead(call.principal(), request.name(),
                                   admitted->name.plan.country)
          .ok();
  auto report =
      ctx_.progress.GetReport(request.name(), request.version(), drafts);
  // To a caller who may not read drafts, a draft version looks exactly like
  // a missing one, so that nobody can probe which drafts exist.
  if (report.ok() && report->state() == ProgressReport::DRAFT && !drafts) {
    return call.Finish(
        ErrorWithInfo(absl::StatusCode::kNotFound,
                      absl::StrCat("Progress report ", request.name(),
                                   " has no version ", request.version(), "."),
                      "PROGRESS_REPORT_NOT_FOUND", request.name()));
  }
  return call.Finish(std::move(report));
}

absl::StatusOr<itp::v1::ListProgressReportsResponse>
ProgressOperations::ListProgressReports(
    const Caller& caller, const itp::v1::ListProgressReportsRequest& request) {
  Call call(ctx_.call, caller, kList, Call::kRead, request.parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  const bool all = request.parent() == kAllPlans;
  std::optional<domain::PlanName> plan_name;
  if (!all) {
    auto parsed = domain::ParsePlanName(request.parent(), "parent");
    violations.AddFrom(parsed.status());
    if (parsed.ok()) plan_name = *std::move(parsed);
  }
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  auto filter = domain::ParseProgressReportFilter(request.filter());
  violations.AddFrom(filter.status());
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  storage::ProgressReportQuery query;
  query.page_size = *page_size;
  query.show_superseded = request.show_superseded();
  query.filter = *std::move(filter);
  query.draft_countries = auth::ProgressDraftCountries(call.principal());
  if (all) {
    s = call.Authorize(Operation::kListPlans, domain::kAnyCountry);
    if (!s.ok()) return call.Finish(s);
    query.plan_filter =
        auth::ReadableFilter(call.principal(), domain::kAnyCountry);
  } else {
    s = call.Authorize(Operation::kReadPlan, plan_name->country);
    if (!s.ok()) return call.Finish(s);
    auto plan =
        ReadPlanAs(call, ctx_.plans, request.parent(), plan_name->country);
    if (!plan.ok()) return call.Finish(plan.status());
    query.plan = request.parent();
  }
  // Tokens are bound to the query and the caller's visibility.
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListProgressReports", request.parent(),
       query.filter ? query.filter->DebugString() : "",
       request.show_superseded() ? "superseded" : "",
       query.plan_filter ? query.plan_filter->DebugString() : "",
       call.principal().key_id});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  query.after = *std::move(cursor);
  auto page = ctx_.progress.ListReports(query);
  if (!page.ok()) return call.Finish(page.status());
  itp::v1::ListProgressReportsResponse response;
  for (ProgressReport& r : page->reports) {
    *response.add_progress_reports() = std::move(r);
  }
  response.set_next_page_token(
      ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<ProgressReport> ProgressOperations::UpdateProgressReport(
    const Caller& caller, const itp::v1::UpdateProgressReportRequest& request) {
  const std::string& name = request.progress_report().name();
  Call call(ctx_.call, caller, kUpdate, Call::kMutation, name);
  auto admitted = Admit(call, ctx_.plans, name, "progress_report.name",
                        Operation::kWritePlan);
  if (!admitted.ok()) return call.Finish(admitted.status());
  // The revision the draft reports against, read before the write.
  auto draft = ctx_.progress.GetReport(name, 0, true);
  if (!draft.ok()) return call.Finish(draft.status());
  auto content = assessor_.RevisionContent(draft->plan_revision());
  if (!content.ok()) return call.Finish(content.status());
  const int year = admitted->name.reporting_year;
  auto mutate = [&](ProgressReport& report, int64_t) -> absl::Status {
    absl::Status applied = domain::ApplyReportUpdate(
        report, request.progress_report(), request.update_mask());
    if (!applied.ok()) return applied;
    FieldViolations violations;
    domain::ValidateProgressReportContent(report, *content, year,
                                          "progress_report", &violations);
    return violations.ToStatus();
  };
  return call.Finish(ctx_.progress.UpdateDraft(call.Write(), name, mutate));
}

absl::StatusOr<ProgressReport> ProgressOperations::PublishProgressReport(
    const Caller& caller,
    const itp::v1::PublishProgressReportRequest& request) {
  Call call(ctx_.call, caller, kPublish, Call::kMutation, request.name(),
            request);
  auto admitted =
      Admit(call, ctx_.plans, request.name(), "name", Operation::kWritePlan);
  if (!admitted.ok()) return call.Finish(admitted.status());
  FieldViolations violations;
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  // What the status computation needs, read before the write transaction.
  auto draft = ctx_.progress.GetReport(request.name(), 0, true);
  if (!draft.ok()) return call.Finish(draft.status());
  auto content = assessor_.RevisionContent(draft->plan_revision());
  if (!content.ok()) return call.Finish(content.status());
  auto pathways = assessor_.PathwaysOf(*content);
  if (!pathways.ok()) return call.Finish(pathways.status());
  const std::string etag = request.etag();
  auto mutate = [&etag](ProgressReport& report, int64_t) {
    return domain::CheckReportEtag(report, etag);
  };
  auto status_of = [&](const ProgressReport& published) -> absl::StatusOr<int> {
    return benchmark::AssessProgress(*content, published, *pathways,
                                     benchmark::ProgressOptions())
        .status();
  };
  return call.Finish(ctx_.progress.PublishReport(call.Write(), request.name(),
                                                 mutate, status_of));
}

absl::StatusOr<PlanProgress> ProgressOperations::GetPlanProgress(
    const Caller& caller, const itp::v1::GetPlanProgressRequest& request) {
  Call call(ctx_.call, caller, kGetProgress, Call::kRead, request.name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request.name(), "name");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReadPlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto plan = ReadPlanAs(call, ctx_.plans, request.name(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  return call.Finish(assessor_.Assess(request.name()));
}

}  // namespace itp::app
