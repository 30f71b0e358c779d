// Authentication of callers by API key: `authorization: Bearer <secret>`
// metadata is checked against the salted hash in the KeyStore on every call,
// so a revoked or expired key fails from its next call on.
//
//   Authenticator authn(key_store, clock);
//   absl::StatusOr<Principal> who = authn.Authenticate(*context);
#ifndef ITP_SERVER_AUTH_AUTHENTICATOR_H_
#define ITP_SERVER_AUTH_AUTHENTICATOR_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/auth/policy.h"
#include "server/storage/key_store.h"

namespace itp::auth {

class Authenticator {
 public:
  // `keys` must outlive this object. `now_unix_micros` decides expiry.
  Authenticator(storage::KeyStore& keys,
                std::function<int64_t()> now_unix_micros)
      : keys_(keys), now_(std::move(now_unix_micros)) {}

  // The caller's principal. UNAUTHENTICATED (reason UNAUTHENTICATED, with a
  // sentence saying what is wrong) when the metadata is missing or malformed
  // or the key is unknown, revoked or expired; UNAVAILABLE/INTERNAL when the
  // key store fails. Thread-safe.
  absl::StatusOr<Principal> Authenticate(
      const grpc::ServerContext& context) const;

 private:
  storage::KeyStore& keys_;
  std::function<int64_t()> now_;
};

}  // namespace itp::auth

#endif  // ITP_SERVER_AUTH_AUTHENTICATOR_H_
