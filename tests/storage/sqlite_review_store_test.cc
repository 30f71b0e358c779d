// Tests of the SQLite ReviewStore (reviews, comments and plan events) against
// a real database file in a temporary directory, with an injected clock.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
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
#include "itp/v1/plan.pb.h"
#include "itp/v1/review.pb.h"
#include "server/domain/errors.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/review_rules.h"
#include "server/storage/plan_store.h"
#include "server/storage/review_store.h"
#include "server/storage/sqlite.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::google::protobuf::RepeatedPtrField;
using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::domain::PlanAction;
using ::itp::testing::IndiaSteelPlan;
using ::itp::testing::IndonesiaCementPlan;
using ::itp::testing::SteelPlan;
using ::itp::testing::TempDir;
using ::itp::v1::Comment;
using ::itp::v1::CriterionScore;
using ::itp::v1::Plan;
using ::itp::v1::PlanEvent;
using ::itp::v1::Review;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
constexpr char kIndonesiaCement[] = "countries/IDN/plans/cement-2060";
constexpr char kSouthAfricaSteel[] = "countries/ZAF/plans/steel-2050";

constexpr char kPartnerKey[] = "apiKeys/0123456789abcdef";
constexpr char kReviewerKey[] = "apiKeys/5f1c0a9e3b7d2468";
constexpr char kSecondReviewerKey[] = "apiKeys/c47d19e8a0b36f25";

constexpr char kStartReview[] = "/itp.v1.ReviewService/StartReview";
constexpr char kScoreReview[] = "/itp.v1.ReviewService/ScoreReview";
constexpr char kCompleteReview[] = "/itp.v1.ReviewService/CompleteReview";
constexpr char kCreateComment[] = "/itp.v1.ReviewService/CreateComment";
constexpr char kResolveComment[] = "/itp.v1.ReviewService/ResolveComment";
constexpr char kSubmitPlan[] = "/itp.v1.PlanService/SubmitPlan";

// Request ids as clients send them (UUIDs).
constexpr char kStartRequestId[] = "7c2e9a14-3b5d-4f6e-8a1b-9c0d2e3f4a5b";
constexpr char kCompleteRequestId[] = "e4a1b2c3-d5e6-4f70-8192-a3b4c5d6e7f8";

constexpr char kIntensityAnchor[] = "sectors[0].points[1].intensity_tco2_per_t";

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

// Asserts the status code and the ErrorInfo reason of `status`.
void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::string& reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(domain::ErrorReasonOf(status), reason) << status;
}

// The ErrorInfo "resource" metadata of a status; empty when absent.
std::string ErrorResourceOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(domain::kErrorInfoTypeUrl)) {
    info.ParseFromString(std::string(*payload));
  }
  auto it = info.metadata().find("resource");
  return it == info.metadata().end() ? "" : it->second;
}

WriteContext Ctx(absl::string_view method, absl::string_view api_key,
                 itp::v1::Role role, absl::string_view request_id = "") {
  WriteContext ctx;
  ctx.method = std::string(method);
  ctx.request_id = std::string(request_id);
  ctx.api_key = std::string(api_key);
  ctx.role = role;
  return ctx;
}

WriteContext ReviewerCtx(absl::string_view method,
                         absl::string_view request_id = "",
                         absl::string_view api_key = kReviewerKey) {
  return Ctx(method, api_key, itp::v1::REVIEWER, request_id);
}

WriteContext PartnerCtx(absl::string_view method) {
  return Ctx(method, kPartnerKey, itp::v1::PARTNER);
}

PlanMutation Do(PlanAction action) {
  return [action](Plan& plan, int64_t now) {
    return domain::ApplyAction(plan, action, "", now);
  };
}

CriterionScore Score(const std::string& criterion, int score,
                     const std::string& evidence) {
  CriterionScore s;
  s.set_criterion_id(criterion);
  s.set_score(score);
  s.set_evidence(evidence);
  return s;
}

// Scores of all eight criteria of the India steel plan, 9 of 32 in total.
RepeatedPtrField<CriterionScore> AllEightScores() {
  RepeatedPtrField<CriterionScore> scores;
  *scores.Add() = Score("ambition", 2,
                        "Net zero by 2070 is stated, but 1.0 t CO2/t in 2050 "
                        "is well above a 1.5 C pathway.");
  *scores.Add() =
      Score("interim_targets", 1,
            "Net zero by 2070 is stated but no 2030 interim target is given");
  *scores.Add() =
      Score("coverage", 1, "Crude steel only; scope boundary not stated.");
  *scores.Add() = Score("implementation", 2,
                        "A 0.5 Mtpa hydrogen DRI demonstration plant from "
                        "2027.");
  *scores.Add() = Score("policy_instruments", 0,
                        "No carbon pricing, standards or procurement.");
  *scores.Add() =
      Score("finance", 1, "USD 600 million capex for the DRI plant only.");
  *scores.Add() =
      Score("governance", 1, "The Ministry of Steel leads; no MRV or cadence.");
  *scores.Add() = Score("engagement", 1,
                        "Workers in Jharkhand and Odisha are not mentioned.");
  return scores;
}

Comment NewComment(const std::string& anchor, const std::string& body,
                   const std::string& reply_to = "") {
  Comment comment;
  comment.set_anchor(anchor);
  comment.set_body(body);
  comment.set_reply_to(reply_to);
  return comment;
}

class SqliteReviewStoreTest : public ::testing::Test {
 protected:
  SqliteReviewStoreTest() : path_(dir_.File("itp.db")) {}

  void SetUp() override {
    SqliteOptions options;
    options.path = path_;
    options.pool_size = 4;
    options.busy_timeout_ms = 60000;
    options.now_unix_micros = [this] { return now_.load(); };
    absl::StatusOr<SqliteStores> stores = OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
    plans_ = stores_.plans.get();
    reviews_ = stores_.reviews.get();
  }

  // Closes every store and opens the same file again.
  void Reopen() {
    plans_ = nullptr;
    reviews_ = nullptr;
    stores_ = SqliteStores();
    SetUp();
  }

  int64_t Now() const { return now_.load(); }
  void Advance(absl::Duration d) { now_ += absl::ToInt64Microseconds(d); }

  Plan CreatePlan(const std::string& name, Plan plan) {
    plan.set_name(name);
    absl::StatusOr<Plan> created =
        plans_->CreatePlan(PartnerCtx("/itp.v1.PlanService/CreatePlan"), plan);
    EXPECT_TRUE(created.ok()) << name << ": " << created.status();
    return created.value_or(Plan());
  }

  Plan MutatePlan(const std::string& name, const std::string& method,
                  PlanAction action) {
    absl::StatusOr<Plan> plan =
        plans_->MutatePlan(PartnerCtx(method), name, Do(action));
    EXPECT_TRUE(plan.ok()) << name << " " << method << ": " << plan.status();
    return plan.value_or(Plan());
  }

  Plan Submit(const std::string& name) {
    return MutatePlan(name, kSubmitPlan, PlanAction::kSubmit);
  }

