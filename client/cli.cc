// The frame of the `itp` command tree; see cli.h.
#include "client/cli.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/terminal_safe.h"
#include "grpc/support/log.h"

namespace itp::client {
namespace {

constexpr char kGlobalGroup[] = "Global options";

constexpr char kRootFooter[] =
    R"(Connection (flags > environment > config file > defaults):
  ITP_ADDRESS       server address, default 127.0.0.1:50051 (https://... for TLS)
  ITP_API_KEY       API key; or ITP_API_KEY_FILE, a file holding it
  ITP_TLS_CA        PEM file of trusted roots (enables TLS)
  ~/.config/itp/config   `key = value` lines: address, api_key_file, tls_ca,
                         deadline_seconds

Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 permission,
  5 validation, 6 conflict or wrong state, 7 server unavailable.

Examples:
  export ITP_API_KEY_FILE=~/itp-reviewer.key
  itp plans list --filter 'state = SUBMITTED'
  itp plans get IND/steel-2070
  itp benchmark plan countries/IND/plans/steel-2070 -o json
  itp reviews start IND/steel-2070
  itp progress status IND/steel-2070
  itp jobs run nightly-all --wait)";

OutputFormat ParseOutputFormat(const std::string& text) {
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

}  // namespace

int Session::Fail(const grpc::Status& status) {
  err_ << "Error: " << FormatRpcError(status, connection_->options().address);
  return ExitCodeFor(status.error_code());
}

int Session::UsageError(absl::string_view message) {
  err_ << "Error: " << message << "\n";
  return kExitUsage;
}

Cli::Cli()
    : app_(
          "itp: the command-line client of the Industry Transition Plan "
          "service (LeadIT).\nPlans, their revisions and benchmarks; reviews; "
          "benchmark jobs; progress reports; the investment tracker and the "
          "open data export; API keys and the audit trail.",
          "itp") {
  app_.fallthrough();
  app_.set_version_flag("--version", "itp " ITP_VERSION);
  app_.footer(kRootFooter);
  app_.get_formatter()->column_width(32);
  AddGlobalFlags(&app_);
}

CLI::App* Cli::AddGroup(CLI::App* parent, const std::string& name,
                        const std::string& description) {
  return parent->add_subcommand(name, description);
}

CLI::App* Cli::AddCommand(CLI::App* group, const std::string& name,
                          const std::string& description,
                          const std::string& examples, CommandAction action,
                          bool needs_api_key) {
  CLI::App* command = group->add_subcommand(name, description);
  command->footer("Examples:\n" + examples);
  command->callback([this, action = std::move(action), needs_api_key] {
    selected_ = action;
    selected_needs_api_key_ = needs_api_key;
  });
  AddGlobalFlags(command);
  return command;
}

void Cli::AddGlobalFlags(CLI::App* command) {
  command
      ->add_option("--address", flags_.address,
                   "Server host:port, or https://host:port for TLS "
                   "(env ITP_ADDRESS)")
      ->group(kGlobalGroup);
  command
      ->add_option("--api-key", flags_.api_key,
                   "API key (env ITP_API_KEY); prefer --api-key-file")
      ->group(kGlobalGroup);
  command
      ->add_option("--api-key-file", flags_.api_key_file,
                   "File holding the API key (env ITP_API_KEY_FILE)")
      ->group(kGlobalGroup);
  command
      ->add_option("--tls-ca", flags_.tls_ca,
                   "PEM file of trusted roots; enables TLS (env ITP_TLS_CA)")
      ->group(kGlobalGroup);
  command
      ->add_option("--deadline", flags_.deadline_seconds,
                   "Seconds to wait for each call (default 30)")
      ->check(CLI::PositiveNumber)
      ->group(kGlobalGroup);
  command
      ->add_option("-o,--output", flags_.output,
                   "Output format: table, json or csv (default table)")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->group(kGlobalGroup);
}

int Cli::Run(int argc, char** argv) {
  // gRPC's own log lines (e.g. TLS handshake details) would repeat what the
  // error message says; they stay available through GRPC_VERBOSITY.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) {
    gpr_set_log_function([](gpr_log_func_args*) {});
  }
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0.
    return app_.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!selected_) {
    // A group without a command, e.g. `itp plans`: show what it offers.
    std::string parents;
    CLI::App* group = &app_;
    while (!group->get_subcommands().empty()) {
      parents += parents.empty() ? group->get_name() : " " + group->get_name();
      group = group->get_subcommands().front();
    }
    std::cerr << group->help(parents);
    return kExitUsage;
  }

  ConnectionSettings from_flags;
  from_flags.source = "command-line flags";
  if (!flags_.address.empty()) from_flags.address = flags_.address;
  if (!flags_.api_key.empty()) from_flags.api_key = flags_.api_key;
  if (!flags_.api_key_file.empty()) {
    from_flags.api_key_file = flags_.api_key_file;
  }
  if (!flags_.tls_ca.empty()) from_flags.tls_ca_file = flags_.tls_ca;
  if (flags_.deadline_seconds > 0) {
    from_flags.deadline_seconds = flags_.deadline_seconds;
  }
  absl::StatusOr<ConnectionSettings> from_file =
      SettingsFromConfigFile(DefaultConfigPath());
  if (!from_file.ok()) {
    std::cerr << "Error: " << from_file.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<ConnectionOptions> options = ResolveConnectionOptions(
      {from_flags, SettingsFromEnvironment(), *from_file},
      selected_needs_api_key_);
  if (!options.ok()) {
    std::cerr << "Error: " << options.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(*options);
  if (!connection.ok()) {
    std::cerr << "Error: " << connection.status().message() << "\n";
    return kExitUsage;
  }
  // Whatever a command prints (partner text included) cannot drive the
  // terminal: control characters and bidirectional overrides are shown.
  TerminalSafeStream out(std::cout);
  TerminalSafeStream err(std::cerr);
  Session session(*std::move(connection), ParseOutputFormat(flags_.output),
                  out, err);
  return selected_(session);
}

std::string PlanName(absl::string_view name) {
  if (absl::StartsWith(name, "countries/")) return std::string(name);
  std::vector<absl::string_view> parts =
      absl::StrSplit(name, absl::MaxSplits('/', 2));
  if (parts.size() < 2 || parts[0].empty() || parts[1].empty()) {
    return std::string(name);
  }
  std::string full = absl::StrCat("countries/", absl::AsciiStrToUpper(parts[0]),
                                  "/plans/", parts[1]);
  if (parts.size() == 3) absl::StrAppend(&full, "/", parts[2]);
  return full;
}

absl::StatusOr<std::string> ReadInputFile(const std::string& path) {
  std::ostringstream contents;
  if (path == "-") {
    contents << std::cin.rdbuf();
    return contents.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("Cannot read ", path, "."));
  }
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace itp::client
