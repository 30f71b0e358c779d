// Storage of reference pathways and benchmark reports.
//
//   stores.benchmarks->SeedPathways(benchmark::ReferencePathways());
//   auto steel = stores.benchmarks->PathwaysOfSector(itp::v1::IRON_AND_STEEL);
//
// Thread-safe. Errors common to all methods: UNAVAILABLE when the database
// stays busy past its timeout, INTERNAL on a storage fault.
#ifndef ITP_SERVER_STORAGE_BENCHMARK_STORE_H_
#define ITP_SERVER_STORAGE_BENCHMARK_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/benchmark.pb.h"
#include "server/domain/page_token.h"
#include "server/storage/write_context.h"

namespace itp::storage {

struct PathwayPage {
  std::vector<itp::v1::Pathway> pathways;
  std::optional<domain::PageCursor> next;
};

struct ReportPage {
  // Newest first.
  std::vector<itp::v1::BenchmarkReport> reports;
  std::optional<domain::PageCursor> next;
};

// Whether `report` is of draft content: of a plan benchmarked as it stood
// before any submission (its plan_revision is then the plan's name, not a
// revision's).
bool IsDraftReport(const itp::v1::BenchmarkReport& report);

class BenchmarkStore {
 public:
  virtual ~BenchmarkStore() = default;

  // Makes the stored built-in pathways exactly `pathways` (named, built_in):
  // adds missing ones and refreshes changed ones. Pathways added by admins
  // are left alone, even one whose name a shipped pathway takes later.
  // Idempotent; run at every start.
  virtual absl::Status SeedPathways(
      const std::vector<itp::v1::Pathway>& pathways) = 0;

  // Stores an admin's pathway (name set) with create_time; ALREADY_EXISTS
  // (reason PATHWAY_ALREADY_EXISTS) for a taken name.
  virtual absl::StatusOr<itp::v1::Pathway> CreatePathway(
      const WriteContext& ctx, const itp::v1::Pathway& pathway) = 0;

  // NOT_FOUND (reason PATHWAY_NOT_FOUND) when absent.
  virtual absl::StatusOr<itp::v1::Pathway> GetPathway(
      absl::string_view name) = 0;

  // Pathways by name, of `sector` only unless it is SECTOR_UNSPECIFIED.
  virtual absl::StatusOr<PathwayPage> ListPathways(
      itp::v1::Sector sector, int page_size,
      const std::optional<domain::PageCursor>& after) = 0;

  // Every pathway of `sector`, by name.
  virtual absl::StatusOr<std::vector<itp::v1::Pathway>> PathwaysOfSector(
      itp::v1::Sector sector) = 0;

  // Stores `report` for the plan `plan_name` and returns it named
  // `{plan_name}/benchmarkReports/{id}` with create_time. NOT_FOUND when the
  // plan does not exist. The report goes when the plan is deleted.
  virtual absl::StatusOr<itp::v1::BenchmarkReport> CreateReport(
      const WriteContext& ctx, absl::string_view plan_name,
      const itp::v1::BenchmarkReport& report) = 0;

  // NOT_FOUND (reason BENCHMARK_REPORT_NOT_FOUND) when absent.
  virtual absl::StatusOr<itp::v1::BenchmarkReport> GetReport(
      absl::string_view name) = 0;

  // Reports of a plan, newest first; without those of draft content
  // (IsDraftReport) unless `with_drafts`.
  virtual absl::StatusOr<ReportPage> ListReports(
      absl::string_view plan_name, int page_size,
      const std::optional<domain::PageCursor>& after, bool with_drafts) = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_BENCHMARK_STORE_H_
