#include "server/benchmark/engine.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/domain/plan_validation.h"

// The checks of what callers give the engine: benchmark options and the
// pathways admins add (declared in engine.h).

namespace itp::benchmark {
namespace {

using itp::v1::Pathway;
using itp::v1::PathwayPoint;

constexpr int kMaxCheckpoints = 20;
constexpr double kMaxTcre = 5.0;
constexpr double kMaxScenarioTemperatureC = 10.0;
constexpr double kMaxGlobalBudgetGtco2 = 10000.0;

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  if (prefix.empty()) return std::string(field);
  return absl::StrCat(prefix, ".", field);
}

// Days in `month` of `year` (Gregorian).
int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// A release date YYYY-MM-DD: a real calendar date from 1900 on.
bool IsReleaseDate(absl::string_view s) {
  if (s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-'
             : !absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  auto number = [&](size_t from, size_t len) {
    int n = 0;
    for (size_t i = from; i < from + len; ++i) n = n * 10 + (s[i] - '0');
    return n;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  if (year < 1900 || month < 1 || month > 12) return false;
  const int day = number(8, 2);
  return day >= 1 && day <= DaysInMonth(year, month);
}

void RequireText(absl::string_view value, const std::string& field,
                 size_t max_chars, domain::FieldViolations* violations) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    violations->Add(field, "is required.");
    return;
  }
  domain::ValidateText(value, field, max_chars, violations);
}

// Checks a value in (0, max]; `what` names the unit.
void CheckPositiveAtMost(double value, double max, absl::string_view what,
                         const std::string& field,
                         domain::FieldViolations* violations) {
  if (!std::isfinite(value) || value <= 0 || value > max) {
    violations->Add(field, absl::StrFormat("must be above 0 and at most %g %s "
                                           "(got %g).",
                                           max, what, value));
  }
}

}  // namespace

void ValidateOptions(const BenchmarkOptions& options, absl::string_view prefix,
                     domain::FieldViolations* violations) {
  const std::string years_field = FieldPath(prefix, "checkpoint_years");
  const int count = static_cast<int>(options.checkpoint_years.size());
  const bool count_ok = count <= kMaxCheckpoints;
  if (!count_ok) {
    violations->Add(years_field,
                    absl::StrCat("has ", count, " years; at most ",
                                 kMaxCheckpoints, " are allowed."));
  }
  for (int i = 0; count_ok && i < count; ++i) {
    int year = options.checkpoint_years[i];
    std::string field = absl::StrCat(years_field, "[", i, "]");
    if (year < domain::kMinYear || year > domain::kMaxYear) {
      violations->Add(
          field, absl::StrCat("year ", year, " is outside ", domain::kMinYear,
                              "-", domain::kMaxYear, "."));
      continue;
    }
    for (int j = 0; j < i; ++j) {
      if (options.checkpoint_years[j] == year) {
        violations->Add(field, absl::StrCat("repeats year ", year, " (",
                                            "checkpoint_years[", j, "])."));
        break;
      }
    }
  }
  double tcre = options.tcre_c_per_1000_gtco2;
  if (!std::isfinite(tcre) || tcre <= 0 || tcre > kMaxTcre) {
    violations->Add(
        FieldPath(prefix, "tcre_c_per_1000_gtco2"),
        absl::StrFormat("must be above 0 and at most %g degrees C per 1000 Gt "
                        "CO2 (got %g; the IPCC AR6 best estimate is %g).",
                        kMaxTcre, tcre, kDefaultTcre));
  }
}

