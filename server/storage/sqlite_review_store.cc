// SQLite implementation of ReviewStore.

#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"
#include "server/storage/review_store.h"
#include "server/storage/sqlite_db.h"

namespace itp::storage {
namespace {

using domain::ErrorWithInfo;
using domain::PageCursor;
using google::protobuf::util::TimeUtil;
using internal::Connection;
using internal::FromBlob;
using internal::ScopedStatement;
using internal::SqliteDb;
using itp::v1::Comment;
using itp::v1::Plan;
using itp::v1::PlanEvent;
using itp::v1::Review;

constexpr char kReviewsSegment[] = "/reviews/";
constexpr char kCommentsSegment[] = "/comments/";

// The number after the last `segment` of `name`, or 0.
int64_t TrailingId(absl::string_view name, absl::string_view segment) {
  size_t pos = name.rfind(segment);
  int64_t id = 0;
  if (pos == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(pos + segment.size()), &id)) {
    return 0;
  }
  return id;
}

absl::Status ReviewNotFound(absl::string_view name) {
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Review ", name, " does not exist."),
                       "REVIEW_NOT_FOUND", name);
}

absl::Status CommentNotFound(absl::string_view name) {
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Comment ", name, " does not exist."),
                       "COMMENT_NOT_FOUND", name);
}

std::string ReviewEtag(absl::string_view name, int64_t version) {
  return absl::StrCat(
      absl::Hex(domain::QueryFingerprint({name, absl::StrCat(version)}),
                absl::kZeroPad16));
}

