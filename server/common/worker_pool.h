// A bounded pool of threads for blocking work (database reads and writes),
// shared fairly between callers. Calls wait in one queue per caller key and
// the threads take them round-robin across keys, so a key with a thousand
// calls waiting does not delay a key with one.
//
// Admission: at most `max_queued` calls wait, all keys together. While there
// is room every call is admitted, whoever sends it. When the queue is full,
// a key with fewer than `key_share` calls in progress (waiting or running)
// is still admitted: the newest waiting call of the key furthest over its
// share is pushed out instead (its `on_evicted` runs). So a key can always
// have `key_share` calls in progress, and takes spare room beyond that only
// until others need it.
//
//   WorkerPool pool({/*threads=*/8, /*max_queued=*/1024, /*key_share=*/32});
//   auto admitted = pool.Submit("3f9c2a1b7d4e8f60", [] { ... },
//                               [](WorkerPool::Admission) { ... });
//   if (admitted != WorkerPool::Admission::kAdmitted) ... // refuse the call
#ifndef ITP_SERVER_COMMON_WORKER_POOL_H_
#define ITP_SERVER_COMMON_WORKER_POOL_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace itp {

class WorkerPool {
 public:
  struct Options {
    // Threads running tasks; at least 1.
    int threads = 8;
    // Tasks waiting for a thread, all keys together; at least 1.
    int max_queued = 1024;
    // Tasks of one key in progress (waiting or running) that are admitted
    // even when the queue is full; at least 1.
    int key_share = 32;
  };

  enum class Admission {
    kAdmitted,
    // The queue is full and no key is over its share.
    kQueueFull,
    // The queue is full and this key has its share in progress already (or,
    // for `on_evicted`, the task was pushed out for a key under its share).
    kOverShare,
    // Stop() was called.
    kStopped,
  };

  using Task = absl::AnyInvocable<void()>;
  // Runs instead of the task when it is pushed out of the queue; must not
  // block.
  using Evicted = absl::AnyInvocable<void(Admission)>;

  explicit WorkerPool(const Options& options);
  // Stop().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` for `key` (not empty). On kAdmitted exactly one of `task`
  // and `on_evicted` runs later (on_evicted on the thread of a later Submit);
  // otherwise neither runs. Thread-safe.
  Admission Submit(absl::string_view key, Task task, Evicted on_evicted);

  // Queues work of the server itself (reads for open streams), which is
  // never pushed out and not counted against max_queued; its callers bound
  // it (one read per stream at a time). False, dropping `task`, after
  // Stop(). Thread-safe.
  bool SubmitInternal(Task task);

  // Refuses new tasks, runs every task queued, and joins the threads.
  // Idempotent and thread-safe; not from a pool thread.
  void Stop();

  struct Stats {
    int queued = 0;
    int running = 0;
    // Keys with tasks in progress.
    int keys = 0;
  };
  Stats stats() const;
  // Tasks of `key` in progress (waiting or running).
  int InProgress(absl::string_view key) const;

 private:
  struct Entry {
    Task task;
    Evicted on_evicted;
  };
  struct KeyState {
    std::deque<Entry> queue;
    int running = 0;
    int in_progress() const { return static_cast<int>(queue.size()) + running; }
  };

  void Work();
  // Under mu_: moves `key`'s state to the back of the round-robin.
  void MarkReady(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !ready_.empty() || stopping_;
  }

  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, KeyState> keys_ ABSL_GUARDED_BY(mu_);
  // Keys with waiting tasks, in the order they are served.
  std::deque<std::string> ready_ ABSL_GUARDED_BY(mu_);
  int queued_ ABSL_GUARDED_BY(mu_) = 0;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Held while the threads are joined, so that Stop is safe to call twice.
  absl::Mutex join_mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(join_mu_);
};

}  // namespace itp

#endif  // ITP_SERVER_COMMON_WORKER_POOL_H_
