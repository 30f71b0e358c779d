// Drawing of `itp benchmark chart`; see chart.h.
#include "client/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace itp::client {
namespace {

// Longest texts in the SVG, in code points: the title, the subtitle and a
// legend label (the legend's column is about 360 pixels wide).
constexpr int kSvgTitleLength = 80;
constexpr int kSvgSubtitleLength = 130;
constexpr int kSvgLegendLength = 50;

// The y axis aims at this many intervals at most.
constexpr int kMaxYIntervals = 6;
// The x axis of years, likewise.
constexpr int kMaxXIntervals = 8;

constexpr SeriesStyle kPathwayStyles[] = {
    {"#1f77b4", "34", false, '1'},       {"#2ca02c", "32", false, '2'},
    {"#ff7f0e", "33", false, '3'},       {"#9467bd", "35", false, '4'},
    {"#17becf", "36", false, '5'},       {"#8c564b", "38;5;130", false, '6'},
    {"#e377c2", "38;5;205", false, '7'}, {"#bcbd22", "38;5;142", false, '8'},
    {"#aec7e8", "38;5;153", false, '9'}, {"#98df8a", "38;5;150", false, 'a'},
    {"#ffbb78", "38;5;216", false, 'b'}, {"#c5b0d5", "38;5;183", false, 'c'},
    {"#9edae5", "38;5;152", false, 'd'}, {"#c49c94", "38;5;181", false, 'e'},
    {"#f7b6d2", "38;5;218", false, 'f'}, {"#dbdb8d", "38;5;186", false, 'g'},
    {"#393b79", "38;5;61", false, 'h'},  {"#637939", "38;5;64", false, 'i'},
    {"#8c6d31", "38;5;136", false, 'j'}, {"#7b4173", "38;5;96", false, 'k'},
};
constexpr char kPathwayKeys[] = "123456789abcdefghijklmnopqrstuvwxyz";

// Decimals enough to write every multiple of `step` exactly (at most 6).
int DecimalsFor(double step) {
  for (int decimals = 0; decimals < 6; ++decimals) {
    const double scaled = step * std::pow(10.0, decimals);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) {
      return decimals;
    }
  }
  return 6;
}

std::string TickLabel(double value, double step) {
  // -0.0 would print as "-0".
  if (std::fabs(value) < step * 1e-9) value = 0;
  return absl::StrFormat("%.*f", DecimalsFor(step), value);
}

// Ticks from `min` to `max` by `step`, computed from the index so that
// rounding errors do not add up.
std::vector<double> TicksBetween(double first, double max, double step) {
  std::vector<double> ticks;
  for (int i = 0;; ++i) {
    const double value = first + i * step;
    if (value > max + step * 1e-9) break;
    ticks.push_back(value);
  }
  return ticks;
}

// Appends `text` escaped for XML character data and attribute values;
// characters XML 1.0 does not allow become U+FFFD.
void AppendXml(std::string* out, absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&':
        out->append("&amp;");
        continue;
      case '<':
        out->append("&lt;");
        continue;
      case '>':
        out->append("&gt;");
        continue;
      case '"':
        out->append("&quot;");
        continue;
      default:
        break;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out->append("\xEF\xBF\xBD");
      continue;
    }
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      continue;
    }
    // A UTF-8 sequence: kept when complete and well-formed, else U+FFFD
    // for its lead byte.
    size_t length = c >= 0xF0 && c < 0xF5 ? 4
                    : c >= 0xE0           ? 3
                    : c >= 0xC2           ? 2
                                          : 0;
    if (c >= 0xF5) length = 0;
    bool ok = length > 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (ok && length == 3) {
      const unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
      // Overlong forms, UTF-16 surrogates, and U+FFFE / U+FFFF.
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) ok = false;
      if (c == 0xEF && c1 == 0xBF &&
          static_cast<unsigned char>(text[i + 2]) >= 0xBE) {
        ok = false;
      }
    }
    if (ok && length == 4) {
      const unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) ok = false;
    }
    if (!ok) {
      out->append("\xEF\xBF\xBD");
      continue;
    }
    out->append(text.data() + i, length);
    i += length - 1;
  }
}

std::string Xml(absl::string_view text) {
  std::string out;
  AppendXml(&out, text);
  return out;
}

