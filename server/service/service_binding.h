// Binds the methods of a generated gRPC service to application operations
// through the serving core. Each service adapter binds every method of its
// service in its constructor and nothing else:
//
//   class PlanServiceImpl final : public BoundService<itp::v1::PlanService> {
//    public:
//     PlanServiceImpl(app::Application& app, ServingCore& core)
//         : BoundService(core) {
//       Unary("GetPlan", app.plans(), &app::PlanOperations::GetPlan);
//       ...
//       CheckAllBound();
//     }
//   };
//
// Why not the generated callback handlers: for unary and server-streaming
// methods gRPC 1.51 calls the handler only once the whole request body has
// arrived, and puts no time limit on that; a client that sends most of a
// large body and then stalls pins it in memory for as long as it likes. So
// each method is registered the way gRPC registers its "streamed unary"
// variants (grpc::Service::MarkMethodStreamed): as a bidi stream at the
// transport, with gRPC's own callback bidi handler. The serving core then
// reads the one request itself, under `request_body_timeout`, and answers
// with one response (or a stream of them): on the wire, and to every client,
// the method is exactly what the .proto says.
#ifndef ITP_SERVER_SERVICE_SERVICE_BINDING_H_
#define ITP_SERVER_SERVICE_SERVICE_BINDING_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/support/byte_buffer.h"
#include "server/app/caller.h"
#include "server/app/feed.h"
#include "server/service/serving_core.h"

namespace itp::service {

// The index of method `method` of service `service` in the generated
// grpc::Service, checked against the request and response types and the
// streaming kind it is bound with; aborts with a message naming the method
// when it does not match (a programming error, found at start-up).
int BoundMethodIndex(absl::string_view service, absl::string_view method,
                     const google::protobuf::Descriptor* request,
                     const google::protobuf::Descriptor* response,
                     bool server_streaming);

// Serializes `response` into `buffer`; INTERNAL if it cannot be.
absl::Status SerializeResponse(const google::protobuf::MessageLite& response,
                               grpc::ByteBuffer* buffer);

// Aborts naming the service unless `bound` holds each of its methods'
// indexes once: an unbound method would answer UNIMPLEMENTED.
void CheckAllMethodsBound(absl::string_view service, std::vector<int> bound);

// `Grpc` is the generated service class, e.g. itp::v1::PlanService.
template <typename Grpc>
class BoundService : public Grpc::CallbackService {
 protected:
  explicit BoundService(ServingCore& core) : core_(core) {}

  // Binds unary method `name` to `op` of `ops` (which must outlive the
  // service).
  template <typename Ops, typename Request, typename Response>
  void Unary(absl::string_view name, Ops& ops,
             absl::StatusOr<Response> (Ops::*op)(const app::Caller&,
                                                 const Request&)) {
    const int index =
        BoundMethodIndex(Grpc::service_full_name(), name, Request::descriptor(),
                         Response::descriptor(), /*server_streaming=*/false);
    auto method = std::make_shared<UnaryMethod<Request>>();
    method->name = MethodPath(name);
    method->run = [&ops, op](const app::Caller& caller, const Request& request,
                             grpc::ByteBuffer* response) {
      absl::StatusOr<Response> result = (ops.*op)(caller, request);
      if (!result.ok()) return result.status();
      return SerializeResponse(*result, response);
    };
    ServingCore* core = &core_;
    this->MarkMethodStreamed(
        index,
        new grpc::internal::CallbackBidiHandler<Request, grpc::ByteBuffer>(
            [core, method](grpc::CallbackServerContext* context) {
              return core->NewUnary(context, *method);
            }));
    bound_.push_back(index);
  }

  // Binds server-streaming method `name` to `op`, which opens its feed.
  template <typename Ops, typename Request, typename Item>
  void Stream(absl::string_view name, Ops& ops,
              absl::StatusOr<std::unique_ptr<app::Feed<Item>>> (Ops::*op)(
                  const app::Caller&, const Request&)) {
    const int index =
        BoundMethodIndex(Grpc::service_full_name(), name, Request::descriptor(),
                         Item::descriptor(), /*server_streaming=*/true);
    auto method = std::make_shared<StreamMethod<Request, Item>>();
    method->name = MethodPath(name);
    method->open = [&ops, op](const app::Caller& caller,
                              const Request& request) {
      return (ops.*op)(caller, request);
    };
    ServingCore* core = &core_;
    this->MarkMethodStreamed(
        index, new grpc::internal::CallbackBidiHandler<Request, Item>(
                   [core, method](grpc::CallbackServerContext* context) {
                     return core->NewStream(context, *method);
                   }));
    bound_.push_back(index);
  }

  // Call at the end of the constructor.
  void CheckAllBound() const {
    CheckAllMethodsBound(Grpc::service_full_name(), bound_);
  }

 private:
  static std::string MethodPath(absl::string_view name) {
    return std::string("/") + Grpc::service_full_name() + "/" +
           std::string(name);
  }

  ServingCore& core_;
  std::vector<int> bound_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_SERVICE_BINDING_H_
