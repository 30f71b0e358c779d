#include "server/common/worker_pool.h"

#include <algorithm>
#include <utility>

namespace itp {
namespace {

// The key of SubmitInternal; Submit keys are never empty.
const char kInternal[] = "";

}  // namespace

WorkerPool::WorkerPool(const Options& options) : options_(options) {
  absl::MutexLock join(&join_mu_);
  threads_.reserve(std::max(1, options_.threads));
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    threads_.emplace_back([this] { Work(); });
  }
}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::MarkReady(const std::string& key) {
  if (std::find(ready_.begin(), ready_.end(), key) == ready_.end()) {
    ready_.push_back(key);
  }
}

WorkerPool::Admission WorkerPool::Submit(absl::string_view key, Task task,
                                         Evicted on_evicted) {
  Evicted evicted;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return Admission::kStopped;
    auto it = keys_.find(key);
    const int in_progress = it == keys_.end() ? 0 : it->second.in_progress();
    if (queued_ >= std::max(1, options_.max_queued)) {
      if (in_progress >= std::max(1, options_.key_share)) {
        return Admission::kOverShare;
      }
      // Push out the newest waiting task of the key furthest over its share.
      KeyState* victim = nullptr;
      for (auto& [name, state] : keys_) {
        if (name == kInternal || state.queue.empty() ||
            state.in_progress() <= options_.key_share) {
          continue;
        }
        if (victim == nullptr || state.in_progress() > victim->in_progress()) {
          victim = &state;
        }
      }
      if (victim == nullptr) return Admission::kQueueFull;
      evicted = std::move(victim->queue.back().on_evicted);
      victim->queue.pop_back();
      --queued_;
      // The victim stays in ready_ even with an empty queue; Work skips it.
    }
    KeyState& state = keys_[key];
    state.queue.push_back({std::move(task), std::move(on_evicted)});
    ++queued_;
    MarkReady(std::string(key));
  }
  if (evicted) evicted(Admission::kOverShare);
  return Admission::kAdmitted;
}

bool WorkerPool::SubmitInternal(Task task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  keys_[kInternal].queue.push_back({std::move(task), nullptr});
  MarkReady(kInternal);
  return true;
}

void WorkerPool::Work() {
  while (true) {
    std::string key;
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WorkerPool::HasWork));
      if (ready_.empty()) return;  // stopping, and nothing left to run
      key = std::move(ready_.front());
      ready_.pop_front();
      auto it = keys_.find(key);
      if (it == keys_.end() || it->second.queue.empty()) {
        if (it != keys_.end() && it->second.running == 0) keys_.erase(it);
        continue;
      }
      KeyState& state = it->second;
      task = std::move(state.queue.front().task);
      state.queue.pop_front();
      if (key != kInternal) --queued_;
      ++state.running;
      ++running_;
      if (!state.queue.empty()) ready_.push_back(key);
    }
    task();
    absl::MutexLock lock(&mu_);
    --running_;
    auto it = keys_.find(key);
    if (--it->second.running == 0 && it->second.queue.empty()) {
      keys_.erase(it);
    }
  }
}

void WorkerPool::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  absl::MutexLock join(&join_mu_);
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

WorkerPool::Stats WorkerPool::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats;
  stats.queued = queued_;
  stats.running = running_;
  for (const auto& [name, state] : keys_) {
    if (name != kInternal && state.in_progress() > 0) ++stats.keys;
  }
  return stats;
}

int WorkerPool::InProgress(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(key);
  return it == keys_.end() ? 0 : it->second.in_progress();
}

}  // namespace itp
