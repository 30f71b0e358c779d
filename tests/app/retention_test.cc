// Tests of the background retention thread: RetentionRunner over a fake
// store (when passes run, what they are told, how Stop ends them), the flag
// checks, and the whole application over a real SQLite file, whose pass at
// start-up deletes what calls left behind long ago. Passes are awaited with
// generous deadlines that only guard against a hang; nothing is timed.

#include "server/app/retention.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "server/storage/retention_store.h"
#include "tests/testing/app_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::app {
namespace {

using storage::RetentionCounts;
using storage::RetentionPolicy;
using ::testing::ElementsAre;

// Generous: only a broken runner takes this long.
constexpr absl::Duration kDeadline = absl::Minutes(2);

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

// 2026-03-01T00:00:00Z.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 0, 0, 0));

// Records every pass it is asked for; optionally holds one open, asking
// between_batches until it says stop.
class FakeRetentionStore : public storage::RetentionStore {
 public:
  absl::StatusOr<RetentionCounts> ApplyRetention(
      const RetentionPolicy& policy, absl::Time now,
      const std::function<bool()>& between_batches) override {
    {
      absl::MutexLock lock(&mu_);
      policies_.push_back(policy);
      times_.push_back(now);
    }
    if (!entered_.HasBeenNotified()) entered_.Notify();
    if (!result_.ok()) return result_;
    RetentionCounts counts = counts_;
    if (hold_) {
      // One batch done; more while between_batches lets it go on.
      while (between_batches()) ++counts.transactions;
      counts.complete = false;
      absl::MutexLock lock(&mu_);
      stopped_between_batches_ = true;
    }
    return counts;
  }

  int calls() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(times_.size());
  }
  std::vector<absl::Time> times() const {
    absl::MutexLock lock(&mu_);
    return times_;
  }
  std::vector<RetentionPolicy> policies() const {
    absl::MutexLock lock(&mu_);
    return policies_;
  }
  bool stopped_between_batches() const {
    absl::MutexLock lock(&mu_);
    return stopped_between_batches_;
  }

  // Set before the runner starts.
  RetentionCounts counts_;
  absl::Status result_;
  bool hold_ = false;
  absl::Notification entered_;

 private:
  mutable absl::Mutex mu_;
  std::vector<RetentionPolicy> policies_;
  std::vector<absl::Time> times_;
  bool stopped_between_batches_ = false;
};

RetentionOptions AtOnce() {
  RetentionOptions options;
  options.first_pass_delay = absl::ZeroDuration();
  return options;
}

// ---------------------------------------------------------------------------
// Flags

TEST(RetentionOptionsTest, DefaultsAreValid) {
  EXPECT_TRUE(ValidateRetentionOptions(RetentionOptions()).ok());
  RetentionOptions smallest;
  smallest.request_id_retention_days = 1;
  smallest.denied_audit_retention_days = 0;
  smallest.superseded_report_retention_days = 0;
  smallest.retention_interval_minutes = 1;
  EXPECT_TRUE(ValidateRetentionOptions(smallest).ok());
}

TEST(RetentionOptionsTest, EachValueOutOfBoundsIsRejectedNamingItsFlag) {
  struct Case {
    std::function<void(RetentionOptions&)> set;
    std::string flag;
  };
  const std::vector<Case> cases = {
      {[](RetentionOptions& o) { o.request_id_retention_days = 0; },
       "--request_id_retention_days must be at least 1 (got 0)"},
      {[](RetentionOptions& o) { o.request_id_retention_days = -7; },
       "--request_id_retention_days must be at least 1 (got -7)"},
      {[](RetentionOptions& o) { o.denied_audit_retention_days = -1; },
       "--denied_audit_retention_days must not be negative (got -1)"},
      {[](RetentionOptions& o) { o.superseded_report_retention_days = -30; },
       "--superseded_report_retention_days must not be negative (got -30)"},
      {[](RetentionOptions& o) { o.retention_interval_minutes = 0; },
       "--retention_interval_minutes must be at least 1 (got 0)"},
  };
  for (const Case& c : cases) {
    RetentionOptions options;
    c.set(options);
    absl::Status s = ValidateRetentionOptions(options);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.flag;
    EXPECT_TRUE(absl::StartsWith(s.message(), c.flag)) << s;
  }
}

