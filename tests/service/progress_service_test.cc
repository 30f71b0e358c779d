// End-to-end tests of ProgressService: the real server library on a real
// loopback channel and a real SQLite file, with the clock injected in March
// 2026, driven by the keys of the people who file and read progress reports
// (an India partner, a Brazil partner, an Indonesia partner, a secretariat
// reviewer, a benchmark runner and the bootstrap admin). Expectations follow
// the domain brief, section 6:
//
//   CreateProgressReport  partners of the plan's country (and admins) file a
//                         DRAFT for a completed year against the plan's
//                         latest submitted revision; retry-safe; a published
//                         year needs `supersede`; content validated against
//                         the revision, every violation with its path.
//   Get/ListProgressReports drafts only for those who may write them;
//                         published reports for whoever may read the plan.
//   UpdateProgressReport  drafts only, update_mask, etag.
//   PublishProgressReport etag, request_id; supersedes the corrected
//                         version; a PROGRESS_PUBLISHED plan event; sets the
//                         plan's progress_status for ListPlans.
//   GetPlanProgress       dev, r_obs, r_req and the status of the latest
//                         published report against its own revision, the
//                         projects per technology, the reporting record.

#include "server/service/progress_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"  // Timestamp comparisons
#include "gtest/gtest.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/progress.pb.h"
#include "itp/v1/progress_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/demo/demo_plans.h"
#include "server/service/server.h"
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
using itp::v1::CriterionScore;
using itp::v1::Plan;
using itp::v1::PlanEvent;
using itp::v1::PlanProgress;
using itp::v1::ProgressReport;
using itp::v1::ProjectUpdate;
using itp::v1::ReportingRecord;
using itp::v1::Review;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Key = ServerHarness::Key;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndiaSteel2023[] =
    "countries/IND/plans/steel-2070/progressReports/2023";
constexpr char kIndiaSteel2024[] =
    "countries/IND/plans/steel-2070/progressReports/2024";
constexpr char kIndiaSteel2025[] =
    "countries/IND/plans/steel-2070/progressReports/2025";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kIndonesiaCement2025[] =
    "countries/IDN/plans/cement-2060/progressReports/2025";
constexpr char kAllPlans[] = "countries/-/plans/-";
constexpr char kRevision1[] = "countries/IND/plans/steel-2070/revisions/1";
constexpr char kRevision2[] = "countries/IND/plans/steel-2070/revisions/2";

// 2026-03-02T09:00:00Z, the start of the injected clock.
constexpr int64_t kStartMicros = 1772442000LL * 1000000;
// 2027-01-11T09:00:00Z and 2028-01-10T09:00:00Z, for the reporting record.
constexpr int64_t kJanuary2027Micros = 1799658000LL * 1000000;
constexpr int64_t kJanuary2028Micros = 1831107600LL * 1000000;

// Every comparison of computed figures allows for the order of floating-point
// operations only.
constexpr double kEps = 1e-12;

// The CreateProgressReport request of the issue, verbatim.
constexpr char kIssueRequestJson[] = R"json(
{"parent": "countries/IND/plans/steel-2070", "reporting_year": 2024,
 "request_id": "5d0c3a8e-7f21-4b6e-9c44-1a2b3c4d5e6f",
 "progress_report": {
   "sectors": [{"sector": "IRON_AND_STEEL", "points": [
       {"year": 2022, "production_mt": 125.3, "intensity_tco2_per_t": 2.52},
       {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49},
       {"year": 2024, "production_mt": 149.6, "intensity_tco2_per_t": 2.47}]}],
   "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
       "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 150000000}],
   "narrative": "Output grew 6 % in 2024; intensity fell 0.8 %."}}
)json";

// India's 2025 report: 162.4 Mt at 2.45 t CO2/t, the plant being built.
constexpr char kIndia2025Json[] = R"json({
  "sectors": [{"sector": "IRON_AND_STEEL", "points": [
    {"year": 2024, "production_mt": 149.6, "intensity_tco2_per_t": 2.47},
    {"year": 2025, "production_mt": 162.4, "intensity_tco2_per_t": 2.45}]}],
  "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
    "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 310000000,
    "note": "Electrolyser delivered; commissioning planned for 2027."}],
  "policy_updates": [{"policy_name": "Green Steel Taxonomy",
    "status": "IN_FORCE"}],
  "narrative": "Output grew 8.6 % in 2025; intensity fell 0.8 %.",
  "sources": ["https://worldsteel.org/data/world-steel-in-figures-2025/"]})json";

template <typename T>
T FromJson(const std::string& json) {
  T message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return message;
}

// The India steel plan of the demo (server/demo/demo_plans.cc): 100.3 Mt at
// 2.54 t CO2/t in 2020, 2.2 in 2030, 1.0 in 2050 and 0.1 in 2070, a 0.5 Mtpa
// hydrogen DRI demonstration plant from 2027 and the Green Steel Taxonomy.
Plan DemoIndiaSteelPlan() {
  auto plans = demo::DemoPlans();
  EXPECT_TRUE(plans.ok()) << plans.status();
  if (plans.ok()) {
    for (const demo::DemoPlan& p : *plans) {
      if (p.parent == "countries/IND" && p.plan_id == "steel-2070") {
        return p.plan;
      }
    }
  }
  ADD_FAILURE() << "the demo has no India steel plan";
  return Plan();
}

// A progress report of the demo, by plan and reporting year.
ProgressReport DemoReport(const std::string& plan, int year) {
  auto reports = demo::DemoProgressReports();
  EXPECT_TRUE(reports.ok()) << reports.status();
  if (reports.ok()) {
    for (const demo::DemoProgressReport& r : *reports) {
      if (r.plan == plan && r.reporting_year == year) return r.report;
    }
  }
  ADD_FAILURE() << "the demo has no " << year << " report for " << plan;
  return ProgressReport();
}

// India's 2023 report of the demo: worldsteel production (125.3 Mt in 2022,
// 140.8 in 2023) at 2.52 and 2.49 t CO2/t, USD 40 million spent on the DRI
// plant, the Green Steel Taxonomy adopted.
ProgressReport India2023() {
  return DemoReport("countries/IND/plans/steel-2070", 2023);
}
ProgressReport India2024() {
  return FromJson<itp::v1::CreateProgressReportRequest>(kIssueRequestJson)
      .progress_report();
}
ProgressReport India2025() { return FromJson<ProgressReport>(kIndia2025Json); }
// Indonesia's 2025 cement report of the demo: 0.59 t CO2/t, clinker
// substitution ahead of its plan.
ProgressReport Indonesia2025() {
  return DemoReport("countries/IDN/plans/cement-2060", 2025);
}

CriterionScore Score(const std::string& criterion, int score,
                     const std::string& evidence) {
  CriterionScore s;
  s.set_criterion_id(criterion);
  s.set_score(score);
  s.set_evidence(evidence);
  return s;
}

// A reviewer's scores of the India steel plan, every criterion of the rubric.
std::vector<CriterionScore> IndiaSteelScores() {
  return {
      Score("ambition", 2,
            "Net zero by 2070, 2.54 t CO2/t in 2020 to 0.1 in 2070."),
      Score("interim_targets", 2, "A fixed-level 2030 target of 2.2 t CO2/t."),
      Score("coverage", 2, "Crude steel, scope 1 and 2."),
      Score("implementation", 2,
            "A 0.5 Mtpa hydrogen DRI demonstration plant from 2027."),
      Score("policy_instruments", 2, "The Green Steel Taxonomy (2024)."),
      Score("finance", 2,
            "USD 280 billion needed, USD 80 billion "
            "international."),
      Score("governance", 2, "Ministry of Steel; annual reporting."),
      Score("engagement", 0, "No engagement of industry or workers."),
  };
}

class ProgressServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
    absl::StatusOr<Key> admin = harness_.AdminKey();
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = *admin;
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India - progress reports");
    brazil_ = harness_.CreateKey(
        itp::v1::PARTNER, {"BRA"},
        "Ministry of Development, Industry and Trade, Brazil");
    indonesia_ =
        harness_.CreateKey(itp::v1::PARTNER, {"IDN"},
                           "Ministry of Industry, Republic of Indonesia");
    reviewer_ = harness_.CreateKey(itp::v1::REVIEWER, {},
                                   "LeadIT secretariat reviewer");
    runner_ = harness_.CreateKey(itp::v1::BENCHMARK_RUNNER, {},
                                 "LeadIT benchmark runner");
  }

  // A context for one call of `who`, with a deadline so that a hung server
  // fails the test rather than the run.
  static void Prepare(grpc::ClientContext* context, const Key& who) {
    ServerHarness::Authorize(context, who);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
  }

  // A stub on the harness's current channel (a restart replaces it).
  std::unique_ptr<itp::v1::ProgressService::Stub> Progress() {
    return itp::v1::ProgressService::NewStub(harness_.channel());
  }

  // ---- PlanService ----

  Plan MustCreatePlan(const Key& who, const std::string& country,
                      const std::string& plan_id, const Plan& content) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::CreatePlanRequest request;
    request.set_parent(absl::StrCat("countries/", country));
    request.set_plan_id(plan_id);
    *request.mutable_plan() = content;
    Plan plan;
    grpc::Status status = harness_.plans().CreatePlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  Plan MustSubmitPlan(const Key& who, const std::string& name) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::SubmitPlanRequest request;
    request.set_name(name);
    Plan plan;
    grpc::Status status = harness_.plans().SubmitPlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(plan.state(), Plan::SUBMITTED);
    return plan;
  }

  Plan MustGetPlan(const std::string& name) {
    grpc::ClientContext context;
    Prepare(&context, admin_);
    itp::v1::GetPlanRequest request;
    request.set_name(name);
    Plan plan;
    grpc::Status status = harness_.plans().GetPlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  // The India steel plan, created and submitted by the India partner
  // (revision 1).
  Plan SubmittedIndiaSteel() {
    MustCreatePlan(india_, "IND", "steel-2070", DemoIndiaSteelPlan());
    Plan plan = MustSubmitPlan(india_, kIndiaSteel);
    EXPECT_EQ(plan.revision(), 1);
    return plan;
  }

  // Indonesia's cement plan (62 Mt at 0.62 t CO2/t in 2023), submitted.
  Plan SubmittedIndonesiaCement() {
    MustCreatePlan(indonesia_, "IDN", "cement-2060",
                   testing::IndonesiaCementPlan());
    return MustSubmitPlan(indonesia_, kIndonesiaCement);
  }

  // Plan names of ListPlans over every country as the admin sees them.
  std::vector<std::string> ListPlanNames(const std::string& filter,
                                         grpc::Status* status = nullptr) {
    grpc::ClientContext context;
    Prepare(&context, admin_);
    itp::v1::ListPlansRequest request;
    request.set_parent("countries/-");
    request.set_filter(filter);
    request.set_page_size(1000);
    itp::v1::ListPlansResponse response;
    grpc::Status s = harness_.plans().ListPlans(&context, request, &response);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    std::vector<std::string> names;
    for (const Plan& p : response.plans()) names.push_back(p.name());
    return names;
  }

  // ---- ReviewService ----

  // A reviewer takes `plan` into review and scores every criterion; with
  // `comment`, an unresolved comment on the 2030 intensity.
  Review ScoredReview(const std::string& plan, bool comment) {
    Review review;
    {
      grpc::ClientContext context;
      Prepare(&context, reviewer_);
      itp::v1::StartReviewRequest request;
      request.set_parent(plan);
      grpc::Status status =
          harness_.reviews().StartReview(&context, request, &review);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    if (comment) {
      grpc::ClientContext context;
      Prepare(&context, reviewer_);
      itp::v1::CreateCommentRequest request;
      request.set_parent(review.name());
      request.mutable_comment()->set_anchor(
          "sectors[0].points[1].intensity_tco2_per_t");
      request.mutable_comment()->set_body(
          "2.2 t CO2/t in 2030 is above the 1.5 C benchmark of 1.129.");
      itp::v1::Comment created;
      grpc::Status status =
          harness_.reviews().CreateComment(&context, request, &created);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    {
      grpc::ClientContext context;
      Prepare(&context, reviewer_);
      itp::v1::ScoreReviewRequest request;
      request.set_name(review.name());
      for (const auto& s : IndiaSteelScores()) *request.add_scores() = s;
      grpc::Status status =
          harness_.reviews().ScoreReview(&context, request, &review);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return review;
  }

  void CompleteReview(const Review& review, Review::Decision decision,
                      const std::string& summary) {
    grpc::ClientContext context;
    Prepare(&context, reviewer_);
    itp::v1::CompleteReviewRequest request;
    request.set_name(review.name());
    request.set_decision(decision);
    request.set_summary(summary);
    Review completed;
    grpc::Status status =
        harness_.reviews().CompleteReview(&context, request, &completed);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  // Review and approval of the submitted India steel plan.
  void ApproveIndiaSteel() {
    CompleteReview(ScoredReview(kIndiaSteel, false), Review::APPROVE,
                   "Approved: a credible 2030 milestone and annual "
                   "reporting.");
    EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::APPROVED);
  }

  // The review flow of review_service_test.cc: changes requested on the
  // 2030 intensity, the partner lowers it to `intensity_2030` and resubmits
  // (revision 2).
  Plan ReviseIndiaSteel2030(double intensity_2030) {
    CompleteReview(ScoredReview(kIndiaSteel, true), Review::REQUEST_CHANGES,
                   "Lower the 2030 intensity towards the 1.5 C benchmark.");
    Plan edit = MustGetPlan(kIndiaSteel);
    EXPECT_EQ(edit.state(), Plan::CHANGES_REQUESTED);
    edit.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(
        intensity_2030);
    edit.mutable_targets(1)->set_target_value(intensity_2030);
    {
      grpc::ClientContext context;
      Prepare(&context, india_);
      itp::v1::UpdatePlanRequest request;
      *request.mutable_plan() = edit;
      request.mutable_update_mask()->add_paths("*");
      Plan edited;
      grpc::Status status =
          harness_.plans().UpdatePlan(&context, request, &edited);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    Plan resubmitted = MustSubmitPlan(india_, kIndiaSteel);
    EXPECT_EQ(resubmitted.revision(), 2);
    return resubmitted;
  }

  // ---- ProgressService ----

  grpc::Status Create(const Key& who,
                      const itp::v1::CreateProgressReportRequest& request,
                      ProgressReport* report) {
    grpc::ClientContext context;
    Prepare(&context, who);
    return Progress()->CreateProgressReport(&context, request, report);
  }

  grpc::Status Create(const Key& who, const std::string& plan, int year,
                      const ProgressReport& content, ProgressReport* report,
                      bool supersede = false,
                      const std::string& request_id = "") {
    itp::v1::CreateProgressReportRequest request;
    request.set_parent(plan);
    request.set_reporting_year(year);
    *request.mutable_progress_report() = content;
    request.set_supersede(supersede);
    request.set_request_id(request_id);
    return Create(who, request, report);
  }

  ProgressReport MustCreate(const std::string& plan, int year,
                            const ProgressReport& content,
                            bool supersede = false) {
    const Key& who = plan == kIndonesiaCement ? indonesia_ : india_;
    ProgressReport report;
    grpc::Status status = Create(who, plan, year, content, &report, supersede);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  grpc::Status Get(const Key& who, const std::string& name, int version,
                   ProgressReport* report) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::GetProgressReportRequest request;
    request.set_name(name);
    request.set_version(version);
    return Progress()->GetProgressReport(&context, request, report);
  }

  ProgressReport MustGet(const Key& who, const std::string& name,
                         int version = 0) {
    ProgressReport report;
    grpc::Status status = Get(who, name, version, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  grpc::Status List(const Key& who,
                    const itp::v1::ListProgressReportsRequest& request,
                    itp::v1::ListProgressReportsResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, who);
    return Progress()->ListProgressReports(&context, request, response);
  }

  // "name@version STATE" of every report listed in one page of `parent`.
  std::vector<std::string> Listed(const Key& who, const std::string& parent,
                                  const std::string& filter = "",
                                  bool show_superseded = false) {
    itp::v1::ListProgressReportsRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_show_superseded(show_superseded);
    request.set_page_size(1000);
    itp::v1::ListProgressReportsResponse response;
    grpc::Status status = List(who, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.next_page_token(), "");
    std::vector<std::string> listed;
    for (const ProgressReport& r : response.progress_reports()) {
      listed.push_back(Entry(r));
    }
    return listed;
  }

  static std::string Entry(const ProgressReport& r) {
    return absl::StrCat(r.name(), "@", r.version(), " ",
                        ProgressReport::State_Name(r.state()));
  }

  grpc::Status Update(const Key& who, const ProgressReport& report,
                      const std::vector<std::string>& paths,
                      ProgressReport* result) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::UpdateProgressReportRequest request;
    *request.mutable_progress_report() = report;
    for (const auto& p : paths) request.mutable_update_mask()->add_paths(p);
    return Progress()->UpdateProgressReport(&context, request, result);
  }

  grpc::Status Publish(const Key& who, const std::string& name,
                       ProgressReport* result, const std::string& etag = "",
                       const std::string& request_id = "") {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::PublishProgressReportRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_request_id(request_id);
    return Progress()->PublishProgressReport(&context, request, result);
  }

  ProgressReport MustPublish(const std::string& name) {
    const Key& who = name == kIndonesiaCement2025 ? indonesia_ : india_;
    ProgressReport report;
    grpc::Status status = Publish(who, name, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(report.state(), ProgressReport::PUBLISHED);
    return report;
  }

  grpc::Status GetProgress(const Key& who, const std::string& plan,
                           PlanProgress* progress) {
    grpc::ClientContext context;
    Prepare(&context, who);
    itp::v1::GetPlanProgressRequest request;
    request.set_name(plan);
    return Progress()->GetPlanProgress(&context, request, progress);
  }

  // As a partner of the plan's country.
  PlanProgress MustGetProgress(const std::string& plan) {
    const Key& who = plan == kIndonesiaCement ? indonesia_ : india_;
    PlanProgress progress;
    grpc::Status status = GetProgress(who, plan, &progress);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return progress;
  }

  // ---- WatchPlanEvents ----

  // An open WatchPlanEvents stream, as in review_service_test.cc.
  class Watch {
   public:
    Watch(itp::v1::ReviewService::Stub& stub, const Key& who,
          const std::string& parent, int64_t after_event_id) {
      ServerHarness::Authorize(&context_, who);
      context_.set_deadline(std::chrono::system_clock::now() +
                            std::chrono::seconds(20));
      itp::v1::WatchPlanEventsRequest request;
      request.set_parent(parent);
      request.set_after_event_id(after_event_id);
      reader_ = stub.WatchPlanEvents(&context_, request);
    }
    ~Watch() {
      context_.TryCancel();
      (void)reader_->Finish();
    }
    // The next `count` events, fewer if the stream ends first.
    std::vector<PlanEvent> Next(int count) {
      std::vector<PlanEvent> events;
      PlanEvent event;
      while (static_cast<int>(events.size()) < count && reader_->Read(&event)) {
        events.push_back(event);
      }
      return events;
    }

   private:
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReader<PlanEvent>> reader_;
  };

  std::unique_ptr<Watch> WatchEvents(const Key& who, const std::string& parent,
                                     int64_t after_event_id = 0) {
    return std::make_unique<Watch>(harness_.reviews(), who, parent,
                                   after_event_id);
  }

  // Events of `watch` up to and including the first that `last` accepts.
  template <typename Last>
  std::vector<PlanEvent> EventsUntil(Watch& watch, Last last) {
    std::vector<PlanEvent> events;
    while (events.empty() || !last(events.back())) {
      std::vector<PlanEvent> one = watch.Next(1);
      if (one.empty()) {
        ADD_FAILURE() << "the stream ended before the expected event";
        break;
      }
      events.push_back(one[0]);
    }
    return events;
  }

  std::atomic<int64_t> now_{kStartMicros};
  // Every reading of the clock is one second later than the one before.
  ServerHarness harness_{[this] { return now_.fetch_add(1000000); }};
  Key admin_;
  Key india_;
  Key brazil_;
  Key indonesia_;
  Key reviewer_;
  Key runner_;
};

// ---------------------------------------------------------------------------
// 1. The issue's report, published and assessed.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, IssueReportIsFiledPublishedAndAssessed) {
  SubmittedIndiaSteel();
  itp::v1::CreateProgressReportRequest request;
  auto parsed =
      google::protobuf::util::JsonStringToMessage(kIssueRequestJson, &request);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString();

  const int64_t before = now_.load();
  ProgressReport draft;
  grpc::Status status = Create(india_, request, &draft);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(draft.name(), kIndiaSteel2024);
  EXPECT_EQ(draft.reporting_year(), 2024);
  EXPECT_EQ(draft.version(), 1);
  EXPECT_EQ(draft.state(), ProgressReport::DRAFT);
  EXPECT_EQ(draft.plan_revision(), kRevision1);
  EXPECT_EQ(draft.country(), "IND");
  EXPECT_EQ(draft.filed_by(), india_.name);
  EXPECT_EQ(draft.supersedes_version(), 0);
  EXPECT_EQ(draft.superseded_by_version(), 0);
  EXPECT_FALSE(draft.etag().empty());
  EXPECT_GE(TimeUtil::TimestampToMicroseconds(draft.create_time()), before);
  EXPECT_LT(TimeUtil::TimestampToMicroseconds(draft.create_time()),
            now_.load());
  EXPECT_EQ(draft.update_time(), draft.create_time());
  EXPECT_FALSE(draft.has_publish_time());
  // The content is kept as sent.
  ASSERT_EQ(draft.sectors_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(draft.sectors(0),
                                         request.progress_report().sectors(0)))
      << draft.sectors(0).DebugString();
  ASSERT_EQ(draft.project_updates_size(), 1);
  EXPECT_EQ(draft.project_updates(0).status(),
            ProjectUpdate::UNDER_CONSTRUCTION);
  EXPECT_EQ(draft.project_updates(0).capital_spent_usd(), 150000000.0);
  EXPECT_EQ(draft.narrative(),
            "Output grew 6 % in 2024; intensity fell 0.8 %.");

  // The response was lost; the client sends the same request again.
  ProgressReport retried;
  status = Create(india_, request, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(draft, retried))
      << retried.DebugString();
  EXPECT_THAT(Listed(india_, kIndiaSteel),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 DRAFT")));
  // The same request id for another request is a client error.
  itp::v1::CreateProgressReportRequest other = request;
  other.mutable_progress_report()->set_narrative("Output grew 6 % in 2024.");
  status = Create(india_, other, &retried);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));

  // Published with its etag and a request id; the retry returns the same.
  const std::string publish_id = "9a4e7c21-3b5d-4f60-8e1a-2c3d4e5f6a7b";
  ProgressReport published;
  status =
      Publish(india_, kIndiaSteel2024, &published, draft.etag(), publish_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(published.state(), ProgressReport::PUBLISHED);
  EXPECT_EQ(published.version(), 1);
  EXPECT_TRUE(published.has_publish_time());
  EXPECT_GT(published.publish_time(), draft.create_time());
  EXPECT_EQ(published.update_time(), published.publish_time());
  EXPECT_NE(published.etag(), draft.etag());
  EXPECT_EQ(published.plan_revision(), kRevision1);
  ProgressReport republished;
  status =
      Publish(india_, kIndiaSteel2024, &republished, draft.etag(), publish_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(published, republished))
      << republished.DebugString();

  // A retry of the create after publication still files nothing new.
  status = Create(india_, request, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(draft, retried))
      << retried.DebugString();
  EXPECT_THAT(Listed(admin_, kIndiaSteel, "", true),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));
  EXPECT_TRUE(MessageDifferencer::Equals(MustGet(reviewer_, kIndiaSteel2024),
                                         published));

  // Hand calculation (domain brief, section 6), India steel, revision 1:
  //   t0 = 2020, P(t0) = 2.54 (no actual for 2020: base_from_plan);
  //   y = 2024, A(y) = 2.47; m = 2030, P(m) = 2.2.
  //   P(2024) = 2.54 + (2.2 - 2.54) * 4 / 10       = 2.404
  //   dev     = (2.47 - 2.404) / 2.404             = 0.0274542429284527
  //   r_obs   = (2.47 / 2.54) ^ (1 / 4) - 1        = -0.0069621338650930
  //   r_req   = (2.2 / 2.47) ^ (1 / 6) - 1         = -0.0191085373575051
  //   0.02 < dev <= 0.10                           -> MORE_EFFORT_NEEDED
  //   projections at r_obs: 2030 2.47 (1 + r_obs)^6  = 2.3686004541762267
  //                         2070 2.47 (1 + r_obs)^46 = 1.7911179019537433
  // Emissions (production x intensity): P(2020) = 100.3 x 2.54 = 254.762,
  //   P(2030) = 255 x 2.2 = 561, P(2024) = 254.762 + 306.238 x 0.4 = 377.2572,
  //   A(2024) = 149.6 x 2.47 = 369.512, dev = -0.0205302907406406.
  const PlanProgress progress = MustGetProgress(kIndiaSteel);
  SCOPED_TRACE(progress.DebugString());
  EXPECT_EQ(progress.plan(), kIndiaSteel);
  EXPECT_EQ(progress.progress_report(), kIndiaSteel2024);
  EXPECT_EQ(progress.report_version(), 1);
  EXPECT_EQ(progress.reporting_year(), 2024);
  EXPECT_EQ(progress.plan_revision(), kRevision1);
  EXPECT_EQ(progress.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(progress.method_version(), "itp-progress/1.0");
  EXPECT_DOUBLE_EQ(progress.tolerance(), 0.02);
  EXPECT_DOUBLE_EQ(progress.threshold(), 0.10);
  EXPECT_DOUBLE_EQ(progress.pace_margin(), 0.01);
  EXPECT_TRUE(progress.has_assess_time());

  ASSERT_EQ(progress.sectors_size(), 1);
  const itp::v1::SectorProgress& steel = progress.sectors(0);
  EXPECT_EQ(steel.sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_EQ(steel.status(), itp::v1::MORE_EFFORT_NEEDED);
  const itp::v1::MetricProgress& intensity = steel.intensity();
  EXPECT_EQ(intensity.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(intensity.base_year(), 2020);
  EXPECT_NEAR(intensity.base_value(), 2.54, kEps);
  EXPECT_TRUE(intensity.base_from_plan());
  EXPECT_EQ(intensity.latest_year(), 2024);
  EXPECT_NEAR(intensity.actual(), 2.47, kEps);
  EXPECT_NEAR(intensity.planned(), 2.404, kEps);
  EXPECT_NEAR(intensity.deviation(), 0.0274542429284527, kEps);
  EXPECT_NEAR(intensity.observed_rate(), -0.0069621338650930, kEps);
  EXPECT_EQ(intensity.milestone_year(), 2030);
  EXPECT_NEAR(intensity.milestone_value(), 2.2, kEps);
  EXPECT_NEAR(intensity.required_rate(), -0.0191085373575051, kEps);
  EXPECT_THAT(intensity.message(),
              HasSubstr("Actual 2.470 t CO2/t in 2024 is 2.7 % above the "
                        "plan's 2.404"));
  ASSERT_EQ(intensity.projections_size(), 2);
  EXPECT_EQ(intensity.projections(0).year(), 2030);
  EXPECT_NEAR(intensity.projections(0).projected(), 2.3686004541762267, 1e-9);
  EXPECT_NEAR(intensity.projections(0).planned(), 2.2, kEps);
  EXPECT_EQ(intensity.projections(1).year(), 2070);
  EXPECT_NEAR(intensity.projections(1).projected(), 1.7911179019537433, 1e-9);
  EXPECT_NEAR(intensity.projections(1).planned(), 0.1, kEps);
  ASSERT_TRUE(steel.has_emissions());
  EXPECT_EQ(steel.emissions().latest_year(), 2024);
  EXPECT_NEAR(steel.emissions().actual(), 369.512, 1e-9);
  EXPECT_NEAR(steel.emissions().planned(), 377.2572, 1e-9);
  EXPECT_NEAR(steel.emissions().deviation(), -0.0205302907406406, 1e-9);
  EXPECT_TRUE(steel.emissions().base_from_plan());
  EXPECT_NEAR(steel.emissions().base_value(), 254.762, 1e-9);
  // A(2024) = 2.47 against the default pathways only: IEA NZE (1.508 in 2024)
  // and TPI's current 2022 release (1.42, 1.583, 1.648); the superseded TPI
  // releases (families TPI 2017 to TPI 2021) are used only when named.
  std::vector<std::tuple<std::string, int, std::string>> alignments;
  for (const itp::v1::ActualAlignment& a : steel.alignments()) {
    alignments.emplace_back(a.family(), a.year(), a.label());
  }
  EXPECT_THAT(alignments,
              ElementsAre(std::make_tuple("IEA NZE", 2024, "Not Aligned"),
                          std::make_tuple("TPI 2022", 2024, "Not Aligned")));

  // The demonstration plant: one HYDROGEN_DRI project, due in 2027.
  ASSERT_EQ(progress.technologies_size(), 1);
  const itp::v1::TechnologyProgress& dri = progress.technologies(0);
  EXPECT_EQ(dri.technology(), itp::v1::Project::HYDROGEN_DRI);
  EXPECT_EQ(dri.projects(), 1);
  EXPECT_EQ(dri.not_yet_due(), 1);
  EXPECT_EQ(dri.on_time(), 0);
  EXPECT_EQ(dri.delayed(), 0);
  EXPECT_EQ(dri.cancelled(), 0);
  EXPECT_EQ(dri.operating(), 0);
  EXPECT_EQ(dri.not_reported(), 0);
  EXPECT_DOUBLE_EQ(dri.planned_capacity_mtpa(), 0.5);
  EXPECT_DOUBLE_EQ(dri.operating_capacity_mtpa(), 0);
  EXPECT_DOUBLE_EQ(dri.planned_capital_usd(), 6e8);
  EXPECT_DOUBLE_EQ(dri.operating_capital_usd(), 0);
  EXPECT_DOUBLE_EQ(dri.capital_spent_usd(), 1.5e8);

  // The reporting record at 2026-03: the 2025 report is expected.
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::OVERDUE);
  EXPECT_EQ(progress.reporting().expected_reporting_year(), 2025);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 2024);
  EXPECT_THAT(progress.reporting().reported_years(), ElementsAre(2024));
}

TEST_F(ProgressServiceTest, ReportOnAPlanNeverSubmittedIsAFailedPrecondition) {
  MustCreatePlan(india_, "IND", "steel-2070", DemoIndiaSteelPlan());
  ProgressReport report;
  grpc::Status status = Create(india_, kIndiaSteel, 2024, India2024(), &report);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PLAN_NOT_SUBMITTED");
  PlanProgress progress;
  ASSERT_TRUE(GetProgress(india_, kIndiaSteel, &progress).ok());
  EXPECT_EQ(progress.status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(progress.progress_report(), "");
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::NOT_YET_DUE);

  status = Create(india_, "countries/IND/plans/steel-2050", 2024, India2024(),
                  &report);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------
// 2. Corrections: a second report for a year supersedes the first.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, SecondReportForAYearMustSupersedeThePublishedOne) {
  SubmittedIndiaSteel();
  ProgressReport first = MustCreate(kIndiaSteel, 2024, India2024());
  ProgressReport ignored;
  // A second draft for the year is refused while the first is a draft.
  grpc::Status status =
      Create(india_, kIndiaSteel, 2024, India2024(), &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_DRAFT_EXISTS");
  // Nothing is published yet: nothing to supersede.
  status = Create(india_, kIndiaSteel, 2023, India2023(), &ignored, true);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NOTHING_TO_SUPERSEDE");
  status = Create(india_, kIndiaSteel, 2024, India2024(), &ignored, true);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_DRAFT_EXISTS");

  ProgressReport v1 = MustPublish(kIndiaSteel2024);
  status = Create(india_, kIndiaSteel, 2024, India2024(), &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_EXISTS");

  // The correction: worldsteel revised 2024 output to 149.4 Mt and the
  // ministry's inventory gives 2.46 t CO2/t.
  ProgressReport corrected = India2024();
  auto* point = corrected.mutable_sectors(0)->mutable_points(2);
  point->set_production_mt(149.4);
  point->set_intensity_tco2_per_t(2.46);
  corrected.set_narrative(
      "Corrected: output 149.4 Mt (worldsteel revision), intensity 2.46 t "
      "CO2/t from the national inventory.");
  ProgressReport v2 = MustCreate(kIndiaSteel, 2024, corrected, true);
  EXPECT_EQ(v2.name(), kIndiaSteel2024);
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.state(), ProgressReport::DRAFT);
  EXPECT_EQ(v2.supersedes_version(), 1);
  EXPECT_EQ(v2.plan_revision(), kRevision1);
  status = Create(india_, kIndiaSteel, 2024, corrected, &ignored, true);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_DRAFT_EXISTS");

  // Until the correction is published, others see version 1; the country
  // sees its draft correction.
  EXPECT_EQ(MustGet(reviewer_, kIndiaSteel2024).version(), 1);
  EXPECT_EQ(MustGet(india_, kIndiaSteel2024).version(), 2);
  EXPECT_EQ(MustGetProgress(kIndiaSteel).report_version(), 1);
  EXPECT_THAT(Listed(reviewer_, kIndiaSteel),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));
  EXPECT_THAT(Listed(india_, kIndiaSteel),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@2 DRAFT"),
                          absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));

  ProgressReport published = MustPublish(kIndiaSteel2024);
  EXPECT_EQ(published.version(), 2);
  EXPECT_EQ(published.supersedes_version(), 1);

  // Version 1 is superseded, still readable as it was.
  ProgressReport old = MustGet(reviewer_, kIndiaSteel2024, 1);
  EXPECT_EQ(old.state(), ProgressReport::SUPERSEDED);
  EXPECT_EQ(old.superseded_by_version(), 2);
  EXPECT_EQ(old.publish_time(), v1.publish_time());
  EXPECT_DOUBLE_EQ(old.sectors(0).points(2).intensity_tco2_per_t(), 2.47);
  ProgressReport newest = MustGet(reviewer_, kIndiaSteel2024);
  EXPECT_EQ(newest.version(), 2);
  EXPECT_EQ(newest.state(), ProgressReport::PUBLISHED);
  EXPECT_DOUBLE_EQ(newest.sectors(0).points(2).intensity_tco2_per_t(), 2.46);
  EXPECT_EQ(newest.superseded_by_version(), 0);
  status = Get(reviewer_, kIndiaSteel2024, 3, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_NOT_FOUND");
  status = Get(reviewer_, kIndiaSteel2024, -1, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("version"));

  // Listed without and with the superseded version (after its successor).
  EXPECT_THAT(Listed(reviewer_, kIndiaSteel),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@2 PUBLISHED")));
  EXPECT_THAT(Listed(reviewer_, kIndiaSteel, "", true),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@2 PUBLISHED"),
                          absl::StrCat(kIndiaSteel2024, "@1 SUPERSEDED")));
  EXPECT_THAT(Listed(reviewer_, kAllPlans, "state = SUPERSEDED", true),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 SUPERSEDED")));

  // The assessment follows the correction: A(2024) = 2.46,
  // dev = (2.46 - 2.404) / 2.404 = 0.0232945091514143.
  PlanProgress progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.report_version(), 2);
  EXPECT_NEAR(progress.sectors(0).intensity().deviation(), 0.0232945091514143,
              kEps);
  EXPECT_THAT(progress.reporting().reported_years(), ElementsAre(2024));

  // A published correction cannot be changed; a third version supersedes 2.
  ProgressReport v3 = MustCreate(kIndiaSteel, 2024, corrected, true);
  EXPECT_EQ(v3.version(), 3);
  EXPECT_EQ(v3.supersedes_version(), 2);
}

// ---------------------------------------------------------------------------
// 3. Who reads and who writes.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, DraftsAreReadOnlyByTheCountryAndAdmins) {
  SubmittedIndiaSteel();
  // Approved, so that partners of other countries may read the plan and its
  // published reports.
  ApproveIndiaSteel();
  ProgressReport draft = MustCreate(kIndiaSteel, 2024, India2024());

  // The India partner and the admin read the draft.
  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(india_, kIndiaSteel2024, 1), draft));
  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(india_, kIndiaSteel2024), draft));
  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(admin_, kIndiaSteel2024), draft));
  EXPECT_THAT(Listed(india_, kAllPlans),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 DRAFT")));
  EXPECT_THAT(Listed(admin_, kAllPlans),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 DRAFT")));

  // Others may read the plan but not the draft: by version it looks like a
  // version that does not exist (so no one can probe for drafts), it is not
  // found as the newest, and it is not listed.
  for (const Key* other : {&brazil_, &reviewer_, &runner_}) {
    SCOPED_TRACE(other->name);
    ProgressReport hidden;
    grpc::Status status = Get(*other, kIndiaSteel2024, 1, &hidden);
    EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
    EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_NOT_FOUND");
    grpc::Status missing = Get(*other, kIndiaSteel2024, 7, &hidden);
    EXPECT_EQ(missing.error_message(),
              absl::StrReplaceAll(status.error_message(),
                                  {{"version 1", "version 7"}}));
    status = Get(*other, kIndiaSteel2024, 0, &hidden);
    EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
    EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_NOT_FOUND");
    EXPECT_THAT(Listed(*other, kAllPlans), IsEmpty());
    EXPECT_THAT(Listed(*other, kIndiaSteel), IsEmpty());
    EXPECT_THAT(Listed(*other, kAllPlans, "state = DRAFT"), IsEmpty());
    PlanProgress progress;
    ASSERT_TRUE(GetProgress(*other, kIndiaSteel, &progress).ok());
    EXPECT_EQ(progress.progress_report(), "");
  }

  // Only the country's partners and admins write.
  for (const Key* other : {&brazil_, &reviewer_, &runner_}) {
    SCOPED_TRACE(other->name);
    ProgressReport ignored;
    grpc::Status status =
        Create(*other, kIndiaSteel, 2023, India2023(), &ignored);
    EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
    ProgressReport edit = draft;
    edit.set_narrative("Output fell in 2024.");
    status = Update(*other, edit, {"narrative"}, &ignored);
    EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
    status = Publish(*other, kIndiaSteel2024, &ignored);
    EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(MustGet(india_, kIndiaSteel2024).etag(), draft.etag());
  EXPECT_EQ(MustGet(india_, kIndiaSteel2024).state(), ProgressReport::DRAFT);

  // An admin files for any country.
  ProgressReport by_admin;
  ASSERT_TRUE(Create(admin_, kIndiaSteel, 2023, India2023(), &by_admin).ok());
  EXPECT_EQ(by_admin.filed_by(), admin_.name);

  // Once published, whoever may read the plan reads the report.
  ProgressReport published = MustPublish(kIndiaSteel2024);
  for (const Key* other : {&brazil_, &reviewer_, &runner_}) {
    SCOPED_TRACE(other->name);
    EXPECT_TRUE(MessageDifferencer::Equals(MustGet(*other, kIndiaSteel2024),
                                           published));
    EXPECT_TRUE(MessageDifferencer::Equals(MustGet(*other, kIndiaSteel2024, 1),
                                           published));
    // The admin's 2023 draft stays hidden.
    EXPECT_THAT(Listed(*other, kAllPlans),
                ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));
    PlanProgress progress;
    ASSERT_TRUE(GetProgress(*other, kIndiaSteel, &progress).ok());
    EXPECT_EQ(progress.progress_report(), kIndiaSteel2024);
  }
  EXPECT_THAT(Listed(india_, kAllPlans),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED"),
                          absl::StrCat(kIndiaSteel2023, "@1 DRAFT")));
}

