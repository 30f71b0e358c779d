// Printing of the rubric, reviews, comments and field changes; see
// review_views.h.
#include "client/review_views.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace itp::client {
namespace {

using itp::v1::Comment;
using itp::v1::Review;

std::string StateName(Review::State state) {
  return EnumName(Review::State_descriptor(), state);
}

std::string DecisionName(Review::Decision decision) {
  return EnumName(Review::Decision_descriptor(), decision);
}

// The plan a review (or any name under a plan) belongs to.
std::string PlanOf(absl::string_view name) {
  const size_t reviews = name.find("/reviews/");
  if (reviews != absl::string_view::npos) name = name.substr(0, reviews);
  const size_t revisions = name.find("/revisions/");
  if (revisions != absl::string_view::npos) name = name.substr(0, revisions);
  return std::string(name);
}

// The state a decision moves the plan to.
std::string PlanStateAfter(Review::Decision decision) {
  switch (decision) {
    case Review::APPROVE:
      return "APPROVED";
    case Review::REQUEST_CHANGES:
      return "CHANGES_REQUESTED";
    case Review::REJECT:
      return "REJECTED";
    default:
      return "";
  }
}

// "18 of 32".
std::string ScoreText(const Review& review) {
  return absl::StrCat(review.total_score(), " of ", review.max_total_score());
}

std::string UnscoredText(const Review& review) {
  if (review.unscored_criteria().empty()) return "every criterion scored";
  return absl::StrCat("not scored yet: ",
                      absl::StrJoin(review.unscored_criteria(), ", "));
}

// `text` with every line prefixed by `indent`.
std::string Indented(absl::string_view text, absl::string_view indent) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&out, indent, line, "\n");
  }
  return out;
}

Table ReviewTable(OutputFormat format,
                  const google::protobuf::RepeatedPtrField<Review>& reviews) {
  const bool csv = format == OutputFormat::kCsv;
  if (csv) {
    Table table({{"", "name"},
                 {"", "plan_revision"},
                 {"", "state"},
                 {"", "total_score"},
                 {"", "max_total_score"},
                 {"", "unscored_criteria"},
                 {"", "decision"},
                 {"", "unresolved_comments"},
                 {"", "reviewer"},
                 {"", "create_time"},
                 {"", "complete_time"}});
    for (const Review& r : reviews) {
      table.AddRow(
          {r.name(), r.plan_revision(), StateName(r.state()),
           absl::StrCat(r.total_score()), absl::StrCat(r.max_total_score()),
           absl::StrJoin(r.unscored_criteria(), ";"),
           r.decision() == Review::DECISION_UNSPECIFIED
               ? ""
               : DecisionName(r.decision()),
           absl::StrCat(r.unresolved_comments()), r.reviewer(),
           FormatRfc3339(r.create_time()), FormatRfc3339(r.complete_time())});
    }
    return table;
  }
  Table table({{"REVIEW", ""},
               {"REV", "", Table::kRight},
               {"STATE", ""},
               {"SCORE", "", Table::kRight},
               {"DECISION", ""},
               {"UNRESOLVED", "", Table::kRight},
               {"REVIEWER", ""},
               {"STARTED", ""}});
  for (const Review& r : reviews) {
    table.AddRow({r.name(), absl::StrCat(RevisionNumberOf(r.plan_revision())),
                  StateName(r.state()),
                  absl::StrCat(r.total_score(), "/", r.max_total_score()),
                  r.decision() == Review::DECISION_UNSPECIFIED
                      ? kNoValue
                      : DecisionName(r.decision()),
                  absl::StrCat(r.unresolved_comments()),
                  OrNoValue(r.reviewer()), FormatTime(r.create_time())});
  }
  return table;
}

// The name of the first comment of the thread `comment` belongs to (the
// comment itself when it starts one).
std::string ThreadOf(const Comment& comment,
                     const std::map<std::string, const Comment*>& all) {
  std::string thread = comment.name();
  std::string next = comment.reply_to();
  // Bounded, in case of a reply cycle.
  for (size_t i = 0; i <= all.size() && !next.empty(); ++i) {
    thread = next;
    auto it = all.find(next);
    if (it == all.end()) break;
    next = it->second->reply_to();
  }
  return thread;
}

