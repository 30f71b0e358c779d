// Tests of the SQLite ProgressStore (progress report versions, the plan's
// progress status, PROGRESS_PUBLISHED events) against a real database file in
// a temporary directory, with an injected clock.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/domain/errors.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_query.h"
#include "server/domain/resource_names.h"
#include "server/storage/plan_store.h"
#include "server/storage/progress_store.h"
#include "server/storage/review_store.h"
#include "server/storage/sqlite.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::itp::domain::PlanAction;
using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::testing::RawDatabase;
using ::itp::testing::TempDir;
using ::itp::v1::Plan;
using ::itp::v1::PlanEvent;
using ::itp::v1::ProgressReport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kIndia2024[] =
    "countries/IND/plans/steel-2070/progressReports/2024";
constexpr char kIndia2023[] =
    "countries/IND/plans/steel-2070/progressReports/2023";
constexpr char kIndonesia2025[] =
    "countries/IDN/plans/cement-2060/progressReports/2025";

constexpr char kPartnerKey[] = "apiKeys/0123456789abcdef";
constexpr char kCreate[] = "/itp.v1.ProgressService/CreateProgressReport";
constexpr char kUpdate[] = "/itp.v1.ProgressService/UpdateProgressReport";
constexpr char kPublish[] = "/itp.v1.ProgressService/PublishProgressReport";
constexpr char kRequestId[] = "5d0c3a8e-7f21-4b6e-9c44-1a2b3c4d5e6f";

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

// 2026-03-01T00:00:00Z, where every test's clock starts.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 0, 0, 0));

void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::string& reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(domain::ErrorReasonOf(status), reason) << status;
}

WriteContext PartnerCtx(absl::string_view method,
                        absl::string_view request_id = "") {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.request_id = std::string(request_id);
  ctx.api_key = kPartnerKey;
  ctx.role = itp::v1::PARTNER;
  return ctx;
}

// India's crude steel in 2022-2024 (worldsteel) at about 2.5 t CO2/t.
ProgressReport IndiaActuals(double intensity_2024) {
  ProgressReport report;
  auto* sector = report.add_sectors();
  sector->set_sector(itp::v1::IRON_AND_STEEL);
  const std::vector<std::pair<int, std::pair<double, double>>> points = {
      {2022, {125.3, 2.52}}, {2023, {140.8, 2.49}}, {2024, {149.6, 0}}};
  for (const auto& [year, values] : points) {
    auto* p = sector->add_points();
    p->set_year(year);
    p->set_production_mt(values.first);
    p->set_intensity_tco2_per_t(year == 2024 ? intensity_2024 : values.second);
  }
  report.set_narrative("Output grew 6 % in 2024; intensity fell 0.8 %.");
  return report;
}

ProgressReportFactory Content(ProgressReport content,
                              std::string revision = "") {
  return [content, revision](
             const Plan& plan,
             const ProgressReport*) -> absl::StatusOr<ProgressReport> {
    ProgressReport report = content;
    report.set_plan_revision(
        revision.empty()
            ? absl::StrCat(plan.name(), "/revisions/", plan.revision())
            : revision);
    return report;
  };
}

ProgressReportMutation NoChange() {
  return [](ProgressReport&, int64_t) { return absl::OkStatus(); };
}

ProgressStatusOf Status(itp::v1::ProgressStatus status) {
  return [status](const ProgressReport&) -> absl::StatusOr<int> {
    return static_cast<int>(status);
  };
}

domain::FilterExpr ProgressIs(int status) {
  domain::FilterExpr e;
  e.field = domain::FilterField::kProgressStatus;
  e.op = domain::CompareOp::kEq;
  e.int_value = status;
  return e;
}

class SqliteProgressStoreTest : public ::testing::Test {
 protected:
  SqliteProgressStoreTest() : path_(dir_.File("itp.db")) {}

  void SetUp() override {
    SqliteOptions options;
    options.path = path_;
    options.pool_size = 4;
    options.busy_timeout_ms = 60000;
    options.now_unix_micros = [this] { return now_.load(); };
    absl::StatusOr<SqliteStores> stores = OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
  }

  void Reopen() {
    stores_ = SqliteStores();
    SetUp();
  }

