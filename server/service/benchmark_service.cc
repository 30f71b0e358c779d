#include "server/service/benchmark_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/benchmark/engine.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::service {
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

constexpr char kReportsSegment[] = "/benchmarkReports/";
constexpr int kDefaultCompareYear = 2030;

// Parses `pathways/{id}`.
absl::Status CheckPathwayName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "pathways/") ||
      !domain::IdProblem(id, "id").empty()) {
    return domain::InvalidField(std::string(field),
                                absl::StrCat("'", name,
                                             "' is not a pathway name such as "
                                             "pathways/tpi-steel-2022-1p5c."));
  }
  return absl::OkStatus();
}

// The plan name of a report name `{plan}/benchmarkReports/{id}`.
absl::StatusOr<domain::PlanName> ReportPlan(absl::string_view name) {
  size_t pos = name.find(kReportsSegment);
  if (pos == absl::string_view::npos ||
      pos + sizeof(kReportsSegment) - 1 == name.size()) {
    return domain::InvalidField(
        "name", absl::StrCat("'", name,
                             "' must have the form countries/{country}/plans/"
                             "{plan}/benchmarkReports/{report}."));
  }
  return domain::ParsePlanName(name.substr(0, pos), "name");
}

// The latest submitted revision of `plan` as the engine's input, with its
// revision name; a never-submitted draft is benchmarked as it stands.
struct Subject {
  Plan content;
  std::string revision_name;
};

}  // namespace

