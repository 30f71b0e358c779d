#include "tests/testing/raw_database.h"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace itp::testing {

RawDatabase::RawDatabase(const std::string& path) {
  EXPECT_EQ(
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
      SQLITE_OK)
      << path;
  sqlite3_busy_timeout(db_, 10000);
}

RawDatabase::~RawDatabase() { sqlite3_close(db_); }

void RawDatabase::Exec(const std::string& sql) {
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << sql << ": " << (error ? error : "");
  sqlite3_free(error);
}

void RawDatabase::ExecWithBlob(const std::string& sql,
                               const std::string& blob) {
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db_);
  EXPECT_EQ(sqlite3_bind_blob(stmt, 1, blob.data(),
                              static_cast<int>(blob.size()), SQLITE_TRANSIENT),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
}

std::vector<std::string> RawDatabase::Column(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  std::vector<std::string> values;
  EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db_);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    values.push_back(text == nullptr ? "NULL"
                                     : reinterpret_cast<const char*>(text));
  }
  sqlite3_finalize(stmt);
  return values;
}

std::string RawDatabase::QueryText(const std::string& sql) {
  std::vector<std::string> values = Column(sql);
  if (values.empty() || values[0] == "NULL") return "";
  return values[0];
}

int RawDatabase::QueryInt(const std::string& sql) {
  return std::stoi(QueryText(sql));
}

int64_t RawDatabase::Count(const std::string& table) {
  std::vector<std::string> n = Column("SELECT COUNT(*) FROM " + table);
  return n.empty() ? -1 : std::stoll(n[0]);
}

}  // namespace itp::testing
