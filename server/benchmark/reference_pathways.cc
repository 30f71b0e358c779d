#include "server/benchmark/reference_pathways.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace itp::benchmark {
namespace {

using itp::v1::Pathway;
using itp::v1::SectorPathway;

constexpr char kPathwayPrefix[] = "pathways/";
constexpr char kTpiSource[] =
    "Transition Pathway Initiative, sector benchmarks "
    "(Sector_Benchmarks_21042022.csv, TPI Assessment data)";
constexpr char kIeaSource[] =
    "IEA Net Zero Emissions by 2050 scenario, as published in the WEF "
    "Net-Zero Industry Tracker 2022 data sheet";
constexpr char kIeaAluminiumSource[] =
    "IAI 'Beyond 2 Degrees' pathway (including power), as published in the "
    "WEF Net-Zero Industry Tracker 2022 data sheet";
// The domain brief names the edition ("WEF Net-Zero Industry Tracker 2022")
// but no day: the World Economic Forum published that first edition on
// 28 July 2022 (weforum.org/publications/the-net-zero-industry-tracker).
constexpr char kIeaReleaseDate[] = "2022-07-28";

// Scenario warming and global budget (domain brief, section 2.6).
struct Budget {
  double temperature_c;
  double budget_gtco2;
};
constexpr Budget k1p5{1.5, 396};
constexpr Budget kBelow2{1.65, 646};
constexpr Budget k2{2.0, 1229};

struct TpiPoint {
  int year;
  double intensity;
};

// One row of TPI's file (one release and scenario), as
// tools/gen_tpi_pathways.py ships it.
struct TpiBenchmark {
  const char* id;
  // TPI's "Benchmark ID", e.g. "Steel_01/04/2022".
  const char* benchmark_id;
  const char* display_name;
  itp::v1::Sector sector;
  const char* scenario;
  int rank;
  const char* family;
  const char* release_date;
  const char* unit;
  SectorPathway::ScopeBoundary scope;
  // Null for a scenario without a carbon budget (pledges).
  const Budget* budget;
  // The newest release of its sector; the others are superseded.
  bool current;
  const TpiPoint* points;
  size_t num_points;
};

// kTpiBenchmarks: every yearly value of
// data/tpi_sector_benchmarks_steel_cement_aluminium_paper_21042022.csv.
#include "server/benchmark/tpi_benchmarks_data.inc"

constexpr int kIeaYears[] = {2020, 2030, 2040, 2050};

// An IEA NZE pathway: a value for each of kIeaYears.
struct IeaSpec {
  const char* id;
  const char* display_name;
  itp::v1::Sector sector;
  const char* source;
  const char* unit;
  SectorPathway::ScopeBoundary scope;
  double values[std::size(kIeaYears)];
};

constexpr IeaSpec kIeaSpecs[] = {
    {"iea-nze-steel-2022",
     "IEA Net Zero by 2050, crude steel",
     itp::v1::IRON_AND_STEEL,
     kIeaSource,
     "tCO2e/t crude steel",
     SectorPathway::SCOPE_1_AND_2,
     {1.90, 0.92, 0.43, 0.11}},
    {"iea-nze-cement-2022",
     "IEA Net Zero by 2050, cement",
     itp::v1::CEMENT,
     kIeaSource,
     "tCO2e/t cement",
     SectorPathway::SCOPE_1,
     {0.59, 0.45, 0.22, 0.03}},
    {"iea-nze-ammonia-2022",
     "IEA Net Zero by 2050, ammonia",
     itp::v1::AMMONIA,
     kIeaSource,
     "tCO2e/t ammonia",
     SectorPathway::SCOPE_1_AND_2,
     {2.45, 1.87, 0.95, 0.10}},
    {"iea-nze-aluminium-2022",
     "IAI Beyond 2 Degrees, aluminium",
     itp::v1::ALUMINIUM,
     kIeaAluminiumSource,
     "tCO2e/t aluminium",
     SectorPathway::SCOPE_1_AND_2,
     {16.10, 11.50, 2.20, 0.50}},
};

Pathway Named(absl::string_view id) {
  Pathway p;
  p.set_name(absl::StrCat(kPathwayPrefix, id));
  p.set_built_in(true);
  return p;
}

void SetBudget(const Budget& budget, Pathway* p) {
  p->set_scenario_temperature_c(budget.temperature_c);
  p->set_global_budget_gtco2(budget.budget_gtco2);
}

void AddPoint(int year, double intensity, Pathway* p) {
  auto* point = p->add_points();
  point->set_year(year);
  point->set_intensity_tco2_per_t(intensity);
}

Pathway FromTpi(const TpiBenchmark& b) {
  Pathway p = Named(b.id);
  p.set_display_name(b.display_name);
  p.set_sector(b.sector);
  p.set_scenario(b.scenario);
  p.set_stringency_rank(b.rank);
  p.set_family(b.family);
  p.set_source(kTpiSource);
  p.set_release_date(b.release_date);
  p.set_intensity_unit(b.unit);
  p.set_scope_boundary(b.scope);
  if (b.budget != nullptr) SetBudget(*b.budget, &p);
  for (size_t i = 0; i < b.num_points; ++i) {
    AddPoint(b.points[i].year, b.points[i].intensity, &p);
  }
  return p;
}

Pathway FromIea(const IeaSpec& spec) {
  Pathway p = Named(spec.id);
  p.set_display_name(spec.display_name);
  p.set_sector(spec.sector);
  p.set_scenario("Net Zero Emissions by 2050");
  p.set_stringency_rank(1);
  p.set_family("IEA NZE");
  p.set_source(spec.source);
  p.set_release_date(kIeaReleaseDate);
  p.set_intensity_unit(spec.unit);
  p.set_scope_boundary(spec.scope);
  SetBudget(k1p5, &p);
  for (size_t i = 0; i < std::size(kIeaYears); ++i) {
    AddPoint(kIeaYears[i], spec.values[i], &p);
  }
  return p;
}

}  // namespace

std::vector<Pathway> ReferencePathways() {
  std::vector<Pathway> pathways;
  pathways.reserve(std::size(kTpiBenchmarks) + std::size(kIeaSpecs));
  for (const TpiBenchmark& b : kTpiBenchmarks) pathways.push_back(FromTpi(b));
  for (const IeaSpec& spec : kIeaSpecs) pathways.push_back(FromIea(spec));
  return pathways;
}

bool IsSupersededRelease(const Pathway& pathway) {
  if (!pathway.built_in()) return false;
  absl::string_view name = pathway.name();
  if (!absl::ConsumePrefix(&name, kPathwayPrefix)) return false;
  for (const TpiBenchmark& b : kTpiBenchmarks) {
    if (name == b.id) return !b.current;
  }
  return false;
}

void RemoveSupersededReleases(std::vector<Pathway>* pathways) {
  pathways->erase(
      std::remove_if(pathways->begin(), pathways->end(), IsSupersededRelease),
      pathways->end());
}

}  // namespace itp::benchmark