grpc::Status BenchmarkServiceImpl::ListPathways(
    grpc::ServerContext* context, const itp::v1::ListPathwaysRequest* request,
    itp::v1::ListPathwaysResponse* response) {
  CallGuard call(guard_, *context, kListPathways, CallGuard::kRead, "pathways");
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request->page_size());
  violations.AddFrom(page_size.status());
  if (!itp::v1::Sector_IsValid(request->sector())) {
    violations.Add("sector", "has an unknown value.");
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListPathways", absl::StrCat(request->sector())});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = benchmarks_.ListPathways(request->sector(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (Pathway& p : page->pathways) *response->add_pathways() = std::move(p);
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

grpc::Status BenchmarkServiceImpl::GetPathway(
    grpc::ServerContext* context, const itp::v1::GetPathwayRequest* request,
    Pathway* response) {
  CallGuard call(guard_, *context, kGetPathway, CallGuard::kRead,
                 request->name());
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (s.ok()) s = CheckPathwayName(request->name(), "name");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(benchmarks_.GetPathway(request->name()), response);
}

grpc::Status BenchmarkServiceImpl::CreatePathway(
    grpc::ServerContext* context, const itp::v1::CreatePathwayRequest* request,
    Pathway* response) {
  CallGuard call(guard_, *context, kCreatePathway, CallGuard::kMutation,
                 absl::StrCat("pathways/", request->pathway_id()));
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kAdministrate, "");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  std::string id_problem =
      domain::IdProblem(request->pathway_id(), "pathway_id");
  if (!id_problem.empty()) violations.Add("pathway_id", id_problem);
  benchmark::ValidatePathway(request->pathway(), "pathway", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  Pathway pathway = request->pathway();
  pathway.set_name(absl::StrCat("pathways/", request->pathway_id()));
  pathway.clear_create_time();
  return call.Finish(benchmarks_.CreatePathway(call.Write(), pathway),
                     response);
}

grpc::Status BenchmarkServiceImpl::BenchmarkPlan(
    grpc::ServerContext* context, const itp::v1::BenchmarkPlanRequest* request,
    BenchmarkReport* response) {
  CallGuard call(guard_, *context, kBenchmarkPlan, CallGuard::kMutation,
                 request->name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);

  // The name is a plan or one of its revisions.
  domain::PlanName plan_name;
  int revision = 0;
  if (absl::StrContains(request->name(), "/revisions/")) {
    auto parsed = domain::ParseRevisionName(request->name(), "name");
    if (!parsed.ok()) return call.Finish(parsed.status());
    plan_name = parsed->plan;
    revision = parsed->revision;
  } else {
    auto parsed = domain::ParsePlanName(request->name(), "name");
    if (!parsed.ok()) return call.Finish(parsed.status());
    plan_name = *std::move(parsed);
  }
  s = call.Authorize(Operation::kBenchmarkPlan, plan_name.country);
  if (!s.ok()) return call.Finish(s);

  FieldViolations violations;
  benchmark::BenchmarkOptions options;
  options.checkpoint_years.assign(request->checkpoint_years().begin(),
                                  request->checkpoint_years().end());
  if (request->has_tcre_c_per_1000_gtco2()) {
    options.tcre_c_per_1000_gtco2 = request->tcre_c_per_1000_gtco2();
  }
  benchmark::ValidateOptions(options, "", &violations);
  for (int i = 0; i < request->pathways_size(); ++i) {
    violations.AddFrom(CheckPathwayName(request->pathways(i),
                                        absl::StrCat("pathways[", i, "]")));
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  const std::string plan = plan_name.ToString();
  auto current = ReadPlanAs(call, plans_, plan, plan_name.country);
  if (!current.ok()) return call.Finish(current.status());
  Subject subject;
  if (revision == 0) revision = current->revision();
  if (revision > 0) {
    auto frozen = plans_.GetPlanRevision(plan, revision);
    if (!frozen.ok()) return call.Finish(frozen.status());
    subject.content = frozen->plan();
    subject.revision_name = frozen->name();
  } else {
    subject.content = *current;
    subject.revision_name = plan;
  }

  std::vector<Pathway> pathways;
  if (request->pathways_size() > 0) {
    for (const std::string& name : request->pathways()) {
      auto pathway = benchmarks_.GetPathway(name);
      if (!pathway.ok()) return call.Finish(pathway.status());
      pathways.push_back(*std::move(pathway));
    }
  } else {
    for (const auto& sector : subject.content.sectors()) {
      auto of_sector = benchmarks_.PathwaysOfSector(sector.sector());
      if (!of_sector.ok()) return call.Finish(of_sector.status());
      for (Pathway& p : *of_sector) pathways.push_back(std::move(p));
    }
  }
  BenchmarkReport report =
      benchmark::BenchmarkPlan(subject.content, pathways, options);
  report.set_plan_revision(subject.revision_name);
  report.set_requested_by(call.principal().ApiKeyName());
  return call.Finish(benchmarks_.CreateReport(call.Write(), plan, report),
                     response);
}

grpc::Status BenchmarkServiceImpl::GetBenchmarkReport(
    grpc::ServerContext* context,
    const itp::v1::GetBenchmarkReportRequest* request,
    BenchmarkReport* response) {
  CallGuard call(guard_, *context, kGetBenchmarkReport, CallGuard::kRead,
                 request->name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = ReportPlan(request->name());
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReadPlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto plan =
      ReadPlanAs(call, plans_, plan_name->ToString(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  return call.Finish(benchmarks_.GetReport(request->name()), response);
}

grpc::Status BenchmarkServiceImpl::ListBenchmarkReports(
    grpc::ServerContext* context,
    const itp::v1::ListBenchmarkReportsRequest* request,
    itp::v1::ListBenchmarkReportsResponse* response) {
  CallGuard call(guard_, *context, kListBenchmarkReports, CallGuard::kRead,
                 request->parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request->parent(), "parent");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReadPlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  auto plan = ReadPlanAs(call, plans_, request->parent(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListBenchmarkReports", request->parent()});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = benchmarks_.ListReports(request->parent(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (BenchmarkReport& r : page->reports) {
    *response->add_benchmark_reports() = std::move(r);
  }
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

grpc::Status BenchmarkServiceImpl::ComparePlans(
    grpc::ServerContext* context, const itp::v1::ComparePlansRequest* request,
    itp::v1::ComparePlansResponse* response) {
  CallGuard call(guard_, *context, kComparePlans, CallGuard::kRead,
                 "countries/-");
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  if (request->sector() == itp::v1::SECTOR_UNSPECIFIED ||
      !itp::v1::Sector_IsValid(request->sector())) {
    violations.Add("sector", "is required, e.g. IRON_AND_STEEL or CEMENT.");
  }
  const int year = request->year() == 0 ? kDefaultCompareYear : request->year();
  if (year < domain::kMinYear || year > domain::kMaxYear) {
    violations.Add("year",
                   absl::StrCat("year ", year, " is outside ", domain::kMinYear,
                                "-", domain::kMaxYear, "."));
  }
  if (!request->pathway().empty()) {
    violations.AddFrom(CheckPathwayName(request->pathway(), "pathway"));
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());

  // The reference: the named pathway, or the most stringent of the sector.
  Pathway reference;
  if (!request->pathway().empty()) {
    auto pathway = benchmarks_.GetPathway(request->pathway());
    if (!pathway.ok()) return call.Finish(pathway.status());
    if (pathway->sector() != request->sector()) {
      return call.Finish(domain::InvalidField(
          "pathway",
          absl::StrCat(request->pathway(), " is a ",
                       itp::v1::Sector_Name(pathway->sector()), " pathway.")));
    }
    reference = *std::move(pathway);
  } else {
    auto of_sector = benchmarks_.PathwaysOfSector(request->sector());
    if (!of_sector.ok()) return call.Finish(of_sector.status());
    // The default is the most stringent shipped pathway; pathways admins add
    // (national ones, counterfactuals) are used only when named.
    for (const Pathway& p : *of_sector) {
      if (!p.built_in()) continue;
      if (reference.name().empty() ||
          std::make_pair(p.stringency_rank(), p.name()) <
              std::make_pair(reference.stringency_rank(), reference.name())) {
        reference = p;
      }
    }
  }

  // Every readable plan with a submitted revision that covers the sector.
  domain::FilterExpr has_sector;
  has_sector.field = domain::FilterField::kSector;
  has_sector.int_value = request->sector();
  domain::FilterExpr submitted;
  submitted.field = domain::FilterField::kRevision;
  submitted.op = domain::CompareOp::kGe;
  submitted.int_value = 1;
  domain::FilterExpr both;
  both.kind = domain::FilterExpr::Kind::kAnd;
  both.children = {has_sector, submitted};
  storage::PlanListQuery query;
  query.country = domain::kAnyCountry;
  query.filter =
      auth::RestrictToReadable(call.principal(), domain::kAnyCountry, both);
  query.page_size = domain::kMaxPageSize;
  std::vector<itp::v1::PlanComparison> rows;
  while (true) {
    auto page = plans_.ListPlans(query);
    if (!page.ok()) return call.Finish(page.status());
    for (const Plan& plan : page->plans) {
      auto frozen = plans_.GetPlanRevision(plan.name(), plan.revision());
      if (!frozen.ok()) return call.Finish(frozen.status());
      for (const auto& sector : frozen->plan().sectors()) {
        if (sector.sector() != request->sector()) continue;
        itp::v1::PlanComparison row;
        row.set_plan_revision(frozen->name());
        row.set_country(plan.country());
        row.set_display_name(frozen->plan().display_name());
        if (auto intensity =
                benchmark::Series::PlanIntensity(sector).At(year)) {
          row.set_intensity(*intensity);
        }
        if (!reference.name().empty()) {
          if (auto ratio =
                  benchmark::AlignmentRatioAt(sector, reference, year)) {
            row.set_alignment_ratio(ratio->ratio());
          }
        }
        rows.push_back(std::move(row));
      }
    }
    if (!page->next) break;
    query.after = page->next;
  }

  // Ranks: plans without a value rank after those with one.
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.has_alignment_ratio() != b.has_alignment_ratio()) {
      return a.has_alignment_ratio();
    }
    return a.alignment_ratio() > b.alignment_ratio();
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].set_alignment_rank(static_cast<int>(i + 1));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.has_intensity() != b.has_intensity()) return a.has_intensity();
    return a.intensity() < b.intensity();
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].set_intensity_rank(static_cast<int>(i + 1));
    *response->add_plans() = std::move(rows[i]);
  }
  response->set_sector(request->sector());
  response->set_year(year);
  response->set_pathway(reference.name());
  return call.Finish(absl::OkStatus());
}

}  // namespace itp::service
