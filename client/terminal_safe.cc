#include "client/terminal_safe.h"

#include <cstdint>
#include <sstream>

#include "absl/strings/str_format.h"

namespace itp::client {
namespace {

// The code point of a complete UTF-8 sequence; 0xFFFD when malformed.
uint32_t Decode(absl::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  switch (s.size()) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    case 3:
      return ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    default:
      return 0xFFFD;
  }
}

bool MustEscape(uint32_t cp) {
  return (cp < 0x20 && cp != '\n' && cp != '\t') ||
         (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // a stray continuation or invalid byte: passed on alone
}

}  // namespace

TerminalSafeBuf::~TerminalSafeBuf() {
  FlushPending();
  if (pending_cr_) target_->sputn("\\x0D", 4);
  target_->pubsync();
}

void TerminalSafeBuf::FlushPending() {
  if (pending_.empty()) return;
  const bool complete = pending_.size() == expected_;
  const uint32_t cp = complete ? Decode(pending_) : 0xFFFD;
  if (complete && MustEscape(cp)) {
    const std::string shown = cp < 0x80 ? absl::StrFormat("\\x%02X", cp)
                                        : absl::StrFormat("\\u%04X", cp);
    target_->sputn(shown.data(), static_cast<std::streamsize>(shown.size()));
  } else {
    target_->sputn(pending_.data(),
                   static_cast<std::streamsize>(pending_.size()));
  }
  pending_.clear();
  expected_ = 0;
}

TerminalSafeBuf::int_type TerminalSafeBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
  const unsigned char byte = static_cast<unsigned char>(c);
  // CR is a line end (CSV's CRLF) only right before LF; alone it would
  // move the cursor back over what was printed.
  if (pending_cr_) {
    pending_cr_ = false;
    if (byte == '\n') {
      target_->sputn("\r\n", 2);
      return c;
    }
    target_->sputn("\\x0D", 4);
  }
  if (byte == '\r') {
    FlushPending();
    pending_cr_ = true;
    return c;
  }
  const bool continuation = (byte & 0xC0) == 0x80;
  if (!pending_.empty() && !continuation) FlushPending();  // cut short
  if (pending_.empty()) {
    if (continuation) {  // stray: passed on as it is
      target_->sputc(static_cast<char>(byte));
      return c;
    }
    expected_ = SequenceLength(byte);
  }
  pending_.push_back(static_cast<char>(byte));
  if (pending_.size() == expected_) FlushPending();
  return c;
}

int TerminalSafeBuf::sync() {
  // An incomplete sequence stays until its next byte, unless the stream
  // ends; flushing then passes it on unchanged.
  return target_->pubsync();
}

std::string TerminalSafe(absl::string_view text) {
  std::ostringstream out;
  {
    TerminalSafeStream safe(out);
    safe << text;
  }
  return out.str();
}

}  // namespace itp::client