  Plan GetPlan(const std::string& name) {
    absl::StatusOr<Plan> plan = plans_->GetPlan(name);
    EXPECT_TRUE(plan.ok()) << name << ": " << plan.status();
    return plan.value_or(Plan());
  }

  // Creates and submits a plan, a day before the clock's current time.
  void CreateSubmitted(const std::string& name, Plan plan) {
    CreatePlan(name, std::move(plan));
    Advance(absl::Hours(2));
    Submit(name);
    Advance(absl::Hours(22));
  }

  // The factory the review service passes: the revision under review, the
  // rubric and the roll-up. Records what it was given.
  ReviewFactory Factory() {
    return [this](const Plan& plan,
                  const Review* previous) -> absl::StatusOr<Review> {
      ++factory_calls_;
      factory_plan_state_ = plan.state();
      previous_seen_.reset();
      if (previous != nullptr) previous_seen_ = *previous;
      Review review;
      review.set_plan_revision(
          absl::StrCat(plan.name(), "/revisions/", plan.revision()));
      review.set_rubric(domain::CurrentRubric().name());
      domain::RollUp(review, domain::CurrentRubric());
      if (previous != nullptr) {
        review.set_previous_revision(previous->plan_revision());
      }
      return review;
    };
  }

  absl::StatusOr<Review> Start(const std::string& plan,
                               const std::string& request_id = "",
                               const std::string& reviewer = kReviewerKey) {
    return reviews_->StartReview(
        ReviewerCtx(kStartReview, request_id, reviewer), plan,
        Do(PlanAction::kStartReview), Factory());
  }

  Review StartOk(const std::string& plan,
                 const std::string& reviewer = kReviewerKey) {
    absl::StatusOr<Review> review = Start(plan, "", reviewer);
    EXPECT_TRUE(review.ok()) << plan << ": " << review.status();
    return review.value_or(Review());
  }

  absl::StatusOr<Review> ScoreReview(
      const std::string& name, const RepeatedPtrField<CriterionScore>& scores,
      const std::string& etag = "") {
    return reviews_->MutateReview(
        ReviewerCtx(kScoreReview), name,
        [&](Review& review, int, int64_t) {
          return domain::ApplyScores(review, scores, etag,
                                     domain::CurrentRubric());
        },
        nullptr);
  }

  absl::StatusOr<Review> Complete(const std::string& name,
                                  Review::Decision decision,
                                  const std::string& summary,
                                  const std::string& request_id = "") {
    const PlanMutation decide = Do(domain::ActionOf(decision));
    return reviews_->MutateReview(
        ReviewerCtx(kCompleteReview, request_id), name,
        [&](Review& review, int unresolved, int64_t now) {
          return domain::ApplyCompletion(review, decision, summary, "",
                                         unresolved, now);
        },
        &decide);
  }

  Comment AddComment(const std::string& review, const Comment& comment,
                     const WriteContext& ctx = ReviewerCtx(kCreateComment)) {
    absl::StatusOr<Comment> created =
        reviews_->CreateComment(ctx, review, comment);
    EXPECT_TRUE(created.ok()) << review << ": " << created.status();
    return created.value_or(Comment());
  }

  Review GetReview(const std::string& name) {
    absl::StatusOr<Review> review = reviews_->GetReview(name);
    EXPECT_TRUE(review.ok()) << name << ": " << review.status();
    return review.value_or(Review());
  }

  std::vector<StoredEvent> Events(int64_t after = 0) {
    absl::StatusOr<std::vector<StoredEvent>> events =
        reviews_->ListEvents(after, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.value_or(std::vector<StoredEvent>());
  }

  int64_t LastEventId() {
    std::vector<StoredEvent> events = Events();
    return events.empty() ? 0 : events.back().event.id();
  }

  std::vector<std::string> ReviewNames(ReviewQuery query) {
    query.page_size = 100;
    absl::StatusOr<ReviewPage> page = reviews_->ListReviews(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> names;
    if (!page.ok()) return names;
    EXPECT_FALSE(page->next.has_value());
    for (const Review& r : page->reviews) names.push_back(r.name());
    return names;
  }

  // A review of the India steel plan, every criterion scored, with an
  // unresolved comment, completed with REQUEST_CHANGES; the plan is then
  // submitted again as revision 2.
  Review ReviewIndiaAndSendBack() {
    Review review = StartOk(kIndiaSteel);
    Advance(absl::Hours(1));
    EXPECT_TRUE(ScoreReview(review.name(), AllEightScores()).ok());
    AddComment(review.name(),
               NewComment("targets",
                          "Add a 2030 interim target with a base "
                          "year, as the UN expert group asks."));
    Advance(absl::Hours(1));
    absl::StatusOr<Review> completed =
        Complete(review.name(), Review::REQUEST_CHANGES,
                 "Interim targets and governance are missing.");
    EXPECT_TRUE(completed.ok()) << completed.status();
    Advance(absl::Hours(22));
    Submit(kIndiaSteel);
    Advance(absl::Hours(2));
    return completed.value_or(Review());
  }

  TempDir dir_;
  const std::string path_;
  std::atomic<int64_t> now_{kStart};
  SqliteStores stores_;
  PlanStore* plans_ = nullptr;
  ReviewStore* reviews_ = nullptr;

  int factory_calls_ = 0;
  Plan::State factory_plan_state_ = Plan::STATE_UNSPECIFIED;
  std::optional<Review> previous_seen_;
};

// ---------------------------------------------------------------------------
// StartReview

TEST_F(SqliteReviewStoreTest, StartReviewMovesThePlanAndCreatesTheReview) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  const Plan submitted = GetPlan(kIndiaSteel);
  const int64_t started_at = Now();

  absl::StatusOr<Review> review = Start(kIndiaSteel);

  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->name(), "countries/IND/plans/steel-2070/reviews/1");
  EXPECT_EQ(review->plan_revision(),
            "countries/IND/plans/steel-2070/revisions/1");
  EXPECT_EQ(review->rubric(), "rubrics/leadit-2026-v1");
  EXPECT_EQ(review->reviewer(), kReviewerKey);
  EXPECT_EQ(review->state(), Review::OPEN);
  EXPECT_FALSE(review->etag().empty());
  EXPECT_EQ(MicrosOf(review->create_time()), started_at);
  EXPECT_EQ(MicrosOf(review->update_time()), started_at);
  EXPECT_EQ(review->unscored_criteria_size(), 8);
  EXPECT_EQ(review->max_total_score(), 32);
  // The factory saw the plan after its transition, and no earlier review.
  EXPECT_EQ(factory_calls_, 1);
  EXPECT_EQ(factory_plan_state_, Plan::IN_REVIEW);
  EXPECT_FALSE(previous_seen_.has_value());

  Plan plan = GetPlan(kIndiaSteel);
  EXPECT_EQ(plan.state(), Plan::IN_REVIEW);
  EXPECT_EQ(plan.revision(), 1);
  EXPECT_EQ(MicrosOf(plan.update_time()), started_at);
  EXPECT_NE(plan.etag(), submitted.etag());

