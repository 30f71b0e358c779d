// itp-job-runner: runs a benchmark job unattended (cron, systemd timer,
// Kubernetes CronJob). It reuses the job (or creates it when given a
// definition), starts a run (or follows the run already in progress), follows
// its results across server restarts, writes JSON and CSV reports with the
// changes since the previous run, and exits 0 when the run succeeded, non-zero
// with a one-line reason otherwise.
//
//   itp-job-runner --job nightly-steel --filter 'sector = IRON_AND_STEEL'
//     --display-name 'Nightly steel benchmark'
//     --report-json steel.json --report-csv steel-changes.csv  (one line)

#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/itp_client.h"
#include "client/job_report.h"
#include "itp/v1/benchmark_job_service.grpc.pb.h"

namespace itp::client {
namespace {

using itp::v1::BenchmarkJobRun;

constexpr int kExitRunFailed = 1;

struct Flags {
  std::string job;
  std::string display_name;
  std::string filter;
  std::vector<std::string> pathways;
  std::vector<int> years;
  double tcre = 0;
  double timeout_minutes = 60;
  std::string report_json;
  std::string report_csv;
  ConnectionSettings connection{"flags"};
  std::string config_file;
};

std::string NewRequestId() {
  std::random_device random;
  std::mt19937_64 generator((static_cast<uint64_t>(random()) << 32) ^ random());
  uint64_t a = generator();
  uint64_t b = generator();
  // Version 4, variant 10.
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x",
                         static_cast<uint32_t>(a >> 32),
                         static_cast<uint32_t>(a >> 16) & 0xffff,
                         static_cast<uint32_t>(a) & 0x0fff,
                         (static_cast<uint32_t>(b >> 48) & 0x3fff) | 0x8000,
                         b & 0xffffffffffffULL);
}

// Exits with a one-line reason.
int Fail(int code, const std::string& reason) {
  std::cerr << "itp-job-runner: " << reason << "\n";
  return code;
}

bool Transient(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

class Runner {
 public:
  Runner(const Flags& flags, Connection& connection)
      : flags_(flags),
        connection_(connection),
        jobs_(itp::v1::BenchmarkJobService::NewStub(connection.channel())),
        deadline_(absl::Now() + absl::Minutes(flags.timeout_minutes)) {}

  int Run() {
    std::string job_name = flags_.job.rfind("benchmarkJobs/", 0) == 0
                               ? flags_.job
                               : absl::StrCat("benchmarkJobs/", flags_.job);
    int code = EnsureJob(job_name);
    if (code != kExitOk) return code;
    std::string run_name;
    code = StartRun(job_name, &run_name);
    if (code != kExitOk) return code;
    std::cerr << "itp-job-runner: following " << run_name << "\n";

    std::vector<itp::v1::BenchmarkJobResult> results;
    BenchmarkJobRun run;
    code = Follow(run_name, &results, &run);
    if (code != kExitOk) return code;

    if (!flags_.report_json.empty()) {
      absl::Status s =
          WriteFileAtomically(flags_.report_json, RunReportJson(run, results));
      if (!s.ok()) return Fail(kExitOther, std::string(s.message()));
    }
    if (!flags_.report_csv.empty()) {
      absl::Status s =
          WriteFileAtomically(flags_.report_csv, RunChangesCsv(run, results));
      if (!s.ok()) return Fail(kExitOther, std::string(s.message()));
    }
    std::cout << RunSummaryLine(run) << "\n";
    if (run.state() != BenchmarkJobRun::SUCCEEDED) {
      return Fail(kExitRunFailed,
                  absl::StrCat(run.name(), " ended ",
                               BenchmarkJobRun::State_Name(run.state()),
                               run.reason().empty() ? "" : ": ", run.reason()));
    }
    return kExitOk;
  }

 private:
  // Calls `call(context)` until it succeeds, fails for good, or the overall
  // deadline passes; transient failures (a restarting server) are retried.
  template <typename Call>
  grpc::Status WithRetries(Call call) {
    absl::Duration backoff = absl::Milliseconds(200);
    while (true) {
      auto context = connection_.NewCallContext();
      grpc::Status status = call(context.get());
      if (!Transient(status.error_code()) ||
          absl::Now() + backoff > deadline_) {
        return status;
      }
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }

  int Error(const grpc::Status& status) {
    return Fail(ExitCodeFor(status.error_code()),
                FormatRpcError(status, connection_.options().address));
  }

  int EnsureJob(const std::string& job_name) {
    itp::v1::GetBenchmarkJobRequest get;
    get.set_name(job_name);
    itp::v1::BenchmarkJob job;
    grpc::Status status = WithRetries([&](grpc::ClientContext* c) {
      return jobs_->GetBenchmarkJob(c, get, &job);
    });
    if (status.ok()) return kExitOk;
    if (status.error_code() != grpc::StatusCode::NOT_FOUND ||
        flags_.display_name.empty()) {
      if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
        return Fail(kExitNotFound,
                    absl::StrCat(job_name,
                                 " does not exist; give --display-name (and "
                                 "--filter) to create it."));
      }
      return Error(status);
    }
    itp::v1::CreateBenchmarkJobRequest create;
    create.set_benchmark_job_id(job_name.substr(job_name.find('/') + 1));
    auto* def = create.mutable_benchmark_job();
    def->set_display_name(flags_.display_name);
    def->set_filter(flags_.filter);
    for (const auto& p : flags_.pathways) def->add_pathways(p);
    for (int y : flags_.years) def->add_checkpoint_years(y);
    if (flags_.tcre > 0) def->set_tcre_c_per_1000_gtco2(flags_.tcre);
    status = WithRetries([&](grpc::ClientContext* c) {
      return jobs_->CreateBenchmarkJob(c, create, &job);
    });
    if (!status.ok() &&
        status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return Error(status);
    }
    std::cerr << "itp-job-runner: created " << job_name << "\n";
    return kExitOk;
  }

  int StartRun(const std::string& job_name, std::string* run_name) {
    itp::v1::RunBenchmarkJobRequest request;
    request.set_name(job_name);
    request.set_request_id(NewRequestId());
    BenchmarkJobRun run;
    grpc::Status status = WithRetries([&](grpc::ClientContext* c) {
      return jobs_->RunBenchmarkJob(c, request, &run);
    });
    if (status.ok()) {
      *run_name = run.name();
      return kExitOk;
    }
    if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      return Error(status);
    }
    // A run is already in progress (an overlapping schedule, or a run the
    // server resumed after a restart): follow it instead of starting another.
    itp::v1::GetBenchmarkJobRequest get;
    get.set_name(job_name);
    itp::v1::BenchmarkJob job;
    status = WithRetries([&](grpc::ClientContext* c) {
      return jobs_->GetBenchmarkJob(c, get, &job);
    });
    if (!status.ok()) return Error(status);
    *run_name = job.latest_run();
    std::cerr << "itp-job-runner: a run is already in progress\n";
    return kExitOk;
  }

  int Follow(const std::string& run_name,
             std::vector<itp::v1::BenchmarkJobResult>* results,
             BenchmarkJobRun* run) {
    absl::Duration backoff = absl::Milliseconds(200);
    while (true) {
      if (absl::Now() > deadline_) {
        return Fail(kExitUnavailable,
                    absl::StrCat("timed out after ", flags_.timeout_minutes,
                                 " minutes following ", run_name, " (",
                                 results->size(), " results so far)"));
      }
      grpc::ClientContext context;
      context.AddMetadata("authorization",
                          "Bearer " + connection_.options().api_key);
      context.set_deadline(absl::ToChronoTime(deadline_));
      itp::v1::StreamBenchmarkJobResultsRequest request;
      request.set_name(run_name);
      request.set_start_index(static_cast<int>(results->size()));
      auto reader = jobs_->StreamBenchmarkJobResults(&context, request);
      itp::v1::BenchmarkJobResult result;
      while (reader->Read(&result)) {
        if (result.index() == static_cast<int>(results->size())) {
          results->push_back(result);
          if (results->size() % 50 == 0) {
            std::cerr << "itp-job-runner: " << results->size()
                      << " plans done\n";
          }
        }
      }
      grpc::Status status = reader->Finish();
      if (status.ok()) break;
      if (!Transient(status.error_code())) return Error(status);
      std::cerr << "itp-job-runner: connection lost (" << status.error_message()
                << "); resuming at result " << results->size() << "\n";
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
    itp::v1::GetBenchmarkJobRunRequest get;
    get.set_name(run_name);
    grpc::Status status = WithRetries([&](grpc::ClientContext* c) {
      return jobs_->GetBenchmarkJobRun(c, get, run);
    });
    if (!status.ok()) return Error(status);
    return kExitOk;
  }

  const Flags& flags_;
  Connection& connection_;
  std::unique_ptr<itp::v1::BenchmarkJobService::Stub> jobs_;
  absl::Time deadline_;
};

}  // namespace
}  // namespace itp::client

