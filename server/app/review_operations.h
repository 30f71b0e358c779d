// The operations of itp.v1.ReviewService: the rubric, reviews of submitted
// revisions, comments anchored to plan fields, revision diffs and the plan
// event feed. Who may read which review or event is decided in auth/policy;
// the review workflow's rules live in domain/review_rules.
//
//   ReviewOperations reviews(context);
//   auto review = reviews.StartReview(caller, request);
//   auto feed = reviews.WatchPlanEvents(caller, watch_request);
#ifndef ITP_SERVER_APP_REVIEW_OPERATIONS_H_
#define ITP_SERVER_APP_REVIEW_OPERATIONS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "itp/v1/review_service.pb.h"
#include "server/app/call.h"
#include "server/app/caller.h"
#include "server/app/context.h"
#include "server/app/feed.h"
#include "server/app/progress_assessment.h"

namespace itp::app {

// Thread-safe; errors as the API documents.
class ReviewOperations {
 public:
  explicit ReviewOperations(AppContext& context)
      : ctx_(context),
        assessor_(context.plans, context.benchmarks, context.progress,
                  context.now) {}

  absl::StatusOr<itp::v1::Rubric> GetRubric(
      const Caller& caller, const itp::v1::GetRubricRequest& request);
  absl::StatusOr<itp::v1::Review> StartReview(
      const Caller& caller, const itp::v1::StartReviewRequest& request);
  absl::StatusOr<itp::v1::Review> GetReview(
      const Caller& caller, const itp::v1::GetReviewRequest& request);
  absl::StatusOr<itp::v1::ListReviewsResponse> ListReviews(
      const Caller& caller, const itp::v1::ListReviewsRequest& request);
  absl::StatusOr<itp::v1::Review> ScoreReview(
      const Caller& caller, const itp::v1::ScoreReviewRequest& request);
  absl::StatusOr<itp::v1::Review> CompleteReview(
      const Caller& caller, const itp::v1::CompleteReviewRequest& request);
  absl::StatusOr<itp::v1::Comment> CreateComment(
      const Caller& caller, const itp::v1::CreateCommentRequest& request);
  absl::StatusOr<itp::v1::ListCommentsResponse> ListComments(
      const Caller& caller, const itp::v1::ListCommentsRequest& request);
  absl::StatusOr<itp::v1::Comment> GetComment(
      const Caller& caller, const itp::v1::GetCommentRequest& request);
  absl::StatusOr<itp::v1::Comment> ResolveComment(
      const Caller& caller, const itp::v1::ResolveCommentRequest& request);
  absl::StatusOr<itp::v1::ComparePlanRevisionsResponse> ComparePlanRevisions(
      const Caller& caller,
      const itp::v1::ComparePlanRevisionsRequest& request);

  // Checks the watch (who, which countries, after_event_id) and returns the
  // feed of the events the caller may see after `after_event_id`, oldest
  // first.
  absl::StatusOr<std::unique_ptr<Feed<itp::v1::PlanEvent>>> WatchPlanEvents(
      const Caller& caller, const itp::v1::WatchPlanEventsRequest& request);

 private:
  // Reads review `name` (request field `field`) as `call`'s caller may see
  // it.
  absl::StatusOr<itp::v1::Review> ReadReview(Call& call,
                                             const std::string& name,
                                             absl::string_view field);

  // `review` with the plan's reporting record and progress status (for the
  // governance criterion); errors as they are.
  absl::StatusOr<itp::v1::Review> WithReporting(
      absl::StatusOr<itp::v1::Review> review);

  AppContext& ctx_;
  ProgressAssessor assessor_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_REVIEW_OPERATIONS_H_
