// Where a plan stands by its progress reports: loads what the pure engine
// (benchmark/progress) needs from the stores (the latest published report,
// the revision it was filed against, the pathways of its sectors, the
// plan's reporting years and first submission) and stamps the result. Shared
// by GetPlanProgress and the benchmark jobs, so that both say the same.
//
//   ProgressAssessor assessor(plans, benchmarks, progress, now);
//   absl::StatusOr<itp::v1::PlanProgress> p =
//       assessor.Assess("countries/IND/plans/steel-2070");
#ifndef ITP_SERVER_APP_PROGRESS_ASSESSMENT_H_
#define ITP_SERVER_APP_PROGRESS_ASSESSMENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/progress_store.h"

namespace itp::app {

// Thread-safe; the stores must outlive it.
class ProgressAssessor {
 public:
  // `now`: Unix microseconds (the current year decides OVERDUE).
  ProgressAssessor(storage::PlanStore& plans,
                   storage::BenchmarkStore& benchmarks,
                   storage::ProgressStore& progress,
                   std::function<int64_t()> now)
      : plans_(plans),
        benchmarks_(benchmarks),
        progress_(progress),
        now_(std::move(now)) {}

  // The assessment of plan `plan_name`'s latest published report (status
  // NOT_ASSESSED and no report when none is published), with its reporting
  // record and the assessment time. The stores' errors.
  absl::StatusOr<itp::v1::PlanProgress> Assess(const std::string& plan_name);

  // The content of the plan revision `revision_name` names.
  absl::StatusOr<itp::v1::Plan> RevisionContent(
      const std::string& revision_name);

  // The reference pathways of `plan`'s sectors.
  absl::StatusOr<std::vector<itp::v1::Pathway>> PathwaysOf(
      const itp::v1::Plan& plan);

  // The calendar year (UTC) of the clock.
  int CurrentYear() const;

 private:
  storage::PlanStore& plans_;
  storage::BenchmarkStore& benchmarks_;
  storage::ProgressStore& progress_;
  std::function<int64_t()> now_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_PROGRESS_ASSESSMENT_H_
