// What moved between two runs of a benchmark job: alignment labels that
// changed, alignment ratios that crossed zero, progress statuses that moved,
// plans added or gone. Pure
// functions over the per-plan summaries the runs stored.
//
//   itp::v1::PlanResultSummary s = Summarize(report);
//   itp::v1::RunChanges changes = CompareRuns(previous_results, results);
#ifndef ITP_SERVER_BENCHMARK_RUN_CHANGES_H_
#define ITP_SERVER_BENCHMARK_RUN_CHANGES_H_

#include <vector>

#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_job.pb.h"

namespace itp::benchmark {

// The labels (sector, family, year) and alignment ratios (sector, pathway,
// year) of a report, in report order.
itp::v1::PlanResultSummary Summarize(const itp::v1::BenchmarkReport& report);

// Compares the successful results of two runs (failed results count as
// absent). A ratio crosses zero when its sign changes between negative and
// zero-or-positive (PACTA: positive is aligned). A progress change is a
// progress status or reporting state that differs (plans whose previous
// result has no progress summary are not compared). Output is ordered by plan,
// then as in the current results; `previous_run` is left for the caller.
itp::v1::RunChanges CompareRuns(
    const std::vector<itp::v1::BenchmarkJobResult>& previous,
    const std::vector<itp::v1::BenchmarkJobResult>& current);

}  // namespace itp::benchmark

#endif  // ITP_SERVER_BENCHMARK_RUN_CHANGES_H_
