#include "server/auth/authenticator.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
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

}  // namespace

absl::StatusOr<Principal> Authenticator::Authenticate(
    const grpc::ServerContext& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return Unauthenticated("The call has no authorization metadata.");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return Unauthenticated("The authorization metadata is not a Bearer key.");
  }
  absl::string_view secret = value.substr(kBearer.size());
  std::optional<std::string> key_id = KeyIdOf(secret);
  if (!key_id) return Unauthenticated("The API key is malformed.");

  auto stored = keys_.GetKey(*key_id);
  if (absl::IsNotFound(stored.status()) ||
      (stored.ok() && !VerifySecret(secret, stored->salt, stored->hash))) {
    return Unauthenticated("The API key is not valid.");
  }
  if (!stored.ok()) return stored.status();
  const itp::v1::ApiKey& key = stored->key;
  if (key.has_revoke_time()) {
    return Unauthenticated(
        absl::StrCat("The API key ", key.name(), " has been revoked."));
  }
  if (key.has_expire_time() &&
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(
          key.expire_time()) <= now_()) {
    return Unauthenticated(
        absl::StrCat("The API key ", key.name(), " has expired."));
  }
  Principal principal;
  principal.key_id = *key_id;
  principal.role = key.role();
  principal.countries.assign(key.countries().begin(), key.countries().end());
  return principal;
}

}  // namespace itp::auth
