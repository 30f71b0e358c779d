// Printing of benchmark jobs, runs and results; see job_views.h.
#include "client/job_views.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/job_report.h"
#include "client/review_views.h"

namespace itp::client {
namespace {

using itp::v1::BenchmarkJob;
using itp::v1::BenchmarkJobResult;
using itp::v1::BenchmarkJobRun;

std::string RunState(BenchmarkJobRun::State state) {
  return EnumName(BenchmarkJobRun::State_descriptor(), state);
}

bool Finished(BenchmarkJobRun::State state) {
  return state != BenchmarkJobRun::PENDING &&
         state != BenchmarkJobRun::RUNNING &&
         state != BenchmarkJobRun::STATE_UNSPECIFIED;
}

// "4 plans: 3 benchmarked, 1 failed" (and how many are still to do).
std::string PlanCounts(const BenchmarkJobRun& run) {
  std::string text = absl::StrCat(
      run.total_plans(),
      run.total_plans() == 1 ? " plan: " : " plans: ", run.succeeded_plans(),
      " benchmarked, ", run.failed_plans(), " failed");
  const int to_do =
      run.total_plans() - run.succeeded_plans() - run.failed_plans();
  if (to_do > 0 && !Finished(run.state())) {
    absl::StrAppend(&text, ", ", to_do, " to do");
  }
  return text;
}

Table JobTable(OutputFormat format,
               const google::protobuf::RepeatedPtrField<BenchmarkJob>& jobs) {
  if (format == OutputFormat::kCsv) {
    Table table({{"", "name"},
                 {"", "display_name"},
                 {"", "filter"},
                 {"", "pathways"},
                 {"", "checkpoint_years"},
                 {"", "tcre_c_per_1000_gtco2"},
                 {"", "latest_run"},
                 {"", "create_time"}});
    for (const BenchmarkJob& job : jobs) {
      table.AddRow({job.name(), job.display_name(), job.filter(),
                    absl::StrJoin(job.pathways(), ";"),
                    absl::StrJoin(job.checkpoint_years(), ";"),
                    job.has_tcre_c_per_1000_gtco2()
                        ? FormatNumber(job.tcre_c_per_1000_gtco2())
                        : "",
                    job.latest_run(), FormatRfc3339(job.create_time())});
    }
    return table;
  }
  Table table({{"JOB", ""},
               {"TITLE", ""},
               {"FILTER", ""},
               {"PATHWAYS", ""},
               {"LATEST RUN", ""},
               {"CREATED", ""}});
  for (const BenchmarkJob& job : jobs) {
    table.AddRow({job.name(), job.display_name(), OrNoValue(job.filter()),
                  job.pathways().empty() ? "all of each plan's sectors"
                                         : absl::StrJoin(job.pathways(), ", "),
                  OrNoValue(job.latest_run()), FormatTime(job.create_time())});
  }
  return table;
}

Table RunTable(
    OutputFormat format,
    const google::protobuf::RepeatedPtrField<BenchmarkJobRun>& runs) {
  if (format == OutputFormat::kCsv) {
    Table table({{"", "name"},
                 {"", "state"},
                 {"", "total_plans"},
                 {"", "succeeded_plans"},
                 {"", "failed_plans"},
                 {"", "label_changes"},
                 {"", "ratio_crossings"},
                 {"", "previous_run"},
                 {"", "reason"},
                 {"", "create_time"},
                 {"", "start_time"},
                 {"", "end_time"}});
    for (const BenchmarkJobRun& run : runs) {
      table.AddRow(
          {run.name(), RunState(run.state()), absl::StrCat(run.total_plans()),
           absl::StrCat(run.succeeded_plans()),
           absl::StrCat(run.failed_plans()),
           absl::StrCat(run.changes().label_changes_size()),
           absl::StrCat(run.changes().ratio_crossings_size()),
           run.changes().previous_run(), run.reason(),
           FormatRfc3339(run.create_time()), FormatRfc3339(run.start_time()),
           FormatRfc3339(run.end_time())});
    }
    return table;
  }
  Table table({{"RUN", ""},
               {"STATE", ""},
               {"PLANS", "", Table::kRight},
               {"OK", "", Table::kRight},
               {"FAILED", "", Table::kRight},
               {"LABEL CHANGES", "", Table::kRight},
               {"STARTED", ""},
               {"ENDED", ""},
               {"REASON", ""}});
  for (const BenchmarkJobRun& run : runs) {
    table.AddRow(
        {run.name(), RunState(run.state()), absl::StrCat(run.total_plans()),
         absl::StrCat(run.succeeded_plans()), absl::StrCat(run.failed_plans()),
         absl::StrCat(run.changes().label_changes_size()),
         OrNoValue(FormatTime(run.start_time())),
         OrNoValue(FormatTime(run.end_time())), OrNoValue(run.reason())});
  }
  return table;
}

// The run's state, counts, times and changes, for people.
void PrintRunDetails(std::ostream& out, const BenchmarkJobRun& run,
                     const std::vector<BenchmarkJobResult>& results) {
  out << "Run " << run.name() << ": " << RunState(run.state()) << "\n";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Plans", PlanCounts(run)},
      {"Created", FormatTime(run.create_time())},
      {"Started", FormatTime(run.start_time())},
      {"Ended", FormatTime(run.end_time())}};
  if (!run.reason().empty()) fields.emplace_back("Reason", run.reason());
  if (run.resumptions() > 0) {
    fields.emplace_back(
        "Resumed", absl::StrCat(run.resumptions(), " times after a restart"));
  }
  PrintFields(out, fields);

