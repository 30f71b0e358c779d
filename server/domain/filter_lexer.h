// The tokens of an AIP-160 filter (ListPlans, ListAuditEvents,
// ListProgressReports), for the parser in plan_query.cc. Internal to the
// domain layer.
#ifndef ITP_SERVER_DOMAIN_FILTER_LEXER_H_
#define ITP_SERVER_DOMAIN_FILTER_LEXER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itp::domain::internal {

// One token; `pos` is its 0-based offset in the filter.
struct Token {
  enum class Kind { kWord, kString, kOp, kLParen, kRParen, kMinus, kEnd };
  Kind kind;
  std::string text;
  size_t pos;
};

// INVALID_ARGUMENT on the field `filter`, naming the 1-based position.
absl::Status FilterError(size_t pos, absl::string_view what);

// The tokens of `filter`, ending with a kEnd token at its length; an error
// at the first character that starts no token or an unterminated string.
absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view filter);

}  // namespace itp::domain::internal

#endif  // ITP_SERVER_DOMAIN_FILTER_LEXER_H_
