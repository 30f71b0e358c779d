// Tests of the SQLite JobStore (benchmark jobs, their runs and each run's
// per-plan items) against real database files in a temporary directory, with
// an injected clock. The jobs are those LeadIT's secretariat runs nightly;
// the plans are national steel and cement plans of the domain brief.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark_job.pb.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/storage/job_store.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"
#include "tests/testing/temp_dir.h"

namespace itp::storage {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::testing::TempDir;
using ::itp::v1::BenchmarkJob;
using ::itp::v1::BenchmarkJobResult;
using ::itp::v1::BenchmarkJobRun;
using ::itp::v1::RunChanges;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kCreateJob[] = "/itp.v1.BenchmarkJobService/CreateBenchmarkJob";
constexpr char kRunJob[] = "/itp.v1.BenchmarkJobService/RunBenchmarkJob";
constexpr char kRunnerKey[] = "apiKeys/6d2f80c3a9b1e457";

constexpr char kNightly[] = "benchmarkJobs/nightly-steel-cement";
constexpr char kSteel[] = "benchmarkJobs/weekly-steel-1p5c";

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2050";
constexpr char kVietNamCement[] = "countries/VNM/plans/cement-2050";

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// 2026-03-02T02:00:00Z, when the nightly job starts; every test's clock
// starts here.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 2, 2, 0, 0));

MATCHER_P(EqualsProto, expected,
          std::string(negation ? "differs from " : "equals ") +
              expected.ShortDebugString()) {
  return MessageDifferencer::Equals(arg, expected);
}

void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::string& reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(domain::ErrorReasonOf(status), reason) << status;
}

WriteContext RunnerCtx(absl::string_view method,
                       absl::string_view request_id = "") {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.api_key = kRunnerKey;
  ctx.role = itp::v1::BENCHMARK_RUNNER;
  ctx.request_id = std::string(request_id);
  return ctx;
}

BenchmarkJob NightlyJob() {
  BenchmarkJob job;
  job.set_name(kNightly);
  job.set_display_name("Nightly steel and cement benchmark");
  job.set_filter("sector = IRON_AND_STEEL OR sector = CEMENT");
  return job;
}

BenchmarkJob SteelJob() {
  BenchmarkJob job;
  job.set_name(kSteel);
  job.set_display_name("Weekly steel benchmark against TPI 1.5 Degrees");
  job.set_filter("sector = IRON_AND_STEEL");
  job.add_pathways("pathways/tpi-steel-2022-1p5c");
  for (int year : {2030, 2050}) job.add_checkpoint_years(year);
  job.set_tcre_c_per_1000_gtco2(0.6);
  return job;
}

const std::vector<std::string>& FourPlans() {
  static const auto* plans = new std::vector<std::string>{
      kBrazilSteel, kIndonesiaCement, kIndiaSteel, kVietNamCement};
  return *plans;
}

// A successful result: the plan's revision 1 benchmarked into report
// `report_id`, with its TPI 2022 label for 2030.
BenchmarkJobResult Success(int index, const std::string& plan, int report_id,
                           const std::string& label_2030) {
  BenchmarkJobResult r;
  r.set_index(index);
  r.set_plan(plan);
  r.set_plan_revision(plan + "/revisions/1");
  r.set_report(absl::StrCat(plan, "/benchmarkReports/", report_id));
  auto* label = r.mutable_summary()->add_labels();
  label->set_sector(absl::StrContains(plan, "steel") ? itp::v1::IRON_AND_STEEL
                                                     : itp::v1::CEMENT);
  label->set_family("TPI 2022");
  label->set_year(2030);
  label->set_label(label_2030);
  *r.mutable_finish_time() = TimeUtil::MicrosecondsToTimestamp(kStart);
  return r;
}

BenchmarkJobResult Failure(int index, const std::string& plan,
                           const std::string& error) {
  BenchmarkJobResult r;
  r.set_index(index);
  r.set_plan(plan);
  r.set_error(error);
  *r.mutable_finish_time() = TimeUtil::MicrosecondsToTimestamp(kStart);
  return r;
}

std::vector<int> Indices(const std::vector<BenchmarkJobResult>& results) {
  std::vector<int> indices;
  for (const auto& r : results) indices.push_back(r.index());
  return indices;
}

