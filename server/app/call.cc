#include "server/app/call.h"

#include <openssl/sha.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/common/log.h"

namespace itp::app {

Call::Call(const CallDeps& deps, const Caller& caller, absl::string_view method,
           Kind kind, absl::string_view resource,
           const google::protobuf::Message& request)
    : Call(deps, caller, method, kind, resource) {
  const auto* field = request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr) return;
  request_id_ = absl::AsciiStrToLower(
      request.GetReflection()->GetString(request, field));
  if (!request_id_.empty()) request_hash_ = RequestDigest(request);
}

std::string RequestDigest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* field = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::Status Call::Authenticate() {
  if (!caller_.principal.ok()) return caller_.principal.status();
  principal_ = *caller_.principal;
  return absl::OkStatus();
}

absl::Status Call::Authorize(auth::Operation operation,
                             absl::string_view country) {
  return auth::CheckCall(principal_, operation, country);
}

absl::Status Call::AuthorizeRead(absl::string_view country,
                                 std::optional<itp::v1::Plan::State> state) {
  return auth::CheckPlanRead(principal_, country, state);
}

storage::WriteContext Call::Write() const {
  storage::WriteContext ctx;
  ctx.method = method_;
  ctx.request_id = request_id_;
  ctx.request_hash = request_hash_;
  if (!principal_.key_id.empty()) ctx.api_key = principal_.ApiKeyName();
  ctx.role = principal_.role;
  ctx.peer = caller_.peer;
  ctx.is_read = kind_ == kRead;
  return ctx;
}

absl::Status Call::Finish(const absl::Status& outcome) {
  if (absl::IsUnauthenticated(outcome)) {
    deps_.keyless.Count(Write(), outcome);
  } else if (absl::IsPermissionDenied(outcome) ||
             (kind_ == kMutation && !outcome.ok())) {
    absl::Status recorded = deps_.audit.Record(Write(), resource_, outcome);
    if (!recorded.ok()) {
      Log(LogLevel::kError,
          absl::StrCat("audit record of ", method_, " on ", resource_,
                       " failed: ", recorded.ToString()));
    }
  }
  if (kind_ == kMutation && outcome.ok()) deps_.events.Notify();
  return outcome;
}

absl::StatusOr<itp::v1::Plan> ReadPlanAs(Call& call, storage::PlanStore& store,
                                         const std::string& name,
                                         absl::string_view country) {
  auto plan = store.GetPlan(name);
  if (!plan.ok() && !absl::IsNotFound(plan.status())) return plan.status();
  absl::Status s = call.AuthorizeRead(
      country, plan.ok() ? std::optional(plan->state()) : std::nullopt);
  if (!s.ok()) return s;
  return plan;
}

}  // namespace itp::app
