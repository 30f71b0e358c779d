// Output building blocks of the `itp` CLI: a table that prints either as
// aligned columns for people or as RFC 4180 CSV for programs, the protobuf
// JSON mapping of responses, and formatting of numbers, money, times and enum
// values. The views (plan_views.h, benchmark_views.h, admin_views.h) are built
// from these.
//
//   Table table({{"NAME", "name"}, {"STATE", "state"},
//                {"REVISION", "revision", Table::kRight}});
//   table.AddRow({"countries/IND/plans/steel-2070", "SUBMITTED", "1"});
//   table.Print(std::cout, OutputFormat::kTable);
#ifndef ITP_CLIENT_OUTPUT_H_
#define ITP_CLIENT_OUTPUT_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "itp/v1/plan.pb.h"

namespace itp::client {

// The -o/--output choice.
enum class OutputFormat { kTable, kJson, kCsv };

// Shown in table cells that have no value.
inline constexpr char kNoValue[] = "-";

// Rows of text cells under named columns. Not thread-safe.
class Table {
 public:
  enum Align { kLeft, kRight };
  struct Column {
    // Heading in aligned output, e.g. "INTENSITY tCO2/t".
    std::string title;
    // Header in CSV output, e.g. "intensity_tco2_per_t".
    std::string csv_name;
    Align align = kLeft;
  };

  explicit Table(std::vector<Column> columns);

  // Adds a row; missing trailing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Aligned columns (widths computed from the contents, in characters)
  // separated by two spaces, each line prefixed by `indent`; an empty table
  // prints its headings only.
  void PrintAligned(std::ostream& out, absl::string_view indent = "") const;
  // A CSV header row and one record per row, CRLF line ends (RFC 4180).
  void PrintCsv(std::ostream& out) const;
  // PrintCsv for kCsv, PrintAligned otherwise.
  void Print(std::ostream& out, OutputFormat format) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Prints "label  value" lines with the values aligned, each line prefixed by
// `indent`; empty values print as kNoValue.
void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 absl::string_view indent = "  ");

// `field` quoted for CSV when it holds a comma, quote, CR or LF (RFC 4180),
// after an apostrophe is put before a field that a spreadsheet would take
// for a formula: one starting with = + - @, tab or CR that is not a number.
std::string CsvField(absl::string_view field);

// The proto3 JSON mapping of `message`: field names as in the .proto files
// (what `itp plans create --file` reads), fields with default values included,
// indented, ending in a newline.
std::string ToJson(const google::protobuf::Message& message);

// The shortest text that reads back as `value`, without an exponent for
// whole numbers below 1e15: 600000000, 2.54, 0.052.
std::string FormatNumber(double value);
// `value` with exactly `decimals` decimals: FormatFixed(2.2, 3) is "2.200".
std::string FormatFixed(double value, int decimals);
// Signed, e.g. "+1.071" or "-0.052".
std::string FormatSigned(double value, int decimals);
// A ratio as a signed percentage with one decimal: 0.123 -> "+12.3%".
std::string FormatPercent(double ratio);
// US dollars for people: "USD 600 million", "USD 1.25 billion",
// "USD 850,000".
std::string FormatUsd(double usd);
// "2026-05-01 10:32:07 UTC"; empty for an unset timestamp.
std::string FormatTime(const google::protobuf::Timestamp& time);
// RFC 3339 ("2026-05-01T10:32:07.123Z"); empty for an unset timestamp.
std::string FormatRfc3339(const google::protobuf::Timestamp& time);
// The name of `value` in `type`, or the number when the value is unknown.
std::string EnumName(const google::protobuf::EnumDescriptor* type, int value);
// `text`, or kNoValue when it is empty.
std::string OrNoValue(absl::string_view text);
// A year, or kNoValue for 0 (unset).
std::string YearOrNoValue(int year);
// "IRON_AND_STEEL".
std::string SectorName(itp::v1::Sector sector);
// FormatNumber(value) for CSV, or empty when the value is unset (`has`).
std::string CsvNumber(bool has, double value);

}  // namespace itp::client

#endif  // ITP_CLIENT_OUTPUT_H_
