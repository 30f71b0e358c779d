// Storage of reviews, their comments, and the plan events partners follow.
// Review transitions and the plan transitions they trigger commit in one
// transaction, together with their events and audit records.
//
// Thread-safe. Errors common to all methods: UNAVAILABLE when the database
// stays busy past its timeout, INTERNAL on a storage fault.
#ifndef ITP_SERVER_STORAGE_REVIEW_STORE_H_
#define ITP_SERVER_STORAGE_REVIEW_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/review.pb.h"
#include "server/domain/page_token.h"
#include "server/storage/plan_store.h"
#include "server/storage/write_context.h"

namespace itp::storage {

// Builds a new review for `plan` (after its transition) from the previous
// completed review of the plan, if any.
using ReviewFactory = std::function<absl::StatusOr<itp::v1::Review>(
    const itp::v1::Plan& plan, const itp::v1::Review* previous)>;

// Changes a review in place; `unresolved` is its number of unresolved
// comments, `now` the store's clock.
using ReviewMutation = std::function<absl::Status(itp::v1::Review& review,
                                                  int unresolved, int64_t now)>;

struct ReviewQuery {
  // `countries/{c}/plans/{p}`, or empty for every plan.
  std::string plan;
  // Only plans of these countries, when not empty.
  std::vector<std::string> countries;
  // Only reviews in this state, when set.
  itp::v1::Review::State state = itp::v1::Review::STATE_UNSPECIFIED;
  // Only reviews started by this key, when set.
  std::string reviewer;
  int page_size = domain::kDefaultPageSize;
  std::optional<domain::PageCursor> after;
};

struct ReviewPage {
  // Newest first.
  std::vector<itp::v1::Review> reviews;
  std::optional<domain::PageCursor> next;
};

struct CommentPage {
  // Oldest first.
  std::vector<itp::v1::Comment> comments;
  std::optional<domain::PageCursor> next;
};

// An event with what its readers need to know about the plan.
struct StoredEvent {
  itp::v1::PlanEvent event;
  std::string country;
  // A comment event on a review that was open when the comment was made.
  bool on_open_review = false;
};

class ReviewStore {
 public:
  virtual ~ReviewStore() = default;

  // Atomically: applies `mutate_plan` to the plan (the start-review
  // transition), creates the review `make_review` builds, named
  // `{plan}/reviews/{id}`, and records a STATE_CHANGED event.
  // FAILED_PRECONDITION (reason REVIEW_ALREADY_OPEN) when the plan has an
  // open review; NOT_FOUND for a missing plan; errors of the callbacks as
  // they are. Retry-safe on ctx.request_id.
  virtual absl::StatusOr<itp::v1::Review> StartReview(
      const WriteContext& ctx, absl::string_view plan_name,
      const PlanMutation& mutate_plan, const ReviewFactory& make_review) = 0;

  // NOT_FOUND (reason REVIEW_NOT_FOUND) when absent; `unresolved_comments`
  // filled in.
  virtual absl::StatusOr<itp::v1::Review> GetReview(absl::string_view name) = 0;

  virtual absl::StatusOr<ReviewPage> ListReviews(const ReviewQuery& query) = 0;

  // Atomically applies `mutate` to the review with a new etag and update
  // time. When `mutate_plan` is set (a completion), it is applied to the
  // review's plan in the same transaction and REVIEW_COMPLETED and
  // STATE_CHANGED events are recorded. Retry-safe on ctx.request_id.
  virtual absl::StatusOr<itp::v1::Review> MutateReview(
      const WriteContext& ctx, absl::string_view name,
      const ReviewMutation& mutate, const PlanMutation* mutate_plan) = 0;

  // Adds `comment` (author and times filled in from ctx and the clock) to the
  // review and records a COMMENT_ADDED event. NOT_FOUND for a missing review
  // or, with reason COMMENT_NOT_FOUND, a reply_to of another review.
  // Retry-safe on ctx.request_id (the replay returns the first comment).
  virtual absl::StatusOr<itp::v1::Comment> CreateComment(
      const WriteContext& ctx, absl::string_view review_name,
      const itp::v1::Comment& comment) = 0;

  // NOT_FOUND (reason COMMENT_NOT_FOUND) when absent.
  virtual absl::StatusOr<itp::v1::Comment> GetComment(
      absl::string_view name) = 0;

  virtual absl::StatusOr<CommentPage> ListComments(
      absl::string_view review_name, int page_size,
      const std::optional<domain::PageCursor>& after) = 0;

  virtual absl::StatusOr<itp::v1::Comment> SetCommentResolved(
      const WriteContext& ctx, absl::string_view name, bool resolved) = 0;

  // Events after `after_id`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<StoredEvent>> ListEvents(int64_t after_id,
                                                              int limit) = 0;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_REVIEW_STORE_H_
