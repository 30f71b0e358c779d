// The one place where absl::Status becomes grpc::Status. Payloads attached by
// the domain layer (google.rpc.BadRequest, google.rpc.ErrorInfo) travel as a
// serialized google.rpc.Status in the `grpc-status-details-bin` trailer, where
// standard gRPC clients (C++, Python, Go, buf curl) decode them.
//
//   return ToGrpcStatus(store.GetPlan(name).status());
#ifndef ITP_SERVER_SERVICE_GRPC_STATUS_H_
#define ITP_SERVER_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace itp::service {

// Same code and message; every payload becomes a google.protobuf.Any detail,
// after domain::WithStandardDetails (an ErrorInfo on every error, a RetryInfo
// on UNAVAILABLE and RESOURCE_EXHAUSTED).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_GRPC_STATUS_H_
