#include "server/domain/field_validator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "server/domain/plan_validation.h"

namespace itp::domain {
namespace {

using itp::v1::PathwayPoint;
using itp::v1::TechnologyShare;

size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first character of `s` that no text may hold, as (code point,
// 1-based character position); nullopt when there is none. Forbidden: C0
// controls (NUL, ESC, ...) but newline and tab where `multiline`, DEL, C1
// controls, and the bidirectional embeddings, overrides and isolates
// (U+202A-U+202E, U+2066-U+2069) that can make text display other than it
// reads. Bytes that are not UTF-8 count as U+FFFD and are allowed (protobuf
// rejects them in proto3 strings anyway).
std::optional<std::pair<uint32_t, size_t>> ForbiddenCharacter(
    absl::string_view s, bool multiline) {
  size_t position = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      len = 2;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
    }
    ++position;
    const bool allowed_space = multiline && (cp == '\n' || cp == '\t');
    if ((cp < 0x20 && !allowed_space) || (cp >= 0x7F && cp <= 0x9F) ||
        (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      return std::make_pair(cp, position);
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace

void FieldValidator::Add(const Path& p, std::string description) {
  v_->Add(p.str(), std::move(description));
}

void FieldValidator::Text(const Path& p, absl::string_view value,
                          size_t max_chars, bool required) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    Add(p, "is required.");
  } else if (Utf8Length(value) > max_chars) {
    Add(p, absl::StrCat("must be at most ", max_chars, " characters (got ",
                        Utf8Length(value), ")."));
  } else if (auto bad = ForbiddenCharacter(
                 value, /*multiline=*/max_chars > kMaxShortTextChars)) {
    const bool bidi = bad->first >= 0x2000;
    Add(p, absl::StrCat(
               "holds ",
               bidi ? "the bidirectional control " : "the control character ",
               absl::StrFormat("U+%04X", bad->first), " at character ",
               bad->second,
               bidi ? ", which can make text display other than it reads."
               : max_chars > kMaxShortTextChars
                   ? "; of control characters only newline and tab are "
                     "allowed."
                   : "; it is one line of text, without control "
                     "characters."));
  }
}

void FieldValidator::Uri(const Path& p, absl::string_view value) {
  if (value.empty()) return;
  Text(p, value, kMaxUriChars, false);
  if (!absl::StartsWith(value, "https://") &&
      !absl::StartsWith(value, "http://")) {
    Add(p, "must be an http:// or https:// URL.");
  }
}

void FieldValidator::Year(const Path& p, int year, bool required) {
  if (year == 0 && !required) return;
  if (year == 0) {
    Add(p, absl::StrCat("is required (a year from ", kMinYear, " to ", kMaxYear,
                        ")."));
  } else if (year < kMinYear || year > kMaxYear) {
    Add(p, absl::StrCat("year ", year, " is outside ", kMinYear, "-", kMaxYear,
                        "."));
  }
}

bool FieldValidator::Quantity(const Path& p, double value, double max,
                              absl::string_view unit) {
  if (!std::isfinite(value)) {
    Add(p, absl::StrCat("must be a finite number (got ",
                        std::isnan(value) ? "NaN" : "Infinity", ")."));
    return false;
  }
  if (value < 0) {
    Add(p, absl::StrFormat("must not be negative (got %g).", value));
    return false;
  }
  if (value > max) {
    Add(p, absl::StrFormat("%g %s is implausibly large (at most %g); check "
                           "the unit.",
                           value, unit, max));
    return false;
  }
  return true;
}

void FieldValidator::Percent(const Path& p, double value) {
  if (!std::isfinite(value) || value < 0 || value > 100) {
    Add(p,
        absl::StrFormat("must be a percentage from 0 to 100 (got %g).", value));
  }
}

bool FieldValidator::MaxItems(const Path& p, int size, int max) {
  if (size <= max) return true;
  Add(p,
      absl::StrCat("has ", size, " entries; at most ", max, " are allowed."));
  return false;
}

void FieldValidator::Share(const Path& p, const TechnologyShare& s) {
  EnumSet(p.Field("indicator"), s.indicator(),
          TechnologyShare::Indicator_IsValid,
          "e.g. NEAR_ZERO_EMISSION_IRON, SCRAP_SHARE, CLINKER_RATIO");
  Percent(p.Field("share_percent"), s.share_percent());
  Text(p.Field("description"), s.description(), kMaxShortTextChars,
       s.indicator() == TechnologyShare::OTHER);
}

void FieldValidator::Point(const Path& p, const PathwayPoint& pt) {
  Year(p.Field("year"), pt.year(), true);
  bool production_ok = pt.has_production_mt() &&
                       Quantity(p.Field("production_mt"), pt.production_mt(),
                                kMaxProductionMt, "Mt");
  bool intensity_ok =
      pt.has_intensity_tco2_per_t() &&
      Quantity(p.Field("intensity_tco2_per_t"), pt.intensity_tco2_per_t(),
               kMaxIntensityTco2PerT, "t CO2/t");
  bool emissions_ok = pt.has_emissions_mtco2() &&
                      Quantity(p.Field("emissions_mtco2"), pt.emissions_mtco2(),
                               kMaxEmissionsMtco2, "Mt CO2");
  if (!pt.has_intensity_tco2_per_t() && !pt.has_emissions_mtco2()) {
    Add(p, "needs intensity_tco2_per_t or emissions_mtco2 (or both).");
  }
  if (production_ok && intensity_ok && emissions_ok) {
    double expected = pt.production_mt() * pt.intensity_tco2_per_t();
    double diff = std::fabs(expected - pt.emissions_mtco2());
    double scale = std::max(expected, pt.emissions_mtco2());
    if (diff > kConsistencyTolerance * scale && diff > 1e-9) {
      Add(p.Field("emissions_mtco2"),
          absl::StrFormat(
              "%g Mt CO2 is inconsistent with production x intensity = "
              "%g Mt x %g t CO2/t = %g Mt CO2 (allowed difference 2 %%).",
              pt.emissions_mtco2(), pt.production_mt(),
              pt.intensity_tco2_per_t(), expected));
    }
  }
  if (!MaxItems(p.Field("technology_shares"), pt.technology_shares_size(),
                kMaxTechnologyShares)) {
    return;
  }
  for (int i = 0; i < pt.technology_shares_size(); ++i) {
    Share(p.Index("technology_shares", i), pt.technology_shares(i));
  }
}

}  // namespace itp::domain
