// Realistic plans for tests, built from the figures of the domain brief.
//
//   itp::v1::CreatePlanRequest request = IndiaSteelCreateRequest();
//   itp::v1::Plan plan = IndonesiaCementPlan();
#ifndef ITP_TESTS_TESTING_TEST_PLANS_H_
#define ITP_TESTS_TESTING_TEST_PLANS_H_

#include <string>

#include "itp/v1/plan.pb.h"
#include "itp/v1/plan_service.pb.h"

namespace itp::testing {

// The CreatePlan request of the plan-submission issue, verbatim, in the
// proto3 JSON mapping (parent countries/IND, plan_id steel-2070).
extern const char kIndiaSteelCreateJson[];

// kIndiaSteelCreateJson parsed.
itp::v1::CreatePlanRequest IndiaSteelCreateRequest();

// Its plan: India crude steel 100.3 Mt at 2.54 t CO2/t in 2020 to 450 Mt at
// 0.1 in 2070, a net-zero 2070 target and a hydrogen DRI demonstration plant.
itp::v1::Plan IndiaSteelPlan();

// Indonesia cement: 62 Mt at 0.62 t CO2/t in 2023 to 85 Mt at 0.08 in 2060,
// with emissions given for the base year and a clinker ratio.
itp::v1::Plan IndonesiaCementPlan();

// A minimal valid steel plan for `country` (ISO3) with one pathway whose
// base-year intensity is `intensity`; for bulk tests.
itp::v1::Plan SteelPlan(const std::string& country, double intensity);

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_TEST_PLANS_H_
