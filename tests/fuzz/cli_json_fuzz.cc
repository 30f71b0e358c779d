// The CLI's JSON import (`itp plans create|update --file`, `itp reviews
// score --file`) on arbitrary text: a file a reviewer was sent may hold
// anything. Whatever the input: no crash, and an error is INVALID_ARGUMENT
// naming the file, never a partial request.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "client/json_import.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr char kFile[] = "ind-steel-2070.json";

void CheckRejected(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  FUZZ_CHECK(absl::StartsWith(status.message(), kFile));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = itp::client::PlanFromJson(text, kFile);
  if (!plan.ok()) CheckRejected(plan.status());
  auto request = itp::client::CreatePlanRequestFromJson(text, kFile);
  if (!request.ok()) CheckRejected(request.status());
  itp::v1::ScoreReviewRequest scores;
  absl::Status scored = itp::client::ScoresFromJson(text, kFile, &scores);
  if (!scored.ok()) {
    CheckRejected(scored);
    FUZZ_CHECK(scores.scores_size() == 0);
  }
  return 0;
}
