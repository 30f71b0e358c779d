// The gRPC adapter of itp.v1.ReviewService: each method hands its request to
// app::ReviewOperations through the serving core and holds no rule of its own.
//
//   ReviewServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_REVIEW_SERVICE_H_
#define ITP_SERVER_SERVICE_REVIEW_SERVICE_H_

#include "itp/v1/review_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/serving_core.h"

namespace itp::service {

// Thread-safe; `app` and `core` must outlive it.
class ReviewServiceImpl final : public itp::v1::ReviewService::CallbackService {
 public:
  ReviewServiceImpl(app::Application& app, ServingCore& core)
      : app_(app), core_(core) {}

  grpc::ServerUnaryReactor* GetRubric(grpc::CallbackServerContext* context,
                                      const itp::v1::GetRubricRequest* request,
                                      itp::v1::Rubric* response) override;
  grpc::ServerUnaryReactor* StartReview(
      grpc::CallbackServerContext* context,
      const itp::v1::StartReviewRequest* request,
      itp::v1::Review* response) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* context,
                                      const itp::v1::GetReviewRequest* request,
                                      itp::v1::Review* response) override;
  grpc::ServerUnaryReactor* ListReviews(
      grpc::CallbackServerContext* context,
      const itp::v1::ListReviewsRequest* request,
      itp::v1::ListReviewsResponse* response) override;
  grpc::ServerUnaryReactor* ScoreReview(
      grpc::CallbackServerContext* context,
      const itp::v1::ScoreReviewRequest* request,
      itp::v1::Review* response) override;
  grpc::ServerUnaryReactor* CompleteReview(
      grpc::CallbackServerContext* context,
      const itp::v1::CompleteReviewRequest* request,
      itp::v1::Review* response) override;
  grpc::ServerUnaryReactor* CreateComment(
      grpc::CallbackServerContext* context,
      const itp::v1::CreateCommentRequest* request,
      itp::v1::Comment* response) override;
  grpc::ServerUnaryReactor* ListComments(
      grpc::CallbackServerContext* context,
      const itp::v1::ListCommentsRequest* request,
      itp::v1::ListCommentsResponse* response) override;
  grpc::ServerUnaryReactor* ResolveComment(
      grpc::CallbackServerContext* context,
      const itp::v1::ResolveCommentRequest* request,
      itp::v1::Comment* response) override;
  grpc::ServerUnaryReactor* ComparePlanRevisions(
      grpc::CallbackServerContext* context,
      const itp::v1::ComparePlanRevisionsRequest* request,
      itp::v1::ComparePlanRevisionsResponse* response) override;
  grpc::ServerWriteReactor<itp::v1::PlanEvent>* WatchPlanEvents(
      grpc::CallbackServerContext* context,
      const itp::v1::WatchPlanEventsRequest* request) override;

 private:
  app::Application& app_;
  ServingCore& core_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_REVIEW_SERVICE_H_
