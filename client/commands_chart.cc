// `itp benchmark chart`: a plan's emissions intensity (or emissions) from its
// base year to 2050 against every reference pathway of its sectors and the
// SDA target path of its latest stored benchmark report, drawn as SVG, PNG
// (through rsvg-convert) or braille in the terminal. It only reads: GetPlan or
// GetPlanRevision, ListPathways and ListBenchmarkReports; it never calls
// BenchmarkPlan, which would store a report.
#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/chart.h"
#include "client/commands.h"
#include "client/terminal_safe.h"

extern char** environ;

namespace itp::client {
namespace {

using itp::v1::Pathway;
using itp::v1::PathwayResult;
using itp::v1::Plan;
using itp::v1::SectorPathway;

// The last year of the chart, as of the SDA path and cumulative emissions
// (server/benchmark/engine.h, kHorizonYear).
constexpr int kHorizonYear = 2050;
constexpr int kDefaultColumns = 80;
constexpr int kReportPageSize = 20;
constexpr char kRevisionsSegment[] = "/revisions/";
constexpr char kRsvgConvert[] = "rsvg-convert";
constexpr char kMetricIntensity[] = "intensity";
constexpr char kMetricEmissions[] = "emissions";

struct ChartOptions {
  std::string name;
  std::string out;
  std::string metric = kMetricIntensity;
  std::string sector;
  std::vector<std::string> pathways;
};

// `pathways/tpi-steel-2022-1p5c` from itself or from the bare id.
std::string PathwayName(const std::string& pathway) {
  if (absl::StartsWith(pathway, "pathways/")) return pathway;
  return "pathways/" + pathway;
}

// A piecewise-linear yearly series with the benchmark engine's rule
// (server/benchmark/engine.cc, Series::At): linear between given years, flat
// after the last, undefined before the first.
class YearSeries {
 public:
  void Add(int year, double value) { points_.emplace_back(year, value); }
  bool empty() const { return points_.empty(); }
  const std::vector<std::pair<int, double>>& points() const { return points_; }

  std::optional<double> At(int year) const {
    if (points_.empty() || year < points_.front().first) return std::nullopt;
    if (year >= points_.back().first) return points_.back().second;
    auto next = std::upper_bound(
        points_.begin(), points_.end(), year,
        [](int y, const std::pair<int, double>& p) { return y < p.first; });
    auto prev = std::prev(next);
    if (prev->first == year) return prev->second;
    const double fraction = static_cast<double>(year - prev->first) /
                            static_cast<double>(next->first - prev->first);
    return prev->second + (next->second - prev->second) * fraction;
  }

