// Tests of progress report validation, report names and the report filter:
// every violation with its path, against the plan revision reported on.

#include "server/domain/progress_validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "server/domain/plan_query.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"
#include "tests/testing/test_plans.h"

namespace itp::domain {
namespace {

using itp::v1::Plan;
using itp::v1::ProgressReport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// The India steel plan, with India's green steel taxonomy, as revision 1 of
// countries/IND/plans/steel-2070.
Plan IndiaRevision() {
  Plan plan = itp::testing::IndiaSteelPlan();
  auto* taxonomy = plan.add_policies();
  taxonomy->set_type(itp::v1::PolicyInstrument::STANDARD_OR_TAXONOMY);
  taxonomy->set_name("Green Steel Taxonomy");
  taxonomy->set_status(itp::v1::PolicyInstrument::ADOPTED);
  plan.set_name("countries/IND/plans/steel-2070");
  plan.set_revision(1);
  return plan;
}

ProgressReport FromJson(const std::string& json) {
  ProgressReport report;
  auto s = google::protobuf::util::JsonStringToMessage(json, &report);
  EXPECT_TRUE(s.ok()) << s;
  return report;
}

// The report content of the progress-tracking issue, India steel 2024.
constexpr char kIndia2024[] = R"json({
  "sectors": [{"sector": "IRON_AND_STEEL", "points": [
      {"year": 2022, "production_mt": 125.3, "intensity_tco2_per_t": 2.52},
      {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49},
      {"year": 2024, "production_mt": 149.6, "intensity_tco2_per_t": 2.47}]}],
  "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
      "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 150000000}],
  "narrative": "Output grew 6 % in 2024; intensity fell 0.8 %."})json";

std::vector<std::pair<std::string, std::string>> Violations(
    const ProgressReport& report, const Plan& plan, int year) {
  FieldViolations v;
  ValidateProgressReportContent(report, plan, year, "progress_report", &v);
  return v.violations();
}

std::vector<std::string> Fields(const ProgressReport& report, const Plan& plan,
                                int year) {
  std::vector<std::string> fields;
  for (const auto& [field, description] : Violations(report, plan, year)) {
    fields.push_back(field);
  }
  return fields;
}

TEST(ProgressValidationTest, TheIssuesReportIsValid) {
  EXPECT_THAT(Violations(FromJson(kIndia2024), IndiaRevision(), 2024),
              IsEmpty());
}

