// Benchmark job runs in application-layer tests: starting one, and waiting
// for it to finish. The run is re-read whenever the application's event bus
// moves (the job runner notifies after every step), with a deadline instead
// of sleeps.
//
//   auto run = WaitForRunToFinish(harness.app(), runner.caller, run_name);
//   BenchmarkJobRun done = RunJobToTheEnd(harness.app(), runner.caller, "all");
#ifndef ITP_TESTS_APP_JOB_RUN_WAIT_H_
#define ITP_TESTS_APP_JOB_RUN_WAIT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark_job.pb.h"
#include "itp/v1/benchmark_job_service.pb.h"
#include "server/app/application.h"
#include "server/app/caller.h"

namespace itp::testing {

// The run `run_name` once it has finished (SUCCEEDED, FAILED or CANCELLED),
// read by `caller`; DEADLINE_EXCEEDED when it is still unfinished after
// `timeout`; GetBenchmarkJobRun's error.
inline absl::StatusOr<itp::v1::BenchmarkJobRun> WaitForRunToFinish(
    app::Application& app, const app::Caller& caller,
    const std::string& run_name, absl::Duration timeout = absl::Seconds(60)) {
  const absl::Time deadline = absl::Now() + timeout;
  itp::v1::GetBenchmarkJobRunRequest request;
  request.set_name(run_name);
  while (true) {
    // The sequence is read before the run, so that a step recorded after the
    // read wakes the wait below.
    const uint64_t seen = app.events().sequence();
    auto run = app.jobs().GetBenchmarkJobRun(caller, request);
    if (!run.ok()) return run.status();
    if (run->state() != itp::v1::BenchmarkJobRun::PENDING &&
        run->state() != itp::v1::BenchmarkJobRun::RUNNING) {
      return run;
    }
    auto woken = std::make_shared<absl::Notification>();
    std::optional<app::EventBus::WaitId> id =
        app.events().WaitFor(seen, [woken] { woken->Notify(); });
    if (!id) continue;  // something happened meanwhile: read again
    if (!woken->WaitForNotificationWithDeadline(deadline)) {
      app.events().Cancel(*id);
      return absl::DeadlineExceededError(
          absl::StrCat(run_name, " is still ",
                       itp::v1::BenchmarkJobRun::State_Name(run->state()),
                       " after ", absl::FormatDuration(timeout)));
    }
  }
}

// Creates job `job_id` over the submitted plans `filter` selects and starts a
// run as `runner`: the run, or an empty one after a test failure.
inline itp::v1::BenchmarkJobRun StartJobRun(app::Application& app,
                                            const app::Caller& runner,
                                            const std::string& job_id,
                                            const std::string& filter = "") {
  itp::v1::CreateBenchmarkJobRequest create;
  create.set_benchmark_job_id(job_id);
  create.mutable_benchmark_job()->set_display_name(
      "Nightly benchmark of submitted plans");
  create.mutable_benchmark_job()->set_filter(filter);
  auto job = app.jobs().CreateBenchmarkJob(runner, create);
  EXPECT_TRUE(job.ok()) << job.status();
  itp::v1::RunBenchmarkJobRequest run;
  run.set_name(absl::StrCat("benchmarkJobs/", job_id));
  auto started = app.jobs().RunBenchmarkJob(runner, run);
  EXPECT_TRUE(started.ok()) << started.status();
  return started.value_or(itp::v1::BenchmarkJobRun());
}

// StartJobRun, then the run once it has finished; an empty run after a test
// failure.
inline itp::v1::BenchmarkJobRun RunJobToTheEnd(app::Application& app,
                                               const app::Caller& runner,
                                               const std::string& job_id,
                                               const std::string& filter = "") {
  const itp::v1::BenchmarkJobRun started =
      StartJobRun(app, runner, job_id, filter);
  if (started.name().empty()) return started;
  auto finished = WaitForRunToFinish(app, runner, started.name());
  EXPECT_TRUE(finished.ok()) << finished.status();
  return finished.value_or(itp::v1::BenchmarkJobRun());
}

}  // namespace itp::testing

#endif  // ITP_TESTS_APP_JOB_RUN_WAIT_H_
