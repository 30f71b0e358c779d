#include "server/common/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace itp {
namespace {

// From half a millisecond (a cached read) to ten seconds (a deadline).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *buckets;
}

// A job run takes from a fraction of a second (a few plans) to an hour.
const prometheus::Histogram::BucketBoundaries& JobBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600};
  return *buckets;
}

// "/itp.v1.PlanService/GetPlan" -> {"itp.v1.PlanService", "GetPlan"}.
std::pair<std::string, std::string> SplitMethod(absl::string_view full) {
  if (!full.empty() && full.front() == '/') full.remove_prefix(1);
  size_t slash = full.find('/');
  if (slash == absl::string_view::npos) return {"", std::string(full)};
  return {std::string(full.substr(0, slash)),
          std::string(full.substr(slash + 1))};
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help,
                                     double value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

Metrics::Method::Method(Metrics& metrics, prometheus::Labels labels)
    : labels_(std::move(labels)),
      handled_family_(*metrics.handled_family_),
      started_(&metrics.started_family_->Add(labels_)),
      handling_(&metrics.handling_family_->Add(labels_, LatencyBuckets())) {}

void Metrics::Method::Handled(int code, absl::string_view code_name,
                              absl::Duration elapsed) {
  handling_->Observe(absl::ToDoubleSeconds(elapsed));
  if (code < 0 || code >= static_cast<int>(handled_.size())) code = 2;
  prometheus::Counter* counter = handled_[code].load(std::memory_order_acquire);
  if (counter == nullptr) {
    prometheus::Labels labels = labels_;
    labels["grpc_code"] = std::string(code_name);
    // Family::Add returns the same counter for the same labels, so a race
    // between two first uses stores the same pointer twice.
    counter = &handled_family_.Add(labels);
    handled_[code].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

Metrics::GaugeRegistration& Metrics::GaugeRegistration::operator=(
    GaugeRegistration&& other) noexcept {
  if (this != &other) {
    if (metrics_ != nullptr) metrics_->RemoveScrapeGauge(id_);
    metrics_ = std::exchange(other.metrics_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

Metrics::GaugeRegistration::~GaugeRegistration() {
  if (metrics_ != nullptr) metrics_->RemoveScrapeGauge(id_);
}

Metrics::Metrics() : Metrics(false) {}

Metrics::Metrics(const BuildInfo& build) : Metrics(false) {
  prometheus::BuildGauge()
      .Name("itp_build_info")
      .Help("The version and build of itp-server; always 1.")
      .Register(*registry_)
      .Add({{"version", build.version},
            {"commit", build.commit},
            {"build_type", build.build_type},
            {"compiler", build.compiler},
            {"sqlite_version", build.sqlite_version}})
      .Set(1);
}

Metrics::Metrics(bool discard)
    : discard_(discard), registry_(std::make_shared<prometheus::Registry>()) {
  Init();
}

Metrics::~Metrics() = default;

Metrics& Metrics::Discard() {
  static Metrics* discard = new Metrics(true);
  return *discard;
}

void Metrics::Init() {
  prometheus::Registry& r = *registry_;
  started_family_ = &prometheus::BuildCounter()
                         .Name("grpc_server_started_total")
                         .Help("RPCs started on the server.")
                         .Register(r);
  handled_family_ =
      &prometheus::BuildCounter()
           .Name("grpc_server_handled_total")
           .Help("RPCs completed on the server, by gRPC status code.")
           .Register(r);
  handling_family_ =
      &prometheus::BuildHistogram()
           .Name("grpc_server_handling_seconds")
           .Help("Time from an RPC's headers to its status, in seconds.")
           .Register(r);
  role_family_ = &prometheus::BuildCounter()
                      .Name("itp_server_calls_by_role_total")
                      .Help(
                          "RPCs completed, by the role of the caller's API "
                          "key (NONE: no valid key).")
                      .Register(r);
  in_progress_ = &prometheus::BuildGauge()
                      .Name("itp_server_calls_in_progress")
                      .Help("RPCs started and not yet completed.")
                      .Register(r)
                      .Add({});
  pool_wait_ = &prometheus::BuildHistogram()
                    .Name("itp_worker_pool_wait_seconds")
                    .Help(
                        "Time an admitted RPC waited in the queue for a "
                        "worker, in seconds.")
                    .Register(r)
                    .Add({}, LatencyBuckets());
  body_timeouts_ = &prometheus::BuildCounter()
                        .Name("itp_server_request_body_timeouts_total")
                        .Help(
                            "RPCs ended with DEADLINE_EXCEEDED because their "
                            "request body did not arrive within "
                            "--request_body_timeout_seconds.")
                        .Register(r)
                        .Add({});
  db_busy_retries_ = &prometheus::BuildCounter()
                          .Name("itp_db_busy_retries_total")
                          .Help(
                              "Retries of an SQLite statement that found "
                              "the database locked by another connection "
                              "or process.")
                          .Register(r)
                          .Add({});
  db_busy_errors_ = &prometheus::BuildCounter()
                         .Name("itp_db_busy_errors_total")
                         .Help(
                             "SQLite statements given up on (UNAVAILABLE) "
                             "because the database stayed locked.")
                         .Register(r)
                         .Add({});
  db_write_wait_ = &prometheus::BuildHistogram()
                        .Name("itp_db_write_lock_wait_seconds")
                        .Help(
                            "Time a write transaction waited for the "
                            "server's single writer slot, in seconds.")
                        .Register(r)
                        .Add({}, LatencyBuckets());
  db_write_held_ = &prometheus::BuildHistogram()
                        .Name("itp_db_write_transaction_seconds")
                        .Help(
                            "Duration of write transactions, from BEGIN "
                            "IMMEDIATE to commit or rollback, in seconds.")
                        .Register(r)
                        .Add({}, LatencyBuckets());
  job_runs_family_ = &prometheus::BuildCounter()
                          .Name("itp_job_runs_finished_total")
                          .Help(
                              "Benchmark job runs finished by this process, "
                              "by final state.")
                          .Register(r);
  job_duration_family_ =
      &prometheus::BuildHistogram()
           .Name("itp_job_run_duration_seconds")
           .Help(
               "Execution time of finished benchmark job runs in this "
               "process, by final state, in seconds.")
           .Register(r);
}

Metrics::Method& Metrics::ForMethod(absl::string_view full_method,
                                    MethodType type) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(full_method);
    if (it != methods_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Method>& slot = methods_[full_method];
  if (slot == nullptr) {
    auto [service, method] = SplitMethod(full_method);
    slot.reset(new Method(
        *this, {{"grpc_service", service},
                {"grpc_method", method},
                {"grpc_type", type == kUnary ? "unary" : "server_stream"}}));
  }
  return *slot;
}

void Metrics::CallOfRole(absl::string_view role) {
  prometheus::Counter* counter = nullptr;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = roles_.find(role);
    if (it != roles_.end()) counter = it->second;
  }
  if (counter == nullptr) {
    absl::MutexLock lock(&mu_);
    prometheus::Counter*& slot = roles_[role];
    if (slot == nullptr)
      slot = &role_family_->Add({{"role", std::string(role)}});
    counter = slot;
  }
  counter->Increment();
}

void Metrics::DbWriteTransaction(absl::Duration wait, absl::Duration held) {
  db_write_wait_->Observe(absl::ToDoubleSeconds(wait));
  db_write_held_->Observe(absl::ToDoubleSeconds(held));
}

void Metrics::JobRunFinished(absl::string_view state, absl::Duration elapsed) {
  prometheus::Counter* runs;
  prometheus::Histogram* duration;
  {
    absl::MutexLock lock(&mu_);
    prometheus::Counter*& run_slot = job_runs_[state];
    if (run_slot == nullptr) {
      run_slot = &job_runs_family_->Add({{"state", std::string(state)}});
    }
    prometheus::Histogram*& duration_slot = job_durations_[state];
    if (duration_slot == nullptr) {
      duration_slot = &job_duration_family_->Add(
          {{"state", std::string(state)}}, JobBuckets());
    }
    runs = run_slot;
    duration = duration_slot;
  }
  runs->Increment();
  duration->Observe(absl::ToDoubleSeconds(elapsed));
}

Metrics::GaugeRegistration Metrics::AddScrapeGauge(
    std::string name, std::string help,
    std::function<std::vector<Sample>()> read, absl::Duration refresh) {
  if (discard_) return GaugeRegistration();
  absl::MutexLock lock(&scrape_mu_);
  const int id = next_gauge_id_++;
  ScrapeGauge& gauge = scrape_gauges_[id];
  gauge.name = std::move(name);
  gauge.help = std::move(help);
  gauge.read = std::move(read);
  gauge.refresh = refresh;
  return GaugeRegistration(this, id);
}

void Metrics::RemoveScrapeGauge(int id) {
  absl::MutexLock lock(&scrape_mu_);
  scrape_gauges_.erase(id);
}

std::vector<prometheus::MetricFamily> Metrics::Collect() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  {
    absl::MutexLock lock(&scrape_mu_);
    const absl::Time now = absl::Now();
    std::vector<const ScrapeGauge*> gauges;
    for (auto& [id, gauge] : scrape_gauges_) {
      if (gauge.read_at == absl::InfinitePast() ||
          now - gauge.read_at >= gauge.refresh) {
        gauge.cached = gauge.read();
        gauge.read_at = now;
      }
      gauges.push_back(&gauge);
    }
    // The exposition in a stable order, whatever the map's.
    std::sort(gauges.begin(), gauges.end(),
              [](const ScrapeGauge* a, const ScrapeGauge* b) {
                return a->name < b->name;
              });
    for (const ScrapeGauge* gauge : gauges) {
      prometheus::MetricFamily family;
      family.name = gauge->name;
      family.help = gauge->help;
      family.type = prometheus::MetricType::Gauge;
      for (const Sample& sample : gauge->cached) {
        prometheus::ClientMetric metric;
        for (const auto& [label, value] : sample.labels) {
          metric.label.push_back({label, value});
        }
        metric.gauge.value = sample.value;
        family.metric.push_back(std::move(metric));
      }
      families.push_back(std::move(family));
    }
  }
  for (prometheus::MetricFamily& family : ProcessMetrics()) {
    families.push_back(std::move(family));
  }
  return families;
}

std::vector<prometheus::MetricFamily> ProcessMetrics() {
  std::vector<prometheus::MetricFamily> families;
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);
  {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    if (statm >> size >> resident) {
      families.push_back(GaugeFamily("process_resident_memory_bytes",
                                     "Resident memory size in bytes.",
                                     static_cast<double>(resident) * page));
      families.push_back(GaugeFamily("process_virtual_memory_bytes",
                                     "Virtual memory size in bytes.",
                                     static_cast<double>(size) * page));
    }
  }
  if (DIR* fds = opendir("/proc/self/fd")) {
    int open = 0;
    while (dirent* entry = readdir(fds)) {
      if (entry->d_name[0] != '.') ++open;
    }
    closedir(fds);
    // Less the descriptor of the listing itself.
    families.push_back(GaugeFamily("process_open_fds",
                                   "Number of open file descriptors.",
                                   std::max(open - 1, 0)));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(GaugeFamily(
        "process_max_fds", "Maximum number of open file descriptors.",
        limit.rlim_cur == RLIM_INFINITY ? -1
                                        : static_cast<double>(limit.rlim_cur)));
  }
  // Start time: the process's start in clock ticks after boot (field 22 of
  // /proc/self/stat) plus the boot time (btime of /proc/stat).
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (ticks > 0 && std::getline(stat, line)) {
    // Fields after the command name, which is in parentheses and may hold
    // spaces.
    size_t close = line.rfind(')');
    if (close != std::string::npos) {
      std::vector<absl::string_view> fields =
          absl::StrSplit(absl::string_view(line).substr(close + 2), ' ');
      // Field 3 (state) is fields[0]; 14 utime, 15 stime; 22 starttime.
      double cpu_ticks = 0;
      long long start_ticks = -1;
      if (fields.size() > 19) {
        cpu_ticks = std::stod(std::string(fields[11])) +
                    std::stod(std::string(fields[12]));
        start_ticks = std::stoll(std::string(fields[19]));
      }
      families.push_back(
          GaugeFamily("process_cpu_seconds_total",
                      "Total user and system CPU time spent in seconds.",
                      cpu_ticks / ticks));
      families.back().type = prometheus::MetricType::Counter;
      families.back().metric[0].counter.value = cpu_ticks / ticks;
      std::ifstream proc_stat("/proc/stat");
      std::string key;
      long long boot = -1;
      while (proc_stat >> key) {
        if (key == "btime") {
          proc_stat >> boot;
          break;
        }
        proc_stat.ignore(1 << 20, '\n');
      }
      if (boot >= 0 && start_ticks >= 0) {
        families.push_back(GaugeFamily(
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.",
            static_cast<double>(boot) +
                static_cast<double>(start_ticks) / ticks));
      }
    }
  }
  return families;
}

}  // namespace itp
