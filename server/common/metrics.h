// The server's Prometheus metrics (prometheus-cpp core; the HTTP listener is
// the service layer's, --metrics_listen). One Metrics per server; the layers
// record into it as calls, transactions and job runs happen, and gauges that
// describe state (queue depth, plans by state) are read when scraped.
//
//   Metrics metrics;
//   Metrics::Method& get_plan =
//       metrics.ForMethod("/itp.v1.PlanService/GetPlan", Metrics::kUnary);
//   get_plan.Started();
//   get_plan.Handled(/*code=*/0, "OK", absl::Milliseconds(3));
//   auto plans = metrics.AddScrapeGauge("itp_plans", "Plans by state.",
//       [] { return std::vector<Metrics::Sample>{...}; }, absl::Seconds(15));
//
// Names follow the Prometheus conventions and, for calls, those of the gRPC
// ecosystem's interceptors (grpc_server_handled_total, ...), so that
// existing dashboards work. No label carries an API key or other caller
// data: label values are method, code, role, state and country names only.
//
// Components built without a server (unit tests, command-line tools) record
// into Metrics::Discard(), which is never exposed.
#ifndef ITP_SERVER_COMMON_METRICS_H_
#define ITP_SERVER_COMMON_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace itp {

// What `itp_build_info` says.
struct BuildInfo {
  std::string version;
  std::string commit;
  std::string build_type;
  std::string compiler;
  std::string sqlite_version;
};

// Thread-safe.
class Metrics : public prometheus::Collectable {
 public:
  enum MethodType { kUnary, kServerStream };

  // The metrics of one RPC method.
  class Method {
   public:
    void Started() { started_->Increment(); }
    // The call ended with gRPC status `code` (0..16; its canonical name is
    // `code_name`) after `elapsed`.
    void Handled(int code, absl::string_view code_name, absl::Duration elapsed);

   private:
    friend class Metrics;
    Method(Metrics& metrics, prometheus::Labels labels);

    const prometheus::Labels labels_;
    prometheus::Family<prometheus::Counter>& handled_family_;
    prometheus::Counter* const started_;
    prometheus::Histogram* const handling_;
    // Created at a code's first use, so that the exposition holds the codes
    // a method has returned rather than 17 zeros per method.
    std::array<std::atomic<prometheus::Counter*>, 17> handled_{};
  };

  // One sample of a scraped gauge: its labels and value.
  struct Sample {
    prometheus::Labels labels;
    double value = 0;
  };

  // Keeps a scraped gauge registered; removes it when destroyed.
  class GaugeRegistration {
   public:
    GaugeRegistration() = default;
    GaugeRegistration(GaugeRegistration&& other) noexcept
        : metrics_(std::exchange(other.metrics_, nullptr)), id_(other.id_) {}
    GaugeRegistration& operator=(GaugeRegistration&& other) noexcept;
    ~GaugeRegistration();

   private:
    friend class Metrics;
    GaugeRegistration(Metrics* metrics, int id) : metrics_(metrics), id_(id) {}
    Metrics* metrics_ = nullptr;
    int id_ = 0;
  };

  Metrics();
  explicit Metrics(const BuildInfo& build);
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Metrics that nothing reads; scraped gauges added to it are not kept.
  static Metrics& Discard();

  // The metrics of `full_method` ("/itp.v1.PlanService/GetPlan"), created at
  // first use; the reference stays valid as long as this object.
  Method& ForMethod(absl::string_view full_method, MethodType type);

  // Calls begun and not yet ended (itp_server_calls_in_progress).
  void CallBegun() { in_progress_->Increment(); }
  void CallEnded() { in_progress_->Decrement(); }
  // A call ended with the caller's role ("PARTNER", ...; "NONE" without a
  // valid key).
  void CallOfRole(absl::string_view role);
  // A call ended because its request body did not arrive in time.
  void RequestBodyTimedOut() { body_timeouts_->Increment(); }
  // How long an admitted call waited for a worker.
  void PoolWait(absl::Duration wait) {
    pool_wait_->Observe(absl::ToDoubleSeconds(wait));
  }

  // SQLite: a retry after SQLITE_BUSY, and a statement given up on because
  // the database stayed busy or locked.
  void DbBusyRetry() { db_busy_retries_->Increment(); }
  void DbBusyError() { db_busy_errors_->Increment(); }
  // A write transaction: how long it waited for the process's write lock,
  // and how long it then held it (until commit or rollback).
  void DbWriteTransaction(absl::Duration wait, absl::Duration held);

  // A benchmark job run ended in `state` ("SUCCEEDED", "FAILED", ...) after
  // `elapsed` of execution by this process.
  void JobRunFinished(absl::string_view state, absl::Duration elapsed);

  // A gauge family computed at scrape time by `read`, whose result is reused
  // for `refresh` (so that a costly read, such as a database count, runs at
  // most once per interval however often the server is scraped). `read` runs
  // on the scraping thread and must not add or remove scraped gauges. Not
  // kept on Discard().
  ABSL_MUST_USE_RESULT GaugeRegistration
  AddScrapeGauge(std::string name, std::string help,
                 std::function<std::vector<Sample>()> read,
                 absl::Duration refresh = absl::ZeroDuration());

  // The registry's families, the scraped gauges and the process gauges.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct ScrapeGauge {
    std::string name;
    std::string help;
    std::function<std::vector<Sample>()> read;
    absl::Duration refresh;
    // The last read and when it was taken.
    std::vector<Sample> cached;
    absl::Time read_at = absl::InfinitePast();
  };

  explicit Metrics(bool discard);
  void Init();
  void RemoveScrapeGauge(int id);

  const bool discard_;
  std::shared_ptr<prometheus::Registry> registry_;

  prometheus::Family<prometheus::Counter>* started_family_ = nullptr;
  prometheus::Family<prometheus::Counter>* handled_family_ = nullptr;
  prometheus::Family<prometheus::Histogram>* handling_family_ = nullptr;
  prometheus::Family<prometheus::Counter>* role_family_ = nullptr;
  prometheus::Family<prometheus::Counter>* job_runs_family_ = nullptr;
  prometheus::Family<prometheus::Histogram>* job_duration_family_ = nullptr;
  prometheus::Gauge* in_progress_ = nullptr;
  prometheus::Histogram* pool_wait_ = nullptr;
  prometheus::Counter* body_timeouts_ = nullptr;
  prometheus::Counter* db_busy_retries_ = nullptr;
  prometheus::Counter* db_busy_errors_ = nullptr;
  prometheus::Histogram* db_write_wait_ = nullptr;
  prometheus::Histogram* db_write_held_ = nullptr;

  mutable absl::Mutex mu_;
  // Keyed by full method name.
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Counter*> roles_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Counter*> job_runs_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Histogram*> job_durations_
      ABSL_GUARDED_BY(mu_);

  // Held while scraped gauges are read, so that two scrapes do not read the
  // database twice; never taken while mu_ is held.
  mutable absl::Mutex scrape_mu_;
  mutable absl::flat_hash_map<int, ScrapeGauge> scrape_gauges_
      ABSL_GUARDED_BY(scrape_mu_);
  int next_gauge_id_ ABSL_GUARDED_BY(scrape_mu_) = 1;
};

// The process gauges every Prometheus client exposes (resident memory, open
// and maximum descriptors, start time), read from /proc; empty where /proc
// is not there.
std::vector<prometheus::MetricFamily> ProcessMetrics();

}  // namespace itp

#endif  // ITP_SERVER_COMMON_METRICS_H_
