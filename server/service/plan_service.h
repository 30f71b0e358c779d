// The gRPC handlers of itp.v1.PlanService. Each handler authenticates and
// authorizes through a CallGuard, validates the request, calls the store with
// a domain operation and converts the result back; no business rule lives
// here.
//
//   PlanServiceImpl service(*store, guard_deps);
//   builder.RegisterService(&service);
#ifndef ITP_SERVER_SERVICE_PLAN_SERVICE_H_
#define ITP_SERVER_SERVICE_PLAN_SERVICE_H_

#include "itp/v1/plan_service.grpc.pb.h"
#include "server/service/call_guard.h"
#include "server/storage/plan_store.h"

namespace itp::service {

// Thread-safe; `store` and the dependencies in `guard` must outlive it.
class PlanServiceImpl final : public itp::v1::PlanService::Service {
 public:
  PlanServiceImpl(storage::PlanStore& store, const GuardDeps& guard)
      : store_(store), guard_(guard) {}

  grpc::Status CreatePlan(grpc::ServerContext* context,
                          const itp::v1::CreatePlanRequest* request,
                          itp::v1::Plan* response) override;
  grpc::Status GetPlan(grpc::ServerContext* context,
                       const itp::v1::GetPlanRequest* request,
                       itp::v1::Plan* response) override;
  grpc::Status ListPlans(grpc::ServerContext* context,
                         const itp::v1::ListPlansRequest* request,
                         itp::v1::ListPlansResponse* response) override;
  grpc::Status UpdatePlan(grpc::ServerContext* context,
                          const itp::v1::UpdatePlanRequest* request,
                          itp::v1::Plan* response) override;
  grpc::Status DeletePlan(grpc::ServerContext* context,
                          const itp::v1::DeletePlanRequest* request,
                          google::protobuf::Empty* response) override;
  grpc::Status SubmitPlan(grpc::ServerContext* context,
                          const itp::v1::SubmitPlanRequest* request,
                          itp::v1::Plan* response) override;
  grpc::Status WithdrawPlan(grpc::ServerContext* context,
                            const itp::v1::WithdrawPlanRequest* request,
                            itp::v1::Plan* response) override;
  grpc::Status GetPlanRevision(grpc::ServerContext* context,
                               const itp::v1::GetPlanRevisionRequest* request,
                               itp::v1::PlanRevision* response) override;
  grpc::Status ListPlanRevisions(
      grpc::ServerContext* context,
      const itp::v1::ListPlanRevisionsRequest* request,
      itp::v1::ListPlanRevisionsResponse* response) override;

 private:
  storage::PlanStore& store_;
  const GuardDeps& guard_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_PLAN_SERVICE_H_