TEST_F(ProgressServiceTest, PublishedReportsOfUnapprovedPlansStayInTheCountry) {
  SubmittedIndiaSteel();
  SubmittedIndonesiaCement();
  MustCreate(kIndiaSteel, 2024, India2024());
  MustPublish(kIndiaSteel2024);
  MustCreate(kIndonesiaCement, 2025, Indonesia2025());
  MustPublish(kIndonesiaCement2025);

  // Neither plan is approved: a partner of another country reads neither.
  ProgressReport hidden;
  grpc::Status status = Get(brazil_, kIndiaSteel2024, 0, &hidden);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  status = Get(indonesia_, kIndiaSteel2024, 1, &hidden);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  PlanProgress progress;
  status = GetProgress(brazil_, kIndiaSteel, &progress);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  itp::v1::ListProgressReportsRequest request;
  request.set_parent(kIndiaSteel);
  itp::v1::ListProgressReportsResponse response;
  status = List(brazil_, request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Listed(brazil_, kAllPlans), IsEmpty());
  EXPECT_THAT(Listed(india_, kAllPlans),
              ElementsAre(absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));
  EXPECT_THAT(Listed(indonesia_, kAllPlans),
              ElementsAre(absl::StrCat(kIndonesiaCement2025, "@1 PUBLISHED")));
  // The secretariat reads both.
  EXPECT_THAT(Listed(reviewer_, kAllPlans),
              ElementsAre(absl::StrCat(kIndonesiaCement2025, "@1 PUBLISHED"),
                          absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));
}

