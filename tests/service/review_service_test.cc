// End-to-end tests of ReviewService: the real server library on a real
// loopback channel and a real SQLite file, driven by the keys of the people
// of the review workflow (an India partner, a Brazil partner, a secretariat
// reviewer and the bootstrap admin). Expectations follow the workflow rules:
//
//   StartReview   REVIEWER/ADMIN take a SUBMITTED plan into IN_REVIEW; one
//                 open review per plan; reviewers cannot see drafts.
//   ScoreReview   eight rubric criteria, 0-4 with evidence; etag-protected.
//   CreateComment anchored to a field path of the reviewed revision, or
//                 general; replies; resolved/unresolved.
//   CompleteReview APPROVE / REQUEST_CHANGES / REJECT move the plan; every
//                 criterion scored; REQUEST_CHANGES needs an unresolved
//                 comment; retry-safe with request_id; audited.
//   Partners read completed reviews of their own plans; open ones are
//   PERMISSION_DENIED. WatchPlanEvents streams a country's events in order
//   and resumes after an event id.

#include "server/service/review_service.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"  // Timestamp comparisons
#include "gtest/gtest.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/progress_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using grpc::StatusCode;
using ::itp::testing::ErrorReason;
using ::itp::testing::ServerHarness;
using ::itp::testing::ViolatedFields;
using itp::v1::Comment;
using itp::v1::CriterionScore;
using itp::v1::FieldChange;
using itp::v1::Plan;
using itp::v1::PlanEvent;
using itp::v1::Review;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIntensity2030[] = "sectors[0].points[1].intensity_tco2_per_t";
constexpr char kBenchmarkComment[] =
    "2.2 t CO2/t in 2030 is above the 1.5 C benchmark of 1.129";
constexpr char kRubric[] = "rubrics/leadit-2026-v1";

const std::vector<std::string> kCriteria = {
    "ambition",           "interim_targets", "coverage",   "implementation",
    "policy_instruments", "finance",         "governance", "engagement"};

// 2026-03-02T09:00:00Z, the start of the injected clock.
constexpr int64_t kStartMicros = 1772442000LL * 1000000;

CriterionScore Score(const std::string& criterion, int score,
                     const std::string& evidence) {
  CriterionScore s;
  s.set_criterion_id(criterion);
  s.set_score(score);
  s.set_evidence(evidence);
  return s;
}

// A reviewer's scores of the first revision of the India steel plan (10/32).
std::vector<CriterionScore> FirstRevisionScores() {
  return {
      Score("ambition", 2,
            "Net zero by 2070 for crude steel, 2.54 t CO2/t in 2020 to 0.1 in "
            "2070; later than 1.5 C-aligned steel pathways."),
      Score("interim_targets", 1,
            "Pathway points for 2030 and 2050 only; no 2025 or 2035 "
            "milestone."),
      Score("coverage", 2,
            "Iron and steel only; scope boundary and gases not stated."),
      Score("implementation", 2,
            "A 0.5 Mtpa hydrogen DRI demonstration plant (USD 600 million, "
            "from 2027); no roadmap for the rest of 450 Mt in 2070."),
      Score("policy_instruments", 1,
            "No carbon pricing, product standards or green public "
            "procurement named."),
      Score("finance", 1,
            "Capex of the demonstration plant only; no costed needs or "
            "sources."),
      Score("governance", 1,
            "No lead institution, MRV arrangements or reporting cadence."),
      Score("engagement", 0,
            "No engagement of industry, workers or communities described."),
  };
}

// The scores of the second revision, whose 2030 intensity is 1.9 (12/32).
std::vector<CriterionScore> SecondRevisionScores() {
  std::vector<CriterionScore> scores = FirstRevisionScores();
  scores[0] = Score("ambition", 3,
                    "2030 intensity lowered to 1.9 t CO2/t, closer to the "
                    "1.5 C benchmark of 1.129; net zero by 2070.");
  scores[1] = Score("interim_targets", 2,
                    "The 2030 milestone is now credible; 2025 and 2035 "
                    "milestones still missing.");
  return scores;
}

// A caller: the secret sent as bearer token and the key's resource name.
using Key = ServerHarness::Key;

class ReviewServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
    absl::StatusOr<Key> admin = harness_.AdminKey();
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = *admin;
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India - plan upload");
    brazil_ = harness_.CreateKey(
        itp::v1::PARTNER, {"BRA"},
        "Ministry of Development, Industry and Trade, Brazil");
    reviewer_ = harness_.CreateKey(itp::v1::REVIEWER, {},
                                   "LeadIT secretariat reviewer");
    indonesia_ =
        harness_.CreateKey(itp::v1::PARTNER, {"IDN"},
                           "Ministry of Industry, Republic of Indonesia");
  }

  // ---- PlanService ----

  grpc::Status CreatePlan(const Key& who, const std::string& country,
                          const std::string& plan_id, const Plan& content,
                          Plan* plan) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::CreatePlanRequest request;
    request.set_parent(absl::StrCat("countries/", country));
    request.set_plan_id(plan_id);
    *request.mutable_plan() = content;
    return harness_.plans().CreatePlan(&context, request, plan);
  }

  grpc::Status GetPlan(const Key& who, const std::string& name, Plan* plan) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::GetPlanRequest request;
    request.set_name(name);
    return harness_.plans().GetPlan(&context, request, plan);
  }

  Plan MustGetPlan(const std::string& name) {
    Plan plan;
    grpc::Status status = GetPlan(admin_, name, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  grpc::Status UpdatePlan(const Key& who, const Plan& plan,
                          const std::string& path, Plan* result) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::UpdatePlanRequest request;
    *request.mutable_plan() = plan;
    request.mutable_update_mask()->add_paths(path);
    return harness_.plans().UpdatePlan(&context, request, result);
  }

  grpc::Status SubmitPlan(const Key& who, const std::string& name, Plan* plan) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::SubmitPlanRequest request;
    request.set_name(name);
    return harness_.plans().SubmitPlan(&context, request, plan);
  }

  // The India steel plan of the issue, created and submitted by the India
  // partner (revision 1).
  Plan SubmittedIndiaSteel() {
    Plan plan;
    grpc::Status status = CreatePlan(india_, "IND", "steel-2070",
                                     testing::IndiaSteelPlan(), &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = SubmitPlan(india_, kIndiaSteel, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(plan.state(), Plan::SUBMITTED);
    EXPECT_EQ(plan.revision(), 1);
    return plan;
  }

  // ---- ReviewService ----

  grpc::Status StartReview(const Key& who, const std::string& plan,
                           Review* review, const std::string& etag = "",
                           const std::string& request_id = "") {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::StartReviewRequest request;
    request.set_parent(plan);
    request.set_etag(etag);
    request.set_request_id(request_id);
    return harness_.reviews().StartReview(&context, request, review);
  }

  Review MustStartReview(const std::string& plan) {
    Review review;
    grpc::Status status = StartReview(reviewer_, plan, &review);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return review;
  }

  grpc::Status GetReview(const Key& who, const std::string& name,
                         Review* review) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::GetReviewRequest request;
    request.set_name(name);
    return harness_.reviews().GetReview(&context, request, review);
  }

  Review MustGetReview(const std::string& name) {
    Review review;
    grpc::Status status = GetReview(reviewer_, name, &review);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return review;
  }

  grpc::Status ListReviews(const Key& who, const std::string& parent,
                           itp::v1::ListReviewsResponse* response) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::ListReviewsRequest request;
    request.set_parent(parent);
    return harness_.reviews().ListReviews(&context, request, response);
  }

  grpc::Status ScoreReview(const Key& who, const std::string& name,
                           const std::vector<CriterionScore>& scores,
                           Review* review, const std::string& etag = "",
                           const std::string& request_id = "") {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::ScoreReviewRequest request;
    request.set_name(name);
    for (const auto& s : scores) *request.add_scores() = s;
    request.set_etag(etag);
    request.set_request_id(request_id);
    return harness_.reviews().ScoreReview(&context, request, review);
  }

  Review MustScore(const std::string& name,
                   const std::vector<CriterionScore>& scores) {
    Review review;
    grpc::Status status = ScoreReview(reviewer_, name, scores, &review);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return review;
  }

  grpc::Status CompleteReview(const Key& who, const std::string& name,
                              Review::Decision decision,
                              const std::string& summary, Review* review,
                              const std::string& etag = "",
                              const std::string& request_id = "") {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::CompleteReviewRequest request;
    request.set_name(name);
    request.set_decision(decision);
    request.set_summary(summary);
    request.set_etag(etag);
    request.set_request_id(request_id);
    return harness_.reviews().CompleteReview(&context, request, review);
  }

  grpc::Status CreateComment(const Key& who, const std::string& review,
                             const std::string& anchor, const std::string& body,
                             Comment* comment,
                             const std::string& reply_to = "",
                             const std::string& request_id = "") {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::CreateCommentRequest request;
    request.set_parent(review);
    request.mutable_comment()->set_anchor(anchor);
    request.mutable_comment()->set_body(body);
    request.mutable_comment()->set_reply_to(reply_to);
    request.set_request_id(request_id);
    return harness_.reviews().CreateComment(&context, request, comment);
  }

  grpc::Status GetComment(const Key& who, const std::string& name,
                          Comment* comment) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::GetCommentRequest request;
    request.set_name(name);
    return harness_.reviews().GetComment(&context, request, comment);
  }

  Comment MustComment(const Key& who, const std::string& review,
                      const std::string& anchor, const std::string& body,
                      const std::string& reply_to = "") {
    Comment comment;
    grpc::Status status =
        CreateComment(who, review, anchor, body, &comment, reply_to);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return comment;
  }

  grpc::Status ListComments(const Key& who, const std::string& review,
                            itp::v1::ListCommentsResponse* response) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::ListCommentsRequest request;
    request.set_parent(review);
    return harness_.reviews().ListComments(&context, request, response);
  }

  grpc::Status ResolveComment(const Key& who, const std::string& name,
                              bool resolved, Comment* comment) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::ResolveCommentRequest request;
    request.set_name(name);
    request.set_resolved(resolved);
    return harness_.reviews().ResolveComment(&context, request, comment);
  }

  grpc::Status ComparePlanRevisions(
      const Key& who, const std::string& plan, int from, int to,
      itp::v1::ComparePlanRevisionsResponse* response) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, who);
    itp::v1::ComparePlanRevisionsRequest request;
    request.set_plan(plan);
    request.set_from_revision(from);
    request.set_to_revision(to);
    return harness_.reviews().ComparePlanRevisions(&context, request, response);
  }

  // Audit events matching `filter`, newest first.
  std::vector<itp::v1::AuditEvent> Audit(const std::string& filter) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, admin_);
    itp::v1::ListAuditEventsRequest request;
    request.set_filter(filter);
    request.set_page_size(1000);
    itp::v1::ListAuditEventsResponse response;
    grpc::Status status =
        harness_.admin().ListAuditEvents(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.audit_events().begin(), response.audit_events().end()};
  }

  // An open WatchPlanEvents stream. Reads wait at most until the stream's
  // deadline; the destructor cancels the stream.
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
      if (!finished_) Cancel();
    }

    // The next `count` events, fewer if the stream ends (or its deadline
    // passes) first.
    std::vector<PlanEvent> Next(int count) {
      std::vector<PlanEvent> events;
      PlanEvent event;
      while (static_cast<int>(events.size()) < count && reader_->Read(&event)) {
        events.push_back(event);
      }
      return events;
    }

    // Cancels the stream and returns its final status.
    grpc::Status Cancel() {
      context_.TryCancel();
      return Finish();
    }

    // The final status of a stream that ended.
    grpc::Status Finish() {
      finished_ = true;
      return reader_->Finish();
    }

   private:
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReader<PlanEvent>> reader_;
    bool finished_ = false;
  };

  std::unique_ptr<Watch> WatchEvents(const Key& who, const std::string& parent,
                                     int64_t after_event_id = 0) {
    return std::make_unique<Watch>(harness_.reviews(), who, parent,
                                   after_event_id);
  }

  // The first half of the journey on the India plan, with an Indonesia
  // cement plan submitted in between: submit, start review, comment (on
  // the open review), score, request changes, partner reply.
  void RunFirstReview() {
    SubmittedIndiaSteel();
    Plan cement;
    ASSERT_TRUE(CreatePlan(indonesia_, "IDN", "cement-2060",
                           testing::IndonesiaCementPlan(), &cement)
                    .ok());
    ASSERT_TRUE(SubmitPlan(indonesia_, cement.name(), &cement).ok());
    review_ = MustStartReview(kIndiaSteel);
    comment_ = MustComment(reviewer_, review_.name(), kIntensity2030,
                           kBenchmarkComment);
    MustScore(review_.name(), FirstRevisionScores());
    Review decided;
    ASSERT_TRUE(CompleteReview(reviewer_, review_.name(),
                               Review::REQUEST_CHANGES,
                               "Lower the 2030 intensity.", &decided)
                    .ok());
    reply_ = MustComment(india_, review_.name(), "",
                         "Revision 2 will lower it to 1.9 t CO2/t.",
                         comment_.name());
  }

  // Checks the five events the India partner sees of RunFirstReview.
  void ExpectPartnerEvents(const std::vector<PlanEvent>& events) {
    ASSERT_EQ(events.size(), 5u);
    for (const PlanEvent& e : events) EXPECT_EQ(e.plan(), kIndiaSteel);
    for (size_t i = 1; i < events.size(); ++i) {
      EXPECT_GT(events[i].id(), events[i - 1].id());
      EXPECT_GE(events[i].time(), events[i - 1].time());
    }
    EXPECT_EQ(events[0].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(events[0].from_state(), Plan::DRAFT);
    EXPECT_EQ(events[0].to_state(), Plan::SUBMITTED);

    EXPECT_EQ(events[1].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(events[1].from_state(), Plan::SUBMITTED);
    EXPECT_EQ(events[1].to_state(), Plan::IN_REVIEW);
    EXPECT_EQ(events[1].review(), review_.name());

    EXPECT_EQ(events[2].type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(events[2].from_state(), Plan::IN_REVIEW);
    EXPECT_EQ(events[2].to_state(), Plan::CHANGES_REQUESTED);
    EXPECT_EQ(events[2].review(), review_.name());

    EXPECT_EQ(events[3].type(), PlanEvent::REVIEW_COMPLETED);
    EXPECT_EQ(events[3].review(), review_.name());
    EXPECT_EQ(events[3].decision(), Review::REQUEST_CHANGES);
    EXPECT_EQ(events[3].to_state(), Plan::CHANGES_REQUESTED);
    EXPECT_THAT(events[3].summary(),
                HasSubstr("Review completed: REQUEST_CHANGES"));

    // The reviewer's comment on the open review is not shown to partners;
    // the partner's reply on the completed review is.
    EXPECT_EQ(events[4].type(), PlanEvent::COMMENT_ADDED);
    EXPECT_EQ(events[4].review(), review_.name());
    EXPECT_EQ(events[4].comment(), reply_.name());
  }

  Review review_;
  Comment comment_;
  Comment reply_;

  std::atomic<int64_t> now_{kStartMicros};
  // Every reading of the clock is one second later than the one before.
  ServerHarness harness_{[this] { return now_.fetch_add(1000000); }};
  Key admin_;
  Key india_;
  Key brazil_;
  Key reviewer_;
  Key indonesia_;
};

// ---------------------------------------------------------------------------
// 1. The whole journey.
// ---------------------------------------------------------------------------

TEST_F(ReviewServiceTest,
       ReviewJourneyFromSubmissionThroughChangesRequestedToApproval) {
  // The India partner creates and submits the steel plan of the issue.
  Plan created;
  ASSERT_TRUE(CreatePlan(india_, "IND", "steel-2070", testing::IndiaSteelPlan(),
                         &created)
                  .ok());
  Plan submitted;
  ASSERT_TRUE(SubmitPlan(india_, kIndiaSteel, &submitted).ok());
  ASSERT_EQ(submitted.state(), Plan::SUBMITTED);
  ASSERT_EQ(submitted.revision(), 1);

  // The reviewer looks at the rubric and takes the plan into review.
  {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, reviewer_);
    itp::v1::Rubric rubric;
    ASSERT_TRUE(harness_.reviews().GetRubric(&context, {}, &rubric).ok());
    EXPECT_EQ(rubric.name(), kRubric);
    EXPECT_EQ(rubric.max_score(), 4);
    std::vector<std::string> ids;
    for (const auto& c : rubric.criteria()) ids.push_back(c.id());
    EXPECT_EQ(ids, kCriteria);
  }
  Review review;
  ASSERT_TRUE(StartReview(reviewer_, kIndiaSteel, &review).ok());
  EXPECT_THAT(review.name(),
              StartsWith(absl::StrCat(kIndiaSteel, "/reviews/")));
  EXPECT_EQ(review.plan_revision(), absl::StrCat(kIndiaSteel, "/revisions/1"));
  EXPECT_EQ(review.rubric(), kRubric);
  EXPECT_EQ(review.reviewer(), reviewer_.name);
  EXPECT_EQ(review.state(), Review::OPEN);
  EXPECT_EQ(review.total_score(), 0);
  EXPECT_EQ(review.max_total_score(), 32);
  EXPECT_EQ(std::vector<std::string>(review.unscored_criteria().begin(),
                                     review.unscored_criteria().end()),
            kCriteria);
  EXPECT_EQ(review.previous_revision(), "");
  EXPECT_THAT(review.changes_since_previous(), IsEmpty());
  EXPECT_FALSE(review.etag().empty());
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);

  // While the review is open the partner does not see it.
  {
    Review hidden;
    EXPECT_EQ(GetReview(india_, review.name(), &hidden).error_code(),
              StatusCode::PERMISSION_DENIED);
    itp::v1::ListReviewsResponse listed;
    ASSERT_TRUE(ListReviews(india_, kIndiaSteel, &listed).ok());
    EXPECT_THAT(listed.reviews(), IsEmpty());
  }

  // The reviewer comments on the 2030 intensity, scores and requests changes.
  Comment comment =
      MustComment(reviewer_, review.name(), kIntensity2030, kBenchmarkComment);
  EXPECT_THAT(comment.name(),
              StartsWith(absl::StrCat(review.name(), "/comments/")));
  EXPECT_EQ(comment.anchor(), kIntensity2030);
  EXPECT_EQ(comment.body(), kBenchmarkComment);
  EXPECT_EQ(comment.author(), reviewer_.name);
  EXPECT_EQ(comment.author_role(), "REVIEWER");
  EXPECT_FALSE(comment.resolved());

  Review scored = MustScore(review.name(), FirstRevisionScores());
  EXPECT_EQ(scored.total_score(), 10);
  EXPECT_EQ(scored.max_total_score(), 32);
  EXPECT_THAT(scored.unscored_criteria(), IsEmpty());
  ASSERT_EQ(scored.scores_size(), 8);
  EXPECT_EQ(scored.scores(7).criterion_id(), "engagement");
  EXPECT_EQ(scored.unresolved_comments(), 1);

  const std::string request_changes_summary =
      "The 2030 milestone is above the 1.5 C steel benchmark; lower it and "
      "state how it will be reached.";
  Review decided;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES,
                             request_changes_summary, &decided)
                  .ok());
  EXPECT_EQ(decided.state(), Review::COMPLETED);
  EXPECT_EQ(decided.decision(), Review::REQUEST_CHANGES);
  EXPECT_EQ(decided.summary(), request_changes_summary);
  EXPECT_TRUE(decided.has_complete_time());
  EXPECT_GT(decided.complete_time(), decided.create_time());
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::CHANGES_REQUESTED);

  // The partner now reads the completed review and its comment, and replies.
  {
    Review seen;
    ASSERT_TRUE(GetReview(india_, review.name(), &seen).ok());
    EXPECT_EQ(seen.state(), Review::COMPLETED);
    EXPECT_EQ(seen.decision(), Review::REQUEST_CHANGES);
    EXPECT_EQ(seen.total_score(), 10);
    EXPECT_EQ(seen.summary(), request_changes_summary);
    itp::v1::ListReviewsResponse listed;
    ASSERT_TRUE(ListReviews(india_, kIndiaSteel, &listed).ok());
    ASSERT_EQ(listed.reviews_size(), 1);
    EXPECT_EQ(listed.reviews(0).name(), review.name());
    itp::v1::ListCommentsResponse comments;
    ASSERT_TRUE(ListComments(india_, review.name(), &comments).ok());
    ASSERT_EQ(comments.comments_size(), 1);
    EXPECT_EQ(comments.comments(0).name(), comment.name());
    EXPECT_EQ(comments.comments(0).anchor(), kIntensity2030);
    EXPECT_EQ(comments.comments(0).body(), kBenchmarkComment);
  }
  Comment reply = MustComment(
      india_, review.name(), "",
      "Agreed: revision 2 lowers the 2030 intensity to 1.9 t CO2/t with a "
      "larger scrap-based electric arc furnace share.",
      comment.name());
  EXPECT_EQ(reply.reply_to(), comment.name());
  EXPECT_EQ(reply.anchor(), "");
  EXPECT_EQ(reply.author(), india_.name);
  EXPECT_EQ(reply.author_role(), "PARTNER");

  // Reviewers cannot change plan content; the partner can, in
  // CHANGES_REQUESTED.
  Plan current = MustGetPlan(kIndiaSteel);
  Plan edit = current;
  edit.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(1.9);
  {
    Plan ignored;
    grpc::Status status = UpdatePlan(reviewer_, edit, "sectors", &ignored);
    EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED)
        << status.error_message();
  }
  Plan edited;
  ASSERT_TRUE(UpdatePlan(india_, edit, "sectors", &edited).ok());
  EXPECT_EQ(edited.state(), Plan::CHANGES_REQUESTED);
  EXPECT_EQ(edited.sectors(0).points(1).intensity_tco2_per_t(), 1.9);
  Plan resubmitted;
  ASSERT_TRUE(SubmitPlan(india_, kIndiaSteel, &resubmitted).ok());
  EXPECT_EQ(resubmitted.state(), Plan::SUBMITTED);
  EXPECT_EQ(resubmitted.revision(), 2);

  // The field diff between the two revisions.
  {
    itp::v1::ComparePlanRevisionsResponse diff;
    ASSERT_TRUE(ComparePlanRevisions(india_, kIndiaSteel, 0, 0, &diff).ok());
    EXPECT_EQ(diff.from_revision(), absl::StrCat(kIndiaSteel, "/revisions/1"));
    EXPECT_EQ(diff.to_revision(), absl::StrCat(kIndiaSteel, "/revisions/2"));
    ASSERT_EQ(diff.changes_size(), 1);
    EXPECT_EQ(diff.changes(0).path(), kIntensity2030);
    EXPECT_EQ(diff.changes(0).old_value(), "2.2");
    EXPECT_EQ(diff.changes(0).new_value(), "1.9");
  }

  // The second review knows what changed since the first.
  Review second;
  ASSERT_TRUE(StartReview(reviewer_, kIndiaSteel, &second).ok());
  EXPECT_NE(second.name(), review.name());
  EXPECT_EQ(second.plan_revision(), absl::StrCat(kIndiaSteel, "/revisions/2"));
  EXPECT_EQ(second.previous_revision(),
            absl::StrCat(kIndiaSteel, "/revisions/1"));
  ASSERT_EQ(second.changes_since_previous_size(), 1);
  const FieldChange& change = second.changes_since_previous(0);
  EXPECT_EQ(change.path(), kIntensity2030);
  EXPECT_EQ(change.old_value(), "2.2");
  EXPECT_EQ(change.new_value(), "1.9");
  EXPECT_EQ(second.total_score(), 0);
  EXPECT_EQ(second.unscored_criteria_size(), 8);

  // The reviewer resolves the comment, scores and approves.
  Comment resolved;
  ASSERT_TRUE(ResolveComment(reviewer_, comment.name(), true, &resolved).ok());
  EXPECT_TRUE(resolved.resolved());
  EXPECT_EQ(resolved.body(), kBenchmarkComment);
  Review rescored = MustScore(second.name(), SecondRevisionScores());
  EXPECT_EQ(rescored.total_score(), 12);
  EXPECT_THAT(rescored.unscored_criteria(), IsEmpty());
  Review approved;
  ASSERT_TRUE(CompleteReview(reviewer_, second.name(), Review::APPROVE,
                             "The 2030 milestone now follows the benchmark "
                             "more closely; approved for publication.",
                             &approved)
                  .ok());
  EXPECT_EQ(approved.state(), Review::COMPLETED);
  EXPECT_EQ(approved.decision(), Review::APPROVE);
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::APPROVED);
  {
    itp::v1::ListCommentsResponse comments;
    ASSERT_TRUE(ListComments(india_, review.name(), &comments).ok());
    ASSERT_EQ(comments.comments_size(), 2);
    EXPECT_TRUE(comments.comments(0).resolved());
    EXPECT_EQ(comments.comments(1).name(), reply.name());
    itp::v1::ListReviewsResponse listed;
    ASSERT_TRUE(ListReviews(india_, kIndiaSteel, &listed).ok());
    ASSERT_EQ(listed.reviews_size(), 2);
    EXPECT_EQ(listed.reviews(0).name(), second.name());  // newest first
    EXPECT_EQ(listed.reviews(1).name(), review.name());
  }

  // The approved plan is public to other partners; India's drafts are not.
  Plan draft;
  Plan conditional = testing::IndiaSteelPlan();
  conditional.set_display_name(
      "India green steel roadmap, conditional on international finance");
  ASSERT_TRUE(
      CreatePlan(india_, "IND", "steel-2070-conditional", conditional, &draft)
          .ok());
  Plan read;
  ASSERT_TRUE(GetPlan(brazil_, kIndiaSteel, &read).ok());
  EXPECT_EQ(read.state(), Plan::APPROVED);
  EXPECT_EQ(read.sectors(0).points(1).intensity_tco2_per_t(), 1.9);
  EXPECT_EQ(GetPlan(brazil_, draft.name(), &read).error_code(),
            StatusCode::PERMISSION_DENIED);
}

