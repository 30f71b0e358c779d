#include "server/benchmark/comparison.h"

#include <algorithm>
#include <utility>

#include "server/benchmark/engine.h"
#include "server/benchmark/reference_pathways.h"

namespace itp::benchmark {

using itp::v1::Pathway;
using itp::v1::PlanComparison;

std::optional<Pathway> DefaultComparisonPathway(
    const std::vector<Pathway>& of_sector) {
  const Pathway* best = nullptr;
  for (const Pathway& p : of_sector) {
    if (!p.built_in() || IsSupersededRelease(p)) continue;
    if (best == nullptr ||
        std::make_pair(p.stringency_rank(), p.name()) <
            std::make_pair(best->stringency_rank(), best->name())) {
      best = &p;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

void AppendComparisons(const itp::v1::PlanRevision& revision,
                       absl::string_view country, itp::v1::Sector sector,
                       const Pathway* reference, int year,
                       std::vector<PlanComparison>* rows) {
  for (const auto& pathway : revision.plan().sectors()) {
    if (pathway.sector() != sector) continue;
    PlanComparison row;
    row.set_plan_revision(revision.name());
    row.set_country(std::string(country));
    row.set_display_name(revision.plan().display_name());
    if (auto intensity = Series::PlanIntensity(pathway).At(year)) {
      row.set_intensity(*intensity);
    }
    if (reference != nullptr) {
      if (auto ratio = AlignmentRatioAt(pathway, *reference, year)) {
        row.set_alignment_gap(ratio->gap());
        if (ratio->not_meaningful()) {
          row.set_alignment_ratio_not_meaningful(true);
        } else {
          row.set_alignment_ratio(ratio->ratio());
        }
      }
    }
    rows->push_back(std::move(row));
  }
}

namespace {

// Sets standard competition ranks ("1224": equal values share a rank) on the
// rows for which `rank_of` gives a pointer, in the order `better` gives; 0
// on the others.
template <typename RankOf, typename Better>
void CompetitionRanks(std::vector<PlanComparison>& rows, RankOf rank_of,
                      Better better) {
  std::vector<PlanComparison*> ranked;
  for (PlanComparison& row : rows) ranked.push_back(&row);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](const PlanComparison* a, const PlanComparison* b) {
                     return better(*a, *b);
                   });
  int rank = 0;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const bool tie = i > 0 && !better(*ranked[i - 1], *ranked[i]);
    if (!tie) rank = static_cast<int>(i) + 1;
    rank_of(*ranked[i], rank);
  }
}

// Alignment order: rows with a meaningful ratio (highest first), then rows
// with only a gap to the target (smallest first), then rows with neither.
int AlignmentClass(const PlanComparison& row) {
  if (row.has_alignment_ratio()) return 0;
  if (row.has_alignment_gap()) return 1;
  return 2;
}

bool BetterAligned(const PlanComparison& a, const PlanComparison& b) {
  const int ca = AlignmentClass(a);
  const int cb = AlignmentClass(b);
  if (ca != cb) return ca < cb;
  if (ca == 0) return a.alignment_ratio() > b.alignment_ratio();
  if (ca == 1) return a.alignment_gap() < b.alignment_gap();
  return false;
}

bool LowerIntensity(const PlanComparison& a, const PlanComparison& b) {
  if (a.has_intensity() != b.has_intensity()) return a.has_intensity();
  return a.intensity() < b.intensity();
}

}  // namespace

void RankComparisons(std::vector<PlanComparison>& rows) {
  CompetitionRanks(
      rows,
      [](PlanComparison& row, int rank) {
        row.set_alignment_rank(AlignmentClass(row) == 2 ? 0 : rank);
      },
      BetterAligned);
  // Equal intensities go in alignment order: sort by alignment first.
  std::stable_sort(rows.begin(), rows.end(), BetterAligned);
  CompetitionRanks(
      rows,
      [](PlanComparison& row, int rank) {
        row.set_intensity_rank(row.has_intensity() ? rank : 0);
      },
      LowerIntensity);
  std::stable_sort(rows.begin(), rows.end(), LowerIntensity);
}

}  // namespace itp::benchmark
