#include "server/app/benchmark_step.h"

#include <utility>

#include "google/protobuf/util/message_differencer.h"
#include "server/benchmark/reference_pathways.h"
#include "server/domain/errors.h"

namespace itp::app {

using itp::v1::Pathway;
using itp::v1::Plan;

absl::StatusOr<itp::v1::BenchmarkReport> BenchmarkStep::Run(
    const storage::WriteContext& ctx, const Plan& current,
    const Request& request) {
  auto report = Compute(current, request);
  if (!report.ok()) return report.status();
  return benchmarks_.CreateReport(ctx, current.name(), *report);
}

namespace {

itp::v1::BenchmarkReport ContentOf(itp::v1::BenchmarkReport report) {
  report.clear_name();
  report.clear_create_time();
  report.clear_requested_by();
  return report;
}

}  // namespace

absl::StatusOr<std::optional<itp::v1::BenchmarkReport>>
BenchmarkStep::FindStored(absl::string_view plan_name,
                          const itp::v1::BenchmarkReport& computed) const {
  auto page = benchmarks_.ListReports(plan_name, kReuseWindow, std::nullopt,
                                      /*with_drafts=*/true);
  if (!page.ok()) return page.status();
  const itp::v1::BenchmarkReport wanted = ContentOf(computed);
  for (itp::v1::BenchmarkReport& stored : page->reports) {
    if (google::protobuf::util::MessageDifferencer::Equals(ContentOf(stored),
                                                           wanted)) {
      return std::optional<itp::v1::BenchmarkReport>(std::move(stored));
    }
  }
  return std::optional<itp::v1::BenchmarkReport>();
}

absl::StatusOr<itp::v1::BenchmarkReport> BenchmarkStep::Compute(
    const Plan& current, const Request& request) const {
  // The content: a frozen revision, or a never-submitted draft as it stands.
  Plan content;
  std::string revision_name;
  const int revision =
      request.revision == 0 ? current.revision() : request.revision;
  if (revision > 0) {
    auto frozen = plans_.GetPlanRevision(current.name(), revision);
    if (!frozen.ok()) return frozen.status();
    revision_name = frozen->name();
    content = std::move(*frozen->mutable_plan());
  } else if (request.drafts_as_they_stand) {
    content = current;
    revision_name = current.name();
  } else {
    return domain::ErrorWithInfo(absl::StatusCode::kFailedPrecondition,
                                 "The plan has no submitted revision any more.",
                                 "PLAN_NOT_SUBMITTED", current.name());
  }

  std::vector<Pathway> pathways;
  if (!request.pathways.empty()) {
    for (const std::string& name : request.pathways) {
      auto pathway = benchmarks_.GetPathway(name);
      if (!pathway.ok()) return pathway.status();
      pathways.push_back(*std::move(pathway));
    }
  } else {
    for (const auto& sector : content.sectors()) {
      auto of_sector = benchmarks_.PathwaysOfSector(sector.sector());
      if (!of_sector.ok()) return of_sector.status();
      // Superseded TPI releases are used only when named.
      benchmark::RemoveSupersededReleases(&*of_sector);
      for (Pathway& p : *of_sector) pathways.push_back(std::move(p));
    }
  }

  itp::v1::BenchmarkReport report =
      benchmark::BenchmarkPlan(content, pathways, request.options);
  report.set_plan_revision(revision_name);
  report.set_requested_by(request.requested_by);
  return report;
}

}  // namespace itp::app