std::vector<std::pair<int, std::string>> Items(
    const std::vector<PendingItem>& items) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& i : items) out.emplace_back(i.index, i.plan);
  return out;
}

std::vector<std::string> RunNames(const std::vector<BenchmarkJobRun>& runs) {
  std::vector<std::string> names;
  for (const auto& r : runs) names.push_back(r.name());
  return names;
}

class SqliteJobStoreTest : public ::testing::Test {
 protected:
  SqliteJobStoreTest() : path_(dir_.File("itp.db")) {}

  void SetUp() override { Open(); }

  void Open() {
    SqliteOptions options;
    options.path = path_;
    options.pool_size = 4;
    options.busy_timeout_ms = 60000;
    options.now_unix_micros = [this] { return now_.load(); };
    absl::StatusOr<SqliteStores> stores = OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
  }

  // Closes every store and opens the same file again.
  void Reopen() {
    stores_ = SqliteStores();
    Open();
  }

  JobStore& jobs() { return *stores_.jobs; }

  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }
  int64_t Now() const { return now_.load(); }

  BenchmarkJob MustCreateJob(const BenchmarkJob& job) {
    absl::StatusOr<BenchmarkJob> created =
        jobs().CreateJob(RunnerCtx(kCreateJob), job);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : BenchmarkJob();
  }

  BenchmarkJobRun MustCreateRun(const std::string& job,
                                const std::vector<std::string>& plans,
                                const std::string& request_id = "") {
    absl::StatusOr<BenchmarkJobRun> run =
        jobs().CreateRun(RunnerCtx(kRunJob, request_id), job, plans);
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *run : BenchmarkJobRun();
  }

  BenchmarkJobRun MustGetRun(const std::string& name) {
    absl::StatusOr<BenchmarkJobRun> run = jobs().GetRun(name);
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *run : BenchmarkJobRun();
  }

  BenchmarkJobRun MustSetState(const std::string& run,
                               BenchmarkJobRun::State state,
                               absl::string_view reason = "",
                               const RunChanges* changes = nullptr,
                               bool resumed = false) {
    absl::StatusOr<BenchmarkJobRun> updated =
        jobs().SetRunState(run, state, reason, changes, resumed);
    EXPECT_TRUE(updated.ok()) << updated.status();
    return updated.ok() ? *updated : BenchmarkJobRun();
  }

  void MustRecord(const std::string& run, const BenchmarkJobResult& result) {
    absl::Status recorded = jobs().RecordResult(run, result);
    EXPECT_TRUE(recorded.ok()) << recorded;
  }

  std::vector<BenchmarkJobResult> MustResults(const std::string& run,
                                              int start_index, int limit) {
    auto results = jobs().Results(run, start_index, limit);
    EXPECT_TRUE(results.ok()) << results.status();
    return results.ok() ? *results : std::vector<BenchmarkJobResult>();
  }

  std::vector<PendingItem> MustPending(const std::string& run) {
    auto items = jobs().PendingItems(run);
    EXPECT_TRUE(items.ok()) << items.status();
    return items.ok() ? *items : std::vector<PendingItem>();
  }

  // Runs `plans` of `job` to SUCCEEDED, every plan benchmarked.
  BenchmarkJobRun SucceededRun(const std::string& job,
                               const std::vector<std::string>& plans) {
    BenchmarkJobRun run = MustCreateRun(job, plans);
    MustSetState(run.name(), BenchmarkJobRun::RUNNING);
    for (size_t i = 0; i < plans.size(); ++i) {
      MustRecord(run.name(), Success(static_cast<int>(i), plans[i],
                                     static_cast<int>(i) + 1, "Not Aligned"));
    }
    return MustSetState(run.name(), BenchmarkJobRun::SUCCEEDED);
  }

  TempDir dir_;
  std::string path_;
  std::atomic<int64_t> now_{kStart};
  SqliteStores stores_;
};

// ---------------------------------------------------------------------------
// Jobs

