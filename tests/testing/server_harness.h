// The real itp server library on a loopback port and a SQLite file in a
// temporary directory, for end-to-end tests: it starts, stops and restarts the
// server, holds an insecure channel with a stub of every service, reads the
// bootstrap admin key and makes API keys of other roles through AdminService.
//
//   ServerHarness harness;
//   ASSERT_TRUE(harness.Start().ok());
//   ServerHarness::Key india =
//       harness.CreateKey(itp::v1::PARTNER, {"IND"}, "Ministry of Steel");
//   grpc::ClientContext context;
//   ServerHarness::Authorize(&context, india);
//   harness.plans().GetPlan(&context, request, &plan);
#ifndef ITP_TESTS_TESTING_SERVER_HARNESS_H_
#define ITP_TESTS_TESTING_SERVER_HARNESS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/progress_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/temp_dir.h"

namespace itp::testing {

// Polls `condition` every 5 ms until it holds or a minute passes, and returns
// whether it held: the server's state is read, not waited out.
template <typename Condition>
bool Eventually(Condition condition) {
  const absl::Time deadline = absl::Now() + absl::Minutes(1);
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return condition();
}

class ServerHarness {
 public:
  // A caller: the secret sent as bearer token and the key's resource name
  // (apiKeys/{id}).
  struct Key {
    std::string secret;
    std::string name;
  };

  // Changes the ServerConfig of one start (workers, message size, TLS, ...)
  // after the harness has set the address, database and clock.
  using ConfigTweak = std::function<void(service::ServerConfig&)>;

  // `now_unix_micros`, when set, is the store's clock at every start; it must
  // outlive the harness's server.
  explicit ServerHarness(std::function<int64_t()> now_unix_micros = nullptr);
  // Stops the server if it runs.
  ~ServerHarness();
  ServerHarness(const ServerHarness&) = delete;
  ServerHarness& operator=(const ServerHarness&) = delete;

  // Starts the server on 127.0.0.1:0 over db_path(), opens a plaintext
  // channel to it and, at the first start, reads the admin key the server
  // wrote beside the database. The server's error, or FAILED_PRECONDITION
  // when already running or when no admin key was written.
  absl::Status Start(const ConfigTweak& tweak = nullptr);

  // Drops the stubs and the channel, then shuts the server down with five
  // seconds' grace and waits for it. Does nothing when not running.
  void Stop();

  // Stop() then Start(tweak), on the same database.
  absl::Status Restart(const ConfigTweak& tweak = nullptr);

  bool running() const { return server_ != nullptr; }
  // The bound port; only while running.
  int port() const { return server_->port(); }
  // The port of --health_listen (0 without one); only while running.
  int health_port() const { return server_->health_port(); }
  // What the serving core holds (queued and running calls, open streams);
  // only while running.
  service::ItpServer::Load load() const { return server_->load(); }
  const TempDir& dir() const { return dir_; }
  // The SQLite file, dir()/itp.db.
  std::string db_path() const;

  // The plaintext channel and its stubs; only while running.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  itp::v1::PlanService::Stub& plans() { return *plans_; }
  itp::v1::AdminService::Stub& admin() { return *admin_; }
  itp::v1::BenchmarkService::Stub& benchmarks() { return *benchmarks_; }
  itp::v1::ReviewService::Stub& reviews() { return *reviews_; }
  itp::v1::ProgressService::Stub& progress() { return *progress_; }
  itp::v1::BenchmarkJobService::Stub& jobs() { return *jobs_; }

  // The secret of the ADMIN key written at the first start.
  const std::string& admin_key() const { return admin_key_; }

  // The admin key with its resource name, looked up through ListApiKeys on
  // the first call, which must come before CreateKey: FAILED_PRECONDITION
  // unless the admin key is then the only key.
  absl::StatusOr<Key> AdminKey();

  // A new key made with the admin key; adds a test failure and returns empty
  // strings when the server refuses it.
  Key CreateKey(itp::v1::Role role, const std::vector<std::string>& countries,
                const std::string& display_name);

  // Adds `authorization: Bearer <secret>` to `context`.
  static void Authorize(grpc::ClientContext* context,
                        const std::string& secret);
  static void Authorize(grpc::ClientContext* context, const Key& key);

 private:
  std::function<int64_t()> now_unix_micros_;
  TempDir dir_;
  std::string admin_key_;
  std::string admin_key_name_;
  std::unique_ptr<service::ItpServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<itp::v1::PlanService::Stub> plans_;
  std::unique_ptr<itp::v1::AdminService::Stub> admin_;
  std::unique_ptr<itp::v1::BenchmarkService::Stub> benchmarks_;
  std::unique_ptr<itp::v1::ReviewService::Stub> reviews_;
  std::unique_ptr<itp::v1::ProgressService::Stub> progress_;
  std::unique_ptr<itp::v1::BenchmarkJobService::Stub> jobs_;
};

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_SERVER_HARNESS_H_
