// Storage of progress reports: one row per version of a plan's report for a
// reporting year, the sectors each reports on (for filtering), and the
// progress status of each plan's latest published report (for ListPlans).
// Publishing a version, superseding the one it corrects, updating the plan's
// status and recording the PROGRESS_PUBLISHED event commit in one
// transaction with the audit record.
//
// Thread-safe. Errors common to all methods: UNAVAILABLE when the database
// stays busy past its timeout, INTERNAL on a storage fault.
#ifndef ITP_SERVER_STORAGE_PROGRESS_STORE_H_
#define ITP_SERVER_STORAGE_PROGRESS_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_query.h"
#include "server/storage/write_context.h"

namespace itp::storage {

// Builds the content of a new version from the plan as it stands and the
// year's newest published version (nullptr for a first report).
using ProgressReportFactory =
    std::function<absl::StatusOr<itp::v1::ProgressReport>(
        const itp::v1::Plan& plan, const itp::v1::ProgressReport* previous)>;

// Changes a draft in place (`now` is the store's clock).
using ProgressReportMutation =
    std::function<absl::Status(itp::v1::ProgressReport& report, int64_t now)>;

// The progress status (itp.v1.ProgressStatus) a version gets once published.
using ProgressStatusOf = std::function<absl::StatusOr<int>(
    const itp::v1::ProgressReport& published)>;

struct ProgressReportQuery {
  // `countries/{c}/plans/{p}`, or empty for every plan.
  std::string plan;
  // Over the reports' plans (auth::ReadableFilter), when set.
  std::optional<domain::FilterExpr> plan_filter;
  // domain::ParseProgressReportFilter, when set.
  std::optional<domain::FilterExpr> filter;
  // Drafts of these countries only; nullopt for drafts of every country.
  std::optional<std::vector<std::string>> draft_countries;
  bool show_superseded = false;
  int page_size = domain::kDefaultPageSize;
  std::optional<domain::PageCursor> after;
};

struct ProgressReportPage {
  // Newest reporting year first, then by plan name, then newest version.
  std::vector<itp::v1::ProgressReport> reports;
  std::optional<domain::PageCursor> next;
};

class ProgressStore {
 public:
  virtual ~ProgressStore() = default;

  // Creates the next version of `{plan}/progressReports/{year}` as a DRAFT
  // built by `make`, with name, version, state, supersedes_version, etag,
  // country, filed_by and times filled in. ALREADY_EXISTS with reason
  // PROGRESS_REPORT_DRAFT_EXISTS when the year has a draft, or
  // PROGRESS_REPORT_EXISTS when it has a published version and `supersede`
  // is false; FAILED_PRECONDITION (NOTHING_TO_SUPERSEDE) for `supersede`
  // without a published version; NOT_FOUND for a missing plan. Retry-safe on
  // ctx.request_id.
  virtual absl::StatusOr<itp::v1::ProgressReport> CreateReport(
      const WriteContext& ctx, absl::string_view plan_name, int reporting_year,
      bool supersede, const ProgressReportFactory& make) = 0;

  // Version `version` of report `name`, or (version 0) the newest version,
  // a draft only when `include_draft`. NOT_FOUND (reason
  // PROGRESS_REPORT_NOT_FOUND) when there is none.
  virtual absl::StatusOr<itp::v1::ProgressReport> GetReport(
      absl::string_view name, int version, bool include_draft) = 0;

  virtual absl::StatusOr<ProgressReportPage> ListReports(
      const ProgressReportQuery& query) = 0;

  // Applies `mutate` to the draft of report `name` with a new etag and
  // update time. FAILED_PRECONDITION (PROGRESS_REPORT_PUBLISHED) when the
  // year has no draft but a published version; NOT_FOUND when it has
  // neither.
  virtual absl::StatusOr<itp::v1::ProgressReport> UpdateDraft(
      const WriteContext& ctx, absl::string_view name,
      const ProgressReportMutation& mutate) = 0;

  // Publishes the draft of report `name` after `mutate` (the etag check):
  // PUBLISHED with a publish time; the version it supersedes becomes
  // SUPERSEDED; when the year is the plan's latest published one, the plan's
  // progress status becomes `status_of(published)`; a PROGRESS_PUBLISHED
  // event is recorded. Errors as UpdateDraft. Retry-safe on ctx.request_id.
  virtual absl::StatusOr<itp::v1::ProgressReport> PublishReport(
      const WriteContext& ctx, absl::string_view name,
      const ProgressReportMutation& mutate,
      const ProgressStatusOf& status_of) = 0;

  // The current published version of every reporting year of the plan,
  // newest year first.
  virtual absl::StatusOr<std::vector<itp::v1::ProgressReport>> PublishedReports(
      absl::string_view plan_name) = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_PROGRESS_STORE_H_
