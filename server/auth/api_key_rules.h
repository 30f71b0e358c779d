// Validation of API keys as admins create them.
//
//   FieldViolations v;
//   ValidateNewApiKey(request.api_key(), now_micros, "api_key", &v);
#ifndef ITP_SERVER_AUTH_API_KEY_RULES_H_
#define ITP_SERVER_AUTH_API_KEY_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "itp/v1/admin_service.pb.h"
#include "server/domain/errors.h"

namespace itp::auth {

inline constexpr int kMaxKeyCountries = 50;

// Adds a violation for each problem: display_name required (at most 200
// characters), a known role, PARTNER keys with 1-50 distinct ISO 3166-1
// alpha-3 countries and other roles with none, expire_time in the future.
void ValidateNewApiKey(const itp::v1::ApiKey& key, int64_t now_unix_micros,
                       absl::string_view prefix,
                       domain::FieldViolations* violations);

}  // namespace itp::auth

#endif  // ITP_SERVER_AUTH_API_KEY_RULES_H_
