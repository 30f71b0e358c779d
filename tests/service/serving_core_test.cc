// The serving core over a real channel: per-key stream limits that leave
// other callers and health untouched, streams that hold no worker while idle,
// the fair queue that pushes out the biggest backlog when full (with a
// RetryInfo), and shutdown ending open streams at once with UNAVAILABLE.
// Everything is counted (codes, streams, calls), never timed.
#include "server/service/serving_core.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/completion_queue.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/grpc_status.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/test_plans.h"

namespace itp::service {
namespace {

using ::itp::testing::ErrorReason;
using ::itp::testing::Eventually;
using ::itp::testing::RetryDelayMs;
using ::itp::testing::ServerHarness;
using itp::v1::PlanEvent;

constexpr auto kDeadline = std::chrono::seconds(60);

// Many WatchPlanEvents streams on one completion queue.
class Watches {
 public:
  Watches(itp::v1::ReviewService::Stub& stub, const std::string& secret,
          const std::string& parent, int count, int64_t after_event_id = 0,
          std::chrono::seconds deadline = kDeadline)
      : calls_(count) {
    itp::v1::WatchPlanEventsRequest request;
    request.set_parent(parent);
    request.set_after_event_id(after_event_id);
    for (int i = 0; i < count; ++i) {
      Call& call = calls_[i];
      ServerHarness::Authorize(&call.context, secret);
      call.context.set_deadline(std::chrono::system_clock::now() + deadline);
      call.reader =
          stub.PrepareAsyncWatchPlanEvents(&call.context, request, &cq_);
      call.reader->StartCall(Tag(i, kStarted));
      call.reader->Finish(&call.status, Tag(i, kFinished));
    }
  }

  ~Watches() {
    for (Call& call : calls_) call.context.TryCancel();
    while (finished_ < static_cast<int>(calls_.size())) {
      if (!Next()) break;
    }
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  // Processes completions until `n` streams have finished.
  void AwaitFinished(int n) {
    while (finished_ < n && Next()) {
    }
  }

  // Reads one event on every stream still open; returns how many arrived.
  int ReadOneEach(std::vector<PlanEvent>* events) {
    int expected = 0;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i].done) continue;
      calls_[i].reader->Read(&calls_[i].event, Tag(i, kRead));
      ++expected;
    }
    reads_ = 0;
    while (reads_ < expected && Next()) {
    }
    for (const Call& call : calls_) {
      if (!call.done) events->push_back(call.event);
    }
    return reads_;
  }

  void CancelAll() {
    for (Call& call : calls_) call.context.TryCancel();
    AwaitFinished(static_cast<int>(calls_.size()));
  }

  // Finished streams by status code.
  std::map<grpc::StatusCode, int> codes() const {
    std::map<grpc::StatusCode, int> codes;
    for (const Call& call : calls_) {
      if (call.done) ++codes[call.status.error_code()];
    }
    return codes;
  }

  // One finished stream with `code`, for its details.
  grpc::Status AnyWith(grpc::StatusCode code) const {
    for (const Call& call : calls_) {
      if (call.done && call.status.error_code() == code) return call.status;
    }
    return grpc::Status::OK;
  }

  int finished() const { return finished_; }

 private:
  enum Kind { kStarted = 0, kRead = 1, kFinished = 2 };
  struct Call {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncReader<PlanEvent>> reader;
    PlanEvent event;
    grpc::Status status;
    bool done = false;
  };

  static void* Tag(size_t i, Kind kind) {
    return reinterpret_cast<void*>((i << 2) | kind);
  }

  bool Next() {
    void* tag;
    bool ok;
    if (!cq_.Next(&tag, &ok)) return false;
    const auto bits = reinterpret_cast<uintptr_t>(tag);
    Call& call = calls_[bits >> 2];
    switch (static_cast<Kind>(bits & 3)) {
      case kStarted:
        break;
      case kRead:
        if (ok) ++reads_;
        break;
      case kFinished:
        call.done = true;
        ++finished_;
        break;
    }
    return true;
  }

  grpc::CompletionQueue cq_;
  std::vector<Call> calls_;
  int finished_ = 0;
  int reads_ = 0;
};

// Many GetPlan calls of one key on one completion queue, which a thread of
// its own polls (the calls make no progress otherwise).
class AsyncGets {
 public:
  AsyncGets(itp::v1::PlanService::Stub& stub, const std::string& secret,
            const std::string& plan, int count)
      : calls_(count) {
    itp::v1::GetPlanRequest request;
    request.set_name(plan);
    for (int i = 0; i < count; ++i) {
      Call& call = calls_[i];
      ServerHarness::Authorize(&call.context, secret);
      call.context.set_deadline(std::chrono::system_clock::now() + kDeadline);
      call.reader = stub.AsyncGetPlan(&call.context, request, &cq_);
      call.reader->Finish(&call.plan, &call.status, &call);
    }
    poller_ = std::thread([this] {
      void* tag;
      bool ok;
      while (cq_.Next(&tag, &ok)) {
        absl::MutexLock lock(&mu_);
        static_cast<Call*>(tag)->done = true;
        ++finished_;
      }
    });
  }

