#include "server/app/job_operations.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/app/plan_scan.h"
#include "server/benchmark/engine.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using auth::Operation;
using domain::FieldViolations;
using itp::v1::BenchmarkJob;
using itp::v1::BenchmarkJobRun;

constexpr char kCreateJob[] = "/itp.v1.BenchmarkJobService/CreateBenchmarkJob";
constexpr char kGetJob[] = "/itp.v1.BenchmarkJobService/GetBenchmarkJob";
constexpr char kListJobs[] = "/itp.v1.BenchmarkJobService/ListBenchmarkJobs";
constexpr char kRunJob[] = "/itp.v1.BenchmarkJobService/RunBenchmarkJob";
constexpr char kCancelJob[] = "/itp.v1.BenchmarkJobService/CancelBenchmarkJob";
constexpr char kGetRun[] = "/itp.v1.BenchmarkJobService/GetBenchmarkJobRun";
constexpr char kListRuns[] = "/itp.v1.BenchmarkJobService/ListBenchmarkJobRuns";
constexpr char kStreamResults[] =
    "/itp.v1.BenchmarkJobService/StreamBenchmarkJobResults";

constexpr int kResultBatch = 100;

// Managing and running jobs is kRunJobs; reading them, their runs and
// results is kReadJobs (reviewers too).
absl::Status Admit(Call& call, Operation operation = Operation::kRunJobs) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  return call.Authorize(operation, "");
}

absl::Status CheckJobName(absl::string_view name, absl::string_view field) {
  return domain::ParseJobName(name, field).status();
}

absl::Status CheckRunName(absl::string_view name, absl::string_view field) {
  return domain::ParseJobRunName(name, field).status();
}

bool Finished(BenchmarkJobRun::State state) {
  return state != BenchmarkJobRun::PENDING && state != BenchmarkJobRun::RUNNING;
}

}  // namespace

