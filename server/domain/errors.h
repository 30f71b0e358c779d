// Errors as values: helpers that build absl::Status objects carrying the
// machine-readable details of the API (google.rpc.BadRequest field violations
// and google.rpc.ErrorInfo) as status payloads. The service layer turns the
// payloads into the `grpc-status-details-bin` trailer in one place.
//
//   FieldViolations v;
//   v.Add("plan.display_name", "display_name is required.");
//   if (!v.empty()) return v.ToStatus();
#ifndef ITP_SERVER_DOMAIN_ERRORS_H_
#define ITP_SERVER_DOMAIN_ERRORS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace itp::domain {

// Type URLs of the payloads attached to statuses.
inline constexpr char kBadRequestTypeUrl[] =
    "type.googleapis.com/google.rpc.BadRequest";
inline constexpr char kErrorInfoTypeUrl[] =
    "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr char kRetryInfoTypeUrl[] =
    "type.googleapis.com/google.rpc.RetryInfo";
// The ErrorInfo domain of this service.
inline constexpr char kErrorDomain[] = "itp.leadit.org";
// The ErrorInfo reason of INVALID_ARGUMENT errors that list field violations.
inline constexpr char kInvalidFieldsReason[] = "INVALID_FIELDS";

// Bounds on what an error carries, so that no request can make the server
// build (or a client receive) a huge error: gRPC clients refuse trailers
// over 8 KiB by default, and the message travels percent-encoded.
// Violations a FieldViolations records; further ones are only counted.
inline constexpr size_t kMaxRecordedViolations = 100;
// Serialized google.rpc.BadRequest sent with a status; the violations that
// do not fit become one "and N more" entry.
inline constexpr size_t kMaxBadRequestBytes = 3000;
// A status message, in bytes.
inline constexpr size_t kMaxStatusMessageBytes = 1024;
// One violation's field path and description, in bytes.
inline constexpr size_t kMaxFieldPathBytes = 160;
inline constexpr size_t kMaxDescriptionBytes = 300;

// `text` cut to at most `max_bytes` bytes at a UTF-8 character boundary,
// ending in "..." when it was cut.
std::string Truncate(absl::string_view text, size_t max_bytes);

// Collects every violated field of a request, so that a client learns all of
// its mistakes in one round trip: the first kMaxRecordedViolations, each cut
// to kMaxFieldPathBytes and kMaxDescriptionBytes; beyond, only counted. Not
// thread-safe.
class FieldViolations {
 public:
  // Records that `field` (a path such as "plan.sectors[0].points[2].year") is
  // invalid, with a sentence that says why.
  void Add(std::string field, std::string description);

  // Adds the violations carried by `status` (a status from InvalidField or
  // ToStatus). Returns false, adding nothing, when `status` carries none.
  bool AddFrom(const absl::Status& status);

  bool empty() const { return violations_.empty(); }
  // Violations found, recorded or not.
  size_t size() const { return violations_.size() + omitted_; }
  // Violations found beyond kMaxRecordedViolations.
  size_t omitted() const { return omitted_; }
  const std::vector<std::pair<std::string, std::string>>& violations() const {
    return violations_;
  }

  // INVALID_ARGUMENT whose message lists the violations (within
  // kMaxStatusMessageBytes) and whose payload is a google.rpc.BadRequest
  // with as many of them as fit in kMaxBadRequestBytes, then one entry for
  // field "" saying how many more there are; OK when there are none.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
  size_t omitted_ = 0;
};

// INVALID_ARGUMENT for a single field, with a BadRequest payload and an
// ErrorInfo of reason kInvalidFieldsReason.
absl::Status InvalidField(std::string field, std::string description);

// A status of `code` with `message` and an ErrorInfo payload whose reason is
// `reason` (UPPER_SNAKE_CASE) and whose metadata holds `resource` under the key
// "resource" when it is not empty. Message and resource are cut to
// kMaxStatusMessageBytes and kMaxFieldPathBytes.
absl::Status ErrorWithInfo(absl::StatusCode code, absl::string_view message,
                           absl::string_view reason,
                           absl::string_view resource = {});

// RESOURCE_EXHAUSTED with `message`, an ErrorInfo of `reason` and a
// google.rpc.RetryInfo asking the client to wait `retry_after_ms`.
absl::Status Overloaded(absl::string_view message, absl::string_view reason,
                        int retry_after_ms);

// `status` with the details every ITP error carries (AIP-193): an ErrorInfo
// (domain itp.leadit.org) when it has none, whose reason is the code's
// canonical name ("NOT_FOUND", "INTERNAL", ...), and a RetryInfo of
// kDefaultRetryAfterMs on UNAVAILABLE and RESOURCE_EXHAUSTED when it has none.
// Payloads already there are kept; OK stays OK.
absl::Status WithStandardDetails(absl::Status status);

// How long a client is asked to wait before retrying an UNAVAILABLE or
// RESOURCE_EXHAUSTED call that names no delay of its own.
inline constexpr int kDefaultRetryAfterMs = 1000;

// The canonical name of status code `code` ("OK", "NOT_FOUND", ...), or
// "UNKNOWN" for a number that is not a canonical code.
absl::string_view CanonicalCodeName(int code);

// Number of canonical codes (0 to kCanonicalCodeCount - 1).
inline constexpr int kCanonicalCodeCount = 17;

// Extracts the BadRequest payload of `status`; empty when there is none.
google::rpc::BadRequest BadRequestOf(const absl::Status& status);

// Extracts the ErrorInfo reason of `status`; empty when there is none.
std::string ErrorReasonOf(const absl::Status& status);

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_ERRORS_H_
