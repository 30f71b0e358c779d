#include "server/domain/investment.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/domain/errors.h"
#include "server/domain/plan_query.h"
#include "server/domain/resource_names.h"

namespace itp::domain {
namespace {

using itp::v1::Plan;
using itp::v1::PlanRevision;
using itp::v1::ProgressReport;
using itp::v1::Project;
using itp::v1::ProjectUpdate;
using itp::v1::TrackedProject;

constexpr size_t kMaxIdChars = 63;

}  // namespace

std::string ProjectIdFromName(absl::string_view name) {
  std::string id;
  bool hyphen = false;
  for (char c : name) {
    const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      if (hyphen && !id.empty()) id.push_back('-');
      hyphen = false;
      id.push_back(lower);
    } else {
      hyphen = true;
    }
  }
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z')) {
    id = id.empty() ? "project" : absl::StrCat("project-", id);
  }
  if (id.size() > kMaxIdChars) id.resize(kMaxIdChars);
  while (id.back() == '-') id.pop_back();
  return id;
}

void AssignProjectIds(const Plan* previous, Plan& plan) {
  absl::flat_hash_set<std::string> used;
  for (const Project& p : plan.projects()) {
    if (!p.project_id().empty()) used.insert(p.project_id());
  }
  // The first id the previous content gave each name.
  absl::flat_hash_map<std::string, std::string> before;
  if (previous != nullptr) {
    for (const Project& p : previous->projects()) {
      if (!p.project_id().empty()) before.emplace(p.name(), p.project_id());
    }
  }
  for (Project& p : *plan.mutable_projects()) {
    if (!p.project_id().empty()) continue;
    auto it = before.find(p.name());
    if (it != before.end() && !used.contains(it->second)) {
      p.set_project_id(it->second);
      used.insert(it->second);
      continue;
    }
    const std::string base = ProjectIdFromName(p.name());
    std::string id = base;
    for (int n = 2; used.contains(id); ++n) {
      const std::string suffix = absl::StrCat("-", n);
      std::string stem = base.substr(0, kMaxIdChars - suffix.size());
      while (!stem.empty() && stem.back() == '-') stem.pop_back();
      id = absl::StrCat(stem, suffix);
    }
    p.set_project_id(id);
    used.insert(id);
  }
}

std::string ProjectResourceName(absl::string_view plan_name,
                                absl::string_view project_id) {
  return absl::StrCat(plan_name, "/projects/", project_id);
}

TrackedProject::Status TrackedStatusOf(Project::Status status) {
  switch (status) {
    case Project::ANNOUNCED:
      return TrackedProject::ANNOUNCED;
    case Project::UNDER_CONSTRUCTION:
      return TrackedProject::UNDER_CONSTRUCTION;
    case Project::OPERATING:
      return TrackedProject::OPERATING;
    case Project::CANCELLED:
      return TrackedProject::CANCELLED;
    default:
      return TrackedProject::STATUS_UNSPECIFIED;
  }
}

TrackedProject::Status TrackedStatusOf(ProjectUpdate::Status status) {
  switch (status) {
    case ProjectUpdate::ANNOUNCED:
      return TrackedProject::ANNOUNCED;
    case ProjectUpdate::UNDER_CONSTRUCTION:
      return TrackedProject::UNDER_CONSTRUCTION;
    case ProjectUpdate::OPERATING:
      return TrackedProject::OPERATING;
    case ProjectUpdate::DELAYED:
      return TrackedProject::DELAYED;
    case ProjectUpdate::CANCELLED:
      return TrackedProject::CANCELLED;
    default:
      return TrackedProject::STATUS_UNSPECIFIED;
  }
}

