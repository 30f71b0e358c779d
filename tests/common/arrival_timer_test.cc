// ArrivalTimer: a waiter is either claimed or expired, exactly once; waiters
// expire oldest first; a claimed waiter is never touched again; destroying
// the timer expires nothing. Expiry is awaited (up to a minute), never timed.
#include "server/common/arrival_timer.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace itp {
namespace {

// Records the order in which waiters expire.
class Log {
 public:
  void Add(int id) {
    absl::MutexLock lock(&mu_);
    ids_.push_back(id);
  }
  // Waits up to a minute for `n` expiries.
  std::vector<int> AwaitCount(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return ids_.size() >= n;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Minutes(1));
    return ids_;
  }
  std::vector<int> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }

 private:
  absl::Mutex mu_;
  std::vector<int> ids_ ABSL_GUARDED_BY(mu_);
};

class Body : public ArrivalTimer::Waiter {
 public:
  Body(int id, Log& log) : id_(id), log_(log) {}
  void Expire() override {
    expiries_.fetch_add(1);
    log_.Add(id_);
  }
  int expiries() const { return expiries_.load(); }

 private:
  const int id_;
  Log& log_;
  std::atomic<int> expiries_{0};
};

TEST(ArrivalTimerTest, AClaimedWaiterNeverExpires) {
  Log log;
  ArrivalTimer timer(absl::Milliseconds(20));
  Body body(1, log);
  timer.Start(&body);
  EXPECT_EQ(timer.waiting(), 1);
  EXPECT_TRUE(timer.Claim(&body));
  EXPECT_EQ(timer.waiting(), 0);
  // A second claim finds it gone.
  EXPECT_FALSE(timer.Claim(&body));
  // A later waiter expires, so the timer has run past the first deadline.
  Body later(2, log);
  timer.Start(&later);
  EXPECT_THAT(log.AwaitCount(1), ::testing::ElementsAre(2));
  EXPECT_EQ(body.expiries(), 0);
  EXPECT_EQ(timer.expired(), 1);
}

TEST(ArrivalTimerTest, AnUnclaimedWaiterExpiresOnceAndCannotBeClaimed) {
  Log log;
  ArrivalTimer timer(absl::Milliseconds(10));
  Body body(7, log);
  timer.Start(&body);
  EXPECT_THAT(log.AwaitCount(1), ::testing::ElementsAre(7));
  EXPECT_FALSE(timer.Claim(&body));
  EXPECT_EQ(body.expiries(), 1);
  EXPECT_EQ(timer.waiting(), 0);
  EXPECT_EQ(timer.expired(), 1);
  // It may be started again, like a new call.
  timer.Start(&body);
  EXPECT_TRUE(timer.Claim(&body));
}

TEST(ArrivalTimerTest, ManyWaitersExpireOldestFirstExceptThoseClaimed) {
  Log log;
  ArrivalTimer timer(absl::Milliseconds(50));
  std::vector<std::unique_ptr<Body>> bodies;
  for (int i = 0; i < 1000; ++i) {
    bodies.push_back(std::make_unique<Body>(i, log));
    timer.Start(bodies.back().get());
  }
  // Every other one arrives in time, from the middle of the list as well as
  // its ends.
  int claimed = 0;
  for (int i = 0; i < 1000; i += 2) claimed += timer.Claim(bodies[i].get());
  // The claims may race the first expiries, but never lose a waiter.
  std::vector<int> expired = log.AwaitCount(1000 - claimed);
  EXPECT_GE(claimed, 1);
  ASSERT_EQ(expired.size(), 1000u - claimed);
  for (size_t k = 1; k < expired.size(); ++k) {
    EXPECT_LT(expired[k - 1], expired[k]) << "expired out of order";
  }
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LE(bodies[i]->expiries(), 1) << "waiter " << i;
    if (i % 2 == 1) {
      EXPECT_EQ(bodies[i]->expiries(), 1) << "waiter " << i;
    }
  }
  EXPECT_EQ(timer.expired(), 1000 - claimed);
  EXPECT_EQ(timer.waiting(), 0);
}

TEST(ArrivalTimerTest, ClaimsFromManyThreadsWhileWaitersExpire) {
  Log log;
  ArrivalTimer timer(absl::Milliseconds(1));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::unique_ptr<Body>> bodies;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    bodies.push_back(std::make_unique<Body>(i, log));
  }
  std::atomic<int> claimed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t * kPerThread; i < (t + 1) * kPerThread; ++i) {
        timer.Start(bodies[i].get());
        if (i % 3 != 0) claimed += timer.Claim(bodies[i].get());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const int total = kThreads * kPerThread;
  log.AwaitCount(total - claimed.load());
  // Each waiter was claimed or expired, never both, never neither.
  int expired = 0;
  for (const auto& body : bodies) {
    EXPECT_LE(body->expiries(), 1);
    expired += body->expiries();
  }
  EXPECT_EQ(expired + claimed.load(), total);
  EXPECT_EQ(timer.expired(), expired);
}

TEST(ArrivalTimerTest, DestroyingTheTimerExpiresNothing) {
  Log log;
  Body body(3, log);
  {
    ArrivalTimer timer(absl::Hours(1));
    timer.Start(&body);
  }
  EXPECT_EQ(body.expiries(), 0);
  EXPECT_TRUE(log.ids().empty());
}

}  // namespace
}  // namespace itp