TEST(RetentionOptionsTest, ZeroDaysKeepForEver) {
  RetentionOptions options;
  options.request_id_retention_days = 2;
  options.denied_audit_retention_days = 0;
  options.superseded_report_retention_days = 0;
  RetentionPolicy policy = RetentionPolicyOf(options);
  EXPECT_EQ(policy.request_ids, absl::Hours(48));
  EXPECT_EQ(policy.denied_audit, absl::InfiniteDuration());
  EXPECT_EQ(policy.superseded_reports, absl::InfiniteDuration());
  EXPECT_EQ(policy.batch_rows, 1000);

  policy = RetentionPolicyOf(RetentionOptions());
  EXPECT_EQ(policy.request_ids, absl::Hours(7 * 24));
  EXPECT_EQ(policy.denied_audit, absl::Hours(30 * 24));
  EXPECT_EQ(policy.superseded_reports, absl::Hours(30 * 24));
}

// ---------------------------------------------------------------------------
// RetentionRunner

TEST(RetentionRunnerTest, APassRunsAtStartUpAndStopEndsTheWaitForTheNext) {
  FakeRetentionStore store;
  store.counts_.request_ids = 12;
  store.counts_.audit_events = 340;
  store.counts_.benchmark_reports = 5;
  store.counts_.transactions = 3;
  // The default interval: the second pass would be an hour away.
  RetentionRunner runner(
      store, [] { return kStart; }, AtOnce());

  runner.Start();
  ASSERT_TRUE(runner.AwaitPasses(1, kDeadline));

  EXPECT_EQ(store.calls(), 1);
  EXPECT_THAT(store.times(), ElementsAre(absl::FromUnixMicros(kStart)));
  EXPECT_EQ(store.policies()[0].request_ids, absl::Hours(7 * 24));
  EXPECT_EQ(runner.last_counts().total(), 357);
  // Stop does not wait for the hour to pass (the test would time out).
  runner.Stop();
  EXPECT_EQ(store.calls(), 1);
  EXPECT_EQ(runner.passes(), 1);
  runner.Stop();  // idempotent
}

TEST(RetentionRunnerTest, StopEndsAPassInProgressBeforeItsNextBatch) {
  FakeRetentionStore store;
  store.hold_ = true;
  RetentionOptions options = AtOnce();
  // A pause long enough that only Stop can end it.
  options.pause_between_batches = absl::Hours(1);
  RetentionRunner runner(
      store, [] { return kStart; }, options);

  runner.Start();
  ASSERT_TRUE(store.entered_.WaitForNotificationWithTimeout(kDeadline));
  runner.Stop();

  EXPECT_TRUE(store.stopped_between_batches());
  EXPECT_EQ(store.calls(), 1);
  EXPECT_EQ(runner.passes(), 1);
  EXPECT_FALSE(runner.last_counts().complete);
}

TEST(RetentionRunnerTest, AFailedPassIsCountedAndChangesNothing) {
  FakeRetentionStore store;
  store.result_ = absl::UnavailableError(
      "The database is busy; retry the call in a moment.");
  RetentionRunner runner(
      store, [] { return kStart; }, AtOnce());

  runner.Start();
  ASSERT_TRUE(runner.AwaitPasses(1, kDeadline));
  runner.Stop();

  EXPECT_EQ(runner.passes(), 1);
  EXPECT_EQ(runner.last_counts().total(), 0);
  EXPECT_EQ(runner.RunOnce().status().code(), absl::StatusCode::kUnavailable);
}

TEST(RetentionRunnerTest, WithoutStartNothingRuns) {
  FakeRetentionStore store;
  {
    RetentionRunner runner(
        store, [] { return kStart; }, AtOnce());
  }
  EXPECT_EQ(store.calls(), 0);
}

// ---------------------------------------------------------------------------
// The application

