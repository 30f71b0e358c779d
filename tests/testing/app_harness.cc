#include "tests/testing/app_harness.h"

#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/plan_states.h"

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
      app_->authenticator().Authenticate(absl::StrCat("Bearer ", secret))};
}

app::Caller AppHarness::NoKey() const {
  return app::Caller{app_->authenticator().Authenticate(std::nullopt)};
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

Plan AppHarness::MakePlan(const std::string& country,
                          const std::string& plan_id, Plan::State state) {
  return MakePlanInState(*stores_.plans, country, plan_id, state);
}

}  // namespace itp::testing
