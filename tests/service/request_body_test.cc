// The request-body deadline over a real channel: calls whose body does not
// arrive within --request_body_timeout_seconds end with DEADLINE_EXCEEDED
// (REQUEST_BODY_TIMEOUT), unary and server-streaming alike, while they wait
// they hold no worker and no stream slot, and a body that arrives in time is
// served. Raw calls (grpc::GenericStub) send headers and then as much of the
// body as each test wants. Codes and counts are asserted, never durations.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
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
using ::itp::testing::ServerHarness;
using ::testing::HasSubstr;

constexpr char kGetPlan[] = "/itp.v1.PlanService/GetPlan";
constexpr char kWatch[] = "/itp.v1.ReviewService/WatchPlanEvents";

// Calls opened by hand on one completion queue: headers, then the body
// bytes given (or none), then a half-close when asked.
class RawCalls {
 public:
  explicit RawCalls(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(channel) {}

  ~RawCalls() {
    for (auto& call : calls_) call->context.TryCancel();
    while (finished_ < static_cast<int>(calls_.size()) && Next()) {
    }
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  // Opens a call of `method` authorized with `secret`.
  size_t Open(const std::string& method, const std::string& secret) {
    auto call = std::make_unique<Call>();
    ServerHarness::Authorize(&call->context, secret);
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(60));
    call->stream = stub_.PrepareCall(&call->context, method, &cq_);
    const size_t i = calls_.size();
    calls_.push_back(std::move(call));
    calls_[i]->stream->StartCall(Tag(i, kOp));
    AwaitOp(i);
    calls_[i]->stream->Finish(&calls_[i]->status, Tag(i, kFinished));
    return i;
  }

  // Sends `bytes` as the call's one message.
  void Send(size_t i, const std::string& bytes) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    calls_[i]->stream->Write(buffer, Tag(i, kOp));
    AwaitOp(i);
  }

  // Ends the client's side of the call.
  void HalfClose(size_t i) {
    calls_[i]->stream->WritesDone(Tag(i, kOp));
    AwaitOp(i);
  }

  // Reads the response message; false when there is none.
  bool Read(size_t i, std::string* bytes) {
    grpc::ByteBuffer buffer;
    calls_[i]->stream->Read(&buffer, Tag(i, kOp));
    if (!AwaitOp(i)) return false;
    std::vector<grpc::Slice> slices;
    if (!buffer.Dump(&slices).ok()) return false;
    bytes->clear();
    for (const grpc::Slice& s : slices) {
      bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return true;
  }

  // Waits for every call to end; their statuses in order.
  std::vector<grpc::Status> FinishAll() {
    while (finished_ < static_cast<int>(calls_.size()) && Next()) {
    }
    std::vector<grpc::Status> statuses;
    for (const auto& call : calls_) statuses.push_back(call->status);
    return statuses;
  }

 private:
  enum Kind { kOp = 0, kFinished = 1 };
  struct Call {
    grpc::ClientContext context;
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream;
    grpc::Status status;
    bool op_done = false;
    bool op_ok = false;
    bool finished = false;
  };

  static void* Tag(size_t i, Kind kind) {
    return reinterpret_cast<void*>((i << 1) | kind);
  }

  // Processes completions until call `i`'s pending operation completes;
  // whether it succeeded.
  bool AwaitOp(size_t i) {
    while (!calls_[i]->op_done && Next()) {
    }
    calls_[i]->op_done = false;
    return calls_[i]->op_ok;
  }

  bool Next() {
    void* tag;
    bool ok;
    if (!cq_.Next(&tag, &ok)) return false;
    const auto bits = reinterpret_cast<uintptr_t>(tag);
    Call& call = *calls_[bits >> 1];
    if ((bits & 1) == kOp) {
      call.op_done = true;
      call.op_ok = ok;
    } else {
      call.finished = true;
      ++finished_;
    }
    return true;
  }

  grpc::GenericStub stub_;
  grpc::CompletionQueue cq_;
  std::vector<std::unique_ptr<Call>> calls_;
  int finished_ = 0;
};

std::map<grpc::StatusCode, int> Codes(
    const std::vector<grpc::Status>& statuses) {
  std::map<grpc::StatusCode, int> codes;
  for (const grpc::Status& status : statuses) ++codes[status.error_code()];
  return codes;
}

class RequestBodyTest : public ::testing::Test {
 protected:
  void Start(absl::Duration timeout, int workers = 8) {
    absl::Status started = harness_.Start([&](ServerConfig& config) {
      config.limits.request_body_timeout = timeout;
      config.limits.workers = workers;
    });
    ASSERT_TRUE(started.ok()) << started;
    india_ = harness_.CreateKey(itp::v1::PARTNER, {"IND"},
                                "Ministry of Steel, India - plan upload");
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::Plan plan;
    ASSERT_TRUE(
        harness_.plans()
            .CreatePlan(&context, testing::IndiaSteelCreateRequest(), &plan)
            .ok());
    plan_ = plan.name();
  }

  std::string GetPlanBytes() const {
    itp::v1::GetPlanRequest request;
    request.set_name(plan_);
    return request.SerializeAsString();
  }

