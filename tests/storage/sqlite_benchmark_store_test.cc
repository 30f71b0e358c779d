// Tests of the SQLite BenchmarkStore (reference pathways and benchmark
// reports) against real database files in a temporary directory, with an
// injected clock. The pathways are those of the domain brief (section 3); the
// report figures are those of the India steel worked example
// (tests/benchmark/engine_test.cc).

#include <atomic>
#include <cstdint>
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
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_lifecycle.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/sqlite.h"
#include "server/storage/write_context.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::testing::TempDir;
using ::itp::v1::AuditEvent;
using ::itp::v1::BenchmarkReport;
using ::itp::v1::Pathway;
using ::itp::v1::Plan;
using ::itp::v1::SectorPathway;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kCreatePathway[] = "/itp.v1.BenchmarkService/CreatePathway";
constexpr char kBenchmarkPlan[] = "/itp.v1.BenchmarkService/BenchmarkPlan";
constexpr char kCreatePlan[] = "/itp.v1.PlanService/CreatePlan";
constexpr char kSubmitPlan[] = "/itp.v1.PlanService/SubmitPlan";
constexpr char kDeletePlan[] = "/itp.v1.PlanService/DeletePlan";

constexpr char kAdminKey[] = "apiKeys/a1b2c3d4e5f60718";
constexpr char kRunnerKey[] = "apiKeys/6d2f80c3a9b1e457";
constexpr char kIndiaPartnerKey[] = "apiKeys/3f9c2a1b7d4e8f60";

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2060";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";

constexpr char kTpi15[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kTpiBelow2[] = "pathways/tpi-steel-2022-below-2c";
constexpr char kTpiPledges[] = "pathways/tpi-steel-2022-national-pledges";
constexpr char kTpiCement15[] = "pathways/tpi-cement-2022-1p5c";
constexpr char kNzeSteel[] = "pathways/iea-nze-steel-2022";
constexpr char kIndiaNational[] = "pathways/ind-steel-national-2024";

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// 2026-03-01T00:00:00Z, where every test's clock starts.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 1, 0, 0, 0));

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

WriteContext Ctx(absl::string_view method, absl::string_view api_key,
                 itp::v1::Role role) {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.api_key = std::string(api_key);
  ctx.role = role;
  return ctx;
}

WriteContext AdminCtx(absl::string_view method) {
  return Ctx(method, kAdminKey, itp::v1::ADMIN);
}

WriteContext RunnerCtx() {
  return Ctx(kBenchmarkPlan, kRunnerKey, itp::v1::BENCHMARK_RUNNER);
}

Pathway MakePathway(const std::string& name, const std::string& display_name,
                    itp::v1::Sector sector, const std::string& scenario,
                    int rank, const std::string& family,
                    const std::string& release_date,
                    const std::vector<std::pair<int, double>>& points) {
  Pathway p;
  p.set_name(name);
  p.set_display_name(display_name);
  p.set_sector(sector);
  p.set_scenario(scenario);
  p.set_stringency_rank(rank);
  p.set_family(family);
  p.set_source(
      "Transition Pathway Initiative, sector benchmarks "
      "(Sector_Benchmarks_21042022.csv, TPI Assessment data)");
  p.set_release_date(release_date);
  p.set_intensity_unit(sector == itp::v1::CEMENT ? "tCO2/t cementitious product"
                                                 : "tCO2/t crude steel");
  p.set_scope_boundary(sector == itp::v1::CEMENT
                           ? SectorPathway::SCOPE_1
                           : SectorPathway::SCOPE_1_AND_2);
  for (const auto& [year, value] : points) {
    auto* pt = p.add_points();
    pt->set_year(year);
    pt->set_intensity_tco2_per_t(value);
  }
  return p;
}

std::vector<std::pair<int, double>> TpiPoints(
    const std::vector<double>& values) {
  static constexpr int kYears[] = {2019, 2020, 2025, 2030, 2035, 2040, 2050};
  std::vector<std::pair<int, double>> points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.emplace_back(kYears[i], values[i]);
  }
  return points;
}

