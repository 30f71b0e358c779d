// Opaque page tokens for keyset pagination. A token records where the previous
// page ended (the sort key and the name of its last item) and a fingerprint of
// the query it belongs to, so that a token used with another parent, filter or
// order_by is rejected instead of silently skipping or repeating items. Tokens
// are signed (HMAC-SHA256 with a secret of the database, kept in it), so that
// only the server makes them: an altered or home-made token is rejected.
//
//   PageTokens tokens(secret);  // 32 random bytes, the same across restarts
//   uint64_t fp = QueryFingerprint({parent, filter, order_by});
//   std::string token = tokens.Encode(fp, PageCursor{last_key, last_name});
//   auto cursor = tokens.Decode(token, fp);  // INVALID_ARGUMENT on misuse
#ifndef ITP_SERVER_DOMAIN_PAGE_TOKEN_H_
#define ITP_SERVER_DOMAIN_PAGE_TOKEN_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itp::domain {

// Default and maximum page sizes of every List method.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// Where a page ended: the value of the sort column (0 when sorting by name)
// and the resource name of the last item (the tie-breaker).
struct PageCursor {
  int64_t key = 0;
  std::string name;
};

// A stable 64-bit fingerprint (FNV-1a) of the parts of a query. Not a
// security measure: the signature of PageTokens is.
uint64_t QueryFingerprint(std::initializer_list<absl::string_view> parts);

// Makes and reads page tokens signed with one secret. Thread-safe.
class PageTokens {
 public:
  // `secret`: at least 16 bytes, kept by the server (see Application).
  explicit PageTokens(std::string secret) : secret_(std::move(secret)) {}

  std::string Encode(uint64_t fingerprint, const PageCursor& cursor) const;

  // INVALID_ARGUMENT naming "page_token" when the token is malformed, not
  // signed with this secret, or was issued for a different query.
  absl::StatusOr<PageCursor> Decode(absl::string_view token,
                                    uint64_t fingerprint) const;

  // The cursor a List request's `token` continues from: nullopt for an
  // empty token (the first page); INVALID_ARGUMENT as Decode otherwise.
  absl::StatusOr<std::optional<PageCursor>> CursorFromToken(
      absl::string_view token, uint64_t fingerprint) const;

  // The next_page_token of a List response: empty on the last page.
  std::string NextPageToken(uint64_t fingerprint,
                            const std::optional<PageCursor>& next) const;

 private:
  // Hex of the first 16 bytes of HMAC-SHA256(secret_, payload).
  std::string Sign(absl::string_view payload) const;

  std::string secret_;
};

// The effective page size: kDefaultPageSize for 0, at most kMaxPageSize;
// INVALID_ARGUMENT naming "page_size" when negative.
absl::StatusOr<int> EffectivePageSize(int requested);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_PAGE_TOKEN_H_