// ---------------------------------------------------------------------------
// 2. Illegal moves.
// ---------------------------------------------------------------------------

// The governance criterion weighs whether the country reports progress: a
// review shows the plan's reporting record and progress status as they stand
// when it is read. India's report for last year, 15 % above its plan, makes
// it UP_TO_DATE and NOT_ON_TRACK.
TEST_F(ReviewServiceTest, ReviewShowsThePlansProgressReportingRecord) {
  SubmittedIndiaSteel();
  const int year =
      absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() - 1;
  Review review = MustStartReview(kIndiaSteel);
  EXPECT_EQ(review.reporting_record().state(),
            itp::v1::ReportingRecord::NOT_YET_DUE);
  EXPECT_EQ(review.reporting_record().expected_reporting_year(), year);
  EXPECT_EQ(review.reporting_record().latest_reporting_year(), 0);
  EXPECT_EQ(review.progress_status(), itp::v1::NOT_ASSESSED);

  // P(y) = 2.54 + (2.2 - 2.54) * (y - 2020) / 10 until 2030.
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
    ServerHarness::Authorize(&context, india_);
    grpc::Status status =
        progress->CreateProgressReport(&context, create, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::PublishProgressReportRequest publish;
    publish.set_name(report.name());
    grpc::Status status =
        progress->PublishProgressReport(&context, publish, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  Review read = MustGetReview(review.name());
  EXPECT_EQ(read.reporting_record().state(),
            itp::v1::ReportingRecord::UP_TO_DATE);
  EXPECT_EQ(read.reporting_record().latest_reporting_year(), year);
  EXPECT_THAT(read.reporting_record().reported_years(), ElementsAre(year));
  EXPECT_EQ(read.progress_status(), itp::v1::NOT_ON_TRACK);
}

TEST_F(ReviewServiceTest, ApprovingBeforeEveryCriterionIsScoredIsRefused) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  std::vector<CriterionScore> first_three = FirstRevisionScores();
  first_three.resize(3);
  Review scored = MustScore(review.name(), first_three);
  EXPECT_EQ(scored.total_score(), 5);
  EXPECT_THAT(scored.unscored_criteria(),
              ElementsAre("implementation", "policy_instruments", "finance",
                          "governance", "engagement"));

  Review ignored;
  grpc::Status status =
      CompleteReview(reviewer_, review.name(), Review::APPROVE,
                     "Approved on ambition alone.", &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "REVIEW_INCOMPLETE");
  EXPECT_THAT(status.error_message(),
              HasSubstr("implementation, policy_instruments, finance, "
                        "governance, engagement"));
  EXPECT_EQ(MustGetReview(review.name()).state(), Review::OPEN);
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);
}

