// What the SQLite stores record in the server's metrics: busy retries while
// another process holds the write lock (as a backup or the sqlite3 shell
// does), the statement given up on, and the time of write transactions.
// Real database files; the other process is a second connection through the
// sqlite3 C API.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"
#include "server/common/metrics.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::itp::testing::RawDatabase;
using ::itp::testing::TempDir;
using ::testing::HasSubstr;

std::string Scrape(const Metrics& metrics) {
  return prometheus::TextSerializer().Serialize(metrics.Collect());
}

WriteContext Partner() {
  WriteContext ctx;
  ctx.api_key = "apiKeys/3f9c2a1b7d4e8f60";
  ctx.method = "/itp.v1.PlanService/CreatePlan";
  return ctx;
}

TEST(SqliteMetricsTest, CountsBusyRetriesAndTheStatementGivenUp) {
  TempDir dir;
  Metrics metrics;
  SqliteOptions options;
  options.path = dir.File("itp.db");
  options.pool_size = 2;
  // 300 ms: SQLite's schedule waits 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
  // 50 ms, then the 72 ms left: 12 retries before giving up.
  options.busy_timeout_ms = 300;
  options.metrics = &metrics;
  absl::StatusOr<SqliteStores> stores = OpenSqliteStores(options);
  ASSERT_TRUE(stores.ok()) << stores.status();
  const std::string migrations = Scrape(metrics);

  itp::v1::Plan plan = itp::testing::IndiaSteelPlan();
  plan.set_name("countries/IND/plans/steel-2070");
  {
    RawDatabase other(options.path);
    other.Exec("BEGIN IMMEDIATE");
    absl::StatusOr<itp::v1::Plan> refused =
        stores->plans->CreatePlan(Partner(), plan);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable)
        << refused.status();
    other.Exec("ROLLBACK");
  }
  std::string text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr("\nitp_db_busy_retries_total 12\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_db_busy_errors_total 1\n"));
  // The refused transaction is timed too.
  EXPECT_THAT(text, HasSubstr("\nitp_db_write_transaction_seconds_count 1\n"))
      << migrations;

  absl::StatusOr<itp::v1::Plan> created =
      stores->plans->CreatePlan(Partner(), plan);
  ASSERT_TRUE(created.ok()) << created.status();
  text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr("\nitp_db_busy_retries_total 12\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_db_busy_errors_total 1\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_db_write_transaction_seconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("\nitp_db_write_lock_wait_seconds_count 2\n"));
  // Holding the lock for 300 ms: the refused one took longer than 0.25 s.
  EXPECT_THAT(
      text,
      HasSubstr("itp_db_write_transaction_seconds_bucket{le=\"0.25\"} 1\n"));
}

}  // namespace
}  // namespace itp::storage
