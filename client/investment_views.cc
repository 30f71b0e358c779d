// Printing of tracked projects, investment summaries and exported data
// package files; see investment_views.h.
#include "client/investment_views.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"

namespace itp::client {
namespace {

using itp::v1::InvestmentGroup;
using itp::v1::Project;
using itp::v1::TrackedProject;

// `value` rounded to three significant digits.
double ThreeSignificant(double value) {
  if (value == 0 || !std::isfinite(value)) return value;
  const int decimals =
      2 - static_cast<int>(std::floor(std::log10(std::fabs(value))));
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

std::string WithThousands(long long value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return value < 0 ? "-" + digits : digits;
}

// The enum value's name, or kNoValue for 0 (unspecified): for tables.
std::string EnumOrNoValue(const google::protobuf::EnumDescriptor* type,
                          int value) {
  return value == 0 ? kNoValue : EnumName(type, value);
}

// The enum value's name, or empty for 0 (unspecified): for CSV.
std::string EnumOrEmpty(const google::protobuf::EnumDescriptor* type,
                        int value) {
  return value == 0 ? "" : EnumName(type, value);
}

std::string YearOrEmpty(int year) {
  return year == 0 ? "" : absl::StrCat(year);
}

// The id part of `countries/{c}/plans/{p}/projects/{id}`.
std::string ProjectId(const TrackedProject& tracked) {
  const std::string& name = tracked.name();
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos || slash + 1 == name.size()) {
    return tracked.project().project_id();
  }
  return name.substr(slash + 1);
}

// A summed quantity in a table: rounded to 3 decimals (sums of decimal
// inputs carry binary noise), "-" when no project of the group states it,
// marked * when only some do; a space otherwise keeps the column aligned.
std::string CoveredSum(const std::string& text, int64_t with, int64_t count,
                       bool* partial) {
  if (with == 0) return std::string(kNoValue) + " ";
  if (with < count) {
    *partial = true;
    return text + "*";
  }
  return text + " ";
}

std::string RoundedNumber(double value) {
  return FormatNumber(std::round(value * 1000) / 1000);
}

struct KeyColumn {
  std::string title;
  std::string table_cell;
  std::string csv_cell;
};

// The cell of group key `key` for `group`, in table and CSV form.
KeyColumn KeyCell(const std::string& key, const InvestmentGroup& group) {
  if (key == "technology") {
    return {"TECHNOLOGY",
            EnumOrNoValue(Project::Technology_descriptor(), group.technology()),
            EnumOrEmpty(Project::Technology_descriptor(), group.technology())};
  }
  if (key == "status") {
    return {"STATUS",
            EnumOrNoValue(TrackedProject::Status_descriptor(), group.status()),
            EnumOrEmpty(TrackedProject::Status_descriptor(), group.status())};
  }
  if (key == "country") {
    return {"COUNTRY", OrNoValue(group.country()), group.country()};
  }
  if (key == "sector") {
    return {"SECTOR",
            EnumOrNoValue(itp::v1::Sector_descriptor(), group.sector()),
            EnumOrEmpty(itp::v1::Sector_descriptor(), group.sector())};
  }
  if (key == "start_year") {
    return {"START", YearOrNoValue(group.start_year()),
            YearOrEmpty(group.start_year())};
  }
  if (key == "scale") {
    return {"SCALE", EnumOrNoValue(Project::Scale_descriptor(), group.scale()),
            EnumOrEmpty(Project::Scale_descriptor(), group.scale())};
  }
  // Keys are checked on the command line; an unknown one shows its name.
  return {key, kNoValue, ""};
}

void PrintSummaryTable(std::ostream& out,
                       const std::vector<std::string>& group_by,
                       const itp::v1::SummarizeInvestmentsResponse& response) {
  const InvestmentGroup& total = response.total();
  if (total.project_count() == 0 && response.groups().empty()) {
    out << "No projects found.\n";
    return;
  }
  std::vector<Table::Column> columns;
  InvestmentGroup empty;
  for (const std::string& key : group_by) {
    columns.push_back({KeyCell(key, empty).title, key});
  }
  columns.push_back({"PROJECTS", "projects", Table::kRight});
  columns.push_back({"CAPACITY_MTPA", "capacity_mtpa", Table::kRight});
  columns.push_back({"CAPEX_USD", "capex_usd", Table::kRight});
  Table table(std::move(columns));
  bool partial = false;
  auto figures = [&partial](const InvestmentGroup& group,
                            std::vector<std::string>* row) {
    row->push_back(absl::StrCat(group.project_count()));
    row->push_back(CoveredSum(RoundedNumber(group.capacity_mtpa()),
                              group.projects_with_capacity(),
                              group.project_count(), &partial));
    row->push_back(CoveredSum(FormatUsdShort(group.capex_usd()),
                              group.projects_with_capex(),
                              group.project_count(), &partial));
  };
  for (const InvestmentGroup& group : response.groups()) {
    std::vector<std::string> row;
    for (const std::string& key : group_by) {
      row.push_back(KeyCell(key, group).table_cell);
    }
    figures(group, &row);
    table.AddRow(std::move(row));
  }
  std::vector<std::string> row;
  for (size_t i = 0; i < group_by.size(); ++i) {
    row.push_back(i == 0 ? "TOTAL" : "");
  }
  figures(total, &row);
  table.AddRow(std::move(row));
  table.PrintAligned(out);
  if (partial) {
    out << "* stated by some of the projects only; -o csv has the counts.\n";
  }
  if (total.projects_with_capacity() < total.project_count() ||
      total.projects_with_capex() < total.project_count()) {
    out << "Capacity stated by " << total.projects_with_capacity() << " of "
        << total.project_count() << " projects, capital cost by "
        << total.projects_with_capex() << ".\n";
  }
}

void PrintSummaryCsv(std::ostream& out,
                     const std::vector<std::string>& group_by,
                     const itp::v1::SummarizeInvestmentsResponse& response) {
  std::vector<Table::Column> columns;
  for (const std::string& key : group_by) columns.push_back({key, key});
  columns.push_back({"PROJECTS", "projects"});
  columns.push_back({"CAPACITY_MTPA", "capacity_mtpa"});
  columns.push_back({"CAPEX_USD", "capex_usd"});
  columns.push_back({"WITH_CAPACITY", "projects_with_capacity"});
  columns.push_back({"WITH_CAPEX", "projects_with_capex"});
  Table table(std::move(columns));
  auto figures = [](const InvestmentGroup& group,
                    std::vector<std::string>* row) {
    row->push_back(absl::StrCat(group.project_count()));
    row->push_back(FormatNumber(group.capacity_mtpa()));
    row->push_back(FormatNumber(group.capex_usd()));
    row->push_back(absl::StrCat(group.projects_with_capacity()));
    row->push_back(absl::StrCat(group.projects_with_capex()));
  };
  for (const InvestmentGroup& group : response.groups()) {
    std::vector<std::string> row;
    for (const std::string& key : group_by) {
      row.push_back(KeyCell(key, group).csv_cell);
    }
    figures(group, &row);
    table.AddRow(std::move(row));
  }
  std::vector<std::string> row(group_by.size(), "TOTAL");
  figures(response.total(), &row);
  table.AddRow(std::move(row));
  table.PrintCsv(out);
}

}  // namespace

std::string FormatUsdShort(double usd) {
  const char* sign = usd < 0 ? "-" : "";
  // Rounded first, so that 999.6 million is "1 bn" rather than "1e+03 mn".
  const double rounded = ThreeSignificant(std::fabs(usd));
  struct Unit {
    double size;
    const char* suffix;
  };
  constexpr Unit kUnits[] = {
      {1e12, "tn"}, {1e9, "bn"}, {1e6, "mn"}, {1e3, "k"}};
  for (const Unit& unit : kUnits) {
    if (rounded >= unit.size) {
      return absl::StrFormat("%s%.3g %s", sign, rounded / unit.size,
                             unit.suffix);
    }
  }
  return WithThousands(std::llround(usd));
}

void PrintProjectList(std::ostream& out, OutputFormat format,
                      const itp::v1::ListProjectsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable) {
    if (response.projects().empty()) {
      out << "No projects found.\n";
      return;
    }
    Table table({{"PROJECT", "project_id"},
                 {"COUNTRY", "country"},
                 {"TECHNOLOGY", "technology"},
                 {"STATUS", "status"},
                 {"SCALE", "scale"},
                 {"START", "start_year", Table::kRight},
                 {"CAPACITY_MTPA", "capacity_mtpa", Table::kRight},
                 {"CAPEX_USD", "capex_usd", Table::kRight},
                 {"COMPANY", "company"}});
    for (const TrackedProject& tracked : response.projects()) {
      const Project& p = tracked.project();
      table.AddRow(
          {ProjectId(tracked), OrNoValue(tracked.country()),
           EnumOrNoValue(Project::Technology_descriptor(), p.technology()),
           EnumOrNoValue(TrackedProject::Status_descriptor(), tracked.status()),
           EnumOrNoValue(Project::Scale_descriptor(), p.scale()),
           YearOrNoValue(p.start_year()),
           p.has_capacity_mtpa() ? FormatNumber(p.capacity_mtpa()) : kNoValue,
           p.has_capex_usd() ? FormatUsdShort(p.capex_usd()) : kNoValue,
           OrNoValue(p.company())});
    }
    table.PrintAligned(out);
    return;
  }
  Table table({{"NAME", "name"},
               {"PLAN", "plan"},
               {"PLAN_REVISION", "plan_revision"},
               {"PLAN_STATE", "plan_state"},
               {"COUNTRY", "country"},
               {"PROJECT_ID", "project_id"},
               {"PROJECT_NAME", "project_name"},
               {"COMPANY", "company"},
               {"SITE", "site"},
               {"SECTOR", "sector"},
               {"TECHNOLOGY", "technology"},
               {"TECHNOLOGY_DETAIL", "technology_detail"},
               {"SCALE", "scale"},
               {"STATUS", "status"},
               {"STATUS_SOURCE", "status_source"},
               {"PLAN_PROJECT_STATUS", "plan_project_status"},
               {"START_YEAR", "start_year"},
               {"ACTUAL_START_YEAR", "actual_start_year"},
               {"CAPACITY_MTPA", "capacity_mtpa"},
               {"CAPEX_USD", "capex_usd"},
               {"CAPITAL_SPENT_USD", "capital_spent_usd"},
               {"FINANCE_SOURCE", "finance_source"},
               {"CONDITIONAL", "conditional"},
               {"PROGRESS_REPORT", "progress_report"},
               {"PROGRESS_REPORT_VERSION", "progress_report_version"}});
  for (const TrackedProject& tracked : response.projects()) {
    const Project& p = tracked.project();
    table.AddRow(
        {tracked.name(),
         tracked.plan(),
         tracked.plan_revision(),
         EnumOrEmpty(itp::v1::Plan::State_descriptor(), tracked.plan_state()),
         tracked.country(),
         ProjectId(tracked),
         p.name(),
         p.company(),
         p.site(),
         EnumOrEmpty(itp::v1::Sector_descriptor(), tracked.sector()),
         EnumOrEmpty(Project::Technology_descriptor(), p.technology()),
         p.technology_detail(),
         EnumOrEmpty(Project::Scale_descriptor(), p.scale()),
         EnumOrEmpty(TrackedProject::Status_descriptor(), tracked.status()),
         EnumOrEmpty(TrackedProject::StatusSource_descriptor(),
                     tracked.status_source()),
         EnumOrEmpty(Project::Status_descriptor(), p.status()),
         YearOrEmpty(p.start_year()),
         YearOrEmpty(tracked.actual_start_year()),
         CsvNumber(p.has_capacity_mtpa(), p.capacity_mtpa()),
         CsvNumber(p.has_capex_usd(), p.capex_usd()),
         CsvNumber(tracked.has_capital_spent_usd(),
                   tracked.capital_spent_usd()),
         p.finance_source(),
         p.conditional() ? "true" : "false",
         tracked.progress_report(),
         tracked.progress_report_version() == 0
             ? ""
             : absl::StrCat(tracked.progress_report_version())});
  }
  table.PrintCsv(out);
}

