#include "server/service/benchmark_job_service.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/benchmark/engine.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"

namespace itp::service {
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

absl::Status Admit(CallGuard& call) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  return call.Authorize(Operation::kRunJobs, "");
}

// Checks `benchmarkJobs/{id}`.
absl::Status CheckJobName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "benchmarkJobs/") ||
      !domain::IdProblem(id, "id").empty()) {
    return domain::InvalidField(
        std::string(field),
        absl::StrCat(
            "'", name,
            "' is not a job name such as benchmarkJobs/nightly-steel."));
  }
  return absl::OkStatus();
}

// Checks `benchmarkJobs/{id}/runs/{n}`.
absl::Status CheckRunName(absl::string_view name, absl::string_view field) {
  size_t pos = name.rfind("/runs/");
  if (pos == absl::string_view::npos ||
      !CheckJobName(name.substr(0, pos), field).ok()) {
    return domain::InvalidField(
        std::string(field),
        absl::StrCat("'", name,
                     "' is not a run name such as "
                     "benchmarkJobs/nightly-steel/runs/12."));
  }
  return absl::OkStatus();
}

bool Finished(BenchmarkJobRun::State state) {
  return state != BenchmarkJobRun::PENDING && state != BenchmarkJobRun::RUNNING;
}

}  // namespace

grpc::Status BenchmarkJobServiceImpl::CreateBenchmarkJob(
    grpc::ServerContext* context,
    const itp::v1::CreateBenchmarkJobRequest* request, BenchmarkJob* response) {
  CallGuard call(guard_, *context, kCreateJob, CallGuard::kMutation,
                 absl::StrCat("benchmarkJobs/", request->benchmark_job_id()));
  absl::Status s = Admit(call);
  if (!s.ok()) return call.Finish(s);
  const BenchmarkJob& job = request->benchmark_job();
  FieldViolations violations;
  std::string id_problem =
      domain::IdProblem(request->benchmark_job_id(), "benchmark_job_id");
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
  for (int i = 0; i < job.pathways_size(); ++i) {
    if (!absl::StartsWith(job.pathways(i), "pathways/")) {
      violations.Add(absl::StrCat("benchmark_job.pathways[", i, "]"),
                     "must be a pathway name such as "
                     "pathways/tpi-steel-2022-1p5c.");
    }
  }
  benchmark::BenchmarkOptions options;
  options.checkpoint_years.assign(job.checkpoint_years().begin(),
                                  job.checkpoint_years().end());
  if (job.has_tcre_c_per_1000_gtco2()) {
    options.tcre_c_per_1000_gtco2 = job.tcre_c_per_1000_gtco2();
  }
  benchmark::ValidateOptions(options, "benchmark_job", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  for (const std::string& name : job.pathways()) {
    auto pathway = benchmarks_.GetPathway(name);
    if (!pathway.ok()) return call.Finish(pathway.status());
  }
  BenchmarkJob stored = job;
  stored.set_name(absl::StrCat("benchmarkJobs/", request->benchmark_job_id()));
  return call.Finish(jobs_.CreateJob(call.Write(), stored), response);
}

grpc::Status BenchmarkJobServiceImpl::GetBenchmarkJob(
    grpc::ServerContext* context,
    const itp::v1::GetBenchmarkJobRequest* request, BenchmarkJob* response) {
  CallGuard call(guard_, *context, kGetJob, CallGuard::kRead, request->name());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckJobName(request->name(), "name");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(jobs_.GetJob(request->name()), response);
}

grpc::Status BenchmarkJobServiceImpl::ListBenchmarkJobs(
    grpc::ServerContext* context,
    const itp::v1::ListBenchmarkJobsRequest* request,
    itp::v1::ListBenchmarkJobsResponse* response) {
  CallGuard call(guard_, *context, kListJobs, CallGuard::kRead,
                 "benchmarkJobs");
  absl::Status s = Admit(call);
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint = domain::QueryFingerprint({"ListBenchmarkJobs"});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = jobs_.ListJobs(*page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (BenchmarkJob& job : page->jobs) {
    *response->add_benchmark_jobs() = std::move(job);
  }
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

grpc::Status BenchmarkJobServiceImpl::RunBenchmarkJob(
    grpc::ServerContext* context,
    const itp::v1::RunBenchmarkJobRequest* request, BenchmarkJobRun* response) {
  CallGuard call(guard_, *context, kRunJob, CallGuard::kMutation,
                 request->name(), request->request_id());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckJobName(request->name(), "name");
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto job = jobs_.GetJob(request->name());
  if (!job.ok()) return call.Finish(job.status());

  // The plans are fixed now: the job's filter, submitted revisions only,
  // and only what the caller may read.
  auto filter = domain::ParsePlanFilter(job->filter());
  if (!filter.ok()) return call.Finish(filter.status());
  domain::FilterExpr submitted;
  submitted.field = domain::FilterField::kRevision;
  submitted.op = domain::CompareOp::kGe;
  submitted.int_value = 1;
  std::optional<domain::FilterExpr> combined = submitted;
  if (*filter) {
    domain::FilterExpr both;
    both.kind = domain::FilterExpr::Kind::kAnd;
    both.children = {**filter, submitted};
    combined = both;
  }
  storage::PlanListQuery query;
  query.country = domain::kAnyCountry;
  query.filter =
      auth::RestrictToReadable(call.principal(), domain::kAnyCountry, combined);
  query.page_size = domain::kMaxPageSize;
  std::vector<std::string> plans;
  while (true) {
    auto page = plans_.ListPlans(query);
    if (!page.ok()) return call.Finish(page.status());
    for (const auto& plan : page->plans) plans.push_back(plan.name());
    if (!page->next) break;
    query.after = page->next;
  }
  auto run = jobs_.CreateRun(call.Write(), request->name(), plans);
  if (run.ok() && !Finished(run->state())) runner_.Enqueue(run->name());
  return call.Finish(std::move(run), response);
}

grpc::Status BenchmarkJobServiceImpl::CancelBenchmarkJob(
    grpc::ServerContext* context,
    const itp::v1::CancelBenchmarkJobRequest* request,
    BenchmarkJobRun* response) {
  CallGuard call(guard_, *context, kCancelJob, CallGuard::kMutation,
                 request->name());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckJobName(request->name(), "name");
  if (!s.ok()) return call.Finish(s);
  auto job = jobs_.GetJob(request->name());
  if (!job.ok()) return call.Finish(job.status());
  absl::StatusOr<BenchmarkJobRun> run =
      job->latest_run().empty()
          ? absl::StatusOr<BenchmarkJobRun>(absl::NotFoundError(""))
          : jobs_.GetRun(job->latest_run());
  if (!run.ok() || Finished(run->state())) {
    return call.Finish(domain::ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(request->name(), " has no unfinished run to cancel."),
        "NO_RUN_IN_PROGRESS", request->name()));
  }
  auto cancelled = jobs_.SetRunState(
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
        "NO_RUN_IN_PROGRESS", request->name()));
  }
  return call.Finish(std::move(cancelled), response);
}

