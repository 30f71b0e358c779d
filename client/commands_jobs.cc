// `itp jobs ...`: benchmark jobs (BENCHMARK_RUNNER and ADMIN keys): define
// which plans to re-benchmark against which pathways, run a job and follow
// it, and read its runs, their per-plan results and what changed since the
// previous run.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/commands.h"
#include "client/job_views.h"

namespace itp::client {
namespace {

using itp::v1::BenchmarkJob;
using itp::v1::BenchmarkJobResult;
using itp::v1::BenchmarkJobRun;

constexpr char kJobsPrefix[] = "benchmarkJobs/";
constexpr char kRunsSegment[] = "/runs/";

constexpr char kJobHelp[] =
    "Job id or name, e.g. nightly-all or "
    "benchmarkJobs/nightly-all";

// `benchmarkJobs/nightly-all[/runs/3]` from itself or from the short form
// `nightly-all[/runs/3]`.
std::string JobName(const std::string& name) {
  if (absl::StartsWith(name, kJobsPrefix)) return name;
  return kJobsPrefix + name;
}

// `pathways/tpi-steel-2022-1p5c` from itself or from the bare id.
std::string PathwayName(const std::string& pathway) {
  if (absl::StartsWith(pathway, "pathways/")) return pathway;
  return "pathways/" + pathway;
}

bool Finished(BenchmarkJobRun::State state) {
  return state != BenchmarkJobRun::PENDING && state != BenchmarkJobRun::RUNNING;
}

grpc::Status GetRun(Session& session, const std::string& name,
                    BenchmarkJobRun* run) {
  itp::v1::GetBenchmarkJobRunRequest request;
  request.set_name(name);
  auto context = session.connection().NewCallContext();
  return session.connection().jobs().GetBenchmarkJobRun(context.get(), request,
                                                        run);
}

grpc::Status GetJob(Session& session, const std::string& name,
                    BenchmarkJob* job) {
  itp::v1::GetBenchmarkJobRequest request;
  request.set_name(name);
  auto context = session.connection().NewCallContext();
  return session.connection().jobs().GetBenchmarkJob(context.get(), request,
                                                     job);
}

// Reads the results of run `name` in index order into `results`. With
// `stop_after` >= 0, stops once that many results are in (a run still in
// progress would otherwise stream until it ends); otherwise reads until the
// server ends the stream, with no deadline. With `progress`, prints a line
// per result as it arrives.
grpc::Status ReadResults(Session& session, const std::string& name,
                         int stop_after, std::ostream* progress,
                         int total_plans,
                         std::vector<BenchmarkJobResult>* results) {
  if (stop_after == 0) return grpc::Status::OK;
  itp::v1::StreamBenchmarkJobResultsRequest request;
  request.set_name(name);
  auto context = session.connection().NewCallContext();
  if (stop_after < 0) {
    // Following a run takes as long as the run does.
    context->set_deadline(std::chrono::system_clock::time_point::max());
  }
  auto reader = session.connection().jobs().StreamBenchmarkJobResults(
      context.get(), request);
  BenchmarkJobResult result;
  bool stopped = false;
  while (reader->Read(&result)) {
    if (progress != nullptr) {
      PrintResultProgress(*progress, result, total_plans);
      progress->flush();
    }
    results->push_back(result);
    if (stop_after > 0 && static_cast<int>(results->size()) >= stop_after) {
      stopped = true;
      context->TryCancel();
      while (reader->Read(&result)) {
      }
      break;
    }
  }
  grpc::Status status = reader->Finish();
  return stopped ? grpc::Status::OK : status;
}

struct CreateOptions {
  std::string id;
  std::string name;
  std::string filter;
  std::vector<std::string> pathways;
  std::vector<int> years;
  double tcre = 0;
};

int CreateJob(Session& session, const CreateOptions& options) {
  itp::v1::CreateBenchmarkJobRequest request;
  request.set_benchmark_job_id(
      std::string(absl::StripPrefix(options.id, kJobsPrefix)));
  BenchmarkJob& job = *request.mutable_benchmark_job();
  job.set_display_name(options.name);
  job.set_filter(options.filter);
  for (const std::string& p : options.pathways) {
    job.add_pathways(PathwayName(p));
  }
  for (int year : options.years) job.add_checkpoint_years(year);
  if (options.tcre > 0) job.set_tcre_c_per_1000_gtco2(options.tcre);
  auto context = session.connection().NewCallContext();
  BenchmarkJob created;
  grpc::Status status = session.connection().jobs().CreateBenchmarkJob(
      context.get(), request, &created);
  if (!status.ok()) return session.Fail(status);
  PrintCreatedJob(session.out(), session.format(), created);
  return kExitOk;
}

int ListJobs(Session& session) {
  itp::v1::ListBenchmarkJobsRequest request;
  itp::v1::ListBenchmarkJobsResponse all;
  grpc::Status status = ListAll(
      session, 0,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListBenchmarkJobsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().jobs().ListBenchmarkJobs(context, request,
                                                             page);
      },
      &itp::v1::ListBenchmarkJobsResponse::mutable_benchmark_jobs, &all);
  if (!status.ok()) return session.Fail(status);
  PrintJobs(session.out(), session.format(), all);
  return kExitOk;
}

struct JobOptions {
  std::string name;
  bool wait = false;
  int limit = 0;
};

int ShowJob(Session& session, const JobOptions& options) {
  BenchmarkJob job;
  grpc::Status status = GetJob(session, JobName(options.name), &job);
  if (!status.ok()) return session.Fail(status);
  BenchmarkJobRun run;
  const bool ran = !job.latest_run().empty();
  if (ran) {
    status = GetRun(session, job.latest_run(), &run);
    if (!status.ok()) return session.Fail(status);
  }
  PrintJob(session.out(), session.format(), job, ran ? &run : nullptr);
  return kExitOk;
}

int RunJob(Session& session, const JobOptions& options) {
  itp::v1::RunBenchmarkJobRequest request;
  request.set_name(JobName(options.name));
  auto context = session.connection().NewCallContext();
  BenchmarkJobRun run;
  grpc::Status status =
      session.connection().jobs().RunBenchmarkJob(context.get(), request, &run);
  if (!status.ok()) return session.Fail(status);
  if (!options.wait) {
    PrintRunChange(session.out(), session.format(), "Started", run);
    if (session.format() == OutputFormat::kTable) {
      session.out() << "Follow it with `itp jobs results " << run.name()
                    << "`, or start runs with --wait.\n";
    }
    return kExitOk;
  }
  const bool table = session.format() == OutputFormat::kTable;
  if (table) {
    session.out() << "Started " << run.name() << " with " << run.total_plans()
                  << (run.total_plans() == 1 ? " plan" : " plans")
                  << "; waiting for it to finish.\n";
    session.out().flush();
  }
  std::vector<BenchmarkJobResult> results;
  status =
      ReadResults(session, run.name(), -1, table ? &session.out() : nullptr,
                  run.total_plans(), &results);
  if (status.ok()) status = GetRun(session, run.name(), &run);
  if (!status.ok()) {
    const int code = session.Fail(status);
    session.err() << "The run goes on in the server; follow it with `itp "
                  << "jobs results " << run.name() << "`.\n";
    return code;
  }
  if (table) session.out() << "\n";
  PrintRunSummary(session.out(), session.format(), run, results);
  if (run.state() != BenchmarkJobRun::SUCCEEDED) {
    session.err() << "Error: " << run.name() << " ended "
                  << BenchmarkJobRun::State_Name(run.state())
                  << (run.reason().empty() ? "" : ": ") << run.reason() << "\n";
    return kExitOther;
  }
  return kExitOk;
}

int ListRuns(Session& session, const JobOptions& options) {
  itp::v1::ListBenchmarkJobRunsRequest request;
  request.set_parent(JobName(options.name));
  itp::v1::ListBenchmarkJobRunsResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListBenchmarkJobRunsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().jobs().ListBenchmarkJobRuns(context,
                                                                request, page);
      },
      &itp::v1::ListBenchmarkJobRunsResponse::mutable_runs, &all);
  if (!status.ok()) return session.Fail(status);
  PrintRuns(session.out(), session.format(), all);
  return kExitOk;
}

