// Tests of KeylessAudit: calls without a valid key are counted per client
// and minute, and written as one row each when the minute has ended, at a
// flush, or at Stop. The audit log is a fake that keeps what it is given;
// the clock is the test's.

#include "server/app/keyless_audit.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace itp::app {
namespace {

using storage::AuditLog;
using storage::WriteContext;

// 2026-11-30T09:00:00Z, the start of a minute.
constexpr int64_t kStart = 1796029200LL * 1000 * 1000;
constexpr int64_t kSecond = 1000 * 1000;

class RecordingAuditLog : public AuditLog {
 public:
  absl::Status Record(const WriteContext&, absl::string_view,
                      const absl::Status&) override {
    ++single_records;
    return absl::OkStatus();
  }
  absl::Status RecordCounted(const std::vector<CountedCalls>& rows) override {
    if (!refuse.ok()) return refuse;
    for (const auto& row : rows) this->rows.push_back(row);
    return absl::OkStatus();
  }
  absl::StatusOr<storage::AuditPage> List(
      const std::optional<domain::FilterExpr>&, int,
      const std::optional<domain::PageCursor>&) override {
    return storage::AuditPage{};
  }
  absl::StatusOr<itp::v1::AuditEvent> Get(int64_t) override {
    return absl::NotFoundError("not recorded here");
  }

