#include "tests/testing/server_harness.h"

#include <chrono>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace itp::testing {
namespace {

// How long a call the harness makes itself may take.
constexpr std::chrono::seconds kCallDeadline(30);

}  // namespace

ServerHarness::ServerHarness(std::function<int64_t()> now_unix_micros)
    : now_unix_micros_(std::move(now_unix_micros)) {}

ServerHarness::~ServerHarness() { Stop(); }

std::string ServerHarness::db_path() const { return dir_.File("itp.db"); }

absl::Status ServerHarness::Start(const ConfigTweak& tweak) {
  if (running()) return absl::FailedPreconditionError("already running");
  service::ServerConfig config;
  config.listen_address = "127.0.0.1:0";
  config.db_path = db_path();
  config.now_unix_micros = now_unix_micros_;
  // Tests stop servers often; the drain period is tested on its own.
  config.drain = absl::ZeroDuration();
  if (tweak) tweak(config);
  auto server = service::ItpServer::Start(config);
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
  plans_ = itp::v1::PlanService::NewStub(channel_);
  admin_ = itp::v1::AdminService::NewStub(channel_);
  benchmarks_ = itp::v1::BenchmarkService::NewStub(channel_);
  reviews_ = itp::v1::ReviewService::NewStub(channel_);
  progress_ = itp::v1::ProgressService::NewStub(channel_);
  jobs_ = itp::v1::BenchmarkJobService::NewStub(channel_);
  if (admin_key_.empty()) {
    std::ifstream in(config.admin_key_file.empty() ? dir_.File("itp-admin.key")
                                                   : config.admin_key_file);
    std::getline(in, admin_key_);
    if (admin_key_.empty()) {
      return absl::FailedPreconditionError("the server wrote no admin key");
    }
  }
  return absl::OkStatus();
}

void ServerHarness::Stop() {
  if (!running()) return;
  plans_.reset();
  admin_.reset();
  benchmarks_.reset();
  reviews_.reset();
  progress_.reset();
  jobs_.reset();
  channel_.reset();
  server_->Shutdown(absl::Seconds(5));
  server_->Wait();
  server_.reset();
}

absl::Status ServerHarness::Restart(const ConfigTweak& tweak) {
  Stop();
  return Start(tweak);
}

absl::StatusOr<ServerHarness::Key> ServerHarness::AdminKey() {
  if (admin_key_name_.empty()) {
    grpc::ClientContext context;
    Authorize(&context, admin_key_);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    itp::v1::ListApiKeysResponse keys;
    grpc::Status status = admin_->ListApiKeys(&context, {}, &keys);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("ListApiKeys: ", status.error_message()));
    }
    if (keys.api_keys_size() != 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("expected the admin key alone, found ",
                       keys.api_keys_size(), " keys"));
    }
    admin_key_name_ = keys.api_keys(0).name();
  }
  return Key{admin_key_, admin_key_name_};
}

ServerHarness::Key ServerHarness::CreateKey(
    itp::v1::Role role, const std::vector<std::string>& countries,
    const std::string& display_name) {
  grpc::ClientContext context;
  Authorize(&context, admin_key_);
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  itp::v1::CreateApiKeyRequest request;
  request.mutable_api_key()->set_role(role);
  request.mutable_api_key()->set_display_name(display_name);
  for (const auto& c : countries) request.mutable_api_key()->add_countries(c);
  itp::v1::CreateApiKeyResponse response;
  grpc::Status status = admin_->CreateApiKey(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.secret(), response.api_key().name()};
}

void ServerHarness::Authorize(grpc::ClientContext* context,
                              const std::string& secret) {
  context->AddMetadata("authorization", "Bearer " + secret);
}

void ServerHarness::Authorize(grpc::ClientContext* context, const Key& key) {
  Authorize(context, key.secret);
}

}  // namespace itp::testing
