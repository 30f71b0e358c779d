#include "server/benchmark/progress.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/benchmark/engine.h"

namespace itp::benchmark {
namespace {

using itp::v1::ActualAlignment;
using itp::v1::MetricProgress;
using itp::v1::Pathway;
using itp::v1::PathwayPoint;
using itp::v1::Plan;
using itp::v1::PlanProgress;
using itp::v1::ProgressProjection;
using itp::v1::ProgressReport;
using itp::v1::ProgressStatus;
using itp::v1::Project;
using itp::v1::ProjectUpdate;
using itp::v1::ReportingRecord;
using itp::v1::SectorActuals;
using itp::v1::SectorPathway;
using itp::v1::SectorProgress;
using itp::v1::TechnologyProgress;
using Points = google::protobuf::RepeatedPtrField<PathwayPoint>;

// The checkpoint of the projections besides the plan's last year.
constexpr int kProjectionYear = 2030;

// How a metric is named and printed in messages.
struct MetricSpec {
  const char* what;
  const char* unit;
  int precision;
  // How its value is read from a point; nullopt when the point lacks it.
  std::optional<double> (*value_of)(const PathwayPoint&);
  // The plan's series P of the metric.
  Series (*plan_of)(const SectorPathway&);
};

// Series::PlanIntensity's rule, for the actuals and the plan years alike.
std::optional<double> IntensityOf(const PathwayPoint& pt) {
  if (pt.has_intensity_tco2_per_t()) return pt.intensity_tco2_per_t();
  if (pt.has_emissions_mtco2() && pt.has_production_mt() &&
      pt.production_mt() > 0) {
    return pt.emissions_mtco2() / pt.production_mt();
  }
  return std::nullopt;
}

std::optional<double> EmissionsOf(const PathwayPoint& pt) {
  if (pt.has_emissions_mtco2()) return pt.emissions_mtco2();
  if (pt.has_production_mt() && pt.has_intensity_tco2_per_t()) {
    return pt.production_mt() * pt.intensity_tco2_per_t();
  }
  return std::nullopt;
}

// The finite values of `points` for a metric, by year; points without one
// are skipped.
std::map<int, double> ValuesOf(
    const Points& points,
    std::optional<double> (*value_of)(const PathwayPoint&)) {
  std::map<int, double> values;
  for (const PathwayPoint& pt : points) {
    std::optional<double> value = value_of(pt);
    if (value && std::isfinite(*value)) values[pt.year()] = *value;
  }
  return values;
}

Series PlanEmissions(const SectorPathway& sector) {
  std::map<int, double> values = ValuesOf(sector.points(), EmissionsOf);
  return Series(
      std::vector<std::pair<int, double>>(values.begin(), values.end()));
}

constexpr MetricSpec kIntensity{"intensity", "t CO2/t", 3, IntensityOf,
                                Series::PlanIntensity};
constexpr MetricSpec kEmissions{"emissions", "Mt CO2", 1, EmissionsOf,
                                PlanEmissions};

// Everything one metric of one sector is assessed from.
struct MetricInput {
  MetricSpec spec;
  std::string sector_name;
  int base_year = 0;
  std::map<int, double> actual;  // A, from the report
  Series plan;                   // P
  std::vector<int> plan_years;   // the years the plan gives P for
};

MetricInput InputFor(const MetricSpec& spec, const SectorPathway& sector,
                     const Points& actuals) {
  MetricInput in{spec, itp::v1::Sector_Name(sector.sector()),
                 sector.base_year()};
  in.actual = ValuesOf(actuals, spec.value_of);
  for (const auto& [year, value] : ValuesOf(sector.points(), spec.value_of)) {
    in.plan_years.push_back(year);
  }
  in.plan = spec.plan_of(sector);
  return in;
}

std::optional<double> Finite(std::optional<double> value) {
  if (value && std::isfinite(*value)) return value;
  return std::nullopt;
}

std::string Figure(const MetricSpec& spec, double value) {
  return absl::StrFormat("%.*f", spec.precision, value);
}

std::string Percent(double fraction) {
  return absl::StrFormat("%g %%", fraction * 100);
}

// Sets the base value: A(t0), else P(t0).
void SetBase(const MetricInput& in, MetricProgress* out) {
  auto actual = in.actual.find(in.base_year);
  if (actual != in.actual.end()) {
    out->set_base_value(actual->second);
    return;
  }
  if (std::optional<double> planned = Finite(in.plan.At(in.base_year))) {
    out->set_base_value(*planned);
    out->set_base_from_plan(true);
  }
}

// r_obs, when y > t0 and both values are positive; `notes` says why not
// when the years allow it but the values do not.
void SetObservedRate(MetricProgress* out, std::vector<std::string>* notes) {
  const int years = out->latest_year() - out->base_year();
  if (years <= 0 || !out->has_base_value()) return;
  if (!(out->base_value() > 0 && out->actual() > 0)) {
    notes->push_back(absl::StrCat("No observed rate: the values for ",
                                  out->base_year(), " and ", out->latest_year(),
                                  " must be above 0."));
    return;
  }
  double rate = std::pow(out->actual() / out->base_value(), 1.0 / years) - 1;
  if (!std::isfinite(rate)) {
    notes->push_back("The observed rate is not a finite number: left out.");
    return;
  }
  out->set_observed_rate(rate);
}

// m, P(m) and r_req; nothing when the plan ends at or before y.
void SetMilestone(const MetricInput& in, MetricProgress* out,
                  std::vector<std::string>* notes) {
  const int y = out->latest_year();
  auto next = std::upper_bound(in.plan_years.begin(), in.plan_years.end(), y);
  if (next == in.plan_years.end()) return;
  const int m = *next;
  std::optional<double> planned = Finite(in.plan.At(m));
  if (!planned) return;
  out->set_milestone_year(m);
  out->set_milestone_value(*planned);
  if (!(out->actual() > 0) || *planned < 0) {
    notes->push_back(
        absl::StrCat("No required rate: it needs an actual above 0 in ", y,
                     " and a planned value of 0 or more in ", m, "."));
    return;
  }
  double rate = std::pow(*planned / out->actual(), 1.0 / (m - y)) - 1;
  if (!std::isfinite(rate)) {
    notes->push_back("The required rate is not a finite number: left out.");
    return;
  }
  out->set_required_rate(rate);
}

// At 2030 and the plan's last year, those after y, at the observed rate.
void AddProjections(const MetricInput& in, MetricProgress* out,
                    std::vector<std::string>* notes) {
  if (!out->has_observed_rate()) return;
  std::set<int> years = {kProjectionYear};
  if (!in.plan_years.empty()) years.insert(in.plan_years.back());
  const int y = out->latest_year();
  for (int year : years) {
    if (year <= y) continue;
    double projected =
        out->actual() * std::pow(1 + out->observed_rate(), year - y);
    if (!std::isfinite(projected)) {
      notes->push_back(absl::StrCat("The projection to ", year,
                                    " is not a finite number: left out."));
      continue;
    }
    ProgressProjection* projection = out->add_projections();
    projection->set_year(year);
    projection->set_projected(projected);
    if (std::optional<double> planned = Finite(in.plan.At(year))) {
      projection->set_planned(*planned);
    }
  }
}

// Why P(y) is missing.
std::string NoPlanMessage(const MetricInput& in, int y) {
  if (in.plan.empty()) {
    return absl::StrCat("The plan gives no ", in.spec.what, " for ",
                        in.sector_name, ": nothing to compare with.");
  }
  if (y < in.plan.first_year()) {
    return absl::StrCat("The latest actual is for ", y,
                        ", before the plan's first year (",
                        in.plan.first_year(), "): nothing to compare with.");
  }
  return absl::StrCat("The plan's ", in.spec.what, " in ", y,
                      " is not a finite number: nothing to compare with.");
}

// "reaching 2.200 in 2030 needs -1.9 % a year against -0.7 % observed", or
// empty when either rate is unknown.
std::string PaceClause(const MetricSpec& spec, const MetricProgress& out) {
  if (!out.has_required_rate() || !out.has_observed_rate()) return "";
  return absl::StrFormat(
      "reaching %s in %d needs %+.1f %% a year against %+.1f %% observed",
      Figure(spec, out.milestone_value()), out.milestone_year(),
      out.required_rate() * 100, out.observed_rate() * 100);
}

// "Actual 2.470 t CO2/t in 2024 is 2.7 % above the plan's 2.404".
std::string Comparison(const MetricSpec& spec, const MetricProgress& out) {
  std::string relation = "equals";
  if (out.deviation() != 0) {
    relation =
        absl::StrFormat("is %.1f %% %s", std::fabs(out.deviation()) * 100,
                        out.deviation() > 0 ? "above" : "below");
  }
  return absl::StrCat("Actual ", Figure(spec, out.actual()), " ", spec.unit,
                      " in ", out.latest_year(), " ", relation, " the plan's ",
                      Figure(spec, out.planned()));
}

// The status from dev(y) and the pace rule, with the sentence saying why.
void SetAssessedStatus(const MetricSpec& spec, const ProgressOptions& options,
                       MetricProgress* out) {
  const double dev = out->deviation();
  const std::string comparison = Comparison(spec, *out);
  const std::string pace = PaceClause(spec, *out);
  const std::string pace_tail = pace.empty() ? "" : absl::StrCat("; ", pace);
  if (dev > options.threshold) {
    out->set_status(itp::v1::NOT_ON_TRACK);
    out->set_message(absl::StrCat(comparison, ", more than the ",
                                  Percent(options.threshold), " threshold",
                                  pace_tail, "."));
  } else if (dev > options.tolerance) {
    out->set_status(itp::v1::MORE_EFFORT_NEEDED);
    out->set_message(absl::StrCat(comparison, ", more than the ",
                                  Percent(options.tolerance), " tolerance",
                                  pace_tail, "."));
  } else if (!pace.empty() && out->required_rate() <
                                  out->observed_rate() - options.pace_margin) {
    out->set_status(itp::v1::MORE_EFFORT_NEEDED);
    out->set_message(absl::StrFormat(
        "%s, within the %s tolerance, but %s, beyond the %g-point pace "
        "margin.",
        comparison, Percent(options.tolerance), pace,
        options.pace_margin * 100));
  } else {
    out->set_status(itp::v1::ON_TRACK);
    out->set_message(absl::StrCat(comparison, ", within the ",
                                  Percent(options.tolerance), " tolerance",
                                  pace_tail, "."));
  }
}

void SetStatus(const MetricInput& in, const ProgressOptions& options,
               MetricProgress* out) {
  out->set_status(itp::v1::NOT_ASSESSED);
  const int y = out->latest_year();
  if (!out->has_planned()) {
    out->set_message(NoPlanMessage(in, y));
    return;
  }
  if (!(out->planned() > 0)) {
    out->set_message(absl::StrCat("The plan's ", in.spec.what, " in ", y,
                                  " is ", Figure(in.spec, out->planned()), " ",
                                  in.spec.unit,
                                  ": the deviation is undefined."));
    return;
  }
  double dev = (out->actual() - out->planned()) / out->planned();
  if (!std::isfinite(dev)) {
    out->set_message(
        absl::StrCat("The deviation in ", y, " is not a finite number."));
    return;
  }
  out->set_deviation(dev);
  SetAssessedStatus(in.spec, options, out);
}

MetricProgress AssessMetric(const MetricInput& in,
                            const ProgressOptions& options) {
  MetricProgress out;
  out.set_base_year(in.base_year);
  if (in.actual.empty()) {
    out.set_status(itp::v1::NOT_ASSESSED);
    out.set_message(absl::StrCat("The report gives no ", in.spec.what, " for ",
                                 in.sector_name, "."));
    return out;
  }
  const auto& [y, actual] = *in.actual.rbegin();
  out.set_latest_year(y);
  out.set_actual(actual);
  if (std::optional<double> planned = Finite(in.plan.At(y))) {
    out.set_planned(*planned);
  }
  SetBase(in, &out);
  std::vector<std::string> notes;
  SetObservedRate(&out, &notes);
  SetMilestone(in, &out, &notes);
  AddProjections(in, &out, &notes);
  SetStatus(in, options, &out);
  if (!notes.empty()) {
    out.set_message(
        absl::StrCat(out.message(), " ", absl::StrJoin(notes, " ")));
  }
  return out;
}

// TPI's rule (as AddLabels in engine.cc) for A(y) in year y: per family, in
// family name order, the most stringent scenario with A(y) <= I_sc(y),
// compared exactly; families that do not define y are skipped.
void AddAlignments(itp::v1::Sector sector, const std::vector<Pathway>& pathways,
                   int year, double actual, SectorProgress* out) {
  std::map<std::string, const Pathway*> best;  // family -> label's pathway
  for (const Pathway& pathway : pathways) {
    if (pathway.sector() != sector) continue;
    std::optional<double> value = Series::PathwayIntensity(pathway).At(year);
    if (!value) continue;
    const Pathway*& current = best[pathway.family()];
    if (actual <= *value &&
        (current == nullptr ||
         pathway.stringency_rank() < current->stringency_rank())) {
      current = &pathway;
    }
  }
  for (const auto& [family, pathway] : best) {
    ActualAlignment* alignment = out->add_alignments();
    alignment->set_family(family);
    alignment->set_year(year);
    alignment->set_label(pathway ? pathway->scenario() : kNotAligned);
    if (pathway) alignment->set_pathway(pathway->name());
  }
}

const SectorActuals* ActualsFor(const ProgressReport& report,
                                itp::v1::Sector sector) {
  for (const SectorActuals& actuals : report.sectors()) {
    if (actuals.sector() == sector) return &actuals;
  }
  return nullptr;
}

SectorProgress AssessSector(const SectorPathway& sector,
                            const SectorActuals* actuals,
                            const std::vector<Pathway>& pathways,
                            const ProgressOptions& options) {
  SectorProgress out;
  out.set_sector(sector.sector());
  out.set_status(itp::v1::NOT_ASSESSED);
  if (actuals == nullptr || actuals->points().empty()) {
    MetricProgress* intensity = out.mutable_intensity();
    intensity->set_status(itp::v1::NOT_ASSESSED);
    intensity->set_base_year(sector.base_year());
    intensity->set_message(absl::StrCat("The report gives no actuals for ",
                                        itp::v1::Sector_Name(sector.sector()),
                                        "."));
    return out;
  }
  *out.mutable_intensity() =
      AssessMetric(InputFor(kIntensity, sector, actuals->points()), options);
  MetricInput emissions = InputFor(kEmissions, sector, actuals->points());
  if (!emissions.actual.empty()) {
    *out.mutable_emissions() = AssessMetric(emissions, options);
  }
  out.set_status(out.intensity().status());
  if (out.status() == itp::v1::NOT_ASSESSED && out.has_emissions()) {
    out.set_status(out.emissions().status());
  }
  if (out.intensity().has_actual()) {
    AddAlignments(sector.sector(), pathways, out.intensity().latest_year(),
                  out.intensity().actual(), &out);
  }
  return out;
}

ProjectUpdate::Status FromPlanStatus(Project::Status status) {
  switch (status) {
    case Project::ANNOUNCED:
      return ProjectUpdate::ANNOUNCED;
    case Project::UNDER_CONSTRUCTION:
      return ProjectUpdate::UNDER_CONSTRUCTION;
    case Project::OPERATING:
      return ProjectUpdate::OPERATING;
    case Project::CANCELLED:
      return ProjectUpdate::CANCELLED;
    default:
      return ProjectUpdate::STATUS_UNSPECIFIED;
  }
}

const ProjectUpdate* UpdateFor(const ProgressReport& report,
                               const Project& project) {
  for (const ProjectUpdate& update : report.project_updates()) {
    if (update.project_name() == project.name()) return &update;
  }
  return nullptr;
}

// Adds one project of the plan, with its update if any, to `out`.
void CountProject(const Project& project, const ProjectUpdate* update,
                  int reporting_year, TechnologyProgress* out) {
  out->set_projects(out->projects() + 1);
  ProjectUpdate::Status status = FromPlanStatus(project.status());
  int actual_start = project.actual_start_year();
  if (update != nullptr) {
    status = update->status();
    actual_start = update->actual_start_year();
    out->set_capital_spent_usd(out->capital_spent_usd() +
                               update->capital_spent_usd());
  } else {
    out->set_not_reported(out->not_reported() + 1);
  }
  const int start = project.start_year();
  const bool cancelled = status == ProjectUpdate::CANCELLED;
  const bool operating = status == ProjectUpdate::OPERATING;
  const bool delayed =
      status == ProjectUpdate::DELAYED ||
      (operating && start > 0 && actual_start > start) ||
      (!operating && !cancelled && start > 0 && start <= reporting_year);
  if (cancelled) {
    out->set_cancelled(out->cancelled() + 1);
    return;
  }
  out->set_planned_capacity_mtpa(out->planned_capacity_mtpa() +
                                 project.capacity_mtpa());
  out->set_planned_capital_usd(out->planned_capital_usd() +
                               project.capex_usd());
  if (operating) {
    out->set_operating(out->operating() + 1);
    out->set_operating_capacity_mtpa(out->operating_capacity_mtpa() +
                                     project.capacity_mtpa());
    out->set_operating_capital_usd(out->operating_capital_usd() +
                                   project.capex_usd());
    if (actual_start == 0 || start == 0 || actual_start <= start) {
      out->set_on_time(out->on_time() + 1);
    }
  }
  if (delayed) {
    out->set_delayed(out->delayed() + 1);
  } else if (!operating) {
    out->set_not_yet_due(out->not_yet_due() + 1);
  }
}

void AddTechnologies(const Plan& plan, const ProgressReport& report,
                     PlanProgress* out) {
  std::map<int, TechnologyProgress> by_technology;
  for (const Project& project : plan.projects()) {
    TechnologyProgress& technology = by_technology[project.technology()];
    technology.set_technology(project.technology());
    CountProject(project, UpdateFor(report, project), report.reporting_year(),
                 &technology);
  }
  for (auto& [technology, progress] : by_technology) {
    *out->add_technologies() = std::move(progress);
  }
}

// NOT_ON_TRACK > MORE_EFFORT_NEEDED > ON_TRACK > not assessed.
int Severity(ProgressStatus status) {
  switch (status) {
    case itp::v1::NOT_ON_TRACK:
      return 3;
    case itp::v1::MORE_EFFORT_NEEDED:
      return 2;
    case itp::v1::ON_TRACK:
      return 1;
    default:
      return 0;
  }
}

}  // namespace

PlanProgress AssessProgress(const Plan& plan, const ProgressReport& report,
                            const std::vector<Pathway>& pathways,
                            const ProgressOptions& options) {
  PlanProgress progress;
  progress.set_method_version(kProgressMethodVersion);
  progress.set_tolerance(options.tolerance);
  progress.set_threshold(options.threshold);
  progress.set_pace_margin(options.pace_margin);
  ProgressStatus status = itp::v1::NOT_ASSESSED;
  for (const SectorPathway& sector : plan.sectors()) {
    SectorProgress* out = progress.add_sectors();
    *out = AssessSector(sector, ActualsFor(report, sector.sector()), pathways,
                        options);
    status = WorseStatus(status, out->status());
  }
  progress.set_status(status);
  AddTechnologies(plan, report, &progress);
  return progress;
}

ReportingRecord AssessReporting(std::vector<int> published_years,
                                int first_submit_year, int current_year) {
  std::sort(published_years.begin(), published_years.end(),
            std::greater<int>());
  published_years.erase(
      std::unique(published_years.begin(), published_years.end()),
      published_years.end());
  ReportingRecord record;
  const int expected = current_year - 1;
  const int latest = published_years.empty() ? 0 : published_years.front();
  record.set_expected_reporting_year(expected);
  record.set_latest_reporting_year(latest);
  for (int year : published_years) record.add_reported_years(year);
  if (latest >= expected) {
    record.set_state(ReportingRecord::UP_TO_DATE);
  } else if (latest > 0 ||
             (first_submit_year > 0 && first_submit_year < expected)) {
    record.set_state(ReportingRecord::OVERDUE);
  } else {
    record.set_state(ReportingRecord::NOT_YET_DUE);
  }
  return record;
}

ProgressStatus WorseStatus(ProgressStatus a, ProgressStatus b) {
  if (Severity(a) != Severity(b)) return Severity(a) > Severity(b) ? a : b;
  if (Severity(a) > 0) return a;
  return a == itp::v1::NOT_ASSESSED ? a : b;
}

}  // namespace itp::benchmark