// Built-in pathways as the server ships them (a subset of the brief's table),
// named, built_in.
std::vector<Pathway> BuiltIns() {
  Pathway tpi15 = MakePathway(
      kTpi15, "TPI 1.5 Degrees, steel (2022)", itp::v1::IRON_AND_STEEL,
      "1.5 Degrees", 1, "TPI 2022", "2022-04-01",
      TpiPoints({1.662, 1.613, 1.371, 1.129, 0.796, 0.463, 0.052}));
  tpi15.set_scenario_temperature_c(1.5);
  tpi15.set_global_budget_gtco2(396);
  Pathway below2 = MakePathway(
      kTpiBelow2, "TPI Below 2 Degrees, steel (2022)", itp::v1::IRON_AND_STEEL,
      "Below 2 Degrees", 2, "TPI 2022", "2022-04-01",
      TpiPoints({1.662, 1.646, 1.567, 1.488, 1.211, 0.935, 0.516}));
  below2.set_scenario_temperature_c(1.65);
  below2.set_global_budget_gtco2(646);
  Pathway pledges = MakePathway(
      kTpiPledges, "TPI National Pledges, steel (2022)",
      itp::v1::IRON_AND_STEEL, "National Pledges", 3, "TPI 2022", "2022-04-01",
      TpiPoints({1.662, 1.659, 1.645, 1.632, 1.546, 1.460, 1.270}));
  Pathway cement15 =
      MakePathway(kTpiCement15, "TPI 1.5 Degrees, cement (2022)",
                  itp::v1::CEMENT, "1.5 Degrees", 1, "TPI 2022", "2022-04-01",
                  TpiPoints({0.545, 0.545, 0.482, 0.419, 0.313, 0.207, 0.031}));
  cement15.set_scenario_temperature_c(1.5);
  cement15.set_global_budget_gtco2(396);
  Pathway nze = MakePathway(
      kNzeSteel, "IEA Net Zero by 2050, crude steel", itp::v1::IRON_AND_STEEL,
      "Net Zero Emissions by 2050", 1, "IEA NZE", "2022",
      {{2020, 1.90}, {2030, 0.92}, {2040, 0.43}, {2050, 0.11}});
  nze.set_source(
      "IEA Net Zero Emissions by 2050 scenario, as published in the WEF "
      "Net-Zero Industry Tracker 2022 data sheet");
  nze.set_scenario_temperature_c(1.5);
  nze.set_global_budget_gtco2(396);
  std::vector<Pathway> pathways = {tpi15, below2, pledges, cement15, nze};
  for (Pathway& p : pathways) p.set_built_in(true);
  return pathways;
}

// An admin's national pathway: India's steel roadmap (2024), 2.54 t CO2/t in
// 2022, the official 2.2 in 2030, net zero by 2070.
Pathway IndiaNationalPathway() {
  Pathway p = MakePathway(
      kIndiaNational, "India national steel pathway (2024)",
      itp::v1::IRON_AND_STEEL, "Greening the Steel Sector roadmap", 1,
      "India national 2024", "2024-09",
      {{2022, 2.54}, {2030, 2.2}, {2040, 1.7}, {2050, 1.2}, {2070, 0.1}});
  p.set_source(
      "Ministry of Steel, Government of India, Greening the Steel Sector in "
      "India: Roadmap and Action Plan (2024)");
  return p;
}

// A report of the India steel plan against TPI 1.5 Degrees (figures of the
// worked example in engine_test.cc), as the engine would fill it.
BenchmarkReport IndiaReport(double tcre = 0.45) {
  BenchmarkReport report;
  report.set_plan_revision(absl::StrCat(kIndiaSteel, "/revisions/1"));
  report.set_methodology_version("itp-benchmark/1.0");
  report.add_pathway_releases("pathways/tpi-steel-2022-1p5c@2022-04-01");
  for (int year : {2025, 2030, 2035, 2040, 2050}) {
    report.add_checkpoint_years(year);
  }
  report.set_tcre_c_per_1000_gtco2(tcre);
  auto* sector = report.add_sectors();
  sector->set_sector(itp::v1::IRON_AND_STEEL);
  sector->set_covered(true);
  auto* result = sector->add_pathways();
  result->set_pathway(kTpi15);
  result->set_scenario("1.5 Degrees");
  result->set_family("TPI 2022");
  auto* gap = result->add_gaps();
  gap->set_year(2030);
  gap->set_plan_intensity(2.2);
  gap->set_pathway_intensity(1.129);
  gap->set_gap(1.0710000000000002);
  auto* ratio = result->add_alignment_ratios();
  ratio->set_year(2030);
  ratio->set_plan_intensity(2.2);
  ratio->set_target_intensity(1.7685765534913516);
  ratio->set_ratio(-0.24393823702851566);
  auto* cumulative = result->mutable_cumulative();
  cumulative->set_from_year(2020);
  cumulative->set_to_year(2050);
  cumulative->set_plan_mtco2(14681.527700000002);
  cumulative->set_budget_mtco2(5651.865994999998);
  cumulative->set_overshoot_ratio(2.5976425684876854);
  auto* itr = result->mutable_implied_temperature();
  itr->set_scenario_temperature_c(1.5);
  itr->set_global_budget_gtco2(396);
  itr->set_tcre_c_per_1000_gtco2(tcre);
  itr->set_itr_c(tcre == 0.45 ? 1.7846999057045054 : 1.879599874272674);
  auto* label = sector->add_labels();
  label->set_year(2030);
  label->set_family("TPI 2022");
  label->set_label("Not Aligned");
  report.mutable_finance()->set_identified_usd(600e6);
  report.set_requested_by(kRunnerKey);
  return report;
}