class SqliteReviewStore : public ReviewStore {
 public:
  explicit SqliteReviewStore(std::shared_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<Review> StartReview(
      const WriteContext& ctx, absl::string_view plan_name,
      const PlanMutation& mutate_plan,
      const ReviewFactory& make_review) override {
    return db_->Write<Review>([&](Connection& c) -> absl::StatusOr<Review> {
      auto replay = db_->ReplayAs<Review>(c, ctx, plan_name);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      int64_t plan_id = 0;
      {
        ScopedStatement s = c.Prepare("SELECT id FROM plans WHERE name = ?");
        s->bind(1, std::string(plan_name));
        if (!s->executeStep()) {
          return ErrorWithInfo(
              absl::StatusCode::kNotFound,
              absl::StrCat("Plan ", plan_name, " does not exist."),
              "PLAN_NOT_FOUND", plan_name);
        }
        plan_id = s->getColumn(0).getInt64();
      }
      std::optional<Review> previous;
      {
        ScopedStatement s = c.Prepare(
            "SELECT state, content FROM reviews WHERE plan_id = ? "
            "ORDER BY id DESC");
        s->bind(1, static_cast<int64_t>(plan_id));
        while (s->executeStep()) {
          auto review = FromBlob<Review>(s->getColumn(1));
          if (!review.ok()) return review.status();
          if (review->state() == Review::OPEN) {
            return ErrorWithInfo(
                absl::StatusCode::kFailedPrecondition,
                absl::StrCat(plan_name, " already has an open review, ",
                             review->name(), "."),
                "REVIEW_ALREADY_OPEN", review->name());
          }
          if (!previous) previous = *std::move(review);
        }
      }
      // The plan transition first: it refuses plans that are not SUBMITTED.
      const int64_t now = db_->Now();
      {
        ScopedStatement s = c.Prepare(
            "INSERT INTO reviews (plan_id, state, reviewer, version, "
            "create_time, content) VALUES (?, 1, ?, 1, ?, x'')");
        s->bind(1, static_cast<int64_t>(plan_id));
        s->bind(2, ctx.api_key);
        s->bind(3, static_cast<int64_t>(now));
        s->exec();
      }
      const int64_t review_id = c.db().getLastInsertRowid();
      const std::string name =
          absl::StrCat(plan_name, kReviewsSegment, review_id);
      auto plan =
          internal::ApplyPlanMutation(*db_, c, plan_name, mutate_plan, name);
      if (!plan.ok()) return plan.status();
      auto review = make_review(*plan, previous ? &*previous : nullptr);
      if (!review.ok()) return review.status();
      review->set_name(name);
      review->set_reviewer(ctx.api_key);
      review->set_state(Review::OPEN);
      review->set_etag(ReviewEtag(name, 1));
      *review->mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      *review->mutable_update_time() = review->create_time();
      WriteReview(c, review_id, *review, 1);
      db_->RecordWrite(c, ctx, plan_name, *review);
      return review;
    });
  }

  absl::StatusOr<Review> GetReview(absl::string_view name) override {
    return db_->Read<Review>([&](Connection& c) -> absl::StatusOr<Review> {
      return LoadReview(c, name);
    });
  }

  absl::StatusOr<ReviewPage> ListReviews(const ReviewQuery& q) override {
    std::string sql =
        "SELECT r.id, r.content FROM reviews r JOIN plans p ON p.id = "
        "r.plan_id WHERE r.id < ?";
    std::vector<internal::BindValue> binds;
    binds.emplace_back(q.after ? q.after->key : INT64_MAX);
    if (!q.plan.empty()) {
      sql.append(" AND p.name = ?");
      binds.emplace_back(q.plan);
    }
    if (!q.countries.empty()) {
      sql.append(" AND p.country IN (");
      for (size_t i = 0; i < q.countries.size(); ++i) {
        sql.append(i == 0 ? "?" : ", ?");
        binds.emplace_back(q.countries[i]);
      }
      sql.append(")");
    }
    if (q.state != Review::STATE_UNSPECIFIED) {
      sql.append(" AND r.state = ?");
      binds.emplace_back(static_cast<int64_t>(q.state));
    }
    if (!q.reviewer.empty()) {
      sql.append(" AND r.reviewer = ?");
      binds.emplace_back(q.reviewer);
    }
    sql.append(" ORDER BY r.id DESC LIMIT ?");
    binds.emplace_back(static_cast<int64_t>(q.page_size) + 1);
    return db_->Read<ReviewPage>(
        [&](Connection& c) -> absl::StatusOr<ReviewPage> {
          SQLite::Transaction txn(c.db(),
                                  SQLite::TransactionBehavior::DEFERRED);
          std::vector<std::pair<int64_t, Review>> rows;
          {
            ScopedStatement s = c.Prepare(sql);
            internal::Bind(*s, binds);
            while (s->executeStep()) {
              auto review = FromBlob<Review>(s->getColumn(1));
              if (!review.ok()) return review.status();
              rows.emplace_back(s->getColumn(0).getInt64(), *std::move(review));
            }
          }
          ReviewPage page;
          for (auto& [id, review] : rows) {
            if (static_cast<int>(page.reviews.size()) == q.page_size) {
              page.next = PageCursor{rows[page.reviews.size() - 1].first,
                                     page.reviews.back().name()};
              break;
            }
            auto unresolved = Unresolved(c, id);
            if (!unresolved.ok()) return unresolved.status();
            review.set_unresolved_comments(*unresolved);
            page.reviews.push_back(std::move(review));
          }
          return page;
        });
  }

  absl::StatusOr<Review> MutateReview(
      const WriteContext& ctx, absl::string_view name,
      const ReviewMutation& mutate, const PlanMutation* mutate_plan) override {
    return db_->Write<Review>([&](Connection& c) -> absl::StatusOr<Review> {
      auto replay = db_->ReplayAs<Review>(c, ctx, name);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      auto review = LoadReview(c, name);
      if (!review.ok()) return review.status();
      const int64_t review_id = TrailingId(name, kReviewsSegment);
      int64_t version = 0;
      {
        ScopedStatement s =
            c.Prepare("SELECT version FROM reviews WHERE id = ?");
        s->bind(1, static_cast<int64_t>(review_id));
        s->executeStep();
        version = s->getColumn(0).getInt64();
      }
      const int64_t now = db_->Now();
      absl::Status status = mutate(*review, review->unresolved_comments(), now);
      if (!status.ok()) return status;
      review->set_etag(ReviewEtag(name, version + 1));
      *review->mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now);
      WriteReview(c, review_id, *review, version + 1);
      if (mutate_plan != nullptr) {
        const std::string plan_name(
            name.substr(0, name.rfind(kReviewsSegment)));
        auto plan =
            internal::ApplyPlanMutation(*db_, c, plan_name, *mutate_plan, name);
        if (!plan.ok()) return plan.status();
        PlanEvent event;
        event.set_type(PlanEvent::REVIEW_COMPLETED);
        event.set_plan(plan_name);
        event.set_review(std::string(name));
        event.set_decision(review->decision());
        event.set_to_state(plan->state());
        event.set_summary(absl::StrCat(
            "Review completed: ", Review::Decision_Name(review->decision()),
            " (", review->total_score(), "/", review->max_total_score(), ", ",
            review->unresolved_comments(), " unresolved comments)"));
        db_->InsertEvent(c, event, plan->country(), false);
      }
      db_->RecordWrite(c, ctx, name, *review);
      return review;
    });
  }

