// The project's one logging entry point: timestamped lines on stderr, safe to
// call from any thread. Kept deliberately small; the server logs one line per
// RPC plus start-up and shutdown events.
//
//   itp::Log(itp::LogLevel::kInfo, absl::StrCat("listening on ", address));
#ifndef ITP_SERVER_COMMON_LOG_H_
#define ITP_SERVER_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace itp {

enum class LogLevel { kInfo, kWarning, kError };

// Writes "2026-11-29T08:37:07.123Z I message" as one line to stderr.
void Log(LogLevel level, absl::string_view message);

}  // namespace itp

#endif  // ITP_SERVER_COMMON_LOG_H_
