#include "server/app/review_operations.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/page_token.h"
#include "server/domain/plan_diff.h"
#include "server/domain/plan_lifecycle.h"
#include "server/domain/plan_validation.h"
#include "server/domain/resource_names.h"
#include "server/domain/review_rules.h"

namespace itp::app {
namespace {

using auth::Operation;
using domain::FieldViolations;
using itp::v1::Comment;
using itp::v1::Plan;
using itp::v1::PlanEvent;
using itp::v1::Review;

constexpr char kGetRubric[] = "/itp.v1.ReviewService/GetRubric";
constexpr char kStartReview[] = "/itp.v1.ReviewService/StartReview";
constexpr char kGetReview[] = "/itp.v1.ReviewService/GetReview";
constexpr char kListReviews[] = "/itp.v1.ReviewService/ListReviews";
constexpr char kScoreReview[] = "/itp.v1.ReviewService/ScoreReview";
constexpr char kCompleteReview[] = "/itp.v1.ReviewService/CompleteReview";
constexpr char kCreateComment[] = "/itp.v1.ReviewService/CreateComment";
constexpr char kGetComment[] = "/itp.v1.ReviewService/GetComment";
constexpr char kListComments[] = "/itp.v1.ReviewService/ListComments";
constexpr char kResolveComment[] = "/itp.v1.ReviewService/ResolveComment";
constexpr char kComparePlanRevisions[] =
    "/itp.v1.ReviewService/ComparePlanRevisions";
constexpr char kWatchPlanEvents[] = "/itp.v1.ReviewService/WatchPlanEvents";

constexpr char kAllPlans[] = "countries/-/plans/-";
constexpr int kEventBatch = 100;

// The revision number of a stored revision name.
int RevisionNumber(absl::string_view revision_name) {
  auto parsed = domain::ParseRevisionName(revision_name, "plan_revision");
  return parsed.ok() ? parsed->revision : 0;
}

}  // namespace

absl::StatusOr<Review> ReviewOperations::ReadReview(Call& call,
                                                    const std::string& name,
                                                    absl::string_view field) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  auto review_name = domain::ParseReviewName(name, field);
  if (!review_name.ok()) return review_name.status();
  const domain::PlanName& plan_name = review_name->plan;
  s = call.Authorize(Operation::kReadReviews, plan_name.country);
  if (!s.ok()) return s;
  auto plan =
      ReadPlanAs(call, ctx_.plans, plan_name.ToString(), plan_name.country);
  if (!plan.ok()) return plan.status();
  auto review = ctx_.reviews.GetReview(name);
  if (!review.ok()) return review.status();
  s = auth::CheckReviewRead(call.principal(), name, review->state());
  if (!s.ok()) return s;
  return review;
}

absl::StatusOr<Review> ReviewOperations::WithReporting(
    absl::StatusOr<Review> review) {
  if (!review.ok()) return review;
  auto name = domain::ParseReviewName(review->name(), "name");
  if (!name.ok()) return name.status();
  auto progress = assessor_.Assess(name->plan.ToString());
  if (!progress.ok()) return progress.status();
  *review->mutable_reporting_record() = progress->reporting();
  review->set_progress_status(progress->status());
  return review;
}

absl::StatusOr<itp::v1::Rubric> ReviewOperations::GetRubric(
    const Caller& caller, const itp::v1::GetRubricRequest& request) {
  Call call(ctx_.call, caller, kGetRubric, Call::kRead, request.name());
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(domain::FindRubric(request.name()));
}

