#include "client/job_report.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"

namespace itp::client {
namespace {

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  // Printing a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

void Row(std::string* out, const std::vector<std::string>& fields) {
  std::vector<std::string> quoted;
  for (const auto& f : fields) quoted.push_back(CsvField(f));
  absl::StrAppend(out, absl::StrJoin(quoted, ","), "\r\n");
}

std::string Number(double value) { return absl::StrFormat("%.6g", value); }

}  // namespace

std::string RunReportJson(
    const itp::v1::BenchmarkJobRun& run,
    const std::vector<itp::v1::BenchmarkJobResult>& results) {
  std::vector<std::string> items;
  for (const auto& r : results) items.push_back(Json(r));
  return absl::StrCat("{\n\"run\": ", Json(run), ",\n\"results\": [\n",
                      absl::StrJoin(items, ",\n"), "\n]\n}\n");
}

std::string RunChangesCsv(
    const itp::v1::BenchmarkJobRun& run,
    const std::vector<itp::v1::BenchmarkJobResult>& results) {
  std::string out;
  Row(&out,
      {"change", "plan", "sector", "family_or_pathway", "year", "old", "new"});
  const auto& c = run.changes();
  for (const auto& l : c.label_changes()) {
    Row(&out, {"label", l.plan(), itp::v1::Sector_Name(l.sector()), l.family(),
               absl::StrCat(l.year()), l.old_label(), l.new_label()});
  }
  for (const auto& r : c.ratio_crossings()) {
    Row(&out, {"ratio_crossing", r.plan(), itp::v1::Sector_Name(r.sector()),
               r.pathway(), absl::StrCat(r.year()), Number(r.old_ratio()),
               Number(r.new_ratio())});
  }
  for (const auto& p : c.progress_changes()) {
    Row(&out,
        {"progress", p.plan(), "", "", absl::StrCat(p.reporting_year()),
         absl::StrCat(itp::v1::ProgressStatus_Name(p.old_status()), " ",
                      itp::v1::ReportingRecord::State_Name(p.old_reporting())),
         absl::StrCat(
             itp::v1::ProgressStatus_Name(p.new_status()), " ",
             itp::v1::ReportingRecord::State_Name(p.new_reporting()))});
  }
  for (const auto& p : c.plans_added()) {
    Row(&out, {"plan_added", p, "", "", "", "", ""});
  }
  for (const auto& p : c.plans_gone()) {
    Row(&out, {"plan_gone", p, "", "", "", "", ""});
  }
  for (const auto& r : results) {
    if (!r.error().empty()) {
      Row(&out, {"plan_failed", r.plan(), "", "", "", "", r.error()});
    }
  }
  return out;
}

std::string RunSummaryLine(const itp::v1::BenchmarkJobRun& run) {
  const auto& c = run.changes();
  std::string line = absl::StrCat(
      run.name(), " ", itp::v1::BenchmarkJobRun::State_Name(run.state()), ": ",
      run.total_plans(), " plans, ", run.succeeded_plans(), " benchmarked, ",
      run.failed_plans(), " failed; ", c.label_changes_size(),
      " label changes, ", c.ratio_crossings_size(), " ratio crossings, ",
      c.plans_added_size(), " plans added, ", c.plans_gone_size(),
      " plans gone");
  if (c.progress_changes_size() > 0) {
    absl::StrAppend(&line, "; ", c.progress_changes_size(),
                    " progress changes");
  }
  if (!run.reason().empty()) absl::StrAppend(&line, " (", run.reason(), ")");
  return line;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out.flush()) {
      return absl::UnavailableError(absl::StrCat("Cannot write ", tmp, "."));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("Cannot write ", path, "."));
  }
  return absl::OkStatus();
}

}  // namespace itp::client
