#include "server/domain/filter_lexer.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"

namespace itp::domain::internal {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == ':' || c == '+';
}

}  // namespace

absl::Status FilterError(size_t pos, absl::string_view what) {
  return InvalidField("filter",
                      absl::StrCat("at position ", pos + 1, ": ", what,
                                   " The method's `filter` field documents "
                                   "the supported grammar (an AIP-160 "
                                   "subset)."));
}

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(') {
      tokens.push_back({Token::Kind::kLParen, "(", i++});
    } else if (c == ')') {
      tokens.push_back({Token::Kind::kRParen, ")", i++});
    } else if (c == '=') {
      tokens.push_back({Token::Kind::kOp, "=", i++});
    } else if (c == '!' || c == '<' || c == '>') {
      size_t start = i++;
      std::string op(1, c);
      if (i < s.size() && s[i] == '=') op.push_back(s[i++]);
      if (op == "!") return FilterError(start, "'!' must be followed by '='.");
      tokens.push_back({Token::Kind::kOp, op, start});
    } else if (c == '-' &&
               (i + 1 >= s.size() || !IsWordChar(s[i + 1]) ||
                std::isalpha(static_cast<unsigned char>(s[i + 1])) ||
                s[i + 1] == '(')) {
      tokens.push_back({Token::Kind::kMinus, "-", i++});
    } else if (c == '"' || c == '\'') {
      size_t start = i++;
      std::string text;
      while (i < s.size() && s[i] != c) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        text.push_back(s[i++]);
      }
      if (i >= s.size()) return FilterError(start, "unterminated string.");
      ++i;
      tokens.push_back({Token::Kind::kString, std::move(text), start});
    } else if (IsWordChar(c) || c == '-') {
      size_t start = i;
      while (i < s.size() && (IsWordChar(s[i]) || s[i] == '-')) ++i;
      tokens.push_back(
          {Token::Kind::kWord, std::string(s.substr(start, i - start)), start});
    } else {
      // Quote the whole UTF-8 sequence: the message travels in a proto3
      // string, which must stay valid UTF-8.
      unsigned char lead = static_cast<unsigned char>(c);
      size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      std::string quoted(s.substr(i, length));
      bool valid = quoted.size() == length && (length == 1 || lead >= 0xC2);
      for (size_t k = 1; valid && k < length; ++k) {
        valid = (static_cast<unsigned char>(quoted[k]) & 0xC0) == 0x80;
      }
      return FilterError(i, absl::StrCat("unexpected character '",
                                         valid ? quoted : "?", "'."));
    }
  }
  tokens.push_back({Token::Kind::kEnd, "", s.size()});
  return tokens;
}

}  // namespace itp::domain::internal
