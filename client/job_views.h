// How the `itp jobs` commands print benchmark jobs, their runs and results in
// each output format. A run's summary says what moved since the job's
// previous run: alignment labels that changed, alignment ratios that changed
// sign, plans added and gone, and plans that failed.
#ifndef ITP_CLIENT_JOB_VIEWS_H_
#define ITP_CLIENT_JOB_VIEWS_H_

#include <ostream>
#include <vector>

#include "absl/strings/string_view.h"
#include "client/output.h"
#include "itp/v1/benchmark_job.pb.h"
#include "itp/v1/benchmark_job_service.pb.h"

namespace itp::client {

// One row per job.
void PrintJobs(std::ostream& out, OutputFormat format,
               const itp::v1::ListBenchmarkJobsResponse& response);

// A confirmation after a job was created (table), or the job (JSON; CSV one
// record as in PrintJobs).
void PrintCreatedJob(std::ostream& out, OutputFormat format,
                     const itp::v1::BenchmarkJob& job);

// Table: the job's definition, then its latest run's summary (`latest_run`
// null when it never ran). JSON: {"job": ..., "latest_run": ... or null}.
// CSV: the job as in PrintJobs.
void PrintJob(std::ostream& out, OutputFormat format,
              const itp::v1::BenchmarkJob& job,
              const itp::v1::BenchmarkJobRun* latest_run);

// A confirmation after a run was started or cancelled (table: `verb`, its
// state and how many plans), or the run (JSON; CSV one record as in
// PrintRuns).
void PrintRunChange(std::ostream& out, OutputFormat format,
                    absl::string_view verb,
                    const itp::v1::BenchmarkJobRun& run);

// One line of progress while following a run: "[3/6] <plan> revision 1: ok".
void PrintResultProgress(std::ostream& out, const itp::v1::BenchmarkJobResult&,
                         int total_plans);

// A finished run. Table: its state, counts and times, the changes since the
// job's previous run, and the plans that failed (from `results`). JSON:
// {"run": ..., "results": [...]}. CSV: one record per change or failed plan
// (change,plan,sector,family_or_pathway,year,old,new).
void PrintRunSummary(std::ostream& out, OutputFormat format,
                     const itp::v1::BenchmarkJobRun& run,
                     const std::vector<itp::v1::BenchmarkJobResult>& results);

// One row per run, newest first.
void PrintRuns(std::ostream& out, OutputFormat format,
               const itp::v1::ListBenchmarkJobRunsResponse& response);

// One row per plan of the run: plan, revision, report, error. Table output
// says first how far the run is. JSON: {"run": ..., "results": [...]}.
void PrintResults(std::ostream& out, OutputFormat format,
                  const itp::v1::BenchmarkJobRun& run,
                  const std::vector<itp::v1::BenchmarkJobResult>& results);

}  // namespace itp::client

#endif  // ITP_CLIENT_JOB_VIEWS_H_
