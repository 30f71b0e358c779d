#include "server/service/service_binding.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "server/common/log.h"

namespace itp::service {
namespace {

[[noreturn]] void BindingError(const std::string& message) {
  Log(LogLevel::kError, message);
  FlushLog();
  std::abort();
}

}  // namespace

int BoundMethodIndex(absl::string_view service, absl::string_view method,
                     const google::protobuf::Descriptor* request,
                     const google::protobuf::Descriptor* response,
                     bool server_streaming) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service));
  if (descriptor == nullptr) {
    BindingError(absl::StrCat("service ", service, " is not linked in"));
  }
  const google::protobuf::MethodDescriptor* m =
      descriptor->FindMethodByName(std::string(method));
  if (m == nullptr) {
    BindingError(absl::StrCat(service, " has no method ", method));
  }
  if (m->input_type() != request || m->output_type() != response ||
      m->client_streaming() || m->server_streaming() != server_streaming) {
    BindingError(absl::StrCat(m->full_name(), " is bound with ",
                              request->full_name(), " -> ",
                              server_streaming ? "stream " : "",
                              response->full_name(), ", unlike its .proto"));
  }
  // The generated service registers its methods in .proto order.
  return m->index();
}

absl::Status SerializeResponse(const google::protobuf::MessageLite& response,
                               grpc::ByteBuffer* buffer) {
  bool own_buffer = false;
  grpc::Status status =
      grpc::SerializationTraits<google::protobuf::MessageLite>::Serialize(
          response, buffer, &own_buffer);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("Cannot serialize the response: ",
                                            status.error_message()));
  }
  return absl::OkStatus();
}

void CheckAllMethodsBound(absl::string_view service, std::vector<int> bound) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service));
  std::sort(bound.begin(), bound.end());
  const bool repeated =
      std::adjacent_find(bound.begin(), bound.end()) != bound.end();
  if (descriptor == nullptr || repeated ||
      static_cast<int>(bound.size()) != descriptor->method_count()) {
    BindingError(
        absl::StrCat(service, " binds ", bound.size(), " methods",
                     repeated ? " (one twice)" : "", " of its ",
                     descriptor == nullptr ? 0 : descriptor->method_count()));
  }
}

}  // namespace itp::service
