// The reference pathways shipped with the server (domain brief, section 3):
// TPI sector benchmarks for steel and cement (release 2022-04-01) and
// aluminium and pulp & paper (release 2021-02-01), and the IEA Net Zero
// Emissions by 2050 pathways for steel, cement, ammonia and aluminium as
// published in the WEF Net-Zero Industry Tracker 2022. Versioned data: a new
// release is a new pathway id, so old reports stay reproducible.
//
//   for (const itp::v1::Pathway& p : ReferencePathways()) ...
#ifndef ITP_SERVER_BENCHMARK_REFERENCE_PATHWAYS_H_
#define ITP_SERVER_BENCHMARK_REFERENCE_PATHWAYS_H_

#include <vector>

#include "itp/v1/benchmark.pb.h"

namespace itp::benchmark {

// Every built-in pathway, named `pathways/{id}`, with built_in = true.
std::vector<itp::v1::Pathway> ReferencePathways();

}  // namespace itp::benchmark

#endif  // ITP_SERVER_BENCHMARK_REFERENCE_PATHWAYS_H_
