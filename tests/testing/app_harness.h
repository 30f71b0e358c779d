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
//
// AppTest is the fixture of the application-layer tests: the harness open,
// the India and Brazil partner keys, and the plan calls they share.
//
//   class FeedsTest : public itp::testing::AppTest {};
//   TEST_F(FeedsTest, ...) { Plan draft = MustCreateIndiaSteel(); ... }
#ifndef ITP_TESTS_TESTING_APP_HARNESS_H_
#define ITP_TESTS_TESTING_APP_HARNESS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "server/app/application.h"
#include "server/app/caller.h"
#include "server/storage/sqlite.h"
#include "tests/testing/temp_dir.h"

namespace itp::testing {

class AppHarness {
 public:
  // The client address of every caller the harness makes.
  static constexpr char kPeer[] = "ipv4:192.0.2.10";

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
  // A PARTNER key for `country` (IND, BRA, IDN, VNM or ZAF), named after its
  // ministry (India: "Ministry of Steel, India - plan upload"); a test failure
  // and empty fields for another country.
  Key CreatePartner(const std::string& country);
  // A REVIEWER key named "LeadIT secretariat, Stockholm".
  Key CreateReviewer();
  // A BENCHMARK_RUNNER key named "LeadIT nightly benchmark runner".
  Key CreateRunner();

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

// The fields named by the BadRequest details of `status`, in order.
std::vector<std::string> ViolatedFields(const absl::Status& status);

// Sets the 2030 intensity (sectors[0].points[1]) of the stored India steel
// plan to 1.9 t CO2/t through UpdatePlan as `india`: the updated plan, or the
// error of reading or updating it. The plan must be editable.
absl::StatusOr<itp::v1::Plan> EditIndia2030Intensity(AppHarness& harness,
                                                     const app::Caller& india);

// The fixture of the application-layer tests: SetUp opens harness_ and makes
// india_ and brazil_ (CreatePartner), with a fatal failure if that fails.
class AppTest : public ::testing::Test {
 public:
  using Key = AppHarness::Key;

  // The plan that IndiaSteelCreateRequest() creates.
  static constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";
  // The Brazil steel plan of the tests (plan_id steel-2050).
  static constexpr char kBrazilSteel[] = "countries/BRA/plans/steel-2050";

 protected:
  void SetUp() override;

  app::Application& app() { return harness_.app(); }

  // CreatePlan of countries/{country}/plans/{plan_id}, as returned.
  absl::StatusOr<itp::v1::Plan> Create(const app::Caller& caller,
                                       const std::string& country,
                                       const std::string& plan_id,
                                       const itp::v1::Plan& content,
                                       const std::string& request_id = "");
  // Create as `who`; the plan, or an empty one after a test failure.
  itp::v1::Plan MustCreate(const Key& who, const std::string& country,
                           const std::string& plan_id,
                           const itp::v1::Plan& content);
  // CreatePlan of IndiaSteelCreateRequest() as india_, as returned.
  absl::StatusOr<itp::v1::Plan> CreateIndiaSteel();
  // CreateIndiaSteel; the plan, or an empty one after a test failure.
  itp::v1::Plan MustCreateIndiaSteel();
  // GetPlan of `name`, as returned.
  absl::StatusOr<itp::v1::Plan> Get(const app::Caller& caller,
                                    const std::string& name);
  // SubmitPlan of `name`, as returned.
  absl::StatusOr<itp::v1::Plan> Submit(const app::Caller& caller,
                                       const std::string& name,
                                       const std::string& etag = "",
                                       const std::string& request_id = "");
  // Submit as `who`; the plan, or an empty one after a test failure.
  itp::v1::Plan MustSubmit(const Key& who, const std::string& name);
  // WithdrawPlan of `name` giving `reason`, as returned.
  absl::StatusOr<itp::v1::Plan> Withdraw(const app::Caller& caller,
                                         const std::string& name,
                                         const std::string& etag,
                                         const std::string& reason,
                                         const std::string& request_id = "");

  AppHarness harness_;
  Key india_;
  Key brazil_;
};

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_APP_HARNESS_H_
