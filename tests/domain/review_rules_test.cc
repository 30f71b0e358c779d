// Tests of the review rubric and the rules of a review: score validation,
// scoring, roll-up, completion and the plan action a decision triggers.

#include "server/domain/review_rules.h"

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "itp/v1/review.pb.h"
#include "server/domain/errors.h"
#include "server/domain/plan_lifecycle.h"

namespace itp::domain {
namespace {

using ::google::protobuf::RepeatedPtrField;
using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::itp::v1::CriterionScore;
using ::itp::v1::Review;
using ::itp::v1::Rubric;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr char kRubricName[] = "rubrics/leadit-2026-v1";
constexpr char kReviewName[] = "countries/IND/plans/steel-2070/reviews/7";
constexpr char kRevisionName[] = "countries/IND/plans/steel-2070/revisions/1";
constexpr char kEtag[] = "3c9e1f04a7b2d865";
constexpr char kStaleEtag[] = "0f6a2b9d41c8e357";
// 2026-03-09T12:00:00Z.
constexpr int64_t kCompleteMicros = 1773057600000000;

// Evidence a secretariat reviewer writes about the India steel plan.
constexpr char kAmbitionEvidence[] =
    "Net zero by 2070 is stated, but 1.0 t CO2/t in 2050 is well above a "
    "1.5 C aligned pathway for crude steel.";
constexpr char kInterimEvidence[] =
    "Net zero by 2070 is stated but no 2030 interim target is given";
constexpr char kCoverageEvidence[] =
    "Crude steel only; the scope boundary and non-CO2 gases are not stated.";
constexpr char kImplementationEvidence[] =
    "One 0.5 Mtpa hydrogen DRI demonstration plant from 2027; no technology "
    "roadmap beyond it.";
constexpr char kPolicyEvidence[] =
    "No carbon pricing, product standards or green public procurement are "
    "listed.";
constexpr char kFinanceEvidence[] =
    "USD 600 million capex for the DRI plant; no total investment need and no "
    "sources.";
constexpr char kGovernanceEvidence[] =
    "No lead institution, MRV arrangements or reporting cadence.";
constexpr char kEngagementEvidence[] =
    "Workers and communities in Jharkhand and Odisha steel districts are not "
    "mentioned.";

CriterionScore Score(const std::string& criterion, int score,
                     const std::string& evidence) {
  CriterionScore s;
  s.set_criterion_id(criterion);
  s.set_score(score);
  s.set_evidence(evidence);
  return s;
}

RepeatedPtrField<CriterionScore> Scores(
    std::initializer_list<CriterionScore> scores) {
  RepeatedPtrField<CriterionScore> out;
  for (const CriterionScore& s : scores) *out.Add() = s;
  return out;
}

// Scores of all eight criteria of the India steel plan: 2+1+1+2+0+1+0+1 = 8.
RepeatedPtrField<CriterionScore> AllEightScores() {
  return Scores({Score("ambition", 2, kAmbitionEvidence),
                 Score("interim_targets", 1, kInterimEvidence),
                 Score("coverage", 1, kCoverageEvidence),
                 Score("implementation", 2, kImplementationEvidence),
                 Score("policy_instruments", 0, kPolicyEvidence),
                 Score("finance", 1, kFinanceEvidence),
                 Score("governance", 0, kGovernanceEvidence),
                 Score("engagement", 1, kEngagementEvidence)});
}

// A review as StartReview creates it: open, nothing scored yet.
Review OpenReview() {
  Review review;
  review.set_name(kReviewName);
  review.set_plan_revision(kRevisionName);
  review.set_rubric(kRubricName);
  review.set_reviewer("apiKeys/5f1c0a9e3b7d2468");
  review.set_state(Review::OPEN);
  review.set_etag(kEtag);
  RollUp(review, CurrentRubric());
  return review;
}

// An open review with every criterion scored.
Review FullyScoredReview() {
  Review review = OpenReview();
  absl::Status s = ApplyScores(review, AllEightScores(), "", CurrentRubric());
  EXPECT_TRUE(s.ok()) << s;
  return review;
}

std::vector<std::string> CriterionIds(const Review& review) {
  std::vector<std::string> ids;
  for (const auto& s : review.scores()) ids.push_back(s.criterion_id());
  return ids;
}

std::vector<std::string> UnscoredIds(const Review& review) {
  return {review.unscored_criteria().begin(), review.unscored_criteria().end()};
}

// The violations of `scores` against the current rubric, as (field,
// description) pairs.
std::vector<std::pair<std::string, std::string>> Violations(
    const RepeatedPtrField<CriterionScore>& scores) {
  FieldViolations v;
  ValidateScores(scores, CurrentRubric(), "scores", &v);
  return v.violations();
}

// The ErrorInfo "resource" metadata of a status; empty when absent.
std::string ErrorResourceOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(kErrorInfoTypeUrl)) {
    info.ParseFromString(std::string(*payload));
  }
  auto it = info.metadata().find("resource");
  return it == info.metadata().end() ? "" : it->second;
}

