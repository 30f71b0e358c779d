// The authorization seam of the service. Every RPC handler calls
// Authorizer::Authorize exactly once, first, with the method and the resource
// it acts on; the decision is made here and nowhere else.
//
//   absl::Status allowed = authorizer.Authorize(*context, "GetPlan", name);
//   if (!allowed.ok()) return ToGrpcStatus(allowed);
#ifndef ITP_SERVER_AUTH_AUTHORIZER_H_
#define ITP_SERVER_AUTH_AUTHORIZER_H_

#include <memory>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "grpcpp/server_context.h"

namespace itp::auth {

class Authorizer {
 public:
  virtual ~Authorizer() = default;

  // OK when the caller of `context` may call `method` (e.g. "SubmitPlan") on
  // `resource` (a resource name or a parent). UNAUTHENTICATED without valid
  // credentials; PERMISSION_DENIED when not allowed. Thread-safe.
  virtual absl::Status Authorize(const grpc::ServerContext& context,
                                 absl::string_view method,
                                 absl::string_view resource) = 0;
};

// Grants every call. This is the policy of a deployment without access
// control: the server then listens on loopback only by default.
std::unique_ptr<Authorizer> NewAllowAllAuthorizer();

}  // namespace itp::auth

#endif  // ITP_SERVER_AUTH_AUTHORIZER_H_
