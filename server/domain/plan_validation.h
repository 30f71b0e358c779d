// Validation of plan content and request fields. Every check runs and every
// violation is reported with its field path, so a partner system learns all of
// its mistakes at once. A list over its limit is reported as such and its
// entries are not checked one by one, so the work is bounded whatever the
// request holds. Pure functions; thread-safe.
//
//   FieldViolations v;
//   ValidatePlanContent(request.plan(), "plan", &v);
//   if (!v.empty()) return v.ToStatus();
//
// Limits (also documented in the proto comments and the README):
//   years 1990-2100; intensity at most 100 t CO2/t; production at most
//   5,000 Mt; emissions at most 50,000 Mt CO2; emissions within 2 % of
//   production x intensity when all three are given; text and list sizes as
//   the k* constants below.
#ifndef ITP_SERVER_DOMAIN_PLAN_VALIDATION_H_
#define ITP_SERVER_DOMAIN_PLAN_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"

namespace itp::domain {

inline constexpr int kMinYear = 1990;
inline constexpr int kMaxYear = 2100;
inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxSummaryChars = 10000;
inline constexpr size_t kMaxShortTextChars = 300;
inline constexpr size_t kMaxLongTextChars = 5000;
inline constexpr size_t kMaxUriChars = 2000;
inline constexpr int kMaxPoints = kMaxYear - kMinYear + 1;
// One pathway per sector: at most one per itp.v1.Sector value.
inline constexpr int kMaxSectors = 20;
inline constexpr int kMaxTechnologyShares = 20;
inline constexpr int kMaxTargets = 100;
inline constexpr int kMaxProjects = 1000;
inline constexpr int kMaxPolicies = 200;
inline constexpr double kMaxIntensityTco2PerT = 100.0;
inline constexpr double kMaxProductionMt = 5000.0;
inline constexpr double kMaxEmissionsMtco2 = 50000.0;
// Allowed relative difference between emissions and production x intensity.
inline constexpr double kConsistencyTolerance = 0.02;

// Adds a violation for every invalid field of `plan`'s content (output-only
// fields are ignored), with paths under `prefix` ("plan" gives
// "plan.sectors[0].base_year").
void ValidatePlanContent(const itp::v1::Plan& plan, absl::string_view prefix,
                         FieldViolations* violations);

// Adds a violation at `field` when `value` is longer than `max_chars`
// characters or holds a character no text may: control characters (newline
// and tab are allowed in long texts, those of more than kMaxShortTextChars)
// and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069). Every text of a plan is checked so.
void ValidateText(absl::string_view value, absl::string_view field,
                  size_t max_chars, FieldViolations* violations);

// Adds a violation at `field` unless `request_id` is empty or a UUID in its
// canonical 8-4-4-4-12 hexadecimal form.
void ValidateRequestId(absl::string_view request_id, absl::string_view field,
                       FieldViolations* violations);

// What a plan needs beyond valid content before it can be submitted: at least
// one sector pathway. FAILED_PRECONDITION (reason PLAN_INCOMPLETE) listing
// what is missing; OK otherwise.
absl::Status ValidateForSubmission(const itp::v1::Plan& plan);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_PLAN_VALIDATION_H_
