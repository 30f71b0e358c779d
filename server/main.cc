// itp-server: flags -> ServerConfig -> RunServer; and --help, --version.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/stubs/common.h"
#include "itp_build_info.h"
#include "server/common/log.h"
#include "server/service/server.h"
#include "server/storage/sqlite.h"
#include "server/storage/sqlite_backup.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to listen on, host:port (port 0 picks a free port). "
          "Loopback by default.");
ABSL_FLAG(std::string, health_listen, "",
          "Also serve grpc.health.v1 (and nothing else) in plaintext on this "
          "host:port, for probes that cannot speak TLS, such as Kubernetes' "
          "native gRPC probes. Off by default.");
ABSL_FLAG(std::string, metrics_listen, "",
          "Serve Prometheus metrics over HTTP at /metrics on this host:port, "
          "or on 127.0.0.1 with a port alone (e.g. 9464). Off by default.");
ABSL_FLAG(int, metrics_refresh_seconds, 15,
          "How long the metrics that count stored rows (plans by state and "
          "country, job runs by state) are reused before the database is "
          "counted again.");
ABSL_FLAG(std::string, db, "itp.db",
          "SQLite database file; created and migrated when needed.");
ABSL_FLAG(std::string, backup_to, "",
          "Back up --db to this new file and exit, without serving: an online "
          "backup (SQLite backup API) that a running server on --db keeps "
          "serving and writing through; checked with PRAGMA integrity_check.");
ABSL_FLAG(std::string, restore_from, "",
          "Restore this backup into --db, which must not exist yet, and exit, "
          "without serving; then start the server on --db.");
ABSL_FLAG(int, workers, 8,
          "Threads running calls (database work never runs on gRPC's own "
          "threads).");
ABSL_FLAG(int, max_queued_calls, 1024,
          "Calls waiting for a worker, all callers together; beyond, calls "
          "get RESOURCE_EXHAUSTED with a RetryInfo.");
ABSL_FLAG(int, max_calls_per_key, 32,
          "Calls of one API key in progress that are still admitted when the "
          "queue is full (a key beyond it gives way to the others).");
ABSL_FLAG(int, max_streams_per_key, 16,
          "Open WatchPlanEvents and StreamBenchmarkJobResults streams of one "
          "API key; beyond, RESOURCE_EXHAUSTED. Idle streams hold no thread.");
ABSL_FLAG(int, max_streams, 1024, "Open server streams, all keys together.");
ABSL_FLAG(int, drain_seconds, 5,
          "After SIGTERM or SIGINT: seconds of NOT_SERVING health while calls "
          "are still served (open streams end at once with UNAVAILABLE).");
ABSL_FLAG(int, shutdown_grace_seconds, 5,
          "Then seconds that calls in flight may take before they are "
          "cancelled.");
ABSL_FLAG(int, db_pool_size, 8,
          "Database connections shared by the workers and the job runner.");
ABSL_FLAG(int, job_workers, 1,
          "Threads running benchmark jobs in the background, apart from the "
          "threads serving calls.");
ABSL_FLAG(int, keyless_audit_clients, 1000,
          "Clients (addresses) whose calls without a valid key the audit "
          "trail tells apart each minute, one row per client and minute; "
          "the calls of further clients share one row.");
ABSL_FLAG(int, request_id_retention_days, 7,
          "Days a request id is remembered, so that a retry with it returns "
          "the first result (at least 1); older ids are deleted in the "
          "background.");
ABSL_FLAG(int, denied_audit_retention_days, 30,
          "Days audit events of denied or failed reads and of calls without "
          "a valid key are kept (0: for ever). Changes, and denied or failed "
          "attempts at changes, are kept for ever.");
ABSL_FLAG(int, superseded_report_retention_days, 30,
          "Days a benchmark report is kept once a newer report of the same "
          "plan revision with the same parameters exists (0: for ever). The "
          "latest report of each and reports a job run refers to are kept.");
ABSL_FLAG(int, retention_interval_minutes, 60,
          "Minutes between two passes of the background deletion of expired "
          "rows (the first runs shortly after start-up).");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024,
          "Largest request accepted, in bytes.");
ABSL_FLAG(int, max_transport_memory_mb, 128,
          "Memory for request bodies and other connection buffers, all "
          "clients together, in MiB (0: unbounded). Near it, gRPC shrinks "
          "flow-control windows, closes idle connections and then cancels "
          "streams (RESOURCE_EXHAUSTED) rather than buffer more.");
ABSL_FLAG(int, max_streams_per_connection, 100,
          "Calls one HTTP/2 connection may have open at once; a client "
          "opening more waits for one to end.");
ABSL_FLAG(int, request_body_timeout_seconds, 30,
          "How long a call's request may take to arrive after its headers "
          "(1 to 3600). A call whose body is slower ends with "
          "DEADLINE_EXCEEDED (REQUEST_BODY_TIMEOUT) and its buffered bytes "
          "are freed; nothing was done for it.");