 private:
  std::vector<std::pair<int, double>> points_;
};

// I_plan as the engine computes it: intensity_tco2_per_t where given, else
// emissions_mtco2 / production_mt (production above 0).
YearSeries PlanIntensity(const SectorPathway& sector) {
  YearSeries series;
  for (const auto& point : sector.points()) {
    if (point.has_intensity_tco2_per_t()) {
      series.Add(point.year(), point.intensity_tco2_per_t());
    } else if (point.has_emissions_mtco2() && point.has_production_mt() &&
               point.production_mt() > 0) {
      series.Add(point.year(), point.emissions_mtco2() / point.production_mt());
    }
  }
  return series;
}

YearSeries PlanProduction(const SectorPathway& sector) {
  YearSeries series;
  for (const auto& point : sector.points()) {
    if (point.has_production_mt()) {
      series.Add(point.year(), point.production_mt());
    }
  }
  return series;
}

YearSeries PathwayIntensity(const Pathway& pathway) {
  YearSeries series;
  for (const auto& point : pathway.points()) {
    if (point.has_intensity_tco2_per_t()) {
      series.Add(point.year(), point.intensity_tco2_per_t());
    }
  }
  return series;
}

itp::v1::Sector ParseSector(const std::string& name) {
  itp::v1::Sector sector = itp::v1::SECTOR_UNSPECIFIED;
  itp::v1::Sector_Parse(absl::AsciiStrToUpper(name), &sector);
  return sector;
}

// "iron and steel" for IRON_AND_STEEL.
std::string ReadableSector(itp::v1::Sector sector) {
  std::string text = absl::AsciiStrToLower(SectorName(sector));
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

// "tCO2 / t crude steel" for "tCO2/t crude steel".
std::string SpacedUnit(absl::string_view unit) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(unit, '/')) {
    parts.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return absl::StrJoin(parts, " / ");
}

bool EndsWithIgnoringCase(absl::string_view text, absl::string_view suffix) {
  return text.size() >= suffix.size() &&
         absl::EqualsIgnoreCase(text.substr(text.size() - suffix.size()),
                                suffix);
}

// The executable `name` on PATH, or empty.
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "", ':')) {
    const std::string candidate =
        absl::StrCat(dir.empty() ? "." : dir, "/", name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// $COLUMNS, else the terminal's width when standard output is one, else 80.
int TerminalColumns() {
  int columns = 0;
  const char* env = std::getenv("COLUMNS");
  if (env != nullptr && absl::SimpleAtoi(env, &columns) && columns > 0) {
    return columns;
  }
  struct winsize size;
  if (::isatty(STDOUT_FILENO) &&
      ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return kDefaultColumns;
}

// NO_COLOR set to anything (https://no-color.org), a dumb terminal, or output
// that is not a terminal: no ANSI colour.
bool UseColor() {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

std::string ErrnoText() { return std::strerror(errno); }

// A problem of the chart itself, found after the calls: exit `code`.
int ChartError(Session& session, absl::string_view message, int code) {
  session.err() << "Error: " << message << "\n";
  return code;
}

// What the command read from the server.
struct ChartData {
  // The plan's content: of the revision charted, or the plan as it stands
  // when it was never submitted.
  Plan plan;
  // `countries/{c}/plans/{p}`.
  std::string plan_name;
  // The revision charted (`.../revisions/{n}`), or the plan's name for a
  // plan never submitted, as a benchmark report's plan_revision names it.
  std::string revision_name;
  int revision = 0;
  // Per charted sector, its reference pathways in ListPathways order.
  std::vector<std::vector<Pathway>> pathways;
  // The newest stored report of revision_name, if any.
  std::optional<itp::v1::BenchmarkReport> report;
};

grpc::Status LoadPlan(Session& session, const std::string& name,
                      ChartData* data) {
  const size_t revisions = name.find(kRevisionsSegment);
  std::string revision_name = name;
  if (revisions == std::string::npos) {
    itp::v1::GetPlanRequest request;
    request.set_name(name);
    auto context = session.connection().NewCallContext();
    grpc::Status status = session.connection().plans().GetPlan(
        context.get(), request, &data->plan);
    if (!status.ok()) return status;
    data->plan_name = data->plan.name();
    if (data->plan.revision() == 0) {
      // Never submitted: charted as it stands, as BenchmarkPlan would.
      data->revision_name = data->plan.name();
      return grpc::Status::OK;
    }
    revision_name = absl::StrCat(data->plan.name(), kRevisionsSegment,
                                 data->plan.revision());
  }
  itp::v1::GetPlanRevisionRequest request;
  request.set_name(revision_name);
  auto context = session.connection().NewCallContext();
  itp::v1::PlanRevision revision;
  grpc::Status status = session.connection().plans().GetPlanRevision(
      context.get(), request, &revision);
  if (!status.ok()) return status;
  data->plan = revision.plan();
  data->revision_name = revision.name();
  data->revision = revision.revision();
  data->plan_name =
      revision.name().substr(0, revision.name().find(kRevisionsSegment));
  return grpc::Status::OK;
}

grpc::Status LoadPathways(Session& session, itp::v1::Sector sector,
                          std::vector<Pathway>* pathways) {
  itp::v1::ListPathwaysRequest request;
  request.set_sector(sector);
  itp::v1::ListPathwaysResponse all;
  grpc::Status status = ListAll(
      session, 0,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListPathwaysResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().benchmarks().ListPathways(context, request,
                                                              page);
      },
      &itp::v1::ListPathwaysResponse::mutable_pathways, &all);
  if (!status.ok()) return status;
  for (Pathway& pathway : *all.mutable_pathways()) {
    // The server filters by sector; a pathway of another sector is not drawn.
    if (pathway.sector() == sector) pathways->push_back(std::move(pathway));
  }
  return grpc::Status::OK;
}

// The newest stored report of `data->revision_name`: reports come newest
// first, so the first match ends the search.
grpc::Status LoadLatestReport(Session& session, ChartData* data) {
  itp::v1::ListBenchmarkReportsRequest request;
  request.set_parent(data->plan_name);
  std::string page_token;
  do {
    request.set_page_token(page_token);
    // Small pages: the report wanted is nearly always the newest, and
    // reports are large.
    request.set_page_size(kReportPageSize);
    auto context = session.connection().NewCallContext();
    itp::v1::ListBenchmarkReportsResponse page;
    grpc::Status status =
        session.connection().benchmarks().ListBenchmarkReports(context.get(),
                                                               request, &page);
    if (!status.ok()) return status;
    for (itp::v1::BenchmarkReport& report : *page.mutable_benchmark_reports()) {
      if (report.plan_revision() == data->revision_name) {
        data->report = std::move(report);
        return grpc::Status::OK;
      }
    }
    page_token = page.next_page_token();
  } while (!page_token.empty());
  return grpc::Status::OK;
}

// The pathway result whose SDA target the chart draws: of the charted
// `pathways` with one, the lowest stringency_rank, ties broken by name (the
// rule of ComparePlans' default pathway). Null when there is none.
const PathwayResult* SdaResult(const itp::v1::SectorBenchmark& sector,
                               const std::vector<Pathway>& pathways) {
  auto rank_of = [&](const std::string& name) {
    for (const Pathway& pathway : pathways) {
      if (pathway.name() == name) return pathway.stringency_rank();
    }
    return std::numeric_limits<int32_t>::max();
  };
  const PathwayResult* best = nullptr;
  for (const PathwayResult& result : sector.pathways()) {
    if (result.sda_target().empty() ||
        rank_of(result.pathway()) == std::numeric_limits<int32_t>::max()) {
      continue;
    }
    if (best == nullptr ||
        std::make_pair(rank_of(result.pathway()), result.pathway()) <
            std::make_pair(rank_of(best->pathway()), best->pathway())) {
      best = &result;
    }
  }
  return best;
}

std::string PathwayLabel(const Pathway& pathway) {
  return pathway.display_name().empty() ? pathway.name()
                                        : pathway.display_name();
}

// Builds the chart of one sector, or returns the reason it cannot be drawn
// (the missing field); notes for standard error go to `notes`.
std::string BuildChart(const ChartData& data, int sector_index,
                       const std::vector<Pathway>& pathways, bool emissions,
                       Chart* chart, std::vector<std::string>* notes) {
  const SectorPathway& sector = data.plan.sectors(sector_index);
  const std::string sector_name = SectorName(sector.sector());
  const std::string field =
      absl::StrCat("sectors[", sector_index, "].points[]");
  const YearSeries intensity = PlanIntensity(sector);
  const YearSeries production = PlanProduction(sector);
  if (intensity.empty()) {
    return absl::StrCat(
        data.revision_name, " gives no emissions intensity for ", sector_name,
        " (", field, ".intensity_tco2_per_t, or emissions_mtco2 with ", field,
        ".production_mt): there is no plan line to draw.");
  }
  if (emissions && production.empty()) {
    return absl::StrCat(data.revision_name, " gives no production for ",
                        sector_name, " (", field,
                        ".production_mt): --metric emissions needs it; "
                        "--metric intensity does not.");
  }

  const int first_year = sector.base_year();
  const int last_year = std::max(kHorizonYear, first_year + 1);
  chart->x_min = first_year;
  chart->x_max = last_year;
  // The value drawn for an intensity in `year`: itself, or times the plan's
  // production.
  auto value = [&](int year, double intensity_at) -> std::optional<double> {
    if (!emissions) return intensity_at;
    std::optional<double> p = production.At(year);
    if (!p) return std::nullopt;
    return *p * intensity_at;
  };
  auto sample = [&](const YearSeries& series) {
    std::vector<ChartPoint> points;
    for (int year = first_year; year <= last_year; ++year) {
      std::optional<double> at = series.At(year);
      if (!at) continue;
      std::optional<double> v = value(year, *at);
      if (v) points.push_back({static_cast<double>(year), *v});
    }
    return points;
  };

  // Pathways first, then the SDA target, then the plan on top.
  for (size_t i = 0; i < pathways.size(); ++i) {
    chart->series.push_back({PathwayLabel(pathways[i]),
                             PathwayStyle(static_cast<int>(i)),
                             sample(PathwayIntensity(pathways[i])),
                             {}});
  }
  if (pathways.empty()) {
    notes->push_back(absl::StrCat("No reference pathway covers ", sector_name,
                                  ": the chart shows the plan alone."));
  }

  // A sector no pathway covers has no SDA target; it is said once above.
  if (data.report && !pathways.empty()) {
    const itp::v1::SectorBenchmark* benchmark = nullptr;
    for (const auto& s : data.report->sectors()) {
      if (s.sector() == sector.sector()) benchmark = &s;
    }
    const PathwayResult* result =
        benchmark != nullptr ? SdaResult(*benchmark, pathways) : nullptr;
    const std::optional<double> base = intensity.At(first_year);
    if (result == nullptr) {
      notes->push_back(absl::StrCat(
          "The latest benchmark report of ", data.revision_name, " (",
          data.report->name(), ") has no SDA target for ", sector_name,
          " against the pathways charted: the chart has no SDA target "
          "line."));
    } else if (!base || result->sda_target(0).year() != first_year ||
               std::fabs(result->sda_target(0).value() - *base) >
                   1e-9 * std::max(1.0, std::fabs(*base))) {
      // Only a plan never submitted changes under its reports.
      notes->push_back(absl::StrCat(
          "The latest benchmark report of ", data.revision_name, " (",
          data.report->name(), ") was made from other figures for ",
          sector_name, ": the chart has no SDA target line."));
    } else {
      YearSeries sda;
      for (const auto& target : result->sda_target()) {
        sda.Add(target.year(), target.value());
      }
      std::vector<ChartPoint> points;
      for (const auto& [year, target] : sda.points()) {
        if (year < first_year || year > last_year) continue;
        std::optional<double> v = value(year, target);
        if (v) points.push_back({static_cast<double>(year), *v});
      }
      std::string against = result->pathway();
      for (const Pathway& pathway : pathways) {
        if (pathway.name() == result->pathway()) {
          against = PathwayLabel(pathway);
        }
      }
      chart->series.push_back({absl::StrCat("SDA target vs ", against),
                               kSdaStyle,
                               std::move(points),
                               {}});
    }
  }

  ChartSeries plan;
  plan.label = data.revision > 0
                   ? absl::StrCat("Plan, revision ", data.revision,
                                  " (dots: its own figures)")
                   : "Plan, never submitted (dots: its own figures)";
  plan.style = kPlanStyle;
  plan.points = sample(intensity);
  for (const auto& [year, at] : intensity.points()) {
    if (year < first_year || year > last_year) continue;
    std::optional<double> v = value(year, at);
    if (v) plan.markers.push_back({static_cast<double>(year), *v});
  }
  if (plan.points.empty()) {
    return emissions
               ? absl::StrCat(data.revision_name, " gives no production for ",
                              sector_name, " from ", first_year, " to ",
                              last_year, " (", field,
                              ".production_mt): --metric emissions needs it.")
               : absl::StrCat(data.revision_name,
                              " gives no emissions intensity for ", sector_name,
                              " from ", first_year, " to ", last_year, " (",
                              field,
                              ".intensity_tco2_per_t): there is no plan line "
                              "to draw.");
  }
  chart->series.push_back(std::move(plan));

  chart->title =
      absl::StrCat(data.plan.display_name(), " (", data.plan.country(), ", ",
                   ReadableSector(sector.sector()), ")");
  const char* against =
      pathways.empty() ? " (no reference pathway)"
      : emissions      ? ": the plan against each pathway's intensity times "
                         "the plan's production"
                       : ": the plan against the reference pathways";
  chart->subtitle =
      absl::StrCat(emissions ? "Emissions" : "Emissions intensity", against,
                   ", ", first_year, "-", last_year, "; ", data.revision_name);
  chart->x_label = "year";
  if (emissions) {
    chart->y_label = "Mt CO2";
  } else {
    std::string unit = sector.intensity_unit();
    for (const Pathway& pathway : pathways) {
      if (unit.empty()) unit = pathway.intensity_unit();
    }
    chart->y_label = SpacedUnit(unit.empty() ? "tCO2/t product" : unit);
  }
  return "";
}

// The summary line of a written chart, e.g. "IRON_AND_STEEL: the plan, 4
// reference pathways and the SDA target".
std::string Contents(const SectorPathway& sector, const Chart& chart) {
  int pathways = 0;
  bool sda = false;
  for (const ChartSeries& series : chart.series) {
    if (series.style.key == kSdaStyle.key) {
      sda = true;
    } else if (series.style.key != kPlanStyle.key) {
      ++pathways;
    }
  }
  return absl::StrCat(
      SectorName(sector.sector()), ": the plan, ", pathways,
      pathways == 1 ? " reference pathway" : " reference pathways",
      sda ? " and the SDA target" : "");
}

// Writes `text` to `path`; empty, or what went wrong.
std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.close();
  if (!out) return absl::StrCat("Cannot write ", path, ": ", ErrnoText(), ".");
  return "";
}

// Runs `rsvg-convert` (at `program`) on `svg` into `png`; empty, or what went
// wrong. Its own messages go to standard error as they come.
std::string ConvertToPng(const std::string& program, const std::string& svg,
                         const std::string& png) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp",
                                     "/itp-chart-XXXXXX.svg");
  const int fd = ::mkstemps(pattern.data(), 4);
  if (fd < 0) {
    return absl::StrCat("Cannot create a temporary file in ",
                        tmp != nullptr && *tmp ? tmp : "/tmp", ": ",
                        ErrnoText(), ".");
  }
  ::close(fd);
  std::string problem = WriteFile(pattern, svg);
  if (problem.empty()) {
    std::vector<std::string> args = {kRsvgConvert, "--format", "png",
                                     "--output",   png,        pattern};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, program.c_str(), nullptr, nullptr,
                                      argv.data(), environ);
    if (spawned != 0) {
      problem = absl::StrCat("Cannot run ", program, ": ",
                             std::strerror(spawned), ".");
    } else {
      int wait_status = 0;
      while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
      }
      if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
        problem = absl::StrCat(
            program, " could not convert the chart to ", png,
            WIFEXITED(wait_status)
                ? absl::StrCat(" (exit ", WEXITSTATUS(wait_status), ")")
                : std::string(" (killed by a signal)"),
            ".");
      }
    }
  }
  ::unlink(pattern.c_str());
  return problem;
}