TEST_F(ReviewServiceTest,
       StartingAReviewOfADraftIsDeniedToReviewersAndRefusedToAdmins) {
  Plan draft;
  ASSERT_TRUE(
      CreatePlan(india_, "IND", "steel-2070", testing::IndiaSteelPlan(), &draft)
          .ok());
  Review review;
  grpc::Status status = StartReview(reviewer_, kIndiaSteel, &review);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED)
      << status.error_message();

  status = StartReview(admin_, kIndiaSteel, &review);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_EQ(ErrorReason(status), "INVALID_PLAN_STATE");

  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::DRAFT);
  itp::v1::ListReviewsResponse listed;
  ASSERT_TRUE(ListReviews(admin_, kIndiaSteel, &listed).ok());
  EXPECT_THAT(listed.reviews(), IsEmpty());
}

TEST_F(ReviewServiceTest, SecondOpenReviewOfTheSamePlanIsRefused) {
  SubmittedIndiaSteel();
  Review first = MustStartReview(kIndiaSteel);
  for (const Key* who : {&reviewer_, &admin_}) {
    Review second;
    grpc::Status status = StartReview(*who, kIndiaSteel, &second);
    EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION)
        << status.error_message();
    EXPECT_EQ(ErrorReason(status), "REVIEW_ALREADY_OPEN");
    EXPECT_THAT(status.error_message(), HasSubstr(first.name()));
  }
  itp::v1::ListReviewsResponse listed;
  ASSERT_TRUE(ListReviews(reviewer_, kIndiaSteel, &listed).ok());
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).name(), first.name());
}

