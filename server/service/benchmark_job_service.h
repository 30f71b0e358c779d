// The gRPC adapter of itp.v1.BenchmarkJobService: each method is bound to its
// operation in app::JobOperations through the serving core; the adapter holds
// no rule of its own.
//
//   BenchmarkJobServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_
#define ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_

#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/service_binding.h"
#include "server/service/serving_core.h"

namespace itp::service {

// `app` and `core` must outlive it.
class BenchmarkJobServiceImpl final
    : public BoundService<itp::v1::BenchmarkJobService> {
 public:
  BenchmarkJobServiceImpl(app::Application& app, ServingCore& core);
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_BENCHMARK_JOB_SERVICE_H_