  absl::StatusOr<Comment> CreateComment(const WriteContext& ctx,
                                        absl::string_view review_name,
                                        const Comment& input) override {
    return db_->Write<Comment>([&](Connection& c) -> absl::StatusOr<Comment> {
      auto replay = db_->ReplayAs<Comment>(c, ctx, review_name);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return **replay;
      auto review = LoadReview(c, review_name);
      if (!review.ok()) return review.status();
      if (!input.reply_to().empty()) {
        auto parent = LoadComment(c, input.reply_to());
        if (!parent.ok() ||
            input.reply_to().rfind(absl::StrCat(review_name, kCommentsSegment),
                                   0) != 0) {
          return ErrorWithInfo(
              absl::StatusCode::kNotFound,
              absl::StrCat("reply_to ", input.reply_to(),
                           " is not a comment of ", review_name, "."),
              "COMMENT_NOT_FOUND", input.reply_to());
        }
      }
      const int64_t review_id = TrailingId(review_name, kReviewsSegment);
      {
        ScopedStatement s = c.Prepare(
            "INSERT INTO comments (review_id, resolved, content) "
            "VALUES (?, 0, x'')");
        s->bind(1, static_cast<int64_t>(review_id));
        s->exec();
      }
      const int64_t comment_id = c.db().getLastInsertRowid();
      const int64_t now = db_->Now();
      Comment comment = input;
      comment.set_name(absl::StrCat(review_name, kCommentsSegment, comment_id));
      comment.set_resolved(false);
      comment.set_author(ctx.api_key);
      comment.set_author_role(itp::v1::Role_Name(ctx.role));
      *comment.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
      *comment.mutable_update_time() = comment.create_time();
      WriteComment(c, comment_id, comment);
      const std::string plan_name(
          review_name.substr(0, review_name.rfind(kReviewsSegment)));
      PlanEvent event;
      event.set_type(PlanEvent::COMMENT_ADDED);
      event.set_plan(plan_name);
      event.set_review(std::string(review_name));
      event.set_comment(comment.name());
      event.set_summary(
          comment.anchor().empty()
              ? "New comment"
              : absl::StrCat("New comment on ", comment.anchor()));
      const std::string country =
          plan_name.substr(10, plan_name.find('/', 10) - 10);
      db_->InsertEvent(c, event, country, review->state() == Review::OPEN);
      db_->RecordWrite(c, ctx, review_name, comment, comment.name());
      return comment;
    });
  }

  absl::StatusOr<Comment> GetComment(absl::string_view name) override {
    return db_->Read<Comment>([&](Connection& c) -> absl::StatusOr<Comment> {
      return LoadComment(c, name);
    });
  }

  absl::StatusOr<CommentPage> ListComments(
      absl::string_view review_name, int page_size,
      const std::optional<PageCursor>& after) override {
    return db_->Read<CommentPage>(
        [&](Connection& c) -> absl::StatusOr<CommentPage> {
          auto review = LoadReview(c, review_name);
          if (!review.ok()) return review.status();
          ScopedStatement s = c.Prepare(
              "SELECT id, content FROM comments WHERE review_id = ? AND "
              "id > ? ORDER BY id LIMIT ?");
          s->bind(1, static_cast<int64_t>(
                         TrailingId(review_name, kReviewsSegment)));
          s->bind(2, static_cast<int64_t>(after ? after->key : 0));
          s->bind(3, page_size + 1);
          CommentPage page;
          int64_t last_id = 0;
          while (s->executeStep()) {
            if (static_cast<int>(page.comments.size()) == page_size) {
              page.next = PageCursor{last_id, page.comments.back().name()};
              break;
            }
            last_id = s->getColumn(0).getInt64();
            auto comment = FromBlob<Comment>(s->getColumn(1));
            if (!comment.ok()) return comment.status();
            page.comments.push_back(*std::move(comment));
          }
          return page;
        });
  }

  absl::StatusOr<Comment> SetCommentResolved(const WriteContext& ctx,
                                             absl::string_view name,
                                             bool resolved) override {
    return db_->Write<Comment>([&](Connection& c) -> absl::StatusOr<Comment> {
      auto comment = LoadComment(c, name);
      if (!comment.ok()) return comment.status();
      comment->set_resolved(resolved);
      *comment->mutable_update_time() =
          TimeUtil::MicrosecondsToTimestamp(db_->Now());
      WriteComment(c, TrailingId(name, kCommentsSegment), *comment);
      db_->RecordWrite(c, ctx, name, *comment);
      return comment;
    });
  }

