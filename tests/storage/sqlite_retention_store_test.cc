// Tests of the SQLite RetentionStore against real database files in a
// temporary directory. Rows are written through the stores with an injected
// clock (so they carry the ages the tests give them), then retention runs at
// a `now` the test passes; nothing sleeps. Counts are exact: what each pass
// deleted, and what each table holds afterwards.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_job.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/plan_lifecycle.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/job_store.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/retention_store.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::testing::RawDatabase;
using ::itp::testing::TempDir;
using ::itp::v1::AuditEvent;
using ::itp::v1::BenchmarkJob;
using ::itp::v1::BenchmarkJobResult;
using ::itp::v1::BenchmarkJobRun;
using ::itp::v1::BenchmarkReport;
using ::itp::v1::Plan;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Full RPC methods, as the application layer passes them.
constexpr char kCreatePlan[] = "/itp.v1.PlanService/CreatePlan";
constexpr char kUpdatePlan[] = "/itp.v1.PlanService/UpdatePlan";
constexpr char kSubmitPlan[] = "/itp.v1.PlanService/SubmitPlan";
constexpr char kStartReview[] = "/itp.v1.ReviewService/StartReview";
constexpr char kCompleteReview[] = "/itp.v1.ReviewService/CompleteReview";
constexpr char kGetPlan[] = "/itp.v1.PlanService/GetPlan";
constexpr char kListPlans[] = "/itp.v1.PlanService/ListPlans";
constexpr char kWatchPlanEvents[] = "/itp.v1.ReviewService/WatchPlanEvents";
constexpr char kGetBenchmarkReport[] =
    "/itp.v1.BenchmarkService/GetBenchmarkReport";
constexpr char kBenchmarkPlan[] = "/itp.v1.BenchmarkService/BenchmarkPlan";
constexpr char kCreateJob[] = "/itp.v1.BenchmarkJobService/CreateBenchmarkJob";
constexpr char kRunJob[] = "/itp.v1.BenchmarkJobService/RunBenchmarkJob";

constexpr char kIndiaPartnerKey[] = "apiKeys/3f9c2a1b7d4e8f60";
constexpr char kBrazilPartnerKey[] = "apiKeys/b7a3019e4c2d58f1";
constexpr char kReviewerKey[] = "apiKeys/9c41e07b2d5a6f18";
constexpr char kRunnerKey[] = "apiKeys/6d2f80c3a9b1e457";
constexpr char kPeer[] = "ipv4:203.0.113.7";

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndiaCement[] = "countries/IND/plans/cement-2060";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2050";
constexpr char kBrazilCement[] = "countries/BRA/plans/cement-2050";

// Request ids (UUIDs, lower case as the application passes them).
constexpr char kIndiaSteelCreateId[] = "0f8c2e1a-3b4d-4c5e-9f6a-7b8c9d0e1f2a";
constexpr char kBrazilSteelCreateId[] = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
constexpr char kIndiaSteelSubmitId[] = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
constexpr char kBrazilCementCreateId[] = "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f";
constexpr char kBenchmarkRequestId[] = "6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c";

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

// 2026-03-01T00:00:00Z: day 0 of every test.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 0, 0, 0));

absl::Time Day(int day) {
  return absl::FromUnixMicros(kStart) + absl::Hours(24) * day;
}

MATCHER_P(EqualsProto, expected,
          std::string(negation ? "differs from " : "equals ") +
              expected.ShortDebugString()) {
  return MessageDifferencer::Equals(arg, expected);
}

WriteContext Ctx(absl::string_view method, absl::string_view api_key,
                 itp::v1::Role role, absl::string_view request_id = "") {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.api_key = std::string(api_key);
  ctx.role = role;
  ctx.request_id = std::string(request_id);
  ctx.request_hash = absl::StrCat("sha256 of the request ", request_id);
  ctx.peer = kPeer;
  return ctx;
}

WriteContext IndiaCtx(absl::string_view method,
                      absl::string_view request_id = "") {
  return Ctx(method, kIndiaPartnerKey, itp::v1::PARTNER, request_id);
}

WriteContext BrazilCtx(absl::string_view method,
                       absl::string_view request_id = "") {
  return Ctx(method, kBrazilPartnerKey, itp::v1::PARTNER, request_id);
}

WriteContext ReadCtx(absl::string_view method, absl::string_view api_key) {
  WriteContext ctx = Ctx(method, api_key, itp::v1::PARTNER);
  ctx.is_read = true;
  return ctx;
}

// A call without a valid key, as KeylessAudit counts it.
AuditLog::CountedCalls Keyless(const std::string& peer,
                               absl::string_view method, int64_t count,
                               absl::Time first) {
  AuditLog::CountedCalls row;
  row.ctx.method = std::string(method);
  row.ctx.peer = peer;
  row.outcome = absl::UnauthenticatedError(
      "The call has no API key: send the metadata header 'authorization: "
      "Bearer <key>'.");
  row.count = count;
  row.first_time = absl::ToUnixMicros(first);
  return row;
}