absl::StatusOr<Review> ReviewOperations::StartReview(
    const Caller& caller, const itp::v1::StartReviewRequest& request) {
  Call call(ctx_.call, caller, kStartReview, Call::kMutation, request.parent(),
            request);
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request.parent(), "parent");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReview, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto plan =
      ReadPlanAs(call, ctx_.plans, request.parent(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());

  // What changed since the last completed review: read before the write
  // transaction, which must not wait for another connection.
  storage::ReviewQuery last_completed;
  last_completed.plan = request.parent();
  last_completed.state = Review::COMPLETED;
  last_completed.page_size = 1;
  auto previous = ctx_.reviews.ListReviews(last_completed);
  if (!previous.ok()) return call.Finish(previous.status());
  std::optional<itp::v1::PlanRevision> previous_revision;
  if (!previous->reviews.empty()) {
    auto revision = ctx_.plans.GetPlanRevision(
        request.parent(), RevisionNumber(previous->reviews[0].plan_revision()));
    if (!revision.ok()) return call.Finish(revision.status());
    previous_revision = *std::move(revision);
  }

  const itp::v1::Rubric rubric = domain::CurrentRubric();
  const std::string etag = request.etag();
  auto make_review = [&](const Plan& current,
                         const Review*) -> absl::StatusOr<Review> {
    Review review;
    review.set_plan_revision(
        absl::StrCat(current.name(), "/revisions/", current.revision()));
    review.set_rubric(rubric.name());
    domain::RollUp(review, rubric);
    if (previous_revision) {
      review.set_previous_revision(previous_revision->name());
      for (auto& change :
           domain::DiffPlans(previous_revision->plan(), current)) {
        *review.add_changes_since_previous() = std::move(change);
      }
    }
    return review;
  };
  return call.Finish(WithReporting(ctx_.reviews.StartReview(
      call.Write(), request.parent(),
      [etag](Plan& p, int64_t now) {
        return domain::ApplyAction(p, domain::PlanAction::kStartReview, etag,
                                   now);
      },
      make_review)));
}

absl::StatusOr<Review> ReviewOperations::GetReview(
    const Caller& caller, const itp::v1::GetReviewRequest& request) {
  Call call(ctx_.call, caller, kGetReview, Call::kRead, request.name());
  return call.Finish(WithReporting(ReadReview(call, request.name(), "name")));
}

