#include "server/auth/policy.h"

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "itp/v1/admin_service.pb.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"
#include "server/domain/plan_query.h"
#include "server/domain/resource_names.h"

namespace itp::auth {
namespace {

using ::itp::v1::Plan;
using ::itp::v1::Role;
using ::testing::HasSubstr;

// The expectations below come from the access rules of the issue, not from
// the implementation:
//   PARTNER           writes the plans of its countries; reads every plan of
//                     its countries and APPROVED plans of all countries.
//   REVIEWER          reads every non-draft plan; no plan edits.
//   BENCHMARK_RUNNER  reads non-draft plans.
//   ADMIN             everything, plus API keys and the audit trail.
//   ROLE_UNSPECIFIED  nothing.
// A state-dependent read of a missing plan is denied like a hidden plan,
// unless the caller may read every plan of that country.

constexpr char kKeyId[] = "3f9c2a1b7d4e8f60";
// The partner key is scoped to India and Indonesia; Brazil is not its own.
constexpr char kOwn[] = "IND";
constexpr char kSecondOwn[] = "IDN";
constexpr char kOther[] = "BRA";
constexpr char kAny[] = "-";

constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;

constexpr Role kAllRoles[] = {itp::v1::ROLE_UNSPECIFIED, itp::v1::PARTNER,
                              itp::v1::REVIEWER, itp::v1::BENCHMARK_RUNNER,
                              itp::v1::ADMIN};
constexpr Operation kAllOperations[] = {
    Operation::kWritePlan, Operation::kReadPlan, Operation::kListPlans,
    Operation::kAdministrate};
constexpr Plan::State kAllStates[] = {
    Plan::DRAFT,    Plan::SUBMITTED, Plan::IN_REVIEW, Plan::CHANGES_REQUESTED,
    Plan::APPROVED, Plan::REJECTED,  Plan::WITHDRAWN};

Principal PrincipalWithRole(Role role) {
  Principal p;
  p.key_id = kKeyId;
  p.role = role;
  if (role == itp::v1::PARTNER) p.countries = {kOwn, kSecondOwn};
  return p;
}

std::string OperationName(Operation operation) {
  switch (operation) {
    case Operation::kWritePlan:
      return "WritePlan";
    case Operation::kReadPlan:
      return "ReadPlan";
    case Operation::kListPlans:
      return "ListPlans";
    case Operation::kAdministrate:
      return "Administrate";
    case Operation::kBenchmarkPlan:
      return "BenchmarkPlan";
    case Operation::kReadReference:
      return "ReadReference";
    case Operation::kReview:
      return "Review";
    case Operation::kReadReviews:
      return "ReadReviews";
    case Operation::kRunJobs:
      return "RunJobs";
    case Operation::kReadJobs:
      return "ReadJobs";
    case Operation::kExportOpenData:
      return "ExportOpenData";
  }
  return "UnknownOperation";
}

// A country as a test-name fragment ("-" and "" are not allowed there).
std::string CountryLabel(absl::string_view country) {
  if (country == kAny) return "AnyCountry";
  if (country.empty()) return "NoCountry";
  return std::string(country);
}

std::string StateLabel(std::optional<Plan::State> state) {
  return state.has_value() ? Plan::State_Name(*state) : "MISSING";
}

// Checks a PERMISSION_DENIED status fully: code, ErrorInfo reason, and a
// message that names the key and its role.
void ExpectDenied(const absl::Status& status, Role role) {
  EXPECT_EQ(status.code(), kDenied) << status;
  EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED") << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(kKeyId));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(itp::v1::Role_Name(role)));
}

void ExpectCode(const absl::Status& status, absl::StatusCode expected,
                Role role) {
  if (expected == kDenied) {
    ExpectDenied(status, role);
  } else {
    EXPECT_EQ(status.code(), expected) << status;
  }
}

// ---------------------------------------------------------------------------
// CheckCall: every role x every operation x own/other country.

struct CallCase {
  Role role;
  Operation operation;
  const char* country;
  absl::StatusCode expected;
};

void PrintTo(const CallCase& c, std::ostream* os) {
  *os << itp::v1::Role_Name(c.role) << " " << OperationName(c.operation) << " '"
      << c.country << "' expects " << absl::StatusCodeToString(c.expected);
}

std::string CallCaseName(const ::testing::TestParamInfo<CallCase>& info) {
  return absl::StrCat(itp::v1::Role_Name(info.param.role), "_",
                      OperationName(info.param.operation), "_",
                      CountryLabel(info.param.country));
}

// clang-format off
constexpr CallCase kCallCases[] = {
    // Role                       Operation                  Country  Expected
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kWritePlan,     kOwn,    kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kWritePlan,     kOther,  kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kReadPlan,      kOwn,    kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kReadPlan,      kOther,  kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kListPlans,     kOwn,    kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kListPlans,     kOther,  kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kListPlans,     kAny,    kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kAdministrate,  kOwn,    kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kAdministrate,  kOther,  kDenied},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kAdministrate,  "",      kDenied},