TEST_F(SqliteJobStoreTest, CreateJobStoresItWithCreateTime) {
  BenchmarkJob input = SteelJob();
  // Output only: ignored on input.
  input.set_latest_run(absl::StrCat(kSteel, "/runs/99"));

  BenchmarkJob created = MustCreateJob(input);

  BenchmarkJob expected = SteelJob();
  *expected.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(kStart);
  EXPECT_THAT(created, EqualsProto(expected));
  absl::StatusOr<BenchmarkJob> got = jobs().GetJob(kSteel);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, EqualsProto(expected));
  EXPECT_TRUE(got->has_tcre_c_per_1000_gtco2());
  EXPECT_EQ(got->tcre_c_per_1000_gtco2(), 0.6);
}

TEST_F(SqliteJobStoreTest, CreateJobWithTakenNameIsAlreadyExists) {
  MustCreateJob(NightlyJob());
  BenchmarkJob again = NightlyJob();
  again.set_display_name("Nightly benchmark (second copy)");

  absl::StatusOr<BenchmarkJob> created =
      jobs().CreateJob(RunnerCtx(kCreateJob), again);

  ExpectError(created.status(), absl::StatusCode::kAlreadyExists,
              "JOB_ALREADY_EXISTS");
  EXPECT_EQ(jobs().GetJob(kNightly)->display_name(),
            "Nightly steel and cement benchmark");
}

TEST_F(SqliteJobStoreTest, GetMissingJobIsNotFound) {
  ExpectError(jobs().GetJob(kNightly).status(), absl::StatusCode::kNotFound,
              "JOB_NOT_FOUND");
}

TEST_F(SqliteJobStoreTest, ListJobsPagesOldestFirst) {
  BenchmarkJob monthly = NightlyJob();
  monthly.set_name("benchmarkJobs/monthly-all-sectors");
  monthly.set_display_name("Monthly benchmark of every plan");
  monthly.clear_filter();
  MustCreateJob(NightlyJob());
  Advance(absl::Minutes(1));
  MustCreateJob(SteelJob());
  Advance(absl::Minutes(1));
  MustCreateJob(monthly);

  absl::StatusOr<JobPage> first = jobs().ListJobs(2, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->jobs.size(), 2u);
  EXPECT_EQ(first->jobs[0].name(), kNightly);
  EXPECT_EQ(first->jobs[1].name(), kSteel);
  ASSERT_TRUE(first->next.has_value());

  absl::StatusOr<JobPage> second = jobs().ListJobs(2, first->next);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->jobs.size(), 1u);
  EXPECT_EQ(second->jobs[0].name(), "benchmarkJobs/monthly-all-sectors");
  EXPECT_FALSE(second->next.has_value());

  absl::StatusOr<JobPage> all = jobs().ListJobs(10, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->jobs.size(), 3u);
  EXPECT_FALSE(all->next.has_value());
}

// ---------------------------------------------------------------------------
// Runs

TEST_F(SqliteJobStoreTest, CreateRunFixesPlanListAndSetsLatestRun) {
  MustCreateJob(NightlyJob());
  Advance(absl::Hours(1));

  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());

  EXPECT_EQ(run.name(), absl::StrCat(kNightly, "/runs/1"));
  EXPECT_EQ(run.state(), BenchmarkJobRun::PENDING);
  EXPECT_EQ(run.total_plans(), 4);
  EXPECT_EQ(run.succeeded_plans(), 0);
  EXPECT_EQ(run.failed_plans(), 0);
  EXPECT_EQ(run.resumptions(), 0);
  EXPECT_EQ(MicrosOf(run.create_time()), kStart + 3600LL * 1000000);
  EXPECT_FALSE(run.has_start_time());
  EXPECT_FALSE(run.has_end_time());
  EXPECT_THAT(MustGetRun(run.name()), EqualsProto(run));
  EXPECT_EQ(jobs().GetJob(kNightly)->latest_run(), run.name());
  EXPECT_THAT(Items(MustPending(run.name())),
              ElementsAre(std::pair<int, std::string>{0, kBrazilSteel},
                          std::pair<int, std::string>{1, kIndonesiaCement},
                          std::pair<int, std::string>{2, kIndiaSteel},
                          std::pair<int, std::string>{3, kVietNamCement}));
}

TEST_F(SqliteJobStoreTest, CreateRunOfMissingJobIsNotFound) {
  absl::StatusOr<BenchmarkJobRun> run =
      jobs().CreateRun(RunnerCtx(kRunJob), kNightly, FourPlans());
  ExpectError(run.status(), absl::StatusCode::kNotFound, "JOB_NOT_FOUND");
}