absl::StatusOr<itp::v1::ListReviewsResponse> ReviewOperations::ListReviews(
    const Caller& caller, const itp::v1::ListReviewsRequest& request) {
  Call call(ctx_.call, caller, kListReviews, Call::kRead, request.parent());
  itp::v1::ListReviewsResponse response;
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  storage::ReviewQuery query;
  std::string country(domain::kAnyCountry);
  if (request.parent() != kAllPlans) {
    auto plan_name = domain::ParsePlanName(request.parent(), "parent");
    if (!plan_name.ok()) return call.Finish(plan_name.status());
    country = plan_name->country;
    query.plan = request.parent();
  }
  s = call.Authorize(Operation::kReadReviews, country);
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request.page_size());
  violations.AddFrom(page_size.status());
  if (!Review::State_IsValid(request.state())) {
    violations.Add("state", "has an unknown value.");
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  if (!query.plan.empty()) {
    auto plan = ReadPlanAs(call, ctx_.plans, query.plan, country);
    if (!plan.ok()) return call.Finish(plan.status());
  }
  query.state = request.state();
  query.reviewer = request.reviewer();
  query.page_size = *page_size;
  const auth::ReviewScope scope = auth::ReviewScopeOf(call.principal());
  query.countries = scope.countries;
  if (scope.completed_only) {
    if (query.state == Review::OPEN) return call.Done(std::move(response));
    query.state = Review::COMPLETED;
  }
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListReviews", request.parent(), absl::StrCat(query.state),
       query.reviewer, call.principal().key_id});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  query.after = *std::move(cursor);
  auto page = ctx_.reviews.ListReviews(query);
  if (!page.ok()) return call.Finish(page.status());
  for (Review& r : page->reviews) *response.add_reviews() = std::move(r);
  response.set_next_page_token(
      ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<Review> ReviewOperations::ScoreReview(
    const Caller& caller, const itp::v1::ScoreReviewRequest& request) {
  Call call(ctx_.call, caller, kScoreReview, Call::kMutation, request.name(),
            request);
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto review_name = domain::ParseReviewName(request.name(), "name");
  if (!review_name.ok()) return call.Finish(review_name.status());
  s = call.Authorize(Operation::kReview, review_name->plan.country);
  if (!s.ok()) return call.Finish(s);
  const itp::v1::Rubric rubric = domain::CurrentRubric();
  FieldViolations violations;
  domain::ValidateScores(request.scores(), rubric, "scores", &violations);
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  return call.Finish(WithReporting(ctx_.reviews.MutateReview(
      call.Write(), request.name(),
      [&](Review& review, int, int64_t) {
        return domain::ApplyScores(review, request.scores(), request.etag(),
                                   rubric);
      },
      nullptr)));
}

absl::StatusOr<Review> ReviewOperations::CompleteReview(
    const Caller& caller, const itp::v1::CompleteReviewRequest& request) {
  Call call(ctx_.call, caller, kCompleteReview, Call::kMutation, request.name(),
            request);
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto review_name = domain::ParseReviewName(request.name(), "name");
  if (!review_name.ok()) return call.Finish(review_name.status());
  s = call.Authorize(Operation::kReview, review_name->plan.country);
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  if (request.decision() == Review::DECISION_UNSPECIFIED ||
      !Review::Decision_IsValid(request.decision())) {
    violations.Add("decision", "must be APPROVE, REQUEST_CHANGES or REJECT.");
  }
  if (request.summary().empty()) {
    violations.Add("summary", "is required: give the reasons of the decision.");
  } else {
    domain::ValidateText(request.summary(), "summary", domain::kMaxCommentChars,
                         &violations);
  }
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  const storage::PlanMutation decide = [&request](Plan& plan, int64_t now) {
    return domain::ApplyAction(plan, domain::ActionOf(request.decision()), "",
                               now);
  };
  return call.Finish(WithReporting(ctx_.reviews.MutateReview(
      call.Write(), request.name(),
      [&request](Review& review, int unresolved, int64_t now) {
        return domain::ApplyCompletion(review, request.decision(),
                                       request.summary(), request.etag(),
                                       unresolved, now);
      },
      &decide)));
}

absl::StatusOr<Comment> ReviewOperations::CreateComment(
    const Caller& caller, const itp::v1::CreateCommentRequest& request) {
  Call call(ctx_.call, caller, kCreateComment, Call::kMutation,
            request.parent(), request);
  auto review = ReadReview(call, request.parent(), "parent");
  if (!review.ok()) return call.Finish(review.status());
  // Partners reply to completed reviews (ReadReview hides open ones);
  // everyone else who reads reviews is a reviewer or an admin.
  FieldViolations violations;
  const Comment& comment = request.comment();
  if (comment.body().empty()) {
    violations.Add("comment.body", "is required.");
  } else {
    domain::ValidateText(comment.body(), "comment.body",
                         domain::kMaxCommentChars, &violations);
  }
  if (!comment.anchor().empty()) {
    auto revision = ctx_.plans.GetPlanRevision(
        review->plan_revision().substr(
            0, review->plan_revision().rfind("/revisions/")),
        RevisionNumber(review->plan_revision()));
    if (!revision.ok()) return call.Finish(revision.status());
    std::string problem =
        domain::AnchorProblem(revision->plan(), comment.anchor());
    if (!problem.empty()) {
      violations.Add("comment.anchor",
                     absl::StrCat(problem, " (in ", revision->name(), ")"));
    }
  }
  domain::ValidateRequestId(request.request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  Comment input;
  input.set_anchor(comment.anchor());
  input.set_body(comment.body());
  input.set_reply_to(comment.reply_to());
  return call.Finish(
      ctx_.reviews.CreateComment(call.Write(), request.parent(), input));
}

absl::StatusOr<Comment> ReviewOperations::GetComment(
    const Caller& caller, const itp::v1::GetCommentRequest& request) {
  Call call(ctx_.call, caller, kGetComment, Call::kRead, request.name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto comment_name = domain::ParseCommentName(request.name(), "name");
  if (!comment_name.ok()) return call.Finish(comment_name.status());
  // Whoever may read the review reads its comments.
  auto review = ReadReview(call, comment_name->review.ToString(), "name");
  if (!review.ok()) return call.Finish(review.status());
  return call.Finish(ctx_.reviews.GetComment(request.name()));
}

absl::StatusOr<itp::v1::ListCommentsResponse> ReviewOperations::ListComments(
    const Caller& caller, const itp::v1::ListCommentsRequest& request) {
  Call call(ctx_.call, caller, kListComments, Call::kRead, request.parent());
  itp::v1::ListCommentsResponse response;
  auto review = ReadReview(call, request.parent(), "parent");
  if (!review.ok()) return call.Finish(review.status());
  auto page_size = domain::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListComments", request.parent()});
  auto cursor = ctx_.tokens.CursorFromToken(request.page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = ctx_.reviews.ListComments(request.parent(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (Comment& c : page->comments) *response.add_comments() = std::move(c);
  response.set_next_page_token(
      ctx_.tokens.NextPageToken(fingerprint, page->next));
  return call.Done(std::move(response));
}

absl::StatusOr<Comment> ReviewOperations::ResolveComment(
    const Caller& caller, const itp::v1::ResolveCommentRequest& request) {
  Call call(ctx_.call, caller, kResolveComment, Call::kMutation,
            request.name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto comment_name = domain::ParseCommentName(request.name(), "name");
  if (!comment_name.ok()) return call.Finish(comment_name.status());
  s = call.Authorize(Operation::kReview, comment_name->review.plan.country);
  if (!s.ok()) return call.Finish(s);
  auto comment = ctx_.reviews.GetComment(request.name());
  if (!comment.ok()) return call.Finish(comment.status());
  return call.Finish(ctx_.reviews.SetCommentResolved(
      call.Write(), request.name(), request.resolved()));
}

absl::StatusOr<itp::v1::ComparePlanRevisionsResponse>
ReviewOperations::ComparePlanRevisions(
    const Caller& caller, const itp::v1::ComparePlanRevisionsRequest& request) {
  Call call(ctx_.call, caller, kComparePlanRevisions, Call::kRead,
            request.plan());
  itp::v1::ComparePlanRevisionsResponse response;
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request.plan(), "plan");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReadPlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto plan = ReadPlanAs(call, ctx_.plans, request.plan(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  const int to =
      request.to_revision() == 0 ? plan->revision() : request.to_revision();
  const int from =
      request.from_revision() == 0 ? to - 1 : request.from_revision();
  FieldViolations violations;
  if (request.from_revision() == 0 && to == 1) {
    return call.Finish(domain::ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(request.plan(),
                     " has a single submitted revision; there is no earlier "
                     "one to compare with."),
        "NOTHING_TO_COMPARE", request.plan()));
  }
  if (from < 1 || from > plan->revision()) {
    violations.Add("from_revision",
                   absl::StrCat("must be a revision from 1 to ",
                                plan->revision(), " (got ", from, ")."));
  }
  if (to < 1 || to > plan->revision()) {
    violations.Add("to_revision",
                   absl::StrCat("must be a revision from 1 to ",
                                plan->revision(), " (got ", to, ")."));
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto old_revision = ctx_.plans.GetPlanRevision(request.plan(), from);
  if (!old_revision.ok()) return call.Finish(old_revision.status());
  auto new_revision = ctx_.plans.GetPlanRevision(request.plan(), to);
  if (!new_revision.ok()) return call.Finish(new_revision.status());
  response.set_from_revision(old_revision->name());
  response.set_to_revision(new_revision->name());
  for (auto& change :
       domain::DiffPlans(old_revision->plan(), new_revision->plan())) {
    *response.add_changes() = std::move(change);
  }
  return call.Done(std::move(response));
}

namespace {

// The events a watch delivers: those after the last one read, as far as the
// caller may see them.
class EventFeed final : public Feed<PlanEvent> {
 public:
  EventFeed(storage::ReviewStore& reviews, auth::Principal who,
            std::string country, int64_t after)
      : reviews_(reviews),
        who_(std::move(who)),
        country_(std::move(country)),
        last_(after) {}

  absl::StatusOr<Batch> Next() override {
    Batch batch;
    while (true) {
      auto events = reviews_.ListEvents(last_, kEventBatch);
      if (!events.ok()) return events.status();
      for (storage::StoredEvent& e : *events) {
        last_ = e.event.id();
        const auth::EventFacts facts{e.country, e.event.type(),
                                     e.on_open_review};
        if (auth::EventVisible(who_, country_, facts)) {
          batch.items.push_back(std::move(e.event));
        }
      }
      // A full batch of events hidden from the caller: read on.
      if (!batch.items.empty() ||
          static_cast<int>(events->size()) < kEventBatch) {
        return batch;
      }
    }
  }

 private:
  storage::ReviewStore& reviews_;
  const auth::Principal who_;
  const std::string country_;
  int64_t last_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Feed<PlanEvent>>>
ReviewOperations::WatchPlanEvents(
    const Caller& caller, const itp::v1::WatchPlanEventsRequest& request) {
  Call call(ctx_.call, caller, kWatchPlanEvents, Call::kRead, request.parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto country = domain::ParseCountryParent(request.parent(),
                                            /*allow_wildcard=*/true, "parent");
  if (!country.ok()) return call.Finish(country.status());
  s = auth::CheckWatchEvents(call.principal(), *country);
  if (!s.ok()) return call.Finish(s);
  if (request.after_event_id() < 0) {
    return call.Finish(
        domain::InvalidField("after_event_id", "must not be negative."));
  }
  std::unique_ptr<Feed<PlanEvent>> feed = std::make_unique<EventFeed>(
      ctx_.reviews, call.principal(), *country, request.after_event_id());
  return call.Done(std::move(feed));
}

}  // namespace itp::app
