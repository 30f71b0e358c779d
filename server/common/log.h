// The project's one logging entry point: timestamped lines on stderr, safe to
// call from any thread. Lines are written by a background thread, so that a
// call's log line never waits for the terminal or the disk on the serving
// path; FlushLog() (also run at exit) waits until everything logged so far is
// written. When stderr cannot keep up, at most 16 MiB of lines wait; beyond
// that lines are dropped and a line saying how many follows.
//
//   itp::Log(itp::LogLevel::kInfo, absl::StrCat("listening on ", address));
#ifndef ITP_SERVER_COMMON_LOG_H_
#define ITP_SERVER_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace itp {

enum class LogLevel { kInfo, kWarning, kError };

// Queues "2026-11-29T08:37:07.123Z I message" as one line for stderr.
void Log(LogLevel level, absl::string_view message);

// Blocks until every line logged before the call is written to stderr.
void FlushLog();

}  // namespace itp

#endif  // ITP_SERVER_COMMON_LOG_H_