class RetentionAppTest : public ::testing::Test {
 protected:
  static void AtOnceAndDefaults(ApplicationOptions& options) {
    options.retention.first_pass_delay = absl::ZeroDuration();
  }

  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }

  std::atomic<int64_t> now_{kStart};
  std::unique_ptr<testing::AppHarness> harness_ =
      std::make_unique<testing::AppHarness>([this] { return now_.load(); });
};

TEST_F(RetentionAppTest, BadRetentionFlagsStopTheStart) {
  absl::Status opened = harness_->Open([](ApplicationOptions& options) {
    options.retention.request_id_retention_days = 0;
  });
  EXPECT_EQ(opened.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(opened.message(),
                                "--request_id_retention_days must be at least "
                                "1"))
      << opened;
}

TEST_F(RetentionAppTest,
       TheServerDeletesExpiredRowsAtStartUpAndStopsAtShutdown) {
  // First start, day 0: nothing has expired; the pass at start-up finds
  // nothing.
  ASSERT_TRUE(harness_->Open(AtOnceAndDefaults).ok());
  ASSERT_TRUE(harness_->app().retention().AwaitPasses(1, kDeadline));
  EXPECT_EQ(harness_->app().retention().last_counts().total(), 0);

  // India creates its steel plan with a request id (a change and a request
  // id); Brazil is denied a read of the draft (a denied read) and an edit of
  // it (a denied change); a client without a key reads it (a keyless row).
  testing::AppHarness::Key india = harness_->CreatePartner("IND");
  testing::AppHarness::Key brazil = harness_->CreatePartner("BRA");
  auto created = harness_->app().plans().CreatePlan(
      india.caller, testing::IndiaSteelCreateRequest());
  ASSERT_TRUE(created.ok()) << created.status();
  itp::v1::GetPlanRequest get;
  get.set_name(created->name());
  EXPECT_EQ(harness_->app().plans().GetPlan(brazil.caller, get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      testing::EditIndia2030Intensity(*harness_, brazil.caller).status().code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      harness_->app().plans().GetPlan(harness_->NoKey(), get).status().code(),
      absl::StatusCode::kUnauthenticated);
  ASSERT_TRUE(harness_->app().keyless_audit().Flush(true).ok());
  auto events = harness_->stores().audit->List(std::nullopt, 100, {});
  ASSERT_TRUE(events.ok()) << events.status();
  // The bootstrap key, two partner keys, the plan, three failures.
  const size_t before = events->events.size();
  ASSERT_EQ(before, 7u);

  // Forty days later the server starts again; its pass at start-up deletes
  // the request id, the denied read and the keyless row.
  Advance(absl::Hours(24 * 40));
  ASSERT_TRUE(harness_->Open(AtOnceAndDefaults).ok());
  RetentionRunner& retention = harness_->app().retention();
  ASSERT_TRUE(retention.AwaitPasses(1, kDeadline));

  RetentionCounts counts = retention.last_counts();
  EXPECT_EQ(counts.request_ids, 1);
  EXPECT_EQ(counts.audit_events, 2);
  EXPECT_EQ(counts.benchmark_reports, 0);
  EXPECT_TRUE(counts.complete);
  events = harness_->stores().audit->List(std::nullopt, 100, {});
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<std::string> kept;
  for (const auto& e : events->events) {
    kept.push_back(absl::StrCat(e.method(), " ", e.code()));
  }
  EXPECT_THAT(kept,
              ElementsAre("/itp.v1.PlanService/UpdatePlan PERMISSION_DENIED",
                          "/itp.v1.PlanService/CreatePlan OK",
                          "/itp.v1.AdminService/CreateApiKey OK",
                          "/itp.v1.AdminService/CreateApiKey OK",
                          "itp-server/bootstrap OK"));
  // The plan stays; its creation, retried now, is no longer recognised.
  EXPECT_EQ(harness_->app()
                .plans()
                .CreatePlan(india.caller, testing::IndiaSteelCreateRequest())
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);

  // Shutdown ends the thread while it waits an hour for its next pass.
  harness_.reset();
}

}  // namespace
}  // namespace itp::app
