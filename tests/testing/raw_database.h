// Direct access to a database file through the sqlite3 C API, independent of
// the stores under test: to count rows, read columns the stores do not
// expose, and recreate an older schema for migration tests.

#ifndef ITP_TESTS_TESTING_RAW_DATABASE_H_
#define ITP_TESTS_TESTING_RAW_DATABASE_H_

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;

namespace itp::testing {

// Every failure (open, prepare, step) is a GoogleTest failure naming the SQL.
class RawDatabase {
 public:
  // Opens (or creates) the file at `path`, waiting up to 10 s on locks.
  explicit RawDatabase(const std::string& path);
  ~RawDatabase();
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // Runs one or more statements.
  void Exec(const std::string& sql);

  // Runs `sql` with `blob` bound to its single parameter.
  void ExecWithBlob(const std::string& sql, const std::string& blob);

  // The first column of the first row of `sql`, as text ("" if no row).
  std::string QueryText(const std::string& sql);
  int QueryInt(const std::string& sql);

  // The first column of each row of `sql`, as text ("NULL" for NULL).
  std::vector<std::string> Column(const std::string& sql);

  // The number of rows of `table`.
  int64_t Count(const std::string& table);

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_RAW_DATABASE_H_