// A report of the Indonesia cement plan against TPI 1.5 Degrees, cement.
BenchmarkReport IndonesiaReport() {
  BenchmarkReport report;
  report.set_plan_revision(absl::StrCat(kIndonesiaCement, "/revisions/1"));
  report.set_methodology_version("itp-benchmark/1.0");
  report.add_pathway_releases("pathways/tpi-cement-2022-1p5c@2022-04-01");
  report.add_checkpoint_years(2030);
  report.set_tcre_c_per_1000_gtco2(0.45);
  auto* sector = report.add_sectors();
  sector->set_sector(itp::v1::CEMENT);
  sector->set_covered(true);
  auto* result = sector->add_pathways();
  result->set_pathway(kTpiCement15);
  result->set_scenario("1.5 Degrees");
  result->set_family("TPI 2022");
  auto* gap = result->add_gaps();
  gap->set_year(2030);
  gap->set_plan_intensity(0.55);
  gap->set_pathway_intensity(0.419);
  gap->set_gap(0.55 - 0.419);
  report.set_requested_by(kRunnerKey);
  return report;
}

std::vector<std::string> PathwayNames(const std::vector<Pathway>& pathways) {
  std::vector<std::string> names;
  for (const Pathway& p : pathways) names.push_back(p.name());
  return names;
}

std::vector<std::string> ReportNames(
    const std::vector<BenchmarkReport>& reports) {
  std::vector<std::string> names;
  for (const BenchmarkReport& r : reports) names.push_back(r.name());
  return names;
}

class SqliteBenchmarkStoreTest : public ::testing::Test {
 protected:
  SqliteBenchmarkStoreTest() : path_(dir_.File("itp.db")) {}

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

  BenchmarkStore& benchmarks() { return *stores_.benchmarks; }
  PlanStore& plans() { return *stores_.plans; }
  AuditLog& audit() { return *stores_.audit; }

  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }
  int64_t Now() const { return now_.load(); }

  void Seed(const std::vector<Pathway>& pathways) {
    absl::Status seeded = benchmarks().SeedPathways(pathways);
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  Pathway CreatePathway(const Pathway& pathway) {
    absl::StatusOr<Pathway> created =
        benchmarks().CreatePathway(AdminCtx(kCreatePathway), pathway);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.value_or(Pathway());
  }

  Pathway GetPathway(const std::string& name) {
    absl::StatusOr<Pathway> pathway = benchmarks().GetPathway(name);
    EXPECT_TRUE(pathway.ok()) << name << ": " << pathway.status();
    return pathway.value_or(Pathway());
  }

  // Every pathway (of `sector`), following `next` with `page_size`; checks
  // that every page but the last is full and that no page is empty.
  std::vector<Pathway> ListAllPathways(
      itp::v1::Sector sector = itp::v1::SECTOR_UNSPECIFIED,
      int page_size = domain::kMaxPageSize, int* pages = nullptr) {
    std::vector<Pathway> all;
    std::optional<domain::PageCursor> after;
    int count = 0;
    while (true) {
      absl::StatusOr<PathwayPage> page =
          benchmarks().ListPathways(sector, page_size, after);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      ++count;
      if (page->next) {
        EXPECT_THAT(page->pathways, SizeIs(page_size));
      } else if (count > 1) {
        EXPECT_THAT(page->pathways, ::testing::Not(IsEmpty()));
      }
      for (Pathway& p : page->pathways) all.push_back(std::move(p));
      if (!page->next) break;
      after = page->next;
    }
    if (pages != nullptr) *pages = count;
    return all;
  }

  Plan CreatePlan(const std::string& name, Plan content) {
    content.set_name(name);
    absl::StatusOr<Plan> created = plans().CreatePlan(
        Ctx(kCreatePlan, kIndiaPartnerKey, itp::v1::PARTNER), content);
    EXPECT_TRUE(created.ok()) << name << ": " << created.status();
    return created.value_or(Plan());
  }

  Plan CreateSubmittedPlan(const std::string& name, const Plan& content) {
    CreatePlan(name, content);
    absl::StatusOr<Plan> submitted =
        plans().MutatePlan(Ctx(kSubmitPlan, kIndiaPartnerKey, itp::v1::PARTNER),
                           name, [](Plan& plan, int64_t now) {
                             return domain::ApplyAction(
                                 plan, domain::PlanAction::kSubmit, "", now);
                           });
    EXPECT_TRUE(submitted.ok()) << name << ": " << submitted.status();
    return submitted.value_or(Plan());
  }

  BenchmarkReport CreateReport(const std::string& plan,
                               const BenchmarkReport& report) {
    absl::StatusOr<BenchmarkReport> created =
        benchmarks().CreateReport(RunnerCtx(), plan, report);
    EXPECT_TRUE(created.ok()) << plan << ": " << created.status();
    return created.value_or(BenchmarkReport());
  }

  // Every report of `plan`, following `next` with `page_size`.
  std::vector<BenchmarkReport> ListAllReports(const std::string& plan,
                                              int page_size,
                                              std::vector<int>* sizes,
                                              bool with_drafts = true) {
    std::vector<BenchmarkReport> all;
    std::optional<domain::PageCursor> after;
    while (true) {
      absl::StatusOr<ReportPage> page =
          benchmarks().ListReports(plan, page_size, after, with_drafts);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      if (sizes != nullptr) {
        sizes->push_back(static_cast<int>(page->reports.size()));
      }
      for (BenchmarkReport& r : page->reports) all.push_back(std::move(r));
      if (!page->next) break;
      after = page->next;
    }
    return all;
  }

  std::vector<AuditEvent> AuditEvents() {
    absl::StatusOr<AuditPage> page =
        audit().List(std::nullopt, domain::kMaxPageSize, std::nullopt);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events : std::vector<AuditEvent>();
  }

  TempDir dir_;
  std::string path_;
  std::atomic<int64_t> now_{kStart};
  SqliteStores stores_;
};