  std::vector<CountedCalls> rows;
  int single_records = 0;
  absl::Status refuse;
};

WriteContext From(const std::string& peer,
                  const std::string& method = "/itp.v1.PlanService/GetPlan") {
  WriteContext ctx;
  ctx.peer = peer;
  ctx.method = method;
  return ctx;
}

const absl::Status kNoKey = absl::UnauthenticatedError(
    "The call has no API key: send the metadata header 'authorization: "
    "Bearer <key>'.");

class KeylessAuditTest : public ::testing::Test {
 protected:
  KeylessAudit::Options options_{/*max_clients_per_minute=*/3,
                                 /*flush_every=*/absl::Hours(1)};
  RecordingAuditLog log_;
  int64_t now_ = kStart + 5 * kSecond;
  KeylessAudit audit_{log_, [this] { return now_; }, options_};
};

TEST_F(KeylessAuditTest, AFloodFromOneClientIsOneRowAMinute) {
  for (int i = 0; i < 100000; ++i) audit_.Count(From("ipv4:203.0.113.7"), kNoKey);
  // The minute has not ended: nothing is written yet.
  ASSERT_TRUE(audit_.Flush(false).ok());
  EXPECT_TRUE(log_.rows.empty());
  now_ = kStart + 61 * kSecond;
  for (int i = 0; i < 500; ++i) audit_.Count(From("ipv4:203.0.113.7"), kNoKey);
  ASSERT_TRUE(audit_.Flush(false).ok());
  ASSERT_EQ(log_.rows.size(), 1u);
  EXPECT_EQ(log_.rows[0].count, 100000);
  EXPECT_EQ(log_.rows[0].first_time, kStart + 5 * kSecond);
  EXPECT_EQ(log_.rows[0].ctx.peer, "ipv4:203.0.113.7");
  EXPECT_EQ(log_.rows[0].ctx.method, "/itp.v1.PlanService/GetPlan");
  EXPECT_EQ(log_.rows[0].ctx.api_key, "");
  EXPECT_EQ(log_.rows[0].outcome, kNoKey);
  EXPECT_EQ(audit_.pending(), 1);
  // Stop writes the current minute too.
  audit_.Stop();
  ASSERT_EQ(log_.rows.size(), 2u);
  EXPECT_EQ(log_.rows[1].count, 500);
  EXPECT_EQ(log_.rows[1].first_time, kStart + 61 * kSecond);
  EXPECT_EQ(audit_.pending(), 0);
  EXPECT_EQ(log_.single_records, 0);
}

TEST_F(KeylessAuditTest, EachClientHasItsRowAndSeveralMethodsAreAStar) {
  audit_.Count(From("ipv4:203.0.113.7"), kNoKey);
  audit_.Count(From("ipv4:203.0.113.7", "/itp.v1.PlanService/ListPlans"),
               kNoKey);
  audit_.Count(From("ipv6:[2001:db8::5]"), kNoKey);
  ASSERT_TRUE(audit_.Flush(true).ok());
  ASSERT_EQ(log_.rows.size(), 2u);
  // Rows come in (minute, peer) order.
  EXPECT_EQ(log_.rows[0].ctx.peer, "ipv4:203.0.113.7");
  EXPECT_EQ(log_.rows[0].ctx.method, "*");
  EXPECT_EQ(log_.rows[0].count, 2);
  EXPECT_EQ(log_.rows[1].ctx.peer, "ipv6:[2001:db8::5]");
  EXPECT_EQ(log_.rows[1].ctx.method, "/itp.v1.PlanService/GetPlan");
  EXPECT_EQ(log_.rows[1].count, 1);
}

TEST_F(KeylessAuditTest, ClientsBeyondTheLimitShareOneRow) {
  // Three clients are told apart (the fixture's limit); 97 more share a row.
  for (int i = 1; i <= 100; ++i) {
    audit_.Count(From(absl::StrCat("ipv4:198.51.100.", i)), kNoKey);
    audit_.Count(From(absl::StrCat("ipv4:198.51.100.", i)), kNoKey);
  }
  ASSERT_TRUE(audit_.Flush(true).ok());
  ASSERT_EQ(log_.rows.size(), 4u);
  int64_t shared = 0;
  int separate = 0;
  for (const auto& row : log_.rows) {
    if (row.ctx.peer == kOtherClientsPeer) {
      shared = row.count;
    } else {
      ++separate;
      EXPECT_EQ(row.count, 2) << row.ctx.peer;
    }
  }
  EXPECT_EQ(separate, 3);
  EXPECT_EQ(shared, 97 * 2);
}

TEST_F(KeylessAuditTest, TheLimitStartsAgainEachMinute) {
  for (int i = 1; i <= 5; ++i) {
    audit_.Count(From(absl::StrCat("ipv4:198.51.100.", i)), kNoKey);
  }
  now_ = kStart + 65 * kSecond;
  ASSERT_TRUE(audit_.Flush(false).ok());
  EXPECT_EQ(log_.rows.size(), 4u);  // three clients and the shared row
  audit_.Count(From("ipv4:198.51.100.5"), kNoKey);
  ASSERT_TRUE(audit_.Flush(true).ok());
  ASSERT_EQ(log_.rows.size(), 5u);
  EXPECT_EQ(log_.rows[4].ctx.peer, "ipv4:198.51.100.5");
}

TEST_F(KeylessAuditTest, RowsTheLogRefusesAreKeptForTheNextFlush) {
  audit_.Count(From("ipv4:203.0.113.7"), kNoKey);
  log_.refuse = absl::UnavailableError("database is locked");
  EXPECT_EQ(audit_.Flush(true).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(audit_.pending(), 1);
  log_.refuse = absl::OkStatus();
  audit_.Count(From("ipv4:203.0.113.7"), kNoKey);
  ASSERT_TRUE(audit_.Flush(true).ok());
  ASSERT_EQ(log_.rows.size(), 1u);
  EXPECT_EQ(log_.rows[0].count, 2);
}

TEST_F(KeylessAuditTest, TheBackgroundThreadWritesEndedMinutes) {
  KeylessAudit audit(log_, [this] { return now_; },
                     {/*max_clients_per_minute=*/3,
                      /*flush_every=*/absl::Milliseconds(5)});
  audit.Count(From("ipv4:203.0.113.7"), kNoKey);
  now_ = kStart + 70 * kSecond;
  audit.Start();
  for (int i = 0; i < 2000 && audit.pending() > 0; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(audit.pending(), 0);
  audit.Stop();
  ASSERT_EQ(log_.rows.size(), 1u);
  EXPECT_EQ(log_.rows[0].count, 1);
}

}  // namespace
}  // namespace itp::app
