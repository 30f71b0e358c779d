// The query language of ListPlans: a documented subset of AIP-160 filters
// parsed into a small AST, and the order_by clause. Storage turns the AST into
// parameterised SQL; nothing here knows about SQL.
//
// Grammar (AND/OR/NOT are upper case; OR binds tighter than AND, as in
// AIP-160; juxtaposed terms are joined by AND):
//   expression := sequence { "AND" sequence }
//   sequence   := factor { factor }
//   factor     := term { "OR" term }
//   term       := [ "NOT" | "-" ] ( "(" expression ")" | comparison )
//   comparison := field op value
//   op         := "=" | "!=" | "<" | "<=" | ">" | ">="
// Fields and values:
//   state      = | !=   DRAFT, SUBMITTED, IN_REVIEW, CHANGES_REQUESTED,
//                        APPROVED, REJECTED, WITHDRAWN
//   sector     = | !=   IRON_AND_STEEL, CEMENT, ... (= means the plan has a
//                        pathway for the sector; != that it has none)
//   country    = | !=   ISO 3166-1 alpha-3 code
//   revision   all ops  whole number
//   create_time, update_time, submit_time
//              all ops  RFC 3339 time, e.g. "2026-01-01T00:00:00Z"
//                        (submit_time of a never-submitted plan is 0, i.e.
//                        1970-01-01T00:00:00Z)
//   progress_status = | !=  ON_TRACK, MORE_EFFORT_NEEDED, NOT_ON_TRACK,
//                        NOT_ASSESSED (by the latest published progress
//                        report), NOT_REPORTED (none published)
//
//   auto filter = ParsePlanFilter("state = SUBMITTED AND sector = CEMENT");
#ifndef ITP_SERVER_DOMAIN_PLAN_QUERY_H_
#define ITP_SERVER_DOMAIN_PLAN_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itp::domain {

// Longest filter accepted, in bytes, and most comparisons in one filter.
inline constexpr size_t kMaxFilterLength = 2000;
inline constexpr int kMaxFilterComparisons = 50;

enum class FilterField {
  kState,
  kSector,
  kCountry,
  kRevision,
  kCreateTime,
  kUpdateTime,
  kSubmitTime,
  // The status of the plan's latest published progress report (0 when it
  // has none); ListPlans.
  kProgressStatus,
  // Progress reports (ParseProgressReportFilter).
  kReportingYear,
  kReportState,
  // Audit events (ParseAuditFilter).
  kApiKey,
  kMethod,
  kResource,
  kCode,
  kTime,
  // Tracked projects (ParseProjectFilter); `plan_state` there is kState.
  kTechnology,
  kProjectStatus,
  kScale,
  kStartYear,
  kConditional,
  kCompany,
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct FilterExpr {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  // Operands of kAnd/kOr (two or more) and kNot (exactly one).
  std::vector<FilterExpr> children;
  // For kCompare.
  FilterField field = FilterField::kState;
  CompareOp op = CompareOp::kEq;
  // Enum number (state, sector, status code), revision, or time in Unix
  // microseconds.
  int64_t int_value = 0;
  // Country code, API key name, method or resource.
  std::string string_value;

  // A canonical, fully parenthesised rendering, e.g.
  // "(state = 2 AND sector = 2)". Used in tests and to bind page tokens.
  std::string DebugString() const;
};

// Parses `filter`. An empty or all-blank filter gives std::nullopt (matches
// everything). INVALID_ARGUMENT naming the field "filter" with the position
// and the reason for anything outside the grammar.
absl::StatusOr<std::optional<FilterExpr>> ParsePlanFilter(
    absl::string_view filter);

// Parses a ListAuditEvents filter: the same grammar over the fields
//   api_key, method, resource  = | !=   exact string
//   code                       = | !=   canonical code name, e.g.
//   PERMISSION_DENIED time                       all ops  RFC 3339 time
absl::StatusOr<std::optional<FilterExpr>> ParseAuditFilter(
    absl::string_view filter);

// Parses a ListProgressReports filter: the same grammar over the fields
//   country             = | !=   ISO 3166-1 alpha-3 code
//   sector              = | !=   the report has actuals for the sector
//   reporting_year      all ops  year
//   state               = | !=   DRAFT, PUBLISHED, SUPERSEDED
absl::StatusOr<std::optional<FilterExpr>> ParseProgressReportFilter(
    absl::string_view filter);

// Parses a ListProjects / SummarizeInvestments filter: the same grammar over
// the fields
//   technology   = | !=   Project.Technology name, e.g. HYDROGEN_DRI
//   status       = | !=   TrackedProject.Status name, e.g. OPERATING
//   scale        = | !=   Project.Scale name, e.g. FULL_SCALE
//   sector       = | !=   the project's sector (TrackedProject.sector)
//   country      = | !=   ISO 3166-1 alpha-3 code
//   plan_state   = | !=   the plan's state
//   start_year   all ops  planned start year (0 when not stated)
//   conditional  = | !=   true or false
//   company      = | !=   exact company name
absl::StatusOr<std::optional<FilterExpr>> ParseProjectFilter(
    absl::string_view filter);

// `a AND b`, where an absent filter matches everything.
std::optional<FilterExpr> AndFilters(std::optional<FilterExpr> a,
                                     std::optional<FilterExpr> b);

// Plans with a submitted revision (revision >= 1).
FilterExpr HasSubmittedRevision();

// Plans with a pathway for `sector` (an itp.v1.Sector number).
FilterExpr HasSector(int sector);

struct PlanOrder {
  enum class Field { kName, kCreateTime, kUpdateTime, kSubmitTime };
  Field field = Field::kName;
  bool descending = false;
};

// An order_by clause: the index of its field in the list it was parsed
// against, and the direction.
struct SortOrder {
  int field = 0;
  bool descending = false;
};

// Parses "{field}", "{field} asc" or "{field} desc" with {field} one of
// `fields` (empty gives fields[0] ascending). INVALID_ARGUMENT naming
// "order_by", listing `fields`, otherwise.
absl::StatusOr<SortOrder> ParseSortOrder(
    absl::string_view order_by, const std::vector<absl::string_view>& fields);

// Parses "name", "update_time desc", ... (empty gives name ascending).
// INVALID_ARGUMENT naming "order_by" otherwise.
absl::StatusOr<PlanOrder> ParsePlanOrder(absl::string_view order_by);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_PLAN_QUERY_H_