TEST(ProgressValidationTest, EveryMistakeIsReportedWithItsPath) {
  ProgressReport report = FromJson(R"json({
    "sectors": [
      {"sector": "IRON_AND_STEEL", "points": [
        {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49,
         "emissions_mtco2": 420.0},
        {"year": 2023, "production_mt": 149.6, "intensity_tco2_per_t": 2.47},
        {"year": 2025, "intensity_tco2_per_t": 2.45}]},
      {"sector": "CEMENT", "points": [
        {"year": 2024, "production_mt": 410.0, "intensity_tco2_per_t": 0.56}]},
      {"sector": "IRON_AND_STEEL", "points": [{"year": 2024}]}],
    "project_updates": [
      {"project_name": "Hydrogen DRI demonstration plant",
       "status": "OPERATING"},
      {"project_name": "Hydrogen DRI demonstration plant",
       "status": "DELAYED", "capital_spent_usd": -5},
      {"project_name": "Odisha blast furnace CCUS", "status": "ANNOUNCED"},
      {"project_name": "", "actual_start_year": 2026}],
    "policy_updates": [
      {"policy_name": "Green Steel Taxonomy", "status": "IN_FORCE"},
      {"policy_name": "National carbon market", "status": "PLANNED"},
      {"policy_name": "Green Steel Taxonomy"}],
    "sources": ["ftp://steel.gov.in/report.pdf", ""]})json");
  auto v = Violations(report, IndiaRevision(), 2024);
  EXPECT_THAT(Fields(report, IndiaRevision(), 2024),
              UnorderedElementsAre(
                  // 420 Mt CO2 vs 140.8 Mt x 2.49 = 350.6 Mt CO2.
                  "progress_report.sectors[0].points[0].emissions_mtco2",
                  "progress_report.sectors[0].points[1].year",
                  "progress_report.sectors[0].points[2].year",
                  "progress_report.sectors[1].sector",
                  "progress_report.sectors[2].sector",
                  "progress_report.sectors[2].points[0]",
                  "progress_report.project_updates[0].actual_start_year",
                  "progress_report.project_updates[1].capital_spent_usd",
                  "progress_report.project_updates[1].project_name",
                  "progress_report.project_updates[2].project_name",
                  "progress_report.project_updates[3].project_name",
                  "progress_report.project_updates[3].status",
                  "progress_report.project_updates[3].actual_start_year",
                  "progress_report.policy_updates[1].policy_name",
                  "progress_report.policy_updates[2].status",
                  "progress_report.policy_updates[2].policy_name",
                  "progress_report.sources[0]", "progress_report.sources[1]"));
  auto description = [&v](const std::string& field) {
    for (const auto& [f, d] : v) {
      if (f == field) return d;
    }
    return std::string();
  };
  EXPECT_THAT(description("progress_report.sectors[0].points[2].year"),
              HasSubstr("cannot be in a report for reporting year 2024"));
  EXPECT_THAT(description("progress_report.sectors[1].sector"),
              HasSubstr("countries/IND/plans/steel-2070 revision 1 has no "
                        "CEMENT pathway"));
  EXPECT_THAT(description("progress_report.sectors[2].sector"),
              HasSubstr("appears more than once"));
  EXPECT_THAT(description("progress_report.project_updates[2].project_name"),
              HasSubstr("'Odisha blast furnace CCUS' is not a project of "
                        "countries/IND/plans/steel-2070 revision 1"));
  EXPECT_THAT(description("progress_report.project_updates[1].project_name"),
              HasSubstr("updated more than once"));
  EXPECT_THAT(
      description("progress_report.project_updates[3].actual_start_year"),
      HasSubstr("after the reporting year 2024"));
  EXPECT_THAT(description("progress_report.sources[0]"),
              HasSubstr("http:// or https://"));
}

TEST(ProgressValidationTest, HugeListsAreRefusedWithoutCheckingEachEntry) {
  ProgressReport report;
  for (int i = 0; i < kMaxProjects + 1; ++i) {
    report.add_project_updates();  // each would be invalid on its own
  }
  for (int i = 0; i < kMaxReportSources + 1; ++i) {
    report.add_sources("https://steel.gov.in/");
  }
  auto v = Violations(report, IndiaRevision(), 2024);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_THAT(v[0], Pair("progress_report.project_updates",
                         HasSubstr("has 1001 entries; at most 1000")));
  EXPECT_THAT(v[1], Pair("progress_report.sources",
                         HasSubstr("has 21 entries; at most 20")));
}

TEST(ProgressValidationTest, ReportingYearMustBeACompletedYearFromTheBase) {
  const Plan plan = IndiaRevision();  // base year 2020
  auto problems = [&plan](int year) {
    FieldViolations v;
    ValidateReportingYear(year, 2026, plan, "reporting_year", &v);
    std::vector<std::string> out;
    for (const auto& [field, description] : v.violations()) {
      out.push_back(field + ": " + description);
    }
    return out;
  };
  EXPECT_THAT(problems(2025), IsEmpty());
  EXPECT_THAT(problems(2020), IsEmpty());
  EXPECT_THAT(problems(0), ElementsAre(HasSubstr("is required")));
  EXPECT_THAT(problems(2026),
              ElementsAre("reporting_year: reporting year 2026 must be a "
                          "completed calendar year from 1990 to 2025."));
  EXPECT_THAT(problems(2019),
              ElementsAre("reporting_year: reporting year 2019 is before the "
                          "plan's base year 2020."));
  EXPECT_THAT(problems(1989), ElementsAre(HasSubstr("from 1990 to 2025")));
}