void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::string& reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(ErrorReasonOf(status), reason) << status;
}

// ---------------------------------------------------------------------------
// The rubric.

TEST(ReviewRulesTest, CurrentRubricHasTheEightCriteriaOfTheBriefInOrder) {
  Rubric rubric = CurrentRubric();
  EXPECT_EQ(rubric.name(), kRubricName);
  EXPECT_EQ(rubric.max_score(), 4);
  std::vector<std::string> ids;
  for (const auto& c : rubric.criteria()) {
    ids.push_back(c.id());
    EXPECT_FALSE(c.title().empty()) << c.id();
    EXPECT_FALSE(c.guidance().empty()) << c.id();
  }
  EXPECT_THAT(ids, ElementsAre("ambition", "interim_targets", "coverage",
                               "implementation", "policy_instruments",
                               "finance", "governance", "engagement"));
  EXPECT_EQ(rubric.criteria(6).title(), "Governance and accountability");
  EXPECT_EQ(rubric.criteria(7).title(), "Engagement and just transition");
  EXPECT_THAT(rubric.criteria(1).guidance(), HasSubstr("2030"));
  EXPECT_EQ(rubric.sources_size(), 3);
  EXPECT_FALSE(rubric.display_name().empty());
  EXPECT_FALSE(rubric.version().empty());
}

TEST(ReviewRulesTest, FindRubricWithoutNameReturnsTheCurrentRubric) {
  absl::StatusOr<Rubric> rubric = FindRubric("");
  ASSERT_TRUE(rubric.ok()) << rubric.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*rubric, CurrentRubric()));
}

TEST(ReviewRulesTest, FindRubricByNameReturnsTheCurrentRubric) {
  absl::StatusOr<Rubric> rubric = FindRubric("rubrics/leadit-2026-v1");
  ASSERT_TRUE(rubric.ok()) << rubric.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*rubric, CurrentRubric()));
}

TEST(ReviewRulesTest, FindRubricOfAnotherNameIsNotFound) {
  for (const char* name :
       {"rubrics/leadit-2025-v1", "rubrics/ascor-2024", "leadit-2026-v1"}) {
    absl::StatusOr<Rubric> rubric = FindRubric(name);
    ExpectError(rubric.status(), absl::StatusCode::kNotFound,
                "RUBRIC_NOT_FOUND");
    EXPECT_THAT(rubric.status().message(),
                AllOf(HasSubstr(name), HasSubstr(kRubricName)));
    EXPECT_EQ(ErrorResourceOf(rubric.status()), name);
  }
}

// ---------------------------------------------------------------------------
// ValidateScores.

TEST(ReviewRulesTest, ValidateScoresAcceptsEveryCriterionWithEvidence) {
  EXPECT_THAT(Violations(AllEightScores()), IsEmpty());
}

