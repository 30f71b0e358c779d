// End-to-end tests of BenchmarkService: the real server library on a real
// loopback channel, backed by a real SQLite file, called with API keys of
// every role that the bootstrap admin key creates through AdminService.
//
// The expected figures of the India steel plan of the plan-submission issue
// (tests/testing/test_plans.h, IndiaSteelPlan: 2020 100.3 Mt at 2.54 t CO2/t,
// 2030 255 Mt at 2.2, 2050 400 Mt at 1.0, 2070 450 Mt at 0.1) come from the
// python3 script of tests/benchmark/engine_test.cc (the "worked example"),
// extended to every shipped steel pathway of the domain brief (section 3):
//
//   TY = [2019, 2020, 2025, 2030, 2035, 2040, 2050]
//   BELOW2 = dict(zip(TY, [1.662, 1.646, 1.567, 1.488, 1.211, 0.935, 0.516]))
//   PLEDGES = dict(zip(TY, [1.662, 1.659, 1.645, 1.632, 1.546, 1.460, 1.270]))
//   (at(), I, P, TPI15, NZE, target() and the loops exactly as in
//    engine_test.cc; ITR with T = 1.65 C and B = 646 Gt CO2 for Below 2
//    Degrees; none for National Pledges, which has no budget)
//
// The service must return the engine's values unchanged: the TPI 1.5 Degrees
// and IEA NZE numbers below are the ones engine_test.cc asserts.

#include "server/service/benchmark_service.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/benchmark_report.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using ::itp::testing::GapYears;
using ::itp::testing::Label;
using ::itp::testing::LabelsOf;
using ::itp::testing::ResultFor;

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::testing::ErrorReason;
using ::itp::testing::ServerHarness;
using ::itp::testing::ViolatedFields;
using ::itp::v1::AlignmentLabel;
using ::itp::v1::BenchmarkReport;
using ::itp::v1::Pathway;
using ::itp::v1::PathwayResult;
using ::itp::v1::Plan;
using ::itp::v1::PlanComparison;
using ::itp::v1::SectorBenchmark;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::SizeIs;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndiaSteelRevision1[] =
    "countries/IND/plans/steel-2070/revisions/1";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2060";
constexpr char kSouthAfricaSteel[] = "countries/ZAF/plans/steel-2050";
constexpr char kVietNamSteel[] = "countries/VNM/plans/steel-2050";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";

constexpr char kTpi15[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kTpiBelow2[] = "pathways/tpi-steel-2022-below-2c";
constexpr char kTpiPledges[] = "pathways/tpi-steel-2022-national-pledges";
constexpr char kNze[] = "pathways/iea-nze-steel-2022";
constexpr char kIndiaNational[] = "pathways/ind-steel-national-2024";

constexpr char kNotAligned[] = "Not Aligned";

// Every pathway shipped with the server (reference_pathways.cc), by name:
// IEA NZE and every TPI release of TPI's file, current and superseded.
const std::vector<std::string> kShippedPathways = {
    "pathways/iea-nze-aluminium-2022",
    "pathways/iea-nze-ammonia-2022",
    "pathways/iea-nze-cement-2022",
    "pathways/iea-nze-steel-2022",
    "pathways/tpi-aluminium-2019-2c",
    "pathways/tpi-aluminium-2019-below-2c",
    "pathways/tpi-aluminium-2019-paris-pledges",
    "pathways/tpi-aluminium-2020-2c",
    "pathways/tpi-aluminium-2020-below-2c",
    "pathways/tpi-aluminium-2020-paris-pledges",
    "pathways/tpi-aluminium-2021-2c",
    "pathways/tpi-aluminium-2021-below-2c",
    "pathways/tpi-aluminium-2021-paris-pledges",
    "pathways/tpi-cement-2017-2c",
    "pathways/tpi-cement-2017-paris-pledges",
    "pathways/tpi-cement-2018-2c",
    "pathways/tpi-cement-2018-below-2c",
    "pathways/tpi-cement-2018-paris-pledges",
    "pathways/tpi-cement-2020-2c",
    "pathways/tpi-cement-2020-below-2c",
    "pathways/tpi-cement-2020-paris-pledges",
    "pathways/tpi-cement-2021-2c",
    "pathways/tpi-cement-2021-below-2c",
    "pathways/tpi-cement-2021-paris-pledges",
    "pathways/tpi-cement-2022-1p5c",
    "pathways/tpi-cement-2022-below-2c",
    "pathways/tpi-cement-2022-national-pledges",
    "pathways/tpi-pulp-paper-2018-02-2c",
    "pathways/tpi-pulp-paper-2018-02-paris-pledges",
    "pathways/tpi-pulp-paper-2018-11-2c",
    "pathways/tpi-pulp-paper-2018-11-below-2c",
    "pathways/tpi-pulp-paper-2018-11-paris-pledges",
    "pathways/tpi-pulp-paper-2020-2c",
    "pathways/tpi-pulp-paper-2020-below-2c",
    "pathways/tpi-pulp-paper-2020-paris-pledges",
    "pathways/tpi-pulp-paper-2021-2c",
    "pathways/tpi-pulp-paper-2021-below-2c",
    "pathways/tpi-pulp-paper-2021-paris-pledges",
    "pathways/tpi-steel-2017-2c",
    "pathways/tpi-steel-2017-paris-pledges",
    "pathways/tpi-steel-2018-2c",
    "pathways/tpi-steel-2018-below-2c",
    "pathways/tpi-steel-2018-paris-pledges",
    "pathways/tpi-steel-2020-2c",
    "pathways/tpi-steel-2020-below-2c",
    "pathways/tpi-steel-2020-paris-pledges",
    "pathways/tpi-steel-2021-2c",
    "pathways/tpi-steel-2021-below-2c",
    "pathways/tpi-steel-2021-paris-pledges",
    "pathways/tpi-steel-2022-1p5c",
    "pathways/tpi-steel-2022-below-2c",
    "pathways/tpi-steel-2022-national-pledges",
};

// The shipped steel pathways, by name (what ListPathways gives for
// IRON_AND_STEEL): IEA NZE, the superseded TPI releases 2017-2021 and the
// current 2022 release. Only IEA NZE and TPI 2022 are used by default.
const std::vector<std::string> kShippedSteelPathways = {
    "pathways/iea-nze-steel-2022",
    "pathways/tpi-steel-2017-2c",
    "pathways/tpi-steel-2017-paris-pledges",
    "pathways/tpi-steel-2018-2c",
    "pathways/tpi-steel-2018-below-2c",
    "pathways/tpi-steel-2018-paris-pledges",
    "pathways/tpi-steel-2020-2c",
    "pathways/tpi-steel-2020-below-2c",
    "pathways/tpi-steel-2020-paris-pledges",
    "pathways/tpi-steel-2021-2c",
    "pathways/tpi-steel-2021-below-2c",
    "pathways/tpi-steel-2021-paris-pledges",
    "pathways/tpi-steel-2022-1p5c",
    "pathways/tpi-steel-2022-below-2c",
    "pathways/tpi-steel-2022-national-pledges",
};

int64_t Micros(absl::CivilSecond t) {
  return absl::ToUnixMicros(absl::FromCivil(t, absl::UTCTimeZone()));
}

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// 2026-03-02T09:00:00Z, where the server's clock starts.
const int64_t kStart = Micros(absl::CivilSecond(2026, 3, 2, 9, 0, 0));

// Within 1e-9 of `expected`, relative (exact for 0).
Matcher<double> Rel(double expected) {
  return DoubleNear(expected, 1e-9 * std::fabs(expected));
}

MATCHER_P(EqualsProto, expected,
          std::string(negation ? "differs from " : "equals ") +
              expected.ShortDebugString()) {
  return MessageDifferencer::Equals(arg, expected);
}

std::vector<std::string> ResultNames(const SectorBenchmark& sector) {
  std::vector<std::string> names;
  for (const PathwayResult& r : sector.pathways()) names.push_back(r.pathway());
  return names;
}

std::vector<std::string> PathwayNames(const std::vector<Pathway>& pathways) {
  std::vector<std::string> names;
  for (const Pathway& p : pathways) names.push_back(p.name());
  return names;
}

// What the python script gives for the India steel plan against one pathway
// (default checkpoints 2025, 2030, 2035, 2040, 2050).
struct Expected {
  double pathway[5];
  double gap[5];
  // SDA target in 2025, 2030, 2040, 2050.
  double sda[4];
  // Alignment ratio in 2025 and 2030.
  double ratio[2];
  double plan_mt;
  double budget_mt;
  double overshoot;
  // ITR with TCRE 0.45 and 0.60; nullopt without a scenario budget.
  std::optional<double> itr_045;
  std::optional<double> itr_060;
};

// I_plan at the checkpoints: 2.37, 2.2, 1.9000000000000001, 1.6, 1.0.
constexpr double kPlanAtCheckpoints[5] = {2.37, 2.2, 1.9000000000000001, 1.6,
                                          1.0};
constexpr int kDefaultCheckpoints[5] = {2025, 2030, 2035, 2040, 2050};
// sum P(t) I_plan(t), 2020..2050.
constexpr double kIndiaCumulativeMt = 14681.527700000002;

// engine_test.cc, worked example, but for the budget: the shipped pathway
// has TPI's published value for every year (2021 1.565, 2022 1.517, ...,
// where a straight line from 2020 to 2025 gives 1.5646, 1.5162, ...), so
// sum P(t) I_sc(t), 2020..2050, is 5650.9061 (5651.865994999998 along the
// lines between the seven points it had). Gaps, SDA targets and ratios use
// only 2020, 2025, 2030, 2040 and 2050, which are unchanged.
const Expected kExpectedTpi15 = {
    {1.371, 1.129, 0.796, 0.463, 0.052},
    {0.9990000000000001, 1.0710000000000002, 1.104, 1.137, 0.948},
    {2.154288276745676, 1.7685765534913516, 0.7070723894939143, 0.052},
    {-0.10013131742061186, -0.24393823702851566},
    kIndiaCumulativeMt,
    5650.9061,
    2.598083818805625,
    1.7847785365111624,
    1.8797047153482165};

// engine_test.cc, worked example.
const Expected kExpectedNze = {
    {1.41, 0.92, 0.675, 0.43, 0.11},
    {0.9600000000000002, 1.2800000000000002, 1.225, 1.1700000000000002, 0.89},
    {1.8748044692737433, 1.2096089385474864, 0.5444134078212292, 0.11},
    {-0.26413182752763775, -0.8187696286717158},
    kIndiaCumulativeMt,
    5391.431149999997,
    2.7231225423327556,
    1.8070604370436971,
    1.9094139160582628};

// The script above, Below 2 Degrees (1.65 C, 646 Gt CO2). Hand check of the
// 2025 SDA target: d = 2.54 - 0.516 = 2.024, p = (1.567 - 0.516) / (1.646 -
// 0.516) = 1.051 / 1.13, target = 2.024 x 0.930088... + 0.516 = 2.398499...;
// the plan's 2.37 is just under it, so the ratio is positive (0.0118...).
// The budget sums TPI's yearly values (9055.618564999999 along straight
// lines between seven points).
const Expected kExpectedBelow2 = {
    {1.567, 1.488, 1.211, 0.935, 0.516},
    {0.8030000000000002, 0.7120000000000002, 0.6890000000000001, 0.665, 0.484},
    {2.398499115044248, 2.2569982300884956, 1.26649203539823, 0.516},
    {0.011882061938439447, 0.02525399857591408},
    kIndiaCumulativeMt,
    9054.007039999999,
    1.6215502854303065,
    1.83068466797459,
    1.8909128906327868};

// The script above, National Pledges (no scenario budget: no ITR); the
// budget sums TPI's yearly values (12702.03936 along straight lines).
const Expected kExpectedPledges = {
    {1.645, 1.632, 1.546, 1.46, 1.27},
    {0.7250000000000001, 0.5680000000000003, 0.3540000000000001,
     0.14000000000000012, -0.27},
    {2.494293059125964, 2.4518508997429302, 1.8903084832904882, 1.27},
    {0.04983097662530399, 0.10271868479822159},
    kIndiaCumulativeMt,
    12701.87113,
    1.1558555074082226,
    std::nullopt,
    std::nullopt};

// Asserts every figure of `r` against `e`; `tcre` selects the ITR.
void ExpectIndiaFigures(const PathwayResult& r, const Expected& e,
                        double tcre) {
  SCOPED_TRACE(r.pathway());
  ASSERT_THAT(r.gaps(), SizeIs(5));
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(kDefaultCheckpoints[i]);
    EXPECT_EQ(r.gaps(i).year(), kDefaultCheckpoints[i]);
    EXPECT_THAT(r.gaps(i).plan_intensity(), Rel(kPlanAtCheckpoints[i]));
    EXPECT_THAT(r.gaps(i).pathway_intensity(), Rel(e.pathway[i]));
    EXPECT_THAT(r.gaps(i).gap(), Rel(e.gap[i]));
  }
  // Yearly from the base year 2020 to 2050, starting at the plan's own 2.54.
  ASSERT_THAT(r.sda_target(), SizeIs(31));
  EXPECT_EQ(r.sda_target(0).year(), 2020);
  EXPECT_THAT(r.sda_target(0).value(), Rel(2.54));
  const int sda_years[4] = {2025, 2030, 2040, 2050};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(r.sda_target(sda_years[i] - 2020).year(), sda_years[i]);
    EXPECT_THAT(r.sda_target(sda_years[i] - 2020).value(), Rel(e.sda[i]))
        << sda_years[i];
  }
  // At base year + 5 (2025) and 2030.
  ASSERT_THAT(r.alignment_ratios(), SizeIs(2));
  EXPECT_EQ(r.alignment_ratios(0).year(), 2025);
  EXPECT_THAT(r.alignment_ratios(0).plan_intensity(), Rel(2.37));
  EXPECT_THAT(r.alignment_ratios(0).target_intensity(), Rel(e.sda[0]));
  EXPECT_THAT(r.alignment_ratios(0).ratio(), Rel(e.ratio[0]));
  EXPECT_EQ(r.alignment_ratios(1).year(), 2030);
  EXPECT_THAT(r.alignment_ratios(1).plan_intensity(), Rel(2.2));
  EXPECT_THAT(r.alignment_ratios(1).target_intensity(), Rel(e.sda[1]));
  EXPECT_THAT(r.alignment_ratios(1).ratio(), Rel(e.ratio[1]));

  ASSERT_TRUE(r.has_cumulative());
  EXPECT_EQ(r.cumulative().from_year(), 2020);
  EXPECT_EQ(r.cumulative().to_year(), 2050);
  EXPECT_THAT(r.cumulative().plan_mtco2(), Rel(e.plan_mt));
  EXPECT_THAT(r.cumulative().budget_mtco2(), Rel(e.budget_mt));
  EXPECT_THAT(r.cumulative().overshoot_ratio(), Rel(e.overshoot));

  if (e.itr_045.has_value()) {
    ASSERT_TRUE(r.has_implied_temperature());
    EXPECT_EQ(r.implied_temperature().tcre_c_per_1000_gtco2(), tcre);
    EXPECT_THAT(r.implied_temperature().itr_c(),
                Rel(tcre == 0.45 ? *e.itr_045 : *e.itr_060));
    EXPECT_THAT(r.messages(), IsEmpty());
  } else {
    EXPECT_FALSE(r.has_implied_temperature());
    EXPECT_THAT(r.messages(),
                ElementsAre(absl::StrCat(
                    "pathway ", r.pathway(),
                    " has no scenario temperature and global carbon budget: "
                    "the implied temperature rise is not computed.")));
  }
}

