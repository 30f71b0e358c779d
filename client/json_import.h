// Reading the CLI's JSON input files (proto3 JSON mapping) into requests.
// Pure functions over the file's text, so that they can be unit-tested and
// fuzzed apart from the file system and the network.
#ifndef ITP_CLIENT_JSON_IMPORT_H_
#define ITP_CLIENT_JSON_IMPORT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "itp/v1/plan_service.pb.h"
#include "itp/v1/review_service.pb.h"

namespace itp::client {

// Parses `json` into `message`, rejecting unknown fields. INVALID_ARGUMENT
// naming `source` (the file) and the message type otherwise.
absl::Status ParseJson(absl::string_view json, absl::string_view source,
                       google::protobuf::Message* message);

// A Plan, or a request holding one under "plan" (so the file given to
// `plans create` also works for `plans update`).
absl::StatusOr<itp::v1::Plan> PlanFromJson(absl::string_view json,
                                           absl::string_view source);

// A CreatePlanRequest, or a bare Plan (which becomes the request's plan).
absl::StatusOr<itp::v1::CreatePlanRequest> CreatePlanRequestFromJson(
    absl::string_view json, absl::string_view source);

// Appends to `request` the scores in `json`: a list of {criterion_id, score,
// evidence}, or an object with that list under "scores".
absl::Status ScoresFromJson(absl::string_view json, absl::string_view source,
                            itp::v1::ScoreReviewRequest* request);

}  // namespace itp::client

#endif  // ITP_CLIENT_JSON_IMPORT_H_
