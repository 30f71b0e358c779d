// The gRPC adapter of itp.v1.PlanService: each method is bound to its operation
// in app::PlanOperations through the serving core; the adapter holds no rule of
// its own.
//
//   PlanServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_PLAN_SERVICE_H_
#define ITP_SERVER_SERVICE_PLAN_SERVICE_H_

#include "itp/v1/plan_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/service_binding.h"
#include "server/service/serving_core.h"

namespace itp::service {

// `app` and `core` must outlive it.
class PlanServiceImpl final : public BoundService<itp::v1::PlanService> {
 public:
  PlanServiceImpl(app::Application& app, ServingCore& core);
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_PLAN_SERVICE_H_