// ---------------------------------------------------------------------------
// SeedPathways

TEST_F(SqliteBenchmarkStoreTest, SeedAddsBuiltInsWithTheClockAsCreateTime) {
  Seed(BuiltIns());
  std::vector<Pathway> stored = ListAllPathways();
  EXPECT_THAT(PathwayNames(stored), ElementsAre(kNzeSteel, kTpiCement15, kTpi15,
                                                kTpiBelow2, kTpiPledges));
  for (const Pathway& p : stored) {
    EXPECT_TRUE(p.built_in()) << p.name();
    EXPECT_EQ(MicrosOf(p.create_time()), kStart) << p.name();
  }
  Pathway expected = BuiltIns()[0];
  *expected.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(kStart);
  EXPECT_THAT(GetPathway(kTpi15), EqualsProto(expected));
}

TEST_F(SqliteBenchmarkStoreTest, SeedingAgainKeepsCreateTimeAndAddsNothing) {
  Seed(BuiltIns());
  std::vector<Pathway> first = ListAllPathways();
  Advance(absl::Hours(24));
  Seed(BuiltIns());
  Advance(absl::Hours(24));
  Reopen();
  Seed(BuiltIns());

  std::vector<Pathway> after = ListAllPathways();
  ASSERT_THAT(after, SizeIs(first.size()));
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_THAT(after[i], EqualsProto(first[i]));
    EXPECT_EQ(MicrosOf(after[i].create_time()), kStart) << after[i].name();
  }
  absl::StatusOr<std::vector<Pathway>> steel =
      benchmarks().PathwaysOfSector(itp::v1::IRON_AND_STEEL);
  ASSERT_TRUE(steel.ok()) << steel.status();
  EXPECT_THAT(*steel, SizeIs(4));
}

TEST_F(SqliteBenchmarkStoreTest, SeedRefreshesAChangedBuiltInPathway) {
  Seed(BuiltIns());
  Advance(absl::Hours(24));
  // A corrected release of the shipped data: TPI 1.5 Degrees 2050 value and
  // a display name fix; the input's built_in flag is not trusted.
  std::vector<Pathway> corrected = BuiltIns();
  corrected[0].mutable_points(6)->set_intensity_tco2_per_t(0.05);
  corrected[0].set_display_name("TPI 1.5 Degrees, crude steel (2022)");
  corrected[0].set_built_in(false);
  Seed(corrected);

  Pathway refreshed = GetPathway(kTpi15);
  EXPECT_EQ(refreshed.points(6).intensity_tco2_per_t(), 0.05);
  EXPECT_EQ(refreshed.display_name(), "TPI 1.5 Degrees, crude steel (2022)");
  EXPECT_TRUE(refreshed.built_in());
  // It is the same pathway, first seeded at kStart.
  EXPECT_EQ(MicrosOf(refreshed.create_time()), kStart);
  // The others are untouched, and nothing was added.
  EXPECT_EQ(GetPathway(kTpiBelow2).points(6).intensity_tco2_per_t(), 0.516);
  EXPECT_THAT(ListAllPathways(), SizeIs(5));
  // The listing and the sector query return the refreshed content too.
  absl::StatusOr<std::vector<Pathway>> steel =
      benchmarks().PathwaysOfSector(itp::v1::IRON_AND_STEEL);
  ASSERT_TRUE(steel.ok()) << steel.status();
  ASSERT_THAT(*steel, SizeIs(4));
  EXPECT_THAT((*steel)[1], EqualsProto(refreshed));
}

