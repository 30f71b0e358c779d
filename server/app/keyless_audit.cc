#include "server/app/keyless_audit.h"

#include "server/common/log.h"

namespace itp::app {
namespace {

constexpr int64_t kMinuteMicros = 60 * 1000 * 1000;

int64_t MinuteOf(int64_t micros) { return micros - micros % kMinuteMicros; }

}  // namespace

KeylessAudit::KeylessAudit(storage::AuditLog& log,
                           std::function<int64_t()> now, Options options)
    : log_(log), now_(std::move(now)), options_(options) {}

KeylessAudit::~KeylessAudit() { Stop(); }

void KeylessAudit::Count(const storage::WriteContext& ctx,
                         const absl::Status& outcome) {
  const int64_t now = now_();
  const int64_t minute = MinuteOf(now);
  absl::MutexLock lock(&mu_);
  auto it = rows_.find({minute, ctx.peer});
  if (it == rows_.end()) {
    int& clients = clients_[minute];
    std::string peer = ctx.peer;
    if (clients >= options_.max_clients_per_minute) {
      peer = kOtherClientsPeer;
    } else {
      ++clients;
    }
    it = rows_.try_emplace({minute, peer}).first;
    Row& row = it->second;
    if (row.count == 0) {
      row.ctx.method = ctx.method;
      row.ctx.peer = peer;
      row.ctx.role = itp::v1::ROLE_UNSPECIFIED;
      row.outcome = outcome;
      row.first_time = now;
    }
  }
  Row& row = it->second;
  if (row.ctx.method != ctx.method) row.ctx.method = "*";
  ++row.count;
}

absl::Status KeylessAudit::Flush(bool all) {
  absl::MutexLock flushing(&flush_mu_);
  std::vector<storage::AuditLog::CountedCalls> batch;
  std::vector<RowKey> keys;
  {
    absl::MutexLock lock(&mu_);
    const int64_t current = MinuteOf(now_());
    for (const auto& [key, row] : rows_) {
      if (!all && key.first >= current) continue;
      batch.push_back({row.ctx, row.outcome, row.count, row.first_time});
      keys.push_back(key);
    }
  }
  if (batch.empty()) return absl::OkStatus();
  absl::Status written = log_.RecordCounted(batch);
  if (!written.ok()) return written;
  absl::MutexLock lock(&mu_);
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = rows_.find(keys[i]);
    if (it == rows_.end()) continue;
    // Calls counted while the batch was written stay for the next flush.
    it->second.count -= batch[i].count;
    if (it->second.count == 0) rows_.erase(it);
  }
  // Minutes that have ended take no more calls.
  clients_.erase(clients_.begin(), clients_.lower_bound(MinuteOf(now_())));
  return absl::OkStatus();
}

void KeylessAudit::Start() {
  absl::MutexLock lock(&thread_mu_);
  if (thread_.joinable()) return;
  {
    absl::MutexLock state(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        const bool* stopping = &stopping_;
        mu_.AwaitWithTimeout(absl::Condition(stopping), options_.flush_every);
        if (stopping_) return;
      }
      absl::Status s = Flush(false);
      if (!s.ok()) {
        Log(LogLevel::kError,
            "audit of calls without a key not written: " + s.ToString());
      }
    }
  });
}

void KeylessAudit::Stop() {
  {
    absl::MutexLock lock(&thread_mu_);
    {
      absl::MutexLock state(&mu_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }
  absl::Status s = Flush(true);
  if (!s.ok()) {
    Log(LogLevel::kError,
        "audit of calls without a key not written: " + s.ToString());
  }
}

int KeylessAudit::pending() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(rows_.size());
}

}  // namespace itp::app