TEST_F(ReviewServiceTest, PartnersCannotStartScoreOrCompleteReviews) {
  SubmittedIndiaSteel();
  Review ignored;
  EXPECT_EQ(StartReview(india_, kIndiaSteel, &ignored).error_code(),
            StatusCode::PERMISSION_DENIED);

  Review review = MustStartReview(kIndiaSteel);
  MustComment(reviewer_, review.name(), kIntensity2030, kBenchmarkComment);
  MustScore(review.name(), FirstRevisionScores());
  EXPECT_EQ(ScoreReview(india_, review.name(),
                        {Score("ambition", 4, "Net zero by 2070.")}, &ignored)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  grpc::Status status =
      CompleteReview(india_, review.name(), Review::APPROVE,
                     "Our own plan meets every criterion.", &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED)
      << status.error_message();

  Review unchanged = MustGetReview(review.name());
  EXPECT_EQ(unchanged.state(), Review::OPEN);
  EXPECT_EQ(unchanged.total_score(), 10);
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);
}

TEST_F(ReviewServiceTest, RequestingChangesNeedsAnUnresolvedComment) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  MustScore(review.name(), FirstRevisionScores());
  const std::string summary =
      "Lower the 2030 intensity towards the 1.5 C benchmark.";

  // No comment at all.
  Review ignored;
  grpc::Status status = CompleteReview(
      reviewer_, review.name(), Review::REQUEST_CHANGES, summary, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NO_UNRESOLVED_COMMENTS");

  // Only a resolved comment.
  Comment comment =
      MustComment(reviewer_, review.name(), kIntensity2030, kBenchmarkComment);
  Comment resolved;
  ASSERT_TRUE(ResolveComment(reviewer_, comment.name(), true, &resolved).ok());
  EXPECT_TRUE(resolved.resolved());
  EXPECT_EQ(MustGetReview(review.name()).unresolved_comments(), 0);
  status = CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES,
                          summary, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NO_UNRESOLVED_COMMENTS");
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);

  // Reopened, the comment says what to change.
  Comment reopened;
  ASSERT_TRUE(ResolveComment(reviewer_, comment.name(), false, &reopened).ok());
  EXPECT_FALSE(reopened.resolved());
  Review decided;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES,
                             summary, &decided)
                  .ok());
  EXPECT_EQ(decided.unresolved_comments(), 1);
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::CHANGES_REQUESTED);
}

TEST_F(ReviewServiceTest, ScoringOrDecidingACompletedReviewIsRefused) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  MustScore(review.name(), FirstRevisionScores());
  Review rejected;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::REJECT,
                             "A single demonstration plant is not a "
                             "transition plan for 450 Mt of steel.",
                             &rejected)
                  .ok());
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::REJECTED);

  Review ignored;
  grpc::Status status =
      ScoreReview(reviewer_, review.name(),
                  {Score("ambition", 3, "Net zero by 2070.")}, &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "REVIEW_NOT_OPEN");

  status = CompleteReview(reviewer_, review.name(), Review::APPROVE,
                          "Approved after all.", &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "REVIEW_NOT_OPEN");

  Review unchanged = MustGetReview(review.name());
  EXPECT_EQ(unchanged.decision(), Review::REJECT);
  EXPECT_EQ(unchanged.scores(0).score(), 2);
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::REJECTED);
}

TEST_F(ReviewServiceTest, CommentAnchoredToAFieldNotInTheRevisionIsInvalid) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  // The revision has one sector with four points (2020, 2030, 2050, 2070).
  for (const std::string anchor :
       {"sectors[0].points[4].intensity_tco2_per_t",
        "sectors[1].points[1].intensity_tco2_per_t",
        "sectors[0].points[1].intensity", "sectors.points[1].year",
        "sectors[0].points[x].year", "etag"}) {
    SCOPED_TRACE(anchor);
    Comment ignored;
    grpc::Status status = CreateComment(reviewer_, review.name(), anchor,
                                        kBenchmarkComment, &ignored);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("comment.anchor"));
  }
  Comment ignored;
  grpc::Status status = CreateComment(
      reviewer_, review.name(), "sectors[0].points[4].intensity_tco2_per_t",
      kBenchmarkComment, &ignored);
  EXPECT_THAT(status.error_message(), HasSubstr("revisions/1"));

  // Anchors that exist, down to a whole list or message, are accepted.
  for (const std::string anchor :
       {kIntensity2030, "sectors[0].points[3].year", "targets[0]",
        "projects[0].capex_usd", "sectors"}) {
    SCOPED_TRACE(anchor);
    Comment comment;
    grpc::Status status =
        CreateComment(reviewer_, review.name(), anchor,
                      "Please cite the source of this figure.", &comment);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(comment.anchor(), anchor);
  }
  EXPECT_EQ(MustGetReview(review.name()).unresolved_comments(), 5);
}

TEST_F(ReviewServiceTest, ScoreOutsideZeroToFourOrUnknownCriterionIsInvalid) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  Review ignored;
  grpc::Status status = ScoreReview(
      reviewer_, review.name(),
      {Score("ambition", 5, "Net zero by 2070 for crude steel."),
       Score("carbon_pricing", 2, "No carbon price is named."),
       Score("finance", -1, "No costed needs."), Score("governance", 2, "")},
      &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("scores[0].score", "scores[1].criterion_id",
                          "scores[2].score", "scores[3].evidence"));
  EXPECT_THAT(status.error_message(), HasSubstr("carbon_pricing"));

  status = ScoreReview(reviewer_, review.name(),
                       {Score("ambition", 2, "Net zero by 2070."),
                        Score("ambition", 3, "Net zero by 2070.")},
                       &ignored);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("scores[1].criterion_id"));

  // Nothing was applied.
  Review unchanged = MustGetReview(review.name());
  EXPECT_THAT(unchanged.scores(), IsEmpty());
  EXPECT_EQ(unchanged.unscored_criteria_size(), 8);
  EXPECT_EQ(unchanged.etag(), review.etag());
}

TEST_F(ReviewServiceTest, PartnersSeeOnlyCompletedReviewsOfTheirOwnPlans) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  Comment general =
      MustComment(reviewer_, review.name(), "",
                  "The plan names no lead institution or reporting cadence.");
  EXPECT_EQ(general.anchor(), "");

  itp::v1::ListCommentsResponse comments;
  EXPECT_EQ(ListComments(india_, review.name(), &comments).error_code(),
            StatusCode::PERMISSION_DENIED);
  Comment ignored;
  EXPECT_EQ(CreateComment(india_, review.name(), "",
                          "The Ministry of Steel leads the roadmap.", &ignored)
                .error_code(),
            StatusCode::PERMISSION_DENIED);

  MustScore(review.name(), FirstRevisionScores());
  Review decided;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES,
                             "Name the lead institution and MRV.", &decided)
                  .ok());

  Review seen;
  EXPECT_TRUE(GetReview(india_, review.name(), &seen).ok());
  ASSERT_TRUE(ListComments(india_, review.name(), &comments).ok());
  ASSERT_EQ(comments.comments_size(), 1);
  EXPECT_EQ(comments.comments(0).anchor(), "");

  // Brazil's partner reads neither the review nor its comments.
  EXPECT_EQ(GetReview(brazil_, review.name(), &seen).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListComments(brazil_, review.name(), &comments).error_code(),
            StatusCode::PERMISSION_DENIED);
  itp::v1::ListReviewsResponse listed;
  ASSERT_TRUE(ListReviews(brazil_, "countries/-/plans/-", &listed).ok());
  EXPECT_THAT(listed.reviews(), IsEmpty());
  ASSERT_TRUE(ListReviews(india_, "countries/-/plans/-", &listed).ok());
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).name(), review.name());

  // A reply must stay within its review.
  Comment reply;
  grpc::Status status = CreateComment(
      india_, review.name(), "", "The Ministry of Steel leads the roadmap.",
      &reply, absl::StrCat(kIndiaSteel, "/reviews/999/comments/1"));
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "COMMENT_NOT_FOUND");
}

