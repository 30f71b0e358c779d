// The application layer as one object: it opens the database, prepares it
// (the first admin key, the shipped pathways, demo plans on request), runs
// benchmark jobs in the background and offers one operation per RPC,
// grouped by service. No gRPC type appears here; server/service adapts these
// operations to the wire, and tests call them directly.
//
//   ApplicationOptions options;
//   options.db_path = "itp.db";
//   auto app = Application::Open(options);
//   Caller caller{(*app)->authenticator().Authenticate("Bearer itp_...")};
//   auto plan = (*app)->plans().GetPlan(caller, request);
#ifndef ITP_SERVER_APP_APPLICATION_H_
#define ITP_SERVER_APP_APPLICATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/app/admin_operations.h"
#include "server/app/benchmark_operations.h"
#include "server/app/benchmark_step.h"
#include "server/app/context.h"
#include "server/app/event_bus.h"
#include "server/app/investment_operations.h"
#include "server/app/job_operations.h"
#include "server/app/job_runner.h"
#include "server/app/keyless_audit.h"
#include "server/app/open_data_operations.h"
#include "server/app/plan_operations.h"
#include "server/app/progress_assessment.h"
#include "server/app/progress_operations.h"
#include "server/app/retention.h"
#include "server/app/review_operations.h"
#include "server/auth/authenticator.h"
#include "server/common/metrics.h"
#include "server/storage/sqlite.h"

namespace itp::app {

struct ApplicationOptions {
  // SQLite database file, created and migrated when needed.
  std::string db_path = "itp.db";
  // Database connections shared by every thread that works on calls.
  int db_pool_size = 8;
  // Threads running benchmark jobs in the background.
  int job_workers = 1;
  // Seeds realistic demonstration plans (skipping those already present).
  bool demo = false;
  // Where the first start of an empty database writes the initial ADMIN key
  // (mode 0600). Empty: itp-admin.key beside the database file.
  std::string admin_key_file;
  // Clients without a valid key told apart in the audit trail per minute
  // (one row each); the calls of any further ones share one row.
  int keyless_audit_clients = 1000;
  // How long request ids, audit rows of denied reads and superseded
  // benchmark reports are kept, and how often the background thread deletes
  // what has expired (server/storage/retention_store.h).
  RetentionOptions retention;
  // The clock (Unix microseconds); absl::Now when empty.
  std::function<int64_t()> now_unix_micros;
  // Where the database, the job runner and the gauges of stored state
  // (plans by state and country, job runs by state) are recorded; must
  // outlive the application. Metrics::Discard() when null.
  Metrics* metrics = nullptr;
  // How long a reading of those gauges is reused (--metrics_refresh_seconds).
  absl::Duration metrics_refresh = absl::Seconds(15);
};

// Thread-safe.
class Application {
 public:
  // Opens and prepares the database and starts the job runner, which
  // resumes runs a crash or restart interrupted, and the retention thread.
  // INVALID_ARGUMENT for bad options (naming the flag of a bad retention
  // value); FAILED_PRECONDITION for a database from a newer server or an
  // admin key file that exists already beside an empty database; the
  // store's errors.
  static absl::StatusOr<std::unique_ptr<Application>> Open(
      const ApplicationOptions& options);

  // Stops the retention thread and the job runner (after the plan each
  // worker is on) and writes the audit rows of calls without a key still
  // counted.
  ~Application();

  PlanOperations& plans() { return plans_; }
  ReviewOperations& reviews() { return reviews_; }
  ProgressOperations& progress() { return progress_; }
  InvestmentOperations& investments() { return investments_; }
  OpenDataOperations& open_data() { return open_data_; }
  BenchmarkOperations& benchmarks() { return benchmarks_; }
  JobOperations& jobs() { return jobs_; }
  AdminOperations& admin() { return admin_; }

  // Who a call comes from, given its authorization metadata.
  const auth::Authenticator& authenticator() const { return authenticator_; }
  // Where calls without a valid key are counted for the audit trail.
  KeylessAudit& keyless_audit() { return keyless_; }
  // Notified after every change and job step; streams wait on it.
  EventBus& events() { return events_; }
  // Deletes expired rows in the background.
  RetentionRunner& retention() { return retention_; }

  // Stops the job runner; unfinished runs resume at the next Open.
  // Idempotent.
  void StopJobs() { runner_.Stop(); }

 private:
  Application(storage::SqliteStores stores, std::function<int64_t()> now,
              const ApplicationOptions& options, std::string token_secret);
  // The gauges of stored state, on options.metrics.
  void RegisterGauges(const ApplicationOptions& options);

  storage::SqliteStores stores_;
  std::function<int64_t()> now_;
  auth::Authenticator authenticator_;
  KeylessAudit keyless_;
  domain::PageTokens tokens_;
  EventBus events_;
  BenchmarkStep step_;
  // Jobs record where each plan stands by its progress reports.
  ProgressAssessor progress_assessor_;
  JobRunner runner_;
  RetentionRunner retention_;
  AppContext context_;
  PlanOperations plans_;
  ReviewOperations reviews_;
  ProgressOperations progress_;
  InvestmentOperations investments_;
  OpenDataOperations open_data_;
  BenchmarkOperations benchmarks_;
  JobOperations jobs_;
  AdminOperations admin_;
  // Last, so that scrapes stop reading the stores before they go.
  Metrics::GaugeRegistration plans_gauge_;
  Metrics::GaugeRegistration runs_gauge_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_APPLICATION_H_
