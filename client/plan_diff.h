// Field-by-field comparison of two protobuf messages of the same type, by
// reflection, for `itp plans diff`: what a partner changed between two
// submitted revisions of a plan.
//
//   for (const FieldChange& c : DiffPlanContent(rev1.plan(), rev2.plan())) {
//     // c.path "sectors[0].points[1].intensity_tco2_per_t", "2.2" -> "2.1"
//   }
#ifndef ITP_CLIENT_PLAN_DIFF_H_
#define ITP_CLIENT_PLAN_DIFF_H_

#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "itp/v1/plan.pb.h"

namespace itp::client {

// Shown for a field that is unset on one side.
inline constexpr char kUnset[] = "(unset)";

struct FieldChange {
  // Path in the API's notation, e.g. "projects[0].capex_usd".
  std::string path;
  // Values as text: numbers in their shortest form, enums by name, an element
  // only one side has as compact JSON, kUnset for an absent value.
  std::string old_value;
  std::string new_value;
};

// The changed fields of `from` and `to` (same type), depth first in field
// number order. Singular message fields are compared field by field (an unset
// message counts as its defaults); repeated fields element by element by
// index; scalars with presence report kUnset. Empty when they are equal.
std::vector<FieldChange> DiffMessages(const google::protobuf::Message& from,
                                      const google::protobuf::Message& to);

// DiffMessages over the plan content only: the output-only bookkeeping
// fields (name, state, revision, etag, country, times, withdrawal reason),
// which differ between any two revisions, are left out.
std::vector<FieldChange> DiffPlanContent(const itp::v1::Plan& from,
                                         const itp::v1::Plan& to);

}  // namespace itp::client

#endif  // ITP_CLIENT_PLAN_DIFF_H_
