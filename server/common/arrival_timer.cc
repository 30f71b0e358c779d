#include "server/common/arrival_timer.h"

#include <vector>

#include "absl/time/clock.h"

namespace itp {

ArrivalTimer::ArrivalTimer(absl::Duration timeout)
    : timeout_(timeout), thread_([this] { Run(); }) {}

ArrivalTimer::~ArrivalTimer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.Signal();
  }
  thread_.join();
}

void ArrivalTimer::Start(Waiter* waiter) {
  const absl::Time deadline = absl::Now() + timeout_;
  absl::MutexLock lock(&mu_);
  waiter->deadline_ = deadline;
  waiter->prev_ = tail_;
  waiter->next_ = nullptr;
  waiter->linked_ = true;
  if (tail_ != nullptr) {
    tail_->next_ = waiter;
  } else {
    head_ = waiter;
    // The thread sleeps without a deadline while the list is empty; a
    // waiter behind others has the latest deadline and wakes no one.
    wake_.Signal();
  }
  tail_ = waiter;
  ++waiting_;
}

bool ArrivalTimer::Claim(Waiter* waiter) {
  absl::MutexLock lock(&mu_);
  if (!waiter->linked_) return false;
  Unlink(waiter);
  return true;
}

void ArrivalTimer::Unlink(Waiter* waiter) {
  if (waiter->prev_ != nullptr) {
    waiter->prev_->next_ = waiter->next_;
  } else {
    head_ = waiter->next_;
  }
  if (waiter->next_ != nullptr) {
    waiter->next_->prev_ = waiter->prev_;
  } else {
    tail_ = waiter->prev_;
  }
  waiter->prev_ = waiter->next_ = nullptr;
  waiter->linked_ = false;
  --waiting_;
}

int ArrivalTimer::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_;
}

int64_t ArrivalTimer::expired() const {
  absl::MutexLock lock(&mu_);
  return expired_;
}

void ArrivalTimer::Run() {
  std::vector<Waiter*> due;
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (head_ == nullptr) {
      wake_.Wait(&mu_);
      continue;
    }
    const absl::Time now = absl::Now();
    if (head_->deadline_ > now) {
      wake_.WaitWithDeadline(&mu_, head_->deadline_);
      continue;
    }
    while (head_ != nullptr && head_->deadline_ <= now) {
      due.push_back(head_);
      Unlink(head_);
    }
    expired_ += static_cast<int64_t>(due.size());
    // Off the list, the waiters belong to this thread until they expire;
    // Claim returns false for them meanwhile.
    mu_.Unlock();
    for (Waiter* waiter : due) waiter->Expire();
    due.clear();
    mu_.Lock();
  }
}

}  // namespace itp
