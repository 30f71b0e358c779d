// End-to-end tests of BenchmarkJobService and the background job runner: the
// real server library on a real loopback channel, backed by a real SQLite
// file, called with keys of every role that the bootstrap admin key creates
// through AdminService.
//
// Plans are those of the domain brief (India steel, Indonesia cement, Brazil
// steel) and, for the large runs, 300 national steel and cement scenario
// plans of 15 countries built from 2022 production and intensity figures
// (worldsteel, USGS, GCCA; see kCountries).
//
// The expected figures of the India steel plan (2020 2.54 t CO2/t, 2030 2.2,
// 2050 1.0, 2070 0.1) come from the python3 script of
// tests/benchmark/engine_test.cc, run over every shipped steel pathway:
// revision 1 is "Not Aligned" with TPI 2022 in 2025-2040 and "National
// Pledges" in 2050; its alignment ratio against TPI 1.5 Degrees is
// -0.10013131742061186 in 2025 and -0.24393823702851566 in 2030. Revision 2,
// with 1.45 t CO2/t in 2030, is "Below 2 Degrees" in 2030 (1.45 <= 1.488) and
// "National Pledges" in 2035 (1.3375 <= 1.546) and 2040 (1.225 <= 1.460); its
// ratios against TPI 1.5 Degrees become 0.07394009356366216 (2025) and
// 0.18013161650393295 (2030). Every other ratio keeps its sign (against
// IEA NZE negative, against TPI Below 2 Degrees and National Pledges
// positive) and no IEA NZE label moves.

#include "server/service/benchmark_job_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/progress_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/service/server.h"
#include "server/storage/sqlite.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::itp::testing::ErrorReason;
using ::itp::testing::ServerHarness;
using ::itp::testing::ViolatedFields;
using ::itp::v1::BenchmarkJob;
using ::itp::v1::BenchmarkJobResult;
using ::itp::v1::BenchmarkJobRun;
using ::itp::v1::Plan;
using ::itp::v1::Review;
using ::itp::v1::RunChanges;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2050";
constexpr char kIntensity2030[] = "sectors[0].points[1].intensity_tco2_per_t";

constexpr char kTpi2022[] = "TPI 2022";
constexpr char kTpiSteel15[] = "pathways/tpi-steel-2022-1p5c";
constexpr char kNotAligned[] = "Not Aligned";
constexpr char kBelow2[] = "Below 2 Degrees";
constexpr char kPledges[] = "National Pledges";

constexpr double kIndiaRatio2025Rev1 = -0.10013131742061186;
constexpr double kIndiaRatio2030Rev1 = -0.24393823702851566;
constexpr double kIndiaRatio2025Rev2 = 0.07394009356366216;
constexpr double kIndiaRatio2030Rev2 = 0.18013161650393295;

// How long a test waits for a run, a stream or a state before failing.
constexpr absl::Duration kWait = absl::Seconds(120);

// A country's 2022 crude steel and cement production (Mt) and emissions
// intensity (t CO2 per t), rounded: worldsteel Steel Statistical Yearbook,
// USGS Mineral Commodity Summaries, GCCA GNR and national inventories.
struct CountryFigures {
  const char* iso3;
  const char* name;
  double steel_mt;
  double steel_intensity;
  double cement_mt;
  double cement_intensity;
};

constexpr CountryFigures kCountries[] = {
    {"IND", "India", 125.3, 2.54, 380.0, 0.59},
    {"CHN", "China", 1018.0, 1.95, 2130.0, 0.58},
    {"BRA", "Brazil", 34.1, 1.70, 63.0, 0.56},
    {"IDN", "Indonesia", 15.6, 1.90, 65.0, 0.62},
    {"ZAF", "South Africa", 4.4, 2.40, 13.0, 0.72},
    {"MEX", "Mexico", 18.2, 1.20, 50.0, 0.64},
    {"TUR", "Turkiye", 35.1, 1.05, 76.0, 0.63},
    {"VNM", "Viet Nam", 20.0, 2.10, 118.0, 0.68},
    {"EGY", "Egypt", 9.8, 1.40, 50.0, 0.66},
    {"DEU", "Germany", 36.8, 1.55, 33.0, 0.57},
    {"JPN", "Japan", 89.2, 1.95, 47.0, 0.60},
    {"KOR", "Republic of Korea", 65.9, 1.85, 50.0, 0.66},
    {"USA", "United States", 80.5, 1.05, 95.0, 0.61},
    {"SAU", "Saudi Arabia", 9.1, 1.10, 53.0, 0.63},
    {"POL", "Poland", 7.4, 1.30, 19.0, 0.60},
};

// Scenario `k` (0-9) of a country's national steel or cement plan, as
// submitted to a 2024 consultation: from the 2022 figures, the 2030 and 2050
// intensities fall further the higher `k`, while production grows 12 % to
// 2030 and 25 % to 2050.
Plan ScenarioPlan(const CountryFigures& c, itp::v1::Sector sector, int k) {
  const bool steel = sector == itp::v1::IRON_AND_STEEL;
  const double production = steel ? c.steel_mt : c.cement_mt;
  const double intensity = steel ? c.steel_intensity : c.cement_intensity;
  Plan plan;
  plan.set_display_name(
      absl::StrFormat("%s %s pathway, scenario %d of 10 (2024 consultation)",
                      c.name, steel ? "crude steel" : "cement", k + 1));
  plan.set_summary(steel ? "Scrap-based EAF, hydrogen DRI and CCUS towards 2050"
                         : "Clinker substitution, alternative fuels and CCUS "
                           "towards 2050");
  auto* s = plan.add_sectors();
  s->set_sector(sector);
  s->set_base_year(2022);
  const std::tuple<int, double, double> points[] = {
      {2022, production, intensity},
      {2030, production * 1.12, intensity * (0.97 - 0.035 * k)},
      {2050, production * 1.25, intensity * (0.45 - 0.035 * k)}};
  for (const auto& [year, mt, tco2] : points) {
    auto* p = s->add_points();
    p->set_year(year);
    p->set_production_mt(mt);
    p->set_intensity_tco2_per_t(tco2);
  }
  auto* target = plan.add_targets();
  target->set_type(itp::v1::Target::NET_ZERO);
  target->set_target_year(k < 5 ? 2070 : 2050);
  return plan;
}

std::string ScenarioPlanId(itp::v1::Sector sector, int k) {
  return absl::StrFormat("%s-2050-scenario-%02d",
                         sector == itp::v1::IRON_AND_STEEL ? "steel" : "cement",
                         k + 1);
}

// Brazil's steel sector: 31.9 Mt of crude steel in 2023 at 1.7 t CO2/t
// (charcoal-based ironmaking), 45 Mt at 0.2 in 2050.
Plan BrazilSteelPlan() {
  Plan plan;
  plan.set_display_name("Brazil low-carbon steel plan");
  plan.set_summary("Charcoal-based and hydrogen-ready ironmaking towards 2050");
  plan.set_submitting_body(
      "Ministry of Development, Industry, Trade and Services");
  auto* s = plan.add_sectors();
  s->set_sector(itp::v1::IRON_AND_STEEL);
  s->set_base_year(2023);
  auto* p2023 = s->add_points();
  p2023->set_year(2023);
  p2023->set_production_mt(31.9);
  p2023->set_intensity_tco2_per_t(1.7);
  auto* p2050 = s->add_points();
  p2050->set_year(2050);
  p2050->set_production_mt(45.0);
  p2050->set_intensity_tco2_per_t(0.2);
  return plan;
}

std::vector<int> Indices(const std::vector<BenchmarkJobResult>& results) {
  std::vector<int> indices;
  for (const auto& r : results) indices.push_back(r.index());
  return indices;
}

std::vector<int> Range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

