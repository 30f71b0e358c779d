// Printing of benchmark reports, comparisons and pathways; see
// benchmark_views.h.
#include "client/benchmark_views.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace itp::client {
namespace {

using itp::v1::PathwayResult;
using itp::v1::SectorBenchmark;

// The intensity of `points` in `year`, interpolated linearly; unset outside
// the points' years.
std::optional<double> IntensityAt(
    const google::protobuf::RepeatedPtrField<itp::v1::PathwayPoint>& points,
    int year) {
  for (int i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (!p.has_intensity_tco2_per_t()) continue;
    if (p.year() == year) return p.intensity_tco2_per_t();
    if (p.year() > year && i > 0 && points[i - 1].has_intensity_tco2_per_t() &&
        points[i - 1].year() < year) {
      const auto& q = points[i - 1];
      const double share =
          static_cast<double>(year - q.year()) / (p.year() - q.year());
      return q.intensity_tco2_per_t() +
             share * (p.intensity_tco2_per_t() - q.intensity_tco2_per_t());
    }
  }
  return std::nullopt;
}

std::string Ratio(double ratio) { return FormatFixed(ratio, 2) + "x"; }

void PrintLabels(std::ostream& out, const SectorBenchmark& sector) {
  if (sector.labels().empty()) return;
  std::set<int> years;
  std::vector<std::string> families;
  std::map<std::pair<std::string, int>, std::string> labels;
  for (const auto& label : sector.labels()) {
    years.insert(label.year());
    if (labels.count({label.family(), label.year()}) == 0 &&
        std::find(families.begin(), families.end(), label.family()) ==
            families.end()) {
      families.push_back(label.family());
    }
    labels[{label.family(), label.year()}] = label.label();
  }
  std::vector<Table::Column> columns = {{"FAMILY", "family"}};
  for (int year : years) columns.push_back({absl::StrCat(year), ""});
  Table table(columns);
  for (const std::string& family : families) {
    std::vector<std::string> row = {family};
    for (int year : years) {
      auto it = labels.find({family, year});
      row.push_back(it != labels.end() ? it->second : kNoValue);
    }
    table.AddRow(row);
  }
  out << "  Alignment labels (TPI rule: the most stringent scenario the plan "
         "meets or beats)\n";
  table.PrintAligned(out, "    ");
}

void PrintGaps(std::ostream& out, const SectorBenchmark& sector) {
  std::set<int> years;
  std::map<int, double> plan_intensity;
  for (const PathwayResult& result : sector.pathways()) {
    for (const auto& gap : result.gaps()) {
      years.insert(gap.year());
      plan_intensity[gap.year()] = gap.plan_intensity();
    }
  }
  if (years.empty()) return;
  std::vector<Table::Column> columns = {{"PATHWAY", "pathway"},
                                        {"SCENARIO", "scenario"}};
  for (int year : years) {
    columns.push_back({absl::StrCat(year), "", Table::kRight});
  }
  Table table(columns);
  std::vector<std::string> plan_row = {"plan intensity", ""};
  for (int year : years) {
    auto it = plan_intensity.find(year);
    plan_row.push_back(it != plan_intensity.end() ? FormatFixed(it->second, 3)
                                                  : kNoValue);
  }
  table.AddRow(plan_row);
  for (const PathwayResult& result : sector.pathways()) {
    std::map<int, double> gaps;
    for (const auto& gap : result.gaps()) gaps[gap.year()] = gap.gap();
    std::vector<std::string> row = {result.pathway(), result.scenario()};
    for (int year : years) {
      auto it = gaps.find(year);
      row.push_back(it != gaps.end() ? FormatSigned(it->second, 3) : kNoValue);
    }
    table.AddRow(row);
  }
  out << "\n  Intensity gap, tCO2/t (plan minus pathway; positive is above "
         "the pathway)\n";
  table.PrintAligned(out, "    ");
}

void PrintAlignmentAndBudget(std::ostream& out, const SectorBenchmark& sector) {
  if (sector.pathways().empty()) return;
  std::set<int> ratio_years;
  for (const PathwayResult& result : sector.pathways()) {
    for (const auto& ratio : result.alignment_ratios()) {
      ratio_years.insert(ratio.year());
    }
  }
  std::vector<Table::Column> columns = {{"PATHWAY", "pathway"}};
  for (int year : ratio_years) {
    columns.push_back({absl::StrCat("ALIGNMENT ", year), "", Table::kRight});
  }
  columns.push_back({"PERIOD", ""});
  columns.push_back({"PLAN MtCO2", "", Table::kRight});
  columns.push_back({"BUDGET MtCO2", "", Table::kRight});
  columns.push_back({"OVERSHOOT", "", Table::kRight});
  columns.push_back({"ITR °C", "", Table::kRight});
  Table table(columns);
  bool any_not_meaningful = false;
  for (const PathwayResult& result : sector.pathways()) {
    std::map<int, std::string> ratios;
    for (const auto& ratio : result.alignment_ratios()) {
      any_not_meaningful |= ratio.not_meaningful();
      ratios[ratio.year()] =
          ratio.not_meaningful()
              ? absl::StrCat("n/m (gap ", FormatSigned(ratio.gap(), 3), ")")
              : FormatPercent(ratio.ratio());
    }
    std::vector<std::string> row = {result.pathway()};
    for (int year : ratio_years) {
      auto it = ratios.find(year);
      row.push_back(it != ratios.end() ? it->second : kNoValue);
    }
    if (result.has_cumulative()) {
      const auto& c = result.cumulative();
      row.push_back(absl::StrCat(c.from_year(), "-", c.to_year()));
      row.push_back(FormatFixed(c.plan_mtco2(), 0));
      row.push_back(FormatFixed(c.budget_mtco2(), 0));
      row.push_back(Ratio(c.overshoot_ratio()));
    } else {
      row.insert(row.end(), {kNoValue, kNoValue, kNoValue, kNoValue});
    }
    row.push_back(result.has_implied_temperature()
                      ? FormatFixed(result.implied_temperature().itr_c(), 2)
                      : kNoValue);
    table.AddRow(row);
  }
  out << "\n  Alignment ratio (PACTA, against the SDA target path from the "
         "plan's own base intensity; positive is aligned), cumulative "
         "emissions against the pathway's budget, implied temperature rise\n";
  table.PrintAligned(out, "    ");
  if (any_not_meaningful) {
    out << "    n/m: the target is below 5 % of the plan's base intensity, so "
           "a ratio is not meaningful; the gap to the target (tCO2/t) is "
           "given instead.\n";
  }
}

void PrintExplanations(std::ostream& out, const SectorBenchmark& sector) {
  bool any = false;
  for (const PathwayResult& result : sector.pathways()) {
    if (result.explanations().empty()) continue;
    if (!any) out << "\n  What each figure compares\n";
    any = true;
    out << "    " << result.pathway() << "\n";
    for (const std::string& sentence : result.explanations()) {
      out << "      - " << sentence << "\n";
    }
  }
}

void PrintNotes(std::ostream& out, const SectorBenchmark& sector) {
  std::vector<std::string> notes(sector.messages().begin(),
                                 sector.messages().end());
  for (const PathwayResult& result : sector.pathways()) {
    for (const std::string& message : result.messages()) {
      notes.push_back(absl::StrCat(result.pathway(), ": ", message));
    }
  }
  if (notes.empty()) return;
  out << "\n  Notes\n";
  for (const std::string& note : notes) out << "    - " << note << "\n";
}

void PrintFinance(std::ostream& out, const itp::v1::FinanceCoverage& f) {
  out << "\nFinance coverage\n";
  PrintFields(
      out,
      {{"Identified (projects not cancelled)", FormatUsd(f.identified_usd())},
       {"Stated need", f.need_usd() > 0 ? FormatUsd(f.need_usd()) : ""},
       {"Coverage of need", f.has_coverage_ratio()
                                ? FormatFixed(f.coverage_ratio() * 100, 1) + "%"
                                : ""},
       {"Conditional share of need",
        f.has_conditional_share_of_need()
            ? FormatFixed(f.conditional_share_of_need() * 100, 1) + "%"
            : ""},
       {"Conditional share of identified",
        f.has_conditional_share_of_identified()
            ? FormatFixed(f.conditional_share_of_identified() * 100, 1) + "%"
            : ""}});
}

void PrintReportCsv(std::ostream& out, const itp::v1::BenchmarkReport& report) {
  Table table({{"PLAN REVISION", "plan_revision"},
               {"SECTOR", "sector"},
               {"YEAR", "year"},
               {"FAMILY", "family"},
               {"LABEL", "label"},
               {"PATHWAY", "pathway"},
               {"SCENARIO", "scenario"},
               {"PLAN INTENSITY", "plan_intensity"},
               {"PATHWAY INTENSITY", "pathway_intensity"},
               {"GAP", "gap"},
               {"ALIGNMENT RATIO", "alignment_ratio"},
               {"OVERSHOOT RATIO", "overshoot_ratio"},
               {"ITR C", "itr_c"}});
  for (const SectorBenchmark& sector : report.sectors()) {
    std::map<std::pair<std::string, int>, std::string> labels;
    for (const auto& label : sector.labels()) {
      labels[{label.family(), label.year()}] = label.label();
    }
    for (const PathwayResult& result : sector.pathways()) {
      std::map<int, double> ratios;
      for (const auto& ratio : result.alignment_ratios()) {
        // A ratio that is not meaningful stays empty (see the notes).
        if (!ratio.not_meaningful()) ratios[ratio.year()] = ratio.ratio();
      }
      for (const auto& gap : result.gaps()) {
        auto label = labels.find({result.family(), gap.year()});
        auto ratio = ratios.find(gap.year());
        table.AddRow(
            {report.plan_revision(), SectorName(sector.sector()),
             absl::StrCat(gap.year()), result.family(),
             label != labels.end() ? label->second : "", result.pathway(),
             result.scenario(), FormatNumber(gap.plan_intensity()),
             FormatNumber(gap.pathway_intensity()), FormatNumber(gap.gap()),
             ratio != ratios.end() ? FormatNumber(ratio->second) : "",
             result.has_cumulative()
                 ? FormatNumber(result.cumulative().overshoot_ratio())
                 : "",
             result.has_implied_temperature()
                 ? FormatNumber(result.implied_temperature().itr_c())
                 : ""});
      }
    }
  }
  table.PrintCsv(out);
}

}  // namespace