absl::StatusOr<BenchmarkJob> JobOperations::CreateBenchmarkJob(
    const Caller& caller, const itp::v1::CreateBenchmarkJobRequest& request) {
  Call call(ctx_.call, caller, kCreateJob, Call::kMutation,
            absl::StrCat("benchmarkJobs/", request.benchmark_job_id()));
  absl::Status s = Admit(call);
  if (!s.ok()) return call.Finish(s);
  const BenchmarkJob& job = request.benchmark_job();
  FieldViolations violations;
  std::string id_problem =
      domain::IdProblem(request.benchmark_job_id(), "benchmark_job_id");
  if (!id_problem.empty()) violations.Add("benchmark_job_id", id_problem);
  if (job.display_name().empty()) {
    violations.Add("benchmark_job.display_name", "is required.");
  } else {
    domain::ValidateText(job.display_name(), "benchmark_job.display_name",
                         domain::kMaxTitleChars, &violations);
  }
  auto filter = domain::ParsePlanFilter(job.filter());
  if (!filter.ok()) {
    // A named copy: the loop must not run over a destroyed temporary.
    const google::rpc::BadRequest bad = domain::BadRequestOf(filter.status());
    for (const auto& v : bad.field_violations()) {
      violations.Add("benchmark_job.filter", v.description());
    }
  }
  if (job.pathways_size() > kMaxNamedPathways) {
    violations.Add("benchmark_job.pathways",
                   absl::StrCat("names ", job.pathways_size(),
                                " pathways; at most ", kMaxNamedPathways,
                                "."));
  }
  for (int i = 0; i < job.pathways_size() && i < kMaxNamedPathways; ++i) {
    if (!absl::StartsWith(job.pathways(i), "pathways/")) {
      violations.Add(absl::StrCat("benchmark_job.pathways[", i, "]"),
                     "must be a pathway name such as "
                     "pathways/tpi-steel-2022-1p5c.");
    }
  }
  benchmark::ValidateOptions(OptionsOf(job), "benchmark_job", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  for (const std::string& name : job.pathways()) {
    auto pathway = ctx_.benchmarks.GetPathway(name);
    if (!pathway.ok()) return call.Finish(pathway.status());
  }
  BenchmarkJob stored = job;
  stored.set_name(absl::StrCat("benchmarkJobs/", request.benchmark_job_id()));
  return call.Finish(ctx_.jobs.CreateJob(call.Write(), stored));
}

absl::StatusOr<BenchmarkJob> JobOperations::GetBenchmarkJob(
    const Caller& caller, const itp::v1::GetBenchmarkJobRequest& request) {
  Call call(ctx_.call, caller, kGetJob, Call::kRead, request.name());
  absl::Status s = Admit(call, Operation::kReadJobs);
  if (s.ok()) s = CheckJobName(request.name(), "name");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(ctx_.jobs.GetJob(request.name()));
}

absl::StatusOr<itp::v1::ListBenchmarkJobsResponse>
JobOperations::ListBenchmarkJobs(
    const Caller& caller, const itp::v1::ListBenchmarkJobsRequest& request) {
  Call call(ctx_.call, caller, kListJobs, Call::kRead, "benchmarkJobs");
  itp::v1::ListBenchmarkJobsResponse response;
  absl::Status s = Admit(call, Operation::kReadJobs);
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint = domain::QueryFingerprint({"ListBenchmarkJobs"});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = ctx_.jobs.ListJobs(*page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (BenchmarkJob& job : page->jobs) {
    *response.add_benchmark_jobs() = std::move(job);
  }
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<BenchmarkJobRun> JobOperations::RunBenchmarkJob(
    const Caller& caller, const itp::v1::RunBenchmarkJobRequest& request) {
  Call call(ctx_.call, caller, kRunJob, Call::kMutation, request.name(),
            request);
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckJobName(request.name(), "name");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto job = ctx_.jobs.GetJob(request.name());
  if (!job.ok()) return call.Finish(job.status());

  // The plans are fixed now: the job's filter, submitted revisions only,
  // and only what the caller may read.
  auto filter = domain::ParsePlanFilter(job->filter());
  if (!filter.ok()) return call.Finish(filter.status());
  std::vector<std::string> plans;
  s = ForEachReadablePlan(
      ctx_.plans, call.principal(),
      domain::AndFilters(*std::move(filter), domain::HasSubmittedRevision()),
      [&plans](const itp::v1::Plan& plan) {
        plans.push_back(plan.name());
        return absl::OkStatus();
      });
  if (!s.ok()) return call.Finish(s);
  auto run = ctx_.jobs.CreateRun(call.Write(), request.name(), plans);
  if (run.ok() && !Finished(run->state())) ctx_.runner.Enqueue(run->name());
  return call.Finish(std::move(run));
}

absl::StatusOr<BenchmarkJobRun> JobOperations::CancelBenchmarkJob(
    const Caller& caller, const itp::v1::CancelBenchmarkJobRequest& request) {
  Call call(ctx_.call, caller, kCancelJob, Call::kMutation, request.name());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckJobName(request.name(), "name");
  if (!s.ok()) return call.Finish(s);
  auto job = ctx_.jobs.GetJob(request.name());
  if (!job.ok()) return call.Finish(job.status());
  absl::StatusOr<BenchmarkJobRun> run =
      job->latest_run().empty()
          ? absl::StatusOr<BenchmarkJobRun>(absl::NotFoundError(""))
          : ctx_.jobs.GetRun(job->latest_run());
  if (!run.ok() || Finished(run->state())) {
    return call.Finish(domain::ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(request.name(), " has no unfinished run to cancel."),
        "NO_RUN_IN_PROGRESS", request.name()));
  }
  auto cancelled = ctx_.jobs.SetRunState(
      run->name(), BenchmarkJobRun::CANCELLED,
      absl::StrCat("Cancelled by ", call.principal().ApiKeyName(), "."),
      nullptr, false);
  // The run may have finished between the check above and the write.
  if (cancelled.ok() && cancelled->state() != BenchmarkJobRun::CANCELLED) {
    return call.Finish(domain::ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(run->name(), " finished (",
                     BenchmarkJobRun::State_Name(cancelled->state()),
                     ") before it could be cancelled."),
        "NO_RUN_IN_PROGRESS", request.name()));
  }
  return call.Finish(std::move(cancelled));
}

absl::StatusOr<BenchmarkJobRun> JobOperations::GetBenchmarkJobRun(
    const Caller& caller, const itp::v1::GetBenchmarkJobRunRequest& request) {
  Call call(ctx_.call, caller, kGetRun, Call::kRead, request.name());
  absl::Status s = Admit(call, Operation::kReadJobs);
  if (s.ok()) s = CheckRunName(request.name(), "name");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(ctx_.jobs.GetRun(request.name()));
}

absl::StatusOr<itp::v1::ListBenchmarkJobRunsResponse>
JobOperations::ListBenchmarkJobRuns(
    const Caller& caller, const itp::v1::ListBenchmarkJobRunsRequest& request) {
  Call call(ctx_.call, caller, kListRuns, Call::kRead, request.parent());
  itp::v1::ListBenchmarkJobRunsResponse response;
  absl::Status s = Admit(call, Operation::kReadJobs);
  if (s.ok()) s = CheckJobName(request.parent(), "parent");
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListBenchmarkJobRuns", request.parent()});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = ctx_.jobs.ListRuns(request.parent(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (BenchmarkJobRun& run : page->runs) {
    *response.add_runs() = std::move(run);
  }
  response.set_next_page_token(ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

namespace {

// The results of a run from an index on, as they are recorded; finished once
// the run has finished and every result has been read.
class ResultFeed final : public Feed<itp::v1::BenchmarkJobResult> {
 public:
  ResultFeed(storage::JobStore& jobs, std::string run, int next)
      : jobs_(jobs), run_(std::move(run)), next_(next) {}

  absl::StatusOr<Batch> Next() override {
    // Read the state before the results: a run seen finished has recorded
    // every result it will ever record.
    auto run = jobs_.GetRun(run_);
    if (!run.ok()) return run.status();
    const bool finished = Finished(run->state());
    auto results = jobs_.Results(run_, next_, kResultBatch);
    if (!results.ok()) return results.status();
    Batch batch;
    batch.finished =
        finished && static_cast<int>(results->size()) < kResultBatch;
    if (!results->empty()) next_ = results->back().index() + 1;
    batch.items = *std::move(results);
    return batch;
  }

 private:
  storage::JobStore& jobs_;
  const std::string run_;
  int next_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Feed<itp::v1::BenchmarkJobResult>>>
JobOperations::StreamBenchmarkJobResults(
    const Caller& caller,
    const itp::v1::StreamBenchmarkJobResultsRequest& request) {
  Call call(ctx_.call, caller, kStreamResults, Call::kRead, request.name());
  absl::Status s = Admit(call, Operation::kReadJobs);
  if (s.ok()) s = CheckRunName(request.name(), "name");
  if (s.ok() && request.start_index() < 0) {
    s = domain::InvalidField("start_index", "must not be negative.");
  }
  if (!s.ok()) return call.Finish(s);
  auto run = ctx_.jobs.GetRun(request.name());
  if (!run.ok()) return call.Finish(run.status());
  std::unique_ptr<Feed<itp::v1::BenchmarkJobResult>> feed =
      std::make_unique<ResultFeed>(ctx_.jobs, request.name(),
                                   request.start_index());
  return call.Done(std::move(feed));
}

}  // namespace itp::app
