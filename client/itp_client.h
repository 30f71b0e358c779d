// itp_client: how a program connects to an ITP server. It resolves the
// connection options from flags, the environment and a config file, opens the
// channel (TLS when asked for), makes one authenticated ClientContext per call
// with a deadline, and turns a failed call into a readable message and a
// process exit code. The `itp` CLI is built on it; so can other tools be.
//
//   auto options = ResolveConnectionOptions(
//       {flag_settings, SettingsFromEnvironment(), *file_settings});
//   if (!options.ok()) ...;
//   auto connection = Connection::Open(*options);
//   auto context = (*connection)->NewCallContext();
//   itp::v1::Plan plan;
//   grpc::Status s = (*connection)->plans().GetPlan(context.get(), req, &plan);
//   if (!s.ok()) {
//     std::cerr << FormatRpcError(s, (*connection)->options().address);
//     return ExitCodeFor(s.error_code());
//   }
#ifndef ITP_CLIENT_ITP_CLIENT_H_
#define ITP_CLIENT_ITP_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "itp/v1/admin_service.grpc.pb.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"
#include "itp/v1/benchmark_service.grpc.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"
#include "itp/v1/progress_service.grpc.pb.h"
#include "itp/v1/review_service.grpc.pb.h"

namespace itp::client {

// The server address used when no source names one.
inline constexpr char kDefaultAddress[] = "127.0.0.1:50051";
// The per-call deadline used when no source sets one.
inline constexpr double kDefaultDeadlineSeconds = 30;

// Process exit codes of ITP tools.
inline constexpr int kExitOk = 0;
inline constexpr int kExitOther = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitPermission = 4;
inline constexpr int kExitValidation = 5;
inline constexpr int kExitConflict = 6;
inline constexpr int kExitUnavailable = 7;

// Connection settings from one source (flags, environment or config file);
// an unset field defers to the next source.
struct ConnectionSettings {
  // Where the settings come from, for error messages, e.g. "environment".
  std::string source;
  std::optional<std::string> address;
  std::optional<std::string> api_key;
  std::optional<std::string> api_key_file;
  std::optional<std::string> tls_ca_file;
  std::optional<double> deadline_seconds;
};

// Reads ITP_ADDRESS, ITP_API_KEY, ITP_API_KEY_FILE and ITP_TLS_CA; empty
// variables count as unset.
ConnectionSettings SettingsFromEnvironment();

// $XDG_CONFIG_HOME/itp/config, or ~/.config/itp/config.
std::string DefaultConfigPath();

// Reads a config file of `key = value` lines (keys: address, api_key_file,
// tls_ca, deadline_seconds; `#` starts a comment). A missing file gives empty
// settings. Returns INVALID_ARGUMENT naming the file and line for an unknown
// key, a line without `=` or a bad deadline; other errors when the file exists
// but cannot be read.
absl::StatusOr<ConnectionSettings> SettingsFromConfigFile(
    const std::string& path);

// What a connection needs, fully resolved.
struct ConnectionOptions {
  // host:port, without any scheme.
  std::string address;
  // The bearer secret.
  std::string api_key;
  // PEM file of trusted roots; empty means the system roots (when use_tls).
  std::string tls_ca_file;
  bool use_tls = false;
  double deadline_seconds = kDefaultDeadlineSeconds;
};

// Merges `sources`, highest precedence first (flags, environment, config
// file): each field comes from the first source that sets it, else the
// default. The API key comes from the first source that sets either api_key or
// api_key_file (api_key wins within a source); `~/` in file paths is expanded.
// An address starting with https:// (or a CA file) selects TLS.
// Returns INVALID_ARGUMENT when no source gives an API key, a key file is
// empty or unreadable, or the deadline is not positive.
// With `api_key_required` false (commands such as `itp health`), no key is
// read and `api_key` stays empty, so that none is sent.
absl::StatusOr<ConnectionOptions> ResolveConnectionOptions(
    const std::vector<ConnectionSettings>& sources,
    bool api_key_required = true);

// An open channel to one ITP server and stubs for its services. Thread-safe
// (gRPC channels and stubs are).
class Connection {
 public:
  // Creates the channel (lazily connecting, as gRPC does). Returns
  // INVALID_ARGUMENT when the CA file cannot be read.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const ConnectionOptions& options);

  // A fresh context for one call: `authorization: Bearer <key>` metadata
  // (none without a key) and the configured deadline. Never null.
  std::unique_ptr<grpc::ClientContext> NewCallContext() const;

  const ConnectionOptions& options() const { return options_; }
  // The channel, for stubs of services without an accessor here; pair every
  // call with NewCallContext().
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  itp::v1::PlanService::StubInterface& plans() { return *plans_; }
  itp::v1::AdminService::StubInterface& admin() { return *admin_; }
  itp::v1::BenchmarkService::StubInterface& benchmarks() {
    return *benchmarks_;
  }
  itp::v1::ReviewService::StubInterface& reviews() { return *reviews_; }
  itp::v1::BenchmarkJobService::StubInterface& jobs() { return *jobs_; }
  itp::v1::ProgressService::StubInterface& progress() { return *progress_; }

 private:
  Connection(const ConnectionOptions& options,
             std::shared_ptr<grpc::Channel> channel);

  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<itp::v1::PlanService::StubInterface> plans_;
  std::unique_ptr<itp::v1::AdminService::StubInterface> admin_;
  std::unique_ptr<itp::v1::BenchmarkService::StubInterface> benchmarks_;
  std::unique_ptr<itp::v1::ReviewService::StubInterface> reviews_;
  std::unique_ptr<itp::v1::BenchmarkJobService::StubInterface> jobs_;
  std::unique_ptr<itp::v1::ProgressService::StubInterface> progress_;
};

// One invalid field of a rejected request (google.rpc.BadRequest).
struct FieldViolation {
  std::string field;
  std::string description;
};

// The field violations carried in the `grpc-status-details-bin` trailer of
// `status`; empty when there are none or the details cannot be decoded.
std::vector<FieldViolation> FieldViolationsOf(const grpc::Status& status);

// A readable account of a failed call, ending in a newline: one sentence,
// then each field violation on its own line, indented:
//   The server rejected the request: 1 field is invalid.
//     plan.sectors[0].points[3].year: year 2200 is outside 1990-2100.
// `address` is the server's, named when it cannot be reached.
std::string FormatRpcError(const grpc::Status& status,
                           absl::string_view address);

// The exit code for a call that ended with `code`: 0 OK, 3 NOT_FOUND,
// 4 UNAUTHENTICATED or PERMISSION_DENIED, 5 INVALID_ARGUMENT, 6 ALREADY_EXISTS,
// ABORTED or FAILED_PRECONDITION, 7 UNAVAILABLE or DEADLINE_EXCEEDED, 1 others.
int ExitCodeFor(grpc::StatusCode code);

}  // namespace itp::client

#endif  // ITP_CLIENT_ITP_CLIENT_H_