  ~AsyncGets() {
    for (Call& call : calls_) call.context.TryCancel();
    AwaitAll();
    cq_.Shutdown();
    poller_.join();
  }

  // Waits for `n` of the calls to finish.
  void Await(int n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return finished_ >= n;
    };
    mu_.Await(absl::Condition(&enough));
  }
  void AwaitAll() { Await(static_cast<int>(calls_.size())); }

  std::map<grpc::StatusCode, int> codes() {
    absl::MutexLock lock(&mu_);
    std::map<grpc::StatusCode, int> codes;
    for (const Call& call : calls_) {
      if (call.done) ++codes[call.status.error_code()];
    }
    return codes;
  }
  grpc::Status AnyWith(grpc::StatusCode code) {
    absl::MutexLock lock(&mu_);
    for (const Call& call : calls_) {
      if (call.done && call.status.error_code() == code) return call.status;
    }
    return grpc::Status::OK;
  }

 private:
  struct Call {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncResponseReader<itp::v1::Plan>> reader;
    itp::v1::Plan plan;
    grpc::Status status;
    bool done = false;
  };

  grpc::CompletionQueue cq_;
  std::vector<Call> calls_;
  absl::Mutex mu_;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread poller_;
};

class ServingCoreTest : public ::testing::Test {
 protected:
  void Start(const ServerHarness::ConfigTweak& tweak = nullptr) {
    absl::Status started = harness_.Start(tweak);
    ASSERT_TRUE(started.ok()) << started;
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India - plan upload");
    reviewer_ = harness_.CreateKey(itp::v1::REVIEWER, {},
                                   "LeadIT secretariat, Stockholm");
    runner_ = harness_.CreateKey(itp::v1::BENCHMARK_RUNNER, {},
                                 "Nightly benchmark of every submitted plan");
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::CreatePlanRequest request = testing::IndiaSteelCreateRequest();
    itp::v1::Plan plan;
    ASSERT_TRUE(harness_.plans().CreatePlan(&context, request, &plan).ok());
    plan_ = plan.name();
    // Submitted, so that the secretariat reads it too.
    grpc::ClientContext submit_context;
    ServerHarness::Authorize(&submit_context, india_);
    itp::v1::SubmitPlanRequest submit;
    submit.set_name(plan_);
    ASSERT_TRUE(
        harness_.plans().SubmitPlan(&submit_context, submit, &plan).ok());
  }

  grpc::Status GetPlan(const ServerHarness::Key& key) {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, key);
    itp::v1::GetPlanRequest request;
    request.set_name(plan_);
    itp::v1::Plan plan;
    return harness_.plans().GetPlan(&context, request, &plan);
  }

  // The id of the newest event so far, read through a watch.
  int64_t LastEventId() {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, reviewer_);
    itp::v1::WatchPlanEventsRequest request;
    request.set_parent("countries/-");
    auto reader = harness_.reviews().WatchPlanEvents(&context, request);
    PlanEvent event;
    // The set-up's only event is the submission.
    int64_t last = 0;
    while (reader->Read(&event)) {
      last = event.id();
      if (event.to_state() == itp::v1::Plan::SUBMITTED) break;
    }
    context.TryCancel();
    reader->Finish();
    return last;
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health() {
    auto health = grpc::health::v1::Health::NewStub(harness_.channel());
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("itp.v1.PlanService");
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  ServerHarness harness_;
  ServerHarness::Key india_;
  ServerHarness::Key reviewer_;
  ServerHarness::Key runner_;
  std::string plan_;
};

