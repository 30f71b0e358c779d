// The ISO 3166-1 alpha-3 country list that plan names are checked against.
//
//   if (!itp::domain::IsIsoAlpha3Country("IND")) { ... }
//   itp::domain::CountryName("IDN");  // "Indonesia"
#ifndef ITP_SERVER_DOMAIN_COUNTRIES_H_
#define ITP_SERVER_DOMAIN_COUNTRIES_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace itp::domain {

// True when `code` is an officially assigned ISO 3166-1 alpha-3 code (upper
// case, exactly as in the standard). Thread-safe.
bool IsIsoAlpha3Country(absl::string_view code);

// The English short name of `code`, or an empty view when it is not a code.
absl::string_view CountryName(absl::string_view code);

// Number of codes in the list (249).
size_t CountryCount();

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_COUNTRIES_H_
