// The gRPC adapters of itp.v1.InvestmentService and itp.v1.OpenDataService:
// each method is bound to its operation in app::InvestmentOperations or
// app::OpenDataOperations through the serving core; the adapters hold no
// rule of their own.
//
//   InvestmentServiceImpl investments(app, core);
//   OpenDataServiceImpl open_data(app, core);
//   builder.RegisterService(&investments);
#ifndef ITP_SERVER_SERVICE_INVESTMENT_SERVICE_H_
#define ITP_SERVER_SERVICE_INVESTMENT_SERVICE_H_

#include "itp/v1/investment_service.grpc.pb.h"
#include "itp/v1/open_data_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/service_binding.h"
#include "server/service/serving_core.h"

namespace itp::service {

// `app` and `core` must outlive it.
class InvestmentServiceImpl final
    : public BoundService<itp::v1::InvestmentService> {
 public:
  InvestmentServiceImpl(app::Application& app, ServingCore& core);
};

// `app` and `core` must outlive it.
class OpenDataServiceImpl final
    : public BoundService<itp::v1::OpenDataService> {
 public:
  OpenDataServiceImpl(app::Application& app, ServingCore& core);
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_INVESTMENT_SERVICE_H_