TEST_F(SqliteJobStoreTest, CountRunsCountsEachState) {
  using Counts = std::vector<std::pair<BenchmarkJobRun::State, int64_t>>;
  absl::StatusOr<Counts> none = jobs().CountRuns();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(*none, IsEmpty());

  MustCreateJob(NightlyJob());
  MustCreateJob(SteelJob());
  for (int i = 0; i < 3; ++i) {
    BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
    MustSetState(run.name(), BenchmarkJobRun::RUNNING);
    MustSetState(run.name(), BenchmarkJobRun::SUCCEEDED);
  }
  BenchmarkJobRun failed = MustCreateRun(kSteel, FourPlans());
  MustSetState(failed.name(), BenchmarkJobRun::RUNNING);
  MustSetState(failed.name(), BenchmarkJobRun::FAILED, "pathway missing");
  MustCreateRun(kSteel, FourPlans());    // PENDING
  MustCreateRun(kNightly, FourPlans());  // PENDING

  absl::StatusOr<Counts> counts = jobs().CountRuns();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(*counts, (Counts{{BenchmarkJobRun::PENDING, 2},
                             {BenchmarkJobRun::SUCCEEDED, 3},
                             {BenchmarkJobRun::FAILED, 1}}));
}

TEST_F(SqliteJobStoreTest, CreateRunWithNoPlansIsAllowed) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, {});
  EXPECT_EQ(run.total_plans(), 0);
  EXPECT_THAT(MustPending(run.name()), IsEmpty());
  EXPECT_THAT(MustResults(run.name(), 0, 100), IsEmpty());
}

TEST_F(SqliteJobStoreTest, SecondRunWhileOneIsUnfinishedIsFailedPrecondition) {
  MustCreateJob(NightlyJob());
  MustCreateJob(SteelJob());
  BenchmarkJobRun first = MustCreateRun(kNightly, FourPlans());

  // PENDING.
  absl::StatusOr<BenchmarkJobRun> second =
      jobs().CreateRun(RunnerCtx(kRunJob), kNightly, FourPlans());
  ExpectError(second.status(), absl::StatusCode::kFailedPrecondition,
              "RUN_IN_PROGRESS");
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr(first.name()));

  // RUNNING.
  MustSetState(first.name(), BenchmarkJobRun::RUNNING);
  second = jobs().CreateRun(RunnerCtx(kRunJob), kNightly, FourPlans());
  ExpectError(second.status(), absl::StatusCode::kFailedPrecondition,
              "RUN_IN_PROGRESS");
  EXPECT_EQ(jobs().GetJob(kNightly)->latest_run(), first.name());

  // Another job is not held up.
  BenchmarkJobRun steel = MustCreateRun(kSteel, {kBrazilSteel, kIndiaSteel});
  EXPECT_EQ(steel.state(), BenchmarkJobRun::PENDING);

  // Once the run has finished (even FAILED), the next one may start.
  MustSetState(first.name(), BenchmarkJobRun::FAILED,
               "database is locked (UNAVAILABLE)");
  BenchmarkJobRun next = MustCreateRun(kNightly, {kIndiaSteel});
  EXPECT_NE(next.name(), first.name());
  EXPECT_EQ(jobs().GetJob(kNightly)->latest_run(), next.name());
}

TEST_F(SqliteJobStoreTest, CreateRunReplaysRequestId) {
  MustCreateJob(NightlyJob());
  const std::string kRequestId = "5b0d4e8a-3c71-4f26-9a1e-d82c7b9f6e03";
  BenchmarkJobRun first = MustCreateRun(kNightly, FourPlans(), kRequestId);
  Advance(absl::Seconds(30));

  // The retry of a call whose answer was lost: the same run, no
  // RUN_IN_PROGRESS, and no second run or items.
  BenchmarkJobRun retried = MustCreateRun(kNightly, FourPlans(), kRequestId);
  EXPECT_THAT(retried, EqualsProto(first));
  absl::StatusOr<RunPage> runs = jobs().ListRuns(kNightly, 10, std::nullopt);
  ASSERT_TRUE(runs.ok()) << runs.status();
  EXPECT_THAT(RunNames(runs->runs), ElementsAre(first.name()));
  EXPECT_EQ(MustPending(first.name()).size(), 4u);

  // The same request id on another job is a client bug.
  MustCreateJob(SteelJob());
  absl::StatusOr<BenchmarkJobRun> misused =
      jobs().CreateRun(RunnerCtx(kRunJob, kRequestId), kSteel, {kIndiaSteel});
  EXPECT_EQ(misused.status().code(), absl::StatusCode::kInvalidArgument)
      << misused.status();
  EXPECT_EQ(jobs().GetJob(kSteel)->latest_run(), "");
}

