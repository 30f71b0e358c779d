// Tests of itp::Metrics: what a scrape of the registry says after calls,
// transactions and job runs are recorded, in the Prometheus text format that
// the metrics listener serves (prometheus-cpp's TextSerializer).

#include "server/common/metrics.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace itp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Scrape(const Metrics& metrics) {
  return prometheus::TextSerializer().Serialize(metrics.Collect());
}

constexpr char kGetPlan[] = "/itp.v1.PlanService/GetPlan";
constexpr char kWatch[] = "/itp.v1.PlanService/WatchPlanEvents";

TEST(MetricsTest, CountsCallsByMethodAndCodeWithTheirLatency) {
  Metrics metrics;
  Metrics::Method& get_plan = metrics.ForMethod(kGetPlan, Metrics::kUnary);
  for (int i = 0; i < 25; ++i) {
    get_plan.Started();
    get_plan.Handled(0, "OK", absl::Milliseconds(3));
  }
  for (int i = 0; i < 3; ++i) {
    get_plan.Started();
    get_plan.Handled(5, "NOT_FOUND", absl::Microseconds(400));
  }
  // The same method asked for again is the same series.
  EXPECT_EQ(&metrics.ForMethod(kGetPlan, Metrics::kUnary), &get_plan);
  Metrics::Method& watch = metrics.ForMethod(kWatch, Metrics::kServerStream);
  watch.Started();

  const std::string text = Scrape(metrics);
  EXPECT_THAT(text,
              HasSubstr("grpc_server_started_total{grpc_method=\"GetPlan\","
                        "grpc_service=\"itp.v1.PlanService\",grpc_type="
                        "\"unary\"} 28\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\","
                              "grpc_method=\"GetPlan\",grpc_service=\"itp.v1."
                              "PlanService\",grpc_type=\"unary\"} 25\n"));
  EXPECT_THAT(text,
              HasSubstr("grpc_server_handled_total{grpc_code=\"NOT_FOUND\","
                        "grpc_method=\"GetPlan\",grpc_service=\"itp.v1."
                        "PlanService\",grpc_type=\"unary\"} 3\n"));
  // Codes never returned have no series.
  EXPECT_THAT(text, Not(HasSubstr("grpc_code=\"INTERNAL\"")));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_count{grpc_method="
                              "\"GetPlan\",grpc_service=\"itp.v1.PlanService\","
                              "grpc_type=\"unary\"} 28\n"));
  // 3 of 28 within half a millisecond, all 28 within 5 ms.
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_bucket{grpc_method="
                              "\"GetPlan\",grpc_service=\"itp.v1.PlanService\","
                              "grpc_type=\"unary\",le=\"0.0005\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_bucket{grpc_method="
                              "\"GetPlan\",grpc_service=\"itp.v1.PlanService\","
                              "grpc_type=\"unary\",le=\"0.0025\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_bucket{grpc_method="
                              "\"GetPlan\",grpc_service=\"itp.v1.PlanService\","
                              "grpc_type=\"unary\",le=\"0.005\"} 28\n"));
  EXPECT_THAT(text,
              HasSubstr("grpc_server_started_total{grpc_method="
                        "\"WatchPlanEvents\",grpc_service=\"itp.v1."
                        "PlanService\",grpc_type=\"server_stream\"} 1\n"));
}

TEST(MetricsTest, AnOutOfRangeCodeCountsAsUnknown) {
  Metrics metrics;
  Metrics::Method& get_plan = metrics.ForMethod(kGetPlan, Metrics::kUnary);
  get_plan.Handled(99, "UNKNOWN", absl::Milliseconds(1));
  get_plan.Handled(2, "UNKNOWN", absl::Milliseconds(1));
  EXPECT_THAT(Scrape(metrics), HasSubstr("grpc_server_handled_total{grpc_code="
                                         "\"UNKNOWN\",grpc_method=\"GetPlan\","
                                         "grpc_service=\"itp.v1.PlanService\","
                                         "grpc_type=\"unary\"} 2\n"));
}

TEST(MetricsTest, CountsInProgressRolesAndPoolWaits) {
  Metrics metrics;
  for (int i = 0; i < 4; ++i) metrics.CallBegun();
  metrics.CallEnded();
  metrics.CallOfRole("PARTNER");
  metrics.CallOfRole("PARTNER");
  metrics.CallOfRole("REVIEWER");
  metrics.CallOfRole("NONE");
  metrics.PoolWait(absl::Milliseconds(2));
  metrics.PoolWait(absl::Seconds(20));
  metrics.RequestBodyTimedOut();

  const std::string text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr("\nitp_server_calls_in_progress 3\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_server_calls_by_role_total{role=\"PARTNER\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_server_calls_by_role_total{role=\"REVIEWER\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("itp_server_calls_by_role_total{role=\"NONE\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_worker_pool_wait_seconds_count 2\n"));
  EXPECT_THAT(text,
              HasSubstr("itp_worker_pool_wait_seconds_bucket{le=\"10\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_worker_pool_wait_seconds_bucket{le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_server_request_body_timeouts_total 1\n"));
}