int ShowResults(Session& session, const JobOptions& options) {
  std::string name = JobName(options.name);
  grpc::Status status;
  if (!absl::StrContains(name, kRunsSegment)) {
    // A job: its latest run.
    BenchmarkJob job;
    status = GetJob(session, name, &job);
    if (!status.ok()) return session.Fail(status);
    if (job.latest_run().empty()) {
      session.err() << "Error: " << job.name() << " has not run yet; start "
                    << "it with `itp jobs run " << job.name() << "`.\n";
      return kExitNotFound;
    }
    name = job.latest_run();
  }
  BenchmarkJobRun run;
  status = GetRun(session, name, &run);
  if (!status.ok()) return session.Fail(status);
  // A run in progress: what is done so far.
  const int stop_after =
      Finished(run.state()) ? -1 : run.succeeded_plans() + run.failed_plans();
  std::vector<BenchmarkJobResult> results;
  status = ReadResults(session, name, stop_after, nullptr, run.total_plans(),
                       &results);
  if (!status.ok()) return session.Fail(status);
  PrintResults(session.out(), session.format(), run, results);
  return kExitOk;
}

int CancelJob(Session& session, const JobOptions& options) {
  itp::v1::CancelBenchmarkJobRequest request;
  request.set_name(JobName(options.name));
  auto context = session.connection().NewCallContext();
  BenchmarkJobRun run;
  grpc::Status status = session.connection().jobs().CancelBenchmarkJob(
      context.get(), request, &run);
  if (!status.ok()) return session.Fail(status);
  PrintRunChange(session.out(), session.format(), "Cancelled", run);
  if (session.format() == OutputFormat::kTable) {
    session.out() << "The reports of the plans already done are kept.\n";
  }
  return kExitOk;
}

}  // namespace

