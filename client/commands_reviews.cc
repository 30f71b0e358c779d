// `itp rubric` and `itp reviews ...`: the secretariat's review of submitted
// plans: start a review, comment on fields of the reviewed revision, score
// the rubric's criteria with evidence, and decide; partners read completed
// reviews and reply to their comments.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/json_import.h"
#include "client/review_views.h"

namespace itp::client {
namespace {

using itp::v1::Comment;
using itp::v1::Review;

constexpr char kAllPlans[] = "countries/-/plans/-";
constexpr char kCommentsSegment[] = "/comments/";

constexpr char kReviewHelp[] =
    "Review name, countries/IND/plans/steel-2070/reviews/3 or short "
    "IND/steel-2070/reviews/3";
constexpr char kCommentHelp[] =
    "Comment name, countries/IND/plans/steel-2070/reviews/3/comments/7 or "
    "short IND/steel-2070/reviews/3/comments/7";

// `apiKeys/{id}` of the key this session calls with, read from the secret
// (`itp_<key id>_<random>`); empty when the secret is not shaped like one.
std::string OwnKeyName(const std::string& secret) {
  constexpr char kPrefix[] = "itp_";
  constexpr size_t kIdChars = 16;
  const size_t prefix = sizeof(kPrefix) - 1;
  if (!absl::StartsWith(secret, kPrefix) ||
      secret.size() < prefix + kIdChars + 2 ||
      secret[prefix + kIdChars] != '_') {
    return "";
  }
  return absl::StrCat("apiKeys/", secret.substr(prefix, kIdChars));
}

// The rubric `name` (empty: the current one), or an empty rubric when it
// cannot be read: it only adds criterion titles to what is printed.
itp::v1::Rubric RubricOrEmpty(Session& session, const std::string& name) {
  itp::v1::GetRubricRequest request;
  request.set_name(name);
  itp::v1::Rubric rubric;
  auto context = session.connection().NewCallContext();
  if (!session.connection()
           .reviews()
           .GetRubric(context.get(), request, &rubric)
           .ok()) {
    rubric.Clear();
  }
  return rubric;
}

struct RubricOptions {
  std::string name;
};

int ShowRubric(Session& session, const RubricOptions& options) {
  itp::v1::GetRubricRequest request;
  if (!options.name.empty()) {
    request.set_name(absl::StartsWith(options.name, "rubrics/")
                         ? options.name
                         : "rubrics/" + options.name);
  }
  auto context = session.connection().NewCallContext();
  itp::v1::Rubric rubric;
  grpc::Status status =
      session.connection().reviews().GetRubric(context.get(), request, &rubric);
  if (!status.ok()) return session.Fail(status);
  PrintRubric(session.out(), session.format(), rubric);
  return kExitOk;
}

struct StartOptions {
  std::string plan;
  std::string etag;
};

int StartReview(Session& session, const StartOptions& options) {
  itp::v1::StartReviewRequest request;
  request.set_parent(PlanName(options.plan));
  request.set_etag(options.etag);
  auto context = session.connection().NewCallContext();
  Review review;
  grpc::Status status = session.connection().reviews().StartReview(
      context.get(), request, &review);
  if (!status.ok()) return session.Fail(status);
  PrintReviewChange(session.out(), session.format(), ReviewChange::kStarted,
                    review);
  return kExitOk;
}

struct GetOptions {
  std::string name;
};

int GetReview(Session& session, const GetOptions& options) {
  itp::v1::GetReviewRequest request;
  request.set_name(PlanName(options.name));
  auto context = session.connection().NewCallContext();
  Review review;
  grpc::Status status =
      session.connection().reviews().GetReview(context.get(), request, &review);
  if (!status.ok()) return session.Fail(status);
  itp::v1::Rubric rubric;
  if (session.format() != OutputFormat::kJson) {
    rubric = RubricOrEmpty(session, review.rubric());
  }
  PrintReview(session.out(), session.format(), review, rubric);
  return kExitOk;
}

struct ListOptions {
  std::string plan;
  bool all = false;
  std::string state;
  bool mine = false;
  int limit = 0;
};

int ListReviews(Session& session, const ListOptions& options) {
  itp::v1::ListReviewsRequest request;
  request.set_parent(options.plan.empty() ? kAllPlans : PlanName(options.plan));
  if (!options.state.empty()) {
    Review::State state = Review::STATE_UNSPECIFIED;
    Review::State_Parse(absl::AsciiStrToUpper(options.state), &state);
    request.set_state(state);
  }
  if (options.mine) {
    const std::string key = OwnKeyName(session.connection().options().api_key);
    if (key.empty()) {
      return session.UsageError(
          "--mine needs an ITP API key (itp_<key id>_...); this one is not "
          "shaped like one.");
    }
    request.set_reviewer(key);
  }
  itp::v1::ListReviewsResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListReviewsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().reviews().ListReviews(context, request,
                                                          page);
      },
      &itp::v1::ListReviewsResponse::mutable_reviews, &all);
  if (!status.ok()) return session.Fail(status);
  PrintReviews(session.out(), session.format(), all);
  return kExitOk;
}