TEST_F(SqliteJobStoreTest, ListRunsNewestFirstAndPages) {
  MustCreateJob(NightlyJob());
  MustCreateJob(SteelJob());
  BenchmarkJobRun r1 = SucceededRun(kNightly, FourPlans());
  BenchmarkJobRun other = MustCreateRun(kSteel, {kIndiaSteel});
  BenchmarkJobRun r2 = SucceededRun(kNightly, FourPlans());
  BenchmarkJobRun r3 = MustCreateRun(kNightly, FourPlans());

  absl::StatusOr<RunPage> first = jobs().ListRuns(kNightly, 2, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(RunNames(first->runs), ElementsAre(r3.name(), r2.name()));
  ASSERT_TRUE(first->next.has_value());
  absl::StatusOr<RunPage> second = jobs().ListRuns(kNightly, 2, first->next);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(RunNames(second->runs), ElementsAre(r1.name()));
  EXPECT_FALSE(second->next.has_value());

  ExpectError(
      jobs().ListRuns("benchmarkJobs/never-created", 10, std::nullopt).status(),
      absl::StatusCode::kNotFound, "JOB_NOT_FOUND");
}

TEST_F(SqliteJobStoreTest, GetRunChecksTheWholeName) {
  MustCreateJob(NightlyJob());
  MustCreateJob(SteelJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  ASSERT_EQ(run.name(), absl::StrCat(kNightly, "/runs/1"));

  // The same run id under another job, and an id never used.
  ExpectError(jobs().GetRun(absl::StrCat(kSteel, "/runs/1")).status(),
              absl::StatusCode::kNotFound, "RUN_NOT_FOUND");
  ExpectError(jobs().GetRun(absl::StrCat(kNightly, "/runs/2")).status(),
              absl::StatusCode::kNotFound, "RUN_NOT_FOUND");
}

// ---------------------------------------------------------------------------
// Results

TEST_F(SqliteJobStoreTest, RecordResultCountsSucceededAndFailedPlans) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  MustSetState(run.name(), BenchmarkJobRun::RUNNING);

  MustRecord(run.name(), Success(0, kBrazilSteel, 11, "Below 2 Degrees"));
  MustRecord(run.name(),
             Failure(1, kIndonesiaCement,
                     "Plan countries/IDN/plans/cement-2060 does not exist."));
  MustRecord(run.name(), Success(2, kIndiaSteel, 12, "Not Aligned"));

  BenchmarkJobRun got = MustGetRun(run.name());
  EXPECT_EQ(got.succeeded_plans(), 2);
  EXPECT_EQ(got.failed_plans(), 1);
  EXPECT_EQ(got.total_plans(), 4);
  EXPECT_EQ(got.state(), BenchmarkJobRun::RUNNING);
  EXPECT_THAT(Items(MustPending(run.name())),
              ElementsAre(std::pair<int, std::string>{3, kVietNamCement}));
  std::vector<BenchmarkJobResult> results = MustResults(run.name(), 0, 10);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_THAT(results[0],
              EqualsProto(Success(0, kBrazilSteel, 11, "Below 2 Degrees")));
  EXPECT_EQ(results[1].error(),
            "Plan countries/IDN/plans/cement-2060 does not exist.");
}

TEST_F(SqliteJobStoreTest, DuplicateRecordAfterResumptionDoesNotCountTwice) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  MustSetState(run.name(), BenchmarkJobRun::RUNNING);
  MustRecord(run.name(), Success(0, kBrazilSteel, 11, "Below 2 Degrees"));
  MustRecord(run.name(), Failure(1, kIndonesiaCement, "database is locked"));

  // A resumed run benchmarks a plan again whose result had been stored just
  // before the crash: the first record stands and nothing is counted twice.
  MustRecord(run.name(), Success(0, kBrazilSteel, 13, "Below 2 Degrees"));
  MustRecord(run.name(), Success(1, kIndonesiaCement, 14, "National Pledges"));

  BenchmarkJobRun got = MustGetRun(run.name());
  EXPECT_EQ(got.succeeded_plans(), 1);
  EXPECT_EQ(got.failed_plans(), 1);
  std::vector<BenchmarkJobResult> results = MustResults(run.name(), 0, 10);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].report(),
            absl::StrCat(kBrazilSteel, "/benchmarkReports/11"));
  EXPECT_EQ(results[1].error(), "database is locked");
}

