// Wakes WatchPlanEvents streams when something may have happened, so that
// they need not poll the database in a tight loop. Every successful mutation
// notifies; watchers re-read the event table after a notification or a
// timeout, so a missed notification only delays, never loses, an event.
//
//   uint64_t seen = bus.sequence();
//   ... read events ...
//   seen = bus.WaitForChange(seen, absl::Seconds(1));
#ifndef ITP_SERVER_SERVICE_EVENT_BUS_H_
#define ITP_SERVER_SERVICE_EVENT_BUS_H_

#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace itp::service {

// Thread-safe.
class EventBus {
 public:
  void Notify() {
    absl::MutexLock lock(&mu_);
    ++sequence_;
  }

  uint64_t sequence() {
    absl::MutexLock lock(&mu_);
    return sequence_;
  }

  // Blocks until the sequence differs from `seen` or `timeout` passes;
  // returns the sequence then.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    struct Args {
      uint64_t* sequence;
      uint64_t seen;
    } args{&sequence_, seen};
    mu_.AwaitWithTimeout(
        absl::Condition(
            +[](Args* a) { return *a->sequence != a->seen; }, &args),
        timeout);
    return sequence_;
  }

 private:
  absl::Mutex mu_;
  uint64_t sequence_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_EVENT_BUS_H_
