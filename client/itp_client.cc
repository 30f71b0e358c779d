// Connection options, channel and per-call contexts, and error reporting for
// ITP clients; see itp_client.h.
#include "client/itp_client.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace itp::client {
namespace {

constexpr char kHttpsScheme[] = "https://";
constexpr char kHttpScheme[] = "http://";

std::optional<std::string> NonEmptyEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string ExpandHome(const std::string& path) {
  if (!absl::StartsWith(path, "~/")) return path;
  std::optional<std::string> home = NonEmptyEnv("HOME");
  return home ? absl::StrCat(*home, path.substr(1)) : path;
}

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot read the ", what, " ", path, "."));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<double> ParseDeadline(absl::string_view text,
                                     absl::string_view where) {
  double seconds = 0;
  if (!absl::SimpleAtod(text, &seconds) || !(seconds > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": deadline_seconds must be a positive number, not '", text,
        "'."));
  }
  return seconds;
}

// The API key of the first source that names one, read from its file when
// that is how the source gives it.
absl::StatusOr<std::string> ResolveApiKey(
    const std::vector<ConnectionSettings>& sources) {
  for (const ConnectionSettings& source : sources) {
    if (source.api_key) return *source.api_key;
    if (!source.api_key_file) continue;
    const std::string path = ExpandHome(*source.api_key_file);
    absl::StatusOr<std::string> contents =
        ReadFile(path, absl::StrCat("API key file (from ", source.source, ")"));
    if (!contents.ok()) return contents.status();
    std::string key(absl::StripAsciiWhitespace(*contents));
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("The API key file ", path, " is empty."));
    }
    return key;
  }
  return absl::InvalidArgumentError(
      "No API key: pass --api-key-file or --api-key, set ITP_API_KEY_FILE or "
      "ITP_API_KEY, or put api_key_file in " +
      DefaultConfigPath() + ".");
}

absl::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

// `message` as a sentence: ends with a full stop unless it already ends with
// punctuation.
std::string Sentence(absl::string_view message) {
  std::string text(absl::StripAsciiWhitespace(message));
  if (text.empty()) return text;
  const char last = text.back();
  if (last != '.' && last != '!' && last != '?') text.push_back('.');
  return text;
}

}  // namespace

ConnectionSettings SettingsFromEnvironment() {
  ConnectionSettings settings;
  settings.source = "environment";
  settings.address = NonEmptyEnv("ITP_ADDRESS");
  settings.api_key = NonEmptyEnv("ITP_API_KEY");
  settings.api_key_file = NonEmptyEnv("ITP_API_KEY_FILE");
  settings.tls_ca_file = NonEmptyEnv("ITP_TLS_CA");
  return settings;
}

std::string DefaultConfigPath() {
  if (std::optional<std::string> xdg = NonEmptyEnv("XDG_CONFIG_HOME")) {
    return absl::StrCat(*xdg, "/itp/config");
  }
  return ExpandHome("~/.config/itp/config");
}

absl::StatusOr<ConnectionSettings> SettingsFromConfigFile(
    const std::string& path) {
  ConnectionSettings settings;
  settings.source = path;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return settings;
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot read the config file ", path, "."));
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = line;
    if (size_t hash = text.find('#'); hash != absl::string_view::npos) {
      text = text.substr(0, hash);
    }
    text = absl::StripAsciiWhitespace(text);
    if (text.empty()) continue;
    const std::string where = absl::StrCat(path, ":", number);
    const size_t equals = text.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": expected `key = value`, got '", text, "'."));
    }
    const absl::string_view key =
        absl::StripAsciiWhitespace(text.substr(0, equals));
    const std::string value(
        absl::StripAsciiWhitespace(text.substr(equals + 1)));
    if (key == "address") {
      settings.address = value;
    } else if (key == "api_key_file") {
      settings.api_key_file = value;
    } else if (key == "tls_ca") {
      settings.tls_ca_file = value;
    } else if (key == "deadline_seconds") {
      absl::StatusOr<double> seconds = ParseDeadline(value, where);
      if (!seconds.ok()) return seconds.status();
      settings.deadline_seconds = *seconds;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": unknown key '", key,
          "' (known: address, api_key_file, tls_ca, deadline_seconds)."));
    }
  }
  return settings;
}

