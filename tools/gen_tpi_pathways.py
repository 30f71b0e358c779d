#!/usr/bin/env python3
"""Generates server/benchmark/tpi_benchmarks_data.inc from TPI's published file.

The input is server/benchmark/data/tpi_sector_benchmarks_steel_cement_aluminium_
paper_21042022.csv, a verbatim copy of the rows for Steel, Cement, Aluminium and
Paper of TPI's Sector_Benchmarks_21042022.csv (see data/README.md): one row per
benchmark release ("Benchmark ID", e.g. "Steel_01/04/2022") and scenario, with
a value for every year 2013-2050, blank where TPI gives none. Every non-blank
value becomes a point of a shipped pathway; blanks are skipped, never filled.

Pathway ids: tpi-{sector}-{release year}[-{month}]-{scenario}, the month (two
digits) only when a sector has two releases in one year (paper, 2018), e.g.
tpi-steel-2022-1p5c, tpi-pulp-paper-2021-paris-pledges,
tpi-pulp-paper-2018-11-below-2c. The family is "TPI {year}[-{month}]" alike.
The newest release of each sector is current (used when a request names no
pathway); older releases are marked superseded (available by name only).
Stringency rank: the scenario's place in TPI's order (1.5 Degrees, Below 2
Degrees, 2 Degrees, National/Paris Pledges) among the scenarios of its release.

Standard library only; the output depends on the CSV alone (no clock, no
environment), so running it twice gives the same bytes.

  python3 tools/gen_tpi_pathways.py           # rewrite the .inc
  python3 tools/gen_tpi_pathways.py --check   # fail if the .inc is stale
"""

import argparse
import csv
import hashlib
import io
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV_NAME = "tpi_sector_benchmarks_steel_cement_aluminium_paper_21042022.csv"
DEFAULT_CSV = os.path.join("server", "benchmark", "data", CSV_NAME)
DEFAULT_OUT = os.path.join("server", "benchmark", "tpi_benchmarks_data.inc")

# TPI "Sector name" -> (id part, words in display names, itp.v1.Sector,
# intensity unit, scope boundary). Units and scopes are those the service has
# always shipped for the current releases; TPI's older releases of a sector
# use the same metric and boundary.
SECTORS = {
    "Steel": ("steel", "steel", "itp::v1::IRON_AND_STEEL",
              "tCO2/t crude steel", "SectorPathway::SCOPE_1_AND_2"),
    "Cement": ("cement", "cement", "itp::v1::CEMENT",
               "tCO2/t cementitious product", "SectorPathway::SCOPE_1"),
    "Aluminium": ("aluminium", "aluminium", "itp::v1::ALUMINIUM",
                  "tCO2e/t aluminium", "SectorPathway::SCOPE_1_AND_2"),
    "Paper": ("pulp-paper", "pulp and paper", "itp::v1::PULP_AND_PAPER",
              "tCO2/t paper", "SectorPathway::SCOPE_1_AND_2"),
}
SECTOR_ORDER = ["Steel", "Cement", "Aluminium", "Paper"]

# TPI's scenarios, most stringent first, with the id part and the budget
# constant of reference_pathways.cc (domain brief, section 2.6; none for
# pledges).
SCENARIOS = [
    ("1.5 Degrees", "1p5c", "&k1p5"),
    ("Below 2 Degrees", "below-2c", "&kBelow2"),
    ("2 Degrees", "2c", "&k2"),
    ("National Pledges", "national-pledges", "nullptr"),
    ("Paris Pledges", "paris-pledges", "nullptr"),
]
SCENARIO_ORDER = {name: i for i, (name, _, _) in enumerate(SCENARIOS)}
SCENARIO_INFO = {name: (slug, budget) for name, slug, budget in SCENARIOS}

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
DATE = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$")


class InputError(Exception):
    pass


def c_string(s):
    if any(c in s for c in '"\\') or not s.isprintable():
        raise InputError("unexpected character in %r" % s)
    return '"%s"' % s