  const itp::v1::RunChanges& c = run.changes();
  if (!Finished(run.state())) {
    out << "\n  Still running: the changes since the previous run are known "
           "once it ends.\n";
  } else if (c.previous_run().empty()) {
    out << "\n  The job's first successful run: nothing to compare with "
           "yet.\n";
  } else if (c.label_changes().empty() && c.ratio_crossings().empty() &&
             c.plans_added().empty() && c.plans_gone().empty()) {
    out << "\n  No changes since " << c.previous_run() << ".\n";
  } else {
    out << "\n  Changes since " << c.previous_run() << "\n";
    if (!c.label_changes().empty()) {
      out << "\n  Alignment labels that changed\n";
      Table table({{"PLAN", ""},
                   {"SECTOR", ""},
                   {"FAMILY", ""},
                   {"YEAR", "", Table::kRight},
                   {"BEFORE", ""},
                   {"NOW", ""}});
      for (const auto& l : c.label_changes()) {
        table.AddRow({l.plan(), SectorName(l.sector()), l.family(),
                      absl::StrCat(l.year()), OrNoValue(l.old_label()),
                      OrNoValue(l.new_label())});
      }
      table.PrintAligned(out, "    ");
    }
    if (!c.ratio_crossings().empty()) {
      out << "\n  Alignment ratios that changed sign (positive is aligned)\n";
      Table table({{"PLAN", ""},
                   {"SECTOR", ""},
                   {"PATHWAY", ""},
                   {"YEAR", "", Table::kRight},
                   {"BEFORE", "", Table::kRight},
                   {"NOW", "", Table::kRight}});
      for (const auto& r : c.ratio_crossings()) {
        table.AddRow({r.plan(), SectorName(r.sector()), r.pathway(),
                      absl::StrCat(r.year()), FormatPercent(r.old_ratio()),
                      FormatPercent(r.new_ratio())});
      }
      table.PrintAligned(out, "    ");
    }
    if (!c.plans_added().empty()) {
      out << "\n  Plans added\n";
      for (const auto& p : c.plans_added()) out << "    " << p << "\n";
    }
    if (!c.plans_gone().empty()) {
      out << "\n  Plans gone\n";
      for (const auto& p : c.plans_gone()) out << "    " << p << "\n";
    }
  }

  bool failed_header = false;
  for (const BenchmarkJobResult& r : results) {
    if (r.error().empty()) continue;
    if (!failed_header) {
      out << "\n  Plans that failed\n";
      failed_header = true;
    }
    out << "    " << r.plan() << ": " << r.error() << "\n";
  }
}

}  // namespace

void PrintJobs(std::ostream& out, OutputFormat format,
               const itp::v1::ListBenchmarkJobsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.benchmark_jobs().empty()) {
    out << "No benchmark jobs. Create one with `itp jobs create`.\n";
    return;
  }
  JobTable(format, response.benchmark_jobs()).Print(out, format);
}

void PrintCreatedJob(std::ostream& out, OutputFormat format,
                     const BenchmarkJob& job) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(job);
      return;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<BenchmarkJob> jobs;
      *jobs.Add() = job;
      JobTable(format, jobs).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      out << "Created " << job.name() << " (\"" << job.display_name()
          << "\"). Run it with `itp jobs run " << job.name() << " --wait`.\n";
      return;
  }
}

