#include "server/domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace itp::domain {

std::string Truncate(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr absl::string_view kMark = "...";
  size_t keep = max_bytes > kMark.size() ? max_bytes - kMark.size() : 0;
  // Back up to the start of a UTF-8 character.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  return absl::StrCat(text.substr(0, keep), kMark);
}

void FieldViolations::Add(std::string field, std::string description) {
  if (violations_.size() >= kMaxRecordedViolations) {
    ++omitted_;
    return;
  }
  violations_.emplace_back(Truncate(field, kMaxFieldPathBytes),
                           Truncate(description, kMaxDescriptionBytes));
}

bool FieldViolations::AddFrom(const absl::Status& status) {
  google::rpc::BadRequest bad_request = BadRequestOf(status);
  for (const auto& v : bad_request.field_violations()) {
    Add(v.field(), v.description());
  }
  return bad_request.field_violations_size() > 0;
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  const size_t total = size();
  google::rpc::BadRequest bad_request;
  std::string message =
      total == 1 ? "The request has an invalid field: "
                 : absl::StrCat("The request has ", total, " invalid fields: ");
  size_t listed = 0;
  size_t detail_bytes = 0;
  for (const auto& [field, description] : violations_) {
    // Room is kept for the closing "and N more" entry.
    const size_t entry = field.size() + description.size() + 8;
    if (detail_bytes + entry > kMaxBadRequestBytes - 100) break;
    auto* v = bad_request.add_field_violations();
    v->set_field(field);
    v->set_description(description);
    detail_bytes += entry;
    ++listed;
    if (message.size() < kMaxStatusMessageBytes) {
      absl::StrAppend(&message, listed > 1 ? " " : "", field, ": ",
                      description);
    }
  }
  if (listed < total) {
    auto* more = bad_request.add_field_violations();
    more->set_description(
        absl::StrCat("and ", total - listed, " more invalid field",
                     total - listed == 1 ? "" : "s", " not listed."));
    absl::StrAppend(&message, " (", total - listed, " more not listed)");
  }
  absl::Status status = ErrorWithInfo(absl::StatusCode::kInvalidArgument,
                                      message, kInvalidFieldsReason);
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

absl::Status ErrorWithInfo(absl::StatusCode code, absl::string_view message,
                           absl::string_view reason,
                           absl::string_view resource) {
  absl::Status status(code, Truncate(message, kMaxStatusMessageBytes));
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  if (!resource.empty()) {
    (*info.mutable_metadata())["resource"] =
        Truncate(resource, kMaxFieldPathBytes);
  }
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status WithStandardDetails(absl::Status status) {
  if (status.ok()) return status;
  if (!status.GetPayload(kErrorInfoTypeUrl).has_value()) {
    google::rpc::ErrorInfo info;
    info.set_reason(
        std::string(CanonicalCodeName(static_cast<int>(status.code()))));
    info.set_domain(kErrorDomain);
    status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  }
  if ((status.code() == absl::StatusCode::kUnavailable ||
       status.code() == absl::StatusCode::kResourceExhausted) &&
      !status.GetPayload(kRetryInfoTypeUrl).has_value()) {
    google::rpc::RetryInfo retry;
    retry.mutable_retry_delay()->set_seconds(kDefaultRetryAfterMs / 1000);
    retry.mutable_retry_delay()->set_nanos((kDefaultRetryAfterMs % 1000) *
                                           1000000);
    status.SetPayload(kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  }
  return status;
}

absl::Status Overloaded(absl::string_view message, absl::string_view reason,
                        int retry_after_ms) {
  absl::Status status =
      ErrorWithInfo(absl::StatusCode::kResourceExhausted, message, reason);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(retry_after_ms / 1000);
  retry.mutable_retry_delay()->set_nanos((retry_after_ms % 1000) * 1000000);
  status.SetPayload(kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  return status;
}

absl::string_view CanonicalCodeName(int code) {
  static constexpr const char* kNames[kCanonicalCodeCount] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code < kCanonicalCodeCount ? kNames[code] : "UNKNOWN";
}

google::rpc::BadRequest BadRequestOf(const absl::Status& status) {
  google::rpc::BadRequest bad_request;
  if (auto payload = status.GetPayload(kBadRequestTypeUrl)) {
    bad_request.ParseFromString(std::string(*payload));
  }
  return bad_request;
}

std::string ErrorReasonOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(kErrorInfoTypeUrl)) {
    info.ParseFromString(std::string(*payload));
  }
  return info.reason();
}

}  // namespace itp::domain
