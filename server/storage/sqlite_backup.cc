#include "server/storage/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/storage/sqlite.h"

namespace itp::storage {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

constexpr absl::Duration kBusyLimit = absl::Minutes(1);

// Removes a temporary database file and what SQLite may have left beside
// it, when the copy is done or has failed.
class TempFiles {
 public:
  explicit TempFiles(std::string path) : path_(std::move(path)) {}
  ~TempFiles() {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      unlink((path_ + suffix).c_str());
    }
  }
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;

 private:
  const std::string path_;
};

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(
      what, ": ", db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

absl::StatusOr<Db> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK)
    return SqliteError(raw, absl::StrCat("Cannot open ", path));
  // The server's writers hold the write lock for one transaction at a time.
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

// The first column of the first row of `sql`, as text ("" for no row).
absl::StatusOr<std::string> QueryText(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, sql);
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw,
                                                             sqlite3_finalize);
  const int rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return SqliteError(db, sql);
  const unsigned char* text = sqlite3_column_text(raw, 0);
  return text == nullptr ? std::string()
                         : std::string(reinterpret_cast<const char*>(text));
}

absl::Status FsyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("Cannot open ", path, ": ", strerror(errno)));
  }
  const bool ok = fsync(fd) == 0;
  close(fd);
  if (!ok) return absl::UnavailableError(absl::StrCat("Cannot sync ", path));
  return absl::OkStatus();
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Copies `from` into the new file `to` (through a temporary file beside
// it), checks the copy and links it into place. `check` looks at the source
// before the copy.
absl::StatusOr<SqliteCopyReport> Copy(
    const std::string& from, const std::string& to, absl::string_view what,
    const std::function<absl::Status(sqlite3*)>& check) {
  if (!Exists(from)) {
    return absl::NotFoundError(absl::StrCat("No ", what, " at ", from, "."));
  }
  for (const std::string& path : {to, to + "-wal", to + "-journal"}) {
    if (Exists(path)) {
      return absl::AlreadyExistsError(absl::StrCat(
          path, " exists; the ", what == "database" ? "backup" : "restore",
          " writes a new file only (move the old one away first)."));
    }
  }
  auto source = Open(from, SQLITE_OPEN_READONLY);
  if (!source.ok()) return source.status();
  if (check) {
    absl::Status checked = check(source->get());
    if (!checked.ok()) return checked;
  }
  // A temporary file of this run's own (O_EXCL), so that two runs never
  // share one; an empty file is an empty database to SQLite.
  std::string tmp = to + ".tmp-XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("Cannot create a file beside ",
                                               to, ": ", strerror(errno)));
  }
  close(fd);
  TempFiles cleanup(tmp);
  auto target = Open(tmp, SQLITE_OPEN_READWRITE);
  if (!target.ok()) return target.status();
  sqlite3_backup* backup =
      sqlite3_backup_init(target->get(), "main", source->get(), "main");
  if (backup == nullptr) {
    return SqliteError(target->get(), "Cannot start the copy");
  }
  // All pages in one step: one read transaction, so one consistent snapshot
  // (stepping in pieces would restart whenever the server writes). Busy
  // only while another process holds an exclusive lock: retried for a
  // minute.
  const absl::Time give_up = absl::Now() + kBusyLimit;
  int rc;
  while (((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY ||
          rc == SQLITE_LOCKED) &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  SqliteCopyReport report;
  report.pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return absl::UnavailableError(
        absl::StrCat("Copying ", from, " failed: ", sqlite3_errstr(rc)));
  }
  source->reset();
  absl::StatusOr<std::string> integrity =
      QueryText(target->get(), "PRAGMA integrity_check");
  absl::StatusOr<std::string> version =
      QueryText(target->get(), "PRAGMA user_version");
  absl::StatusOr<std::string> page_size =
      QueryText(target->get(), "PRAGMA page_size");
  absl::StatusOr<std::string> plans =
      QueryText(target->get(), "SELECT count(*) FROM plans");
  // The copy is a file of its own: no -wal beside it.
  absl::StatusOr<std::string> journal =
      QueryText(target->get(), "PRAGMA journal_mode=DELETE");
  target->reset();
  for (const auto* result :
       {&integrity, &version, &page_size, &plans, &journal}) {
    if (!result->ok()) return result->status();
  }
  if (*integrity != "ok") {
    return absl::FailedPreconditionError(absl::StrCat(
        "The copy of ", from, " fails PRAGMA integrity_check: ", *integrity));
  }
  report.schema_version = std::atoi(version->c_str());
  report.bytes = report.pages * std::atoll(page_size->c_str());
  report.plans = std::atoll(plans->c_str());
  absl::Status synced = FsyncPath(tmp, O_RDONLY);
  if (!synced.ok()) return synced;
  // link() rather than rename(): it fails if `to` appeared meanwhile, so
  // nothing is ever replaced.
  if (link(tmp.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(to, " appeared while the copy was made; it is kept."));
    }
    return absl::UnavailableError(
        absl::StrCat("Cannot create ", to, ": ", strerror(errno)));
  }
  absl::Status directory = FsyncPath(DirectoryOf(to), O_RDONLY | O_DIRECTORY);
  if (!directory.ok()) return directory;
  return report;
}

// The backup must be an ITP database this build can open.
absl::Status CheckRestorable(const std::string& path, sqlite3* db) {
  absl::StatusOr<std::string> tables =
      QueryText(db,
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                "name IN ('plans', 'api_keys', 'audit_events')");
  if (!tables.ok() || *tables != "3") {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not an ITP database backup."));
  }
  absl::StatusOr<std::string> version = QueryText(db, "PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (std::atoi(version->c_str()) > SqliteSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " has database schema version ", *version,
                     ", newer than this itp-server's ", SqliteSchemaVersion(),
                     ": restore it with that server or a newer one."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SqliteCopyReport> BackupSqliteDatabase(
    const std::string& db_path, const std::string& backup_path) {
  return Copy(db_path, backup_path, "database", nullptr);
}

absl::StatusOr<SqliteCopyReport> RestoreSqliteDatabase(
    const std::string& backup_path, const std::string& db_path) {
  return Copy(backup_path, db_path, "backup",
              [&](sqlite3* db) { return CheckRestorable(backup_path, db); });
}

}  // namespace itp::storage
