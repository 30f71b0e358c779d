#include "server/app/benchmark_operations.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/app/plan_scan.h"
#include "server/benchmark/comparison.h"
#include "server/benchmark/engine.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using auth::Operation;
using domain::FieldViolations;
using itp::v1::BenchmarkReport;
using itp::v1::Pathway;
using itp::v1::Plan;

constexpr char kListPathways[] = "/itp.v1.BenchmarkService/ListPathways";
constexpr char kGetPathway[] = "/itp.v1.BenchmarkService/GetPathway";
constexpr char kCreatePathway[] = "/itp.v1.BenchmarkService/CreatePathway";
constexpr char kBenchmarkPlan[] = "/itp.v1.BenchmarkService/BenchmarkPlan";
constexpr char kGetBenchmarkReport[] =
    "/itp.v1.BenchmarkService/GetBenchmarkReport";
constexpr char kListBenchmarkReports[] =
    "/itp.v1.BenchmarkService/ListBenchmarkReports";
constexpr char kComparePlans[] = "/itp.v1.BenchmarkService/ComparePlans";

constexpr int kDefaultCompareYear = 2030;

absl::Status CheckPathwayName(absl::string_view name, absl::string_view field) {
  return domain::ParsePathwayName(name, field).status();
}

}  // namespace

