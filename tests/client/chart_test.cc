// Tests of the drawing behind `itp benchmark chart` (client/chart.h): the
// axes, the data-to-pixel mapping, the SVG document (every series' polyline
// at exact coordinates, markers, legend, escaping) and the braille text
// (size, dot placement, keys, colour). The India steel figures are the demo
// plan's (server/demo/demo_plans.cc) and TPI's 1.5 degree steel pathway.

#include "client/chart.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace itp::client {
namespace {

// The demo plan's intensity, yearly 2020-2050, interpolated as the engine
// does between 2.54 (2020), 2.2 (2030) and 1.0 (2050).
std::vector<ChartPoint> IndiaSteelPlan() {
  std::vector<ChartPoint> points;
  for (int year = 2020; year <= 2050; ++year) {
    const double value = year <= 2030 ? 2.54 + (2.2 - 2.54) * (year - 2020) / 10
                                      : 2.2 + (1.0 - 2.2) * (year - 2030) / 20;
    points.push_back({static_cast<double>(year), value});
  }
  return points;
}

Chart IndiaSteelChart() {
  Chart chart;
  chart.title = "India green steel roadmap (IND, iron and steel)";
  chart.subtitle = "Emissions intensity; countries/IND/plans/steel-2070";
  chart.x_label = "year";
  chart.y_label = "tCO2 / t crude steel";
  chart.x_min = 2020;
  chart.x_max = 2050;
  chart.series.push_back({"TPI 1.5 Degrees, steel (2022)",
                          PathwayStyle(0),
                          {{2020, 1.613},
                           {2025, 1.371},
                           {2030, 1.129},
                           {2040, 0.463},
                           {2050, 0.052}},
                          {}});
  chart.series.push_back({"TPI Below 2 Degrees, steel (2022)",
                          PathwayStyle(1),
                          {{2020, 1.646}, {2030, 1.488}, {2050, 0.516}},
                          {}});
  chart.series.push_back({"SDA target against TPI 1.5 Degrees, steel (2022)",
                          kSdaStyle,
                          {{2020, 2.54}, {2035, 1.3}, {2050, 0.052}},
                          {}});
  chart.series.push_back({"Plan, revision 1",
                          kPlanStyle,
                          IndiaSteelPlan(),
                          {{2020, 2.54}, {2030, 2.2}, {2050, 1.0}}});
  return chart;
}

// The points attribute RenderSvg writes for `points` through `mapping`.
std::string PointsAttribute(const ChartMapping& mapping,
                            const std::vector<ChartPoint>& points) {
  std::string out = "points=\"";
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0) out += " ";
    absl::StrAppend(&out, SvgCoordinate(mapping.X(points[i].x)), ",",
                    SvgCoordinate(mapping.Y(points[i].y)));
  }
  return out + "\"";
}

int CodePoints(const std::string& text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_EQ(lines.back(), "") << "the text ends in a newline";
  lines.pop_back();
  return lines;
}

