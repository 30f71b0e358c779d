#include "tests/testing/benchmark_report.h"

#include "gtest/gtest.h"

namespace itp::testing {

const itp::v1::PathwayResult& ResultFor(const itp::v1::SectorBenchmark& sector,
                                        const std::string& pathway) {
  for (const itp::v1::PathwayResult& r : sector.pathways()) {
    if (r.pathway() == pathway) return r;
  }
  ADD_FAILURE() << "no result for " << pathway;
  static const itp::v1::PathwayResult kEmpty;
  return kEmpty;
}

std::vector<Label> LabelsOf(const itp::v1::SectorBenchmark& sector) {
  std::vector<Label> labels;
  for (const itp::v1::AlignmentLabel& l : sector.labels()) {
    labels.emplace_back(l.year(), l.family(), l.label(), l.aligned());
  }
  return labels;
}

std::vector<int> GapYears(const itp::v1::PathwayResult& result) {
  std::vector<int> years;
  for (const auto& g : result.gaps()) years.push_back(g.year());
  return years;
}

}  // namespace itp::testing
