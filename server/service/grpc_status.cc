#include "server/service/grpc_status.h"

#include <string>

#include "google/rpc/status.pb.h"
#include "server/domain/errors.h"

namespace itp::service {

grpc::Status ToGrpcStatus(const absl::Status& error) {
  if (error.ok()) return grpc::Status::OK;
  const absl::Status status = domain::WithStandardDetails(error);
  // Every error the project makes is bounded already; this also bounds those
  // of libraries (SQLite, protobuf) before they reach a client.
  const std::string message =
      domain::Truncate(status.message(), domain::kMaxStatusMessageBytes);
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(message);
  status.ForEachPayload(
      [&proto](absl::string_view type_url, const absl::Cord& payload) {
        auto* any = proto.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(payload));
      });
  // absl::StatusCode and grpc::StatusCode share the canonical numbering.
  return grpc::Status(
      static_cast<grpc::StatusCode>(status.code()), message,
      proto.details_size() > 0 ? proto.SerializeAsString() : std::string());
}

}  // namespace itp::service
