// The gRPC handlers of itp.v1.ReviewService: the secretariat's review
// workflow (rubric, reviews, scores, comments, decisions), revision
// comparison, and the event stream partners follow. Rules live in
// server/domain/review_rules.h and plan_diff.h; storage in ReviewStore.
//
//   ReviewServiceImpl reviews(*plan_store, *review_store, guard);
//   builder.RegisterService(&reviews);
#ifndef ITP_SERVER_SERVICE_REVIEW_SERVICE_H_
#define ITP_SERVER_SERVICE_REVIEW_SERVICE_H_

#include "itp/v1/review_service.grpc.pb.h"
#include "server/service/call_guard.h"
#include "server/storage/plan_store.h"
#include "server/storage/review_store.h"

namespace itp::service {

// Thread-safe; the stores and `guard`'s dependencies must outlive it.
class ReviewServiceImpl final : public itp::v1::ReviewService::Service {
 public:
  ReviewServiceImpl(storage::PlanStore& plans, storage::ReviewStore& reviews,
                    const GuardDeps& guard)
      : plans_(plans), reviews_(reviews), guard_(guard) {}

  grpc::Status GetRubric(grpc::ServerContext* context,
                         const itp::v1::GetRubricRequest* request,
                         itp::v1::Rubric* response) override;
  grpc::Status StartReview(grpc::ServerContext* context,
                           const itp::v1::StartReviewRequest* request,
                           itp::v1::Review* response) override;
  grpc::Status GetReview(grpc::ServerContext* context,
                         const itp::v1::GetReviewRequest* request,
                         itp::v1::Review* response) override;
  grpc::Status ListReviews(grpc::ServerContext* context,
                           const itp::v1::ListReviewsRequest* request,
                           itp::v1::ListReviewsResponse* response) override;
  grpc::Status ScoreReview(grpc::ServerContext* context,
                           const itp::v1::ScoreReviewRequest* request,
                           itp::v1::Review* response) override;
  grpc::Status CompleteReview(grpc::ServerContext* context,
                              const itp::v1::CompleteReviewRequest* request,
                              itp::v1::Review* response) override;
  grpc::Status CreateComment(grpc::ServerContext* context,
                             const itp::v1::CreateCommentRequest* request,
                             itp::v1::Comment* response) override;
  grpc::Status ListComments(grpc::ServerContext* context,
                            const itp::v1::ListCommentsRequest* request,
                            itp::v1::ListCommentsResponse* response) override;
  grpc::Status ResolveComment(grpc::ServerContext* context,
                              const itp::v1::ResolveCommentRequest* request,
                              itp::v1::Comment* response) override;
  grpc::Status ComparePlanRevisions(
      grpc::ServerContext* context,
      const itp::v1::ComparePlanRevisionsRequest* request,
      itp::v1::ComparePlanRevisionsResponse* response) override;
  grpc::Status WatchPlanEvents(
      grpc::ServerContext* context,
      const itp::v1::WatchPlanEventsRequest* request,
      grpc::ServerWriter<itp::v1::PlanEvent>* writer) override;

 private:
  // Authenticates, parses the review name and checks that the caller may
  // read it: kReadReviews on its country, the plan readable, and for
  // partners a completed review. The review on success.
  absl::StatusOr<itp::v1::Review> ReadReview(CallGuard& call,
                                             const std::string& name);

  storage::PlanStore& plans_;
  storage::ReviewStore& reviews_;
  const GuardDeps& guard_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_REVIEW_SERVICE_H_
