// Validation of progress reports (domain brief, section 6): the content of a
// report against the plan revision it reports on, and the reporting year.
// Every violation is reported with its field path, as for plans; lists over
// their limits are reported as such and not checked entry by entry. Pure
// functions; thread-safe.
//
//   FieldViolations v;
//   ValidateReportingYear(2024, /*current_year=*/2026, revision,
//   "reporting_year", &v); ValidateProgressReportContent(report, revision,
//   2024, "progress_report", &v); if (!v.empty()) return v.ToStatus();
#ifndef ITP_SERVER_DOMAIN_PROGRESS_VALIDATION_H_
#define ITP_SERVER_DOMAIN_PROGRESS_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/domain/errors.h"

namespace itp::domain {

inline constexpr size_t kMaxNarrativeChars = 10000;
inline constexpr int kMaxReportSources = 20;

// Adds a violation at `field` unless `year` is a completed calendar year
// (before `current_year`) from 1990 on, and not before the earliest base
// year of `plan`'s sectors.
void ValidateReportingYear(int year, int current_year,
                           const itp::v1::Plan& plan, absl::string_view field,
                           FieldViolations* violations);

// Adds a violation for every invalid field of `report`'s content
// (output-only fields are ignored), with paths under `prefix`:
//   sectors: at most one per sector, each a sector `plan` has a pathway for,
//     with at least one point; points as plan points (years 1990-2100
//     strictly increasing, intensity or emissions, limits, emissions =
//     production x intensity within 2 %), none after `reporting_year`;
//   project_updates: each names a project of `plan` once, with a status;
//     actual_start_year required for OPERATING and not after the reporting
//     year; capital_spent_usd finite, non-negative, at most 1e13;
//   policy_updates: each names a policy instrument of `plan` once, with a
//     status;
//   narrative at most kMaxNarrativeChars; sources at most kMaxReportSources
//     http(s) URLs.
void ValidateProgressReportContent(const itp::v1::ProgressReport& report,
                                   const itp::v1::Plan& plan,
                                   int reporting_year, absl::string_view prefix,
                                   FieldViolations* violations);

// ABORTED (reason ETAG_MISMATCH) unless `etag` is empty or `current`'s.
absl::Status CheckReportEtag(const itp::v1::ProgressReport& current,
                             absl::string_view etag);

// Copies the content fields of `patch` named by `mask` (sectors,
// project_updates, policy_updates, narrative, sources; `*` for all of them,
// empty for those populated in `patch`, as AIP-134 has it) into `current`,
// after CheckReportEtag(current, patch.etag()). INVALID_ARGUMENT naming
// `update_mask.paths[i]` for another path.
absl::Status ApplyReportUpdate(itp::v1::ProgressReport& current,
                               const itp::v1::ProgressReport& patch,
                               const google::protobuf::FieldMask& mask);

// The content fields of `from` (as ApplyReportUpdate with `*`).
void CopyReportContent(const itp::v1::ProgressReport& from,
                       itp::v1::ProgressReport* to);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_PROGRESS_VALIDATION_H_