TEST_F(SqliteBenchmarkStoreTest, SeedLeavesAdminPathwaysAlone) {
  Seed(BuiltIns());
  Advance(absl::Hours(1));
  Pathway national = CreatePathway(IndiaNationalPathway());
  Advance(absl::Hours(24));
  Seed(BuiltIns());
  Reopen();
  Seed(BuiltIns());

  EXPECT_THAT(GetPathway(kIndiaNational), EqualsProto(national));
  EXPECT_FALSE(GetPathway(kIndiaNational).built_in());
  EXPECT_THAT(PathwayNames(ListAllPathways()),
              ElementsAre(kNzeSteel, kIndiaNational, kTpiCement15, kTpi15,
                          kTpiBelow2, kTpiPledges));
}

// ---------------------------------------------------------------------------
// CreatePathway, GetPathway, ListPathways, PathwaysOfSector

TEST_F(SqliteBenchmarkStoreTest, CreatePathwayStoresAnAdminPathway) {
  Advance(absl::Hours(3));
  Pathway input = IndiaNationalPathway();
  input.set_built_in(true);  // Output only: the store decides.
  absl::StatusOr<Pathway> created =
      benchmarks().CreatePathway(AdminCtx(kCreatePathway), input);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), kIndiaNational);
  EXPECT_FALSE(created->built_in());
  EXPECT_EQ(MicrosOf(created->create_time()), kStart + 3 * 3600 * 1000000LL);
  Pathway expected = IndiaNationalPathway();
  *expected.mutable_create_time() = created->create_time();
  EXPECT_THAT(*created, EqualsProto(expected));

  EXPECT_THAT(GetPathway(kIndiaNational), EqualsProto(*created));
  Reopen();
  EXPECT_THAT(GetPathway(kIndiaNational), EqualsProto(*created));
}

TEST_F(SqliteBenchmarkStoreTest, TakenPathwayNameAlreadyExists) {
  Seed(BuiltIns());
  Pathway first = CreatePathway(IndiaNationalPathway());
  Advance(absl::Hours(1));
  Pathway revised = IndiaNationalPathway();
  revised.mutable_points(1)->set_intensity_tco2_per_t(2.1);
  absl::StatusOr<Pathway> again =
      benchmarks().CreatePathway(AdminCtx(kCreatePathway), revised);
  ExpectError(again.status(), absl::StatusCode::kAlreadyExists,
              "PATHWAY_ALREADY_EXISTS");
  EXPECT_THAT(std::string(again.status().message()),
              ::testing::HasSubstr(kIndiaNational));
  EXPECT_THAT(GetPathway(kIndiaNational), EqualsProto(first));

  // A built-in's name is taken as well, and the built-in stays as seeded.
  Pathway shipped = GetPathway(kTpi15);
  Pathway imitation = BuiltIns()[0];
  imitation.set_built_in(false);
  imitation.mutable_points(6)->set_intensity_tco2_per_t(0.0);
  ExpectError(
      benchmarks().CreatePathway(AdminCtx(kCreatePathway), imitation).status(),
      absl::StatusCode::kAlreadyExists, "PATHWAY_ALREADY_EXISTS");
  EXPECT_THAT(GetPathway(kTpi15), EqualsProto(shipped));
}

TEST_F(SqliteBenchmarkStoreTest, MissingPathwayIsNotFound) {
  Seed(BuiltIns());
  absl::StatusOr<Pathway> missing =
      benchmarks().GetPathway("pathways/tpi-steel-2019-1p5c");
  ExpectError(missing.status(), absl::StatusCode::kNotFound,
              "PATHWAY_NOT_FOUND");
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::HasSubstr("pathways/tpi-steel-2019-1p5c"));
}

TEST_F(SqliteBenchmarkStoreTest, ListPathwaysFiltersBySectorAndPages) {
  Seed(BuiltIns());
  CreatePathway(IndiaNationalPathway());

  int pages = 0;
  EXPECT_THAT(
      PathwayNames(ListAllPathways(itp::v1::SECTOR_UNSPECIFIED, 2, &pages)),
      ElementsAre(kNzeSteel, kIndiaNational, kTpiCement15, kTpi15, kTpiBelow2,
                  kTpiPledges));
  // Six pathways, two to a page: exactly three pages.
  EXPECT_EQ(pages, 3);

  EXPECT_THAT(
      PathwayNames(ListAllPathways(itp::v1::IRON_AND_STEEL, 2, &pages)),
      ElementsAre(kNzeSteel, kIndiaNational, kTpi15, kTpiBelow2, kTpiPledges));
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(PathwayNames(ListAllPathways(itp::v1::CEMENT, 1, &pages)),
              ElementsAre(kTpiCement15));
  EXPECT_EQ(pages, 1);
  EXPECT_THAT(ListAllPathways(itp::v1::AMMONIA), IsEmpty());

  // One page of three, then the rest after its cursor.
  absl::StatusOr<PathwayPage> first =
      benchmarks().ListPathways(itp::v1::IRON_AND_STEEL, 3, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->next.has_value());
  EXPECT_EQ(first->next->name, kTpi15);
  absl::StatusOr<PathwayPage> rest =
      benchmarks().ListPathways(itp::v1::IRON_AND_STEEL, 3, first->next);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_THAT(PathwayNames(rest->pathways),
              ElementsAre(kTpiBelow2, kTpiPledges));
  EXPECT_FALSE(rest->next.has_value());
}