// ---------------------------------------------------------------------------
// 4. Validation against the plan revision.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, EveryMistakeOfAReportIsNamedByItsFieldPath) {
  SubmittedIndiaSteel();
  itp::v1::CreateProgressReportRequest request =
      FromJson<itp::v1::CreateProgressReportRequest>(R"json(
{"parent": "countries/IND/plans/steel-2070", "reporting_year": 2026,
 "request_id": "5d0c3a8e-7f21-4b6e-9c44",
 "progress_report": {
   "sectors": [
     {"sector": "IRON_AND_STEEL", "points": [
       {"year": 2025, "production_mt": 162.4, "intensity_tco2_per_t": 2.45,
        "emissions_mtco2": 300.0},
       {"year": 2027, "production_mt": 170.0, "intensity_tco2_per_t": 2.40}]},
     {"sector": "CEMENT", "points": [
       {"year": 2025, "production_mt": 453.0, "intensity_tco2_per_t": 0.55}]}],
   "project_updates": [
     {"project_name": "Hydrogen DRI pilot plant", "status": "ANNOUNCED"},
     {"project_name": "Hydrogen DRI demonstration plant",
      "status": "OPERATING"}],
   "policy_updates": [
     {"policy_name": "Green Steel Taxonomy", "status": "IN_FORCE"}],
   "narrative": "Provisional figures for 2026."}}
)json");
  ProgressReport ignored;
  grpc::Status status = Create(india_, request, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre(
                  // Not a UUID.
                  "request_id",
                  // 2026 is not completed at 2026-03-02.
                  "reporting_year",
                  // 162.4 Mt x 2.45 t CO2/t = 397.9 Mt CO2, not 300.
                  "progress_report.sectors[0].points[0].emissions_mtco2",
                  // After the reporting year.
                  "progress_report.sectors[0].points[1].year",
                  // The plan has no cement pathway.
                  "progress_report.sectors[1].sector",
                  // Not a project of revision 1.
                  "progress_report.project_updates[0].project_name",
                  // Operating since when?
                  "progress_report.project_updates[1].actual_start_year"));
  EXPECT_THAT(status.error_message(), HasSubstr("Hydrogen DRI pilot plant"));
  EXPECT_THAT(Listed(india_, kIndiaSteel), IsEmpty());

  // Before the plan's base year (2020).
  status = Create(india_, kIndiaSteel, 2019, ProgressReport(), &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("reporting_year"));
  // Required.
  status = Create(india_, kIndiaSteel, 0, India2024(), &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("reporting_year"));

  // Unknown policy, a project updated twice, a start after the reporting
  // year, a source that is not a URL, points out of order.
  ProgressReport report = India2024();
  report.mutable_sectors(0)->mutable_points(1)->set_year(2022);
  report.mutable_project_updates(0)->set_status(ProjectUpdate::OPERATING);
  report.mutable_project_updates(0)->set_actual_start_year(2025);
  *report.add_project_updates() = report.project_updates(0);
  report.mutable_project_updates(1)->set_actual_start_year(2024);
  auto* policy = report.add_policy_updates();
  policy->set_policy_name("Carbon Credit Trading Scheme");
  policy->set_status(itp::v1::PolicyUpdate::ADOPTED);
  report.add_sources("worldsteel.org/data");
  status = Create(india_, kIndiaSteel, 2024, report, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(status),
      ElementsAre("progress_report.sectors[0].points[1].year",
                  "progress_report.project_updates[0].actual_start_year",
                  "progress_report.project_updates[1].project_name",
                  "progress_report.policy_updates[0].policy_name",
                  "progress_report.sources[0]"));
}