  EXPECT_THAT(GetReview(review->name()), EqualsProto(*review));
}

TEST_F(SqliteReviewStoreTest, StartReviewRecordsAStateChangedEventCausedByIt) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  const int64_t before = LastEventId();

  Review review = StartOk(kIndiaSteel);

  std::vector<StoredEvent> events = Events(before);
  ASSERT_EQ(events.size(), 1u);
  const PlanEvent& e = events[0].event;
  EXPECT_EQ(e.type(), PlanEvent::STATE_CHANGED);
  EXPECT_EQ(e.plan(), kIndiaSteel);
  EXPECT_EQ(e.from_state(), Plan::SUBMITTED);
  EXPECT_EQ(e.to_state(), Plan::IN_REVIEW);
  EXPECT_EQ(e.review(), review.name());
  EXPECT_EQ(MicrosOf(e.time()), Now());
  EXPECT_EQ(events[0].country, "IND");
  EXPECT_FALSE(events[0].on_open_review);
}

TEST_F(SqliteReviewStoreTest, StartReviewOfADraftPlanChangesNothing) {
  const Plan draft = CreatePlan(kIndiaSteel, IndiaSteelPlan());
  const int64_t events_before = LastEventId();
  Advance(absl::Hours(1));

  absl::StatusOr<Review> review = Start(kIndiaSteel);

  ExpectError(review.status(), absl::StatusCode::kFailedPrecondition,
              "INVALID_PLAN_STATE");
  EXPECT_EQ(factory_calls_, 0);
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(draft));
  EXPECT_THAT(ReviewNames(ReviewQuery()), IsEmpty());
  EXPECT_EQ(LastEventId(), events_before);
  ExpectError(
      reviews_->GetReview(absl::StrCat(kIndiaSteel, "/reviews/1")).status(),
      absl::StatusCode::kNotFound, "REVIEW_NOT_FOUND");
}

TEST_F(SqliteReviewStoreTest, StartReviewOfAMissingPlanIsNotFound) {
  ExpectError(Start("countries/BRA/plans/steel-2060").status(),
              absl::StatusCode::kNotFound, "PLAN_NOT_FOUND");
  EXPECT_EQ(factory_calls_, 0);
}

TEST_F(SqliteReviewStoreTest, AFactoryErrorAbortsTheWholeStart) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  const Plan submitted = GetPlan(kIndiaSteel);
  const int64_t events_before = LastEventId();

  absl::StatusOr<Review> review = reviews_->StartReview(
      ReviewerCtx(kStartReview), kIndiaSteel, Do(PlanAction::kStartReview),
      [](const Plan&, const Review*) -> absl::StatusOr<Review> {
        return absl::UnavailableError("The benchmark engine is restarting.");
      });

  EXPECT_EQ(review.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(review.status().message(), "The benchmark engine is restarting.");
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(submitted));
  EXPECT_THAT(ReviewNames(ReviewQuery()), IsEmpty());
  EXPECT_EQ(LastEventId(), events_before);
}

TEST_F(SqliteReviewStoreTest, SecondStartWhileOneIsOpenIsReviewAlreadyOpen) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review open = StartOk(kIndiaSteel);
  const Plan in_review = GetPlan(kIndiaSteel);
  Advance(absl::Hours(1));

  absl::StatusOr<Review> second = Start(kIndiaSteel, "", kSecondReviewerKey);

  ExpectError(second.status(), absl::StatusCode::kFailedPrecondition,
              "REVIEW_ALREADY_OPEN");
  EXPECT_THAT(second.status().message(), HasSubstr(open.name()));
  EXPECT_EQ(ErrorResourceOf(second.status()), open.name());
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(in_review));
  EXPECT_THAT(ReviewNames(ReviewQuery()), ElementsAre(open.name()));
}

TEST_F(SqliteReviewStoreTest, TheFactoryReceivesThePreviousCompletedReview) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review first = ReviewIndiaAndSendBack();
  ASSERT_EQ(GetPlan(kIndiaSteel).state(), Plan::SUBMITTED);
  ASSERT_EQ(GetPlan(kIndiaSteel).revision(), 2);

  Review second = StartOk(kIndiaSteel, kSecondReviewerKey);

  ASSERT_TRUE(previous_seen_.has_value());
  EXPECT_EQ(previous_seen_->name(), first.name());
  EXPECT_EQ(previous_seen_->state(), Review::COMPLETED);
  EXPECT_EQ(previous_seen_->decision(), Review::REQUEST_CHANGES);
  EXPECT_NE(second.name(), first.name());
  EXPECT_EQ(second.plan_revision(),
            "countries/IND/plans/steel-2070/revisions/2");
  EXPECT_EQ(second.previous_revision(),
            "countries/IND/plans/steel-2070/revisions/1");
  EXPECT_EQ(second.reviewer(), kSecondReviewerKey);
  EXPECT_EQ(GetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);
}

TEST_F(SqliteReviewStoreTest, StartReviewRetriedWithSameRequestIdReturnsFirst) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  absl::StatusOr<Review> first = Start(kIndiaSteel, kStartRequestId);
  ASSERT_TRUE(first.ok()) << first.status();
  const Plan in_review = GetPlan(kIndiaSteel);
  const int64_t events_after_first = LastEventId();
  Advance(absl::Minutes(3));

  absl::StatusOr<Review> retry = Start(kIndiaSteel, kStartRequestId);

  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_THAT(*retry, EqualsProto(*first));
  EXPECT_EQ(factory_calls_, 1);
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(in_review));
  EXPECT_THAT(ReviewNames(ReviewQuery()), ElementsAre(first->name()));
  EXPECT_EQ(LastEventId(), events_after_first);
}

TEST_F(SqliteReviewStoreTest, StartRequestIdReusedForAnotherPlanIsInvalid) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
  ASSERT_TRUE(Start(kIndiaSteel, kStartRequestId).ok());

  absl::StatusOr<Review> other = Start(kIndonesiaCement, kStartRequestId);

  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad = domain::BadRequestOf(other.status());
  ASSERT_EQ(bad.field_violations_size(), 1) << other.status();
  EXPECT_EQ(bad.field_violations(0).field(), "request_id");
  EXPECT_EQ(GetPlan(kIndonesiaCement).state(), Plan::SUBMITTED);
}

// ---------------------------------------------------------------------------
// MutateReview