// A report as the engine fills it: the revision benchmarked, its parameters
// and one sector's label.
BenchmarkReport Report(const std::string& plan_revision, itp::v1::Sector sector,
                       double tcre = 0.45) {
  BenchmarkReport report;
  report.set_plan_revision(plan_revision);
  report.set_methodology_version("itp-benchmark/1.0");
  const bool steel = sector == itp::v1::IRON_AND_STEEL;
  report.add_pathway_releases(steel
                                  ? "pathways/tpi-steel-2022-1p5c@2022-04-01"
                                  : "pathways/tpi-cement-2022-1p5c@2022-04-01");
  for (int year : {2025, 2030, 2035, 2040, 2050}) {
    report.add_checkpoint_years(year);
  }
  report.set_tcre_c_per_1000_gtco2(tcre);
  auto* s = report.add_sectors();
  s->set_sector(sector);
  s->set_covered(true);
  auto* label = s->add_labels();
  label->set_year(2030);
  label->set_family("TPI 2022");
  label->set_label(steel ? "Not Aligned" : "Below 2 Degrees");
  report.set_requested_by(kRunnerKey);
  return report;
}

std::string Revision(const std::string& plan, int n) {
  return absl::StrCat(plan, "/revisions/", n);
}

class SqliteRetentionTest : public ::testing::Test {
 protected:
  SqliteRetentionTest() : path_(dir_.File("itp.db")) {}

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

  PlanStore& plans() { return *stores_.plans; }
  AuditLog& audit() { return *stores_.audit; }
  BenchmarkStore& benchmarks() { return *stores_.benchmarks; }
  JobStore& jobs() { return *stores_.jobs; }
  RetentionStore& retention() { return *stores_.retention; }

  void SetDay(int day) { now_ = absl::ToUnixMicros(Day(day)); }

  int64_t Count(const std::string& table) {
    RawDatabase raw(path_);
    return raw.Count(table);
  }

  RetentionCounts MustApply(const RetentionPolicy& policy, absl::Time now,
                            const std::function<bool()>& between = nullptr) {
    absl::StatusOr<RetentionCounts> counts =
        retention().ApplyRetention(policy, now, between);
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.value_or(RetentionCounts());
  }

  Plan MustCreate(const WriteContext& ctx, const std::string& name,
                  Plan content) {
    content.set_name(name);
    absl::StatusOr<Plan> created = plans().CreatePlan(ctx, content);
    EXPECT_TRUE(created.ok()) << name << ": " << created.status();
    return created.value_or(Plan());
  }

  absl::StatusOr<Plan> Act(const WriteContext& ctx, const std::string& name,
                           domain::PlanAction action) {
    return plans().MutatePlan(ctx, name, [action](Plan& plan, int64_t now) {
      return domain::ApplyAction(plan, action, "", now);
    });
  }

  Plan MustAct(const WriteContext& ctx, const std::string& name,
               domain::PlanAction action) {
    absl::StatusOr<Plan> plan = Act(ctx, name, action);
    EXPECT_TRUE(plan.ok()) << name << ": " << plan.status();
    return plan.value_or(Plan());
  }

  BenchmarkReport MustReport(const std::string& plan,
                             const BenchmarkReport& report,
                             absl::string_view request_id = "") {
    absl::StatusOr<BenchmarkReport> created = benchmarks().CreateReport(
        Ctx(kBenchmarkPlan, kRunnerKey, itp::v1::BENCHMARK_RUNNER, request_id),
        plan, report);
    EXPECT_TRUE(created.ok()) << plan << ": " << created.status();
    return created.value_or(BenchmarkReport());
  }

  // A finished job run whose only result refers to `report`.
  void RecordJobResult(const std::string& plan, const BenchmarkReport& report) {
    BenchmarkJob job;
    job.set_name("benchmarkJobs/nightly-steel");
    job.set_display_name("Nightly steel and cement benchmark");
    job.set_filter("sector = IRON_AND_STEEL");
    ASSERT_TRUE(
        jobs()
            .CreateJob(Ctx(kCreateJob, kRunnerKey, itp::v1::BENCHMARK_RUNNER),
                       job)
            .ok());
    absl::StatusOr<BenchmarkJobRun> run =
        jobs().CreateRun(Ctx(kRunJob, kRunnerKey, itp::v1::BENCHMARK_RUNNER),
                         job.name(), {plan});
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_TRUE(jobs()
                    .SetRunState(run->name(), BenchmarkJobRun::RUNNING, "",
                                 nullptr, false)
                    .ok());
    BenchmarkJobResult result;
    result.set_index(0);
    result.set_plan(plan);
    result.set_plan_revision(report.plan_revision());
    result.set_report(report.name());
    ASSERT_TRUE(jobs().RecordResult(run->name(), result).ok());
    ASSERT_TRUE(jobs()
                    .SetRunState(run->name(), BenchmarkJobRun::SUCCEEDED, "",
                                 nullptr, false)
                    .ok());
  }

