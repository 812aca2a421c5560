package dev.funnel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report's content from hand-made rows, a week with several flags and one without: every figure
 * against hand-worked values, and the hostile dimension value inert in HTML and Markdown.
 */
class ReportContentTest {
  static WeeklyReport build(boolean flags) {
    return ReportBuilder.build(
        ReportFixture.config(),
        ReportFixture.WEEK,
        ReportFixture.input(flags),
        WeeklyReports.settings(ReportFixture.config()));
  }

  @Test
  void aWeekWithSeveralFlagsListsThemMostSevereFirst() {
    WeeklyReport r = build(true);
    assertEquals("Funnel report 2026-W48: 2 critical, 1 warning", r.subject());
    assertEquals(2, r.headline().critical());
    assertEquals(1, r.headline().warnings());
    assertEquals("2 critical flags and 1 warning this week.", r.headline().summary());
    assertEquals(2, r.headline().criticalSentences().size());
    // Critical by q-value (0.001, then 0.004), then the warning.
    assertEquals(
        List.of("CONVERSION_DROP", "VOLUME_DROP", "SLA_BREACH_RATE"),
        r.anomalies().stream().map(WeeklyReport.Anomaly::kind).toList());
    WeeklyReport.Anomaly drop = r.anomalies().get(0);
    assertEquals("18.0%", drop.observedText());
    assertEquals("25.0%", drop.expectedText());
    assertEquals("20.0% to 30.0%", drop.bandText());
    assertEquals("200", drop.leadsText());
    assertEquals("week of 16 Nov 2026", drop.periodText());
    assertEquals("flagged since 24 Nov 2026", drop.sinceText());
    assertEquals("q = 0.001", drop.qText());
    // 12 weeks of trend, 31 Aug … 23 Nov; the last two flagged.
    List<WeeklyReport.ChartPoint> weeks = drop.chart().weeks();
    assertEquals(12, weeks.size());
    assertEquals("2026-09-07", weeks.get(0).periodStart());
    assertEquals("2026-11-23", weeks.get(11).periodStart());
    assertEquals(
        List.of(false, false, false, false, false, false, false, false, false, false, true, true),
        weeks.stream().map(WeeklyReport.ChartPoint::flagged).toList());
    assertEquals(0.18, weeks.get(11).observed(), 1e-12);
    assertEquals(0.25, weeks.get(0).observed(), 1e-12);
    assertEquals(0.20, weeks.get(0).lower(), 1e-12);
    // Split: source explains it (paid_search alone −7 pts) better than owner (bob −5 pts).
    WeeklyReport.Split split = drop.split();
    assertEquals("source", split.dimension());
    assertEquals("25.0%", split.baselineText());
    assertEquals("18.0%", split.currentText());
    assertEquals(0.0, split.mix(), 1e-12);
    assertEquals(-0.07, split.rate(), 1e-12);
    assertEquals("−7.0 pts", split.rateText());
    assertEquals("paid_search", split.parts().get(0).value());
    assertEquals("30.0% → 16.0%", split.parts().get(0).rateText());
    assertTrue(split.verdict().startsWith("Mostly rate"), split.verdict());
    assertTrue(drop.discuss().contains("find out why leads stop here"), drop.discuss());
    // Flags on a breakdown cell or of a count are not split.
    assertNull(r.anomalies().get(1).split());
    assertEquals("source = " + ReportFixture.HOSTILE, r.anomalies().get(1).breakdown());
    assertEquals("2", r.anomalies().get(1).observedText());
    assertEquals("4 to 16", r.anomalies().get(1).bandText());
  }

  @Test
  void theAgreementSection() {
    WeeklyReport.Agreement a = build(true).agreement();
    WeeklyReport.SlaLine sla = a.slas().get(0);
    // Week: 80 met of 95 worked or overdue = 84.2%; month: 380 of 420 = 90.5%; minimum 90%.
    assertEquals("84.2%", sla.weekText());
    assertEquals("90.5%", sla.monthText());
    assertEquals("90.0%", sla.minimumText());
    assertEquals("not kept", sla.status());
    assertEquals("80 met, 15 breached, 5 pending", sla.weekCounts());
    WeeklyReport.TargetLine volume = a.targets().get(0);
    assertEquals("430 leads", volume.actualText());
    assertEquals("1,000 leads", volume.goalText());
    // 430 leads after 29 of 30 days: 430 × 30 / 29 = 444.8 → 445.
    assertEquals("445 leads", volume.projectedText());
    assertEquals("behind", volume.status());
    WeeklyReport.TargetLine value = a.targets().get(1);
    assertEquals("€104,300", value.actualText());
    assertEquals("€107,897", value.projectedText());
    assertEquals("on track", value.status());
    // November (Berlin): ann L-1, L-2 (unworked), L-5; bob L-3. L-4 entered in October.
    assertEquals(
        List.of(
            new WeeklyReport.OwnerLine("mql_handoff", "ann", 3, 2),
            new WeeklyReport.OwnerLine("mql_handoff", "bob", 1, 0)),
        a.owners());
    assertEquals(
        List.of("L-4", "L-1", "L-2"),
        a.unworked().stream().map(WeeklyReport.UnworkedLine::leadId).toList());
    assertEquals("20 Oct 2026", a.unworked().get(0).enteredText());
    assertEquals("40.0 days", a.unworked().get(0).waitingText());
  }

