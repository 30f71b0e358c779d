// SQLite implementation of BenchmarkStore.

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {

bool IsDraftReport(const itp::v1::BenchmarkReport& report) {
  return !absl::StrContains(report.plan_revision(), "/revisions/");
}

namespace {

using domain::ErrorWithInfo;
using domain::PageCursor;
using google::protobuf::util::TimeUtil;
using internal::BindMessage;
using internal::Connection;
using internal::FromBlob;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::BenchmarkReport;
using itp::v1::Pathway;

absl::Status PathwayNotFound(absl::string_view name) {
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Pathway ", name, " does not exist."),
                       "PATHWAY_NOT_FOUND", name);
}

absl::Status ReportNotFound(absl::string_view name) {
  return ErrorWithInfo(
      absl::StatusCode::kNotFound,
      absl::StrCat("Benchmark report ", name, " does not exist."),
      "BENCHMARK_REPORT_NOT_FOUND", name);
}

class SqliteBenchmarkStore : public BenchmarkStore {
 public:
  explicit SqliteBenchmarkStore(std::shared_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  absl::Status SeedPathways(const std::vector<Pathway>& pathways) override {
    return db_
        ->Write<bool>([&](Connection& c) -> absl::StatusOr<bool> {
          for (const Pathway& input : pathways) {
            std::optional<Pathway> stored;
            {
              ScopedStatement s =
                  c.Prepare("SELECT content FROM pathways WHERE name = ?");
              s->bind(1, input.name());
              if (s->executeStep()) {
                auto parsed = FromBlob<Pathway>(s->getColumn(0));
                if (!parsed.ok()) return parsed.status();
                stored = *std::move(parsed);
              }
            }
            Pathway pathway = input;
            pathway.set_built_in(true);
            // An admin's pathway of the same name is never overwritten.
            if (stored && !stored->built_in()) continue;
            if (stored) {
              *pathway.mutable_create_time() = stored->create_time();
              if (google::protobuf::util::MessageDifferencer::Equals(pathway,
                                                                     *stored)) {
                continue;
              }
            } else {
              *pathway.mutable_create_time() =
                  TimeUtil::MicrosecondsToTimestamp(db_->Now());
            }
            ScopedStatement s = c.Prepare(
                "INSERT INTO pathways (name, sector, built_in, create_time, "
                "content) VALUES (?, ?, 1, ?, ?) ON CONFLICT(name) DO UPDATE "
                "SET sector = excluded.sector, content = excluded.content "
                "WHERE built_in = 1");
            s->bind(1, pathway.name());
            s->bind(2, static_cast<int>(pathway.sector()));
            s->bind(3, static_cast<int64_t>(TimeUtil::TimestampToMicroseconds(
                           pathway.create_time())));
            BindMessage(s, 4, pathway);
            s->exec();
          }
          return true;
        })
        .status();
  }

  absl::StatusOr<Pathway> CreatePathway(const WriteContext& ctx,
                                        const Pathway& input) override {
    return db_->Write<Pathway>([&](Connection& c) -> absl::StatusOr<Pathway> {
      auto replay = db_->ReplayAs<Pathway>(c, ctx, input.name());
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      {
        ScopedStatement s = c.Prepare("SELECT 1 FROM pathways WHERE name = ?");
        s->bind(1, input.name());
        if (s->executeStep()) {
          return ErrorWithInfo(
              absl::StatusCode::kAlreadyExists,
              absl::StrCat("Pathway ", input.name(), " already exists."),
              "PATHWAY_ALREADY_EXISTS", input.name());
        }
      }
      const int64_t now = db_->Now();
      Pathway pathway = input;
      pathway.set_built_in(false);
      *pathway.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      {
        ScopedStatement s = c.Prepare(
            "INSERT INTO pathways (name, sector, built_in, create_time, "
            "content) VALUES (?, ?, 0, ?, ?)");
        s->bind(1, pathway.name());
        s->bind(2, static_cast<int>(pathway.sector()));
        s->bind(3, static_cast<int64_t>(now));
        BindMessage(s, 4, pathway);
        s->exec();
      }
      db_->RecordWrite(c, ctx, pathway.name(), pathway);
      return pathway;
    });
  }

  absl::StatusOr<Pathway> GetPathway(absl::string_view name) override {
    return db_->Read<Pathway>([&](Connection& c) -> absl::StatusOr<Pathway> {
      ScopedStatement s =
          c.Prepare("SELECT content FROM pathways WHERE name = ?");
      s->bind(1, std::string(name));
      if (!s->executeStep()) return PathwayNotFound(name);
      return FromBlob<Pathway>(s->getColumn(0));
    });
  }

  absl::StatusOr<PathwayPage> ListPathways(
      itp::v1::Sector sector, int page_size,
      const std::optional<PageCursor>& after) override {
    return db_->Read<PathwayPage>(
        [&](Connection& c) -> absl::StatusOr<PathwayPage> {
          ScopedStatement s = c.Prepare(
              "SELECT content FROM pathways WHERE (? = 0 OR sector = ?) AND "
              "name > ? ORDER BY name LIMIT ?");
          s->bind(1, static_cast<int>(sector));
          s->bind(2, static_cast<int>(sector));
          s->bind(3, after ? after->name : std::string());
          s->bind(4, page_size + 1);
          PathwayPage page;
          while (s->executeStep()) {
            if (static_cast<int>(page.pathways.size()) == page_size) {
              page.next = PageCursor{0, page.pathways.back().name()};
              break;
            }
            auto pathway = FromBlob<Pathway>(s->getColumn(0));
            if (!pathway.ok()) return pathway.status();
            page.pathways.push_back(*std::move(pathway));
          }
          return page;
        });
  }

  absl::StatusOr<std::vector<Pathway>> PathwaysOfSector(
      itp::v1::Sector sector) override {
    return db_->Read<std::vector<Pathway>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<Pathway>> {
          ScopedStatement s = c.Prepare(
              "SELECT content FROM pathways WHERE sector = ? ORDER BY name");
          s->bind(1, static_cast<int>(sector));
          std::vector<Pathway> pathways;
          while (s->executeStep()) {
            auto pathway = FromBlob<Pathway>(s->getColumn(0));
            if (!pathway.ok()) return pathway.status();
            pathways.push_back(*std::move(pathway));
          }
          return pathways;
        });
  }

  absl::StatusOr<BenchmarkReport> CreateReport(
      const WriteContext& ctx, absl::string_view plan_name,
      const BenchmarkReport& input) override {
    return db_->Write<BenchmarkReport>([&](Connection& c)
                                           -> absl::StatusOr<BenchmarkReport> {
      auto replay = db_->ReplayAs<BenchmarkReport>(c, ctx, plan_name);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      int64_t plan_id = 0;
      {
        ScopedStatement s = c.Prepare("SELECT id FROM plans WHERE name = ?");
        s->bind(1, std::string(plan_name));
        if (!s->executeStep()) {
          return ErrorWithInfo(
              absl::StatusCode::kNotFound,
              absl::StrCat("Plan ", plan_name, " does not exist."),
              "PLAN_NOT_FOUND", plan_name);
        }
        plan_id = s->getColumn(0).getInt64();
      }
      const int64_t now = db_->Now();
      {
        // The revision and parameters let retention find superseded
        // reports without decoding any (retention_store.h).
        const std::string parameters = internal::ReportParameters(input);
        ScopedStatement s = c.Prepare(
            "INSERT INTO benchmark_reports (plan_id, create_time, "
            "content, plan_revision, parameters) VALUES (?, ?, x'', ?, ?)");
        s->bind(1, static_cast<int64_t>(plan_id));
        s->bind(2, static_cast<int64_t>(now));
        s->bind(3, input.plan_revision());
        s->bind(4, parameters.data(), static_cast<int>(parameters.size()));
        s->exec();
      }
      const int64_t report_id = c.db().getLastInsertRowid();
      BenchmarkReport report = input;
      report.set_name(absl::StrCat(plan_name, "/benchmarkReports/", report_id));
      *report.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      {
        ScopedStatement s =
            c.Prepare("UPDATE benchmark_reports SET content = ? WHERE id = ?");
        BindMessage(s, 1, report);
        s->bind(2, static_cast<int64_t>(report_id));
        s->exec();
      }
      db_->RecordWrite(c, ctx, plan_name, report);
      return report;
    });
  }

  absl::StatusOr<BenchmarkReport> GetReport(absl::string_view name) override {
    const size_t slash = name.rfind('/');
    int64_t id = 0;
    if (slash == absl::string_view::npos ||
        !absl::SimpleAtoi(name.substr(slash + 1), &id)) {
      return ReportNotFound(name);
    }
    return db_->Read<BenchmarkReport>(
        [&](Connection& c) -> absl::StatusOr<BenchmarkReport> {
          ScopedStatement s =
              c.Prepare("SELECT content FROM benchmark_reports WHERE id = ?");
          s->bind(1, static_cast<int64_t>(id));
          if (!s->executeStep()) return ReportNotFound(name);
          auto report = FromBlob<BenchmarkReport>(s->getColumn(0));
          // The id is global: make sure it belongs to the named plan.
          if (report.ok() && report->name() != name) {
            return ReportNotFound(name);
          }
          return report;
        });
  }

  absl::StatusOr<ReportPage> ListReports(
      absl::string_view plan_name, int page_size,
      const std::optional<PageCursor>& after, bool with_drafts) override {
    return db_->Read<ReportPage>(
        [&](Connection& c) -> absl::StatusOr<ReportPage> {
          // Reports of drafts are skipped here, so LIMIT cannot count them;
          // with them, a page reads no more rows than it returns.
          ScopedStatement s = c.Prepare(absl::StrCat(
              "SELECT r.id, r.content FROM benchmark_reports r JOIN plans p "
              "ON p.id = r.plan_id WHERE p.name = ? AND r.id < ? "
              "ORDER BY r.id DESC",
              with_drafts ? " LIMIT ?" : ""));
          s->bind(1, std::string(plan_name));
          s->bind(2, static_cast<int64_t>(after ? after->key : INT64_MAX));
          if (with_drafts) s->bind(3, page_size + 1);
          ReportPage page;
          int64_t last_id = 0;
          while (s->executeStep()) {
            auto report = FromBlob<BenchmarkReport>(s->getColumn(1));
            if (!report.ok()) return report.status();
            if (!with_drafts && IsDraftReport(*report)) continue;
            if (static_cast<int>(page.reports.size()) == page_size) {
              page.next = PageCursor{last_id, page.reports.back().name()};
              break;
            }
            last_id = s->getColumn(0).getInt64();
            page.reports.push_back(*std::move(report));
          }
          return page;
        });
  }

 private:
  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<BenchmarkStore> NewSqliteBenchmarkStore(
    std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteBenchmarkStore>(std::move(db));
}

}  // namespace internal
}  // namespace itp::storage