// ---------------------------------------------------------------------------
// 5. Drafts change; published reports do not.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, DraftsAreUpdatedUnderTheirEtagUntilPublished) {
  SubmittedIndiaSteel();
  ProgressReport draft = MustCreate(kIndiaSteel, 2024, India2024());

  // The narrative alone: the sectors stay even though the patch has none.
  ProgressReport patch;
  patch.set_name(kIndiaSteel2024);
  patch.set_etag(draft.etag());
  patch.set_narrative(
      "Output grew 6 % in 2024 to 149.6 Mt; intensity fell 0.8 % to 2.47 t "
      "CO2/t as scrap use rose.");
  ProgressReport updated;
  grpc::Status status = Update(india_, patch, {"narrative"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.narrative(), patch.narrative());
  ASSERT_EQ(updated.sectors_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(updated.sectors(0), draft.sectors(0)));
  ASSERT_EQ(updated.project_updates_size(), 1);
  EXPECT_EQ(updated.state(), ProgressReport::DRAFT);
  EXPECT_EQ(updated.version(), 1);
  EXPECT_NE(updated.etag(), draft.etag());
  EXPECT_GT(updated.update_time(), draft.update_time());
  EXPECT_EQ(updated.create_time(), draft.create_time());
  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(india_, kIndiaSteel2024), updated));

  // A second editor still holds the first etag.
  ProgressReport stale = patch;
  stale.set_etag(draft.etag());
  stale.set_narrative("Output grew 6 %.");
  ProgressReport ignored;
  status = Update(india_, stale, {"narrative"}, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
  status = Publish(india_, kIndiaSteel2024, &ignored, draft.etag());
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
  EXPECT_EQ(MustGet(india_, kIndiaSteel2024).narrative(), patch.narrative());

  // Not a field of the report content; output-only fields.
  status = Update(india_, patch, {"narrative", "plan_revision"}, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask.paths[1]"));
  // The new content is validated: a 2025 point in the 2024 report.
  ProgressReport with_2025 = updated;
  auto* point = with_2025.mutable_sectors(0)->add_points();
  point->set_year(2025);
  point->set_production_mt(162.4);
  point->set_intensity_tco2_per_t(2.45);
  status = Update(india_, with_2025, {"sectors"}, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("progress_report.sectors[0].points[3].year"));
  EXPECT_EQ(MustGet(india_, kIndiaSteel2024).etag(), updated.etag());

  // Every field with `*`, with the current etag: sources added.
  ProgressReport full = updated;
  full.add_sources("https://worldsteel.org/data/world-steel-in-figures-2025/");
  ProgressReport replaced;
  ASSERT_TRUE(Update(india_, full, {"*"}, &replaced).ok());
  EXPECT_THAT(replaced.sources(), ElementsAre("https://worldsteel.org/data/"
                                              "world-steel-in-figures-2025/"));
  EXPECT_EQ(replaced.narrative(), updated.narrative());

  ProgressReport published;
  status = Publish(india_, kIndiaSteel2024, &published, replaced.etag());
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Published: immutable.
  ProgressReport late = published;
  late.set_narrative("Output grew 6.2 % in 2024.");
  status = Update(india_, late, {"narrative"}, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_PUBLISHED");
  status = Publish(india_, kIndiaSteel2024, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRESS_REPORT_PUBLISHED");
  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(india_, kIndiaSteel2024), published));

  // No report for 2023 at all.
  ProgressReport missing = patch;
  missing.set_name(kIndiaSteel2023);
  missing.clear_etag();
  status = Update(india_, missing, {"narrative"}, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  status = Publish(india_, kIndiaSteel2023, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------
// 6. A report is assessed against the revision it was filed against.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, ReportKeepsItsRevisionAfterThePlanIsRevised) {
  SubmittedIndiaSteel();
  MustCreate(kIndiaSteel, 2024, India2024());
  MustPublish(kIndiaSteel2024);

  // Revision 2 lowers the 2030 intensity from 2.2 to 1.9 t CO2/t.
  ReviseIndiaSteel2030(1.9);
  EXPECT_EQ(MustGet(reviewer_, kIndiaSteel2024).plan_revision(), kRevision1);

  // Still P from revision 1: P(2024) = 2.404, m = 2030 with P(m) = 2.2.
  PlanProgress progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.plan_revision(), kRevision1);
  EXPECT_EQ(progress.progress_report(), kIndiaSteel2024);
  ASSERT_EQ(progress.sectors_size(), 1);
  EXPECT_NEAR(progress.sectors(0).intensity().planned(), 2.404, kEps);
  EXPECT_NEAR(progress.sectors(0).intensity().milestone_value(), 2.2, kEps);
  EXPECT_NEAR(progress.sectors(0).intensity().deviation(), 0.0274542429284527,
              kEps);
  EXPECT_EQ(progress.status(), itp::v1::MORE_EFFORT_NEEDED);

  // A new report goes against revision 2. Hand calculation:
  //   P(2025) = 2.54 + (1.9 - 2.54) * 5 / 10     = 2.22
  //   A(2025) = 2.45; dev = (2.45 - 2.22) / 2.22 = 0.1036036036036036
  //   r_obs   = (2.45 / 2.54) ^ (1 / 5) - 1      = -0.0071892441480970
  //   r_req   = (1.9 / 2.45) ^ (1 / 5) - 1       = -0.0495757619277914
  //   dev > 0.10                                 -> NOT_ON_TRACK
  ProgressReport second = MustCreate(kIndiaSteel, 2025, India2025());
  EXPECT_EQ(second.plan_revision(), kRevision2);
  MustPublish(kIndiaSteel2025);
  progress = MustGetProgress(kIndiaSteel);
  SCOPED_TRACE(progress.DebugString());
  EXPECT_EQ(progress.plan_revision(), kRevision2);
  EXPECT_EQ(progress.progress_report(), kIndiaSteel2025);
  EXPECT_EQ(progress.reporting_year(), 2025);
  ASSERT_EQ(progress.sectors_size(), 1);
  const itp::v1::MetricProgress& intensity = progress.sectors(0).intensity();
  EXPECT_EQ(intensity.latest_year(), 2025);
  EXPECT_NEAR(intensity.planned(), 2.22, kEps);
  EXPECT_NEAR(intensity.deviation(), 0.1036036036036036, 1e-9);
  EXPECT_NEAR(intensity.observed_rate(), -0.0071892441480970, 1e-9);
  EXPECT_EQ(intensity.milestone_year(), 2030);
  EXPECT_NEAR(intensity.milestone_value(), 1.9, kEps);
  EXPECT_NEAR(intensity.required_rate(), -0.0495757619277914, 1e-9);
  EXPECT_EQ(progress.status(), itp::v1::NOT_ON_TRACK);
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::UP_TO_DATE);

  // A correction of 2024 filed now goes against revision 2 as well.
  ProgressReport correction = MustCreate(kIndiaSteel, 2024, India2024(), true);
  EXPECT_EQ(correction.plan_revision(), kRevision2);
  EXPECT_EQ(MustGet(india_, kIndiaSteel2024, 1).plan_revision(), kRevision1);
}

// ---------------------------------------------------------------------------
// 7. ListPlans by progress status.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, ListPlansFiltersByTheLatestPublishedStatus) {
  SubmittedIndiaSteel();
  SubmittedIndonesiaCement();
  // A Brazil draft, never reported on.
  MustCreatePlan(brazil_, "BRA", "steel-2050", testing::SteelPlan("BRA", 1.70));
  const std::string brazil = "countries/BRA/plans/steel-2050";

  EXPECT_THAT(ListPlanNames("progress_status = MORE_EFFORT_NEEDED"), IsEmpty());
  EXPECT_THAT(ListPlanNames("progress_status = NOT_REPORTED"),
              ElementsAre(brazil, kIndonesiaCement, kIndiaSteel));

  // A draft report changes nothing.
  MustCreate(kIndiaSteel, 2024, India2024());
  EXPECT_THAT(ListPlanNames("progress_status = MORE_EFFORT_NEEDED"), IsEmpty());

  MustPublish(kIndiaSteel2024);
  EXPECT_THAT(ListPlanNames("progress_status = MORE_EFFORT_NEEDED"),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListPlanNames("progress_status = NOT_REPORTED"),
              ElementsAre(brazil, kIndonesiaCement));
  EXPECT_THAT(ListPlanNames("progress_status != NOT_REPORTED"),
              ElementsAre(kIndiaSteel));

  // Indonesia, 0.59 t CO2/t in 2025 against P(2025) = 0.62 - 0.07 * 2 / 7
  // = 0.60: dev = -1.7 %, on track.
  MustCreate(kIndonesiaCement, 2025, Indonesia2025());
  MustPublish(kIndonesiaCement2025);
  EXPECT_THAT(ListPlanNames("progress_status = ON_TRACK"),
              ElementsAre(kIndonesiaCement));
  EXPECT_THAT(ListPlanNames("progress_status = NOT_REPORTED"),
              ElementsAre(brazil));
  EXPECT_THAT(ListPlanNames("progress_status = MORE_EFFORT_NEEDED AND "
                            "sector = IRON_AND_STEEL"),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListPlanNames("progress_status = NOT_ON_TRACK"), IsEmpty());

  // The status follows the latest reporting year: India's 2025 report is
  // more than 10 % above revision 1's 2.37.
  //   P(2025) = 2.54 - 0.34 * 5 / 10 = 2.37; A = 2.62: dev = 10.5 %.
  ProgressReport worse = India2025();
  auto* point = worse.mutable_sectors(0)->mutable_points(1);
  point->set_intensity_tco2_per_t(2.62);
  MustCreate(kIndiaSteel, 2025, worse);
  MustPublish(kIndiaSteel2025);
  EXPECT_THAT(ListPlanNames("progress_status = NOT_ON_TRACK"),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListPlanNames("progress_status = MORE_EFFORT_NEEDED"), IsEmpty());

  grpc::Status status;
  EXPECT_THAT(ListPlanNames("progress_status = BEHIND_PLAN", &status),
              IsEmpty());
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
  EXPECT_THAT(status.error_message(), HasSubstr("BEHIND_PLAN"));
  ListPlanNames("progress_status = PROGRESS_STATUS_UNSPECIFIED", &status);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
  ListPlanNames("progress_status > ON_TRACK", &status);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
}