bool Finished(BenchmarkJobRun::State state) {
  return state != BenchmarkJobRun::PENDING && state != BenchmarkJobRun::RUNNING;
}

// (plan, family, year, old, new) of a label change.
using LabelRow =
    std::tuple<std::string, std::string, int, std::string, std::string>;

std::vector<LabelRow> LabelRows(const RunChanges& changes) {
  std::vector<LabelRow> rows;
  for (const auto& c : changes.label_changes()) {
    EXPECT_EQ(c.sector(), itp::v1::IRON_AND_STEEL);
    rows.emplace_back(c.plan(), c.family(), c.year(), c.old_label(),
                      c.new_label());
  }
  return rows;
}

// A caller: the secret sent as bearer token and the key's resource name.
using Key = ServerHarness::Key;

class BenchmarkJobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(1); }

  void StartServer(int job_workers) {
    absl::Status started = harness_.Start([job_workers](ServerConfig& config) {
      config.job_workers = job_workers;
    });
    ASSERT_TRUE(started.ok()) << started;

    if (!admin_.secret.empty()) return;  // keys exist already
    absl::StatusOr<Key> admin = harness_.AdminKey();
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = *admin;
    runner_ = harness_.CreateKey(itp::v1::BENCHMARK_RUNNER, {},
                                 "LeadIT secretariat - nightly benchmark job");
    reviewer_ = harness_.CreateKey(itp::v1::REVIEWER, {},
                                   "LeadIT secretariat - review desk");
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India - plan upload");
    indonesia_ =
        harness_.CreateKey(itp::v1::PARTNER, {"IDN"},
                           "Ministry of Industry, Republic of Indonesia");
  }

  void StopServer() { harness_.Stop(); }

  static void Authorize(grpc::ClientContext* context, const Key& key) {
    ServerHarness::Authorize(context, key);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
  }

  // ---- Plans ----

  // Creates a plan with the admin key (or `who`) and submits it (revision 1).
  Plan Submitted(const std::string& country, const std::string& plan_id,
                 const Plan& content, const Key* who = nullptr) {
    const Key& key = who != nullptr ? *who : admin_;
    Plan plan;
    {
      grpc::ClientContext context;
      Authorize(&context, key);
      itp::v1::CreatePlanRequest request;
      request.set_parent(absl::StrCat("countries/", country));
      request.set_plan_id(plan_id);
      *request.mutable_plan() = content;
      grpc::Status status =
          harness_.plans().CreatePlan(&context, request, &plan);
      EXPECT_TRUE(status.ok()) << plan_id << ": " << status.error_message();
    }
    grpc::ClientContext context;
    Authorize(&context, key);
    itp::v1::SubmitPlanRequest request;
    request.set_name(absl::StrCat("countries/", country, "/plans/", plan_id));
    grpc::Status status = harness_.plans().SubmitPlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << plan_id << ": " << status.error_message();
    EXPECT_EQ(plan.revision(), 1);
    return plan;
  }

  Plan Draft(const std::string& country, const std::string& plan_id,
             const Plan& content) {
    grpc::ClientContext context;
    Authorize(&context, admin_);
    itp::v1::CreatePlanRequest request;
    request.set_parent(absl::StrCat("countries/", country));
    request.set_plan_id(plan_id);
    *request.mutable_plan() = content;
    Plan plan;
    grpc::Status status = harness_.plans().CreatePlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  // The three plans of the domain brief, submitted, plus an Indonesia steel
  // draft that no job may benchmark.
  void SubmitBriefPlans() {
    Submitted("IND", "steel-2070", testing::IndiaSteelPlan(), &india_);
    Submitted("IDN", "cement-2060", testing::IndonesiaCementPlan(),
              &indonesia_);
    Submitted("BRA", "steel-2050", BrazilSteelPlan());
    Draft("IDN", "steel-2060", testing::SteelPlan("IDN", 1.9));
  }

  // Submits scenario plans 0..scenarios-1 of each sector of the first
  // `countries` countries; returns their names.
  std::vector<std::string> SubmitScenarioPlans(int countries, int scenarios) {
    std::vector<std::string> names;
    for (int i = 0; i < countries; ++i) {
      const CountryFigures& c = kCountries[i];
      for (auto sector : {itp::v1::IRON_AND_STEEL, itp::v1::CEMENT}) {
        for (int k = 0; k < scenarios; ++k) {
          names.push_back(Submitted(c.iso3, ScenarioPlanId(sector, k),
                                    ScenarioPlan(c, sector, k))
                              .name());
        }
      }
    }
    return names;
  }

  grpc::Status GetPlan(const Key& who, const std::string& name, Plan* plan) {
    grpc::ClientContext context;
    Authorize(&context, who);
    itp::v1::GetPlanRequest request;
    request.set_name(name);
    return harness_.plans().GetPlan(&context, request, plan);
  }

  // ---- Jobs ----

  grpc::Status CreateJob(const Key& who, const std::string& id,
                         const BenchmarkJob& job, BenchmarkJob* created) {
    grpc::ClientContext context;
    Authorize(&context, who);
    itp::v1::CreateBenchmarkJobRequest request;
    request.set_benchmark_job_id(id);
    *request.mutable_benchmark_job() = job;
    return harness_.jobs().CreateBenchmarkJob(&context, request, created);
  }

  BenchmarkJob MustCreateJob(const std::string& id,
                             const std::string& display_name,
                             const std::string& filter = "") {
    BenchmarkJob job;
    job.set_display_name(display_name);
    job.set_filter(filter);
    BenchmarkJob created;
    grpc::Status status = CreateJob(runner_, id, job, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status GetJob(const Key& who, const std::string& name,
                      BenchmarkJob* job) {
    grpc::ClientContext context;
    Authorize(&context, who);
    itp::v1::GetBenchmarkJobRequest request;
    request.set_name(name);
    return harness_.jobs().GetBenchmarkJob(&context, request, job);
  }

  grpc::Status RunJob(const Key& who, const std::string& name,
                      BenchmarkJobRun* run,
                      const std::string& request_id = "") {
    grpc::ClientContext context;
    Authorize(&context, who);
    itp::v1::RunBenchmarkJobRequest request;
    request.set_name(name);
    request.set_request_id(request_id);
    return harness_.jobs().RunBenchmarkJob(&context, request, run);
  }

  BenchmarkJobRun MustRunJob(const std::string& name,
                             const std::string& request_id = "") {
    BenchmarkJobRun run;
    grpc::Status status = RunJob(runner_, name, &run, request_id);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return run;
  }

  grpc::Status CancelJob(const Key& who, const std::string& name,
                         BenchmarkJobRun* run) {
    grpc::ClientContext context;
    Authorize(&context, who);
    itp::v1::CancelBenchmarkJobRequest request;
    request.set_name(name);
    return harness_.jobs().CancelBenchmarkJob(&context, request, run);
  }

  grpc::Status GetRun(const Key& who, const std::string& name,
                      BenchmarkJobRun* run) {
    grpc::ClientContext context;
    Authorize(&context, who);
    itp::v1::GetBenchmarkJobRunRequest request;
    request.set_name(name);
    return harness_.jobs().GetBenchmarkJobRun(&context, request, run);
  }

  BenchmarkJobRun MustGetRun(const std::string& name) {
    BenchmarkJobRun run;
    grpc::Status status = GetRun(runner_, name, &run);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return run;
  }

  struct Streamed {
    std::vector<BenchmarkJobResult> results;
    grpc::Status status;
  };

  // Reads a run's results from `start_index` until the stream ends (once the
  // run has finished) or kWait passes.
  Streamed Stream(const Key& who, const std::string& run, int start_index) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    context.set_deadline(absl::ToChronoTime(absl::Now() + kWait));
    itp::v1::StreamBenchmarkJobResultsRequest request;
    request.set_name(run);
    request.set_start_index(start_index);
    auto reader = harness_.jobs().StreamBenchmarkJobResults(&context, request);
    Streamed out;
    BenchmarkJobResult result;
    while (reader->Read(&result)) out.results.push_back(result);
    out.status = reader->Finish();
    return out;
  }

  // Follows the run to its end through the stream; returns the finished run
  // and its results.
  BenchmarkJobRun Finish(const std::string& run,
                         std::vector<BenchmarkJobResult>* results = nullptr) {
    Streamed streamed = Stream(runner_, run, 0);
    EXPECT_TRUE(streamed.status.ok()) << streamed.status.error_message();
    BenchmarkJobRun finished = MustGetRun(run);
    EXPECT_TRUE(Finished(finished.state()))
        << BenchmarkJobRun::State_Name(finished.state());
    if (results != nullptr) *results = std::move(streamed.results);
    return finished;
  }

  // Starts a run of a job over every plan of `countries` x 2 sectors x 10
  // scenarios (300 for 15 countries) and returns it as RunBenchmarkJob did.
  // With one job worker, runs started after it wait until it ends.
  BenchmarkJobRun StartLargeRun(int countries = 15) {
    SubmitScenarioPlans(countries, 10);
    MustCreateJob("nightly-all-plans", "Nightly benchmark of every plan");
    BenchmarkJobRun run = MustRunJob("benchmarkJobs/nightly-all-plans");
    EXPECT_EQ(run.total_plans(), countries * 20);
    return run;
  }

  // ---- Reviews ----

  // The reviewer takes the plan through a review that ends in
  // REQUEST_CHANGES: scores for every criterion of the current rubric and an
  // unresolved comment on the 2030 intensity.
  void RequestChanges(const std::string& plan) {
    itp::v1::Rubric rubric;
    {
      grpc::ClientContext context;
      Authorize(&context, reviewer_);
      grpc::Status status = harness_.reviews().GetRubric(&context, {}, &rubric);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    ASSERT_EQ(rubric.criteria_size(), 8);
    Review review;
    {
      grpc::ClientContext context;
      Authorize(&context, reviewer_);
      itp::v1::StartReviewRequest request;
      request.set_parent(plan);
      grpc::Status status =
          harness_.reviews().StartReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      Authorize(&context, reviewer_);
      itp::v1::ScoreReviewRequest request;
      request.set_name(review.name());
      for (const auto& criterion : rubric.criteria()) {
        auto* score = request.add_scores();
        score->set_criterion_id(criterion.id());
        score->set_score(criterion.id() == "ambition" ? 1 : 2);
        score->set_evidence(absl::StrCat(
            criterion.title(),
            ": assessed against the submitted crude steel pathway (2.54 t "
            "CO2/t in 2020, 2.2 in 2030, net zero by 2070)."));
      }
      grpc::Status status =
          harness_.reviews().ScoreReview(&context, request, &review);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      Authorize(&context, reviewer_);
      itp::v1::CreateCommentRequest request;
      request.set_parent(review.name());
      request.mutable_comment()->set_anchor(kIntensity2030);
      request.mutable_comment()->set_body(
          "2.2 t CO2/t in 2030 is above every TPI 2022 benchmark (National "
          "Pledges 1.632); please show how the DRI and scrap programmes lower "
          "it.");
      itp::v1::Comment comment;
      grpc::Status status =
          harness_.reviews().CreateComment(&context, request, &comment);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    grpc::ClientContext context;
    Authorize(&context, reviewer_);
    itp::v1::CompleteReviewRequest request;
    request.set_name(review.name());
    request.set_decision(Review::REQUEST_CHANGES);
    request.set_summary("Lower the 2030 intensity or explain the gap.");
    grpc::Status status =
        harness_.reviews().CompleteReview(&context, request, &review);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The India partner lowers the 2030 intensity of its steel plan to
  // `intensity` and submits revision 2.
  void ReviseIndiaSteel(double intensity) {
    Plan plan;
    ASSERT_TRUE(GetPlan(india_, kIndiaSteel, &plan).ok());
    ASSERT_EQ(plan.state(), Plan::CHANGES_REQUESTED);
    ASSERT_EQ(plan.sectors(0).points(1).year(), 2030);
    plan.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(
        intensity);
    {
      grpc::ClientContext context;
      Authorize(&context, india_);
      itp::v1::UpdatePlanRequest request;
      *request.mutable_plan() = plan;
      request.mutable_update_mask()->add_paths("sectors");
      grpc::Status status =
          harness_.plans().UpdatePlan(&context, request, &plan);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    grpc::ClientContext context;
    Authorize(&context, india_);
    itp::v1::SubmitPlanRequest request;
    request.set_name(kIndiaSteel);
    request.set_etag(plan.etag());
    grpc::Status status = harness_.plans().SubmitPlan(&context, request, &plan);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(plan.revision(), 2);
  }

  ServerHarness harness_;
  Key admin_;
  Key runner_;
  Key reviewer_;
  Key india_;
  Key indonesia_;
};

// ---------------------------------------------------------------------------
// Jobs

TEST_F(BenchmarkJobServiceTest, CreateGetAndListJobs) {
  BenchmarkJob steel;
  steel.set_display_name("Weekly steel benchmark against TPI 1.5 Degrees");
  steel.set_filter("sector = IRON_AND_STEEL");
  steel.add_pathways(kTpiSteel15);
  steel.add_checkpoint_years(2030);
  steel.add_checkpoint_years(2050);
  steel.set_tcre_c_per_1000_gtco2(0.6);
  BenchmarkJob created;
  grpc::Status status = CreateJob(runner_, "weekly-steel", steel, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(created.name(), "benchmarkJobs/weekly-steel");
  EXPECT_EQ(created.display_name(), steel.display_name());
  EXPECT_EQ(created.filter(), "sector = IRON_AND_STEEL");
  EXPECT_THAT(created.pathways(), ElementsAre(kTpiSteel15));
  EXPECT_THAT(created.checkpoint_years(), ElementsAre(2030, 2050));
  EXPECT_EQ(created.tcre_c_per_1000_gtco2(), 0.6);
  EXPECT_EQ(created.latest_run(), "");
  EXPECT_TRUE(created.has_create_time());

  BenchmarkJob got;
  ASSERT_TRUE(GetJob(runner_, created.name(), &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got, created));

  BenchmarkJob nightly = MustCreateJob(
      "nightly-steel-cement", "Nightly steel and cement benchmark",
      "sector = IRON_AND_STEEL OR sector = CEMENT");

  // Oldest first, one per page.
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    Authorize(&context, runner_);
    itp::v1::ListBenchmarkJobsRequest request;
    request.set_page_size(1);
    request.set_page_token(token);
    itp::v1::ListBenchmarkJobsResponse response;
    status = harness_.jobs().ListBenchmarkJobs(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& job : response.benchmark_jobs()) {
      listed.push_back(job.name());
    }
    token = response.next_page_token();
    ASSERT_LT(++pages, 5);
  } while (!token.empty());
  EXPECT_THAT(listed, ElementsAre(created.name(), nightly.name()));

  // The same id again.
  status = CreateJob(runner_, "weekly-steel", steel, &got);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS)
      << status.error_message();
  EXPECT_EQ(ErrorReason(status), "JOB_ALREADY_EXISTS");
}

TEST_F(BenchmarkJobServiceTest, GetJobChecksTheName) {
  BenchmarkJob job;
  grpc::Status status = GetJob(runner_, "nightly-steel", &job);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));

  status = GetJob(runner_, "benchmarkJobs/nightly-steel", &job);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "JOB_NOT_FOUND");

  BenchmarkJobRun run;
  status = GetRun(runner_, "benchmarkJobs/nightly-steel/runs/1", &run);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  status = GetRun(runner_, "benchmarkJobs/nightly-steel", &run);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(BenchmarkJobServiceTest, CreateJobValidatesEveryField) {
  BenchmarkJob job;
  job.set_display_name("Nightly steel and cement benchmark");
  BenchmarkJob created;

  // Job id.
  for (const char* id : {"Nightly_Steel", "", "2026-nightly", "nightly-"}) {
    grpc::Status status = CreateJob(runner_, id, job, &created);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << id;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("benchmark_job_id")) << id;
  }

  // Display name.
  BenchmarkJob untitled = job;
  untitled.clear_display_name();
  grpc::Status status = CreateJob(runner_, "nightly", untitled, &created);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("benchmark_job.display_name"));

  // Checkpoint years: out of range and repeated.
  BenchmarkJob years = job;
  for (int year : {2030, 2200, 2050, 2030, 1985}) {
    years.add_checkpoint_years(year);
  }
  status = CreateJob(runner_, "nightly", years, &created);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("benchmark_job.checkpoint_years[1]",
                          "benchmark_job.checkpoint_years[3]",
                          "benchmark_job.checkpoint_years[4]"));

  // TCRE.
  BenchmarkJob tcre = job;
  tcre.set_tcre_c_per_1000_gtco2(-0.45);
  status = CreateJob(runner_, "nightly", tcre, &created);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("benchmark_job.tcre_c_per_1000_gtco2"));

  // Pathways: a malformed name, then one that does not exist.
  BenchmarkJob malformed = job;
  malformed.add_pathways(kTpiSteel15);
  malformed.add_pathways("tpi-cement-2022-1p5c");
  status = CreateJob(runner_, "nightly", malformed, &created);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("benchmark_job.pathways[1]"));

  BenchmarkJob unknown = job;
  unknown.add_pathways("pathways/tpi-steel-2025-1p5c");
  status = CreateJob(runner_, "nightly", unknown, &created);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND)
      << status.error_message();
  EXPECT_EQ(ErrorReason(status), "PATHWAY_NOT_FOUND");

  // Filter, in the ListPlans language: every violation is reported under
  // benchmark_job.filter.
  for (const char* filter :
       {"sector == IRON_AND_STEEL", "sector = STEEL", "region = EU",
        "state = SUBMITTED; DROP TABLE plans"}) {
    BenchmarkJob filtered = job;
    filtered.set_filter(filter);
    status = CreateJob(runner_, "nightly", filtered, &created);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << filter;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("benchmark_job.filter"))
        << filter;
  }

  // Nothing was stored.
  grpc::ClientContext context;
  Authorize(&context, runner_);
  itp::v1::ListBenchmarkJobsResponse listed;
  ASSERT_TRUE(harness_.jobs().ListBenchmarkJobs(&context, {}, &listed).ok());
  EXPECT_THAT(listed.benchmark_jobs(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Runs

TEST_F(BenchmarkJobServiceTest, RunStartsPendingAndSucceedsWithReportPerPlan) {
  SubmitBriefPlans();
  BenchmarkJob job = MustCreateJob("nightly-steel-cement",
                                   "Nightly steel and cement benchmark");

  BenchmarkJobRun run = MustRunJob(job.name());

  // Returned at once, before any plan is benchmarked. The draft is not part
  // of the run.
  EXPECT_EQ(run.name(), absl::StrCat(job.name(), "/runs/1"));
  EXPECT_EQ(run.state(), BenchmarkJobRun::PENDING);
  EXPECT_EQ(run.total_plans(), 3);
  EXPECT_EQ(run.succeeded_plans(), 0);
  EXPECT_TRUE(run.has_create_time());
  BenchmarkJob got;
  ASSERT_TRUE(GetJob(runner_, job.name(), &got).ok());
  EXPECT_EQ(got.latest_run(), run.name());

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun done = Finish(run.name(), &results);

  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED) << done.reason();
  EXPECT_EQ(done.total_plans(), 3);
  EXPECT_EQ(done.succeeded_plans(), 3);
  EXPECT_EQ(done.failed_plans(), 0);
  EXPECT_EQ(done.resumptions(), 0);
  EXPECT_EQ(done.reason(), "");
  EXPECT_TRUE(done.has_start_time());
  EXPECT_TRUE(done.has_end_time());
  EXPECT_LE(TimeUtil::TimestampToMicroseconds(done.start_time()),
            TimeUtil::TimestampToMicroseconds(done.end_time()));
  // A first run: every plan added, by name.
  EXPECT_EQ(done.changes().previous_run(), "");
  EXPECT_THAT(done.changes().plans_added(),
              ElementsAre(kBrazilSteel, kIndonesiaCement, kIndiaSteel));
  EXPECT_THAT(done.changes().label_changes(), IsEmpty());
  EXPECT_THAT(done.changes().ratio_crossings(), IsEmpty());
  EXPECT_THAT(done.changes().plans_gone(), IsEmpty());

  ASSERT_EQ(results.size(), 3u);
  EXPECT_THAT(Indices(results), ElementsAre(0, 1, 2));
  std::vector<std::string> names;
  for (const BenchmarkJobResult& r : results) {
    names.push_back(r.plan());
    EXPECT_EQ(r.error(), "") << r.plan();
    EXPECT_EQ(r.plan_revision(), r.plan() + "/revisions/1");
    EXPECT_TRUE(absl::StartsWith(r.report(), r.plan() + "/benchmarkReports/"))
        << r.report();
    EXPECT_TRUE(r.has_finish_time());
    EXPECT_GT(r.summary().labels_size(), 0) << r.plan();

    // The stored report behind each result.
    grpc::ClientContext context;
    Authorize(&context, runner_);
    itp::v1::GetBenchmarkReportRequest request;
    request.set_name(r.report());
    itp::v1::BenchmarkReport report;
    grpc::Status status =
        harness_.benchmarks().GetBenchmarkReport(&context, request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(report.name(), r.report());
    EXPECT_EQ(report.plan_revision(), r.plan_revision());
    EXPECT_EQ(report.requested_by(), run.name());
    EXPECT_EQ(report.methodology_version(), "itp-benchmark/1.1");
    EXPECT_THAT(report.checkpoint_years(),
                ElementsAre(2025, 2030, 2035, 2040, 2050));
    EXPECT_EQ(report.tcre_c_per_1000_gtco2(), 0.45);
  }
  // By plan name, as ListPlans orders them.
  EXPECT_THAT(names, ElementsAre(kBrazilSteel, kIndonesiaCement, kIndiaSteel));

  // India's figures, as the engine computes them.
  const auto& india = results[2].summary();
  std::map<std::pair<std::string, int>, std::string> labels;
  for (const auto& l : india.labels()) {
    EXPECT_EQ(l.sector(), itp::v1::IRON_AND_STEEL);
    labels[{l.family(), l.year()}] = l.label();
  }
  EXPECT_EQ((labels[{kTpi2022, 2030}]), kNotAligned);
  EXPECT_EQ((labels[{kTpi2022, 2050}]), kPledges);
  EXPECT_EQ((labels[{"IEA NZE", 2030}]), kNotAligned);
  std::map<std::pair<std::string, int>, double> ratios;
  for (const auto& r : india.ratios())
    ratios[{r.pathway(), r.year()}] = r.ratio();
  EXPECT_THAT((ratios[{kTpiSteel15, 2025}]),
              DoubleNear(kIndiaRatio2025Rev1, 1e-12));
  EXPECT_THAT((ratios[{kTpiSteel15, 2030}]),
              DoubleNear(kIndiaRatio2030Rev1, 1e-12));
}

TEST_F(BenchmarkJobServiceTest, JobFilterPathwaysAndYearsShapeTheRun) {
  SubmitBriefPlans();
  // Steel plans only, against TPI 1.5 Degrees, in 2030 and 2050.
  BenchmarkJob steel;
  steel.set_display_name("Weekly steel benchmark against TPI 1.5 Degrees");
  steel.set_filter("sector = IRON_AND_STEEL");
  steel.add_pathways(kTpiSteel15);
  steel.add_checkpoint_years(2030);
  steel.add_checkpoint_years(2050);
  BenchmarkJob created;
  ASSERT_TRUE(CreateJob(runner_, "weekly-steel", steel, &created).ok());
  // Every submitted plan against the steel pathway only: the cement plan's
  // sector is not covered, which is a result, not a failure.
  BenchmarkJob all = steel;
  all.clear_filter();
  all.set_display_name("Every plan against TPI 1.5 Degrees, steel");
  ASSERT_TRUE(CreateJob(runner_, "all-vs-tpi-steel", all, &created).ok());

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun done =
      Finish(MustRunJob("benchmarkJobs/weekly-steel").name(), &results);
  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].plan(), kBrazilSteel);
  EXPECT_EQ(results[1].plan(), kIndiaSteel);
  for (const auto& r : results) {
    for (const auto& l : r.summary().labels()) {
      EXPECT_EQ(l.family(), kTpi2022);
      EXPECT_THAT(l.year(), ::testing::AnyOf(2030, 2050));
    }
    for (const auto& ratio : r.summary().ratios()) {
      EXPECT_EQ(ratio.pathway(), kTpiSteel15);
    }
  }
  // India: 2.2 > 1.129 in 2030, 1.0 > 0.052 in 2050.
  ASSERT_EQ(results[1].summary().labels_size(), 2);
  EXPECT_EQ(results[1].summary().labels(0).label(), kNotAligned);
  EXPECT_EQ(results[1].summary().labels(1).label(), kNotAligned);

  done = Finish(MustRunJob("benchmarkJobs/all-vs-tpi-steel").name(), &results);
  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(done.succeeded_plans(), 3);
  EXPECT_EQ(done.failed_plans(), 0);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[1].plan(), kIndonesiaCement);
  EXPECT_EQ(results[1].error(), "");
  EXPECT_THAT(results[1].summary().labels(), IsEmpty());
  grpc::ClientContext context;
  Authorize(&context, runner_);
  itp::v1::GetBenchmarkReportRequest request;
  request.set_name(results[1].report());
  itp::v1::BenchmarkReport report;
  ASSERT_TRUE(harness_.benchmarks()
                  .GetBenchmarkReport(&context, request, &report)
                  .ok());
  ASSERT_EQ(report.sectors_size(), 1);
  EXPECT_FALSE(report.sectors(0).covered());
}

