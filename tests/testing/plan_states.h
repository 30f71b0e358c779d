// Plans in any state for tests: created in a store and driven through the
// domain state machine (the review transitions too), as a real plan would be.
//
//   Plan approved = MakePlanInState(*stores.plans, "IND", "steel-2070",
//                                   Plan::APPROVED);
#ifndef ITP_TESTS_TESTING_PLAN_STATES_H_
#define ITP_TESTS_TESTING_PLAN_STATES_H_

#include <string>

#include "itp/v1/plan.pb.h"
#include "server/storage/plan_store.h"

namespace itp::testing {

// Plan `countries/{country}/plans/{plan_id}` with the India steel content
// (IndiaSteelPlan), created and moved into `state`; the plan as stored. Adds
// a test failure when the store refuses a step.
itp::v1::Plan MakePlanInState(storage::PlanStore& plans,
                              const std::string& country,
                              const std::string& plan_id,
                              itp::v1::Plan::State state);

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_PLAN_STATES_H_