void PrintBenchmarkReport(std::ostream& out, OutputFormat format,
                          const itp::v1::BenchmarkReport& report) {
  if (format == OutputFormat::kJson) {
    out << ToJson(report);
    return;
  }
  if (format == OutputFormat::kCsv) {
    PrintReportCsv(out, report);
    return;
  }
  out << "Benchmark of " << report.plan_revision();
  if (!absl::StrContains(report.plan_revision(), "/revisions/")) {
    out << " (the current draft: never submitted)";
  }
  out << "\n";
  PrintFields(
      out, {{"Report", report.name().empty() ? "not stored (--dry-run)"
                                              : report.name()},
            {"Methodology", report.methodology_version()},
            {"Pathways", absl::StrJoin(report.pathway_releases(), ", ")},
            {"TCRE", absl::StrCat(FormatNumber(report.tcre_c_per_1000_gtco2()),
                                  " °C per 1000 GtCO2")},
            {"Created", report.has_create_time()
                            ? FormatTime(report.create_time())
                            : ""},
            {"Requested by", report.requested_by()}});
  for (const SectorBenchmark& sector : report.sectors()) {
    out << "\n" << SectorName(sector.sector()) << "\n";
    if (!sector.covered()) {
      out << "  No reference pathway covers this sector.\n";
    }
    if (!sector.headline().summary().empty()) {
      out << "  Headline: " << sector.headline().summary() << "\n\n";
    }
    PrintLabels(out, sector);
    PrintGaps(out, sector);
    PrintAlignmentAndBudget(out, sector);
    PrintExplanations(out, sector);
    PrintNotes(out, sector);
  }
  PrintFinance(out, report.finance());
}

