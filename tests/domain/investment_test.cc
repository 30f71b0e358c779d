// The investment tracker's pure rules (domain/investment) and the open data
// package's formatting (domain/open_data).
#include "server/domain/investment.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/open_data.h"

namespace itp::domain {
namespace {

using itp::v1::Plan;
using itp::v1::PlanRevision;
using itp::v1::ProgressReport;
using itp::v1::Project;
using itp::v1::ProjectUpdate;
using itp::v1::TrackedProject;
using ::testing::HasSubstr;

Project Named(const std::string& name) {
  Project p;
  p.set_name(name);
  return p;
}

TEST(ProjectIdFromNameTest, MakesIdsOfNames) {
  EXPECT_EQ(ProjectIdFromName("Hybrit demonstration plant"),
            "hybrit-demonstration-plant");
  EXPECT_EQ(ProjectIdFromName("  Kalinganagar H2-DRI (phase 1) "),
            "kalinganagar-h2-dri-phase-1");
  EXPECT_EQ(ProjectIdFromName("2nd EAF line"), "project-2nd-eaf-line");
  EXPECT_EQ(ProjectIdFromName("Usina Siderúrgica"), "usina-sider-rgica");
  EXPECT_EQ(ProjectIdFromName("!!!"), "project");
  const std::string id = ProjectIdFromName(std::string(100, 'a') + " b");
  EXPECT_EQ(id.size(), 63u);
}

TEST(AssignProjectIdsTest, KeepsIdsAcrossChangesByName) {
  Plan before;
  *before.add_projects() = Named("Odisha hydrogen DRI");
  *before.add_projects() = Named("Angul EAF");
  AssignProjectIds(nullptr, before);
  EXPECT_EQ(before.projects(0).project_id(), "odisha-hydrogen-dri");
  EXPECT_EQ(before.projects(1).project_id(), "angul-eaf");

  // Reordered, one renamed by its partner's own id, one new with a
  // clashing name.
  before.mutable_projects(0)->set_project_id("custom-id");
  Plan after;
  *after.add_projects() = Named("Angul EAF");
  *after.add_projects() = Named("Odisha hydrogen DRI");
  *after.add_projects() = Named("Angul  EAF");
  AssignProjectIds(&before, after);
  EXPECT_EQ(after.projects(0).project_id(), "angul-eaf");
  EXPECT_EQ(after.projects(1).project_id(), "custom-id");
  EXPECT_EQ(after.projects(2).project_id(), "angul-eaf-2");

  // An id already given is kept, even when another project's old id.
  Plan given;
  *given.add_projects() = Named("New plant");
  given.mutable_projects(0)->set_project_id("angul-eaf");
  *given.add_projects() = Named("Angul EAF");
  AssignProjectIds(&before, given);
  EXPECT_EQ(given.projects(0).project_id(), "angul-eaf");
  EXPECT_EQ(given.projects(1).project_id(), "angul-eaf-2");
}

TEST(TrackProjectsTest, TakesStatusFromTheLatestProgressReport) {
  PlanRevision revision;
  revision.set_name("countries/VNM/plans/cement-2050/revisions/2");
  Plan& plan = *revision.mutable_plan();
  plan.add_sectors()->set_sector(itp::v1::CEMENT);
  Project clay = Named("Calcined clay line");
  clay.set_project_id("calcined-clay-line");
  clay.set_status(Project::UNDER_CONSTRUCTION);
  clay.set_start_year(2026);
  *plan.add_projects() = clay;
  Project ccs = Named("Kiln CCS pilot");
  ccs.set_project_id("kiln-ccs-pilot");
  ccs.set_sector(itp::v1::CEMENT);
  ccs.set_status(Project::ANNOUNCED);
  *plan.add_projects() = ccs;

  ProgressReport report;
  report.set_name("countries/VNM/plans/cement-2050/progressReports/2025");
  report.set_version(2);
  ProjectUpdate* u = report.add_project_updates();
  u->set_project_name("Calcined clay line");
  u->set_status(ProjectUpdate::DELAYED);
  u->set_capital_spent_usd(2.5e7);

  std::vector<TrackedProject> tracked = TrackProjects(revision, &report);
  ASSERT_EQ(tracked.size(), 2u);
  EXPECT_EQ(tracked[0].name(),
            "countries/VNM/plans/cement-2050/projects/calcined-clay-line");
  EXPECT_EQ(tracked[0].plan(), "countries/VNM/plans/cement-2050");
  EXPECT_EQ(tracked[0].country(), "VNM");
  EXPECT_EQ(tracked[0].sector(), itp::v1::CEMENT);  // the plan's only sector
  EXPECT_EQ(tracked[0].status(), TrackedProject::DELAYED);
  EXPECT_EQ(tracked[0].status_source(), TrackedProject::PROGRESS_REPORT);
  EXPECT_EQ(tracked[0].progress_report_version(), 2);
  EXPECT_DOUBLE_EQ(tracked[0].capital_spent_usd(), 2.5e7);
  EXPECT_EQ(tracked[1].status(), TrackedProject::ANNOUNCED);
  EXPECT_EQ(tracked[1].status_source(), TrackedProject::PLAN);
  EXPECT_FALSE(tracked[1].has_capital_spent_usd());

  EXPECT_EQ(TrackProjects(revision, nullptr)[0].status(),
            TrackedProject::UNDER_CONSTRUCTION);
}

TEST(ParseProjectParentTest, AcceptsTheThreeForms) {
  auto all = ParseProjectParent("countries/-/plans/-", "parent");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->country, "-");
  EXPECT_EQ(all->plan, "");
  auto india = ParseProjectParent("countries/IND/plans/-", "parent");
  ASSERT_TRUE(india.ok());
  EXPECT_EQ(india->country, "IND");
  auto plan = ParseProjectParent("countries/IND/plans/steel-2070", "parent");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->plan, "countries/IND/plans/steel-2070");
  for (const char* bad : {"", "countries/IND", "countries/-/plans/steel-2070",
                          "countries/india/plans/-", "plans/-"}) {
    auto parsed = ParseProjectParent(bad, "parent");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ParseGroupByTest, NamesTheBadEntry) {
  google::protobuf::RepeatedPtrField<std::string> by;
  *by.Add() = "technology";
  *by.Add() = "status";
  auto keys = ParseGroupBy(by);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 2u);
  *by.Add() = "technology";
  keys = ParseGroupBy(by);
  EXPECT_THAT(keys.status().message(), HasSubstr("group_by[2]"));
}