grpc::Status BenchmarkJobServiceImpl::GetBenchmarkJobRun(
    grpc::ServerContext* context,
    const itp::v1::GetBenchmarkJobRunRequest* request,
    BenchmarkJobRun* response) {
  CallGuard call(guard_, *context, kGetRun, CallGuard::kRead, request->name());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckRunName(request->name(), "name");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(jobs_.GetRun(request->name()), response);
}

grpc::Status BenchmarkJobServiceImpl::ListBenchmarkJobRuns(
    grpc::ServerContext* context,
    const itp::v1::ListBenchmarkJobRunsRequest* request,
    itp::v1::ListBenchmarkJobRunsResponse* response) {
  CallGuard call(guard_, *context, kListRuns, CallGuard::kRead,
                 request->parent());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckJobName(request->parent(), "parent");
  if (!s.ok()) return call.Finish(s);
  auto page_size = domain::EffectivePageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListBenchmarkJobRuns", request->parent()});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = jobs_.ListRuns(request->parent(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (BenchmarkJobRun& run : page->runs) {
    *response->add_runs() = std::move(run);
  }
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

grpc::Status BenchmarkJobServiceImpl::StreamBenchmarkJobResults(
    grpc::ServerContext* context,
    const itp::v1::StreamBenchmarkJobResultsRequest* request,
    grpc::ServerWriter<itp::v1::BenchmarkJobResult>* writer) {
  CallGuard call(guard_, *context, kStreamResults, CallGuard::kRead,
                 request->name());
  absl::Status s = Admit(call);
  if (s.ok()) s = CheckRunName(request->name(), "name");
  if (s.ok() && request->start_index() < 0) {
    s = domain::InvalidField("start_index", "must not be negative.");
  }
  if (!s.ok()) return call.Finish(s);
  auto run = jobs_.GetRun(request->name());
  if (!run.ok()) return call.Finish(run.status());

  int next = request->start_index();
  uint64_t seen = guard_.events.sequence();
  while (!context->IsCancelled()) {
    // Read the state before the results: a run seen finished has recorded
    // every result it will ever record.
    run = jobs_.GetRun(request->name());
    if (!run.ok()) return call.Finish(run.status());
    const bool finished = Finished(run->state());
    auto results = jobs_.Results(request->name(), next, kResultBatch);
    if (!results.ok()) return call.Finish(results.status());
    for (const auto& result : *results) {
      if (!writer->Write(result)) return call.Finish(absl::OkStatus());
      next = result.index() + 1;
    }
    if (static_cast<int>(results->size()) == kResultBatch) continue;
    if (finished) break;
    seen = guard_.events.WaitForChange(seen, absl::Seconds(1));
  }
  return call.Finish(absl::OkStatus());
}

}  // namespace itp::service
