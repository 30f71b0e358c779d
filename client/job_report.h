// The machine-readable report of a benchmark job run, as the job runner
// writes it for cron jobs and dashboards: a JSON document with the run, its
// changes since the previous run and every plan's result, and a CSV with one
// row per change (or failed plan).
//
//   WriteFile(path, RunReportJson(run, results));
//   WriteFile(path, RunChangesCsv(run, results));
#ifndef ITP_CLIENT_JOB_REPORT_H_
#define ITP_CLIENT_JOB_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "itp/v1/benchmark_job.pb.h"

namespace itp::client {

// {"run": <BenchmarkJobRun>, "results": [<BenchmarkJobResult>...]} in the
// proto3 JSON mapping, pretty-printed.
std::string RunReportJson(
    const itp::v1::BenchmarkJobRun& run,
    const std::vector<itp::v1::BenchmarkJobResult>& results);

// CSV (RFC 4180) with the header
//   change,plan,sector,family_or_pathway,year,old,new
// and one row per label change ("label"), ratio crossing ("ratio_crossing"),
// plan added ("plan_added"), plan gone ("plan_gone") and failed plan
// ("plan_failed", with the error in `new`).
std::string RunChangesCsv(
    const itp::v1::BenchmarkJobRun& run,
    const std::vector<itp::v1::BenchmarkJobResult>& results);

// One line for a log: "<run> SUCCEEDED: 200 plans, 0 failed; 3 label changes,
// 1 ratio crossing, 0 plans added, 0 plans gone".
std::string RunSummaryLine(const itp::v1::BenchmarkJobRun& run);

// Writes `contents` to `path` atomically (temporary file, then rename).
absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& contents);

}  // namespace itp::client

#endif  // ITP_CLIENT_JOB_REPORT_H_