void PrintBenchmarkReports(
    std::ostream& out, OutputFormat format,
    const itp::v1::ListBenchmarkReportsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.benchmark_reports().empty()) {
    out << "No benchmark reports.\n";
    return;
  }
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"REPORT", "name"},
               {"REVISION", "plan_revision"},
               {"METHODOLOGY", "methodology_version"},
               {"CREATED", "create_time"},
               {"REQUESTED BY", "requested_by"}});
  for (const auto& r : response.benchmark_reports()) {
    table.AddRow(
        {r.name(), r.plan_revision(), r.methodology_version(),
         csv ? FormatRfc3339(r.create_time()) : FormatTime(r.create_time()),
         r.requested_by()});
  }
  table.Print(out, format);
}

void PrintComparison(std::ostream& out, OutputFormat format,
                     const itp::v1::ComparePlansResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"INTENSITY RANK", "intensity_rank", Table::kRight},
               {"COUNTRY", "country"},
               {"PLAN", "display_name"},
               {"INTENSITY tCO2/t", "intensity", Table::kRight},
               {"ALIGNMENT", "alignment_ratio", Table::kRight},
               {"GAP TO TARGET tCO2/t", "alignment_gap", Table::kRight},
               {"ALIGNMENT RANK", "alignment_rank", Table::kRight},
               {"REVISION", "plan_revision"}});
  const std::string none = csv ? "" : kNoValue;
  bool any_not_meaningful = false;
  auto rank = [&](int r) { return r > 0 ? absl::StrCat(r) : none; };
  for (const auto& p : response.plans()) {
    std::string intensity = none, alignment = none, gap = none;
    if (p.has_intensity()) {
      intensity =
          csv ? FormatNumber(p.intensity()) : FormatFixed(p.intensity(), 3);
    }
    if (p.has_alignment_ratio()) {
      alignment = csv ? FormatNumber(p.alignment_ratio())
                      : FormatPercent(p.alignment_ratio());
    } else if (p.alignment_ratio_not_meaningful() && !csv) {
      alignment = "n/m";
      any_not_meaningful = true;
    }
    if (p.has_alignment_gap()) {
      gap = csv ? FormatNumber(p.alignment_gap())
                : FormatSigned(p.alignment_gap(), 3);
    }
    table.AddRow({rank(p.intensity_rank()), p.country(), p.display_name(),
                  intensity, alignment, gap, rank(p.alignment_rank()),
                  p.plan_revision()});
  }
  if (csv) {
    table.PrintCsv(out);
    return;
  }
  out << SectorName(response.sector()) << " plans in " << response.year()
      << ", alignment ratio against " << OrNoValue(response.pathway()) << "\n";
  if (response.plans().empty()) {
    out << "  No submitted plan covers this sector.\n";
    return;
  }
  table.PrintAligned(out, "  ");
  out << "  Ranks: intensity 1 = lowest intensity; alignment 1 = best aligned "
         "(highest ratio, then smallest gap to the target); equal values "
         "share a rank.\n";
  if (any_not_meaningful) {
    out << "  n/m: the target is below 5 % of the plan's base intensity, so "
           "the ratio is not meaningful; plans are ranked by their gap to "
           "the target.\n";
  }
}

void PrintPathways(std::ostream& out, OutputFormat format,
                   const itp::v1::ListPathwaysResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.pathways().empty()) {
    out << "No pathways found.\n";
    return;
  }
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"NAME", "name"},
               {"SECTOR", "sector"},
               {"FAMILY", "family"},
               {"SCENARIO", "scenario"},
               {"RANK", "stringency_rank", Table::kRight},
               {"RELEASE", "release_date"},
               {"2030 tCO2/t", "intensity_2030", Table::kRight},
               {"2050 tCO2/t", "intensity_2050", Table::kRight},
               {"UNIT", "intensity_unit"}});
  for (const auto& p : response.pathways()) {
    auto value = [&](int year) {
      std::optional<double> v = IntensityAt(p.points(), year);
      if (!v) return std::string(csv ? "" : kNoValue);
      return csv ? FormatNumber(*v) : FormatFixed(*v, 3);
    };
    table.AddRow({p.name(), SectorName(p.sector()), p.family(), p.scenario(),
                  absl::StrCat(p.stringency_rank()), p.release_date(),
                  value(2030), value(2050), p.intensity_unit()});
  }
  table.Print(out, format);
}

}  // namespace itp::client
