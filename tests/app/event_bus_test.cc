// EventBus: the sequence that every change raises, and the one-shot callbacks
// that streams register with WaitFor, which Notify runs outside its lock.
#include "server/app/event_bus.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace itp::app {
namespace {

// Runs bus->Notify() on a thread of its own and reports whether it returned
// within a generous bound; a Notify that deadlocks on its own lock would
// otherwise hang the test binary. On a deadlock the bus and the thread are
// leaked on purpose (the thread still uses the bus).
bool NotifyReturns(std::shared_ptr<EventBus> bus) {
  auto returned = std::make_shared<absl::Notification>();
  std::thread notifier([bus, returned] {
    bus->Notify();
    returned->Notify();
  });
  if (returned->WaitForNotificationWithTimeout(absl::Seconds(30))) {
    notifier.join();
    return true;
  }
  notifier.detach();
  new std::shared_ptr<EventBus>(bus);  // keep the bus alive for the thread
  return false;
}

// Registers, waiting for news after `seen`, a callback that counts its runs
// in `runs`; WaitFor's answer.
std::optional<EventBus::WaitId> CountRuns(EventBus& bus, uint64_t seen,
                                          int& runs) {
  return bus.WaitFor(seen, [&runs] { ++runs; });
}

TEST(EventBusTest, SequenceStartsAtZeroAndRisesByOneOnEachNotify) {
  EventBus bus;
  EXPECT_EQ(bus.sequence(), 0u);
  bus.Notify();
  EXPECT_EQ(bus.sequence(), 1u);
  bus.Notify();
  bus.Notify();
  EXPECT_EQ(bus.sequence(), 3u);
}

TEST(EventBusTest, WaitForReturnsNulloptWithoutRegisteringWhenSequenceMoved) {
  EventBus bus;
  const uint64_t seen = bus.sequence();
  bus.Notify();  // news after `seen`: the caller must read again instead
  int runs = 0;
  EXPECT_EQ(CountRuns(bus, seen, runs), std::nullopt);
  EXPECT_EQ(bus.waiting(), 0u);
  bus.Notify();
  EXPECT_EQ(runs, 0);
}

TEST(EventBusTest, WaitForWithAFutureSequenceAlsoRegistersNothing) {
  EventBus bus;
  bus.Notify();
  int runs = 0;
  EXPECT_EQ(CountRuns(bus, bus.sequence() + 1, runs), std::nullopt);
  EXPECT_EQ(bus.waiting(), 0u);
  bus.Notify();
  EXPECT_EQ(runs, 0);
}

TEST(EventBusTest, RegisteredCallbackRunsExactlyOnceAtTheNextNotify) {
  EventBus bus;
  int runs = 0;
  std::optional<EventBus::WaitId> id = CountRuns(bus, bus.sequence(), runs);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(runs, 0) << "WaitFor must never run the callback itself";
  EXPECT_EQ(bus.waiting(), 1u);

  bus.Notify();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(bus.waiting(), 0u);

  bus.Notify();
  bus.Notify();
  EXPECT_EQ(runs, 1);
}

TEST(EventBusTest, EveryCallbackRegisteredBeforeNotifyRuns) {
  EventBus bus;
  const uint64_t seen = bus.sequence();
  int first = 0;
  int second = 0;
  int third = 0;
  ASSERT_TRUE(bus.WaitFor(seen, [&first] { ++first; }).has_value());
  ASSERT_TRUE(bus.WaitFor(seen, [&second] { ++second; }).has_value());
  ASSERT_TRUE(bus.WaitFor(seen, [&third] { ++third; }).has_value());
  bus.Notify();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(third, 1);
}

TEST(EventBusTest, WaitIdsAreDistinct) {
  EventBus bus;
  std::optional<EventBus::WaitId> a = bus.WaitFor(0, [] {});
  std::optional<EventBus::WaitId> b = bus.WaitFor(0, [] {});
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE(*a, *b);
}

TEST(EventBusTest, CallbackRunsOnTheNotifyingThread) {
  EventBus bus;
  std::thread::id ran_on;
  ASSERT_TRUE(bus.WaitFor(bus.sequence(),
                          [&ran_on] { ran_on = std::this_thread::get_id(); })
                  .has_value());
  std::thread::id notifier_id;
  std::thread notifier([&bus, &notifier_id] {
    notifier_id = std::this_thread::get_id();
    bus.Notify();
  });
  notifier.join();
  EXPECT_EQ(ran_on, notifier_id);
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(EventBusTest, CallbackRunsOutsideTheLockAndMayUseTheBus) {
  auto bus = std::make_shared<EventBus>();
  EventBus* raw = bus.get();
  uint64_t sequence_seen_inside = 0;
  size_t waiting_inside = 99;
  std::optional<EventBus::WaitId> reregistered;
  int later_runs = 0;
  ASSERT_TRUE(raw->WaitFor(raw->sequence(),
                           [&] {
                             // Each of these takes the bus lock: Notify must
                             // not hold it.
                             sequence_seen_inside = raw->sequence();
                             waiting_inside = raw->waiting();
                             reregistered =
                                 raw->WaitFor(raw->sequence(),
                                              [&later_runs] { ++later_runs; });
                           })
                  .has_value());

  ASSERT_TRUE(NotifyReturns(bus)) << "Notify deadlocked in its callback";
  EXPECT_EQ(sequence_seen_inside, 1u) << "the sequence is raised first";
  EXPECT_EQ(waiting_inside, 0u);
  ASSERT_TRUE(reregistered.has_value());
  // Registered during a Notify: it waits for the next one.
  EXPECT_EQ(later_runs, 0);
  EXPECT_EQ(raw->waiting(), 1u);

  ASSERT_TRUE(NotifyReturns(bus));
  EXPECT_EQ(later_runs, 1);
  EXPECT_EQ(raw->waiting(), 0u);
}

TEST(EventBusTest, CallbackMayNotifyAgainWithoutDeadlock) {
  auto bus = std::make_shared<EventBus>();
  EventBus* raw = bus.get();
  int runs = 0;
  ASSERT_TRUE(raw->WaitFor(0,
                           [raw, &runs] {
                             ++runs;
                             raw->Notify();
                           })
                  .has_value());
  ASSERT_TRUE(NotifyReturns(bus));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(raw->sequence(), 2u);
}

TEST(EventBusTest, CancelReturnsTrueBeforeTheCallbackRanAndItNeverRuns) {
  EventBus bus;
  int runs = 0;
  std::optional<EventBus::WaitId> id = CountRuns(bus, bus.sequence(), runs);
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(bus.Cancel(*id));
  EXPECT_EQ(bus.waiting(), 0u);
  bus.Notify();
  EXPECT_EQ(runs, 0);
  // Cancelled already: nothing left to cancel.
  EXPECT_FALSE(bus.Cancel(*id));
}

TEST(EventBusTest, CancelReturnsFalseAfterTheCallbackRan) {
  EventBus bus;
  int runs = 0;
  std::optional<EventBus::WaitId> id = CountRuns(bus, bus.sequence(), runs);
  ASSERT_TRUE(id.has_value());
  bus.Notify();
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(bus.Cancel(*id));
}

TEST(EventBusTest, CancelReturnsFalseWhileTheCallbackIsRunning) {
  auto bus = std::make_shared<EventBus>();
  EventBus* raw = bus.get();
  std::optional<EventBus::WaitId> id;
  std::optional<bool> cancelled_inside;
  id = raw->WaitFor(raw->sequence(), [raw, &id, &cancelled_inside] {
    cancelled_inside = raw->Cancel(*id);
  });
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(NotifyReturns(bus));
  ASSERT_TRUE(cancelled_inside.has_value());
  EXPECT_FALSE(*cancelled_inside);
}

TEST(EventBusTest, CancelOfAnUnknownIdReturnsFalse) {
  EventBus bus;
  EXPECT_FALSE(bus.Cancel(12345));
}

TEST(EventBusTest, WaitingCountsRegisteredCallbacks) {
  EventBus bus;
  EXPECT_EQ(bus.waiting(), 0u);
  const uint64_t seen = bus.sequence();
  std::optional<EventBus::WaitId> a = bus.WaitFor(seen, [] {});
  std::optional<EventBus::WaitId> b = bus.WaitFor(seen, [] {});
  std::optional<EventBus::WaitId> c = bus.WaitFor(seen, [] {});
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(bus.waiting(), 3u);
  EXPECT_TRUE(bus.Cancel(*b));
  EXPECT_EQ(bus.waiting(), 2u);
  bus.Notify();
  EXPECT_EQ(bus.waiting(), 0u);
}

// Registrations from several threads racing with notifications: each
// registered callback either runs exactly once or is cancelled, never both.
TEST(EventBusTest, RacingRegistrationsRunOnceOrAreCancelledNeverBoth) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  EventBus bus;
  std::vector<std::atomic<int>> runs(kThreads * kPerThread);
  std::vector<int> cancelled(kThreads * kPerThread, 0);
  std::vector<int> registered(kThreads * kPerThread, 0);
  std::atomic<bool> done{false};
  std::thread notifier([&] {
    while (!done.load()) bus.Notify();
  });
  std::vector<std::thread> waiters;
  for (int t = 0; t < kThreads; ++t) {
    waiters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int slot = t * kPerThread + i;
        std::optional<EventBus::WaitId> id =
            bus.WaitFor(bus.sequence(), [&runs, slot] { ++runs[slot]; });
        if (!id) continue;
        registered[slot] = 1;
        if (i % 2 == 0 && bus.Cancel(*id)) cancelled[slot] = 1;
      }
    });
  }
  for (std::thread& w : waiters) w.join();
  done = true;
  notifier.join();
  bus.Notify();  // runs whatever is still registered
  EXPECT_EQ(bus.waiting(), 0u);
  for (int slot = 0; slot < kThreads * kPerThread; ++slot) {
    if (!registered[slot]) {
      EXPECT_EQ(runs[slot].load(), 0) << "slot " << slot;
      continue;
    }
    EXPECT_EQ(runs[slot].load() + cancelled[slot], 1) << "slot " << slot;
  }
}

}  // namespace
}  // namespace itp::app
