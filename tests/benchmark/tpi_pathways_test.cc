// The shipped TPI pathways (benchmark/reference_pathways.h) against TPI's
// published file, read here with a parser of its own: every release and
// scenario of the file is shipped, with exactly the file's (year, value) at
// every year it gives and nothing else. The file is the copy beside the
// repository (../shared/data, ITP_TPI_CSV_SHARED) when there is one, else the
// repository's own copy (server/benchmark/data, ITP_TPI_CSV_REPO).

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "itp/v1/benchmark.pb.h"
#include "server/benchmark/engine.h"
#include "server/benchmark/reference_pathways.h"
#include "server/domain/errors.h"

namespace itp::benchmark {
namespace {

using ::itp::v1::Pathway;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// The file the shipped data must equal: ../shared when present.
std::string PublishedCsvPath() {
  if (ReadFile(ITP_TPI_CSV_SHARED)) return ITP_TPI_CSV_SHARED;
  return ITP_TPI_CSV_REPO;
}

// RFC 4180 records: quoted fields (with "" for a quote), CRLF or LF.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      field.clear();
      record.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

struct PublishedRow {
  std::string benchmark_id;
  std::string sector;    // "Steel", "Cement", "Aluminium", "Paper"
  std::string scenario;  // "1.5 Degrees", ...
  std::string release;   // YYYY-MM-DD, from DD/MM/YYYY
  std::vector<std::pair<int, double>> points;
};

std::vector<PublishedRow> ReadPublished() {
  const std::string path = PublishedCsvPath();
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  std::vector<std::vector<std::string>> records = ParseCsv(*text);
  if (records.empty()) {
    ADD_FAILURE() << path << " is empty";
    return {};
  }
  const std::vector<std::string>& header = records[0];
  EXPECT_THAT(std::vector<std::string>(header.begin(), header.begin() + 6),
              ElementsAre("Benchmark ID", "Sector name", "Scenario name",
                          "Region", "Release date", "Unit"));
  std::vector<PublishedRow> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    const std::vector<std::string>& rec = records[r];
    EXPECT_EQ(rec.size(), header.size()) << "record " << r;
    if (rec.size() != header.size()) continue;
    PublishedRow row;
    row.benchmark_id = rec[0];
    row.sector = rec[1];
    row.scenario = rec[2];
    const std::vector<std::string> dmy = absl::StrSplit(rec[4], '/');
    EXPECT_EQ(dmy.size(), 3u) << rec[4];
    if (dmy.size() != 3) continue;
    row.release = absl::StrCat(dmy[2], "-", dmy[1], "-", dmy[0]);
    for (size_t col = 6; col < rec.size(); ++col) {
      if (rec[col].empty()) continue;  // TPI gives no value for that year.
      char* end = nullptr;
      const double value = std::strtod(rec[col].c_str(), &end);
      EXPECT_EQ(*end, '\0') << rec[col];
      row.points.emplace_back(std::atoi(header[col].c_str()), value);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

itp::v1::Sector SectorOf(const std::string& tpi_sector) {
  if (tpi_sector == "Steel") return itp::v1::IRON_AND_STEEL;
  if (tpi_sector == "Cement") return itp::v1::CEMENT;
  if (tpi_sector == "Aluminium") return itp::v1::ALUMINIUM;
  if (tpi_sector == "Paper") return itp::v1::PULP_AND_PAPER;
  ADD_FAILURE() << "unknown TPI sector " << tpi_sector;
  return itp::v1::SECTOR_UNSPECIFIED;
}

std::vector<Pathway> ShippedTpi() {
  std::vector<Pathway> tpi;
  for (const Pathway& p : ReferencePathways()) {
    if (absl::StartsWith(p.name(), "pathways/tpi-")) tpi.push_back(p);
  }
  return tpi;
}

std::vector<std::pair<int, double>> PointsOf(const Pathway& p) {
  std::vector<std::pair<int, double>> points;
  for (const auto& pt : p.points()) {
    EXPECT_TRUE(pt.has_intensity_tco2_per_t()) << p.name();
    EXPECT_FALSE(pt.has_production_mt() || pt.has_emissions_mtco2())
        << p.name();
    points.emplace_back(pt.year(), pt.intensity_tco2_per_t());
  }
  return points;
}

// ---------------------------------------------------------------------------

TEST(TpiPathwaysTest, RepositoryCopyIsThePublishedFile) {
  std::optional<std::string> repo = ReadFile(ITP_TPI_CSV_REPO);
  ASSERT_TRUE(repo.has_value()) << ITP_TPI_CSV_REPO;
  std::optional<std::string> shared = ReadFile(ITP_TPI_CSV_SHARED);
  if (!shared) GTEST_SKIP() << "no " << ITP_TPI_CSV_SHARED;
  EXPECT_TRUE(*repo == *shared)
      << ITP_TPI_CSV_REPO << " differs from " << ITP_TPI_CSV_SHARED
      << ": copy it and run tools/gen_tpi_pathways.py";
}

// Every row of the file is one shipped pathway (matched by sector, scenario
// and release date), whose points are the row's values at every year it
// gives, compared exactly; and nothing else is shipped as TPI's.
TEST(TpiPathwaysTest, EveryPublishedValueIsShippedExactly) {
  const std::vector<PublishedRow> rows = ReadPublished();
  ASSERT_EQ(rows.size(), 48u) << PublishedCsvPath();
  const std::vector<Pathway> shipped = ShippedTpi();
  EXPECT_EQ(shipped.size(), rows.size());
  std::set<std::string> matched;
  for (const PublishedRow& row : rows) {
    SCOPED_TRACE(row.benchmark_id + ", " + row.scenario);
    const Pathway* found = nullptr;
    for (const Pathway& p : shipped) {
      if (p.sector() == SectorOf(row.sector) && p.scenario() == row.scenario &&
          p.release_date() == row.release) {
        EXPECT_EQ(found, nullptr) << "shipped twice: " << p.name();
        found = &p;
      }
    }
    ASSERT_NE(found, nullptr) << "not shipped";
    matched.insert(found->name());
    EXPECT_THAT(PointsOf(*found), ElementsAreArray(row.points))
        << found->name();
    EXPECT_GE(row.points.size(), 17u);  // 2014-2030 at least
  }
  EXPECT_EQ(matched.size(), shipped.size());
}

// tpi-{sector}-{release year}[-{month}]-{scenario}, the month only where the
// sector has two releases in that year; family "TPI {year}[-{month}]".
TEST(TpiPathwaysTest, IdsAndFamiliesFollowTheReleases) {
  const std::vector<PublishedRow> rows = ReadPublished();
  const std::map<std::string, std::string> sector_part = {
      {"Steel", "steel"},
      {"Cement", "cement"},
      {"Aluminium", "aluminium"},
      {"Paper", "pulp-paper"}};
  const std::map<std::string, std::string> scenario_part = {
      {"1.5 Degrees", "1p5c"},
      {"Below 2 Degrees", "below-2c"},
      {"2 Degrees", "2c"},
      {"National Pledges", "national-pledges"},
      {"Paris Pledges", "paris-pledges"}};
  std::map<std::pair<std::string, std::string>, std::set<std::string>>
      releases_in_year;  // (sector, year) -> release dates
  for (const PublishedRow& row : rows) {
    releases_in_year[{row.sector, row.release.substr(0, 4)}].insert(
        row.release);
  }
  const std::vector<Pathway> shipped = ShippedTpi();
  for (const PublishedRow& row : rows) {
    const std::string year = row.release.substr(0, 4);
    const std::string tag = releases_in_year[{row.sector, year}].size() > 1
                                ? row.release.substr(0, 7)
                                : year;
    const std::string name =
        absl::StrCat("pathways/tpi-", sector_part.at(row.sector), "-", tag, "-",
                     scenario_part.at(row.scenario));
    bool found = false;
    for (const Pathway& p : shipped) {
      if (p.name() != name) continue;
      found = true;
      EXPECT_EQ(p.release_date(), row.release) << name;
      EXPECT_EQ(p.scenario(), row.scenario) << name;
      EXPECT_EQ(p.family(), "TPI " + tag) << name;
    }
    EXPECT_TRUE(found) << name << " (" << row.benchmark_id << ", "
                       << row.scenario << ") is not shipped";
  }
}

struct Current {
  std::string name;
  std::string scenario;
  int rank;
  std::string family;
  std::string release;
  std::optional<std::pair<double, double>> budget;  // (temperature, Gt)
};

bool operator==(const Current& a, const Current& b) {
  return std::tie(a.name, a.scenario, a.rank, a.family, a.release, a.budget) ==
         std::tie(b.name, b.scenario, b.rank, b.family, b.release, b.budget);
}

std::ostream& operator<<(std::ostream& os, const Current& c) {
  os << c.name << " " << c.scenario << " rank " << c.rank << " " << c.family
     << " " << c.release;
  if (c.budget) os << " " << c.budget->first << "C/" << c.budget->second;
  return os;
}

// The current releases keep the ids, scenarios, ranks, families and budgets
// they always had; pulp & paper gains TPI's Paris Pledges after 2 Degrees.
TEST(TpiPathwaysTest, CurrentReleasesAreTheDefaults) {
  const std::pair<double, double> k15{1.5, 396};
  const std::pair<double, double> kB2{1.65, 646};
  const std::pair<double, double> k2{2.0, 1229};
  std::vector<Current> current;
  for (const Pathway& p : ShippedTpi()) {
    if (IsSupersededRelease(p)) continue;
    std::optional<std::pair<double, double>> budget;
    if (p.has_scenario_temperature_c()) {
      budget =
          std::make_pair(p.scenario_temperature_c(), p.global_budget_gtco2());
    }
    current.push_back({p.name(), p.scenario(), p.stringency_rank(), p.family(),
                       p.release_date(), budget});
  }
  EXPECT_THAT(
      current,
      ElementsAre(
          Current{"pathways/tpi-steel-2022-1p5c", "1.5 Degrees", 1, "TPI 2022",
                  "2022-04-01", k15},
          Current{"pathways/tpi-steel-2022-below-2c", "Below 2 Degrees", 2,
                  "TPI 2022", "2022-04-01", kB2},
          Current{"pathways/tpi-steel-2022-national-pledges",
                  "National Pledges", 3, "TPI 2022", "2022-04-01",
                  std::nullopt},
          Current{"pathways/tpi-cement-2022-1p5c", "1.5 Degrees", 1, "TPI 2022",
                  "2022-04-01", k15},
          Current{"pathways/tpi-cement-2022-below-2c", "Below 2 Degrees", 2,
                  "TPI 2022", "2022-04-01", kB2},
          Current{"pathways/tpi-cement-2022-national-pledges",
                  "National Pledges", 3, "TPI 2022", "2022-04-01",
                  std::nullopt},
          Current{"pathways/tpi-aluminium-2021-below-2c", "Below 2 Degrees", 1,
                  "TPI 2021", "2021-02-01", kB2},
          Current{"pathways/tpi-aluminium-2021-2c", "2 Degrees", 2, "TPI 2021",
                  "2021-02-01", k2},
          Current{"pathways/tpi-aluminium-2021-paris-pledges", "Paris Pledges",
                  3, "TPI 2021", "2021-02-01", std::nullopt},
          Current{"pathways/tpi-pulp-paper-2021-below-2c", "Below 2 Degrees", 1,
                  "TPI 2021", "2021-02-01", kB2},
          Current{"pathways/tpi-pulp-paper-2021-2c", "2 Degrees", 2, "TPI 2021",
                  "2021-02-01", k2},
          Current{"pathways/tpi-pulp-paper-2021-paris-pledges", "Paris Pledges",
                  3, "TPI 2021", "2021-02-01", std::nullopt}));
}

// The current release of each sector is its newest; every older one is
// superseded, says so in its display name and is ranked within its own
// family in TPI's order.
TEST(TpiPathwaysTest, OlderReleasesAreSuperseded) {
  std::map<itp::v1::Sector, std::string> newest;
  for (const Pathway& p : ShippedTpi()) {
    std::string& n = newest[p.sector()];
    if (p.release_date() > n) n = p.release_date();
  }
  const std::vector<std::string> order = {"1.5 Degrees", "Below 2 Degrees",
                                          "2 Degrees", "National Pledges",
                                          "Paris Pledges"};
  std::map<std::string, std::vector<std::pair<int, int>>> ranks;  // family
  int superseded = 0;
  for (const Pathway& p : ShippedTpi()) {
    const bool old = p.release_date() != newest[p.sector()];
    EXPECT_EQ(IsSupersededRelease(p), old) << p.name();
    EXPECT_EQ(absl::StrContains(p.display_name(), "superseded"), old)
        << p.display_name();
    superseded += old;
    const int place =
        std::find(order.begin(), order.end(), p.scenario()) - order.begin();
    ranks[absl::StrCat(p.sector(), " ", p.family())].emplace_back(
        place, p.stringency_rank());
  }
  EXPECT_EQ(superseded, 48 - 12);
  for (auto& [family, places] : ranks) {
    std::sort(places.begin(), places.end());
    for (size_t i = 0; i < places.size(); ++i) {
      EXPECT_EQ(places[i].second, static_cast<int>(i) + 1) << family;
    }
  }
}

TEST(TpiPathwaysTest, OnlyShippedOlderReleasesAreSuperseded) {
  for (const Pathway& p : ReferencePathways()) {
    if (!absl::StartsWith(p.name(), "pathways/tpi-")) {
      EXPECT_FALSE(IsSupersededRelease(p)) << p.name();
    }
  }
  Pathway admins;  // An admin's pathway that took the name first.
  admins.set_name("pathways/tpi-steel-2021-below-2c");
  admins.set_built_in(false);
  EXPECT_FALSE(IsSupersededRelease(admins));
  admins.set_built_in(true);
  EXPECT_TRUE(IsSupersededRelease(admins));
  admins.set_name("tpi-steel-2021-below-2c");
  EXPECT_FALSE(IsSupersededRelease(admins));
}

TEST(TpiPathwaysTest, RemoveSupersededReleasesLeavesTheDefaultsInOrder) {
  std::vector<Pathway> steel;
  for (const Pathway& p : ReferencePathways()) {
    if (p.sector() == itp::v1::IRON_AND_STEEL) steel.push_back(p);
  }
  RemoveSupersededReleases(&steel);
  std::vector<std::string> names;
  for (const Pathway& p : steel) names.push_back(p.name());
  EXPECT_THAT(names, ElementsAre("pathways/tpi-steel-2022-1p5c",
                                 "pathways/tpi-steel-2022-below-2c",
                                 "pathways/tpi-steel-2022-national-pledges",
                                 "pathways/iea-nze-steel-2022"));
}

// What an admin would have to send passes the admin's validation, and every
// release date is a full date.
TEST(TpiPathwaysTest, EveryShippedPathwayIsValidWithAFullReleaseDate) {
  for (const Pathway& p : ReferencePathways()) {
    domain::FieldViolations violations;
    ValidatePathway(p, "pathway", &violations);
    EXPECT_TRUE(violations.empty())
        << p.name() << ": " << violations.ToStatus().message();
    const std::string& d = p.release_date();
    EXPECT_TRUE(d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                d.find_first_not_of("0123456789-") == std::string::npos)
        << p.name() << " " << d;
  }
}

TEST(TpiPathwaysTest, IeaPathwaysAreDatedToTheTracker) {
  int iea = 0;
  for (const Pathway& p : ReferencePathways()) {
    if (!absl::StartsWith(p.name(), "pathways/iea-")) continue;
    ++iea;
    // WEF Net-Zero Industry Tracker, first edition, 28 July 2022.
    EXPECT_EQ(p.release_date(), "2022-07-28") << p.name();
  }
  EXPECT_EQ(iea, 4);
}

}  // namespace
}  // namespace itp::benchmark
