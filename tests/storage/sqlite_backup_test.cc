// Online backup and restore (sqlite_backup.h) on real database files: what a
// copy holds, taken while another thread keeps writing, and what backup and
// restore refuse.

#include "server/storage/sqlite_backup.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "server/storage/plan_store.h"
#include "server/storage/sqlite.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using ::itp::testing::RawDatabase;
using ::itp::testing::TempDir;

// The G20 steel producers among LeadIT's partners, for plan names.
constexpr const char* kCountries[] = {"IND", "IDN", "VNM", "BRA", "ZAF",
                                      "MEX", "TUR", "EGY", "KEN", "ARG"};

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    SqliteOptions options;
    options.path = db_path_;
    options.pool_size = 4;
    options.busy_timeout_ms = 60000;
    absl::StatusOr<SqliteStores> stores = OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status();
    stores_ = *std::move(stores);
  }

  // Creates steel plan number `i` and returns its name.
  std::string CreatePlan(int i) {
    const char* country = kCountries[i % 10];
    itp::v1::Plan plan = testing::SteelPlan(country, 1.8 + 0.001 * (i % 900));
    plan.set_name(absl::StrCat("countries/", country, "/plans/steel-", i));
    WriteContext ctx;
    ctx.method = "/itp.v1.PlanService/CreatePlan";
    auto created = stores_.plans->CreatePlan(ctx, plan);
    EXPECT_TRUE(created.ok()) << created.status();
    return plan.name();
  }

  // The names in the test's directory, sorted.
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    DIR* dir = opendir(dir_.path().c_str());
    if (dir == nullptr) return names;
    while (dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir_;
  const std::string db_path_ = dir_.File("itp.db");
  SqliteStores stores_;
};

TEST_F(SqliteBackupTest, TheCopyHoldsEveryPlanAndPassesTheIntegrityCheck) {
  for (int i = 0; i < 40; ++i) CreatePlan(i);
  const std::string backup = dir_.File("itp-backup.db");
  auto report = BackupSqliteDatabase(db_path_, backup);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->plans, 40);
  EXPECT_EQ(report->schema_version, SqliteSchemaVersion());
  EXPECT_GT(report->pages, 10);
  RawDatabase copy(backup);
  EXPECT_EQ(report->bytes, report->pages * copy.QueryInt("PRAGMA page_size"));
  EXPECT_EQ(copy.QueryText("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(copy.QueryText("PRAGMA journal_mode"), "delete");
  EXPECT_EQ(copy.Count("plans"), 40);
  EXPECT_EQ(copy.QueryText("SELECT name FROM plans ORDER BY id LIMIT 1"),
            "countries/IND/plans/steel-0");
  // Nothing but the database and its backup is left in the directory.
  EXPECT_EQ(Listing(), (std::vector<std::string>{"itp-backup.db", "itp.db",
                                                 "itp.db-shm", "itp.db-wal"}));
  struct stat info;
  ASSERT_EQ(stat(backup.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(SqliteBackupTest, ABackupUnderWritesHoldsEverythingAcknowledgedBefore) {
  for (int i = 0; i < 20; ++i) CreatePlan(i);
  std::atomic<int> acknowledged{20};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 20; !stop.load(); ++i) {
      CreatePlan(i);
      acknowledged.store(i + 1);
    }
  });
  // Let the writer run, then back up while it goes on.
  while (acknowledged.load() < 200) std::this_thread::yield();
  const int before = acknowledged.load();
  const std::string backup = dir_.File("under-load.db");
  auto report = BackupSqliteDatabase(db_path_, backup);
  const int after = acknowledged.load();
  stop.store(true);
  writer.join();
  ASSERT_TRUE(report.ok()) << report.status();
  // Plans are created in order: the copy holds a prefix of them, at least
  // every one acknowledged before the backup started, and at most one more
  // than those acknowledged when it returned (committed, not yet
  // acknowledged).
  EXPECT_GE(report->plans, before);
  EXPECT_LE(report->plans, after + 1);
  RawDatabase copy(backup);
  EXPECT_EQ(copy.QueryText("PRAGMA integrity_check"), "ok");
  for (int i = 0; i < before; ++i) {
    const std::string name =
        absl::StrCat("countries/", kCountries[i % 10], "/plans/steel-", i);
    ASSERT_EQ(copy.QueryInt(absl::StrCat(
                  "SELECT count(*) FROM plans WHERE name = '", name, "'")),
              1)
        << name;
  }
  // Every plan's audit event came along in the same snapshot.
  EXPECT_EQ(copy.QueryInt("SELECT count(*) FROM audit_events WHERE method = "
                          "'/itp.v1.PlanService/CreatePlan'"),
            report->plans);
}

TEST_F(SqliteBackupTest, ARestoredDatabaseOpensWithItsPlans) {
  const std::string first = CreatePlan(1);
  const std::string backup = dir_.File("itp-backup.db");
  ASSERT_TRUE(BackupSqliteDatabase(db_path_, backup).ok());
  const std::string restored_path = dir_.File("restored.db");
  auto restored = RestoreSqliteDatabase(backup, restored_path);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->plans, 1);
  SqliteOptions options;
  options.path = restored_path;
  auto stores = OpenSqliteStores(options);
  ASSERT_TRUE(stores.ok()) << stores.status();
  auto plan = stores->plans->GetPlan(first);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->country(), "IDN");
}

