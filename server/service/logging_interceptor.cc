#include "server/service/logging_interceptor.h"

#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "server/common/log.h"
#include "server/domain/errors.h"

namespace itp::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

class LoggingInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit LoggingInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(absl::Now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      std::string peer = info_->server_context() != nullptr
                             ? info_->server_context()->peer()
                             : "";
      Log(status.ok() ? LogLevel::kInfo : LogLevel::kWarning,
          absl::StrFormat(
              "rpc %s code=%s latency_ms=%.3f peer=%s", info_->method(),
              std::string(domain::CanonicalCodeName(status.error_code())),
              absl::ToDoubleMilliseconds(absl::Now() - start_), peer));
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new LoggingInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewLoggingInterceptorFactory() {
  return std::make_unique<Factory>();
}

}  // namespace itp::service
