#include "server/domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace itp::domain {

void FieldViolations::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
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
  google::rpc::BadRequest bad_request;
  std::string message =
      violations_.size() == 1
          ? "The request has an invalid field: "
          : absl::StrCat("The request has ", violations_.size(),
                         " invalid fields: ");
  for (size_t i = 0; i < violations_.size(); ++i) {
    auto* v = bad_request.add_field_violations();
    v->set_field(violations_[i].first);
    v->set_description(violations_[i].second);
    if (i > 0) absl::StrAppend(&message, " ");
    absl::StrAppend(&message, violations_[i].first, ": ",
                    violations_[i].second);
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
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
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  if (!resource.empty()) {
    (*info.mutable_metadata())["resource"] = std::string(resource);
  }
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
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