absl::StatusOr<itp::v1::ListPathwaysResponse> BenchmarkOperations::ListPathways(
    const Caller& caller, const itp::v1::ListPathwaysRequest& request) {
  Call call(ctx_.call, caller, kListPathways, Call::kRead, "pathways");
  itp::v1::ListPathwaysResponse response;
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  if (!itp::v1::Sector_IsValid(request.sector())) {
    violations.Add("sector", "has an unknown value.");
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListPathways", absl::StrCat(request.sector())});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = ctx_.benchmarks.ListPathways(request.sector(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (Pathway& p : page->pathways) *response.add_pathways() = std::move(p);
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<Pathway> BenchmarkOperations::GetPathway(
    const Caller& caller, const itp::v1::GetPathwayRequest& request) {
  Call call(ctx_.call, caller, kGetPathway, Call::kRead, request.name());
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (s.ok()) s = CheckPathwayName(request.name(), "name");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(ctx_.benchmarks.GetPathway(request.name()));
}

absl::StatusOr<Pathway> BenchmarkOperations::CreatePathway(
    const Caller& caller, const itp::v1::CreatePathwayRequest& request) {
  Call call(ctx_.call, caller, kCreatePathway, Call::kMutation,
            absl::StrCat("pathways/", request.pathway_id()), request);
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kAdministrate, "");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  std::string id_problem =
      domain::IdProblem(request.pathway_id(), "pathway_id");
  if (!id_problem.empty()) violations.Add("pathway_id", id_problem);
  benchmark::ValidatePathway(request.pathway(), "pathway", &violations);
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  Pathway pathway = request.pathway();
  pathway.set_name(absl::StrCat("pathways/", request.pathway_id()));
  pathway.clear_create_time();
  return call.Finish(ctx_.benchmarks.CreatePathway(call.Write(), pathway));
}

absl::StatusOr<BenchmarkReport> BenchmarkOperations::BenchmarkPlan(
    const Caller& caller, const itp::v1::BenchmarkPlanRequest& request) {
  Call call(ctx_.call, caller, kBenchmarkPlan, Call::kMutation, request.name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);

  // The name is a plan or one of its revisions.
  auto name = domain::ParsePlanOrRevisionName(request.name(), "name");
  if (!name.ok()) return call.Finish(name.status());
  s = call.Authorize(Operation::kBenchmarkPlan, name->plan.country);
  if (!s.ok()) return call.Finish(s);

  FieldViolations violations;
  BenchmarkStep::Request step;
  step.revision = name->revision;
  step.drafts_as_they_stand = true;
  step.options = OptionsOf(request);
  step.requested_by = call.principal().ApiKeyName();
  benchmark::ValidateOptions(step.options, "", &violations);
  if (request.pathways_size() > kMaxNamedPathways) {
    violations.Add("pathways", absl::StrCat("names ", request.pathways_size(),
                                            " pathways; at most ",
                                            kMaxNamedPathways, "."));
  }
  for (int i = 0; i < request.pathways_size() && i < kMaxNamedPathways; ++i) {
    violations.AddFrom(CheckPathwayName(request.pathways(i),
                                        absl::StrCat("pathways[", i, "]")));
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  step.pathways.assign(request.pathways().begin(), request.pathways().end());

  auto current =
      ReadPlanAs(call, ctx_.plans, name->plan.ToString(), name->plan.country);
  if (!current.ok()) return call.Finish(current.status());
  auto report = ctx_.step.Compute(*current, step);
  if (!report.ok() || request.validate_only()) {
    return call.Finish(std::move(report));
  }
  // Asking again for the same figures reads the stored report.
  auto stored = ctx_.step.FindStored(current->name(), *report);
  if (!stored.ok()) return call.Finish(stored.status());
  if (stored->has_value()) return call.Done(**std::move(stored));
  return call.Finish(
      ctx_.benchmarks.CreateReport(call.Write(), current->name(), *report));
}

absl::StatusOr<BenchmarkReport> BenchmarkOperations::GetBenchmarkReport(
    const Caller& caller, const itp::v1::GetBenchmarkReportRequest& request) {
  Call call(ctx_.call, caller, kGetBenchmarkReport, Call::kRead,
            request.name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto report_name = domain::ParseReportName(request.name(), "name");
  if (!report_name.ok()) return call.Finish(report_name.status());
  const domain::PlanName& plan_name = report_name->plan;
  s = call.Authorize(Operation::kReadPlan, plan_name.country);
  if (!s.ok()) return call.Finish(s);
  auto plan =
      ReadPlanAs(call, ctx_.plans, plan_name.ToString(), plan_name.country);
  if (!plan.ok()) return call.Finish(plan.status());
  auto report = ctx_.benchmarks.GetReport(request.name());
  if (!report.ok()) return call.Finish(report.status());
  s = auth::CheckReportRead(call.principal(), request.name(),
                            plan_name.country,
                            storage::IsDraftReport(*report));
  if (!s.ok()) return call.Finish(s);
  return call.Finish(std::move(report));
}

absl::StatusOr<itp::v1::ListBenchmarkReportsResponse>
BenchmarkOperations::ListBenchmarkReports(
    const Caller& caller, const itp::v1::ListBenchmarkReportsRequest& request) {
  Call call(ctx_.call, caller, kListBenchmarkReports, Call::kRead,
            request.parent());
  itp::v1::ListBenchmarkReportsResponse response;
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request.parent(), "parent");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReadPlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  auto plan =
      ReadPlanAs(call, ctx_.plans, request.parent(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListBenchmarkReports", request.parent()});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  const bool with_drafts =
      auth::CheckReportRead(call.principal(), "", plan_name->country, true)
          .ok();
  auto page = ctx_.benchmarks.ListReports(request.parent(), *page_size, after,
                                          with_drafts);
  if (!page.ok()) return call.Finish(page.status());
  for (BenchmarkReport& r : page->reports) {
    *response.add_benchmark_reports() = std::move(r);
  }
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<itp::v1::ComparePlansResponse> BenchmarkOperations::ComparePlans(
    const Caller& caller, const itp::v1::ComparePlansRequest& request) {
  Call call(ctx_.call, caller, kComparePlans, Call::kRead, "countries/-");
  itp::v1::ComparePlansResponse response;
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  if (request.sector() == itp::v1::SECTOR_UNSPECIFIED ||
      !itp::v1::Sector_IsValid(request.sector())) {
    violations.Add("sector", "is required, e.g. IRON_AND_STEEL or CEMENT.");
  }
  const int year = request.year() == 0 ? kDefaultCompareYear : request.year();
  if (year < domain::kMinYear || year > domain::kMaxYear) {
    violations.Add("year",
                   absl::StrCat("year ", year, " is outside ", domain::kMinYear,
                                "-", domain::kMaxYear, "."));
  }
  if (!request.pathway().empty()) {
    violations.AddFrom(CheckPathwayName(request.pathway(), "pathway"));
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  // The reference: the named pathway, or the default of the sector.
  std::optional<Pathway> reference;
  if (!request.pathway().empty()) {
    auto pathway = ctx_.benchmarks.GetPathway(request.pathway());
    if (!pathway.ok()) return call.Finish(pathway.status());
    if (pathway->sector() != request.sector()) {
      return call.Finish(domain::InvalidField(
          "pathway",
          absl::StrCat(request.pathway(), " is a ",
                       itp::v1::Sector_Name(pathway->sector()), " pathway.")));
    }
    reference = *std::move(pathway);
  } else {
    auto of_sector = ctx_.benchmarks.PathwaysOfSector(request.sector());
    if (!of_sector.ok()) return call.Finish(of_sector.status());
    reference = benchmark::DefaultComparisonPathway(*of_sector);
  }

  // Every readable plan with a submitted revision that covers the sector.
  std::vector<itp::v1::PlanComparison> rows;
  s = ForEachReadablePlan(
      ctx_.plans, call.principal(),
      domain::AndFilters(domain::HasSector(request.sector()),
                         domain::HasSubmittedRevision()),
      [&](const Plan& plan) {
        auto frozen = ctx_.plans.GetPlanRevision(plan.name(), plan.revision());
        if (!frozen.ok()) return frozen.status();
        benchmark::AppendComparisons(*frozen, plan.country(), request.sector(),
                                     reference ? &*reference : nullptr, year,
                                     &rows);
        return absl::OkStatus();
      });
  if (!s.ok()) return call.Finish(s);
  benchmark::RankComparisons(rows);
  for (auto& row : rows) *response.add_plans() = std::move(row);
  response.set_sector(request.sector());
  response.set_year(year);
  if (reference) response.set_pathway(reference->name());
  return call.Done(std::move(response));
}

}  // namespace itp::app
