// RaiseFileLimit on this process's own limit: lowered first, as a shell's
// `ulimit -Sn 1024` would leave it, then raised back to the hard limit.

#include "server/common/file_limit.h"

#include <sys/resource.h>

#include "gtest/gtest.h"

namespace itp {
namespace {

TEST(FileLimitTest, SoftLimitIsRaisedToTheHardLimit) {
  struct rlimit before;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_max <= 64) GTEST_SKIP() << "hard limit too low to lower";
  struct rlimit lowered = before;
  lowered.rlim_cur = 64;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);

  absl::StatusOr<uint64_t> raised = RaiseFileLimit();
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_EQ(*raised, static_cast<uint64_t>(before.rlim_max));
  struct rlimit after;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, before.rlim_max);
  EXPECT_EQ(after.rlim_max, before.rlim_max);
  // Raising again changes nothing.
  EXPECT_EQ(*RaiseFileLimit(), static_cast<uint64_t>(before.rlim_max));
}

}  // namespace
}  // namespace itp
