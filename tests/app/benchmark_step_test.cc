// BenchmarkStep, the one step that BenchmarkPlan and benchmark job runs share:
// the same report for the same revision, drafts, pathways and revisions.
#include "server/app/benchmark_step.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark_job_service.pb.h"
#include "itp/v1/benchmark_service.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "server/benchmark/reference_pathways.h"
#include "server/domain/errors.h"
#include "tests/app/job_run_wait.h"
#include "tests/testing/app_harness.h"
#include "tests/testing/benchmark_report.h"
#include "tests/testing/test_plans.h"

namespace itp::app {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::testing::ResultFor;
using itp::v1::BenchmarkJobRun;
using itp::v1::BenchmarkReport;
using itp::v1::Plan;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr char kTpiSteel1p5[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kIeaNzeSteel[] = "pathways/iea-nze-steel-2022";

// The plan's value at `year` in the gaps of `result`; -1 when absent.
double PlanIntensityAt(const itp::v1::PathwayResult& result, int year) {
  for (const itp::v1::CheckpointGap& gap : result.gaps()) {
    if (gap.year() == year) return gap.plan_intensity();
  }
  ADD_FAILURE() << "no gap for " << year << " against " << result.pathway();
  return -1;
}

std::vector<std::string> PathwaysOf(const itp::v1::SectorBenchmark& sector) {
  std::vector<std::string> names;
  for (const itp::v1::PathwayResult& r : sector.pathways()) {
    names.push_back(r.pathway());
  }
  return names;
}

// `report` without what differs between two reports of the same content.
BenchmarkReport WithoutIdentity(BenchmarkReport report) {
  report.clear_name();
  report.clear_create_time();
  report.clear_requested_by();
  return report;
}

class BenchmarkStepTest : public ::itp::testing::AppTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AppTest::SetUp());
    runner_ = harness_.CreateRunner();
  }

  absl::StatusOr<BenchmarkReport> BenchmarkPlan(
      const Caller& caller, const std::string& name,
      const std::vector<std::string>& pathways = {}) {
    itp::v1::BenchmarkPlanRequest request;
    request.set_name(name);
    for (const std::string& p : pathways) request.add_pathways(p);
    return harness_.app().benchmarks().BenchmarkPlan(caller, request);
  }

  // Every result of a finished run, read through its feed.
  std::vector<itp::v1::BenchmarkJobResult> ResultsOf(const std::string& run) {
    itp::v1::StreamBenchmarkJobResultsRequest request;
    request.set_name(run);
    auto feed = harness_.app().jobs().StreamBenchmarkJobResults(runner_.caller,
                                                                request);
    EXPECT_TRUE(feed.ok()) << feed.status();
    if (!feed.ok()) return {};
    auto batch = (*feed)->Next();
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) return {};
    EXPECT_TRUE(batch->finished);
    return batch->items;
  }

  BenchmarkReport GetReport(const Caller& caller, const std::string& name) {
    itp::v1::GetBenchmarkReportRequest request;
    request.set_name(name);
    auto report =
        harness_.app().benchmarks().GetBenchmarkReport(caller, request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(BenchmarkReport());
  }

  int ReportCount(const std::string& plan) {
    itp::v1::ListBenchmarkReportsRequest request;
    request.set_parent(plan);
    request.set_page_size(1000);
    auto reports = harness_.app().benchmarks().ListBenchmarkReports(
        india_.caller, request);
    EXPECT_TRUE(reports.ok()) << reports.status();
    return reports.ok() ? reports->benchmark_reports_size() : -1;
  }

  // A step over the set-up stores, as the application and the runner build
  // theirs.
  BenchmarkStep Step() {
    return BenchmarkStep(*harness_.stores().plans,
                         *harness_.stores().benchmarks);
  }

  static storage::WriteContext StepContext() {
    storage::WriteContext ctx;
    ctx.method = "test/benchmark-step";
    return ctx;
  }

  Key runner_;
};

