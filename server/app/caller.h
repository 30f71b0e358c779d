// Who makes a call: what the serving layer established about the caller
// before handing the request to an application operation. Operations take
// it instead of a transport context, so they run the same over gRPC, in
// tests and in background work.
//
//   Caller caller{app.authenticator().Authenticate("Bearer itp_...")};
//   auto plan = app.plans().GetPlan(caller, request);
#ifndef ITP_SERVER_APP_CALLER_H_
#define ITP_SERVER_APP_CALLER_H_

#include "absl/status/statusor.h"
#include "server/auth/policy.h"

namespace itp::app {

struct Caller {
  // The authenticated principal, or why authentication failed
  // (UNAUTHENTICATED with a sentence, or the key store's error).
  absl::StatusOr<auth::Principal> principal;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_CALLER_H_
