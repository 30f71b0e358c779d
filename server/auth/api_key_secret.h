// API key secrets: generation from a cryptographic source, and verification
// against the salted hash that is all the server keeps.
//
// A secret looks like `itp_3f9c2a1b7d4e8f60_<43 base64url characters>`: the
// 16 hex digits are the key id (public, used to find the stored hash), the
// rest carries 256 random bits.
//
//   IssuedSecret issued = IssueSecret();   // show issued.secret once
//   ...
//   bool ok = VerifySecret(presented, issued.salt, issued.hash);
#ifndef ITP_SERVER_AUTH_API_KEY_SECRET_H_
#define ITP_SERVER_AUTH_API_KEY_SECRET_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itp::auth {

struct IssuedSecret {
  std::string key_id;  // 16 lower-case hex digits
  std::string secret;  // what the holder sends as a bearer token
  std::string salt;    // 16 random bytes
  std::string hash;    // SHA-256(salt || secret), 32 bytes
};

// A new secret from OpenSSL's CSPRNG. INTERNAL if the generator fails.
absl::StatusOr<IssuedSecret> IssueSecret();

// `n` bytes from OpenSSL's CSPRNG. INTERNAL if the generator fails.
absl::StatusOr<std::string> RandomSecretBytes(size_t n);

// The key id embedded in `secret`, or nullopt when it is not shaped like one.
std::optional<std::string> KeyIdOf(absl::string_view secret);

// True when SHA-256(salt || secret) equals `hash` (constant-time comparison).
bool VerifySecret(absl::string_view secret, absl::string_view salt,
                  absl::string_view hash);

}  // namespace itp::auth

#endif  // ITP_SERVER_AUTH_API_KEY_SECRET_H_