// Brazil crude steel (worldsteel: 31.4 Mt in 2020), charcoal and scrap make
// its intensity low: 1.75 t CO2/t in 2020, 1.40 in 2030.
Plan BrazilSteelPlan() {
  Plan plan;
  plan.set_display_name("Brazil steel decarbonisation pathway");
  plan.set_summary("Charcoal-based ironmaking and scrap towards 2060");
  plan.set_submitting_body("Ministry of Development, Industry and Trade");
  auto* s = plan.add_sectors();
  s->set_sector(itp::v1::IRON_AND_STEEL);
  s->set_base_year(2020);
  const std::tuple<int, double, double> points[] = {
      {2020, 31.4, 1.75}, {2030, 40.0, 1.40}, {2050, 45.0, 0.6}};
  for (const auto& [year, production, intensity] : points) {
    auto* pt = s->add_points();
    pt->set_year(year);
    pt->set_production_mt(production);
    pt->set_intensity_tco2_per_t(intensity);
  }
  return plan;
}

// South Africa crude steel: coal-based, 3.9 Mt at 2.90 t CO2/t in 2020, 1.70
// in 2035, 0.8 in 2050; 2030 is interpolated: 2.90 - 1.20 x 10/15 = 2.10.
Plan SouthAfricaSteelPlan() {
  Plan plan;
  plan.set_display_name("South Africa steel transition plan");
  plan.set_summary("Gas- and hydrogen-based DRI replacing blast furnaces");
  plan.set_submitting_body("Department of Trade, Industry and Competition");
  auto* s = plan.add_sectors();
  s->set_sector(itp::v1::IRON_AND_STEEL);
  s->set_base_year(2020);
  const std::tuple<int, double, double> points[] = {
      {2020, 3.9, 2.90}, {2035, 5.0, 1.70}, {2050, 6.0, 0.8}};
  for (const auto& [year, production, intensity] : points) {
    auto* pt = s->add_points();
    pt->set_year(year);
    pt->set_production_mt(production);
    pt->set_intensity_tco2_per_t(intensity);
  }
  return plan;
}

// India's national steel pathway (Ministry of Steel, "Greening the Steel
// Sector in India", 2024): 2.54 t CO2/t in 2022 (domain brief), the official
// aim of 2.2 in 2030, and net zero by 2070.
Pathway IndiaNationalSteelPathway() {
  Pathway p;
  p.set_display_name("India national steel pathway (2024)");
  p.set_sector(itp::v1::IRON_AND_STEEL);
  p.set_scenario("Greening the Steel Sector roadmap");
  p.set_stringency_rank(1);
  p.set_family("India national 2024");
  p.set_source(
      "Ministry of Steel, Government of India, Greening the Steel Sector in "
      "India: Roadmap and Action Plan (2024)");
  // The roadmap gives its month only; the first of the month stands for it.
  p.set_release_date("2024-09-01");
  p.set_intensity_unit("tCO2/t crude steel");
  p.set_scope_boundary(itp::v1::SectorPathway::SCOPE_1_AND_2);
  const std::pair<int, double> points[] = {
      {2022, 2.54}, {2030, 2.2}, {2040, 1.7}, {2050, 1.2}, {2070, 0.1}};
  for (const auto& [year, intensity] : points) {
    auto* pt = p.add_points();
    pt->set_year(year);
    pt->set_intensity_tco2_per_t(intensity);
  }
  return p;
}

class BenchmarkServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartServer();
    runner_ = harness_.CreateKey(itp::v1::BENCHMARK_RUNNER, {},
                                 "LeadIT secretariat - nightly benchmark job");
    reviewer_ = harness_.CreateKey(itp::v1::REVIEWER, {},
                                   "LeadIT secretariat - review desk");
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India - plan upload");
    brazil_ = harness_.CreateKey(
        itp::v1::PARTNER, {"BRA"},
        "Ministry of Development, Industry and Trade, Brazil");
  }

  void StartServer() {
    absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
    admin_key_ = harness_.admin_key();
  }

  void StopServer() { harness_.Stop(); }

  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }

  using Key = ServerHarness::Key;

  // A plan created by the admin key, as a draft.
  Plan CreateDraft(const std::string& name, const Plan& content) {
    const size_t slash = name.find("/plans/");
    itp::v1::CreatePlanRequest request;
    request.set_parent(name.substr(0, slash));
    request.set_plan_id(name.substr(slash + 7));
    *request.mutable_plan() = content;
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, admin_key_);
    Plan plan;
    grpc::Status status = harness_.plans().CreatePlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return plan;
  }

  Plan Submit(const std::string& name) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, admin_key_);
    itp::v1::SubmitPlanRequest request;
    request.set_name(name);
    Plan plan;
    grpc::Status status = harness_.plans().SubmitPlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    EXPECT_EQ(plan.state(), Plan::SUBMITTED);
    return plan;
  }

  Plan CreateSubmitted(const std::string& name, const Plan& content) {
    CreateDraft(name, content);
    return Submit(name);
  }

  // Takes a submitted plan through a review that approves it (reviewer key).
  void Approve(const std::string& name) {
    itp::v1::Review review;
    {
      grpc::ClientContext context;
      ServerHarness::Authorize(&context, reviewer_.secret);
      itp::v1::StartReviewRequest request;
      request.set_parent(name);
      grpc::Status status =
          harness_.reviews().StartReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    itp::v1::Rubric rubric;
    {
      grpc::ClientContext context;
      ServerHarness::Authorize(&context, reviewer_.secret);
      grpc::Status status = harness_.reviews().GetRubric(
          &context, itp::v1::GetRubricRequest(), &rubric);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      ServerHarness::Authorize(&context, reviewer_.secret);
      itp::v1::ScoreReviewRequest request;
      request.set_name(review.name());
      for (const auto& criterion : rubric.criteria()) {
        auto* score = request.add_scores();
        score->set_criterion_id(criterion.id());
        score->set_score(3);
        score->set_evidence(
            "Sector pathway to 2070 with production and intensity figures; "
            "hydrogen DRI demonstration plant financed.");
      }
      grpc::Status status =
          harness_.reviews().ScoreReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      ServerHarness::Authorize(&context, reviewer_.secret);
      itp::v1::CompleteReviewRequest request;
      request.set_name(review.name());
      request.set_decision(itp::v1::Review::APPROVE);
      request.set_summary(
          "Complete and consistent with the national 2030 intensity aim.");
      grpc::Status status =
          harness_.reviews().CompleteReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  grpc::Status Benchmark(const std::string& secret,
                         const itp::v1::BenchmarkPlanRequest& request,
                         BenchmarkReport* report) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    return harness_.benchmarks().BenchmarkPlan(&context, request, report);
  }

  // BenchmarkPlan of `name` with default options; expects OK.
  BenchmarkReport MustBenchmark(const std::string& secret,
                                const std::string& name) {
    itp::v1::BenchmarkPlanRequest request;
    request.set_name(name);
    BenchmarkReport report;
    grpc::Status status = Benchmark(secret, request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  grpc::Status GetReport(const std::string& secret, const std::string& name,
                         BenchmarkReport* report) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    itp::v1::GetBenchmarkReportRequest request;
    request.set_name(name);
    return harness_.benchmarks().GetBenchmarkReport(&context, request, report);
  }

  grpc::Status ListReports(const std::string& secret,
                           const itp::v1::ListBenchmarkReportsRequest& request,
                           itp::v1::ListBenchmarkReportsResponse* response) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    return harness_.benchmarks().ListBenchmarkReports(&context, request,
                                                      response);
  }

  grpc::Status ListPathways(const std::string& secret,
                            const itp::v1::ListPathwaysRequest& request,
                            itp::v1::ListPathwaysResponse* response) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    return harness_.benchmarks().ListPathways(&context, request, response);
  }

  // Every pathway (of `sector`), following next_page_token to the end.
  std::vector<Pathway> ListAllPathways(
      const std::string& secret,
      itp::v1::Sector sector = itp::v1::SECTOR_UNSPECIFIED, int page_size = 0) {
    itp::v1::ListPathwaysRequest request;
    request.set_sector(sector);
    request.set_page_size(page_size);
    std::vector<Pathway> all;
    do {
      itp::v1::ListPathwaysResponse response;
      grpc::Status status = ListPathways(secret, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const Pathway& p : response.pathways()) all.push_back(p);
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  grpc::Status GetPathway(const std::string& secret, const std::string& name,
                          Pathway* pathway) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    itp::v1::GetPathwayRequest request;
    request.set_name(name);
    return harness_.benchmarks().GetPathway(&context, request, pathway);
  }

  grpc::Status CreatePathway(const std::string& secret, const std::string& id,
                             const Pathway& pathway, Pathway* created,
                             const std::string& request_id = "") {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    itp::v1::CreatePathwayRequest request;
    request.set_pathway_id(id);
    *request.mutable_pathway() = pathway;
    request.set_request_id(request_id);
    return harness_.benchmarks().CreatePathway(&context, request, created);
  }

  grpc::Status Compare(const std::string& secret,
                       const itp::v1::ComparePlansRequest& request,
                       itp::v1::ComparePlansResponse* response) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, secret);
    return harness_.benchmarks().ComparePlans(&context, request, response);
  }

  // India (2.2 in 2030), Brazil (1.40) and South Africa (2.10, interpolated)
  // submitted; a Viet Nam steel draft and a submitted Indonesia cement plan
  // beside them.
  void CreateComparisonPlans() {
    CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
    CreateSubmitted(kBrazilSteel, BrazilSteelPlan());
    CreateSubmitted(kSouthAfricaSteel, SouthAfricaSteelPlan());
    CreateDraft(kVietNamSteel, testing::SteelPlan("VNM", 2.1));
    CreateSubmitted(kIndonesiaCement, testing::IndonesiaCementPlan());
  }

  std::atomic<int64_t> now_{kStart};
  ServerHarness harness_{[this] { return now_.load(); }};
  std::string admin_key_;
  Key runner_;
  Key reviewer_;
  Key india_;
  Key brazil_;
};

// ---------------------------------------------------------------------------
// (1) The submitted India steel plan against every shipped steel pathway.

TEST_F(BenchmarkServiceTest, RunnerBenchmarksSubmittedIndiaSteelPlan) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  Advance(absl::Minutes(5));

  BenchmarkReport report = MustBenchmark(runner_.secret, kIndiaSteel);

  EXPECT_EQ(report.name(), absl::StrCat(kIndiaSteel, "/benchmarkReports/1"));
  EXPECT_EQ(report.plan_revision(), kIndiaSteelRevision1);
  EXPECT_EQ(report.methodology_version(), "itp-benchmark/1.1");
  EXPECT_THAT(
      report.pathway_releases(),
      ElementsAre("pathways/iea-nze-steel-2022@2022-07-28",
                  "pathways/tpi-steel-2022-1p5c@2022-04-01",
                  "pathways/tpi-steel-2022-below-2c@2022-04-01",
                  "pathways/tpi-steel-2022-national-pledges@2022-04-01"));
  EXPECT_THAT(report.checkpoint_years(),
              ElementsAre(2025, 2030, 2035, 2040, 2050));
  EXPECT_EQ(report.tcre_c_per_1000_gtco2(), 0.45);
  EXPECT_EQ(report.requested_by(), runner_.name);
  EXPECT_EQ(MicrosOf(report.create_time()), kStart + 5 * 60 * 1000000LL);

  ASSERT_THAT(report.sectors(), SizeIs(1));
  const SectorBenchmark& steel = report.sectors(0);
  EXPECT_EQ(steel.sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_TRUE(steel.covered());
  // India's plan runs to its 2070 net-zero point: the one note.
  EXPECT_THAT(steel.messages(),
              ElementsAre("the plan's figures for 2070 are after 2050, the "
                          "benchmark horizon: the SDA target and cumulative "
                          "emissions stop at 2050."));
  // Every pathway of the sector, by name.
  EXPECT_THAT(ResultNames(steel),
              ElementsAre(kNze, kTpi15, kTpiBelow2, kTpiPledges));
  EXPECT_EQ(ResultFor(steel, kTpi15).scenario(), "1.5 Degrees");
  EXPECT_EQ(ResultFor(steel, kTpi15).family(), "TPI 2022");
  EXPECT_EQ(ResultFor(steel, kNze).scenario(), "Net Zero Emissions by 2050");
  EXPECT_EQ(ResultFor(steel, kNze).family(), "IEA NZE");
  ExpectIndiaFigures(ResultFor(steel, kTpi15), kExpectedTpi15, 0.45);
  ExpectIndiaFigures(ResultFor(steel, kTpiBelow2), kExpectedBelow2, 0.45);
  ExpectIndiaFigures(ResultFor(steel, kTpiPledges), kExpectedPledges, 0.45);
  ExpectIndiaFigures(ResultFor(steel, kNze), kExpectedNze, 0.45);

  // Labels per family, in order of first appearance. TPI 2022: 2.37, 2.2,
  // 1.9 and 1.6 are above even National Pledges (1.645, 1.632, 1.546, 1.460),
  // but 1.0 in 2050 meets National Pledges (1.270), not Below 2 Degrees
  // (0.516). IEA NZE: above 1.41, 0.92, 0.675, 0.43, 0.11 throughout.
  EXPECT_THAT(LabelsOf(steel),
              ElementsAre(Label{2025, "IEA NZE", kNotAligned, false},
                          Label{2030, "IEA NZE", kNotAligned, false},
                          Label{2035, "IEA NZE", kNotAligned, false},
                          Label{2040, "IEA NZE", kNotAligned, false},
                          Label{2050, "IEA NZE", kNotAligned, false},
                          Label{2025, "TPI 2022", kNotAligned, false},
                          Label{2030, "TPI 2022", kNotAligned, false},
                          Label{2035, "TPI 2022", kNotAligned, false},
                          Label{2040, "TPI 2022", kNotAligned, false},
                          Label{2050, "TPI 2022", "National Pledges", true}));

  // Finance: the hydrogen DRI plant (USD 600 million, unconditional); the
  // plan states no total need.
  EXPECT_EQ(report.finance().identified_usd(), 600e6);
  EXPECT_EQ(report.finance().need_usd(), 0);
  EXPECT_FALSE(report.finance().has_coverage_ratio());
  ASSERT_TRUE(report.finance().has_conditional_share_of_identified());
  EXPECT_EQ(report.finance().conditional_share_of_identified(), 0);
}

