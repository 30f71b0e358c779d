// grpc.reflection.v1.ServerReflection, beside the v1alpha service that gRPC
// 1.51 ships: grpcurl, buf curl and other current clients ask for v1 first
// (and otherwise log an UNIMPLEMENTED call on every use). It answers from the
// process's generated descriptor pool, as v1alpha does, so the google.rpc
// detail types (BadRequest, ErrorInfo, RetryInfo) resolve through both and a
// client that knows only the server's answers can decode an error's details.
//
//   ReflectionV1Service reflection(ReflectedServiceNames());
//   builder.RegisterService(&reflection);
#ifndef ITP_SERVER_SERVICE_REFLECTION_V1_H_
#define ITP_SERVER_SERVICE_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace itp::service {

// One reflection request answered from `pool`, as grpc's v1alpha service
// answers it: list_services lists `services`; file_by_filename and
// file_containing_symbol / _extension return the file first, then every file
// it depends on, directly or not (each once), so that each answer builds a
// pool by itself; all_extension_numbers_of_type; NOT_FOUND (5) in
// an error_response for an unknown file, symbol, type or extension, and
// UNIMPLEMENTED (12) for an empty request. valid_host and original_request
// echo the request.
grpc::reflection::v1::ServerReflectionResponse AnswerReflection(
    const grpc::reflection::v1::ServerReflectionRequest& request,
    const std::vector<std::string>& services,
    const google::protobuf::DescriptorPool& pool);

// Answers each request of a stream with AnswerReflection over the generated
// pool, in order, until the client half-closes. Needs no API key, like
// v1alpha and health checks: descriptors are the published API.
class ReflectionV1Service final
    : public grpc::reflection::v1::ServerReflection::CallbackService {
 public:
  explicit ReflectionV1Service(std::vector<std::string> services)
      : services_(std::move(services)) {}

  grpc::ServerBidiReactor<grpc::reflection::v1::ServerReflectionRequest,
                          grpc::reflection::v1::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* context) override;

 private:
  const std::vector<std::string> services_;
};

}  // namespace itp::service

#endif  // ITP_SERVER_SERVICE_REFLECTION_V1_H_
