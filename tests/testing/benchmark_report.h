// Small views of a BenchmarkReport for assertions: the result of one pathway,
// the labels as tuples, the years of the gaps. Shared by the engine and the
// BenchmarkService tests.
//
//   EXPECT_THAT(LabelsOf(report.sectors(0)),
//               Contains(Label{2030, "TPI 2022", "Not Aligned", false}));
//   const PathwayResult& r = ResultFor(sector, "pathways/tpi-steel-2022-1p5c");
#ifndef ITP_TESTS_TESTING_BENCHMARK_REPORT_H_
#define ITP_TESTS_TESTING_BENCHMARK_REPORT_H_

#include <string>
#include <tuple>
#include <vector>

#include "itp/v1/benchmark.pb.h"

namespace itp::testing {

// The result for `pathway` in `sector`; an empty result (and a test failure)
// when there is none.
const itp::v1::PathwayResult& ResultFor(const itp::v1::SectorBenchmark& sector,
                                        const std::string& pathway);

// (year, family, label, aligned).
using Label = std::tuple<int, std::string, std::string, bool>;

std::vector<Label> LabelsOf(const itp::v1::SectorBenchmark& sector);

std::vector<int> GapYears(const itp::v1::PathwayResult& result);

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_BENCHMARK_REPORT_H_
