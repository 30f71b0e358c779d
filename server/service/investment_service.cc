#include "server/service/investment_service.h"

namespace itp::service {

InvestmentServiceImpl::InvestmentServiceImpl(app::Application& app,
                                             ServingCore& core)
    : BoundService(core) {
  using Ops = app::InvestmentOperations;
  Unary("ListProjects", app.investments(), &Ops::ListProjects);
  Unary("SummarizeInvestments", app.investments(), &Ops::SummarizeInvestments);
  CheckAllBound();
}

OpenDataServiceImpl::OpenDataServiceImpl(app::Application& app,
                                         ServingCore& core)
    : BoundService(core) {
  Stream("ExportDataPackage", app.open_data(),
         &app::OpenDataOperations::ExportDataPackage);
  CheckAllBound();
}

}  // namespace itp::service
