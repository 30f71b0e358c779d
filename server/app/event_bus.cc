#include "server/app/event_bus.h"

#include <utility>
#include <vector>

namespace itp::app {

void EventBus::Notify() {
  absl::flat_hash_map<WaitId, absl::AnyInvocable<void()>> ready;
  {
    absl::MutexLock lock(&mu_);
    ++sequence_;
    ready.swap(waiters_);
  }
  for (auto& [id, callback] : ready) callback();
}

uint64_t EventBus::sequence() const {
  absl::MutexLock lock(&mu_);
  return sequence_;
}

std::optional<EventBus::WaitId> EventBus::WaitFor(
    uint64_t seen, absl::AnyInvocable<void()> callback) {
  absl::MutexLock lock(&mu_);
  if (sequence_ != seen) return std::nullopt;
  const WaitId id = next_id_++;
  waiters_.emplace(id, std::move(callback));
  return id;
}

bool EventBus::Cancel(WaitId id) {
  absl::MutexLock lock(&mu_);
  return waiters_.erase(id) > 0;
}

size_t EventBus::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiters_.size();
}

}  // namespace itp::app