TEST_F(ReviewServiceTest, CommentThreadsAreListedOldestFirstAcrossPages) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  std::vector<std::string> names;
  names.push_back(
      MustComment(reviewer_, review.name(), kIntensity2030, kBenchmarkComment)
          .name());
  names.push_back(MustComment(reviewer_, review.name(),
                              "projects[0].start_year",
                              "Is the 2027 start of the hydrogen DRI plant "
                              "backed by a final investment decision?")
                      .name());
  names.push_back(MustComment(reviewer_, review.name(), "",
                              "No policy instruments are described.")
                      .name());
  names.push_back(MustComment(reviewer_, review.name(), "",
                              "Add a carbon price or product standard.",
                              names[2])
                      .name());

  std::vector<Comment> listed;
  std::string page_token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, reviewer_);
    itp::v1::ListCommentsRequest request;
    request.set_parent(review.name());
    request.set_page_size(3);
    request.set_page_token(page_token);
    itp::v1::ListCommentsResponse response;
    grpc::Status status =
        harness_.reviews().ListComments(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    listed.insert(listed.end(), response.comments().begin(),
                  response.comments().end());
    page_token = response.next_page_token();
    ++pages;
  } while (!page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  ASSERT_EQ(listed.size(), 4u);
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(listed[i].name(), names[i]);
  }
  EXPECT_EQ(listed[3].reply_to(), names[2]);
  EXPECT_EQ(MustGetReview(review.name()).unresolved_comments(), 4);
}

TEST_F(ReviewServiceTest, AnchorsAreCheckedAgainstTheReviewedRevision) {
  SubmittedIndiaSteel();
  Review first = MustStartReview(kIndiaSteel);
  MustComment(reviewer_, first.name(), kIntensity2030, kBenchmarkComment);
  MustScore(first.name(), FirstRevisionScores());
  Review decided;
  ASSERT_TRUE(CompleteReview(reviewer_, first.name(), Review::REQUEST_CHANGES,
                             "Add a 2035 milestone.", &decided)
                  .ok());

  // Revision 2 adds a fifth point to the pathway.
  Plan edit = MustGetPlan(kIndiaSteel);
  auto* point = edit.mutable_sectors(0)->add_points();
  point->set_year(2080);
  point->set_production_mt(460.0);
  point->set_intensity_tco2_per_t(0.05);
  Plan edited;
  grpc::Status status = UpdatePlan(india_, edit, "sectors", &edited);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(SubmitPlan(india_, kIndiaSteel, &edited).ok());
  Review second = MustStartReview(kIndiaSteel);
  ASSERT_EQ(second.changes_since_previous_size(), 1);
  EXPECT_EQ(second.changes_since_previous(0).path(), "sectors[0].points[4]");
  EXPECT_EQ(second.changes_since_previous(0).old_value(), "");
  EXPECT_THAT(second.changes_since_previous(0).new_value(),
              HasSubstr("year: 2080"));

  const std::string anchor = "sectors[0].points[4].intensity_tco2_per_t";
  Comment comment;
  status = CreateComment(reviewer_, second.name(), anchor,
                         "0.05 t CO2/t in 2080 is after the net-zero year.",
                         &comment);
  EXPECT_TRUE(status.ok()) << status.error_message();
  status = CreateComment(reviewer_, first.name(), anchor,
                         "0.05 t CO2/t in 2080 is after the net-zero year.",
                         &comment);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("comment.anchor"));
}

TEST_F(ReviewServiceTest, ComparePlanRevisionsRendersOldAndNewValues) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  MustComment(reviewer_, review.name(), "targets[0].conditional",
              "Say whether net zero by 2070 depends on international "
              "finance.");
  MustScore(review.name(), FirstRevisionScores());
  Review decided;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES,
                             "Clarify conditionality and the 2030 milestone.",
                             &decided)
                  .ok());
  Plan edit = MustGetPlan(kIndiaSteel);
  edit.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(1.9);
  edit.mutable_targets(0)->set_conditional(true);
  Plan edited;
  ASSERT_TRUE(UpdatePlan(india_, edit, "*", &edited).ok());
  ASSERT_TRUE(SubmitPlan(india_, kIndiaSteel, &edited).ok());

  itp::v1::ComparePlanRevisionsResponse diff;
  ASSERT_TRUE(ComparePlanRevisions(reviewer_, kIndiaSteel, 1, 2, &diff).ok());
  ASSERT_EQ(diff.changes_size(), 2);
  EXPECT_EQ(diff.changes(0).path(), kIntensity2030);
  EXPECT_EQ(diff.changes(0).old_value(), "2.2");
  EXPECT_EQ(diff.changes(0).new_value(), "1.9");
  // A flag that was false is not "added" when it becomes true: both text
  // forms are given.
  EXPECT_EQ(diff.changes(1).path(), "targets[0].conditional");
  EXPECT_EQ(diff.changes(1).old_value(), "false");
  EXPECT_EQ(diff.changes(1).new_value(), "true");

  // The reverse direction, and a revision against itself.
  ASSERT_TRUE(ComparePlanRevisions(reviewer_, kIndiaSteel, 2, 1, &diff).ok());
  ASSERT_EQ(diff.changes_size(), 2);
  EXPECT_EQ(diff.changes(0).old_value(), "1.9");
  EXPECT_EQ(diff.changes(0).new_value(), "2.2");
  ASSERT_TRUE(ComparePlanRevisions(reviewer_, kIndiaSteel, 2, 2, &diff).ok());
  EXPECT_THAT(diff.changes(), IsEmpty());

  grpc::Status status =
      ComparePlanRevisions(reviewer_, kIndiaSteel, 1, 3, &diff);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("to_revision"));
  status = ComparePlanRevisions(reviewer_, kIndiaSteel, -1, 2, &diff);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("from_revision"));
}

// ---------------------------------------------------------------------------
// 3. Watching plan events.
// ---------------------------------------------------------------------------

TEST_F(ReviewServiceTest, PartnerWatchStreamsItsCountrysEventsInOrder) {
  // Opened before anything happens: events arrive as they are written.
  auto watch = WatchEvents(india_, "countries/IND");
  RunFirstReview();
  std::vector<PlanEvent> events = watch->Next(5);
  ExpectPartnerEvents(events);
  EXPECT_EQ(watch->Cancel().error_code(), StatusCode::CANCELLED);
}

