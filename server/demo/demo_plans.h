// Realistic demonstration plans (India, Indonesia, Viet Nam, Brazil, South
// Africa; steel and cement) built from the figures of the domain brief, for a
// first look at the service (`itp-server --demo`) and for tests.
//
//   auto added = SeedDemoPlans(store);  // number of plans created
#ifndef ITP_SERVER_DEMO_DEMO_PLANS_H_
#define ITP_SERVER_DEMO_DEMO_PLANS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/plan.pb.h"
#include "server/storage/plan_store.h"

namespace itp::demo {

struct DemoPlan {
  std::string parent;   // countries/{ISO3}
  std::string plan_id;  // e.g. steel-2070
  itp::v1::Plan plan;   // content only
  bool submit;          // whether the demo submits it
};

// The demonstration plans; each passes ValidatePlanContent. INTERNAL if one of
// the built-in sources does not parse (a bug caught by the tests).
absl::StatusOr<std::vector<DemoPlan>> DemoPlans();

// Creates (and, where the demo says so, submits) every demo plan that does not
// exist yet; existing plans are left alone. Returns how many were created.
absl::StatusOr<int> SeedDemoPlans(storage::PlanStore& store);

}  // namespace itp::demo

#endif  // ITP_SERVER_DEMO_DEMO_PLANS_H_
