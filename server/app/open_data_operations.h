// The operation of itp.v1.OpenDataService: the APPROVED plans as a
// Frictionless Data Package. It gathers what is published of each approved
// plan (its approved revision, tracked projects, newest benchmark report of
// that revision, published progress reports) and leaves the package's shape
// to domain/open_data (pure, deterministic).
//
//   OpenDataOperations open_data(context);
//   auto feed = open_data.ExportDataPackage(caller, request);
//   auto batch = (*feed)->Next();   // DataPackageChunks, file after file
#ifndef ITP_SERVER_APP_OPEN_DATA_OPERATIONS_H_
#define ITP_SERVER_APP_OPEN_DATA_OPERATIONS_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "itp/v1/open_data_service.pb.h"
#include "server/app/caller.h"
#include "server/app/context.h"
#include "server/app/feed.h"
#include "server/domain/open_data.h"

namespace itp::app {

// Bytes of file content per DataPackageChunk.
inline constexpr size_t kDataPackageChunkBytes = 256 * 1024;

// Thread-safe; errors as the API documents.
class OpenDataOperations {
 public:
  explicit OpenDataOperations(AppContext& context) : ctx_(context) {}

  // REVIEWER and ADMIN keys.
  absl::StatusOr<std::unique_ptr<Feed<itp::v1::DataPackageChunk>>>
  ExportDataPackage(const Caller& caller,
                    const itp::v1::ExportDataPackageRequest& request);

  // The package's files as BuildDataPackage makes them from the store (no
  // access control; for the operation and for tests).
  absl::StatusOr<std::vector<domain::PackageFile>> BuildPackage();

 private:
  AppContext& ctx_;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_OPEN_DATA_OPERATIONS_H_
