// WorkerPool: fair round-robin across keys, the bounded queue, per-key shares
// with push-out, and Stop running what is queued. Tests hold the workers on a
// gate so that the queue's contents are known exactly; nothing is timed.
#include "server/common/worker_pool.h"

#include <atomic>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace itp {
namespace {

using Admission = WorkerPool::Admission;
using ::testing::ElementsAre;

// Blocks the tasks that wait on it until Open().
class Gate {
 public:
  void Wait() {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    mu_.Await(absl::Condition(&open_));
  }
  void Open() {
    absl::MutexLock lock(&mu_);
    open_ = true;
  }
  // Blocks until `n` tasks are waiting.
  void AwaitWaiting(int n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return waiting_ >= n; };
    mu_.Await(absl::Condition(&enough));
  }

 private:
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

// Records the order in which tasks ran.
class Journal {
 public:
  void Add(std::string entry) {
    absl::MutexLock lock(&mu_);
    entries_.push_back(std::move(entry));
  }
  std::vector<std::string> entries() {
    absl::MutexLock lock(&mu_);
    return entries_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> entries_ ABSL_GUARDED_BY(mu_);
};

WorkerPool::Evicted NoEviction() {
  return [](Admission) { ADD_FAILURE() << "unexpected eviction"; };
}

TEST(WorkerPoolTest, ServesKeysRoundRobinSoOneBacklogDoesNotDelayOthers) {
  WorkerPool pool({/*threads=*/1, /*max_queued=*/100, /*key_share=*/32});
  Gate gate;
  Journal journal;
  ASSERT_EQ(pool.Submit(
                "holder", [&] { gate.Wait(); }, NoEviction()),
            Admission::kAdmitted);
  gate.AwaitWaiting(1);
  // Ministry of Steel, India floods; the secretariat asks once.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(
        pool.Submit(
            "india-steel", [&, i] { journal.Add("IND" + std::to_string(i)); },
            NoEviction()),
        Admission::kAdmitted);
  }
  ASSERT_EQ(pool.Submit(
                "secretariat", [&] { journal.Add("REV"); }, NoEviction()),
            Admission::kAdmitted);
  EXPECT_EQ(pool.stats().queued, 6);
  gate.Open();
  pool.Stop();
  EXPECT_THAT(journal.entries(),
              ElementsAre("IND0", "REV", "IND1", "IND2", "IND3", "IND4"));
}

TEST(WorkerPoolTest, AdmitsBeyondTheShareWhileTheQueueHasRoom) {
  WorkerPool pool({1, /*max_queued=*/100, /*key_share=*/2});
  Gate gate;
  std::atomic<int> ran{0};
  ASSERT_EQ(pool.Submit(
                "bulk-upload", [&] { gate.Wait(); }, NoEviction()),
            Admission::kAdmitted);
  gate.AwaitWaiting(1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(pool.Submit(
                  "bulk-upload", [&] { ++ran; }, NoEviction()),
              Admission::kAdmitted);
  }
  EXPECT_EQ(pool.InProgress("bulk-upload"), 51);
  gate.Open();
  pool.Stop();
  EXPECT_EQ(ran.load(), 50);
}

TEST(WorkerPoolTest, FullQueueRefusesAKeyAtItsShare) {
  WorkerPool pool({1, /*max_queued=*/4, /*key_share=*/2});
  Gate gate;
  ASSERT_EQ(pool.Submit(
                "flood", [&] { gate.Wait(); }, NoEviction()),
            Admission::kAdmitted);
  gate.AwaitWaiting(1);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(pool.Submit(
                  "flood", [] {}, NoEviction()),
              Admission::kAdmitted);
  }
  EXPECT_EQ(pool.Submit(
                "flood", [] {}, NoEviction()),
            Admission::kOverShare);
  EXPECT_EQ(pool.stats().queued, 4);
  gate.Open();
}

