// Transport security over real TLS handshakes: throw-away certificates made
// with the openssl command, a server with --tls_cert/--tls_key (and
// --tls_client_ca for mutual TLS), and clients with and without the right
// certificates.

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpc/health/v1/health.grpc.pb.h"
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

// --health_listen: probes that cannot speak TLS (the kubelet's) get
// grpc.health.v1 in plaintext on a port of its own, and nothing else; the
// main port stays TLS only.
class HealthListenerTest : public TlsTest {
 protected:
  using HealthResponse = grpc::health::v1::HealthCheckResponse;

  void StartWithHealthListener(absl::Duration drain) {
    absl::Status started = harness_.Start([drain](ServerConfig& config) {
      config.tls_cert_file = dir_->File("server.crt");
      config.tls_key_file = dir_->File("server.key");
      config.tls_client_ca_file = dir_->File("leadit-ca.crt");
      config.health_listen_address = "127.0.0.1:0";
      config.drain = drain;
    });
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_GT(harness_.health_port(), 0);
    ASSERT_NE(harness_.health_port(), harness_.port());
    health_channel_ = grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", harness_.health_port()),
        grpc::InsecureChannelCredentials());
  }

  // Health.Check of `service` on the health port, without a key.
  grpc::Status Check(const std::string& service, HealthResponse* response) {
    auto stub = grpc::health::v1::Health::NewStub(health_channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    return stub->Check(&context, request, response);
  }

  std::shared_ptr<grpc::Channel> health_channel_;
};

TEST_F(HealthListenerTest, AnswersProbesInPlaintextAndServesNothingElse) {
  StartWithHealthListener(absl::ZeroDuration());
  for (const char* service :
       {"", "itp.v1.PlanService", "itp.v1.AdminService",
        "itp.v1.BenchmarkService", "itp.v1.ReviewService",
        "itp.v1.ProgressService", "itp.v1.BenchmarkJobService"}) {
    HealthResponse response;
    grpc::Status status = Check(service, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(), HealthResponse::SERVING) << service;
  }
  HealthResponse unknown;
  EXPECT_EQ(Check("itp.v1.NoSuchService", &unknown).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The API is not reachable on the health port, even with a valid key.
  auto plans = itp::v1::PlanService::NewStub(health_channel_);
  grpc::ClientContext context;
  ServerHarness::Authorize(&context, harness_.admin_key());
  itp::v1::ListPlansRequest request;
  request.set_parent("countries/-");
  itp::v1::ListPlansResponse response;
  EXPECT_EQ(plans->ListPlans(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // And the main port still takes mutual TLS only.
  EXPECT_EQ(ListPlans("leadit-ca", "").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(ListPlans("leadit-ca", "ministry").ok());
}

TEST_F(HealthListenerTest, ReportsNotServingThroughTheDrain) {
  StartWithHealthListener(absl::Seconds(3));
  HealthResponse response;
  ASSERT_TRUE(Check("itp.v1.PlanService", &response).ok());
  ASSERT_EQ(response.status(), HealthResponse::SERVING);
  std::thread stop([this] { harness_.Stop(); });
  EXPECT_TRUE(testing::Eventually([&] {
    HealthResponse during;
    return Check("itp.v1.PlanService", &during).ok() &&
           during.status() == HealthResponse::NOT_SERVING;
  }));
  stop.join();
}

TEST_F(HealthListenerTest, APortInUseIsNamed) {
  absl::Status first = harness_.Start();
  ASSERT_TRUE(first.ok()) << first;
  const int taken = harness_.port();
  ServerHarness other;
  absl::Status started = other.Start([taken](ServerConfig& config) {
    config.health_listen_address = absl::StrCat("127.0.0.1:", taken);
  });
  EXPECT_EQ(started.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(started.message(),
            absl::StrCat("Cannot listen on '127.0.0.1:", taken,
                         "' (--health_listen): the address is malformed or "
                         "already in use."));
  // Nor does a second server share the main port (SO_REUSEPORT is off).
  ServerHarness third;
  absl::Status same_port = third.Start([taken](ServerConfig& config) {
    config.listen_address = absl::StrCat("127.0.0.1:", taken);
  });
  EXPECT_EQ(same_port.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(same_port.message(),
            absl::StrCat("Cannot listen on '127.0.0.1:", taken,
                         "': the address is malformed or already in use."));
}

}  // namespace
}  // namespace itp::service