TEST_F(SqliteReviewStoreTest, MutateReviewChangesEtagAndUpdateTime) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review started = StartOk(kIndiaSteel);
  Advance(absl::Hours(3));

  RepeatedPtrField<CriterionScore> two = AllEightScores();
  two.DeleteSubrange(2, 6);
  absl::StatusOr<Review> scored =
      ScoreReview(started.name(), two, started.etag());

  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_NE(scored->etag(), started.etag());
  EXPECT_FALSE(scored->etag().empty());
  EXPECT_EQ(MicrosOf(scored->update_time()), Now());
  EXPECT_EQ(MicrosOf(scored->create_time()), MicrosOf(started.create_time()));
  EXPECT_EQ(scored->scores_size(), 2);
  EXPECT_EQ(scored->total_score(), 3);
  EXPECT_EQ(scored->unscored_criteria_size(), 6);
  EXPECT_THAT(GetReview(started.name()), EqualsProto(*scored));

  Advance(absl::Hours(1));
  absl::StatusOr<Review> again =
      ScoreReview(started.name(), AllEightScores(), scored->etag());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(again->etag(), scored->etag());
  EXPECT_NE(again->etag(), started.etag());
  EXPECT_EQ(again->total_score(), 9);
  // Scoring does not touch the plan.
  EXPECT_EQ(GetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);
}

TEST_F(SqliteReviewStoreTest, AFailingReviewMutationChangesNothing) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review started = StartOk(kIndiaSteel);
  ASSERT_TRUE(ScoreReview(started.name(), AllEightScores()).ok());
  const Review before = GetReview(started.name());
  const int64_t events_before = LastEventId();
  Advance(absl::Hours(1));

  absl::StatusOr<Review> stale =
      ScoreReview(started.name(), AllEightScores(), started.etag());

  ExpectError(stale.status(), absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_THAT(GetReview(started.name()), EqualsProto(before));
  EXPECT_EQ(LastEventId(), events_before);
}

TEST_F(SqliteReviewStoreTest, MutateReviewOfAMissingReviewIsNotFound) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  absl::StatusOr<Review> missing =
      ScoreReview(absl::StrCat(kIndiaSteel, "/reviews/42"), AllEightScores());
  ExpectError(missing.status(), absl::StatusCode::kNotFound,
              "REVIEW_NOT_FOUND");
}

TEST_F(SqliteReviewStoreTest, CompletionMovesThePlanAndRecordsBothEvents) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review started = StartOk(kIndiaSteel);
  ASSERT_TRUE(ScoreReview(started.name(), AllEightScores()).ok());
  const int64_t events_before = LastEventId();
  Advance(absl::Hours(5));
  const int64_t decided_at = Now();

  absl::StatusOr<Review> completed =
      Complete(started.name(), Review::APPROVE,
               "Approved as a first national roadmap for crude steel.");

  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state(), Review::COMPLETED);
  EXPECT_EQ(completed->decision(), Review::APPROVE);
  EXPECT_EQ(completed->summary(),
            "Approved as a first national roadmap for crude steel.");
  EXPECT_EQ(MicrosOf(completed->complete_time()), decided_at);
  EXPECT_EQ(MicrosOf(completed->update_time()), decided_at);
  EXPECT_THAT(GetReview(started.name()), EqualsProto(*completed));

  Plan plan = GetPlan(kIndiaSteel);
  EXPECT_EQ(plan.state(), Plan::APPROVED);
  EXPECT_EQ(MicrosOf(plan.update_time()), decided_at);

  std::vector<StoredEvent> events = Events(events_before);
  ASSERT_EQ(events.size(), 2u);
  std::vector<PlanEvent::Type> types;
  for (const StoredEvent& e : events) {
    types.push_back(e.event.type());
    EXPECT_EQ(e.event.plan(), kIndiaSteel);
    EXPECT_EQ(e.event.review(), started.name());
    EXPECT_EQ(e.event.to_state(), Plan::APPROVED);
    EXPECT_EQ(MicrosOf(e.event.time()), decided_at);
    EXPECT_EQ(e.country, "IND");
    EXPECT_FALSE(e.on_open_review);
    if (e.event.type() == PlanEvent::STATE_CHANGED) {
      EXPECT_EQ(e.event.from_state(), Plan::IN_REVIEW);
    } else {
      EXPECT_EQ(e.event.decision(), Review::APPROVE);
      EXPECT_THAT(e.event.summary(), HasSubstr("APPROVE"));
      EXPECT_THAT(e.event.summary(), HasSubstr("9/32"));
    }
  }
  EXPECT_THAT(types, UnorderedElementsAre(PlanEvent::STATE_CHANGED,
                                          PlanEvent::REVIEW_COMPLETED));
  EXPECT_LT(events[0].event.id(), events[1].event.id());
}

TEST_F(SqliteReviewStoreTest,
       CompletionWhosePlanTransitionFailsChangesNothing) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review started = StartOk(kIndiaSteel);
  ASSERT_TRUE(ScoreReview(started.name(), AllEightScores()).ok());
  Advance(absl::Hours(1));
  // The partner withdraws the plan while it is being reviewed.
  MutatePlan(kIndiaSteel, "/itp.v1.PlanService/WithdrawPlan",
             PlanAction::kWithdraw);
  const Plan withdrawn = GetPlan(kIndiaSteel);
  const Review before = GetReview(started.name());
  const int64_t events_before = LastEventId();
  Advance(absl::Hours(1));

  absl::StatusOr<Review> completed =
      Complete(started.name(), Review::APPROVE, "Approved.");

  ExpectError(completed.status(), absl::StatusCode::kFailedPrecondition,
              "INVALID_PLAN_STATE");
  EXPECT_THAT(GetReview(started.name()), EqualsProto(before));
  EXPECT_EQ(GetReview(started.name()).state(), Review::OPEN);
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(withdrawn));
  EXPECT_EQ(LastEventId(), events_before);
}

TEST_F(SqliteReviewStoreTest, IncompleteReviewCannotCompleteAndPlanStays) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review started = StartOk(kIndiaSteel);
  const Plan in_review = GetPlan(kIndiaSteel);

  absl::StatusOr<Review> completed =
      Complete(started.name(), Review::REJECT, "No interim targets.");

  ExpectError(completed.status(), absl::StatusCode::kFailedPrecondition,
              "REVIEW_INCOMPLETE");
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(in_review));
  EXPECT_THAT(GetReview(started.name()), EqualsProto(started));
}

TEST_F(SqliteReviewStoreTest, CompletionRetriedWithSameRequestIdReturnsFirst) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review started = StartOk(kIndiaSteel);
  ASSERT_TRUE(ScoreReview(started.name(), AllEightScores()).ok());
  absl::StatusOr<Review> first = Complete(
      started.name(), Review::REJECT,
      "The pathway is far from 1.5 C and has no policies.", kCompleteRequestId);
  ASSERT_TRUE(first.ok()) << first.status();
  const int64_t events_after_first = LastEventId();
  Advance(absl::Minutes(2));

  absl::StatusOr<Review> retry = Complete(
      started.name(), Review::REJECT,
      "The pathway is far from 1.5 C and has no policies.", kCompleteRequestId);

  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_THAT(*retry, EqualsProto(*first));
  EXPECT_EQ(GetPlan(kIndiaSteel).state(), Plan::REJECTED);
  EXPECT_EQ(LastEventId(), events_after_first);
}

// ---------------------------------------------------------------------------
// Comments