    {itp::v1::PARTNER,           Operation::kWritePlan,     kOwn,    kOk},
    {itp::v1::PARTNER,           Operation::kWritePlan,     kSecondOwn, kOk},
    {itp::v1::PARTNER,           Operation::kWritePlan,     kOther,  kDenied},
    {itp::v1::PARTNER,           Operation::kWritePlan,     kAny,    kDenied},
    // Reads of another country pass here: APPROVED plans are readable, and
    // CheckPlanRead decides once the state is known.
    {itp::v1::PARTNER,           Operation::kReadPlan,      kOwn,    kOk},
    {itp::v1::PARTNER,           Operation::kReadPlan,      kOther,  kOk},
    {itp::v1::PARTNER,           Operation::kListPlans,     kOwn,    kOk},
    {itp::v1::PARTNER,           Operation::kListPlans,     kOther,  kOk},
    {itp::v1::PARTNER,           Operation::kListPlans,     kAny,    kOk},
    {itp::v1::PARTNER,           Operation::kAdministrate,  kOwn,    kDenied},
    {itp::v1::PARTNER,           Operation::kAdministrate,  kOther,  kDenied},
    {itp::v1::PARTNER,           Operation::kAdministrate,  "",      kDenied},

    {itp::v1::REVIEWER,          Operation::kWritePlan,     kOwn,    kDenied},
    {itp::v1::REVIEWER,          Operation::kWritePlan,     kOther,  kDenied},
    {itp::v1::REVIEWER,          Operation::kReadPlan,      kOwn,    kOk},
    {itp::v1::REVIEWER,          Operation::kReadPlan,      kOther,  kOk},
    {itp::v1::REVIEWER,          Operation::kListPlans,     kOwn,    kOk},
    {itp::v1::REVIEWER,          Operation::kListPlans,     kOther,  kOk},
    {itp::v1::REVIEWER,          Operation::kListPlans,     kAny,    kOk},
    {itp::v1::REVIEWER,          Operation::kAdministrate,  kOwn,    kDenied},
    {itp::v1::REVIEWER,          Operation::kAdministrate,  kOther,  kDenied},
    {itp::v1::REVIEWER,          Operation::kAdministrate,  "",      kDenied},