struct CommentOptions {
  std::string name;
  std::string body;
  std::string field;
};

int CreateComment(Session& session, const std::string& review,
                  const Comment& comment, absl::string_view verb) {
  itp::v1::CreateCommentRequest request;
  request.set_parent(review);
  *request.mutable_comment() = comment;
  auto context = session.connection().NewCallContext();
  Comment created;
  grpc::Status status = session.connection().reviews().CreateComment(
      context.get(), request, &created);
  if (!status.ok()) return session.Fail(status);
  PrintCommentChange(session.out(), session.format(), verb, created);
  return kExitOk;
}

int AddComment(Session& session, const CommentOptions& options) {
  Comment comment;
  comment.set_body(options.body);
  comment.set_anchor(options.field);
  return CreateComment(session, PlanName(options.name), comment,
                       "Added comment");
}

int Reply(Session& session, const CommentOptions& options) {
  const std::string name = PlanName(options.name);
  const size_t comments = name.rfind(kCommentsSegment);
  if (comments == std::string::npos) {
    return session.UsageError(absl::StrCat(
        "'", options.name,
        "' is not a comment name such as "
        "IND/steel-2070/reviews/3/comments/7 (see `itp reviews comments`)."));
  }
  Comment comment;
  comment.set_body(options.body);
  comment.set_reply_to(name);
  return CreateComment(session, name.substr(0, comments), comment,
                       "Added reply");
}

struct CommentsOptions {
  std::string name;
};

int ListComments(Session& session, const CommentsOptions& options) {
  itp::v1::ListCommentsRequest request;
  request.set_parent(PlanName(options.name));
  itp::v1::ListCommentsResponse all;
  grpc::Status status = ListAll(
      session, 0,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListCommentsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().reviews().ListComments(context, request,
                                                           page);
      },
      &itp::v1::ListCommentsResponse::mutable_comments, &all);
  if (!status.ok()) return session.Fail(status);
  PrintComments(session.out(), session.format(), request.parent(), all);
  return kExitOk;
}

struct ResolveOptions {
  std::string name;
  bool reopen = false;
};

int ResolveComment(Session& session, const ResolveOptions& options) {
  itp::v1::ResolveCommentRequest request;
  request.set_name(PlanName(options.name));
  request.set_resolved(!options.reopen);
  auto context = session.connection().NewCallContext();
  Comment comment;
  grpc::Status status = session.connection().reviews().ResolveComment(
      context.get(), request, &comment);
  if (!status.ok()) return session.Fail(status);
  PrintCommentChange(session.out(), session.format(),
                     options.reopen ? "Reopened" : "Resolved", comment);
  return kExitOk;
}