TEST_F(SqliteReviewStoreTest, CreateCommentNamesItUnderTheReviewWithAuthor) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review review = StartOk(kIndiaSteel);
  const int64_t events_before = LastEventId();
  Advance(absl::Minutes(30));
  Comment input = NewComment(
      kIntensityAnchor,
      "2.2 t CO2/t in 2030 is below the 2.54 of 2020 but far above the IEA "
      "net-zero pathway; state the measures behind it.");
  input.set_resolved(true);  // Ignored: a new comment is unresolved.
  input.set_author("apiKeys/ffffffffffffffff");

  absl::StatusOr<Comment> comment = reviews_->CreateComment(
      ReviewerCtx(kCreateComment), review.name(), input);

  ASSERT_TRUE(comment.ok()) << comment.status();
  EXPECT_EQ(comment->name(), absl::StrCat(review.name(), "/comments/1"));
  EXPECT_EQ(comment->anchor(), kIntensityAnchor);
  EXPECT_EQ(comment->body(), input.body());
  EXPECT_FALSE(comment->resolved());
  EXPECT_EQ(comment->author(), kReviewerKey);
  EXPECT_EQ(comment->author_role(), "REVIEWER");
  EXPECT_EQ(MicrosOf(comment->create_time()), Now());
  EXPECT_EQ(MicrosOf(comment->update_time()), Now());

  absl::StatusOr<Comment> got = reviews_->GetComment(comment->name());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, EqualsProto(*comment));
  EXPECT_EQ(GetReview(review.name()).unresolved_comments(), 1);

  std::vector<StoredEvent> events = Events(events_before);
  ASSERT_EQ(events.size(), 1u);
  const PlanEvent& e = events[0].event;
  EXPECT_EQ(e.type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(e.plan(), kIndiaSteel);
  EXPECT_EQ(e.review(), review.name());
  EXPECT_EQ(e.comment(), comment->name());
  EXPECT_THAT(e.summary(), HasSubstr(kIntensityAnchor));
  EXPECT_EQ(MicrosOf(e.time()), Now());
  EXPECT_EQ(events[0].country, "IND");
  EXPECT_TRUE(events[0].on_open_review);
}

TEST_F(SqliteReviewStoreTest, CommentOnACompletedReviewIsNotOnAnOpenReview) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review review = StartOk(kIndiaSteel);
  Comment question = AddComment(
      review.name(),
      NewComment("targets", "Add a 2030 interim target with a base year."));
  ASSERT_TRUE(ScoreReview(review.name(), AllEightScores()).ok());
  ASSERT_TRUE(Complete(review.name(), Review::REQUEST_CHANGES,
                       "Interim targets are missing.")
                  .ok());
  const int64_t events_before = LastEventId();
  Advance(absl::Hours(48));

  Comment reply = AddComment(
      review.name(),
      NewComment("",
                 "The Ministry of Steel will add a 2030 target of 2.0 t "
                 "CO2/t in the next revision.",
                 question.name()),
      PartnerCtx(kCreateComment));

  EXPECT_EQ(reply.reply_to(), question.name());
  EXPECT_EQ(reply.author(), kPartnerKey);
  EXPECT_EQ(reply.author_role(), "PARTNER");
  std::vector<StoredEvent> events = Events(events_before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(events[0].event.comment(), reply.name());
  EXPECT_FALSE(events[0].on_open_review);
  EXPECT_EQ(events[0].country, "IND");
}

TEST_F(SqliteReviewStoreTest, ReplyToACommentOfAnotherReviewIsNotFound) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
  Review india = StartOk(kIndiaSteel);
  Review indonesia = StartOk(kIndonesiaCement);
  Comment on_india = AddComment(
      india.name(), NewComment(kIntensityAnchor, "Source of the 2030 figure?"));
  const int64_t events_before = LastEventId();

  absl::StatusOr<Comment> reply = reviews_->CreateComment(
      ReviewerCtx(kCreateComment), indonesia.name(),
      NewComment("", "Same question for the clinker ratio.", on_india.name()));

  ExpectError(reply.status(), absl::StatusCode::kNotFound, "COMMENT_NOT_FOUND");
  EXPECT_EQ(ErrorResourceOf(reply.status()), on_india.name());
  // A comment that does not exist at all.
  ExpectError(reviews_
                  ->CreateComment(ReviewerCtx(kCreateComment), indonesia.name(),
                                  NewComment("", "Which kilns?",
                                             absl::StrCat(indonesia.name(),
                                                          "/comments/99")))
                  .status(),
              absl::StatusCode::kNotFound, "COMMENT_NOT_FOUND");
  absl::StatusOr<CommentPage> page =
      reviews_->ListComments(indonesia.name(), 10, std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->comments, IsEmpty());
  EXPECT_EQ(GetReview(indonesia.name()).unresolved_comments(), 0);
  EXPECT_EQ(LastEventId(), events_before);
}

TEST_F(SqliteReviewStoreTest, CreateCommentOnAMissingReviewIsNotFound) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  absl::StatusOr<Comment> comment = reviews_->CreateComment(
      ReviewerCtx(kCreateComment), absl::StrCat(kIndiaSteel, "/reviews/9"),
      NewComment("", "Where is the finance section?"));
  ExpectError(comment.status(), absl::StatusCode::kNotFound,
              "REVIEW_NOT_FOUND");
}

TEST_F(SqliteReviewStoreTest, SetCommentResolvedUpdatesItAndTheOpenCount) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review review = StartOk(kIndiaSteel);
  Comment targets =
      AddComment(review.name(), NewComment("targets", "Add a 2030 target."));
  Comment finance = AddComment(
      review.name(), NewComment("finance", "State the total investment need."));
  AddComment(review.name(),
             NewComment("governance", "Name the lead institution."));
  EXPECT_EQ(GetReview(review.name()).unresolved_comments(), 3);
  Advance(absl::Hours(4));

  absl::StatusOr<Comment> resolved = reviews_->SetCommentResolved(
      ReviewerCtx(kResolveComment), finance.name(), true);

  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_TRUE(resolved->resolved());
  EXPECT_EQ(MicrosOf(resolved->update_time()), Now());
  EXPECT_EQ(MicrosOf(resolved->create_time()), MicrosOf(finance.create_time()));
  EXPECT_EQ(resolved->body(), finance.body());
  absl::StatusOr<Comment> got = reviews_->GetComment(finance.name());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, EqualsProto(*resolved));
  EXPECT_EQ(GetReview(review.name()).unresolved_comments(), 2);

  // Reopened.
  absl::StatusOr<Comment> reopened = reviews_->SetCommentResolved(
      ReviewerCtx(kResolveComment), finance.name(), false);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_FALSE(reopened->resolved());
  EXPECT_EQ(GetReview(review.name()).unresolved_comments(), 3);
  EXPECT_FALSE(targets.resolved());
}

TEST_F(SqliteReviewStoreTest, SetCommentResolvedOfAMissingCommentIsNotFound) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review review = StartOk(kIndiaSteel);
  ExpectError(
      reviews_
          ->SetCommentResolved(ReviewerCtx(kResolveComment),
                               absl::StrCat(review.name(), "/comments/5"), true)
          .status(),
      absl::StatusCode::kNotFound, "COMMENT_NOT_FOUND");
}

