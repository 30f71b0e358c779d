// The investment tracker's rules, as pure functions: stable project ids, the
// tracked record of a project (its plan's revision and the latest published
// progress report), and the parsing of InvestmentService requests. Storage
// keeps the tracked records in indexed columns; nothing here knows SQL.
//
//   AssignProjectIds(&previous_plan, plan);      // before validation
//   auto tracked = TrackProjects(revision, &latest_report);
//   auto parent = ParseProjectParent("countries/-/plans/-", "parent");
#ifndef ITP_SERVER_DOMAIN_INVESTMENT_H_
#define ITP_SERVER_DOMAIN_INVESTMENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/investment.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"

namespace itp::domain {

// The id made from a project's name: lower case, runs of anything but
// [a-z0-9] turned into one hyphen, a leading "project-" when the name does
// not start with a letter, at most 63 characters, no trailing hyphen.
// "Hybrit demonstration plant" gives "hybrit-demonstration-plant".
std::string ProjectIdFromName(absl::string_view name);

// Gives every project of `plan` without a project_id one: the id of the
// project of the same name in `previous` (the plan before the change; null
// for a new plan) when no other project of `plan` uses it, else
// ProjectIdFromName, suffixed "-2", "-3", ... while taken. Ids already set
// are kept (validation reports duplicates and bad ids).
void AssignProjectIds(const itp::v1::Plan* previous, itp::v1::Plan& plan);

// `countries/{c}/plans/{p}/projects/{project_id}`.
std::string ProjectResourceName(absl::string_view plan_name,
                                absl::string_view project_id);

// TrackedProject.Status of a plan's Project.Status.
itp::v1::TrackedProject::Status TrackedStatusOf(
    itp::v1::Project::Status status);
// TrackedProject.Status of a progress report's ProjectUpdate.Status.
itp::v1::TrackedProject::Status TrackedStatusOf(
    itp::v1::ProjectUpdate::Status status);

// The tracked records of the projects of `revision` (a PlanRevision, whose
// plan is the submitted content), in the revision's order. `latest_report`
// is the plan's latest published progress report (its newest reporting
// year), or null: its update of a project (matched by the project's name)
// gives status, actual start year and capital spent. `plan_state` is left
// unset (it is the plan's state when read).
std::vector<itp::v1::TrackedProject> TrackProjects(
    const itp::v1::PlanRevision& revision,
    const itp::v1::ProgressReport* latest_report);

// What a ListProjects or SummarizeInvestments parent selects.
struct ProjectParent {
  // ISO 3166-1 alpha-3 code, or kAnyCountry.
  std::string country;
  // The plan's name for `countries/{c}/plans/{p}`; empty otherwise.
  std::string plan;
};

// Parses `countries/-/plans/-`, `countries/{c}/plans/-` or
// `countries/{c}/plans/{p}`. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<ProjectParent> ParseProjectParent(absl::string_view parent,
                                                 absl::string_view field);

// The fields SummarizeInvestments groups by.
enum class InvestmentKey {
  kTechnology,
  kStatus,
  kCountry,
  kSector,
  kStartYear,
  kScale,
};

// The name of `key` in a request ("technology", "start_year", ...).
absl::string_view InvestmentKeyName(InvestmentKey key);

// Parses SummarizeInvestmentsRequest.group_by: each of technology, status,
// country, sector, start_year and scale at most once. INVALID_ARGUMENT
// naming "group_by[i]" for an unknown or repeated field.
absl::StatusOr<std::vector<InvestmentKey>> ParseGroupBy(
    const google::protobuf::RepeatedPtrField<std::string>& group_by);

struct ProjectOrder {
  enum class Field { kName, kStartYear };
  Field field = Field::kName;
  bool descending = false;
};

// Parses ListProjectsRequest.order_by: "name" (the default) or
// "start_year", either with " desc". INVALID_ARGUMENT naming "order_by".
absl::StatusOr<ProjectOrder> ParseProjectOrder(absl::string_view order_by);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_INVESTMENT_H_
