#!/usr/bin/python3
"""End-to-end tests of `itp benchmark chart` against itp-server.

Each test runs the real `itp` binary as a subprocess against a real
itp-server started with --demo on port 0 with a fresh SQLite database
(stopped with SIGTERM, clean exit asserted), as tests/cli/cli_test.py does.
The demo's India steel plan (server/demo/demo_plans.cc, revision 1: 2.54 t
CO2/t in 2020, 2.2 in 2030, 1.0 in 2050, with production) is charted against
the steel pathways the server lists; the numbers the test expects come from
the server through other `itp` commands (`plans get`, `benchmark pathways`,
`benchmark reports`), interpolated here as the benchmark engine does.

The PNG test reads the pixels of what rsvg-convert (Debian librsvg2-bin)
made of the chart with a small PNG decoder (zlib from the standard library)
and checks the series' colours where the chart's data-to-pixel mapping
(client/chart.h, recomputed here from its documented constants) puts the
plan and each pathway in 2025-2045.

Run as CTest does:

    /usr/bin/python3 tests/cli/chart_cli_test.py \\
        --itp build/client/itp --server build/server/itp-server \\
        --work-dir build/tests/chart-cli

The last line of output is `N passed, N failed`; the exit status is non-zero
on any failure.
"""

import json
import math
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, "e2e"))
import itp_e2e  # noqa: E402 (found through the path set above)

# Set by main() before the tests run.
ITP_BINARY = None
SERVER_BINARY = None
RUN_DIR = None

COMMAND_TIMEOUT_S = 60.0

# Exit codes of the `itp` CLI.
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_VALIDATION = 5

INDIA_STEEL = "countries/IND/plans/steel-2070"
INDIA_STEEL_REVISION = INDIA_STEEL + "/revisions/1"

# The SVG geometry (client/chart.h).
SVG_WIDTH = 1080
SVG_PANEL_HEIGHT = 560
PLOT_LEFT = 90
PLOT_TOP = 80
PLOT_WIDTH = 560
PLOT_HEIGHT = 400
MAX_Y_INTERVALS = 6
HORIZON_YEAR = 2050

# The series colours (client/chart.h): the plan, the SDA target, and the
# pathways in the order the server lists them (by name).
PLAN_COLOR = "#d62728"
SDA_COLOR = "#7f7f7f"
PATHWAY_COLORS = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf",
                  "#8c564b", "#e377c2", "#bcbd22", "#aec7e8", "#98df8a",
                  "#ffbb78", "#c5b0d5", "#9edae5", "#c49c94", "#f7b6d2",
                  "#dbdb8d", "#393b79", "#637939", "#8c6d31", "#7b4173"]
# Their keys in the terminal.
PATHWAY_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"
# The current steel releases (server/benchmark/reference_pathways.h), for the
# charts of a chosen few.
CURRENT_STEEL_PATHWAYS = ["iea-nze-steel-2022", "tpi-steel-2022-1p5c",
                          "tpi-steel-2022-below-2c",
                          "tpi-steel-2022-national-pledges"]

SVG_NS = "{http://www.w3.org/2000/svg}"
BRAILLE = range(0x2800, 0x2900)


# --- the chart's numbers, as the command computes them -----------------------

def series_at(points, year):
    """The engine's rule (server/benchmark/engine.cc, Series::At): linear
    between (year, value) points, flat after the last, None before the
    first."""
    if not points or year < points[0][0]:
        return None
    if year >= points[-1][0]:
        return points[-1][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:]):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    raise AssertionError("unreachable")


def y_axis(values):
    """(min, max) of the y axis (chart.h, YAxisFor): from 0 up to the first
    multiple of the step (1, 2, 2.5, 5 x 10^k, at most 6 intervals) at or
    above the highest value."""
    lo = min([0.0] + values)
    hi = max(values) if values else lo
    if not hi > lo:
        hi = lo + 1
    span = hi - lo
    magnitude = 10 ** math.floor(math.log10(span / MAX_Y_INTERVALS))
    step = 10 * magnitude
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude * MAX_Y_INTERVALS >= span * (1 - 1e-9):
            step = m * magnitude
            break
    return (math.floor(lo / step + 1e-9) * step,
            math.ceil(hi / step - 1e-9) * step)


class Mapping:
    """The data-to-pixel mapping of panel 0 (chart.h, SvgMapping)."""

    def __init__(self, x_min, x_max, y_min, y_max):
        self.x_min, self.x_max = x_min, x_max
        self.y_min, self.y_max = y_min, y_max

    def x(self, year):
        return PLOT_LEFT + (year - self.x_min) / (
            self.x_max - self.x_min) * PLOT_WIDTH

    def y(self, value):
        return PLOT_TOP + PLOT_HEIGHT - (value - self.y_min) / (
            self.y_max - self.y_min) * PLOT_HEIGHT


