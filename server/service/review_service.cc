#include "server/service/review_service.h"

namespace itp::service {

ReviewServiceImpl::ReviewServiceImpl(app::Application& app, ServingCore& core)
    : BoundService(core) {
  Unary("GetRubric", app.reviews(), &app::ReviewOperations::GetRubric);
  Unary("StartReview", app.reviews(), &app::ReviewOperations::StartReview);
  Unary("GetReview", app.reviews(), &app::ReviewOperations::GetReview);
  Unary("ListReviews", app.reviews(), &app::ReviewOperations::ListReviews);
  Unary("ScoreReview", app.reviews(), &app::ReviewOperations::ScoreReview);
  Unary("CompleteReview", app.reviews(),
        &app::ReviewOperations::CompleteReview);
  Unary("CreateComment", app.reviews(), &app::ReviewOperations::CreateComment);
  Unary("ListComments", app.reviews(), &app::ReviewOperations::ListComments);
  Unary("GetComment", app.reviews(), &app::ReviewOperations::GetComment);
  Unary("ResolveComment", app.reviews(),
        &app::ReviewOperations::ResolveComment);
  Unary("ComparePlanRevisions", app.reviews(),
        &app::ReviewOperations::ComparePlanRevisions);
  Stream("WatchPlanEvents", app.reviews(),
         &app::ReviewOperations::WatchPlanEvents);
  CheckAllBound();
}

}  // namespace itp::service
