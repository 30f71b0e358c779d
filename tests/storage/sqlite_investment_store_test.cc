// The investment tracker's rows in a real SQLite file: kept in step with
// each submission, and made for the plans of a database from before they
// existed (schema 10) by migration 11.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/plan_lifecycle.h"
#include "server/storage/investment_store.h"
#include "server/storage/sqlite.h"
#include "tests/testing/raw_database.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_plans.h"

namespace itp::storage {
namespace {

using itp::testing::RawDatabase;
using itp::v1::Plan;
using itp::v1::Project;

constexpr char kIndiaSteel[] = "countries/IND/plans/steel-2070";

Project Eaf(const std::string& name, double capacity) {
  Project p;
  p.set_name(name);
  p.set_technology(Project::ELECTRIC_ARC_FURNACE);
  p.set_status(Project::UNDER_CONSTRUCTION);
  p.set_capacity_mtpa(capacity);
  return p;
}

class SqliteInvestmentStoreTest : public ::testing::Test {
 protected:
  SqliteOptions Options() {
    SqliteOptions options;
    options.path = dir_.File("itp.db");
    options.pool_size = 2;
    return options;
  }

  // Writes `plan` (a store caller that assigns no project ids) and, with
  // `submit`, submits it.
  void Store(SqliteStores& stores, const Plan& content, bool submit) {
    Plan plan = content;
    plan.set_name(kIndiaSteel);
    WriteContext ctx;
    ASSERT_TRUE(stores.plans->CreatePlan(ctx, plan).ok());
    if (!submit) return;
    auto submitted = stores.plans->MutatePlan(
        ctx, kIndiaSteel, [](Plan& p, int64_t now) {
          return domain::ApplyAction(p, domain::PlanAction::kSubmit, "", now);
        });
    ASSERT_TRUE(submitted.ok()) << submitted.status();
  }

  std::vector<std::string> TrackedNames(InvestmentStore& store) {
    ProjectQuery query;
    query.page_size = 100;
    auto page = store.ListProjects(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> names;
    if (page.ok()) {
      for (const auto& p : page->projects) names.push_back(p.name());
    }
    return names;
  }

  testing::TempDir dir_;
};

TEST_F(SqliteInvestmentStoreTest, RowsFollowTheSubmittedRevisionOnly) {
  auto stores = OpenSqliteStores(Options());
  ASSERT_TRUE(stores.ok()) << stores.status();
  Plan plan = testing::IndiaSteelPlan();
  *plan.add_projects() = Eaf("Angul EAF", 1.2);
  Store(*stores, plan, /*submit=*/false);
  // A draft is not tracked.
  EXPECT_TRUE(TrackedNames(*stores->investments).empty());
  auto submitted = stores->plans->MutatePlan(
      {}, kIndiaSteel, [](Plan& p, int64_t now) {
        return domain::ApplyAction(p, domain::PlanAction::kSubmit, "", now);
      });
  ASSERT_TRUE(submitted.ok());
  const std::vector<std::string> names = TrackedNames(*stores->investments);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], absl::StrCat(kIndiaSteel, "/projects/angul-eaf"));

  // Grouped sums over the indexed columns.
  ProjectQuery query;
  auto summary = stores->investments->Summarize(
      query, {domain::InvestmentKey::kTechnology}, 10, 0);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->total.project_count(), 2);
  EXPECT_EQ(summary->total_groups, 2);
  ASSERT_EQ(summary->groups.size(), 2u);
  EXPECT_EQ(summary->groups[1].technology(), Project::ELECTRIC_ARC_FURNACE);
  EXPECT_DOUBLE_EQ(summary->groups[1].capacity_mtpa(), 1.2);

  // Deleting the plan drops its rows.
  ASSERT_TRUE(stores->plans
                  ->DeletePlan({}, kIndiaSteel,
                               [](const Plan&) { return absl::OkStatus(); })
                  .ok());
  EXPECT_TRUE(TrackedNames(*stores->investments).empty());
}

TEST_F(SqliteInvestmentStoreTest, MigrationElevenGivesStoredProjectsIds) {
  {
    auto stores = OpenSqliteStores(Options());
    ASSERT_TRUE(stores.ok()) << stores.status();
    Plan plan = testing::IndiaSteelPlan();
    *plan.add_projects() = Eaf("Angul EAF", 1.2);
    *plan.add_projects() = Eaf("Angul EAF", 0.8);  // the same name twice
    for (auto& p : *plan.mutable_projects()) p.clear_project_id();
    Store(*stores, plan, /*submit=*/true);
  }
  {
    // As a schema-10 server left it: no tracker, no ids.
    RawDatabase raw(Options().path);
    raw.Exec("DROP TABLE plan_projects");
    raw.Exec("PRAGMA user_version = 10");
    ASSERT_EQ(raw.Count("plan_revisions"), 1);
  }
  auto stores = OpenSqliteStores(Options());
  ASSERT_TRUE(stores.ok()) << stores.status();
  auto current = stores->plans->GetPlan(kIndiaSteel);
  ASSERT_TRUE(current.ok());
  auto revision = stores->plans->GetPlanRevision(kIndiaSteel, 1);
  ASSERT_TRUE(revision.ok());
  std::vector<std::string> ids;
  for (const auto& p : revision->plan().projects()) ids.push_back(p.project_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"hydrogen-dri-demonstration-plant",
                                           "angul-eaf", "angul-eaf-2"}));
  for (int i = 0; i < current->projects_size(); ++i) {
    EXPECT_EQ(current->projects(i).project_id(), ids[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(TrackedNames(*stores->investments),
            (std::vector<std::string>{
                absl::StrCat(kIndiaSteel, "/projects/angul-eaf"),
                absl::StrCat(kIndiaSteel, "/projects/angul-eaf-2"),
                absl::StrCat(kIndiaSteel,
                             "/projects/hydrogen-dri-demonstration-plant")}));
  RawDatabase raw(Options().path);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), SqliteSchemaVersion());
}

}  // namespace
}  // namespace itp::storage
