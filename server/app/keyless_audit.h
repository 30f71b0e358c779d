// Calls without a valid key are counted, not recorded one by one: one audit
// event per client (its address without the port) and minute, holding how
// many calls it stands for, the first call's time, method and message. So
// a client with no key cannot grow the database faster than one row a
// minute, however fast it calls, and each call costs no write.
//
// Rows are written when their minute has ended, by a background thread
// every `flush_every`, and all of them at Stop(). At most
// `max_clients_per_minute` clients are told apart in a minute; the calls of
// any further ones are counted together under the peer "(other clients)".
//
//   KeylessAudit audit(*stores.audit, now, {});
//   audit.Start();
//   audit.Count(call.Write(), outcome);  // UNAUTHENTICATED only
//   audit.Stop();                        // writes what is left
#ifndef ITP_SERVER_APP_KEYLESS_AUDIT_H_
#define ITP_SERVER_APP_KEYLESS_AUDIT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/key_store.h"
#include "server/storage/write_context.h"

namespace itp::app {

// The peer of the calls of clients beyond max_clients_per_minute.
inline constexpr char kOtherClientsPeer[] = "(other clients)";

class KeylessAudit {
 public:
  struct Options {
    int max_clients_per_minute = 1000;
    absl::Duration flush_every = absl::Seconds(10);
  };

  // `now` gives Unix microseconds; `log` must outlive this object.
  KeylessAudit(storage::AuditLog& log, std::function<int64_t()> now,
               Options options);
  // Stop().
  ~KeylessAudit();
  KeylessAudit(const KeylessAudit&) = delete;
  KeylessAudit& operator=(const KeylessAudit&) = delete;

  // Counts one call of `ctx.peer` to `ctx.method` that ended with `outcome`.
  // Thread-safe and cheap: no I/O.
  void Count(const storage::WriteContext& ctx, const absl::Status& outcome);

  // Writes the rows of the minutes that have ended; all rows when `all`.
  // Rows the log refuses stay, to be written at the next flush.
  absl::Status Flush(bool all);

  // Starts the background flushing; Stop() ends it and flushes everything.
  // Stop is idempotent.
  void Start();
  void Stop();

  // Rows counted but not yet written.
  int pending() const;

 private:
  struct Row {
    storage::WriteContext ctx;
    absl::Status outcome;
    int64_t count = 0;
    int64_t first_time = 0;
  };
  // (minute start in Unix micros, peer)
  using RowKey = std::pair<int64_t, std::string>;

  storage::AuditLog& log_;
  const std::function<int64_t()> now_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::map<RowKey, Row> rows_ ABSL_GUARDED_BY(mu_);
  // Clients told apart per minute.
  std::map<int64_t, int> clients_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex flush_mu_;  // one flush at a time
  absl::Mutex thread_mu_;
  std::thread thread_ ABSL_GUARDED_BY(thread_mu_);
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_KEYLESS_AUDIT_H_
