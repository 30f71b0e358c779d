// SQLite implementation of JobStore.

#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/storage/job_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace {

using domain::ErrorWithInfo;
using domain::PageCursor;
using google::protobuf::util::TimeUtil;
using internal::BindMessage;
using internal::Connection;
using internal::FromBlob;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::BenchmarkJob;
using itp::v1::BenchmarkJobResult;
using itp::v1::BenchmarkJobRun;

constexpr char kRunsSegment[] = "/runs/";

int64_t RunId(absl::string_view name) {
  size_t pos = name.rfind(kRunsSegment);
  int64_t id = 0;
  if (pos == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(pos + sizeof(kRunsSegment) - 1), &id)) {
    return 0;
  }
  return id;
}

bool Unfinished(BenchmarkJobRun::State state) {
  return state == BenchmarkJobRun::PENDING || state == BenchmarkJobRun::RUNNING;
}

absl::Status JobNotFound(absl::string_view name) {
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Benchmark job ", name, " does not exist."),
                       "JOB_NOT_FOUND", name);
}

absl::Status RunNotFound(absl::string_view name) {
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Run ", name, " does not exist."),
                       "RUN_NOT_FOUND", name);
}

class SqliteJobStore : public JobStore {
 public:
  absl::StatusOr<std::vector<std::pair<BenchmarkJobRun::State, int64_t>>>
  CountRuns() override {
    using Counts = std::vector<std::pair<BenchmarkJobRun::State, int64_t>>;
    return db_->Read<Counts>([&](Connection& c) -> absl::StatusOr<Counts> {
      ScopedStatement s = c.Prepare(
          "SELECT state, COUNT(*) FROM benchmark_job_runs GROUP BY state "
          "ORDER BY state");
      Counts counts;
      while (s->executeStep()) {
        counts.emplace_back(
            static_cast<BenchmarkJobRun::State>(s->getColumn(0).getInt()),
            s->getColumn(1).getInt64());
      }
      return counts;
    });
  }

  explicit SqliteJobStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  absl::StatusOr<BenchmarkJob> CreateJob(const WriteContext& ctx,
                                         const BenchmarkJob& input) override {
    return db_->Write<BenchmarkJob>(
        [&](Connection& c) -> absl::StatusOr<BenchmarkJob> {
          {
            ScopedStatement s =
                c.Prepare("SELECT 1 FROM benchmark_jobs WHERE name = ?");
            s->bind(1, input.name());
            if (s->executeStep()) {
              return ErrorWithInfo(absl::StatusCode::kAlreadyExists,
                                   absl::StrCat("Benchmark job ", input.name(),
                                                " already exists."),
                                   "JOB_ALREADY_EXISTS", input.name());
            }
          }
          BenchmarkJob job = input;
          job.clear_latest_run();
          *job.mutable_create_time() =
              TimeUtil::MicrosecondsToTimestamp(db_->Now());
          ScopedStatement s = c.Prepare(
              "INSERT INTO benchmark_jobs (name, content) VALUES (?, ?)");
          s->bind(1, job.name());
          BindMessage(s, 2, job);
          s->exec();
          db_->RecordWrite(c, ctx, job.name(), job);
          return job;
        });
  }

  absl::StatusOr<BenchmarkJob> GetJob(absl::string_view name) override {
    return db_->Read<BenchmarkJob>(
        [&](Connection& c) -> absl::StatusOr<BenchmarkJob> {
          return LoadJob(c, name).first;
        });
  }

  absl::StatusOr<JobPage> ListJobs(
      int page_size, const std::optional<PageCursor>& after) override {
    return db_->Read<JobPage>([&](Connection& c) -> absl::StatusOr<JobPage> {
      ScopedStatement s = c.Prepare(
          "SELECT id, content FROM benchmark_jobs WHERE id > ? ORDER BY id "
          "LIMIT ?");
      s->bind(1, static_cast<int64_t>(after ? after->key : 0));
      s->bind(2, page_size + 1);
      JobPage page;
      int64_t last_id = 0;
      while (s->executeStep()) {
        if (static_cast<int>(page.jobs.size()) == page_size) {
          page.next = PageCursor{last_id, page.jobs.back().name()};
          break;
        }
        last_id = s->getColumn(0).getInt64();
        auto job = FromBlob<BenchmarkJob>(s->getColumn(1));
        if (!job.ok()) return job.status();
        page.jobs.push_back(*std::move(job));
      }
      return page;
    });
  }

