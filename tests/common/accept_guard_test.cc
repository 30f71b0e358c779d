// The accept guard on real loopback sockets in this process (CTest runs
// each test in a process of its own, so lowering the open-file limit here
// touches no other test). The listener is non-blocking, as gRPC's is, and
// accept4() is called until EAGAIN, as gRPC's listener does.

#include "server/common/accept_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "server/common/log.h"

namespace itp {
namespace {

// A non-blocking listener on 127.0.0.1 with room for `backlog` waiting
// connections.
int Listen(int backlog, sockaddr_in* address) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  *address = {};
  address->sin_family = AF_INET;
  address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(address), sizeof(*address)),
            0);
  socklen_t len = sizeof(*address);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(address), &len), 0);
  EXPECT_EQ(listen(fd, backlog), 0);
  return fd;
}

int Connect(const sockaddr_in& address) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&address),
                    sizeof(address)),
            0);
  return fd;
}

// Accepts until EAGAIN and returns the accepted descriptors.
std::vector<int> AcceptAll(int listener) {
  std::vector<int> accepted;
  for (;;) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      EXPECT_EQ(errno, EAGAIN);
      return accepted;
    }
    accepted.push_back(fd);
  }
}

// True when the server side reset the connection (the client reads an
// error or end of file rather than waiting for data).
bool WasReset(int client) {
  timeval timeout = {2, 0};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char byte;
  ssize_t n = recv(client, &byte, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

void CloseAll(const std::vector<int>& fds) {
  for (int fd : fds) close(fd);
}

TEST(AcceptGuardTest, ConnectionsAtTheCapAreResetAndTheRestAccepted) {
  sockaddr_in address;
  const int listener = Listen(64, &address);
  std::vector<int> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(Connect(address));
  // Descriptors are handed out lowest first: the first 10 accepted ones
  // take the next free numbers (after the guard's spare).
  EnableAcceptGuard(1 << 20);
  const int next_free = dup(listener);
  close(next_free);
  EnableAcceptGuard(next_free + 10);
  const AcceptGuardCounts before = GetAcceptGuardCounts();

  const std::vector<int> accepted = AcceptAll(listener);
  EXPECT_EQ(accepted.size(), 10u);
  for (int fd : accepted) EXPECT_LT(fd, next_free + 10);
  const AcceptGuardCounts counts = GetAcceptGuardCounts();
  EXPECT_EQ(counts.refused_at_cap - before.refused_at_cap, 10u);
  EXPECT_EQ(counts.refused_out_of_descriptors,
            before.refused_out_of_descriptors);
  // The first ten clients are connected, the last ten were reset.
  int reset = 0;
  for (int i = 10; i < 20; ++i) reset += WasReset(clients[i]) ? 1 : 0;
  EXPECT_EQ(reset, 10);

  // Once connections close, new ones are accepted again.
  CloseAll(accepted);
  const int later = Connect(address);
  const std::vector<int> again = AcceptAll(listener);
  EXPECT_EQ(again.size(), 1u);
  CloseAll(again);
  close(later);
  CloseAll(clients);
  close(listener);
  EnableAcceptGuard(0);
}

TEST(AcceptGuardTest, OutOfDescriptorsTheBacklogIsDrainedAndAcceptingResumes) {
  sockaddr_in address;
  const int listener = Listen(64, &address);
  EnableAcceptGuard(1 << 20);  // no cap: only the limit below binds
  // The guard logs its first refusal, and the first line starts the log
  // writer's thread. Start it now, as the server's start-up lines do: a
  // thread that starts with no descriptor free trips UBSan's vptr check,
  // which needs a pipe to probe memory (a sanitizer artefact, not a fault).
  Log(LogLevel::kInfo, "accept guard test: descriptors run out next");
  FlushLog();
  const uint64_t refused_before =
      GetAcceptGuardCounts().refused_out_of_descriptors;
  std::vector<int> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(Connect(address));
  // Leave the process no descriptor to accept with.
  struct rlimit before;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  std::vector<int> filler;
  const int probe = dup(listener);
  close(probe);
  struct rlimit tight = before;
  tight.rlim_cur = probe + 2;  // two more descriptors
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  for (;;) {
    int fd = dup(listener);
    if (fd < 0) break;
    filler.push_back(fd);
  }
  ASSERT_EQ(errno, EMFILE);

  // Without the guard gRPC's listener would see EMFILE and stop for good.
  int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(GetAcceptGuardCounts().refused_out_of_descriptors -
                refused_before,
            8u);
  int reset = 0;
  for (int client : clients) reset += WasReset(client) ? 1 : 0;
  EXPECT_EQ(reset, 8);

  // Descriptors free again: the next client is accepted.
  CloseAll(filler);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &before), 0);
  const int later = Connect(address);
  const std::vector<int> accepted = AcceptAll(listener);
  EXPECT_EQ(accepted.size(), 1u);
  CloseAll(accepted);
  close(later);
  CloseAll(clients);
  close(listener);
  EnableAcceptGuard(0);
}

TEST(AcceptGuardTest, OffAcceptsEverything) {
  EnableAcceptGuard(0);
  const uint64_t refused_before = GetAcceptGuardCounts().refused_at_cap;
  sockaddr_in address;
  const int listener = Listen(8, &address);
  const int client = Connect(address);
  const std::vector<int> accepted = AcceptAll(listener);
  EXPECT_EQ(accepted.size(), 1u);
  EXPECT_EQ(GetAcceptGuardCounts().refused_at_cap, refused_before);
  CloseAll(accepted);
  close(client);
  close(listener);
}

}  // namespace
}  // namespace itp