TEST_F(SqliteJobStoreTest, RecordResultOfMissingRunIsNotFound) {
  MustCreateJob(NightlyJob());
  absl::Status recorded =
      jobs().RecordResult(absl::StrCat(kNightly, "/runs/7"),
                          Success(0, kIndiaSteel, 1, "Not Aligned"));
  ExpectError(recorded, absl::StatusCode::kNotFound, "RUN_NOT_FOUND");
}

TEST_F(SqliteJobStoreTest, ResultsStopAtTheFirstUnfinishedItem) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  MustSetState(run.name(), BenchmarkJobRun::RUNNING);
  // Recorded out of order: 0, 1 and 3; 2 is still to do.
  MustRecord(run.name(), Success(0, kBrazilSteel, 11, "Below 2 Degrees"));
  MustRecord(run.name(), Success(3, kVietNamCement, 12, "Not Aligned"));
  MustRecord(run.name(), Success(1, kIndonesiaCement, 13, "National Pledges"));

  EXPECT_THAT(Indices(MustResults(run.name(), 0, 10)), ElementsAre(0, 1));
  EXPECT_THAT(Indices(MustResults(run.name(), 1, 10)), ElementsAre(1));
  EXPECT_THAT(MustResults(run.name(), 2, 10), IsEmpty());
  EXPECT_THAT(Indices(MustResults(run.name(), 3, 10)), ElementsAre(3));
  EXPECT_THAT(MustResults(run.name(), 4, 10), IsEmpty());
  // At most `limit`.
  EXPECT_THAT(Indices(MustResults(run.name(), 0, 1)), ElementsAre(0));

  MustRecord(run.name(), Success(2, kIndiaSteel, 14, "Not Aligned"));
  EXPECT_THAT(Indices(MustResults(run.name(), 0, 10)), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(Indices(MustResults(run.name(), 2, 10)), ElementsAre(2, 3));
}

// ---------------------------------------------------------------------------
// States

TEST_F(SqliteJobStoreTest, SetRunStateSetsStartAndEndTimes) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  Advance(absl::Seconds(2));
  const int64_t started = Now();

  BenchmarkJobRun running = MustSetState(run.name(), BenchmarkJobRun::RUNNING);
  EXPECT_EQ(running.state(), BenchmarkJobRun::RUNNING);
  EXPECT_EQ(MicrosOf(running.start_time()), started);
  EXPECT_FALSE(running.has_end_time());
  EXPECT_EQ(running.resumptions(), 0);

  // Resumed after a restart: the start time stays, the resumption counts.
  Advance(absl::Minutes(5));
  BenchmarkJobRun resumed = MustSetState(run.name(), BenchmarkJobRun::RUNNING,
                                         "", nullptr, /*resumed=*/true);
  EXPECT_EQ(MicrosOf(resumed.start_time()), started);
  EXPECT_EQ(resumed.resumptions(), 1);

  RunChanges changes;
  changes.set_previous_run(absl::StrCat(kNightly, "/runs/0"));
  auto* label = changes.add_label_changes();
  label->set_plan(kIndiaSteel);
  label->set_sector(itp::v1::IRON_AND_STEEL);
  label->set_family("TPI 2022");
  label->set_year(2030);
  label->set_old_label("Not Aligned");
  label->set_new_label("Below 2 Degrees");
  changes.add_plans_added(kVietNamCement);
  Advance(absl::Seconds(40));
  const int64_t ended = Now();
  BenchmarkJobRun done =
      MustSetState(run.name(), BenchmarkJobRun::SUCCEEDED, "", &changes);
  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(MicrosOf(done.start_time()), started);
  EXPECT_EQ(MicrosOf(done.end_time()), ended);
  EXPECT_EQ(done.reason(), "");
  EXPECT_THAT(done.changes(), EqualsProto(changes));
  EXPECT_EQ(done.resumptions(), 1);
  EXPECT_THAT(MustGetRun(run.name()), EqualsProto(done));
}

