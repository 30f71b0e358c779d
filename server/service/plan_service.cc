#include "server/service/plan_service.h"

namespace itp::service {

grpc::ServerUnaryReactor* PlanServiceImpl::CreatePlan(
    grpc::CallbackServerContext* context,
    const itp::v1::CreatePlanRequest* request, itp::v1::Plan* response) {
  return core_.Unary(context, "/itp.v1.PlanService/CreatePlan", app_.plans(),
                     &app::PlanOperations::CreatePlan, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::GetPlan(
    grpc::CallbackServerContext* context,
    const itp::v1::GetPlanRequest* request, itp::v1::Plan* response) {
  return core_.Unary(context, "/itp.v1.PlanService/GetPlan", app_.plans(),
                     &app::PlanOperations::GetPlan, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::ListPlans(
    grpc::CallbackServerContext* context,
    const itp::v1::ListPlansRequest* request,
    itp::v1::ListPlansResponse* response) {
  return core_.Unary(context, "/itp.v1.PlanService/ListPlans", app_.plans(),
                     &app::PlanOperations::ListPlans, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::UpdatePlan(
    grpc::CallbackServerContext* context,
    const itp::v1::UpdatePlanRequest* request, itp::v1::Plan* response) {
  return core_.Unary(context, "/itp.v1.PlanService/UpdatePlan", app_.plans(),
                     &app::PlanOperations::UpdatePlan, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::DeletePlan(
    grpc::CallbackServerContext* context,
    const itp::v1::DeletePlanRequest* request,
    google::protobuf::Empty* response) {
  return core_.Unary(context, "/itp.v1.PlanService/DeletePlan", app_.plans(),
                     &app::PlanOperations::DeletePlan, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::SubmitPlan(
    grpc::CallbackServerContext* context,
    const itp::v1::SubmitPlanRequest* request, itp::v1::Plan* response) {
  return core_.Unary(context, "/itp.v1.PlanService/SubmitPlan", app_.plans(),
                     &app::PlanOperations::SubmitPlan, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::WithdrawPlan(
    grpc::CallbackServerContext* context,
    const itp::v1::WithdrawPlanRequest* request, itp::v1::Plan* response) {
  return core_.Unary(context, "/itp.v1.PlanService/WithdrawPlan", app_.plans(),
                     &app::PlanOperations::WithdrawPlan, request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::GetPlanRevision(
    grpc::CallbackServerContext* context,
    const itp::v1::GetPlanRevisionRequest* request,
    itp::v1::PlanRevision* response) {
  return core_.Unary(context, "/itp.v1.PlanService/GetPlanRevision",
                     app_.plans(), &app::PlanOperations::GetPlanRevision,
                     request, response);
}

grpc::ServerUnaryReactor* PlanServiceImpl::ListPlanRevisions(
    grpc::CallbackServerContext* context,
    const itp::v1::ListPlanRevisionsRequest* request,
    itp::v1::ListPlanRevisionsResponse* response) {
  return core_.Unary(context, "/itp.v1.PlanService/ListPlanRevisions",
                     app_.plans(), &app::PlanOperations::ListPlanRevisions,
                     request, response);
}

}  // namespace itp::service