TEST_F(BenchmarkServiceTest, OsClimateTcreChangesOnlyTheItr) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndiaSteel);
  request.set_tcre_c_per_1000_gtco2(0.60);
  BenchmarkReport report;
  grpc::Status status = Benchmark(runner_.secret, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(report.tcre_c_per_1000_gtco2(), 0.60);
  ASSERT_THAT(report.sectors(), SizeIs(1));
  const SectorBenchmark& steel = report.sectors(0);
  ExpectIndiaFigures(ResultFor(steel, kTpi15), kExpectedTpi15, 0.60);
  ExpectIndiaFigures(ResultFor(steel, kTpiBelow2), kExpectedBelow2, 0.60);
  ExpectIndiaFigures(ResultFor(steel, kTpiPledges), kExpectedPledges, 0.60);
  ExpectIndiaFigures(ResultFor(steel, kNze), kExpectedNze, 0.60);
}

TEST_F(BenchmarkServiceTest, ReportIsStoredAndListedNewestFirst) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport first = MustBenchmark(runner_.secret, kIndiaSteel);
  Advance(absl::Hours(1));
  itp::v1::BenchmarkPlanRequest os_climate;
  os_climate.set_name(kIndiaSteel);
  os_climate.set_tcre_c_per_1000_gtco2(0.60);
  BenchmarkReport second;
  ASSERT_TRUE(Benchmark(reviewer_.secret, os_climate, &second).ok());
  Advance(absl::Hours(1));
  itp::v1::BenchmarkPlanRequest two_checkpoints;
  two_checkpoints.set_name(kIndiaSteel);
  two_checkpoints.add_checkpoint_years(2030);
  two_checkpoints.add_checkpoint_years(2050);
  BenchmarkReport third;
  ASSERT_TRUE(Benchmark(india_.secret, two_checkpoints, &third).ok());
  EXPECT_NE(first.name(), second.name());
  EXPECT_EQ(second.requested_by(), reviewer_.name);
  EXPECT_EQ(third.requested_by(), india_.name);

  // GetBenchmarkReport returns exactly what BenchmarkPlan returned.
  for (const BenchmarkReport* stored : {&first, &second, &third}) {
    BenchmarkReport read;
    grpc::Status status = GetReport(runner_.secret, stored->name(), &read);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_THAT(read, EqualsProto(*stored));
  }

  // Newest first, two to a page.
  itp::v1::ListBenchmarkReportsRequest request;
  request.set_parent(kIndiaSteel);
  request.set_page_size(2);
  itp::v1::ListBenchmarkReportsResponse page1;
  ASSERT_TRUE(ListReports(runner_.secret, request, &page1).ok());
  ASSERT_THAT(page1.benchmark_reports(), SizeIs(2));
  EXPECT_THAT(page1.benchmark_reports(0), EqualsProto(third));
  EXPECT_THAT(page1.benchmark_reports(1), EqualsProto(second));
  ASSERT_FALSE(page1.next_page_token().empty());
  request.set_page_token(page1.next_page_token());
  itp::v1::ListBenchmarkReportsResponse page2;
  ASSERT_TRUE(ListReports(runner_.secret, request, &page2).ok());
  ASSERT_THAT(page2.benchmark_reports(), SizeIs(1));
  EXPECT_THAT(page2.benchmark_reports(0), EqualsProto(first));
  EXPECT_TRUE(page2.next_page_token().empty());
  EXPECT_GT(MicrosOf(page1.benchmark_reports(0).create_time()),
            MicrosOf(page1.benchmark_reports(1).create_time()));

  // A page token of this listing is not one of another plan's listing.
  CreateSubmitted(kBrazilSteel, BrazilSteelPlan());
  itp::v1::ListBenchmarkReportsRequest other;
  other.set_parent(kBrazilSteel);
  other.set_page_token(page1.next_page_token());
  itp::v1::ListBenchmarkReportsResponse ignored;
  grpc::Status status = ListReports(runner_.secret, other, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

// Viewing is not writing: the same figures asked for again are read from the
// stored report, and validate_only stores nothing.
TEST_F(BenchmarkServiceTest, AskingAgainReadsTheStoredReport) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  auto stored_count = [&] {
    itp::v1::ListBenchmarkReportsRequest request;
    request.set_parent(kIndiaSteel);
    itp::v1::ListBenchmarkReportsResponse response;
    EXPECT_TRUE(ListReports(runner_.secret, request, &response).ok());
    return response.benchmark_reports_size();
  };
  const BenchmarkReport first = MustBenchmark(runner_.secret, kIndiaSteel);
  Advance(absl::Hours(1));
  // Another caller, an hour later, the same revision and options.
  const BenchmarkReport again = MustBenchmark(reviewer_.secret, kIndiaSteel);
  EXPECT_THAT(again, EqualsProto(first));
  EXPECT_EQ(again.requested_by(), runner_.name);
  EXPECT_EQ(stored_count(), 1);

  // validate_only computes without storing, even for new options.
  itp::v1::BenchmarkPlanRequest preview;
  preview.set_name(kIndiaSteel);
  preview.set_tcre_c_per_1000_gtco2(0.60);
  preview.set_validate_only(true);
  BenchmarkReport previewed;
  grpc::Status status = Benchmark(reviewer_.secret, preview, &previewed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(previewed.name(), "");
  EXPECT_FALSE(previewed.has_create_time());
  EXPECT_EQ(previewed.requested_by(), reviewer_.name);
  EXPECT_EQ(previewed.plan_revision(), first.plan_revision());
  EXPECT_EQ(previewed.tcre_c_per_1000_gtco2(), 0.60);
  ASSERT_THAT(previewed.sectors(), SizeIs(1));
  EXPECT_FALSE(previewed.sectors(0).headline().summary().empty());
  EXPECT_EQ(stored_count(), 1);

  // Without validate_only the new options are stored once, then read.
  preview.set_validate_only(false);
  BenchmarkReport stored;
  ASSERT_TRUE(Benchmark(reviewer_.secret, preview, &stored).ok());
  EXPECT_NE(stored.name(), first.name());
  EXPECT_EQ(stored_count(), 2);
  BenchmarkReport read_back;
  ASSERT_TRUE(Benchmark(india_.secret, preview, &read_back).ok());
  EXPECT_THAT(read_back, EqualsProto(stored));
  EXPECT_EQ(stored_count(), 2);
  // The first figures are still found behind the newer report.
  EXPECT_THAT(MustBenchmark(india_.secret, kIndiaSteel), EqualsProto(first));
  EXPECT_EQ(stored_count(), 2);

  // validate_only still checks the request.
  itp::v1::BenchmarkPlanRequest bad;
  bad.set_name(kIndiaSteel);
  bad.set_validate_only(true);
  bad.add_checkpoint_years(1800);
  status = Benchmark(reviewer_.secret, bad, &previewed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("checkpoint_years[0]"));
}

TEST_F(BenchmarkServiceTest, ReportNameOfAnotherPlanIsNotFound) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  CreateSubmitted(kBrazilSteel, BrazilSteelPlan());
  BenchmarkReport india = MustBenchmark(runner_.secret, kIndiaSteel);
  ASSERT_EQ(india.name(), absl::StrCat(kIndiaSteel, "/benchmarkReports/1"));

  // Report ids are global: India's report 1 under Brazil's plan is not found.
  BenchmarkReport read;
  grpc::Status status = GetReport(
      runner_.secret, absl::StrCat(kBrazilSteel, "/benchmarkReports/1"), &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "BENCHMARK_REPORT_NOT_FOUND");

  status = GetReport(runner_.secret,
                     absl::StrCat(kIndiaSteel, "/benchmarkReports/999"), &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "BENCHMARK_REPORT_NOT_FOUND");

  status = GetReport(runner_.secret, kIndiaSteel, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

// ---------------------------------------------------------------------------
// (2) Options: explicit pathways and checkpoints, and their validation.

TEST_F(BenchmarkServiceTest, ExplicitPathwaysAndCheckpointYears) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndiaSteelRevision1);
  request.add_pathways(kTpiBelow2);
  request.add_pathways(kNze);
  request.add_checkpoint_years(2050);
  request.add_checkpoint_years(2030);
  BenchmarkReport report;
  grpc::Status status = Benchmark(runner_.secret, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(report.plan_revision(), kIndiaSteelRevision1);
  EXPECT_THAT(report.checkpoint_years(), ElementsAre(2050, 2030));
  EXPECT_THAT(report.pathway_releases(),
              ElementsAre("pathways/iea-nze-steel-2022@2022-07-28",
                          "pathways/tpi-steel-2022-below-2c@2022-04-01"));
  const SectorBenchmark& steel = report.sectors(0);
  // Results in the order the pathways were named.
  EXPECT_THAT(ResultNames(steel), ElementsAre(kTpiBelow2, kNze));
  const PathwayResult& below2 = ResultFor(steel, kTpiBelow2);
  ASSERT_THAT(GapYears(below2), ElementsAre(2050, 2030));
  EXPECT_THAT(below2.gaps(0).gap(), Rel(0.484));
  EXPECT_THAT(below2.gaps(1).gap(), Rel(0.7120000000000002));
  // Ratios do not depend on the checkpoints.
  ASSERT_THAT(below2.alignment_ratios(), SizeIs(2));
  EXPECT_THAT(below2.alignment_ratios(1).ratio(), Rel(0.02525399857591408));
  const PathwayResult& nze = ResultFor(steel, kNze);
  ASSERT_THAT(GapYears(nze), ElementsAre(2050, 2030));
  EXPECT_THAT(nze.gaps(1).gap(), Rel(1.2800000000000002));
  // Only the named TPI scenario: 1.0 in 2050 is above Below 2 Degrees.
  EXPECT_THAT(LabelsOf(steel),
              ElementsAre(Label{2050, "TPI 2022", kNotAligned, false},
                          Label{2030, "TPI 2022", kNotAligned, false},
                          Label{2050, "IEA NZE", kNotAligned, false},
                          Label{2030, "IEA NZE", kNotAligned, false}));
}

TEST_F(BenchmarkServiceTest, BadOptionsAreInvalidWithFieldPaths) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndiaSteel);
  request.add_checkpoint_years(2030);
  request.add_checkpoint_years(2200);
  request.set_tcre_c_per_1000_gtco2(-1);
  request.add_pathways(kTpi15);
  request.add_pathways("tpi-steel-2022-below-2c");
  BenchmarkReport report;
  grpc::Status status = Benchmark(runner_.secret, request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("checkpoint_years[1]", "tcre_c_per_1000_gtco2",
                          "pathways[1]"));
  EXPECT_THAT(status.error_message(), HasSubstr("year 2200 is outside"));

  // Nothing was stored.
  itp::v1::ListBenchmarkReportsRequest list;
  list.set_parent(kIndiaSteel);
  itp::v1::ListBenchmarkReportsResponse reports;
  ASSERT_TRUE(ListReports(runner_.secret, list, &reports).ok());
  EXPECT_THAT(reports.benchmark_reports(), IsEmpty());
}

