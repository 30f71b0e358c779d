#include "server/service/review_service.h"

#include <algorithm>
#include <string>
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

namespace itp::service {
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
constexpr char kListComments[] = "/itp.v1.ReviewService/ListComments";
constexpr char kResolveComment[] = "/itp.v1.ReviewService/ResolveComment";
constexpr char kComparePlanRevisions[] =
    "/itp.v1.ReviewService/ComparePlanRevisions";
constexpr char kWatchPlanEvents[] = "/itp.v1.ReviewService/WatchPlanEvents";

constexpr char kAllPlans[] = "countries/-/plans/-";
constexpr int kEventBatch = 100;

// The plan of a review or comment name (`{plan}/reviews/{id}[/comments/..]`).
absl::StatusOr<domain::PlanName> PlanOf(absl::string_view name,
                                        absl::string_view field) {
  size_t pos = name.find("/reviews/");
  if (pos == absl::string_view::npos) {
    return domain::InvalidField(
        std::string(field),
        absl::StrCat("'", name,
                     "' must have the form countries/{country}/plans/{plan}/"
                     "reviews/{review}."));
  }
  return domain::ParsePlanName(name.substr(0, pos), field);
}

// The review a comment name belongs to.
std::string ReviewOfComment(absl::string_view comment) {
  return std::string(comment.substr(0, comment.rfind("/comments/")));
}

// The revision number at the end of a revision name.
int RevisionNumber(absl::string_view revision_name) {
  int n = 0;
  absl::SimpleAtoi(revision_name.substr(revision_name.rfind('/') + 1), &n);
  return n;
}

bool IsPartner(const auth::Principal& p) { return p.role == itp::v1::PARTNER; }

absl::Status HiddenOpenReview(absl::string_view name) {
  return domain::ErrorWithInfo(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("Review ", name,
                   " is still in progress; partners see it once it is "
                   "completed."),
      "PERMISSION_DENIED", name);
}

}  // namespace

absl::StatusOr<Review> ReviewServiceImpl::ReadReview(CallGuard& call,
                                                     const std::string& name) {
  absl::Status s = call.Authenticate();
  if (!s.ok()) return s;
  auto plan_name = PlanOf(name, "name");
  if (!plan_name.ok()) return plan_name.status();
  s = call.Authorize(Operation::kReadReviews, plan_name->country);
  if (!s.ok()) return s;
  auto plan =
      ReadPlanAs(call, plans_, plan_name->ToString(), plan_name->country);
  if (!plan.ok()) return plan.status();
  auto review = reviews_.GetReview(name);
  if (review.ok() && IsPartner(call.principal()) &&
      review->state() == Review::OPEN) {
    return HiddenOpenReview(name);
  }
  return review;
}

grpc::Status ReviewServiceImpl::GetRubric(
    grpc::ServerContext* context, const itp::v1::GetRubricRequest* request,
    itp::v1::Rubric* response) {
  CallGuard call(guard_, *context, kGetRubric, CallGuard::kRead,
                 request->name());
  absl::Status s = call.Authenticate();
  if (s.ok()) s = call.Authorize(Operation::kReadReference, "");
  if (!s.ok()) return call.Finish(s);
  return call.Finish(domain::FindRubric(request->name()), response);
}

grpc::Status ReviewServiceImpl::StartReview(
    grpc::ServerContext* context, const itp::v1::StartReviewRequest* request,
    Review* response) {
  CallGuard call(guard_, *context, kStartReview, CallGuard::kMutation,
                 request->parent(), request->request_id());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request->parent(), "parent");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReview, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  auto plan = ReadPlanAs(call, plans_, request->parent(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());

  // What changed since the last completed review: read before the write
  // transaction, which must not wait for another connection.
  storage::ReviewQuery last_completed;
  last_completed.plan = request->parent();
  last_completed.state = Review::COMPLETED;
  last_completed.page_size = 1;
  auto previous = reviews_.ListReviews(last_completed);
  if (!previous.ok()) return call.Finish(previous.status());
  std::optional<itp::v1::PlanRevision> previous_revision;
  if (!previous->reviews.empty()) {
    auto revision = plans_.GetPlanRevision(
        request->parent(),
        RevisionNumber(previous->reviews[0].plan_revision()));
    if (!revision.ok()) return call.Finish(revision.status());
    previous_revision = *std::move(revision);
  }

  const itp::v1::Rubric rubric = domain::CurrentRubric();
  const std::string etag = request->etag();
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
  return call.Finish(reviews_.StartReview(
                         call.Write(), request->parent(),
                         [etag](Plan& p, int64_t now) {
                           return domain::ApplyAction(
                               p, domain::PlanAction::kStartReview, etag, now);
                         },
                         make_review),
                     response);
}