TEST_F(BenchmarkJobServiceTest, StreamSendsEveryResultInOrderAndResumes) {
  SubmitScenarioPlans(2, 6);  // India and China: 24 plans
  BenchmarkJob job = MustCreateJob("nightly-ind-chn", "India and China plans",
                                   "country = IND OR country = CHN");
  BenchmarkJobRun run = MustRunJob(job.name());
  ASSERT_EQ(run.total_plans(), 24);

  // Opened while the run is just starting: results arrive as produced.
  Streamed all = Stream(runner_, run.name(), 0);
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  EXPECT_THAT(Indices(all.results), ElementsAreArray(Range(0, 24)));
  BenchmarkJobRun done = MustGetRun(run.name());
  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(done.succeeded_plans(), 24);

  // Resuming after result 9 sends 10 onwards, identical.
  Streamed rest = Stream(runner_, run.name(), 10);
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  EXPECT_THAT(Indices(rest.results), ElementsAreArray(Range(10, 24)));
  for (size_t i = 0; i < rest.results.size(); ++i) {
    EXPECT_TRUE(
        MessageDifferencer::Equals(rest.results[i], all.results[10 + i]));
  }
  // Past the end: an empty, successful stream.
  Streamed none = Stream(runner_, run.name(), 24);
  EXPECT_TRUE(none.status.ok()) << none.status.error_message();
  EXPECT_THAT(none.results, IsEmpty());

  Streamed negative = Stream(runner_, run.name(), -1);
  EXPECT_EQ(negative.status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(negative.status), ElementsAre("start_index"));
  Streamed missing = Stream(runner_, absl::StrCat(job.name(), "/runs/999"), 0);
  EXPECT_EQ(missing.status.error_code(), StatusCode::NOT_FOUND);
}

