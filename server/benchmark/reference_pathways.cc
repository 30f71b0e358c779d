#include "server/benchmark/reference_pathways.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace itp::benchmark {
namespace {

using itp::v1::Pathway;
using itp::v1::SectorPathway;

constexpr char kTpiSource[] =
    "Transition Pathway Initiative, sector benchmarks "
    "(Sector_Benchmarks_21042022.csv, TPI Assessment data)";
constexpr char kIeaSource[] =
    "IEA Net Zero Emissions by 2050 scenario, as published in the WEF "
    "Net-Zero Industry Tracker 2022 data sheet";
constexpr char kIeaAluminiumSource[] =
    "IAI 'Beyond 2 Degrees' pathway (including power), as published in the "
    "WEF Net-Zero Industry Tracker 2022 data sheet";

// Scenario warming and global budget (domain brief, section 2.6).
struct Budget {
  double temperature_c;
  double budget_gtco2;
};
constexpr Budget k1p5{1.5, 396};
constexpr Budget kBelow2{1.65, 646};
constexpr Budget k2{2.0, 1229};

constexpr int kTpiYears[] = {2019, 2020, 2025, 2030, 2035, 2040, 2050};
constexpr int kIeaYears[] = {2020, 2030, 2040, 2050};

struct Spec {
  const char* id;
  const char* display_name;
  itp::v1::Sector sector;
  const char* scenario;
  int rank;
  const char* family;
  const char* source;
  const char* release_date;
  const char* unit;
  SectorPathway::ScopeBoundary scope;
  std::optional<Budget> budget;
  bool tpi_years;  // kTpiYears, else kIeaYears
  std::vector<double> values;
};

std::vector<Spec> Specs() {
  const auto s1 = SectorPathway::SCOPE_1;
  const auto s12 = SectorPathway::SCOPE_1_AND_2;
  const auto steel = itp::v1::IRON_AND_STEEL;
  const auto cement = itp::v1::CEMENT;
  const auto aluminium = itp::v1::ALUMINIUM;
  const auto paper = itp::v1::PULP_AND_PAPER;
  return {
      {"tpi-steel-2022-1p5c",
       "TPI 1.5 Degrees, steel (2022)",
       steel,
       "1.5 Degrees",
       1,
       "TPI 2022",
       kTpiSource,
       "2022-04-01",
       "tCO2/t crude steel",
       s12,
       k1p5,
       true,
       {1.662, 1.613, 1.371, 1.129, 0.796, 0.463, 0.052}},
      {"tpi-steel-2022-below-2c",
       "TPI Below 2 Degrees, steel (2022)",
       steel,
       "Below 2 Degrees",
       2,
       "TPI 2022",
       kTpiSource,
       "2022-04-01",
       "tCO2/t crude steel",
       s12,
       kBelow2,
       true,
       {1.662, 1.646, 1.567, 1.488, 1.211, 0.935, 0.516}},
      {"tpi-steel-2022-national-pledges",
       "TPI National Pledges, steel (2022)",
       steel,
       "National Pledges",
       3,
       "TPI 2022",
       kTpiSource,
       "2022-04-01",
       "tCO2/t crude steel",
       s12,
       std::nullopt,
       true,
       {1.662, 1.659, 1.645, 1.632, 1.546, 1.460, 1.270}},
      {"tpi-cement-2022-1p5c",
       "TPI 1.5 Degrees, cement (2022)",
       cement,
       "1.5 Degrees",
       1,
       "TPI 2022",
       kTpiSource,
       "2022-04-01",
       "tCO2/t cementitious product",
       s1,
       k1p5,
       true,
       {0.545, 0.545, 0.482, 0.419, 0.313, 0.207, 0.031}},
      {"tpi-cement-2022-below-2c",
       "TPI Below 2 Degrees, cement (2022)",
       cement,
       "Below 2 Degrees",
       2,
       "TPI 2022",
       kTpiSource,
       "2022-04-01",
       "tCO2/t cementitious product",
       s1,
       kBelow2,
       true,
       {0.545, 0.545, 0.546, 0.547, 0.449, 0.351, 0.171}},
      {"tpi-cement-2022-national-pledges",
       "TPI National Pledges, cement (2022)",
       cement,
       "National Pledges",
       3,
       "TPI 2022",
       kTpiSource,
       "2022-04-01",
       "tCO2/t cementitious product",
       s1,
       std::nullopt,
       true,
       {0.545, 0.545, 0.558, 0.570, 0.548, 0.527, 0.494}},
      {"tpi-aluminium-2021-below-2c",
       "TPI Below 2 Degrees, aluminium (2021)",
       aluminium,
       "Below 2 Degrees",
       1,
       "TPI 2021",
       kTpiSource,
       "2021-02-01",
       "tCO2e/t aluminium",
       s12,
       kBelow2,
       true,
       {5.279, 5.067, 4.004, 3.069, 2.316, 1.739, 0.996}},
      {"tpi-aluminium-2021-2c",
       "TPI 2 Degrees, aluminium (2021)",
       aluminium,
       "2 Degrees",
       2,
       "TPI 2021",
       kTpiSource,
       "2021-02-01",
       "tCO2e/t aluminium",
       s12,
       k2,
       true,
       {5.437, 5.255, 4.349, 3.142, 2.305, 1.846, 1.316}},
      {"tpi-aluminium-2021-paris-pledges",
       "TPI Paris Pledges, aluminium (2021)",
       aluminium,
       "Paris Pledges",
       3,
       "TPI 2021",
       kTpiSource,
       "2021-02-01",
       "tCO2e/t aluminium",
       s12,
       std::nullopt,
       true,
       {5.736, 5.614, 5.007, 4.354, 3.784, 3.394, 2.833}},
      {"tpi-pulp-paper-2021-below-2c",
       "TPI Below 2 Degrees, pulp and paper (2021)",
       paper,
       "Below 2 Degrees",
       1,
       "TPI 2021",
       kTpiSource,
       "2021-02-01",
       "tCO2/t paper",
       s12,
       kBelow2,
       true,
       {0.570, 0.545, 0.427, 0.353, 0.262, 0.172, 0.056}},
      {"tpi-pulp-paper-2021-2c",
       "TPI 2 Degrees, pulp and paper (2021)",
       paper,
       "2 Degrees",
       2,
       "TPI 2021",
       kTpiSource,
       "2021-02-01",
       "tCO2/t paper",
       s12,
       k2,
       true,
       {0.606, 0.588, 0.502, 0.408, 0.314, 0.231, 0.128}},
      {"iea-nze-steel-2022",
       "IEA Net Zero by 2050, crude steel",
       steel,
       "Net Zero Emissions by 2050",
       1,
       "IEA NZE",
       kIeaSource,
       "2022",
       "tCO2e/t crude steel",
       s12,
       k1p5,
       false,
       {1.90, 0.92, 0.43, 0.11}},
      {"iea-nze-cement-2022",
       "IEA Net Zero by 2050, cement",
       cement,
       "Net Zero Emissions by 2050",
       1,
       "IEA NZE",
       kIeaSource,
       "2022",
       "tCO2e/t cement",
       s1,
       k1p5,
       false,
       {0.59, 0.45, 0.22, 0.03}},
      {"iea-nze-ammonia-2022",
       "IEA Net Zero by 2050, ammonia",
       itp::v1::AMMONIA,
       "Net Zero Emissions by 2050",
       1,
       "IEA NZE",
       kIeaSource,
       "2022",
       "tCO2e/t ammonia",
       s12,
       k1p5,
       false,
       {2.45, 1.87, 0.95, 0.10}},
      {"iea-nze-aluminium-2022",
       "IAI Beyond 2 Degrees, aluminium",
       aluminium,
       "Net Zero Emissions by 2050",
       1,
       "IEA NZE",
       kIeaAluminiumSource,
       "2022",
       "tCO2e/t aluminium",
       s12,
       k1p5,
       false,
       {16.10, 11.50, 2.20, 0.50}},
  };
}

}  // namespace

std::vector<Pathway> ReferencePathways() {
  std::vector<Pathway> pathways;
  for (const Spec& spec : Specs()) {
    Pathway p;
    p.set_name(absl::StrCat("pathways/", spec.id));
    p.set_display_name(spec.display_name);
    p.set_sector(spec.sector);
    p.set_scenario(spec.scenario);
    p.set_stringency_rank(spec.rank);
    p.set_family(spec.family);
    p.set_source(spec.source);
    p.set_release_date(spec.release_date);
    p.set_intensity_unit(spec.unit);
    p.set_scope_boundary(spec.scope);
    if (spec.budget) {
      p.set_scenario_temperature_c(spec.budget->temperature_c);
      p.set_global_budget_gtco2(spec.budget->budget_gtco2);
    }
    for (size_t i = 0; i < spec.values.size(); ++i) {
      auto* point = p.add_points();
      point->set_year(spec.tpi_years ? kTpiYears[i] : kIeaYears[i]);
      point->set_intensity_tco2_per_t(spec.values[i]);
    }
    p.set_built_in(true);
    pathways.push_back(std::move(p));
  }
  return pathways;
}

}  // namespace itp::benchmark