  ProgressStore& progress() { return *stores_.progress; }
  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }

  void CreateSubmitted(const std::string& name, Plan plan) {
    plan.set_name(name);
    ASSERT_TRUE(
        stores_.plans
            ->CreatePlan(PartnerCtx("/itp.v1.PlanService/CreatePlan"), plan)
            .ok());
    Advance(absl::Hours(1));
    auto submitted = stores_.plans->MutatePlan(
        PartnerCtx("/itp.v1.PlanService/SubmitPlan"), name,
        [](Plan& p, int64_t now) {
          return domain::ApplyAction(p, PlanAction::kSubmit, "", now);
        });
    ASSERT_TRUE(submitted.ok()) << submitted.status();
    Advance(absl::Hours(1));
  }

  ProgressReport Create(const std::string& plan, int year,
                        const ProgressReport& content, bool supersede = false) {
    auto report = progress().CreateReport(PartnerCtx(kCreate), plan, year,
                                          supersede, Content(content));
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(ProgressReport());
  }

  ProgressReport Publish(const std::string& name,
                         itp::v1::ProgressStatus status) {
    Advance(absl::Minutes(5));
    auto report = progress().PublishReport(PartnerCtx(kPublish), name,
                                           NoChange(), Status(status));
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(ProgressReport());
  }

  std::vector<std::string> PlansWithProgress(int status) {
    PlanListQuery q;
    q.country = domain::kAnyCountry;
    q.filter = ProgressIs(status);
    auto page = stores_.plans->ListPlans(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> names;
    if (page.ok()) {
      for (const Plan& p : page->plans) names.push_back(p.name());
    }
    return names;
  }

  std::vector<std::string> List(ProgressReportQuery q) {
    auto page = progress().ListReports(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const ProgressReport& r : page->reports) {
        out.push_back(absl::StrCat(r.name(), " v", r.version(), " ",
                                   ProgressReport::State_Name(r.state())));
      }
    }
    return out;
  }

  TempDir dir_;
  std::string path_;
  std::atomic<int64_t> now_{kStart};
  SqliteStores stores_;
};

TEST_F(SqliteProgressStoreTest, CreateFillsTheOutputFieldsOfADraft) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  ProgressReport report = Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  EXPECT_EQ(report.name(), kIndia2024);
  EXPECT_EQ(report.reporting_year(), 2024);
  EXPECT_EQ(report.version(), 1);
  EXPECT_EQ(report.state(), ProgressReport::DRAFT);
  EXPECT_EQ(report.plan_revision(),
            "countries/IND/plans/steel-2070/revisions/1");
  EXPECT_EQ(report.country(), "IND");
  EXPECT_EQ(report.filed_by(), kPartnerKey);
  EXPECT_EQ(report.supersedes_version(), 0);
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(report.create_time()),
            kStart + absl::ToInt64Microseconds(absl::Hours(2)));
  EXPECT_FALSE(report.has_publish_time());
  EXPECT_EQ(report.etag().size(), 16u);
  ASSERT_EQ(report.sectors_size(), 1);
  EXPECT_DOUBLE_EQ(report.sectors(0).points(2).intensity_tco2_per_t(), 2.47);

  auto read = progress().GetReport(kIndia2024, 0, true);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), report.SerializeAsString());
  // Without drafts there is nothing to read yet.
  ExpectError(progress().GetReport(kIndia2024, 0, false).status(),
              absl::StatusCode::kNotFound, "PROGRESS_REPORT_NOT_FOUND");
}

TEST_F(SqliteProgressStoreTest, CreateIsRetrySafeAndRefusesASecondDraft) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  auto first =
      progress().CreateReport(PartnerCtx(kCreate, kRequestId), kIndiaSteel,
                              2024, false, Content(IndiaActuals(2.47)));
  ASSERT_TRUE(first.ok()) << first.status();
  Advance(absl::Seconds(30));
  auto retry =
      progress().CreateReport(PartnerCtx(kCreate, kRequestId), kIndiaSteel,
                              2024, false, Content(IndiaActuals(2.47)));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());

  auto again = progress().CreateReport(PartnerCtx(kCreate), kIndiaSteel, 2024,
                                       false, Content(IndiaActuals(2.47)));
  ExpectError(again.status(), absl::StatusCode::kAlreadyExists,
              "PROGRESS_REPORT_DRAFT_EXISTS");
  auto supersede =
      progress().CreateReport(PartnerCtx(kCreate), kIndiaSteel, 2024, true,
                              Content(IndiaActuals(2.47)));
  ExpectError(supersede.status(), absl::StatusCode::kAlreadyExists,
              "PROGRESS_REPORT_DRAFT_EXISTS");
  ExpectError(
      progress()
          .CreateReport(PartnerCtx(kCreate), "countries/IND/plans/cement-2070",
                        2024, false, Content(IndiaActuals(2.47)))
          .status(),
      absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  ProgressReportQuery all;
  all.show_superseded = true;
  EXPECT_THAT(List(all), ElementsAre(absl::StrCat(kIndia2024, " v1 DRAFT")));
}

