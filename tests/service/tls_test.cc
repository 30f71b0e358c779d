// Transport security over real TLS handshakes: throw-away certificates made
// with the openssl command, a server with --tls_cert/--tls_key (and
// --tls_client_ca for mutual TLS), and clients with and without the right
// certificates.

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/server_harness.h"
#include "tests/testing/temp_dir.h"

namespace itp::service {
namespace {

using ::itp::testing::ServerHarness;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Makes a CA `name` (name.key, name.crt) in `dir`.
void MakeCa(const testing::TempDir& dir, const std::string& name) {
  std::string command = absl::StrCat(
      "cd ", dir.path(),
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
      "'/CN=",
      name, "' -keyout ", name, ".key -out ", name, ".crt 2>/dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// Makes a certificate `name` (name.key, name.crt) signed by CA `ca`, valid
// for localhost and 127.0.0.1.
void MakeCert(const testing::TempDir& dir, const std::string& name,
              const std::string& ca, const std::string& usage) {
  std::string command = absl::StrCat(
      "cd ", dir.path(),
      " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1",
      "\\nextendedKeyUsage=", usage, "\\n' > ", name,
      ".ext && openssl req -newkey rsa:2048 -nodes -subj '/CN=", name,
      "' -keyout ", name, ".key -out ", name,
      ".csr 2>/dev/null && openssl x509 -req -in ", name, ".csr -CA ", ca,
      ".crt -CAkey ", ca, ".key -CAcreateserial -days 2 -extfile ", name,
      ".ext -out ", name, ".crt 2>/dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    MakeCa(*dir_, "leadit-ca");
    MakeCa(*dir_, "rogue-ca");
    MakeCert(*dir_, "server", "leadit-ca", "serverAuth");
    MakeCert(*dir_, "ministry", "leadit-ca", "clientAuth");
    MakeCert(*dir_, "intruder", "rogue-ca", "clientAuth");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void StartServer(bool mutual) {
    absl::Status started = harness_.Start([mutual](ServerConfig& config) {
      config.tls_cert_file = dir_->File("server.crt");
      config.tls_key_file = dir_->File("server.key");
      if (mutual) config.tls_client_ca_file = dir_->File("leadit-ca.crt");
    });
    ASSERT_TRUE(started.ok()) << started;
  }

  // Lists plans over TLS trusting `ca`, presenting `client` when not empty.
  grpc::Status ListPlans(const std::string& ca, const std::string& client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadAll(dir_->File(ca + ".crt"));
    if (!client.empty()) {
      options.pem_private_key = ReadAll(dir_->File(client + ".key"));
      options.pem_cert_chain = ReadAll(dir_->File(client + ".crt"));
    }
    auto channel =
        grpc::CreateChannel(absl::StrCat("localhost:", harness_.port()),
                            grpc::SslCredentials(options));
    auto stub = itp::v1::PlanService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    ServerHarness::Authorize(&context, harness_.admin_key());
    itp::v1::ListPlansRequest request;
    request.set_parent("countries/-");
    itp::v1::ListPlansResponse response;
    return stub->ListPlans(&context, request, &response);
  }

  static testing::TempDir* dir_;
  ServerHarness harness_;
};

testing::TempDir* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, ClientTrustingTheCaCompletesTheHandshake) {
  StartServer(/*mutual=*/false);
  grpc::Status status = ListPlans("leadit-ca", "");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(TlsTest, ClientTrustingAnotherCaRefusesTheServer) {
  StartServer(/*mutual=*/false);
  EXPECT_EQ(ListPlans("rogue-ca", "").error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, PlaintextClientCannotTalkToATlsServer) {
  StartServer(/*mutual=*/false);
  // The harness's own channel is plaintext.
  itp::v1::PlanService::Stub* stub = &harness_.plans();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  itp::v1::ListPlansRequest request;
  request.set_parent("countries/-");
  itp::v1::ListPlansResponse response;
  EXPECT_EQ(stub->ListPlans(&context, request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsAcceptsAClientCertificateFromTheCa) {
  StartServer(/*mutual=*/true);
  grpc::Status status = ListPlans("leadit-ca", "ministry");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(TlsTest, MutualTlsRefusesAClientWithoutCertificate) {
  StartServer(/*mutual=*/true);
  EXPECT_EQ(ListPlans("leadit-ca", "").error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRefusesACertificateFromAnotherCa) {
  StartServer(/*mutual=*/true);
  EXPECT_EQ(ListPlans("leadit-ca", "intruder").error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(TransportConfigTest, PlaintextBeyondLoopbackIsRefusedUnlessAllowed) {
  testing::TempDir dir;
  ServerConfig config;
  config.listen_address = "0.0.0.0:0";
  config.db_path = dir.File("itp.db");
  auto refused = ItpServer::Start(config);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("--tls_cert"), std::string::npos);

  config.allow_insecure_remote = true;
  config.drain = absl::ZeroDuration();
  auto allowed = ItpServer::Start(config);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  (*allowed)->Shutdown(absl::Seconds(1));
  (*allowed)->Wait();
}

TEST(TransportConfigTest, HalfATlsConfigurationIsRefused) {
  testing::TempDir dir;
  ServerConfig config;
  config.listen_address = "127.0.0.1:0";
  config.db_path = dir.File("itp.db");
  config.tls_cert_file = dir.File("server.crt");
  EXPECT_EQ(ItpServer::Start(config).status().code(),
            absl::StatusCode::kInvalidArgument);
  config.tls_cert_file.clear();
  config.tls_client_ca_file = dir.File("ca.crt");
  EXPECT_EQ(ItpServer::Start(config).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace itp::service
