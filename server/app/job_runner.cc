#include "server/app/job_runner.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/benchmark/run_changes.h"
#include "server/common/log.h"

namespace itp::app {
namespace {

using itp::v1::BenchmarkJobResult;
using itp::v1::BenchmarkJobRun;

constexpr char kJobMethod[] = "itp-server/benchmark-job";

}  // namespace

JobRunner::JobRunner(storage::PlanStore& plans,
                     storage::BenchmarkStore& benchmarks,
                     storage::JobStore& jobs, JobRunnerOptions options)
    : plans_(plans),
      jobs_(jobs),
      step_(plans, benchmarks),
      options_(std::move(options)) {}

JobRunner::~JobRunner() { Stop(); }

absl::Status JobRunner::Start() {
  auto unfinished = jobs_.UnfinishedRuns();
  if (!unfinished.ok()) return unfinished.status();
  {
    absl::MutexLock lock(&mu_);
    for (const BenchmarkJobRun& run : *unfinished) {
      if (!active_.insert(run.name()).second) continue;
      queue_.emplace_back(run.name(), true);
      Log(LogLevel::kInfo,
          absl::StrCat("resuming ", run.name(), " (",
                       BenchmarkJobRun::State_Name(run.state()), ")"));
    }
  }
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
  return absl::OkStatus();
}

void JobRunner::Enqueue(const std::string& run_name) {
  absl::MutexLock lock(&mu_);
  if (!active_.insert(run_name).second) return;
  queue_.emplace_back(run_name, false);
}

void JobRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void JobRunner::Progress() {
  if (options_.on_progress) options_.on_progress();
}

void JobRunner::Work() {
  while (true) {
    std::pair<std::string, bool> next;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](JobRunner* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) {
            return r->stopping_ || !r->queue_.empty();
          },
          this));
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    Execute(next.first, next.second);
    absl::MutexLock lock(&mu_);
    active_.erase(next.first);
  }
}

void JobRunner::Execute(const std::string& run_name, bool resumed) {
  const absl::Time started = absl::Now();
  Metrics& metrics =
      options_.metrics != nullptr ? *options_.metrics : Metrics::Discard();
  auto finished = [&](BenchmarkJobRun::State state) {
    metrics.JobRunFinished(BenchmarkJobRun::State_Name(state),
                           absl::Now() - started);
  };
  auto fail = [&](const absl::Status& status) {
    Log(LogLevel::kError,
        absl::StrCat(run_name, " failed: ", status.ToString()));
    jobs_
        .SetRunState(run_name, BenchmarkJobRun::FAILED, status.message(),
                     nullptr, false)
        .IgnoreError();
    finished(BenchmarkJobRun::FAILED);
    Progress();
  };
  auto run = jobs_.SetRunState(run_name, BenchmarkJobRun::RUNNING, "", nullptr,
                               resumed);
  if (!run.ok()) return fail(run.status());
  if (run->state() != BenchmarkJobRun::RUNNING) return;  // finished already
  Progress();
  const std::string job_name = run_name.substr(0, run_name.rfind("/runs/"));
  auto job = jobs_.GetJob(job_name);
  if (!job.ok()) return fail(job.status());
  auto items = jobs_.PendingItems(run_name);
  if (!items.ok()) return fail(items.status());

  for (const storage::PendingItem& item : *items) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;  // stays RUNNING; resumed at the next start
    }
    auto current = jobs_.GetRun(run_name);
    if (!current.ok()) return fail(current.status());
    if (current->state() != BenchmarkJobRun::RUNNING) {  // cancelled
      return finished(current->state());
    }
    absl::Status recorded =
        jobs_.RecordResult(run_name, BenchmarkOne(*job, run_name, item));
    if (!recorded.ok()) return fail(recorded);
    Progress();
  }

  auto results = jobs_.Results(run_name, 0, run->total_plans());
  if (!results.ok()) return fail(results.status());
  auto previous = jobs_.PreviousSucceededRun(run_name);
  if (!previous.ok()) return fail(previous.status());
  std::vector<BenchmarkJobResult> previous_results;
  if (*previous) {
    auto loaded =
        jobs_.Results((*previous)->name(), 0, (*previous)->total_plans());
    if (!loaded.ok()) return fail(loaded.status());
    previous_results = *std::move(loaded);
  }
  itp::v1::RunChanges changes =
      benchmark::CompareRuns(previous_results, *results);
  if (*previous) changes.set_previous_run((*previous)->name());
  auto done = jobs_.SetRunState(run_name, BenchmarkJobRun::SUCCEEDED, "",
                                &changes, false);
  if (!done.ok()) return fail(done.status());
  finished(done->state());
  Log(LogLevel::kInfo,
      absl::StrCat(run_name, " ", BenchmarkJobRun::State_Name(done->state()),
                   ": ", done->succeeded_plans(), " plans benchmarked, ",
                   done->failed_plans(), " failed"));
  Progress();
}

BenchmarkJobResult JobRunner::BenchmarkOne(const itp::v1::BenchmarkJob& job,
                                           const std::string& run_name,
                                           const storage::PendingItem& item) {
  BenchmarkJobResult result;
  result.set_index(item.index);
  result.set_plan(item.plan);
  auto finish = [&](absl::string_view error) {
    result.set_error(std::string(error));
    *result.mutable_finish_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
            options_.now_unix_micros ? options_.now_unix_micros()
                                     : absl::ToUnixMicros(absl::Now()));
    return result;
  };
  auto plan = plans_.GetPlan(item.plan);
  if (!plan.ok()) return finish(plan.status().message());
  BenchmarkStep::Request request;
  request.pathways.assign(job.pathways().begin(), job.pathways().end());
  request.options = OptionsOf(job);
  request.requested_by = run_name;
  storage::WriteContext ctx;
  ctx.method = kJobMethod;
  ctx.api_key = run_name;
  auto stored = step_.Run(ctx, *plan, request);
  if (!stored.ok()) return finish(stored.status().message());
  result.set_plan_revision(stored->plan_revision());
  result.set_report(stored->name());
  *result.mutable_summary() = benchmark::Summarize(*stored);
  if (options_.assess_progress) {
    auto progress = options_.assess_progress(item.plan);
    if (!progress.ok()) return finish(progress.status().message());
    auto* summary = result.mutable_summary()->mutable_progress();
    summary->set_status(progress->status());
    summary->set_progress_report(progress->progress_report());
    summary->set_reporting_year(progress->reporting_year());
    summary->set_reporting(progress->reporting().state());
  }
  return finish("");
}

}  // namespace itp::app