grpc::Status ReviewServiceImpl::GetReview(
    grpc::ServerContext* context, const itp::v1::GetReviewRequest* request,
    Review* response) {
  CallGuard call(guard_, *context, kGetReview, CallGuard::kRead,
                 request->name());
  return call.Finish(ReadReview(call, request->name()), response);
}

grpc::Status ReviewServiceImpl::ListReviews(
    grpc::ServerContext* context, const itp::v1::ListReviewsRequest* request,
    itp::v1::ListReviewsResponse* response) {
  CallGuard call(guard_, *context, kListReviews, CallGuard::kRead,
                 request->parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  storage::ReviewQuery query;
  std::string country(domain::kAnyCountry);
  if (request->parent() != kAllPlans) {
    auto plan_name = domain::ParsePlanName(request->parent(), "parent");
    if (!plan_name.ok()) return call.Finish(plan_name.status());
    country = plan_name->country;
    query.plan = request->parent();
  }
  s = call.Authorize(Operation::kReadReviews, country);
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  auto page_size = domain::EffectivePageSize(request->page_size());
  violations.AddFrom(page_size.status());
  if (!Review::State_IsValid(request->state())) {
    violations.Add("state", "has an unknown value.");
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  if (!query.plan.empty()) {
    auto plan = ReadPlanAs(call, plans_, query.plan, country);
    if (!plan.ok()) return call.Finish(plan.status());
  }
  query.state = request->state();
  query.reviewer = request->reviewer();
  query.page_size = *page_size;
  if (IsPartner(call.principal())) {
    // Partners see completed reviews of their own countries only.
    query.countries = call.principal().countries;
    if (query.state == Review::OPEN) return call.Finish(absl::OkStatus());
    query.state = Review::COMPLETED;
  }
  const uint64_t fingerprint = domain::QueryFingerprint(
      {"ListReviews", request->parent(), absl::StrCat(query.state),
       query.reviewer, call.principal().key_id});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  query.after = *std::move(cursor);
  auto page = reviews_.ListReviews(query);
  if (!page.ok()) return call.Finish(page.status());
  for (Review& r : page->reviews) *response->add_reviews() = std::move(r);
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

grpc::Status ReviewServiceImpl::ScoreReview(
    grpc::ServerContext* context, const itp::v1::ScoreReviewRequest* request,
    Review* response) {
  CallGuard call(guard_, *context, kScoreReview, CallGuard::kMutation,
                 request->name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = PlanOf(request->name(), "name");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReview, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  const itp::v1::Rubric rubric = domain::CurrentRubric();
  FieldViolations violations;
  domain::ValidateScores(request->scores(), rubric, "scores", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  return call.Finish(reviews_.MutateReview(
                         call.Write(), request->name(),
                         [&](Review& review, int, int64_t) {
                           return domain::ApplyScores(review, request->scores(),
                                                      request->etag(), rubric);
                         },
                         nullptr),
                     response);
}

grpc::Status ReviewServiceImpl::CompleteReview(
    grpc::ServerContext* context, const itp::v1::CompleteReviewRequest* request,
    Review* response) {
  CallGuard call(guard_, *context, kCompleteReview, CallGuard::kMutation,
                 request->name(), request->request_id());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = PlanOf(request->name(), "name");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReview, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  FieldViolations violations;
  if (request->decision() == Review::DECISION_UNSPECIFIED ||
      !Review::Decision_IsValid(request->decision())) {
    violations.Add("decision", "must be APPROVE, REQUEST_CHANGES or REJECT.");
  }
  if (request->summary().empty()) {
    violations.Add("summary", "is required: give the reasons of the decision.");
  } else {
    domain::ValidateText(request->summary(), "summary",
                         domain::kMaxCommentChars, &violations);
  }
  domain::ValidateRequestId(request->request_id(), "request_id", &violations);
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  const storage::PlanMutation decide = [request](Plan& plan, int64_t now) {
    return domain::ApplyAction(plan, domain::ActionOf(request->decision()), "",
                               now);
  };
  return call.Finish(
      reviews_.MutateReview(
          call.Write(), request->name(),
          [request](Review& review, int unresolved, int64_t now) {
            return domain::ApplyCompletion(review, request->decision(),
                                           request->summary(), request->etag(),
                                           unresolved, now);
          },
          &decide),
      response);
}

grpc::Status ReviewServiceImpl::CreateComment(
    grpc::ServerContext* context, const itp::v1::CreateCommentRequest* request,
    Comment* response) {
  CallGuard call(guard_, *context, kCreateComment, CallGuard::kMutation,
                 request->parent());
  auto review = ReadReview(call, request->parent());
  if (!review.ok()) return call.Finish(review.status());
  // Partners reply to completed reviews (ReadReview hides open ones);
  // everyone else who reads reviews is a reviewer or an admin.
  FieldViolations violations;
  const Comment& comment = request->comment();
  if (comment.body().empty()) {
    violations.Add("comment.body", "is required.");
  } else {
    domain::ValidateText(comment.body(), "comment.body",
                         domain::kMaxCommentChars, &violations);
  }
  if (!comment.anchor().empty()) {
    auto plan_name = PlanOf(request->parent(), "parent");
    auto revision = plans_.GetPlanRevision(
        plan_name->ToString(), RevisionNumber(review->plan_revision()));
    if (!revision.ok()) return call.Finish(revision.status());
    std::string problem =
        domain::AnchorProblem(revision->plan(), comment.anchor());
    if (!problem.empty()) {
      violations.Add("comment.anchor",
                     absl::StrCat(problem, " (in ", revision->name(), ")"));
    }
  }
  if (!violations.empty()) return call.Finish(violations.ToStatus());
  Comment input;
  input.set_anchor(comment.anchor());
  input.set_body(comment.body());
  input.set_reply_to(comment.reply_to());
  return call.Finish(
      reviews_.CreateComment(call.Write(), request->parent(), input), response);
}

grpc::Status ReviewServiceImpl::ListComments(
    grpc::ServerContext* context, const itp::v1::ListCommentsRequest* request,
    itp::v1::ListCommentsResponse* response) {
  CallGuard call(guard_, *context, kListComments, CallGuard::kRead,
                 request->parent());
  auto review = ReadReview(call, request->parent());
  if (!review.ok()) return call.Finish(review.status());
  auto page_size = domain::EffectivePageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(page_size.status());
  const uint64_t fingerprint =
      domain::QueryFingerprint({"ListComments", request->parent()});
  auto cursor = domain::CursorFromToken(request->page_token(), fingerprint);
  if (!cursor.ok()) return call.Finish(cursor.status());
  const std::optional<domain::PageCursor> after = *std::move(cursor);
  auto page = reviews_.ListComments(request->parent(), *page_size, after);
  if (!page.ok()) return call.Finish(page.status());
  for (Comment& c : page->comments) *response->add_comments() = std::move(c);
  response->set_next_page_token(domain::NextPageToken(fingerprint, page->next));
  return call.Finish(absl::OkStatus());
}

grpc::Status ReviewServiceImpl::ResolveComment(
    grpc::ServerContext* context, const itp::v1::ResolveCommentRequest* request,
    Comment* response) {
  CallGuard call(guard_, *context, kResolveComment, CallGuard::kMutation,
                 request->name());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = PlanOf(request->name(), "name");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReview, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto comment = reviews_.GetComment(request->name());
  if (!comment.ok()) return call.Finish(comment.status());
  return call.Finish(reviews_.SetCommentResolved(call.Write(), request->name(),
                                                 request->resolved()),
                     response);
}

grpc::Status ReviewServiceImpl::ComparePlanRevisions(
    grpc::ServerContext* context,
    const itp::v1::ComparePlanRevisionsRequest* request,
    itp::v1::ComparePlanRevisionsResponse* response) {
  CallGuard call(guard_, *context, kComparePlanRevisions, CallGuard::kRead,
                 request->plan());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto plan_name = domain::ParsePlanName(request->plan(), "plan");
  if (!plan_name.ok()) return call.Finish(plan_name.status());
  s = call.Authorize(Operation::kReadPlan, plan_name->country);
  if (!s.ok()) return call.Finish(s);
  auto plan = ReadPlanAs(call, plans_, request->plan(), plan_name->country);
  if (!plan.ok()) return call.Finish(plan.status());
  const int to =
      request->to_revision() == 0 ? plan->revision() : request->to_revision();
  const int from =
      request->from_revision() == 0 ? to - 1 : request->from_revision();
  FieldViolations violations;
  if (request->from_revision() == 0 && to == 1) {
    return call.Finish(domain::ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(request->plan(),
                     " has a single submitted revision; there is no earlier "
                     "one to compare with."),
        "NOTHING_TO_COMPARE", request->plan()));
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
  auto old_revision = plans_.GetPlanRevision(request->plan(), from);
  if (!old_revision.ok()) return call.Finish(old_revision.status());
  auto new_revision = plans_.GetPlanRevision(request->plan(), to);
  if (!new_revision.ok()) return call.Finish(new_revision.status());
  response->set_from_revision(old_revision->name());
  response->set_to_revision(new_revision->name());
  for (auto& change :
       domain::DiffPlans(old_revision->plan(), new_revision->plan())) {
    *response->add_changes() = std::move(change);
  }
  return call.Finish(absl::OkStatus());
}

grpc::Status ReviewServiceImpl::WatchPlanEvents(
    grpc::ServerContext* context,
    const itp::v1::WatchPlanEventsRequest* request,
    grpc::ServerWriter<PlanEvent>* writer) {
  CallGuard call(guard_, *context, kWatchPlanEvents, CallGuard::kRead,
                 request->parent());
  absl::Status s = call.Authenticate();
  if (!s.ok()) return call.Finish(s);
  auto country = domain::ParseCountryParent(request->parent(),
                                            /*allow_wildcard=*/true, "parent");
  if (!country.ok()) return call.Finish(country.status());
  s = call.Authorize(Operation::kReadPlan, *country);
  if (s.ok() && IsPartner(call.principal()) &&
      *country != domain::kAnyCountry &&
      !call.principal().HasCountry(*country)) {
    s = call.AuthorizeRead(*country, std::nullopt);
  }
  if (!s.ok()) return call.Finish(s);
  if (request->after_event_id() < 0) {
    return call.Finish(
        domain::InvalidField("after_event_id", "must not be negative."));
  }

  const auth::Principal& who = call.principal();
  auto visible = [&](const storage::StoredEvent& e) {
    if (*country != domain::kAnyCountry && e.country != *country) return false;
    switch (who.role) {
      case itp::v1::ADMIN:
      case itp::v1::REVIEWER:
        return true;
      case itp::v1::BENCHMARK_RUNNER:
        return e.event.type() != PlanEvent::COMMENT_ADDED;
      case itp::v1::PARTNER:
        return who.HasCountry(e.country) &&
               !(e.event.type() == PlanEvent::COMMENT_ADDED &&
                 e.on_open_review);
      default:
        return false;
    }
  };
  int64_t last = request->after_event_id();
  uint64_t seen = guard_.events.sequence();
  while (!context->IsCancelled()) {
    auto events = reviews_.ListEvents(last, kEventBatch);
    if (!events.ok()) return call.Finish(events.status());
    for (const storage::StoredEvent& e : *events) {
      last = e.event.id();
      if (visible(e) && !writer->Write(e.event)) {
        return call.Finish(absl::OkStatus());  // the client went away
      }
    }
    if (static_cast<int>(events->size()) == kEventBatch) continue;
    seen = guard_.events.WaitForChange(seen, absl::Seconds(1));
  }
  return call.Finish(absl::OkStatus());
}

}  // namespace itp::service
