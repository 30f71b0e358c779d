// The gRPC adapter of itp.v1.ProgressService: each method is bound to its
// operation in app::ProgressOperations through the serving core; the adapter
// holds no rule of its own.
//
//   ProgressServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_PROGRESS_SERVICE_H_
#define ITP_SERVER_SERVICE_PROGRESS_SERVICE_H_

#include "itp/v1/progress_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/service_binding.h"
#include "server/service/serving_core.h"

namespace itp::service {

// `app` and `core` must outlive it.
class ProgressServiceImpl final
    : public BoundService<itp::v1::ProgressService> {
 public:
  ProgressServiceImpl(app::Application& app, ServingCore& core);
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_PROGRESS_SERVICE_H_