TEST_F(SqliteReviewStoreTest, MutationSeesTheUnresolvedCommentCount) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review review = StartOk(kIndiaSteel);
  ASSERT_TRUE(ScoreReview(review.name(), AllEightScores()).ok());
  Comment targets =
      AddComment(review.name(), NewComment("targets", "Add a 2030 target."));
  ASSERT_TRUE(reviews_
                  ->SetCommentResolved(ReviewerCtx(kResolveComment),
                                       targets.name(), true)
                  .ok());
  const Plan in_review = GetPlan(kIndiaSteel);

  // The only comment is resolved: there is nothing to ask changes for.
  ExpectError(
      Complete(review.name(), Review::REQUEST_CHANGES, "Add interim targets.")
          .status(),
      absl::StatusCode::kFailedPrecondition, "NO_UNRESOLVED_COMMENTS");
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(in_review));

  int seen = -1;
  ASSERT_TRUE(reviews_
                  ->MutateReview(
                      ReviewerCtx(kScoreReview), review.name(),
                      [&seen](Review&, int unresolved, int64_t) {
                        seen = unresolved;
                        return absl::OkStatus();
                      },
                      nullptr)
                  .ok());
  EXPECT_EQ(seen, 0);
  AddComment(review.name(), NewComment("governance", "Name the MRV body."));

  absl::StatusOr<Review> completed = Complete(
      review.name(), Review::REQUEST_CHANGES, "Add interim targets and MRV.");
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->unresolved_comments(), 1);
  EXPECT_EQ(GetPlan(kIndiaSteel).state(), Plan::CHANGES_REQUESTED);
}

TEST_F(SqliteReviewStoreTest, ListCommentsReturnsOldestFirstInPages) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
  Review india = StartOk(kIndiaSteel);
  Review indonesia = StartOk(kIndonesiaCement);
  std::vector<std::string> expected;
  const char* const kBodies[] = {
      "The 2030 intensity needs a source.",
      "Add a 2035 milestone.",
      "Is scrap availability assumed for the EAF share?",
      "State the scope boundary of the intensity figures.",
      "Name the lead institution and the MRV body.",
  };
  for (const char* body : kBodies) {
    expected.push_back(AddComment(india.name(), NewComment("", body)).name());
    // Interleaved comments of another review stay out of the listing.
    AddComment(indonesia.name(), NewComment("", "Clinker ratio source?"));
    Advance(absl::Minutes(10));
  }

  std::vector<std::string> names;
  std::optional<domain::PageCursor> after;
  int pages = 0;
  do {
    absl::StatusOr<CommentPage> page =
        reviews_->ListComments(india.name(), 2, after);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->comments.size(), 2u);
    for (const Comment& c : page->comments) names.push_back(c.name());
    after = page->next;
    ++pages;
  } while (after.has_value() && pages < 10);

  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names, expected);

  absl::StatusOr<CommentPage> all =
      reviews_->ListComments(india.name(), 5, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->comments.size(), 5u);
  EXPECT_FALSE(all->next.has_value());
  EXPECT_EQ(all->comments[2].body(), kBodies[2]);
  EXPECT_LT(MicrosOf(all->comments[0].create_time()),
            MicrosOf(all->comments[4].create_time()));
}

// ---------------------------------------------------------------------------
// GetReview and ListReviews

TEST_F(SqliteReviewStoreTest, GetReviewUnderAnotherPlanIsNotFound) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
  Review india = StartOk(kIndiaSteel);
  ASSERT_EQ(india.name(), "countries/IND/plans/steel-2070/reviews/1");
  Comment comment =
      AddComment(india.name(), NewComment("", "Source of the 2050 figure?"));

  const std::string wrong = "countries/IDN/plans/cement-2060/reviews/1";
  absl::StatusOr<Review> got = reviews_->GetReview(wrong);
  ExpectError(got.status(), absl::StatusCode::kNotFound, "REVIEW_NOT_FOUND");
  EXPECT_EQ(ErrorResourceOf(got.status()), wrong);
  ExpectError(
      reviews_->GetReview(absl::StrCat(kIndiaSteel, "/reviews/2")).status(),
      absl::StatusCode::kNotFound, "REVIEW_NOT_FOUND");
  ExpectError(reviews_->GetReview(kIndiaSteel).status(),
              absl::StatusCode::kNotFound, "REVIEW_NOT_FOUND");
  ExpectError(reviews_->GetComment(absl::StrCat(wrong, "/comments/1")).status(),
              absl::StatusCode::kNotFound, "COMMENT_NOT_FOUND");
  // Writes through the wrong name reach nothing either.
  ExpectError(ScoreReview(wrong, AllEightScores()).status(),
              absl::StatusCode::kNotFound, "REVIEW_NOT_FOUND");
  ExpectError(reviews_
                  ->CreateComment(ReviewerCtx(kCreateComment), wrong,
                                  NewComment("", "Which kilns are covered?"))
                  .status(),
              absl::StatusCode::kNotFound, "REVIEW_NOT_FOUND");
  // The same review under the right plan, untouched.
  EXPECT_EQ(GetReview(india.name()).unresolved_comments(), 1);
  EXPECT_THAT(GetReview(india.name()).scores(), IsEmpty());
  EXPECT_TRUE(reviews_->GetComment(comment.name()).ok());
}

class SqliteReviewStoreListTest : public SqliteReviewStoreTest {
 protected:
  // Four reviews, started one after the other:
  //   r1 IND steel-2070   reviewer A  COMPLETED (REQUEST_CHANGES)
  //   r2 IDN cement-2060  reviewer B  OPEN
  //   r3 ZAF steel-2050   reviewer A  COMPLETED (APPROVE)
  //   r4 IND steel-2070   reviewer B  OPEN, two unresolved comments
  void SetUp() override {
    SqliteReviewStoreTest::SetUp();
    CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
    CreateSubmitted(kIndonesiaCement, IndonesiaCementPlan());
    Plan south_africa = SteelPlan("ZAF", 2.3);
    south_africa.set_display_name("South Africa steel decarbonisation plan");
    CreateSubmitted(kSouthAfricaSteel, south_africa);
    r1_ = StartOk(kIndiaSteel).name();
    Advance(absl::Hours(1));
    ASSERT_TRUE(ScoreReview(r1_, AllEightScores()).ok());
    AddComment(r1_, NewComment("targets", "Add a 2030 interim target."));
    ASSERT_TRUE(
        Complete(r1_, Review::REQUEST_CHANGES, "Targets missing.").ok());
    Advance(absl::Hours(1));
    r2_ = StartOk(kIndonesiaCement, kSecondReviewerKey).name();
    Advance(absl::Hours(1));
    r3_ = StartOk(kSouthAfricaSteel).name();
    ASSERT_TRUE(ScoreReview(r3_, AllEightScores()).ok());
    ASSERT_TRUE(Complete(r3_, Review::APPROVE, "Credible and costed.").ok());
    Advance(absl::Hours(1));
    Submit(kIndiaSteel);
    r4_ = StartOk(kIndiaSteel, kSecondReviewerKey).name();
    AddComment(r4_, NewComment("targets", "The 2030 target has no base year."));
    AddComment(r4_, NewComment("finance", "Split domestic and international."));
  }