TEST_F(BenchmarkStepTest, BenchmarkPlanAndAJobRunMakeTheSameReportOfARevision) {
  MustCreateIndiaSteel();
  MustSubmit(india_, kIndiaSteel);
  // A second India plan that stays a draft: jobs never benchmark drafts.
  ASSERT_TRUE(Create(india_.caller, "IND", "green-steel-mission",
                     ::itp::testing::SteelPlan("IND", 2.4))
                  .ok());

  auto interactive = BenchmarkPlan(india_.caller, kIndiaSteel);
  ASSERT_TRUE(interactive.ok()) << interactive.status();

  BenchmarkJobRun run = ::itp::testing::RunJobToTheEnd(
      app(), runner_.caller, "nightly-steel", "sector = IRON_AND_STEEL");
  ASSERT_EQ(run.state(), BenchmarkJobRun::SUCCEEDED) << run.reason();
  EXPECT_EQ(run.total_plans(), 1);
  EXPECT_EQ(run.succeeded_plans(), 1);
  EXPECT_EQ(run.failed_plans(), 0);
  std::vector<itp::v1::BenchmarkJobResult> results = ResultsOf(run.name());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].plan(), kIndiaSteel);
  EXPECT_EQ(results[0].error(), "");
  const std::string revision = absl::StrCat(kIndiaSteel, "/revisions/1");
  EXPECT_EQ(results[0].plan_revision(), revision);
  BenchmarkReport by_job = GetReport(runner_.caller, results[0].report());

  // Who asked: the partner's API key, and the job run.
  EXPECT_EQ(interactive->requested_by(), india_.name);
  EXPECT_EQ(by_job.requested_by(), run.name());
  // Two reports stored under the plan, with names of their own.
  EXPECT_NE(interactive->name(), by_job.name());
  EXPECT_EQ(ReportCount(kIndiaSteel), 2);

  // Everything else is identical, the sector results first of all.
  EXPECT_EQ(interactive->plan_revision(), revision);
  EXPECT_EQ(by_job.plan_revision(), revision);
  ASSERT_EQ(interactive->sectors_size(), 1);
  ASSERT_EQ(by_job.sectors_size(), 1);
  EXPECT_EQ(interactive->sectors(0).sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_TRUE(interactive->sectors(0).covered());
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(WithoutIdentity(*interactive),
                                  WithoutIdentity(by_job)))
      << differences;
}

TEST_F(BenchmarkStepTest, DraftIsBenchmarkedAsItStandsByBenchmarkPlanOnly) {
  Plan draft = MustCreateIndiaSteel();
  ASSERT_EQ(draft.state(), Plan::DRAFT);

  // BenchmarkPlan: the draft as it stands, named by the plan itself.
  auto report = BenchmarkPlan(india_.caller, kIndiaSteel);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->plan_revision(), kIndiaSteel);
  ASSERT_EQ(report->sectors_size(), 1);
  EXPECT_DOUBLE_EQ(
      PlanIntensityAt(ResultFor(report->sectors(0), kTpiSteel1p5), 2030), 2.2);

  // The step as jobs use it: a plan never submitted is refused.
  BenchmarkStep step = Step();
  BenchmarkStep::Request request;
  request.drafts_as_they_stand = false;
  request.requested_by = "benchmarkJobs/nightly-steel/runs/1";
  auto refused = step.Run(StepContext(), draft, request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::ErrorReasonOf(refused.status()), "PLAN_NOT_SUBMITTED");
  EXPECT_EQ(ReportCount(kIndiaSteel), 1) << "a refused step stores nothing";

  // And as BenchmarkPlan uses it: the same content as the call above.
  request.drafts_as_they_stand = true;
  request.requested_by = india_.name;
  auto as_it_stands = step.Run(StepContext(), draft, request);
  ASSERT_TRUE(as_it_stands.ok()) << as_it_stands.status();
  EXPECT_EQ(as_it_stands->plan_revision(), kIndiaSteel);
  EXPECT_TRUE(MessageDifferencer::Equals(WithoutIdentity(*as_it_stands),
                                         WithoutIdentity(*report)));
}