    {itp::v1::BENCHMARK_RUNNER,  Operation::kWritePlan,     kOwn,    kDenied},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kWritePlan,     kOther,  kDenied},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kReadPlan,      kOwn,    kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kReadPlan,      kOther,  kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kListPlans,     kOwn,    kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kListPlans,     kOther,  kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kListPlans,     kAny,    kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kAdministrate,  kOwn,    kDenied},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kAdministrate,  kOther,  kDenied},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kAdministrate,  "",      kDenied},

    // The open data export: reviewers and admins.
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kExportOpenData, kAny,   kDenied},
    {itp::v1::PARTNER,           Operation::kExportOpenData, kAny,   kDenied},
    {itp::v1::REVIEWER,          Operation::kExportOpenData, kAny,   kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kExportOpenData, kAny,   kDenied},
    {itp::v1::ADMIN,             Operation::kExportOpenData, kAny,   kOk},

    // Benchmark jobs: runners and admins change them; reviewers also read.
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kRunJobs,       "",      kDenied},
    {itp::v1::PARTNER,           Operation::kRunJobs,       "",      kDenied},
    {itp::v1::REVIEWER,          Operation::kRunJobs,       "",      kDenied},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kRunJobs,       "",      kOk},
    {itp::v1::ADMIN,             Operation::kRunJobs,       "",      kOk},
    {itp::v1::ROLE_UNSPECIFIED,  Operation::kReadJobs,      "",      kDenied},
    {itp::v1::PARTNER,           Operation::kReadJobs,      "",      kDenied},
    {itp::v1::REVIEWER,          Operation::kReadJobs,      "",      kOk},
    {itp::v1::BENCHMARK_RUNNER,  Operation::kReadJobs,      "",      kOk},
    {itp::v1::ADMIN,             Operation::kReadJobs,      "",      kOk},

    {itp::v1::ADMIN,             Operation::kWritePlan,     kOwn,    kOk},
    {itp::v1::ADMIN,             Operation::kWritePlan,     kOther,  kOk},
    {itp::v1::ADMIN,             Operation::kReadPlan,      kOwn,    kOk},
    {itp::v1::ADMIN,             Operation::kReadPlan,      kOther,  kOk},
    {itp::v1::ADMIN,             Operation::kListPlans,     kOwn,    kOk},
    {itp::v1::ADMIN,             Operation::kListPlans,     kOther,  kOk},
    {itp::v1::ADMIN,             Operation::kListPlans,     kAny,    kOk},
    {itp::v1::ADMIN,             Operation::kAdministrate,  kOwn,    kOk},
    {itp::v1::ADMIN,             Operation::kAdministrate,  kOther,  kOk},
    {itp::v1::ADMIN,             Operation::kAdministrate,  "",      kOk},
};
// clang-format on

class CheckCallTest : public ::testing::TestWithParam<CallCase> {};

TEST_P(CheckCallTest, GivesTheCodeOfTheAccessRules) {
  const CallCase& c = GetParam();
  ExpectCode(CheckCall(PrincipalWithRole(c.role), c.operation, c.country),
             c.expected, c.role);
}

INSTANTIATE_TEST_SUITE_P(EveryRoleOperationAndCountry, CheckCallTest,
                         ::testing::ValuesIn(kCallCases), CallCaseName);

TEST(CheckCallTableTest, CoversEveryRoleOperationAndOwnOrOtherCountry) {
  std::set<std::tuple<Role, Operation, std::string>> covered;
  for (const CallCase& c : kCallCases) {
    EXPECT_TRUE(covered.emplace(c.role, c.operation, c.country).second)
        << "duplicate row " << itp::v1::Role_Name(c.role) << " "
        << OperationName(c.operation) << " " << c.country;
  }
  for (Role role : kAllRoles) {
    for (Operation operation : kAllOperations) {
      for (const char* country : {kOwn, kOther}) {
        EXPECT_EQ(covered.count({role, operation, country}), 1u)
            << "missing row " << itp::v1::Role_Name(role) << " "
            << OperationName(operation) << " " << country;
      }
    }
  }
}