  std::string r1_, r2_, r3_, r4_;
};

TEST_F(SqliteReviewStoreListTest, ListsNewestFirstWithUnresolvedCounts) {
  ReviewQuery query;
  query.page_size = 10;
  absl::StatusOr<ReviewPage> page = reviews_->ListReviews(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->reviews.size(), 4u);
  EXPECT_EQ(page->reviews[0].name(), r4_);
  EXPECT_EQ(page->reviews[1].name(), r3_);
  EXPECT_EQ(page->reviews[2].name(), r2_);
  EXPECT_EQ(page->reviews[3].name(), r1_);
  EXPECT_EQ(page->reviews[0].unresolved_comments(), 2);
  EXPECT_EQ(page->reviews[3].unresolved_comments(), 1);
  EXPECT_EQ(page->reviews[1].unresolved_comments(), 0);
  EXPECT_FALSE(page->next.has_value());
  EXPECT_THAT(page->reviews[0], EqualsProto(GetReview(r4_)));
}

TEST_F(SqliteReviewStoreListTest, FiltersByPlan) {
  ReviewQuery query;
  query.plan = kIndiaSteel;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r4_, r1_));
  query.plan = "countries/IND/plans/cement-2070";
  EXPECT_THAT(ReviewNames(query), IsEmpty());
}

TEST_F(SqliteReviewStoreListTest, FiltersByCountries) {
  ReviewQuery query;
  query.countries = {"IDN", "ZAF"};
  EXPECT_THAT(ReviewNames(query), ElementsAre(r3_, r2_));
  query.countries = {"BRA"};
  EXPECT_THAT(ReviewNames(query), IsEmpty());
}

TEST_F(SqliteReviewStoreListTest, FiltersByState) {
  ReviewQuery query;
  query.state = Review::OPEN;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r4_, r2_));
  query.state = Review::COMPLETED;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r3_, r1_));
}

TEST_F(SqliteReviewStoreListTest, FiltersByReviewer) {
  ReviewQuery query;
  query.reviewer = kReviewerKey;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r3_, r1_));
  query.reviewer = kSecondReviewerKey;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r4_, r2_));
}

TEST_F(SqliteReviewStoreListTest, CombinesFilters) {
  ReviewQuery query;
  query.countries = {"IND", "IDN"};
  query.state = Review::COMPLETED;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r1_));
  query.state = Review::OPEN;
  query.reviewer = kSecondReviewerKey;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r4_, r2_));
  query.plan = kIndonesiaCement;
  EXPECT_THAT(ReviewNames(query), ElementsAre(r2_));
}

TEST_F(SqliteReviewStoreListTest, PagesFollowTheCursor) {
  ReviewQuery query;
  query.page_size = 3;
  absl::StatusOr<ReviewPage> first = reviews_->ListReviews(query);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->reviews.size(), 3u);
  EXPECT_EQ(first->reviews[2].name(), r2_);
  ASSERT_TRUE(first->next.has_value());
  EXPECT_EQ(first->next->name, r2_);

  query.after = first->next;
  absl::StatusOr<ReviewPage> second = reviews_->ListReviews(query);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->reviews.size(), 1u);
  EXPECT_EQ(second->reviews[0].name(), r1_);
  EXPECT_FALSE(second->next.has_value());

  // Exactly two full pages: no cursor after the second.
  query.page_size = 2;
  query.after.reset();
  absl::StatusOr<ReviewPage> a = reviews_->ListReviews(query);
  ASSERT_TRUE(a.ok() && a->next.has_value());
  query.after = a->next;
  absl::StatusOr<ReviewPage> b = reviews_->ListReviews(query);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->reviews.size(), 2u);
  EXPECT_EQ(b->reviews[0].name(), r2_);
  EXPECT_EQ(b->reviews[1].name(), r1_);
  EXPECT_FALSE(b->next.has_value());
}

TEST_F(SqliteReviewStoreListTest, PagesOfAFilteredQuery) {
  ReviewQuery query;
  query.reviewer = kSecondReviewerKey;
  query.page_size = 1;
  absl::StatusOr<ReviewPage> first = reviews_->ListReviews(query);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->reviews.size(), 1u);
  EXPECT_EQ(first->reviews[0].name(), r4_);
  ASSERT_TRUE(first->next.has_value());
  query.after = first->next;
  absl::StatusOr<ReviewPage> second = reviews_->ListReviews(query);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->reviews.size(), 1u);
  EXPECT_EQ(second->reviews[0].name(), r2_);
  EXPECT_FALSE(second->next.has_value());
}

// ---------------------------------------------------------------------------
// Events

TEST_F(SqliteReviewStoreTest, PlanStoreSubmitAppendsAStateChangedEvent) {
  CreatePlan(kIndiaSteel, IndiaSteelPlan());
  EXPECT_THAT(Events(), IsEmpty());
  Advance(absl::Hours(2));

  Submit(kIndiaSteel);

  std::vector<StoredEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  const PlanEvent& e = events[0].event;
  EXPECT_EQ(e.type(), PlanEvent::STATE_CHANGED);
  EXPECT_EQ(e.plan(), kIndiaSteel);
  EXPECT_EQ(e.from_state(), Plan::DRAFT);
  EXPECT_EQ(e.to_state(), Plan::SUBMITTED);
  EXPECT_EQ(e.review(), "");
  EXPECT_EQ(e.summary(), "DRAFT -> SUBMITTED");
  EXPECT_EQ(MicrosOf(e.time()), Now());
  EXPECT_GT(e.id(), 0);
  EXPECT_EQ(events[0].country, "IND");
  EXPECT_FALSE(events[0].on_open_review);
}