TEST_F(SqliteJobStoreTest, CancellingPendingRunEndsItWithReason) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  Advance(absl::Seconds(3));

  BenchmarkJobRun cancelled =
      MustSetState(run.name(), BenchmarkJobRun::CANCELLED,
                   "Cancelled by apiKeys/a1b2c3d4e5f60718.");

  EXPECT_EQ(cancelled.state(), BenchmarkJobRun::CANCELLED);
  EXPECT_EQ(cancelled.reason(), "Cancelled by apiKeys/a1b2c3d4e5f60718.");
  EXPECT_FALSE(cancelled.has_start_time());
  EXPECT_EQ(MicrosOf(cancelled.end_time()), kStart + 3 * 1000000LL);
}

TEST_F(SqliteJobStoreTest, FinishedRunDoesNotChangeAnyMore) {
  MustCreateJob(NightlyJob());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  MustSetState(run.name(), BenchmarkJobRun::RUNNING);
  Advance(absl::Seconds(10));
  BenchmarkJobRun cancelled =
      MustSetState(run.name(), BenchmarkJobRun::CANCELLED,
                   "Cancelled by apiKeys/a1b2c3d4e5f60718.");
  Advance(absl::Seconds(10));

  RunChanges changes;
  changes.add_plans_added(kIndiaSteel);
  // A worker that finishes after the cancellation, and a resumption.
  for (BenchmarkJobRun::State state :
       {BenchmarkJobRun::SUCCEEDED, BenchmarkJobRun::FAILED,
        BenchmarkJobRun::RUNNING}) {
    BenchmarkJobRun after = MustSetState(run.name(), state, "late", &changes,
                                         /*resumed=*/true);
    EXPECT_THAT(after, EqualsProto(cancelled));
  }
  EXPECT_THAT(MustGetRun(run.name()), EqualsProto(cancelled));
}

TEST_F(SqliteJobStoreTest, UnfinishedRunsAreThePendingAndRunningOnes) {
  BenchmarkJob monthly = NightlyJob();
  monthly.set_name("benchmarkJobs/monthly-all-sectors");
  monthly.set_display_name("Monthly benchmark of every plan");
  MustCreateJob(NightlyJob());
  MustCreateJob(SteelJob());
  MustCreateJob(monthly);
  SucceededRun(kNightly, FourPlans());
  BenchmarkJobRun running = MustCreateRun(kSteel, {kIndiaSteel, kBrazilSteel});
  MustSetState(running.name(), BenchmarkJobRun::RUNNING);
  BenchmarkJobRun pending = MustCreateRun(kNightly, FourPlans());
  BenchmarkJobRun cancelled = MustCreateRun(monthly.name(), FourPlans());
  MustSetState(cancelled.name(), BenchmarkJobRun::CANCELLED, "Cancelled.");

  absl::StatusOr<std::vector<BenchmarkJobRun>> unfinished =
      jobs().UnfinishedRuns();

  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  // Oldest first.
  EXPECT_THAT(RunNames(*unfinished),
              ElementsAre(running.name(), pending.name()));
  EXPECT_EQ((*unfinished)[0].state(), BenchmarkJobRun::RUNNING);
  EXPECT_EQ((*unfinished)[1].state(), BenchmarkJobRun::PENDING);
}

