// How the `itp progress` commands print progress reports and the assessment
// of a plan's progress (GetPlanProgress) in each output format. Tables are
// for secretariat reviewers and partners; CSV has one record per item with
// machine-friendly values (ratios, full precision); JSON is the protobuf JSON
// mapping of the response.
#ifndef ITP_CLIENT_PROGRESS_VIEWS_H_
#define ITP_CLIENT_PROGRESS_VIEWS_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "client/output.h"
#include "itp/v1/progress.pb.h"
#include "itp/v1/progress_service.pb.h"

namespace itp::client {

// A ratio as a signed percentage with one decimal and a space: 0.0274 ->
// "+2.7 %", -0.0004 -> "0.0 %".
std::string FormatProgressPercent(double ratio);
// A yearly rate likewise: -0.00696 -> "-0.7 %/yr".
std::string FormatProgressRate(double rate);

// Table: the report's state, version, plan revision and times; the actuals
// per sector (emissions computed from production x intensity marked *);
// project and policy updates; narrative; sources. CSV: one record per
// actual point. JSON: the report.
void PrintProgressReport(std::ostream& out, OutputFormat format,
                         const itp::v1::ProgressReport& report);

// What a command did to a report.
enum class ProgressChange { kCreated, kUpdated, kPublished };

// A confirmation after a report was created, updated or published (table:
// what happened and what comes next), or the report (JSON; CSV one record as
// in PrintProgressReports).
void PrintProgressReportChange(std::ostream& out, OutputFormat format,
                               ProgressChange change,
                               const itp::v1::ProgressReport& report);

// One row per report version, newest reporting year first.
void PrintProgressReports(std::ostream& out, OutputFormat format,
                          const itp::v1::ListProgressReportsResponse& response);

// Table: a headline (plan, report and version, reporting year, revision,
// overall status, reporting record); per sector the values each metric's
// status is computed from (t0 and base value, y, A(y), P(y), dev, r_obs, m,
// P(m), r_req), its status and message, projections at the observed rate,
// and the TPI labels of the actual intensity; per technology the project
// counts and capacity and capital operating against planned; the method
// and its parameters. CSV: one record per sector metric. JSON: the
// assessment.
void PrintPlanProgress(std::ostream& out, OutputFormat format,
                       const itp::v1::PlanProgress& progress);

}  // namespace itp::client

#endif  // ITP_CLIENT_PROGRESS_VIEWS_H_
