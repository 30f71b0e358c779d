// A first application-layer test, so that the folder builds: opening the
// application bootstraps the admin key and its caller is recognised.
#include "gtest/gtest.h"
#include "tests/testing/app_harness.h"

namespace itp::app {
namespace {

TEST(ApplicationTest, OpenWritesAnAdminKeyThatAuthenticatesAsAdmin) {
  testing::AppHarness harness;
  ASSERT_TRUE(harness.Open().ok());
  ASSERT_TRUE(harness.admin().caller.principal.ok());
  EXPECT_EQ(harness.admin().caller.principal->role, itp::v1::ADMIN);
  EXPECT_EQ(harness.NoKey().principal.status().code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace itp::app
