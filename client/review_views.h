// How the `itp rubric` and `itp reviews` commands print the rubric, reviews,
// comments and field changes between revisions in each output format. Tables
// are for secretariat reviewers; CSV has one record per item; JSON is the
// protobuf JSON mapping of the response.
#ifndef ITP_CLIENT_REVIEW_VIEWS_H_
#define ITP_CLIENT_REVIEW_VIEWS_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "client/output.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "itp/v1/review.pb.h"
#include "itp/v1/review_service.pb.h"

namespace itp::client {

// The number at the end of a revision name ("countries/IND/plans/steel-2070/
// revisions/2" -> 2); 0 when there is none.
int RevisionNumberOf(absl::string_view revision_name);

// One row per changed field: FIELD, then the old and new values under the
// headings `old_title` and `new_title` (CSV: path, old, new). Empty values
// (a field added or removed) show as kNoValue in aligned output.
Table FieldChangeTable(
    OutputFormat format, const std::string& old_title,
    const std::string& new_title,
    const google::protobuf::RepeatedPtrField<itp::v1::FieldChange>& changes);

// Table: the rubric's title and version, then one row per criterion (id,
// title, guidance). CSV: one record per criterion. JSON: the rubric.
void PrintRubric(std::ostream& out, OutputFormat format,
                 const itp::v1::Rubric& rubric);

// Table: the review's state, revision and reviewer; its scores with evidence
// (criterion titles from `rubric` when it has them), total and unscored
// criteria; the decision; the changes since the previously reviewed revision;
// the number of unresolved comments. CSV: one record per criterion of the
// rubric (unscored ones with empty score). JSON: the review.
void PrintReview(std::ostream& out, OutputFormat format,
                 const itp::v1::Review& review, const itp::v1::Rubric& rubric);

// What a command did to a review.
enum class ReviewChange { kStarted, kScored, kCompleted };

// A confirmation after a review changed (table: what happened, the scores or
// the decision, and what comes next; a started review also lists the changes
// since the previously reviewed revision), or the review (JSON; CSV one
// record as in PrintReviews).
void PrintReviewChange(std::ostream& out, OutputFormat format,
                       ReviewChange change, const itp::v1::Review& review);

// One row per review, newest first.
void PrintReviews(std::ostream& out, OutputFormat format,
                  const itp::v1::ListReviewsResponse& response);

// Table: the comments grouped in threads (a comment and its replies), each
// with its anchor, author, time, whether it is resolved, and its body. CSV:
// one record per comment. JSON: the response.
void PrintComments(std::ostream& out, OutputFormat format,
                   const std::string& review,
                   const itp::v1::ListCommentsResponse& response);

// A confirmation after a comment was added, replied to, resolved or reopened
// (table: "<verb> <name> on <anchor> in reply to <comment>."), or the
// comment (JSON; CSV one record as in PrintComments).
void PrintCommentChange(std::ostream& out, OutputFormat format,
                        absl::string_view verb,
                        const itp::v1::Comment& comment);

}  // namespace itp::client

#endif  // ITP_CLIENT_REVIEW_VIEWS_H_