TEST_F(BenchmarkJobServiceTest, SecondRunWhileFirstIsUnfinishedIsRefused) {
  BenchmarkJobRun large = StartLargeRun();
  const std::string kRequestId = "8c3e1f0a-62d4-4b9e-a7f5-1d2c3b4a5e6f";

  BenchmarkJobRun again;
  grpc::Status status =
      RunJob(runner_, "benchmarkJobs/nightly-all-plans", &again);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "RUN_IN_PROGRESS");
  EXPECT_THAT(status.error_message(), HasSubstr(large.name()));

  // Another job is queued behind it, and a retry of the same call returns
  // the run the first call started.
  MustCreateJob("cement-india", "India cement plans",
                "country = IND AND sector = CEMENT");
  BenchmarkJobRun queued = MustRunJob("benchmarkJobs/cement-india", kRequestId);
  EXPECT_EQ(queued.state(), BenchmarkJobRun::PENDING);
  BenchmarkJobRun retried =
      MustRunJob("benchmarkJobs/cement-india", kRequestId);
  EXPECT_EQ(retried.name(), queued.name());

  EXPECT_EQ(Finish(large.name()).state(), BenchmarkJobRun::SUCCEEDED);
  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun done = Finish(queued.name(), &results);
  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(done.succeeded_plans(), 10);
  EXPECT_EQ(results.size(), 10u);
}

