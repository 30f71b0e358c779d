#include "server/service/review_service.h"

namespace itp::service {

grpc::ServerUnaryReactor* ReviewServiceImpl::GetRubric(
    grpc::CallbackServerContext* context,
    const itp::v1::GetRubricRequest* request, itp::v1::Rubric* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/GetRubric", app_.reviews(),
                     &app::ReviewOperations::GetRubric, request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::StartReview(
    grpc::CallbackServerContext* context,
    const itp::v1::StartReviewRequest* request, itp::v1::Review* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/StartReview",
                     app_.reviews(), &app::ReviewOperations::StartReview,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetReview(
    grpc::CallbackServerContext* context,
    const itp::v1::GetReviewRequest* request, itp::v1::Review* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/GetReview", app_.reviews(),
                     &app::ReviewOperations::GetReview, request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListReviews(
    grpc::CallbackServerContext* context,
    const itp::v1::ListReviewsRequest* request,
    itp::v1::ListReviewsResponse* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/ListReviews",
                     app_.reviews(), &app::ReviewOperations::ListReviews,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ScoreReview(
    grpc::CallbackServerContext* context,
    const itp::v1::ScoreReviewRequest* request, itp::v1::Review* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/ScoreReview",
                     app_.reviews(), &app::ReviewOperations::ScoreReview,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::CompleteReview(
    grpc::CallbackServerContext* context,
    const itp::v1::CompleteReviewRequest* request, itp::v1::Review* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/CompleteReview",
                     app_.reviews(), &app::ReviewOperations::CompleteReview,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::CreateComment(
    grpc::CallbackServerContext* context,
    const itp::v1::CreateCommentRequest* request, itp::v1::Comment* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/CreateComment",
                     app_.reviews(), &app::ReviewOperations::CreateComment,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListComments(
    grpc::CallbackServerContext* context,
    const itp::v1::ListCommentsRequest* request,
    itp::v1::ListCommentsResponse* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/ListComments",
                     app_.reviews(), &app::ReviewOperations::ListComments,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ResolveComment(
    grpc::CallbackServerContext* context,
    const itp::v1::ResolveCommentRequest* request, itp::v1::Comment* response) {
  return core_.Unary(context, "/itp.v1.ReviewService/ResolveComment",
                     app_.reviews(), &app::ReviewOperations::ResolveComment,
                     request, response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ComparePlanRevisions(
    grpc::CallbackServerContext* context,
    const itp::v1::ComparePlanRevisionsRequest* request,
    itp::v1::ComparePlanRevisionsResponse* response) {
  return core_.Unary(
      context, "/itp.v1.ReviewService/ComparePlanRevisions", app_.reviews(),
      &app::ReviewOperations::ComparePlanRevisions, request, response);
}

grpc::ServerWriteReactor<itp::v1::PlanEvent>*
ReviewServiceImpl::WatchPlanEvents(
    grpc::CallbackServerContext* context,
    const itp::v1::WatchPlanEventsRequest* request) {
  return core_.Stream(context, "/itp.v1.ReviewService/WatchPlanEvents",
                      app_.reviews(), &app::ReviewOperations::WatchPlanEvents,
                      request);
}

}  // namespace itp::service
