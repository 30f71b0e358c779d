#include "server/service/grpc_status.h"

#include <string>

#include "google/rpc/status.pb.h"

namespace itp::service {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));
  status.ForEachPayload(
      [&proto](absl::string_view type_url, const absl::Cord& payload) {
        auto* any = proto.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(payload));
      });
  // absl::StatusCode and grpc::StatusCode share the canonical numbering.
  return grpc::Status(
      static_cast<grpc::StatusCode>(status.code()),
      std::string(status.message()),
      proto.details_size() > 0 ? proto.SerializeAsString() : std::string());
}

}  // namespace itp::service