void AddJobCommands(Cli& cli) {
  CLI::App* jobs = cli.AddGroup(
      cli.root(), "jobs",
      "Benchmark jobs: re-benchmark many plans at once and see what changed "
      "(BENCHMARK_RUNNER and ADMIN keys)");

  auto create = std::make_shared<CreateOptions>();
  CLI::App* command = cli.AddCommand(
      jobs, "create",
      "Define a job: which plans (a plans filter) against which pathways",
      "  itp jobs create nightly-all --name \"Nightly benchmark of every "
      "submitted plan\"\n"
      "  itp jobs create nightly-steel --name \"Nightly steel\" --filter "
      "'sector = IRON_AND_STEEL' --pathway tpi-steel-2022-1p5c --years "
      "2030,2050 --tcre 0.6",
      [create](Session& s) { return CreateJob(s, *create); });
  command
      ->add_option("ID", create->id,
                   "Job id: lower-case letters, digits and hyphens, e.g. "
                   "nightly-all")
      ->required();
  command->add_option("--name", create->name, "Title of the job (required)")
      ->required();
  command->add_option("--filter", create->filter,
                      "Which plans, as in `itp plans list --filter` (default "
                      "every plan); only submitted revisions are "
                      "benchmarked");
  command
      ->add_option("--pathway", create->pathways,
                   "Pathway id or name, repeatable (default: every pathway "
                   "of each plan's sectors)")
      ->allow_extra_args(false);
  command
      ->add_option("--years", create->years,
                   "Checkpoint years, comma-separated (default "
                   "2025,2030,2035,2040,2050)")
      ->delimiter(',')
      ->check(CLI::Range(1990, 2100));
  command
      ->add_option("--tcre", create->tcre,
                   "Degrees C per 1000 GtCO2 for the implied temperature "
                   "(default 0.45)")
      ->check(CLI::PositiveNumber);

  command = cli.AddCommand(jobs, "list", "List the benchmark jobs",
                           "  itp jobs list\n  itp jobs list -o csv",
                           [](Session& s) { return ListJobs(s); });

  auto get = std::make_shared<JobOptions>();
  command = cli.AddCommand(
      jobs, "get",
      "Show a job and its latest run, with what changed since the run "
      "before",
      "  itp jobs get nightly-all\n  itp jobs get benchmarkJobs/nightly-all "
      "-o json",
      [get](Session& s) { return ShowJob(s, *get); });
  command->add_option("JOB", get->name, kJobHelp)->required();

  auto run = std::make_shared<JobOptions>();
  command = cli.AddCommand(
      jobs, "run",
      "Start a run of a job; with --wait, follow it and show what changed "
      "since the previous run (exit 1 unless it succeeds)",
      "  itp jobs run nightly-all --wait\n"
      "  itp jobs run nightly-all --wait -o csv > changes.csv\n"
      "  itp jobs run nightly-all",
      [run](Session& s) { return RunJob(s, *run); });
  command->add_option("JOB", run->name, kJobHelp)->required();
  command->add_flag("--wait", run->wait,
                    "Follow the run until it ends and print its summary "
                    "(no deadline while following)");

  auto runs = std::make_shared<JobOptions>();
  command = cli.AddCommand(
      jobs, "runs", "List a job's runs, newest first",
      "  itp jobs runs nightly-all\n  itp jobs runs nightly-all --limit 5 -o "
      "csv",
      [runs](Session& s) { return ListRuns(s, *runs); });
  command->add_option("JOB", runs->name, kJobHelp)->required();
  command
      ->add_option("--limit", runs->limit,
                   "Show at most this many runs (default all)")
      ->check(CLI::Range(0, 1000000));

  auto results = std::make_shared<JobOptions>();
  command = cli.AddCommand(
      jobs, "results",
      "Show a run's result per plan: revision benchmarked, report, error "
      "(of a run in progress: the plans done so far)",
      "  itp jobs results nightly-all/runs/3\n"
      "  itp jobs results benchmarkJobs/nightly-all/runs/3 -o csv\n"
      "  itp jobs results nightly-all      (its latest run)",
      [results](Session& s) { return ShowResults(s, *results); });
  command
      ->add_option("RUN", results->name,
                   "Run name, e.g. nightly-all/runs/3 or "
                   "benchmarkJobs/nightly-all/runs/3; a job for its latest "
                   "run")
      ->required();

  auto cancel = std::make_shared<JobOptions>();
  command = cli.AddCommand(
      jobs, "cancel",
      "Cancel a job's unfinished run; plans already done keep their reports",
      "  itp jobs cancel nightly-all",
      [cancel](Session& s) { return CancelJob(s, *cancel); });
  command->add_option("JOB", cancel->name, kJobHelp)->required();
}

}  // namespace itp::client