// ---------------------------------------------------------------------------
// 8. Plan events.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, PublicationIsAPlanEventForThePartner) {
  SubmittedIndiaSteel();
  auto watch = WatchEvents(india_, "countries/IND");
  auto reviewer_watch = WatchEvents(reviewer_, "countries/-");
  auto brazil_watch = WatchEvents(brazil_, "countries/-");
  // A draft is no event.
  MustCreate(kIndiaSteel, 2024, India2024());
  const std::string request_id = "2f8b6c4d-1e3a-4b5c-9d7e-8f0a1b2c3d4e";
  ProgressReport published;
  ASSERT_TRUE(
      Publish(india_, kIndiaSteel2024, &published, "", request_id).ok());
  // A retried publication is no second event.
  ProgressReport retried;
  ASSERT_TRUE(Publish(india_, kIndiaSteel2024, &retried, "", request_id).ok());
  // The correction.
  MustCreate(kIndiaSteel, 2024, India2024(), true);
  MustPublish(kIndiaSteel2024);

  std::vector<PlanEvent> events = watch->Next(3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), PlanEvent::STATE_CHANGED);
  EXPECT_EQ(events[0].to_state(), Plan::SUBMITTED);

  EXPECT_EQ(events[1].type(), PlanEvent::PROGRESS_PUBLISHED);
  EXPECT_EQ(events[1].plan(), kIndiaSteel);
  EXPECT_EQ(events[1].progress_report(), kIndiaSteel2024);
  EXPECT_EQ(events[1].progress_report_version(), 1);
  EXPECT_EQ(events[1].summary(), "Progress report 2024 published");
  EXPECT_GE(events[1].time(), published.publish_time());
  EXPECT_GT(events[1].id(), events[0].id());

  EXPECT_EQ(events[2].type(), PlanEvent::PROGRESS_PUBLISHED);
  EXPECT_EQ(events[2].progress_report(), kIndiaSteel2024);
  EXPECT_EQ(events[2].progress_report_version(), 2);
  EXPECT_EQ(events[2].summary(),
            "Progress report 2024 corrected: version 2 supersedes version 1");

  // The secretariat sees the same events; a marker event (the review
  // starting) shows nothing else came in between.
  ScoredReview(kIndiaSteel, false);
  std::vector<PlanEvent> seen =
      EventsUntil(*reviewer_watch, [](const PlanEvent& e) {
        return e.type() == PlanEvent::STATE_CHANGED &&
               e.to_state() == Plan::IN_REVIEW;
      });
  ASSERT_EQ(seen.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(seen[i], events[i]))
        << seen[i].DebugString();
  }

  // Brazil's partner sees none of India's events: its own plan's submission
  // is the first it receives.
  MustCreatePlan(brazil_, "BRA", "steel-2050", testing::SteelPlan("BRA", 1.70));
  MustSubmitPlan(brazil_, "countries/BRA/plans/steel-2050");
  std::vector<PlanEvent> brazil = brazil_watch->Next(1);
  ASSERT_EQ(brazil.size(), 1u);
  EXPECT_EQ(brazil[0].plan(), "countries/BRA/plans/steel-2050");
}

