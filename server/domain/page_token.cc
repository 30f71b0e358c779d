#include "server/domain/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

constexpr char kVersion[] = "p1";

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

// Tokens end with a checksum of the rest, so that a truncated or altered
// token is rejected instead of silently moving the cursor.
std::string EncodePageToken(uint64_t fingerprint, const PageCursor& cursor) {
  std::string payload = absl::StrCat(kVersion, "|", absl::Hex(fingerprint), "|",
                                     cursor.key, "|", cursor.name);
  return absl::WebSafeBase64Escape(absl::StrCat(
      payload, "|", absl::Hex(QueryFingerprint({payload}), absl::kZeroPad16)));
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token,
                                           uint64_t fingerprint) {
  std::string raw;
  constexpr size_t kChecksumChars = 16;
  uint64_t checksum = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < kChecksumChars + 1 ||
      raw[raw.size() - kChecksumChars - 1] != '|' ||
      !absl::SimpleHexAtoi(
          absl::string_view(raw).substr(raw.size() - kChecksumChars),
          &checksum)) {
    return BadToken("is not a page token returned by this method.");
  }
  raw.resize(raw.size() - kChecksumChars - 1);
  if (checksum != QueryFingerprint({raw})) {
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

absl::StatusOr<std::optional<PageCursor>> CursorFromToken(
    absl::string_view token, uint64_t fingerprint) {
  if (token.empty()) return std::optional<PageCursor>();
  auto cursor = DecodePageToken(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  return std::optional<PageCursor>(*std::move(cursor));
}

std::string NextPageToken(uint64_t fingerprint,
                          const std::optional<PageCursor>& next) {
  return next ? EncodePageToken(fingerprint, *next) : std::string();
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