struct ScoreOptions {
  std::string name;
  std::vector<std::string> criteria;
  std::vector<int> scores;
  std::vector<std::string> evidence;
  std::string file;
  std::string etag;
};

// The scores in `file`: a JSON list of {criterion_id, score, evidence}, or
// an object with that list under "scores".
absl::Status ReadScoresFile(const std::string& file,
                            itp::v1::ScoreReviewRequest* request) {
  absl::StatusOr<std::string> json = ReadInputFile(file);
  if (!json.ok()) return json.status();
  return ScoresFromJson(*json, file, request);
}

int ScoreReview(Session& session, const ScoreOptions& options) {
  itp::v1::ScoreReviewRequest request;
  request.set_name(PlanName(options.name));
  request.set_etag(options.etag);
  if (!options.file.empty()) {
    absl::Status read = ReadScoresFile(options.file, &request);
    if (!read.ok()) return session.UsageError(read.message());
  }
  if (options.criteria.size() != options.scores.size() ||
      options.criteria.size() != options.evidence.size()) {
    return session.UsageError(absl::StrCat(
        "Give --criterion, --score and --evidence once for each criterion "
        "(got ",
        options.criteria.size(), " --criterion, ", options.scores.size(),
        " --score, ", options.evidence.size(), " --evidence)."));
  }
  for (size_t i = 0; i < options.criteria.size(); ++i) {
    itp::v1::CriterionScore& score = *request.add_scores();
    score.set_criterion_id(options.criteria[i]);
    score.set_score(options.scores[i]);
    score.set_evidence(options.evidence[i]);
  }
  if (request.scores().empty()) {
    return session.UsageError(
        "No scores: give --criterion, --score and --evidence, or --file "
        "(see `itp rubric` for the criteria).");
  }
  auto context = session.connection().NewCallContext();
  Review review;
  grpc::Status status = session.connection().reviews().ScoreReview(
      context.get(), request, &review);
  if (!status.ok()) return session.Fail(status);
  PrintReviewChange(session.out(), session.format(), ReviewChange::kScored,
                    review);
  return kExitOk;
}

struct CompleteOptions {
  std::string name;
  std::string decision;
  std::string summary;
  std::string etag;
};

int CompleteReview(Session& session, const CompleteOptions& options) {
  itp::v1::CompleteReviewRequest request;
  request.set_name(PlanName(options.name));
  if (options.decision == "approve") {
    request.set_decision(Review::APPROVE);
  } else if (options.decision == "request-changes") {
    request.set_decision(Review::REQUEST_CHANGES);
  } else if (options.decision == "reject") {
    request.set_decision(Review::REJECT);
  }
  request.set_summary(options.summary);
  request.set_etag(options.etag);
  auto context = session.connection().NewCallContext();
  Review review;
  grpc::Status status = session.connection().reviews().CompleteReview(
      context.get(), request, &review);
  if (!status.ok()) return session.Fail(status);
  PrintReviewChange(session.out(), session.format(), ReviewChange::kCompleted,
                    review);
  return kExitOk;
}

// "request_changes", "REQUEST-CHANGES" -> "request-changes".
std::string DecisionKey(std::string text) {
  text = absl::AsciiStrToLower(text);
  for (char& c : text) {
    if (c == '_') c = '-';
  }
  return text;
}

}  // namespace