TEST(ReviewRulesTest, ValidateScoresAcceptsTheLowestAndHighestScore) {
  EXPECT_THAT(Violations(Scores({Score("governance", 0, kGovernanceEvidence),
                                 Score("ambition", 4,
                                       "Net zero by 2050 in law with a "
                                       "1.5 C aligned 2035 milestone.")})),
              IsEmpty());
}

TEST(ReviewRulesTest, ValidateScoresAcceptsASubsetOfTheCriteria) {
  EXPECT_THAT(
      Violations(Scores({Score("interim_targets", 1, kInterimEvidence)})),
      IsEmpty());
}

TEST(ReviewRulesTest, ValidateScoresNamesAnUnknownCriterion) {
  auto v = Violations(Scores({Score("ambition", 2, kAmbitionEvidence),
                              Score("transparency", 3,
                                    "The plan is published in full on the "
                                    "Ministry of Steel website.")}));
  ASSERT_THAT(v, ElementsAre(Pair("scores[1].criterion_id", testing::_)));
  EXPECT_THAT(v[0].second,
              AllOf(HasSubstr("'transparency' is not a criterion of "
                              "rubrics/leadit-2026-v1"),
                    HasSubstr("interim_targets"), HasSubstr("engagement")));
}

TEST(ReviewRulesTest, ValidateScoresNamesTheSecondScoreOfACriterion) {
  auto v = Violations(Scores({Score("interim_targets", 1, kInterimEvidence),
                              Score("finance", 1, kFinanceEvidence),
                              Score("interim_targets", 2,
                                    "A 2030 intensity of 2.2 t CO2/t is "
                                    "given in the pathway.")}));
  EXPECT_THAT(v, ElementsAre(Pair("scores[2].criterion_id",
                                  "interim_targets is scored twice.")));
}

TEST(ReviewRulesTest, ValidateScoresRejectsScoresOutsideZeroToFour) {
  auto v = Violations(Scores({Score("ambition", -1, kAmbitionEvidence),
                              Score("coverage", 5, kCoverageEvidence),
                              Score("finance", 4, kFinanceEvidence)}));
  EXPECT_THAT(
      v, ElementsAre(Pair("scores[0].score", "must be from 0 to 4 (got -1)."),
                     Pair("scores[1].score", "must be from 0 to 4 (got 5).")));
}

TEST(ReviewRulesTest, ValidateScoresRequiresEvidence) {
  auto v = Violations(Scores(
      {Score("ambition", 2, kAmbitionEvidence), Score("governance", 0, "")}));
  ASSERT_THAT(v, ElementsAre(Pair("scores[1].evidence", testing::_)));
  EXPECT_THAT(v[0].second, HasSubstr("is required"));
}

TEST(ReviewRulesTest, ValidateScoresTreatsBlankEvidenceAsMissing) {
  auto v = Violations(Scores({Score("governance", 0, "  \n\t ")}));
  ASSERT_THAT(v, ElementsAre(Pair("scores[0].evidence", testing::_)));
  EXPECT_THAT(v[0].second, HasSubstr("is required"));
}

TEST(ReviewRulesTest, ValidateScoresRejectsEvidenceLongerThan5000Characters) {
  auto v = Violations(
      Scores({Score("ambition", 2, std::string(kMaxEvidenceChars, 'x')),
              Score("coverage", 1, std::string(kMaxEvidenceChars + 1, 'x'))}));
  EXPECT_THAT(v, ElementsAre(Pair("scores[1].evidence",
                                  "must be at most 5000 characters (got "
                                  "5001).")));
}

TEST(ReviewRulesTest, ValidateScoresCountsEvidenceInCharactersNotBytes) {
  // 5,000 two-byte characters (10,000 bytes) are within the limit.
  std::string evidence;
  for (size_t i = 0; i < kMaxEvidenceChars; ++i) evidence += "\xC3\xA9";
  EXPECT_THAT(Violations(Scores({Score("engagement", 2, evidence)})),
              IsEmpty());
}

