// A server interceptor that writes one log line per RPC: method, status code,
// latency and peer. (Interceptors in gRPC 1.51 cannot reject calls, so this is
// for observation only.)
#ifndef ITP_SERVER_SERVICE_LOGGING_INTERCEPTOR_H_
#define ITP_SERVER_SERVICE_LOGGING_INTERCEPTOR_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace itp::service {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewLoggingInterceptorFactory();

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_LOGGING_INTERCEPTOR_H_