// The number of code points of UTF-8 `text` (continuation bytes not
// counted).
int CodePoints(absl::string_view text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// `text` cut to at most `width` code points, ending in "…" when cut.
std::string Fit(absl::string_view text, int width) {
  if (width <= 0) return "";
  if (CodePoints(text) <= width) return std::string(text);
  int kept = 0;
  size_t end = 0;
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80) {
      if (kept == width - 1) break;
      ++kept;
    }
    ++end;
  }
  return absl::StrCat(text.substr(0, end), "\xE2\x80\xA6");
}

std::string Number(double value) { return absl::StrFormat("%.10g", value); }

double PanelHeight(const Chart& chart) {
  const double legend = kSvgPlotTop +
                        kSvgLegendRowHeight * chart.series.size() +
                        kSvgLegendRowHeight;
  return std::max(kSvgPanelHeight, legend);
}

void AppendPolyline(std::string* out, const ChartMapping& mapping,
                    const ChartSeries& series, int index) {
  if (series.points.size() < 2) return;
  absl::StrAppend(out, "<polyline class=\"series\" data-series=\"", index,
                  "\" fill=\"none\" stroke=\"", series.style.svg_color,
                  "\" stroke-width=\"2.5\" stroke-linejoin=\"round\"");
  if (series.style.dotted) {
    out->append(" stroke-dasharray=\"2 5\" stroke-linecap=\"round\"");
  }
  out->append(" points=\"");
  for (size_t i = 0; i < series.points.size(); ++i) {
    if (i > 0) out->push_back(' ');
    absl::StrAppend(out, SvgCoordinate(mapping.X(series.points[i].x)), ",",
                    SvgCoordinate(mapping.Y(series.points[i].y)));
  }
  out->append("\"/>\n");
}