TEST(ReviewRulesTest, ValidateScoresNeedsAtLeastOneScore) {
  EXPECT_THAT(Violations(Scores({})),
              ElementsAre(Pair("scores", "give at least one score.")));
}

TEST(ReviewRulesTest, ValidateScoresReportsEveryProblemOfAScoreUnderPrefix) {
  FieldViolations v;
  ValidateScores(Scores({Score("ambition", 2, kAmbitionEvidence),
                         Score("ambitions", 7, "")}),
                 CurrentRubric(), "request.scores", &v);
  std::vector<std::string> fields;
  for (const auto& [field, description] : v.violations()) {
    fields.push_back(field);
  }
  EXPECT_THAT(fields, ElementsAre("request.scores[1].criterion_id",
                                  "request.scores[1].score",
                                  "request.scores[1].evidence"));
}

// ---------------------------------------------------------------------------
// RollUp and ApplyScores.

TEST(ReviewRulesTest, RollUpOfAnUnscoredReviewListsEveryCriterion) {
  Review review;
  review.add_unscored_criteria("stale");
  review.set_total_score(11);
  RollUp(review, CurrentRubric());
  EXPECT_EQ(review.total_score(), 0);
  EXPECT_EQ(review.max_total_score(), 32);
  EXPECT_THAT(
      UnscoredIds(review),
      ElementsAre("ambition", "interim_targets", "coverage", "implementation",
                  "policy_instruments", "finance", "governance", "engagement"));
}

TEST(ReviewRulesTest, ApplyScoresKeepsRubricOrderAndRollsUp) {
  Review review = OpenReview();
  ASSERT_TRUE(ApplyScores(review,
                          Scores({Score("finance", 1, kFinanceEvidence),
                                  Score("interim_targets", 1, kInterimEvidence),
                                  Score("ambition", 2, kAmbitionEvidence)}),
                          kEtag, CurrentRubric())
                  .ok());
  EXPECT_THAT(CriterionIds(review),
              ElementsAre("ambition", "interim_targets", "finance"));
  EXPECT_EQ(review.scores(1).evidence(), kInterimEvidence);
  EXPECT_EQ(review.total_score(), 4);
  EXPECT_EQ(review.max_total_score(), 32);
  EXPECT_THAT(UnscoredIds(review),
              ElementsAre("coverage", "implementation", "policy_instruments",
                          "governance", "engagement"));
  EXPECT_EQ(review.state(), Review::OPEN);
}

TEST(ReviewRulesTest, ApplyScoresReplacesTheScoreOfTheSameCriterion) {
  Review review = OpenReview();
  ASSERT_TRUE(ApplyScores(review,
                          Scores({Score("interim_targets", 1, kInterimEvidence),
                                  Score("coverage", 1, kCoverageEvidence)}),
                          "", CurrentRubric())
                  .ok());
  const char kRevised[] =
      "The 2030 pathway point of 2.2 t CO2/t works as an intensity "
      "milestone, but it has no base year.";
  ASSERT_TRUE(ApplyScores(review,
                          Scores({Score("interim_targets", 2, kRevised)}), "",
                          CurrentRubric())
                  .ok());
  EXPECT_THAT(CriterionIds(review), ElementsAre("interim_targets", "coverage"));
  EXPECT_EQ(review.scores(0).score(), 2);
  EXPECT_EQ(review.scores(0).evidence(), kRevised);
  EXPECT_EQ(review.scores(1).score(), 1);
  EXPECT_EQ(review.total_score(), 3);
  EXPECT_EQ(review.unscored_criteria_size(), 6);
}

TEST(ReviewRulesTest, ApplyScoresOfAllCriteriaLeavesNothingUnscored) {
  Review review = FullyScoredReview();
  EXPECT_EQ(review.scores_size(), 8);
  EXPECT_EQ(review.total_score(), 8);
  EXPECT_EQ(review.max_total_score(), 32);
  EXPECT_THAT(UnscoredIds(review), IsEmpty());
}