std::vector<TrackedProject> TrackProjects(const PlanRevision& revision,
                                          const ProgressReport* latest_report) {
  // Content stored without ids (by a store caller that assigned none) still
  // gets distinct names.
  Plan with_ids;
  const Plan* source = &revision.plan();
  for (const Project& p : source->projects()) {
    if (p.project_id().empty()) {
      with_ids = *source;
      AssignProjectIds(nullptr, with_ids);
      source = &with_ids;
      break;
    }
  }
  const Plan& plan = *source;
  const std::string plan_name =
      revision.name().substr(0, revision.name().rfind("/revisions/"));
  // `countries/{country}/...`.
  const std::vector<std::string> parts = absl::StrSplit(plan_name, '/');
  const std::string country = parts.size() > 1 ? parts[1] : plan.country();
  // The plan's sector when it has a pathway for one sector only.
  itp::v1::Sector only_sector = itp::v1::SECTOR_UNSPECIFIED;
  if (plan.sectors_size() == 1) only_sector = plan.sectors(0).sector();
  absl::flat_hash_map<std::string, const ProjectUpdate*> updates;
  if (latest_report != nullptr) {
    for (const ProjectUpdate& u : latest_report->project_updates()) {
      updates.emplace(u.project_name(), &u);
    }
  }
  std::vector<TrackedProject> tracked;
  tracked.reserve(plan.projects_size());
  for (const Project& p : plan.projects()) {
    TrackedProject t;
    t.set_name(ProjectResourceName(plan_name, p.project_id()));
    t.set_plan(plan_name);
    t.set_plan_revision(revision.name());
    t.set_country(country);
    *t.mutable_project() = p;
    t.set_sector(p.sector() != itp::v1::SECTOR_UNSPECIFIED ? p.sector()
                                                           : only_sector);
    t.set_status(TrackedStatusOf(p.status()));
    t.set_status_source(TrackedProject::PLAN);
    t.set_actual_start_year(p.actual_start_year());
    auto it = updates.find(p.name());
    if (it != updates.end() &&
        it->second->status() != ProjectUpdate::STATUS_UNSPECIFIED) {
      const ProjectUpdate& u = *it->second;
      t.set_status(TrackedStatusOf(u.status()));
      t.set_status_source(TrackedProject::PROGRESS_REPORT);
      t.set_progress_report(latest_report->name());
      t.set_progress_report_version(latest_report->version());
      if (u.actual_start_year() != 0) {
        t.set_actual_start_year(u.actual_start_year());
      }
      if (u.has_capital_spent_usd()) {
        t.set_capital_spent_usd(u.capital_spent_usd());
      }
    }
    tracked.push_back(std::move(t));
  }
  return tracked;
}

absl::StatusOr<ProjectParent> ParseProjectParent(absl::string_view parent,
                                                 absl::string_view field) {
  const std::string f(field);
  if (parent.empty()) {
    return InvalidField(f,
                        "is required, e.g. 'countries/-/plans/-', "
                        "'countries/IND/plans/-' or "
                        "'countries/IND/plans/steel-2070'.");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(parent, '/');
  if (parts.size() != 4 || parts[0] != "countries" || parts[2] != "plans") {
    return InvalidField(
        f, absl::StrCat("'", parent,
                        "' must have the form countries/-/plans/-, "
                        "countries/{country}/plans/- or "
                        "countries/{country}/plans/{plan}."));
  }
  ProjectParent result;
  auto country = ParseCountryParent(absl::StrCat("countries/", parts[1]),
                                    /*allow_wildcard=*/true, field);
  if (!country.ok()) return country.status();
  result.country = *std::move(country);
  if (parts[3] == kAnyCountry) return result;
  if (result.country == kAnyCountry) {
    return InvalidField(f,
                        "a plan needs its country: countries/-/plans/{plan} "
                        "is not a parent.");
  }
  auto plan = ParsePlanName(parent, field);
  if (!plan.ok()) return plan.status();
  result.plan = plan->ToString();
  return result;
}

absl::string_view InvestmentKeyName(InvestmentKey key) {
  switch (key) {
    case InvestmentKey::kTechnology:
      return "technology";
    case InvestmentKey::kStatus:
      return "status";
    case InvestmentKey::kCountry:
      return "country";
    case InvestmentKey::kSector:
      return "sector";
    case InvestmentKey::kStartYear:
      return "start_year";
    case InvestmentKey::kScale:
      return "scale";
  }
  return "";
}

absl::StatusOr<std::vector<InvestmentKey>> ParseGroupBy(
    const google::protobuf::RepeatedPtrField<std::string>& group_by) {
  constexpr InvestmentKey kAll[] = {
      InvestmentKey::kTechnology, InvestmentKey::kStatus,
      InvestmentKey::kCountry,    InvestmentKey::kSector,
      InvestmentKey::kStartYear,  InvestmentKey::kScale};
  std::vector<InvestmentKey> keys;
  FieldViolations violations;
  for (int i = 0; i < group_by.size(); ++i) {
    const std::string field = absl::StrCat("group_by[", i, "]");
    std::optional<InvestmentKey> found;
    for (InvestmentKey k : kAll) {
      if (group_by[i] == InvestmentKeyName(k)) found = k;
    }
    if (!found) {
      violations.Add(field,
                     absl::StrCat("'", group_by[i].substr(0, 100),
                                  "' is not a grouping field; use technology, "
                                  "status, country, sector, start_year or "
                                  "scale."));
      continue;
    }
    bool repeated = false;
    for (InvestmentKey k : keys) repeated = repeated || k == *found;
    if (repeated) {
      violations.Add(field,
                     absl::StrCat("'", group_by[i], "' is named twice."));
      continue;
    }
    keys.push_back(*found);
  }
  if (!violations.empty()) return violations.ToStatus();
  return keys;
}

absl::StatusOr<ProjectOrder> ParseProjectOrder(absl::string_view order_by) {
  // In the order of ProjectOrder::Field.
  auto order = ParseSortOrder(order_by, {"name", "start_year"});
  if (!order.ok()) return order.status();
  return ProjectOrder{static_cast<ProjectOrder::Field>(order->field),
                      order->descending};
}

}  // namespace itp::domain
