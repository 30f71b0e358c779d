// Page tokens on arbitrary text: a client may send any page_token. Whatever
// the input: no crash; a token not issued by the server with this secret
// for this query is INVALID_ARGUMENT naming "page_token"; and a cursor built
// from the input survives Encode -> Decode unchanged, but not under another
// query's fingerprint or another server's secret.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const itp::domain::PageTokens& Tokens() {
  static const auto* tokens =
      new itp::domain::PageTokens("ITP page-token fuzz secret, 32 by");
  return *tokens;
}

const itp::domain::PageTokens& OtherTokens() {
  static const auto* tokens =
      new itp::domain::PageTokens("another server's secret, 32 bytes");
  return *tokens;
}

void CheckRejected(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  const google::rpc::BadRequest bad = itp::domain::BadRequestOf(status);
  FUZZ_CHECK(bad.field_violations_size() == 1);
  FUZZ_CHECK(bad.field_violations(0).field() == "page_token");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const uint64_t fingerprint = itp::domain::QueryFingerprint(
      {"countries/-", "state = SUBMITTED", "update_time desc"});

  // As a token sent by a client.
  auto decoded = Tokens().CursorFromToken(text, fingerprint);
  if (!decoded.ok()) CheckRejected(decoded.status());

  // As the cursor of a page: the first 8 bytes the key, the rest the name
  // (never empty: a cursor is the name of the last resource of a page).
  if (size > 8) {
    itp::domain::PageCursor cursor;
    std::memcpy(&cursor.key, data, sizeof(cursor.key));
    cursor.name.assign(reinterpret_cast<const char*>(data) + 8, size - 8);
    const std::string token = Tokens().Encode(fingerprint, cursor);
    auto back = Tokens().Decode(token, fingerprint);
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back->key == cursor.key);
    FUZZ_CHECK(back->name == cursor.name);
    auto other_query = Tokens().Decode(token, fingerprint + 1);
    FUZZ_CHECK(!other_query.ok());
    CheckRejected(other_query.status());
    auto other_server = OtherTokens().Decode(token, fingerprint);
    FUZZ_CHECK(!other_server.ok());
    CheckRejected(other_server.status());
  }
  return 0;
}