TEST_F(SqliteBenchmarkStoreTest, PathwaysOfSectorByName) {
  Seed(BuiltIns());
  Pathway national = CreatePathway(IndiaNationalPathway());
  absl::StatusOr<std::vector<Pathway>> steel =
      benchmarks().PathwaysOfSector(itp::v1::IRON_AND_STEEL);
  ASSERT_TRUE(steel.ok()) << steel.status();
  EXPECT_THAT(
      PathwayNames(*steel),
      ElementsAre(kNzeSteel, kIndiaNational, kTpi15, kTpiBelow2, kTpiPledges));
  EXPECT_THAT((*steel)[1], EqualsProto(national));
  EXPECT_THAT((*steel)[2], EqualsProto(GetPathway(kTpi15)));

  absl::StatusOr<std::vector<Pathway>> cement =
      benchmarks().PathwaysOfSector(itp::v1::CEMENT);
  ASSERT_TRUE(cement.ok()) << cement.status();
  EXPECT_THAT(PathwayNames(*cement), ElementsAre(kTpiCement15));
  absl::StatusOr<std::vector<Pathway>> glass =
      benchmarks().PathwaysOfSector(itp::v1::GLASS);
  ASSERT_TRUE(glass.ok()) << glass.status();
  EXPECT_THAT(*glass, IsEmpty());
}

// ---------------------------------------------------------------------------
// Reports

TEST_F(SqliteBenchmarkStoreTest, CreateReportNamesItUnderThePlan) {
  CreateSubmittedPlan(kIndiaSteel, testing::IndiaSteelPlan());
  Advance(absl::Minutes(10));
  BenchmarkReport input = IndiaReport();
  input.set_name("countries/BRA/plans/steel-2060/benchmarkReports/7");
  absl::StatusOr<BenchmarkReport> created =
      benchmarks().CreateReport(RunnerCtx(), kIndiaSteel, input);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), absl::StrCat(kIndiaSteel, "/benchmarkReports/1"));
  EXPECT_EQ(MicrosOf(created->create_time()), kStart + 10 * 60 * 1000000LL);
  BenchmarkReport expected = IndiaReport();
  expected.set_name(created->name());
  *expected.mutable_create_time() = created->create_time();
  EXPECT_THAT(*created, EqualsProto(expected));

  absl::StatusOr<BenchmarkReport> read =
      benchmarks().GetReport(created->name());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(*read, EqualsProto(*created));
  Reopen();
  read = benchmarks().GetReport(created->name());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(*read, EqualsProto(*created));

  BenchmarkReport second = CreateReport(kIndiaSteel, IndiaReport(0.60));
  EXPECT_EQ(second.name(), absl::StrCat(kIndiaSteel, "/benchmarkReports/2"));
}

