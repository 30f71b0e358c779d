#ifndef ITP_SERVER_DOMAIN_UPDATE_MASK_H_
#define ITP_SERVER_DOMAIN_UPDATE_MASK_H_

// Update masks as AIP-134 defines them, for every Update RPC:
//
//   - `*` replaces every updatable field with the request's value (a field
//     the request leaves unset is cleared);
//   - an empty mask means "the fields that are populated in the request":
//     a field left unset keeps its stored value;
//   - otherwise each path names a field to replace, top level (`summary`) or
//     nested in a singular message (`governance.lead_institution`); a field
//     named by the mask but unset in the request is cleared.
//
// Repeated fields are replaced whole; paths do not go into them.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace itp::domain {

struct UpdatableFields {
  // Top-level field names a client may change; output-only fields are not
  // among them.
  absl::Span<const absl::string_view> fields;
  // At most this many paths in one mask.
  int max_paths = 50;
};

// The paths to apply for `mask` against `patch`: `mask`'s own paths, every
// updatable field for `*`, or the populated leaf fields of `patch` (under the
// updatable fields) for an empty mask. INVALID_ARGUMENT naming
// `update_mask.paths[i]` for a path that is not an updatable field or does not
// exist, and `update_mask.paths` for too many paths.
absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const google::protobuf::Message& patch,
    const google::protobuf::FieldMask& mask, const UpdatableFields& updatable);

// Copies each of `paths` (as ResolveUpdateMask returns them) from `patch`
// into `current`, clearing those `patch` leaves unset. Both messages are of
// the same type.
void ApplyUpdatePaths(const google::protobuf::Message& patch,
                      const std::vector<std::string>& paths,
                      google::protobuf::Message& current);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_UPDATE_MASK_H_