  absl::StatusOr<BenchmarkJobRun> CreateRun(
      const WriteContext& ctx, absl::string_view job_name,
      const std::vector<std::string>& plans) override {
    return db_->Write<BenchmarkJobRun>(
        [&](Connection& c) -> absl::StatusOr<BenchmarkJobRun> {
          auto replay = db_->ReplayAs<BenchmarkJobRun>(c, ctx, job_name);
          if (!replay.ok()) return replay.status();
          if (replay->has_value()) return **replay;
          auto [job, job_id] = LoadJob(c, job_name);
          if (!job.ok()) return job.status();
          {
            ScopedStatement s = c.Prepare(
                "SELECT content FROM benchmark_job_runs WHERE job_id = ? AND "
                "state IN (1, 2)");
            s->bind(1, static_cast<int64_t>(job_id));
            if (s->executeStep()) {
              auto active = FromBlob<BenchmarkJobRun>(s->getColumn(0));
              return ErrorWithInfo(
                  absl::StatusCode::kFailedPrecondition,
                  absl::StrCat(job_name, " is already running (",
                               active.ok() ? active->name() : "", ")."),
                  "RUN_IN_PROGRESS", job_name);
            }
          }
          {
            ScopedStatement s = c.Prepare(
                "INSERT INTO benchmark_job_runs (job_id, state, content) "
                "VALUES (?, 1, x'')");
            s->bind(1, static_cast<int64_t>(job_id));
            s->exec();
          }
          const int64_t run_id = c.db().getLastInsertRowid();
          BenchmarkJobRun run;
          run.set_name(absl::StrCat(job_name, kRunsSegment, run_id));
          run.set_state(BenchmarkJobRun::PENDING);
          run.set_total_plans(static_cast<int>(plans.size()));
          *run.mutable_create_time() =
              TimeUtil::MicrosecondsToTimestamp(db_->Now());
          WriteRun(c, run_id, run);
          for (size_t i = 0; i < plans.size(); ++i) {
            ScopedStatement s = c.Prepare(
                "INSERT INTO benchmark_job_items (run_id, idx, plan, done) "
                "VALUES (?, ?, ?, 0)");
            s->bind(1, static_cast<int64_t>(run_id));
            s->bind(2, static_cast<int>(i));
            s->bind(3, plans[i]);
            s->exec();
          }
          job->set_latest_run(run.name());
          {
            ScopedStatement s =
                c.Prepare("UPDATE benchmark_jobs SET content = ? WHERE id = ?");
            BindMessage(s, 1, *job);
            s->bind(2, static_cast<int64_t>(job_id));
            s->exec();
          }
          db_->RecordWrite(c, ctx, job_name, run);
          return run;
        });
  }

  absl::StatusOr<BenchmarkJobRun> GetRun(absl::string_view name) override {
    return db_->Read<BenchmarkJobRun>(
        [&](Connection& c) -> absl::StatusOr<BenchmarkJobRun> {
          return LoadRun(c, name);
        });
  }

