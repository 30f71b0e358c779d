// The benchmarking engine: pure functions that say where a plan stands
// against reference pathways, following the domain brief (section 2):
//
//   1. intensity gap at checkpoint years        I_plan(t) - I_sc(t)
//   2. TPI alignment label per checkpoint year  most stringent scenario of a
//      family with I_plan(t) <= I_sc(t), else "Not Aligned"
//   3. SDA target path                          I_target(t) = d p(t) +
//   I_sc(2050)
//      d = I_plan(t0) - I_sc(2050), p(t) = (I_sc(t) - I_sc(2050)) /
//      (I_sc(t0) - I_sc(2050))
//   4. PACTA alignment ratio at t0 + 5 and 2030 -(I_plan - I_target) / I_target
//   5. cumulative emissions t0..2050            sum P(t) I_plan(t) against
//      sum P(t) I_sc(t); overshoot = plan / budget
//   6. implied temperature rise (indicative)    T_sc + B_sc (overshoot - 1)
//      TCRE / 1000
//   7. finance coverage                          identified capex vs need
//
// Series are interpolated linearly between given years and held flat after
// the last given year (TPI's rule); before the first year they are undefined.
// No I/O, no clock, no globals: the same inputs give bit-identical results.
//
//   BenchmarkOptions options;   // checkpoints 2025..2050, TCRE 0.45
//   itp::v1::BenchmarkReport report = BenchmarkPlan(plan, pathways, options);
#ifndef ITP_SERVER_BENCHMARK_ENGINE_H_
#define ITP_SERVER_BENCHMARK_ENGINE_H_

#include <map>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"

namespace itp::benchmark {

// Recorded in every report; bump whenever a formula or rule changes.
// 1.1: an alignment ratio against a target below 5 % of the plan's base
// intensity is not meaningful (the gap is given instead).
inline constexpr char kMethodologyVersion[] = "itp-benchmark/1.1";
// IPCC AR6 best estimate, degrees C per 1000 Gt CO2.
inline constexpr double kDefaultTcre = 0.45;
// Last year of the SDA path and of cumulative emissions.
inline constexpr int kHorizonYear = 2050;
// The label of a plan that meets no scenario of a family.
inline constexpr char kNotAligned[] = "Not Aligned";

struct BenchmarkOptions {
  // Years of gaps and labels; empty means 2025, 2030, 2035, 2040, 2050.
  std::vector<int> checkpoint_years;
  // Degrees C per 1000 Gt CO2.
  double tcre_c_per_1000_gtco2 = kDefaultTcre;
};

// A piecewise-linear yearly series with TPI's extrapolation rule.
class Series {
 public:
  Series() = default;
  // From (year, value) pairs with strictly increasing years.
  explicit Series(std::vector<std::pair<int, double>> points);

  // The plan's intensity: intensity_tco2_per_t where given, else
  // emissions_mtco2 / production_mt where both are given (production > 0);
  // points with neither are skipped.
  static Series PlanIntensity(const itp::v1::SectorPathway& sector);
  // The plan's production where given.
  static Series PlanProduction(const itp::v1::SectorPathway& sector);
  // A reference pathway's intensity.
  static Series PathwayIntensity(const itp::v1::Pathway& pathway);

  // Linear between points, flat after the last, nullopt before the first or
  // when empty.
  std::optional<double> At(int year) const;
  bool empty() const { return points_.empty(); }
  int first_year() const { return points_.front().first; }
  int last_year() const { return points_.back().first; }

 private:
  std::vector<std::pair<int, double>> points_;
};

// Benchmarks the content of `plan` (normally a submitted revision) against
// every pathway in `pathways` of the same sectors. Fills every field of the
// report except name, plan_revision, create_time and requested_by. A sector
// without a pathway is reported with covered = false; metrics that cannot be
// computed (base year outside a pathway, missing production, a pathway that
// does not reach 2050, a flat pathway) are skipped with a message. Options
// must have passed ValidateOptions.
itp::v1::BenchmarkReport BenchmarkPlan(
    const itp::v1::Plan& plan, const std::vector<itp::v1::Pathway>& pathways,
    const BenchmarkOptions& options);

// Finance coverage of `plan` (metric 7).
itp::v1::FinanceCoverage ComputeFinanceCoverage(const itp::v1::Plan& plan);

// PACTA alignment ratio of `sector` against `pathway` in `year` (with the SDA
// target); nullopt when it cannot be computed.
std::optional<itp::v1::AlignmentRatio> AlignmentRatioAt(
    const itp::v1::SectorPathway& sector, const itp::v1::Pathway& pathway,
    int year);

// Adds violations under `prefix` for bad options: checkpoint years outside
// 1990-2100 or repeated (at most 20), TCRE not finite or outside (0, 5].
void ValidateOptions(const BenchmarkOptions& options, absl::string_view prefix,
                     domain::FieldViolations* violations);

// Adds violations under `prefix` ("pathway") for a pathway an admin submits:
// display_name, scenario, family, source and release_date (YYYY-MM-DD, a
// calendar date from 1900 on) required; a sector;
// stringency_rank >= 1; at least two points with strictly increasing years
// 1990-2100 and finite non-negative intensities (intensity_tco2_per_t required,
// at most 100); temperature in (0, 10] and budget in (0, 10000] Gt CO2 when
// set, and both or neither.
void ValidatePathway(const itp::v1::Pathway& pathway, absl::string_view prefix,
                     domain::FieldViolations* violations);

}  // namespace itp::benchmark

#endif  // ITP_SERVER_BENCHMARK_ENGINE_H_
