// Line charts for `itp benchmark chart`: pure functions from data series to an
// SVG document or to Unicode braille text for a terminal. No I/O and no
// protobuf: the command (commands_chart.cc) turns a plan and its reference
// pathways into Charts, and this file only draws them. The data-to-pixel
// mapping is public so that tests can compute where a value is drawn.
//
//   Chart chart;
//   chart.title = "India green steel roadmap (IND, iron and steel)";
//   chart.x_min = 2020;
//   chart.x_max = 2050;
//   chart.series.push_back({"Plan", kPlanStyle, {{2020, 2.54}, {2050, 1.0}}});
//   std::string svg = RenderSvg({chart});
//   std::string text = RenderBraille(chart, 80, /*color=*/false);
//
// Geometry of the SVG. Every chart is a panel kSvgWidth wide, stacked top to
// bottom; panel k starts at SvgPanelTop(charts, k). Within a panel the plot
// area is the rectangle from (kSvgPlotLeft, panel top + kSvgPlotTop),
// kSvgPlotWidth x kSvgPlotHeight pixels. The x axis runs from x_min at the
// left edge to x_max at the right edge; the y axis from YAxisFor(chart).min
// at the bottom edge to its max at the top edge, linearly:
//
//   px = kSvgPlotLeft + (x - x_min) / (x_max - x_min) * kSvgPlotWidth
//   py = top + kSvgPlotTop + kSvgPlotHeight
//        - (y - y_min) / (y_max - y_min) * kSvgPlotHeight
//
// Series colours are fixed (kPlanStyle, kSdaStyle, PathwayStyle(i)); see the
// table at PathwayStyle.
#ifndef ITP_CLIENT_CHART_H_
#define ITP_CLIENT_CHART_H_

#include <string>
#include <vector>

namespace itp::client {

// One value of a series: x in data units (a year), y in the chart's unit.
struct ChartPoint {
  double x = 0;
  double y = 0;
};

// How a series looks: its colour in SVG (#rrggbb) and in a terminal (an ANSI
// SGR parameter string such as "31" or "38;5;130"), solid or dotted, and the
// one-character key that labels it in terminal output.
struct SeriesStyle {
  const char* svg_color;
  const char* ansi_color;
  bool dotted;
  char key;
};

// The plan's own line: solid red, with dots at its markers; key 'P'.
inline constexpr SeriesStyle kPlanStyle = {"#d62728", "1;31", false, 'P'};
// The SDA target path: dotted grey; key 'S'.
inline constexpr SeriesStyle kSdaStyle = {"#7f7f7f", "90", true, 'S'};

// The style of the `index`-th reference pathway (0-based, in the order drawn,
// which for `itp benchmark chart` is the order ListPathways returns: by name).
// Solid, keys '1'..'9' then 'a'..'z' (then '+'); the colours of the first 20
// (then again from the first), with their ANSI SGR parameters:
//    0 #1f77b4 blue     34           10 #ffbb78 light orange  38;5;216
//    1 #2ca02c green    32           11 #c5b0d5 light purple  38;5;183
//    2 #ff7f0e orange   33           12 #9edae5 light cyan    38;5;152
//    3 #9467bd purple   35           13 #c49c94 light brown   38;5;181
//    4 #17becf cyan     36           14 #f7b6d2 light pink    38;5;218
//    5 #8c564b brown    38;5;130     15 #dbdb8d light olive   38;5;186
//    6 #e377c2 pink     38;5;205     16 #393b79 indigo        38;5;61
//    7 #bcbd22 olive    38;5;142     17 #637939 moss          38;5;64
//    8 #aec7e8 light blue 38;5;153   18 #8c6d31 ochre         38;5;136
//    9 #98df8a light green 38;5;150  19 #7b4173 plum          38;5;96
SeriesStyle PathwayStyle(int index);

// A line of the chart.
struct ChartSeries {
  // The legend text.
  std::string label;
  SeriesStyle style;
  // The polyline, in increasing x, inside [x_min, x_max]; may be empty.
  std::vector<ChartPoint> points;
  // Points marked with a dot (the plan's own figures).
  std::vector<ChartPoint> markers;
};

struct Chart {
  std::string title;
  // A smaller second heading line; may be empty.
  std::string subtitle;
  // Axis titles with units, e.g. "year" and "tCO2 / t crude steel".
  std::string x_label;
  std::string y_label;
  // The x range drawn; x_max > x_min.
  double x_min = 0;
  double x_max = 1;
  // Drawn in order: later series on top of earlier ones.
  std::vector<ChartSeries> series;
};

// An axis: its range and the tick values from min to max (both included for
// the y axis).
struct ChartAxis {
  double min = 0;
  double max = 1;
  double step = 1;
  std::vector<double> ticks;
};

// The y axis of `chart`: from 0 (or the lowest value, if negative) up to the
// smallest multiple of `step` at or above the highest value of any series
// point or marker, where step is the smallest of 1, 2, 2.5, 5 x 10^k giving
// at most 6 intervals. A chart without points (or only zeros) gets 0..1.
ChartAxis YAxisFor(const Chart& chart);

// The x axis of a year range: min and max as given, ticks at the multiples
// of the smallest of 1, 2, 5 x 10^k years that gives at most 8 intervals
// within [min, max]. For 2020..2050: 2020, 2025, ..., 2050.
ChartAxis YearAxis(double min, double max);

// A linear map from data to pixel coordinates (y grows downwards).
class ChartMapping {
 public:
  // Maps [x_min, x_max] to [left, left + width] and [y_min, y_max] to
  // [top + height, top].
  ChartMapping(double left, double top, double width, double height,
               double x_min, double x_max, double y_min, double y_max);