TEST_F(SqliteBenchmarkStoreTest, CreateReportForAMissingPlanIsNotFound) {
  absl::StatusOr<BenchmarkReport> created =
      benchmarks().CreateReport(RunnerCtx(), kIndiaSteel, IndiaReport());
  ExpectError(created.status(), absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  // Nothing stored, no audit event.
  CreatePlan(kIndiaSteel, testing::IndiaSteelPlan());
  std::vector<int> sizes;
  EXPECT_THAT(ListAllReports(kIndiaSteel, 10, &sizes), IsEmpty());
  for (const AuditEvent& e : AuditEvents()) {
    EXPECT_NE(e.method(), kBenchmarkPlan);
  }
}

TEST_F(SqliteBenchmarkStoreTest, ReportUnderAnotherPlansNameIsNotFound) {
  CreateSubmittedPlan(kIndiaSteel, testing::IndiaSteelPlan());
  CreateSubmittedPlan(kBrazilSteel, testing::SteelPlan("BRA", 1.75));
  BenchmarkReport india = CreateReport(kIndiaSteel, IndiaReport());
  ASSERT_EQ(india.name(), absl::StrCat(kIndiaSteel, "/benchmarkReports/1"));

  ExpectError(benchmarks()
                  .GetReport(absl::StrCat(kBrazilSteel, "/benchmarkReports/1"))
                  .status(),
              absl::StatusCode::kNotFound, "BENCHMARK_REPORT_NOT_FOUND");
  ExpectError(benchmarks()
                  .GetReport(absl::StrCat(kIndiaSteel, "/benchmarkReports/2"))
                  .status(),
              absl::StatusCode::kNotFound, "BENCHMARK_REPORT_NOT_FOUND");
  ExpectError(
      benchmarks()
          .GetReport(absl::StrCat(kIndiaSteel, "/benchmarkReports/latest"))
          .status(),
      absl::StatusCode::kNotFound, "BENCHMARK_REPORT_NOT_FOUND");
}

TEST_F(SqliteBenchmarkStoreTest, ListReportsNewestFirstWithPaging) {
  CreateSubmittedPlan(kIndiaSteel, testing::IndiaSteelPlan());
  CreateSubmittedPlan(kIndonesiaCement, testing::IndonesiaCementPlan());
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    Advance(absl::Hours(1));
    created.push_back(
        CreateReport(kIndiaSteel, IndiaReport(i % 2 == 0 ? 0.45 : 0.60))
            .name());
    // Interleaved reports of another plan are not listed.
    CreateReport(kIndonesiaCement, IndonesiaReport());
  }

  std::vector<int> sizes;
  std::vector<BenchmarkReport> listed = ListAllReports(kIndiaSteel, 2, &sizes);
  EXPECT_THAT(sizes, ElementsAre(2, 2, 1));
  EXPECT_THAT(
      ReportNames(listed),
      ElementsAre(created[4], created[3], created[2], created[1], created[0]));
  for (size_t i = 1; i < listed.size(); ++i) {
    EXPECT_GT(MicrosOf(listed[i - 1].create_time()),
              MicrosOf(listed[i].create_time()));
  }
  EXPECT_EQ(listed[0].tcre_c_per_1000_gtco2(), 0.45);
  EXPECT_EQ(listed[1].tcre_c_per_1000_gtco2(), 0.60);

  // Five reports, five to a page: one page, no cursor.
  absl::StatusOr<ReportPage> one =
      benchmarks().ListReports(kIndiaSteel, 5, std::nullopt, true);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_THAT(one->reports, SizeIs(5));
  EXPECT_FALSE(one->next.has_value());
  // A plan without reports, and a plan that does not exist: empty.
  CreatePlan(kBrazilSteel, testing::SteelPlan("BRA", 1.75));
  EXPECT_THAT(ListAllReports(kBrazilSteel, 10, nullptr), IsEmpty());
  EXPECT_THAT(ListAllReports("countries/ZAF/plans/steel-2050", 10, nullptr),
              IsEmpty());
}

