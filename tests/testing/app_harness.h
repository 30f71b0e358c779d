// The application layer on a SQLite file in a temporary directory, for tests
// that call operations directly (no server, no channel): the bootstrap admin
// key, keys of other roles made through AdminOperations, callers for them,
// and plans driven into any state through the store.
//
//   AppHarness harness;
//   ASSERT_TRUE(harness.Open().ok());
//   AppHarness::Key india =
//       harness.CreateKey(itp::v1::PARTNER, {"IND"}, "Ministry of Steel");
//   auto plan = harness.app().plans().GetPlan(india.caller, request);
#ifndef ITP_TESTS_TESTING_APP_HARNESS_H_
#define ITP_TESTS_TESTING_APP_HARNESS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "itp/v1/plan.pb.h"
#include "server/app/application.h"
#include "server/app/caller.h"
#include "server/storage/sqlite.h"
#include "tests/testing/temp_dir.h"

namespace itp::testing {

class AppHarness {
 public:
  struct Key {
    std::string secret;
    // apiKeys/{id}
    std::string name;
    app::Caller caller{absl::UnauthenticatedError("no key")};
  };

  // `now_unix_micros`, when set, is the application's clock.
  explicit AppHarness(std::function<int64_t()> now_unix_micros = nullptr);
  ~AppHarness();
  AppHarness(const AppHarness&) = delete;
  AppHarness& operator=(const AppHarness&) = delete;

  // Opens the application over dir()/itp.db (with `tweak` applied to the
  // options) and reads the admin key it wrote; also opens a second set of
  // stores on the same file for set-up. Application::Open's error, or
  // FAILED_PRECONDITION when no admin key was written.
  absl::Status Open(
      const std::function<void(app::ApplicationOptions&)>& tweak = nullptr);

  app::Application& app() { return *app_; }
  // Stores for set-up and inspection, apart from the application's.
  storage::SqliteStores& stores() { return stores_; }
  const TempDir& dir() const { return dir_; }

  // The bootstrap ADMIN key.
  const Key& admin() const { return admin_; }
  // A caller presenting `authorization` ("Bearer ..."), as the serving layer
  // would make it.
  app::Caller CallerWith(const std::string& secret) const;
  // A caller that sent no authorization metadata.
  app::Caller NoKey() const;

  // A new key made by the admin through AdminOperations; adds a test failure
  // and returns empty fields when it is refused.
  Key CreateKey(itp::v1::Role role, const std::vector<std::string>& countries,
                const std::string& display_name);

  // Plan `countries/{country}/plans/{plan_id}` (India steel content) driven
  // into `state` through the domain state machine, as stored.
  itp::v1::Plan MakePlan(const std::string& country, const std::string& plan_id,
                         itp::v1::Plan::State state);

 private:
  std::function<int64_t()> now_;
  TempDir dir_;
  std::unique_ptr<app::Application> app_;
  storage::SqliteStores stores_;
  Key admin_;
};

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_APP_HARNESS_H_
