#include "server/common/accept_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"

namespace itp {
namespace {

std::atomic<int> g_cap{0};  // 0: the guard is off
std::atomic<int> g_spare{-1};
std::atomic<uint64_t> g_refused_at_cap{0};
std::atomic<uint64_t> g_refused_out_of_descriptors{0};
std::atomic<int64_t> g_last_warning_seconds{0};

int SystemAccept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  return static_cast<int>(syscall(SYS_accept4, fd, addr, len, flags));
}

int OpenSpare() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

// Closes with a reset rather than an orderly FIN: the client learns at once
// that it was refused, and the socket leaves no TIME_WAIT behind.
void Refuse(int fd) {
  struct linger reset = {1, 0};
  (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  close(fd);
}

// One warning per ten seconds of refusals, with the running totals.
void WarnRefused() {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  int64_t last = g_last_warning_seconds.load(std::memory_order_relaxed);
  if (now - last < 10 ||
      !g_last_warning_seconds.compare_exchange_strong(last, now)) {
    return;
  }
  Log(LogLevel::kWarning,
      absl::StrCat("refusing connections: ",
                   g_refused_at_cap.load(std::memory_order_relaxed),
                   " reset at the descriptor cap of ",
                   g_cap.load(std::memory_order_relaxed), ", ",
                   g_refused_out_of_descriptors.load(std::memory_order_relaxed),
                   " with no descriptor left, since start-up (see "
                   "--reserved_file_descriptors)"));
}

}  // namespace

void EnableAcceptGuard(int descriptor_cap) {
  // (Re)opened here, so that the spare takes the lowest free number: one
  // below the limit whatever was open before.
  const int old_spare = g_spare.exchange(-1);
  if (old_spare >= 0) close(old_spare);
  const int spare = OpenSpare();
  int expected = -1;
  if (spare >= 0 && !g_spare.compare_exchange_strong(expected, spare)) {
    close(spare);
  }
  g_cap.store(descriptor_cap > 0 ? descriptor_cap : 0);
}

AcceptGuardCounts GetAcceptGuardCounts() {
  return {g_refused_at_cap.load(), g_refused_out_of_descriptors.load()};
}

}  // namespace itp

// The process-wide accept4(); see accept_guard.h. gRPC's listener calls it
// until it reports EAGAIN, so refused connections are drained here too.
extern "C" int accept4(int fd, struct sockaddr* addr, socklen_t* addr_len,
                       int flags) {
  using namespace itp;
  const int cap = g_cap.load(std::memory_order_relaxed);
  const socklen_t len_in = addr_len != nullptr ? *addr_len : 0;
  for (;;) {
    if (addr_len != nullptr) *addr_len = len_in;
    const int accepted = SystemAccept4(fd, addr, addr_len, flags);
    if (cap == 0) return accepted;
    if (accepted >= 0) {
      if (accepted < cap) return accepted;
      Refuse(accepted);
      g_refused_at_cap.fetch_add(1, std::memory_order_relaxed);
      WarnRefused();
      continue;
    }
    if (errno != EMFILE && errno != ENFILE) return accepted;
    // Out of descriptors: give up the spare for the moment it takes to take
    // one connection off the backlog and reset it.
    const int spare = g_spare.exchange(-1);
    if (spare < 0) {
      errno = EAGAIN;
      return -1;
    }
    close(spare);
    const int waiting = SystemAccept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    const int saved_errno = errno;
    if (waiting >= 0) {
      Refuse(waiting);
      g_refused_out_of_descriptors.fetch_add(1, std::memory_order_relaxed);
    }
    int expected = -1;
    const int reopened = OpenSpare();
    if (reopened >= 0 && !g_spare.compare_exchange_strong(expected, reopened)) {
      close(reopened);
    }
    WarnRefused();
    if (waiting < 0) {
      // The backlog is empty (EAGAIN), or the accept failed otherwise:
      // either way there is nothing to accept now.
      errno = saved_errno == EMFILE || saved_errno == ENFILE ? EAGAIN
                                                             : saved_errno;
      return -1;
    }
  }
}
