// ThreadSanitizer builds only: tells TSan about Abseil's Mutex, CondVar and
// Notification. Debian's libabsl_synchronization.so is not built with TSan,
// so the happens-before edges of its locks are invisible (it synchronises
// with atomics and futexes inside the library), and every structure guarded
// by an absl::Mutex looks racy. These definitions, in the executable,
// interpose the library's (for our code and for gRPC's, which locks through
// absl::Mutex as well): each calls the library's own function and marks the
// release before / the acquire after it on the mutex's address.
//
// Linked into the test executables when ITP_SANITIZE=thread; nothing else.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

template <typename F>
F Real(const char* mangled) {
  void* f = dlsym(RTLD_NEXT, mangled);
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl: %s not found in libabsl\n", mangled);
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

#define ITP_REAL(type, mangled)            \
  static const auto real = Real<type>(mangled)

void Acquire(const void* p) { __tsan_acquire(const_cast<void*>(p)); }
void Release(const void* p) { __tsan_release(const_cast<void*>(p)); }

// Conditions are evaluated inside the library, by a waiter after an
// internal re-lock or by whichever thread unlocks, holding the mutex in
// either case but outside the wrappers' marks. The wrapper of the call that
// may evaluate them names its mutex here, and each evaluation is marked as
// an acquire and a release of it.
thread_local const void* t_evaluating_for = nullptr;

class Evaluating {
 public:
  explicit Evaluating(const void* mu) : previous_(t_evaluating_for) {
    t_evaluating_for = mu;
  }
  ~Evaluating() { t_evaluating_for = previous_; }

 private:
  const void* previous_;
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

bool Condition::Eval() const {
  ITP_REAL(bool (*)(const Condition*), "_ZNK4absl7debian39Condition4EvalEv");
  const void* mu = t_evaluating_for;
  if (mu != nullptr) Acquire(mu);
  const bool result = real(this);
  if (mu != nullptr) Release(mu);
  return result;
}

void Mutex::Lock() {
  ITP_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  Evaluating evaluating(this);
  real(this);
  Acquire(this);
}

void Mutex::Unlock() {
  ITP_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  Evaluating evaluating(this);
  Release(this);
  real(this);
}

bool Mutex::TryLock() {
  ITP_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  Evaluating evaluating(this);
  const bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::ReaderLock() {
  ITP_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  Evaluating evaluating(this);
  real(this);
  Acquire(this);
}

void Mutex::ReaderUnlock() {
  ITP_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  Evaluating evaluating(this);
  Release(this);
  real(this);
}

bool Mutex::ReaderTryLock() {
  ITP_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  Evaluating evaluating(this);
  const bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::LockWhen(const Condition& cond) {
  ITP_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  Evaluating evaluating(this);
  real(this, cond);
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  ITP_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Evaluating evaluating(this);
  real(this, cond);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  ITP_REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
           "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_"
           "8DurationE");
  Evaluating evaluating(this);
  const bool met = real(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  ITP_REAL(bool (*)(Mutex*, const Condition&, absl::Time),
           "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_"
           "4TimeE");
  Evaluating evaluating(this);
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

void Mutex::Await(const Condition& cond) {
  ITP_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  Evaluating evaluating(this);
  Release(this);
  real(this, cond);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  ITP_REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
           "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_"
           "8DurationE");
  Evaluating evaluating(this);
  Release(this);
  const bool met = real(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  ITP_REAL(bool (*)(Mutex*, const Condition&, absl::Time),
           "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_"
           "4TimeE");
  Evaluating evaluating(this);
  Release(this);
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  ITP_REAL(void (*)(CondVar*, Mutex*),
           "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  Evaluating evaluating(mu);
  Release(mu);
  real(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  ITP_REAL(bool (*)(CondVar*, Mutex*, absl::Duration),
           "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_"
           "8DurationE");
  Evaluating evaluating(mu);
  Release(mu);
  const bool timed_out = real(this, mu, timeout);
  Acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  ITP_REAL(bool (*)(CondVar*, Mutex*, absl::Time),
           "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Evaluating evaluating(mu);
  Release(mu);
  const bool timed_out = real(this, mu, deadline);
  Acquire(mu);
  return timed_out;
}

void Notification::Notify() {
  ITP_REAL(void (*)(Notification*), "_ZN4absl7debian312Notification6NotifyEv");
  Release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  ITP_REAL(void (*)(const Notification*),
           "_ZNK4absl7debian312Notification19WaitForNotificationEv");
  real(this);
  Acquire(this);
}

bool Notification::WaitForNotificationWithTimeout(
    absl::Duration timeout) const {
  ITP_REAL(bool (*)(const Notification*, absl::Duration),
           "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutEN"
           "S0_8DurationE");
  const bool notified = real(this, timeout);
  if (notified) Acquire(this);
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  ITP_REAL(bool (*)(const Notification*, absl::Time),
           "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineE"
           "NS0_4TimeE");
  const bool notified = real(this, deadline);
  if (notified) Acquire(this);
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