TEST_F(SqliteJobStoreTest, PreviousSucceededRunSkipsFailedAndOtherJobs) {
  MustCreateJob(NightlyJob());
  MustCreateJob(SteelJob());
  BenchmarkJobRun r1 = SucceededRun(kNightly, FourPlans());
  BenchmarkJobRun steel = SucceededRun(kSteel, {kIndiaSteel});
  BenchmarkJobRun failed = MustCreateRun(kNightly, FourPlans());
  MustSetState(failed.name(), BenchmarkJobRun::FAILED, "disk I/O error");
  BenchmarkJobRun cancelled = MustCreateRun(kNightly, FourPlans());
  MustSetState(cancelled.name(), BenchmarkJobRun::CANCELLED, "Cancelled.");
  BenchmarkJobRun current = MustCreateRun(kNightly, FourPlans());

  auto previous = jobs().PreviousSucceededRun(current.name());
  ASSERT_TRUE(previous.ok()) << previous.status();
  ASSERT_TRUE(previous->has_value());
  EXPECT_EQ((*previous)->name(), r1.name());
  EXPECT_EQ((*previous)->state(), BenchmarkJobRun::SUCCEEDED);

  // The first run of a job has none, even when other jobs have.
  auto none = jobs().PreviousSucceededRun(r1.name());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  auto of_steel = jobs().PreviousSucceededRun(steel.name());
  ASSERT_TRUE(of_steel.ok()) << of_steel.status();
  EXPECT_FALSE(of_steel->has_value());

  // Once the current run has succeeded, the next one compares with it.
  MustSetState(current.name(), BenchmarkJobRun::RUNNING);
  MustSetState(current.name(), BenchmarkJobRun::SUCCEEDED);
  BenchmarkJobRun next = MustCreateRun(kNightly, FourPlans());
  auto latest = jobs().PreviousSucceededRun(next.name());
  ASSERT_TRUE(latest.ok()) << latest.status();
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->name(), current.name());
}

TEST_F(SqliteJobStoreTest, JobsRunsAndResultsSurviveReopen) {
  BenchmarkJob job = MustCreateJob(NightlyJob());
  BenchmarkJobRun previous = SucceededRun(kNightly, FourPlans());
  BenchmarkJobRun run = MustCreateRun(kNightly, FourPlans());
  MustSetState(run.name(), BenchmarkJobRun::RUNNING);
  MustRecord(run.name(), Success(0, kBrazilSteel, 21, "Below 2 Degrees"));
  MustRecord(run.name(), Failure(1, kIndonesiaCement, "database is locked"));
  const BenchmarkJobRun before = MustGetRun(run.name());
  const std::vector<BenchmarkJobResult> results_before =
      MustResults(run.name(), 0, 10);

  // As after a crash: the run is still RUNNING in the file.
  Reopen();

  absl::StatusOr<BenchmarkJob> got = jobs().GetJob(kNightly);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->display_name(), job.display_name());
  EXPECT_EQ(got->latest_run(), run.name());
  EXPECT_THAT(MustGetRun(run.name()), EqualsProto(before));
  EXPECT_THAT(MustGetRun(previous.name()), EqualsProto(previous));
  std::vector<BenchmarkJobResult> results_after =
      MustResults(run.name(), 0, 10);
  ASSERT_EQ(results_after.size(), results_before.size());
  for (size_t i = 0; i < results_after.size(); ++i) {
    EXPECT_THAT(results_after[i], EqualsProto(results_before[i]));
  }
  auto unfinished = jobs().UnfinishedRuns();
  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  EXPECT_THAT(RunNames(*unfinished), ElementsAre(run.name()));
  EXPECT_THAT(Items(MustPending(run.name())),
              ElementsAre(std::pair<int, std::string>{2, kIndiaSteel},
                          std::pair<int, std::string>{3, kVietNamCement}));

  // The resumed run goes on where it stopped.
  MustSetState(run.name(), BenchmarkJobRun::RUNNING, "", nullptr, true);
  MustRecord(run.name(), Success(2, kIndiaSteel, 22, "Not Aligned"));
  MustRecord(run.name(), Success(3, kVietNamCement, 23, "Not Aligned"));
  BenchmarkJobRun done = MustSetState(run.name(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(done.succeeded_plans(), 3);
  EXPECT_EQ(done.failed_plans(), 1);
  EXPECT_EQ(done.resumptions(), 1);
  // A job's runs go on numbering after the reopen.
  BenchmarkJobRun third = MustCreateRun(kNightly, FourPlans());
  EXPECT_EQ(third.name(), absl::StrCat(kNightly, "/runs/3"));
}

}  // namespace
}  // namespace itp::storage