TEST_F(SqliteBackupTest, NeitherOverwritesAFile) {
  CreatePlan(0);
  const std::string backup = dir_.File("itp-backup.db");
  ASSERT_TRUE(BackupSqliteDatabase(db_path_, backup).ok());
  CreatePlan(1);
  auto again = BackupSqliteDatabase(db_path_, backup);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(),
            absl::StrCat(backup,
                         " exists; the backup writes a new file only "
                         "(move the old one away first)."));
  EXPECT_EQ(RawDatabase(backup).Count("plans"), 1);
  const std::string journal = dir_.File("restored.db-journal");
  RawDatabase(journal).Exec("CREATE TABLE leftover (x INTEGER)");
  auto over_journal = RestoreSqliteDatabase(backup, dir_.File("restored.db"));
  EXPECT_EQ(over_journal.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(over_journal.status().message(),
            absl::StrCat(journal,
                         " exists; the restore writes a new file "
                         "only (move the old one away first)."));

  auto over_live = RestoreSqliteDatabase(backup, db_path_);
  EXPECT_EQ(over_live.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(over_live.status().message(),
            absl::StrCat(db_path_,
                         " exists; the restore writes a new file "
                         "only (move the old one away first)."));
  auto plans = stores_.plans->GetPlan("countries/IDN/plans/steel-1");
  EXPECT_TRUE(plans.ok()) << plans.status();
}

TEST_F(SqliteBackupTest, MissingFilesAreNamed) {
  auto backup = BackupSqliteDatabase(dir_.File("none.db"), dir_.File("b.db"));
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(backup.status().message(),
            absl::StrCat("No database at ", dir_.File("none.db"), "."));
  auto restore = RestoreSqliteDatabase(dir_.File("none.db"), dir_.File("r.db"));
  EXPECT_EQ(restore.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(restore.status().message(),
            absl::StrCat("No backup at ", dir_.File("none.db"), "."));
  EXPECT_FALSE(Exists(dir_.File("b.db")));
  EXPECT_FALSE(Exists(dir_.File("r.db")));
}

TEST_F(SqliteBackupTest, RestoreRefusesANewerSchemaAndOtherDatabases) {
  const std::string backup = dir_.File("itp-backup.db");
  ASSERT_TRUE(BackupSqliteDatabase(db_path_, backup).ok());
  RawDatabase(backup).Exec(
      absl::StrCat("PRAGMA user_version = ", SqliteSchemaVersion() + 1));
  auto newer = RestoreSqliteDatabase(backup, dir_.File("restored.db"));
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      newer.status().message(),
      absl::StrCat(backup, " has database schema version ",
                   SqliteSchemaVersion() + 1, ", newer than this itp-server's ",
                   SqliteSchemaVersion(),
                   ": restore it with that server or a newer one."));

  const std::string other = dir_.File("emissions.db");
  RawDatabase(other).Exec(
      "CREATE TABLE facilities (name TEXT, country TEXT, mtco2 REAL);"
      "INSERT INTO facilities VALUES ('Jamshedpur works', 'IND', 28.4);");
  auto foreign = RestoreSqliteDatabase(other, dir_.File("restored.db"));
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(foreign.status().message(),
            absl::StrCat(other, " is not an ITP database backup."));
  EXPECT_FALSE(Exists(dir_.File("restored.db")));
  EXPECT_EQ(Listing(),
            (std::vector<std::string>{"emissions.db", "itp-backup.db", "itp.db",
                                      "itp.db-shm", "itp.db-wal"}));
}

}  // namespace
}  // namespace itp::storage
