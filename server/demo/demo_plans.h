// Realistic demonstration plans (India, Indonesia, Viet Nam, Brazil, South
// Africa; steel and cement) built from the figures of the domain brief, for a
// first look at the service (`itp-server --demo`) and for tests.
//
// Submitted plans come with published progress reports (section 6 of the
// brief): India steel for 2023 (behind its plan by 2.1 %), Viet Nam cement
// for 2025 (not on track, its calcined clay line delayed) and Indonesia
// cement for 2025 (on track).
//
//   auto added = SeedDemoPlans(plans, &progress);  // number of plans created
#ifndef ITP_SERVER_DEMO_DEMO_PLANS_H_
#define ITP_SERVER_DEMO_DEMO_PLANS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/storage/plan_store.h"
#include "server/storage/progress_store.h"

namespace itp::demo {

struct DemoPlan {
  std::string parent;   // countries/{ISO3}
  std::string plan_id;  // e.g. steel-2070
  itp::v1::Plan plan;   // content only
  bool submit;          // whether the demo submits it
};

struct DemoProgressReport {
  std::string plan;  // countries/{ISO3}/plans/{id}
  int reporting_year;
  itp::v1::ProgressReport report;  // content only
};

// The demonstration progress reports, each valid against its demo plan.
absl::StatusOr<std::vector<DemoProgressReport>> DemoProgressReports();

// The demonstration plans; each passes ValidatePlanContent. INTERNAL if one of
// the built-in sources does not parse (a bug caught by the tests).
absl::StatusOr<std::vector<DemoPlan>> DemoPlans();

// Creates (and, where the demo says so, submits) every demo plan that does not
// exist yet; existing plans are left alone. With `progress`, files and
// publishes the demo progress reports of the plans it created. Returns how
// many plans were created.
absl::StatusOr<int> SeedDemoPlans(storage::PlanStore& store,
                                  storage::ProgressStore* progress = nullptr);

}  // namespace itp::demo

#endif  // ITP_SERVER_DEMO_DEMO_PLANS_H_