TEST(ReviewRulesTest, ApplyScoresWithStaleEtagIsAbortedAndChangesNothing) {
  Review review = OpenReview();
  const Review before = review;
  absl::Status s =
      ApplyScores(review, Scores({Score("ambition", 2, kAmbitionEvidence)}),
                  kStaleEtag, CurrentRubric());
  ExpectError(s, absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr(kStaleEtag), HasSubstr(kReviewName)));
  EXPECT_TRUE(MessageDifferencer::Equals(review, before));
}

TEST(ReviewRulesTest, ApplyScoresToACompletedReviewFailsWithReviewNotOpen) {
  Review review = FullyScoredReview();
  ASSERT_TRUE(ApplyCompletion(review, Review::REJECT,
                              "No interim targets and no governance.", "", 0,
                              kCompleteMicros)
                  .ok());
  const Review before = review;
  absl::Status s =
      ApplyScores(review, Scores({Score("governance", 3, kGovernanceEvidence)}),
                  kEtag, CurrentRubric());
  ExpectError(s, absl::StatusCode::kFailedPrecondition, "REVIEW_NOT_OPEN");
  EXPECT_THAT(s.message(), HasSubstr(kReviewName));
  EXPECT_EQ(ErrorResourceOf(s), kReviewName);
  EXPECT_TRUE(MessageDifferencer::Equals(review, before));
}

// ---------------------------------------------------------------------------
// ApplyCompletion.

TEST(ReviewRulesTest, CompletionNeedsEveryCriterionScoredAndNamesTheMissing) {
  Review review = OpenReview();
  RepeatedPtrField<CriterionScore> six = AllEightScores();
  six.DeleteSubrange(7, 1);  // engagement
  six.DeleteSubrange(5, 1);  // finance
  ASSERT_TRUE(ApplyScores(review, six, "", CurrentRubric()).ok());
  const Review before = review;
  absl::Status s = ApplyCompletion(review, Review::APPROVE,
                                   "Approved as a first national roadmap.", "",
                                   0, kCompleteMicros);
  ExpectError(s, absl::StatusCode::kFailedPrecondition, "REVIEW_INCOMPLETE");
  EXPECT_THAT(s.message(), HasSubstr("finance, engagement"));
  EXPECT_THAT(s.message(), testing::Not(HasSubstr("ambition")));
  EXPECT_TRUE(MessageDifferencer::Equals(review, before));
}

TEST(ReviewRulesTest, CompletionOfAnUnscoredReviewNamesAllEightCriteria) {
  Review review = OpenReview();
  absl::Status s = ApplyCompletion(review, Review::REJECT,
                                   "The plan has no interim targets.", "", 3,
                                   kCompleteMicros);
  ExpectError(s, absl::StatusCode::kFailedPrecondition, "REVIEW_INCOMPLETE");
  EXPECT_THAT(s.message(),
              HasSubstr("ambition, interim_targets, coverage, implementation, "
                        "policy_instruments, finance, governance, "
                        "engagement"));
  EXPECT_EQ(review.state(), Review::OPEN);
}

TEST(ReviewRulesTest, RequestChangesWithoutUnresolvedCommentFails) {
  Review review = FullyScoredReview();
  const Review before = review;
  absl::Status s = ApplyCompletion(
      review, Review::REQUEST_CHANGES,
      "Add a 2030 interim target and name the lead institution.", "", 0,
      kCompleteMicros);
  ExpectError(s, absl::StatusCode::kFailedPrecondition,
              "NO_UNRESOLVED_COMMENTS");
  EXPECT_TRUE(MessageDifferencer::Equals(review, before));
}

TEST(ReviewRulesTest, RequestChangesWithAnUnresolvedCommentCompletes) {
  Review review = FullyScoredReview();
  ASSERT_TRUE(ApplyCompletion(
                  review, Review::REQUEST_CHANGES,
                  "Add a 2030 interim target and name the lead institution.",
                  kEtag, 2, kCompleteMicros)
                  .ok());
  EXPECT_EQ(review.state(), Review::COMPLETED);
  EXPECT_EQ(review.decision(), Review::REQUEST_CHANGES);
}

