// The serving core: how a gRPC call reaches an application operation and
// back, on gRPC's callback API. A service only binds each method to its
// operation (service_binding.h):
//
//   Unary("GetPlan", app.plans(), &app::PlanOperations::GetPlan);
//
// The core reads the metadata, then the request body, which must arrive
// within `request_body_timeout` of the call's headers (else the call ends
// with DEADLINE_EXCEEDED, reason REQUEST_BODY_TIMEOUT, and its buffered bytes
// are freed), admits the call (a fair, bounded queue in
// front of a bounded worker pool; per-key shares), runs the operation on a
// worker (blocking database work never runs on gRPC's event threads),
// translates the status once and finishes the call, with one log line.
//
// Server streams (WatchPlanEvents, StreamBenchmarkJobResults) are reactors
// that hold no thread while idle: they read a batch from their feed on a
// worker, write it, and then wait for the event bus to say that something
// changed. A key may hold at most `max_streams_per_key` open streams.
#ifndef ITP_SERVER_SERVICE_SERVING_CORE_H_
#define ITP_SERVER_SERVICE_SERVING_CORE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "server/app/application.h"
#include "server/app/caller.h"
#include "server/app/feed.h"
#include "server/common/arrival_timer.h"
#include "server/common/metrics.h"
#include "server/common/worker_pool.h"
#include "server/service/grpc_status.h"

namespace itp::service {

// The bounds of the serving core; each is a server flag.
struct ServingLimits {
  // Threads running operations (--workers).
  int workers = 8;
  // Calls waiting for a worker, all keys together (--max_queued_calls).
  int max_queued_calls = 1024;
  // Calls of one API key in progress that are admitted even when the queue
  // is full (--max_calls_per_key); see WorkerPool.
  int max_calls_per_key = 32;
  // Open server streams of one API key (--max_streams_per_key).
  int max_streams_per_key = 16;
  // Open server streams, all keys together (--max_streams).
  int max_streams = 1024;
  // How long a call's request body may take to arrive after its headers
  // (--request_body_timeout_seconds).
  absl::Duration request_body_timeout = absl::Seconds(30);
  // Runs on a worker before each call's operation; empty in production.
  // Tests hold workers with it to fill the queue deterministically.
  std::function<void()> before_operation;
};

// What the core knows of a call before it runs.
struct CallInfo {
  const char* method = "";
  absl::Time start;
  // The authorization metadata, when sent.
  std::optional<std::string> authorization;
  // The caller as known without the key store, when it is.
  std::optional<absl::StatusOr<auth::Principal>> known;
  // The queue the call waits in: its key, or its peer's address when the
  // key is not (yet) verified.
  std::string admission_key;
  std::string peer;
  // The method's metrics.
  Metrics::Method* metrics = nullptr;
};

// A unary method as bound to its operation: the name the log uses
// ("/itp.v1.PlanService/GetPlan") and the operation, which serializes its
// response into the buffer (on the worker, where the response was built and
// is freed). Owned by the service; outlives its calls.
template <typename Request>
struct UnaryMethod {
  std::string name;
  std::function<absl::Status(const app::Caller&, const Request&,
                             grpc::ByteBuffer*)>
      run;
};

// A server-streaming method as bound to the operation opening its feed.
template <typename Request, typename Item>
struct StreamMethod {
  std::string name;
  std::function<absl::StatusOr<std::unique_ptr<app::Feed<Item>>>(
      const app::Caller&, const Request&)>
      open;
};

// What the core needs of a unary call whose request has arrived, to admit,
// run and end it, whatever the reactor type.
class UnaryCall {
 public:
  virtual ~UnaryCall() = default;

  grpc::CallbackServerContext* context() const { return context_; }
  const CallInfo& info() const { return info_; }

  // On a worker: runs the operation, which fills the response.
  virtual absl::Status Run(const app::Caller& caller) = 0;
  // The request, once it has arrived.
  virtual const google::protobuf::Message* request() const = 0;
  // Ends the call: the response and `status` when it is OK, else `status`
  // alone. The call may be gone once it returns.
  virtual void End(const grpc::Status& status) = 0;

 protected:
  UnaryCall(grpc::CallbackServerContext* context, CallInfo info)
      : context_(context), info_(std::move(info)) {}

 private:
  grpc::CallbackServerContext* const context_;
  const CallInfo info_;
};

class StreamReactorBase;

// Thread-safe. `app` must outlive it.
class ServingCore {
 public:
  // Calls, their latency, roles and pool waits are recorded in `metrics`,
  // which must outlive the core.
  ServingCore(app::Application& app, const ServingLimits& limits,
              Metrics& metrics);
  ~ServingCore();

