#include "server/benchmark/engine.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/domain/plan_validation.h"

namespace itp::benchmark {
namespace {

using itp::v1::AlignmentRatio;
using itp::v1::BenchmarkReport;
using itp::v1::FinanceCoverage;
using itp::v1::Pathway;
using itp::v1::PathwayPoint;
using itp::v1::PathwayResult;
using itp::v1::Plan;
using itp::v1::Project;
using itp::v1::SectorBenchmark;
using itp::v1::SectorPathway;

constexpr int kDefaultCheckpoints[] = {2025, 2030, 2035, 2040, 2050};
// PACTA's short horizon for the alignment ratio: the base year plus five.
constexpr int kShortHorizonYears = 5;
// Below this share of the plan's base-year intensity a target is "near zero"
// and a ratio relative to it is not meaningful (a 0.05 t/t target makes a
// 0.5 t/t plan -900 %): the gap is reported instead.
constexpr double kMeaningfulTargetShare = 0.05;

std::vector<int> CheckpointsOf(const BenchmarkOptions& options) {
  if (!options.checkpoint_years.empty()) return options.checkpoint_years;
  return std::vector<int>(std::begin(kDefaultCheckpoints),
                          std::end(kDefaultCheckpoints));
}

// The fixed values of the SDA formula for one plan and one pathway; only
// built once the pathway is known to cover the base year and 2050 with
// different intensities.
struct SdaBasis {
  int base_year;
  double plan_base;     // I_plan(t0)
  double pathway_base;  // I_sc(t0)
  double pathway_2050;  // I_sc(2050)
};

double SdaTarget(const SdaBasis& basis, double pathway_at_year) {
  double d = basis.plan_base - basis.pathway_2050;
  double p = (pathway_at_year - basis.pathway_2050) /
             (basis.pathway_base - basis.pathway_2050);
  return d * p + basis.pathway_2050;
}

// The SDA basis of a plan against a pathway, or nullopt when the plan has no
// base intensity, the pathway does not cover the base year and 2050, or the
// pathway does not move between them (p(t) would divide by zero).
std::optional<SdaBasis> SdaBasisOf(int base_year, const Series& plan,
                                   const Series& pathway) {
  if (base_year > kHorizonYear || pathway.empty() ||
      pathway.last_year() < kHorizonYear) {
    return std::nullopt;
  }
  std::optional<double> plan_base = plan.At(base_year);
  std::optional<double> pathway_base = pathway.At(base_year);
  std::optional<double> pathway_2050 = pathway.At(kHorizonYear);
  if (!plan_base || !pathway_base || !pathway_2050 ||
      *pathway_base == *pathway_2050) {
    return std::nullopt;
  }
  return SdaBasis{base_year, *plan_base, *pathway_base, *pathway_2050};
}

// Nullopt when the target is undefined. A target near zero (below
// kMeaningfulTargetShare of the plan's base intensity, zero or negative
// included) gives a ratio marked not meaningful, with the gap alone.
std::optional<AlignmentRatio> RatioAt(const SdaBasis& basis, const Series& plan,
                                      const Series& pathway, int year) {
  if (year < basis.base_year || year > kHorizonYear) return std::nullopt;
  std::optional<double> plan_at = plan.At(year);
  std::optional<double> pathway_at = pathway.At(year);
  if (!plan_at || !pathway_at) return std::nullopt;
  double target = SdaTarget(basis, *pathway_at);
  if (!std::isfinite(target)) return std::nullopt;
  AlignmentRatio ratio;
  ratio.set_year(year);
  ratio.set_plan_intensity(*plan_at);
  ratio.set_target_intensity(target);
  ratio.set_gap(*plan_at - target);
  if (target < kMeaningfulTargetShare * std::fabs(basis.plan_base) ||
      target <= 0) {
    ratio.set_not_meaningful(true);
  } else {
    ratio.set_ratio(-(*plan_at - target) / target);
  }
  return ratio;
}

// What the plan's own series allow, decided once per sector so that a plan
// problem is reported once rather than once per pathway.
struct PlanBasis {
  int base_year = 0;
  // I_plan(t0) is defined and t0 <= 2050.
  bool base_ok = false;
  // P(t) is defined for every year t0..2050.
  bool production_ok = false;
};

// Says which of the plan's points give no intensity (Series::PlanIntensity
// skips them) and which years lie past the 2050 horizon.
void NotePointsAndHorizon(const SectorPathway& sector,
                          const std::vector<int>& checkpoints,
                          SectorBenchmark* out) {
  std::vector<int> past_horizon;
  for (int i = 0; i < sector.points_size(); ++i) {
    const PathwayPoint& pt = sector.points(i);
    if (pt.year() > kHorizonYear) past_horizon.push_back(pt.year());
    if (pt.has_intensity_tco2_per_t()) continue;
    if (pt.has_emissions_mtco2() && pt.has_production_mt() &&
        pt.production_mt() <= 0) {
      out->add_messages(absl::StrFormat(
          "point %d (points[%d]) gives emissions (%g Mt CO2) with zero "
          "production: its intensity is undefined and the point is ignored.",
          pt.year(), i, pt.emissions_mtco2()));
    } else if (pt.has_emissions_mtco2() && !pt.has_production_mt()) {
      out->add_messages(absl::StrFormat(
          "point %d (points[%d]) gives emissions but neither production nor "
          "intensity: the point is ignored for intensity.",
          pt.year(), i));
    }
  }
  if (!past_horizon.empty()) {
    std::string years;
    for (int year : past_horizon) {
      absl::StrAppend(&years, years.empty() ? "" : ", ", year);
    }
    out->add_messages(absl::StrCat(
        "the plan's figures for ", years, " are after ", kHorizonYear,
        ", the benchmark horizon: the SDA target and cumulative emissions "
        "stop at ",
        kHorizonYear, "."));
  }
  for (int year : checkpoints) {
    if (year > kHorizonYear) {
      out->add_messages(absl::StrCat(
          "checkpoint ", year, " is after ", kHorizonYear,
          ": every pathway is held at its last value, so its gap and label "
          "compare with the pathway's end point."));
    }
  }
}

PlanBasis CheckPlan(const SectorPathway& sector, const Series& intensity,
                    const Series& production,
                    const std::vector<int>& checkpoints, SectorBenchmark* out) {
  PlanBasis basis;
  basis.base_year = sector.base_year();
  const std::string sector_name = itp::v1::Sector_Name(sector.sector());
  NotePointsAndHorizon(sector, checkpoints, out);
  if (intensity.empty()) {
    out->add_messages(absl::StrCat("The plan gives no emissions intensity for ",
                                   sector_name, ": nothing is benchmarked."));
    return basis;
  }
  for (int year : checkpoints) {
    if (year < intensity.first_year()) {
      out->add_messages(absl::StrCat(
          "checkpoint ", year, " is before the plan's first year (",
          intensity.first_year(), "): no gap or label for ", year, "."));
    }
  }
  if (basis.base_year < intensity.first_year()) {
    out->add_messages(absl::StrCat(
        "base year ", basis.base_year,
        " is before the plan's first intensity figure (",
        intensity.first_year(),
        "): the SDA target, alignment ratios and cumulative emissions are not "
        "computed."));
    return basis;
  }
  if (basis.base_year > kHorizonYear) {
    out->add_messages(absl::StrCat(
        "base year ", basis.base_year, " is after ", kHorizonYear,
        ": the SDA target, alignment ratios and cumulative emissions are not "
        "computed."));
    return basis;
  }
  basis.base_ok = true;
  if (production.empty()) {
    out->add_messages(
        "no production figures: cumulative emissions and the implied "
        "temperature rise are not computed.");
  } else if (basis.base_year < production.first_year()) {
    out->add_messages(absl::StrCat(
        "production figures start in ", production.first_year(),
        ", after the base year ", basis.base_year,
        ": cumulative emissions and the implied temperature rise are not "
        "computed."));
  } else {
    basis.production_ok = true;
  }
  return basis;
}

void AddGaps(const std::vector<int>& checkpoints, const Series& plan,
             const Series& pathway, const std::string& pathway_name,
             PathwayResult* out) {
  for (int year : checkpoints) {
    std::optional<double> plan_at = plan.At(year);
    if (!plan_at) continue;  // Reported once for the sector.
    std::optional<double> pathway_at = pathway.At(year);
    if (!pathway_at) {
      out->add_messages(absl::StrCat("checkpoint ", year, " is before pathway ",
                                     pathway_name, ", which starts in ",
                                     pathway.first_year(), ": no gap for ",
                                     year, "."));
      continue;
    }
    itp::v1::CheckpointGap* gap = out->add_gaps();
    gap->set_year(year);
    gap->set_plan_intensity(*plan_at);
    gap->set_pathway_intensity(*pathway_at);
    gap->set_gap(*plan_at - *pathway_at);
  }
}

void AddSdaAndRatios(const SdaBasis& basis, const Series& plan,
                     const Series& pathway, PathwayResult* out) {
  for (int year = basis.base_year; year <= kHorizonYear; ++year) {
    itp::v1::YearValue* target = out->add_sda_target();
    target->set_year(year);
    // Defined: the pathway covers t0 and every later year.
    target->set_value(SdaTarget(basis, *pathway.At(year)));
  }
  std::vector<int> years = {basis.base_year + kShortHorizonYears, 2030};
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  for (int year : years) {
    if (year < basis.base_year || year > kHorizonYear) continue;
    std::optional<AlignmentRatio> ratio = RatioAt(basis, plan, pathway, year);
    if (!ratio) continue;  // Both series cover t0..2050: not reached.
    if (ratio->not_meaningful()) {
      out->add_messages(absl::StrFormat(
          "the SDA target in %d (%.3f t CO2/t) is below %.0f %% of the plan's "
          "base intensity (%.3f): the alignment ratio is not meaningful; the "
          "gap to the target is %+.3f t CO2/t.",
          year, ratio->target_intensity(), kMeaningfulTargetShare * 100,
          basis.plan_base, ratio->gap()));
    }
    *out->add_alignment_ratios() = *std::move(ratio);
  }
}

void AddCumulativeAndItr(int base_year, const Series& plan,
                         const Series& production, const Series& intensity,
                         const Pathway& pathway, double tcre,
                         PathwayResult* out) {
  double plan_mt = 0;
  double budget_mt = 0;
  for (int year = base_year; year <= kHorizonYear; ++year) {
    // Defined: every series here starts at or before the base year.
    double p = *production.At(year);
    plan_mt += p * *plan.At(year);
    budget_mt += p * *intensity.At(year);
  }
  if (!(budget_mt > 0)) {
    out->add_messages(absl::StrCat(
        "the budget of pathway ", pathway.name(),
        " is zero: cumulative emissions and the implied temperature rise are "
        "not computed."));
    return;
  }
  itp::v1::CumulativeEmissions* cumulative = out->mutable_cumulative();
  cumulative->set_from_year(base_year);
  cumulative->set_to_year(kHorizonYear);
  cumulative->set_plan_mtco2(plan_mt);
  cumulative->set_budget_mtco2(budget_mt);
  double overshoot = plan_mt / budget_mt;
  cumulative->set_overshoot_ratio(overshoot);

  if (!pathway.has_scenario_temperature_c() ||
      !pathway.has_global_budget_gtco2()) {
    out->add_messages(absl::StrCat(
        "pathway ", pathway.name(),
        " has no scenario temperature and global carbon budget: the implied "
        "temperature rise is not computed."));
    return;
  }
  itp::v1::ImpliedTemperatureRise* itr = out->mutable_implied_temperature();
  itr->set_scenario_temperature_c(pathway.scenario_temperature_c());
  itr->set_global_budget_gtco2(pathway.global_budget_gtco2());
  itr->set_tcre_c_per_1000_gtco2(tcre);
  itr->set_itr_c(pathway.scenario_temperature_c() +
                 pathway.global_budget_gtco2() * (overshoot - 1) * tcre /
                     1000.0);
}

struct PathwayView {
  const Pathway* pathway;
  Series intensity;
};

void BenchmarkAgainst(const PathwayView& view, const PlanBasis& basis,
                      const std::vector<int>& checkpoints, const Series& plan,
                      const Series& production, double tcre,
                      PathwayResult* out) {
  const Pathway& pathway = *view.pathway;
  const Series& intensity = view.intensity;
  out->set_pathway(pathway.name());
  out->set_scenario(pathway.scenario());
  out->set_family(pathway.family());
  if (intensity.empty()) {
    out->add_messages(
        absl::StrCat("pathway ", pathway.name(), " has no intensity figures."));
    return;
  }
  AddGaps(checkpoints, plan, intensity, pathway.name(), out);
  if (!basis.base_ok) return;  // Reported once for the sector.

  const int t0 = basis.base_year;
  bool covers_base = intensity.first_year() <= t0;
  bool reaches_horizon = intensity.last_year() >= kHorizonYear;
  if (!covers_base) {
    out->add_messages(absl::StrCat("base year ", t0, " is outside pathway ",
                                   pathway.name(), ", which starts in ",
                                   intensity.first_year(), "."));
  }
  if (!reaches_horizon) {
    // Holding the last value flat is fine for a checkpoint gap but would
    // invent the 2050 end point the SDA converges to.
    out->add_messages(absl::StrCat(
        "pathway ", pathway.name(), " ends in ", intensity.last_year(),
        " and does not reach ", kHorizonYear,
        ": the SDA target, alignment ratios and cumulative emissions are not "
        "computed."));
  }
  if (!covers_base || !reaches_horizon) return;

  std::optional<SdaBasis> sda = SdaBasisOf(t0, plan, intensity);
  if (sda) {
    AddSdaAndRatios(*sda, plan, intensity, out);
  } else {
    out->add_messages(absl::StrFormat(
        "pathway %s has the same intensity in %d and %d (%g t CO2/t): the SDA "
        "target and alignment ratios are not computed.",
        pathway.name(), t0, kHorizonYear, *intensity.At(t0)));
  }
  if (basis.production_ok) {
    AddCumulativeAndItr(t0, plan, production, intensity, pathway, tcre, out);
  }
}

// TPI's rule: the most stringent scenario of each family that the plan meets
// or beats, compared exactly so that published labels are reproduced.
void AddLabels(
    const std::vector<PathwayView>& views, const std::vector<int>& years,
    const Series& plan,
    google::protobuf::RepeatedPtrField<itp::v1::AlignmentLabel>* out) {
  std::vector<std::string> families;
  for (const PathwayView& view : views) {
    const std::string& family = view.pathway->family();
    if (std::find(families.begin(), families.end(), family) == families.end()) {
      families.push_back(family);
    }
  }
  for (const std::string& family : families) {
    for (int year : years) {
      std::optional<double> plan_at = plan.At(year);
      if (!plan_at) continue;
      bool any_defined = false;
      const Pathway* best = nullptr;
      for (const PathwayView& view : views) {
        if (view.pathway->family() != family) continue;
        std::optional<double> pathway_at = view.intensity.At(year);
        if (!pathway_at) continue;
        any_defined = true;
        if (*plan_at <= *pathway_at &&
            (best == nullptr ||
             view.pathway->stringency_rank() < best->stringency_rank())) {
          best = view.pathway;
        }
      }
      if (!any_defined) continue;
      itp::v1::AlignmentLabel* label = out->Add();
      label->set_year(year);
      label->set_family(family);
      label->set_aligned(best != nullptr);
      label->set_label(best != nullptr ? best->scenario() : kNotAligned);
    }
  }
}

// The value at `year` of `items` (by their year()), else the first; null
// when empty.
template <typename T>
const T* AtYearOrFirst(const google::protobuf::RepeatedPtrField<T>& items,
                       int year) {
  for (const T& item : items) {
    if (item.year() == year) return &item;
  }
  return items.empty() ? nullptr : &items[0];
}

std::string AboveOrBelow(double gap) {
  return absl::StrFormat("%.3f %s", std::fabs(gap),
                         gap > 0 ? "above" : gap < 0 ? "below" : "equal to");
}

// One sentence per figure of `result`, saying what it compares (so that a
// label and a ratio that seem to disagree are read correctly).
void Explain(PathwayResult* result) {
  constexpr int kQuotedYear = 2030;
  if (const auto* gap = AtYearOrFirst(result->gaps(), kQuotedYear)) {
    result->add_explanations(absl::StrFormat(
        "The gap and the TPI label compare the plan with the pathway itself: "
        "in %d the plan's %.3f t CO2/t is %s the pathway's %.3f.",
        gap->year(), gap->plan_intensity(), AboveOrBelow(gap->gap()),
        gap->pathway_intensity()));
  }
  const auto* ratio = AtYearOrFirst(result->alignment_ratios(), kQuotedYear);
  if (ratio != nullptr && result->sda_target_size() > 0) {
    const itp::v1::YearValue& start = result->sda_target(0);
    const itp::v1::YearValue& end =
        result->sda_target(result->sda_target_size() - 1);
    std::string head = absl::StrFormat(
        "The alignment ratio compares the plan with its SDA target, a "
        "convergence path that starts at the plan's own base intensity "
        "(%.3f t CO2/t in %d) and meets the pathway in %d (%.3f), not with "
        "the pathway itself: ",
        start.value(), start.year(), end.year(), end.value());
    if (ratio->not_meaningful()) {
      result->add_explanations(absl::StrFormat(
          "%sin %d the target (%.3f) is below %.0f %% of the base intensity, "
          "so no ratio is given; the plan's %.3f is %s it.",
          head, ratio->year(), ratio->target_intensity(),
          kMeaningfulTargetShare * 100, ratio->plan_intensity(),
          AboveOrBelow(ratio->gap())));
    } else {
      const itp::v1::CheckpointGap* gap =
          AtYearOrFirst(result->gaps(), ratio->year());
      const bool above_pathway = gap != nullptr &&
                                 gap->year() == ratio->year() && gap->gap() > 0;
      result->add_explanations(absl::StrFormat(
          "%sin %d the target is %.3f and the plan %.3f, a ratio of %+.1f %% "
          "(positive is aligned with the target)%s.",
          head, ratio->year(), ratio->target_intensity(),
          ratio->plan_intensity(), ratio->ratio() * 100,
          ratio->ratio() > 0 && above_pathway
              ? ", although the plan is above the pathway itself, so its TPI "
                "label is not this scenario"
              : ""));
    }
  }
  if (result->has_cumulative()) {
    const itp::v1::CumulativeEmissions& c = result->cumulative();
    result->add_explanations(absl::StrFormat(
        "Cumulative emissions compare the plan's emissions %d-%d (%.0f Mt "
        "CO2) with the budget of its own production at the pathway's "
        "intensity (%.0f Mt CO2): %.2f times the budget.",
        c.from_year(), c.to_year(), c.plan_mtco2(), c.budget_mtco2(),
        c.overshoot_ratio()));
  }
  if (result->has_implied_temperature()) {
    const itp::v1::ImpliedTemperatureRise& t = result->implied_temperature();
    result->add_explanations(absl::StrFormat(
        "The implied temperature (%.2f C) scales that overshoot from the "
        "scenario's %.2f C by its global budget (%.0f Gt CO2) and the TCRE "
        "(%.2f C per 1000 Gt CO2), so each pathway gives its own figure; the "
        "sector headline quotes the most stringent pathway.",
        t.itr_c(), t.scenario_temperature_c(), t.global_budget_gtco2(),
        t.tcre_c_per_1000_gtco2()));
  }
}

// The most stringent of `views`: lowest scenario temperature (pathways with
// one first), then smallest global budget, then stringency rank, then name.
const Pathway* MostStringent(const std::vector<PathwayView>& views) {
  auto key = [](const Pathway& p) {
    return std::make_tuple(!p.has_scenario_temperature_c(),
                           p.scenario_temperature_c(), p.global_budget_gtco2(),
                           p.stringency_rank(), p.name());
  };
  const Pathway* best = nullptr;
  for (const PathwayView& view : views) {
    if (best == nullptr || key(*view.pathway) < key(*best)) best = view.pathway;
  }
  return best;
}

void AddHeadline(const std::vector<PathwayView>& views, const Series& plan,
                 SectorBenchmark* out) {
  constexpr int kHeadlineYears[] = {2030, kHorizonYear};
  itp::v1::SectorHeadline* headline = out->mutable_headline();
  AddLabels(views,
            std::vector<int>(std::begin(kHeadlineYears),
                             std::end(kHeadlineYears)),
            plan, headline->mutable_labels());
  std::string summary =
      absl::StrCat(itp::v1::Sector_Name(out->sector()), ": ");
  std::string family;
  for (const itp::v1::AlignmentLabel& label : headline->labels()) {
    if (label.family() != family) {
      absl::StrAppend(&summary, family.empty() ? "" : "; ", label.family(),
                      " ");
      family = label.family();
    } else {
      absl::StrAppend(&summary, " and ");
    }
    absl::StrAppend(&summary, label.label(), " in ", label.year());
  }
  if (headline->labels().empty()) {
    absl::StrAppend(&summary, "no label in 2030 or 2050");
  }
  const Pathway* reference = MostStringent(views);
  if (reference == nullptr) {  // Not reached: a covered sector has views.
    headline->set_summary(absl::StrCat(summary, "."));
    return;
  }
  headline->set_reference_pathway(reference->name());
  for (const PathwayResult& result : out->pathways()) {
    if (result.pathway() == reference->name() &&
        result.has_implied_temperature()) {
      headline->set_implied_temperature_c(result.implied_temperature().itr_c());
    }
  }
  if (headline->has_implied_temperature_c()) {
    absl::StrAppend(&summary,
                    absl::StrFormat("; implied temperature %.2f C against %s "
                                    "(%s), the most stringent pathway used.",
                                    headline->implied_temperature_c(),
                                    reference->display_name(),
                                    reference->name()));
  } else {
    absl::StrAppend(&summary, "; no implied temperature against ",
                    reference->display_name(), " (", reference->name(),
                    "), the most stringent pathway used: see its messages.");
  }
  headline->set_summary(summary);
}

}  // namespace

Series::Series(std::vector<std::pair<int, double>> points)
    : points_(std::move(points)) {}

Series Series::PlanIntensity(const SectorPathway& sector) {
  std::vector<std::pair<int, double>> points;
  points.reserve(sector.points_size());
  for (const PathwayPoint& pt : sector.points()) {
    if (pt.has_intensity_tco2_per_t()) {
      points.emplace_back(pt.year(), pt.intensity_tco2_per_t());
    } else if (pt.has_emissions_mtco2() && pt.has_production_mt() &&
               pt.production_mt() > 0) {
      points.emplace_back(pt.year(), pt.emissions_mtco2() / pt.production_mt());
    }
  }
  return Series(std::move(points));
}

Series Series::PlanProduction(const SectorPathway& sector) {
  std::vector<std::pair<int, double>> points;
  points.reserve(sector.points_size());
  for (const PathwayPoint& pt : sector.points()) {
    if (pt.has_production_mt())
      points.emplace_back(pt.year(), pt.production_mt());
  }
  return Series(std::move(points));
}

Series Series::PathwayIntensity(const Pathway& pathway) {
  std::vector<std::pair<int, double>> points;
  points.reserve(pathway.points_size());
  for (const PathwayPoint& pt : pathway.points()) {
    if (pt.has_intensity_tco2_per_t()) {
      points.emplace_back(pt.year(), pt.intensity_tco2_per_t());
    }
  }
  return Series(std::move(points));
}

std::optional<double> Series::At(int year) const {
  if (points_.empty() || year < points_.front().first) return std::nullopt;
  if (year >= points_.back().first) return points_.back().second;
  auto next = std::upper_bound(
      points_.begin(), points_.end(), year,
      [](int y, const std::pair<int, double>& p) { return y < p.first; });
  auto prev = std::prev(next);
  if (prev->first == year) return prev->second;
  double fraction = static_cast<double>(year - prev->first) /
                    static_cast<double>(next->first - prev->first);
  return prev->second + (next->second - prev->second) * fraction;
}

BenchmarkReport BenchmarkPlan(const Plan& plan,
                              const std::vector<Pathway>& pathways,
                              const BenchmarkOptions& options) {
  BenchmarkReport report;
  report.set_methodology_version(kMethodologyVersion);
  const std::vector<int> checkpoints = CheckpointsOf(options);
  for (int year : checkpoints) report.add_checkpoint_years(year);
  report.set_tcre_c_per_1000_gtco2(options.tcre_c_per_1000_gtco2);

  std::set<std::string> releases;
  for (const SectorPathway& sector : plan.sectors()) {
    SectorBenchmark* out = report.add_sectors();
    out->set_sector(sector.sector());
    std::vector<PathwayView> views;
    for (const Pathway& pathway : pathways) {
      if (pathway.sector() == sector.sector()) {
        views.push_back({&pathway, Series::PathwayIntensity(pathway)});
      }
    }
    if (views.empty()) {
      out->set_covered(false);
      out->add_messages(
          absl::StrCat("None of the reference pathways used covers ",
                       itp::v1::Sector_Name(sector.sector()), "."));
      continue;
    }
    out->set_covered(true);
    Series intensity = Series::PlanIntensity(sector);
    Series production = Series::PlanProduction(sector);
    PlanBasis basis =
        CheckPlan(sector, intensity, production, checkpoints, out);
    for (const PathwayView& view : views) {
      releases.insert(absl::StrCat(view.pathway->name(), "@",
                                   view.pathway->release_date()));
      BenchmarkAgainst(view, basis, checkpoints, intensity, production,
                       options.tcre_c_per_1000_gtco2, out->add_pathways());
    }
    AddLabels(views, checkpoints, intensity, out->mutable_labels());
    for (PathwayResult& result : *out->mutable_pathways()) {
      Explain(&result);
    }
    AddHeadline(views, intensity, out);
  }
  for (const std::string& release : releases) {
    report.add_pathway_releases(release);
  }
  *report.mutable_finance() = ComputeFinanceCoverage(plan);
  return report;
}

FinanceCoverage ComputeFinanceCoverage(const Plan& plan) {
  double identified = 0;
  double conditional = 0;
  for (const Project& project : plan.projects()) {
    if (project.status() == Project::CANCELLED) continue;
    identified += project.capex_usd();
    if (project.conditional()) conditional += project.capex_usd();
  }
  FinanceCoverage coverage;
  coverage.set_identified_usd(identified);
  const itp::v1::FinanceNeeds& finance = plan.finance();
  double need = finance.has_total_need_usd() ? finance.total_need_usd() : 0;
  coverage.set_need_usd(need);
  if (need > 0) {
    coverage.set_coverage_ratio(identified / need);
    if (finance.has_conditional_usd()) {
      coverage.set_conditional_share_of_need(finance.conditional_usd() / need);
    }
  }
  if (identified > 0) {
    coverage.set_conditional_share_of_identified(conditional / identified);
  }
  return coverage;
}

std::optional<AlignmentRatio> AlignmentRatioAt(const SectorPathway& sector,
                                               const Pathway& pathway,
                                               int year) {
  Series plan = Series::PlanIntensity(sector);
  Series intensity = Series::PathwayIntensity(pathway);
  std::optional<SdaBasis> basis =
      SdaBasisOf(sector.base_year(), plan, intensity);
  if (!basis) return std::nullopt;
  return RatioAt(*basis, plan, intensity, year);
}

}  // namespace itp::benchmark