int DrawChart(Session& session, const ChartOptions& options) {
  // Problems of the command line first, before any call.
  if (session.format() != OutputFormat::kTable) {
    return session.UsageError(
        "itp benchmark chart draws a chart; -o json and -o csv do not apply "
        "(`itp benchmark reports -o json` gives the figures).");
  }
  const bool svg = EndsWithIgnoringCase(options.out, ".svg");
  const bool png = EndsWithIgnoringCase(options.out, ".png");
  if (!options.out.empty() && !svg && !png) {
    return session.UsageError(
        absl::StrCat("--out ", options.out,
                     ": the file name must end in .svg (SVG) or .png (PNG)."));
  }
  std::string rsvg;
  if (png) {
    rsvg = FindOnPath(kRsvgConvert);
    if (rsvg.empty()) {
      return session.UsageError(absl::StrCat(
          "--out ", options.out,
          " needs rsvg-convert, which is not on PATH (Debian: apt-get install "
          "librsvg2-bin); --out with a .svg name needs nothing."));
    }
  }
  const bool emissions = options.metric == kMetricEmissions;

  ChartData data;
  grpc::Status status = LoadPlan(session, PlanName(options.name), &data);
  if (!status.ok()) return session.Fail(status);
  std::vector<int> sectors;
  std::vector<std::string> present;
  const itp::v1::Sector wanted = ParseSector(options.sector);
  for (int i = 0; i < data.plan.sectors_size(); ++i) {
    present.push_back(SectorName(data.plan.sectors(i).sector()));
    if (options.sector.empty() || data.plan.sectors(i).sector() == wanted) {
      sectors.push_back(i);
    }
  }
  if (sectors.empty()) {
    return ChartError(
        session,
        options.sector.empty()
            ? absl::StrCat(data.revision_name,
                           " has no sector pathways: nothing to chart.")
            : absl::StrCat(
                  data.revision_name, " has no ", SectorName(wanted),
                  " pathway; its sectors: ",
                  present.empty() ? "none" : absl::StrJoin(present, ", "), "."),
        kExitNotFound);
  }
  for (int i : sectors) {
    data.pathways.emplace_back();
    status = LoadPathways(session, data.plan.sectors(i).sector(),
                          &data.pathways.back());
    if (!status.ok()) return session.Fail(status);
  }
  if (!options.pathways.empty()) {
    // Only the pathways named, in the order listed; each must be one of a
    // charted sector.
    std::vector<std::string> wanted_names;
    for (const std::string& p : options.pathways) {
      wanted_names.push_back(PathwayName(p));
    }
    for (const std::string& name : wanted_names) {
      bool found = false;
      for (const auto& listed : data.pathways) {
        for (const Pathway& pathway : listed) found |= pathway.name() == name;
      }
      if (!found) {
        std::vector<std::string> charted;
        for (int i : sectors) {
          charted.push_back(SectorName(data.plan.sectors(i).sector()));
        }
        return ChartError(session,
                          absl::StrCat(name, " is not a reference pathway of ",
                                       absl::StrJoin(charted, " or "),
                                       " (`itp benchmark pathways --sector ",
                                       charted[0], "` lists them)."),
                          kExitNotFound);
      }
    }
    for (auto& listed : data.pathways) {
      listed.erase(std::remove_if(listed.begin(), listed.end(),
                                  [&](const Pathway& pathway) {
                                    return std::find(wanted_names.begin(),
                                                     wanted_names.end(),
                                                     pathway.name()) ==
                                           wanted_names.end();
                                  }),
                   listed.end());
    }
  }
  status = LoadLatestReport(session, &data);
  if (!status.ok()) return session.Fail(status);

  std::vector<std::string> notes;
  if (!data.report) {
    notes.push_back(absl::StrCat(
        "No benchmark report of ", data.revision_name,
        " is stored: the chart has no SDA target line (`itp benchmark plan ",
        data.revision_name, "` stores one)."));
  }
  std::vector<Chart> charts(sectors.size());
  for (size_t k = 0; k < sectors.size(); ++k) {
    std::string problem = BuildChart(data, sectors[k], data.pathways[k],
                                     emissions, &charts[k], &notes);
    if (!problem.empty()) return ChartError(session, problem, kExitValidation);
  }
  for (const std::string& note : notes) session.err() << note << "\n";

  if (options.out.empty()) {
    const bool color = UseColor();
    const int columns = TerminalColumns();
    std::string text;
    for (Chart& chart : charts) {
      // Partner text in titles and labels: what TerminalSafeStream would
      // print, since coloured output is written around it.
      chart.title = TerminalSafe(chart.title);
      chart.subtitle = TerminalSafe(chart.subtitle);
      chart.y_label = TerminalSafe(chart.y_label);
      for (ChartSeries& series : chart.series) {
        series.label = TerminalSafe(series.label);
      }
      if (!text.empty()) text.append("\n");
      text.append(RenderBraille(chart, columns, color));
    }
    if (color) {
      // The ANSI colours would be shown as text by session.out(); the text
      // itself is safe already.
      session.out().flush();
      std::cout << text << std::flush;
    } else {
      session.out() << text;
    }
    return kExitOk;
  }

  const std::string document = RenderSvg(charts);
  std::string problem = png ? ConvertToPng(rsvg, document, options.out)
                            : WriteFile(options.out, document);
  if (!problem.empty()) return ChartError(session, problem, kExitOther);
  std::vector<std::string> contents;
  for (size_t k = 0; k < sectors.size(); ++k) {
    contents.push_back(Contents(data.plan.sectors(sectors[k]), charts[k]));
  }
  session.out() << "Wrote " << options.out << " (" << data.revision_name << "; "
                << absl::StrJoin(contents, "; ") << ").\n";
  return kExitOk;
}

}  // namespace

