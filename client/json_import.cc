#include "client/json_import.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace itp::client {

absl::Status ParseJson(absl::string_view json, absl::string_view source,
                       google::protobuf::Message* message) {
  google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(json.data(), json.size()), message);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      source, " is not a valid ", message->GetDescriptor()->name(),
      " in the proto3 JSON mapping: ", status.message().ToString()));
}

absl::StatusOr<itp::v1::Plan> PlanFromJson(absl::string_view json,
                                           absl::string_view source) {
  google::protobuf::Struct top;
  absl::Status parsed = ParseJson(json, source, &top);
  if (!parsed.ok()) return parsed;
  std::string plan_json(json);
  if (auto it = top.fields().find("plan"); it != top.fields().end()) {
    plan_json.clear();
    (void)google::protobuf::util::MessageToJsonString(it->second, &plan_json);
  }
  itp::v1::Plan plan;
  parsed = ParseJson(plan_json, source, &plan);
  if (!parsed.ok()) return parsed;
  return plan;
}

absl::StatusOr<itp::v1::CreatePlanRequest> CreatePlanRequestFromJson(
    absl::string_view json, absl::string_view source) {
  google::protobuf::Struct top;
  absl::Status parsed = ParseJson(json, source, &top);
  if (!parsed.ok()) return parsed;
  itp::v1::CreatePlanRequest request;
  const auto& fields = top.fields();
  if (fields.count("plan") || fields.count("parent") ||
      fields.count("plan_id")) {
    parsed = ParseJson(json, source, &request);
  } else {
    parsed = ParseJson(json, source, request.mutable_plan());
  }
  if (!parsed.ok()) return parsed;
  return request;
}

absl::Status ScoresFromJson(absl::string_view json, absl::string_view source,
                            itp::v1::ScoreReviewRequest* request) {
  std::string text(absl::StripLeadingAsciiWhitespace(json));
  if (absl::StartsWith(text, "["))
    text = absl::StrCat("{\"scores\": ", text, "}");
  itp::v1::ScoreReviewRequest parsed;
  google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(text, &parsed);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source,
        " is not a list of scores such as [{\"criterion_id\": \"ambition\", "
        "\"score\": 2, \"evidence\": \"...\"}]: ",
        status.message().ToString()));
  }
  for (auto& score : *parsed.mutable_scores()) {
    *request->add_scores() = std::move(score);
  }
  return absl::OkStatus();
}

}  // namespace itp::client