TEST(FormatNumberTest, ShortestPlainRoundTrip) {
  EXPECT_EQ(FormatNumber(0.96), "0.96");
  EXPECT_EQ(FormatNumber(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatNumber(1.5e9), "1500000000");
  EXPECT_EQ(FormatNumber(2.54), "2.54");
  EXPECT_EQ(FormatNumber(-0.03), "-0.03");
  EXPECT_EQ(FormatNumber(1e-7), "0.0000001");
  EXPECT_EQ(FormatNumber(100.3), "100.3");
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(450), "450");
  for (double v : {123456.789, 1.0 / 3, 2.8e11, 6.02e-5}) {
    EXPECT_EQ(std::stod(FormatNumber(v)), v);
    EXPECT_EQ(FormatNumber(v).find('e'), std::string::npos);
  }
}

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("Ministry of Steel"), "Ministry of Steel");
  EXPECT_EQ(CsvField("Ministry of Steel, Government of India"),
            "\"Ministry of Steel, Government of India\"");
  EXPECT_EQ(CsvField("the \"green steel\" taxonomy"),
            "\"the \"\"green steel\"\" taxonomy\"");
  EXPECT_EQ(CsvField("line one\nline two"), "\"line one\nline two\"");
}

TEST(BuildDataPackageTest, EmptyInputGivesHeadersOnly) {
  std::vector<PackageFile> files = BuildDataPackage({});
  ASSERT_EQ(files.size(), 14u);
  EXPECT_EQ(files[0].path, "datapackage.json");
  EXPECT_THAT(files[0].content, HasSubstr("\"profile\": \"tabular-data-package\""));
  EXPECT_EQ(files[1].path, "data/plans.csv");
  EXPECT_EQ(files[1].content,
            "plan,country,display_name,submitting_body,revision,plan_revision,"
            "submit_time,lead_institution,reporting_cadence,summary\n");
  // Deterministic.
  EXPECT_EQ(BuildDataPackage({})[0].content, files[0].content);
}

}  // namespace
}  // namespace itp::domain