TEST(MetricsTest, RecordsDatabaseAndJobFigures) {
  Metrics metrics;
  metrics.DbBusyRetry();
  metrics.DbBusyRetry();
  metrics.DbBusyError();
  metrics.DbWriteTransaction(absl::Milliseconds(40), absl::Milliseconds(2));
  metrics.JobRunFinished("SUCCEEDED", absl::Seconds(7));
  metrics.JobRunFinished("SUCCEEDED", absl::Milliseconds(700));
  metrics.JobRunFinished("CANCELLED", absl::Seconds(2));

  const std::string text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr("\nitp_db_busy_retries_total 2\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_db_busy_errors_total 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("itp_db_write_lock_wait_seconds_bucket{le=\"0.025\"} 0\n"));
  EXPECT_THAT(
      text,
      HasSubstr("itp_db_write_lock_wait_seconds_bucket{le=\"0.05\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("itp_db_write_transaction_seconds_bucket{le=\"0.0025\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_job_runs_finished_total{state=\"SUCCEEDED\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_job_runs_finished_total{state=\"CANCELLED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("itp_job_run_duration_seconds_bucket{state="
                              "\"SUCCEEDED\",le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("itp_job_run_duration_seconds_bucket{state="
                              "\"SUCCEEDED\",le=\"10\"} 2\n"));
}

TEST(MetricsTest, BuildInfoIsOneWithTheBuild) {
  Metrics metrics(BuildInfo{"0.1.0", "0f51cb8418d7", "RelWithDebInfo",
                            "GNU 12.2.0", "3.40.1"});
  EXPECT_THAT(Scrape(metrics),
              HasSubstr("itp_build_info{build_type=\"RelWithDebInfo\",commit="
                        "\"0f51cb8418d7\",compiler=\"GNU 12.2.0\","
                        "sqlite_version=\"3.40.1\",version=\"0.1.0\"} 1\n"));
}

TEST(MetricsTest, AScrapedGaugeIsReadAtMostOncePerRefresh) {
  Metrics metrics;
  std::atomic<int> reads{0};
  Metrics::GaugeRegistration plans = metrics.AddScrapeGauge(
      "itp_plans", "Plans by state and country.",
      [&reads] {
        ++reads;
        return std::vector<Metrics::Sample>{
            {{{"state", "APPROVED"}, {"country", "IND"}}, 2},
            {{{"state", "IN_REVIEW"}, {"country", "SWE"}}, 1}};
      },
      absl::Hours(1));
  std::string text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr("# TYPE itp_plans gauge\n"));
  EXPECT_THAT(text,
              HasSubstr("itp_plans{country=\"IND\",state=\"APPROVED\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("itp_plans{country=\"SWE\",state=\"IN_REVIEW\"} 1\n"));
  for (int i = 0; i < 5; ++i) Scrape(metrics);
  EXPECT_EQ(reads.load(), 1);
}

TEST(MetricsTest, AScrapedGaugeWithoutRefreshIsReadAtEveryScrape) {
  Metrics metrics;
  int depth = 0;
  Metrics::GaugeRegistration queue = metrics.AddScrapeGauge(
      "itp_worker_queue_depth", "RPCs waiting for a worker.", [&depth] {
        return std::vector<Metrics::Sample>{{{}, double(depth)}};
      });
  depth = 17;
  EXPECT_THAT(Scrape(metrics), HasSubstr("\nitp_worker_queue_depth 17\n"));
  depth = 4;
  EXPECT_THAT(Scrape(metrics), HasSubstr("\nitp_worker_queue_depth 4\n"));
}

TEST(MetricsTest, AGaugeGoesAwayWithItsRegistration) {
  Metrics metrics;
  {
    Metrics::GaugeRegistration streams =
        metrics.AddScrapeGauge("itp_server_open_streams", "Open streams.", [] {
          return std::vector<Metrics::Sample>{{{}, 12}};
        });
    Metrics::GaugeRegistration moved = std::move(streams);
    EXPECT_THAT(Scrape(metrics), HasSubstr("\nitp_server_open_streams 12\n"));
  }
  EXPECT_THAT(Scrape(metrics), Not(HasSubstr("itp_server_open_streams")));
}

TEST(MetricsTest, DiscardKeepsNoScrapedGauge) {
  bool read = false;
  Metrics::GaugeRegistration ignored =
      Metrics::Discard().AddScrapeGauge("itp_plans", "Plans.", [&read] {
        read = true;
        return std::vector<Metrics::Sample>();
      });
  EXPECT_THAT(Scrape(Metrics::Discard()), Not(HasSubstr("itp_plans")));
  EXPECT_FALSE(read);
}

TEST(MetricsTest, ProcessGaugesComeFromProc) {
  const std::string text = Scrape(Metrics());
  for (const char* name :
       {"process_resident_memory_bytes", "process_open_fds", "process_max_fds",
        "process_start_time_seconds", "process_cpu_seconds_total"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("\n", name, " "))) << name;
  }
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
}

TEST(MetricsTest, ConcurrentFirstUsesShareOneSeries) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 500; ++i) {
        Metrics::Method& m = metrics.ForMethod(kGetPlan, Metrics::kUnary);
        m.Started();
        m.Handled(7, "PERMISSION_DENIED", absl::Milliseconds(1));
        metrics.CallOfRole("PARTNER");
        metrics.JobRunFinished("FAILED", absl::Seconds(1));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr("grpc_code=\"PERMISSION_DENIED\",grpc_method="
                              "\"GetPlan\",grpc_service=\"itp.v1.PlanService\","
                              "grpc_type=\"unary\"} 4000\n"));
  EXPECT_THAT(
      text,
      HasSubstr("itp_server_calls_by_role_total{role=\"PARTNER\"} 4000\n"));
  EXPECT_THAT(
      text, HasSubstr("itp_job_runs_finished_total{state=\"FAILED\"} 4000\n"));
}

}  // namespace
}  // namespace itp
