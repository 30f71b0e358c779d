// The feeds behind the server streams, read with Next() directly: the plan
// events of WatchPlanEvents and the job results of StreamBenchmarkJobResults.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark_job_service.pb.h"
#include "itp/v1/plan_service.pb.h"
#include "itp/v1/review_service.pb.h"
#include "server/app/feed.h"
#include "server/domain/errors.h"
#include "tests/app/job_run_wait.h"
#include "tests/testing/app_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::app {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::itp::testing::ViolatedFields;
using itp::v1::BenchmarkJobResult;
using itp::v1::BenchmarkJobRun;
using itp::v1::Comment;
using itp::v1::CriterionScore;
using itp::v1::Plan;
using itp::v1::PlanEvent;
using itp::v1::Review;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using EventFeed = Feed<PlanEvent>;
using ResultFeed = Feed<BenchmarkJobResult>;

constexpr char kIntensity2030[] = "sectors[0].points[1].intensity_tco2_per_t";

std::vector<int64_t> IdsOf(const std::vector<PlanEvent>& events) {
  std::vector<int64_t> ids;
  for (const PlanEvent& e : events) ids.push_back(e.id());
  return ids;
}

std::vector<int> IndicesOf(const std::vector<BenchmarkJobResult>& results) {
  std::vector<int> indices;
  for (const BenchmarkJobResult& r : results) indices.push_back(r.index());
  return indices;
}

// A reviewer's scores of revision 1 of the India steel plan (10/32).
std::vector<CriterionScore> FirstRevisionScores() {
  auto score = [](const char* id, int value, const char* evidence) {
    CriterionScore s;
    s.set_criterion_id(id);
    s.set_score(value);
    s.set_evidence(evidence);
    return s;
  };
  return {
      score("ambition", 2,
            "Net zero by 2070, 2.54 t CO2/t in 2020 to 0.1 in 2070; later "
            "than 1.5 C-aligned steel pathways."),
      score("interim_targets", 1, "Points for 2030 and 2050 only."),
      score("coverage", 2, "Iron and steel only, scope boundary not stated."),
      score("implementation", 2,
            "One 0.5 Mtpa hydrogen DRI demonstration plant from 2027."),
      score("policy_instruments", 1, "No carbon pricing or procurement."),
      score("finance", 1, "Capex of the demonstration plant only."),
      score("governance", 1, "No lead institution or MRV arrangements."),
      score("engagement", 0, "No engagement of workers or communities."),
  };
}

