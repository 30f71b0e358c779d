// Throughput of the benchmarking engine: 1,000 national plans (steel and
// cement, ten emerging economies) against the reference pathways of the domain
// brief, timed over several runs on one thread.
//
//   cmake --build build --target engine_bench && ./build/engine_bench
//
// Prints plans per second, the best total time for 1,000 plans and a checksum
// of the serialized reports, which must be the same on every run and every
// machine (the engine is deterministic).
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/benchmark/engine.h"

namespace {

using itp::benchmark::BenchmarkOptions;
using itp::benchmark::BenchmarkPlan;
using itp::v1::BenchmarkReport;
using itp::v1::Pathway;
using itp::v1::Plan;
using itp::v1::SectorPathway;

constexpr int kPlans = 1000;
constexpr int kRuns = 5;

// Starting points per country, indicative: crude steel (worldsteel, recent
// years) and cement (USGS) output in Mt, intensities in t CO2 per t
// (blast-furnace-heavy producers high, scrap-EAF producers low).
struct Country {
  const char* iso3;
  const char* name;
  double steel_mt;
  double steel_intensity;
  double cement_mt;
  double cement_intensity;
  int net_zero_year;
};

constexpr Country kCountries[] = {
    {"IND", "India", 125.3, 2.54, 410.0, 0.56, 2070},
    {"IDN", "Indonesia", 17.0, 1.90, 62.0, 0.62, 2060},
    {"BRA", "Brazil", 33.7, 1.70, 63.0, 0.58, 2050},
    {"VNM", "Viet Nam", 22.1, 2.20, 110.0, 0.68, 2050},
    {"ZAF", "South Africa", 4.9, 2.40, 12.0, 0.75, 2050},
    {"EGY", "Egypt", 10.4, 1.30, 50.0, 0.66, 2050},
    {"KEN", "Kenya", 0.05, 0.60, 9.2, 0.60, 2050},
    {"MEX", "Mexico", 18.4, 1.20, 50.0, 0.60, 2050},
    {"TUR", "Turkiye", 35.1, 1.10, 85.0, 0.62, 2053},
    {"THA", "Thailand", 4.5, 0.90, 35.0, 0.55, 2065},
};

// A small deterministic generator, so that the plans (and the checksum) are
// the same on every platform, unlike the distributions of <random>.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : state_(seed) {}
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    double unit = static_cast<double>(state_ >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * unit;
  }

 private:
  uint64_t state_;
};

void AddSector(itp::v1::Sector sector, double base_mt, double base_intensity,
               int base_year, int end_year, int points, Lcg& rng, Plan* plan) {
  SectorPathway* s = plan->add_sectors();
  s->set_sector(sector);
  s->set_base_year(base_year);
  s->set_scope_boundary(sector == itp::v1::CEMENT
                            ? SectorPathway::SCOPE_1
                            : SectorPathway::SCOPE_1_AND_2);
  s->set_intensity_unit(sector == itp::v1::CEMENT
                            ? "tCO2/t cementitious product"
                            : "tCO2/t crude steel");
  const double production_growth = rng.Uniform(1.1, 2.8);
  const double residual_share = rng.Uniform(0.03, 0.5);
  for (int k = 0; k < points; ++k) {
    double f = static_cast<double>(k) / (points - 1);
    auto* pt = s->add_points();
    pt->set_year(base_year + static_cast<int>((end_year - base_year) * f));
    pt->set_production_mt(base_mt * (1 + (production_growth - 1) * f));
    // Slow decline first, faster once new capacity is built.
    pt->set_intensity_tco2_per_t(base_intensity *
                                 (1 - (1 - residual_share) * f * f));
  }
}

