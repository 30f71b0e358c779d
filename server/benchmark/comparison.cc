#include "server/benchmark/comparison.h"

#include <algorithm>
#include <utility>

#include "server/benchmark/engine.h"

namespace itp::benchmark {

using itp::v1::Pathway;
using itp::v1::PlanComparison;

std::optional<Pathway> DefaultComparisonPathway(
    const std::vector<Pathway>& of_sector) {
  const Pathway* best = nullptr;
  for (const Pathway& p : of_sector) {
    if (!p.built_in()) continue;
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
        row.set_alignment_ratio(ratio->ratio());
      }
    }
    rows->push_back(std::move(row));
  }
}

void RankComparisons(std::vector<PlanComparison>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.has_alignment_ratio() != b.has_alignment_ratio()) {
      return a.has_alignment_ratio();
    }
    return a.alignment_ratio() > b.alignment_ratio();
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].set_alignment_rank(static_cast<int>(i + 1));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.has_intensity() != b.has_intensity()) return a.has_intensity();
    return a.intensity() < b.intensity();
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].set_intensity_rank(static_cast<int>(i + 1));
  }
}

}  // namespace itp::benchmark
