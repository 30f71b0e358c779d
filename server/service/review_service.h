// The gRPC adapter of itp.v1.ReviewService: each method is bound to its
// operation in app::ReviewOperations through the serving core; the adapter
// holds no rule of its own.
//
//   ReviewServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_REVIEW_SERVICE_H_
#define ITP_SERVER_SERVICE_REVIEW_SERVICE_H_

#include "itp/v1/review_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/service_binding.h"
#include "server/service/serving_core.h"

namespace itp::service {

// `app` and `core` must outlive it.
class ReviewServiceImpl final : public BoundService<itp::v1::ReviewService> {
 public:
  ReviewServiceImpl(app::Application& app, ServingCore& core);
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_REVIEW_SERVICE_H_
