// The access-control and audit prologue/epilogue every handler runs:
// authenticate, authorize, and record denied calls and failed mutations in the
// audit trail (successful writes are recorded by the stores, in the same
// transaction as the change).
//
//   CallGuard call(deps, *context, kSubmitPlan, CallGuard::kMutation,
//                  request->name(), request->request_id());
//   absl::Status s = call.Authenticate();
//   if (s.ok()) s = call.Authorize(auth::Operation::kWritePlan, "IND");
//   if (!s.ok()) return call.Finish(s);
//   ...
//   return call.Finish(store.MutatePlan(call.Write(), ...));
#ifndef ITP_SERVER_SERVICE_CALL_GUARD_H_
#define ITP_SERVER_SERVICE_CALL_GUARD_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/auth/authenticator.h"
#include "server/auth/policy.h"
#include "server/service/event_bus.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"

namespace itp::service {

// What every handler needs for access control and audit. Not owned.
struct GuardDeps {
  const auth::Authenticator& authenticator;
  storage::AuditLog& audit;
  // Notified after every successful mutation.
  EventBus& events;
};

class CallGuard {
 public:
  enum Kind { kRead, kMutation };

  // `resource` and `request_id` are what the audit trail records for the
  // call (the resource name or parent it acts on; the request's UUID, if
  // any).
  CallGuard(const GuardDeps& deps, const grpc::ServerContext& context,
            absl::string_view method, Kind kind, absl::string_view resource,
            absl::string_view request_id = "")
      : deps_(deps),
        context_(context),
        method_(method),
        kind_(kind),
        resource_(resource),
        request_id_(request_id) {}

  // Authenticates the caller (UNAUTHENTICATED otherwise).
  absl::Status Authenticate();

  // auth::CheckCall for the authenticated caller.
  absl::Status Authorize(auth::Operation operation, absl::string_view country);

  // auth::CheckPlanRead for the authenticated caller.
  absl::Status AuthorizeRead(absl::string_view country,
                             std::optional<itp::v1::Plan::State> state);

  // Valid after a successful Authenticate.
  const auth::Principal& principal() const { return principal_; }

  // The context of a store write by this caller.
  storage::WriteContext Write() const;

  // Converts `outcome` for the client, recording it in the audit trail when
  // the call was denied or was a mutation that failed, and notifying event
  // watchers after a successful mutation.
  grpc::Status Finish(const absl::Status& outcome);

  // Finish for a result: copies the value into `response` on success.
  template <typename T>
  grpc::Status Finish(absl::StatusOr<T> result, T* response) {
    if (!result.ok()) return Finish(result.status());
    *response = *std::move(result);
    return Finish(absl::OkStatus());
  }

 private:
  const GuardDeps& deps_;
  const grpc::ServerContext& context_;
  std::string method_;
  Kind kind_;
  std::string resource_;
  std::string request_id_;
  auth::Principal principal_;
};

// Reads one plan as `call`'s (authenticated) caller may see it: the plan, or
// PERMISSION_DENIED for a plan (or a missing plan) the caller may not read,
// or NOT_FOUND for a missing plan the caller could read.
absl::StatusOr<itp::v1::Plan> ReadPlanAs(CallGuard& call,
                                         storage::PlanStore& store,
                                         const std::string& name,
                                         absl::string_view country);

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_CALL_GUARD_H_
