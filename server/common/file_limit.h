// The open-file limit of the process. Every connection takes a file
// descriptor; at the default soft limit of 1024 a burst of idle connections
// exhausts it and gRPC 1.51 stops accepting for good. The server raises its
// soft limit to the hard one at start-up (deploy/systemd sets the hard one
// with LimitNOFILE=).
//
//   auto limit = RaiseFileLimit();  // the new soft limit
#ifndef ITP_SERVER_COMMON_FILE_LIMIT_H_
#define ITP_SERVER_COMMON_FILE_LIMIT_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace itp {

// Raises RLIMIT_NOFILE's soft limit to its hard limit and returns it (the
// soft limit as it then is); INTERNAL with errno's text when the system
// refuses.
absl::StatusOr<uint64_t> RaiseFileLimit();

}  // namespace itp

#endif  // ITP_SERVER_COMMON_FILE_LIMIT_H_
