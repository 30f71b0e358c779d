#include "tests/testing/app_harness.h"

#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "itp/v1/plan_service.pb.h"
#include "server/domain/errors.h"
#include "tests/testing/plan_states.h"
#include "tests/testing/test_plans.h"

namespace itp::testing {

using itp::v1::Plan;

AppHarness::AppHarness(std::function<int64_t()> now_unix_micros)
    : now_(std::move(now_unix_micros)) {}

AppHarness::~AppHarness() {
  // The application (and its job runner) goes before the set-up stores.
  app_.reset();
}

absl::Status AppHarness::Open(
    const std::function<void(app::ApplicationOptions&)>& tweak) {
  app::ApplicationOptions options;
  options.db_path = dir_.File("itp.db");
  options.now_unix_micros = now_;
  if (tweak) tweak(options);
  auto opened = app::Application::Open(options);
  if (!opened.ok()) return opened.status();
  app_ = *std::move(opened);
  std::ifstream in(options.admin_key_file.empty() ? dir_.File("itp-admin.key")
                                                  : options.admin_key_file);
  std::getline(in, admin_.secret);
  if (admin_.secret.empty()) {
    return absl::FailedPreconditionError("no admin key was written");
  }
  admin_.caller = CallerWith(admin_.secret);
  if (!admin_.caller.principal.ok()) return admin_.caller.principal.status();
  admin_.name = admin_.caller.principal->ApiKeyName();
  storage::SqliteOptions sqlite;
  sqlite.path = options.db_path;
  sqlite.pool_size = 2;
  sqlite.now_unix_micros = now_;
  auto stores = storage::OpenSqliteStores(sqlite);
  if (!stores.ok()) return stores.status();
  stores_ = *std::move(stores);
  return absl::OkStatus();
}

app::Caller AppHarness::CallerWith(const std::string& secret) const {
  return app::Caller{
      app_->authenticator().Authenticate(absl::StrCat("Bearer ", secret)),
      kPeer};
}

app::Caller AppHarness::NoKey() const {
  return app::Caller{app_->authenticator().Authenticate(std::nullopt), kPeer};
}

AppHarness::Key AppHarness::CreateKey(itp::v1::Role role,
                                      const std::vector<std::string>& countries,
                                      const std::string& display_name) {
  itp::v1::CreateApiKeyRequest request;
  request.mutable_api_key()->set_display_name(display_name);
  request.mutable_api_key()->set_role(role);
  for (const std::string& c : countries) {
    request.mutable_api_key()->add_countries(c);
  }
  auto created = app_->admin().CreateApiKey(admin_.caller, request);
  if (!created.ok()) {
    ADD_FAILURE() << "CreateApiKey: " << created.status();
    return {};
  }
  Key key;
  key.secret = created->secret();
  key.name = created->api_key().name();
  key.caller = CallerWith(key.secret);
  return key;
}

AppHarness::Key AppHarness::CreatePartner(const std::string& country) {
  struct Ministry {
    const char* country;
    const char* display_name;
  };
  static constexpr Ministry kMinistries[] = {
      {"IND", "Ministry of Steel, India - plan upload"},
      {"BRA", "Ministry of Development, Industry and Trade, Brazil"},
      {"IDN", "Ministry of Industry, Republic of Indonesia"},
      {"VNM", "Ministry of Construction, Viet Nam"},
      {"ZAF", "Department of Trade, Industry and Competition, South Africa"},
  };
  for (const Ministry& m : kMinistries) {
    if (country == m.country) {
      return CreateKey(itp::v1::PARTNER, {country}, m.display_name);
    }
  }
  ADD_FAILURE() << "no partner ministry for " << country;
  return {};
}

AppHarness::Key AppHarness::CreateReviewer() {
  return CreateKey(itp::v1::REVIEWER, {}, "LeadIT secretariat, Stockholm");
}

AppHarness::Key AppHarness::CreateRunner() {
  return CreateKey(itp::v1::BENCHMARK_RUNNER, {},
                   "LeadIT nightly benchmark runner");
}

Plan AppHarness::MakePlan(const std::string& country,
                          const std::string& plan_id, Plan::State state) {
  return MakePlanInState(*stores_.plans, country, plan_id, state);
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  // A named copy: the loop must not run over a destroyed temporary.
  const google::rpc::BadRequest bad = domain::BadRequestOf(status);
  for (const auto& v : bad.field_violations()) {
    fields.push_back(v.field());
  }
  return fields;
}

absl::StatusOr<Plan> EditIndia2030Intensity(AppHarness& harness,
                                            const app::Caller& india) {
  auto current = harness.stores().plans->GetPlan(AppTest::kIndiaSteel);
  if (!current.ok()) return current.status();
  itp::v1::UpdatePlanRequest update;
  *update.mutable_plan() = *std::move(current);
  update.mutable_plan()
      ->mutable_sectors(0)
      ->mutable_points(1)
      ->set_intensity_tco2_per_t(1.9);
  update.mutable_update_mask()->add_paths("sectors");
  return harness.app().plans().UpdatePlan(india, update);
}

void AppTest::SetUp() {
  absl::Status opened = harness_.Open();
  ASSERT_TRUE(opened.ok()) << opened;
  india_ = harness_.CreatePartner("IND");
  brazil_ = harness_.CreatePartner("BRA");
}

absl::StatusOr<Plan> AppTest::Create(const app::Caller& caller,
                                     const std::string& country,
                                     const std::string& plan_id,
                                     const Plan& content,
                                     const std::string& request_id) {
  itp::v1::CreatePlanRequest request;
  request.set_parent(absl::StrCat("countries/", country));
  request.set_plan_id(plan_id);
  *request.mutable_plan() = content;
  request.set_request_id(request_id);
  return app().plans().CreatePlan(caller, request);
}

Plan AppTest::MustCreate(const AppHarness::Key& who, const std::string& country,
                         const std::string& plan_id, const Plan& content) {
  auto created = Create(who.caller, country, plan_id, content);
  EXPECT_TRUE(created.ok()) << created.status();
  return created.value_or(Plan());
}

absl::StatusOr<Plan> AppTest::CreateIndiaSteel() {
  return app().plans().CreatePlan(india_.caller, IndiaSteelCreateRequest());
}

Plan AppTest::MustCreateIndiaSteel() {
  auto created = CreateIndiaSteel();
  EXPECT_TRUE(created.ok()) << created.status();
  return created.value_or(Plan());
}

absl::StatusOr<Plan> AppTest::Get(const app::Caller& caller,
                                  const std::string& name) {
  itp::v1::GetPlanRequest request;
  request.set_name(name);
  return app().plans().GetPlan(caller, request);
}

absl::StatusOr<Plan> AppTest::Submit(const app::Caller& caller,
                                     const std::string& name,
                                     const std::string& etag,
                                     const std::string& request_id) {
  itp::v1::SubmitPlanRequest request;
  request.set_name(name);
  request.set_etag(etag);
  request.set_request_id(request_id);
  return app().plans().SubmitPlan(caller, request);
}

Plan AppTest::MustSubmit(const AppHarness::Key& who, const std::string& name) {
  auto submitted = Submit(who.caller, name);
  EXPECT_TRUE(submitted.ok()) << submitted.status();
  return submitted.value_or(Plan());
}

absl::StatusOr<Plan> AppTest::Withdraw(const app::Caller& caller,
                                       const std::string& name,
                                       const std::string& etag,
                                       const std::string& reason,
                                       const std::string& request_id) {
  itp::v1::WithdrawPlanRequest request;
  request.set_name(name);
  request.set_etag(etag);
  request.set_reason(reason);
  request.set_request_id(request_id);
  return app().plans().WithdrawPlan(caller, request);
}

}  // namespace itp::testing