  // A new call of a bound unary or server-streaming method; gRPC owns the
  // reactor (service_binding.h).
  template <typename Request>
  grpc::ServerBidiReactor<Request, grpc::ByteBuffer>* NewUnary(
      grpc::CallbackServerContext* context, const UnaryMethod<Request>& method);
  template <typename Request, typename Item>
  grpc::ServerBidiReactor<Request, Item>* NewStream(
      grpc::CallbackServerContext* context,
      const StreamMethod<Request, Item>& method);

  // Ends every open stream with UNAVAILABLE ("server shutting down") and
  // refuses new ones. Unary calls are still served.
  void CloseStreams();

  // The last step before gRPC's shutdown. Calls that arrive from now on are
  // held, not run; returns once every call admitted before has finished and
  // then `settle` has passed (or at `deadline`), so that the calls clients
  // sent on seeing those answers have arrived and are held too. Holding them
  // keeps a client's next call from being in flight when gRPC shuts down:
  // gRPC cancels such calls (CANCELLED, which a client cannot tell from a
  // call that ran), while a held call is refused cleanly by ReleaseHeld.
  void HoldNewCalls(absl::Duration settle, absl::Time deadline);

  // Refuses the held calls, and every later one, with UNAVAILABLE ("server
  // shutting down"; nothing was done, so the client may retry elsewhere).
  // Call it once gRPC's shutdown has sent its GOAWAY.
  void ReleaseHeld();

  // Runs what is queued and stops the workers; after the gRPC server has
  // shut down.
  void Stop();

  int open_streams() const;
  WorkerPool::Stats pool_stats() const { return pool_.stats(); }
  // Calls ended because their request body did not arrive in time.
  int64_t body_timeouts() const { return body_timer_.expired(); }

 private:
  template <typename Request, typename Item>
  friend class FeedStream;
  template <typename Request>
  friend class UnaryReactor;
  friend class StreamReactorBase;

  // Admits a unary call whose request has arrived, runs it on a worker and
  // ends it.
  void StartUnary(UnaryCall* call);
  // The status of a call whose request did not arrive: cancelled, missing or
  // not parseable as `request_type`.
  absl::Status Unread(grpc::CallbackServerContext* context,
                      const CallInfo& info,
                      absl::string_view request_type) const;
  // The status of a call whose request body took too long; logs it.
  absl::Status BodyTimedOut(const CallInfo& info) const;

  CallInfo Begin(grpc::CallbackServerContext* context, const char* method,
                 Metrics::MethodType type);
  // The caller of a call admitted with `info`; may read the key store.
  app::Caller Authenticate(const CallInfo& info);
  // Why a call was not admitted, for the client.
  absl::Status Refusal(WorkerPool::Admission why, const CallInfo& info) const;
  // The one log line of a call, and its metrics; `ran` is false for a call
  // refused without running (the line then ends with " refused" and the
  // ErrorInfo reason). `request` (null before it arrived) gives the JSON log
  // its request_id and resource (name or parent); `principal`, when the call
  // was authenticated, its key and role.
  void LogCall(const CallInfo& info, const absl::Status& status, bool ran,
               const google::protobuf::Message* request = nullptr,
               const auth::Principal* principal = nullptr) const;

  // Open streams, counted per key.
  absl::Status AddStream(StreamReactorBase* stream, const std::string& key);
  void RemoveStream(StreamReactorBase* stream, const std::string& key);

  app::Application& app_;
  const ServingLimits limits_;
  Metrics& metrics_;
  WorkerPool pool_;
  // Calls waiting for their request body.
  ArrivalTimer body_timer_;

  // Calls held by HoldNewCalls, to be refused.
  absl::Mutex held_mu_;
  bool holding_ ABSL_GUARDED_BY(held_mu_) = false;
  bool released_ ABSL_GUARDED_BY(held_mu_) = false;
  // Unary calls admitted and not finished yet.
  int admitted_ ABSL_GUARDED_BY(held_mu_) = 0;
  std::vector<UnaryCall*> held_ ABSL_GUARDED_BY(held_mu_);

  mutable absl::Mutex streams_mu_;
  absl::flat_hash_set<StreamReactorBase*> streams_ ABSL_GUARDED_BY(streams_mu_);
  absl::flat_hash_map<std::string, int> streams_per_key_
      ABSL_GUARDED_BY(streams_mu_);
  bool streams_closed_ ABSL_GUARDED_BY(streams_mu_) = false;
};

// The part of a stream reactor that does not depend on the item type:
// reference counting (the reactor lives until gRPC is done with it and no
// task of ours refers to it) and shutdown.
class StreamReactorBase {
 public:
  virtual ~StreamReactorBase() = default;