  grpc::Status GetPlan() {
    grpc::ClientContext context;
    ServerHarness::Authorize(&context, india_);
    itp::v1::GetPlanRequest request;
    request.set_name(plan_);
    itp::v1::Plan plan;
    return harness_.plans().GetPlan(&context, request, &plan);
  }

  ServerHarness harness_;
  ServerHarness::Key india_;
  std::string plan_;
};

TEST_F(RequestBodyTest, StalledBodiesEndWithDeadlineExceededAndTakeNoWorker) {
  // One worker: the stalled calls must not hold it.
  Start(absl::Seconds(1), /*workers=*/1);
  RawCalls raw(harness_.channel());
  for (int i = 0; i < 50; ++i) raw.Open(kGetPlan, india_.secret);
  // While they wait for their bodies, the server serves others.
  EXPECT_TRUE(GetPlan().ok());
  // (Its worker may still be finishing the task when the answer arrives.)
  EXPECT_TRUE(Eventually([&] {
    ItpServer::Load load = harness_.load();
    return load.running_calls == 0 && load.queued_calls == 0;
  }));
  std::vector<grpc::Status> statuses = raw.FinishAll();
  EXPECT_EQ(Codes(statuses), (std::map<grpc::StatusCode, int>{
                                 {grpc::StatusCode::DEADLINE_EXCEEDED, 50}}));
  EXPECT_EQ(ErrorReason(statuses[0]), "REQUEST_BODY_TIMEOUT");
  EXPECT_THAT(statuses[0].error_message(), HasSubstr(kGetPlan));
  EXPECT_THAT(statuses[0].error_message(),
              HasSubstr("--request_body_timeout_seconds"));
  EXPECT_EQ(harness_.load().body_timeouts, 50);
  EXPECT_TRUE(GetPlan().ok());
}

TEST_F(RequestBodyTest, StalledStreamRequestsEndTheSameWayAndHoldNoStream) {
  Start(absl::Seconds(1));
  RawCalls raw(harness_.channel());
  // More than the key's 16 streams: none takes a slot before its request
  // has arrived.
  for (int i = 0; i < 20; ++i) raw.Open(kWatch, india_.secret);
  EXPECT_EQ(harness_.load().open_streams, 0);
  std::vector<grpc::Status> statuses = raw.FinishAll();
  EXPECT_EQ(Codes(statuses), (std::map<grpc::StatusCode, int>{
                                 {grpc::StatusCode::DEADLINE_EXCEEDED, 20}}));
  EXPECT_EQ(ErrorReason(statuses[19]), "REQUEST_BODY_TIMEOUT");
  EXPECT_THAT(statuses[19].error_message(), HasSubstr(kWatch));
  EXPECT_EQ(harness_.load().body_timeouts, 20);
}

TEST_F(RequestBodyTest, ABodyThatArrivesInTimeIsServed) {
  Start(absl::Seconds(30));
  RawCalls raw(harness_.channel());
  const size_t call = raw.Open(kGetPlan, india_.secret);
  // Well after the headers, well within the timeout.
  absl::SleepFor(absl::Milliseconds(300));
  raw.Send(call, GetPlanBytes());
  raw.HalfClose(call);
  std::string bytes;
  ASSERT_TRUE(raw.Read(call, &bytes));
  itp::v1::Plan plan;
  ASSERT_TRUE(plan.ParseFromString(bytes));
  EXPECT_EQ(plan.name(), "countries/IND/plans/steel-2070");
  EXPECT_EQ(plan.sectors(0).sector(), itp::v1::IRON_AND_STEEL);
  EXPECT_TRUE(raw.FinishAll()[call].ok());
  EXPECT_EQ(harness_.load().body_timeouts, 0);
}

TEST_F(RequestBodyTest, ACallWithoutAParseableRequestIsInvalid) {
  Start(absl::Seconds(30));
  RawCalls raw(harness_.channel());
  const size_t none = raw.Open(kGetPlan, india_.secret);
  raw.HalfClose(none);
  const size_t garbage = raw.Open(kGetPlan, india_.secret);
  // Field 1 declared as a 100-byte string with 3 bytes present.
  raw.Send(garbage, std::string("\x0a\x64"
                                "abc",
                                5));
  raw.HalfClose(garbage);
  const size_t watch = raw.Open(kWatch, india_.secret);
  raw.HalfClose(watch);
  std::vector<grpc::Status> statuses = raw.FinishAll();
  for (size_t i : {none, garbage}) {
    EXPECT_EQ(statuses[i].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(statuses[i].error_message(),
                HasSubstr("/itp.v1.PlanService/GetPlan takes one "
                          "itp.v1.GetPlanRequest message"));
  }
  EXPECT_EQ(statuses[watch].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(statuses[watch].error_message(),
              HasSubstr("itp.v1.WatchPlanEventsRequest"));
  EXPECT_EQ(harness_.load().body_timeouts, 0);
}

TEST(RequestBodyConfigTest, TheTimeoutMustBeBetweenASecondAndAnHour) {
  for (absl::Duration timeout : {absl::ZeroDuration(), absl::Hours(2)}) {
    ServerHarness harness;
    absl::Status started = harness.Start([&](ServerConfig& config) {
      config.limits.request_body_timeout = timeout;
    });
    EXPECT_EQ(started.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(started.message()),
                HasSubstr("request_body_timeout_seconds"));
  }
}

}  // namespace
}  // namespace itp::service