  absl::StatusCode ReportCode(const std::string& name) {
    return benchmarks().GetReport(name).status().code();
  }

  // "method resource code" of every audit event, newest first.
  std::vector<std::string> AuditSummaries() {
    absl::StatusOr<AuditPage> page = audit().List(std::nullopt, 1000, {});
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const AuditEvent& e : page->events) {
      out.push_back(absl::StrCat(e.method(), " ", e.resource(), " ", e.code()));
    }
    return out;
  }

  TempDir dir_;
  std::string path_;
  std::atomic<int64_t> now_{kStart};
  SqliteStores stores_;
};

// ---------------------------------------------------------------------------
// Request ids

TEST_F(SqliteRetentionTest, OldRequestIdsGoAndYoungerOnesStillReplay) {
  // Day 0: India and Brazil create their steel plans; day 5 India submits;
  // day 8 Brazil creates its cement plan. Each with a request id.
  MustCreate(IndiaCtx(kCreatePlan, kIndiaSteelCreateId), kIndiaSteel,
             testing::IndiaSteelPlan());
  MustCreate(BrazilCtx(kCreatePlan, kBrazilSteelCreateId), kBrazilSteel,
             testing::SteelPlan("BRA", 1.9));
  SetDay(5);
  const Plan submitted = MustAct(IndiaCtx(kSubmitPlan, kIndiaSteelSubmitId),
                                 kIndiaSteel, domain::PlanAction::kSubmit);
  SetDay(8);
  const Plan brazil_cement =
      MustCreate(BrazilCtx(kCreatePlan, kBrazilCementCreateId), kBrazilCement,
                 testing::IndonesiaCementPlan());
  ASSERT_EQ(Count("request_ids"), 4);
  ASSERT_EQ(Count("audit_events"), 4);

  // Day 8 + 1 h: the default keeps ids for 7 days, so the two of day 0 go.
  RetentionCounts counts =
      MustApply(RetentionPolicy(), Day(8) + absl::Hours(1));

  EXPECT_EQ(counts.request_ids, 2);
  EXPECT_EQ(counts.audit_events, 0);
  EXPECT_EQ(counts.benchmark_reports, 0);
  EXPECT_EQ(counts.transactions, 3);  // one per kind
  EXPECT_TRUE(counts.complete);
  EXPECT_EQ(Count("request_ids"), 2);
  // The change records of all four calls stay.
  EXPECT_EQ(Count("audit_events"), 4);
  EXPECT_EQ(Count("plans"), 3);

  // A retry of the submission (5 days old) is still idempotent: the same
  // plan, revision 1, nothing changed.
  SetDay(9);
  absl::StatusOr<Plan> retried = Act(IndiaCtx(kSubmitPlan, kIndiaSteelSubmitId),
                                     kIndiaSteel, domain::PlanAction::kSubmit);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_THAT(*retried, EqualsProto(submitted));
  EXPECT_EQ(retried->revision(), 1);
  absl::StatusOr<Plan> cement =
      plans().CreatePlan(BrazilCtx(kCreatePlan, kBrazilCementCreateId), [] {
        Plan p = testing::IndonesiaCementPlan();
        p.set_name(kBrazilCement);
        return p;
      }());
  ASSERT_TRUE(cement.ok()) << cement.status();
  EXPECT_THAT(*cement, EqualsProto(brazil_cement));
  // A retry of a forgotten id runs as a new call: the plan exists.
  Plan india = testing::IndiaSteelPlan();
  india.set_name(kIndiaSteel);
  EXPECT_EQ(plans()
                .CreatePlan(IndiaCtx(kCreatePlan, kIndiaSteelCreateId), india)
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("request_ids"), 2);
  EXPECT_EQ(Count("plans"), 3);
}

TEST_F(SqliteRetentionTest, ARequestIdExactlyAtTheCutoffIsKept) {
  MustCreate(IndiaCtx(kCreatePlan, kIndiaSteelCreateId), kIndiaSteel,
             testing::IndiaSteelPlan());

  RetentionPolicy policy;
  policy.request_ids = absl::Hours(24);
  EXPECT_EQ(MustApply(policy, Day(1)).request_ids, 0);
  EXPECT_EQ(MustApply(policy, Day(1) + absl::Microseconds(1)).request_ids, 1);
  EXPECT_EQ(Count("request_ids"), 0);
}

// ---------------------------------------------------------------------------
// Audit events