  // Ends the stream with `why` as soon as no write is in flight.
  virtual void Close(const absl::Status& why) = 0;

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  // gRPC's reference, dropped in OnDone.
  std::atomic<int> refs_{1};
};

// A unary call: reads the request within the body timeout, then hands the
// call to the core (ServingCore::StartUnary). Deletes itself in OnDone.
template <typename Request>
class UnaryReactor final
    : public grpc::ServerBidiReactor<Request, grpc::ByteBuffer>,
      public UnaryCall,
      public ArrivalTimer::Waiter {
 public:
  UnaryReactor(ServingCore& core, grpc::CallbackServerContext* context,
               const UnaryMethod<Request>& method)
      : UnaryCall(context,
                  core.Begin(context, method.name.c_str(), Metrics::kUnary)),
        core_(core),
        method_(method) {
    // On the timer first: the read can complete as soon as gRPC binds the
    // reactor.
    core_.body_timer_.Start(this);
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    // False once the timer has ended the call.
    if (!core_.body_timer_.Claim(this)) return;
    if (!ok) {
      absl::Status status =
          core_.Unread(context(), info(), Request::descriptor()->full_name());
      core_.LogCall(info(), status, /*ran=*/false);
      return End(ToGrpcStatus(status));
    }
    core_.StartUnary(this);
  }

  // On the timer's thread.
  void Expire() override {
    absl::Status status = core_.BodyTimedOut(info());
    core_.LogCall(info(), status, /*ran=*/false);
    End(ToGrpcStatus(status));
  }

  absl::Status Run(const app::Caller& caller) override {
    return method_.run(caller, request_, &response_);
  }

  const google::protobuf::Message* request() const override {
    return &request_;
  }

  void End(const grpc::Status& status) override {
    if (status.ok()) {
      this->StartWriteAndFinish(&response_, grpc::WriteOptions(), status);
    } else {
      this->Finish(status);
    }
  }

  void OnDone() override { delete this; }

 private:
  ServingCore& core_;
  const UnaryMethod<Request>& method_;
  Request request_;
  grpc::ByteBuffer response_;
};

// A server stream fed by an app::Feed; see the header comment. Reads its
// request within the body timeout, then opens the feed.
template <typename Request, typename Item>
class FeedStream final : public grpc::ServerBidiReactor<Request, Item>,
                         public StreamReactorBase,
                         public ArrivalTimer::Waiter {
 public:
  FeedStream(ServingCore& core, grpc::CallbackServerContext* context,
             const StreamMethod<Request, Item>& method)
      : core_(core),
        context_(context),
        info_(core.Begin(context, method.name.c_str(), Metrics::kServerStream)),
        method_(method) {
    core_.body_timer_.Start(this);
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!core_.body_timer_.Claim(this)) return;
    if (!ok) {
      return End(
          core_.Unread(context_, info_, Request::descriptor()->full_name()));
    }
    request_read_.store(true);
    Start();
  }

  // On the timer's thread.
  void Expire() override { End(core_.BodyTimedOut(info_)); }

  void Close(const absl::Status& why) override { Stop(why); }

  void OnCancel() override {
    Stop(absl::CancelledError("The client cancelled the stream."));
  }