TEST_F(BenchmarkJobServiceTest, CancelStopsTheRunAndKeepsFinishedReports) {
  // Cancelled as soon as it is started: at most a few of its 300 plans are
  // done by then.
  BenchmarkJobRun large = StartLargeRun();

  BenchmarkJobRun cancelled;
  grpc::Status status =
      CancelJob(runner_, "benchmarkJobs/nightly-all-plans", &cancelled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cancelled.name(), large.name());
  // Not a run that finished while the cancellation waited.
  EXPECT_EQ(cancelled.state(), BenchmarkJobRun::CANCELLED)
      << BenchmarkJobRun::State_Name(cancelled.state()) << " with "
      << cancelled.succeeded_plans() << " plans done";
  EXPECT_EQ(cancelled.reason(),
            absl::StrCat("Cancelled by ", runner_.name, "."));
  EXPECT_TRUE(cancelled.has_end_time());
  EXPECT_LT(cancelled.succeeded_plans(), 300);

  // The stream ends; it sends the results recorded (the plan in hand when
  // the run was cancelled may still be recorded), each with its stored
  // report.
  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun done = Finish(large.name(), &results);
  EXPECT_EQ(done.state(), BenchmarkJobRun::CANCELLED);
  EXPECT_EQ(done.reason(), cancelled.reason());
  EXPECT_LT(results.size(), 300u);
  EXPECT_EQ(static_cast<int>(results.size()),
            done.succeeded_plans() + done.failed_plans());
  EXPECT_LE(done.succeeded_plans(), cancelled.succeeded_plans() + 1);
  EXPECT_THAT(Indices(results),
              ElementsAreArray(Range(0, static_cast<int>(results.size()))));
  for (const BenchmarkJobResult& r : results) {
    grpc::ClientContext context;
    Authorize(&context, runner_);
    itp::v1::GetBenchmarkReportRequest request;
    request.set_name(r.report());
    itp::v1::BenchmarkReport report;
    grpc::Status got =
        harness_.benchmarks().GetBenchmarkReport(&context, request, &report);
    EXPECT_TRUE(got.ok()) << r.report() << ": " << got.error_message();
  }
  // It stays cancelled: the worker does not go on with the other plans.
  BenchmarkJobRun later = MustGetRun(large.name());
  EXPECT_EQ(later.state(), BenchmarkJobRun::CANCELLED);
  EXPECT_EQ(later.succeeded_plans(), done.succeeded_plans());

  // Nothing left to cancel; the job may run again.
  status = CancelJob(runner_, "benchmarkJobs/nightly-all-plans", &cancelled);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NO_RUN_IN_PROGRESS");
  BenchmarkJobRun next = MustRunJob("benchmarkJobs/nightly-all-plans");
  EXPECT_EQ(next.state(), BenchmarkJobRun::PENDING);
  EXPECT_NE(next.name(), large.name());
  ASSERT_TRUE(
      CancelJob(runner_, "benchmarkJobs/nightly-all-plans", &cancelled).ok());
  EXPECT_EQ(cancelled.name(), next.name());

  // A job that never ran has nothing to cancel either.
  MustCreateJob("cement-only", "Cement plans", "sector = CEMENT");
  status = CancelJob(runner_, "benchmarkJobs/cement-only", &cancelled);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NO_RUN_IN_PROGRESS");
}

