#include "server/common/log.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
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
    const char tag = level == LogLevel::kInfo      ? 'I'
                     : level == LogLevel::kWarning ? 'W'
                                                   : 'E';
    // By hand rather than absl::FormatTime: this runs for every call.
    const absl::Time now = absl::Now();
    const absl::CivilSecond t = absl::ToCivilSecond(now, absl::UTCTimeZone());
    const int64_t millis =
        absl::ToInt64Milliseconds(now - absl::FromCivil(t, absl::UTCTimeZone()));
    // Room for any int the fields could hold, so that the compiler can
    // prove no truncation (the year is four digits in practice).
    char stamp[96];
    std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(t.year()), t.month(), t.day(), t.hour(),
                  t.minute(), t.second(), static_cast<int>(millis));
    return absl::StrCat(stamp, " ", absl::string_view(&tag, 1), " ", message,
                        "\n");
  }

 private:
  absl::Mutex mu_;
  std::string pending_ ABSL_GUARDED_BY(mu_);
  // Lines queued and written since the start.
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

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

void Log(LogLevel level, absl::string_view message) {
  TheWriter().Add(Writer::Format(level, message));
}

void FlushLog() { TheWriter().Flush(); }

}  // namespace itp