// Every pathway of the plan's sectors but the superseded TPI releases, which
// are listed (and used when named) but never used by default.
TEST_F(BenchmarkStepTest, WithoutNamedPathwaysEveryPathwayOfThePlansSectors) {
  MustCreateIndiaSteel();
  MustSubmit(india_, kIndiaSteel);
  itp::v1::ListPathwaysRequest list;
  list.set_sector(itp::v1::IRON_AND_STEEL);
  auto steel = harness_.app().benchmarks().ListPathways(india_.caller, list);
  ASSERT_TRUE(steel.ok()) << steel.status();
  std::vector<std::string> steel_pathways;
  int superseded = 0;
  for (const itp::v1::Pathway& p : steel->pathways()) {
    if (benchmark::IsSupersededRelease(p)) {
      ++superseded;
      continue;
    }
    steel_pathways.push_back(p.name());
  }
  EXPECT_EQ(superseded, 11);  // TPI steel 2021, 2020, 2018 (3 each), 2017 (2)
  ASSERT_THAT(steel_pathways,
              UnorderedElementsAre(kIeaNzeSteel, kTpiSteel1p5,
                                   "pathways/tpi-steel-2022-below-2c",
                                   "pathways/tpi-steel-2022-national-pledges"));

  auto report = BenchmarkPlan(india_.caller, kIndiaSteel);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->sectors_size(), 1);
  EXPECT_THAT(PathwaysOf(report->sectors(0)),
              UnorderedElementsAreArray(steel_pathways));
  EXPECT_EQ(report->pathway_releases_size(), 4);
}

TEST_F(BenchmarkStepTest, NamedPathwaysAreTheOnlyOnesUsed) {
  MustCreateIndiaSteel();
  MustSubmit(india_, kIndiaSteel);
  auto report =
      BenchmarkPlan(india_.caller, kIndiaSteel, {kTpiSteel1p5, kIeaNzeSteel});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->sectors_size(), 1);
  EXPECT_THAT(PathwaysOf(report->sectors(0)),
              UnorderedElementsAre(kTpiSteel1p5, kIeaNzeSteel));
  ASSERT_EQ(report->pathway_releases_size(), 2);
  EXPECT_THAT(report->pathway_releases(),
              UnorderedElementsAre(absl::StrCat(kTpiSteel1p5, "@2022-04-01"),
                                   ::testing::StartsWith(kIeaNzeSteel)));

  // The step itself, given the same names, picks the same pathways.
  auto current = harness_.stores().plans->GetPlan(kIndiaSteel);
  ASSERT_TRUE(current.ok()) << current.status();
  BenchmarkStep::Request request;
  request.pathways = {kTpiSteel1p5};
  request.requested_by = runner_.name;
  auto one = Step().Run(StepContext(), *current, request);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->sectors_size(), 1);
  EXPECT_THAT(PathwaysOf(one->sectors(0)), ElementsAre(kTpiSteel1p5));
}

TEST_F(BenchmarkStepTest, UnknownNamedPathwayIsNotFoundAndStoresNoReport) {
  MustCreateIndiaSteel();
  MustSubmit(india_, kIndiaSteel);
  const std::string unknown = "pathways/tpi-steel-2019-1p5c";
  auto report =
      BenchmarkPlan(india_.caller, kIndiaSteel, {kTpiSteel1p5, unknown});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(report.status()), "PATHWAY_NOT_FOUND");
  EXPECT_THAT(std::string(report.status().message()),
              ::testing::HasSubstr(unknown));

  auto current = harness_.stores().plans->GetPlan(kIndiaSteel);
  ASSERT_TRUE(current.ok()) << current.status();
  BenchmarkStep::Request request;
  request.pathways = {unknown};
  auto stepped = Step().Run(StepContext(), *current, request);
  EXPECT_EQ(stepped.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReportCount(kIndiaSteel), 0);
}