  double X(double x) const;
  double Y(double y) const;

 private:
  double left_, top_, width_, height_;
  double x_min_, x_max_, y_min_, y_max_;
};

// SVG layout constants, in pixels (see the top of this file).
inline constexpr double kSvgWidth = 1080;
inline constexpr double kSvgPanelHeight = 560;
inline constexpr double kSvgPlotLeft = 90;
inline constexpr double kSvgPlotTop = 80;
inline constexpr double kSvgPlotWidth = 560;
inline constexpr double kSvgPlotHeight = 400;
// The legend: to the right of the plot area, one entry per series from the
// plot area's top, kSvgLegendRowHeight apart. A panel grows below
// kSvgPanelHeight when its legend needs more room.
inline constexpr double kSvgLegendLeft = 680;
inline constexpr double kSvgLegendRowHeight = 22;

// Where panel `index` of `charts` starts, and the whole document's height.
double SvgPanelTop(const std::vector<Chart>& charts, int index);
double SvgHeight(const std::vector<Chart>& charts);

// The mapping of panel `index` of `charts` in RenderSvg's document.
ChartMapping SvgMapping(const std::vector<Chart>& charts, int index);

// A coordinate as RenderSvg writes it: two decimals ("123.40").
std::string SvgCoordinate(double value);

// A standalone SVG 1.1 document of `charts`, one panel each: white
// background, title and subtitle, y grid lines and tick labels, x ticks, axis
// titles, one <polyline> per series with at least two points (points
// "x,y x,y ..." in SvgCoordinate form; stroke the series' svg_color;
// stroke-dasharray when dotted), one <circle> per marker (r 4, filled with the
// series colour), and the legend (each entry a <g class="legend"> with the
// whole label as its <title>). The title, subtitle and legend labels are cut
// to 80, 130 and 50 code points, ending in "…". Text is XML-escaped;
// characters XML 1.0 does not allow are replaced with U+FFFD.
std::string RenderSvg(const std::vector<Chart>& charts);

// Braille layout: the plot has kBrailleRows rows of text, each braille cell
// 2 dots wide and 4 high.
inline constexpr int kBrailleRows = 16;
// The narrowest output RenderBraille produces; smaller widths are raised.
inline constexpr int kBrailleMinWidth = 40;

// The mapping of RenderBraille's dot grid for `chart` at `width`: dot column
// 0 .. 2 * PlotColumns - 1 from x_min to x_max, dot row 0 (top) ..
// 4 * kBrailleRows - 1 (bottom) from YAxisFor(chart).max to min; values are
// rounded to the nearest dot.
ChartMapping BrailleMapping(const Chart& chart, int width);
// How many text columns the plot itself takes at `width`.
int BraillePlotColumns(const Chart& chart, int width);

// The chart as text for a terminal, every line at most max(width,
// kBrailleMinWidth) characters (code points) and ending in "\n": the title,
// the subtitle when set, the y axis title, kBrailleRows rows of braille
// (U+2800-U+28FF) with y tick labels on the left and each series' key at its
// last point on the right, the x axis, year labels and x axis title, a blank
// line, then the legend: one line per series, "  <glyph> <key> <label>",
// where the glyph is "━━●" for a series with markers, "┄┄┄" for a dotted one
// and "━━━" otherwise. Plan markers are drawn as "●". With `color`, each
// series' cells, glyph and key are wrapped in its ANSI colour; text is
// otherwise passed as given (sanitise partner text before).
std::string RenderBraille(const Chart& chart, int width, bool color);

}  // namespace itp::client

#endif  // ITP_CLIENT_CHART_H_