void AppendPanel(std::string* out, const Chart& chart, double top,
                 const ChartMapping& mapping, int panel) {
  const ChartAxis y_axis = YAxisFor(chart);
  const ChartAxis x_axis = YearAxis(chart.x_min, chart.x_max);
  const double left = kSvgPlotLeft;
  const double right = kSvgPlotLeft + kSvgPlotWidth;
  const double plot_top = top + kSvgPlotTop;
  const double bottom = plot_top + kSvgPlotHeight;
  const auto c = SvgCoordinate;

  absl::StrAppend(out, "<g class=\"chart\" id=\"chart-", panel,
                  "\" data-x-min=\"", Number(chart.x_min), "\" data-x-max=\"",
                  Number(chart.x_max), "\" data-y-min=\"", Number(y_axis.min),
                  "\" data-y-max=\"", Number(y_axis.max), "\">\n");
  absl::StrAppend(out, "<text class=\"title\" x=\"", c(left), "\" y=\"",
                  c(top + 32), "\" font-size=\"18\" font-weight=\"bold\">",
                  Xml(Fit(chart.title, kSvgTitleLength)), "</text>\n");
  if (!chart.subtitle.empty()) {
    absl::StrAppend(out, "<text class=\"subtitle\" x=\"", c(left), "\" y=\"",
                    c(top + 54), "\" font-size=\"13\" fill=\"#444444\">",
                    Xml(Fit(chart.subtitle, kSvgSubtitleLength)), "</text>\n");
  }
  for (double tick : y_axis.ticks) {
    const double y = mapping.Y(tick);
    absl::StrAppend(out, "<line class=\"grid\" x1=\"", c(left), "\" y1=\"",
                    c(y), "\" x2=\"", c(right), "\" y2=\"", c(y),
                    "\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>\n");
    absl::StrAppend(out, "<text class=\"y-tick\" x=\"", c(left - 8), "\" y=\"",
                    c(y + 4), "\" font-size=\"12\" text-anchor=\"end\">",
                    TickLabel(tick, y_axis.step), "</text>\n");
  }
  for (double tick : x_axis.ticks) {
    const double x = mapping.X(tick);
    absl::StrAppend(out, "<line class=\"x-tick\" x1=\"", c(x), "\" y1=\"",
                    c(bottom), "\" x2=\"", c(x), "\" y2=\"", c(bottom + 5),
                    "\" stroke=\"#333333\" stroke-width=\"1\"/>\n");
    absl::StrAppend(out, "<text class=\"x-tick\" x=\"", c(x), "\" y=\"",
                    c(bottom + 20),
                    "\" font-size=\"12\" text-anchor=\"middle\">",
                    TickLabel(tick, x_axis.step), "</text>\n");
  }
  absl::StrAppend(out, "<line class=\"axis\" x1=\"", c(left), "\" y1=\"",
                  c(plot_top), "\" x2=\"", c(left), "\" y2=\"", c(bottom),
                  "\" stroke=\"#333333\" stroke-width=\"1\"/>\n");
  absl::StrAppend(out, "<line class=\"axis\" x1=\"", c(left), "\" y1=\"",
                  c(bottom), "\" x2=\"", c(right), "\" y2=\"", c(bottom),
                  "\" stroke=\"#333333\" stroke-width=\"1\"/>\n");
  absl::StrAppend(out, "<text class=\"x-label\" x=\"",
                  c(left + kSvgPlotWidth / 2), "\" y=\"", c(bottom + 44),
                  "\" font-size=\"13\" text-anchor=\"middle\">",
                  Xml(chart.x_label), "</text>\n");
  absl::StrAppend(out, "<text class=\"y-label\" transform=\"translate(", c(28),
                  ",", c(plot_top + kSvgPlotHeight / 2),
                  ") rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">",
                  Xml(chart.y_label), "</text>\n");

  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& series = chart.series[i];
    AppendPolyline(out, mapping, series, static_cast<int>(i));
    for (const ChartPoint& marker : series.markers) {
      absl::StrAppend(out, "<circle class=\"marker\" data-series=\"", i,
                      "\" cx=\"", c(mapping.X(marker.x)), "\" cy=\"",
                      c(mapping.Y(marker.y)), "\" r=\"4\" fill=\"",
                      series.style.svg_color, "\"/>\n");
    }
  }

  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& series = chart.series[i];
    const double y = plot_top + 8 + kSvgLegendRowHeight * i;
    // The whole label as a tooltip when it is cut.
    absl::StrAppend(out, "<g class=\"legend\" data-series=\"", i, "\"><title>",
                    Xml(series.label), "</title>");
    absl::StrAppend(out, "<line x1=\"", c(kSvgLegendLeft), "\" y1=\"", c(y),
                    "\" x2=\"", c(kSvgLegendLeft + 30), "\" y2=\"", c(y),
                    "\" stroke=\"", series.style.svg_color,
                    "\" stroke-width=\"2.5\"",
                    series.style.dotted
                        ? " stroke-dasharray=\"2 5\" stroke-linecap=\"round\""
                        : "",
                    "/>");
    if (!series.markers.empty()) {
      absl::StrAppend(out, "<circle cx=\"", c(kSvgLegendLeft + 15), "\" cy=\"",
                      c(y), "\" r=\"4\" fill=\"", series.style.svg_color,
                      "\"/>");
    }
    absl::StrAppend(out, "<text x=\"", c(kSvgLegendLeft + 38), "\" y=\"",
                    c(y + 4), "\" font-size=\"12\">",
                    Xml(Fit(series.label, kSvgLegendLength)), "</text></g>\n");
  }
  out->append("</g>\n");
}

// The braille grid of one chart: per text cell, the dots set and the series
// that set the last of them (or drew a marker there).
class BrailleCanvas {
 public:
  BrailleCanvas(int columns, int rows)
      : columns_(columns),
        rows_(rows),
        dots_(columns * rows, 0),
        owner_(columns * rows, -1),
        marker_(columns * rows, false) {}