// ---------------------------------------------------------------------------
// 9. The reporting record.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, ReportingRecordFollowsTheClock) {
  SubmittedIndiaSteel();
  SubmittedIndonesiaCement();  // never reported on
  // First submitted in 2026: no report is due yet.
  PlanProgress progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(progress.progress_report(), "");
  EXPECT_EQ(progress.plan_revision(), "");
  EXPECT_THAT(progress.sectors(), IsEmpty());
  EXPECT_EQ(progress.method_version(), "itp-progress/1.0");
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::NOT_YET_DUE);
  EXPECT_EQ(progress.reporting().expected_reporting_year(), 2025);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 0);
  EXPECT_THAT(progress.reporting().reported_years(), IsEmpty());

  // 2024 in March 2026: the 2025 report is expected.
  MustCreate(kIndiaSteel, 2024, India2024());
  progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::NOT_YET_DUE)
      << "a draft is not a report";
  MustPublish(kIndiaSteel2024);
  progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::OVERDUE);
  EXPECT_EQ(progress.reporting().expected_reporting_year(), 2025);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 2024);
  EXPECT_THAT(progress.reporting().reported_years(), ElementsAre(2024));

  // 2025: up to date. Hand calculation against revision 1:
  //   P(2025) = 2.54 + (2.2 - 2.54) * 5 / 10 = 2.37; A(2025) = 2.45;
  //   dev = (2.45 - 2.37) / 2.37 = 0.0337552742616034: more effort needed.
  MustCreate(kIndiaSteel, 2025, India2025());
  MustPublish(kIndiaSteel2025);
  progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(progress.reporting().expected_reporting_year(), 2025);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 2025);
  EXPECT_THAT(progress.reporting().reported_years(), ElementsAre(2025, 2024));
  EXPECT_EQ(progress.progress_report(), kIndiaSteel2025);
  EXPECT_NEAR(progress.sectors(0).intensity().deviation(), 0.0337552742616034,
              1e-9);
  EXPECT_EQ(progress.status(), itp::v1::MORE_EFFORT_NEEDED);
  // A late 2023 report changes neither the assessment nor the record's
  // latest year.
  MustCreate(kIndiaSteel, 2023, India2023());
  MustPublish(kIndiaSteel2023);
  progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.progress_report(), kIndiaSteel2025);
  EXPECT_THAT(progress.reporting().reported_years(),
              ElementsAre(2025, 2024, 2023));

  // January 2027: 2026 is now expected, and may be reported.
  now_.store(kJanuary2027Micros);
  progress = MustGetProgress(kIndiaSteel);
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::OVERDUE);
  EXPECT_EQ(progress.reporting().expected_reporting_year(), 2026);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 2025);
  // Indonesia's plan, first submitted in March 2026, is not a year old.
  EXPECT_EQ(MustGetProgress(kIndonesiaCement).reporting().state(),
            ReportingRecord::NOT_YET_DUE);

  // January 2028: a plan first submitted in 2026 and never reported on is
  // overdue (its first submission is more than a year old).
  now_.store(kJanuary2028Micros);
  progress = MustGetProgress(kIndonesiaCement);
  EXPECT_EQ(progress.reporting().state(), ReportingRecord::OVERDUE);
  EXPECT_EQ(progress.reporting().expected_reporting_year(), 2027);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 0);
}

TEST_F(ProgressServiceTest, OnlyCompletedYearsMayBeReported) {
  SubmittedIndiaSteel();
  ProgressReport ignored;
  grpc::Status status =
      Create(india_, kIndiaSteel, 2026, India2025(), &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("reporting_year"));
  now_.store(kJanuary2027Micros);
  ProgressReport report = India2025();
  auto* point = report.mutable_sectors(0)->add_points();
  point->set_year(2026);
  point->set_production_mt(171.0);
  point->set_intensity_tco2_per_t(2.43);
  ProgressReport filed = MustCreate(kIndiaSteel, 2026, report);
  EXPECT_EQ(filed.reporting_year(), 2026);
}