def read_rows(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    fixed = ["Benchmark ID", "Sector name", "Scenario name", "Region",
             "Release date", "Unit"]
    if header[:6] != fixed:
        raise InputError("unexpected columns %r" % header[:6])
    years = [int(y) for y in header[6:]]
    if years != list(range(years[0], years[0] + len(years))):
        raise InputError("year columns are not consecutive: %r" % header[6:])
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise InputError("line %d has %d fields, not %d" %
                             (line, len(row), len(header)))
        benchmark_id, sector, scenario, region, release, _unit = row[:6]
        if sector not in SECTORS:
            raise InputError("line %d: unknown sector %r" % (line, sector))
        if scenario not in SCENARIO_ORDER:
            raise InputError("line %d: unknown scenario %r" % (line, scenario))
        if region != "Global":
            raise InputError("line %d: region %r, not Global" % (line, region))
        m = DATE.match(release)
        if not m or benchmark_id != "%s_%s" % (sector, release):
            raise InputError("line %d: release %r does not match %r" %
                             (line, release, benchmark_id))
        day, month, year = m.groups()
        points = []
        for y, cell in zip(years, row[6:]):
            cell = cell.strip()
            if cell == "":
                continue
            if not NUMBER.match(cell):
                raise InputError("line %d, %d: %r is not a number" %
                                 (line, y, cell))
            points.append((y, float(cell)))
        if len(points) < 2:
            raise InputError("line %d has fewer than two values" % line)
        out.append({
            "benchmark_id": benchmark_id,
            "sector": sector,
            "scenario": scenario,
            "date": (int(year), int(month), int(day)),
            "points": points,
        })
    return out


def pathways(rows):
    """The shipped pathways, in a fixed order: sector, newest release first,
    most stringent scenario first."""
    releases = {}  # (sector, date) -> rows
    for r in rows:
        releases.setdefault((r["sector"], r["date"]), []).append(r)
    result = []
    for sector in SECTOR_ORDER:
        dates = sorted((d for s, d in releases if s == sector), reverse=True)
        if not dates:
            raise InputError("no release for sector %s" % sector)
        slug, noun, enum, unit, scope = SECTORS[sector]
        for date in dates:
            year, month, day = date
            same_year = [d for d in dates if d[0] == year]
            tag = "%04d-%02d" % (year, month) if len(same_year) > 1 else (
                "%04d" % year)
            current = date == dates[0]
            of_release = sorted(releases[(sector, date)],
                                key=lambda r: SCENARIO_ORDER[r["scenario"]])
            scenarios = [r["scenario"] for r in of_release]
            if len(set(scenarios)) != len(scenarios):
                raise InputError("%s repeats a scenario" %
                                 of_release[0]["benchmark_id"])
            for rank, r in enumerate(of_release, start=1):
                scenario_slug, budget = SCENARIO_INFO[r["scenario"]]
                result.append({
                    "id": "tpi-%s-%s-%s" % (slug, tag, scenario_slug),
                    "benchmark_id": r["benchmark_id"],
                    "display_name": "TPI %s, %s (%s%s)" % (
                        r["scenario"], noun, tag,
                        "" if current else ", superseded"),
                    "sector": enum,
                    "scenario": r["scenario"],
                    "rank": rank,
                    "family": "TPI %s" % tag,
                    "release_date": "%04d-%02d-%02d" % date,
                    "unit": unit,
                    "scope": scope,
                    "budget": budget,
                    "current": current,
                    "points": r["points"],
                })
    ids = [p["id"] for p in result]
    if len(set(ids)) != len(ids):
        raise InputError("pathway ids collide")
    return result


def render(csv_bytes, csv_label):
    text = csv_bytes.decode("utf-8-sig")
    shipped = pathways(read_rows(text))
    out = []
    w = out.append
    w("// Generated by tools/gen_tpi_pathways.py from\n")
    w("// %s\n" % csv_label)
    w("// (sha256 %s).\n" % hashlib.sha256(csv_bytes).hexdigest())
    w("// Do not edit: change the CSV or the script and run\n")
    w("// `python3 tools/gen_tpi_pathways.py`.\n")
    w("//\n")
    w("// Included by reference_pathways.cc inside its anonymous namespace, which\n")
    w("// defines TpiPoint, TpiBenchmark and the budgets k1p5, kBelow2, k2.\n")
    w("// Every yearly value TPI publishes, blanks skipped; %d pathways.\n" %
      len(shipped))
    w("\n")
    w("// clang-format off\n")
    for i, p in enumerate(shipped):
        w("// %s, %s\n" % (p["benchmark_id"], p["scenario"]))
        w("constexpr TpiPoint kTpiPoints%d[] = {\n" % i)
        for year, value in p["points"]:
            w("    {%d, %s},\n" % (year, repr(value)))
        w("};\n")
    w("\n")
    w("constexpr TpiBenchmark kTpiBenchmarks[] = {\n")
    for i, p in enumerate(shipped):
        w("    {%s,\n" % c_string(p["id"]))
        w("     %s,\n" % c_string(p["benchmark_id"]))
        w("     %s,\n" % c_string(p["display_name"]))
        w("     %s,\n" % p["sector"])
        w("     %s,\n" % c_string(p["scenario"]))
        w("     %d,\n" % p["rank"])
        w("     %s,\n" % c_string(p["family"]))
        w("     %s,\n" % c_string(p["release_date"]))
        w("     %s,\n" % c_string(p["unit"]))
        w("     %s,\n" % p["scope"])
        w("     %s,\n" % p["budget"])
        w("     /*current=*/%s,\n" % ("true" if p["current"] else "false"))
        w("     kTpiPoints%d,\n" % i)
        w("     sizeof(kTpiPoints%d) / sizeof(kTpiPoints%d[0])},\n" % (i, i))
    w("};\n")
    w("// clang-format on\n")
    return "".join(out)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=DEFAULT_CSV,
                        help="input, relative to the repository root")
    parser.add_argument("--out", default=DEFAULT_OUT,
                        help="output, relative to the repository root")
    parser.add_argument("--check", action="store_true",
                        help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    csv_path = os.path.join(ROOT, args.csv)
    out_path = os.path.join(ROOT, args.out)
    with open(csv_path, "rb") as f:
        csv_bytes = f.read()
    label = os.path.relpath(csv_path, ROOT).replace(os.sep, "/")
    try:
        generated = render(csv_bytes, label)
    except InputError as e:
        print("%s: %s" % (label, e), file=sys.stderr)
        return 2
    if args.check:
        # Deterministic: a second run gives the same bytes.
        if render(csv_bytes, label) != generated:
            print("gen_tpi_pathways.py is not deterministic", file=sys.stderr)
            return 1
        try:
            with open(out_path, encoding="utf-8", newline="") as f:
                committed = f.read()
        except FileNotFoundError:
            committed = None
        if committed != generated:
            print("%s is stale: run python3 tools/gen_tpi_pathways.py" %
                  args.out, file=sys.stderr)
            return 1
        print("%s is up to date" % args.out)
        return 0
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(generated)
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
