// `itp benchmark ...`: benchmark a plan against the reference pathways, rank
// the plans of a sector, list the pathways and a plan's stored reports (and,
// from commands_chart.cc, chart a plan against the pathways).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/benchmark_views.h"
#include "client/commands.h"

namespace itp::client {
namespace {

// `pathways/tpi-steel-2022-1p5c` from itself or from the bare id.
std::string PathwayName(const std::string& pathway) {
  if (pathway.empty() || absl::StartsWith(pathway, "pathways/")) {
    return pathway;
  }
  return "pathways/" + pathway;
}

itp::v1::Sector ParseSector(const std::string& name) {
  itp::v1::Sector sector = itp::v1::SECTOR_UNSPECIFIED;
  itp::v1::Sector_Parse(absl::AsciiStrToUpper(name), &sector);
  return sector;
}

// Adds `--sector` accepting the sector names of the API, in any case.
CLI::Option* AddSectorOption(CLI::App* command, std::string* sector,
                             const std::string& help) {
  std::vector<std::string> names;
  const auto* type = itp::v1::Sector_descriptor();
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) names.push_back(type->value(i)->name());
  }
  return command->add_option("--sector", *sector, help)
      ->transform(CLI::IsMember(names, CLI::ignore_case));
}

struct PlanOptions {
  std::string name;
  std::vector<std::string> pathways;
  std::vector<int> years;
  double tcre = 0;
  bool dry_run = false;
};

int BenchmarkPlan(Session& session, const PlanOptions& options) {
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(PlanName(options.name));
  for (const std::string& p : options.pathways) {
    request.add_pathways(PathwayName(p));
  }
  for (int year : options.years) request.add_checkpoint_years(year);
  if (options.tcre > 0) request.set_tcre_c_per_1000_gtco2(options.tcre);
  request.set_validate_only(options.dry_run);
  auto context = session.connection().NewCallContext();
  itp::v1::BenchmarkReport report;
  grpc::Status status = session.connection().benchmarks().BenchmarkPlan(
      context.get(), request, &report);
  if (!status.ok()) return session.Fail(status);
  PrintBenchmarkReport(session.out(), session.format(), report);
  return kExitOk;
}

struct CompareOptions {
  std::string sector;
  int year = 0;
  std::string pathway;
};

int ComparePlans(Session& session, const CompareOptions& options) {
  itp::v1::ComparePlansRequest request;
  request.set_sector(ParseSector(options.sector));
  request.set_year(options.year);
  request.set_pathway(PathwayName(options.pathway));
  auto context = session.connection().NewCallContext();
  itp::v1::ComparePlansResponse response;
  grpc::Status status = session.connection().benchmarks().ComparePlans(
      context.get(), request, &response);
  if (!status.ok()) return session.Fail(status);
  PrintComparison(session.out(), session.format(), response);
  return kExitOk;
}

struct PathwaysOptions {
  std::string sector;
};

int ListPathways(Session& session, const PathwaysOptions& options) {
  itp::v1::ListPathwaysRequest request;
  if (!options.sector.empty()) request.set_sector(ParseSector(options.sector));
  itp::v1::ListPathwaysResponse all;
  grpc::Status status = ListAll(
      session, 0,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListPathwaysResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().benchmarks().ListPathways(context, request,
                                                              page);
      },
      &itp::v1::ListPathwaysResponse::mutable_pathways, &all);
  if (!status.ok()) return session.Fail(status);
  PrintPathways(session.out(), session.format(), all);
  return kExitOk;
}

struct ReportsOptions {
  std::string name;
  int limit = 0;
};

