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
#include <string>
#include <utility>

#include "SQLiteCpp/Backup.h"
#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Exception.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/storage/sqlite.h"

namespace itp::storage {
namespace {

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

// What the copy is called in messages: the source ("database", "backup")
// and the operation ("backup", "restore").
struct CopyKind {
  const char* source;
  const char* operation;
};
constexpr CopyKind kBackup = {"database", "backup"};
constexpr CopyKind kRestore = {"backup", "restore"};

// Copies `from` into the new file `to` (through a temporary file beside
// it), checks the copy and links it into place. `check` looks at the source
// before the copy.
absl::StatusOr<SqliteCopyReport> Copy(
    const std::string& from, const std::string& to, const CopyKind& kind,
    const std::function<absl::Status(SQLite::Database&)>& check) {
  if (!Exists(from)) {
    return absl::NotFoundError(
        absl::StrCat("No ", kind.source, " at ", from, "."));
  }
  for (const std::string& path : {to, to + "-wal", to + "-journal"}) {
    if (Exists(path)) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " exists; the ", kind.operation,
                       " writes a new file only (move the old one away "
                       "first)."));
    }
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
  SqliteCopyReport report;
  try {
    // The server's writers hold the write lock one transaction at a time.
    SQLite::Database source(from, SQLite::OPEN_READONLY, 10000);
    if (check) {
      absl::Status checked = check(source);
      if (!checked.ok()) return checked;
    }
    SQLite::Database target(tmp, SQLite::OPEN_READWRITE, 10000);
    {
      SQLite::Backup backup(target, source);
      // All pages in one step: one read transaction, so one consistent
      // snapshot (stepping in pieces would restart whenever the server
      // writes). Busy only while another process holds an exclusive lock:
      // retried for a minute.
      const absl::Time give_up = absl::Now() + kBusyLimit;
      int rc;
      while (((rc = backup.executeStep(-1)) == SQLITE_BUSY ||
              rc == SQLITE_LOCKED) &&
             absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(50));
      }
      if (rc != SQLITE_DONE) {
        return absl::UnavailableError(
            absl::StrCat("Copying ", from, " failed: ", sqlite3_errstr(rc)));
      }
      report.pages = backup.getTotalPageCount();
    }
    const std::string integrity =
        target.execAndGet("PRAGMA integrity_check").getString();
    if (integrity != "ok") {
      return absl::FailedPreconditionError(absl::StrCat(
          "The copy of ", from, " fails PRAGMA integrity_check: ", integrity));
    }
    report.schema_version = target.execAndGet("PRAGMA user_version").getInt();
    report.bytes =
        report.pages * target.execAndGet("PRAGMA page_size").getInt64();
    report.plans = target.execAndGet("SELECT count(*) FROM plans").getInt64();
    // The copy is a file of its own: no -wal beside it.
    target.execAndGet("PRAGMA journal_mode=DELETE");
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat("Copying ", from, " failed: ", e.what()));
  }
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
absl::Status CheckRestorable(const std::string& path, SQLite::Database& db) {
  int tables = 0;
  int version = 0;
  try {
    tables = db.execAndGet(
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                   "AND name IN ('plans', 'api_keys', 'audit_events')")
                 .getInt();
    version = db.execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception&) {
    tables = 0;  // not an SQLite file at all
  }
  if (tables != 3) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not an ITP database backup."));
  }
  if (version > SqliteSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " has database schema version ", version,
                     ", newer than this itp-server's ", SqliteSchemaVersion(),
                     ": restore it with that server or a newer one."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SqliteCopyReport> BackupSqliteDatabase(
    const std::string& db_path, const std::string& backup_path) {
  return Copy(db_path, backup_path, kBackup, nullptr);
}

absl::StatusOr<SqliteCopyReport> RestoreSqliteDatabase(
    const std::string& backup_path, const std::string& db_path) {
  return Copy(backup_path, db_path, kRestore, [&](SQLite::Database& db) {
    return CheckRestorable(backup_path, db);
  });
}

}  // namespace itp::storage