  void Dot(int x, int y, int series) {
    if (x < 0 || y < 0 || x >= columns_ * 2 || y >= rows_ * 4) return;
    // Bit of dot (column, row) within a cell, as Unicode numbers them.
    static constexpr uint8_t kBits[4][2] = {
        {0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
    const int cell = (y / 4) * columns_ + x / 2;
    dots_[cell] |= kBits[y % 4][x % 2];
    owner_[cell] = series;
  }

  // A line of dots from (x0, y0) to (x1, y1) (Bresenham); with `dotted`,
  // every third dot only, counted along all lines of the series.
  void Line(int x0, int y0, int x1, int y1, int series, bool dotted,
            int* step) {
    const int dx = std::abs(x1 - x0);
    const int dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1;
    const int sy = y0 < y1 ? 1 : -1;
    int error = dx + dy;
    while (true) {
      if (!dotted || (*step)++ % 3 == 0) Dot(x0, y0, series);
      if (x0 == x1 && y0 == y1) break;
      const int e2 = 2 * error;
      if (e2 >= dy) {
        error += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        error += dx;
        y0 += sy;
      }
    }
  }

  void Marker(int x, int y, int series) {
    if (x < 0 || y < 0 || x >= columns_ * 2 || y >= rows_ * 4) return;
    const int cell = (y / 4) * columns_ + x / 2;
    marker_[cell] = true;
    owner_[cell] = series;
  }

  // The row as text; `colors[series]` is the SGR parameter of each series,
  // or empty without colour.
  std::string Row(int row, const std::vector<std::string>& colors) const {
    std::string out;
    int open = -1;
    for (int column = 0; column < columns_; ++column) {
      const int cell = row * columns_ + column;
      const bool blank = dots_[cell] == 0 && !marker_[cell];
      const int owner = blank ? -1 : owner_[cell];
      if (!colors.empty() && owner != open) {
        if (open >= 0) out.append("\x1b[0m");
        if (owner >= 0) absl::StrAppend(&out, "\x1b[", colors[owner], "m");
        open = owner;
      }
      if (blank) {
        out.push_back(' ');
      } else if (marker_[cell]) {
        out.append("\xE2\x97\x8F");  // ●
      } else {
        const uint8_t bits = dots_[cell];
        out.push_back(static_cast<char>(0xE2));
        out.push_back(static_cast<char>(0xA0 | (bits >> 6)));
        out.push_back(static_cast<char>(0x80 | (bits & 0x3F)));
      }
    }
    if (open >= 0) out.append("\x1b[0m");
    return out;
  }

 private:
  int columns_;
  int rows_;
  std::vector<uint8_t> dots_;
  std::vector<int> owner_;
  std::vector<bool> marker_;
};

// The width of the y tick label column of `chart`, without the axis line.
int YLabelWidth(const Chart& chart) {
  const ChartAxis axis = YAxisFor(chart);
  int width = 1;
  for (double tick : axis.ticks) {
    width = std::max(width, CodePoints(TickLabel(tick, axis.step)));
  }
  return width + 1;
}

// Columns right of the plot: a space and a series key.
constexpr int kKeyColumns = 2;
constexpr int kMinPlotColumns = 10;

std::string Colored(absl::string_view text, const char* sgr, bool color) {
  if (!color) return std::string(text);
  return absl::StrCat("\x1b[", sgr, "m", text, "\x1b[0m");
}

}  // namespace

SeriesStyle PathwayStyle(int index) {
  constexpr int kColors = sizeof(kPathwayStyles) / sizeof(kPathwayStyles[0]);
  constexpr int kKeys = sizeof(kPathwayKeys) - 1;
  index = std::max(index, 0);
  SeriesStyle style = kPathwayStyles[index % kColors];
  style.key = index < kKeys ? kPathwayKeys[index] : '+';
  return style;
}

ChartAxis YAxisFor(const Chart& chart) {
  double lo = 0;
  double hi = std::numeric_limits<double>::lowest();
  auto see = [&](const ChartPoint& p) {
    if (!std::isfinite(p.y)) return;
    lo = std::min(lo, p.y);
    hi = std::max(hi, p.y);
  };
  for (const ChartSeries& series : chart.series) {
    for (const ChartPoint& p : series.points) see(p);
    for (const ChartPoint& p : series.markers) see(p);
  }
  if (!(hi > lo)) hi = lo + 1;
  const double range = hi - lo;
  const double raw = range / kMaxYIntervals;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude * kMaxYIntervals >= range * (1 - 1e-9)) {
      step = m * magnitude;
      break;
    }
  }
  ChartAxis axis;
  axis.step = step;
  axis.min = std::floor(lo / step + 1e-9) * step;
  axis.max = std::ceil(hi / step - 1e-9) * step;
  axis.ticks = TicksBetween(axis.min, axis.max, step);
  return axis;
}

ChartAxis YearAxis(double min, double max) {
  ChartAxis axis;
  axis.min = min;
  axis.max = max;
  const double range = std::max(max - min, 1.0);
  double step = 1;
  for (double magnitude = 1;; magnitude *= 10) {
    bool found = false;
    for (double m : {1.0, 2.0, 5.0}) {
      if (range / (m * magnitude) <= kMaxXIntervals) {
        step = m * magnitude;
        found = true;
        break;
      }
    }
    if (found) break;
  }
  axis.step = step;
  axis.ticks = TicksBetween(std::ceil(min / step - 1e-9) * step, max, step);
  return axis;
}

