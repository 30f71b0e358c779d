// A temporary directory for a test's database files, removed with everything
// in it when the object goes out of scope.
//
//   TempDir dir;
//   std::string db = dir.File("itp.db");
#ifndef ITP_TESTS_TESTING_TEMP_DIR_H_
#define ITP_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace itp::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name.
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_TEMP_DIR_H_