TEST_F(SqliteRetentionTest, DeniedReadsAndKeylessRowsExpireChangeRecordsStay) {
  // Day 0: India creates and submits its steel plan (two change records); a
  // reviewer's review start fails (a failed change); Brazil is denied a read
  // of the draft India cement plan, a list with a bad filter fails, and
  // Brazil is denied an update of India's plan (a denied change). Two
  // clients call without a key.
  MustCreate(IndiaCtx(kCreatePlan), kIndiaSteel, testing::IndiaSteelPlan());
  MustAct(IndiaCtx(kSubmitPlan), kIndiaSteel, domain::PlanAction::kSubmit);
  const absl::Status denied = absl::PermissionDeniedError(
      "A PARTNER key for BRA may not read plans of IND.");
  ASSERT_TRUE(audit()
                  .Record(Ctx(kStartReview, kReviewerKey, itp::v1::REVIEWER),
                          kIndiaSteel,
                          absl::FailedPreconditionError(
                              "The plan already has an open review."))
                  .ok());
  ASSERT_TRUE(
      audit()
          .Record(ReadCtx(kGetPlan, kBrazilPartnerKey), kIndiaCement, denied)
          .ok());
  ASSERT_TRUE(audit()
                  .Record(ReadCtx(kListPlans, kBrazilPartnerKey), "countries/-",
                          absl::InvalidArgumentError("filter: unknown field"))
                  .ok());
  ASSERT_TRUE(audit().Record(BrazilCtx(kUpdatePlan), kIndiaSteel, denied).ok());
  ASSERT_TRUE(audit()
                  .RecordCounted({Keyless("ipv4:198.51.100.23", kGetPlan, 412,
                                          Day(0) + absl::Minutes(3)),
                                  Keyless("ipv4:198.51.100.24", "*", 9,
                                          Day(0) + absl::Minutes(4))})
                  .ok());
  // Day 25: a denied stream and one more keyless minute, both young at day
  // 40; day 39: a reviewer completes a review (a change).
  SetDay(25);
  ASSERT_TRUE(audit()
                  .Record(ReadCtx(kWatchPlanEvents, kBrazilPartnerKey),
                          "countries/IND", denied)
                  .ok());
  ASSERT_TRUE(audit()
                  .RecordCounted(
                      {Keyless("ipv4:198.51.100.23", kListPlans, 3, Day(25))})
                  .ok());
  SetDay(39);
  ASSERT_TRUE(audit()
                  .Record(Ctx(kCompleteReview, kReviewerKey, itp::v1::REVIEWER),
                          absl::StrCat(kIndiaSteel, "/reviews/1"),
                          absl::OkStatus())
                  .ok());
  ASSERT_EQ(Count("audit_events"), 11);

  // Kept for ever: nothing goes.
  RetentionPolicy forever;
  forever.denied_audit = absl::InfiniteDuration();
  EXPECT_EQ(MustApply(forever, Day(400)).audit_events, 0);
  EXPECT_EQ(Count("audit_events"), 11);

  // Day 40, 30 days: the denied read, the failed list and the two keyless
  // rows of day 0 go.
  RetentionCounts counts = MustApply(RetentionPolicy(), Day(40));

  EXPECT_EQ(counts.audit_events, 4);
  EXPECT_EQ(counts.request_ids, 0);
  EXPECT_EQ(counts.benchmark_reports, 0);
  EXPECT_EQ(Count("audit_events"), 7);
  EXPECT_THAT(
      AuditSummaries(),
      ElementsAre(
          absl::StrCat(kCompleteReview, " ", kIndiaSteel, "/reviews/1 OK"),
          absl::StrCat(kListPlans, "  UNAUTHENTICATED"),
          absl::StrCat(kWatchPlanEvents, " countries/IND PERMISSION_DENIED"),
          absl::StrCat(kUpdatePlan, " ", kIndiaSteel, " PERMISSION_DENIED"),
          absl::StrCat(kStartReview, " ", kIndiaSteel, " FAILED_PRECONDITION"),
          absl::StrCat(kSubmitPlan, " ", kIndiaSteel, " OK"),
          absl::StrCat(kCreatePlan, " ", kIndiaSteel, " OK")));

  // Day 400: only the young denied stream and keyless minute go; changes and
  // denied or failed changes stay for ever.
  counts = MustApply(RetentionPolicy(), Day(400));
  EXPECT_EQ(counts.audit_events, 2);
  EXPECT_THAT(
      AuditSummaries(),
      ElementsAre(
          absl::StrCat(kCompleteReview, " ", kIndiaSteel, "/reviews/1 OK"),
          absl::StrCat(kUpdatePlan, " ", kIndiaSteel, " PERMISSION_DENIED"),
          absl::StrCat(kStartReview, " ", kIndiaSteel, " FAILED_PRECONDITION"),
          absl::StrCat(kSubmitPlan, " ", kIndiaSteel, " OK"),
          absl::StrCat(kCreatePlan, " ", kIndiaSteel, " OK")));
}