ChartMapping::ChartMapping(double left, double top, double width, double height,
                           double x_min, double x_max, double y_min,
                           double y_max)
    : left_(left),
      top_(top),
      width_(width),
      height_(height),
      x_min_(x_min),
      x_max_(x_max),
      y_min_(y_min),
      y_max_(y_max) {}

double ChartMapping::X(double x) const {
  if (!(x_max_ > x_min_)) return left_;
  return left_ + (x - x_min_) / (x_max_ - x_min_) * width_;
}

double ChartMapping::Y(double y) const {
  if (!(y_max_ > y_min_)) return top_ + height_;
  return top_ + height_ - (y - y_min_) / (y_max_ - y_min_) * height_;
}

double SvgPanelTop(const std::vector<Chart>& charts, int index) {
  double top = 0;
  for (int i = 0; i < index && i < static_cast<int>(charts.size()); ++i) {
    top += PanelHeight(charts[i]);
  }
  return top;
}

double SvgHeight(const std::vector<Chart>& charts) {
  return SvgPanelTop(charts, static_cast<int>(charts.size()));
}

ChartMapping SvgMapping(const std::vector<Chart>& charts, int index) {
  const Chart& chart = charts[index];
  const ChartAxis y = YAxisFor(chart);
  return ChartMapping(kSvgPlotLeft, SvgPanelTop(charts, index) + kSvgPlotTop,
                      kSvgPlotWidth, kSvgPlotHeight, chart.x_min, chart.x_max,
                      y.min, y.max);
}

std::string SvgCoordinate(double value) {
  // Never "-0.00".
  if (std::fabs(value) < 0.005) value = 0;
  return absl::StrFormat("%.2f", value);
}

std::string RenderSvg(const std::vector<Chart>& charts) {
  const std::string width = SvgCoordinate(kSvgWidth);
  const std::string height = SvgCoordinate(SvgHeight(charts));
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"",
      width, "\" height=\"", height, "\" viewBox=\"0 0 ", width, " ", height,
      "\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" "
      "fill=\"#222222\">\n",
      "<rect x=\"0\" y=\"0\" width=\"", width, "\" height=\"", height,
      "\" fill=\"#ffffff\"/>\n");
  for (size_t i = 0; i < charts.size(); ++i) {
    const int index = static_cast<int>(i);
    AppendPanel(&out, charts[i], SvgPanelTop(charts, index),
                SvgMapping(charts, index), index);
  }
  out.append("</svg>\n");
  return out;
}

int BraillePlotColumns(const Chart& chart, int width) {
  width = std::max(width, kBrailleMinWidth);
  return std::max(kMinPlotColumns,
                  width - (YLabelWidth(chart) + 1) - kKeyColumns);
}

ChartMapping BrailleMapping(const Chart& chart, int width) {
  const ChartAxis y = YAxisFor(chart);
  return ChartMapping(0, 0, 2 * BraillePlotColumns(chart, width) - 1,
                      4 * kBrailleRows - 1, chart.x_min, chart.x_max, y.min,
                      y.max);
}

