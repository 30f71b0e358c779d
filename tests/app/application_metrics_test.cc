// The gauges and counters the application layer adds to the server's
// metrics: plans by state and country and job runs by state (counted in the
// database at scrape time, at most once per refresh interval), and the runs
// the job runner finished, with their duration.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark_job.pb.h"
#include "prometheus/text_serializer.h"
#include "server/common/metrics.h"
#include "tests/app/job_run_wait.h"
#include "tests/testing/app_harness.h"

namespace itp::app {
namespace {

using ::itp::testing::AppHarness;
using ::itp::v1::BenchmarkJobRun;
using ::itp::v1::Plan;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Scrape(const Metrics& metrics) {
  return prometheus::TextSerializer().Serialize(metrics.Collect());
}

class ApplicationMetricsTest : public ::testing::Test {
 protected:
  void Open(absl::Duration refresh) {
    harness_ = std::make_unique<AppHarness>();
    ASSERT_TRUE(harness_
                    ->Open([this, refresh](ApplicationOptions& options) {
                      options.metrics = &metrics_;
                      options.metrics_refresh = refresh;
                    })
                    .ok());
  }

  Metrics metrics_;
  std::unique_ptr<AppHarness> harness_;
};

TEST_F(ApplicationMetricsTest, PlansAreCountedByStateAndCountry) {
  Open(absl::ZeroDuration());
  harness_->MakePlan("IND", "steel-2070", Plan::APPROVED);
  harness_->MakePlan("IND", "cement-2070", Plan::IN_REVIEW);
  harness_->MakePlan("IDN", "cement-2060", Plan::SUBMITTED);
  harness_->MakePlan("SWE", "steel-2045", Plan::APPROVED);
  harness_->MakePlan("ZAF", "steel-2050", Plan::DRAFT);
  harness_->MakePlan("BRA", "steel-2050", Plan::DRAFT);

  const std::string text = Scrape(metrics_);
  EXPECT_THAT(text, HasSubstr("# TYPE itp_plans gauge\n"));
  for (const char* line :
       {"itp_plans{country=\"BRA\",state=\"DRAFT\"} 1\n",
        "itp_plans{country=\"ZAF\",state=\"DRAFT\"} 1\n",
        "itp_plans{country=\"IDN\",state=\"SUBMITTED\"} 1\n",
        "itp_plans{country=\"IND\",state=\"IN_REVIEW\"} 1\n",
        "itp_plans{country=\"IND\",state=\"APPROVED\"} 1\n",
        "itp_plans{country=\"SWE\",state=\"APPROVED\"} 1\n"}) {
    EXPECT_THAT(text, HasSubstr(line));
  }
}

TEST_F(ApplicationMetricsTest, ARefreshIntervalReusesTheLastCount) {
  Open(absl::Hours(1));
  harness_->MakePlan("IND", "steel-2070", Plan::SUBMITTED);
  EXPECT_THAT(Scrape(metrics_),
              HasSubstr("itp_plans{country=\"IND\",state=\"SUBMITTED\"} 1\n"));
  harness_->MakePlan("IND", "cement-2070", Plan::SUBMITTED);
  // Within the hour: the first count.
  EXPECT_THAT(Scrape(metrics_),
              HasSubstr("itp_plans{country=\"IND\",state=\"SUBMITTED\"} 1\n"));
}

TEST_F(ApplicationMetricsTest, JobRunsAreCountedAndTimed) {
  Open(absl::ZeroDuration());
  harness_->MakePlan("IND", "steel-2070", Plan::SUBMITTED);
  harness_->MakePlan("IDN", "cement-2060", Plan::APPROVED);
  AppHarness::Key runner = harness_->CreateRunner();
  std::string text = Scrape(metrics_);
  // Every state has a series before any run.
  EXPECT_THAT(text, HasSubstr("itp_job_runs{state=\"SUCCEEDED\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("itp_job_runs{state=\"PENDING\"} 0\n"));

  BenchmarkJobRun run = ::itp::testing::RunJobToTheEnd(
      harness_->app(), runner.caller, "nightly-all");
  ASSERT_EQ(run.state(), BenchmarkJobRun::SUCCEEDED) << run.ShortDebugString();
  ASSERT_EQ(run.total_plans(), 2);

  text = Scrape(metrics_);
  EXPECT_THAT(text, HasSubstr("itp_job_runs{state=\"SUCCEEDED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("itp_job_runs{state=\"FAILED\"} 0\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_job_runs_finished_total{state=\"SUCCEEDED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("itp_job_run_duration_seconds_count{state="
                              "\"SUCCEEDED\"} 1\n"));
  // The runner's transactions went through the store's metrics too.
  EXPECT_THAT(text,
              Not(HasSubstr("\nitp_db_write_transaction_seconds_count 0\n")));
}

TEST_F(ApplicationMetricsTest, TheGaugesGoAwayWithTheApplication) {
  Open(absl::ZeroDuration());
  EXPECT_THAT(Scrape(metrics_), HasSubstr("# TYPE itp_job_runs gauge"));
  harness_.reset();
  const std::string text = Scrape(metrics_);
  EXPECT_THAT(text, Not(HasSubstr("itp_job_runs{")));
  EXPECT_THAT(text, Not(HasSubstr("# TYPE itp_plans gauge")));
}

}  // namespace
}  // namespace itp::app
