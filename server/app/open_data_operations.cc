#include "server/app/open_data_operations.h"

#include <openssl/sha.h>

#include <set>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/app/call.h"
#include "server/auth/policy.h"
#include "server/domain/resource_names.h"

namespace itp::app {
namespace {

using itp::v1::DataPackageChunk;

constexpr char kExport[] = "/itp.v1.OpenDataService/ExportDataPackage";
// Plans, projects and reports read per store call.
constexpr int kReadPage = 1000;

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), sizeof digest));
}

// The files in chunks, a few per batch.
class PackageFeed final : public Feed<DataPackageChunk> {
 public:
  explicit PackageFeed(std::vector<domain::PackageFile> files)
      : files_(std::move(files)) {}

  absl::StatusOr<Batch> Next() override {
    Batch batch;
    constexpr int kChunksPerBatch = 4;
    while (file_ < files_.size() &&
           static_cast<int>(batch.items.size()) < kChunksPerBatch) {
      const domain::PackageFile& f = files_[file_];
      DataPackageChunk chunk;
      chunk.set_path(f.path);
      const size_t n =
          std::min(kDataPackageChunkBytes, f.content.size() - offset_);
      chunk.set_data(f.content.substr(offset_, n));
      offset_ += n;
      if (offset_ >= f.content.size()) {
        chunk.set_last(true);
        chunk.set_size(static_cast<int64_t>(f.content.size()));
        chunk.set_sha256(Sha256Hex(f.content));
        ++file_;
        offset_ = 0;
      }
      batch.items.push_back(std::move(chunk));
    }
    batch.finished = file_ >= files_.size();
    return batch;
  }

 private:
  const std::vector<domain::PackageFile> files_;
  size_t file_ = 0;
  size_t offset_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<domain::PackageFile>>
OpenDataOperations::BuildPackage() {
  domain::OpenDataInput input;
  std::set<std::string> pathways;
  storage::PlanListQuery query;
  query.country = domain::kAnyCountry;
  domain::FilterExpr approved;
  approved.field = domain::FilterField::kState;
  approved.int_value = itp::v1::Plan::APPROVED;
  query.filter = approved;
  query.page_size = kReadPage;
  while (true) {
    auto page = ctx_.plans.ListPlans(query);
    if (!page.ok()) return page.status();
    for (itp::v1::Plan& plan : page->plans) {
      domain::OpenDataPlan entry;
      auto revision = ctx_.plans.GetPlanRevision(plan.name(), plan.revision());
      if (!revision.ok()) return revision.status();
      entry.revision = *std::move(revision);
      storage::ProjectQuery projects;
      projects.plan = plan.name();
      projects.page_size = kReadPage;
      while (true) {
        auto tracked = ctx_.investments.ListProjects(projects);
        if (!tracked.ok()) return tracked.status();
        for (auto& t : tracked->projects) entry.projects.push_back(std::move(t));
        if (!tracked->next) break;
        projects.after = tracked->next;
      }
      // The newest report of the approved revision (reports come newest
      // first).
      std::optional<domain::PageCursor> after;
      while (!entry.report) {
        auto reports = ctx_.benchmarks.ListReports(plan.name(), kReadPage,
                                                   after, false);
        if (!reports.ok()) return reports.status();
        for (auto& r : reports->reports) {
          if (r.plan_revision() == entry.revision.name()) {
            entry.report = std::move(r);
            break;
          }
        }
        if (!reports->next) break;
        after = reports->next;
      }
      if (entry.report) {
        for (const std::string& release : entry.report->pathway_releases()) {
          pathways.insert(release.substr(0, release.find('@')));
        }
      }
      auto progress = ctx_.progress.PublishedReports(plan.name());
      if (!progress.ok()) return progress.status();
      entry.progress = *std::move(progress);
      entry.plan = std::move(plan);
      input.plans.push_back(std::move(entry));
    }
    if (!page->next) break;
    query.after = page->next;
  }
  for (const std::string& name : pathways) {
    auto pathway = ctx_.benchmarks.GetPathway(name);
    if (pathway.ok()) input.pathways.push_back(*std::move(pathway));
  }
  return domain::BuildDataPackage(input);
}

absl::StatusOr<std::unique_ptr<Feed<DataPackageChunk>>>
OpenDataOperations::ExportDataPackage(
    const Caller& caller, const itp::v1::ExportDataPackageRequest&) {
  Call call(ctx_.call, caller, kExport, Call::kRead, "countries/-/plans/-");
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  s = call.Authorize(auth::Operation::kExportOpenData, domain::kAnyCountry);
  if (!s.ok()) return call.Finish(s);
  auto files = BuildPackage();
  if (!files.ok()) return call.Finish(files.status());
  std::unique_ptr<Feed<DataPackageChunk>> feed =
      std::make_unique<PackageFeed>(*std::move(files));
  return call.Done(std::move(feed));
}

}  // namespace itp::app
