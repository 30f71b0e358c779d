#include "server/service/serving_core.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/domain/errors.h"

namespace itp::service {
namespace {

// How long an overloaded client is asked to wait before retrying.
constexpr int kRetryAfterMs = 250;

// The address of a gRPC peer without its port: "ipv4:10.0.0.7",
// "ipv6:[::1]", "unix:/run/itp.sock".
std::string PeerHost(const std::string& peer) {
  if (absl::StartsWith(peer, "unix:")) return peer;
  size_t colon = peer.rfind(':');
  size_t first = peer.find(':');
  if (colon == std::string::npos || colon == first) return peer;
  return peer.substr(0, colon);
}

absl::Status ShuttingDown() {
  return absl::UnavailableError(
      "itp-server is shutting down; nothing was done, retry the call "
      "(another replica will take it).");
}

}  // namespace

ServingCore::ServingCore(app::Application& app, const ServingLimits& limits,
                         Metrics& metrics)
    : app_(app),
      limits_(limits),
      metrics_(metrics),
      pool_(
          {limits.workers, limits.max_queued_calls, limits.max_calls_per_key}),
      body_timer_(limits.request_body_timeout) {}

ServingCore::~ServingCore() { Stop(); }

CallInfo ServingCore::Begin(grpc::CallbackServerContext* context,
                            const char* method, Metrics::MethodType type) {
  CallInfo info;
  info.method = method;
  info.start = absl::Now();
  info.metrics = &metrics_.ForMethod(method, type);
  info.metrics->Started();
  metrics_.CallBegun();
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  std::optional<absl::string_view> authorization;
  if (it != metadata.end()) {
    info.authorization.emplace(it->second.data(), it->second.size());
    authorization = *info.authorization;
  }
  info.known = app_.authenticator().AuthenticateCached(authorization);
  info.peer = context->peer();
  if (info.known && info.known->ok()) {
    info.admission_key = (*info.known)->key_id;
  } else {
    // Calls without a verified key queue per client address, so that
    // keyless or bad-key traffic cannot take the share of real keys.
    info.admission_key = absl::StrCat("peer:", PeerHost(info.peer));
  }
  return info;
}

app::Caller ServingCore::Authenticate(const CallInfo& info) {
  if (info.known) return app::Caller{*info.known, PeerHost(info.peer)};
  std::optional<absl::string_view> authorization;
  if (info.authorization) authorization = *info.authorization;
  return app::Caller{app_.authenticator().Authenticate(authorization),
                     PeerHost(info.peer)};
}

absl::Status ServingCore::Refusal(WorkerPool::Admission why,
                                  const CallInfo& info) const {
  switch (why) {
    case WorkerPool::Admission::kStopped:
      return absl::UnavailableError("itp-server is shutting down.");
    case WorkerPool::Admission::kOverShare: {
      const bool keyed = info.known && info.known->ok();
      return domain::Overloaded(
          absl::StrCat(
              "itp-server is at capacity and ",
              keyed ? absl::StrCat("API key ", (*info.known)->ApiKeyName())
                    : absl::StrCat("client ", PeerHost(info.peer)),
              " already has ", limits_.max_calls_per_key,
              " or more calls in progress (--max_calls_per_key). Retry "
              "after a short wait."),
          "TOO_MANY_CALLS_FOR_KEY", kRetryAfterMs);
    }
    case WorkerPool::Admission::kQueueFull:
    case WorkerPool::Admission::kAdmitted:
      break;
  }
  return domain::Overloaded(
      absl::StrCat("itp-server is at capacity: ", limits_.max_queued_calls,
                   " calls are waiting for a worker (--max_queued_calls). "
                   "Retry after a short wait."),
      "SERVER_AT_CAPACITY", kRetryAfterMs);
}

namespace {

// The string field `name` of `message`, if it has one.
std::string StringField(const google::protobuf::Message& message,
                        const char* name) {
  const google::protobuf::FieldDescriptor* field =
      message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

}  // namespace

void ServingCore::LogCall(const CallInfo& info, const absl::Status& status,
                          bool ran, const google::protobuf::Message* request,
                          const auth::Principal* principal) const {
  if (principal == nullptr && info.known && info.known->ok()) {
    principal = &**info.known;
  }
  const absl::Duration elapsed = absl::Now() - info.start;
  const absl::string_view code = domain::CanonicalCodeName(status.raw_code());
  CallLogRecord call;
  call.method = info.method;
  call.code = std::string(code);
  call.latency_ms = absl::ToDoubleMilliseconds(elapsed);
  call.peer = info.peer;
  if (principal != nullptr) {
    call.key_id = principal->key_id;
    call.role = itp::v1::Role_Name(principal->role);
  }
  if (info.metrics != nullptr) {
    info.metrics->Handled(status.raw_code(), code, elapsed);
  }
  metrics_.CallOfRole(principal != nullptr ? absl::string_view(call.role)
                                           : absl::string_view("NONE"));
  metrics_.CallEnded();
  // Only the JSON log has these fields: the text line keeps its cost.
  if (request != nullptr && GetLogFormat() == LogFormat::kJson) {
    call.request_id = StringField(*request, "request_id");
    call.resource = StringField(*request, "name");
    if (call.resource.empty()) call.resource = StringField(*request, "parent");
  }
  call.refused = !ran;
  if (!ran) call.reason = std::string(domain::ErrorReasonOf(status));
  itp::LogCall(status.ok() ? LogLevel::kInfo : LogLevel::kWarning, call);
}

void ServingCore::StartUnary(UnaryCall* call) {
  // Not run: refused at admission, pushed out of the queue, or held at
  // shutdown. Nothing was done for the call.
  auto refuse = [this, call](const absl::Status& status) {
    LogCall(call->info(), status, /*ran=*/false, call->request());
    if (absl::IsResourceExhausted(status)) {
      // What gRPC clients with a retry policy wait for (RetryInfo says the
      // same to the rest).
      call->context()->AddTrailingMetadata("grpc-retry-pushback-ms",
                                           std::to_string(kRetryAfterMs));
    }
    call->End(ToGrpcStatus(status));
  };
  bool shutting_down;
  {
    absl::MutexLock lock(&held_mu_);
    shutting_down = released_;
    if (!shutting_down && holding_) {
      held_.push_back(call);
      return;
    }
    if (!shutting_down) ++admitted_;
  }
  if (shutting_down) return refuse(ShuttingDown());
  // Every admitted call ends here or in `evicted`, exactly once.
  auto done = [this] {
    absl::MutexLock lock(&held_mu_);
    --admitted_;
  };
  auto admitted = pool_.Submit(
      call->info().admission_key,
      [this, call, done, queued = absl::Now()] {
        metrics_.PoolWait(absl::Now() - queued);
        absl::Status status;
        std::optional<app::Caller> caller;
        // A call its client gave up on is not worth a worker's time.
        if (call->context()->IsCancelled()) {
          status = absl::CancelledError("The client cancelled the call.");
        } else {
          if (limits_.before_operation) limits_.before_operation();
          caller = Authenticate(call->info());
          status = call->Run(*caller);
        }
        LogCall(
            call->info(), status, /*ran=*/true, call->request(),
            caller && caller->principal.ok() ? &*caller->principal : nullptr);
        call->End(ToGrpcStatus(status));
        done();
      },
      [this, call, refuse, done](WorkerPool::Admission why) {
        refuse(Refusal(why, call->info()));
        done();
      });
  if (admitted != WorkerPool::Admission::kAdmitted) {
    refuse(Refusal(admitted, call->info()));
    done();
  }
}

absl::Status ServingCore::Unread(grpc::CallbackServerContext* context,
                                 const CallInfo& info,
                                 absl::string_view request_type) const {
  if (context->IsCancelled()) {
    return absl::CancelledError("The client cancelled the call.");
  }
  return absl::InvalidArgumentError(absl::StrCat(
      info.method, " takes one ", request_type,
      " message: the client sent none, or one that does not parse."));
}

absl::Status ServingCore::BodyTimedOut(const CallInfo& info) const {
  metrics_.RequestBodyTimedOut();
  return domain::ErrorWithInfo(
      absl::StatusCode::kDeadlineExceeded,
      absl::StrCat(
          "The request to ", info.method, " did not arrive within ",
          absl::FormatDuration(limits_.request_body_timeout),
          " of its headers (--request_body_timeout_seconds); nothing was "
          "done. Send the whole request at once, or over a faster link."),
      "REQUEST_BODY_TIMEOUT");
}

absl::Status ServingCore::AddStream(StreamReactorBase* stream,
                                    const std::string& key) {
  absl::MutexLock lock(&streams_mu_);
  if (streams_closed_) {
    return absl::UnavailableError("itp-server is shutting down.");
  }
  if (static_cast<int>(streams_.size()) >= limits_.max_streams) {
    return domain::Overloaded(
        absl::StrCat("itp-server has ", limits_.max_streams,
                     " streams open, its limit (--max_streams). Retry after "
                     "a short wait."),
        "TOO_MANY_STREAMS", kRetryAfterMs);
  }
  const int open = streams_per_key_[key];
  if (open >= limits_.max_streams_per_key) {
    return domain::Overloaded(
        absl::StrCat("API key apiKeys/", key, " has ", open,
                     " streams open, its limit (--max_streams_per_key). Close "
                     "one or retry later."),
        "TOO_MANY_STREAMS_FOR_KEY", kRetryAfterMs);
  }
  ++streams_per_key_[key];
  streams_.insert(stream);
  return absl::OkStatus();
}

void ServingCore::RemoveStream(StreamReactorBase* stream,
                               const std::string& key) {
  absl::MutexLock lock(&streams_mu_);
  if (streams_.erase(stream) == 0) return;
  auto it = streams_per_key_.find(key);
  if (it != streams_per_key_.end() && --it->second <= 0) {
    streams_per_key_.erase(it);
  }
}

void ServingCore::CloseStreams() {
  std::vector<StreamReactorBase*> open;
  {
    absl::MutexLock lock(&streams_mu_);
    streams_closed_ = true;
    for (StreamReactorBase* s : streams_) {
      // A stream in the set is alive: it leaves the set before gRPC drops
      // its reference.
      s->Ref();
      open.push_back(s);
    }
  }
  const absl::Status why =
      absl::UnavailableError("itp-server is shutting down.");
  for (StreamReactorBase* s : open) {
    s->Close(why);
    s->Unref();
  }
}

void ServingCore::HoldNewCalls(absl::Duration settle, absl::Time deadline) {
  {
    absl::MutexLock lock(&held_mu_);
    holding_ = true;
    auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(held_mu_) {
      return admitted_ == 0;
    };
    held_mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
  }
  absl::SleepFor(std::min(settle, deadline - absl::Now()));
}

void ServingCore::ReleaseHeld() {
  std::vector<UnaryCall*> held;
  {
    absl::MutexLock lock(&held_mu_);
    released_ = true;
    held.swap(held_);
  }
  for (UnaryCall* call : held) {
    LogCall(call->info(), ShuttingDown(), /*ran=*/false, call->request());
    call->End(ToGrpcStatus(ShuttingDown()));
  }
}

void ServingCore::Stop() { pool_.Stop(); }

int ServingCore::open_streams() const {
  absl::MutexLock lock(&streams_mu_);
  return static_cast<int>(streams_.size());
}

}  // namespace itp::service
