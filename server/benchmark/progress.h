// The progress assessment engine: pure functions that say where a published
// progress report stands against the plan revision it was filed against and
// against reference pathways (domain brief, section 6). Per sector of the
// plan and per metric (intensity, and emissions where the report gives
// them), with A the actuals, P the plan (linear between plan years, flat
// after the last), t0 the base year, y the latest year with an actual and m
// the first plan year after y:
//
//   dev(y) = (A(y) - P(y)) / P(y)
//   r_obs  = (A(y) / A(t0)) ^ (1 / (y - t0)) - 1     P(t0) when no A(t0)
//   r_req  = (P(m) / A(y)) ^ (1 / (m - y)) - 1
//   status   dev > threshold: NOT_ON_TRACK; dev > tolerance, or
//            r_req < r_obs - pace_margin: MORE_EFFORT_NEEDED; else ON_TRACK
//
// plus projections at the observed rate (2030 and the plan's last year), the
// TPI label of A(y) per pathway family, project counts per technology and
// the reporting discipline of the plan. No I/O, no clock, no globals: the
// same inputs give bit-identical results.
//
//   ProgressOptions options;   // tolerance 2 %, threshold 10 %, margin 1 pt
//   itp::v1::PlanProgress progress =
//       AssessProgress(revision.plan(), report, pathways, options);
//   progress.set_plan_revision(report.plan_revision());   // and so on
//   *progress.mutable_reporting() =
//       AssessReporting(published_years, first_submit_year, current_year);
#ifndef ITP_SERVER_BENCHMARK_PROGRESS_H_
#define ITP_SERVER_BENCHMARK_PROGRESS_H_

#include <vector>

#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"

namespace itp::benchmark {

// Recorded in every assessment; bump whenever a formula or rule changes.
inline constexpr char kProgressMethodVersion[] = "itp-progress/1.0";

// The status parameters of section 6, item 4; reported with the result.
struct ProgressOptions {
  // dev(y) <= tolerance: on track (unless the pace rule applies).
  double tolerance = 0.02;
  // dev(y) > threshold: not on track.
  double threshold = 0.10;
  // r_req < r_obs - pace_margin: more effort needed.
  double pace_margin = 0.01;
};

// Assesses `report` (a published report) against `plan`, the content of the
// plan revision the report was filed against, and the reference `pathways`
// (any sectors; those of each plan sector are used for its alignments).
//
// Fills status, sectors (one per plan sector, in the plan's order; report
// sectors the plan does not have are ignored), technologies (one per
// technology of the plan's projects, in enum order), method_version,
// tolerance, threshold and pace_margin. Leaves plan, progress_report,
// report_version, reporting_year, plan_revision, reporting and assess_time
// to the caller. A figure that cannot be computed (a missing or
// non-positive value, a result that would not be finite) is left unset and
// the metric's message says why; no field is ever NaN or infinite.
itp::v1::PlanProgress AssessProgress(
    const itp::v1::Plan& plan, const itp::v1::ProgressReport& report,
    const std::vector<itp::v1::Pathway>& pathways,
    const ProgressOptions& options);

// Reporting discipline (item 9) in `current_year` Y. `published_years`: the
// reporting years with a published report (any order, repeats allowed);
// `first_submit_year`: calendar year of the plan's first submission, 0 if
// never submitted. UP_TO_DATE when the latest published year is Y - 1 or
// later; OVERDUE when it is older, or when nothing is published and the
// first submission was before Y - 1; NOT_YET_DUE otherwise.
itp::v1::ReportingRecord AssessReporting(std::vector<int> published_years,
                                         int first_submit_year,
                                         int current_year);

// The worse of two statuses: NOT_ON_TRACK > MORE_EFFORT_NEEDED > ON_TRACK.
// NOT_ASSESSED (or UNSPECIFIED) only when neither is assessed; NOT_ASSESSED
// when either is.
itp::v1::ProgressStatus WorseStatus(itp::v1::ProgressStatus a,
                                    itp::v1::ProgressStatus b);

}  // namespace itp::benchmark

#endif  // ITP_SERVER_BENCHMARK_PROGRESS_H_
