// Waiting for a benchmark job run to finish in application-layer tests: the
// run is re-read whenever the application's event bus moves (the job runner
// notifies after every step), with a deadline instead of sleeps.
//
//   auto run = WaitForRunToFinish(harness.app(), runner.caller, run_name);
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
#include "itp/v1/benchmark_job.pb.h"
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

}  // namespace itp::testing

#endif  // ITP_TESTS_APP_JOB_RUN_WAIT_H_