TEST_F(BenchmarkServiceTest, UnknownPathwayIsNotFound) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndiaSteel);
  request.add_pathways(kTpi15);
  // TPI published no 2019 steel release.
  request.add_pathways("pathways/tpi-steel-2019-1p5c");
  BenchmarkReport report;
  grpc::Status status = Benchmark(runner_.secret, request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PATHWAY_NOT_FOUND");
  EXPECT_THAT(status.error_message(),
              HasSubstr("pathways/tpi-steel-2019-1p5c"));
}

TEST_F(BenchmarkServiceTest, MissingRevisionAndMissingPlanAreNotFound) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(absl::StrCat(kIndiaSteel, "/revisions/2"));
  BenchmarkReport report;
  EXPECT_EQ(Benchmark(runner_.secret, request, &report).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The admin reads every plan: a missing plan is NOT_FOUND.
  request.set_name("countries/IND/plans/cement-2070");
  EXPECT_EQ(Benchmark(admin_key_, request, &report).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_name("countries/IND");
  grpc::Status status = Benchmark(runner_.secret, request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

// ---------------------------------------------------------------------------
// (3) A sector without a chosen pathway.

TEST_F(BenchmarkServiceTest, CementPlanAgainstSteelPathwaysIsNotCovered) {
  CreateSubmitted(kIndonesiaCement, testing::IndonesiaCementPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndonesiaCement);
  request.add_pathways(kTpi15);
  request.add_pathways(kTpiBelow2);
  request.add_pathways(kTpiPledges);
  BenchmarkReport report;
  grpc::Status status = Benchmark(reviewer_.secret, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(report.plan_revision(),
            "countries/IDN/plans/cement-2060/revisions/1");
  ASSERT_THAT(report.sectors(), SizeIs(1));
  const SectorBenchmark& cement = report.sectors(0);
  EXPECT_EQ(cement.sector(), itp::v1::CEMENT);
  EXPECT_FALSE(cement.covered());
  EXPECT_THAT(
      cement.messages(),
      ElementsAre("None of the reference pathways used covers CEMENT."));
  EXPECT_THAT(cement.pathways(), IsEmpty());
  EXPECT_THAT(cement.labels(), IsEmpty());
  EXPECT_THAT(report.pathway_releases(), IsEmpty());

  // Without named pathways the shipped cement pathways cover it.
  BenchmarkReport defaults = MustBenchmark(reviewer_.secret, kIndonesiaCement);
  ASSERT_THAT(defaults.sectors(), SizeIs(1));
  EXPECT_TRUE(defaults.sectors(0).covered());
  EXPECT_THAT(ResultNames(defaults.sectors(0)),
              ElementsAre("pathways/iea-nze-cement-2022",
                          "pathways/tpi-cement-2022-1p5c",
                          "pathways/tpi-cement-2022-below-2c",
                          "pathways/tpi-cement-2022-national-pledges"));
}

// ---------------------------------------------------------------------------
// (4) Pathways.

TEST_F(BenchmarkServiceTest, ListPathwaysReturnsTheShippedPathways) {
  // Every role reads pathways.
  for (const std::string* secret :
       {&admin_key_, &runner_.secret, &reviewer_.secret, &india_.secret}) {
    EXPECT_EQ(PathwayNames(ListAllPathways(*secret)), kShippedPathways);
  }
  std::vector<Pathway> all = ListAllPathways(runner_.secret);
  for (const Pathway& p : all) {
    EXPECT_TRUE(p.built_in()) << p.name();
    EXPECT_TRUE(p.has_create_time()) << p.name();
    EXPECT_GE(p.points_size(), 4) << p.name();
  }

  EXPECT_EQ(
      PathwayNames(ListAllPathways(runner_.secret, itp::v1::IRON_AND_STEEL)),
      kShippedSteelPathways);
  EXPECT_THAT(PathwayNames(ListAllPathways(runner_.secret, itp::v1::AMMONIA)),
              ElementsAre("pathways/iea-nze-ammonia-2022"));
  EXPECT_THAT(ListAllPathways(runner_.secret, itp::v1::CHEMICALS), IsEmpty());
}

TEST_F(BenchmarkServiceTest, ListPathwaysPagesOfFour) {
  itp::v1::ListPathwaysRequest request;
  request.set_page_size(4);
  std::vector<std::string> names;
  std::vector<int> sizes;
  do {
    itp::v1::ListPathwaysResponse response;
    grpc::Status status = ListPathways(reviewer_.secret, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    sizes.push_back(response.pathways_size());
    for (const Pathway& p : response.pathways()) names.push_back(p.name());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(sizes, std::vector<int>(13, 4));  // 52 pathways
  EXPECT_EQ(names, kShippedPathways);

  // Steel has exactly 15 pathways: one full page of 15, no token.
  ASSERT_EQ(kShippedSteelPathways.size(), 15u);
  itp::v1::ListPathwaysRequest steel;
  steel.set_sector(itp::v1::IRON_AND_STEEL);
  steel.set_page_size(15);
  itp::v1::ListPathwaysResponse response;
  ASSERT_TRUE(ListPathways(reviewer_.secret, steel, &response).ok());
  EXPECT_THAT(response.pathways(), SizeIs(15));
  EXPECT_TRUE(response.next_page_token().empty());

  // A token of the unfiltered listing does not continue a filtered one.
  itp::v1::ListPathwaysRequest first;
  first.set_page_size(4);
  ASSERT_TRUE(ListPathways(reviewer_.secret, first, &response).ok());
  steel.set_page_token(response.next_page_token());
  grpc::Status status = ListPathways(reviewer_.secret, steel, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

TEST_F(BenchmarkServiceTest, GetPathwayReturnsTheBriefFigures) {
  Pathway p;
  grpc::Status status = GetPathway(india_.secret, kTpi15, &p);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(p.name(), kTpi15);
  EXPECT_EQ(p.sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_EQ(p.scenario(), "1.5 Degrees");
  EXPECT_EQ(p.stringency_rank(), 1);
  EXPECT_EQ(p.family(), "TPI 2022");
  EXPECT_EQ(p.release_date(), "2022-04-01");
  EXPECT_THAT(p.source(), HasSubstr("Sector_Benchmarks_21042022.csv"));
  EXPECT_EQ(p.scope_boundary(), itp::v1::SectorPathway::SCOPE_1_AND_2);
  EXPECT_EQ(p.scenario_temperature_c(), 1.5);
  EXPECT_EQ(p.global_budget_gtco2(), 396);
  EXPECT_TRUE(p.built_in());
  std::vector<std::pair<int, double>> points;
  for (const auto& pt : p.points()) {
    points.emplace_back(pt.year(), pt.intensity_tco2_per_t());
  }
  // Every year TPI publishes (Steel_01/04/2022, 1.5 Degrees), the brief's
  // seven among them.
  const std::vector<std::pair<int, double>> published = {
      {2019, 1.662}, {2020, 1.613}, {2021, 1.565}, {2022, 1.517},
      {2023, 1.468}, {2024, 1.42},  {2025, 1.371}, {2026, 1.323},
      {2027, 1.274}, {2028, 1.226}, {2029, 1.177}, {2030, 1.129},
      {2031, 1.062}, {2032, 0.996}, {2033, 0.929}, {2034, 0.863},
      {2035, 0.796}, {2036, 0.729}, {2037, 0.663}, {2038, 0.596},
      {2039, 0.529}, {2040, 0.463}, {2041, 0.422}, {2042, 0.381},
      {2043, 0.339}, {2044, 0.298}, {2045, 0.257}, {2046, 0.216},
      {2047, 0.175}, {2048, 0.134}, {2049, 0.093}, {2050, 0.052}};
  EXPECT_EQ(points, published);

  Pathway pledges;
  ASSERT_TRUE(GetPathway(runner_.secret, kTpiPledges, &pledges).ok());
  EXPECT_EQ(pledges.stringency_rank(), 3);
  EXPECT_FALSE(pledges.has_scenario_temperature_c());
  EXPECT_FALSE(pledges.has_global_budget_gtco2());

  status = GetPathway(runner_.secret, "pathways/tpi-steel-2019-1p5c", &p);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PATHWAY_NOT_FOUND");
  status = GetPathway(runner_.secret, "tpi-steel-2022-1p5c", &p);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(BenchmarkServiceTest, RetriedCreatePathwayReturnsTheFirstPathway) {
  const std::string request_id = "e7a3c915-58d2-4f0b-9c46-1b2d7e8f3a60";
  Pathway first;
  grpc::Status status =
      CreatePathway(admin_key_, "ind-steel-national-2024",
                    IndiaNationalSteelPathway(), &first, request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  Advance(absl::Minutes(5));
  // The same request again: the first pathway, not ALREADY_EXISTS.
  Pathway retried;
  status = CreatePathway(admin_key_, "ind-steel-national-2024",
                         IndiaNationalSteelPathway(), &retried, request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(retried, EqualsProto(first));
  // Without the id, a second create of the same pathway is a conflict.
  Pathway again;
  status = CreatePathway(admin_key_, "ind-steel-national-2024",
                         IndiaNationalSteelPathway(), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // The id of that request with another pathway id is another request.
  status = CreatePathway(admin_key_, "ind-steel-national-2025",
                         IndiaNationalSteelPathway(), &again, request_id);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  Pathway read;
  status = GetPathway(admin_key_, "pathways/ind-steel-national-2025", &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(BenchmarkServiceTest, AdminCreatesNationalPathwayUsedByDefault) {
  Advance(absl::Hours(2));
  Pathway input = IndiaNationalSteelPathway();
  // Output-only fields are ignored.
  input.set_name("pathways/something-else");
  input.set_built_in(true);
  Pathway created;
  grpc::Status status =
      CreatePathway(admin_key_, "ind-steel-national-2024", input, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), kIndiaNational);
  EXPECT_FALSE(created.built_in());
  EXPECT_EQ(MicrosOf(created.create_time()), kStart + 2 * 3600 * 1000000LL);
  EXPECT_EQ(created.display_name(), "India national steel pathway (2024)");
  EXPECT_THAT(created.points(), SizeIs(5));

  Pathway read;
  ASSERT_TRUE(GetPathway(brazil_.secret, kIndiaNational, &read).ok());
  EXPECT_THAT(read, EqualsProto(created));
  std::vector<std::string> steel_names = kShippedSteelPathways;
  steel_names.insert(steel_names.begin() + 1, kIndiaNational);  // "ind" < "tpi"
  EXPECT_EQ(
      PathwayNames(ListAllPathways(runner_.secret, itp::v1::IRON_AND_STEEL)),
      steel_names);
  EXPECT_THAT(ListAllPathways(runner_.secret),
              SizeIs(kShippedPathways.size() + 1));

  // BenchmarkPlan without named pathways now uses it as well.
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport report = MustBenchmark(runner_.secret, kIndiaSteel);
  EXPECT_THAT(
      report.pathway_releases(),
      ElementsAre("pathways/iea-nze-steel-2022@2022-07-28",
                  "pathways/ind-steel-national-2024@2024-09-01",
                  "pathways/tpi-steel-2022-1p5c@2022-04-01",
                  "pathways/tpi-steel-2022-below-2c@2022-04-01",
                  "pathways/tpi-steel-2022-national-pledges@2022-04-01"));
  const SectorBenchmark& steel = report.sectors(0);
  EXPECT_THAT(ResultNames(steel), ElementsAre(kNze, kIndiaNational, kTpi15,
                                              kTpiBelow2, kTpiPledges));
  // The national path starts in 2022, after the plan's base year 2020:
  // gaps only. 2025: 2.54 - 0.34 x 3/8 = 2.4125; the plan's 2.2 in 2030 is
  // exactly the official aim.
  const PathwayResult& national = ResultFor(steel, kIndiaNational);
  EXPECT_EQ(national.family(), "India national 2024");
  ASSERT_THAT(GapYears(national), ElementsAre(2025, 2030, 2035, 2040, 2050));
  const double pathway[] = {2.4125, 2.2, 1.9500000000000002, 1.7, 1.2};
  const double gap[] = {-0.04249999999999998, 0.0, -0.050000000000000044,
                        -0.09999999999999987, -0.19999999999999996};
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(national.gaps(i).pathway_intensity(), Rel(pathway[i]));
    EXPECT_THAT(national.gaps(i).gap(), DoubleNear(gap[i], 1e-12));
  }
  EXPECT_THAT(national.messages(),
              ElementsAre("base year 2020 is outside pathway "
                          "pathways/ind-steel-national-2024, which starts in "
                          "2022."));
  EXPECT_THAT(national.sda_target(), IsEmpty());
  EXPECT_FALSE(national.has_cumulative());
  // The shipped pathways give the same figures as before.
  ExpectIndiaFigures(ResultFor(steel, kTpi15), kExpectedTpi15, 0.45);
  ExpectIndiaFigures(ResultFor(steel, kNze), kExpectedNze, 0.45);
  // Meets the national path at every checkpoint (2.2 <= 2.2 counts).
  std::vector<Label> national_labels;
  for (const Label& l : LabelsOf(steel)) {
    if (std::get<1>(l) == "India national 2024") national_labels.push_back(l);
  }
  const std::string scenario = "Greening the Steel Sector roadmap";
  EXPECT_THAT(national_labels,
              ElementsAre(Label{2025, "India national 2024", scenario, true},
                          Label{2030, "India national 2024", scenario, true},
                          Label{2035, "India national 2024", scenario, true},
                          Label{2040, "India national 2024", scenario, true},
                          Label{2050, "India national 2024", scenario, true}));
}

TEST_F(BenchmarkServiceTest, OnlyAdminCreatesPathways) {
  for (const std::string* secret :
       {&reviewer_.secret, &runner_.secret, &india_.secret}) {
    Pathway created;
    grpc::Status status = CreatePathway(*secret, "ind-steel-national-2024",
                                        IndiaNationalSteelPathway(), &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ErrorReason(status), "PERMISSION_DENIED");
  }
  Pathway p;
  EXPECT_EQ(GetPathway(runner_.secret, kIndiaNational, &p).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListAllPathways(runner_.secret),
              SizeIs(kShippedPathways.size()));
}

TEST_F(BenchmarkServiceTest, InvalidPathwayIsRejectedWithFieldPaths) {
  Pathway one_point = IndiaNationalSteelPathway();
  one_point.clear_points();
  auto* pt = one_point.add_points();
  pt->set_year(2200);
  pt->set_intensity_tco2_per_t(0.1);
  Pathway created;
  grpc::Status status =
      CreatePathway(admin_key_, "ind-steel-national-2024", one_point, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("pathway.points", "pathway.points[0].year"));
  EXPECT_THAT(status.error_message(), HasSubstr("year 2200 is outside"));

  Pathway no_family = IndiaNationalSteelPathway();
  no_family.clear_family();
  no_family.set_release_date("09/2024");
  status = CreatePathway(admin_key_, "Ind_Steel", no_family, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(status),
      ElementsAre("pathway_id", "pathway.family", "pathway.release_date"));

  Pathway p;
  EXPECT_EQ(GetPathway(admin_key_, kIndiaNational, &p).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(BenchmarkServiceTest, DuplicatePathwayAlreadyExists) {
  Pathway first;
  ASSERT_TRUE(CreatePathway(admin_key_, "ind-steel-national-2024",
                            IndiaNationalSteelPathway(), &first)
                  .ok());
  Advance(absl::Hours(1));
  Pathway revised = IndiaNationalSteelPathway();
  revised.mutable_points(1)->set_intensity_tco2_per_t(2.1);
  Pathway created;
  grpc::Status status =
      CreatePathway(admin_key_, "ind-steel-national-2024", revised, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PATHWAY_ALREADY_EXISTS");
  // A shipped pathway's id is taken as well.
  Pathway tpi;
  ASSERT_TRUE(GetPathway(admin_key_, kTpi15, &tpi).ok());
  status = CreatePathway(admin_key_, "tpi-steel-2022-1p5c", tpi, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  Pathway read;
  ASSERT_TRUE(GetPathway(admin_key_, kIndiaNational, &read).ok());
  EXPECT_THAT(read, EqualsProto(first));
  Pathway shipped;
  ASSERT_TRUE(GetPathway(admin_key_, kTpi15, &shipped).ok());
  EXPECT_THAT(shipped, EqualsProto(tpi));
}

TEST_F(BenchmarkServiceTest, PathwayCallsAreInTheAuditTrail) {
  Pathway created;
  EXPECT_EQ(CreatePathway(reviewer_.secret, "ind-steel-national-2024",
                          IndiaNationalSteelPathway(), &created)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  Advance(absl::Minutes(1));
  ASSERT_TRUE(CreatePathway(admin_key_, "ind-steel-national-2024",
                            IndiaNationalSteelPathway(), &created)
                  .ok());
  Advance(absl::Minutes(1));
  EXPECT_EQ(CreatePathway(admin_key_, "ind-steel-national-2024",
                          IndiaNationalSteelPathway(), &created)
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  grpc::ClientContext context;
  ServerHarness::Authorize(&context, admin_key_);
  itp::v1::ListAuditEventsRequest request;
  request.set_filter("method = \"/itp.v1.BenchmarkService/CreatePathway\"");
  itp::v1::ListAuditEventsResponse response;
  grpc::Status status =
      harness_.admin().ListAuditEvents(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::tuple<std::string, std::string, std::string>> events;
  for (const auto& e : response.audit_events()) {
    events.emplace_back(e.api_key(), e.resource(), e.code());
  }
  // Newest first; the admin key is the first key, created at first start.
  itp::v1::ListApiKeysResponse keys;
  {
    grpc::ClientContext list_context;
    ServerHarness::Authorize(&list_context, admin_key_);
    ASSERT_TRUE(
        harness_.admin()
            .ListApiKeys(&list_context, itp::v1::ListApiKeysRequest(), &keys)
            .ok());
  }
  const std::string admin = keys.api_keys(0).name();
  using Event = std::tuple<std::string, std::string, std::string>;
  EXPECT_THAT(
      events,
      ElementsAre(Event{admin, kIndiaNational, "ALREADY_EXISTS"},
                  Event{admin, kIndiaNational, "OK"},
                  Event{reviewer_.name, kIndiaNational, "PERMISSION_DENIED"}));
}

// ---------------------------------------------------------------------------
// (5) Access.

TEST_F(BenchmarkServiceTest, RunnerAndReviewerMayNotBenchmarkDrafts) {
  CreateDraft(kIndiaSteel, testing::IndiaSteelPlan());
  for (const std::string* secret : {&runner_.secret, &reviewer_.secret}) {
    itp::v1::BenchmarkPlanRequest request;
    request.set_name(kIndiaSteel);
    BenchmarkReport report;
    grpc::Status status = Benchmark(*secret, request, &report);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ErrorReason(status), "PERMISSION_DENIED");
  }
  // Nothing was stored.
  itp::v1::ListBenchmarkReportsRequest list;
  list.set_parent(kIndiaSteel);
  itp::v1::ListBenchmarkReportsResponse reports;
  ASSERT_TRUE(ListReports(admin_key_, list, &reports).ok());
  EXPECT_THAT(reports.benchmark_reports(), IsEmpty());
}

TEST_F(BenchmarkServiceTest, PartnerBenchmarksItsOwnDraftAsItStands) {
  CreateDraft(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport report = MustBenchmark(india_.secret, kIndiaSteel);
  EXPECT_EQ(report.plan_revision(), kIndiaSteel);
  EXPECT_EQ(report.requested_by(), india_.name);
  ASSERT_THAT(report.sectors(), SizeIs(1));
  ExpectIndiaFigures(ResultFor(report.sectors(0), kTpi15), kExpectedTpi15,
                     0.45);

  // The report is the partner's to read; the runner may not read the draft's.
  BenchmarkReport read;
  ASSERT_TRUE(GetReport(india_.secret, report.name(), &read).ok());
  EXPECT_THAT(read, EqualsProto(report));
  grpc::Status status = GetReport(runner_.secret, report.name(), &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BenchmarkServiceTest, PartnerMayNotBenchmarkAnotherCountrysPlan) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndiaSteel);
  BenchmarkReport report;
  grpc::Status status = Benchmark(brazil_.secret, request, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "PERMISSION_DENIED");
  request.set_name(kIndiaSteelRevision1);
  EXPECT_EQ(Benchmark(brazil_.secret, request, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BenchmarkServiceTest, OtherCountryReadsReportsOnlyOfApprovedPlans) {
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport report = MustBenchmark(runner_.secret, kIndiaSteel);
  itp::v1::ListBenchmarkReportsRequest list;
  list.set_parent(kIndiaSteel);

  BenchmarkReport read;
  itp::v1::ListBenchmarkReportsResponse listed;
  grpc::Status status = GetReport(brazil_.secret, report.name(), &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "PERMISSION_DENIED");
  EXPECT_EQ(ListReports(brazil_.secret, list, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // India reads its own.
  ASSERT_TRUE(GetReport(india_.secret, report.name(), &read).ok());
  EXPECT_THAT(read, EqualsProto(report));

  Approve(kIndiaSteel);
  status = GetReport(brazil_.secret, report.name(), &read);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(read, EqualsProto(report));
  ASSERT_TRUE(ListReports(brazil_.secret, list, &listed).ok());
  ASSERT_THAT(listed.benchmark_reports(), SizeIs(1));
  EXPECT_THAT(listed.benchmark_reports(0), EqualsProto(report));
  // Reading an approved plan does not let Brazil benchmark it.
  itp::v1::BenchmarkPlanRequest request;
  request.set_name(kIndiaSteel);
  EXPECT_EQ(Benchmark(brazil_.secret, request, &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A report of a draft tells the draft's figures: it stays readable only by
// those who may read the draft (Brazil, the admin), whatever the plan's
// state later; reviewers, runners and other partners never see it.
TEST_F(BenchmarkServiceTest, ReportOfADraftIsReadableOnlyByThoseWhoReadTheDraft) {
  Plan draft = BrazilSteelPlan();
  draft.mutable_finance()->set_total_need_usd(9.99e11);
  CreateDraft(kBrazilSteel, draft);
  BenchmarkReport of_draft = MustBenchmark(brazil_.secret, kBrazilSteel);
  ASSERT_EQ(of_draft.plan_revision(), kBrazilSteel);
  EXPECT_EQ(of_draft.finance().need_usd(), 9.99e11);
  Submit(kBrazilSteel);
  BenchmarkReport of_revision = MustBenchmark(runner_.secret, kBrazilSteel);
  ASSERT_EQ(of_revision.plan_revision(),
            absl::StrCat(kBrazilSteel, "/revisions/1"));

  itp::v1::ListBenchmarkReportsRequest list;
  list.set_parent(kBrazilSteel);
  auto names_listed_to = [&](const std::string& secret) {
    itp::v1::ListBenchmarkReportsResponse listed;
    grpc::Status status = ListReports(secret, list, &listed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& r : listed.benchmark_reports()) names.push_back(r.name());
    return names;
  };
  const std::vector<std::string> both = {of_revision.name(), of_draft.name()};
  const std::vector<std::string> submitted_only = {of_revision.name()};
  BenchmarkReport read;
  for (const std::string* secret : {&reviewer_.secret, &runner_.secret}) {
    grpc::Status status = GetReport(*secret, of_draft.name(), &read);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ErrorReason(status), "PERMISSION_DENIED");
    EXPECT_EQ(names_listed_to(*secret), submitted_only);
    ASSERT_TRUE(GetReport(*secret, of_revision.name(), &read).ok());
  }
  EXPECT_EQ(names_listed_to(brazil_.secret), both);
  EXPECT_EQ(names_listed_to(admin_key_), both);

  // Approved: India reads the plan and its revision's report, not the draft's.
  Approve(kBrazilSteel);
  EXPECT_EQ(GetReport(india_.secret, of_draft.name(), &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(names_listed_to(india_.secret), submitted_only);
  EXPECT_EQ(names_listed_to(reviewer_.secret), submitted_only);
  ASSERT_TRUE(GetReport(brazil_.secret, of_draft.name(), &read).ok());
  EXPECT_EQ(read.finance().need_usd(), 9.99e11);
}

// ---------------------------------------------------------------------------
// (6) Peer comparison.

// IEA NZE in 2030 with base year 2020 (python3, formulas of engine_test.cc):
// p = (0.92 - 0.11) / (1.90 - 0.11); target = (I(2020) - 0.11) p + 0.11.
//   IND 2.2  target 1.2096089385474864 ratio -0.8187696286717158
//   BRA 1.4  target 0.8521229050279331 ratio -0.6429554841670487
//   ZAF 2.1  target 1.3725139664804473 ratio -0.5300390752197974
// TPI 1.5 Degrees in 2030:
//   IND ratio -0.24393823702851566, BRA -0.1442376060124047,
//   ZAF -0.041173040348512366
// South Africa's high base intensity gives it a lenient SDA target: it ranks
// second on intensity but first on alignment.
TEST_F(BenchmarkServiceTest, ComparePlansRanksSteelPlansIn2030) {
  CreateComparisonPlans();
  itp::v1::ComparePlansRequest request;
  request.set_sector(itp::v1::IRON_AND_STEEL);
  request.set_year(2030);
  for (const std::string* secret :
       {&admin_key_, &runner_.secret, &reviewer_.secret}) {
    itp::v1::ComparePlansResponse response;
    grpc::Status status = Compare(*secret, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.sector(), itp::v1::IRON_AND_STEEL);
    EXPECT_EQ(response.year(), 2030);
    // The most stringent shipped steel pathways have rank 1: IEA NZE and
    // TPI 1.5 Degrees; by name, IEA NZE.
    EXPECT_EQ(response.pathway(), kNze);
    // The Viet Nam draft and the Indonesia cement plan are not ranked.
    ASSERT_THAT(response.plans(), SizeIs(3));
    const PlanComparison& brazil = response.plans(0);
    const PlanComparison& south_africa = response.plans(1);
    const PlanComparison& india = response.plans(2);
    EXPECT_EQ(brazil.plan_revision(),
              absl::StrCat(kBrazilSteel, "/revisions/1"));
    EXPECT_EQ(brazil.country(), "BRA");
    EXPECT_EQ(brazil.display_name(), "Brazil steel decarbonisation pathway");
    EXPECT_THAT(brazil.intensity(), Rel(1.4));
    EXPECT_EQ(brazil.intensity_rank(), 1);
    EXPECT_THAT(brazil.alignment_ratio(), Rel(-0.6429554841670487));
    EXPECT_EQ(brazil.alignment_rank(), 2);

    EXPECT_EQ(south_africa.plan_revision(),
              absl::StrCat(kSouthAfricaSteel, "/revisions/1"));
    EXPECT_EQ(south_africa.country(), "ZAF");
    EXPECT_THAT(south_africa.intensity(), Rel(2.0999999999999996));
    EXPECT_EQ(south_africa.intensity_rank(), 2);
    EXPECT_THAT(south_africa.alignment_ratio(), Rel(-0.5300390752197974));
    EXPECT_EQ(south_africa.alignment_rank(), 1);

    EXPECT_EQ(india.plan_revision(), kIndiaSteelRevision1);
    EXPECT_EQ(india.country(), "IND");
    EXPECT_EQ(india.display_name(), "India green steel roadmap");
    EXPECT_THAT(india.intensity(), Rel(2.2));
    EXPECT_EQ(india.intensity_rank(), 3);
    // The same ratio as the India report against IEA NZE in 2030.
    EXPECT_THAT(india.alignment_ratio(), Rel(kExpectedNze.ratio[1]));
    EXPECT_EQ(india.alignment_rank(), 3);
  }
}

TEST_F(BenchmarkServiceTest, ComparePlansAgainstANamedPathwayAndDefaults) {
  CreateComparisonPlans();
  itp::v1::ComparePlansRequest request;
  request.set_sector(itp::v1::IRON_AND_STEEL);
  request.set_pathway(kTpi15);
  itp::v1::ComparePlansResponse response;
  ASSERT_TRUE(Compare(runner_.secret, request, &response).ok());
  // Year defaults to 2030.
  EXPECT_EQ(response.year(), 2030);
  EXPECT_EQ(response.pathway(), kTpi15);
  ASSERT_THAT(response.plans(), SizeIs(3));
  EXPECT_EQ(response.plans(0).country(), "BRA");
  EXPECT_THAT(response.plans(0).alignment_ratio(), Rel(-0.1442376060124047));
  EXPECT_EQ(response.plans(0).alignment_rank(), 2);
  EXPECT_EQ(response.plans(1).country(), "ZAF");
  EXPECT_THAT(response.plans(1).alignment_ratio(), Rel(-0.041173040348512366));
  EXPECT_EQ(response.plans(1).alignment_rank(), 1);
  EXPECT_EQ(response.plans(2).country(), "IND");
  EXPECT_THAT(response.plans(2).alignment_ratio(),
              Rel(kExpectedTpi15.ratio[1]));
  EXPECT_EQ(response.plans(2).alignment_rank(), 3);

  // In 2019 no plan has started yet: no intensity, no ratio, ranks in order.
  request.set_year(2019);
  ASSERT_TRUE(Compare(runner_.secret, request, &response).ok());
  ASSERT_THAT(response.plans(), SizeIs(3));
  for (const PlanComparison& row : response.plans()) {
    EXPECT_FALSE(row.has_intensity()) << row.country();
    EXPECT_FALSE(row.has_alignment_ratio()) << row.country();
  }

  // A cement pathway cannot rank steel plans; bad year and sector.
  request.set_year(2030);
  request.set_pathway("pathways/tpi-cement-2022-1p5c");
  grpc::Status status = Compare(runner_.secret, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("pathway"));
  itp::v1::ComparePlansRequest bad;
  bad.set_year(2200);
  status = Compare(runner_.secret, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("sector", "year"));
  request.set_pathway("pathways/tpi-steel-2019-1p5c");
  status = Compare(runner_.secret, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PATHWAY_NOT_FOUND");

  // Cement: only Indonesia, against the most stringent cement pathway.
  itp::v1::ComparePlansRequest cement;
  cement.set_sector(itp::v1::CEMENT);
  ASSERT_TRUE(Compare(runner_.secret, cement, &response).ok());
  EXPECT_EQ(response.pathway(), "pathways/iea-nze-cement-2022");
  ASSERT_THAT(response.plans(), SizeIs(1));
  EXPECT_EQ(response.plans(0).country(), "IDN");
  EXPECT_EQ(response.plans(0).intensity_rank(), 1);
}

TEST_F(BenchmarkServiceTest, ComparePlansShowsAPartnerOnlyReadablePlans) {
  CreateComparisonPlans();
  itp::v1::ComparePlansRequest request;
  request.set_sector(itp::v1::IRON_AND_STEEL);
  itp::v1::ComparePlansResponse response;
  ASSERT_TRUE(Compare(india_.secret, request, &response).ok());
  ASSERT_THAT(response.plans(), SizeIs(1));
  EXPECT_EQ(response.plans(0).plan_revision(), kIndiaSteelRevision1);
  EXPECT_EQ(response.plans(0).intensity_rank(), 1);
  EXPECT_EQ(response.plans(0).alignment_rank(), 1);

  // Brazil sees its own plan; India's once it is approved.
  ASSERT_TRUE(Compare(brazil_.secret, request, &response).ok());
  ASSERT_THAT(response.plans(), SizeIs(1));
  EXPECT_EQ(response.plans(0).country(), "BRA");
  Approve(kIndiaSteel);
  ASSERT_TRUE(Compare(brazil_.secret, request, &response).ok());
  ASSERT_THAT(response.plans(), SizeIs(2));
  EXPECT_EQ(response.plans(0).country(), "BRA");
  EXPECT_EQ(response.plans(1).country(), "IND");
  EXPECT_EQ(response.plans(1).intensity_rank(), 2);
}

TEST_F(BenchmarkServiceTest, ComparePlansDefaultIgnoresAdminPathways) {
  CreateComparisonPlans();
  // A frozen-efficiency counterfactual (the 2020 world average, IEA: 1.90
  // t CO2/t, held to 2050), rank 1 of its own family and named before
  // iea-nze-steel-2022: not a built-in pathway, so not the default.
  Pathway frozen;
  frozen.set_display_name("Frozen 2020 efficiency, steel");
  frozen.set_sector(itp::v1::IRON_AND_STEEL);
  frozen.set_scenario("Frozen 2020 efficiency");
  frozen.set_stringency_rank(1);
  frozen.set_family("Counterfactual 2020");
  frozen.set_source("IEA Net Zero Roadmap 2023, 2020 world average");
  frozen.set_release_date("2023-09-26");
  for (int year : {2020, 2050}) {
    auto* pt = frozen.add_points();
    pt->set_year(year);
    pt->set_intensity_tco2_per_t(1.90);
  }
  Pathway created;
  ASSERT_TRUE(CreatePathway(admin_key_, "frozen-efficiency-steel-2020", frozen,
                            &created)
                  .ok());

  itp::v1::ComparePlansRequest request;
  request.set_sector(itp::v1::IRON_AND_STEEL);
  itp::v1::ComparePlansResponse response;
  ASSERT_TRUE(Compare(runner_.secret, request, &response).ok());
  EXPECT_EQ(response.pathway(), kNze);
  ASSERT_THAT(response.plans(), SizeIs(3));
  EXPECT_TRUE(response.plans(0).has_alignment_ratio());
}

// ---------------------------------------------------------------------------
// (7) Restart.

TEST_F(BenchmarkServiceTest, PathwaysSurviveRestartWithoutDuplicates) {
  std::vector<Pathway> before = ListAllPathways(runner_.secret);
  ASSERT_THAT(before, SizeIs(kShippedPathways.size()));
  Pathway national;
  ASSERT_TRUE(CreatePathway(admin_key_, "ind-steel-national-2024",
                            IndiaNationalSteelPathway(), &national)
                  .ok());
  CreateSubmitted(kIndiaSteel, testing::IndiaSteelPlan());
  BenchmarkReport report = MustBenchmark(runner_.secret, kIndiaSteel);

  // Two restarts, each seeding the shipped pathways again, a day apart.
  for (int restart = 0; restart < 2; ++restart) {
    Advance(absl::Hours(24));
    StopServer();
    StartServer();
  }

  std::vector<Pathway> after = ListAllPathways(runner_.secret);
  ASSERT_THAT(after, SizeIs(kShippedPathways.size() + 1));
  std::map<std::string, Pathway> by_name;
  for (const Pathway& p : after) by_name[p.name()] = p;
  ASSERT_EQ(by_name.size(), kShippedPathways.size() + 1);
  for (const Pathway& p : before) {
    // Unchanged, including the create_time of the first seeding.
    EXPECT_THAT(by_name[p.name()], EqualsProto(p));
    EXPECT_EQ(MicrosOf(by_name[p.name()].create_time()), kStart) << p.name();
  }
  EXPECT_THAT(by_name[kIndiaNational], EqualsProto(national));

  BenchmarkReport read;
  ASSERT_TRUE(GetReport(runner_.secret, report.name(), &read).ok());
  EXPECT_THAT(read, EqualsProto(report));
  // Benchmarking after the restart gives the same figures, so the stored
  // report is read rather than a second one stored.
  BenchmarkReport again = MustBenchmark(runner_.secret, kIndiaSteel);
  EXPECT_EQ(again.name(), report.name());
  ExpectIndiaFigures(ResultFor(again.sectors(0), kTpi15), kExpectedTpi15, 0.45);
}

}  // namespace
}  // namespace itp::service
