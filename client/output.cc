// Tables, CSV, JSON and value formatting for the `itp` CLI; see output.h.
#include "client/output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace itp::client {
namespace {

// Width of `text` on a terminal, counting UTF-8 code points (every cell text
// here is Latin script, so one code point is one column).
size_t DisplayWidth(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

bool IsUnset(const google::protobuf::Timestamp& time) {
  return time.seconds() == 0 && time.nanos() == 0;
}

// `value` rounded to three significant digits.
double ThreeSignificant(double value) {
  if (value == 0) return 0;
  const int decimals = 2 - static_cast<int>(std::floor(std::log10(value)));
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

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void Table::PrintAligned(std::ostream& out, absl::string_view indent) const {
  std::vector<size_t> widths;
  for (const Column& column : columns_) {
    widths.push_back(DisplayWidth(column.title));
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto print_line = [&](const std::vector<std::string>& cells) {
    std::string line(indent);
    for (size_t i = 0; i < cells.size(); ++i) {
      const size_t pad = widths[i] - DisplayWidth(cells[i]);
      const bool last = i + 1 == cells.size();
      if (i > 0) line += "  ";
      if (columns_[i].align == kRight) {
        line.append(pad, ' ');
        line += cells[i];
      } else {
        line += cells[i];
        if (!last) line.append(pad, ' ');
      }
    }
    // An empty last cell would leave the padding before it.
    out << absl::StripTrailingAsciiWhitespace(line) << "\n";
  };
  std::vector<std::string> titles;
  for (const Column& column : columns_) titles.push_back(column.title);
  print_line(titles);
  for (const auto& row : rows_) print_line(row);
}

void Table::PrintCsv(std::ostream& out) const {
  auto print_record = [&out](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out << ',';
      out << CsvField(cells[i]);
    }
    out << "\r\n";
  };
  std::vector<std::string> names;
  for (const Column& column : columns_) names.push_back(column.csv_name);
  print_record(names);
  for (const auto& row : rows_) print_record(row);
}

void Table::Print(std::ostream& out, OutputFormat format) const {
  if (format == OutputFormat::kCsv) {
    PrintCsv(out);
  } else {
    PrintAligned(out);
  }
}

void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 absl::string_view indent) {
  size_t width = 0;
  for (const auto& [label, value] : fields) {
    width = std::max(width, DisplayWidth(label));
  }
  for (const auto& [label, value] : fields) {
    out << indent << label << std::string(width - DisplayWidth(label) + 2, ' ')
        << OrNoValue(value) << "\n";
  }
}

namespace {

// A number as the CLI writes one ("-0.052", "+12.3%", "1e+20"): safe in a
// spreadsheet although it starts with a sign.
bool IsPlainNumber(absl::string_view s) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) ++i;
    return i > start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && s[i] == '%') ++i;
  return i == s.size();
}

}  // namespace

std::string CsvField(absl::string_view field) {
  std::string safe;
  // A spreadsheet runs a cell that starts so as a formula
  // (=HYPERLINK("http://..."), @SUM(...), +cmd|...): a leading apostrophe
  // makes it text. Numbers stay numbers.
  if (!field.empty() && absl::string_view("=+-@\t\r").find(field[0]) !=
                            absl::string_view::npos &&
      !IsPlainNumber(field)) {
    safe = absl::StrCat("'", field);
    field = safe;
  }
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(field);
  }
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

std::string FormatNumber(double value) {
  if (std::isfinite(value) && std::fabs(value) < 1e15 &&
      value == std::trunc(value)) {
    return absl::StrCat(static_cast<long long>(value));
  }
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string FormatFixed(double value, int decimals) {
  return absl::StrFormat("%.*f", decimals, value);
}

std::string FormatSigned(double value, int decimals) {
  return absl::StrFormat("%+.*f", decimals, value);
}

std::string FormatPercent(double ratio) {
  return absl::StrFormat("%+.1f%%", ratio * 100);
}

std::string FormatUsd(double usd) {
  const double magnitude = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  if (magnitude >= 1e12) {
    return absl::StrCat("USD ", sign,
                        FormatNumber(ThreeSignificant(magnitude / 1e12)),
                        " trillion");
  }
  if (magnitude >= 1e9) {
    return absl::StrCat("USD ", sign,
                        FormatNumber(ThreeSignificant(magnitude / 1e9)),
                        " billion");
  }
  if (magnitude >= 1e6) {
    return absl::StrCat("USD ", sign,
                        FormatNumber(ThreeSignificant(magnitude / 1e6)),
                        " million");
  }
  return absl::StrCat("USD ", WithThousands(std::llround(usd)));
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (IsUnset(time)) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

std::string FormatRfc3339(const google::protobuf::Timestamp& time) {
  if (IsUnset(time)) return "";
  return google::protobuf::util::TimeUtil::ToString(time);
}

std::string EnumName(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* named =
      type->FindValueByNumber(value);
  return named != nullptr ? named->name() : absl::StrCat(value);
}

std::string OrNoValue(absl::string_view text) {
  return text.empty() ? kNoValue : std::string(text);
}

std::string YearOrNoValue(int year) {
  return year == 0 ? kNoValue : absl::StrCat(year);
}

std::string SectorName(itp::v1::Sector sector) {
  return EnumName(itp::v1::Sector_descriptor(), sector);
}

std::string CsvNumber(bool has, double value) {
  return has ? FormatNumber(value) : "";
}

}  // namespace itp::client
