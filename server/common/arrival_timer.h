// One timeout for many waiters: each waiter is started when a call begins to
// wait (for its request body, in the serving core) and either claimed by the
// call once the wait is over, or expired by the timer's thread when the
// timeout passes first. Exactly one of the two happens, so whichever wins
// owns what follows (finishing the call).
//
// Every waiter has the same timeout, so the waiting ones form a list sorted
// by deadline: starting and claiming are O(1) under one mutex, and one
// thread sleeps until the oldest deadline. Nothing is allocated per waiter
// (the list is intrusive).
//
//   class BodyRead : public ArrivalTimer::Waiter {
//     void Expire() override { ... finish the call: too slow ... }
//   };
//   timer.Start(&read);            // before the read can complete
//   ...
//   if (timer.Claim(&read)) { ... the body arrived in time ... }
#ifndef ITP_SERVER_COMMON_ARRIVAL_TIMER_H_
#define ITP_SERVER_COMMON_ARRIVAL_TIMER_H_

#include <cstdint>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace itp {

class ArrivalTimer {
 public:
  class Waiter {
   public:
    virtual ~Waiter() = default;

    // On the timer's thread, at most once, when the timeout passed before
    // Claim. The waiter is off the list by then; the timer does not touch it
    // again.
    virtual void Expire() = 0;

   private:
    friend class ArrivalTimer;
    Waiter* prev_ = nullptr;
    Waiter* next_ = nullptr;
    absl::Time deadline_;
    bool linked_ = false;
  };

  // `timeout` must be positive. Starts the timer's thread.
  explicit ArrivalTimer(absl::Duration timeout);
  // Stops the thread; waiters still on the list neither expire nor are
  // touched again.
  ~ArrivalTimer();
  ArrivalTimer(const ArrivalTimer&) = delete;
  ArrivalTimer& operator=(const ArrivalTimer&) = delete;

  // Puts `waiter` on the list with a deadline of now plus the timeout.
  // `waiter` must not be on the list and must stay alive until it is
  // claimed or has expired.
  void Start(Waiter* waiter);

  // Takes `waiter` off the list: true when it was on it (the timeout has
  // not expired it), false when it has expired or is expiring.
  bool Claim(Waiter* waiter);

  absl::Duration timeout() const { return timeout_; }
  // Waiters on the list now, and expired so far.
  int waiting() const;
  int64_t expired() const;

 private:
  void Unlink(Waiter* waiter) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run();

  const absl::Duration timeout_;
  mutable absl::Mutex mu_;
  absl::CondVar wake_;
  Waiter* head_ ABSL_GUARDED_BY(mu_) = nullptr;  // the oldest
  Waiter* tail_ ABSL_GUARDED_BY(mu_) = nullptr;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t expired_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace itp

#endif  // ITP_SERVER_COMMON_ARRIVAL_TIMER_H_