// ---------------------------------------------------------------------------
// Benchmark reports

class SqliteReportRetentionTest : public SqliteRetentionTest {
 protected:
  void SetUp() override {
    SqliteRetentionTest::SetUp();
    // Day 0: India steel submitted (revision 1), Brazil steel a draft,
    // Brazil cement submitted (revision 1).
    MustCreate(IndiaCtx(kCreatePlan), kIndiaSteel, testing::IndiaSteelPlan());
    MustAct(IndiaCtx(kSubmitPlan), kIndiaSteel, domain::PlanAction::kSubmit);
    MustCreate(BrazilCtx(kCreatePlan), kBrazilSteel,
               testing::SteelPlan("BRA", 1.9));
    Plan cement = testing::IndonesiaCementPlan();
    cement.set_display_name("Brazil cement decarbonisation roadmap");
    MustCreate(BrazilCtx(kCreatePlan), kBrazilCement, cement);
    MustAct(BrazilCtx(kSubmitPlan), kBrazilCement, domain::PlanAction::kSubmit);
  }
};

TEST_F(SqliteReportRetentionTest,
       SupersededReportsGoLatestAndReferencedOnesStay) {
  const std::string india1 = Revision(kIndiaSteel, 1);
  // India revision 1 at the default TCRE (0.45) on days 0, 1 and 3, at 0.60
  // on day 2; a job run refers to the report of day 1.
  const BenchmarkReport r1 =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  // Brazil's steel draft as it stood on days 0 and 1; its cement revision 1
  // once.
  const BenchmarkReport d1 =
      MustReport(kBrazilSteel, Report(kBrazilSteel, itp::v1::IRON_AND_STEEL));
  const BenchmarkReport c1 = MustReport(
      kBrazilCement, Report(Revision(kBrazilCement, 1), itp::v1::CEMENT));
  SetDay(1);
  const BenchmarkReport r2 =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  const BenchmarkReport d2 =
      MustReport(kBrazilSteel, Report(kBrazilSteel, itp::v1::IRON_AND_STEEL));
  RecordJobResult(kIndiaSteel, r2);
  SetDay(2);
  const BenchmarkReport r3 =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL, 0.60));
  SetDay(3);
  const BenchmarkReport r4 =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  // Day 4: India's revision 2, benchmarked once: it supersedes nothing of
  // revision 1.
  SetDay(4);
  MustAct(Ctx(kStartReview, kReviewerKey, itp::v1::REVIEWER), kIndiaSteel,
          domain::PlanAction::kStartReview);
  MustAct(Ctx(kCompleteReview, kReviewerKey, itp::v1::REVIEWER), kIndiaSteel,
          domain::PlanAction::kRequestChanges);
  ASSERT_EQ(
      MustAct(IndiaCtx(kSubmitPlan), kIndiaSteel, domain::PlanAction::kSubmit)
          .revision(),
      2);
  const BenchmarkReport r5 = MustReport(
      kIndiaSteel, Report(Revision(kIndiaSteel, 2), itp::v1::IRON_AND_STEEL));
  // Days 35 and 36: revision 1 at 0.60 twice more (young at day 40).
  SetDay(35);
  const BenchmarkReport r6 =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL, 0.60));
  SetDay(36);
  const BenchmarkReport r7 =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL, 0.60));
  ASSERT_EQ(Count("benchmark_reports"), 10);
  const int64_t audit_before = Count("audit_events");

  // Day 40, 30 days: r1 (superseded by r2 and r4), r3 (by r6) and d1 (by
  // d2) go. r2 is superseded too but a job run refers to it; r4, r5, r7, d2
  // and c1 are the latest of their revision and parameters; r6 is young.
  RetentionCounts counts = MustApply(RetentionPolicy(), Day(40));

  EXPECT_EQ(counts.benchmark_reports, 3);
  EXPECT_EQ(counts.request_ids, 0);
  EXPECT_EQ(counts.audit_events, 0);
  EXPECT_EQ(Count("benchmark_reports"), 7);
  for (const BenchmarkReport* gone : {&r1, &r3, &d1}) {
    EXPECT_EQ(ReportCode(gone->name()), absl::StatusCode::kNotFound)
        << gone->name();
  }
  for (const BenchmarkReport* kept : {&r2, &r4, &r5, &r6, &r7, &d2, &c1}) {
    absl::StatusOr<BenchmarkReport> read = benchmarks().GetReport(kept->name());
    ASSERT_TRUE(read.ok()) << kept->name() << ": " << read.status();
    EXPECT_THAT(*read, EqualsProto(*kept));
  }
  // The job run's result still names a readable report.
  absl::StatusOr<std::vector<BenchmarkJobResult>> results =
      jobs().Results("benchmarkJobs/nightly-steel/runs/1", 0, 10);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].report(), r2.name());
  // The audit trail of the benchmarks is kept.
  EXPECT_EQ(Count("audit_events"), audit_before);

  // A second pass finds nothing more; at day 70 r6 is 35 days old and
  // superseded by r7: it goes.
  EXPECT_EQ(MustApply(RetentionPolicy(), Day(40)).benchmark_reports, 0);
  EXPECT_EQ(MustApply(RetentionPolicy(), Day(70)).benchmark_reports, 1);
  EXPECT_EQ(ReportCode(r6.name()), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("benchmark_reports"), 6);

  // However old, the latest of each revision and parameters stays.
  EXPECT_EQ(MustApply(RetentionPolicy(), Day(4000)).benchmark_reports, 0);
  absl::StatusOr<ReportPage> india =
      benchmarks().ListReports(kIndiaSteel, 100, std::nullopt, true);
  ASSERT_TRUE(india.ok()) << india.status();
  std::vector<std::string> names;
  for (const BenchmarkReport& r : india->reports) names.push_back(r.name());
  EXPECT_THAT(names, ElementsAre(r7.name(), r5.name(), r4.name(), r2.name()));
}