TEST_F(ServingCoreTest, StreamsBeyondAKeysLimitAreRefusedAndOthersAreServed) {
  // One worker: idle streams must not hold it.
  Start([](ServerConfig& config) { config.limits.workers = 1; });
  // After the set-up's events, so that only new ones arrive.
  Watches watches(harness_.reviews(), india_.secret, "countries/IND", 200,
                  LastEventId());
  watches.AwaitFinished(200 - 16);
  EXPECT_EQ(watches.codes(), (std::map<grpc::StatusCode, int>{
                                 {grpc::StatusCode::RESOURCE_EXHAUSTED, 184}}));
  grpc::Status refused = watches.AnyWith(grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(refused), "TOO_MANY_STREAMS_FOR_KEY");
  EXPECT_EQ(RetryDelayMs(refused), 250);
  EXPECT_NE(refused.error_message().find("--max_streams_per_key"),
            std::string::npos);
  ASSERT_TRUE(Eventually([&] { return harness_.load().open_streams == 16; }));

  // Meanwhile every call of another key succeeds, and health says SERVING.
  int ok = 0;
  for (int i = 0; i < 200; ++i) ok += GetPlan(reviewer_).ok() ? 1 : 0;
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(Health(), grpc::health::v1::HealthCheckResponse::SERVING);

  // The 16 streams are live: a withdrawal reaches each of them.
  {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::WithdrawPlanRequest request;
    request.set_name(plan_);
    request.set_reason("Superseded by the National Green Steel Mission");
    itp::v1::Plan withdrawn;
    ASSERT_TRUE(
        harness_.plans().WithdrawPlan(&context, request, &withdrawn).ok());
  }
  std::vector<PlanEvent> events;
  EXPECT_EQ(watches.ReadOneEach(&events), 16);
  for (const PlanEvent& event : events) {
    EXPECT_EQ(event.type(), PlanEvent::STATE_CHANGED);
    EXPECT_EQ(event.plan(), plan_);
    EXPECT_EQ(event.to_state(), itp::v1::Plan::WITHDRAWN);
  }

  // Closed streams give their slots back.
  watches.CancelAll();
  EXPECT_EQ(watches.codes().at(grpc::StatusCode::CANCELLED), 16);
  ASSERT_TRUE(Eventually([&] { return harness_.load().open_streams == 0; }));
  Watches again(harness_.reviews(), india_.secret, "countries/IND", 16);
  ASSERT_TRUE(Eventually([&] { return harness_.load().open_streams == 16; }));
  EXPECT_EQ(again.finished(), 0);
}

TEST_F(ServingCoreTest, ResultStreamsShareTheKeysStreamLimit) {
  Start();
  Watches watches(harness_.reviews(), runner_.secret, "countries/-", 16);
  ASSERT_TRUE(Eventually([&] { return harness_.load().open_streams == 16; }));
  grpc::ClientContext context;
  ServerHarness::Authorize(&context, runner_);
  itp::v1::StreamBenchmarkJobResultsRequest request;
  request.set_name("benchmarkJobs/nightly-all/runs/1");
  auto reader = harness_.jobs().StreamBenchmarkJobResults(&context, request);
  itp::v1::BenchmarkJobResult result;
  EXPECT_FALSE(reader->Read(&result));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(status), "TOO_MANY_STREAMS_FOR_KEY");
}

TEST_F(ServingCoreTest, StreamsWithoutAKeyAreRefusedAndNotCounted) {
  Start();
  grpc::ClientContext context;
  itp::v1::WatchPlanEventsRequest request;
  request.set_parent("countries/IND");
  auto reader = harness_.reviews().WatchPlanEvents(&context, request);
  PlanEvent event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(harness_.load().open_streams, 0);
}

