#include "server/service/reflection_v1.h"

#include <set>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.pb.h"

namespace itp::service {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

void SetError(ServerReflectionResponse* response, grpc::StatusCode code,
              const std::string& message) {
  auto* error = response->mutable_error_response();
  error->set_error_code(code);
  error->set_error_message(message);
}

// `file` first, then its dependencies breadth first, each once.
void AddFileWithDependencies(const FileDescriptor* file,
                             ServerReflectionResponse* response) {
  auto* files = response->mutable_file_descriptor_response();
  std::set<std::string> seen = {file->name()};
  std::vector<const FileDescriptor*> queue = {file};
  for (size_t i = 0; i < queue.size(); ++i) {
    google::protobuf::FileDescriptorProto proto;
    queue[i]->CopyTo(&proto);
    files->add_file_descriptor_proto(proto.SerializeAsString());
    for (int d = 0; d < queue[i]->dependency_count(); ++d) {
      const FileDescriptor* dependency = queue[i]->dependency(d);
      if (seen.insert(dependency->name()).second) queue.push_back(dependency);
    }
  }
}

}  // namespace

ServerReflectionResponse AnswerReflection(
    const ServerReflectionRequest& request,
    const std::vector<std::string>& services, const DescriptorPool& pool) {
  ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  switch (request.message_request_case()) {
    case ServerReflectionRequest::kListServices:
      for (const std::string& name : services) {
        response.mutable_list_services_response()->add_service()->set_name(
            name);
      }
      break;
    case ServerReflectionRequest::kFileByFilename: {
      const FileDescriptor* file =
          pool.FindFileByName(request.file_by_filename());
      if (file == nullptr) {
        SetError(&response, grpc::StatusCode::NOT_FOUND, "File not found.");
      } else {
        AddFileWithDependencies(file, &response);
      }
      break;
    }
    case ServerReflectionRequest::kFileContainingSymbol: {
      const FileDescriptor* file =
          pool.FindFileContainingSymbol(request.file_containing_symbol());
      if (file == nullptr) {
        SetError(&response, grpc::StatusCode::NOT_FOUND, "Symbol not found.");
      } else {
        AddFileWithDependencies(file, &response);
      }
      break;
    }
    case ServerReflectionRequest::kFileContainingExtension: {
      const auto& wanted = request.file_containing_extension();
      const auto* type = pool.FindMessageTypeByName(wanted.containing_type());
      if (type == nullptr) {
        SetError(&response, grpc::StatusCode::NOT_FOUND, "Type not found.");
        break;
      }
      const FieldDescriptor* extension =
          pool.FindExtensionByNumber(type, wanted.extension_number());
      if (extension == nullptr) {
        SetError(&response, grpc::StatusCode::NOT_FOUND,
                 "Extension not found.");
      } else {
        AddFileWithDependencies(extension->file(), &response);
      }
      break;
    }
    case ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const auto* type =
          pool.FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        SetError(&response, grpc::StatusCode::NOT_FOUND, "Type not found.");
        break;
      }
      std::vector<const FieldDescriptor*> extensions;
      pool.FindAllExtensions(type, &extensions);
      auto* numbers = response.mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const FieldDescriptor* extension : extensions) {
        numbers->add_extension_number(extension->number());
      }
      break;
    }
    case ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
      SetError(&response, grpc::StatusCode::UNIMPLEMENTED,
               "The request is not implemented.");
      break;
  }
  return response;
}

namespace {

// One stream: read a request, write its answer, until the client is done.
// The answers are descriptor lookups, quick enough for the callback thread.
class ReflectionReactor final
    : public grpc::ServerBidiReactor<ServerReflectionRequest,
                                     ServerReflectionResponse> {
 public:
  explicit ReflectionReactor(const std::vector<std::string>& services)
      : services_(services) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);
      return;
    }
    response_ = AnswerReflection(request_, services_,
                                 *DescriptorPool::generated_pool());
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "The reflection stream was cancelled."));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  const std::vector<std::string>& services_;
  ServerReflectionRequest request_;
  ServerReflectionResponse response_;
};

}  // namespace

grpc::ServerBidiReactor<ServerReflectionRequest, ServerReflectionResponse>*
ReflectionV1Service::ServerReflectionInfo(grpc::CallbackServerContext*) {
  return new ReflectionReactor(services_);
}

}  // namespace itp::service
