#include "server/auth/authenticator.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "openssl/crypto.h"
#include "server/auth/api_key_secret.h"
#include "server/domain/errors.h"

namespace itp::auth {
namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return domain::ErrorWithInfo(absl::StatusCode::kUnauthenticated,
                               absl::StrCat(why,
                                            " Send an API key as "
                                            "'authorization: Bearer <key>'."),
                               "UNAUTHENTICATED");
}

absl::Status NotValid() { return Unauthenticated("The API key is not valid."); }

bool SameSecret(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

absl::StatusOr<Authenticator::Presented> Authenticator::Parse(
    std::optional<absl::string_view> authorization) {
  if (!authorization) {
    return Unauthenticated("The call has no authorization metadata.");
  }
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(*authorization, kBearer)) {
    return Unauthenticated("The authorization metadata is not a Bearer key.");
  }
  absl::string_view secret = authorization->substr(kBearer.size());
  std::optional<std::string> key_id = KeyIdOf(secret);
  if (!key_id) return Unauthenticated("The API key is malformed.");
  return Presented{secret, *std::move(key_id)};
}

std::optional<absl::StatusOr<Principal>> Authenticator::Lookup(
    const Presented& presented) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = verified_.find(presented.key_id);
  if (it == verified_.end()) return std::nullopt;
  const Verified& known = it->second;
  // The key id is public; only the holder of the verified secret passes.
  if (!SameSecret(known.secret, presented.secret)) return NotValid();
  if (known.expire_micros != 0 && known.expire_micros <= now_()) {
    return Unauthenticated(absl::StrCat(
        "The API key ", known.principal.ApiKeyName(), " has expired."));
  }
  return known.principal;
}

std::optional<absl::StatusOr<Principal>> Authenticator::AuthenticateCached(
    std::optional<absl::string_view> authorization) const {
  auto presented = Parse(authorization);
  if (!presented.ok()) return absl::StatusOr<Principal>(presented.status());
  return Lookup(*presented);
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    std::optional<absl::string_view> authorization) const {
  auto presented = Parse(authorization);
  if (!presented.ok()) return presented.status();
  if (auto known = Lookup(*presented)) return *std::move(known);

  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    generation = generation_;
  }
  auto stored = keys_.GetKey(presented->key_id);
  if (absl::IsNotFound(stored.status()) ||
      (stored.ok() &&
       !VerifySecret(presented->secret, stored->salt, stored->hash))) {
    return NotValid();
  }
  if (!stored.ok()) return stored.status();
  const itp::v1::ApiKey& key = stored->key;
  if (key.has_revoke_time()) {
    return Unauthenticated(
        absl::StrCat("The API key ", key.name(), " has been revoked."));
  }
  Verified verified;
  if (key.has_expire_time()) {
    verified.expire_micros =
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(
            key.expire_time());
    if (verified.expire_micros <= now_()) {
      return Unauthenticated(
          absl::StrCat("The API key ", key.name(), " has expired."));
    }
  }
  verified.secret = std::string(presented->secret);
  verified.principal.key_id = presented->key_id;
  verified.principal.role = key.role();
  verified.principal.countries.assign(key.countries().begin(),
                                      key.countries().end());
  Principal principal = verified.principal;
  absl::MutexLock lock(&mu_);
  if (generation == generation_) {
    if (verified_.size() >= max_cached_keys_) verified_.clear();
    verified_.insert_or_assign(presented->key_id, std::move(verified));
  }
  return principal;
}

void Authenticator::Forget(absl::string_view key_id) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  verified_.erase(key_id);
}

}  // namespace itp::auth