TEST_F(SqliteReviewStoreTest, ListEventsAfterAnIdReturnsLaterEventsInOrder) {
  CreatePlan(kIndiaSteel, IndiaSteelPlan());
  Advance(absl::Hours(1));
  Submit(kIndiaSteel);  // 1: DRAFT -> SUBMITTED
  CreatePlan(kIndonesiaCement, IndonesiaCementPlan());
  Advance(absl::Hours(1));
  Submit(kIndonesiaCement);  // 2: DRAFT -> SUBMITTED (IDN)
  Advance(absl::Hours(1));
  Review review = StartOk(kIndiaSteel);  // 3: SUBMITTED -> IN_REVIEW
  Advance(absl::Hours(1));
  Comment comment =
      AddComment(review.name(), NewComment(kIntensityAnchor, "Source?"));  // 4
  ASSERT_TRUE(ScoreReview(review.name(), AllEightScores()).ok());
  Advance(absl::Hours(1));
  ASSERT_TRUE(Complete(review.name(), Review::REQUEST_CHANGES,
                       "Interim targets are missing.")
                  .ok());  // 5 and 6

  std::vector<StoredEvent> all = Events();
  ASSERT_EQ(all.size(), 6u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].event.id(), all[i].event.id());
    EXPECT_LE(MicrosOf(all[i - 1].event.time()), MicrosOf(all[i].event.time()));
  }
  EXPECT_EQ(all[0].country, "IND");
  EXPECT_EQ(all[1].country, "IDN");
  EXPECT_EQ(all[1].event.plan(), kIndonesiaCement);
  EXPECT_EQ(all[2].event.to_state(), Plan::IN_REVIEW);
  EXPECT_EQ(all[3].event.type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(all[3].event.comment(), comment.name());
  EXPECT_TRUE(all[3].on_open_review);
  EXPECT_EQ(MicrosOf(all[5].event.time()), Now());

  std::vector<StoredEvent> later = Events(all[2].event.id());
  ASSERT_EQ(later.size(), 3u);
  EXPECT_EQ(later[0].event.id(), all[3].event.id());
  EXPECT_EQ(later[0].event.type(), PlanEvent::COMMENT_ADDED);
  EXPECT_EQ(later[2].event.id(), all[5].event.id());
  for (const StoredEvent& e : later) {
    EXPECT_EQ(e.country, "IND");
    EXPECT_TRUE(e.event.has_time());
  }

  absl::StatusOr<std::vector<StoredEvent>> limited =
      reviews_->ListEvents(all[0].event.id(), 2);
  ASSERT_TRUE(limited.ok()) << limited.status();
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[0].event.id(), all[1].event.id());
  EXPECT_EQ((*limited)[1].event.id(), all[2].event.id());

  EXPECT_THAT(Events(all[5].event.id()), IsEmpty());
}

// ---------------------------------------------------------------------------
// Concurrency

// A factory without side effects, for calls from several threads.
absl::StatusOr<Review> PlainReview(const Plan& plan, const Review*) {
  Review review;
  review.set_plan_revision(
      absl::StrCat(plan.name(), "/revisions/", plan.revision()));
  review.set_rubric(domain::CurrentRubric().name());
  domain::RollUp(review, domain::CurrentRubric());
  return review;
}

TEST_F(SqliteReviewStoreTest, ConcurrentStartsOpenExactlyOneReview) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  const int64_t events_before = LastEventId();
  constexpr int kReviewers = 6;
  std::vector<absl::Status> results(kReviewers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReviewers; ++i) {
    threads.emplace_back([this, &results, i] {
      results[i] =
          reviews_
              ->StartReview(
                  ReviewerCtx(kStartReview, "",
                              absl::StrCat("apiKeys/9b2e4c6a8d0f135", i)),
                  kIndiaSteel, Do(PlanAction::kStartReview), PlainReview)
              .status();
    });
  }
  for (std::thread& t : threads) t.join();

  int started = 0;
  for (const absl::Status& s : results) {
    if (s.ok()) {
      ++started;
    } else {
      ExpectError(s, absl::StatusCode::kFailedPrecondition,
                  "REVIEW_ALREADY_OPEN");
    }
  }
  EXPECT_EQ(started, 1);
  EXPECT_EQ(ReviewNames(ReviewQuery()).size(), 1u);
  EXPECT_EQ(GetPlan(kIndiaSteel).state(), Plan::IN_REVIEW);
  EXPECT_EQ(Events(events_before).size(), 1u);
}

TEST_F(SqliteReviewStoreTest, ConcurrentCommentsAreAllKept) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  Review review = StartOk(kIndiaSteel);
  const int64_t events_before = LastEventId();
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::vector<std::vector<std::string>> names(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &names, &review, t] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<Comment> c = reviews_->CreateComment(
            ReviewerCtx(kCreateComment), review.name(),
            NewComment(absl::StrCat("sectors[0].points[", i % 4, "]"),
                       absl::StrCat("Reviewer ", t, ", note ", i,
                                    ": state the source of this point.")));
        if (c.ok()) names[t].push_back(c->name());
      }
    });
  }
  for (std::thread& t : threads) t.join();

  std::set<std::string> unique;
  for (const auto& per_thread : names) {
    EXPECT_EQ(per_thread.size(), static_cast<size_t>(kEach));
    unique.insert(per_thread.begin(), per_thread.end());
  }
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(GetReview(review.name()).unresolved_comments(), kThreads * kEach);
  absl::StatusOr<CommentPage> page =
      reviews_->ListComments(review.name(), 100, std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->comments.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(Events(events_before).size(),
            static_cast<size_t>(kThreads * kEach));
}

// ---------------------------------------------------------------------------
// Durability

TEST_F(SqliteReviewStoreTest, ReviewsCommentsAndEventsSurviveReopen) {
  CreateSubmitted(kIndiaSteel, IndiaSteelPlan());
  absl::StatusOr<Review> started = Start(kIndiaSteel, kStartRequestId);
  ASSERT_TRUE(started.ok()) << started.status();
  Comment comment = AddComment(
      started->name(), NewComment(kIntensityAnchor, "Source of 2.2 t CO2/t?"));
  ASSERT_TRUE(ScoreReview(started->name(), AllEightScores()).ok());
  absl::StatusOr<Review> completed = Complete(
      started->name(), Review::REQUEST_CHANGES, "Add interim targets.");
  ASSERT_TRUE(completed.ok()) << completed.status();
  const std::vector<StoredEvent> events = Events();
  const Plan plan = GetPlan(kIndiaSteel);

  Reopen();

  EXPECT_THAT(GetReview(started->name()), EqualsProto(*completed));
  absl::StatusOr<Comment> got = reviews_->GetComment(comment.name());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, EqualsProto(comment));
  absl::StatusOr<CommentPage> comments =
      reviews_->ListComments(started->name(), 10, std::nullopt);
  ASSERT_TRUE(comments.ok()) << comments.status();
  ASSERT_EQ(comments->comments.size(), 1u);
  EXPECT_THAT(GetPlan(kIndiaSteel), EqualsProto(plan));
  EXPECT_EQ(GetPlan(kIndiaSteel).state(), Plan::CHANGES_REQUESTED);
  ReviewQuery completed_reviews;
  completed_reviews.state = Review::COMPLETED;
  EXPECT_THAT(ReviewNames(completed_reviews), ElementsAre(started->name()));
  std::vector<StoredEvent> reread = Events();
  ASSERT_EQ(reread.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_THAT(reread[i].event, EqualsProto(events[i].event));
    EXPECT_EQ(reread[i].country, events[i].country);
    EXPECT_EQ(reread[i].on_open_review, events[i].on_open_review);
  }
  // The request log survives too: the first StartReview is replayed.
  absl::StatusOr<Review> replay = Start(kIndiaSteel, kStartRequestId);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_THAT(*replay, EqualsProto(*started));
  // New events continue after the old ones.
  Advance(absl::Hours(1));
  Submit(kIndiaSteel);
  std::vector<StoredEvent> after = Events(events.back().event.id());
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].event.to_state(), Plan::SUBMITTED);
}

}  // namespace
}  // namespace itp::storage