TEST_F(ServingCoreTest, FullQueuePushesOutTheNewestCallOfTheBiggestBacklog) {
  // One worker held on a gate; four places in the queue; shares of two.
  std::atomic<bool> hold{false};
  absl::Notification held;
  absl::Notification release;
  // The server's hook refers to the two above: it stops before they go.
  struct StopServerFirst {
    ServerHarness& harness;
    ~StopServerFirst() { harness.Stop(); }
  } stop_server_first{harness_};
  Start([&](ServerConfig& config) {
    config.limits.workers = 1;
    config.limits.max_queued_calls = 4;
    config.limits.max_calls_per_key = 2;
    config.limits.before_operation = [&] {
      if (hold.exchange(false)) {
        held.Notify();
        release.WaitForNotification();
      }
    };
  });
  ServerHarness::Key indonesia = harness_.CreateKey(
      itp::v1::PARTNER, {"IDN"}, "Ministry of Industry, Indonesia");
  // Whatever happens below, the worker is let go before the server stops.
  struct Release {
    absl::Notification& n;
    ~Release() {
      if (!n.HasBeenNotified()) n.Notify();
    }
  } release_at_exit{release};
  hold = true;

  // India: one call on the worker, then four waiting; the queue is full.
  AsyncGets india_first(harness_.plans(), india_.secret, plan_, 1);
  // (Waiting for the hook, not for running_calls == 1: the worker may still
  // be finishing the set-up's last call.)
  ASSERT_TRUE(held.WaitForNotificationWithTimeout(absl::Seconds(30)));
  AsyncGets india(harness_.plans(), india_.secret, plan_, 4);
  ASSERT_TRUE(Eventually([&] {
    auto load = harness_.load();
    return load.running_calls == 1 && load.queued_calls == 4;
  })) << "running "
      << harness_.load().running_calls << ", queued "
      << harness_.load().queued_calls;
  // The reviewer has nothing in progress: admitted in place of India's
  // newest waiting call.
  AsyncGets reviewer(harness_.plans(), reviewer_.secret, plan_, 1);
  india.Await(1);
  grpc::Status pushed_out = india.AnyWith(grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(pushed_out), "TOO_MANY_CALLS_FOR_KEY");
  EXPECT_EQ(RetryDelayMs(pushed_out), 250);
  // India, over its share, is refused at once, with the pushback that gRPC
  // clients' retry policies honour.
  {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::GetPlanRequest request;
    request.set_name(plan_);
    itp::v1::Plan plan;
    EXPECT_EQ(harness_.plans().GetPlan(&context, request, &plan).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
    auto trailers = context.GetServerTrailingMetadata();
    auto pushback = trailers.find("grpc-retry-pushback-ms");
    ASSERT_NE(pushback, trailers.end());
    EXPECT_EQ(std::string(pushback->second.data(), pushback->second.size()),
              "250");
  }
  // Indonesia is admitted too, pushing out another of India's calls.
  AsyncGets idn(harness_.plans(), indonesia.secret, plan_, 1);
  india.Await(2);

  release.Notify();
  india_first.AwaitAll();
  india.AwaitAll();
  reviewer.AwaitAll();
  idn.AwaitAll();
  EXPECT_EQ(india_first.codes(),
            (std::map<grpc::StatusCode, int>{{grpc::StatusCode::OK, 1}}));
  EXPECT_EQ(india.codes(), (std::map<grpc::StatusCode, int>{
                               {grpc::StatusCode::OK, 2},
                               {grpc::StatusCode::RESOURCE_EXHAUSTED, 2}}));
  EXPECT_EQ(reviewer.codes(),
            (std::map<grpc::StatusCode, int>{{grpc::StatusCode::OK, 1}}));
  // Indonesia may not read India's draft: it was served, and denied.
  EXPECT_EQ(idn.codes(), (std::map<grpc::StatusCode, int>{
                             {grpc::StatusCode::PERMISSION_DENIED, 1}}));
}

// One HTTP/2 connection holds at most --max_streams_per_connection calls:
// further streams wait in the client.
TEST_F(ServingCoreTest, AConnectionHoldsAtMostItsShareOfStreams) {
  Start([](ServerConfig& config) { config.max_streams_per_connection = 4; });
  // (Streams waiting in the client for a slot do not end on TryCancel in
  // gRPC 1.51: these end at a deadline of their own.)
  Watches one_connection(harness_.reviews(), reviewer_.secret, "countries/-",
                         10, LastEventId(), std::chrono::seconds(10));
  ASSERT_TRUE(Eventually([&] { return harness_.load().open_streams == 4; }));
  // Given time, no more get through.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(harness_.load().open_streams, 4);
  one_connection.AwaitFinished(10);
  EXPECT_EQ(one_connection.codes(),
            (std::map<grpc::StatusCode, int>{
                {grpc::StatusCode::DEADLINE_EXCEEDED, 10}}));
}

// A connection without calls for --max_connection_idle_seconds is closed
// (the client's channel goes IDLE); the next call reconnects.
TEST_F(ServingCoreTest, IdleConnectionsAreClosed) {
  Start([](ServerConfig& config) {
    config.max_connection_idle = absl::Milliseconds(300);
  });
  ASSERT_EQ(harness_.channel()->GetState(false), GRPC_CHANNEL_READY);
  EXPECT_TRUE(Eventually([&] {
    return harness_.channel()->GetState(false) == GRPC_CHANNEL_IDLE;
  }));
  grpc::ClientContext context;
  ServerHarness::Authorize(&context, reviewer_);
  itp::v1::GetPlanRequest request;
  request.set_name(plan_);
  itp::v1::Plan plan;
  EXPECT_TRUE(harness_.plans().GetPlan(&context, request, &plan).ok());
}

TEST_F(ServingCoreTest, ShutdownEndsOpenStreamsAtOnceWithUnavailable) {
  Start();
  // After the set-up's event: a client's status waits behind unread events.
  Watches watches(harness_.reviews(), reviewer_.secret, "countries/-", 5,
                  LastEventId());
  ASSERT_TRUE(Eventually([&] { return harness_.load().open_streams == 5; }));
  std::thread stopper([&] { harness_.Stop(); });
  watches.AwaitFinished(5);
  stopper.join();
  EXPECT_EQ(
      watches.codes(),
      (std::map<grpc::StatusCode, int>{{grpc::StatusCode::UNAVAILABLE, 5}}));
  EXPECT_NE(watches.AnyWith(grpc::StatusCode::UNAVAILABLE)
                .error_message()
                .find("shutting down"),
            std::string::npos);
}

}  // namespace
}  // namespace itp::service