TEST_F(SqliteReportRetentionTest, ReportsAreKeptForEverWhenAskedTo) {
  const std::string india1 = Revision(kIndiaSteel, 1);
  MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  RetentionPolicy policy;
  policy.superseded_reports = absl::InfiniteDuration();

  EXPECT_EQ(MustApply(policy, Day(4000)).benchmark_reports, 0);
  EXPECT_EQ(Count("benchmark_reports"), 2);
}

TEST_F(SqliteReportRetentionTest, AReportOutlivesTheRequestIdThatReplaysIt) {
  // Benchmarked on day 0 with a request id, then again on day 1.
  const std::string india1 = Revision(kIndiaSteel, 1);
  const BenchmarkReport first =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL),
                 kBenchmarkRequestId);
  SetDay(1);
  MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  RetentionPolicy policy;
  policy.request_ids = absl::Hours(24 * 60);
  policy.superseded_reports = absl::Hours(24 * 30);

  // Day 40: superseded and 40 days old, but its request id (kept 60 days)
  // could still replay it.
  RetentionCounts counts = MustApply(policy, Day(40));
  EXPECT_EQ(counts.benchmark_reports, 0);
  EXPECT_EQ(counts.request_ids, 0);
  absl::StatusOr<BenchmarkReport> replayed = benchmarks().CreateReport(
      Ctx(kBenchmarkPlan, kRunnerKey, itp::v1::BENCHMARK_RUNNER,
          kBenchmarkRequestId),
      kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->name(), first.name());
  EXPECT_EQ(ReportCode(first.name()), absl::StatusCode::kOk);

  // Day 61: the id and then the report go, in the same pass.
  counts = MustApply(policy, Day(61));
  EXPECT_EQ(counts.request_ids, 1);
  EXPECT_EQ(counts.benchmark_reports, 1);
  EXPECT_EQ(ReportCode(first.name()), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("benchmark_reports"), 1);
}

// ---------------------------------------------------------------------------
// Batches

TEST_F(SqliteRetentionTest, ABacklogLargerThanABatchGoesInSeveralTransactions) {
  // Day 0: 2500 minutes of calls without a key (one row each) and one
  // change; day 10: 7 request ids of Brazil's plan changes.
  std::vector<AuditLog::CountedCalls> rows;
  for (int minute = 0; minute < 2500; ++minute) {
    rows.push_back(Keyless(absl::StrCat("ipv4:198.51.100.", minute % 200),
                           kGetPlan, 1 + minute % 7,
                           Day(0) + absl::Minutes(minute)));
  }
  ASSERT_TRUE(audit().RecordCounted(rows).ok());
  MustCreate(IndiaCtx(kCreatePlan), kIndiaSteel, testing::IndiaSteelPlan());
  SetDay(10);
  MustCreate(BrazilCtx(kCreatePlan, kBrazilSteelCreateId), kBrazilSteel,
             testing::SteelPlan("BRA", 1.9));
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        plans()
            .MutatePlan(
                BrazilCtx(kUpdatePlan, absl::StrCat("4d5e6f7a-8b9c-4d0e-9f1a-"
                                                    "2b3c4d5e6f7",
                                                    i)),
                kBrazilSteel,
                [](Plan& plan, int64_t) {
                  plan.set_display_name(plan.display_name() + " (revised)");
                  return absl::OkStatus();
                })
            .ok());
  }
  ASSERT_EQ(Count("audit_events"), 2500 + 1 + 7);
  ASSERT_EQ(Count("request_ids"), 7);

  RetentionPolicy policy;
  policy.batch_rows = 1000;
  int calls = 0;
  RetentionCounts counts = MustApply(policy, Day(40), [&] {
    ++calls;
    return true;
  });

  // Request ids: 7 in one batch. Audit: 1000 + 1000 + 500. Reports: none.
  EXPECT_EQ(counts.request_ids, 7);
  EXPECT_EQ(counts.audit_events, 2500);
  EXPECT_EQ(counts.benchmark_reports, 0);
  EXPECT_EQ(counts.transactions, 5);
  EXPECT_EQ(calls, 4);
  EXPECT_TRUE(counts.complete);
  EXPECT_EQ(Count("audit_events"), 8);
  EXPECT_EQ(Count("request_ids"), 0);
}