class FeedsTest : public ::itp::testing::AppTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AppTest::SetUp());
    reviewer_ = harness_.CreateReviewer();
    runner_ = harness_.CreateRunner();
  }

  Comment CommentOn(const Key& who, const std::string& review,
                    const std::string& anchor, const std::string& body,
                    const std::string& reply_to = "") {
    itp::v1::CreateCommentRequest request;
    request.set_parent(review);
    request.mutable_comment()->set_anchor(anchor);
    request.mutable_comment()->set_body(body);
    request.mutable_comment()->set_reply_to(reply_to);
    auto comment = app().reviews().CreateComment(who.caller, request);
    EXPECT_TRUE(comment.ok()) << comment.status();
    return comment.value_or(Comment());
  }

  // The first review of the India steel plan, with a Brazil plan submitted
  // in between. Events, in order:
  //   1 IND DRAFT -> SUBMITTED          5 IND IN_REVIEW -> CHANGES_REQUESTED
  //   2 BRA DRAFT -> SUBMITTED          6 IND review completed
  //   3 IND SUBMITTED -> IN_REVIEW      7 IND partner's reply (completed)
  //   4 IND comment on the open review
  void RunFirstReview() {
    auto india = CreateIndiaSteel();
    ASSERT_TRUE(india.ok()) << india.status();
    MustSubmit(india_, kIndiaSteel);
    Plan brazil = ::itp::testing::SteelPlan("BRA", 1.8);
    brazil.set_display_name("Brazil low-carbon steel plan to 2050");
    MustCreate(brazil_, "BRA", "steel-2050", brazil);
    MustSubmit(brazil_, kBrazilSteel);

    itp::v1::StartReviewRequest start;
    start.set_parent(kIndiaSteel);
    auto review = app().reviews().StartReview(reviewer_.caller, start);
    ASSERT_TRUE(review.ok()) << review.status();
    review_ = *review;
    comment_ = CommentOn(
        reviewer_, review_.name(), kIntensity2030,
        "2.2 t CO2/t in 2030 is above every TPI steel pathway. What would it "
        "take to reach 1.9?");

    itp::v1::ScoreReviewRequest score;
    score.set_name(review_.name());
    for (const CriterionScore& s : FirstRevisionScores()) {
      *score.add_scores() = s;
    }
    auto scored = app().reviews().ScoreReview(reviewer_.caller, score);
    ASSERT_TRUE(scored.ok()) << scored.status();

    itp::v1::CompleteReviewRequest complete;
    complete.set_name(review_.name());
    complete.set_decision(Review::REQUEST_CHANGES);
    complete.set_summary(
        "Add interim milestones and a credible 2030 intensity; see the "
        "comment on the 2030 point.");
    auto completed = app().reviews().CompleteReview(reviewer_.caller, complete);
    ASSERT_TRUE(completed.ok()) << completed.status();

    reply_ = CommentOn(india_, review_.name(), "",
                       "The 2030 figure follows the National Steel Policy; "
                       "revision 2 will lower it to 1.9 t CO2/t.",
                       comment_.name());
  }

  absl::StatusOr<std::unique_ptr<EventFeed>> Watch(const Caller& caller,
                                                   const std::string& parent,
                                                   int64_t after = 0) {
    itp::v1::WatchPlanEventsRequest request;
    request.set_parent(parent);
    request.set_after_event_id(after);
    return app().reviews().WatchPlanEvents(caller, request);
  }

  // One Next() of `feed`, which must not finish (event feeds never do).
  std::vector<PlanEvent> NextEvents(EventFeed& feed) {
    auto batch = feed.Next();
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) return {};
    EXPECT_FALSE(batch->finished);
    return batch->items;
  }

  // The India partner's five events of RunFirstReview.
  void ExpectIndiaPartnerEvents(const std::vector<PlanEvent>& events) {
    ASSERT_EQ(events.size(), 5u);
    const std::vector<int64_t> ids = IdsOf(events);
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    for (const PlanEvent& e : events) EXPECT_EQ(e.plan(), kIndiaSteel);
    EXPECT_EQ(events[0].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(events[0].from_state(), Plan::DRAFT);
    EXPECT_EQ(events[0].to_state(), Plan::SUBMITTED);
    EXPECT_EQ(events[1].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(events[1].to_state(), Plan::IN_REVIEW);
    EXPECT_EQ(events[1].review(), review_.name());
    EXPECT_EQ(events[2].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(events[2].from_state(), Plan::IN_REVIEW);
    EXPECT_EQ(events[2].to_state(), Plan::CHANGES_REQUESTED);
    EXPECT_EQ(events[3].type(), PlanEvent::REVIEW_COMPLETED);
    EXPECT_EQ(events[3].review(), review_.name());
    EXPECT_EQ(events[3].decision(), Review::REQUEST_CHANGES);
    EXPECT_EQ(events[4].type(), PlanEvent::COMMENT_ADDED);
    EXPECT_EQ(events[4].comment(), reply_.name());
  }

  Key reviewer_;
  Key runner_;
  Review review_;
  Comment comment_;
  Comment reply_;
};

// ---------------------------------------------------------------------------
// WatchPlanEvents
// ---------------------------------------------------------------------------

TEST_F(FeedsTest, PartnerFeedHasItsCountrysEventsInOrderWithoutOpenComments) {
  RunFirstReview();
  auto feed = Watch(india_.caller, "countries/IND");
  ASSERT_TRUE(feed.ok()) << feed.status();
  ExpectIndiaPartnerEvents(NextEvents(**feed));
  // Nothing new: an empty batch, and the feed goes on.
  EXPECT_THAT(NextEvents(**feed), IsEmpty());
}

TEST_F(FeedsTest, PartnerWatchOfAllCountriesStillSeesOnlyItsOwnCountry) {
  RunFirstReview();
  auto feed = Watch(india_.caller, "countries/-");
  ASSERT_TRUE(feed.ok()) << feed.status();
  ExpectIndiaPartnerEvents(NextEvents(**feed));

  auto brazil = Watch(brazil_.caller, "countries/-");
  ASSERT_TRUE(brazil.ok()) << brazil.status();
  std::vector<PlanEvent> events = NextEvents(**brazil);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].plan(), kBrazilSteel);
  EXPECT_EQ(events[0].to_state(), Plan::SUBMITTED);
}