// No API call makes a single plan of a run fail: only drafts (which have no
// submitted revision and so are never in a run) can be deleted, a withdrawn
// plan keeps its submitted revision, and pathways cannot be deleted. The
// runner still handles a plan that is gone by the time its turn comes. Here
// the run is left PENDING by a server that stopped right after starting it
// (the run is created through the store while the server is down, as
// RunBenchmarkJob would have), then one of its plans is removed from the
// database, as an operator's data fix would; the next server resumes the
// run with exactly the plans it began with.
TEST_F(BenchmarkJobServiceTest, PlanThatIsGoneFailsAloneAndTheRunGoesOn) {
  SubmitScenarioPlans(1, 10);  // India: 10 steel and 10 cement plans
  BenchmarkJob job = MustCreateJob("india-steel", "India steel scenarios",
                                   "country = IND AND sector = IRON_AND_STEEL");
  StopServer();
  const std::string gone = "countries/IND/plans/steel-2050-scenario-04";
  std::string run_name;
  {
    storage::SqliteOptions options;
    options.path = harness_.db_path();
    auto stores = storage::OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status();
    std::vector<std::string> plans;
    for (int k = 0; k < 10; ++k) {
      plans.push_back(absl::StrCat("countries/IND/plans/",
                                   ScenarioPlanId(itp::v1::IRON_AND_STEEL, k)));
    }
    storage::WriteContext ctx;
    ctx.method = "/itp.v1.BenchmarkJobService/RunBenchmarkJob";
    ctx.api_key = runner_.name;
    ctx.role = itp::v1::BENCHMARK_RUNNER;
    auto run = stores->jobs->CreateRun(ctx, job.name(), plans);
    ASSERT_TRUE(run.ok()) << run.status();
    run_name = run->name();
    storage::WriteContext fix;
    fix.method = "itp-admin/data-fix";
    absl::Status deleted = stores->plans->DeletePlan(
        fix, gone, [](const Plan&) { return absl::OkStatus(); });
    ASSERT_TRUE(deleted.ok()) << deleted;
  }
  StartServer(1);

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun done = Finish(run_name, &results);

  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED) << done.reason();
  EXPECT_EQ(done.resumptions(), 1);
  EXPECT_EQ(done.total_plans(), 10);
  EXPECT_EQ(done.succeeded_plans(), 9);
  EXPECT_EQ(done.failed_plans(), 1);
  ASSERT_EQ(results.size(), 10u);
  EXPECT_EQ(results[3].plan(), gone);
  EXPECT_THAT(results[3].error(), HasSubstr(gone));
  EXPECT_EQ(results[3].report(), "");
  EXPECT_EQ(results[3].plan_revision(), "");
  for (int i : {0, 1, 2, 4, 5, 6, 7, 8, 9}) {
    EXPECT_EQ(results[i].error(), "") << results[i].plan();
    EXPECT_NE(results[i].report(), "") << results[i].plan();
  }
  // A failed plan is not "added".
  EXPECT_EQ(done.changes().plans_added_size(), 9);
  EXPECT_THAT(done.changes().plans_added(),
              ::testing::Not(::testing::Contains(gone)));
  BenchmarkJob got;
  ASSERT_TRUE(GetJob(runner_, job.name(), &got).ok());
  EXPECT_EQ(got.latest_run(), run_name);
}

TEST_F(BenchmarkJobServiceTest, SecondRunReportsLabelChangesOfRevisedPlan) {
  SubmitBriefPlans();
  BenchmarkJob job = MustCreateJob("nightly-steel-cement",
                                   "Nightly steel and cement benchmark");
  BenchmarkJobRun first = Finish(MustRunJob(job.name()).name());
  ASSERT_EQ(first.state(), BenchmarkJobRun::SUCCEEDED);

  // Review, REQUEST_CHANGES, and the partner's revision 2 with 1.45 t CO2/t
  // in 2030.
  RequestChanges(kIndiaSteel);
  ReviseIndiaSteel(1.45);

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun second = Finish(MustRunJob(job.name()).name(), &results);

  ASSERT_EQ(second.state(), BenchmarkJobRun::SUCCEEDED) << second.reason();
  EXPECT_EQ(second.succeeded_plans(), 3);
  const RunChanges& changes = second.changes();
  EXPECT_EQ(changes.previous_run(), first.name());
  EXPECT_THAT(
      LabelRows(changes),
      ElementsAre(
          LabelRow{kIndiaSteel, kTpi2022, 2030, kNotAligned, kBelow2},
          LabelRow{kIndiaSteel, kTpi2022, 2035, kNotAligned, kPledges},
          LabelRow{kIndiaSteel, kTpi2022, 2040, kNotAligned, kPledges}));
  ASSERT_EQ(changes.ratio_crossings_size(), 2);
  for (int i = 0; i < 2; ++i) {
    const auto& c = changes.ratio_crossings(i);
    EXPECT_EQ(c.plan(), kIndiaSteel);
    EXPECT_EQ(c.sector(), itp::v1::IRON_AND_STEEL);
    EXPECT_EQ(c.pathway(), kTpiSteel15);
    EXPECT_EQ(c.year(), i == 0 ? 2025 : 2030);
    EXPECT_THAT(
        c.old_ratio(),
        DoubleNear(i == 0 ? kIndiaRatio2025Rev1 : kIndiaRatio2030Rev1, 1e-12));
    EXPECT_THAT(
        c.new_ratio(),
        DoubleNear(i == 0 ? kIndiaRatio2025Rev2 : kIndiaRatio2030Rev2, 1e-12));
  }
  EXPECT_THAT(changes.plans_added(), IsEmpty());
  EXPECT_THAT(changes.plans_gone(), IsEmpty());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].plan_revision(),
            absl::StrCat(kIndiaSteel, "/revisions/2"));
  EXPECT_EQ(results[1].plan_revision(),
            absl::StrCat(kIndonesiaCement, "/revisions/1"));
}