TEST_F(ProgressServiceTest,
       ReportWithoutActualsIsNotAssessedButCountsProjects) {
  SubmittedIndiaSteel();
  ProgressReport report;
  auto* update = report.add_project_updates();
  update->set_project_name("Hydrogen DRI demonstration plant");
  update->set_status(ProjectUpdate::CANCELLED);
  update->set_capital_spent_usd(12000000);
  update->set_note("Cancelled after the electrolyser tender failed.");
  report.set_narrative("Production statistics for 2024 are not final yet.");
  MustCreate(kIndiaSteel, 2024, report);
  MustPublish(kIndiaSteel2024);

  PlanProgress progress = MustGetProgress(kIndiaSteel);
  SCOPED_TRACE(progress.DebugString());
  EXPECT_EQ(progress.status(), itp::v1::NOT_ASSESSED);
  ASSERT_EQ(progress.sectors_size(), 1);
  EXPECT_EQ(progress.sectors(0).status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(progress.sectors(0).intensity().status(), itp::v1::NOT_ASSESSED);
  EXPECT_EQ(progress.sectors(0).intensity().message(),
            "The report gives no actuals for IRON_AND_STEEL.");
  EXPECT_FALSE(progress.sectors(0).has_emissions());
  ASSERT_EQ(progress.technologies_size(), 1);
  const itp::v1::TechnologyProgress& dri = progress.technologies(0);
  EXPECT_EQ(dri.projects(), 1);
  EXPECT_EQ(dri.cancelled(), 1);
  EXPECT_EQ(dri.not_yet_due(), 0);
  EXPECT_EQ(dri.not_reported(), 0);
  // A cancelled project is no longer planned capacity or capital.
  EXPECT_DOUBLE_EQ(dri.planned_capacity_mtpa(), 0);
  EXPECT_DOUBLE_EQ(dri.planned_capital_usd(), 0);
  EXPECT_DOUBLE_EQ(dri.capital_spent_usd(), 1.2e7);
  // Reported, though not assessed.
  EXPECT_THAT(ListPlanNames("progress_status = NOT_ASSESSED"),
              ElementsAre(kIndiaSteel));
  EXPECT_THAT(ListPlanNames("progress_status = NOT_REPORTED"), IsEmpty());
}

TEST_F(ProgressServiceTest, ObservedRateStartsFromTheReportedBaseYear) {
  SubmittedIndiaSteel();
  // The report gives 2.56 t CO2/t for the base year 2020 (the plan says
  // 2.54). Hand calculation, y = 2023:
  //   P(2023) = 2.54 + (2.2 - 2.54) * 3 / 10 = 2.438
  //   dev     = (2.49 - 2.438) / 2.438       = 0.0213289581624282
  //   r_obs   = (2.49 / 2.56) ^ (1 / 3) - 1  = -0.0091989444387870
  //   r_req   = (2.2 / 2.49) ^ (1 / 7) - 1   = -0.0175337979016756
  //   dev > 0.02                             -> MORE_EFFORT_NEEDED
  ProgressReport report = India2023();
  itp::v1::PathwayPoint base;
  base.set_year(2020);
  base.set_production_mt(100.3);
  base.set_intensity_tco2_per_t(2.56);
  auto* points = report.mutable_sectors(0)->mutable_points();
  points->Add()->CopyFrom(base);
  std::rotate(points->begin(), points->end() - 1, points->end());
  MustCreate(kIndiaSteel, 2023, report);
  MustPublish(kIndiaSteel2023);

  PlanProgress progress = MustGetProgress(kIndiaSteel);
  SCOPED_TRACE(progress.DebugString());
  const itp::v1::MetricProgress& intensity = progress.sectors(0).intensity();
  EXPECT_EQ(intensity.base_year(), 2020);
  EXPECT_NEAR(intensity.base_value(), 2.56, kEps);
  EXPECT_FALSE(intensity.base_from_plan());
  EXPECT_EQ(intensity.latest_year(), 2023);
  EXPECT_NEAR(intensity.planned(), 2.438, kEps);
  EXPECT_NEAR(intensity.deviation(), 0.0213289581624282, kEps);
  EXPECT_NEAR(intensity.observed_rate(), -0.0091989444387870, kEps);
  EXPECT_NEAR(intensity.required_rate(), -0.0175337979016756, kEps);
  EXPECT_EQ(intensity.status(), itp::v1::MORE_EFFORT_NEEDED);
  EXPECT_EQ(progress.reporting().latest_reporting_year(), 2023);
}

// ---------------------------------------------------------------------------
// 10. Listing: order, paging, filters.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, ListPagesAndFiltersNewestYearFirst) {
  SubmittedIndiaSteel();
  SubmittedIndonesiaCement();
  MustCreate(kIndiaSteel, 2023, India2023());
  MustPublish(kIndiaSteel2023);
  MustCreate(kIndiaSteel, 2024, India2024());
  MustPublish(kIndiaSteel2024);
  MustCreate(kIndiaSteel, 2025, India2025());  // a draft
  MustCreate(kIndonesiaCement, 2025, Indonesia2025());
  MustPublish(kIndonesiaCement2025);

  const std::vector<std::string> all = {
      absl::StrCat(kIndonesiaCement2025, "@1 PUBLISHED"),
      absl::StrCat(kIndiaSteel2025, "@1 DRAFT"),
      absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED"),
      absl::StrCat(kIndiaSteel2023, "@1 PUBLISHED"),
  };
  EXPECT_EQ(Listed(admin_, kAllPlans), all);

  // One at a time.
  std::vector<std::string> paged;
  itp::v1::ListProgressReportsRequest request;
  request.set_parent(kAllPlans);
  request.set_page_size(1);
  for (int page = 0; page < 10; ++page) {
    itp::v1::ListProgressReportsResponse response;
    grpc::Status status = List(admin_, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.progress_reports_size(), 1) << "page " << page;
    paged.push_back(Entry(response.progress_reports(0)));
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(paged, all);

  // Two pages of two over the India plan, with the first page's token.
  itp::v1::ListProgressReportsRequest india;
  india.set_parent(kIndiaSteel);
  india.set_page_size(2);
  itp::v1::ListProgressReportsResponse first;
  ASSERT_TRUE(List(india_, india, &first).ok());
  ASSERT_EQ(first.progress_reports_size(), 2);
  EXPECT_EQ(first.progress_reports(0).name(), kIndiaSteel2025);
  EXPECT_EQ(first.progress_reports(1).name(), kIndiaSteel2024);
  ASSERT_FALSE(first.next_page_token().empty());
  india.set_page_token(first.next_page_token());
  itp::v1::ListProgressReportsResponse second;
  ASSERT_TRUE(List(india_, india, &second).ok());
  ASSERT_EQ(second.progress_reports_size(), 1);
  EXPECT_EQ(second.progress_reports(0).name(), kIndiaSteel2023);
  EXPECT_EQ(second.next_page_token(), "");

  // A token is bound to its query and its caller.
  india.set_filter("state = PUBLISHED");
  itp::v1::ListProgressReportsResponse ignored;
  grpc::Status status = List(india_, india, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  india.clear_filter();
  status = List(admin_, india, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  // Filters.
  EXPECT_THAT(Listed(admin_, kAllPlans, "reporting_year >= 2025"),
              ElementsAre(all[0], all[1]));
  EXPECT_THAT(Listed(admin_, kAllPlans, "state = DRAFT"), ElementsAre(all[1]));
  EXPECT_THAT(Listed(admin_, kAllPlans, "sector = CEMENT"),
              ElementsAre(all[0]));
  EXPECT_THAT(Listed(admin_, kAllPlans,
                     "sector = IRON_AND_STEEL AND reporting_year < 2025"),
              ElementsAre(all[2], all[3]));
  EXPECT_THAT(Listed(admin_, kAllPlans, "country = IDN OR state = DRAFT"),
              ElementsAre(all[0], all[1]));
  EXPECT_THAT(Listed(admin_, kIndiaSteel, "reporting_year = 2024"),
              ElementsAre(all[2]));
  // The India partner sees its own draft, and not Indonesia's unapproved
  // plan.
  EXPECT_THAT(Listed(india_, kAllPlans), ElementsAre(all[1], all[2], all[3]));
  EXPECT_THAT(Listed(reviewer_, kAllPlans),
              ElementsAre(all[0], all[2], all[3]));

  // Bad requests name their field.
  itp::v1::ListProgressReportsRequest bad;
  bad.set_parent(kAllPlans);
  bad.set_filter("state = FINAL");
  status = List(admin_, bad, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
  bad.set_filter("reporting_year >= 1850");
  status = List(admin_, bad, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
  bad.clear_filter();
  bad.set_page_size(-1);
  status = List(admin_, bad, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_size"));
  bad.set_page_size(0);
  bad.set_parent("countries/IND/plans/-");
  status = List(admin_, bad, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("parent"));
}

// ---------------------------------------------------------------------------
// 11. Durability.
// ---------------------------------------------------------------------------

TEST_F(ProgressServiceTest, ReportsSurviveARestart) {
  SubmittedIndiaSteel();
  itp::v1::CreateProgressReportRequest request =
      FromJson<itp::v1::CreateProgressReportRequest>(kIssueRequestJson);
  ProgressReport first;
  ASSERT_TRUE(Create(india_, request, &first).ok());
  const ProgressReport published = MustPublish(kIndiaSteel2024);
  const ProgressReport draft = MustCreate(kIndiaSteel, 2025, India2025());
  const PlanProgress before = MustGetProgress(kIndiaSteel);

  absl::Status restarted = harness_.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;

  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(india_, kIndiaSteel2024), published));
  EXPECT_TRUE(
      MessageDifferencer::Equals(MustGet(india_, kIndiaSteel2025), draft));
  EXPECT_THAT(Listed(india_, kIndiaSteel),
              ElementsAre(absl::StrCat(kIndiaSteel2025, "@1 DRAFT"),
                          absl::StrCat(kIndiaSteel2024, "@1 PUBLISHED")));
  PlanProgress after = MustGetProgress(kIndiaSteel);
  after.clear_assess_time();
  PlanProgress expected = before;
  expected.clear_assess_time();
  EXPECT_TRUE(MessageDifferencer::Equals(after, expected))
      << after.DebugString();
  EXPECT_THAT(ListPlanNames("progress_status = MORE_EFFORT_NEEDED"),
              ElementsAre(kIndiaSteel));

  // The retry of the first request still replays it.
  ProgressReport retried;
  ASSERT_TRUE(Create(india_, request, &retried).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(retried, first));
  // The etag read before the restart still holds.
  ProgressReport patch;
  patch.set_name(kIndiaSteel2025);
  patch.set_etag(draft.etag());
  patch.set_narrative("Output grew 8.6 % in 2025 to 162.4 Mt.");
  ProgressReport updated;
  grpc::Status status = Update(india_, patch, {"narrative"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.sectors_size(), 1);
  ProgressReport final_report;
  status = Publish(india_, kIndiaSteel2025, &final_report, updated.etag());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(MustGetProgress(kIndiaSteel).reporting().state(),
            ReportingRecord::UP_TO_DATE);
}

}  // namespace
}  // namespace itp::service
