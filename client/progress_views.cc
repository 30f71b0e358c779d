// Printing of progress reports (create, update, publish, get, list); see
// progress_views.h. The assessment of a plan is in plan_progress_views.cc.
#include "client/progress_views.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/review_views.h"

namespace itp::client {
namespace {

using itp::v1::ProgressReport;

constexpr char kReportsSegment[] = "/progressReports/";

std::string StateName(ProgressReport::State state) {
  return EnumName(ProgressReport::State_descriptor(), state);
}

// The plan a report belongs to.
std::string PlanOf(absl::string_view report_name) {
  const size_t reports = report_name.find(kReportsSegment);
  if (reports == absl::string_view::npos) return std::string(report_name);
  return std::string(report_name.substr(0, reports));
}

// "countries/IND/plans/steel-2070/progressReports/2024, version 1".
std::string ReportTitle(const ProgressReport& report) {
  return absl::StrCat(report.name(), ", version ", report.version());
}

std::string SectorList(const ProgressReport& report,
                       absl::string_view separator) {
  std::vector<std::string> sectors;
  for (const auto& s : report.sectors()) {
    sectors.push_back(SectorName(s.sector()));
  }
  return absl::StrJoin(sectors, separator);
}

// `text` with every line prefixed by `indent`.
std::string Indented(absl::string_view text, absl::string_view indent) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&out, indent, line, "\n");
  }
  return out;
}

Table ReportListTable(
    OutputFormat format,
    const google::protobuf::RepeatedPtrField<ProgressReport>& reports) {
  if (format == OutputFormat::kCsv) {
    Table table({{"", "name"},
                 {"", "country"},
                 {"", "reporting_year"},
                 {"", "version"},
                 {"", "state"},
                 {"", "plan_revision"},
                 {"", "sectors"},
                 {"", "supersedes_version"},
                 {"", "superseded_by_version"},
                 {"", "filed_by"},
                 {"", "create_time"},
                 {"", "update_time"},
                 {"", "publish_time"}});
    for (const ProgressReport& r : reports) {
      table.AddRow(
          {r.name(), r.country(), absl::StrCat(r.reporting_year()),
           absl::StrCat(r.version()), StateName(r.state()), r.plan_revision(),
           SectorList(r, ";"), absl::StrCat(r.supersedes_version()),
           absl::StrCat(r.superseded_by_version()), r.filed_by(),
           FormatRfc3339(r.create_time()), FormatRfc3339(r.update_time()),
           FormatRfc3339(r.publish_time())});
    }
    return table;
  }
  Table table({{"REPORT", ""},
               {"VERSION", "", Table::kRight},
               {"STATE", ""},
               {"REV", "", Table::kRight},
               {"SECTORS", ""},
               {"UPDATED", ""},
               {"PUBLISHED", ""}});
  for (const ProgressReport& r : reports) {
    std::string state = StateName(r.state());
    if (r.superseded_by_version() > 0) {
      absl::StrAppend(&state, " by v", r.superseded_by_version());
    } else if (r.supersedes_version() > 0) {
      absl::StrAppend(&state, ", corrects v", r.supersedes_version());
    }
    table.AddRow({r.name(), absl::StrCat(r.version()), state,
                  absl::StrCat(RevisionNumberOf(r.plan_revision())),
                  OrNoValue(SectorList(r, ", ")), FormatTime(r.update_time()),
                  OrNoValue(FormatTime(r.publish_time()))});
  }
  return table;
}

void PrintActuals(std::ostream& out, const ProgressReport& report) {
  out << "\nActuals\n";
  if (report.sectors().empty()) {
    out << "  None reported.\n";
    return;
  }
  for (const auto& sector : report.sectors()) {
    out << "  " << SectorName(sector.sector()) << "\n";
    Table table({{"YEAR", "", Table::kRight},
                 {"PRODUCTION Mt", "", Table::kRight},
                 {"INTENSITY tCO2/t", "", Table::kRight},
                 {"EMISSIONS MtCO2", "", Table::kRight}});
    bool computed = false;
    for (const auto& p : sector.points()) {
      std::string emissions = kNoValue;
      if (p.has_emissions_mtco2()) {
        emissions = FormatFixed(p.emissions_mtco2(), 1) + " ";
      } else if (p.has_production_mt() && p.has_intensity_tco2_per_t()) {
        emissions =
            FormatFixed(p.production_mt() * p.intensity_tco2_per_t(), 1) + "*";
        computed = true;
      }
      table.AddRow(
          {absl::StrCat(p.year()),
           p.has_production_mt() ? FormatFixed(p.production_mt(), 1) : kNoValue,
           p.has_intensity_tco2_per_t()
               ? FormatFixed(p.intensity_tco2_per_t(), 3)
               : kNoValue,
           emissions});
    }
    table.PrintAligned(out, "    ");
    if (computed) {
      out << "    * production x intensity; the report states no emissions "
             "figure.\n";
    }
  }
}

