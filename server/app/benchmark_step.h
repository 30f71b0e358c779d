// The one benchmark step that interactive calls (BenchmarkPlan) and benchmark
// jobs share: pick the revision, resolve the pathways, run the engine, stamp
// the report and store it. A methodology rule lives here once, so a report
// made by a job and one made on request are made the same way.
//
//   BenchmarkStep step(plans, benchmarks);
//   BenchmarkStep::Request request;
//   request.options = OptionsOf(benchmark_plan_request);
//   request.requested_by = "apiKeys/3f9c2a1b7d4e8f60";
//   auto report = step.Run(write_context, current_plan, request);
#ifndef ITP_SERVER_APP_BENCHMARK_STEP_H_
#define ITP_SERVER_APP_BENCHMARK_STEP_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/benchmark/engine.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/write_context.h"

namespace itp::app {

// The engine options of a request or job: its checkpoint years and TCRE
// (the default TCRE when unset). Check them with benchmark::ValidateOptions.
template <typename Message>
benchmark::BenchmarkOptions OptionsOf(const Message& m) {
  benchmark::BenchmarkOptions options;
  options.checkpoint_years.assign(m.checkpoint_years().begin(),
                                  m.checkpoint_years().end());
  if (m.has_tcre_c_per_1000_gtco2()) {
    options.tcre_c_per_1000_gtco2 = m.tcre_c_per_1000_gtco2();
  }
  return options;
}

// Most pathways a benchmark request or job may name.
inline constexpr int kMaxNamedPathways = 50;

// Thread-safe; the stores must outlive it.
class BenchmarkStep {
 public:
  struct Request {
    // The revision to benchmark; 0 for the plan's latest submitted revision.
    int revision = 0;
    // With revision 0: a plan never submitted is benchmarked as it stands
    // (interactive calls) rather than refused (jobs).
    bool drafts_as_they_stand = false;
    // Pathway names; empty for every pathway of the plan's sectors.
    std::vector<std::string> pathways;
    benchmark::BenchmarkOptions options;
    // Who asked: an API key name or a job run name.
    std::string requested_by;
  };

  BenchmarkStep(storage::PlanStore& plans, storage::BenchmarkStore& benchmarks)
      : plans_(plans), benchmarks_(benchmarks) {}

  // Benchmarks `current` (the plan as stored now) and stores the report
  // under the plan. NOT_FOUND for a missing revision or named pathway;
  // FAILED_PRECONDITION (reason PLAN_NOT_SUBMITTED) for a plan without a
  // submitted revision unless drafts_as_they_stand; the store's errors.
  absl::StatusOr<itp::v1::BenchmarkReport> Run(const storage::WriteContext& ctx,
                                               const itp::v1::Plan& current,
                                               const Request& request);

  // Run without storing: the report with plan_revision and requested_by
  // set, no name and no create_time.
  absl::StatusOr<itp::v1::BenchmarkReport> Compute(
      const itp::v1::Plan& current, const Request& request) const;

  // The newest of the plan's latest kReuseWindow stored reports whose content
  // equals `computed` (everything but name, create_time and requested_by),
  // or nullopt.
  static constexpr int kReuseWindow = 20;
  absl::StatusOr<std::optional<itp::v1::BenchmarkReport>> FindStored(
      absl::string_view plan_name,
      const itp::v1::BenchmarkReport& computed) const;

 private:
  storage::PlanStore& plans_;
  storage::BenchmarkStore& benchmarks_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_BENCHMARK_STEP_H_