TEST_F(SqliteRetentionTest, SmallBatchesDeleteEveryKindCompletely) {
  // 7 request ids and 3 superseded reports of India's revision 1, with
  // batches of 3 rows: 3 + 3 + 1 ids, then 3 + 0 reports.
  MustCreate(IndiaCtx(kCreatePlan, kIndiaSteelCreateId), kIndiaSteel,
             testing::IndiaSteelPlan());
  MustAct(IndiaCtx(kSubmitPlan), kIndiaSteel, domain::PlanAction::kSubmit);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        audit()
            .RecordCounted({Keyless("ipv4:198.51.100.7", kGetPlan, 1, Day(0))})
            .ok());
    MustCreate(BrazilCtx(kCreatePlan, absl::StrCat("5e6f7a8b-9c0d-4e1f-8a2b-"
                                                   "3c4d5e6f7a8",
                                                   i)),
               absl::StrCat(kBrazilSteel, "-", i),
               testing::SteelPlan("BRA", 1.5 + 0.1 * i));
  }
  for (int i = 0; i < 4; ++i) {
    MustReport(kIndiaSteel,
               Report(Revision(kIndiaSteel, 1), itp::v1::IRON_AND_STEEL));
  }

  RetentionPolicy policy;
  policy.batch_rows = 3;
  RetentionCounts counts = MustApply(policy, Day(40));

  EXPECT_EQ(counts.request_ids, 7);
  EXPECT_EQ(counts.audit_events, 6);
  EXPECT_EQ(counts.benchmark_reports, 3);
  // Ids 3 + 3 + 1, audit 3 + 3 + 0, reports 3 + 0.
  EXPECT_EQ(counts.transactions, 8);
  EXPECT_EQ(Count("request_ids"), 0);
  EXPECT_EQ(Count("benchmark_reports"), 1);
}

TEST_F(SqliteRetentionTest, ReportsOfOneInstantGoAcrossBatches) {
  // Six reports of India's revision 1 made at the same microsecond: each
  // batch goes on after the last (time, id) it saw.
  MustCreate(IndiaCtx(kCreatePlan), kIndiaSteel, testing::IndiaSteelPlan());
  MustAct(IndiaCtx(kSubmitPlan), kIndiaSteel, domain::PlanAction::kSubmit);
  std::vector<BenchmarkReport> reports;
  for (int i = 0; i < 6; ++i) {
    reports.push_back(MustReport(kIndiaSteel, Report(Revision(kIndiaSteel, 1),
                                                     itp::v1::IRON_AND_STEEL)));
  }
  RetentionPolicy policy;
  policy.batch_rows = 2;

  RetentionCounts counts = MustApply(policy, Day(40));

  EXPECT_EQ(counts.benchmark_reports, 5);
  // Request ids 0, audit 0, reports 2 + 2 + 1.
  EXPECT_EQ(counts.transactions, 5);
  EXPECT_EQ(Count("benchmark_reports"), 1);
  EXPECT_EQ(ReportCode(reports.back().name()), absl::StatusCode::kOk);
}

TEST_F(SqliteRetentionTest, ThePassEndsWhenBetweenBatchesSaysStop) {
  std::vector<AuditLog::CountedCalls> rows;
  for (int minute = 0; minute < 2500; ++minute) {
    rows.push_back(Keyless("ipv4:198.51.100.23", kGetBenchmarkReport, 2,
                           Day(0) + absl::Minutes(minute)));
  }
  ASSERT_TRUE(audit().RecordCounted(rows).ok());
  RetentionPolicy policy;
  policy.batch_rows = 1000;
  policy.request_ids = absl::InfiniteDuration();

  // Stopped before the second batch.
  RetentionCounts counts = MustApply(policy, Day(40), [] { return false; });

  EXPECT_EQ(counts.audit_events, 1000);
  EXPECT_EQ(counts.transactions, 1);
  EXPECT_FALSE(counts.complete);
  EXPECT_EQ(Count("audit_events"), 1500);

  // The next pass deletes the rest.
  counts = MustApply(policy, Day(40));
  EXPECT_EQ(counts.audit_events, 1500);
  EXPECT_TRUE(counts.complete);
  EXPECT_EQ(Count("audit_events"), 0);
}

