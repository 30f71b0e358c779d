#include "server/auth/api_key_secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace itp::auth {
namespace {

constexpr char kPrefix[] = "itp_";
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;

bool RandomBytes(size_t n, std::string* out) {
  out->resize(n);
  return RAND_bytes(reinterpret_cast<unsigned char*>(out->data()),
                    static_cast<int>(n)) == 1;
}

std::string Sha256(absl::string_view salt, absl::string_view secret) {
  std::string input = absl::StrCat(salt, secret);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof(digest));
}

}  // namespace

absl::StatusOr<std::string> RandomSecretBytes(size_t n) {
  std::string bytes;
  if (!RandomBytes(n, &bytes)) {
    return absl::InternalError("OpenSSL's random generator failed.");
  }
  return bytes;
}

absl::StatusOr<IssuedSecret> IssueSecret() {
  std::string id_bytes;
  std::string secret_bytes;
  IssuedSecret issued;
  if (!RandomBytes(kKeyIdBytes, &id_bytes) ||
      !RandomBytes(kSecretBytes, &secret_bytes) ||
      !RandomBytes(kSaltBytes, &issued.salt)) {
    return absl::InternalError("The random number generator failed.");
  }
  issued.key_id = absl::BytesToHexString(id_bytes);
  std::string encoded;
  absl::WebSafeBase64Escape(secret_bytes, &encoded);
  issued.secret = absl::StrCat(kPrefix, issued.key_id, "_", encoded);
  issued.hash = Sha256(issued.salt, issued.secret);
  return issued;
}

std::optional<std::string> KeyIdOf(absl::string_view secret) {
  constexpr size_t kIdChars = 2 * kKeyIdBytes;
  const size_t prefix = sizeof(kPrefix) - 1;
  if (!absl::StartsWith(secret, kPrefix) ||
      secret.size() < prefix + kIdChars + 2 ||
      secret[prefix + kIdChars] != '_') {
    return std::nullopt;
  }
  absl::string_view id = secret.substr(prefix, kIdChars);
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  return std::string(id);
}

bool VerifySecret(absl::string_view secret, absl::string_view salt,
                  absl::string_view hash) {
  std::string computed = Sha256(salt, secret);
  return hash.size() == computed.size() &&
         CRYPTO_memcmp(computed.data(), hash.data(), computed.size()) == 0;
}

}  // namespace itp::auth
