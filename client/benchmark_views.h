// How the `itp benchmark` commands print benchmark reports, peer comparisons
// and reference pathways. Tables are for reviewers (alignment labels first,
// then gaps, alignment ratios, cumulative emissions and implied temperature);
// CSV has one record per item; JSON is the protobuf JSON mapping.
#ifndef ITP_CLIENT_BENCHMARK_VIEWS_H_
#define ITP_CLIENT_BENCHMARK_VIEWS_H_

#include <ostream>

#include "client/output.h"
#include "itp/v1/benchmark.pb.h"
#include "itp/v1/benchmark_service.pb.h"

namespace itp::client {

// Table: per sector, the TPI labels per family and checkpoint year, the
// intensity gaps per pathway, alignment ratios, cumulative emissions,
// overshoot and implied temperature rise; then finance coverage. CSV: one
// record per sector, pathway and checkpoint year.
void PrintBenchmarkReport(std::ostream& out, OutputFormat format,
                          const itp::v1::BenchmarkReport& report);

// One row per stored report of a plan, newest first.
void PrintBenchmarkReports(
    std::ostream& out, OutputFormat format,
    const itp::v1::ListBenchmarkReportsResponse& response);

// One row per plan, by intensity rank.
void PrintComparison(std::ostream& out, OutputFormat format,
                     const itp::v1::ComparePlansResponse& response);

// One row per pathway, with its intensity in 2030 and 2050.
void PrintPathways(std::ostream& out, OutputFormat format,
                   const itp::v1::ListPathwaysResponse& response);

}  // namespace itp::client

#endif  // ITP_CLIENT_BENCHMARK_VIEWS_H_
