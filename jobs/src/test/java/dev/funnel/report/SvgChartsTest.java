package dev.funnel.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG chart module: scales, shapes and escaping, checked on parsed XML. */
class SvgChartsTest {
  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rangesRoundOutwardToOneStep() {
    assertArrayEquals(new double[] {0.12, 0.30}, SvgCharts.niceRange(0.1234, 0.2987), 1e-12);
    assertArrayEquals(new double[] {0.2, 0.3}, SvgCharts.niceRange(0.2, 0.3), 1e-12);
    assertArrayEquals(new double[] {0, 200}, SvgCharts.niceRange(2, 196), 1e-9);
    // A flat series gets a range of ±10% around it.
    assertArrayEquals(new double[] {9, 11}, SvgCharts.niceRange(10, 10), 1e-9);
  }

  @Test
  void trendPlacesPointsBandAndFlagsExactly() throws Exception {
    // Range [0.2, 0.3]: 0.2 sits on the bottom line (y 170), 0.3 on the top (y 12); three weeks
    // at x 64, 327 and 590.
    String svg =
        SvgCharts.trend(
            "conversion",
            List.of(
                new SvgCharts.Point("w1", 0.2, 0.22, 0.28, 0.25, false),
                new SvgCharts.Point("w2", 0.3, 0.22, 0.28, 0.25, false),
                new SvgCharts.Point("w3", 0.2, null, null, null, true)),
            v -> Formats.percent(v));
    Document doc = parse(svg);
    Element observed = (Element) byClass(doc, "polyline", "observed").get(0);
    assertEquals("64,170 327,12 590,170", observed.getAttribute("points"));
    Element expected = (Element) byClass(doc, "polyline", "expected").get(0);
    assertEquals("64,91 327,91", expected.getAttribute("points"));
    // One band polygon over the first two weeks: upper 0.28 → y 43.6, lower 0.22 → y 138.4.
    List<Element> bands = byClass(doc, "polygon", "band");
    assertEquals(1, bands.size());
    assertEquals("64,43.6 327,43.6 327,138.4 64,138.4", bands.get(0).getAttribute("points"));
    List<Element> flagged = byClass(doc, "circle", "flagged");
    assertEquals(1, flagged.size());
    assertEquals("590", flagged.get(0).getAttribute("cx"));
    assertEquals(2, byClass(doc, "circle", "point").size());
    assertEquals("0 0 600 200", doc.getDocumentElement().getAttribute("viewBox"));
    assertTrue(svg.contains(">30.0%</text>") && svg.contains(">20.0%</text>"), svg);
  }

  @Test
  void textIsEscaped() throws Exception {
    String hostile = "<script>alert(1)</script>";
    String svg =
        SvgCharts.trend(
            "source = " + hostile,
            List.of(new SvgCharts.Point(hostile, 1.0, null, null, null, false)),
            Formats::count);
    assertFalse(svg.contains("<script>"), svg);
    Document doc = parse(svg);
    assertEquals(0, doc.getElementsByTagName("script").getLength());
    assertEquals("source = " + hostile, doc.getElementsByTagName("title").item(0).getTextContent());
  }

  @Test
  void funnelBarsAreProportionalAndImmatureOnesHatched() throws Exception {
    String svg =
        SvgCharts.funnel(
            "funnel",
            List.of("lead", "mql"),
            List.of("Oct", "Nov"),
            new long[][] {{1000, 500}, {250, 100}},
            new boolean[][] {{false, true}, {false, true}});
    Document doc = parse(svg);
    NodeList rects = doc.getElementsByTagName("rect");
    List<Element> bars = byClass(doc, "rect", "bar");
    List<Element> young = byClass(doc, "rect", "bar immature");
    assertEquals(2, bars.size());
    assertEquals(2, young.size());
    // The longest bar is 600 − 110 − 80 = 410 wide; 500 of 1,000 leads is half of it.
    assertEquals("410", bars.get(0).getAttribute("width"));
    assertEquals("205", young.get(0).getAttribute("width"));
    assertEquals("102.5", bars.get(1).getAttribute("width"));
    assertEquals("url(#immature)", young.get(1).getAttribute("fill"));
    assertTrue(rects.getLength() >= 4);
  }

  static List<Element> byClass(Document doc, String tag, String cls) {
    NodeList nodes = doc.getElementsByTagName(tag);
    List<Element> out = new java.util.ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.getAttribute("class").equals(cls)) {
        out.add(e);
      }
    }
    return out;
  }
}