void AddBenchmarkChartCommand(Cli& cli, CLI::App* benchmark) {
  auto options = std::make_shared<ChartOptions>();
  CLI::App* command = cli.AddCommand(
      benchmark, "chart",
      "Chart a plan's emissions intensity (or emissions) from its base year "
      "to 2050 against every reference pathway of its sectors, with its own "
      "figures marked and the SDA target of its latest stored benchmark "
      "report dotted; in the terminal (braille), or as SVG or PNG. Stores "
      "nothing",
      "  itp benchmark chart IND/steel-2070\n"
      "  itp benchmark chart IND/steel-2070 --out india-steel.svg\n"
      "  itp benchmark chart countries/IND/plans/steel-2070/revisions/1 "
      "--metric emissions --out india-steel.png\n"
      "  itp benchmark chart IND/steel-2070 --pathway tpi-steel-2022-1p5c "
      "--pathway iea-nze-steel-2022\n"
      "\n"
      "Colours: the plan #d62728 red (dots: its own figures), the SDA target\n"
      "#7f7f7f grey dotted; the pathways in the order listed (by name):\n"
      "#1f77b4 #2ca02c #ff7f0e #9467bd #17becf #8c564b #e377c2 #bcbd22 "
      "#aec7e8\n"
      "#98df8a #ffbb78 #c5b0d5 #9edae5 #c49c94 #f7b6d2 #dbdb8d #393b79 "
      "#637939\n"
      "#8c6d31 #7b4173, then again. PNG needs rsvg-convert (Debian\n"
      "librsvg2-bin). In the terminal the chart is $COLUMNS wide (default "
      "80),\n"
      "coloured unless NO_COLOR is set or the output is not a terminal.",
      [options](Session& s) { return DrawChart(s, *options); });
  command
      ->add_option("PLAN", options->name,
                   "Plan (countries/IND/plans/steel-2070, IND/steel-2070: its "
                   "latest submitted revision) or revision (.../revisions/1)")
      ->required();
  command->add_option("--out", options->out,
                      "Write the chart to FILE.svg or FILE.png instead of "
                      "drawing it in the terminal");
  command
      ->add_option("--metric", options->metric,
                   "intensity (tCO2/t, the default) or emissions (Mt CO2: "
                   "the plan's production times each intensity)")
      ->check(CLI::IsMember(
          {std::string(kMetricIntensity), std::string(kMetricEmissions)}));
  command->add_option("--pathway", options->pathways,
                      "Pathway id or name, repeatable: chart only these "
                      "(default: every pathway of the plan's sectors that "
                      "`itp benchmark pathways` lists)");
  std::vector<std::string> names;
  const auto* type = itp::v1::Sector_descriptor();
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) names.push_back(type->value(i)->name());
  }
  command
      ->add_option("--sector", options->sector,
                   "Only this sector of the plan (default: each, one chart "
                   "each)")
      ->transform(CLI::IsMember(names, CLI::ignore_case));
}

}  // namespace itp::client