def parse_points(attribute):
    return [tuple(float(v) for v in pair.split(","))
            for pair in attribute.split()]


def hex_rgb(color):
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


# --- a small PNG decoder -----------------------------------------------------

def read_png(path):
    """(width, height, rows) of an 8-bit RGB or RGBA non-interlaced PNG;
    rows[y][x] is an (r, g, b) tuple."""
    with open(path, "rb") as png:
        data = png.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("%s is not a PNG file" % path)
    offset = 8
    idat = b""
    header = None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:
                                           offset + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise AssertionError("bad CRC in the %s chunk" % kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        offset += 12 + length
    width, height, depth, color_type, _, _, interlace = header
    if depth != 8 or color_type not in (2, 6) or interlace != 0:
        raise AssertionError("unsupported PNG: depth %d, colour type %d, "
                             "interlace %d" % (depth, color_type, interlace))
    channels = 4 if color_type == 6 else 3
    stride = width * channels
    raw = zlib.decompress(idat)
    rows = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = (left if pa <= pb and pa <= pc
                             else up if pb <= pc else up_left)
                line[i] = (line[i] + predictor) & 0xFF
            elif kind != 0:
                raise AssertionError("bad PNG filter %d" % kind)
        rows.append([tuple(line[x * channels:x * channels + 3])
                     for x in range(width)])
        previous = line
    return width, height, rows


def near_color(rows, x, y, color, radius=2, tolerance=40):
    """Whether a pixel within `radius` of (x, y) (SVG user units, one per
    pixel) is within `tolerance` of `color` in every channel."""
    want = hex_rgb(color)
    cx, cy = int(x), int(y)
    for py in range(cy - radius, cy + radius + 1):
        for px in range(cx - radius, cx + radius + 1):
            if 0 <= py < len(rows) and 0 <= px < len(rows[0]):
                got = rows[py][px]
                if all(abs(g - w) <= tolerance for g, w in zip(got, want)):
                    return True
    return False


def chosen_pathway_args():
    """--pathway for each of CURRENT_STEEL_PATHWAYS."""
    args = []
    for pathway in CURRENT_STEEL_PATHWAYS:
        args += ["--pathway", pathway]
    return args


def code_points(line):
    return len(line)


class ChartCliTestCase(unittest.TestCase):
    """Gives each test class a demo server (charts only read, so one is
    enough) and each test a directory; runs `itp` with the admin key."""

    server = None
    address = None
    admin_key_file = None
    class_dir = None

    @classmethod
    def setUpClass(cls):
        cls.class_dir = tempfile.mkdtemp(prefix=cls.__name__ + "-",
                                         dir=RUN_DIR)
        cls.home = os.path.join(cls.class_dir, "home")
        os.makedirs(cls.home)
        if cls.needs_server():
            cls.server = itp_e2e.ServerProcess(
                SERVER_BINARY, os.path.join(cls.class_dir, "itp.db"),
                cls.class_dir, args=["--demo"])
            try:
                cls.address = "127.0.0.1:%d" % cls.server.wait_until_serving()
            except AssertionError:
                cls.server = None
                raise
            cls.admin_key_file = itp_e2e.admin_key_path(cls.class_dir)

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()

    @classmethod
    def needs_server(cls):
        return True

    def setUp(self):
        self.test_dir = tempfile.mkdtemp(
            prefix=self.id().rsplit(".", 1)[-1] + "-", dir=self.class_dir)

    @classmethod
    def base_env(cls, **extra):
        """The environment without ITP_*, COLUMNS and NO_COLOR, HOME
        isolated, plus `extra`."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ITP_")
               and k not in ("XDG_CONFIG_HOME", "COLUMNS", "NO_COLOR")}
        env["HOME"] = cls.home
        env.update(extra)
        return env

    @classmethod
    def command(cls, args, connect=True):
        command = [ITP_BINARY] + list(args)
        if connect:
            command += ["--address", cls.address, "--api-key-file",
                        cls.admin_key_file]
        return command

    @classmethod
    def run_itp(cls, *args, connect=True, env=None):
        return subprocess.run(
            cls.command(args, connect), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, timeout=COMMAND_TIMEOUT_S,
            env=env or cls.base_env(), check=False)

    def itp(self, *args, connect=True, env=None):
        """Runs `itp args...`; returns the CompletedProcess with stdout and
        stderr decoded as UTF-8."""
        result = self.run_itp(*args, connect=connect, env=env)
        result.stdout = result.stdout.decode("utf-8")
        result.stderr = result.stderr.decode("utf-8")
        return result

    def assert_exit(self, result, code):
        self.assertEqual(
            result.returncode, code,
            "expected exit %d, got %d\nargs: %s\nstdout:\n%s\nstderr:\n%s"
            % (code, result.returncode, result.args, result.stdout,
               result.stderr))

    def itp_json(self, *args):
        result = self.itp(*args, "-o", "json")
        self.assert_exit(result, EXIT_OK)
        return json.loads(result.stdout)

    def path(self, name):
        return os.path.join(self.test_dir, name)

    # The figures the chart of the India steel plan is drawn from.

    def steel_figures(self, metric="intensity", with_sda=False,
                      pathway_ids=None):
        """{"plan": ..., "pathways": [...], "sda": ... or None,
        "mapping": Mapping, "markers": [...]}, each series a list of
        (year, value) from the base year to 2050 and with its colour; only
        the pathways `pathway_ids` when given (as --pathway charts them)."""
        revision = self.itp_json("plans", "get", INDIA_STEEL,
                                 "--revision", "1")
        plan = revision["plan"] if "plan" in revision else revision
        [sector] = plan["sectors"]
        base = sector["base_year"]
        intensity = [(p["year"], p["intensity_tco2_per_t"])
                     for p in sector["points"] if "intensity_tco2_per_t" in p]
        production = [(p["year"], p["production_mt"])
                      for p in sector["points"] if "production_mt" in p]
        years = range(base, HORIZON_YEAR + 1)

        def value(year, at):
            if metric == "intensity":
                return at
            return series_at(production, year) * at

        def sample(points):
            return [(year, value(year, series_at(points, year)))
                    for year in years if series_at(points, year) is not None]

        listed = self.itp_json("benchmark", "pathways", "--sector",
                               "IRON_AND_STEEL")["pathways"]
        self.assertGreaterEqual(len(listed), 4, "the demo's steel pathways")
        if pathway_ids is not None:
            listed = [p for p in listed
                      if p["name"] in ["pathways/" + i for i in pathway_ids]]
            self.assertEqual(len(listed), len(pathway_ids))
        pathways = []
        for index, pathway in enumerate(listed):
            points = [(p["year"], p["intensity_tco2_per_t"])
                      for p in pathway["points"]]
            pathways.append({"name": pathway["name"],
                             "label": pathway["display_name"],
                             "rank": pathway["stringency_rank"],
                             "color": PATHWAY_COLORS[index % 20],
                             "key": PATHWAY_KEYS[index],
                             "values": sample(points)})
        figures = {
            "plan": {"color": PLAN_COLOR, "values": sample(intensity)},
            "markers": [(y, value(y, v)) for y, v in intensity
                        if base <= y <= HORIZON_YEAR],
            "pathways": pathways,
            "sda": None,
            "unit": sector["intensity_unit"],
        }
        if with_sda:
            reports = self.itp_json("benchmark", "reports", INDIA_STEEL)
            report = reports["benchmark_reports"][0]
            self.assertEqual(report["plan_revision"], INDIA_STEEL_REVISION)
            [steel] = report["sectors"]
            ranks = {p["name"]: (p["rank"], p["name"]) for p in pathways}
            # Of the pathways charted, as the command chooses.
            results = [r for r in steel["pathways"]
                       if r.get("sda_target") and r["pathway"] in ranks]
            chosen = min(results, key=lambda r: ranks[r["pathway"]])
            figures["sda"] = {
                "color": SDA_COLOR, "pathway": chosen["pathway"],
                "values": [(t["year"], value(t["year"], t["value"]))
                           for t in chosen["sda_target"]]}
        drawn = [figures["plan"]] + pathways + (
            [figures["sda"]] if figures["sda"] else [])
        y_min, y_max = y_axis([v for s in drawn for _, v in s["values"]])
        figures["mapping"] = Mapping(base, HORIZON_YEAR, y_min, y_max)
        figures["drawn"] = drawn
        return figures

    def read_svg(self, path):
        with open(path, encoding="utf-8") as svg:
            text = svg.read()
        return text, ElementTree.fromstring(text)

    def polylines_by_color(self, root):
        return {p.get("stroke"): p for p in root.iter(SVG_NS + "polyline")}

    def assert_polyline(self, polyline, values, mapping):
        """The polyline's points are `values` through `mapping` (to the two
        decimals written)."""
        got = parse_points(polyline.get("points"))
        self.assertEqual(len(got), len(values))
        for (x, y), (year, value) in zip(got, values):
            self.assertAlmostEqual(x, mapping.x(year), delta=0.006)
            self.assertAlmostEqual(y, mapping.y(value), delta=0.006)

    def assert_pixels(self, png_path, figures, years=range(2025, 2050, 5),
                      min_checks=2):
        """In each of `years`, each series' colour is where the mapping puts
        its value, unless another series passes within 7 pixels there (then
        the point proves nothing). Every series that is clear of the others
        in `min_checks` of the years is found there; the plan always is."""
        width, height, rows = read_png(png_path)
        self.assertEqual((width, height), (SVG_WIDTH, SVG_PANEL_HEIGHT))
        mapping = figures["mapping"]
        checked = {}
        for series in figures["drawn"]:
            if series["color"] == SDA_COLOR:
                continue  # dotted: a point may fall in a gap
            values = dict(series["values"])
            for year in years:
                if year not in values:
                    continue
                y = mapping.y(values[year])
                others = [mapping.y(dict(o["values"])[year])
                          for o in figures["drawn"]
                          if o is not series and year in dict(o["values"])]
                if any(abs(y - other) < 7 for other in others):
                    continue
                x = mapping.x(year)
                self.assertTrue(
                    near_color(rows, x, y, series["color"]),
                    "%s expected at (%.1f, %.1f) for %d, found %s"
                    % (series["color"], x, y, year, rows[int(y)][int(x)]))
                checked[series["color"]] = checked.get(series["color"], 0) + 1
        self.assertGreaterEqual(checked.get(PLAN_COLOR, 0), min_checks)
        if min_checks > 1:
            for series in figures["drawn"]:
                if series["color"] != SDA_COLOR:
                    self.assertGreaterEqual(checked.get(series["color"], 0),
                                            min_checks, series)
        # Control: a colour is not found where no series is drawn (the
        # plan's colour 0.25 of the axis below its own line in 2035).
        y = mapping.y(dict(figures["plan"]["values"])[2035]) + 0.25 * \
            PLOT_HEIGHT
        self.assertFalse(near_color(rows, mapping.x(2035) + 3, y, PLAN_COLOR))
        # The plan's own figures are dots of its colour, 4 pixels across.
        for year, value in figures["markers"]:
            self.assertTrue(near_color(rows, mapping.x(year), mapping.y(value),
                                       PLAN_COLOR, radius=1))
        return checked


class UsageTest(ChartCliTestCase):
    """--help and mistakes on the command line: exit 2 before any call."""

    @classmethod
    def needs_server(cls):
        return False

    def offline(self, *args, env=None):
        """`itp benchmark chart args` with a key and an address nothing
        listens on: a call would fail with exit 7."""
        return self.itp("benchmark", "chart", *args, "--address",
                        "127.0.0.1:1", "--api-key", "itp_unused_key",
                        connect=False, env=env)

    def test_help_names_the_flags_and_the_colours(self):
        result = self.itp("benchmark", "chart", "--help", connect=False)
        self.assert_exit(result, EXIT_OK)
        self.assertIn("Usage: itp benchmark chart", result.stdout)
        self.assertIn("Examples:\n  itp benchmark chart IND/steel-2070",
                      result.stdout)
        for flag in ("PLAN", "--out", "--metric", "--sector", "--output"):
            self.assertIn(flag, result.stdout)
        for color in [PLAN_COLOR, SDA_COLOR] + PATHWAY_COLORS:
            self.assertIn(color, result.stdout)
        self.assertIn("rsvg-convert", result.stdout)
        # The benchmark group lists it.
        result = self.itp("benchmark", "--help", connect=False)
        self.assert_exit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"(?m)^  chart\s")

    def test_bad_metric_exits_2(self):
        result = self.offline("IND/steel-2070", "--metric", "tonnes")
        self.assert_exit(result, EXIT_USAGE)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith(
            "--metric: tonnes not in {intensity,emissions}\n"),
            result.stderr)

    def test_plan_is_required(self):
        result = self.offline()
        self.assert_exit(result, EXIT_USAGE)
        self.assertTrue(result.stderr.startswith("PLAN is required\n"),
                        result.stderr)

    def test_unknown_sector_name_exits_2(self):
        result = self.offline("IND/steel-2070", "--sector", "textiles")
        self.assert_exit(result, EXIT_USAGE)
        self.assertIn("--sector: textiles not in {", result.stderr)

    def test_other_file_types_exit_2(self):
        result = self.offline("IND/steel-2070", "--out", "chart.pdf")
        self.assert_exit(result, EXIT_USAGE)
        self.assertEqual(
            result.stderr,
            "Error: --out chart.pdf: the file name must end in .svg (SVG) or "
            ".png (PNG).\n")

    def test_json_and_csv_output_exit_2(self):
        for output in ("json", "csv"):
            result = self.offline("IND/steel-2070", "-o", output)
            self.assert_exit(result, EXIT_USAGE)
            self.assertEqual(
                result.stderr,
                "Error: itp benchmark chart draws a chart; -o json and -o csv "
                "do not apply (`itp benchmark reports -o json` gives the "
                "figures).\n")

    def test_png_without_rsvg_convert_exits_2(self):
        empty = os.path.join(self.test_dir, "empty-path")
        os.makedirs(empty)
        result = self.offline("IND/steel-2070", "--out", self.path("c.png"),
                              env=self.base_env(PATH=empty))
        self.assert_exit(result, EXIT_USAGE)
        self.assertEqual(
            result.stderr,
            "Error: --out %s needs rsvg-convert, which is not on PATH "
            "(Debian: apt-get install librsvg2-bin); --out with a .svg name "
            "needs nothing.\n" % self.path("c.png"))
        self.assertFalse(os.path.exists(self.path("c.png")))


class ChartWithoutReportTest(ChartCliTestCase):
    """The demo plan has no stored benchmark report: charts without the SDA
    line, saying so on standard error."""

    def no_report_note(self):
        return ("No benchmark report of %s is stored: the chart has no SDA "
                "target line (`itp benchmark plan %s` stores one).\n"
                % (INDIA_STEEL_REVISION, INDIA_STEEL_REVISION))

    def test_svg_has_axes_legend_and_every_steel_pathway(self):
        figures = self.steel_figures()
        out = self.path("india-steel.svg")
        result = self.itp("benchmark", "chart", "IND/steel-2070", "--out", out)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stderr, self.no_report_note())
        self.assertEqual(
            result.stdout,
            "Wrote %s (%s; IRON_AND_STEEL: the plan, %d reference pathways)."
            "\n" % (out, INDIA_STEEL_REVISION, len(figures["pathways"])))
        text, root = self.read_svg(out)
        self.assertEqual(root.get("width"), "1080.00")
        self.assertEqual(root.get("height"), "560.00")
        texts = {t.get("class"): "".join(t.itertext())
                 for t in root.iter(SVG_NS + "text") if t.get("class")}
        self.assertEqual(texts["title"],
                         "India green steel roadmap (IND, iron and steel)")
        self.assertIn(INDIA_STEEL_REVISION, texts["subtitle"])
        self.assertEqual(texts["x-label"], "year")
        self.assertEqual(figures["unit"], "tCO2/t crude steel")
        self.assertEqual(texts["y-label"], "tCO2 / t crude steel")
        legend = [t.text for g in root.iter(SVG_NS + "g")
                  if g.get("class") == "legend"
                  for t in g.iter(SVG_NS + "title")]
        self.assertEqual(
            legend, [p["label"] for p in figures["pathways"]] +
            ["Plan, revision 1 (dots: its own figures)"])
        self.assertIn("TPI 1.5 Degrees, steel (2022)", legend)
        # The y axis the chart says it drew is the one computed here.
        [chart] = [g for g in root.iter(SVG_NS + "g")
                   if g.get("class") == "chart"]
        mapping = figures["mapping"]
        self.assertEqual(float(chart.get("data-x-min")), 2020)
        self.assertEqual(float(chart.get("data-x-max")), 2050)
        self.assertEqual(float(chart.get("data-y-min")), mapping.y_min)
        self.assertAlmostEqual(float(chart.get("data-y-max")), mapping.y_max)
        # Each series' polyline, yearly from the base year, in its colour.
        lines = self.polylines_by_color(root)
        self.assertEqual(set(lines), {PLAN_COLOR} |
                         {p["color"] for p in figures["pathways"]})
        self.assert_polyline(lines[PLAN_COLOR], figures["plan"]["values"],
                             mapping)
        self.assertEqual(figures["plan"]["values"][10], (2030, 2.2))
        for pathway in figures["pathways"]:
            self.assert_polyline(lines[pathway["color"]], pathway["values"],
                                 mapping)
        markers = [(float(c.get("cx")), float(c.get("cy")))
                   for c in root.iter(SVG_NS + "circle")
                   if c.get("class") == "marker"]
        self.assertEqual(markers, [(round(mapping.x(y), 2),
                                    round(mapping.y(v), 2))
                                   for y, v in figures["markers"]])
        self.assertEqual([y for y, _ in figures["markers"]],
                         [2020, 2030, 2050])
        # The tick labels.
        ticks = [t.text for t in root.iter(SVG_NS + "text")
                 if t.get("class") == "x-tick"]
        self.assertEqual(ticks, ["2020", "2025", "2030", "2035", "2040",
                                 "2045", "2050"])
        self.assertNotIn("stroke-dasharray=\"2 5\" stroke-linecap=\"round\" "
                         "points", text)

    @unittest.skipUnless(shutil.which("rsvg-convert"),
                         "rsvg-convert (Debian librsvg2-bin) is not installed")
    def test_png_pixels_are_the_series_colours_at_their_values(self):
        figures = self.steel_figures()
        out = self.path("india-steel.png")
        result = self.itp("benchmark", "chart", "IND/steel-2070", "--out", out)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stderr, self.no_report_note())
        self.assertTrue(result.stdout.startswith("Wrote %s (" % out))
        # Every pathway the server lists: many lines, so every year is
        # tried and a line is checked wherever it is clear of the others.
        checked = self.assert_pixels(out, figures, years=range(2021, 2050),
                                     min_checks=1)
        self.assertGreaterEqual(
            len(checked), min(len(figures["drawn"]), 1 + 4), checked)

    @unittest.skipUnless(shutil.which("rsvg-convert"),
                         "rsvg-convert (Debian librsvg2-bin) is not installed")
    def test_png_of_chosen_pathways(self):
        figures = self.steel_figures(pathway_ids=CURRENT_STEEL_PATHWAYS)
        out = self.path("current.png")
        args = ["benchmark", "chart", "IND/steel-2070", "--out", out]
        args += chosen_pathway_args()
        result = self.itp(*args)
        self.assert_exit(result, EXIT_OK)
        self.assertTrue(result.stdout.endswith(
            "IRON_AND_STEEL: the plan, 4 reference pathways).\n"),
            result.stdout)
        self.assert_pixels(out, figures)
        # The colours are those of the chosen pathways in the listed order.
        svg_out = self.path("current.svg")
        args[4] = svg_out
        self.assert_exit(self.itp(*args), EXIT_OK)
        _, root = self.read_svg(svg_out)
        lines = self.polylines_by_color(root)
        self.assertEqual(set(lines), {PLAN_COLOR} | set(PATHWAY_COLORS[:4]))
        for pathway in figures["pathways"]:
            self.assert_polyline(lines[pathway["color"]], pathway["values"],
                                 figures["mapping"])

    @unittest.skipUnless(shutil.which("rsvg-convert"),
                         "rsvg-convert (Debian librsvg2-bin) is not installed")
    def test_emissions_are_production_times_intensity(self):
        figures = self.steel_figures(metric="emissions")
        # 255 Mt at 2.2 t CO2/t in 2030.
        self.assertAlmostEqual(dict(figures["plan"]["values"])[2030], 561.0)
        svg_out = self.path("emissions.svg")
        result = self.itp("benchmark", "chart", INDIA_STEEL_REVISION,
                          "--metric", "emissions", "--out", svg_out)
        self.assert_exit(result, EXIT_OK)
        _, root = self.read_svg(svg_out)
        texts = {t.get("class"): "".join(t.itertext())
                 for t in root.iter(SVG_NS + "text") if t.get("class")}
        self.assertEqual(texts["y-label"], "Mt CO2")
        self.assertTrue(texts["subtitle"].startswith("Emissions: "))
        lines = self.polylines_by_color(root)
        self.assert_polyline(lines[PLAN_COLOR], figures["plan"]["values"],
                             figures["mapping"])
        for pathway in figures["pathways"]:
            self.assert_polyline(lines[pathway["color"]], pathway["values"],
                                 figures["mapping"])
        # The pixels, of the current releases only (fewer lines).
        figures = self.steel_figures(metric="emissions",
                                     pathway_ids=CURRENT_STEEL_PATHWAYS)
        png_out = self.path("emissions.png")
        result = self.itp("benchmark", "chart", INDIA_STEEL_REVISION,
                          "--metric", "emissions", "--out", png_out,
                          *chosen_pathway_args())
        self.assert_exit(result, EXIT_OK)
        self.assert_pixels(png_out, figures)

    def test_terminal_chart_is_braille_within_the_width(self):
        figures = self.steel_figures()
        for columns in (None, "60", "120"):
            env = self.base_env() if columns is None else self.base_env(
                COLUMNS=columns)
            result = self.itp("benchmark", "chart", "IND/steel-2070", env=env)
            self.assert_exit(result, EXIT_OK)
            self.assertEqual(result.stderr, self.no_report_note())
            width = int(columns or 80)
            lines = result.stdout.split("\n")
            self.assertEqual(lines[-1], "")
            lines = lines[:-1]
            for line in lines:
                self.assertLessEqual(code_points(line), width, line)
            self.assertNotIn("\x1b", result.stdout)
            self.assertEqual(
                lines[0], "India green steel roadmap (IND, iron and steel)")
            self.assertEqual(lines[2], "tCO2 / t crude steel")
            # 16 rows of braille plot.
            plot = lines[3:3 + 16]
            self.assertTrue(all(any(ord(c) in BRAILLE for c in row)
                                for row in plot[2:]), plot)
            # Tick labels, then the axis line.
            self.assertTrue(all("\u2502" in row[:8] or "\u2524" in row[:8]
                                for row in plot), plot)
            self.assertIn("\u25cf", "".join(plot))  # the plan's figures
            self.assertTrue(lines[19].lstrip().startswith("\u2514"))
            self.assertIn("2030", lines[20])
            legend = lines[-(len(figures["pathways"]) + 1):]
            for index, pathway in enumerate(figures["pathways"]):
                line = "  \u2501\u2501\u2501 %s  %s" % (pathway["key"],
                                                      pathway["label"])
                if len(line) > width:
                    line = line[:width - 1] + "\u2026"
                self.assertEqual(legend[index], line)
            self.assertTrue(legend[-1].startswith(
                "  \u2501\u2501\u25cf P  Plan, revision 1"))

    def test_terminal_colours_only_on_a_terminal_without_no_color(self):
        for no_color, colored in ((None, True), ("1", False)):
            env = self.base_env(COLUMNS="90")
            if no_color is not None:
                env["NO_COLOR"] = no_color
            master, slave = pty.openpty()
            process = subprocess.Popen(
                self.command(["benchmark", "chart", "IND/steel-2070"]),
                stdout=slave, stderr=subprocess.PIPE, env=env)
            os.close(slave)
            output = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            os.close(master)
            self.assertEqual(process.wait(timeout=COMMAND_TIMEOUT_S), EXIT_OK)
            process.stderr.close()
            text = output.decode("utf-8")
            self.assertEqual("\x1b[1;31m" in text, colored, text)
            self.assertEqual("\x1b[34m" in text, colored)
            self.assertEqual("\x1b" in text, colored)
            self.assertIn("India green steel roadmap", text)

    def test_unknown_plan_exits_3(self):
        result = self.itp("benchmark", "chart", "IND/no-such-plan")
        self.assert_exit(result, EXIT_NOT_FOUND)
        self.assertEqual(result.stdout, "")
        self.assertEqual(
            result.stderr,
            "Error: Not found: Plan countries/IND/plans/no-such-plan does not "
            "exist.\n")
        result = self.itp("benchmark", "chart",
                          INDIA_STEEL + "/revisions/9", "--out",
                          self.path("x.svg"))
        self.assert_exit(result, EXIT_NOT_FOUND)
        self.assertFalse(os.path.exists(self.path("x.svg")))

    def test_sector_the_plan_does_not_have_exits_3(self):
        result = self.itp("benchmark", "chart", "IND/steel-2070", "--sector",
                          "cement")
        self.assert_exit(result, EXIT_NOT_FOUND)
        self.assertEqual(
            result.stderr,
            "Error: %s has no CEMENT pathway; its sectors: IRON_AND_STEEL.\n"
            % INDIA_STEEL_REVISION)
        result = self.itp("benchmark", "chart", "IND/steel-2070", "--sector",
                          "iron_and_steel", "--out", self.path("s.svg"))
        self.assert_exit(result, EXIT_OK)

    def test_emissions_of_a_plan_without_production_exit_5(self):
        plan = {
            "display_name": "India steel intensity-only draft",
            "sectors": [{"sector": "IRON_AND_STEEL",
                         "intensity_unit": "tCO2/t crude steel",
                         "base_year": 2022, "points": [
                             {"year": 2022, "intensity_tco2_per_t": 2.5},
                             {"year": 2035, "intensity_tco2_per_t": 1.8},
                             {"year": 2050, "intensity_tco2_per_t": 0.6}]}]}
        plan_file = self.path("plan.json")
        with open(plan_file, "w", encoding="utf-8") as out:
            json.dump({"parent": "countries/IND", "plan_id":
                       "steel-no-production", "plan": plan}, out)
        result = self.itp("plans", "create", "--file", plan_file)
        self.assert_exit(result, EXIT_OK)
        name = "countries/IND/plans/steel-no-production"

        result = self.itp("benchmark", "chart", name, "--metric", "emissions",
                          "--out", self.path("e.svg"))
        self.assert_exit(result, EXIT_VALIDATION)
        self.assertEqual(result.stdout, "")
        self.assertEqual(
            result.stderr,
            "Error: %s gives no production for IRON_AND_STEEL "
            "(sectors[0].points[].production_mt): --metric emissions needs "
            "it; --metric intensity does not.\n" % name)
        self.assertFalse(os.path.exists(self.path("e.svg")))

        # Its intensity charts, as it stands (a draft, never submitted).
        out = self.path("draft.svg")
        result = self.itp("benchmark", "chart", name, "--out", out)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(
            result.stderr,
            "No benchmark report of %s is stored: the chart has no SDA target "
            "line (`itp benchmark plan %s` stores one).\n" % (name, name))
        _, root = self.read_svg(out)
        legend = [t.text for g in root.iter(SVG_NS + "g")
                  if g.get("class") == "legend"
                  for t in g.iter(SVG_NS + "text")]
        self.assertEqual(legend[-1],
                         "Plan, never submitted (dots: its own figures)")
        [chart] = [g for g in root.iter(SVG_NS + "g")
                   if g.get("class") == "chart"]
        self.assertEqual(chart.get("data-x-min"), "2022")


class ChartWithReportTest(ChartCliTestCase):
    """After `itp benchmark plan` stored a report of revision 1: the SDA
    target of the most stringent pathway (lowest rank, then name) dotted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        result = cls.run_itp("benchmark", "plan", "IND/steel-2070")
        if result.returncode != 0:
            raise AssertionError("itp benchmark plan failed:\n%s"
                                 % result.stderr.decode("utf-8"))

    def test_svg_has_the_sda_target_dotted(self):
        figures = self.steel_figures(with_sda=True)
        before = self.itp_json("benchmark", "reports", INDIA_STEEL)
        out = self.path("sda.svg")
        result = self.itp("benchmark", "chart", "IND/steel-2070", "--out", out)
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stderr, "")
        self.assertTrue(result.stdout.endswith(
            "reference pathways and the SDA target).\n"), result.stdout)
        text, root = self.read_svg(out)
        lines = self.polylines_by_color(root)
        sda = lines[SDA_COLOR]
        self.assertEqual(sda.get("stroke-dasharray"), "2 5")
        self.assert_polyline(sda, figures["sda"]["values"], figures["mapping"])
        self.assertEqual(len(figures["sda"]["values"]), 31)  # yearly
        self.assertAlmostEqual(figures["sda"]["values"][0][1], 2.54)
        self.assert_polyline(lines[PLAN_COLOR], figures["plan"]["values"],
                             figures["mapping"])
        labels = {p["name"]: p["label"] for p in figures["pathways"]}
        legend = [t.text for g in root.iter(SVG_NS + "g")
                  if g.get("class") == "legend" for t in g.iter(SVG_NS + "text")]
        self.assertEqual(legend[-2],
                         "SDA target vs " + labels[figures["sda"]["pathway"]])
        # Charting stored nothing.
        self.assertEqual(self.itp_json("benchmark", "reports", INDIA_STEEL),
                         before)
        # The revision's name gives the same chart.
        again = self.path("sda-revision.svg")
        result = self.itp("benchmark", "chart", INDIA_STEEL_REVISION,
                          "--out", again)
        self.assert_exit(result, EXIT_OK)
        with open(again, encoding="utf-8") as svg:
            self.assertEqual(svg.read(), text)

    @unittest.skipUnless(shutil.which("rsvg-convert"),
                         "rsvg-convert (Debian librsvg2-bin) is not installed")
    def test_png_pixels_with_the_sda_target(self):
        figures = self.steel_figures(with_sda=True,
                                     pathway_ids=CURRENT_STEEL_PATHWAYS)
        out = self.path("sda.png")
        result = self.itp("benchmark", "chart", "IND/steel-2070", "--out", out,
                          *chosen_pathway_args())
        self.assert_exit(result, EXIT_OK)
        self.assert_pixels(out, figures)
        # The dotted line: its colour near its value at most of the years.
        _, _, rows = read_png(out)
        mapping = figures["mapping"]
        found = sum(near_color(rows, mapping.x(y), mapping.y(v), SDA_COLOR,
                               radius=3)
                    for y, v in figures["sda"]["values"])
        self.assertGreaterEqual(found, len(figures["sda"]["values"]) // 2)

    def test_terminal_legend_has_the_sda_target(self):
        result = self.itp("benchmark", "chart", "IND/steel-2070")
        self.assert_exit(result, EXIT_OK)
        self.assertEqual(result.stderr, "")
        self.assertRegex(result.stdout,
                         "(?m)^  \u2504\u2504\u2504 S  SDA target vs ")


def main():
    parser = itp_e2e.argument_parser(__doc__.splitlines()[0],
                                     "ChartWithoutReportTest")
    parser.add_argument("--itp", required=True, help="the itp binary")
    options = parser.parse_args()

    global ITP_BINARY, SERVER_BINARY, RUN_DIR
    ITP_BINARY = os.path.abspath(options.itp)
    SERVER_BINARY = os.path.abspath(options.server)
    RUN_DIR = itp_e2e.start_run(options.work_dir, [ITP_BINARY, SERVER_BINARY])
    if RUN_DIR is None:
        return 1
    return itp_e2e.run_tests(sys.modules[__name__], options.tests, RUN_DIR)


if __name__ == "__main__":
    sys.exit(main())
