#include "tests/testing/test_plans.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace itp::testing {

const char kIndiaSteelCreateJson[] = R"json(
{"parent": "countries/IND", "plan_id": "steel-2070",
 "request_id": "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10",
 "plan": {
   "display_name": "India green steel roadmap",
   "summary": "Crude steel towards net zero by 2070",
   "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2020, "points": [
       {"year": 2020, "production_mt": 100.3, "intensity_tco2_per_t": 2.54},
       {"year": 2030, "production_mt": 255.0, "intensity_tco2_per_t": 2.2},
       {"year": 2050, "production_mt": 400.0, "intensity_tco2_per_t": 1.0},
       {"year": 2070, "production_mt": 450.0, "intensity_tco2_per_t": 0.1}]}],
   "targets": [{"type": "NET_ZERO", "target_year": 2070, "conditional": false}],
   "projects": [{"name": "Hydrogen DRI demonstration plant", "technology": "HYDROGEN_DRI",
       "capacity_mtpa": 0.5, "capex_usd": 600000000, "start_year": 2027, "status": "ANNOUNCED"}]}}
)json";

namespace {

template <typename T>
T FromJson(const std::string& json) {
  T message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return message;
}

}  // namespace

itp::v1::CreatePlanRequest IndiaSteelCreateRequest() {
  return FromJson<itp::v1::CreatePlanRequest>(kIndiaSteelCreateJson);
}

itp::v1::Plan IndiaSteelPlan() { return IndiaSteelCreateRequest().plan(); }

itp::v1::Plan IndonesiaCementPlan() {
  return FromJson<itp::v1::Plan>(R"json({
  "display_name": "Indonesia cement roadmap to 2060",
  "summary": "Lower clinker ratio and biomass co-processing",
  "submitting_body": "Ministry of Industry, Republic of Indonesia",
  "sectors": [{"sector": "CEMENT",
    "intensity_unit": "tCO2/t cementitious product", "scope_boundary": "SCOPE_1",
    "base_year": 2023, "points": [
      {"year": 2023, "production_mt": 62.0, "intensity_tco2_per_t": 0.62,
       "emissions_mtco2": 38.44,
       "technology_shares": [{"indicator": "CLINKER_RATIO", "share_percent": 78}]},
      {"year": 2030, "production_mt": 70.0, "intensity_tco2_per_t": 0.55},
      {"year": 2060, "production_mt": 85.0, "intensity_tco2_per_t": 0.08}]}],
  "targets": [{"type": "NET_ZERO", "target_year": 2060, "conditional": true}]})json");
}

itp::v1::Plan SteelPlan(const std::string& country, double intensity) {
  itp::v1::Plan plan;
  plan.set_display_name(absl::StrCat(country, " crude steel pathway"));
  auto* sector = plan.add_sectors();
  sector->set_sector(itp::v1::IRON_AND_STEEL);
  sector->set_base_year(2022);
  auto* base = sector->add_points();
  base->set_year(2022);
  base->set_production_mt(20.0);
  base->set_intensity_tco2_per_t(intensity);
  auto* end = sector->add_points();
  end->set_year(2050);
  end->set_production_mt(30.0);
  end->set_intensity_tco2_per_t(intensity / 5);
  return plan;
}

}  // namespace itp::testing
