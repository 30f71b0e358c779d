#include "server/auth/api_key_rules.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/countries.h"
#include "server/domain/plan_validation.h"

namespace itp::auth {

void ValidateNewApiKey(const itp::v1::ApiKey& key, int64_t now_unix_micros,
                       absl::string_view prefix,
                       domain::FieldViolations* violations) {
  const std::string p(prefix);
  if (absl::StripAsciiWhitespace(key.display_name()).empty()) {
    violations->Add(p + ".display_name",
                    "is required: say who holds the key, e.g. 'Ministry of "
                    "Steel, India - plan upload'.");
  } else {
    domain::ValidateText(key.display_name(), p + ".display_name", 200,
                         violations);
  }
  if (key.role() == itp::v1::ROLE_UNSPECIFIED ||
      !itp::v1::Role_IsValid(key.role())) {
    violations->Add(p + ".role",
                    "must be PARTNER, REVIEWER, BENCHMARK_RUNNER or ADMIN.");
  }
  if (key.role() == itp::v1::PARTNER) {
    if (key.countries().empty()) {
      violations->Add(p + ".countries",
                      "a PARTNER key needs at least one country.");
    } else if (key.countries_size() > kMaxKeyCountries) {
      violations->Add(p + ".countries",
                      absl::StrCat("at most ", kMaxKeyCountries,
                                   " countries are allowed (got ",
                                   key.countries_size(), ")."));
    }
    std::set<std::string> seen;
    for (int i = 0; key.countries_size() <= kMaxKeyCountries &&
                    i < key.countries_size();
         ++i) {
      const std::string& c = key.countries(i);
      std::string field = absl::StrCat(p, ".countries[", i, "]");
      if (!domain::IsIsoAlpha3Country(c)) {
        violations->Add(field, absl::StrCat("'", c,
                                            "' is not an ISO 3166-1 "
                                            "alpha-3 country code."));
      } else if (!seen.insert(c).second) {
        violations->Add(field, absl::StrCat(c, " appears more than once."));
      }
    }
  } else if (!key.countries().empty()) {
    violations->Add(p + ".countries",
                    "only PARTNER keys are limited to countries.");
  }
  if (key.has_expire_time() &&
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(
          key.expire_time()) <= now_unix_micros) {
    violations->Add(p + ".expire_time", "must be in the future.");
  }
}

}  // namespace itp::auth