int main(int argc, char** argv) {
  using namespace itp::client;
  Flags flags;
  CLI::App app{
      "Runs an ITP benchmark job and reports what changed since its previous "
      "run.",
      "itp-job-runner"};
  app.footer(
      "Examples:\n"
      "  itp-job-runner --job nightly-all --display-name 'Nightly benchmark' "
      "\\\n"
      "    --report-json run.json --report-csv changes.csv\n"
      "  ITP_ADDRESS=itp.internal:443 ITP_API_KEY_FILE=/run/secrets/itp-key "
      "itp-job-runner --job nightly-steel\n\n"
      "Exit codes: 0 run succeeded, 1 run failed or was cancelled, 2 usage, "
      "3 job not found, 4 permission, 5 invalid job, 7 unavailable or timed "
      "out.");
  app.add_option("--job", flags.job,
                 "Job id or name (benchmarkJobs/{id}); created when missing "
                 "if --display-name is given")
      ->required()
      ->envname("ITP_JOB");
  app.add_option("--display-name", flags.display_name,
                 "Create the job with this title when it does not exist");
  app.add_option("--filter", flags.filter,
                 "For a new job: which plans (ListPlans filter)");
  app.add_option("--pathway", flags.pathways,
                 "For a new job: pathways/{id} to use (repeatable)");
  app.add_option("--years", flags.years, "For a new job: checkpoint years")
      ->delimiter(',');
  app.add_option("--tcre", flags.tcre,
                 "For a new job: TCRE, degrees C per 1000 Gt CO2");
  app.add_option("--timeout-minutes", flags.timeout_minutes,
                 "Give up following the run after this long")
      ->capture_default_str();
  app.add_option("--report-json", flags.report_json,
                 "Write the run, its changes and every result as JSON");
  app.add_option("--report-csv", flags.report_csv,
                 "Write one CSV row per change or failed plan");
  std::string address, api_key, api_key_file, tls_ca;
  double deadline = 0;
  app.add_option("--address", address, "Server host:port (env ITP_ADDRESS)");
  app.add_option("--api-key", api_key, "API key (env ITP_API_KEY)");
  app.add_option("--api-key-file", api_key_file,
                 "File holding the API key (env ITP_API_KEY_FILE)");
  app.add_option("--tls-ca", tls_ca,
                 "PEM CA bundle; enables TLS (env ITP_TLS_CA)");
  app.add_option("--deadline", deadline, "Seconds allowed for each call");
  app.add_option("--config", flags.config_file, "Config file")
      ->default_str(DefaultConfigPath());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!address.empty()) flags.connection.address = address;
  if (!api_key.empty()) flags.connection.api_key = api_key;
  if (!api_key_file.empty()) flags.connection.api_key_file = api_key_file;
  if (!tls_ca.empty()) flags.connection.tls_ca_file = tls_ca;
  if (deadline > 0) flags.connection.deadline_seconds = deadline;

  auto file = SettingsFromConfigFile(
      flags.config_file.empty() ? DefaultConfigPath() : flags.config_file);
  if (!file.ok()) return Fail(kExitUsage, std::string(file.status().message()));
  auto options = ResolveConnectionOptions(
      {flags.connection, SettingsFromEnvironment(), *file});
  if (!options.ok()) {
    return Fail(kExitUsage, std::string(options.status().message()));
  }
  auto connection = Connection::Open(*options);
  if (!connection.ok()) {
    return Fail(kExitUsage, std::string(connection.status().message()));
  }
  return Runner(flags, **connection).Run();
}