TEST_F(BenchmarkStepTest, ExplicitRevisionIsBenchmarkedAfterTheEditedResubmit) {
  // Revision 1 was sent back for changes; the ministry lowers its 2030
  // intensity from 2.2 to 1.9 t CO2/t and resubmits (revision 2).
  harness_.MakePlan("IND", "steel-2070", Plan::CHANGES_REQUESTED);
  auto edited = ::itp::testing::EditIndia2030Intensity(harness_, india_.caller);
  ASSERT_TRUE(edited.ok()) << edited.status();
  Plan resubmitted = MustSubmit(india_, kIndiaSteel);
  ASSERT_EQ(resubmitted.revision(), 2);

  const std::string first = absl::StrCat(kIndiaSteel, "/revisions/1");
  auto of_first = BenchmarkPlan(india_.caller, first);
  ASSERT_TRUE(of_first.ok()) << of_first.status();
  EXPECT_EQ(of_first->plan_revision(), first);
  ASSERT_EQ(of_first->sectors_size(), 1);
  EXPECT_DOUBLE_EQ(
      PlanIntensityAt(ResultFor(of_first->sectors(0), kTpiSteel1p5), 2030),
      2.2);

  auto of_latest = BenchmarkPlan(india_.caller, kIndiaSteel);
  ASSERT_TRUE(of_latest.ok()) << of_latest.status();
  EXPECT_EQ(of_latest->plan_revision(),
            absl::StrCat(kIndiaSteel, "/revisions/2"));
  ASSERT_EQ(of_latest->sectors_size(), 1);
  EXPECT_DOUBLE_EQ(
      PlanIntensityAt(ResultFor(of_latest->sectors(0), kTpiSteel1p5), 2030),
      1.9);

  // The step given revision 1 of the current plan does the same.
  BenchmarkStep::Request request;
  request.revision = 1;
  request.requested_by = india_.name;
  auto stepped = Step().Run(StepContext(), resubmitted, request);
  ASSERT_TRUE(stepped.ok()) << stepped.status();
  EXPECT_TRUE(MessageDifferencer::Equals(WithoutIdentity(*stepped),
                                         WithoutIdentity(*of_first)));

  auto missing =
      BenchmarkPlan(india_.caller, absl::StrCat(kIndiaSteel, "/revisions/3"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(domain::ErrorReasonOf(missing.status()), "REVISION_NOT_FOUND");
}

TEST_F(BenchmarkStepTest, JobRunBenchmarksTheLatestRevisionAfterAResubmit) {
  harness_.MakePlan("IND", "steel-2070", Plan::CHANGES_REQUESTED);
  auto edited = ::itp::testing::EditIndia2030Intensity(harness_, india_.caller);
  ASSERT_TRUE(edited.ok()) << edited.status();
  MustSubmit(india_, kIndiaSteel);

  BenchmarkJobRun run =
      ::itp::testing::RunJobToTheEnd(app(), runner_.caller, "nightly-all");
  ASSERT_EQ(run.state(), BenchmarkJobRun::SUCCEEDED) << run.reason();
  std::vector<itp::v1::BenchmarkJobResult> results = ResultsOf(run.name());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].plan_revision(),
            absl::StrCat(kIndiaSteel, "/revisions/2"));
  BenchmarkReport by_job = GetReport(runner_.caller, results[0].report());
  ASSERT_EQ(by_job.sectors_size(), 1);
  EXPECT_DOUBLE_EQ(
      PlanIntensityAt(ResultFor(by_job.sectors(0), kTpiSteel1p5), 2030), 1.9);
  EXPECT_THAT(results[0].summary().labels(), ::testing::Not(IsEmpty()));
}

}  // namespace
}  // namespace itp::app
