// Resource names on arbitrary text: every name a request carries goes
// through one of these parsers before anything else. Whatever the input: no
// crash; an error is INVALID_ARGUMENT naming the field it was given; a name
// that parses renders back (ToString) to a name that parses to the same
// parts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/domain/errors.h"
#include "server/domain/resource_names.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace d = itp::domain;

void CheckRejected(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  FUZZ_CHECK(status.message().size() <= d::kMaxStatusMessageBytes);
  const google::rpc::BadRequest bad = d::BadRequestOf(status);
  FUZZ_CHECK(bad.field_violations_size() == 1);
  FUZZ_CHECK(bad.field_violations(0).field() == "name");
}

// Parses `text`; when it parses, the rendering parses to the same rendering.
template <typename Parse>
void CheckRoundTrip(absl::string_view text, Parse parse) {
  auto parsed = parse(text);
  if (!parsed.ok()) {
    CheckRejected(parsed.status());
    return;
  }
  const std::string rendered = parsed->ToString();
  auto again = parse(rendered);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->ToString() == rendered);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool wildcard : {false, true}) {
    auto country = d::ParseCountryParent(text, wildcard, "name");
    if (!country.ok()) CheckRejected(country.status());
  }
  CheckRoundTrip(text,
                 [](absl::string_view n) { return d::ParsePlanName(n, "name"); });
  CheckRoundTrip(text,
                 [](absl::string_view n) { return d::ParseRevisionName(n, "name"); });
  // A plan name parses as revision 0, which renders as the plan's name.
  auto either = d::ParsePlanOrRevisionName(text, "name");
  if (!either.ok()) {
    CheckRejected(either.status());
  } else {
    const std::string rendered = either->revision == 0
                                     ? either->plan.ToString()
                                     : either->ToString();
    auto again = d::ParsePlanOrRevisionName(rendered, "name");
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->revision == either->revision);
    FUZZ_CHECK(again->plan.ToString() == either->plan.ToString());
  }
  CheckRoundTrip(text,
                 [](absl::string_view n) { return d::ParseReviewName(n, "name"); });
  CheckRoundTrip(text,
                 [](absl::string_view n) { return d::ParseCommentName(n, "name"); });
  CheckRoundTrip(text,
                 [](absl::string_view n) { return d::ParseReportName(n, "name"); });
  CheckRoundTrip(text,
                 [](absl::string_view n) { return d::ParseJobRunName(n, "name"); });
  for (auto parse : {d::ParsePathwayName, d::ParseJobName, d::ParseApiKeyName}) {
    auto parsed = parse(text, "name");
    if (!parsed.ok()) CheckRejected(parsed.status());
  }
  (void)d::IdProblem(text, "name");
  (void)d::PlanIdProblem(text);
  return 0;
}