TEST_F(FeedsTest, ReviewerFeedHasEveryEventIncludingOpenReviewComments) {
  RunFirstReview();
  auto feed = Watch(reviewer_.caller, "countries/-");
  ASSERT_TRUE(feed.ok()) << feed.status();
  std::vector<PlanEvent> events = NextEvents(**feed);
  ASSERT_EQ(events.size(), 7u);
  const std::vector<int64_t> ids = IdsOf(events);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(events[0].plan(), kIndiaSteel);
  EXPECT_EQ(events[1].plan(), kBrazilSteel);
  EXPECT_EQ(events[1].to_state(), Plan::SUBMITTED);
  EXPECT_EQ(events[2].to_state(), Plan::IN_REVIEW);
  EXPECT_EQ(events[3].type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(events[3].comment(), comment_.name());
  EXPECT_EQ(events[4].to_state(), Plan::CHANGES_REQUESTED);
  EXPECT_EQ(events[5].type(), PlanEvent::REVIEW_COMPLETED);
  EXPECT_EQ(events[6].comment(), reply_.name());

  // A reviewer's watch of one country: that country only, comments included.
  auto india = Watch(reviewer_.caller, "countries/IND");
  ASSERT_TRUE(india.ok()) << india.status();
  std::vector<PlanEvent> of_india = NextEvents(**india);
  ASSERT_EQ(of_india.size(), 6u);
  for (const PlanEvent& e : of_india) EXPECT_EQ(e.plan(), kIndiaSteel);
}

// A runner reads plans but no review (GetReview denies it): it is told of
// state changes, not of the review's decision and summary, nor comments.
TEST_F(FeedsTest, BenchmarkRunnerFeedHasStateChangesOnly) {
  RunFirstReview();
  auto feed = Watch(runner_.caller, "countries/-");
  ASSERT_TRUE(feed.ok()) << feed.status();
  std::vector<PlanEvent> events = NextEvents(**feed);
  ASSERT_EQ(events.size(), 4u);
  for (const PlanEvent& e : events) {
    EXPECT_EQ(e.type(), PlanEvent::STATE_CHANGED) << e.DebugString();
  }
  // What GetReview tells it of the same review.
  auto events_of_reviewer = Watch(reviewer_.caller, "countries/-");
  ASSERT_TRUE(events_of_reviewer.ok());
  std::string review;
  for (const PlanEvent& e : NextEvents(**events_of_reviewer)) {
    if (e.type() == PlanEvent::REVIEW_COMPLETED) review = e.review();
  }
  ASSERT_FALSE(review.empty());
  itp::v1::GetReviewRequest get;
  get.set_name(review);
  EXPECT_EQ(harness_.app().reviews().GetReview(runner_.caller, get)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(FeedsTest, FeedStartsAfterAfterEventIdAndPicksUpNewEvents) {
  RunFirstReview();
  auto all_feed = Watch(india_.caller, "countries/IND");
  ASSERT_TRUE(all_feed.ok()) << all_feed.status();
  std::vector<PlanEvent> all = NextEvents(**all_feed);
  ASSERT_EQ(all.size(), 5u);

  // After the second event (review started): the third on, identical.
  auto resumed = Watch(india_.caller, "countries/IND", all[1].id());
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  std::vector<PlanEvent> later = NextEvents(**resumed);
  ASSERT_EQ(later.size(), 3u);
  for (size_t i = 0; i < later.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(later[i], all[i + 2]))
        << later[i].DebugString();
  }

  // After the last one: nothing, until the ministry resubmits.
  auto tail = Watch(india_.caller, "countries/IND", all.back().id());
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_THAT(NextEvents(**tail), IsEmpty());
  auto edited = ::itp::testing::EditIndia2030Intensity(harness_, india_.caller);
  ASSERT_TRUE(edited.ok()) << edited.status();
  MustSubmit(india_, kIndiaSteel);

  for (EventFeed* feed : {all_feed->get(), resumed->get(), tail->get()}) {
    std::vector<PlanEvent> next = NextEvents(*feed);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_GT(next[0].id(), all.back().id());
    EXPECT_EQ(next[0].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(next[0].from_state(), Plan::CHANGES_REQUESTED);
    EXPECT_EQ(next[0].to_state(), Plan::SUBMITTED);
  }
}

TEST_F(FeedsTest, PartnerWatchOfAnotherCountryIsPermissionDenied) {
  RunFirstReview();
  auto feed = Watch(india_.caller, "countries/BRA");
  EXPECT_EQ(feed.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(domain::ErrorReasonOf(feed.status()), "PERMISSION_DENIED");
  // Denied before the request's other fields are looked at.
  EXPECT_EQ(Watch(india_.caller, "countries/BRA", -1).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(FeedsTest, NegativeAfterEventIdIsInvalidArgumentNamingTheField) {
  auto feed = Watch(india_.caller, "countries/IND", -1);
  EXPECT_EQ(feed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(feed.status()), ElementsAre("after_event_id"));
}

TEST_F(FeedsTest, WatchWithoutKeyIsUnauthenticated) {
  auto feed = Watch(harness_.NoKey(), "countries/IND");
  EXPECT_EQ(feed.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(domain::ErrorReasonOf(feed.status()), "UNAUTHENTICATED");
}

TEST_F(FeedsTest, MoreThanAFullBatchOfHiddenEventsIsSkippedInOneNext) {
  auto india = Watch(india_.caller, "countries/IND");
  ASSERT_TRUE(india.ok()) << india.status();

  // 120 Brazil events (60 scenario plans submitted, then withdrawn), more
  // than the 100 events the feed reads at a time, all hidden from India.
  constexpr int kPlans = 60;
  for (int i = 1; i <= kPlans; ++i) {
    const std::string id = absl::StrFormat("steel-scenario-%02d", i);
    Plan plan = ::itp::testing::SteelPlan("BRA", 1.6 + 0.01 * i);
    plan.set_display_name(absl::StrCat("Brazil steel scenario ", i));
    MustCreate(brazil_, "BRA", id, plan);
    const std::string name = absl::StrCat("countries/BRA/plans/", id);
    MustSubmit(brazil_, name);
    auto withdrawn = Withdraw(brazil_.caller, name, "",
                              "Superseded by the consolidated steel plan.");
    EXPECT_TRUE(withdrawn.ok()) << withdrawn.status();
  }
  auto after_hidden = Watch(india_.caller, "countries/IND");
  ASSERT_TRUE(after_hidden.ok()) << after_hidden.status();
  EXPECT_THAT(NextEvents(**after_hidden), IsEmpty());

  // Then one event India may see: one Next returns it.
  auto created = CreateIndiaSteel();
  ASSERT_TRUE(created.ok()) << created.status();
  MustSubmit(india_, kIndiaSteel);
  for (EventFeed* feed : {india->get(), after_hidden->get()}) {
    std::vector<PlanEvent> events = NextEvents(*feed);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].plan(), kIndiaSteel);
    EXPECT_EQ(events[0].to_state(), Plan::SUBMITTED);
    EXPECT_EQ(events[0].id(), 2 * kPlans + 1);
  }

  // The reviewer sees all of them, 100 at a time at most per Next.
  auto reviewer = Watch(reviewer_.caller, "countries/-");
  ASSERT_TRUE(reviewer.ok()) << reviewer.status();
  size_t seen = 0;
  for (int reads = 0; reads < 10; ++reads) {
    std::vector<PlanEvent> events = NextEvents(**reviewer);
    if (events.empty()) break;
    seen += events.size();
  }
  EXPECT_EQ(seen, 2u * kPlans + 1);
}

// ---------------------------------------------------------------------------
// StreamBenchmarkJobResults
// ---------------------------------------------------------------------------

class JobResultFeedTest : public FeedsTest {
 protected:
  absl::StatusOr<std::unique_ptr<ResultFeed>> Stream(const std::string& run,
                                                     int start_index) {
    itp::v1::StreamBenchmarkJobResultsRequest request;
    request.set_name(run);
    request.set_start_index(start_index);
    return app().jobs().StreamBenchmarkJobResults(runner_.caller, request);
  }

  // India steel, Indonesia cement and South Africa steel, submitted by
  // their ministries.
  void SubmitThreePlans() {
    Key indonesia = harness_.CreatePartner("IDN");
    Key south_africa = harness_.CreatePartner("ZAF");
    auto india = CreateIndiaSteel();
    ASSERT_TRUE(india.ok()) << india.status();
    MustSubmit(india_, kIndiaSteel);
    MustCreate(indonesia, "IDN", "cement-2060",
               ::itp::testing::IndonesiaCementPlan());
    MustSubmit(indonesia, "countries/IDN/plans/cement-2060");
    MustCreate(south_africa, "ZAF", "steel-2050",
               ::itp::testing::SteelPlan("ZAF", 2.3));
    MustSubmit(south_africa, "countries/ZAF/plans/steel-2050");
  }
};

TEST_F(JobResultFeedTest, NextReturnsTheResultsFromStartIndexInOrder) {
  SubmitThreePlans();
  BenchmarkJobRun run =
      ::itp::testing::RunJobToTheEnd(app(), runner_.caller, "nightly-all");
  ASSERT_EQ(run.state(), BenchmarkJobRun::SUCCEEDED) << run.reason();
  ASSERT_EQ(run.total_plans(), 3);

  auto from_start = Stream(run.name(), 0);
  ASSERT_TRUE(from_start.ok()) << from_start.status();
  auto batch = (*from_start)->Next();
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_TRUE(batch->finished);
  EXPECT_THAT(IndicesOf(batch->items), ElementsAre(0, 1, 2));
  // Plans in name order, each with its report.
  ASSERT_EQ(batch->items.size(), 3u);
  EXPECT_EQ(batch->items[0].plan(), "countries/IDN/plans/cement-2060");
  EXPECT_EQ(batch->items[1].plan(), kIndiaSteel);
  EXPECT_EQ(batch->items[2].plan(), "countries/ZAF/plans/steel-2050");
  for (const BenchmarkJobResult& r : batch->items) {
    EXPECT_EQ(r.error(), "") << r.plan();
    EXPECT_EQ(r.plan_revision(), absl::StrCat(r.plan(), "/revisions/1"));
    EXPECT_THAT(r.report(), ::testing::StartsWith(
                                absl::StrCat(r.plan(), "/benchmarkReports/")));
  }

  auto from_two = Stream(run.name(), 2);
  ASSERT_TRUE(from_two.ok()) << from_two.status();
  auto tail = (*from_two)->Next();
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_TRUE(tail->finished);
  ASSERT_EQ(tail->items.size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(tail->items[0], batch->items[2]));

  auto past_the_end = Stream(run.name(), 3);
  ASSERT_TRUE(past_the_end.ok()) << past_the_end.status();
  auto none = (*past_the_end)->Next();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->finished);
  EXPECT_THAT(none->items, IsEmpty());
}

TEST_F(JobResultFeedTest, NegativeStartIndexIsInvalidArgumentNamingTheField) {
  SubmitThreePlans();
  BenchmarkJobRun run =
      ::itp::testing::RunJobToTheEnd(app(), runner_.caller, "nightly-all");
  auto feed = Stream(run.name(), -1);
  EXPECT_EQ(feed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(feed.status()), ElementsAre("start_index"));
}

TEST_F(JobResultFeedTest, FeedIsNotFinishedUntilTheRunHasFinished) {
  SubmitThreePlans();
  // No job workers: the run stays PENDING until it is cancelled.
  app().StopJobs();
  BenchmarkJobRun run =
      ::itp::testing::StartJobRun(app(), runner_.caller, "nightly-all");
  ASSERT_EQ(run.state(), BenchmarkJobRun::PENDING);
  auto feed = Stream(run.name(), 0);
  ASSERT_TRUE(feed.ok()) << feed.status();
  auto pending = (*feed)->Next();
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_FALSE(pending->finished);
  EXPECT_THAT(pending->items, IsEmpty());

  itp::v1::CancelBenchmarkJobRequest cancel;
  cancel.set_name("benchmarkJobs/nightly-all");
  auto cancelled = app().jobs().CancelBenchmarkJob(runner_.caller, cancel);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), BenchmarkJobRun::CANCELLED);
  auto after = (*feed)->Next();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->finished);
  EXPECT_THAT(after->items, IsEmpty());
}

TEST_F(JobResultFeedTest, FeedFinishesOnlyOnceEveryResultHasBeenRead) {
  // 101 submitted India plans: more results than one Next returns (100).
  constexpr int kPlans = 101;
  for (int i = 1; i <= kPlans; ++i) {
    harness_.MakePlan("IND", absl::StrFormat("steel-plant-%03d", i),
                      Plan::SUBMITTED);
  }
  BenchmarkJobRun run =
      ::itp::testing::RunJobToTheEnd(app(), runner_.caller, "nightly-all");
  ASSERT_EQ(run.state(), BenchmarkJobRun::SUCCEEDED) << run.reason();
  ASSERT_EQ(run.total_plans(), kPlans);

  auto feed = Stream(run.name(), 0);
  ASSERT_TRUE(feed.ok()) << feed.status();
  auto first = (*feed)->Next();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->items.size(), 100u);
  EXPECT_EQ(first->items.front().index(), 0);
  EXPECT_EQ(first->items.back().index(), 99);
  EXPECT_FALSE(first->finished) << "one result is still unread";

  auto second = (*feed)->Next();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(IndicesOf(second->items), ElementsAre(100));
  EXPECT_TRUE(second->finished);
}

}  // namespace
}  // namespace itp::app
