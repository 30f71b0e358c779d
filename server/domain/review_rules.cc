#include "server/domain/review_rules.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/plan_validation.h"

namespace itp::domain {
namespace {

using itp::v1::Review;
using itp::v1::Rubric;

constexpr char kRubricName[] = "rubrics/leadit-2026-v1";

struct CriterionSpec {
  const char* id;
  const char* title;
  const char* guidance;
};

constexpr CriterionSpec kCriteria[] = {
    {"ambition", "Ambition",
     "Long-term target and alignment with 1.5 C pathways, informed by the "
     "benchmark report."},
    {"interim_targets", "Interim targets",
     "Milestones for 2025, 2030 and 2035 with base years; no credits towards "
     "interim reductions."},
    {"coverage", "Coverage",
     "All relevant heavy-industry sectors and gases; scope boundaries "
     "stated."},
    {"implementation", "Implementation",
     "Technology roadmap and concrete projects with timelines."},
    {"policy_instruments", "Policy instruments",
     "Carbon pricing, standards, green public procurement and support "
     "schemes."},
    {"finance", "Finance",
     "Costed needs, identified sources and conditionality on international "
     "support."},
    {"governance", "Governance and accountability",
     "Lead institution, MRV arrangements and reporting cadence, with annual "
     "progress reports."},
    {"engagement", "Engagement and just transition",
     "Industry, workers and communities; just-transition measures."},
};

absl::Status CheckOpen(const Review& review) {
  if (review.state() == Review::OPEN) return absl::OkStatus();
  return ErrorWithInfo(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("Review ", review.name(),
                                    " is completed and can no longer change."),
                       "REVIEW_NOT_OPEN", review.name());
}

absl::Status CheckReviewEtag(const Review& review, absl::string_view etag) {
  if (etag.empty() || etag == review.etag()) return absl::OkStatus();
  return ErrorWithInfo(
      absl::StatusCode::kAborted,
      absl::StrCat("The etag '", etag, "' is stale: ", review.name(),
                   " has changed since it was read. Read it again and retry."),
      "ETAG_MISMATCH", review.name());
}

}  // namespace

Rubric CurrentRubric() {
  Rubric rubric;
  rubric.set_name(kRubricName);
  rubric.set_display_name("LeadIT national industry transition plan rubric");
  rubric.set_version("2026.1");
  rubric.add_sources("UK Transition Plan Taskforce disclosure framework");
  rubric.add_sources(
      "UN High-Level Expert Group, 'Integrity Matters' recommendations");
  rubric.add_sources("TPI ASCOR country framework");
  rubric.set_max_score(4);
  for (const CriterionSpec& spec : kCriteria) {
    auto* c = rubric.add_criteria();
    c->set_id(spec.id);
    c->set_title(spec.title);
    c->set_guidance(spec.guidance);
  }
  return rubric;
}

absl::StatusOr<Rubric> FindRubric(absl::string_view name) {
  if (name.empty() || name == kRubricName) return CurrentRubric();
  return ErrorWithInfo(absl::StatusCode::kNotFound,
                       absl::StrCat("Rubric ", name,
                                    " does not exist; the "
                                    "current rubric is ",
                                    kRubricName, "."),
                       "RUBRIC_NOT_FOUND", name);
}

void ValidateScores(
    const google::protobuf::RepeatedPtrField<itp::v1::CriterionScore>& scores,
    const Rubric& rubric, absl::string_view prefix,
    FieldViolations* violations) {
  if (scores.empty()) {
    violations->Add(std::string(prefix), "give at least one score.");
  }
  // Each criterion once; a few more are reported one by one, a flood not.
  if (scores.size() > 2 * rubric.criteria_size()) {
    violations->Add(std::string(prefix),
                    absl::StrCat("has ", scores.size(), " scores; ",
                                 rubric.name(), " has ",
                                 rubric.criteria_size(), " criteria."));
    return;
  }
  std::set<std::string> known;
  for (const auto& c : rubric.criteria()) known.insert(c.id());
  std::set<std::string> seen;
  for (int i = 0; i < scores.size(); ++i) {
    const auto& s = scores[i];
    const std::string path = absl::StrCat(prefix, "[", i, "]");
    if (known.count(s.criterion_id()) == 0) {
      std::vector<std::string> ids(known.begin(), known.end());
      violations->Add(
          path + ".criterion_id",
          absl::StrCat("'", s.criterion_id(), "' is not a criterion of ",
                       rubric.name(), " (", absl::StrJoin(ids, ", "), ")."));
    } else if (!seen.insert(s.criterion_id()).second) {
      violations->Add(path + ".criterion_id",
                      absl::StrCat(s.criterion_id(), " is scored twice."));
    }
    if (s.score() < 0 || s.score() > rubric.max_score()) {
      violations->Add(path + ".score",
                      absl::StrCat("must be from 0 to ", rubric.max_score(),
                                   " (got ", s.score(), ")."));
    }
    if (absl::StripAsciiWhitespace(s.evidence()).empty()) {
      violations->Add(path + ".evidence",
                      "is required: say what in the plan justifies the "
                      "score.");
    } else {
      ValidateText(s.evidence(), path + ".evidence", kMaxEvidenceChars,
                   violations);
    }
  }
}

void RollUp(Review& review, const Rubric& rubric) {
  int total = 0;
  std::set<std::string> scored;
  for (const auto& s : review.scores()) {
    total += s.score();
    scored.insert(s.criterion_id());
  }
  review.set_total_score(total);
  review.set_max_total_score(rubric.max_score() * rubric.criteria_size());
  review.clear_unscored_criteria();
  for (const auto& c : rubric.criteria()) {
    if (scored.count(c.id()) == 0) review.add_unscored_criteria(c.id());
  }
}

absl::Status ApplyScores(
    Review& review,
    const google::protobuf::RepeatedPtrField<itp::v1::CriterionScore>& scores,
    absl::string_view etag, const Rubric& rubric) {
  absl::Status s = CheckReviewEtag(review, etag);
  if (s.ok()) s = CheckOpen(review);
  if (!s.ok()) return s;
  for (const auto& score : scores) {
    bool replaced = false;
    for (auto& existing : *review.mutable_scores()) {
      if (existing.criterion_id() == score.criterion_id()) {
        existing = score;
        replaced = true;
      }
    }
    if (!replaced) *review.add_scores() = score;
  }
  // Keep the rubric's order, so reports read the same way every time.
  std::vector<itp::v1::CriterionScore> ordered;
  for (const auto& c : rubric.criteria()) {
    for (const auto& score : review.scores()) {
      if (score.criterion_id() == c.id()) ordered.push_back(score);
    }
  }
  review.clear_scores();
  for (auto& score : ordered) *review.add_scores() = std::move(score);
  RollUp(review, rubric);
  return absl::OkStatus();
}

absl::Status ApplyCompletion(Review& review, Review::Decision decision,
                             absl::string_view summary, absl::string_view etag,
                             int unresolved_comments, int64_t now_unix_micros) {
  absl::Status s = CheckReviewEtag(review, etag);
  if (s.ok()) s = CheckOpen(review);
  if (!s.ok()) return s;
  if (decision == Review::DECISION_UNSPECIFIED ||
      !Review::Decision_IsValid(decision)) {
    return InvalidField("decision",
                        "must be APPROVE, REQUEST_CHANGES or REJECT.");
  }
  if (review.unscored_criteria_size() > 0) {
    std::vector<std::string> missing(review.unscored_criteria().begin(),
                                     review.unscored_criteria().end());
    return ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("A decision needs every criterion scored; not scored "
                     "yet: ",
                     absl::StrJoin(missing, ", "), "."),
        "REVIEW_INCOMPLETE", review.name());
  }
  if (decision == Review::REQUEST_CHANGES && unresolved_comments == 0) {
    return ErrorWithInfo(
        absl::StatusCode::kFailedPrecondition,
        "Requesting changes needs at least one unresolved comment that says "
        "what to change.",
        "NO_UNRESOLVED_COMMENTS", review.name());
  }
  review.set_state(Review::COMPLETED);
  review.set_decision(decision);
  review.set_summary(std::string(summary));
  *review.mutable_complete_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          now_unix_micros);
  return absl::OkStatus();
}

PlanAction ActionOf(Review::Decision decision) {
  switch (decision) {
    case Review::APPROVE:
      return PlanAction::kApprove;
    case Review::REQUEST_CHANGES:
      return PlanAction::kRequestChanges;
    default:
      return PlanAction::kReject;
  }
}

}  // namespace itp::domain
