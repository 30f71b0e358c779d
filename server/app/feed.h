// What a server stream reads: its values in batches. The serving layer pulls
// a batch, writes it, pulls again, and when a batch comes back empty waits
// for the event bus before pulling again, so an idle stream holds no thread.
//
//   uint64_t seen = bus.sequence();          // before Next()
//   auto batch = feed->Next();
//   if (batch->items.empty() && !batch->finished) bus.WaitFor(seen, pull);
#ifndef ITP_SERVER_APP_FEED_H_
#define ITP_SERVER_APP_FEED_H_

#include <vector>

#include "absl/status/statusor.h"

namespace itp::app {

template <typename T>
class Feed {
 public:
  struct Batch {
    std::vector<T> items;
    // No value will ever follow: the stream ends after this batch.
    bool finished = false;
  };

  virtual ~Feed() = default;

  // What is new since the previous batch. May read the database, never waits
  // for news. Not thread-safe: one Next at a time.
  virtual absl::StatusOr<Batch> Next() = 0;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_FEED_H_
