// The open data export as a pure function: APPROVED plans (their approved
// revision, tracked projects, latest benchmark report and published progress
// reports) in, a Frictionless Data Package out (datapackage.json and one CSV
// per table with its Table Schema). Deterministic: the same input gives the
// same bytes (rows in key order, numbers in shortest round-trip form,
// `created` the latest change time in the input).
//
//   OpenDataInput input;            // gathered by app/open_data_operations
//   std::vector<PackageFile> files = BuildDataPackage(input);
#ifndef ITP_SERVER_DOMAIN_OPEN_DATA_H_
#define ITP_SERVER_DOMAIN_OPEN_DATA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/investment.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"

namespace itp::domain {

// One APPROVED plan and what is published of it.
struct OpenDataPlan {
  // The plan now (state APPROVED; name, submit and update times).
  itp::v1::Plan plan;
  // Its latest submitted (the approved) revision.
  itp::v1::PlanRevision revision;
  // The tracker's records of the revision's projects.
  std::vector<itp::v1::TrackedProject> projects;
  // The newest benchmark report of the revision, if any.
  std::optional<itp::v1::BenchmarkReport> report;
  // The current published version of each reporting year.
  std::vector<itp::v1::ProgressReport> progress;
};

struct OpenDataInput {
  std::vector<OpenDataPlan> plans;
  // The pathways the reports used (for the package's sources).
  std::vector<itp::v1::Pathway> pathways;
};

struct PackageFile {
  // "datapackage.json" or "data/{table}.csv".
  std::string path;
  std::string content;
};

// datapackage.json first, then the tables' CSVs in the order the package
// lists them.
std::vector<PackageFile> BuildDataPackage(const OpenDataInput& input);

// The shortest decimal that reads back as `value` ("0.96", "2500000000",
// "1e-07" is avoided: plain notation up to 17 significant digits).
std::string FormatNumber(double value);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF.
std::string CsvField(absl::string_view value);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_OPEN_DATA_H_
