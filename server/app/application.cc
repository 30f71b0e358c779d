#include "server/app/application.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/auth/api_key_secret.h"
#include "server/benchmark/reference_pathways.h"
#include "server/common/log.h"
#include "server/demo/demo_plans.h"

namespace itp::app {
namespace {

std::string AdminKeyPath(const ApplicationOptions& options) {
  if (!options.admin_key_file.empty()) return options.admin_key_file;
  size_t slash = options.db_path.rfind('/');
  return slash == std::string::npos
             ? "itp-admin.key"
             : absl::StrCat(options.db_path.substr(0, slash + 1),
                            "itp-admin.key");
}

// Writes `secret` to `path` readable by the owner only.
absl::Status WriteSecretFile(const std::string& path,
                             const std::string& secret) {
  // O_EXCL: never overwrite a key file, which may belong to another database.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat(
        "The database has no API keys yet, but the admin key file '", path,
        "' already exists (from another database?). Move it away or choose "
        "another path with --admin_key_file."));
  }
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        "Cannot write the admin key file '", path, "': ", strerror(errno)));
  }
  bool ok = fchmod(fd, 0600) == 0;
  std::string line = secret + "\n";
  ok = ok &&
       write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    return absl::UnavailableError(
        absl::StrCat("Cannot write the admin key file '", path, "'."));
  }
  return absl::OkStatus();
}

// On a database without keys, creates the first ADMIN key and writes it to
// the admin key file. The secret is never logged.
absl::Status BootstrapAdminKey(storage::KeyStore& keys,
                               const std::string& path) {
  auto count = keys.CountKeys();
  if (!count.ok()) return count.status();
  if (*count > 0) return absl::OkStatus();
  auto issued = auth::IssueSecret();
  if (!issued.ok()) return issued.status();
  itp::v1::ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", issued->key_id));
  key.set_display_name("Initial administrator (created at first start)");
  key.set_role(itp::v1::ADMIN);
  // Write the file first: a key nobody can read would lock everyone out.
  absl::Status written = WriteSecretFile(path, issued->secret);
  if (!written.ok()) return written;
  storage::WriteContext ctx;
  ctx.method = "itp-server/bootstrap";
  auto created = keys.CreateKey(ctx, key, issued->salt, issued->hash);
  if (!created.ok()) return created.status();
  Log(LogLevel::kInfo, absl::StrCat("created the initial admin key ",
                                    key.name(), "; its secret is in ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Application>> Application::Open(
    const ApplicationOptions& options) {
  if (options.job_workers < 1) {
    return absl::InvalidArgumentError("job_workers must be at least 1.");
  }
  absl::Status valid = ValidateRetentionOptions(options.retention);
  if (!valid.ok()) return valid;
  std::function<int64_t()> now = options.now_unix_micros;
  if (!now) now = [] { return absl::ToUnixMicros(absl::Now()); };
  storage::SqliteOptions sqlite;
  sqlite.path = options.db_path;
  sqlite.pool_size = options.db_pool_size;
  sqlite.now_unix_micros = now;
  sqlite.metrics = options.metrics;
  auto stores = storage::OpenSqliteStores(sqlite);
  if (!stores.ok()) return stores.status();
  absl::Status s = BootstrapAdminKey(*stores->keys, AdminKeyPath(options));
  if (!s.ok()) return s;
  s = stores->benchmarks->SeedPathways(benchmark::ReferencePathways());
  if (!s.ok()) return s;
  if (options.demo) {
    auto seeded = demo::SeedDemoPlans(*stores->plans, stores->progress.get());
    if (!seeded.ok()) return seeded.status();
    Log(LogLevel::kInfo, absl::StrCat("demo data: ", *seeded,
                                      " plans added (existing plans kept)"));
  }
  // The key of page tokens: made at the first start, kept in the database.
  auto candidate = auth::RandomSecretBytes(32);
  if (!candidate.ok()) return candidate.status();
  auto token_secret = stores->keys->ServerSecret("page_tokens", *candidate);
  if (!token_secret.ok()) return token_secret.status();
  std::unique_ptr<Application> app(new Application(
      *std::move(stores), now, options, *std::move(token_secret)));
  s = app->runner_.Start();
  if (!s.ok()) return s;
  app->RegisterGauges(options);
  app->keyless_.Start();
  app->retention_.Start();
  return app;
}

Application::Application(storage::SqliteStores stores,
                         std::function<int64_t()> now,
                         const ApplicationOptions& options,
                         std::string token_secret)
    : stores_(std::move(stores)),
      now_(std::move(now)),
      authenticator_(*stores_.keys, now_),
      keyless_(*stores_.audit, now_, {options.keyless_audit_clients}),
      tokens_(std::move(token_secret)),
      step_(*stores_.plans, *stores_.benchmarks),
      progress_assessor_(*stores_.plans, *stores_.benchmarks, *stores_.progress,
                         now_),
      runner_(*stores_.plans, *stores_.benchmarks, *stores_.jobs,
              {options.job_workers, [this] { events_.Notify(); }, now_,
               [this](const std::string& plan) {
                 return progress_assessor_.Assess(plan);
               },
               options.metrics}),
      retention_(*stores_.retention, now_, options.retention),
      context_{*stores_.plans,
               *stores_.reviews,
               *stores_.progress,
               *stores_.investments,
               *stores_.benchmarks,
               *stores_.jobs,
               *stores_.keys,
               *stores_.audit,
               authenticator_,
               events_,
               runner_,
               step_,
               {*stores_.audit, keyless_, events_},
               tokens_,
               now_},
      plans_(context_),
      reviews_(context_),
      progress_(context_),
      investments_(context_),
      open_data_(context_),
      benchmarks_(context_),
      jobs_(context_),
      admin_(context_) {}

void Application::RegisterGauges(const ApplicationOptions& options) {
  if (options.metrics == nullptr) return;
  // A failed read (a locked database) leaves the family empty for one
  // scrape rather than failing the scrape.
  plans_gauge_ = options.metrics->AddScrapeGauge(
      "itp_plans",
      "Plans in the database, by state and country (ISO 3166-1 alpha-3).",
      [plans = stores_.plans.get()] {
        std::vector<Metrics::Sample> samples;
        auto counts = plans->CountPlans();
        if (!counts.ok()) return samples;
        for (const storage::PlanCount& count : *counts) {
          samples.push_back({{{"state", itp::v1::Plan::State_Name(count.state)},
                              {"country", count.country}},
                             static_cast<double>(count.plans)});
        }
        return samples;
      },
      options.metrics_refresh);
  runs_gauge_ = options.metrics->AddScrapeGauge(
      "itp_job_runs", "Benchmark job runs in the database, by state.",
      [jobs = stores_.jobs.get()] {
        std::vector<Metrics::Sample> samples;
        auto counts = jobs->CountRuns();
        if (!counts.ok()) return samples;
        // Every state, zeros included, so that a query of one state has a
        // series before the first run reaches it.
        using Run = itp::v1::BenchmarkJobRun;
        for (int state = Run::State_MIN; state <= Run::State_MAX; ++state) {
          if (!Run::State_IsValid(state) || state == Run::STATE_UNSPECIFIED) {
            continue;
          }
          int64_t runs = 0;
          for (const auto& [counted, n] : *counts) {
            if (counted == state) runs = n;
          }
          samples.push_back(
              {{{"state", Run::State_Name(static_cast<Run::State>(state))}},
               static_cast<double>(runs)});
        }
        return samples;
      },
      options.metrics_refresh);
}

Application::~Application() {
  retention_.Stop();
  runner_.Stop();
  keyless_.Stop();
}

}  // namespace itp::app