void AddReviewCommands(Cli& cli) {
  auto rubric = std::make_shared<RubricOptions>();
  CLI::App* command = cli.AddCommand(
      cli.root(), "rubric",
      "Show the review rubric: the criteria every review scores from 0 to 4",
      "  itp rubric\n"
      "  itp rubric -o json",
      [rubric](Session& s) { return ShowRubric(s, *rubric); });
  command->add_option("RUBRIC", rubric->name,
                      "Rubric id or name, e.g. rubrics/leadit-2026-v1 "
                      "(default the current rubric)");

  CLI::App* reviews =
      cli.AddGroup(cli.root(), "reviews",
                   "Reviews of submitted plans: start, comment, score, decide");

  auto start = std::make_shared<StartOptions>();
  command = cli.AddCommand(
      reviews, "start",
      "Start reviewing a SUBMITTED plan's latest revision (the plan moves to "
      "IN_REVIEW); shows what changed since its previous review",
      "  itp reviews start IND/steel-2070\n"
      "  itp reviews start countries/IND/plans/steel-2070 -o json",
      [start](Session& s) { return StartReview(s, *start); });
  command
      ->add_option("PLAN", start->plan,
                   "Plan name, countries/IND/plans/steel-2070 or short "
                   "IND/steel-2070")
      ->required();
  command->add_option("--etag", start->etag,
                      "Fail with a conflict unless the plan still has this "
                      "etag");

  auto get = std::make_shared<GetOptions>();
  command = cli.AddCommand(
      reviews, "get",
      "Show a review: state, scores with evidence, decision, changes since "
      "the previous review, unresolved comments",
      "  itp reviews get IND/steel-2070/reviews/3\n"
      "  itp reviews get countries/IND/plans/steel-2070/reviews/3 -o csv",
      [get](Session& s) { return GetReview(s, *get); });
  command->add_option("REVIEW", get->name, kReviewHelp)->required();

  auto list = std::make_shared<ListOptions>();
  command = cli.AddCommand(
      reviews, "list",
      "List reviews, newest first: of one plan, or of every plan you may "
      "read",
      "  itp reviews list IND/steel-2070\n"
      "  itp reviews list --all --state OPEN --mine\n"
      "  itp reviews list --state COMPLETED -o csv > reviews.csv",
      [list](Session& s) { return ListReviews(s, *list); });
  CLI::Option* plan = command->add_option(
      "PLAN", list->plan,
      "Plan name, e.g. IND/steel-2070 (default: every plan)");
  command->add_flag("--all", list->all, "Reviews of every plan (the default)")
      ->excludes(plan);
  command->add_option("--state", list->state, "Only OPEN or COMPLETED reviews")
      ->transform(CLI::IsMember({"OPEN", "COMPLETED"}, CLI::ignore_case));
  command->add_flag("--mine", list->mine,
                    "Only reviews started with your API key");
  command
      ->add_option("--limit", list->limit,
                   "Show at most this many reviews (default all)")
      ->check(CLI::Range(0, 1000000));

  auto comment = std::make_shared<CommentOptions>();
  command = cli.AddCommand(
      reviews, "comment",
      "Comment on a review, on one field of the reviewed revision or in "
      "general",
      "  itp reviews comment IND/steel-2070/reviews/3 --field "
      "'sectors[0].points[1].intensity_tco2_per_t' --body \"2.2 t/t in 2030 "
      "is above every TPI pathway; what would 1.9 take?\"\n"
      "  itp reviews comment IND/steel-2070/reviews/3 --body \"Please add "
      "the MRV arrangements.\"",
      [comment](Session& s) { return AddComment(s, *comment); });
  command->add_option("REVIEW", comment->name, kReviewHelp)->required();
  command->add_option("--body", comment->body, "The comment (required)")
      ->required();
  command->add_option("--field", comment->field,
                      "Field path of the reviewed revision the comment is "
                      "about, e.g. sectors[0].points[1].intensity_tco2_per_t "
                      "or finance.total_need_usd (see `itp plans get -o "
                      "json`)");

  auto reply = std::make_shared<CommentOptions>();
  command = cli.AddCommand(
      reviews, "reply", "Reply to a comment (in the same review)",
      "  itp reviews reply IND/steel-2070/reviews/3/comments/7 --body "
      "\"Revision 2 lowers it to 1.9 t/t.\"",
      [reply](Session& s) { return Reply(s, *reply); });
  command->add_option("COMMENT", reply->name, kCommentHelp)->required();
  command->add_option("--body", reply->body, "The reply (required)")
      ->required();

  auto comments = std::make_shared<CommentsOptions>();
  command = cli.AddCommand(
      reviews, "comments",
      "Show a review's comments in threads, with their fields and whether "
      "they are resolved",
      "  itp reviews comments IND/steel-2070/reviews/3\n"
      "  itp reviews comments IND/steel-2070/reviews/3 -o csv",
      [comments](Session& s) { return ListComments(s, *comments); });
  command->add_option("REVIEW", comments->name, kReviewHelp)->required();

  auto resolve = std::make_shared<ResolveOptions>();
  command = cli.AddCommand(
      reviews, "resolve", "Mark a comment resolved (or unresolved again)",
      "  itp reviews resolve IND/steel-2070/reviews/3/comments/7\n"
      "  itp reviews resolve IND/steel-2070/reviews/3/comments/7 --reopen",
      [resolve](Session& s) { return ResolveComment(s, *resolve); });
  command->add_option("COMMENT", resolve->name, kCommentHelp)->required();
  command->add_flag("--reopen", resolve->reopen, "Mark it unresolved instead");

  auto score = std::make_shared<ScoreOptions>();
  command = cli.AddCommand(
      reviews, "score",
      "Score criteria of an open review with evidence (replacing earlier "
      "scores of the same criteria); `itp rubric` lists the criteria",
      "  itp reviews score IND/steel-2070/reviews/3 --criterion ambition "
      "--score 2 --evidence \"Net zero by 2070; 2030 intensity above TPI "
      "1.5 C\"\n"
      "  itp reviews score IND/steel-2070/reviews/3 --file scores.json\n"
      "    (scores.json: [{\"criterion_id\": \"ambition\", \"score\": 2, "
      "\"evidence\": \"...\"}, ...])",
      [score](Session& s) { return ScoreReview(s, *score); });
  command->add_option("REVIEW", score->name, kReviewHelp)->required();
  command
      ->add_option("--criterion", score->criteria,
                   "Criterion id, e.g. ambition; repeat with --score and "
                   "--evidence for each criterion")
      ->allow_extra_args(false);
  command
      ->add_option("--score", score->scores,
                   "0 (absent) to 4 (exemplary), one per --criterion")
      ->allow_extra_args(false);
  command
      ->add_option("--evidence", score->evidence,
                   "What in the plan justifies the score, one per "
                   "--criterion")
      ->allow_extra_args(false);
  command->add_option("-f,--file", score->file,
                      "JSON list of {criterion_id, score, evidence} (- for "
                      "standard input)");
  command->add_option("--etag", score->etag,
                      "Fail with a conflict unless the review still has "
                      "this etag");

  auto complete = std::make_shared<CompleteOptions>();
  command = cli.AddCommand(
      reviews, "complete",
      "Decide an open review once every criterion is scored; the plan moves "
      "to APPROVED, CHANGES_REQUESTED or REJECTED",
      "  itp reviews complete IND/steel-2070/reviews/3 --decision "
      "request-changes --summary \"Lower the 2030 intensity; see the "
      "comments.\"\n"
      "  itp reviews complete IND/steel-2070/reviews/4 --decision approve "
      "--summary \"Aligned with the national pledge pathway.\"",
      [complete](Session& s) { return CompleteReview(s, *complete); });
  command->add_option("REVIEW", complete->name, kReviewHelp)->required();
  command
      ->add_option("--decision", complete->decision,
                   "approve, request-changes (needs an unresolved comment) "
                   "or reject")
      ->required()
      ->transform(
          CLI::IsMember({"approve", "request-changes", "reject"}, DecisionKey));
  command
      ->add_option("--summary", complete->summary,
                   "The reasons for the decision (required)")
      ->required();
  command->add_option("--etag", complete->etag,
                      "Fail with a conflict unless the review still has "
                      "this etag");
}

}  // namespace itp::client