void PrintJob(std::ostream& out, OutputFormat format, const BenchmarkJob& job,
              const BenchmarkJobRun* latest_run) {
  switch (format) {
    case OutputFormat::kJson: {
      std::string job_json = ToJson(job);
      std::string run_json =
          latest_run != nullptr ? ToJson(*latest_run) : "null\n";
      job_json.pop_back();
      run_json.pop_back();
      out << "{\n\"job\": " << job_json << ",\n\"latest_run\": " << run_json
          << "\n}\n";
      return;
    }
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<BenchmarkJob> jobs;
      *jobs.Add() = job;
      JobTable(format, jobs).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      break;
  }
  out << job.display_name() << "\n";
  PrintFields(
      out,
      {{"Name", job.name()},
       {"Plans",
        job.filter().empty()
            ? "every plan with a submitted revision"
            : absl::StrCat(job.filter(), " (plans with a submitted revision)")},
       {"Pathways", job.pathways().empty()
                        ? "every pathway of each plan's sectors"
                        : absl::StrJoin(job.pathways(), ", ")},
       {"Checkpoint years", job.checkpoint_years().empty()
                                ? "2025, 2030, 2035, 2040, 2050 (default)"
                                : absl::StrJoin(job.checkpoint_years(), ", ")},
       {"TCRE", job.has_tcre_c_per_1000_gtco2()
                    ? absl::StrCat(FormatNumber(job.tcre_c_per_1000_gtco2()),
                                   " °C per 1000 GtCO2")
                    : "0.45 °C per 1000 GtCO2 (default)"},
       {"Created", FormatTime(job.create_time())},
       {"Latest run", job.latest_run()}});
  out << "\n";
  if (latest_run == nullptr) {
    out << "Never run: start it with `itp jobs run " << job.name()
        << " --wait`.\n";
    return;
  }
  PrintRunDetails(out, *latest_run, {});
}

void PrintRunChange(std::ostream& out, OutputFormat format,
                    absl::string_view verb, const BenchmarkJobRun& run) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(run);
      return;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<BenchmarkJobRun> runs;
      *runs.Add() = run;
      RunTable(format, runs).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      out << verb << " " << run.name() << ": " << RunState(run.state()) << ", "
          << PlanCounts(run) << ".\n";
      return;
  }
}

void PrintResultProgress(std::ostream& out, const BenchmarkJobResult& result,
                         int total_plans) {
  out << "  [" << result.index() + 1 << "/" << total_plans << "] "
      << result.plan();
  if (!result.plan_revision().empty()) {
    out << " revision " << RevisionNumberOf(result.plan_revision());
  }
  out << ": " << (result.error().empty() ? "ok" : result.error()) << "\n";
}

void PrintRunSummary(std::ostream& out, OutputFormat format,
                     const BenchmarkJobRun& run,
                     const std::vector<BenchmarkJobResult>& results) {
  switch (format) {
    case OutputFormat::kJson:
      out << RunReportJson(run, results);
      return;
    case OutputFormat::kCsv:
      out << RunChangesCsv(run, results);
      return;
    case OutputFormat::kTable:
      PrintRunDetails(out, run, results);
      return;
  }
}

void PrintRuns(std::ostream& out, OutputFormat format,
               const itp::v1::ListBenchmarkJobRunsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.runs().empty()) {
    out << "No runs yet.\n";
    return;
  }
  RunTable(format, response.runs()).Print(out, format);
}

void PrintResults(std::ostream& out, OutputFormat format,
                  const BenchmarkJobRun& run,
                  const std::vector<BenchmarkJobResult>& results) {
  if (format == OutputFormat::kJson) {
    out << RunReportJson(run, results);
    return;
  }
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"PLAN", "plan"},
               {"REV", "plan_revision", Table::kRight},
               {"REPORT", "report"},
               {"ERROR", "error"}});
  for (const BenchmarkJobResult& r : results) {
    if (csv) {
      table.AddRow({r.plan(), r.plan_revision(), r.report(), r.error()});
    } else {
      table.AddRow({r.plan(),
                    r.plan_revision().empty()
                        ? kNoValue
                        : absl::StrCat(RevisionNumberOf(r.plan_revision())),
                    OrNoValue(r.report()), OrNoValue(r.error())});
    }
  }
  if (csv) {
    table.PrintCsv(out);
    return;
  }
  out << "Results of " << run.name() << " (" << RunState(run.state()) << ", "
      << PlanCounts(run) << ")\n";
  if (results.empty()) {
    out << "  No plan is done yet.\n";
    return;
  }
  table.PrintAligned(out, "  ");
}

}  // namespace itp::client