TEST_F(ReviewServiceTest, ReviewerWatchOfAllCountriesAlsoSeesOpenComments) {
  RunFirstReview();
  auto watch = WatchEvents(reviewer_, "countries/-");
  std::vector<PlanEvent> events = watch->Next(7);
  ASSERT_EQ(events.size(), 7u);
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].id(), events[i - 1].id());
  }
  EXPECT_EQ(events[0].plan(), kIndiaSteel);
  EXPECT_EQ(events[0].to_state(), Plan::SUBMITTED);
  EXPECT_EQ(events[1].plan(), "countries/IDN/plans/cement-2060");
  EXPECT_EQ(events[1].to_state(), Plan::SUBMITTED);
  EXPECT_EQ(events[2].to_state(), Plan::IN_REVIEW);
  // The reviewer's comment on the open review.
  EXPECT_EQ(events[3].type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(events[3].comment(), comment_.name());
  EXPECT_EQ(events[3].summary(),
            absl::StrCat("New comment on ", kIntensity2030));
  EXPECT_EQ(events[4].to_state(), Plan::CHANGES_REQUESTED);
  EXPECT_EQ(events[5].type(), PlanEvent::REVIEW_COMPLETED);
  EXPECT_EQ(events[6].type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(events[6].comment(), reply_.name());
  for (size_t i = 2; i < events.size(); ++i) {
    EXPECT_EQ(events[i].plan(), kIndiaSteel);
  }
}

TEST_F(ReviewServiceTest, WatchResumesAfterTheLastEventIdReceived) {
  RunFirstReview();
  std::vector<PlanEvent> all;
  {
    auto watch = WatchEvents(india_, "countries/IND");
    all = watch->Next(5);
  }
  ExpectPartnerEvents(all);

  // Resuming after the second event (review started) gives the third on.
  auto resumed = WatchEvents(india_, "countries/IND", all[1].id());
  std::vector<PlanEvent> later = resumed->Next(3);
  ASSERT_EQ(later.size(), 3u);
  for (size_t i = 0; i < later.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(later[i], all[i + 2]))
        << later[i].DebugString();
  }

  // New events keep coming on the resumed stream: the resubmission.
  Plan current = MustGetPlan(kIndiaSteel);
  current.mutable_sectors(0)->mutable_points(1)->set_intensity_tco2_per_t(1.9);
  Plan edited;
  ASSERT_TRUE(UpdatePlan(india_, current, "sectors", &edited).ok());
  ASSERT_TRUE(SubmitPlan(india_, kIndiaSteel, &edited).ok());
  std::vector<PlanEvent> next = resumed->Next(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_GT(next[0].id(), all[4].id());
  EXPECT_EQ(next[0].type(), PlanEvent::STATE_CHANGED);
  EXPECT_EQ(next[0].from_state(), Plan::CHANGES_REQUESTED);
  EXPECT_EQ(next[0].to_state(), Plan::SUBMITTED);

  // Resuming after the last event waits for the next one only.
  auto tail = WatchEvents(india_, "countries/IND", next[0].id());
  Review second = MustStartReview(kIndiaSteel);
  std::vector<PlanEvent> newest = tail->Next(1);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].to_state(), Plan::IN_REVIEW);
  EXPECT_EQ(newest[0].review(), second.name());
}

TEST_F(ReviewServiceTest, WatchingAnotherCountryIsDeniedToPartners) {
  RunFirstReview();
  auto watch = WatchEvents(brazil_, "countries/IND");
  EXPECT_THAT(watch->Next(1), IsEmpty());
  EXPECT_EQ(watch->Finish().error_code(), StatusCode::PERMISSION_DENIED);

  auto negative = WatchEvents(india_, "countries/IND", -1);
  EXPECT_THAT(negative->Next(1), IsEmpty());
  grpc::Status status = negative->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("after_event_id"));
}

// ---------------------------------------------------------------------------
// 4. Etags, retries and the audit trail.
// ---------------------------------------------------------------------------

TEST_F(ReviewServiceTest, ScoreAndCompleteWithAStaleEtagAreAborted) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  Review scored;
  ASSERT_TRUE(ScoreReview(reviewer_, review.name(), FirstRevisionScores(),
                          &scored, review.etag())
                  .ok());
  EXPECT_NE(scored.etag(), review.etag());

  // A second reviewer's screen still shows the review as it was started.
  Review ignored;
  grpc::Status status = ScoreReview(reviewer_, review.name(),
                                    {Score("ambition", 4, "Net zero by 2070.")},
                                    &ignored, review.etag());
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
  status = CompleteReview(reviewer_, review.name(), Review::APPROVE,
                          "Approved.", &ignored, review.etag());
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");

  Review unchanged = MustGetReview(review.name());
  EXPECT_EQ(unchanged.etag(), scored.etag());
  EXPECT_EQ(unchanged.scores(0).score(), 2);
  EXPECT_EQ(unchanged.state(), Review::OPEN);
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);

  Review approved;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::APPROVE,
                             "Approved.", &approved, scored.etag())
                  .ok());
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::APPROVED);
}

TEST_F(ReviewServiceTest, StartReviewWithAStalePlanEtagIsAborted) {
  Plan draft;
  ASSERT_TRUE(
      CreatePlan(india_, "IND", "steel-2070", testing::IndiaSteelPlan(), &draft)
          .ok());
  Plan submitted;
  ASSERT_TRUE(SubmitPlan(india_, kIndiaSteel, &submitted).ok());
  Review review;
  grpc::Status status =
      StartReview(reviewer_, kIndiaSteel, &review, draft.etag());
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::SUBMITTED);

  ASSERT_TRUE(
      StartReview(reviewer_, kIndiaSteel, &review, submitted.etag()).ok());
  EXPECT_EQ(MustGetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);
}

TEST_F(ReviewServiceTest, RetriedStartReviewReturnsTheFirstReview) {
  SubmittedIndiaSteel();
  const std::string request_id = "6f1c2d3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f";
  Review first;
  ASSERT_TRUE(StartReview(reviewer_, kIndiaSteel, &first, "", request_id).ok());
  Review retried;
  grpc::Status status =
      StartReview(reviewer_, kIndiaSteel, &retried, "", request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(first, retried));
  itp::v1::ListReviewsResponse listed;
  ASSERT_TRUE(ListReviews(reviewer_, kIndiaSteel, &listed).ok());
  EXPECT_EQ(listed.reviews_size(), 1);
}

TEST_F(ReviewServiceTest, RetriedCreateCommentAddsOneComment) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  const std::string request_id = "9d2e4f61-3b7a-4c58-a1e0-6f4d2b8c1a93";
  Comment first;
  grpc::Status status =
      CreateComment(reviewer_, review.name(), kIntensity2030,
                    kBenchmarkComment, &first, "", request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The response was lost; the client sends the same request again.
  Comment retried;
  status = CreateComment(reviewer_, review.name(), kIntensity2030,
                         kBenchmarkComment, &retried, "", request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(first, retried))
      << retried.DebugString();
  itp::v1::ListCommentsResponse listed;
  ASSERT_TRUE(ListComments(reviewer_, review.name(), &listed).ok());
  ASSERT_EQ(listed.comments_size(), 1);
  EXPECT_EQ(listed.comments(0).name(), first.name());
  EXPECT_EQ(MustGetReview(review.name()).unresolved_comments(), 1);

  // The same id with another body is another request: refused, not added.
  Comment other;
  status = CreateComment(reviewer_, review.name(), kIntensity2030,
                         "The 2050 figure needs a source.", &other, "",
                         request_id);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  // An id that is no UUID is refused before anything is stored.
  status = CreateComment(reviewer_, review.name(), kIntensity2030,
                         "The 2050 figure needs a source.", &other, "",
                         "retry-1");
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  listed.Clear();
  ASSERT_TRUE(ListComments(reviewer_, review.name(), &listed).ok());
  EXPECT_EQ(listed.comments_size(), 1);
}

