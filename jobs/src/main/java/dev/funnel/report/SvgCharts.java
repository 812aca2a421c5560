package dev.funnel.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The report's charts as inline SVG: a trend line with its expected band and flagged weeks, and a
 * funnel of leads per stage for several months. Pure functions of their data; every text is escaped
 * here, since the SVG is placed into the HTML as markup. Sized by a viewBox, so the charts scale to
 * the page width (a phone's 375 px included) and print as vectors.
 */
public final class SvgCharts {
  /** Width of the trend chart's coordinate system. */
  static final double TREND_WIDTH = 600;

  /** Height of the trend chart's coordinate system. */
  static final double TREND_HEIGHT = 200;

  static final double LEFT = 64;
  static final double RIGHT = 590;
  static final double TOP = 12;
  static final double BOTTOM = 170;

  /** Colours: observed line, band, flagged marks, funnel months (oldest first). */
  static final String INK = "#1f4e79";

  static final String BAND = "#c9dcef";
  static final String FLAG = "#c0392b";
  static final String[] MONTHS = {"#c6d5e6", "#9cb6d3", "#6c93bd", "#1f4e79"};

  private SvgCharts() {}

  /**
   * One week of a trend: the observed value (null when not observed) and the band and expected
   * value of the check that judged it (null where none did).
   */
  public record Point(
      String label, Double value, Double lower, Double upper, Double expected, boolean flagged) {}

  /**
   * A trend chart: observed values as a line with dots, the band in which a value is not flagged
   * shaded, the expected value dashed, flagged weeks as larger red dots. {@code format} labels the
   * value axis.
   */
  public static String trend(String title, List<Point> points, DoubleFunction<String> format) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Point p : points) {
      for (Double v : new Double[] {p.value(), p.lower(), p.upper(), p.expected()}) {
        if (v != null && !v.isNaN()) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (min > max) {
      min = 0;
      max = 1;
    }
    double[] range = niceRange(min, max);
    StringBuilder svg = open(TREND_WIDTH, TREND_HEIGHT, title);
    // Axes: two value labels and a baseline.
    svg.append(line(LEFT, BOTTOM, RIGHT, BOTTOM, "#999"));
    svg.append(line(LEFT, TOP, RIGHT, TOP, "#e3e3e3"));
    svg.append(text(LEFT - 6, y(range[1], range) + 4, "end", 11, format.apply(range[1])));
    svg.append(text(LEFT - 6, y(range[0], range) + 4, "end", 11, format.apply(range[0])));
    int n = points.size();
    // The band, one polygon per unbroken run of weeks that have one.
    for (List<Integer> run : bandRuns(points)) {
      StringBuilder poly = new StringBuilder();
      for (int i : run) {
        poly.append(fmt(x(i, n)))
            .append(',')
            .append(fmt(y(points.get(i).upper(), range)))
            .append(' ');
      }
      for (int k = run.size() - 1; k >= 0; k--) {
        int i = run.get(k);
        poly.append(fmt(x(i, n)))
            .append(',')
            .append(fmt(y(points.get(i).lower(), range)))
            .append(' ');
      }
      svg.append("<polygon class=\"band\" points=\"")
          .append(poly.toString().trim())
          .append("\" fill=\"")
          .append(BAND)
          .append("\" fill-opacity=\"0.7\"/>");
    }
    // The expected value, dashed.
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (points.get(i).expected() != null) {
        expected
            .append(fmt(x(i, n)))
            .append(',')
            .append(fmt(y(points.get(i).expected(), range)))
            .append(' ');
      }
    }
    if (!expected.isEmpty()) {
      svg.append("<polyline class=\"expected\" points=\"")
          .append(expected.toString().trim())
          .append(
              "\" fill=\"none\" stroke=\"#6b7b8c\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>");
    }
    // The observed values.
    StringBuilder observed = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (points.get(i).value() != null) {
        observed
            .append(fmt(x(i, n)))
            .append(',')
            .append(fmt(y(points.get(i).value(), range)))
            .append(' ');
      }
    }
    if (!observed.isEmpty()) {
      svg.append("<polyline class=\"observed\" points=\"")
          .append(observed.toString().trim())
          .append("\" fill=\"none\" stroke=\"")
          .append(INK)
          .append("\" stroke-width=\"2\"/>");
    }
    for (int i = 0; i < n; i++) {
      Point p = points.get(i);
      if (p.value() == null) {
        continue;
      }
      svg.append("<circle class=\"")
          .append(p.flagged() ? "flagged" : "point")
          .append("\" cx=\"")
          .append(fmt(x(i, n)))
          .append("\" cy=\"")
          .append(fmt(y(p.value(), range)))
          .append("\" r=\"")
          .append(p.flagged() ? "5.5" : "3")
          .append("\" fill=\"")
          .append(p.flagged() ? FLAG : INK)
          .append("\"><title>")
          .append(
              escape(
                  p.label() + ": " + format.apply(p.value()) + (p.flagged() ? " (flagged)" : "")))
          .append("</title></circle>");
    }
    // Week labels: first, middle and last.
    if (n > 0) {
      for (int i : new java.util.TreeSet<>(List.of(0, (n - 1) / 2, n - 1))) {
        String anchor = i == 0 ? "start" : i == n - 1 ? "end" : "middle";
        svg.append(text(x(i, n), BOTTOM + 18, anchor, 11, points.get(i).label()));
      }
    }
    return svg.append("</svg>").toString();
  }

  /**
   * A funnel chart: one group of bars per stage, one bar per period (oldest first, the latest the
   * darkest), length proportional to the leads; bars of immature cohorts are hatched and their
   * label ends in an asterisk.
   *
   * @param stages row labels
   * @param periods period labels, oldest first
   * @param leads leads[stage][period]
   * @param immature immature[stage][period]
   */
  public static String funnel(
      String title,
      List<String> stages,
      List<String> periods,
      long[][] leads,
      boolean[][] immature) {
    double labelWidth = 110;
    double barHeight = 13;
    double gap = 3;
    double group = periods.size() * (barHeight + gap) + 12;
    double legend = 40;
    double height = stages.size() * group + legend;
    double width = TREND_WIDTH;
    double barMax = width - labelWidth - 80;
    long max = 1;
    for (long[] row : leads) {
      for (long v : row) {
        max = Math.max(max, v);
      }
    }
    StringBuilder svg = open(width, height, title);
    svg.append(
        "<defs><pattern id=\"immature\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
            + " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
            + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#6c93bd\" stroke-width=\"3\"/>"
            + "</pattern></defs>");
    for (int s = 0; s < stages.size(); s++) {
      double top = s * group + 6;
      svg.append(text(0, top + group / 2 - 2, "start", 12, stages.get(s)));
      for (int p = 0; p < periods.size(); p++) {
        double y = top + p * (barHeight + gap);
        double w = Math.max(1, barMax * leads[s][p] / max);
        boolean young = immature[s][p];
        svg.append("<rect class=\"bar")
            .append(young ? " immature" : "")
            .append("\" x=\"")
            .append(fmt(labelWidth))
            .append("\" y=\"")
            .append(fmt(y))
            .append("\" width=\"")
            .append(fmt(w))
            .append("\" height=\"")
            .append(fmt(barHeight))
            .append("\" fill=\"")
            .append(
                young
                    ? "url(#immature)"
                    : MONTHS[Math.min(MONTHS.length - 1, MONTHS.length - periods.size() + p)])
            .append("\"")
            .append(young ? " stroke=\"#1f4e79\" stroke-dasharray=\"3 2\"" : "")
            .append("><title>")
            .append(
                escape(
                    stages.get(s)
                        + ", "
                        + periods.get(p)
                        + ": "
                        + Formats.count(leads[s][p])
                        + " leads"
                        + (young ? " (immature)" : "")))
            .append("</title></rect>");
        svg.append(
            text(
                labelWidth + w + 4,
                y + barHeight - 2,
                "start",
                11,
                periods.get(p) + "  " + Formats.count(leads[s][p]) + (young ? "*" : "")));
      }
    }
    double ly = stages.size() * group + 14;
    svg.append(
        text(
            0,
            ly + 12,
            "start",
            11,
            "Bars: leads entering each stage per month, oldest first. * hatched: immature cohort,"
                + " still inside the conversion window."));
    return svg.append("</svg>").toString();
  }

  /** Value range rounded outward to one significant step, never empty. */
  static double[] niceRange(double min, double max) {
    if (max - min < 1e-12) {
      double pad = Math.abs(max) > 0 ? Math.abs(max) * 0.1 : 1;
      min -= pad;
      max += pad;
    }
    double step = Math.pow(10, Math.floor(Math.log10(max - min)) - 1);
    double lo = Math.floor(min / step) * step;
    double hi = Math.ceil(max / step) * step;
    if (min >= 0 && lo < 0) {
      lo = 0;
    }
    return new double[] {lo, hi};
  }

  /** The x coordinate of point i of n, evenly spaced over the plot area. */
  static double x(int i, int n) {
    return n <= 1 ? (LEFT + RIGHT) / 2 : LEFT + (RIGHT - LEFT) * i / (n - 1);
  }

  /** The y coordinate of a value within the range (larger values higher). */
  static double y(double value, double[] range) {
    return BOTTOM - (BOTTOM - TOP) * (value - range[0]) / (range[1] - range[0]);
  }

  /** Index runs of consecutive points that have both ends of a band. */
  private static List<List<Integer>> bandRuns(List<Point> points) {
    List<List<Integer>> runs = new ArrayList<>();
    List<Integer> run = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (p.lower() != null && p.upper() != null) {
        run.add(i);
      } else if (!run.isEmpty()) {
        runs.add(run);
        run = new ArrayList<>();
      }
    }
    if (!run.isEmpty()) {
      runs.add(run);
    }
    return runs;
  }

  private static StringBuilder open(double width, double height, String title) {
    return new StringBuilder()
        .append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
        .append(fmt(width))
        .append(' ')
        .append(fmt(height))
        .append("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" style=\"max-width:")
        .append(fmt(width))
        .append("px;height:auto;display:block\" font-family=\"Helvetica, Arial, sans-serif\">")
        .append("<title>")
        .append(escape(title))
        .append("</title>");
  }

  private static String line(double x1, double y1, double x2, double y2, String stroke) {
    return "<line x1=\""
        + fmt(x1)
        + "\" y1=\""
        + fmt(y1)
        + "\" x2=\""
        + fmt(x2)
        + "\" y2=\""
        + fmt(y2)
        + "\" stroke=\""
        + stroke
        + "\"/>";
  }

  private static String text(double x, double y, String anchor, int size, String content) {
    return "<text x=\""
        + fmt(x)
        + "\" y=\""
        + fmt(y)
        + "\" text-anchor=\""
        + anchor
        + "\" font-size=\""
        + size
        + "\" fill=\"#333\">"
        + escape(content)
        + "</text>";
  }

  /** Escapes text for XML content and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A coordinate with at most two decimals, without locale surprises. */
  static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    return s.equals("-0") ? "0" : s;
  }
}
