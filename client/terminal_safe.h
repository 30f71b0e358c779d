// Output that cannot drive a terminal: a stream buffer that writes through to
// another and shows, instead of sending, every character that a terminal
// would obey rather than print. Partner text (plan titles, comments) is
// printed by the CLI; a display_name holding "ESC [2J ESC ]0;... BEL" would
// otherwise clear a reviewer's screen and set the window's title.
//
// Shown as text: C0 controls but newline and tab (and CR right before a
// newline, CSV's line end) as "\x1B", DEL as "\x7F",
// C1 controls as "\u0085", and the bidirectional embeddings, overrides and
// isolates (U+202A-U+202E, U+2066-U+2069) as "\u202E". Everything else,
// UTF-8 included, passes unchanged. (In JSON output the same text is a valid
// JSON escape of the same character.)
//
//   TerminalSafeStream out(std::cout);
//   out << plan.display_name() << "\n";
#ifndef ITP_CLIENT_TERMINAL_SAFE_H_
#define ITP_CLIENT_TERMINAL_SAFE_H_

#include <ostream>
#include <streambuf>
#include <string>

#include "absl/strings/string_view.h"

namespace itp::client {

// `text` as TerminalSafeStream would write it.
std::string TerminalSafe(absl::string_view text);

class TerminalSafeBuf : public std::streambuf {
 public:
  explicit TerminalSafeBuf(std::streambuf* target) : target_(target) {}
  ~TerminalSafeBuf() override;

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  // Writes the UTF-8 sequence held in pending_, escaped when it must be.
  void FlushPending();

  std::streambuf* target_;
  std::string pending_;  // an incomplete UTF-8 sequence
  size_t expected_ = 0;  // its full length
  bool pending_cr_ = false;  // a CR, passed on if LF follows
};

class TerminalSafeStream : public std::ostream {
 public:
  explicit TerminalSafeStream(std::ostream& target)
      : std::ostream(nullptr), buf_(target.rdbuf()) {
    rdbuf(&buf_);
  }
  ~TerminalSafeStream() override { flush(); }

 private:
  TerminalSafeBuf buf_;
};

}  // namespace itp::client

#endif  // ITP_CLIENT_TERMINAL_SAFE_H_