std::string ResolvedText(const Comment& c) {
  return c.resolved() ? "resolved" : "unresolved";
}

void PrintComment(std::ostream& out, const Comment& c, bool reply,
                  const std::string& thread) {
  const std::string indent = reply ? "    " : "";
  out << indent << (reply ? "Reply " : "") << c.name() << "  ("
      << ResolvedText(c) << ")\n";
  std::vector<std::pair<std::string, std::string>> fields;
  if (!reply) {
    fields.emplace_back("Field",
                        c.anchor().empty() ? "(general comment)" : c.anchor());
  } else if (c.reply_to() != thread) {
    fields.emplace_back("In reply to", c.reply_to());
  }
  fields.emplace_back("From", absl::StrCat(OrNoValue(c.author_role()), " ",
                                           OrNoValue(c.author()), ", ",
                                           FormatTime(c.create_time())));
  PrintFields(out, fields, indent + "  ");
  out << Indented(c.body(), indent + "  > ");
}

}  // namespace

int RevisionNumberOf(absl::string_view revision_name) {
  int number = 0;
  const size_t slash = revision_name.rfind('/');
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(revision_name.substr(slash + 1), &number)) {
    return 0;
  }
  return number;
}

Table FieldChangeTable(
    OutputFormat format, const std::string& old_title,
    const std::string& new_title,
    const google::protobuf::RepeatedPtrField<itp::v1::FieldChange>& changes) {
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"FIELD", "path"}, {old_title, "old"}, {new_title, "new"}});
  for (const itp::v1::FieldChange& c : changes) {
    table.AddRow({c.path(), csv ? c.old_value() : OrNoValue(c.old_value()),
                  csv ? c.new_value() : OrNoValue(c.new_value())});
  }
  return table;
}

void PrintRubric(std::ostream& out, OutputFormat format,
                 const itp::v1::Rubric& rubric) {
  if (format == OutputFormat::kJson) {
    out << ToJson(rubric);
    return;
  }
  Table table({{"ID", "id"}, {"TITLE", "title"}, {"GUIDANCE", "guidance"}});
  for (const auto& c : rubric.criteria()) {
    table.AddRow({c.id(), c.title(), c.guidance()});
  }
  if (format == OutputFormat::kCsv) {
    table.PrintCsv(out);
    return;
  }
  out << rubric.display_name() << "\n";
  PrintFields(out,
              {{"Name", rubric.name()},
               {"Version", rubric.version()},
               {"Built from", absl::StrJoin(rubric.sources(), "; ")},
               {"Scores", absl::StrCat("0 (absent) to ", rubric.max_score(),
                                       " (exemplary) per criterion, "
                                       "with evidence")}});
  out << "\n";
  table.PrintAligned(out, "  ");
}