ABSL_FLAG(int, max_connection_idle_seconds, 300,
          "Close a connection that has had no call for this long (0: "
          "never); clients reconnect when they call again.");
ABSL_FLAG(int, reserved_file_descriptors, 256,
          "File descriptors kept free below the open-file limit for the "
          "database, logs and the server itself: a connection that would "
          "take one is reset at once (at least 32). The server keeps "
          "accepting connections through any burst.");
ABSL_FLAG(bool, demo, false,
          "Add realistic demonstration plans (India, Indonesia, Viet Nam, "
          "Brazil, South Africa) that are not present yet.");
ABSL_FLAG(std::string, admin_key_file, "",
          "Where the first start of an empty database writes the initial "
          "ADMIN API key (mode 0600). Default: itp-admin.key beside --db.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; enables TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle; when set, clients must present a certificate it "
          "signed (mutual TLS).");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "Allow plaintext on a non-loopback --listen address (only behind a "
          "TLS-terminating proxy).");
ABSL_FLAG(std::string, log_format, "text",
          "text: one line per event, \"TIME LEVEL message\"; json: one JSON "
          "object a line (time, level, message; for calls also method, code, "
          "latency_ms, peer, key_id, role, request_id, resource, refused). "
          "gRPC's own lines use the same format.");
ABSL_FLAG(std::string, port_file, "",
          "When set, write the bound port to this file once serving.");

namespace {

constexpr char kUsage[] =
    "Industry Transition Plan service (gRPC). Example:\n"
    "  itp-server --listen=127.0.0.1:50051 --db=itp.db --demo";

// The flags of this file: the server's own, without those of the libraries.
bool IsServerFlagFile(absl::string_view file) {
  return absl::EndsWith(file, "server/main.cc");
}

std::string VersionText() {
  return absl::StrCat(
      "itp-server ", ITP_VERSION, "\n", "  build: ", ITP_BUILD, "\n", "  gRPC ",
      grpc::Version(), ", Protobuf ",
      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION),
      ", SQLite ", itp::storage::SqliteLibraryVersion(),
      " (database schema version ", itp::storage::SqliteSchemaVersion(), ")\n");
}

std::string TypeOf(const absl::CommandLineFlag& flag) {
  if (flag.IsOfType<bool>()) return "bool";
  if (flag.IsOfType<int>()) return "int";
  if (flag.IsOfType<std::string>()) return "string";
  return "value";
}

// `text` wrapped at 78 columns, each line indented by `indent`.
std::string Wrapped(absl::string_view text, absl::string_view indent) {
  std::string out;
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > 78) {
      absl::StrAppend(&out, indent, line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) absl::StrAppend(&out, indent, line, "\n");
  return out;
}

// Every flag of the server, by name, with its type, default and help.
std::string HelpText() {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!flag->IsRetired() && IsServerFlagFile(flag->Filename())) {
      flags.push_back(flag);
    }
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string out = absl::StrCat(
      "itp-server: ", kUsage,
      "\n\nFlags (--name=value; a bool also as --name or --noname):\n");
  for (const absl::CommandLineFlag* flag : flags) {
    const std::string value = flag->DefaultValue();
    absl::StrAppend(
        &out, "  --", flag->Name(), " (", TypeOf(*flag), ", default ",
        flag->IsOfType<std::string>() ? absl::StrCat("\"", value, "\"") : value,
        ")\n", Wrapped(flag->Help(), "      "));
  }
  absl::StrAppend(
      &out,
      "\nAlso:\n"
      "  --flagfile=FILE  read flags from FILE, one --name=value a line (the "
      "config file;\n"
      "                   lines starting with # are comments); may repeat\n"
      "  --version        print the version and build, and exit\n"
      "  --helpfull       also list the flags of the libraries\n");
  return out;
}

// --help (or -help, -h) anywhere on the command line: the help on stdout,
// exit 0. Abseil's own --help would list only flags of a file named after
// the program and exit 1.
void HandleHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return;
    if (std::strcmp(argv[i], "--help") == 0 ||
        std::strcmp(argv[i], "-help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << HelpText();
      std::exit(0);
    }
  }
}

