// Tests of Summarize and CompareRuns: what a benchmark job run records of
// each plan's report, and what moved between two runs of the same job.
//
// The figures are those of the India steel plan of the plan-submission issue
// (2020 2.54 t CO2/t, 2030 2.2, 2050 1.0, 2070 0.1), computed with the python3
// script of tests/benchmark/engine_test.cc: against TPI 1.5 Degrees (2022) its
// 2030 SDA target is 1.7685765534913516 and its alignment ratio
// -0.24393823702851566 (2025: -0.10013131742061186). Revision 2 lowers the
// 2030 intensity to 1.45: the ratios become 0.18013161650393295 (2030) and
// 0.07394009356366216 (2025), and the TPI 2022 labels move from "Not
// Aligned" to "Below 2 Degrees" in 2030 (1.45 <= 1.488) and to "National
// Pledges" in 2035 (1.3375 <= 1.546) and 2040 (1.225 <= 1.460). The Indonesia
// cement figures are those of its 2023 plan (0.62 t CO2/t, 0.55 in 2030)
// against TPI cement 2022 (1.5 Degrees 0.419 in 2030, Below 2 Degrees 0.547,
// National Pledges 0.570).

#include "server/benchmark/run_changes.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_job.pb.h"

namespace itp::benchmark {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::v1::BenchmarkJobResult;
using ::itp::v1::BenchmarkReport;
using ::itp::v1::PlanResultSummary;
using ::itp::v1::RunChanges;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2050";
constexpr char kVietNamCement[] = "countries/VNM/plans/cement-2050";

constexpr char kTpi2022[] = "TPI 2022";
constexpr char kIeaNze[] = "IEA NZE";
constexpr char kTpiSteel15[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kTpiSteelBelow2[] = "pathways/tpi-steel-2022-below-2c";
constexpr char kTpiCement15[] = "pathways/tpi-cement-2022-1p5c";

constexpr char kNotAligned[] = "Not Aligned";
constexpr char kBelow2[] = "Below 2 Degrees";
constexpr char kPledges[] = "National Pledges";

// India steel, revision 1 (2.2 t CO2/t in 2030) and revision 2 (1.45).
constexpr double kIndiaRatio2025Rev1 = -0.10013131742061186;
constexpr double kIndiaRatio2025Rev2 = 0.07394009356366216;
constexpr double kIndiaRatio2030Rev1 = -0.24393823702851566;
constexpr double kIndiaRatio2030Rev2 = 0.18013161650393295;
// Against TPI Below 2 Degrees: aligned in both revisions.
constexpr double kIndiaBelow2Ratio2030Rev1 = 0.02525399857591408;
constexpr double kIndiaBelow2Ratio2030Rev2 = 0.3575537717886707;

MATCHER_P(EqualsProto, expected,
          std::string(negation ? "differs from " : "equals ") +
              expected.ShortDebugString()) {
  return MessageDifferencer::Equals(arg, expected);
}

// (plan, sector, family, year, old, new) of a label change.
using LabelChangeRow = std::tuple<std::string, itp::v1::Sector, std::string,
                                  int, std::string, std::string>;

std::vector<LabelChangeRow> LabelRows(const RunChanges& changes) {
  std::vector<LabelChangeRow> rows;
  for (const auto& c : changes.label_changes()) {
    rows.emplace_back(c.plan(), c.sector(), c.family(), c.year(), c.old_label(),
                      c.new_label());
  }
  return rows;
}

// (plan, pathway, year, old, new) of a ratio crossing.
using CrossingRow = std::tuple<std::string, std::string, int, double, double>;

std::vector<CrossingRow> CrossingRows(const RunChanges& changes) {
  std::vector<CrossingRow> rows;
  for (const auto& c : changes.ratio_crossings()) {
    rows.emplace_back(c.plan(), c.pathway(), c.year(), c.old_ratio(),
                      c.new_ratio());
  }
  return rows;
}

void AddLabel(PlanResultSummary* summary, itp::v1::Sector sector,
              const std::string& family, int year, const std::string& label) {
  auto* l = summary->add_labels();
  l->set_sector(sector);
  l->set_family(family);
  l->set_year(year);
  l->set_label(label);
}

void AddRatio(PlanResultSummary* summary, itp::v1::Sector sector,
              const std::string& pathway, int year, double ratio) {
  auto* r = summary->add_ratios();
  r->set_sector(sector);
  r->set_pathway(pathway);
  r->set_year(year);
  r->set_ratio(ratio);
}

// A successful result of `plan` at `index` in a run, with `summary`.
BenchmarkJobResult Succeeded(int index, const std::string& plan, int revision,
                             const PlanResultSummary& summary) {
  BenchmarkJobResult r;
  r.set_index(index);
  r.set_plan(plan);
  r.set_plan_revision(plan + "/revisions/" + std::to_string(revision));
  r.set_report(plan + "/benchmarkReports/" + std::to_string(100 + index));
  *r.mutable_summary() = summary;
  return r;
}

BenchmarkJobResult Failed(int index, const std::string& plan,
                          const std::string& error) {
  BenchmarkJobResult r;
  r.set_index(index);
  r.set_plan(plan);
  r.set_error(error);
  return r;
}

// India steel as the engine summarizes it: the IEA NZE and TPI 2022 labels
// and the alignment ratios against TPI 1.5 and Below 2 Degrees for 2025
// (t0 + 5) and 2030, of revision 1 (2.2 t CO2/t in 2030) or, when `revised`,
// revision 2 (1.45).
PlanResultSummary IndiaSteelSummary(bool revised) {
  PlanResultSummary s;
  const auto steel = itp::v1::IRON_AND_STEEL;
  AddLabel(&s, steel, kIeaNze, 2030, kNotAligned);
  AddLabel(&s, steel, kTpi2022, 2025, kNotAligned);
  AddLabel(&s, steel, kTpi2022, 2030, revised ? kBelow2 : kNotAligned);
  AddLabel(&s, steel, kTpi2022, 2035, revised ? kPledges : kNotAligned);
  AddLabel(&s, steel, kTpi2022, 2040, revised ? kPledges : kNotAligned);
  AddLabel(&s, steel, kTpi2022, 2050, kPledges);
  AddRatio(&s, steel, kTpiSteel15, 2025,
           revised ? kIndiaRatio2025Rev2 : kIndiaRatio2025Rev1);
  AddRatio(&s, steel, kTpiSteel15, 2030,
           revised ? kIndiaRatio2030Rev2 : kIndiaRatio2030Rev1);
  AddRatio(&s, steel, kTpiSteelBelow2, 2030,
           revised ? kIndiaBelow2Ratio2030Rev2 : kIndiaBelow2Ratio2030Rev1);
  return s;
}

// Indonesia cement (unchanged between runs unless `ratio_2030` differs).
PlanResultSummary IndonesiaCementSummary(double ratio_2030 = -0.0913) {
  PlanResultSummary s;
  const auto cement = itp::v1::CEMENT;
  AddLabel(&s, cement, kTpi2022, 2030, kPledges);
  AddRatio(&s, cement, kTpiCement15, 2028, -0.0405);
  AddRatio(&s, cement, kTpiCement15, 2030, ratio_2030);
  return s;
}

// Brazil steel: 1.7 t CO2/t in 2023, charcoal-based ironmaking.
PlanResultSummary BrazilSteelSummary(const std::string& label_2030,
                                     double ratio_2030) {
  PlanResultSummary s;
  const auto steel = itp::v1::IRON_AND_STEEL;
  AddLabel(&s, steel, kTpi2022, 2030, label_2030);
  AddRatio(&s, steel, kTpiSteelBelow2, 2030, ratio_2030);
  return s;
}

// ---------------------------------------------------------------------------
// Summarize

// A report of a plan with a steel and a cement sector, as the engine fills
// it: the steel sector against TPI 1.5 and Below 2 Degrees, the cement sector
// against TPI 1.5 Degrees, and an uncovered aluminium sector.
BenchmarkReport TwoSectorReport() {
  BenchmarkReport report;
  report.set_name("countries/IND/plans/industry-2070/benchmarkReports/7");
  report.set_plan_revision("countries/IND/plans/industry-2070/revisions/2");
  report.set_methodology_version("itp-benchmark/1.0");

  auto* steel = report.add_sectors();
  steel->set_sector(itp::v1::IRON_AND_STEEL);
  steel->set_covered(true);
  auto* tpi15 = steel->add_pathways();
  tpi15->set_pathway(kTpiSteel15);
  tpi15->set_scenario("1.5 Degrees");
  tpi15->set_family(kTpi2022);
  auto* gap = tpi15->add_gaps();
  gap->set_year(2030);
  gap->set_plan_intensity(2.2);
  gap->set_pathway_intensity(1.129);
  gap->set_gap(1.0710000000000002);
  auto* r2025 = tpi15->add_alignment_ratios();
  r2025->set_year(2025);
  r2025->set_plan_intensity(2.37);
  r2025->set_target_intensity(2.1543157469570788);
  r2025->set_ratio(kIndiaRatio2025Rev1);
  auto* r2030 = tpi15->add_alignment_ratios();
  r2030->set_year(2030);
  r2030->set_plan_intensity(2.2);
  r2030->set_target_intensity(1.7685765534913516);
  r2030->set_ratio(kIndiaRatio2030Rev1);
  auto* below2 = steel->add_pathways();
  below2->set_pathway(kTpiSteelBelow2);
  below2->set_scenario(kBelow2);
  below2->set_family(kTpi2022);
  auto* b2030 = below2->add_alignment_ratios();
  b2030->set_year(2030);
  b2030->set_plan_intensity(2.2);
  b2030->set_target_intensity(2.2569937);
  b2030->set_ratio(kIndiaBelow2Ratio2030Rev1);
  for (int year : {2030, 2050}) {
    auto* label = steel->add_labels();
    label->set_year(year);
    label->set_family(kTpi2022);
    label->set_label(year == 2030 ? kNotAligned : kPledges);
    label->set_aligned(year == 2050);
  }

  auto* cement = report.add_sectors();
  cement->set_sector(itp::v1::CEMENT);
  cement->set_covered(true);
  auto* cement15 = cement->add_pathways();
  cement15->set_pathway(kTpiCement15);
  cement15->set_family(kTpi2022);
  auto* c2030 = cement15->add_alignment_ratios();
  c2030->set_year(2030);
  c2030->set_ratio(-0.0913);
  auto* cement_label = cement->add_labels();
  cement_label->set_year(2030);
  cement_label->set_family(kTpi2022);
  cement_label->set_label(kPledges);
  cement_label->set_aligned(true);

  auto* aluminium = report.add_sectors();
  aluminium->set_sector(itp::v1::ALUMINIUM);
  aluminium->set_covered(false);
  aluminium->add_messages(
      "None of the reference pathways used covers ALUMINIUM.");
  return report;
}

TEST(SummarizeTest, KeepsEveryLabelAndRatioInReportOrder) {
  PlanResultSummary expected;
  AddLabel(&expected, itp::v1::IRON_AND_STEEL, kTpi2022, 2030, kNotAligned);
  AddLabel(&expected, itp::v1::IRON_AND_STEEL, kTpi2022, 2050, kPledges);
  AddRatio(&expected, itp::v1::IRON_AND_STEEL, kTpiSteel15, 2025,
           kIndiaRatio2025Rev1);
  AddRatio(&expected, itp::v1::IRON_AND_STEEL, kTpiSteel15, 2030,
           kIndiaRatio2030Rev1);
  AddRatio(&expected, itp::v1::IRON_AND_STEEL, kTpiSteelBelow2, 2030,
           kIndiaBelow2Ratio2030Rev1);
  AddLabel(&expected, itp::v1::CEMENT, kTpi2022, 2030, kPledges);
  AddRatio(&expected, itp::v1::CEMENT, kTpiCement15, 2030, -0.0913);

  PlanResultSummary summary = Summarize(TwoSectorReport());

  EXPECT_THAT(summary, EqualsProto(expected));
  // Labels and ratios keep their exact values.
  EXPECT_EQ(summary.ratios(1).ratio(), kIndiaRatio2030Rev1);
}

TEST(SummarizeTest, ReportWithoutCoveredSectorsGivesEmptySummary) {
  BenchmarkReport report;
  auto* ammonia = report.add_sectors();
  ammonia->set_sector(itp::v1::CHEMICALS);
  ammonia->set_covered(false);

  PlanResultSummary summary = Summarize(report);

  EXPECT_THAT(summary.labels(), IsEmpty());
  EXPECT_THAT(summary.ratios(), IsEmpty());
}

// ---------------------------------------------------------------------------
// CompareRuns

TEST(CompareRunsTest, FirstRunReportsEveryPlanAdded) {
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndonesiaCement, 1, IndonesiaCementSummary()),
      Succeeded(1, kIndiaSteel, 1, IndiaSteelSummary(false)),
      Succeeded(2, kBrazilSteel, 1, BrazilSteelSummary(kNotAligned, -0.12)),
  };

