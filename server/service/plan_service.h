// The gRPC adapter of itp.v1.PlanService: each method hands its request to
// app::PlanOperations through the serving core and holds no rule of its own.
//
//   PlanServiceImpl service(app, core);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_PLAN_SERVICE_H_
#define ITP_SERVER_SERVICE_PLAN_SERVICE_H_

#include "itp/v1/plan_service.grpc.pb.h"
#include "server/app/application.h"
#include "server/service/serving_core.h"

namespace itp::service {

// Thread-safe; `app` and `core` must outlive it.
class PlanServiceImpl final : public itp::v1::PlanService::CallbackService {
 public:
  PlanServiceImpl(app::Application& app, ServingCore& core)
      : app_(app), core_(core) {}

  grpc::ServerUnaryReactor* CreatePlan(
      grpc::CallbackServerContext* context,
      const itp::v1::CreatePlanRequest* request,
      itp::v1::Plan* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const itp::v1::GetPlanRequest* request,
                                    itp::v1::Plan* response) override;
  grpc::ServerUnaryReactor* ListPlans(
      grpc::CallbackServerContext* context,
      const itp::v1::ListPlansRequest* request,
      itp::v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePlan(
      grpc::CallbackServerContext* context,
      const itp::v1::UpdatePlanRequest* request,
      itp::v1::Plan* response) override;
  grpc::ServerUnaryReactor* DeletePlan(
      grpc::CallbackServerContext* context,
      const itp::v1::DeletePlanRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* SubmitPlan(
      grpc::CallbackServerContext* context,
      const itp::v1::SubmitPlanRequest* request,
      itp::v1::Plan* response) override;
  grpc::ServerUnaryReactor* WithdrawPlan(
      grpc::CallbackServerContext* context,
      const itp::v1::WithdrawPlanRequest* request,
      itp::v1::Plan* response) override;
  grpc::ServerUnaryReactor* GetPlanRevision(
      grpc::CallbackServerContext* context,
      const itp::v1::GetPlanRevisionRequest* request,
      itp::v1::PlanRevision* response) override;
  grpc::ServerUnaryReactor* ListPlanRevisions(
      grpc::CallbackServerContext* context,
      const itp::v1::ListPlanRevisionsRequest* request,
      itp::v1::ListPlanRevisionsResponse* response) override;

 private:
  app::Application& app_;
  ServingCore& core_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_PLAN_SERVICE_H_
