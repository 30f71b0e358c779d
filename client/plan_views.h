// How the `itp plans` commands print plans, revisions and revision diffs in
// each output format. Table output is written for secretariat reviewers;
// CSV has one record per item with machine-friendly values; JSON is the
// protobuf JSON mapping of the response.
#ifndef ITP_CLIENT_PLAN_VIEWS_H_
#define ITP_CLIENT_PLAN_VIEWS_H_

#include <ostream>

#include "client/output.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "itp/v1/review_service.pb.h"

namespace itp::client {

// One row per plan: name, country, title, state, revision, sectors, update
// time.
void PrintPlanList(std::ostream& out, OutputFormat format,
                   const itp::v1::ListPlansResponse& response);

// Table: the reviewer's view (overview, each sector's trajectory, targets,
// projects, policies, finance, governance). CSV: one record per trajectory
// point. JSON: the plan.
void PrintPlan(std::ostream& out, OutputFormat format,
               const itp::v1::Plan& plan);

// A one-line confirmation after a change (table), or the plan (JSON, CSV
// as in PrintPlanList).
void PrintPlanChange(std::ostream& out, OutputFormat format,
                     absl::string_view verb, const itp::v1::Plan& plan);

// One row per revision, newest first.
void PrintRevisions(std::ostream& out, OutputFormat format,
                    const itp::v1::ListPlanRevisionsResponse& response);

// One row per changed field (as the server compared the two revisions):
// path, old value, new value. JSON: {"from", "to", "changes": [{"path",
// "old", "new"}]}.
void PrintPlanDiff(std::ostream& out, OutputFormat format,
                   const itp::v1::ComparePlanRevisionsResponse& diff);

}  // namespace itp::client

#endif  // ITP_CLIENT_PLAN_VIEWS_H_
