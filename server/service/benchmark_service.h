// The gRPC handlers of itp.v1.BenchmarkService: reference pathways,
// benchmark reports and peer comparison. The computation itself is the pure
// engine of server/benchmark; handlers authorize, load inputs, call it and
// store the report.
//
//   BenchmarkServiceImpl benchmarks(*plan_store, *benchmark_store, guard);
//   builder.RegisterService(&benchmarks);
#ifndef ITP_SERVER_SERVICE_BENCHMARK_SERVICE_H_
#define ITP_SERVER_SERVICE_BENCHMARK_SERVICE_H_

#include "itp/v1/benchmark_service.grpc.pb.h"
#include "server/service/call_guard.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/plan_store.h"

namespace itp::service {

// Thread-safe; the stores and `guard`'s dependencies must outlive it.
class BenchmarkServiceImpl final : public itp::v1::BenchmarkService::Service {
 public:
  BenchmarkServiceImpl(storage::PlanStore& plans,
                       storage::BenchmarkStore& benchmarks,
                       const GuardDeps& guard)
      : plans_(plans), benchmarks_(benchmarks), guard_(guard) {}

  grpc::Status ListPathways(grpc::ServerContext* context,
                            const itp::v1::ListPathwaysRequest* request,
                            itp::v1::ListPathwaysResponse* response) override;
  grpc::Status GetPathway(grpc::ServerContext* context,
                          const itp::v1::GetPathwayRequest* request,
                          itp::v1::Pathway* response) override;
  grpc::Status CreatePathway(grpc::ServerContext* context,
                             const itp::v1::CreatePathwayRequest* request,
                             itp::v1::Pathway* response) override;
  grpc::Status BenchmarkPlan(grpc::ServerContext* context,
                             const itp::v1::BenchmarkPlanRequest* request,
                             itp::v1::BenchmarkReport* response) override;
  grpc::Status GetBenchmarkReport(
      grpc::ServerContext* context,
      const itp::v1::GetBenchmarkReportRequest* request,
      itp::v1::BenchmarkReport* response) override;
  grpc::Status ListBenchmarkReports(
      grpc::ServerContext* context,
      const itp::v1::ListBenchmarkReportsRequest* request,
      itp::v1::ListBenchmarkReportsResponse* response) override;
  grpc::Status ComparePlans(grpc::ServerContext* context,
                            const itp::v1::ComparePlansRequest* request,
                            itp::v1::ComparePlansResponse* response) override;

 private:
  storage::PlanStore& plans_;
  storage::BenchmarkStore& benchmarks_;
  const GuardDeps& guard_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_BENCHMARK_SERVICE_H_
