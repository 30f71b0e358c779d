// Data retention: deleting the rows that only grow and that nobody needs after
// a while (request ids, audit rows of denied reads and of calls without a key,
// benchmark reports superseded by a recomputation), in small transactions so
// that a large backlog never holds the write lock for long. Change records
// are kept for ever.
//
//   RetentionPolicy policy;                  // 7 / 30 / 30 days
//   auto counts = stores.retention->ApplyRetention(policy, absl::Now(), {});
//   // counts->request_ids, counts->audit_events, counts->benchmark_reports
//
// The rule, for a pass at time `now`; a row is deleted only when it is older
// than its kind's cutoff (strictly: its time < now - the kind's retention):
//
// - Request ids (table request_ids: api key, request id, the stored response
//   that a retry replays): every id recorded before now - request_ids. A
//   retry of an older call is no longer recognised and runs as a new call.
//
// - Audit events: only rows that record no change, namely
//     (a) denials and failures of calls that only read (Get*, List*, Watch*,
//         Stream*, Compare*: WriteContext::is_read; rows from before schema
//         9 are classified by method name), and
//     (b) the rows of calls without a valid key (UNAUTHENTICATED, one row
//         per client and minute, see server/app/keyless_audit.h),
//   recorded before now - denied_audit. Every other row is kept for ever:
//   successful changes (create, update, submit, withdraw, delete, review,
//   score, complete, comment, benchmark, key and job changes, replays of
//   them, the server's own writes) and denied or failed attempts to change.
//
// - Benchmark reports: a report R is deleted when all of these hold:
//     1. R was created before now - superseded_reports, and also before
//        now - request_ids, so that no request id can still replay it;
//     2. R is superseded: the same plan has a newer report (higher id) of the
//        same plan_revision (the revision's name, or the plan's name for a
//        draft benchmarked as it stood) with the same parameters, i.e. the
//        same methodology_version, pathway_releases, checkpoint_years and
//        tcre_c_per_1000_gtco2, in the same order. So the latest report of
//        every (revision, parameters) - and hence of every revision - stays,
//        and for a frozen revision the newer report holds the very figures of
//        R (the engine is deterministic);
//     3. no benchmark job run's result refers to R (BenchmarkJobResult.report).
//   A report whose revision or parameters could not be read is never deleted.
//
// Thread-safe. Errors common to all methods: UNAVAILABLE when the database
// stays busy past its timeout, INTERNAL on a storage fault.
#ifndef ITP_SERVER_STORAGE_RETENTION_STORE_H_
#define ITP_SERVER_STORAGE_RETENTION_STORE_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace itp::storage {

struct RetentionPolicy {
  // How long each kind is kept (see the rule above); absl::InfiniteDuration()
  // keeps it for ever. Zero deletes every row of the kind older than `now`.
  absl::Duration request_ids = absl::Hours(7 * 24);
  absl::Duration denied_audit = absl::Hours(30 * 24);
  absl::Duration superseded_reports = absl::Hours(30 * 24);
  // Rows deleted per transaction, at least 1.
  int batch_rows = 1000;
};

// What one pass deleted.
struct RetentionCounts {
  int64_t request_ids = 0;
  int64_t audit_events = 0;
  int64_t benchmark_reports = 0;
  // Write transactions the pass committed (each deletes at most batch_rows;
  // a kind whose last batch was full takes one more that finds nothing).
  int transactions = 0;
  // False when `between_batches` ended the pass before it was done.
  bool complete = true;

  int64_t total() const {
    return request_ids + audit_events + benchmark_reports;
  }
};

class RetentionStore {
 public:
  virtual ~RetentionStore() = default;

  // Deletes what `policy` says has expired at `now`: request ids first, then
  // audit events, then benchmark reports, each in transactions of at most
  // policy.batch_rows rows. `between_batches`, when set, is called before
  // every transaction but the first; returning false ends the pass there
  // (counts.complete is then false). Callers use it to stop promptly and to
  // give other writers a turn.
  //
  // INVALID_ARGUMENT for batch_rows < 1 or a negative duration. On an error,
  // what earlier transactions deleted stays deleted.
  virtual absl::StatusOr<RetentionCounts> ApplyRetention(
      const RetentionPolicy& policy, absl::Time now,
      const std::function<bool()>& between_batches) = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_RETENTION_STORE_H_