// --backup_to or --restore_from: one copy, a line on stdout, exit 0; or
// the error on stderr, exit 1 (2 for both flags at once).
int CopyDatabase(const std::string& db, const std::string& backup_to,
                 const std::string& restore_from) {
  if (!backup_to.empty() && !restore_from.empty()) {
    std::cerr << "itp-server: --backup_to and --restore_from exclude each "
                 "other\n";
    return 2;
  }
  const absl::Time start = absl::Now();
  const bool backup = !backup_to.empty();
  absl::StatusOr<itp::storage::SqliteCopyReport> report =
      backup ? itp::storage::BackupSqliteDatabase(db, backup_to)
             : itp::storage::RestoreSqliteDatabase(restore_from, db);
  if (!report.ok()) {
    std::cerr << "itp-server: " << (backup ? "backup" : "restore")
              << " failed: " << report.status().message() << "\n";
    return 1;
  }
  std::cout << (backup ? absl::StrCat("backed up ", db, " to ", backup_to)
                       : absl::StrCat("restored ", restore_from, " into ", db))
            << ": " << report->pages << " pages ("
            << absl::StrFormat("%.1f", report->bytes / 1048576.0)
            << " MiB), schema version " << report->schema_version << ", "
            << report->plans << " plans, integrity_check ok, in "
            << absl::FormatDuration(
                   absl::Trunc(absl::Now() - start, absl::Milliseconds(1)))
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = IsServerFlagFile;
  usage.contains_helpshort_flags = IsServerFlagFile;
  usage.version_string = VersionText;
  absl::SetFlagsUsageConfig(usage);
  HandleHelp(argc, argv);
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "itp-server: unexpected argument '" << positional[1]
              << "'; flags are --name=value (see itp-server --help)\n";
    return 2;
  }
  // Abseil's lock-order checking costs a graph update on every lock and
  // mutex destruction (gRPC's per-call ones too): a few percent of a busy
  // server. The tests run with it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const std::string log_format = absl::GetFlag(FLAGS_log_format);
  if (log_format == "json") {
    itp::SetLogFormat(itp::LogFormat::kJson);
  } else if (log_format != "text") {
    std::cerr << "itp-server: --log_format must be text or json, not '"
              << log_format << "'\n";
    return 2;
  }
  const std::string backup_to = absl::GetFlag(FLAGS_backup_to);
  const std::string restore_from = absl::GetFlag(FLAGS_restore_from);
  if (!backup_to.empty() || !restore_from.empty()) {
    return CopyDatabase(absl::GetFlag(FLAGS_db), backup_to, restore_from);
  }
  itp::service::ServerConfig config;
  config.listen_address = absl::GetFlag(FLAGS_listen);
  config.health_listen_address = absl::GetFlag(FLAGS_health_listen);
  config.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  config.metrics_refresh =
      absl::Seconds(absl::GetFlag(FLAGS_metrics_refresh_seconds));
  config.build = {ITP_VERSION, ITP_BUILD_COMMIT, ITP_BUILD_TYPE,
                  ITP_BUILD_COMPILER, itp::storage::SqliteLibraryVersion()};
  config.db_path = absl::GetFlag(FLAGS_db);
  config.limits.workers = absl::GetFlag(FLAGS_workers);
  config.limits.max_queued_calls = absl::GetFlag(FLAGS_max_queued_calls);
  config.limits.max_calls_per_key = absl::GetFlag(FLAGS_max_calls_per_key);
  config.limits.max_streams_per_key = absl::GetFlag(FLAGS_max_streams_per_key);
  config.limits.max_streams = absl::GetFlag(FLAGS_max_streams);
  config.limits.request_body_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_request_body_timeout_seconds));
  config.drain = absl::Seconds(absl::GetFlag(FLAGS_drain_seconds));
  config.shutdown_grace =
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  config.db_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  config.job_workers = absl::GetFlag(FLAGS_job_workers);
  config.keyless_audit_clients = absl::GetFlag(FLAGS_keyless_audit_clients);
  config.retention.request_id_retention_days =
      absl::GetFlag(FLAGS_request_id_retention_days);
  config.retention.denied_audit_retention_days =
      absl::GetFlag(FLAGS_denied_audit_retention_days);
  config.retention.superseded_report_retention_days =
      absl::GetFlag(FLAGS_superseded_report_retention_days);
  config.retention.retention_interval_minutes =
      absl::GetFlag(FLAGS_retention_interval_minutes);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.max_transport_memory_mb = absl::GetFlag(FLAGS_max_transport_memory_mb);
  config.reserved_file_descriptors =
      absl::GetFlag(FLAGS_reserved_file_descriptors);
  config.max_streams_per_connection =
      absl::GetFlag(FLAGS_max_streams_per_connection);
  config.max_connection_idle =
      absl::Seconds(absl::GetFlag(FLAGS_max_connection_idle_seconds));
  config.demo = absl::GetFlag(FLAGS_demo);
  config.admin_key_file = absl::GetFlag(FLAGS_admin_key_file);
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  config.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  config.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  absl::Status status =
      itp::service::RunServer(config, absl::GetFlag(FLAGS_port_file));
  if (!status.ok()) {
    itp::Log(itp::LogLevel::kError, status.ToString());
    itp::FlushLog();
    return 1;
  }
  return 0;
}
