#include "server/app/progress_assessment.h"

#include <utility>

#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "server/benchmark/progress.h"
#include "server/benchmark/reference_pathways.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using google::protobuf::util::TimeUtil;
using itp::v1::PlanProgress;
using itp::v1::ProgressReport;

int YearOf(int64_t unix_micros) {
  return static_cast<int>(
      absl::ToCivilYear(absl::FromUnixMicros(unix_micros), absl::UTCTimeZone())
          .year());
}

}  // namespace

int ProgressAssessor::CurrentYear() const { return YearOf(now_()); }

absl::StatusOr<itp::v1::Plan> ProgressAssessor::RevisionContent(
    const std::string& revision_name) {
  auto parsed = domain::ParseRevisionName(revision_name, "plan_revision");
  if (!parsed.ok()) return parsed.status();
  auto revision =
      plans_.GetPlanRevision(parsed->plan.ToString(), parsed->revision);
  if (!revision.ok()) return revision.status();
  return std::move(*revision->mutable_plan());
}

absl::StatusOr<std::vector<itp::v1::Pathway>> ProgressAssessor::PathwaysOf(
    const itp::v1::Plan& plan) {
  std::vector<itp::v1::Pathway> pathways;
  for (const auto& sector : plan.sectors()) {
    auto of_sector = benchmarks_.PathwaysOfSector(sector.sector());
    if (!of_sector.ok()) return of_sector.status();
    // Older TPI releases are used only when named.
    benchmark::RemoveSupersededReleases(&*of_sector);
    for (auto& p : *of_sector) pathways.push_back(std::move(p));
  }
  return pathways;
}

absl::StatusOr<PlanProgress> ProgressAssessor::Assess(
    const std::string& plan_name) {
  auto published = progress_.PublishedReports(plan_name);
  if (!published.ok()) return published.status();
  std::vector<int> years;
  for (const ProgressReport& r : *published)
    years.push_back(r.reporting_year());

  PlanProgress progress;
  const benchmark::ProgressOptions options;
  if (!published->empty()) {
    const ProgressReport& report = published->front();
    auto content = RevisionContent(report.plan_revision());
    if (!content.ok()) return content.status();
    auto pathways = PathwaysOf(*content);
    if (!pathways.ok()) return pathways.status();
    progress = benchmark::AssessProgress(*content, report, *pathways, options);
    progress.set_progress_report(report.name());
    progress.set_report_version(report.version());
    progress.set_reporting_year(report.reporting_year());
    progress.set_plan_revision(report.plan_revision());
  } else {
    progress.set_status(itp::v1::NOT_ASSESSED);
    progress.set_method_version(benchmark::kProgressMethodVersion);
    progress.set_tolerance(options.tolerance);
    progress.set_threshold(options.threshold);
    progress.set_pace_margin(options.pace_margin);
  }
  progress.set_plan(plan_name);
  int first_submit_year = 0;
  auto first = plans_.GetPlanRevision(plan_name, 1);
  if (first.ok()) {
    first_submit_year =
        YearOf(TimeUtil::TimestampToMicroseconds(first->create_time()));
  } else if (!absl::IsNotFound(first.status())) {
    return first.status();
  }
  *progress.mutable_reporting() =
      benchmark::AssessReporting(years, first_submit_year, CurrentYear());
  *progress.mutable_assess_time() = TimeUtil::MicrosecondsToTimestamp(now_());
  return progress;
}

}  // namespace itp::app