TEST(ReviewRulesTest, ApproveSetsStateDecisionSummaryAndCompleteTime) {
  Review review = FullyScoredReview();
  const char kSummary[] =
      "Approved as a first roadmap; interim targets are expected in the next "
      "revision.";
  ASSERT_TRUE(ApplyCompletion(review, Review::APPROVE, kSummary, kEtag, 0,
                              kCompleteMicros)
                  .ok());
  EXPECT_EQ(review.state(), Review::COMPLETED);
  EXPECT_EQ(review.decision(), Review::APPROVE);
  EXPECT_EQ(review.summary(), kSummary);
  EXPECT_EQ(TimeUtil::ToString(review.complete_time()), "2026-03-09T12:00:00Z");
  // Scores and roll-up are kept as they were.
  EXPECT_EQ(review.scores_size(), 8);
  EXPECT_EQ(review.total_score(), 8);
  EXPECT_EQ(review.etag(), kEtag);
}

TEST(ReviewRulesTest, RejectWithUnresolvedCommentsCompletes) {
  Review review = FullyScoredReview();
  ASSERT_TRUE(ApplyCompletion(review, Review::REJECT,
                              "The pathway rises to 2.2 t CO2/t in 2030 with "
                              "no policy to bend it.",
                              "", 4, kCompleteMicros)
                  .ok());
  EXPECT_EQ(review.state(), Review::COMPLETED);
  EXPECT_EQ(review.decision(), Review::REJECT);
}

TEST(ReviewRulesTest, CompletionWithStaleEtagIsAborted) {
  Review review = FullyScoredReview();
  const Review before = review;
  absl::Status s = ApplyCompletion(review, Review::APPROVE, "Approved.",
                                   kStaleEtag, 0, kCompleteMicros);
  ExpectError(s, absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_TRUE(MessageDifferencer::Equals(review, before));
}

TEST(ReviewRulesTest, CompletingACompletedReviewFailsWithReviewNotOpen) {
  Review review = FullyScoredReview();
  ASSERT_TRUE(ApplyCompletion(review, Review::APPROVE, "Approved.", "", 0,
                              kCompleteMicros)
                  .ok());
  const Review before = review;
  absl::Status s =
      ApplyCompletion(review, Review::REJECT, "Rejected after all.", "", 1,
                      kCompleteMicros + 3600000000);
  ExpectError(s, absl::StatusCode::kFailedPrecondition, "REVIEW_NOT_OPEN");
  EXPECT_TRUE(MessageDifferencer::Equals(review, before));
}

// ---------------------------------------------------------------------------
// ActionOf.

TEST(ReviewRulesTest, ActionOfMapsEachDecisionToItsPlanAction) {
  EXPECT_EQ(ActionOf(Review::APPROVE), PlanAction::kApprove);
  EXPECT_EQ(ActionOf(Review::REQUEST_CHANGES), PlanAction::kRequestChanges);
  EXPECT_EQ(ActionOf(Review::REJECT), PlanAction::kReject);
}

TEST(ReviewRulesTest, ActionOfEachDecisionMovesAPlanInReviewToItsOutcome) {
  const std::pair<Review::Decision, PlanState> kOutcomes[] = {
      {Review::APPROVE, itp::v1::Plan::APPROVED},
      {Review::REQUEST_CHANGES, itp::v1::Plan::CHANGES_REQUESTED},
      {Review::REJECT, itp::v1::Plan::REJECTED},
  };
  for (const auto& [decision, state] : kOutcomes) {
    absl::StatusOr<PlanState> next =
        NextState(itp::v1::Plan::IN_REVIEW, ActionOf(decision));
    ASSERT_TRUE(next.ok()) << Review::Decision_Name(decision);
    EXPECT_EQ(*next, state) << Review::Decision_Name(decision);
  }
}

}  // namespace
}  // namespace itp::domain
