// The checks every validator of request content shares: field paths such as
// "plan.sectors[0].points[2].year", texts (length and forbidden characters),
// URLs, years, quantities, enums, list sizes and yearly pathway points. Used
// by plan_validation and progress_validation; pure and thread-safe.
//
//   FieldViolations violations;
//   FieldValidator v(&violations);
//   Path root("progress_report");
//   v.Text(root.Field("narrative"), report.narrative(), 10000, false);
#ifndef ITP_SERVER_DOMAIN_FIELD_VALIDATOR_H_
#define ITP_SERVER_DOMAIN_FIELD_VALIDATOR_H_

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "itp/v1/plan.pb.h"
#include "server/domain/errors.h"

namespace itp::domain {

// Builds field paths such as "plan.sectors[0].points[2].year".
class Path {
 public:
  explicit Path(absl::string_view base) : base_(base) {}
  Path Field(absl::string_view name) const {
    return Path(base_.empty() ? std::string(name)
                              : absl::StrCat(base_, ".", name));
  }
  Path Index(absl::string_view name, int i) const {
    return Field(absl::StrCat(name, "[", i, "]"));
  }
  const std::string& str() const { return base_; }

 private:
  std::string base_;
};

// Adds violations to a FieldViolations it does not own.
class FieldValidator {
 public:
  explicit FieldValidator(FieldViolations* v) : v_(v) {}

  void Add(const Path& p, std::string description);
  // A text of at most `max_chars` characters without forbidden characters
  // (see ValidateText); `required` refuses an empty or blank one.
  void Text(const Path& p, absl::string_view value, size_t max_chars,
            bool required);
  // Empty, or an http:// or https:// URL.
  void Uri(const Path& p, absl::string_view value);
  // A year that must be present (`required`) or may be 0 (unset).
  void Year(const Path& p, int year, bool required);
  // A finite, non-negative number not above `max`; returns true when valid.
  bool Quantity(const Path& p, double value, double max,
                absl::string_view unit);
  void Percent(const Path& p, double value);
  // A set, known enum value.
  template <typename E>
  void EnumSet(const Path& p, E value, bool (*is_valid)(int),
               absl::string_view what) {
    if (value == 0) {
      Add(p, absl::StrCat("is required (", what, ")."));
    } else if (!is_valid(value)) {
      Add(p,
          absl::StrCat("has an unknown value ", static_cast<int>(value), "."));
    }
  }
  // An unset or known enum value.
  template <typename E>
  void EnumKnown(const Path& p, E value, bool (*is_valid)(int)) {
    if (!is_valid(value)) {
      Add(p,
          absl::StrCat("has an unknown value ", static_cast<int>(value), "."));
    }
  }
  // False (with a violation) when a list is too long; its entries are then
  // not checked one by one, so a huge list costs no work per entry.
  bool MaxItems(const Path& p, int size, int max);
  void Share(const Path& p, const itp::v1::TechnologyShare& s);
  // A yearly point: year, finite quantities within their limits, intensity
  // or emissions, emissions consistent with production x intensity.
  void Point(const Path& p, const itp::v1::PathwayPoint& pt);

 private:
  FieldViolations* v_;
};

}  // namespace itp::domain

#endif  // ITP_SERVER_DOMAIN_FIELD_VALIDATOR_H_
