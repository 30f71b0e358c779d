// The reference pathways shipped with the server (domain brief, section 3):
// TPI's sector benchmarks for steel, cement, aluminium and pulp & paper with
// every yearly value TPI publishes, and the IEA Net Zero Emissions by 2050
// pathways for steel, cement, ammonia and aluminium as published in the WEF
// Net-Zero Industry Tracker 2022. Versioned data: a new release is a new
// pathway id, so old reports stay reproducible.
//
// TPI's values come from server/benchmark/data/ (a copy of TPI's
// Sector_Benchmarks_21042022.csv rows for these sectors) through
// tools/gen_tpi_pathways.py, which writes tpi_benchmarks_data.inc. Ids are
// `tpi-{sector}-{release year}[-{month}]-{scenario}`: sector steel, cement,
// aluminium or pulp-paper; the two-digit month only where a sector has two
// releases in one year (pulp-paper 2018-02 and 2018-11); scenario 1p5c,
// below-2c, 2c, national-pledges or paris-pledges. The family is
// "TPI {year}[-{month}]" alike. The current releases (steel and cement
// 2022-04-01, aluminium and pulp & paper 2021-02-01) are the defaults:
//
//   tpi-steel-2022-{1p5c,below-2c,national-pledges}        family TPI 2022
//   tpi-cement-2022-{1p5c,below-2c,national-pledges}       family TPI 2022
//   tpi-aluminium-2021-{below-2c,2c,paris-pledges}         family TPI 2021
//   tpi-pulp-paper-2021-{below-2c,2c,paris-pledges}        family TPI 2021
//
// The older releases of the file (steel and cement 2021, 2020, 2018, 2017;
// aluminium 2020, 2019; pulp-paper 2020, 2018-11, 2018-02) are shipped too,
// e.g. tpi-steel-2021-below-2c, tpi-pulp-paper-2018-11-2c, with
// ", superseded" in their display name: available by name, left out by
// default (IsSupersededRelease).
//
//   for (const itp::v1::Pathway& p : ReferencePathways()) ...
#ifndef ITP_SERVER_BENCHMARK_REFERENCE_PATHWAYS_H_
#define ITP_SERVER_BENCHMARK_REFERENCE_PATHWAYS_H_

#include <vector>

#include "itp/v1/benchmark.pb.h"

namespace itp::benchmark {

// Every built-in pathway, current and superseded, named `pathways/{id}`, with
// built_in = true; what the store is seeded with.
std::vector<itp::v1::Pathway> ReferencePathways();

// True for a shipped pathway of a superseded TPI release (built_in and named
// as one of them); false for every other pathway, including an admin's
// pathway that took such a name before it was shipped. A superseded release
// is for reproducing assessments against it: it is used when a request names
// it, never when a request names no pathway.
bool IsSupersededRelease(const itp::v1::Pathway& pathway);

// Removes the superseded releases (IsSupersededRelease) from `pathways`,
// keeping the order of the rest: applied to every pathway of a sector, it
// leaves those used when a request names none.
void RemoveSupersededReleases(std::vector<itp::v1::Pathway>* pathways);

}  // namespace itp::benchmark

#endif  // ITP_SERVER_BENCHMARK_REFERENCE_PATHWAYS_H_
