// Online backup and restore of the SQLite database with SQLite's backup API.
//
// A backup reads one consistent snapshot of the database while the server
// keeps serving and writing (WAL mode: the backup's read transaction blocks
// no writer), so it holds every write acknowledged before it started, and
// perhaps some acknowledged while it ran. The copy is written to a
// temporary file of its own beside the destination (mode 0600), checked
// with PRAGMA integrity_check, synced and linked into place, which fails
// rather than replace a file: a destination file is either a whole, checked
// backup or absent, and two runs never share a temporary file.
//
// A restore is the same copy the other way, into a database file that does
// not exist yet: the server is then started on it. Both refuse to overwrite.
//
//   auto backup = BackupSqliteDatabase("/var/lib/itp/itp.db",
//                                      "/backups/itp-2026-12-03.db");
//   auto restored = RestoreSqliteDatabase("/backups/itp-2026-12-03.db",
//                                         "/var/lib/itp/itp.db");
#ifndef ITP_SERVER_STORAGE_SQLITE_BACKUP_H_
#define ITP_SERVER_STORAGE_SQLITE_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace itp::storage {

struct SqliteCopyReport {
  // Database pages copied and their size in bytes.
  int64_t pages = 0;
  int64_t bytes = 0;
  // PRAGMA user_version of the copy.
  int schema_version = 0;
  // Plans in the copy (latest revisions), for the operator's log.
  int64_t plans = 0;
};

// Copies the database at `db_path` to `backup_path`. NOT_FOUND when there is
// no database, ALREADY_EXISTS when `backup_path` exists, FAILED_PRECONDITION
// when the copy fails its integrity check, UNAVAILABLE on I/O errors or when
// the database stays locked for a minute.
absl::StatusOr<SqliteCopyReport> BackupSqliteDatabase(
    const std::string& db_path, const std::string& backup_path);

// Copies the backup at `backup_path` to a new database file `db_path`.
// NOT_FOUND when there is no backup, ALREADY_EXISTS when `db_path` (or its
// -wal or -journal file) exists, FAILED_PRECONDITION when the backup is not an
// ITP database, fails its integrity check or has a schema newer than this build
// (SqliteSchemaVersion()), UNAVAILABLE on I/O errors.
absl::StatusOr<SqliteCopyReport> RestoreSqliteDatabase(
    const std::string& backup_path, const std::string& db_path);

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_SQLITE_BACKUP_H_