TEST_F(SqliteProgressStoreTest, UpdateChangesTheDraftOnlyWithANewEtag) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  ProgressReport draft = Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  Advance(absl::Minutes(1));
  auto updated = progress().UpdateDraft(
      PartnerCtx(kUpdate), kIndia2024, [](ProgressReport& r, int64_t) {
        r.set_narrative("Intensity fell 0.8 % to 2.47 t CO2/t.");
        return absl::OkStatus();
      });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->narrative(), "Intensity fell 0.8 % to 2.47 t CO2/t.");
  EXPECT_NE(updated->etag(), draft.etag());
  EXPECT_GT(TimeUtil::TimestampToMicroseconds(updated->update_time()),
            TimeUtil::TimestampToMicroseconds(draft.update_time()));
  // A failing mutation changes nothing.
  auto refused = progress().UpdateDraft(
      PartnerCtx(kUpdate), kIndia2024, [](ProgressReport& r, int64_t) {
        r.set_narrative("lost");
        return absl::InvalidArgumentError("refused");
      });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(progress().GetReport(kIndia2024, 0, true)->narrative(),
            "Intensity fell 0.8 % to 2.47 t CO2/t.");

  Publish(kIndia2024, itp::v1::MORE_EFFORT_NEEDED);
  auto after = progress().UpdateDraft(
      PartnerCtx(kUpdate), kIndia2024,
      [](ProgressReport&, int64_t) { return absl::OkStatus(); });
  ExpectError(after.status(), absl::StatusCode::kFailedPrecondition,
              "PROGRESS_REPORT_PUBLISHED");
  ExpectError(progress()
                  .UpdateDraft(
                      PartnerCtx(kUpdate), kIndia2023,
                      [](ProgressReport&, int64_t) { return absl::OkStatus(); })
                  .status(),
              absl::StatusCode::kNotFound, "PROGRESS_REPORT_NOT_FOUND");
}

