// Keeps the server accepting connections however many a client opens.
//
// gRPC 1.51's listener stops for good when accept4() fails with EMFILE or
// ENFILE ("Too many open files"): it logs the error and never re-arms, so
// the server accepts no connection again even once the others have closed.
// The guard wraps accept4() for the whole process (gRPC calls it through
// the dynamic linker, and a definition in the executable comes first):
//
//  - a connection whose descriptor would be one of the last `reserved`
//    below the open-file limit is closed at once (reset), so that the
//    database, the logs and gRPC's own descriptors always find one free;
//  - when the process is out of descriptors anyway, a spare descriptor is
//    given up for a moment to take the waiting connection off the backlog
//    and reset it, and accept4() reports EAGAIN, which gRPC treats as
//    "nothing to accept" and keeps listening.
//
// Until EnableAcceptGuard() is called accept4() behaves as the system's.
//
//   itp::EnableAcceptGuard(/*descriptor_cap=*/limit - 256);
#ifndef ITP_SERVER_COMMON_ACCEPT_GUARD_H_
#define ITP_SERVER_COMMON_ACCEPT_GUARD_H_

#include <cstdint>

namespace itp {

// Connections are accepted only while their descriptor number is below
// `descriptor_cap` (which implies that fewer than `descriptor_cap`
// descriptors are open); refused ones are reset. Also (re)opens the spare
// descriptor at the lowest free number. `descriptor_cap` <= 0 turns the
// guard off again.
void EnableAcceptGuard(int descriptor_cap);

struct AcceptGuardCounts {
  // Connections reset because their descriptor reached the cap.
  uint64_t refused_at_cap = 0;
  // Connections reset because the process had no descriptor left.
  uint64_t refused_out_of_descriptors = 0;
};
AcceptGuardCounts GetAcceptGuardCounts();

}  // namespace itp

#endif  // ITP_SERVER_COMMON_ACCEPT_GUARD_H_