  absl::StatusOr<RunPage> ListRuns(
      absl::string_view job_name, int page_size,
      const std::optional<PageCursor>& after) override {
    return db_->Read<RunPage>([&](Connection& c) -> absl::StatusOr<RunPage> {
      auto [job, job_id] = LoadJob(c, job_name);
      if (!job.ok()) return job.status();
      ScopedStatement s = c.Prepare(
          "SELECT id, content FROM benchmark_job_runs WHERE job_id = ? AND "
          "id < ? ORDER BY id DESC LIMIT ?");
      s->bind(1, static_cast<int64_t>(job_id));
      s->bind(2, static_cast<int64_t>(after ? after->key : INT64_MAX));
      s->bind(3, page_size + 1);
      RunPage page;
      int64_t last_id = 0;
      while (s->executeStep()) {
        if (static_cast<int>(page.runs.size()) == page_size) {
          page.next = PageCursor{last_id, page.runs.back().name()};
          break;
        }
        last_id = s->getColumn(0).getInt64();
        auto run = FromBlob<BenchmarkJobRun>(s->getColumn(1));
        if (!run.ok()) return run.status();
        page.runs.push_back(*std::move(run));
      }
      return page;
    });
  }

  absl::StatusOr<std::vector<BenchmarkJobRun>> UnfinishedRuns() override {
    return db_->Read<std::vector<BenchmarkJobRun>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<BenchmarkJobRun>> {
          ScopedStatement s = c.Prepare(
              "SELECT content FROM benchmark_job_runs WHERE state IN (1, 2) "
              "ORDER BY id");
          std::vector<BenchmarkJobRun> runs;
          while (s->executeStep()) {
            auto run = FromBlob<BenchmarkJobRun>(s->getColumn(0));
            if (!run.ok()) return run.status();
            runs.push_back(*std::move(run));
          }
          return runs;
        });
  }

  absl::StatusOr<std::vector<PendingItem>> PendingItems(
      absl::string_view run_name) override {
    return db_->Read<std::vector<PendingItem>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<PendingItem>> {
          ScopedStatement s = c.Prepare(
              "SELECT idx, plan FROM benchmark_job_items WHERE run_id = ? AND "
              "done = 0 ORDER BY idx");
          s->bind(1, static_cast<int64_t>(RunId(run_name)));
          std::vector<PendingItem> items;
          while (s->executeStep()) {
            items.push_back(
                {s->getColumn(0).getInt(), s->getColumn(1).getString()});
          }
          return items;
        });
  }

  absl::Status RecordResult(absl::string_view run_name,
                            const BenchmarkJobResult& result) override {
    return db_
        ->Write<bool>([&](Connection& c) -> absl::StatusOr<bool> {
          auto run = LoadRun(c, run_name);
          if (!run.ok()) return run.status();
          // A finished (cancelled) run keeps the results it had: the plan a
          // worker was on when it was cancelled is not added afterwards.
          if (!Unfinished(run->state())) return true;
          {
            // report_id: a report a result refers to is never deleted by
            // retention (retention_store.h).
            ScopedStatement s = c.Prepare(
                "UPDATE benchmark_job_items SET done = 1, content = ?, "
                "report_id = ? WHERE run_id = ? AND idx = ? AND done = 0");
            BindMessage(s, 1, result);
            const int64_t report_id = internal::ReportIdOf(result.report());
            if (report_id > 0) {
              s->bind(2, static_cast<int64_t>(report_id));
            } else {
              s->bind(2);
            }
            s->bind(3, static_cast<int64_t>(RunId(run_name)));
            s->bind(4, result.index());
            s->exec();
            // Recorded already (a duplicate after a resumption): no count.
            if (c.db().getChanges() == 0) return true;
          }
          if (result.error().empty()) {
            run->set_succeeded_plans(run->succeeded_plans() + 1);
          } else {
            run->set_failed_plans(run->failed_plans() + 1);
          }
          WriteRun(c, RunId(run_name), *run);
          return true;
        })
        .status();
  }

  absl::StatusOr<std::vector<BenchmarkJobResult>> Results(
      absl::string_view run_name, int start_index, int limit) override {
    return db_->Read<std::vector<BenchmarkJobResult>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<BenchmarkJobResult>> {
          auto run = LoadRun(c, run_name);
          if (!run.ok()) return run.status();
          ScopedStatement s = c.Prepare(
              "SELECT done, content FROM benchmark_job_items WHERE run_id = ? "
              "AND idx >= ? ORDER BY idx LIMIT ?");
          s->bind(1, static_cast<int64_t>(RunId(run_name)));
          s->bind(2, start_index);
          s->bind(3, limit);
          std::vector<BenchmarkJobResult> results;
          while (s->executeStep() && s->getColumn(0).getInt() == 1) {
            auto result = FromBlob<BenchmarkJobResult>(s->getColumn(1));
            if (!result.ok()) return result.status();
            results.push_back(*std::move(result));
          }
          return results;
        });
  }

  absl::StatusOr<BenchmarkJobRun> SetRunState(
      absl::string_view run_name, BenchmarkJobRun::State state,
      absl::string_view reason, const itp::v1::RunChanges* changes,
      bool resumed) override {
    return db_->Write<BenchmarkJobRun>(
        [&](Connection& c) -> absl::StatusOr<BenchmarkJobRun> {
          auto run = LoadRun(c, run_name);
          if (!run.ok()) return run.status();
          if (!Unfinished(run->state())) return run;
          const auto now = TimeUtil::MicrosecondsToTimestamp(db_->Now());
          if (state == BenchmarkJobRun::RUNNING && !run->has_start_time()) {
            *run->mutable_start_time() = now;
          }
          if (!Unfinished(state)) *run->mutable_end_time() = now;
          if (resumed) run->set_resumptions(run->resumptions() + 1);
          run->set_state(state);
          run->set_reason(std::string(reason));
          if (changes != nullptr) *run->mutable_changes() = *changes;
          WriteRun(c, RunId(run_name), *run);
          return run;
        });
  }

  absl::StatusOr<std::optional<BenchmarkJobRun>> PreviousSucceededRun(
      absl::string_view run_name) override {
    return db_->Read<std::optional<BenchmarkJobRun>>(
        [&](Connection& c) -> absl::StatusOr<std::optional<BenchmarkJobRun>> {
          ScopedStatement s = c.Prepare(
              "SELECT content FROM benchmark_job_runs WHERE job_id = (SELECT "
              "job_id FROM benchmark_job_runs WHERE id = ?) AND id < ? AND "
              "state = 3 ORDER BY id DESC LIMIT 1");
          s->bind(1, static_cast<int64_t>(RunId(run_name)));
          s->bind(2, static_cast<int64_t>(RunId(run_name)));
          if (!s->executeStep()) return std::optional<BenchmarkJobRun>();
          auto run = FromBlob<BenchmarkJobRun>(s->getColumn(0));
          if (!run.ok()) return run.status();
          return std::optional<BenchmarkJobRun>(*std::move(run));
        });
  }

 private:
  std::pair<absl::StatusOr<BenchmarkJob>, int64_t> LoadJob(
      Connection& c, absl::string_view name) {
    ScopedStatement s =
        c.Prepare("SELECT id, content FROM benchmark_jobs WHERE name = ?");
    s->bind(1, std::string(name));
    if (!s->executeStep()) return {JobNotFound(name), 0};
    return {FromBlob<BenchmarkJob>(s->getColumn(1)),
            s->getColumn(0).getInt64()};
  }

  absl::StatusOr<BenchmarkJobRun> LoadRun(Connection& c,
                                          absl::string_view name) {
    ScopedStatement s =
        c.Prepare("SELECT content FROM benchmark_job_runs WHERE id = ?");
    s->bind(1, static_cast<int64_t>(RunId(name)));
    if (!s->executeStep()) return RunNotFound(name);
    auto run = FromBlob<BenchmarkJobRun>(s->getColumn(0));
    if (run.ok() && run->name() != name) return RunNotFound(name);
    return run;
  }

  void WriteRun(Connection& c, int64_t id, const BenchmarkJobRun& run) {
    ScopedStatement s = c.Prepare(
        "UPDATE benchmark_job_runs SET state = ?, content = ? WHERE id = ?");
    s->bind(1, static_cast<int>(run.state()));
    BindMessage(s, 2, run);
    s->bind(3, static_cast<int64_t>(id));
    s->exec();
  }

  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<JobStore> NewSqliteJobStore(std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteJobStore>(std::move(db));
}

}  // namespace internal
}  // namespace itp::storage