TEST_F(SqliteProgressStoreTest, PublishSetsThePlansStatusAndRecordsAnEvent) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
  EXPECT_THAT(PlansWithProgress(0), ElementsAre(kIndonesiaCement, kIndiaSteel));
  Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  ProgressReport published = Publish(kIndia2024, itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(published.state(), ProgressReport::PUBLISHED);
  EXPECT_TRUE(published.has_publish_time());
  EXPECT_THAT(PlansWithProgress(itp::v1::MORE_EFFORT_NEEDED),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(PlansWithProgress(0), ElementsAre(kIndonesiaCement));

  // An older year published later leaves the status of the latest year.
  ProgressReport older = IndiaActuals(2.47);
  older.mutable_sectors(0)->mutable_points()->RemoveLast();
  Create(kIndiaSteel, 2023, older);
  Publish(kIndia2023, itp::v1::NOT_ON_TRACK);
  EXPECT_THAT(PlansWithProgress(itp::v1::MORE_EFFORT_NEEDED),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(PlansWithProgress(itp::v1::NOT_ON_TRACK), IsEmpty());

  auto events = stores_.reviews->ListEvents(0, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<std::string> progress_events;
  for (const StoredEvent& e : *events) {
    if (e.event.type() != PlanEvent::PROGRESS_PUBLISHED) continue;
    EXPECT_EQ(e.country, "IND");
    EXPECT_EQ(e.event.plan(), kIndiaSteel);
    progress_events.push_back(absl::StrCat(e.event.progress_report(), " v",
                                           e.event.progress_report_version(),
                                           ": ", e.event.summary()));
  }
  EXPECT_THAT(
      progress_events,
      ElementsAre(
          absl::StrCat(kIndia2024, " v1: Progress report 2024 published"),
          absl::StrCat(kIndia2023, " v1: Progress report 2023 published")));
  auto published_reports = progress().PublishedReports(kIndiaSteel);
  ASSERT_TRUE(published_reports.ok());
  ASSERT_EQ(published_reports->size(), 2u);
  EXPECT_EQ((*published_reports)[0].name(), kIndia2024);
  EXPECT_EQ((*published_reports)[1].name(), kIndia2023);
}

TEST_F(SqliteProgressStoreTest, ACorrectionSupersedesThePublishedVersion) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  Publish(kIndia2024, itp::v1::MORE_EFFORT_NEEDED);

  auto refused = progress().CreateReport(PartnerCtx(kCreate), kIndiaSteel, 2024,
                                         false, Content(IndiaActuals(2.40)));
  ExpectError(refused.status(), absl::StatusCode::kAlreadyExists,
              "PROGRESS_REPORT_EXISTS");
  EXPECT_THAT(refused.status().message(), HasSubstr("supersede"));
  ExpectError(progress()
                  .CreateReport(PartnerCtx(kCreate), kIndiaSteel, 2023, true,
                                Content(IndiaActuals(2.47)))
                  .status(),
              absl::StatusCode::kFailedPrecondition, "NOTHING_TO_SUPERSEDE");

  ProgressReport correction =
      Create(kIndiaSteel, 2024, IndiaActuals(2.40), /*supersede=*/true);
  EXPECT_EQ(correction.version(), 2);
  EXPECT_EQ(correction.supersedes_version(), 1);
  EXPECT_EQ(correction.state(), ProgressReport::DRAFT);
  // Until the correction is published, readers without drafts see v1.
  EXPECT_EQ(progress().GetReport(kIndia2024, 0, false)->version(), 1);
  EXPECT_EQ(progress().GetReport(kIndia2024, 0, true)->version(), 2);
  EXPECT_THAT(PlansWithProgress(itp::v1::MORE_EFFORT_NEEDED),
              ElementsAre(kIndiaSteel));

  Publish(kIndia2024, itp::v1::ON_TRACK);
  auto v1 = progress().GetReport(kIndia2024, 1, false);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->state(), ProgressReport::SUPERSEDED);
  EXPECT_EQ(v1->superseded_by_version(), 2);
  EXPECT_DOUBLE_EQ(v1->sectors(0).points(2).intensity_tco2_per_t(), 2.47);
  auto v2 = progress().GetReport(kIndia2024, 0, false);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->state(), ProgressReport::PUBLISHED);
  EXPECT_THAT(PlansWithProgress(itp::v1::ON_TRACK), ElementsAre(kIndiaSteel));
  ExpectError(progress().GetReport(kIndia2024, 3, true).status(),
              absl::StatusCode::kNotFound, "PROGRESS_REPORT_NOT_FOUND");

  ProgressReportQuery current;
  EXPECT_THAT(List(current),
              ElementsAre(absl::StrCat(kIndia2024, " v2 PUBLISHED")));
  ProgressReportQuery with_old;
  with_old.show_superseded = true;
  EXPECT_THAT(List(with_old),
              ElementsAre(absl::StrCat(kIndia2024, " v2 PUBLISHED"),
                          absl::StrCat(kIndia2024, " v1 SUPERSEDED")));
  // Published reports list the current version of each year.
  auto published = progress().PublishedReports(kIndiaSteel);
  ASSERT_TRUE(published.ok());
  ASSERT_EQ(published->size(), 1u);
  EXPECT_EQ((*published)[0].version(), 2);
}