TEST(ChartTest, YAxisStartsAtZeroAndEndsOnANiceStepAboveTheHighestValue) {
  const ChartAxis axis = YAxisFor(IndiaSteelChart());
  EXPECT_EQ(axis.min, 0);
  EXPECT_DOUBLE_EQ(axis.step, 0.5);
  EXPECT_DOUBLE_EQ(axis.max, 3.0);
  ASSERT_EQ(axis.ticks.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_DOUBLE_EQ(axis.ticks[i], 0.5 * i);
}

TEST(ChartTest, YAxisOfEmissionsAndOfNegativeAndEmptyCharts) {
  Chart chart;
  chart.series.push_back({"plan", kPlanStyle, {{2020, 255}, {2030, 561}}, {}});
  ChartAxis axis = YAxisFor(chart);
  EXPECT_DOUBLE_EQ(axis.step, 100);
  EXPECT_DOUBLE_EQ(axis.max, 600);
  EXPECT_EQ(axis.ticks.size(), 7u);

  // A value on a tick is the top of the axis.
  chart.series[0].points = {{2020, 0.3}, {2030, 3.0}};
  axis = YAxisFor(chart);
  EXPECT_DOUBLE_EQ(axis.step, 0.5);
  EXPECT_DOUBLE_EQ(axis.max, 3.0);

  // Net removals go below zero.
  chart.series[0].points = {{2020, 1.0}, {2050, -0.3}};
  axis = YAxisFor(chart);
  EXPECT_DOUBLE_EQ(axis.step, 0.25);
  EXPECT_DOUBLE_EQ(axis.min, -0.5);
  EXPECT_DOUBLE_EQ(axis.max, 1.0);
  EXPECT_EQ(axis.ticks.size(), 7u);

  // Markers count too.
  chart.series[0].points.clear();
  chart.series[0].markers = {{2030, 4.2}};
  EXPECT_DOUBLE_EQ(YAxisFor(chart).max, 5.0);

  EXPECT_DOUBLE_EQ(YAxisFor(Chart()).min, 0);
  EXPECT_DOUBLE_EQ(YAxisFor(Chart()).max, 1);
}

TEST(ChartTest, YearAxisTicksAtRoundYearsInsideTheRange) {
  ChartAxis axis = YearAxis(2020, 2050);
  EXPECT_EQ(axis.min, 2020);
  EXPECT_EQ(axis.max, 2050);
  EXPECT_EQ(axis.ticks,
            (std::vector<double>{2020, 2025, 2030, 2035, 2040, 2045, 2050}));
  // India cement's base year: the range starts between ticks.
  EXPECT_EQ(YearAxis(2023, 2050).ticks,
            (std::vector<double>{2025, 2030, 2035, 2040, 2045, 2050}));
  EXPECT_EQ(YearAxis(2044, 2050).ticks,
            (std::vector<double>{2044, 2045, 2046, 2047, 2048, 2049, 2050}));
  EXPECT_EQ(YearAxis(1990, 2100).ticks,
            (std::vector<double>{2000, 2020, 2040, 2060, 2080, 2100}));
}

TEST(ChartTest, SvgMappingPutsTheRangesOnThePlotAreaEdges) {
  const std::vector<Chart> charts = {IndiaSteelChart()};
  const ChartMapping mapping = SvgMapping(charts, 0);
  EXPECT_DOUBLE_EQ(mapping.X(2020), kSvgPlotLeft);
  EXPECT_DOUBLE_EQ(mapping.X(2050), kSvgPlotLeft + kSvgPlotWidth);
  EXPECT_DOUBLE_EQ(mapping.X(2035), kSvgPlotLeft + kSvgPlotWidth / 2);
  EXPECT_DOUBLE_EQ(mapping.Y(0), kSvgPlotTop + kSvgPlotHeight);
  EXPECT_DOUBLE_EQ(mapping.Y(3.0), kSvgPlotTop);
  // The documented formula, by hand: 2.54 of 0..3 in 400 pixels below 80.
  EXPECT_DOUBLE_EQ(mapping.Y(2.54), 80 + 400 - 2.54 / 3 * 400);
  EXPECT_EQ(SvgCoordinate(mapping.Y(2.54)), "141.33");
  EXPECT_EQ(SvgCoordinate(mapping.X(2030)), "276.67");
  EXPECT_EQ(SvgCoordinate(0.001), "0.00");
  EXPECT_EQ(SvgCoordinate(-0.001), "0.00");
}

TEST(ChartTest, SvgHasEachSeriesPolylineAtExactPoints) {
  const std::vector<Chart> charts = {IndiaSteelChart()};
  const std::string svg = RenderSvg(charts);
  const ChartMapping mapping = SvgMapping(charts, 0);
  for (const ChartSeries& series : charts[0].series) {
    const std::string points = PointsAttribute(mapping, series.points);
    const size_t at = svg.find(points);
    ASSERT_NE(at, std::string::npos) << series.label << ": " << points;
    // The same element has the series' colour.
    const size_t element = svg.rfind("<polyline", at);
    const std::string polyline = svg.substr(element, at - element);
    EXPECT_NE(
        polyline.find(absl::StrCat("stroke=\"", series.style.svg_color, "\"")),
        std::string::npos)
        << polyline;
    EXPECT_EQ(polyline.find("stroke-dasharray") != std::string::npos,
              series.style.dotted)
        << polyline;
  }
  // By hand: the plan starts at (2020, 2.54) and ends at (2050, 1.0).
  EXPECT_NE(svg.find("points=\"90.00,141.33 "), std::string::npos);
  EXPECT_NE(svg.find(" 650.00,346.67\""), std::string::npos);
  // Its own figures are dots.
  for (const ChartPoint& marker : charts[0].series.back().markers) {
    EXPECT_NE(
        svg.find(absl::StrCat("cx=\"", SvgCoordinate(mapping.X(marker.x)),
                              "\" cy=\"", SvgCoordinate(mapping.Y(marker.y)),
                              "\" r=\"4\" fill=\"#d62728\"")),
        std::string::npos)
        << marker.x;
  }
}

TEST(ChartTest, SvgHasTitlesAxisLabelsTicksAndALegendEntryPerSeries) {
  const std::string svg = RenderSvg({IndiaSteelChart()});
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0),
            0u);
  EXPECT_NE(svg.find("width=\"1080.00\" height=\"560.00\""), std::string::npos);
  EXPECT_NE(svg.find(">India green steel roadmap (IND, iron and steel)</text>"),
            std::string::npos);
  EXPECT_NE(svg.find(">Emissions intensity; countries/IND/plans/steel-2070<"),
            std::string::npos);
  EXPECT_NE(svg.find("class=\"x-label\""), std::string::npos);
  EXPECT_NE(svg.find(">year</text>"), std::string::npos);
  EXPECT_NE(svg.find("rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">"
                     "tCO2 / t crude steel</text>"),
            std::string::npos);
  for (const char* tick :
       {">0.0<", ">0.5<", ">2.5<", ">3.0<", ">2020<", ">2035<", ">2050<"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  for (const ChartSeries& series : IndiaSteelChart().series) {
    EXPECT_NE(svg.find(absl::StrCat(">", series.label, "</text></g>")),
              std::string::npos)
        << series.label;
  }
  EXPECT_NE(svg.find("data-x-min=\"2020\" data-x-max=\"2050\" data-y-min=\"0\" "
                     "data-y-max=\"3\""),
            std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(ChartTest, SvgEscapesTextAndReplacesCharactersXmlForbids) {
  Chart chart = IndiaSteelChart();
  chart.title = "Steel & iron <draft> \"v2\"\x1b[2J \xC3\xA7 \xFF";
  const std::string svg = RenderSvg({chart});
  EXPECT_NE(svg.find(">Steel &amp; iron &lt;draft&gt; &quot;v2&quot;"
                     "\xEF\xBF\xBD[2J \xC3\xA7 \xEF\xBF\xBD</text>"),
            std::string::npos);
  EXPECT_EQ(svg.find('\x1b'), std::string::npos);
}

TEST(ChartTest, SvgCutsLongLegendLabelsAndKeepsThemWholeAsTooltips) {
  Chart chart = IndiaSteelChart();
  chart.series[0].label = std::string(60, 'x');
  const std::string svg = RenderSvg({chart});
  EXPECT_NE(svg.find("<title>" + std::string(60, 'x') + "</title>"),
            std::string::npos);
  EXPECT_NE(svg.find(">" + std::string(49, 'x') + "\xE2\x80\xA6</text></g>"),
            std::string::npos);
}

TEST(ChartTest, SvgStacksOnePanelPerChart) {
  Chart cement = IndiaSteelChart();
  cement.title = "India cement decarbonisation pathway (IND, cement)";
  cement.x_min = 2023;
  const std::vector<Chart> charts = {IndiaSteelChart(), cement};
  EXPECT_DOUBLE_EQ(SvgPanelTop(charts, 0), 0);
  EXPECT_DOUBLE_EQ(SvgPanelTop(charts, 1), kSvgPanelHeight);
  EXPECT_DOUBLE_EQ(SvgHeight(charts), 2 * kSvgPanelHeight);
  const ChartMapping second = SvgMapping(charts, 1);
  EXPECT_DOUBLE_EQ(second.X(2023), kSvgPlotLeft);
  EXPECT_DOUBLE_EQ(second.Y(3.0), kSvgPanelHeight + kSvgPlotTop);
  const std::string svg = RenderSvg(charts);
  EXPECT_NE(svg.find("id=\"chart-1\""), std::string::npos);
  EXPECT_NE(svg.find(PointsAttribute(second, cement.series.back().points)),
            std::string::npos);

  // A legend longer than the plot makes its panel taller.
  Chart many = IndiaSteelChart();
  for (int i = 0; i < 30; ++i) {
    many.series.push_back({absl::StrCat("pathway ", i),
                           PathwayStyle(i),
                           {{2020, 1}, {2050, 0.5}},
                           {}});
  }
  EXPECT_DOUBLE_EQ(SvgHeight({many}),
                   kSvgPlotTop + kSvgLegendRowHeight * (34 + 1));
}

TEST(ChartTest, SeriesStylesAreFixed) {
  EXPECT_STREQ(kPlanStyle.svg_color, "#d62728");
  EXPECT_FALSE(kPlanStyle.dotted);
  EXPECT_STREQ(kSdaStyle.svg_color, "#7f7f7f");
  EXPECT_TRUE(kSdaStyle.dotted);
  const std::vector<std::string> colors = {
      "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf",
      "#8c564b", "#e377c2", "#bcbd22", "#aec7e8", "#98df8a",
      "#ffbb78", "#c5b0d5", "#9edae5", "#c49c94", "#f7b6d2",
      "#dbdb8d", "#393b79", "#637939", "#8c6d31", "#7b4173"};
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(PathwayStyle(i).svg_color, colors[i]) << i;
    EXPECT_EQ(PathwayStyle(i + 20).svg_color, colors[i]) << i + 20;
    EXPECT_FALSE(PathwayStyle(i).dotted);
    // None is the plan's or the SDA target's.
    EXPECT_NE(PathwayStyle(i).svg_color, std::string(kPlanStyle.svg_color));
    EXPECT_NE(PathwayStyle(i).svg_color, std::string(kSdaStyle.svg_color));
  }
  EXPECT_EQ(PathwayStyle(0).key, '1');
  EXPECT_EQ(PathwayStyle(8).key, '9');
  EXPECT_EQ(PathwayStyle(9).key, 'a');
  EXPECT_EQ(PathwayStyle(34).key, 'z');
  EXPECT_EQ(PathwayStyle(35).key, '+');
  EXPECT_STREQ(PathwayStyle(0).ansi_color, "34");
}

TEST(ChartTest, BrailleFitsTheWidthWithAFixedNumberOfLines) {
  const Chart chart = IndiaSteelChart();
  for (int width : {40, 80, 132}) {
    const std::vector<std::string> lines =
        Lines(RenderBraille(chart, width, /*color=*/false));
    // Title, subtitle, y axis title, the rows, the x axis, years and x axis
    // title, a blank line, one legend line per series.
    ASSERT_EQ(lines.size(), 3u + kBrailleRows + 3 + 1 + 4) << width;
    for (const std::string& line : lines) {
      EXPECT_LE(CodePoints(line), width) << width << ": " << line;
    }
    const std::string title = "India green steel roadmap (IND, iron and steel)";
    EXPECT_EQ(lines[0], width >= CodePoints(title)
                            ? title
                            : title.substr(0, width - 1) + "\xE2\x80\xA6");
    EXPECT_EQ(lines[2], "tCO2 / t crude steel");
    // Every plot row is the label column, an axis line and the plot.
    const int columns = BraillePlotColumns(chart, width);
    for (int row = 0; row < kBrailleRows; ++row) {
      const std::string& line = lines[3 + row];
      const int length = CodePoints(line);
      EXPECT_TRUE(length == width - 2 || length == width) << line;
    }
    EXPECT_EQ(CodePoints(lines[3 + kBrailleRows]), width - 2);
    EXPECT_GE(columns, 10);
    EXPECT_EQ(lines[3 + kBrailleRows + 3], "");
    EXPECT_EQ(lines.back().substr(0, 2), "  ");
  }
  // Narrower than 40 is drawn 40 wide.
  for (const std::string& line : Lines(RenderBraille(chart, 20, false))) {
    EXPECT_LE(CodePoints(line), kBrailleMinWidth) << line;
  }
}

TEST(ChartTest, BrailleDotsFollowTheMapping) {
  Chart chart;
  chart.title = "flat";
  chart.x_label = "year";
  chart.y_label = "t";
  chart.x_min = 2020;
  chart.x_max = 2050;
  // A line along the top of the axis: y 0..1, at 1 it is dot row 0.
  chart.series.push_back({"top", PathwayStyle(0), {{2020, 1}, {2050, 1}}, {}});
  const int width = 60;
  const ChartMapping mapping = BrailleMapping(chart, width);
  const int columns = BraillePlotColumns(chart, width);
  EXPECT_DOUBLE_EQ(mapping.X(2020), 0);
  EXPECT_DOUBLE_EQ(mapping.X(2050), 2 * columns - 1);
  EXPECT_DOUBLE_EQ(mapping.Y(1), 0);
  EXPECT_DOUBLE_EQ(mapping.Y(0), 4 * kBrailleRows - 1);

  const std::vector<std::string> lines =
      Lines(RenderBraille(chart, width, false));
  // Labels "0.0".."1.0" and a space: 4 columns, then the axis line.
  const std::string top = lines[2];
  std::string row;
  for (int i = 0; i < columns; ++i) row += "\xE2\xA0\x89";  // ⠉: dots 1 and 4
  EXPECT_EQ(top, absl::StrCat(" 1.0\xE2\x94\xA4", row, " 1")) << top;
  // The bottom row holds no dots, only the zero tick.
  EXPECT_EQ(lines[2 + kBrailleRows - 1],
            absl::StrCat(" 0.0\xE2\x94\xA4", std::string(columns, ' ')));
  // 2020 centred on the first plot column.
  EXPECT_EQ(lines[2 + kBrailleRows + 1].substr(0, 7), "   2020");
  EXPECT_EQ(lines.back(), "  \xE2\x94\x81\xE2\x94\x81\xE2\x94\x81 1  top");
}

TEST(ChartTest, BrailleMarksThePlanFiguresAndKeysEachSeries) {
  const std::string text = RenderBraille(IndiaSteelChart(), 80, false);
  EXPECT_NE(text.find("\xE2\x97\x8F"), std::string::npos);  // ●
  EXPECT_NE(text.find("  \xE2\x94\x81\xE2\x94\x81\xE2\x97\x8F P  Plan, "
                      "revision 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("  \xE2\x94\x84\xE2\x94\x84\xE2\x94\x84 S  SDA target "
                      "against TPI 1.5 Degrees, steel (2022)\n"),
            std::string::npos);
  EXPECT_NE(text.find("  \xE2\x94\x81\xE2\x94\x81\xE2\x94\x81 2  TPI Below 2 "
                      "Degrees, steel (2022)\n"),
            std::string::npos);
  // Each key once at the right of the plot.
  const std::vector<std::string> lines = Lines(text);
  std::string keys;
  for (int row = 0; row < kBrailleRows; ++row) {
    const std::string& line = lines[3 + row];
    if (CodePoints(line) == 80) keys += line.back();
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, "12PS");
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(ChartTest, BrailleColoursEachSeriesOnlyWhenAsked) {
  const std::string text = RenderBraille(IndiaSteelChart(), 80, true);
  EXPECT_NE(text.find("\x1b[1;31m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[34m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[90m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[1;31m\xE2\x94\x81\xE2\x94\x81\xE2\x97\x8F\x1b[0m "
                      "\x1b[1;31mP\x1b[0m  Plan, revision 1\n"),
            std::string::npos);
  // Without the escapes, the same text.
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {
      i = text.find('m', i);
      continue;
    }
    plain += text[i];
  }
  EXPECT_EQ(plain, RenderBraille(IndiaSteelChart(), 80, false));
}

TEST(ChartTest, LongTextIsCutToTheWidth) {
  Chart chart = IndiaSteelChart();
  chart.series[0].label = std::string(200, 'x');
  chart.title = std::string(100, 'y');
  const std::vector<std::string> lines = Lines(RenderBraille(chart, 50, false));
  EXPECT_EQ(lines[0], std::string(49, 'y') + "\xE2\x80\xA6");
  bool found = false;
  for (const std::string& line : lines) {
    EXPECT_LE(CodePoints(line), 50) << line;
    if (line.find("xxx\xE2\x80\xA6") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace itp::client
