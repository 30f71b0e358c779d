#include "server/common/log.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace itp {
namespace {

constexpr size_t kMaxPendingBytes = 16 << 20;

class Writer {
 public:
  Writer() {
    std::thread([this] { Run(); }).detach();
  }

  void Add(std::string line) {
    absl::MutexLock lock(&mu_);
    if (pending_.size() + line.size() > kMaxPendingBytes) {
      ++dropped_;
      return;
    }
    pending_ += line;
    ++queued_;
  }

  void Flush() {
    absl::MutexLock lock(&mu_);
    struct Target {
      Writer* writer;
      uint64_t lines;
    } target{this, queued_};
    mu_.Await(absl::Condition(
        +[](Target* t) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return t->writer->written_ >= t->lines;
        },
        &target));
  }

 private:
  void Run() {
    std::string batch;
    while (true) {
      uint64_t count;
      uint64_t dropped;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Writer* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return !w->pending_.empty() || w->dropped_ > 0;
            },
            this));
        batch.swap(pending_);
        count = queued_;
        dropped = dropped_;
        dropped_ = 0;
      }
      if (dropped > 0) {
        absl::StrAppend(&batch, Format(LogLevel::kWarning,
                                       absl::StrCat(dropped,
                                                    " log lines dropped: "
                                                    "stderr could not keep "
                                                    "up")));
      }
      std::fwrite(batch.data(), 1, batch.size(), stderr);
      std::fflush(stderr);
      batch.clear();
      absl::MutexLock lock(&mu_);
      written_ = count;
    }
  }

 public:
  static std::string Format(LogLevel level, absl::string_view message) {
    return FormatLogLine(GetLogFormat(), absl::Now(), level, message);
  }

 private:
  absl::Mutex mu_;
  std::string pending_ ABSL_GUARDED_BY(mu_);
  // Lines queued and written since the start.
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

std::atomic<LogFormat> g_format{LogFormat::kText};

// "2026-11-29T08:37:07.123Z", by hand rather than absl::FormatTime: this runs
// for every call.
std::string Stamp(absl::Time time) {
  const absl::CivilSecond t = absl::ToCivilSecond(time, absl::UTCTimeZone());
  const int64_t millis =
      absl::ToInt64Milliseconds(time - absl::FromCivil(t, absl::UTCTimeZone()));
  // Room for any int the fields could hold, so that the compiler can prove
  // no truncation (the year is four digits in practice).
  char stamp[96];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<int>(t.year()), t.month(), t.day(), t.hour(),
                t.minute(), t.second(), static_cast<int>(millis));
  return stamp;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "ERROR";
}

// `text` as a JSON string, quotes included (RFC 8259: quote, backslash and
// control characters escaped; other bytes as they are).
void AppendJsonString(std::string* out, absl::string_view text) {
  out->push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out->append(escaped);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonField(std::string* out, absl::string_view name,
                     absl::string_view value) {
  absl::StrAppend(out, ", ");
  AppendJsonString(out, name);
  out->append(": ");
  AppendJsonString(out, value);
}

std::string JsonHead(absl::Time time, LogLevel level,
                     absl::string_view message) {
  std::string out = absl::StrCat("{\"time\": \"", Stamp(time),
                                 "\", \"level\": \"", LevelName(level), "\"");
  AppendJsonField(&out, "message", message);
  return out;
}

Writer& TheWriter() {
  // Never destroyed: lines may be logged while the process exits.
  static Writer* writer = [] {
    auto* w = new Writer();
    std::atexit(FlushLog);
    return w;
  }();
  return *writer;
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format.store(format); }

LogFormat GetLogFormat() { return g_format.load(std::memory_order_relaxed); }

std::string FormatLogLine(LogFormat format, absl::Time time, LogLevel level,
                          absl::string_view message) {
  if (format == LogFormat::kJson) {
    return absl::StrCat(JsonHead(time, level, message), "}\n");
  }
  const char tag = level == LogLevel::kInfo      ? 'I'
                   : level == LogLevel::kWarning ? 'W'
                                                 : 'E';
  return absl::StrCat(Stamp(time), " ", absl::string_view(&tag, 1), " ",
                      message, "\n");
}

std::string FormatCallLine(LogFormat format, absl::Time time, LogLevel level,
                           const CallLogRecord& call) {
  if (format == LogFormat::kText) {
    return FormatLogLine(
        format, time, level,
        absl::StrFormat(
            "rpc %s code=%s latency_ms=%.3f peer=%s key=%s%s", call.method,
            call.code, call.latency_ms, call.peer,
            call.key_id.empty() ? "-" : call.key_id,
            call.refused
                ? absl::StrCat(" refused",
                               call.reason.empty() ? "" : " " + call.reason)
                : ""));
  }
  std::string out = JsonHead(time, level, "rpc");
  AppendJsonField(&out, "method", call.method);
  AppendJsonField(&out, "code", call.code);
  absl::StrAppend(
      &out, ", \"latency_ms\": ", absl::StrFormat("%.3f", call.latency_ms));
  AppendJsonField(&out, "peer", call.peer);
  AppendJsonField(&out, "key_id", call.key_id);
  AppendJsonField(&out, "role", call.role);
  AppendJsonField(&out, "request_id", call.request_id);
  AppendJsonField(&out, "resource", call.resource);
  absl::StrAppend(&out, ", \"refused\": ", call.refused ? "true" : "false");
  if (!call.reason.empty()) AppendJsonField(&out, "reason", call.reason);
  out.append("}\n");
  return out;
}

void Log(LogLevel level, absl::string_view message) {
  TheWriter().Add(Writer::Format(level, message));
}

void LogCall(LogLevel level, const CallLogRecord& call) {
  TheWriter().Add(FormatCallLine(GetLogFormat(), absl::Now(), level, call));
}

void FlushLog() { TheWriter().Flush(); }

}  // namespace itp