  absl::StatusOr<std::vector<StoredEvent>> ListEvents(int64_t after_id,
                                                      int limit) override {
    return db_->Read<std::vector<StoredEvent>>(
        [&](Connection& c) -> absl::StatusOr<std::vector<StoredEvent>> {
          ScopedStatement s = c.Prepare(
              "SELECT id, time, country, on_open_review, content FROM "
              "plan_events WHERE id > ? ORDER BY id LIMIT ?");
          s->bind(1, static_cast<int64_t>(after_id));
          s->bind(2, limit);
          std::vector<StoredEvent> events;
          while (s->executeStep()) {
            auto event = FromBlob<PlanEvent>(s->getColumn(4));
            if (!event.ok()) return event.status();
            StoredEvent stored;
            stored.event = *std::move(event);
            stored.event.set_id(s->getColumn(0).getInt64());
            *stored.event.mutable_time() =
                TimeUtil::MicrosecondsToTimestamp(s->getColumn(1).getInt64());
            stored.country = s->getColumn(2).getString();
            stored.on_open_review = s->getColumn(3).getInt() != 0;
            events.push_back(std::move(stored));
          }
          return events;
        });
  }

 private:
  absl::StatusOr<Review> LoadReview(Connection& c, absl::string_view name) {
    const int64_t id = TrailingId(name, kReviewsSegment);
    Review review;
    {
      ScopedStatement s = c.Prepare("SELECT content FROM reviews WHERE id = ?");
      s->bind(1, static_cast<int64_t>(id));
      if (!s->executeStep()) return ReviewNotFound(name);
      auto parsed = FromBlob<Review>(s->getColumn(0));
      if (!parsed.ok()) return parsed.status();
      review = *std::move(parsed);
    }
    // Ids are global: the name must match the stored review's name.
    if (review.name() != name) return ReviewNotFound(name);
    auto unresolved = Unresolved(c, id);
    if (!unresolved.ok()) return unresolved.status();
    review.set_unresolved_comments(*unresolved);
    return review;
  }

  absl::StatusOr<Comment> LoadComment(Connection& c, absl::string_view name) {
    ScopedStatement s = c.Prepare("SELECT content FROM comments WHERE id = ?");
    s->bind(1, static_cast<int64_t>(TrailingId(name, kCommentsSegment)));
    if (!s->executeStep()) return CommentNotFound(name);
    auto comment = FromBlob<Comment>(s->getColumn(0));
    if (comment.ok() && comment->name() != name) return CommentNotFound(name);
    return comment;
  }

  absl::StatusOr<int> Unresolved(Connection& c, int64_t review_id) {
    ScopedStatement s = c.Prepare(
        "SELECT COUNT(*) FROM comments WHERE review_id = ? AND resolved = 0");
    s->bind(1, static_cast<int64_t>(review_id));
    s->executeStep();
    return s->getColumn(0).getInt();
  }

  void WriteReview(Connection& c, int64_t id, const Review& review,
                   int64_t version) {
    Review stored = review;
    stored.clear_unresolved_comments();
    std::string blob = stored.SerializeAsString();
    ScopedStatement s = c.Prepare(
        "UPDATE reviews SET state = ?, version = ?, content = ? WHERE id = ?");
    s->bind(1, static_cast<int>(review.state()));
    s->bind(2, static_cast<int64_t>(version));
    s->bind(3, blob.data(), static_cast<int>(blob.size()));
    s->bind(4, static_cast<int64_t>(id));
    s->exec();
  }

  void WriteComment(Connection& c, int64_t id, const Comment& comment) {
    std::string blob = comment.SerializeAsString();
    ScopedStatement s =
        c.Prepare("UPDATE comments SET resolved = ?, content = ? WHERE id = ?");
    s->bind(1, comment.resolved() ? 1 : 0);
    s->bind(2, blob.data(), static_cast<int>(blob.size()));
    s->bind(3, static_cast<int64_t>(id));
    s->exec();
  }

  std::shared_ptr<SqliteDb> db_;
};

}  // namespace

namespace internal {

std::unique_ptr<ReviewStore> NewSqliteReviewStore(
    std::shared_ptr<SqliteDb> db) {
  return std::make_unique<SqliteReviewStore>(std::move(db));
}

}  // namespace internal
}  // namespace itp::storage