std::vector<Plan> MakePlans() {
  std::vector<Plan> plans;
  plans.reserve(kPlans);
  Lcg rng(20220401);
  for (int i = 0; i < kPlans; ++i) {
    const Country& c = kCountries[i % 10];
    Plan plan;
    plan.set_name(absl::StrCat("countries/", c.iso3, "/plans/industry-", i));
    plan.set_display_name(absl::StrCat(c.name, " heavy industry roadmap"));
    plan.set_country(c.iso3);
    const int base_year = 2019 + (i / 10) % 5;
    const int points = 4 + (i / 50) % 5;
    const int end_year = c.net_zero_year;
    if (i % 3 != 2) {
      AddSector(itp::v1::IRON_AND_STEEL, c.steel_mt * rng.Uniform(0.9, 1.1),
                c.steel_intensity * rng.Uniform(0.95, 1.05), base_year,
                end_year, points, rng, &plan);
    }
    if (i % 3 != 1) {
      AddSector(itp::v1::CEMENT, c.cement_mt * rng.Uniform(0.9, 1.1),
                c.cement_intensity * rng.Uniform(0.95, 1.05), base_year,
                end_year, points, rng, &plan);
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

Pathway MakePathway(const char* id, itp::v1::Sector sector,
                    const char* scenario, int rank, const char* family,
                    const char* release_date, std::vector<int> years,
                    std::vector<double> values, double temperature_c,
                    double budget_gtco2) {
  Pathway p;
  p.set_name(absl::StrCat("pathways/", id));
  p.set_display_name(absl::StrCat(family, " ", scenario));
  p.set_sector(sector);
  p.set_scenario(scenario);
  p.set_stringency_rank(rank);
  p.set_family(family);
  p.set_release_date(release_date);
  if (temperature_c > 0) {
    p.set_scenario_temperature_c(temperature_c);
    p.set_global_budget_gtco2(budget_gtco2);
  }
  for (size_t i = 0; i < years.size(); ++i) {
    auto* pt = p.add_points();
    pt->set_year(years[i]);
    pt->set_intensity_tco2_per_t(values[i]);
  }
  return p;
}

// The domain brief's pathways: TPI 2022 steel and cement (three scenarios
// each) and IEA NZE steel and cement.
std::vector<Pathway> MakePathways() {
  const std::vector<int> tpi = {2019, 2020, 2025, 2030, 2035, 2040, 2050};
  const std::vector<int> iea = {2020, 2030, 2040, 2050};
  const auto steel = itp::v1::IRON_AND_STEEL;
  const auto cement = itp::v1::CEMENT;
  return {
      MakePathway("tpi-steel-2022-1p5c", steel, "1.5 Degrees", 1, "TPI 2022",
                  "2022-04-01", tpi,
                  {1.662, 1.613, 1.371, 1.129, 0.796, 0.463, 0.052}, 1.5, 396),
      MakePathway("tpi-steel-2022-below-2c", steel, "Below 2 Degrees", 2,
                  "TPI 2022", "2022-04-01", tpi,
                  {1.662, 1.646, 1.567, 1.488, 1.211, 0.935, 0.516}, 1.65, 646),
      MakePathway("tpi-steel-2022-national-pledges", steel, "National Pledges",
                  3, "TPI 2022", "2022-04-01", tpi,
                  {1.662, 1.659, 1.645, 1.632, 1.546, 1.460, 1.270}, 0, 0),
      MakePathway("tpi-cement-2022-1p5c", cement, "1.5 Degrees", 1, "TPI 2022",
                  "2022-04-01", tpi,
                  {0.545, 0.545, 0.482, 0.419, 0.313, 0.207, 0.031}, 1.5, 396),
      MakePathway("tpi-cement-2022-below-2c", cement, "Below 2 Degrees", 2,
                  "TPI 2022", "2022-04-01", tpi,
                  {0.545, 0.545, 0.546, 0.547, 0.449, 0.351, 0.171}, 1.65, 646),
      MakePathway("tpi-cement-2022-national-pledges", cement,
                  "National Pledges", 3, "TPI 2022", "2022-04-01", tpi,
                  {0.545, 0.545, 0.558, 0.570, 0.548, 0.527, 0.494}, 0, 0),
      MakePathway("iea-nze-steel-2022", steel, "Net Zero Emissions by 2050", 1,
                  "IEA NZE 2022", "2022", iea, {1.90, 0.92, 0.43, 0.11}, 1.5,
                  396),
      MakePathway("iea-nze-cement-2022", cement, "Net Zero Emissions by 2050",
                  1, "IEA NZE 2022", "2022", iea, {0.59, 0.45, 0.22, 0.03}, 1.5,
                  396),
  };
}

// FNV-1a over the deterministic serialization of every report.
uint64_t Checksum(const std::vector<BenchmarkReport>& reports) {
  uint64_t hash = 14695981039346656037ULL;
  std::string bytes;
  for (const BenchmarkReport& report : reports) {
    bytes.clear();
    {
      google::protobuf::io::StringOutputStream stream(&bytes);
      google::protobuf::io::CodedOutputStream out(&stream);
      out.SetSerializationDeterministic(true);
      report.SerializeToCodedStream(&out);
    }
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
  }
  return hash;
}

}  // namespace

int main() {
  const std::vector<Plan> plans = MakePlans();
  const std::vector<Pathway> pathways = MakePathways();
  const BenchmarkOptions options;

  std::vector<BenchmarkReport> reports(plans.size());
  std::vector<double> run_ms;
  uint64_t checksum = 0;
  bool stable = true;
  for (int run = 0; run < kRuns; ++run) {
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < plans.size(); ++i) {
      reports[i] = BenchmarkPlan(plans[i], pathways, options);
    }
    auto end = std::chrono::steady_clock::now();
    run_ms.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
    uint64_t sum = Checksum(reports);
    if (run == 0) checksum = sum;
    stable = stable && sum == checksum;
  }

  size_t sectors = 0, results = 0, labels = 0, messages = 0;
  for (const BenchmarkReport& report : reports) {
    sectors += report.sectors_size();
    for (const auto& s : report.sectors()) {
      results += s.pathways_size();
      labels += s.labels_size();
      messages += s.messages_size();
      for (const auto& r : s.pathways()) messages += r.messages_size();
    }
  }
  std::sort(run_ms.begin(), run_ms.end());
  const double best_ms = run_ms.front();
  std::printf(
      "plans:              %zu (%zu sector pathways, %zu pathway "
      "results, %zu labels, %zu messages)\n",
      plans.size(), sectors, results, labels, messages);
  std::printf("reference pathways: %zu\n", pathways.size());
  std::printf(
      "runs:               %d (best %.2f ms, median %.2f ms, worst "
      "%.2f ms)\n",
      kRuns, best_ms, run_ms[run_ms.size() / 2], run_ms.back());
  std::printf("total for %d plans: %.2f ms (best of %d)\n", kPlans, best_ms,
              kRuns);
  std::printf("plans per second:   %.0f\n", plans.size() / (best_ms / 1000.0));
  std::printf("checksum:           %016" PRIx64 " (%s across runs)\n", checksum,
              stable ? "identical" : "DIFFERENT");
  return stable ? 0 : 1;
}