std::string RenderBraille(const Chart& chart, int width, bool color) {
  width = std::max(width, kBrailleMinWidth);
  const int label_width = YLabelWidth(chart);
  const int columns = BraillePlotColumns(chart, width);
  const ChartMapping mapping = BrailleMapping(chart, width);
  const ChartAxis y_axis = YAxisFor(chart);
  const ChartAxis x_axis = YearAxis(chart.x_min, chart.x_max);
  auto dot_x = [&](double x) {
    return static_cast<int>(std::lround(mapping.X(x)));
  };
  auto dot_y = [&](double y) {
    return static_cast<int>(std::lround(mapping.Y(y)));
  };

  BrailleCanvas canvas(columns, kBrailleRows);
  // The key of each series in the right margin, by text row.
  std::vector<char> keys(kBrailleRows, ' ');
  std::vector<int> key_owner(kBrailleRows, -1);
  std::vector<std::string> colors;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& series = chart.series[i];
    const int index = static_cast<int>(i);
    if (color) colors.push_back(series.style.ansi_color);
    int step = 0;
    for (size_t k = 0; k < series.points.size(); ++k) {
      const ChartPoint& to = series.points[k];
      const ChartPoint& from = series.points[k == 0 ? 0 : k - 1];
      canvas.Line(dot_x(from.x), dot_y(from.y), dot_x(to.x), dot_y(to.y), index,
                  series.style.dotted, &step);
    }
    for (const ChartPoint& m : series.markers) {
      canvas.Marker(dot_x(m.x), dot_y(m.y), index);
    }
    if (!series.points.empty()) {
      const int wanted =
          std::clamp(dot_y(series.points.back().y) / 4, 0, kBrailleRows - 1);
      for (int offset = 0; offset < kBrailleRows; ++offset) {
        const int up = wanted - offset;
        const int down = wanted + offset;
        int row = -1;
        if (down < kBrailleRows && keys[down] == ' ') {
          row = down;
        } else if (up >= 0 && keys[up] == ' ') {
          row = up;
        }
        if (row >= 0) {
          keys[row] = series.style.key;
          key_owner[row] = index;
          break;
        }
      }
    }
  }

  // Tick labels by text row; the first tick of a row wins.
  std::vector<std::string> y_labels(kBrailleRows);
  for (double tick : y_axis.ticks) {
    const int row = std::clamp(dot_y(tick) / 4, 0, kBrailleRows - 1);
    if (y_labels[row].empty()) y_labels[row] = TickLabel(tick, y_axis.step);
  }

  std::string out;
  absl::StrAppend(&out, Fit(chart.title, width), "\n");
  if (!chart.subtitle.empty()) {
    absl::StrAppend(&out, Fit(chart.subtitle, width), "\n");
  }
  absl::StrAppend(&out, Fit(chart.y_label, width), "\n");
  for (int row = 0; row < kBrailleRows; ++row) {
    const std::string& label = y_labels[row];
    absl::StrAppend(&out, std::string(label_width - CodePoints(label), ' '),
                    label, label.empty() ? "\xE2\x94\x82" : "\xE2\x94\xA4",
                    canvas.Row(row, colors));
    if (keys[row] != ' ') {
      const char key[] = {keys[row], '\0'};
      absl::StrAppend(
          &out, " ",
          Colored(key, chart.series[key_owner[row]].style.ansi_color, color));
    }
    out.append("\n");
  }

  // The x axis, its ticks and the year labels, centred on their tick.
  std::vector<bool> tick_at(columns, false);
  for (double tick : x_axis.ticks) {
    tick_at[std::clamp(dot_x(tick) / 2, 0, columns - 1)] = true;
  }
  absl::StrAppend(&out, std::string(label_width, ' '), "\xE2\x94\x94");
  for (int column = 0; column < columns; ++column) {
    out.append(tick_at[column] ? "\xE2\x94\xAC" : "\xE2\x94\x80");
  }
  out.append("\n");
  std::string years;
  int used = 0;
  for (double tick : x_axis.ticks) {
    const std::string label = TickLabel(tick, x_axis.step);
    const int length = CodePoints(label);
    const int centre =
        label_width + 1 + std::clamp(dot_x(tick) / 2, 0, columns - 1);
    int start = std::max(centre - length / 2, 0);
    if (start + length > width) start = width - length;
    if (start < used + (used > 0 ? 1 : 0)) continue;
    absl::StrAppend(&years, std::string(start - used, ' '), label);
    used = start + length;
  }
  absl::StrAppend(&out, years, "\n");
  const int x_label_length = CodePoints(chart.x_label);
  const int x_label_start =
      std::max(0, label_width + 1 + (columns - x_label_length) / 2);
  absl::StrAppend(&out, std::string(x_label_start, ' '),
                  Fit(chart.x_label, width - x_label_start), "\n\n");

  for (const ChartSeries& series : chart.series) {
    const char* glyph =
        !series.markers.empty() ? "\xE2\x94\x81\xE2\x94\x81\xE2\x97\x8F"
        : series.style.dotted   ? "\xE2\x94\x84\xE2\x94\x84\xE2\x94\x84"
                                : "\xE2\x94\x81\xE2\x94\x81\xE2\x94\x81";
    const char key[] = {series.style.key, '\0'};
    // "  " glyph " " key "  ": 9 columns before the label.
    absl::StrAppend(&out, "  ", Colored(glyph, series.style.ansi_color, color),
                    " ", Colored(key, series.style.ansi_color, color), "  ",
                    Fit(series.label, width - 9), "\n");
  }
  return out;
}

}  // namespace itp::client