void PrintUpdates(std::ostream& out, const ProgressReport& report) {
  out << "\nProject updates\n";
  if (report.project_updates().empty()) {
    out << "  None reported.\n";
  } else {
    Table table({{"PROJECT", ""},
                 {"STATUS", ""},
                 {"STARTED", "", Table::kRight},
                 {"CAPITAL SPENT", "", Table::kRight},
                 {"NOTE", ""}});
    for (const auto& u : report.project_updates()) {
      table.AddRow(
          {u.project_name(),
           EnumName(itp::v1::ProjectUpdate::Status_descriptor(), u.status()),
           YearOrNoValue(u.actual_start_year()),
           u.has_capital_spent_usd() ? FormatUsd(u.capital_spent_usd())
                                     : kNoValue,
           OrNoValue(u.note())});
    }
    table.PrintAligned(out, "  ");
  }
  out << "\nPolicy updates\n";
  if (report.policy_updates().empty()) {
    out << "  None reported.\n";
  } else {
    Table table({{"POLICY", ""}, {"STATUS", ""}, {"NOTE", ""}});
    for (const auto& u : report.policy_updates()) {
      table.AddRow(
          {u.policy_name(),
           EnumName(itp::v1::PolicyUpdate::Status_descriptor(), u.status()),
           OrNoValue(u.note())});
    }
    table.PrintAligned(out, "  ");
  }
}
}  // namespace

void PrintProgressReport(std::ostream& out, OutputFormat format,
                         const ProgressReport& report) {
  if (format == OutputFormat::kJson) {
    out << ToJson(report);
    return;
  }
  if (format == OutputFormat::kCsv) {
    Table table({{"", "report"},
                 {"", "version"},
                 {"", "state"},
                 {"", "sector"},
                 {"", "year"},
                 {"", "production_mt"},
                 {"", "intensity_tco2_per_t"},
                 {"", "emissions_mtco2"}});
    for (const auto& sector : report.sectors()) {
      for (const auto& p : sector.points()) {
        table.AddRow(
            {report.name(), absl::StrCat(report.version()),
             StateName(report.state()), SectorName(sector.sector()),
             absl::StrCat(p.year()),
             CsvNumber(p.has_production_mt(), p.production_mt()),
             CsvNumber(p.has_intensity_tco2_per_t(), p.intensity_tco2_per_t()),
             CsvNumber(p.has_emissions_mtco2(), p.emissions_mtco2())});
      }
    }
    table.PrintCsv(out);
    return;
  }
  out << "Progress report " << ReportTitle(report) << "\n";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"State", StateName(report.state())},
      {"Reporting year", absl::StrCat(report.reporting_year())},
      {"Plan revision", report.plan_revision()},
  };
  if (report.supersedes_version() > 0) {
    fields.emplace_back("Corrects",
                        absl::StrCat("version ", report.supersedes_version()));
  }
  if (report.superseded_by_version() > 0) {
    fields.emplace_back(
        "Superseded by",
        absl::StrCat("version ", report.superseded_by_version()));
  }
  fields.emplace_back("Filed by", report.filed_by());
  fields.emplace_back("Created", FormatTime(report.create_time()));
  fields.emplace_back("Updated", FormatTime(report.update_time()));
  fields.emplace_back("Published", FormatTime(report.publish_time()));
  fields.emplace_back("Etag", report.etag());
  PrintFields(out, fields);
  PrintActuals(out, report);
  PrintUpdates(out, report);
  out << "\nNarrative\n";
  if (report.narrative().empty()) {
    out << "  None.\n";
  } else {
    out << Indented(report.narrative(), "  ");
  }
  if (!report.sources().empty()) {
    out << "\nSources\n";
    for (const std::string& source : report.sources()) {
      out << "  " << source << "\n";
    }
  }
}

void PrintProgressReportChange(std::ostream& out, OutputFormat format,
                               ProgressChange change,
                               const ProgressReport& report) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(report);
      return;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<ProgressReport> reports;
      *reports.Add() = report;
      ReportListTable(format, reports).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      break;
  }
  switch (change) {
    case ProgressChange::kCreated:
      out << "Created " << ReportTitle(report) << " ("
          << StateName(report.state());
      if (report.supersedes_version() > 0) {
        out << ", correcting version " << report.supersedes_version();
      }
      out << ") against " << report.plan_revision() << ".\n"
          << "Next: check it (itp progress get " << report.name()
          << "), then publish it (itp progress publish " << report.name()
          << ").\n";
      return;
    case ProgressChange::kUpdated:
      out << "Updated " << ReportTitle(report) << " ("
          << StateName(report.state()) << ").\n";
      return;
    case ProgressChange::kPublished:
      out << "Published " << ReportTitle(report) << ".";
      if (report.supersedes_version() > 0) {
        out << " Version " << report.supersedes_version()
            << " is now SUPERSEDED.";
      }
      out << "\nWhere the plan stands: itp progress status "
          << PlanOf(report.name()) << "\n";
      return;
  }
}

void PrintProgressReports(
    std::ostream& out, OutputFormat format,
    const itp::v1::ListProgressReportsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.progress_reports().empty()) {
    out << "No progress reports found.\n";
    return;
  }
  ReportListTable(format, response.progress_reports()).Print(out, format);
}
}  // namespace itp::client
