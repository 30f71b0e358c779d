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

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace itp {

enum class LogLevel { kInfo, kWarning, kError };

// kText: "2026-11-29T08:37:07.123Z I message". kJson: one JSON object a line,
// {"time": "2026-11-29T08:37:07.123Z", "level": "INFO", "message": ...}, and
// for calls the fields of CallLogRecord. Process-wide; set once at start-up
// (itp-server --log_format), before other threads log.
enum class LogFormat { kText, kJson };
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();

// Queues `message` as one line for stderr, in the log format.
void Log(LogLevel level, absl::string_view message);

// One call, as the serving core saw it end.
struct CallLogRecord {
  std::string method;  // "/itp.v1.PlanService/GetPlan"
  std::string code;    // "OK", "NOT_FOUND", ...
  double latency_ms = 0;
  std::string peer;        // "ipv4:127.0.0.1:50312"
  std::string key_id;      // empty: no verified key
  std::string role;        // "PARTNER", ...; empty when unknown
  std::string request_id;  // the request's request_id, if any
  std::string resource;    // the request's name or parent, if any
  // Turned away without running, and the ErrorInfo reason if any.
  bool refused = false;
  std::string reason;
};

// Queues the line of one call: in text "rpc METHOD code=CODE latency_ms=...
// peer=... key=KEY_ID[ refused[ REASON]]" (as before JSON existed), in JSON
// an object with "message": "rpc" and every field of `call`.
void LogCall(LogLevel level, const CallLogRecord& call);

// The line Log or LogCall would queue at `time` (with its newline); for
// tests.
std::string FormatLogLine(LogFormat format, absl::Time time, LogLevel level,
                          absl::string_view message);
std::string FormatCallLine(LogFormat format, absl::Time time, LogLevel level,
                           const CallLogRecord& call);

// Blocks until every line logged before the call is written to stderr.
void FlushLog();

}  // namespace itp

#endif  // ITP_SERVER_COMMON_LOG_H_