  @Test
  void aWeekWithoutFlagsSaysSoPlainly() {
    WeeklyReport r = build(false);
    assertEquals("Funnel report 2026-W48: 0 critical, 0 warnings", r.subject());
    assertTrue(r.headline().summary().startsWith("No flags this week"), r.headline().summary());
    assertTrue(r.anomalies().isEmpty());
    String html = ReportRenderer.html(r);
    assertTrue(html.contains("No flags this week"), html);
    assertTrue(html.contains("No anomalies were flagged this week."));
    assertTrue(ReportRenderer.markdown(r).contains("No anomalies were flagged this week."));
    // Still judged: the funnel and what could not be judged.
    assertEquals(3, r.notJudged().insufficientCells());
  }

  @Test
  void theFunnelAndWhatCouldNotBeJudged() {
    WeeklyReport r = build(true);
    WeeklyReport.FunnelSection f = r.funnelSection();
    assertEquals(List.of("Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"), f.months());
    assertEquals(
        List.of("lead", "mql", "sql", "opportunity"),
        f.stages().stream().map(WeeklyReport.StageLine::stage).toList());
    WeeklyReport.StageMonth mqlAug = f.stages().get(1).months().get(0);
    // August's cohort is mature: 1 Sep + 90 days = 30 Nov 00:00, the as-of instant; September's is
    // not.
    assertTrue(mqlAug.mature());
    assertEquals("50.0%", mqlAug.conversionText());
    assertEquals("50.0%*", f.stages().get(1).months().get(1).conversionText());
    // 104,300 / 430 = 242.56 → €243.
    assertEquals("€243", mqlAug.worthText());
    assertEquals("2.5 days", mqlAug.medianText());
    assertEquals("12.5 days", mqlAug.p90Text());
    WeeklyReport.NotJudged n = r.notJudged();
    assertEquals(
        List.of(20L, 12L, 3L),
        n.largest().stream().map(WeeklyReport.InsufficientLine::leads).toList());
    assertEquals(
        "a change smaller than 62% would go unnoticed", n.largest().get(0).detectableText());
    assertEquals("not estimated", n.largest().get(2).detectableText());
    assertEquals(
        "Only 20 leads entered opportunity for owner = ann: too few to judge.",
        n.largest().get(0).message());
    // The judged, unflagged cells of the latest week (23 Nov): sql conversion for organic, ann
    // and bob (each could only see a 30% change), in dimension and value order.
    assertEquals(
        List.of("owner = ann", "owner = bob", "source = organic"),
        n.leastSensitive().stream().map(WeeklyReport.InsufficientLine::breakdown).toList());
    assertEquals(
        "a change smaller than 30% would go unnoticed", n.leastSensitive().get(0).detectableText());
    assertEquals(2, n.immature().size());
  }

  @Test
  void theHostileValueIsInertTextInHtmlAndMarkdown() throws Exception {
    WeeklyReport r = build(true);
    String html = ReportRenderer.html(r);
    assertFalse(html.contains("<script"), "no script element in the HTML");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    String md = ReportRenderer.markdown(r);
    assertFalse(md.contains("<script>"), md);
    assertTrue(md.contains("\\<script\\>alert(1)\\</script\\>"), md);
    assertEquals(
        "paid_search \\_x \\*y\\* \\| \\<b\\> \\&amp; a\\\\b",
        MarkdownOutputFormat.escape("paid_search _x *y* | <b> &amp; a\\b"));
    // The JSON carries the value as data, and no SVG.
    JsonNode json = new ObjectMapper().readTree(ReportRenderer.json(r));
    assertEquals("source = " + ReportFixture.HOSTILE, json.at("/anomalies/1/breakdown").asText());
    assertEquals(2, json.at("/headline/critical").asInt());
    assertTrue(json.at("/anomalies/0/chart/svg").isMissingNode());
    assertEquals(12, json.at("/anomalies/0/chart/weeks").size());
    assertEquals(-0.07, json.at("/anomalies/0/split/rate").asDouble(), 1e-12);
  }

  @Test
  void theHtmlIsSelfContained() {
    String html = ReportRenderer.html(build(true));
    for (String section :
        List.of(
            "id=\"headline\"",
            "id=\"agreement\"",
            "id=\"anomalies\"",
            "id=\"funnel\"",
            "id=\"not-judged\"")) {
      assertTrue(html.contains(section), section);
    }
    // The only URL is the SVG namespace name, which is never fetched.
    assertFalse(html.replace("http://www.w3.org/2000/svg", "").contains("http://"));
    assertFalse(html.contains("https://"));
    assertFalse(html.contains("<link"));
    assertFalse(html.contains("src="));
    assertEquals(4, html.split("<svg ", -1).length - 1, "three trend charts and the funnel");
  }

  @Test
  void theDefaultWeekIsTheLastCompleteOneInTheFunnelsZone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // Monday 30 Nov 2026 00:30 in Berlin is still Sunday 23:30 UTC: the week that ended is W48
    // in Berlin, W47 by the UTC calendar.
    Clock clock = Clock.fixed(Instant.parse("2026-11-29T23:30:00Z"), ZoneOffset.UTC);
    assertEquals("2026-W48", ReportWeek.lastComplete(clock, berlin).label());
    assertEquals("2026-W47", ReportWeek.lastComplete(clock, ZoneOffset.UTC).label());
    assertEquals(LocalDate.parse("2026-11-23"), ReportWeek.parse("2026-W48").monday());
    assertEquals("2021-W01", ReportWeek.parse("2021-W01").label());
    assertEquals(LocalDate.parse("2021-01-04"), ReportWeek.parse("2021-W01").monday());
  }
}