void PrintReview(std::ostream& out, OutputFormat format, const Review& review,
                 const itp::v1::Rubric& rubric) {
  if (format == OutputFormat::kJson) {
    out << ToJson(review);
    return;
  }
  std::map<std::string, std::string> titles;
  for (const auto& c : rubric.criteria()) titles[c.id()] = c.title();
  std::map<std::string, const itp::v1::CriterionScore*> scores;
  for (const auto& s : review.scores()) scores[s.criterion_id()] = &s;
  // Criteria in the rubric's order when the rubric is known, else the scored
  // ones (in the server's order) and then the unscored ones.
  std::vector<std::string> criteria;
  for (const auto& c : rubric.criteria()) criteria.push_back(c.id());
  if (criteria.empty()) {
    for (const auto& s : review.scores()) criteria.push_back(s.criterion_id());
    for (const auto& id : review.unscored_criteria()) criteria.push_back(id);
  }
  const int count = static_cast<int>(criteria.size());
  const int max_score = rubric.max_score() > 0 ? rubric.max_score()
                        : count > 0 ? review.max_total_score() / count
                                    : 0;

  if (format == OutputFormat::kCsv) {
    Table table({{"", "review"},
                 {"", "plan_revision"},
                 {"", "state"},
                 {"", "criterion_id"},
                 {"", "title"},
                 {"", "score"},
                 {"", "max_score"},
                 {"", "evidence"}});
    for (const std::string& id : criteria) {
      auto it = scores.find(id);
      const bool scored = it != scores.end();
      table.AddRow(
          {review.name(), review.plan_revision(), StateName(review.state()), id,
           titles[id], scored ? absl::StrCat(it->second->score()) : "",
           absl::StrCat(max_score), scored ? it->second->evidence() : ""});
    }
    table.PrintCsv(out);
    return;
  }

  out << "Review " << review.name() << "\n";
  PrintFields(out, {{"State", StateName(review.state())},
                    {"Plan revision", review.plan_revision()},
                    {"Rubric", review.rubric()},
                    {"Reviewer", review.reviewer()},
                    {"Started", FormatTime(review.create_time())},
                    {"Updated", FormatTime(review.update_time())},
                    {"Completed", FormatTime(review.complete_time())},
                    {"Unresolved comments",
                     absl::StrCat(review.unresolved_comments())}});

  out << "\nScores: " << ScoreText(review) << " (" << UnscoredText(review)
      << ")\n";
  if (review.scores().empty()) {
    out << "  None yet.\n";
  } else {
    std::vector<Table::Column> columns = {{"CRITERION", ""}};
    if (!titles.empty()) columns.push_back({"TITLE", ""});
    columns.push_back({"SCORE", "", Table::kRight});
    columns.push_back({"EVIDENCE", ""});
    Table table(columns);
    for (const std::string& id : criteria) {
      auto it = scores.find(id);
      std::vector<std::string> row = {id};
      if (!titles.empty()) row.push_back(titles[id]);
      if (it == scores.end()) {
        row.push_back(kNoValue);
        row.push_back("(not scored yet)");
      } else {
        row.push_back(absl::StrCat(it->second->score(), "/", max_score));
        row.push_back(it->second->evidence());
      }
      table.AddRow(row);
    }
    table.PrintAligned(out, "  ");
  }

  if (review.has_reporting_record()) {
    // What the governance criterion weighs: does the country report?
    const auto& r = review.reporting_record();
    out << "\nProgress reporting (governance): "
        << EnumName(itp::v1::ReportingRecord::State_descriptor(), r.state());
    if (r.latest_reporting_year() > 0) {
      out << ", latest report " << r.latest_reporting_year() << " ("
          << EnumName(itp::v1::ProgressStatus_descriptor(),
                      review.progress_status())
          << ")";
    } else {
      out << ", no progress report published";
    }
    out << ", expected " << r.expected_reporting_year() << "\n";
  }

  out << "\nDecision\n";
  if (review.state() != Review::COMPLETED) {
    out << "  Not decided yet.\n";
  } else {
    out << "  " << DecisionName(review.decision());
    const std::string after = PlanStateAfter(review.decision());
    if (!after.empty()) out << " (the plan moved to " << after << ")";
    out << "\n" << Indented(review.summary(), "  ");
  }

  out << "\nChanges since the previous review\n";
  if (review.previous_revision().empty()) {
    out << "  None: no earlier review of this plan was completed.\n";
  } else if (review.changes_since_previous().empty()) {
    out << "  No content changes since " << review.previous_revision() << ".\n";
  } else {
    const size_t n = review.changes_since_previous().size();
    out << "  " << n << (n == 1 ? " field" : " fields") << " changed since "
        << review.previous_revision() << ":\n";
    FieldChangeTable(
        format,
        absl::StrCat("REVISION ", RevisionNumberOf(review.previous_revision())),
        absl::StrCat("REVISION ", RevisionNumberOf(review.plan_revision())),
        review.changes_since_previous())
        .PrintAligned(out, "    ");
  }

  out << "\nComments: " << review.unresolved_comments() << " unresolved; "
      << "see them with `itp reviews comments " << review.name() << "`.\n";
}