absl::StatusOr<ConnectionOptions> ResolveConnectionOptions(
    const std::vector<ConnectionSettings>& sources, bool api_key_required) {
  ConnectionOptions options;
  std::string address = kDefaultAddress;
  bool address_set = false, ca_set = false, deadline_set = false;
  for (const ConnectionSettings& source : sources) {
    if (!address_set && source.address) {
      address = *source.address;
      address_set = true;
    }
    if (!ca_set && source.tls_ca_file) {
      options.tls_ca_file = ExpandHome(*source.tls_ca_file);
      ca_set = true;
    }
    if (!deadline_set && source.deadline_seconds) {
      if (!(*source.deadline_seconds > 0)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "The deadline (from ", source.source, ") must be positive."));
      }
      options.deadline_seconds = *source.deadline_seconds;
      deadline_set = true;
    }
  }
  absl::string_view target = address;
  const bool https = absl::ConsumePrefix(&target, kHttpsScheme);
  if (!https) absl::ConsumePrefix(&target, kHttpScheme);
  options.address = std::string(absl::StripSuffix(target, "/"));
  options.use_tls = https || !options.tls_ca_file.empty();

  // A command that needs no key neither reads one nor sends one.
  if (!api_key_required) return options;
  absl::StatusOr<std::string> key = ResolveApiKey(sources);
  if (!key.ok()) return key.status();
  options.api_key = *std::move(key);
  return options;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const ConnectionOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.use_tls) {
    grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca_file.empty()) {
      absl::StatusOr<std::string> roots =
          ReadFile(options.tls_ca_file, "TLS CA file");
      if (!roots.ok()) return roots.status();
      ssl.pem_root_certs = *std::move(roots);
    }
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return std::unique_ptr<Connection>(new Connection(
      options, grpc::CreateChannel(options.address, credentials)));
}

Connection::Connection(const ConnectionOptions& options,
                       std::shared_ptr<grpc::Channel> channel)
    : options_(options),
      channel_(std::move(channel)),
      plans_(itp::v1::PlanService::NewStub(channel_)),
      admin_(itp::v1::AdminService::NewStub(channel_)),
      benchmarks_(itp::v1::BenchmarkService::NewStub(channel_)),
      reviews_(itp::v1::ReviewService::NewStub(channel_)),
      jobs_(itp::v1::BenchmarkJobService::NewStub(channel_)),
      progress_(itp::v1::ProgressService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewCallContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.api_key.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", options_.api_key));
  }
  context->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(options_.deadline_seconds)));
  return context;
}

std::vector<FieldViolation> FieldViolationsOf(const grpc::Status& status) {
  std::vector<FieldViolation> violations;
  google::rpc::Status details;
  if (status.error_details().empty() ||
      !details.ParseFromString(status.error_details())) {
    return violations;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.Is<google::rpc::BadRequest>() || !any.UnpackTo(&bad_request)) {
      continue;
    }
    for (const auto& v : bad_request.field_violations()) {
      violations.push_back({v.field(), v.description()});
    }
  }
  return violations;
}

std::string FormatRpcError(const grpc::Status& status,
                           absl::string_view address) {
  const std::string message = Sentence(status.error_message());
  std::string text;
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: {
      const std::vector<FieldViolation> violations = FieldViolationsOf(status);
      if (violations.empty()) {
        text = absl::StrCat("The server rejected the request: ", message);
        break;
      }
      text = absl::StrCat(
          "The server rejected the request: ", violations.size(),
          violations.size() == 1 ? " field is" : " fields are", " invalid.");
      for (const FieldViolation& v : violations) {
        absl::StrAppend(&text, "\n  ", v.field, ": ", v.description);
      }
      break;
    }
    case grpc::StatusCode::NOT_FOUND:
      text = absl::StrCat("Not found: ", message);
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      text = absl::StrCat("Not authenticated: ", message,
                          " Check the API key (--api-key-file, "
                          "ITP_API_KEY_FILE or ITP_API_KEY).");
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      text = absl::StrCat("Permission denied: ", message);
      break;
    case grpc::StatusCode::ALREADY_EXISTS:
      text = absl::StrCat("Already exists: ", message);
      break;
    case grpc::StatusCode::ABORTED:
      text = absl::StrCat("Conflict: ", message);
      break;
    case grpc::StatusCode::FAILED_PRECONDITION:
      text = absl::StrCat("Not allowed in the current state: ", message);
      break;
    case grpc::StatusCode::UNAVAILABLE:
      text = absl::StrCat("Cannot reach the ITP server at ", address, ": ",
                          message);
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      text = absl::StrCat("The ITP server at ", address,
                          " did not answer before the deadline; retry, or "
                          "allow longer with --deadline.");
      break;
    default:
      text = absl::StrCat("The call failed (", CodeName(status.error_code()),
                          "): ", message);
      break;
  }
  text.push_back('\n');
  return text;
}

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return kExitPermission;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return kExitValidation;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return kExitConflict;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    default:
      return kExitOther;
  }
}

}  // namespace itp::client