int ShowReports(Session& session, const ReportsOptions& options) {
  const std::string name = PlanName(options.name);
  if (absl::StrContains(name, "/benchmarkReports/")) {
    itp::v1::GetBenchmarkReportRequest request;
    request.set_name(name);
    auto context = session.connection().NewCallContext();
    itp::v1::BenchmarkReport report;
    grpc::Status status = session.connection().benchmarks().GetBenchmarkReport(
        context.get(), request, &report);
    if (!status.ok()) return session.Fail(status);
    PrintBenchmarkReport(session.out(), session.format(), report);
    return kExitOk;
  }
  itp::v1::ListBenchmarkReportsRequest request;
  request.set_parent(name);
  itp::v1::ListBenchmarkReportsResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListBenchmarkReportsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().benchmarks().ListBenchmarkReports(
            context, request, page);
      },
      &itp::v1::ListBenchmarkReportsResponse::mutable_benchmark_reports, &all);
  if (!status.ok()) return session.Fail(status);
  PrintBenchmarkReports(session.out(), session.format(), all);
  return kExitOk;
}

}  // namespace

void AddBenchmarkCommands(Cli& cli) {
  CLI::App* benchmark = cli.AddGroup(
      cli.root(), "benchmark",
      "Where plans stand against reference pathways (TPI, IEA Net Zero)");

  auto plan = std::make_shared<PlanOptions>();
  CLI::App* command = cli.AddCommand(
      benchmark, "plan",
      "Benchmark a plan's latest submitted revision (or a given revision) "
      "and store the report (the stored one when the same figures were "
      "asked for before)",
      "  itp benchmark plan IND/steel-2070\n"
      "  itp benchmark plan countries/IND/plans/steel-2070/revisions/1 "
      "--pathway tpi-steel-2022-1p5c --years 2030,2050 --tcre 0.6",
      [plan](Session& s) { return BenchmarkPlan(s, *plan); });
  command
      ->add_option("NAME", plan->name,
                   "Plan (countries/IND/plans/steel-2070, IND/steel-2070) or "
                   "revision (.../revisions/1)")
      ->required();
  command->add_option("--pathway", plan->pathways,
                      "Pathway id or name, repeatable (default: every "
                      "pathway of the plan's sectors)");
  command
      ->add_option("--years", plan->years,
                   "Checkpoint years, comma-separated (default "
                   "2025,2030,2035,2040,2050)")
      ->delimiter(',')
      ->check(CLI::Range(1990, 2100));
  command
      ->add_option("--tcre", plan->tcre,
                   "Degrees C per 1000 GtCO2 for the implied temperature "
                   "(default 0.45, IPCC AR6)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--dry-run", plan->dry_run,
                    "Compute and print the report without storing it");

  auto compare = std::make_shared<CompareOptions>();
  command = cli.AddCommand(
      benchmark, "compare",
      "Rank the latest submitted plans of a sector by intensity and "
      "alignment",
      "  itp benchmark compare --sector IRON_AND_STEEL\n"
      "  itp benchmark compare --sector cement --year 2035 -o csv",
      [compare](Session& s) { return ComparePlans(s, *compare); });
  AddSectorOption(command, &compare->sector, "Sector to compare")->required();
  command
      ->add_option("--year", compare->year, "Year of comparison (default 2030)")
      ->check(CLI::Range(1990, 2100));
  command->add_option("--pathway", compare->pathway,
                      "Pathway for the alignment ratio (default the most "
                      "stringent built-in pathway of the sector)");

  auto pathways = std::make_shared<PathwaysOptions>();
  command = cli.AddCommand(
      benchmark, "pathways", "List the reference pathways",
      "  itp benchmark pathways\n"
      "  itp benchmark pathways --sector IRON_AND_STEEL -o json",
      [pathways](Session& s) { return ListPathways(s, *pathways); });
  AddSectorOption(command, &pathways->sector, "Only this sector");

  auto reports = std::make_shared<ReportsOptions>();
  command = cli.AddCommand(
      benchmark, "reports",
      "List a plan's stored benchmark reports, newest first, or show one",
      "  itp benchmark reports IND/steel-2070\n"
      "  itp benchmark reports "
      "countries/IND/plans/steel-2070/benchmarkReports/REPORT_ID",
      [reports](Session& s) { return ShowReports(s, *reports); });
  command
      ->add_option("NAME", reports->name,
                   "Plan name, or a report name to show that report")
      ->required();
  command
      ->add_option("--limit", reports->limit,
                   "Show at most this many reports (default all)")
      ->check(CLI::Range(0, 1000000));

  AddBenchmarkChartCommand(cli, benchmark);
}

}  // namespace itp::client
