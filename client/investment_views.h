// How the `itp projects` commands print the investment tracker (tracked
// projects and their summaries by group) and how `itp export` reports the
// files of the open data package it wrote, in each output format. Tables are
// for secretariat analysts; CSV has one record per item with full resource
// names and unit-suffixed, full-precision numbers; JSON is the protobuf JSON
// mapping of the response.
#ifndef ITP_CLIENT_INVESTMENT_VIEWS_H_
#define ITP_CLIENT_INVESTMENT_VIEWS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "client/output.h"
#include "itp/v1/investment.pb.h"
#include "itp/v1/investment_service.pb.h"

namespace itp::client {

// The fields `itp projects summary --by` accepts, in SummarizeInvestments'
// spelling.
inline const std::vector<std::string>& InvestmentGroupKeys() {
  static const std::vector<std::string> keys = {
      "technology", "status", "country", "sector", "start_year", "scale"};
  return keys;
}

// US dollars in a table cell: three significant digits and k, mn, bn or tn
// ("1.5 bn", "600 mn", "850 k"); whole dollars below a thousand.
std::string FormatUsdShort(double usd);

// Table: one row per project (PROJECT id, COUNTRY, TECHNOLOGY, STATUS, SCALE,
// START, CAPACITY_MTPA, CAPEX_USD, COMPANY). CSV: every field of the tracked
// project, full resource names, numbers unrounded. JSON: the response.
void PrintProjectList(std::ostream& out, OutputFormat format,
                      const itp::v1::ListProjectsResponse& response);

// Table: the `group_by` columns, then PROJECTS, CAPACITY_MTPA and CAPEX_USD,
// a TOTAL row, and a note when some projects state no capacity or capital
// cost. CSV: one record per group, then one total record with TOTAL in every
// group column; coverage counts in projects_with_capacity and
// projects_with_capex. JSON: the response (every group, the total).
void PrintInvestmentSummary(
    std::ostream& out, OutputFormat format,
    const std::vector<std::string>& group_by,
    const itp::v1::SummarizeInvestmentsResponse& response);

// A file of the data package, as written and verified.
struct ExportedFile {
  // Path within the package, e.g. "data/projects.csv".
  std::string path;
  int64_t size = 0;
  // Lower-case hex.
  std::string sha256;
};

// Table: one line per file with its size, then a summary line naming `dir`.
// CSV: path, size_bytes, sha256. JSON: {"out_dir", "files": [{"path",
// "size_bytes", "sha256"}], "total_bytes"}.
void PrintExportedFiles(std::ostream& out, OutputFormat format,
                        const std::string& dir,
                        const std::vector<ExportedFile>& files);

}  // namespace itp::client

#endif  // ITP_CLIENT_INVESTMENT_VIEWS_H_