void PrintInvestmentSummary(
    std::ostream& out, OutputFormat format,
    const std::vector<std::string>& group_by,
    const itp::v1::SummarizeInvestmentsResponse& response) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(response);
      return;
    case OutputFormat::kCsv:
      PrintSummaryCsv(out, group_by, response);
      return;
    case OutputFormat::kTable:
      PrintSummaryTable(out, group_by, response);
      return;
  }
}

void PrintExportedFiles(std::ostream& out, OutputFormat format,
                        const std::string& dir,
                        const std::vector<ExportedFile>& files) {
  int64_t total = 0;
  for (const ExportedFile& file : files) total += file.size;
  if (format == OutputFormat::kJson) {
    google::protobuf::Struct report;
    auto& fields = *report.mutable_fields();
    fields["out_dir"].set_string_value(dir);
    auto* list = fields["files"].mutable_list_value();
    for (const ExportedFile& file : files) {
      auto& entry =
          *list->add_values()->mutable_struct_value()->mutable_fields();
      entry["path"].set_string_value(file.path);
      entry["size_bytes"].set_number_value(static_cast<double>(file.size));
      entry["sha256"].set_string_value(file.sha256);
    }
    fields["total_bytes"].set_number_value(static_cast<double>(total));
    out << ToJson(report);
    return;
  }
  if (format == OutputFormat::kCsv) {
    Table table(
        {{"PATH", "path"}, {"SIZE_BYTES", "size_bytes"}, {"SHA256", "sha256"}});
    for (const ExportedFile& file : files) {
      table.AddRow({file.path, absl::StrCat(file.size), file.sha256});
    }
    table.PrintCsv(out);
    return;
  }
  size_t path_width = 0;
  size_t size_width = 0;
  for (const ExportedFile& file : files) {
    path_width = std::max(path_width, file.path.size());
    size_width = std::max(size_width, WithThousands(file.size).size());
  }
  for (const ExportedFile& file : files) {
    const std::string size = WithThousands(file.size);
    out << "  " << file.path << std::string(path_width - file.path.size(), ' ')
        << "  " << std::string(size_width - size.size(), ' ') << size
        << " bytes\n";
  }
  out << "Exported " << files.size() << (files.size() == 1 ? " file" : " files")
      << ", " << WithThousands(total) << " bytes, to " << dir
      << " (sizes and SHA-256 verified).\n";
}

}  // namespace itp::client
