// The access-control and audit prologue and epilogue of every application
// operation: authenticate, authorize, and record denied calls and failed
// changes in the audit trail (successful writes are recorded by the stores,
// in the same transaction as the change), then publish a change to the event
// bus.
//
//   Call call(deps, caller, kSubmitPlan, Call::kMutation, request.name(),
//             request.request_id());
//   absl::Status s = call.Authenticate();
//   if (s.ok()) s = call.Authorize(auth::Operation::kWritePlan, "IND");
//   if (!s.ok()) return call.Finish(s);
//   ...
//   return call.Finish(store.MutatePlan(call.Write(), ...));
#ifndef ITP_SERVER_APP_CALL_H_
#define ITP_SERVER_APP_CALL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/app/caller.h"
#include "server/app/event_bus.h"
#include "server/app/keyless_audit.h"
#include "server/auth/policy.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/write_context.h"

namespace itp::app {

// What every operation needs for access control and audit. Not owned.
struct CallDeps {
  storage::AuditLog& audit;
  // Where calls without a valid key are counted instead.
  KeylessAudit& keyless;
  // Notified after every successful mutation.
  EventBus& events;
};

class Call {
 public:
  enum Kind { kRead, kMutation };

  // `method` is the API method ("/itp.v1.PlanService/SubmitPlan"),
  // `resource` and `request_id` what the audit trail records for the call
  // (the resource name or parent it acts on; the request's UUID, if any).
  Call(const CallDeps& deps, const Caller& caller, absl::string_view method,
       Kind kind, absl::string_view resource)
      : deps_(deps),
        caller_(caller),
        method_(method),
        kind_(kind),
        resource_(resource) {}
  // A retry-safe change: `request` has a `request_id` field (a UUID, which
  // is compared in lower case), and the store replays the first answer to a
  // retry of the same request by the same key (RequestDigest).
  Call(const CallDeps& deps, const Caller& caller, absl::string_view method,
       Kind kind, absl::string_view resource,
       const google::protobuf::Message& request);

  // OK when the caller is authenticated, else why not (UNAUTHENTICATED).
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

  // Returns `outcome`, after recording it in the audit trail when the call
  // was denied or was a mutation that failed (counted in the KeylessAudit
  // when it had no valid key), and notifying the event bus
  // after a successful mutation.
  absl::Status Finish(const absl::Status& outcome);

  // Finish(OK) for a response built by the operation.
  template <typename T>
  absl::StatusOr<T> Done(T response) {
    absl::Status s = Finish(absl::OkStatus());
    if (!s.ok()) return s;
    return response;
  }

  // Finish for a result.
  template <typename T>
  absl::StatusOr<T> Finish(absl::StatusOr<T> result) {
    absl::Status s = Finish(result.status());
    if (!s.ok()) return s;
    return result;
  }

 private:
  const CallDeps& deps_;
  const Caller& caller_;
  std::string method_;
  Kind kind_;
  std::string resource_;
  std::string request_id_;
  std::string request_hash_;
  auth::Principal principal_;
};

// SHA-256 of `request` serialized deterministically without its
// `request_id`: what tells a retry from another request under the same id.
std::string RequestDigest(const google::protobuf::Message& request);

// Reads one plan as `call`'s (authenticated) caller may see it: the plan, or
// PERMISSION_DENIED for a plan (or a missing plan) the caller may not read,
// or NOT_FOUND for a missing plan the caller could read.
absl::StatusOr<itp::v1::Plan> ReadPlanAs(Call& call, storage::PlanStore& store,
                                         const std::string& name,
                                         absl::string_view country);

}  // namespace itp::app

#endif  // ITP_SERVER_APP_CALL_H_