TEST(ProgressValidationTest, UpdateReplacesMaskedFieldsAfterTheEtagCheck) {
  ProgressReport current = FromJson(kIndia2024);
  current.set_name("countries/IND/plans/steel-2070/progressReports/2024");
  current.set_etag("9b1f4c2d7e3a5b60");
  ProgressReport patch;
  patch.set_narrative("Intensity fell 0.8 % to 2.47 t CO2/t.");
  patch.set_etag("9b1f4c2d7e3a5b60");
  google::protobuf::FieldMask mask;
  mask.add_paths("narrative");
  ASSERT_TRUE(ApplyReportUpdate(current, patch, mask).ok());
  EXPECT_EQ(current.narrative(), "Intensity fell 0.8 % to 2.47 t CO2/t.");
  EXPECT_EQ(current.sectors_size(), 1);  // not in the mask: kept

  patch.set_etag("0000000000000000");
  absl::Status stale = ApplyReportUpdate(current, patch, mask);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(stale), "ETAG_MISMATCH");

  mask.add_paths("plan_revision");
  absl::Status bad = ApplyReportUpdate(current, patch, mask);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("update_mask.paths[1]"));

  // AIP-134: an empty mask replaces what the patch populates and keeps the
  // rest; `*` replaces everything.
  google::protobuf::FieldMask populated;
  patch.clear_etag();
  patch.set_narrative("Intensity fell 1.1 % to 2.45 t CO2/t.");
  ASSERT_TRUE(ApplyReportUpdate(current, patch, populated).ok());
  EXPECT_EQ(current.narrative(), "Intensity fell 1.1 % to 2.45 t CO2/t.");
  EXPECT_EQ(current.sectors_size(), 1);  // not in the patch: kept

  google::protobuf::FieldMask all;
  all.add_paths("*");
  ASSERT_TRUE(ApplyReportUpdate(current, patch, all).ok());
  EXPECT_EQ(current.sectors_size(), 0);  // everything replaced
  EXPECT_EQ(current.narrative(), "Intensity fell 1.1 % to 2.45 t CO2/t.");
}

TEST(ProgressReportNameTest, ParsesTheYearOfAPlansReport) {
  auto name = ParseProgressReportName(
      "countries/IND/plans/steel-2070/progressReports/2024", "name");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->plan.country, "IND");
  EXPECT_EQ(name->plan.plan_id, "steel-2070");
  EXPECT_EQ(name->reporting_year, 2024);
  EXPECT_EQ(name->ToString(),
            "countries/IND/plans/steel-2070/progressReports/2024");
  for (const char* bad :
       {"countries/IND/plans/steel-2070/progressReports/",
        "countries/IND/plans/steel-2070/progressReports/24x",
        "countries/IND/plans/steel-2070/progressReports/1850",
        "countries/IND/plans/steel-2070/progressReports/02024",
        "countries/XXX/plans/steel-2070/progressReports/2024",
        "countries/IND/plans/steel-2070/reviews/2024"}) {
    SCOPED_TRACE(bad);
    auto parsed = ParseProgressReportName(bad, "name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(ProgressFilterTest, ReportFilterFieldsAndValues) {
  auto f = ParseProgressReportFilter(
      "country = IND AND sector = IRON_AND_STEEL AND reporting_year >= 2023 "
      "AND state != SUPERSEDED");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->DebugString(),
            "(country = IND AND sector = 1 AND reporting_year >= 2023 AND "
            "state != 3)");
  for (const char* bad : {"reporting_year >= 1850", "state = APPROVED",
                          "revision = 2", "sector > CEMENT"}) {
    SCOPED_TRACE(bad);
    auto parsed = ParseProgressReportFilter(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("filter"));
  }
}

TEST(ProgressFilterTest, PlansFilterOnProgressStatus) {
  auto f = ParsePlanFilter(
      "progress_status = NOT_ON_TRACK OR progress_status = NOT_REPORTED");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)->DebugString(),
            "(progress_status = 3 OR progress_status = 0)");
  auto bad = ParsePlanFilter("progress_status = BEHIND");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("'BEHIND' is not a progress status"));
}

}  // namespace
}  // namespace itp::domain