// Reports of drafts left out: pages stay full and every other report comes
// exactly once.
TEST_F(SqliteBenchmarkStoreTest, ListWithoutDraftsSkipsThemAcrossPages) {
  CreatePlan(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport draft = IndiaReport();
  draft.set_plan_revision(kIndiaSteel);
  std::vector<std::string> of_revisions;
  for (int i = 0; i < 7; ++i) {
    BenchmarkReport created = CreateReport(kIndiaSteel, draft);
    EXPECT_TRUE(IsDraftReport(created));
    if (i % 2 == 1) {
      created = CreateReport(kIndiaSteel, IndiaReport());
      EXPECT_FALSE(IsDraftReport(created));
      of_revisions.insert(of_revisions.begin(), created.name());
    }
  }
  std::vector<int> sizes;
  EXPECT_EQ(ReportNames(ListAllReports(kIndiaSteel, 2, &sizes, false)),
            of_revisions);
  EXPECT_THAT(sizes, ElementsAre(2, 1));
  EXPECT_THAT(ListAllReports(kIndiaSteel, 2, nullptr, true), SizeIs(10));
}

TEST_F(SqliteBenchmarkStoreTest, ReportsGoWithTheirDeletedDraftPlan) {
  CreatePlan(kIndiaSteel, testing::IndiaSteelPlan());
  CreateSubmittedPlan(kIndonesiaCement, testing::IndonesiaCementPlan());
  BenchmarkReport draft = IndiaReport();
  draft.set_plan_revision(kIndiaSteel);
  BenchmarkReport first = CreateReport(kIndiaSteel, draft);
  BenchmarkReport second = CreateReport(kIndiaSteel, draft);
  BenchmarkReport cement = CreateReport(kIndonesiaCement, IndonesiaReport());

  absl::Status deleted = plans().DeletePlan(
      Ctx(kDeletePlan, kIndiaPartnerKey, itp::v1::PARTNER), kIndiaSteel,
      [](const Plan& plan) {
        return plan.state() == Plan::DRAFT
                   ? absl::OkStatus()
                   : absl::FailedPreconditionError("not a draft");
      });
  ASSERT_TRUE(deleted.ok()) << deleted;

  for (const BenchmarkReport* r : {&first, &second}) {
    ExpectError(benchmarks().GetReport(r->name()).status(),
                absl::StatusCode::kNotFound, "BENCHMARK_REPORT_NOT_FOUND");
  }
  // A new plan under the same name starts without reports.
  CreatePlan(kIndiaSteel, testing::IndiaSteelPlan());
  EXPECT_THAT(ListAllReports(kIndiaSteel, 10, nullptr), IsEmpty());
  BenchmarkReport fresh = CreateReport(kIndiaSteel, draft);
  EXPECT_NE(fresh.name(), first.name());
  EXPECT_NE(fresh.name(), second.name());
  EXPECT_THAT(ReportNames(ListAllReports(kIndiaSteel, 10, nullptr)),
              ElementsAre(fresh.name()));
  // Other plans keep theirs.
  absl::StatusOr<BenchmarkReport> kept = benchmarks().GetReport(cement.name());
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_THAT(*kept, EqualsProto(cement));
}

TEST_F(SqliteBenchmarkStoreTest, ReportNamesAreNotReusedAfterPlanDeletion) {
  // The India draft's reports are the newest rows when the draft is deleted;
  // the report of a new draft under the same plan name must not take the
  // name of a deleted report, or an old link would show another report.
  CreateSubmittedPlan(kIndonesiaCement, testing::IndonesiaCementPlan());
  CreateReport(kIndonesiaCement, IndonesiaReport());
  CreatePlan(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport draft = IndiaReport();
  draft.set_plan_revision(kIndiaSteel);
  BenchmarkReport deleted_report = CreateReport(kIndiaSteel, draft);
  ASSERT_EQ(deleted_report.name(),
            absl::StrCat(kIndiaSteel, "/benchmarkReports/2"));
  ASSERT_TRUE(
      plans()
          .DeletePlan(Ctx(kDeletePlan, kIndiaPartnerKey, itp::v1::PARTNER),
                      kIndiaSteel, [](const Plan&) { return absl::OkStatus(); })
          .ok());

  CreatePlan(kIndiaSteel, testing::IndiaSteelPlan());
  Advance(absl::Hours(1));
  BenchmarkReport fresh = CreateReport(kIndiaSteel, draft);
  EXPECT_NE(fresh.name(), deleted_report.name());
}

// ---------------------------------------------------------------------------
// Audit

TEST_F(SqliteBenchmarkStoreTest, WritesAreAuditedInTheirTransaction) {
  Seed(BuiltIns());
  CreateSubmittedPlan(kIndiaSteel, testing::IndiaSteelPlan());
  Advance(absl::Minutes(1));
  CreatePathway(IndiaNationalPathway());
  Advance(absl::Minutes(1));
  BenchmarkReport report = CreateReport(kIndiaSteel, IndiaReport());
  // Failed writes change nothing and record nothing here (the service layer
  // records failed calls).
  EXPECT_FALSE(
      benchmarks()
          .CreatePathway(AdminCtx(kCreatePathway), IndiaNationalPathway())
          .ok());
  EXPECT_FALSE(benchmarks()
                   .CreateReport(RunnerCtx(), "countries/ZAF/plans/steel-2050",
                                 IndiaReport())
                   .ok());

  std::vector<AuditEvent> events = AuditEvents();
  // Newest first: the report, the pathway, then the plan's own writes.
  ASSERT_GE(events.size(), 2u);
  const AuditEvent& benchmarked = events[0];
  EXPECT_EQ(benchmarked.method(), kBenchmarkPlan);
  EXPECT_EQ(benchmarked.resource(), kIndiaSteel);
  EXPECT_EQ(benchmarked.api_key(), kRunnerKey);
  EXPECT_EQ(benchmarked.role(), itp::v1::BENCHMARK_RUNNER);
  EXPECT_EQ(benchmarked.code(), "OK");
  EXPECT_EQ(MicrosOf(benchmarked.time()), Now());
  const AuditEvent& created = events[1];
  EXPECT_EQ(created.method(), kCreatePathway);
  EXPECT_EQ(created.resource(), kIndiaNational);
  EXPECT_EQ(created.api_key(), kAdminKey);
  EXPECT_EQ(created.role(), itp::v1::ADMIN);
  EXPECT_EQ(created.code(), "OK");
  EXPECT_EQ(MicrosOf(created.time()), Now() - 60 * 1000000LL);
  int pathway_events = 0;
  int report_events = 0;
  for (const AuditEvent& e : events) {
    if (e.method() == kCreatePathway) ++pathway_events;
    if (e.method() == kBenchmarkPlan) ++report_events;
  }
  EXPECT_EQ(pathway_events, 1);
  EXPECT_EQ(report_events, 1);
  EXPECT_FALSE(report.name().empty());
}

}  // namespace
}  // namespace itp::storage