TEST(WorkerPoolTest, FullQueuePushesOutTheNewestCallOfTheKeyFurthestOverShare) {
  WorkerPool pool({1, /*max_queued=*/6, /*key_share=*/2});
  Gate gate;
  Journal journal;
  std::vector<Admission> evicted;
  absl::Mutex evicted_mu;
  auto record_eviction = [&](std::string what) {
    return [&, what](Admission why) {
      absl::MutexLock lock(&evicted_mu);
      evicted.push_back(why);
      journal.Add("evicted " + what);
    };
  };
  ASSERT_EQ(pool.Submit(
                "holder", [&] { gate.Wait(); }, NoEviction()),
            Admission::kAdmitted);
  gate.AwaitWaiting(1);
  // Brazil's uploader holds 4 waiting calls, Indonesia's 2: the queue is full.
  for (int i = 0; i < 4; ++i) {
    std::string name = "BRA" + std::to_string(i);
    ASSERT_EQ(
        pool.Submit(
            "brazil", [&, name] { journal.Add(name); }, record_eviction(name)),
        Admission::kAdmitted);
  }
  for (int i = 0; i < 2; ++i) {
    std::string name = "IDN" + std::to_string(i);
    ASSERT_EQ(pool.Submit(
                  "indonesia", [&, name] { journal.Add(name); },
                  record_eviction(name)),
              Admission::kAdmitted);
  }
  // Indonesia is at its share: refused. Viet Nam has nothing in progress:
  // admitted, in place of Brazil's newest call.
  EXPECT_EQ(pool.Submit(
                "indonesia", [] {}, NoEviction()),
            Admission::kOverShare);
  EXPECT_EQ(
      pool.Submit(
          "viet-nam", [&] { journal.Add("VNM0"); }, record_eviction("VNM0")),
      Admission::kAdmitted);
  EXPECT_EQ(
      pool.Submit(
          "viet-nam", [&] { journal.Add("VNM1"); }, record_eviction("VNM1")),
      Admission::kAdmitted);
  // Brazil is down to its share now, Viet Nam at its share: nobody is over.
  EXPECT_EQ(pool.Submit(
                "south-africa", [] {}, NoEviction()),
            Admission::kQueueFull);
  EXPECT_EQ(pool.InProgress("brazil"), 2);
  gate.Open();
  pool.Stop();
  EXPECT_THAT(evicted,
              ElementsAre(Admission::kOverShare, Admission::kOverShare));
  EXPECT_THAT(journal.entries(),
              ElementsAre("evicted BRA3", "evicted BRA2", "BRA0", "IDN0",
                          "VNM0", "BRA1", "IDN1", "VNM1"));
}

TEST(WorkerPoolTest, InternalWorkIsNeverRefusedAndNotCounted) {
  WorkerPool pool({1, /*max_queued=*/1, /*key_share=*/1});
  Gate gate;
  std::atomic<int> ran{0};
  ASSERT_EQ(pool.Submit(
                "holder", [&] { gate.Wait(); }, NoEviction()),
            Admission::kAdmitted);
  gate.AwaitWaiting(1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(pool.SubmitInternal([&] { ++ran; }));
  }
  EXPECT_EQ(pool.stats().queued, 0);
  EXPECT_EQ(pool.Submit(
                "reviewer", [&] { ++ran; }, NoEviction()),
            Admission::kAdmitted);
  gate.Open();
  pool.Stop();
  EXPECT_EQ(ran.load(), 11);
}

TEST(WorkerPoolTest, StopRunsWhatIsQueuedThenRefuses) {
  WorkerPool pool({2, 100, 32});
  std::atomic<int> ran{0};
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(pool.Submit(
                  i % 2 ? "india" : "brazil", [&] { ++ran; }, NoEviction()),
              Admission::kAdmitted);
  }
  pool.Stop();
  EXPECT_EQ(ran.load(), 40);
  EXPECT_EQ(pool.Submit(
                "india", [] {}, NoEviction()),
            Admission::kStopped);
  bool ran_after_stop = false;
  EXPECT_FALSE(pool.SubmitInternal([&] { ran_after_stop = true; }));
  EXPECT_FALSE(ran_after_stop);
  pool.Stop();  // twice is fine
  EXPECT_EQ(pool.stats().keys, 0);
}

}  // namespace
}  // namespace itp