void ValidatePathway(const Pathway& pathway, absl::string_view prefix,
                     domain::FieldViolations* violations) {
  RequireText(pathway.display_name(), FieldPath(prefix, "display_name"),
              domain::kMaxShortTextChars, violations);
  RequireText(pathway.scenario(), FieldPath(prefix, "scenario"),
              domain::kMaxShortTextChars, violations);
  RequireText(pathway.family(), FieldPath(prefix, "family"),
              domain::kMaxShortTextChars, violations);
  RequireText(pathway.source(), FieldPath(prefix, "source"),
              domain::kMaxLongTextChars, violations);
  domain::ValidateText(pathway.intensity_unit(),
                       FieldPath(prefix, "intensity_unit"),
                       domain::kMaxShortTextChars, violations);
  const std::string date_field = FieldPath(prefix, "release_date");
  if (pathway.release_date().empty()) {
    violations->Add(date_field, "is required (YYYY-MM-DD).");
  } else if (!IsReleaseDate(pathway.release_date())) {
    violations->Add(date_field,
                    absl::StrCat("must be a date as YYYY-MM-DD (got \"",
                                 pathway.release_date(), "\")."));
  }

  const std::string sector_field = FieldPath(prefix, "sector");
  if (pathway.sector() == itp::v1::SECTOR_UNSPECIFIED) {
    violations->Add(sector_field, "is required (e.g. IRON_AND_STEEL, CEMENT).");
  } else if (!itp::v1::Sector_IsValid(pathway.sector())) {
    violations->Add(sector_field,
                    absl::StrCat("has an unknown value ",
                                 static_cast<int>(pathway.sector()), "."));
  }
  if (pathway.stringency_rank() < 1) {
    violations->Add(FieldPath(prefix, "stringency_rank"),
                    absl::StrCat("must be at least 1 (1 is the most stringent; "
                                 "got ",
                                 pathway.stringency_rank(), ")."));
  }

  const std::string points_field = FieldPath(prefix, "points");
  const bool points_ok = pathway.points_size() <= domain::kMaxPoints;
  if (pathway.points_size() < 2) {
    violations->Add(points_field,
                    absl::StrCat("needs at least two points (got ",
                                 pathway.points_size(), ")."));
  } else if (!points_ok) {
    violations->Add(points_field,
                    absl::StrCat("has ", pathway.points_size(),
                                 " points; at most ", domain::kMaxPoints,
                                 " (one a year, 1990-2100) are allowed."));
  }
  for (int i = 0; points_ok && i < pathway.points_size(); ++i) {
    const PathwayPoint& pt = pathway.points(i);
    const std::string point = absl::StrCat(points_field, "[", i, "]");
    const std::string year_field = absl::StrCat(point, ".year");
    if (pt.year() < domain::kMinYear || pt.year() > domain::kMaxYear) {
      violations->Add(year_field, absl::StrCat("year ", pt.year(),
                                               " is outside ", domain::kMinYear,
                                               "-", domain::kMaxYear, "."));
    } else if (i > 0 && pt.year() <= pathway.points(i - 1).year()) {
      violations->Add(
          year_field,
          absl::StrCat("must be after ", pathway.points(i - 1).year(),
                       " (points[", i - 1,
                       "].year): years must strictly increase."));
    }
    const std::string intensity_field =
        absl::StrCat(point, ".intensity_tco2_per_t");
    if (!pt.has_intensity_tco2_per_t()) {
      violations->Add(intensity_field, "is required.");
      continue;
    }
    double value = pt.intensity_tco2_per_t();
    if (!std::isfinite(value) || value < 0 ||
        value > domain::kMaxIntensityTco2PerT) {
      violations->Add(intensity_field,
                      absl::StrFormat("must be from 0 to %g t CO2/t (got %g).",
                                      domain::kMaxIntensityTco2PerT, value));
    }
  }

  const std::string temperature_field =
      FieldPath(prefix, "scenario_temperature_c");
  const std::string budget_field = FieldPath(prefix, "global_budget_gtco2");
  if (pathway.has_scenario_temperature_c()) {
    CheckPositiveAtMost(pathway.scenario_temperature_c(),
                        kMaxScenarioTemperatureC, "degrees C",
                        temperature_field, violations);
  }
  if (pathway.has_global_budget_gtco2()) {
    CheckPositiveAtMost(pathway.global_budget_gtco2(), kMaxGlobalBudgetGtco2,
                        "Gt CO2", budget_field, violations);
  }
  if (pathway.has_scenario_temperature_c() &&
      !pathway.has_global_budget_gtco2()) {
    violations->Add(budget_field,
                    "is required when scenario_temperature_c is set (the "
                    "implied temperature rise needs both).");
  } else if (pathway.has_global_budget_gtco2() &&
             !pathway.has_scenario_temperature_c()) {
    violations->Add(temperature_field,
                    "is required when global_budget_gtco2 is set (the implied "
                    "temperature rise needs both).");
  }
}


}  // namespace itp::benchmark