TEST_F(SqliteProgressStoreTest, ListFiltersDraftsAndPagesNewestYearFirst) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
  ProgressReport older = IndiaActuals(2.47);
  older.mutable_sectors(0)->mutable_points()->RemoveLast();
  Create(kIndiaSteel, 2023, older);
  Publish(kIndia2023, itp::v1::MORE_EFFORT_NEEDED);
  Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  ProgressReport cement;
  auto* sector = cement.add_sectors();
  sector->set_sector(itp::v1::CEMENT);
  auto* point = sector->add_points();
  point->set_year(2025);
  point->set_production_mt(64.8);
  point->set_intensity_tco2_per_t(0.59);
  Create(kIndonesiaCement, 2025, cement);
  Publish(kIndonesia2025, itp::v1::ON_TRACK);

  ProgressReportQuery all;
  EXPECT_THAT(List(all),
              ElementsAre(absl::StrCat(kIndonesia2025, " v1 PUBLISHED"),
                          absl::StrCat(kIndia2024, " v1 DRAFT"),
                          absl::StrCat(kIndia2023, " v1 PUBLISHED")));
  // A partner of Indonesia sees India's published report, not its draft.
  ProgressReportQuery indonesia;
  indonesia.draft_countries = std::vector<std::string>{"IDN"};
  EXPECT_THAT(List(indonesia),
              ElementsAre(absl::StrCat(kIndonesia2025, " v1 PUBLISHED"),
                          absl::StrCat(kIndia2023, " v1 PUBLISHED")));

  auto filter = domain::ParseProgressReportFilter(
      "sector = IRON_AND_STEEL AND reporting_year >= 2024");
  ASSERT_TRUE(filter.ok()) << filter.status();
  ProgressReportQuery steel;
  steel.filter = *filter;
  EXPECT_THAT(List(steel), ElementsAre(absl::StrCat(kIndia2024, " v1 DRAFT")));
  auto published_filter =
      domain::ParseProgressReportFilter("state = PUBLISHED AND country != IDN");
  ASSERT_TRUE(published_filter.ok());
  ProgressReportQuery published;
  published.filter = *published_filter;
  EXPECT_THAT(List(published),
              ElementsAre(absl::StrCat(kIndia2023, " v1 PUBLISHED")));

  // Keyset pages of one.
  std::vector<std::string> paged;
  ProgressReportQuery page_query;
  page_query.page_size = 1;
  for (int i = 0; i < 5; ++i) {
    auto page = progress().ListReports(page_query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : page->reports) paged.push_back(r.name());
    if (!page->next) break;
    page_query.after = page->next;
  }
  EXPECT_THAT(paged, ElementsAre(kIndonesia2025, kIndia2024, kIndia2023));

  ProgressReportQuery one_plan;
  one_plan.plan = kIndonesiaCement;
  EXPECT_THAT(List(one_plan),
              ElementsAre(absl::StrCat(kIndonesia2025, " v1 PUBLISHED")));
}

TEST_F(SqliteProgressStoreTest, ReportsAndStatusSurviveAReopen) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  ProgressReport published = Publish(kIndia2024, itp::v1::MORE_EFFORT_NEEDED);
  Reopen();
  auto read = progress().GetReport(kIndia2024, 0, false);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), published.SerializeAsString());
  EXPECT_THAT(PlansWithProgress(itp::v1::MORE_EFFORT_NEEDED),
              ElementsAre(kIndiaSteel));
}

// A file that schema 9 left (plans, no progress tables) opens at the current
// version: its plans get progress status NOT_REPORTED and take reports.
TEST_F(SqliteProgressStoreTest, MigrationTenAddsProgressToAVersionNineFile) {
  ASSERT_GE(SqliteSchemaVersion(), 10);
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  stores_ = SqliteStores();
  {
    RawDatabase raw(path_);
    raw.Exec(
        "DROP TABLE plan_projects;"
        "DROP TABLE progress_report_sectors;"
        "DROP TABLE progress_reports;"
        "DROP INDEX plans_by_progress_status;"
        "ALTER TABLE plans DROP COLUMN progress_status;"
        "PRAGMA user_version = 9;");
  }
  SetUp();
  {
    RawDatabase raw(path_);
    EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
    EXPECT_THAT(raw.Column("SELECT progress_status FROM plans"),
                ElementsAre("0"));
    EXPECT_EQ(raw.Count("progress_reports"), 0);
  }
  EXPECT_THAT(PlansWithProgress(itp::v1::PROGRESS_STATUS_UNSPECIFIED),
              ElementsAre(kIndiaSteel));
  Create(kIndiaSteel, 2024, IndiaActuals(2.47));
  Publish(kIndia2024, itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_THAT(PlansWithProgress(itp::v1::MORE_EFFORT_NEEDED),
              ElementsAre(kIndiaSteel));
  RawDatabase raw(path_);
  EXPECT_EQ(raw.Count("progress_reports"), 1);
  EXPECT_EQ(raw.Count("progress_report_sectors"), 1);
}

}  // namespace
}  // namespace itp::storage
