#include "server/auth/authorizer.h"

namespace itp::auth {
namespace {

class AllowAll : public Authorizer {
 public:
  absl::Status Authorize(const grpc::ServerContext&, absl::string_view,
                         absl::string_view) override {
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<Authorizer> NewAllowAllAuthorizer() {
  return std::make_unique<AllowAll>();
}

}  // namespace itp::auth