TEST_F(SqliteRetentionTest, ABadPolicyIsInvalidArgument) {
  RetentionPolicy policy;
  policy.batch_rows = 0;
  EXPECT_EQ(retention().ApplyRetention(policy, Day(1), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  policy = RetentionPolicy();
  policy.denied_audit = absl::Hours(-1);
  EXPECT_EQ(retention().ApplyRetention(policy, Day(1), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Migration 9

// A database as schema 8 left it: the tables of 10 and the columns and
// indexes of 9 removed, the version set back. Audit rows of 8 had no kind;
// reports and job items no retention columns.
void DowngradeToVersion8(const std::string& path) {
  RawDatabase raw(path);
  raw.Exec(
      "DROP TABLE plan_projects;"
      "DROP TABLE progress_report_sectors;"
      "DROP TABLE progress_reports;"
      "DROP INDEX plans_by_progress_status;"
      "ALTER TABLE plans DROP COLUMN progress_status;");
  raw.Exec(
      "DROP INDEX audit_events_expiring_by_time;"
      "DROP INDEX benchmark_reports_by_revision;"
      "DROP INDEX benchmark_reports_by_time;"
      "DROP INDEX benchmark_job_items_by_report;"
      "ALTER TABLE audit_events DROP COLUMN kind;"
      "ALTER TABLE benchmark_reports DROP COLUMN plan_revision;"
      "ALTER TABLE benchmark_reports DROP COLUMN parameters;"
      "ALTER TABLE benchmark_job_items DROP COLUMN report_id;"
      "PRAGMA user_version = 8;");
}

TEST_F(SqliteReportRetentionTest, MigrationNineClassifiesAndFillsOldRows) {
  ASSERT_GE(SqliteSchemaVersion(), 10);
  const std::string india1 = Revision(kIndiaSteel, 1);
  const BenchmarkReport old_report =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  const BenchmarkReport referenced =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  RecordJobResult(kIndiaSteel, referenced);
  SetDay(1);
  const BenchmarkReport latest =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  const absl::Status denied = absl::PermissionDeniedError("denied");
  ASSERT_TRUE(audit()
                  .Record(ReadCtx(kGetBenchmarkReport, kBrazilPartnerKey),
                          old_report.name(), denied)
                  .ok());
  ASSERT_TRUE(audit().Record(BrazilCtx(kUpdatePlan), kIndiaSteel, denied).ok());
  ASSERT_TRUE(
      audit()
          .RecordCounted({Keyless("ipv4:198.51.100.23", kGetPlan, 40, Day(1))})
          .ok());
  stores_ = SqliteStores();
  DowngradeToVersion8(path_);

  Open();

  RawDatabase raw(path_);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
  // Reads are told by their method, keyless rows by their code.
  EXPECT_THAT(raw.Column("SELECT method || ' ' || kind FROM audit_events "
                         "WHERE kind != 0"),
              UnorderedElementsAre(absl::StrCat(kGetBenchmarkReport, " 1"),
                                   absl::StrCat(kGetPlan, " 2")));
  EXPECT_THAT(raw.Column("SELECT DISTINCT plan_revision FROM "
                         "benchmark_reports WHERE plan_id = (SELECT id FROM "
                         "plans WHERE name = '" +
                         std::string(kIndiaSteel) + "')"),
              ElementsAre(india1));
  EXPECT_THAT(raw.Column("SELECT COUNT(DISTINCT parameters) FROM "
                         "benchmark_reports"),
              ElementsAre("1"));
  EXPECT_THAT(
      raw.Column("SELECT report_id FROM benchmark_job_items"),
      ElementsAre(referenced.name().substr(referenced.name().rfind('/') + 1)));

  // Retention on the migrated file: the first report and the two rows that
  // record no change go.
  RetentionCounts counts = MustApply(RetentionPolicy(), Day(40));
  EXPECT_EQ(counts.benchmark_reports, 1);
  EXPECT_EQ(counts.audit_events, 2);
  EXPECT_EQ(ReportCode(old_report.name()), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReportCode(referenced.name()), absl::StatusCode::kOk);
  EXPECT_EQ(ReportCode(latest.name()), absl::StatusCode::kOk);
  // New rows get their columns as they are written.
  const BenchmarkReport newer =
      MustReport(kIndiaSteel, Report(india1, itp::v1::IRON_AND_STEEL));
  EXPECT_EQ(MustApply(RetentionPolicy(), Day(40)).benchmark_reports, 1);
  EXPECT_EQ(ReportCode(latest.name()), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReportCode(newer.name()), absl::StatusCode::kOk);
}

}  // namespace
}  // namespace itp::storage