void PrintReviewChange(std::ostream& out, OutputFormat format,
                       ReviewChange change, const Review& review) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(review);
      return;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<Review> reviews;
      *reviews.Add() = review;
      ReviewTable(format, reviews).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      break;
  }
  switch (change) {
    case ReviewChange::kStarted: {
      out << "Started " << review.name() << " of " << review.plan_revision()
          << " (" << StateName(review.state()) << "; the plan is now "
          << "IN_REVIEW).\n";
      if (!review.previous_revision().empty()) {
        const size_t n = review.changes_since_previous().size();
        if (n == 0) {
          out << "No content changes since " << review.previous_revision()
              << ", reviewed before.\n";
        } else {
          out << n << (n == 1 ? " field" : " fields") << " changed since "
              << review.previous_revision() << ", reviewed before:\n";
          FieldChangeTable(
              format,
              absl::StrCat("REVISION ",
                           RevisionNumberOf(review.previous_revision())),
              absl::StrCat("REVISION ",
                           RevisionNumberOf(review.plan_revision())),
              review.changes_since_previous())
              .PrintAligned(out, "  ");
        }
      }
      out << "Next: comment (itp reviews comment), score every criterion "
             "(itp reviews score), then decide (itp reviews complete).\n";
      return;
    }
    case ReviewChange::kScored:
      out << "Scored " << review.name() << ": " << ScoreText(review) << " ("
          << UnscoredText(review) << ").\n";
      return;
    case ReviewChange::kCompleted: {
      out << "Completed " << review.name() << ": "
          << DecisionName(review.decision()) << ", score " << ScoreText(review)
          << ".";
      const std::string after = PlanStateAfter(review.decision());
      if (!after.empty()) {
        out << " " << PlanOf(review.name()) << " is now " << after << ".";
      }
      out << "\n";
      return;
    }
  }
}

void PrintReviews(std::ostream& out, OutputFormat format,
                  const itp::v1::ListReviewsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.reviews().empty()) {
    out << "No reviews found.\n";
    return;
  }
  ReviewTable(format, response.reviews()).Print(out, format);
}

void PrintComments(std::ostream& out, OutputFormat format,
                   const std::string& review,
                   const itp::v1::ListCommentsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  std::map<std::string, const Comment*> by_name;
  for (const Comment& c : response.comments()) by_name[c.name()] = &c;
  // Threads in the order they started; each holds its comments oldest first.
  std::vector<std::string> thread_order;
  std::map<std::string, std::vector<const Comment*>> threads;
  for (const Comment& c : response.comments()) {
    const std::string start = ThreadOf(c, by_name);
    if (threads.count(start) == 0) thread_order.push_back(start);
    threads[start].push_back(&c);
  }

  if (format == OutputFormat::kCsv) {
    Table table({{"", "name"},
                 {"", "thread"},
                 {"", "reply_to"},
                 {"", "anchor"},
                 {"", "resolved"},
                 {"", "author"},
                 {"", "author_role"},
                 {"", "create_time"},
                 {"", "body"}});
    for (const std::string& start : thread_order) {
      for (const Comment* c : threads[start]) {
        table.AddRow({c->name(), start, c->reply_to(), c->anchor(),
                      c->resolved() ? "true" : "false", c->author(),
                      c->author_role(), FormatRfc3339(c->create_time()),
                      c->body()});
      }
    }
    table.PrintCsv(out);
    return;
  }

  if (response.comments().empty()) {
    out << "No comments on " << review << ".\n";
    return;
  }
  int unresolved_threads = 0;
  for (const std::string& start : thread_order) {
    auto it = by_name.find(start);
    if (it != by_name.end() && !it->second->resolved()) ++unresolved_threads;
  }
  out << thread_order.size()
      << (thread_order.size() == 1 ? " thread" : " threads") << " on " << review
      << ", " << unresolved_threads << " unresolved.\n";
  for (const std::string& start : thread_order) {
    out << "\n";
    for (const Comment* c : threads[start]) {
      PrintComment(out, *c, c->name() != start, start);
    }
  }
}

void PrintCommentChange(std::ostream& out, OutputFormat format,
                        absl::string_view verb, const Comment& comment) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(comment);
      return;
    case OutputFormat::kCsv: {
      itp::v1::ListCommentsResponse one;
      *one.add_comments() = comment;
      PrintComments(out, format, "", one);
      return;
    }
    case OutputFormat::kTable:
      out << verb << " " << comment.name();
      if (!comment.anchor().empty()) out << " on " << comment.anchor();
      if (!comment.reply_to().empty()) {
        out << " in reply to " << comment.reply_to();
      }
      out << ".\n";
      return;
  }
}

}  // namespace itp::client
