// Peer comparison (ComparePlans): the plans of one sector side by side at a
// year, by intensity and by PACTA alignment ratio against one reference
// pathway. Pure functions over the plans' submitted revisions.
//
//   auto reference = DefaultComparisonPathway(steel_pathways);
//   std::vector<PlanComparison> rows;
//   for (const auto& revision : revisions) {
//     AppendComparisons(revision, "IND", IRON_AND_STEEL,
//                       reference ? &*reference : nullptr, 2030, &rows);
//   }
//   RankComparisons(rows);   // intensity order, both ranks set
#ifndef ITP_SERVER_BENCHMARK_COMPARISON_H_
#define ITP_SERVER_BENCHMARK_COMPARISON_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_service.pb.h"
#include "itp/v1/plan.pb.h"

namespace itp::benchmark {

// The pathway ComparePlans uses when none is named: the most stringent
// shipped (built_in) pathway of `of_sector`, by stringency rank and then
// name; superseded TPI releases never. Pathways admins add (national ones,
// counterfactuals) are used only when named. nullopt when no shipped pathway is given.
std::optional<itp::v1::Pathway> DefaultComparisonPathway(
    const std::vector<itp::v1::Pathway>& of_sector);

// Appends one row per sector pathway of `revision` in `sector`: the plan's
// intensity at `year` and, with a `reference`, its alignment ratio against
// it. Values that cannot be computed are left unset.
void AppendComparisons(const itp::v1::PlanRevision& revision,
                       absl::string_view country, itp::v1::Sector sector,
                       const itp::v1::Pathway* reference, int year,
                       std::vector<itp::v1::PlanComparison>* rows);

// Sets alignment_rank (1 = best aligned: highest meaningful ratio first,
// then, for rows whose ratio is not meaningful, smallest gap to the target)
// and intensity_rank (1 = lowest intensity), and orders `rows` by intensity.
// Equal values share a rank (1, 1, 3); a row without the value has rank 0 and
// comes last. Equal intensities go in alignment order (better aligned
// first).
void RankComparisons(std::vector<itp::v1::PlanComparison>& rows);

}  // namespace itp::benchmark

#endif  // ITP_SERVER_BENCHMARK_COMPARISON_H_
