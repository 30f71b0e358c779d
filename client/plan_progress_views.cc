// Printing of a plan's progress (GetPlanProgress); see progress_views.h.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/output.h"
#include "client/progress_views.h"

namespace itp::client {
namespace {

using itp::v1::MetricProgress;
using itp::v1::PlanProgress;
using itp::v1::ReportingRecord;
using itp::v1::SectorProgress;
using itp::v1::TechnologyProgress;

std::string StatusName(itp::v1::ProgressStatus status) {
  return EnumName(itp::v1::ProgressStatus_descriptor(), status);
}

// A quantity rounded to at most three decimals: 0.5, 2.125, 12.
std::string Capacity(double mtpa) {
  return FormatNumber(std::round(mtpa * 1000) / 1000);
}

// One metric of a sector (intensity or emissions), as printed.
struct Metric {
  const char* name;
  const char* unit;
  int decimals;
  const MetricProgress* progress;
};

std::vector<Metric> MetricsOf(const SectorProgress& sector) {
  std::vector<Metric> metrics;
  if (sector.has_intensity()) {
    metrics.push_back({"intensity", "t CO2/t", 3, &sector.intensity()});
  }
  if (sector.has_emissions()) {
    metrics.push_back({"emissions", "Mt CO2", 1, &sector.emissions()});
  }
  return metrics;
}

std::string Value(const Metric& metric, bool has, double value) {
  return has ? FormatFixed(value, metric.decimals) : kNoValue;
}

// "OVERDUE: latest 2024, expected 2025".
std::string ReportingText(const ReportingRecord& r) {
  const std::string latest =
      r.latest_reporting_year() > 0
          ? absl::StrCat("latest ", r.latest_reporting_year())
          : "none published";
  return absl::StrCat(EnumName(ReportingRecord::State_descriptor(), r.state()),
                      ": ", latest, ", expected ", r.expected_reporting_year());
}

// The metric table of one sector: every value its status is computed from.
void PrintMetrics(std::ostream& out, const std::vector<Metric>& metrics) {
  Table table({{"METRIC", ""},
               {"t0", "", Table::kRight},
               {"BASE", "", Table::kRight},
               {"y", "", Table::kRight},
               {"A(y)", "", Table::kRight},
               {"P(y)", "", Table::kRight},
               {"DEV", "", Table::kRight},
               {"r_obs", "", Table::kRight},
               {"m", "", Table::kRight},
               {"P(m)", "", Table::kRight},
               {"r_req", "", Table::kRight},
               {"STATUS", ""}});
  for (const Metric& metric : metrics) {
    const MetricProgress& m = *metric.progress;
    std::string base = Value(metric, m.has_base_value(), m.base_value());
    if (m.has_base_value() && m.base_from_plan()) base += " (plan)";
    table.AddRow(
        {absl::StrCat(metric.name, " ", metric.unit),
         YearOrNoValue(m.base_year()), base, YearOrNoValue(m.latest_year()),
         Value(metric, m.has_actual(), m.actual()),
         Value(metric, m.has_planned(), m.planned()),
         m.has_deviation() ? FormatProgressPercent(m.deviation()) : kNoValue,
         m.has_observed_rate() ? FormatProgressRate(m.observed_rate())
                               : kNoValue,
         YearOrNoValue(m.milestone_year()),
         Value(metric, m.has_milestone_value(), m.milestone_value()),
         m.has_required_rate() ? FormatProgressRate(m.required_rate())
                               : kNoValue,
         StatusName(m.status())});
  }
  table.PrintAligned(out, "  ");
  for (const Metric& metric : metrics) {
    if (metric.progress->message().empty()) continue;
    out << "  " << metric.name << ": " << metric.progress->message() << "\n";
  }
}

void PrintProjections(std::ostream& out, const std::vector<Metric>& metrics) {
  Table table({{"METRIC", ""},
               {"YEAR", "", Table::kRight},
               {"PROJECTED", "", Table::kRight},
               {"PLANNED", "", Table::kRight},
               {"GAP", "", Table::kRight}});
  for (const Metric& metric : metrics) {
    for (const auto& p : metric.progress->projections()) {
      const bool gap = p.has_planned() && p.planned() > 0;
      table.AddRow({metric.name, absl::StrCat(p.year()),
                    FormatFixed(p.projected(), metric.decimals),
                    Value(metric, p.has_planned(), p.planned()),
                    gap ? FormatProgressPercent((p.projected() - p.planned()) /
                                                p.planned())
                        : kNoValue});
    }
  }
  if (table.empty()) return;
  out << "\n  Projections at the observed rate r_obs\n";
  table.PrintAligned(out, "    ");
}

void PrintAlignments(std::ostream& out, const SectorProgress& sector) {
  if (sector.alignments().empty()) return;
  out << "\n  Actual intensity " << sector.alignments(0).year()
      << " against the pathways (TPI labels)\n";
  Table table({{"FAMILY", ""}, {"LABEL", ""}, {"PATHWAY", ""}});
  for (const auto& a : sector.alignments()) {
    table.AddRow({a.family(), a.label(), OrNoValue(a.pathway())});
  }
  table.PrintAligned(out, "    ");
}

void PrintTechnologies(std::ostream& out, const PlanProgress& progress) {
  out << "\nProjects by technology\n";
  if (progress.technologies().empty()) {
    out << "  None: the plan revision lists no projects.\n";
    return;
  }
  Table counts({{"TECHNOLOGY", ""},
                {"PROJECTS", "", Table::kRight},
                {"ON TIME", "", Table::kRight},
                {"DELAYED", "", Table::kRight},
                {"CANCELLED", "", Table::kRight},
                {"OPERATING", "", Table::kRight},
                {"NOT YET DUE", "", Table::kRight},
                {"NOT REPORTED", "", Table::kRight}});
  Table amounts({{"TECHNOLOGY", ""},
                 {"CAPACITY Mt/yr OPERATING / PLANNED", "", Table::kRight},
                 {"CAPITAL OPERATING / PLANNED", "", Table::kRight},
                 {"CAPITAL SPENT", "", Table::kRight}});
  for (const TechnologyProgress& t : progress.technologies()) {
    const std::string technology =
        EnumName(itp::v1::Project::Technology_descriptor(), t.technology());
    counts.AddRow({technology, absl::StrCat(t.projects()),
                   absl::StrCat(t.on_time()), absl::StrCat(t.delayed()),
                   absl::StrCat(t.cancelled()), absl::StrCat(t.operating()),
                   absl::StrCat(t.not_yet_due()),
                   absl::StrCat(t.not_reported())});
    amounts.AddRow({technology,
                    absl::StrCat(Capacity(t.operating_capacity_mtpa()), " / ",
                                 Capacity(t.planned_capacity_mtpa())),
                    absl::StrCat(FormatUsd(t.operating_capital_usd()), " / ",
                                 FormatUsd(t.planned_capital_usd())),
                    FormatUsd(t.capital_spent_usd())});
  }
  counts.PrintAligned(out, "  ");
  out << "\n";
  amounts.PrintAligned(out, "  ");
}

// One CSV record per sector metric, with the numbers at full precision.
void PrintPlanProgressCsv(std::ostream& out, const PlanProgress& progress) {
  Table table({{"", "plan"},
               {"", "progress_report"},
               {"", "report_version"},
               {"", "reporting_year"},
               {"", "plan_revision"},
               {"", "plan_status"},
               {"", "sector"},
               {"", "metric"},
               {"", "unit"},
               {"", "status"},
               {"", "base_year"},
               {"", "base_value"},
               {"", "base_from_plan"},
               {"", "latest_year"},
               {"", "actual"},
               {"", "planned"},
               {"", "deviation"},
               {"", "observed_rate"},
               {"", "milestone_year"},
               {"", "milestone_value"},
               {"", "required_rate"},
               {"", "projected_2030"},
               {"", "planned_2030"},
               {"", "final_year"},
               {"", "projected_final"},
               {"", "planned_final"},
               {"", "message"}});
  for (const SectorProgress& sector : progress.sectors()) {
    for (const Metric& metric : MetricsOf(sector)) {
      const MetricProgress& m = *metric.progress;
      const itp::v1::ProgressProjection* at_2030 = nullptr;
      for (const auto& p : m.projections()) {
        if (p.year() == 2030) at_2030 = &p;
      }
      const itp::v1::ProgressProjection* final_year =
          m.projections().empty() ? nullptr
                                  : &m.projections(m.projections_size() - 1);
      auto year = [](int y) { return y == 0 ? "" : absl::StrCat(y); };
      table.AddRow(
          {progress.plan(),
           progress.progress_report(),
           absl::StrCat(progress.report_version()),
           absl::StrCat(progress.reporting_year()),
           progress.plan_revision(),
           StatusName(progress.status()),
           SectorName(sector.sector()),
           metric.name,
           metric.unit,
           StatusName(m.status()),
           year(m.base_year()),
           CsvNumber(m.has_base_value(), m.base_value()),
           m.base_from_plan() ? "true" : "false",
           year(m.latest_year()),
           CsvNumber(m.has_actual(), m.actual()),
           CsvNumber(m.has_planned(), m.planned()),
           CsvNumber(m.has_deviation(), m.deviation()),
           CsvNumber(m.has_observed_rate(), m.observed_rate()),
           year(m.milestone_year()),
           CsvNumber(m.has_milestone_value(), m.milestone_value()),
           CsvNumber(m.has_required_rate(), m.required_rate()),
           CsvNumber(at_2030 != nullptr,
                     at_2030 != nullptr ? at_2030->projected() : 0),
           CsvNumber(at_2030 != nullptr && at_2030->has_planned(),
                     at_2030 != nullptr ? at_2030->planned() : 0),
           final_year != nullptr ? year(final_year->year()) : "",
           CsvNumber(final_year != nullptr,
                     final_year != nullptr ? final_year->projected() : 0),
           CsvNumber(final_year != nullptr && final_year->has_planned(),
                     final_year != nullptr ? final_year->planned() : 0),
           m.message()});
    }
  }
  table.PrintCsv(out);
}

}  // namespace

std::string FormatProgressPercent(double ratio) {
  const double percent = ratio * 100;
  if (std::fabs(percent) < 0.05) return "0.0 %";
  return absl::StrFormat("%+.1f %%", percent);
}

std::string FormatProgressRate(double rate) {
  const double percent = rate * 100;
  if (std::fabs(percent) < 0.05) return "0.0 %/yr";
  return absl::StrFormat("%+.1f %%/yr", percent);
}

void PrintPlanProgress(std::ostream& out, OutputFormat format,
                       const PlanProgress& progress) {
  if (format == OutputFormat::kJson) {
    out << ToJson(progress);
    return;
  }
  if (format == OutputFormat::kCsv) {
    PrintPlanProgressCsv(out, progress);
    return;
  }
  out << "Progress of " << progress.plan() << ": "
      << StatusName(progress.status()) << "\n";
  std::vector<std::pair<std::string, std::string>> fields;
  if (progress.progress_report().empty()) {
    fields.emplace_back("Report", "none published");
  } else {
    fields.emplace_back("Report",
                        absl::StrCat(progress.progress_report(), ", version ",
                                     progress.report_version()));
    fields.emplace_back("Reporting year",
                        absl::StrCat(progress.reporting_year()));
    fields.emplace_back("Plan revision", progress.plan_revision());
  }
  if (progress.has_reporting()) {
    fields.emplace_back("Reporting", ReportingText(progress.reporting()));
    fields.emplace_back(
        "Reported years",
        absl::StrJoin(progress.reporting().reported_years(), ", "));
  }
  fields.emplace_back("Assessed", FormatTime(progress.assess_time()));
  PrintFields(out, fields);

  for (const SectorProgress& sector : progress.sectors()) {
    out << "\n"
        << SectorName(sector.sector()) << ": " << StatusName(sector.status())
        << "\n";
    const std::vector<Metric> metrics = MetricsOf(sector);
    PrintMetrics(out, metrics);
    PrintProjections(out, metrics);
    PrintAlignments(out, sector);
  }
  if (!progress.progress_report().empty()) PrintTechnologies(out, progress);

  if (!progress.method_version().empty()) {
    out << "\nMethod " << progress.method_version() << ": tolerance "
        << absl::StrFormat("%.1f %%", progress.tolerance() * 100)
        << ", threshold "
        << absl::StrFormat("%.1f %%", progress.threshold() * 100)
        << ", pace margin "
        << absl::StrFormat("%.1f %%/yr", progress.pace_margin() * 100) << ".\n";
  }
}

}  // namespace itp::client