  RunChanges changes = CompareRuns({}, current);

  // By plan name, not in run order.
  EXPECT_THAT(changes.plans_added(),
              ElementsAre(kBrazilSteel, kIndonesiaCement, kIndiaSteel));
  EXPECT_THAT(changes.label_changes(), IsEmpty());
  EXPECT_THAT(changes.ratio_crossings(), IsEmpty());
  EXPECT_THAT(changes.plans_gone(), IsEmpty());
  EXPECT_EQ(changes.previous_run(), "");
}

TEST(CompareRunsTest, IdenticalRunsHaveNoChanges) {
  const std::vector<BenchmarkJobResult> run = {
      Succeeded(0, kIndiaSteel, 1, IndiaSteelSummary(false)),
      Succeeded(1, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };

  RunChanges changes = CompareRuns(run, run);

  EXPECT_THAT(changes, EqualsProto(RunChanges()));
}

TEST(CompareRunsTest, ReportsLabelsThatMoved) {
  const std::vector<BenchmarkJobResult> previous = {
      Succeeded(0, kIndiaSteel, 1, IndiaSteelSummary(false)),
      Succeeded(1, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndiaSteel, 2, IndiaSteelSummary(true)),
      Succeeded(1, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(
      LabelRows(changes),
      ElementsAre(LabelChangeRow{kIndiaSteel, itp::v1::IRON_AND_STEEL, kTpi2022,
                                 2030, kNotAligned, kBelow2},
                  LabelChangeRow{kIndiaSteel, itp::v1::IRON_AND_STEEL, kTpi2022,
                                 2035, kNotAligned, kPledges},
                  LabelChangeRow{kIndiaSteel, itp::v1::IRON_AND_STEEL, kTpi2022,
                                 2040, kNotAligned, kPledges}));
  // Both ratios against TPI 1.5 Degrees became positive; the one against
  // Below 2 Degrees was positive already.
  EXPECT_THAT(
      CrossingRows(changes),
      ElementsAre(CrossingRow{kIndiaSteel, kTpiSteel15, 2025,
                              kIndiaRatio2025Rev1, kIndiaRatio2025Rev2},
                  CrossingRow{kIndiaSteel, kTpiSteel15, 2030,
                              kIndiaRatio2030Rev1, kIndiaRatio2030Rev2}));
  EXPECT_EQ(changes.ratio_crossings(0).sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_THAT(changes.plans_added(), IsEmpty());
  EXPECT_THAT(changes.plans_gone(), IsEmpty());
}

TEST(CompareRunsTest, LabelOnlyInOneRunIsNotAChange) {
  // The job's checkpoint years changed: 2040 is new, 2035 is gone.
  PlanResultSummary before;
  AddLabel(&before, itp::v1::IRON_AND_STEEL, kTpi2022, 2030, kNotAligned);
  AddLabel(&before, itp::v1::IRON_AND_STEEL, kTpi2022, 2035, kNotAligned);
  PlanResultSummary after;
  AddLabel(&after, itp::v1::IRON_AND_STEEL, kTpi2022, 2030, kNotAligned);
  AddLabel(&after, itp::v1::IRON_AND_STEEL, kTpi2022, 2040, kPledges);
  // Same year and label but another family: not comparable either.
  AddLabel(&after, itp::v1::IRON_AND_STEEL, kIeaNze, 2035, kNotAligned);

  RunChanges changes = CompareRuns({Succeeded(0, kIndiaSteel, 1, before)},
                                   {Succeeded(0, kIndiaSteel, 1, after)});

  EXPECT_THAT(changes, EqualsProto(RunChanges()));
}

TEST(CompareRunsTest, RatioCrossingZeroIsReportedBothWays) {
  const std::vector<BenchmarkJobResult> previous = {
      Succeeded(0, kIndiaSteel, 1, IndiaSteelSummary(false)),
      Succeeded(1, kBrazilSteel, 1, BrazilSteelSummary(kBelow2, 0.0512)),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndiaSteel, 2, IndiaSteelSummary(true)),
      Succeeded(1, kBrazilSteel, 2, BrazilSteelSummary(kBelow2, -0.0318)),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(
      CrossingRows(changes),
      ElementsAre(
          CrossingRow{kBrazilSteel, kTpiSteelBelow2, 2030, 0.0512, -0.0318},
          CrossingRow{kIndiaSteel, kTpiSteel15, 2025, kIndiaRatio2025Rev1,
                      kIndiaRatio2025Rev2},
          CrossingRow{kIndiaSteel, kTpiSteel15, 2030, kIndiaRatio2030Rev1,
                      kIndiaRatio2030Rev2}));
}

TEST(CompareRunsTest, RatioKeepingItsSignIsNotACrossing) {
  // Both ratios move a lot, but stay on their side of zero.
  const std::vector<BenchmarkJobResult> previous = {
      Succeeded(0, kIndonesiaCement, 1, IndonesiaCementSummary(-0.0913)),
      Succeeded(1, kBrazilSteel, 1, BrazilSteelSummary(kBelow2, 0.0512)),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndonesiaCement, 2, IndonesiaCementSummary(-0.0021)),
      Succeeded(1, kBrazilSteel, 2, BrazilSteelSummary(kBelow2, 0.3104)),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(changes.ratio_crossings(), IsEmpty());
  EXPECT_THAT(changes, EqualsProto(RunChanges()));
}

TEST(CompareRunsTest, ZeroCountsAsAligned) {
  // PACTA: a ratio of zero is on target, i.e. aligned.
  const std::vector<BenchmarkJobResult> previous = {
      Succeeded(0, kIndonesiaCement, 1, IndonesiaCementSummary(-0.0021)),
      Succeeded(1, kBrazilSteel, 1, BrazilSteelSummary(kBelow2, 0.0)),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndonesiaCement, 2, IndonesiaCementSummary(0.0)),
      Succeeded(1, kBrazilSteel, 2, BrazilSteelSummary(kBelow2, 0.0417)),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(CrossingRows(changes),
              ElementsAre(CrossingRow{kIndonesiaCement, kTpiCement15, 2030,
                                      -0.0021, 0.0}));
}

TEST(CompareRunsTest, PlanMissingFromCurrentRunIsGone) {
  const std::vector<BenchmarkJobResult> previous = {
      Succeeded(0, kIndiaSteel, 1, IndiaSteelSummary(false)),
      Succeeded(1, kVietNamCement, 1, IndonesiaCementSummary()),
      Succeeded(2, kIndonesiaCement, 1, IndonesiaCementSummary()),
      Succeeded(3, kBrazilSteel, 1, BrazilSteelSummary(kBelow2, 0.0512)),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(changes.plans_gone(),
              ElementsAre(kBrazilSteel, kIndiaSteel, kVietNamCement));
  EXPECT_THAT(changes.plans_added(), IsEmpty());
  EXPECT_THAT(changes.label_changes(), IsEmpty());
  EXPECT_THAT(changes.ratio_crossings(), IsEmpty());
}

TEST(CompareRunsTest, FailedResultsCountAsAbsent) {
  const std::string kError =
      "Plan countries/BRA/plans/steel-2050 does not exist.";
  const std::vector<BenchmarkJobResult> previous = {
      // Failed last time, benchmarked now: added.
      Failed(0, kIndiaSteel, "The plan has no submitted revision any more."),
      // Benchmarked last time, failed now: gone, and its label is not
      // compared with anything.
      Succeeded(1, kBrazilSteel, 1, BrazilSteelSummary(kBelow2, 0.0512)),
      // Failed both times: neither.
      Failed(2, kVietNamCement, "database is locked"),
      Succeeded(3, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndiaSteel, 1, IndiaSteelSummary(true)),
      Failed(1, kBrazilSteel, kError),
      Failed(2, kVietNamCement, "database is locked"),
      Succeeded(3, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(changes.plans_added(), ElementsAre(kIndiaSteel));
  EXPECT_THAT(changes.plans_gone(), ElementsAre(kBrazilSteel));
  EXPECT_THAT(changes.label_changes(), IsEmpty());
  EXPECT_THAT(changes.ratio_crossings(), IsEmpty());
}

TEST(CompareRunsTest, ChangesAreOrderedByPlanThenAsInCurrentResults) {
  // India runs first, Brazil second, but Brazil sorts first. Within a plan,
  // the current summary's order (2035 before 2030 here) is kept.
  PlanResultSummary india_before;
  AddLabel(&india_before, itp::v1::IRON_AND_STEEL, kTpi2022, 2030, kNotAligned);
  AddLabel(&india_before, itp::v1::IRON_AND_STEEL, kTpi2022, 2035, kNotAligned);
  PlanResultSummary india_after;
  AddLabel(&india_after, itp::v1::IRON_AND_STEEL, kTpi2022, 2035, kPledges);
  AddLabel(&india_after, itp::v1::IRON_AND_STEEL, kTpi2022, 2030, kBelow2);
  const std::vector<BenchmarkJobResult> previous = {
      Succeeded(0, kIndiaSteel, 1, india_before),
      Succeeded(1, kBrazilSteel, 1, BrazilSteelSummary(kBelow2, 0.0512)),
  };
  const std::vector<BenchmarkJobResult> current = {
      Succeeded(0, kIndiaSteel, 2, india_after),
      Succeeded(1, kBrazilSteel, 2, BrazilSteelSummary(kNotAligned, 0.0512)),
      Succeeded(2, kVietNamCement, 1, IndonesiaCementSummary()),
      Succeeded(3, kIndonesiaCement, 1, IndonesiaCementSummary()),
  };

  RunChanges changes = CompareRuns(previous, current);

  EXPECT_THAT(
      LabelRows(changes),
      ElementsAre(LabelChangeRow{kBrazilSteel, itp::v1::IRON_AND_STEEL,
                                 kTpi2022, 2030, kBelow2, kNotAligned},
                  LabelChangeRow{kIndiaSteel, itp::v1::IRON_AND_STEEL, kTpi2022,
                                 2035, kNotAligned, kPledges},
                  LabelChangeRow{kIndiaSteel, itp::v1::IRON_AND_STEEL, kTpi2022,
                                 2030, kNotAligned, kBelow2}));
  EXPECT_THAT(changes.plans_added(),
              ElementsAre(kIndonesiaCement, kVietNamCement));
}

// A result whose summary carries the plan's progress.
BenchmarkJobResult WithProgress(const std::string& plan,
                                itp::v1::ProgressStatus status,
                                itp::v1::ReportingRecord::State reporting,
                                int reporting_year) {
  BenchmarkJobResult r;
  r.set_plan(plan);
  auto* p = r.mutable_summary()->mutable_progress();
  p->set_status(status);
  p->set_reporting(reporting);
  p->set_reporting_year(reporting_year);
  if (reporting_year > 0) {
    p->set_progress_report(
        absl::StrCat(plan, "/progressReports/", reporting_year));
  }
  return r;
}

// India steel's 2025 report falls behind (2.7 % above its plan, then 10.6 %);
// Viet Nam cement has not reported for 2025 when the year turns and becomes
// OVERDUE; Indonesia cement is unchanged; Brazil's previous result predates
// progress tracking and is not compared.
TEST(CompareRunsTest, ReportsProgressStatusesAndReportingThatMoved) {
  using itp::v1::ReportingRecord;
  BenchmarkJobResult brazil_before;
  brazil_before.set_plan(kBrazilSteel);
  const std::vector<BenchmarkJobResult> previous = {
      WithProgress(kIndiaSteel, itp::v1::MORE_EFFORT_NEEDED,
                   ReportingRecord::UP_TO_DATE, 2024),
      WithProgress(kIndonesiaCement, itp::v1::ON_TRACK,
                   ReportingRecord::UP_TO_DATE, 2025),
      WithProgress(kVietNamCement, itp::v1::NOT_ON_TRACK,
                   ReportingRecord::UP_TO_DATE, 2024),
      brazil_before};
  const std::vector<BenchmarkJobResult> current = {
      WithProgress(kIndiaSteel, itp::v1::NOT_ON_TRACK,
                   ReportingRecord::UP_TO_DATE, 2025),
      WithProgress(kIndonesiaCement, itp::v1::ON_TRACK,
                   ReportingRecord::UP_TO_DATE, 2025),
      WithProgress(kVietNamCement, itp::v1::NOT_ON_TRACK,
                   ReportingRecord::OVERDUE, 2024),
      WithProgress(kBrazilSteel, itp::v1::NOT_ASSESSED,
                   ReportingRecord::NOT_YET_DUE, 0)};
  RunChanges changes = CompareRuns(previous, current);
  ASSERT_EQ(changes.progress_changes_size(), 2);
  const auto& india = changes.progress_changes(0);
  EXPECT_EQ(india.plan(), kIndiaSteel);
  EXPECT_EQ(india.old_status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(india.new_status(), itp::v1::NOT_ON_TRACK);
  EXPECT_EQ(india.old_reporting(), ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(india.new_reporting(), ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(india.reporting_year(), 2025);
  const auto& vietnam = changes.progress_changes(1);
  EXPECT_EQ(vietnam.plan(), kVietNamCement);
  EXPECT_EQ(vietnam.old_status(), itp::v1::NOT_ON_TRACK);
  EXPECT_EQ(vietnam.new_status(), itp::v1::NOT_ON_TRACK);
  EXPECT_EQ(vietnam.old_reporting(), ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(vietnam.new_reporting(), ReportingRecord::OVERDUE);
  EXPECT_EQ(vietnam.reporting_year(), 2024);
  EXPECT_THAT(changes.label_changes(), IsEmpty());
}

}  // namespace
}  // namespace itp::benchmark