TEST_F(ReviewServiceTest, RetriedScoreReviewReturnsTheFirstResult) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  const std::string request_id = "4b8e1c7a-2f95-4d3e-b6a0-8c1f5e9d2a74";
  Review first;
  grpc::Status status = ScoreReview(reviewer_, review.name(),
                                    FirstRevisionScores(), &first, review.etag(),
                                    request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(first.etag(), review.etag());
  // The retry carries the etag the review had before the first call: it is
  // answered with the first result, not ABORTED for a stale etag.
  Review retried;
  status = ScoreReview(reviewer_, review.name(), FirstRevisionScores(),
                       &retried, review.etag(), request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.etag(), first.etag());
  EXPECT_EQ(retried.total_score(), first.total_score());
  EXPECT_EQ(MustGetReview(review.name()).etag(), first.etag());
  // Without the request id the same stale etag is refused.
  Review stale;
  status = ScoreReview(reviewer_, review.name(), FirstRevisionScores(), &stale,
                       review.etag());
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
}

TEST_F(ReviewServiceTest, GetCommentReadsOneCommentForThoseWhoReadTheReview) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  Comment comment =
      MustComment(reviewer_, review.name(), kIntensity2030, kBenchmarkComment);
  Comment read;
  grpc::Status status = GetComment(reviewer_, comment.name(), &read);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(read, comment)) << read.DebugString();
  EXPECT_EQ(read.anchor(), kIntensity2030);
  EXPECT_EQ(read.body(), kBenchmarkComment);

  // The review is open: partners do not see it, nor its comments.
  status = GetComment(india_, comment.name(), &read);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  status = GetComment(brazil_, comment.name(), &read);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);

  status = GetComment(reviewer_, review.name() + "/comments/999", &read);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "COMMENT_NOT_FOUND");
  status = GetComment(reviewer_, review.name() + "/comments/first", &read);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(ReviewServiceTest,
       RetriedCompleteReviewReturnsTheSameReviewAndMovesThePlanOnce) {
  SubmittedIndiaSteel();
  Review review = MustStartReview(kIndiaSteel);
  Comment comment =
      MustComment(reviewer_, review.name(), kIntensity2030, kBenchmarkComment);
  MustScore(review.name(), FirstRevisionScores());
  const std::string request_id = "c3a9e1f0-7b2d-4e8a-9f61-2d5b8c0e4a17";
  const std::string summary =
      "The 2030 milestone is above the 1.5 C steel benchmark.";
  Review first;
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES,
                             summary, &first, "", request_id)
                  .ok());
  const Plan after_first = MustGetPlan(kIndiaSteel);
  EXPECT_EQ(after_first.state(), Plan::CHANGES_REQUESTED);

  // The response was lost; the client retries the same request.
  Review retried;
  grpc::Status status =
      CompleteReview(reviewer_, review.name(), Review::REQUEST_CHANGES, summary,
                     &retried, "", request_id);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(first, retried))
      << retried.DebugString();
  const Plan after_retry = MustGetPlan(kIndiaSteel);
  EXPECT_EQ(after_retry.state(), Plan::CHANGES_REQUESTED);
  EXPECT_EQ(after_retry.etag(), after_first.etag());
  EXPECT_EQ(after_retry.update_time(), after_first.update_time());

  // The same request id for another call is a client error.
  Review ignored;
  status = StartReview(reviewer_, kIndiaSteel, &ignored, "", request_id);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));

  // Only one decision reached the event log: the partner's reply marks the
  // end of what happened.
  Comment reply =
      MustComment(india_, review.name(), "",
                  "Revision 2 will lower it to 1.9 t CO2/t.", comment.name());
  auto watch = WatchEvents(reviewer_, "countries/IND");
  std::vector<PlanEvent> events;
  while (events.empty() || events.back().comment() != reply.name()) {
    std::vector<PlanEvent> one = watch->Next(1);
    ASSERT_EQ(one.size(), 1u) << "the reply's event never arrived";
    events.push_back(one[0]);
  }
  int completed = 0;
  int to_changes_requested = 0;
  for (const PlanEvent& e : events) {
    if (e.type() == PlanEvent::REVIEW_COMPLETED) ++completed;
    if (e.type() == PlanEvent::STATE_CHANGED &&
        e.to_state() == Plan::CHANGES_REQUESTED) {
      ++to_changes_requested;
    }
  }
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(to_changes_requested, 1);
}

TEST_F(ReviewServiceTest, ReviewTransitionsAreRecordedInTheAuditTrail) {
  SubmittedIndiaSteel();
  const std::string start_request = "0e8f6a2b-3c4d-4e5f-8a9b-1c2d3e4f5a6b";
  Review review;
  ASSERT_TRUE(
      StartReview(reviewer_, kIndiaSteel, &review, "", start_request).ok());
  std::vector<CriterionScore> scores = FirstRevisionScores();
  std::vector<CriterionScore> first_half(scores.begin(), scores.begin() + 4);
  std::vector<CriterionScore> second_half(scores.begin() + 4, scores.end());
  Review scored;
  ASSERT_TRUE(ScoreReview(reviewer_, review.name(), first_half, &scored).ok());
  Review ignored;
  EXPECT_EQ(ScoreReview(reviewer_, review.name(), second_half, &ignored,
                        review.etag())
                .error_code(),
            StatusCode::ABORTED);
  ASSERT_TRUE(
      ScoreReview(reviewer_, review.name(), second_half, &scored, scored.etag())
          .ok());
  EXPECT_EQ(CompleteReview(india_, review.name(), Review::APPROVE,
                           "Our own plan meets every criterion.", &ignored)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  const std::string complete_request = "7d2e4f6a-8b1c-4d3e-9f5a-6b7c8d9e0f1a";
  ASSERT_TRUE(CompleteReview(reviewer_, review.name(), Review::APPROVE,
                             "Approved for publication.", &ignored, "",
                             complete_request)
                  .ok());

  std::vector<itp::v1::AuditEvent> events =
      Audit(absl::StrCat("resource = \"", review.name(), "\""));
  ASSERT_EQ(events.size(), 5u);  // newest first
  struct Expected {
    const char* method;
    const char* code;
    const std::string* api_key;
  };
  const std::vector<Expected> expected = {
      {"/itp.v1.ReviewService/CompleteReview", "OK", &reviewer_.name},
      {"/itp.v1.ReviewService/CompleteReview", "PERMISSION_DENIED",
       &india_.name},
      {"/itp.v1.ReviewService/ScoreReview", "OK", &reviewer_.name},
      {"/itp.v1.ReviewService/ScoreReview", "ABORTED", &reviewer_.name},
      {"/itp.v1.ReviewService/ScoreReview", "OK", &reviewer_.name},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(events[i].method(), expected[i].method);
    EXPECT_EQ(events[i].code(), expected[i].code);
    EXPECT_EQ(events[i].api_key(), *expected[i].api_key);
    EXPECT_EQ(events[i].resource(), review.name());
  }
  EXPECT_EQ(events[0].role(), itp::v1::REVIEWER);
  EXPECT_EQ(events[0].request_id(), complete_request);
  EXPECT_EQ(events[1].role(), itp::v1::PARTNER);

  std::vector<itp::v1::AuditEvent> started = Audit(
      absl::StrCat("resource = \"", kIndiaSteel,
                   "\" AND method = \"/itp.v1.ReviewService/StartReview\""));
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].code(), "OK");
  EXPECT_EQ(started[0].api_key(), reviewer_.name);
  EXPECT_EQ(started[0].request_id(), start_request);
}

}  // namespace
}  // namespace itp::service
