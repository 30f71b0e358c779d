// Authentication of callers by API key. The serving layer hands over the
// value of the call's `authorization` metadata (`Bearer <secret>`); the
// secret is checked against the salted hash in the KeyStore the first time a
// key is seen and remembered afterwards, so that the hot path neither reads
// the store nor hashes. A revocation made through this process takes effect
// on the key's next call (RevokeApiKey calls Forget); an expiry time is
// checked on every call.
//
//   Authenticator authn(key_store, clock);
//   absl::StatusOr<Principal> who = authn.Authenticate("Bearer itp_...");
#ifndef ITP_SERVER_AUTH_AUTHENTICATOR_H_
#define ITP_SERVER_AUTH_AUTHENTICATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/policy.h"
#include "server/storage/key_store.h"

namespace itp::auth {

class Authenticator {
 public:
  // `keys` must outlive this object. `now_unix_micros` decides expiry. At
  // most `max_cached_keys` verified keys are remembered (the cache starts
  // afresh when it is full).
  Authenticator(storage::KeyStore& keys,
                std::function<int64_t()> now_unix_micros,
                size_t max_cached_keys = 10000)
      : keys_(keys),
        now_(std::move(now_unix_micros)),
        max_cached_keys_(max_cached_keys) {}

  // The caller's principal for `authorization`, the metadata value (nullopt
  // when the call has none). UNAUTHENTICATED (reason UNAUTHENTICATED, with a
  // sentence saying what is wrong) when it is missing or malformed or the key
  // is unknown, revoked or expired; UNAVAILABLE/INTERNAL when the key store
  // fails. Thread-safe.
  absl::StatusOr<Principal> Authenticate(
      std::optional<absl::string_view> authorization) const;

  // Authenticate without the key store: the answer when it is known without
  // it (a remembered key, a wrong secret for a remembered key, a missing or
  // malformed value), nullopt when the store would have to be asked.
  // Never blocks on I/O. Thread-safe.
  std::optional<absl::StatusOr<Principal>> AuthenticateCached(
      std::optional<absl::string_view> authorization) const;

  // Forgets what is remembered of key `key_id` (after a revocation), so that
  // its next call is checked against the store. Thread-safe.
  void Forget(absl::string_view key_id);

 private:
  struct Verified {
    std::string secret;
    Principal principal;
    // Unix microseconds; 0 when the key does not expire.
    int64_t expire_micros = 0;
  };

  // The secret of a well-formed value and its key id, or UNAUTHENTICATED.
  struct Presented {
    absl::string_view secret;
    std::string key_id;
  };
  static absl::StatusOr<Presented> Parse(
      std::optional<absl::string_view> authorization);
  // The answer for `presented` from the cache, nullopt on a miss.
  std::optional<absl::StatusOr<Principal>> Lookup(
      const Presented& presented) const;

  storage::KeyStore& keys_;
  std::function<int64_t()> now_;
  const size_t max_cached_keys_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Verified> verified_
      ABSL_GUARDED_BY(mu_);
  // Raised by every Forget, so that a verification that raced with it is
  // not remembered.
  mutable uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace itp::auth

#endif  // ITP_SERVER_AUTH_AUTHENTICATOR_H_