  void OnWriteDone(bool ok) override {
    enum { kEnd, kWrite, kPull } next;
    absl::Status end;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok && stop_.ok()) {
        stop_ = absl::CancelledError("The client went away.");
      }
      if (!stop_.ok()) {
        next = kEnd;
        end = stop_;
      } else if (++next_item_ < batch_.size()) {
        next = kWrite;
        writing_ = true;
      } else if (last_batch_) {
        next = kEnd;
      } else {
        next = kPull;
        pulling_ = true;
      }
    }
    switch (next) {
      case kEnd:
        return End(end);
      case kWrite:
        return this->StartWrite(&batch_[next_item_]);
      case kPull:
        return SchedulePull();
    }
  }

  void OnDone() override {
    if (registered_) core_.RemoveStream(this, key_);
    Unref();
  }

 private:
  // Queues the opening of the feed (authentication, the per-key stream
  // limit, the operation's checks) as a call of the stream's key.
  void Start() {
    Ref();
    auto admitted = core_.pool_.Submit(
        info_.admission_key,
        [this, queued = absl::Now()] {
          core_.metrics_.PoolWait(absl::Now() - queued);
          Open();
          Unref();
        },
        [this](WorkerPool::Admission why) {
          End(core_.Refusal(why, info_));
          Unref();
        });
    if (admitted != WorkerPool::Admission::kAdmitted) {
      End(core_.Refusal(admitted, info_));
      Unref();
    }
  }

  // On a worker: authenticate, take a stream slot, open the feed, pull.
  void Open() {
    app::Caller caller = core_.Authenticate(info_);
    if (caller.principal.ok()) {
      key_ = caller.principal->key_id;
      absl::Status added = core_.AddStream(this, key_);
      if (!added.ok()) return End(added);
      registered_ = true;
    }
    auto feed = method_.open(caller, request_);
    if (!feed.ok()) return End(feed.status());
    feed_ = *std::move(feed);
    absl::Status stopped;
    {
      absl::MutexLock lock(&mu_);
      stopped = stop_;
      pulling_ = stopped.ok();
    }
    if (!stopped.ok()) return End(stopped);
    Pull();
  }

  void SchedulePull() {
    Ref();
    const bool queued = core_.pool_.SubmitInternal([this] {
      Pull();
      Unref();
    });
    if (!queued) {
      End(absl::UnavailableError("itp-server is shutting down."));
      Unref();
    }
  }

  // On a worker: reads the next batch and writes it, or waits for news.
  void Pull() {
    app::EventBus& bus = core_.app_.events();
    const uint64_t seen = bus.sequence();
    absl::StatusOr<typename app::Feed<Item>::Batch> batch = feed_->Next();
    enum { kEnd, kWrite, kPull, kWait } next;
    absl::Status end;
    {
      absl::MutexLock lock(&mu_);
      pulling_ = false;
      if (!stop_.ok()) {
        next = kEnd;
        end = stop_;
      } else if (!batch.ok()) {
        next = kEnd;
        end = batch.status();
      } else if (!batch->items.empty()) {
        batch_ = std::move(batch->items);
        last_batch_ = batch->finished;
        next_item_ = 0;
        writing_ = true;
        next = kWrite;
      } else if (batch->finished) {
        next = kEnd;
      } else {
        // The task running Pull holds a reference, so dropping this one
        // again when nothing was registered cannot delete the stream.
        Ref();
        std::optional<app::EventBus::WaitId> id =
            bus.WaitFor(seen, [this] { OnNews(); });
        if (id) {
          wait_id_ = *id;
          waiting_ = true;
          next = kWait;
        } else {
          Unref();
          pulling_ = true;
          next = kPull;
        }
      }
    }
    switch (next) {
      case kEnd:
        return End(end);
      case kWrite:
        return this->StartWrite(&batch_[0]);
      case kPull:
        return SchedulePull();
      case kWait:
        return;
    }
  }

  // On the thread that notified the bus.
  void OnNews() {
    bool end = false;
    absl::Status why;
    {
      absl::MutexLock lock(&mu_);
      waiting_ = false;
      if (!stop_.ok()) {
        end = true;
        why = stop_;
      } else {
        pulling_ = true;
      }
    }
    if (end) {
      End(why);
    } else {
      SchedulePull();
    }
    Unref();
  }

  // Asks the stream to end with `why` (cancellation or shutdown).
  void Stop(const absl::Status& why) {
    bool end_now = false;
    bool drop_wait_ref = false;
    absl::Status end;
    {
      absl::MutexLock lock(&mu_);
      if (!stop_.ok() || finished_) return;
      stop_ = why;
      end = why;
      // A write, a pull or the opening in flight ends the stream when it
      // completes; a stream waiting for news ends now.
      if (waiting_ && core_.app_.events().Cancel(wait_id_)) {
        waiting_ = false;
        drop_wait_ref = true;
        end_now = !writing_ && !pulling_;
      }
    }
    if (end_now) End(end);
    if (drop_wait_ref) Unref();
  }

  // Finishes the stream once, with one log line.
  void End(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    // Before the read completed (body timeout) gRPC may still be writing
    // the request: it is not looked at.
    core_.LogCall(info_, status, /*ran=*/true,
                  request_read_.load() ? &request_ : nullptr);
    this->Finish(ToGrpcStatus(status));
  }

  ServingCore& core_;
  grpc::CallbackServerContext* const context_;
  const CallInfo info_;
  const StreamMethod<Request, Item>& method_;
  Request request_;
  std::atomic<bool> request_read_{false};
  std::unique_ptr<app::Feed<Item>> feed_;
  // Set by Open before any other thread looks at them.
  std::string key_;
  bool registered_ = false;

  absl::Mutex mu_;
  // Why the stream is ending; OK while it runs.
  absl::Status stop_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool pulling_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  app::EventBus::WaitId wait_id_ ABSL_GUARDED_BY(mu_) = 0;
  // The batch being written; stays put while a write is in flight.
  std::vector<Item> batch_;
  size_t next_item_ = 0;
  bool last_batch_ = false;
};

template <typename Request>
grpc::ServerBidiReactor<Request, grpc::ByteBuffer>* ServingCore::NewUnary(
    grpc::CallbackServerContext* context, const UnaryMethod<Request>& method) {
  return new UnaryReactor<Request>(*this, context, method);
}

template <typename Request, typename Item>
grpc::ServerBidiReactor<Request, Item>* ServingCore::NewStream(
    grpc::CallbackServerContext* context,
    const StreamMethod<Request, Item>& method) {
  return new FeedStream<Request, Item>(*this, context, method);
}

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_SERVING_CORE_H_
