#include "server/domain/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

// p2: signed with HMAC-SHA256 (p1 tokens carried an unkeyed checksum).
constexpr char kVersion[] = "p2";
// Of the HMAC, the first 16 bytes are kept (128 bits).
constexpr size_t kSignatureBytes = 16;

absl::Status BadToken(absl::string_view why) {
  return InvalidField("page_token", std::string(why));
}

}  // namespace

uint64_t QueryFingerprint(std::initializer_list<absl::string_view> parts) {
  uint64_t h = 14695981039346656037ull;
  for (absl::string_view part : parts) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator, so ("ab","c") and ("a","bc") differ
    h *= 1099511628211ull;
  }
  return h;
}

std::string PageTokens::Sign(absl::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
       mac, &length);
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(mac), kSignatureBytes));
}

// Tokens end with a signature of the rest, so that a truncated, altered or
// home-made token is rejected instead of moving the cursor.
std::string PageTokens::Encode(uint64_t fingerprint,
                               const PageCursor& cursor) const {
  std::string payload = absl::StrCat(kVersion, "|", absl::Hex(fingerprint), "|",
                                     cursor.key, "|", cursor.name);
  return absl::WebSafeBase64Escape(
      absl::StrCat(payload, "|", Sign(payload)));
}

absl::StatusOr<PageCursor> PageTokens::Decode(absl::string_view token,
                                              uint64_t fingerprint) const {
  std::string raw;
  constexpr size_t kSignatureChars = 2 * kSignatureBytes;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < kSignatureChars + 1 ||
      raw[raw.size() - kSignatureChars - 1] != '|') {
    return BadToken("is not a page token returned by this method.");
  }
  const std::string signature = raw.substr(raw.size() - kSignatureChars);
  raw.resize(raw.size() - kSignatureChars - 1);
  const std::string expected = Sign(raw);
  if (CRYPTO_memcmp(signature.data(), expected.data(), kSignatureChars) != 0) {
    return BadToken("is not a page token returned by this method.");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 3));
  uint64_t token_fp = 0;
  PageCursor cursor;
  if (parts.size() != 4 || parts[0] != kVersion ||
      !absl::SimpleHexAtoi(parts[1], &token_fp) ||
      !absl::SimpleAtoi(parts[2], &cursor.key) || parts[3].empty()) {
    return BadToken("is not a page token returned by this method.");
  }
  if (token_fp != fingerprint) {
    return BadToken(
        "belongs to a different query; keep parent, filter and order_by "
        "unchanged while paging.");
  }
  cursor.name = std::move(parts[3]);
  return cursor;
}

absl::StatusOr<std::optional<PageCursor>> PageTokens::CursorFromToken(
    absl::string_view token, uint64_t fingerprint) const {
  if (token.empty()) return std::optional<PageCursor>();
  auto cursor = Decode(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  return std::optional<PageCursor>(*std::move(cursor));
}

std::string PageTokens::NextPageToken(
    uint64_t fingerprint, const std::optional<PageCursor>& next) const {
  return next ? Encode(fingerprint, *next) : std::string();
}

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) {
    return InvalidField("page_size", absl::StrCat("must not be negative (got ",
                                                  requested, ")."));
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

}  // namespace itp::domain