TEST(CheckCallDenialTest, PartnerWritingAnotherCountryIsToldItsCountries) {
  absl::Status status = CheckCall(PrincipalWithRole(itp::v1::PARTNER),
                                  Operation::kWritePlan, kOther);
  ExpectDenied(status, itp::v1::PARTNER);
  EXPECT_THAT(std::string(status.message()), HasSubstr("BRA"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("IND, IDN"));
}

TEST(CheckCallDenialTest, PermissionDeniedMessageNamesKeyIdAndRole) {
  Principal reviewer = PrincipalWithRole(itp::v1::REVIEWER);
  reviewer.key_id = "a07c55e9d13b4f28";
  absl::Status status = CheckCall(reviewer, Operation::kAdministrate, "");
  EXPECT_EQ(status.code(), kDenied);
  EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED");
  EXPECT_THAT(std::string(status.message()), HasSubstr("a07c55e9d13b4f28"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("REVIEWER"));
}

TEST(CheckCallDenialTest, UnknownRoleNumberIsDeniedEverything) {
  Principal p = PrincipalWithRole(static_cast<Role>(9));
  for (Operation operation : kAllOperations) {
    SCOPED_TRACE(OperationName(operation));
    absl::Status status = CheckCall(p, operation, kOwn);
    EXPECT_EQ(status.code(), kDenied) << status;
    EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED");
  }
}

// ---------------------------------------------------------------------------
// CheckPlanRead: every role x own/other country x every state and a missing
// plan.

struct ReadRow {
  Role role;
  const char* country;
  // In the order DRAFT, SUBMITTED, IN_REVIEW, CHANGES_REQUESTED, APPROVED,
  // REJECTED, WITHDRAWN, missing plan.
  absl::StatusCode expected[8];
};

// clang-format off
constexpr ReadRow kReadRows[] = {
    //                                     DRAFT    SUBM     IN_REV   CH_REQ   APPR     REJ      WITHDR   missing
    {itp::v1::ROLE_UNSPECIFIED, kOwn,    {kDenied, kDenied, kDenied, kDenied, kDenied, kDenied, kDenied, kDenied}},
    {itp::v1::ROLE_UNSPECIFIED, kOther,  {kDenied, kDenied, kDenied, kDenied, kDenied, kDenied, kDenied, kDenied}},
    {itp::v1::PARTNER,          kOwn,    {kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kOk}},
    {itp::v1::PARTNER,          kOther,  {kDenied, kDenied, kDenied, kDenied, kOk,     kDenied, kDenied, kDenied}},
    {itp::v1::REVIEWER,         kOwn,    {kDenied, kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kDenied}},
    {itp::v1::REVIEWER,         kOther,  {kDenied, kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kDenied}},
    {itp::v1::BENCHMARK_RUNNER, kOwn,    {kDenied, kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kDenied}},
    {itp::v1::BENCHMARK_RUNNER, kOther,  {kDenied, kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kDenied}},
    {itp::v1::ADMIN,            kOwn,    {kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kOk}},
    {itp::v1::ADMIN,            kOther,  {kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kOk,     kOk}},
};
// clang-format on

struct ReadCase {
  Role role;
  std::string country;
  std::optional<Plan::State> state;
  absl::StatusCode expected;
};

std::vector<ReadCase> ReadCases() {
  std::vector<ReadCase> cases;
  for (const ReadRow& row : kReadRows) {
    for (int i = 0; i < 7; ++i) {
      cases.push_back({row.role, row.country, kAllStates[i], row.expected[i]});
    }
    cases.push_back({row.role, row.country, std::nullopt, row.expected[7]});
  }
  return cases;
}

void PrintTo(const ReadCase& c, std::ostream* os) {
  *os << itp::v1::Role_Name(c.role) << " " << c.country << " "
      << StateLabel(c.state) << " expects "
      << absl::StatusCodeToString(c.expected);
}

std::string ReadCaseName(const ::testing::TestParamInfo<ReadCase>& info) {
  return absl::StrCat(itp::v1::Role_Name(info.param.role), "_",
                      CountryLabel(info.param.country), "_",
                      StateLabel(info.param.state));
}

class CheckPlanReadTest : public ::testing::TestWithParam<ReadCase> {};

TEST_P(CheckPlanReadTest, GivesTheCodeOfTheAccessRules) {
  const ReadCase& c = GetParam();
  ExpectCode(CheckPlanRead(PrincipalWithRole(c.role), c.country, c.state),
             c.expected, c.role);
}

INSTANTIATE_TEST_SUITE_P(EveryRoleCountryAndState, CheckPlanReadTest,
                         ::testing::ValuesIn(ReadCases()), ReadCaseName);

TEST(CheckPlanReadTableTest, CoversEveryRoleAndOwnOrOtherCountry) {
  std::set<std::pair<Role, std::string>> covered;
  for (const ReadRow& row : kReadRows) {
    EXPECT_TRUE(covered.emplace(row.role, row.country).second);
  }
  for (Role role : kAllRoles) {
    for (const char* country : {kOwn, kOther}) {
      EXPECT_EQ(covered.count({role, country}), 1u)
          << itp::v1::Role_Name(role) << " " << country;
    }
  }
}

TEST(CheckPlanReadRuleTest, PartnerReadsEveryPlanOfItsSecondCountry) {
  Principal partner = PrincipalWithRole(itp::v1::PARTNER);
  EXPECT_EQ(CheckPlanRead(partner, kSecondOwn, Plan::DRAFT).code(), kOk);
  EXPECT_EQ(CheckPlanRead(partner, kSecondOwn, std::nullopt).code(), kOk);
}

// A caller must not learn whether a plan it may not see exists: the status for
// a missing plan is identical (code, message, details) to a hidden one.
TEST(CheckPlanReadRuleTest, MissingPlanIsDeniedExactlyLikeAHiddenOne) {
  Principal partner = PrincipalWithRole(itp::v1::PARTNER);
  for (Plan::State hidden : {Plan::DRAFT, Plan::SUBMITTED, Plan::REJECTED}) {
    SCOPED_TRACE(Plan::State_Name(hidden));
    EXPECT_EQ(CheckPlanRead(partner, kOther, std::nullopt),
              CheckPlanRead(partner, kOther, hidden));
  }
  for (Role role : {itp::v1::REVIEWER, itp::v1::BENCHMARK_RUNNER}) {
    SCOPED_TRACE(itp::v1::Role_Name(role));
    Principal p = PrincipalWithRole(role);
    EXPECT_EQ(CheckPlanRead(p, kOther, std::nullopt),
              CheckPlanRead(p, kOther, Plan::DRAFT));
  }
}

TEST(CheckPlanReadRuleTest, PermissionDeniedMessageNamesKeyIdAndRole) {
  Principal runner = PrincipalWithRole(itp::v1::BENCHMARK_RUNNER);
  runner.key_id = "5d2e8b41c09fa736";
  absl::Status status = CheckPlanRead(runner, kOwn, Plan::DRAFT);
  EXPECT_EQ(status.code(), kDenied);
  EXPECT_EQ(domain::ErrorReasonOf(status), "PERMISSION_DENIED");
  EXPECT_THAT(std::string(status.message()), HasSubstr("5d2e8b41c09fa736"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("BENCHMARK_RUNNER"));
}

// ---------------------------------------------------------------------------
// ReadableFilter: every role x own country, other country and countries/-.

constexpr char kReadsAll[] = "<reads all>";
// Plan.State numbers: STATE_UNSPECIFIED 0, DRAFT 1, APPROVED 5.
constexpr char kPartnerRestriction[] =
    "(state = 5 OR country = IND OR country = IDN)";

struct FilterCase {
  Role role;
  const char* country;
  const char* expected;
};

// clang-format off
constexpr FilterCase kFilterCases[] = {
    {itp::v1::ROLE_UNSPECIFIED, kOwn,   "state = 0"},
    {itp::v1::ROLE_UNSPECIFIED, kOther, "state = 0"},
    {itp::v1::ROLE_UNSPECIFIED, kAny,   "state = 0"},
    {itp::v1::PARTNER,          kOwn,   kReadsAll},
    {itp::v1::PARTNER,          kOther, kPartnerRestriction},
    {itp::v1::PARTNER,          kAny,   kPartnerRestriction},
    {itp::v1::REVIEWER,         kOwn,   "state != 1"},
    {itp::v1::REVIEWER,         kOther, "state != 1"},
    {itp::v1::REVIEWER,         kAny,   "state != 1"},
    {itp::v1::BENCHMARK_RUNNER, kOwn,   "state != 1"},
    {itp::v1::BENCHMARK_RUNNER, kOther, "state != 1"},
    {itp::v1::BENCHMARK_RUNNER, kAny,   "state != 1"},
    {itp::v1::ADMIN,            kOwn,   kReadsAll},
    {itp::v1::ADMIN,            kOther, kReadsAll},
    {itp::v1::ADMIN,            kAny,   kReadsAll},
};
// clang-format on

void PrintTo(const FilterCase& c, std::ostream* os) {
  *os << itp::v1::Role_Name(c.role) << " " << c.country << " expects "
      << c.expected;
}

std::string FilterCaseName(const ::testing::TestParamInfo<FilterCase>& info) {
  return absl::StrCat(itp::v1::Role_Name(info.param.role), "_",
                      CountryLabel(info.param.country));
}

std::string Rendered(const std::optional<domain::FilterExpr>& filter) {
  return filter.has_value() ? filter->DebugString() : kReadsAll;
}

class ReadableFilterTest : public ::testing::TestWithParam<FilterCase> {};

TEST_P(ReadableFilterTest, RestrictsToReadablePlans) {
  const FilterCase& c = GetParam();
  EXPECT_EQ(Rendered(ReadableFilter(PrincipalWithRole(c.role), c.country)),
            c.expected);
}

INSTANTIATE_TEST_SUITE_P(EveryRoleAndParent, ReadableFilterTest,
                         ::testing::ValuesIn(kFilterCases), FilterCaseName);

TEST(ReadableFilterRuleTest, PartnerSecondCountryReadsAll) {
  EXPECT_EQ(
      Rendered(ReadableFilter(PrincipalWithRole(itp::v1::PARTNER), kSecondOwn)),
      kReadsAll);
}

TEST(ReadableFilterRuleTest, UnknownRoleNumberMatchesNothing) {
  EXPECT_EQ(
      Rendered(ReadableFilter(PrincipalWithRole(static_cast<Role>(9)), kAny)),
      "state = 0");
}

// Evaluates the state and country comparisons that ReadableFilter produces
// against a plan of `country` in `state`.
bool Matches(const domain::FilterExpr& e, absl::string_view country,
             Plan::State state) {
  using Kind = domain::FilterExpr::Kind;
  switch (e.kind) {
    case Kind::kAnd:
      for (const auto& child : e.children) {
        if (!Matches(child, country, state)) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& child : e.children) {
        if (Matches(child, country, state)) return true;
      }
      return false;
    case Kind::kNot:
      return !Matches(e.children.at(0), country, state);
    case Kind::kCompare:
      break;
  }
  bool equal;
  if (e.field == domain::FilterField::kState) {
    equal = e.int_value == state;
  } else if (e.field == domain::FilterField::kCountry) {
    equal = e.string_value == country;
  } else {
    ADD_FAILURE() << "unexpected field in " << e.DebugString();
    return false;
  }
  if (e.op == domain::CompareOp::kEq) return equal;
  if (e.op == domain::CompareOp::kNe) return !equal;
  ADD_FAILURE() << "unexpected operator in " << e.DebugString();
  return false;
}

// A plan is listed exactly when it may be read: the list restriction and the
// single-plan check agree for every role, parent, plan country and state.
TEST(ReadableFilterRuleTest, ListsExactlyThePlansCheckPlanReadAllows) {
  for (Role role : kAllRoles) {
    Principal p = PrincipalWithRole(role);
    for (const char* parent : {kOwn, kSecondOwn, kOther, kAny}) {
      std::optional<domain::FilterExpr> filter = ReadableFilter(p, parent);
      for (const char* plan_country : {kOwn, kSecondOwn, kOther}) {
        // The store lists only the parent's plans (all of them under "-").
        if (absl::string_view(parent) != kAny &&
            absl::string_view(parent) != plan_country) {
          continue;
        }
        for (Plan::State state : kAllStates) {
          SCOPED_TRACE(absl::StrCat(itp::v1::Role_Name(role), " parent ",
                                    parent, " plan ", plan_country, " ",
                                    Plan::State_Name(state)));
          bool listed =
              !filter.has_value() || Matches(*filter, plan_country, state);
          EXPECT_EQ(listed, CheckPlanRead(p, plan_country, state).ok());
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Principal.

TEST(PrincipalTest, ApiKeyNameIsTheResourceNameOfTheKey) {
  EXPECT_EQ(PrincipalWithRole(itp::v1::ADMIN).ApiKeyName(),
            "apiKeys/3f9c2a1b7d4e8f60");
}

TEST(PrincipalTest, HasCountryIsExactMatchOnItsCountries) {
  Principal partner = PrincipalWithRole(itp::v1::PARTNER);
  EXPECT_TRUE(partner.HasCountry("IND"));
  EXPECT_TRUE(partner.HasCountry("IDN"));
  EXPECT_FALSE(partner.HasCountry("BRA"));
  EXPECT_FALSE(partner.HasCountry("ind"));
  EXPECT_FALSE(partner.HasCountry(kAny));
  EXPECT_FALSE(partner.HasCountry(""));
}

}  // namespace
}  // namespace itp::auth
