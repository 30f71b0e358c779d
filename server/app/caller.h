// Who makes a call: what the serving layer established about the caller
// before handing the request to an application operation. Operations take
// it instead of a transport context, so they run the same over gRPC, in
// tests and in background work.
//
//   Caller caller{app.authenticator().Authenticate("Bearer itp_...")};
//   auto plan = app.plans().GetPlan(caller, request);
#ifndef ITP_SERVER_APP_CALLER_H_
#define ITP_SERVER_APP_CALLER_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/auth/policy.h"

namespace itp::app {

struct Caller {
  // The authenticated principal, or why authentication failed
  // (UNAUTHENTICATED with a sentence, or the key store's error).
  absl::StatusOr<auth::Principal> principal;
  // The client's address without its port ("ipv4:203.0.113.7"); empty for
  // the server's own work.
  std::string peer;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_CALLER_H_