// A run records where each plan stands by its progress reports, and the next
// run reports what moved: India publishes its report for last year with an
// intensity 15 % above its plan (NOT_ON_TRACK, and reporting UP_TO_DATE)
// between two runs.
TEST_F(BenchmarkJobServiceTest, SecondRunReportsProgressThatMoved) {
  SubmitBriefPlans();
  BenchmarkJob job = MustCreateJob("nightly-steel-cement",
                                   "Nightly steel and cement benchmark");
  std::vector<BenchmarkJobResult> first_results;
  BenchmarkJobRun first = Finish(MustRunJob(job.name()).name(), &first_results);
  ASSERT_EQ(first.state(), BenchmarkJobRun::SUCCEEDED) << first.reason();
  ASSERT_EQ(first_results.size(), 3u);
  for (const BenchmarkJobResult& r : first_results) {
    SCOPED_TRACE(r.plan());
    EXPECT_EQ(r.summary().progress().status(), itp::v1::NOT_ASSESSED);
    EXPECT_EQ(r.summary().progress().reporting(),
              itp::v1::ReportingRecord::NOT_YET_DUE);
    EXPECT_EQ(r.summary().progress().progress_report(), "");
  }

  // Last year's actual, 15 % above the plan's P(y): 2.54 + (2.2 - 2.54) *
  // (y - 2020) / 10 up to 2030, then 2.2 + (1.0 - 2.2) * (y - 2030) / 20.
  const int year =
      absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() - 1;
  const double planned =
      year <= 2030 ? 2.54 - 0.034 * (year - 2020) : 2.2 - 0.06 * (year - 2030);
  auto progress = itp::v1::ProgressService::NewStub(harness_.channel());
  itp::v1::CreateProgressReportRequest create;
  create.set_parent(kIndiaSteel);
  create.set_reporting_year(year);
  auto* sector = create.mutable_progress_report()->add_sectors();
  sector->set_sector(itp::v1::IRON_AND_STEEL);
  auto* point = sector->add_points();
  point->set_year(year);
  point->set_production_mt(149.6);
  point->set_intensity_tco2_per_t(planned * 1.15);
  itp::v1::ProgressReport report;
  {
    grpc::ClientContext context;
    Authorize(&context, india_);
    ASSERT_TRUE(progress->CreateProgressReport(&context, create, &report).ok());
  }
  {
    grpc::ClientContext context;
    Authorize(&context, india_);
    itp::v1::PublishProgressReportRequest publish;
    publish.set_name(report.name());
    grpc::Status status =
        progress->PublishProgressReport(&context, publish, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun second = Finish(MustRunJob(job.name()).name(), &results);
  ASSERT_EQ(second.state(), BenchmarkJobRun::SUCCEEDED) << second.reason();
  ASSERT_EQ(second.changes().progress_changes_size(), 1);
  const auto& change = second.changes().progress_changes(0);
  EXPECT_EQ(change.plan(), kIndiaSteel);
  EXPECT_EQ(change.old_status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(change.new_status(), itp::v1::NOT_ON_TRACK);
  EXPECT_EQ(change.old_reporting(), itp::v1::ReportingRecord::NOT_YET_DUE);
  EXPECT_EQ(change.new_reporting(), itp::v1::ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(change.reporting_year(), year);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].plan(), kIndiaSteel);
  EXPECT_EQ(results[2].summary().progress().progress_report(),
            absl::StrCat(kIndiaSteel, "/progressReports/", year));
  EXPECT_THAT(second.changes().label_changes(), IsEmpty());
}

// A plan in CHANGES_REQUESTED keeps its last submitted revision: a run in the
// middle of the partner's edit benchmarks revision 1 and reports no change.
TEST_F(BenchmarkJobServiceTest,
       PlanBeingRevisedIsBenchmarkedAtItsLastRevision) {
  SubmitBriefPlans();
  BenchmarkJob job = MustCreateJob("nightly-steel-cement",
                                   "Nightly steel and cement benchmark");
  ASSERT_EQ(Finish(MustRunJob(job.name()).name()).state(),
            BenchmarkJobRun::SUCCEEDED);
  RequestChanges(kIndiaSteel);

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun second = Finish(MustRunJob(job.name()).name(), &results);

  EXPECT_EQ(second.state(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(second.total_plans(), 3);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].plan_revision(),
            absl::StrCat(kIndiaSteel, "/revisions/1"));
  EXPECT_THAT(second.changes().label_changes(), IsEmpty());
  EXPECT_THAT(second.changes().ratio_crossings(), IsEmpty());
  EXPECT_THAT(second.changes().plans_added(), IsEmpty());
  EXPECT_THAT(second.changes().plans_gone(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Access

TEST_F(BenchmarkJobServiceTest, RunnersAndAdminsUseJobsAndReviewersReadThem) {
  SubmitBriefPlans();
  BenchmarkJob job = MustCreateJob("nightly-steel-cement",
                                   "Nightly steel and cement benchmark");
  BenchmarkJobRun run = Finish(MustRunJob(job.name()).name());
  ASSERT_EQ(run.state(), BenchmarkJobRun::SUCCEEDED);

  // Every RPC of the service, as `who`; returns the status.
  auto calls = [&](const Key& who) {
    std::vector<std::pair<std::string, grpc::Status>> out;
    BenchmarkJob j;
    BenchmarkJob def;
    def.set_display_name("India steel benchmark");
    def.set_filter("country = IND");
    out.emplace_back("CreateBenchmarkJob",
                     CreateJob(who, "india-steel", def, &j));
    out.emplace_back("GetBenchmarkJob", GetJob(who, job.name(), &j));
    {
      grpc::ClientContext context;
      Authorize(&context, who);
      itp::v1::ListBenchmarkJobsResponse response;
      out.emplace_back("ListBenchmarkJobs", harness_.jobs().ListBenchmarkJobs(
                                                &context, {}, &response));
    }
    BenchmarkJobRun r;
    out.emplace_back("GetBenchmarkJobRun", GetRun(who, run.name(), &r));
    {
      grpc::ClientContext context;
      Authorize(&context, who);
      itp::v1::ListBenchmarkJobRunsRequest request;
      request.set_parent(job.name());
      itp::v1::ListBenchmarkJobRunsResponse response;
      out.emplace_back(
          "ListBenchmarkJobRuns",
          harness_.jobs().ListBenchmarkJobRuns(&context, request, &response));
    }
    out.emplace_back("StreamBenchmarkJobResults",
                     Stream(who, run.name(), 0).status);
    out.emplace_back("RunBenchmarkJob", RunJob(who, job.name(), &r));
    out.emplace_back("CancelBenchmarkJob", CancelJob(who, job.name(), &r));
    return out;
  };

  for (const auto& [rpc, status] : calls(india_)) {
    EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED)
        << rpc << " as " << india_.name << ": " << status.error_message();
  }
  // A reviewer reads jobs, runs and results, and changes nothing.
  const std::set<std::string> reads = {
      "GetBenchmarkJob", "ListBenchmarkJobs", "GetBenchmarkJobRun",
      "ListBenchmarkJobRuns", "StreamBenchmarkJobResults"};
  for (const auto& [rpc, status] : calls(reviewer_)) {
    if (reads.count(rpc) > 0) {
      EXPECT_TRUE(status.ok()) << rpc << ": " << status.error_message();
    } else {
      EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED)
          << rpc << " as " << reviewer_.name << ": " << status.error_message();
      EXPECT_THAT(status.error_message(),
                  HasSubstr("may not manage or run benchmark jobs"));
    }
  }
  Key nobody{"itp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
             ""};
  for (const auto& [rpc, status] : calls(nobody)) {
    EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << rpc;
  }
  // Nothing was created, started or cancelled.
  BenchmarkJob got;
  ASSERT_TRUE(GetJob(runner_, job.name(), &got).ok());
  EXPECT_EQ(got.latest_run(), run.name());
  EXPECT_EQ(GetJob(runner_, "benchmarkJobs/india-steel", &got).error_code(),
            StatusCode::NOT_FOUND);

  // The admin may do everything the runner may. CancelBenchmarkJob comes
  // right after RunBenchmarkJob started a three-plan run: it cancels the run
  // or, if the run has ended already, finds nothing to cancel.
  auto allowed = [&](const Key& who, bool creates) {
    for (const auto& [rpc, status] : calls(who)) {
      if (rpc == "CancelBenchmarkJob") {
        EXPECT_TRUE(status.ok() ||
                    status.error_code() == StatusCode::FAILED_PRECONDITION)
            << rpc << ": " << status.error_message();
      } else if (rpc == "CreateBenchmarkJob" && !creates) {
        EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
      } else {
        EXPECT_TRUE(status.ok()) << rpc << ": " << status.error_message();
      }
    }
    BenchmarkJob after;
    EXPECT_TRUE(GetJob(who, job.name(), &after).ok());
    return after.latest_run();
  };
  const std::string admins_run = allowed(admin_, /*creates=*/true);
  EXPECT_NE(admins_run, run.name());
  EXPECT_THAT(
      Finish(admins_run).state(),
      ::testing::AnyOf(BenchmarkJobRun::SUCCEEDED, BenchmarkJobRun::CANCELLED));
  ASSERT_TRUE(GetJob(runner_, "benchmarkJobs/india-steel", &got).ok());
  const std::string runners_run = allowed(runner_, /*creates=*/false);
  EXPECT_NE(runners_run, admins_run);
  EXPECT_THAT(
      Finish(runners_run).state(),
      ::testing::AnyOf(BenchmarkJobRun::SUCCEEDED, BenchmarkJobRun::CANCELLED));
}

// ---------------------------------------------------------------------------
// Interactive calls during a large run

// What happened to the calls made while a run was in progress.
struct DuringRun {
  BenchmarkJobRun run;  // finished
  int calls = 0;
  // Calls answered while the run was RUNNING before and after them and had
  // progressed in between: served while the worker was benchmarking.
  int while_progressing = 0;
  absl::Duration slowest;
  double run_seconds = 0;
};

class InteractiveDuringRunTest : public BenchmarkJobServiceTest {
 protected:
  // Seeds 300 plans, starts a run over them, and until the run ends makes
  // `call` (the n-th call gets n) between two looks at the run.
  DuringRun CallDuringLargeRun(const std::function<grpc::Status(int)>& call) {
    SubmitScenarioPlans(15, 10);
    MustCreateJob("nightly-all-plans", "Nightly benchmark of every plan");
    const absl::Time started = absl::Now();
    BenchmarkJobRun run = MustRunJob("benchmarkJobs/nightly-all-plans");
    EXPECT_EQ(run.total_plans(), 300);

    DuringRun out;
    BenchmarkJobRun before = MustGetRun(run.name());
    const absl::Time deadline = absl::Now() + kWait;
    while (!Finished(before.state()) && absl::Now() < deadline) {
      const absl::Time asked = absl::Now();
      grpc::Status status = call(out.calls);
      out.slowest = std::max(out.slowest, absl::Now() - asked);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      ++out.calls;
      BenchmarkJobRun after = MustGetRun(run.name());
      if (before.state() == BenchmarkJobRun::RUNNING &&
          after.state() == BenchmarkJobRun::RUNNING &&
          after.succeeded_plans() > before.succeeded_plans() &&
          after.succeeded_plans() < 300) {
        ++out.while_progressing;
      }
      before = after;
    }
    out.run = Finish(run.name());
    out.run_seconds = absl::ToDoubleSeconds(absl::Now() - started);
    EXPECT_EQ(out.run.state(), BenchmarkJobRun::SUCCEEDED);
    EXPECT_EQ(out.run.succeeded_plans(), 300);
    return out;
  }

  static void Report(const char* what, const DuringRun& d) {
    std::fprintf(
        stderr,
        "[ figures  ] run of 300 plans %.2f s (server: %.3f s); %d %s during "
        "the run, %d while it progressed, slowest %.1f ms\n",
        d.run_seconds,
        absl::ToDoubleSeconds(absl::Microseconds(
            TimeUtil::TimestampToMicroseconds(d.run.end_time()) -
            TimeUtil::TimestampToMicroseconds(d.run.start_time()))),
        d.calls, what, d.while_progressing,
        absl::ToDoubleMilliseconds(d.slowest));
  }
};

TEST_F(InteractiveDuringRunTest, ReadsAnswerWhileLargeRunIsRunning) {
  // A reviewer reads the plans the job is benchmarking.
  DuringRun d = CallDuringLargeRun([&](int n) {
    const CountryFigures& c = kCountries[n % 15];
    const std::string name = absl::StrCat(
        "countries/", c.iso3, "/plans/",
        ScenarioPlanId(n % 2 == 0 ? itp::v1::IRON_AND_STEEL : itp::v1::CEMENT,
                       n % 10));
    Plan plan;
    grpc::Status status = GetPlan(reviewer_, name, &plan);
    EXPECT_EQ(plan.name(), name);
    return status;
  });
  Report("GetPlan", d);
  EXPECT_GT(d.while_progressing, 0)
      << d.calls << " reads, none while the run progressed";
}

TEST_F(InteractiveDuringRunTest, WritesAreNotHeldUpByALargeRun) {
  // India's partner keeps editing its next plan while the job runs.
  Plan draft = Draft("IND", "steel-2070", testing::IndiaSteelPlan());
  DuringRun d = CallDuringLargeRun([&](int n) {
    grpc::ClientContext context;
    Authorize(&context, india_);
    itp::v1::UpdatePlanRequest request;
    request.mutable_plan()->set_name(draft.name());
    request.mutable_plan()->set_summary(absl::StrCat(
        "Crude steel towards net zero by 2070 (working draft ", n + 1, ")"));
    request.mutable_update_mask()->add_paths("summary");
    return harness_.plans().UpdatePlan(&context, request, &draft);
  });
  Report("UpdatePlan", d);
  // A write made while the run goes on is not left waiting until it ends.
  EXPECT_GT(d.while_progressing, 0)
      << d.calls << " writes, none while the run progressed; the slowest "
      << "waited " << absl::FormatDuration(d.slowest) << " for the database";
  Plan got;
  ASSERT_TRUE(GetPlan(india_, draft.name(), &got).ok());
  EXPECT_EQ(got.state(), Plan::DRAFT);
  EXPECT_EQ(got.summary(),
            absl::StrCat("Crude steel towards net zero by 2070 (working "
                         "draft ",
                         d.calls, ")"));
}

// A retried RunBenchmarkJob (same request_id) returns the run the first call
// started, and must not make a second worker benchmark the same run: with two
// job workers, every plan of a 200-plan run still gets exactly one report.
TEST_F(BenchmarkJobServiceTest, RetriedRunIsNotBenchmarkedTwice) {
  StopServer();
  StartServer(2);
  SubmitScenarioPlans(10, 10);  // 200 plans
  BenchmarkJob job = MustCreateJob("nightly-india", "India plans");
  const std::string kRequestId = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
  BenchmarkJobRun run = MustRunJob(job.name(), kRequestId);
  BenchmarkJobRun retried = MustRunJob(job.name(), kRequestId);
  EXPECT_EQ(retried.name(), run.name());

  std::vector<BenchmarkJobResult> results;
  BenchmarkJobRun done = Finish(run.name(), &results);
  EXPECT_EQ(done.state(), BenchmarkJobRun::SUCCEEDED);
  EXPECT_EQ(done.succeeded_plans(), 200);
  ASSERT_EQ(results.size(), 200u);

  int duplicated = 0;
  for (const BenchmarkJobResult& r : results) {
    grpc::ClientContext context;
    Authorize(&context, runner_);
    itp::v1::ListBenchmarkReportsRequest request;
    request.set_parent(r.plan());
    itp::v1::ListBenchmarkReportsResponse response;
    ASSERT_TRUE(harness_.benchmarks()
                    .ListBenchmarkReports(&context, request, &response)
                    .ok());
    if (response.benchmark_reports_size() != 1) ++duplicated;
  }
  EXPECT_EQ(duplicated, 0) << "plans with more than one report";
}

}  // namespace
}  // namespace itp::service
