// Tells streams that something may have happened, so that they re-read the
// stored events (or job results) instead of polling. Every successful change
// and every job step notifies. A stream that found nothing new registers a
// one-shot callback with the sequence it last saw; the callback runs as soon
// as the sequence moves, on the notifying thread, so it must only hand work
// off (schedule a read), never block.
//
//   uint64_t seen = bus.sequence();
//   ... read events; nothing new ...
//   auto id = bus.WaitFor(seen, [reactor] { reactor->Pull(); });
//   if (!id) ... // news came meanwhile: read again now
//   ...
//   bus.Cancel(*id);   // when the stream ends first
#ifndef ITP_SERVER_APP_EVENT_BUS_H_
#define ITP_SERVER_APP_EVENT_BUS_H_

#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace itp::app {

// Thread-safe.
class EventBus {
 public:
  using WaitId = uint64_t;

  // Raises the sequence and runs (outside the lock, on this thread) every
  // callback registered before.
  void Notify();

  uint64_t sequence() const;

  // Registers `callback` to run once, at the next Notify, and returns its
  // id; nullopt (registering nothing) when the sequence differs from `seen`
  // already. Never runs the callback itself.
  std::optional<WaitId> WaitFor(uint64_t seen,
                                absl::AnyInvocable<void()> callback);

  // Drops a registered callback; true when it had not run (and now never
  // will), false when it ran or is running.
  bool Cancel(WaitId id);

  // Callbacks waiting (for tests and metrics).
  size_t waiting() const;

 private:
  mutable absl::Mutex mu_;
  uint64_t sequence_ ABSL_GUARDED_BY(mu_) = 0;
  WaitId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<WaitId, absl::AnyInvocable<void()>> waiters_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_EVENT_BUS_H_
