package dev.funnel.oracle;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.generate.InjectedAnomaly;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job and the independent DuckDB oracle agree on a hand-made set of tricky leads. */
class OracleAgreementTest {
  /**
   * Data known through 2025-06-29 in Berlin: the as-of instant is 2025-06-29T22:00:00Z (CEST). It
   * is also exactly the end of March 2025 (2025-03-31T22:00:00Z) plus 90 days, so the March month
   * cohorts are mature at the limit.
   */
  static final LocalDate AS_OF = LocalDate.parse("2025-06-29");

  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @Test
  void sparkJobAgreesWithDuckDbOnTrickyLeads() {
    String input = trickyLeads().write(spark, tmp);
    String output = tmp.resolve("out").toString();
    FunnelConfig config = Funnels.berlin();
    new NightlyJob(spark, config).run(new RunRequest(input, output, AS_OF));

    DuckDbCoreTables.Outputs oracle =
        DuckDbCoreTables.run(
            config, AS_OF, DuckDbCoreTables.parquetGlob(input), tmp.resolve("oracle"));
    Map<String, TableComparison.Result> results = new HashMap<>();
    for (TableComparison.Result result : TableComparison.compareAll(output, AS_OF, oracle)) {
      results.put(result.table(), result);
    }
    assertAll(
        () -> results.get("stage_conversion").assertAgree(),
        () -> results.get("time_in_stage").assertAgree(),
        () -> results.get("stage_visits").assertAgree());
  }

  @Test
  void sparkJobAgreesWithDuckDbOnGeneratedData() throws Exception {
    // 25,000 generated leads (about 70,000 events) over 9 months with every kind of anomaly,
    // as of a day inside the period so that cohorts are mature, immature and still open.
    GeneratorSpec spec =
        new GeneratorSpec(
            25_000,
            LocalDate.parse("2024-11-01"),
            9,
            20251129L,
            List.of(
                InjectedAnomaly.parse(
                    "stage=mql,dimension=owner,value=rep_03,week=2025-02-03,kind=slowdown,"
                        + "magnitude=0.25"),
                InjectedAnomaly.parse(
                    "stage=sql,dimension=source,value=paid_search,week=2025-03-03,"
                        + "kind=conversion_drop,magnitude=0.3")),
            2);
    String input = tmp.resolve("generated").toString();
    long events = EventGenerator.generate(spark, spec, input);
    FunnelConfig config =
        dev.funnel.config.ConfigLoader.parse(
            "name: generated\ntimezone: Europe/Berlin\n"
                + "stages: [lead, mql, sql, opportunity, won]\n"
                + "lost_stages: [lost, disqualified]\nconversion_window_days: 60\n"
                + "dimensions: [source, segment, owner, region]\n",
            "generated");
    LocalDate asOf = LocalDate.parse("2025-06-15");
    String output = tmp.resolve("out").toString();
    RunResult result = new NightlyJob(spark, config).run(new RunRequest(input, output, asOf));
    assertTrue(result.duplicates() > 0 && result.afterAsOf() > 0, result.toString());
    assertEquals(events, result.rowsRead());

    DuckDbCoreTables.Outputs oracle =
        DuckDbCoreTables.run(
            config, asOf, DuckDbCoreTables.parquetGlob(input), tmp.resolve("oracle"));
    List<TableComparison.Result> results = TableComparison.compareAll(output, asOf, oracle);
    assertAll(
        results.stream().map(r -> (org.junit.jupiter.api.function.Executable) r::assertAgree));
    // The row counts the job reports (manifest) against the oracle's own tables.
    for (TableComparison.Result r : results) {
      assertEquals(r.duckdbRows(), result.tableRows().get(r.table()).longValue(), r.table());
    }
  }

  /** About 25 leads covering the corner cases of the definitions, plus rejected rows. */
  static Events trickyLeads() {
    Events e = new Events();
    // Straight through the main path, dimensions on the first event.
    e.add("straight", "lead", "2025-01-06T10:00:00Z", null, "web", "smb")
        .add("straight", "mql", "2025-01-07T10:00:00Z", 10.0, null, null)
        .add("straight", "sql", "2025-01-08T10:00:00Z", 20.0, "ads", "ent")
        .add("straight", "opportunity", "2025-01-10T16:30:00Z", 30.0, null, null)
        .add("straight", "won", "2025-01-20T09:15:00Z", 40.0, null, null);
    // Skips mql and opportunity: converted for lead, no mql cohort, sql converts to won.
    e.add("skipper", "lead", "2025-01-06T11:00:00Z", null, "ads", null)
        .add("skipper", "sql", "2025-01-09T11:00:00Z", null, null, "smb")
        .add("skipper", "won", "2025-02-01T11:00:00Z", null, null, null);
    // Moves back: two visits of lead and of mql; the mql cohort keys on the first mql entry.
    e.add("back", "lead", "2025-01-13T08:00:00Z", null, null, "ent")
        .add("back", "mql", "2025-01-14T08:00:00Z", null, "web", null)
        .add("back", "lead", "2025-01-20T08:00:00Z", null, null, null)
        .add("back", "mql", "2025-02-03T08:00:00Z", null, null, null)
        .add("back", "sql", "2025-02-05T08:00:00Z", null, null, null);
    // Re-entry after lost: the lost visit is terminal but records its exit.
    e.add("reentry", "lead", "2025-01-15T09:00:00Z", null, "web", "smb")
        .add("reentry", "mql", "2025-01-16T09:00:00Z")
        .add("reentry", "lost", "2025-01-20T09:00:00Z")
        .add("reentry", "mql", "2025-02-20T09:00:00Z")
        .add("reentry", "sql", "2025-03-01T09:00:00Z");
    // Lost, then reopened, then won within the window: converted, so not lost.
    e.add("reopened", "lead", "2025-01-07T09:00:00Z", null, "partner", "ent")
        .add("reopened", "mql", "2025-01-08T09:00:00Z")
        .add("reopened", "lost", "2025-01-10T09:00:00Z")
        .add("reopened", "opportunity", "2025-02-10T09:00:00Z")
        .add("reopened", "won", "2025-03-10T09:00:00Z");
    // Exact duplicates, one copy without dimensions and one with two candidate values.
    e.add("dupes", "lead", "2025-01-08T12:00:00Z", null, null, "smb")
        .add("dupes", "lead", "2025-01-08T12:00:00Z", null, "web", "smb")
        .add("dupes", "mql", "2025-01-09T12:00:00Z")
        .add("dupes", "mql", "2025-01-09T12:00:00Z")
        .add("dupes", "mql", "2025-01-09T12:00:00Z");
    // Ties at one instant, added out of order: lead, mql, sql at the same instant (stage order),
    // then opportunity and lost at the same instant (lost after opportunity).
    e.add("ties", "sql", "2025-02-04T10:00:00Z", null, "ads", null)
        .add("ties", "lead", "2025-02-04T10:00:00Z", null, "web", "ent")
        .add("ties", "mql", "2025-02-04T10:00:00Z")
        .add("ties", "lost", "2025-02-10T10:00:00Z")
        .add("ties", "opportunity", "2025-02-10T10:00:00Z");
    // Two lost stages at one instant: lost before disqualified.
    e.add("two_lost", "lead", "2025-02-05T10:00:00Z")
        .add("two_lost", "disqualified", "2025-02-06T10:00:00Z")
        .add("two_lost", "lost", "2025-02-06T10:00:00Z");
    // Open visit.
    e.add("open", "lead", "2025-05-12T10:00:00Z", null, "ads", "smb")
        .add("open", "mql", "2025-05-13T10:00:00Z");
    // Conversion exactly at the 90-day limit, and one microsecond past it.
    e.add("at_limit", "lead", "2025-01-10T00:00:00Z", null, "web", null)
        .add("at_limit", "mql", "2025-04-10T00:00:00Z");
    e.add("past_limit", "lead", "2025-01-10T00:00:00Z", null, "web", null)
        .add("past_limit", "mql", "2025-04-10T00:00:00.000001Z");
    // Won exactly at the limit after a late mql; lost one microsecond past the limit.
    e.add("won_limit", "lead", "2025-01-21T06:00:00Z")
        .add("won_limit", "mql", "2025-03-01T06:00:00Z")
        .add("won_limit", "won", "2025-04-21T06:00:00Z");
    e.add("lost_past", "lead", "2025-01-21T06:00:00Z")
        .add("lost_past", "lost", "2025-04-21T06:00:00.000001Z");
    // An event exactly at the as-of instant is ignored; one a microsecond before counts.
    e.add("at_asof", "lead", "2025-06-20T10:00:00Z", null, "ads", "ent")
        .add("at_asof", "mql", "2025-06-29T22:00:00Z");
    e.add("before_asof", "lead", "2025-06-20T11:00:00Z", null, "ads", "ent")
        .add("before_asof", "mql", "2025-06-29T21:59:59.999999Z");
    // ISO week 53 of 2020 (Mon 2020-12-28) spans the year and month boundary; then week 1.
    e.add("week53", "lead", "2020-12-31T12:00:00Z", null, "web", "smb")
        .add("week53", "mql", "2021-01-01T12:00:00Z")
        .add("week53", "sql", "2021-01-04T12:00:00Z")
        .add("week53", "lost", "2021-02-01T12:00:00Z");
    e.add("week53b", "lead", "2021-01-03T22:59:59Z", null, "ads", null)
        .add("week53b", "mql", "2021-01-03T23:00:00Z");
    // Berlin DST week: 2025-03-30 has 23 hours; 2025-03-30T22:30Z is already Monday in Berlin.
    e.add("dst", "lead", "2025-03-29T12:00:00Z", null, "partner", "smb")
        .add("dst", "mql", "2025-03-30T00:30:00Z")
        .add("dst", "sql", "2025-03-30T22:30:00Z")
        .add("dst", "opportunity", "2025-03-31T10:00:00Z");
    // Month boundary that differs between UTC (January) and Berlin (February).
    e.add("month_edge", "lead", "2025-01-31T23:30:00Z", null, "web", "ent")
        .add("month_edge", "mql", "2025-02-28T22:59:59Z")
        .add("month_edge", "sql", "2025-02-28T23:00:00Z");
    // First touch comes from a later event; segment never set.
    e.add("late_touch", "lead", "2025-02-03T09:00:00Z")
        .add("late_touch", "mql", "2025-02-04T09:00:00Z", null, "ads", null)
        .add("late_touch", "sql", "2025-02-05T09:00:00Z", null, "web", null);
    // Only terminal events; a won lead that is reopened and won again.
    e.add("only_won", "won", "2025-02-03T09:00:00Z", null, "web", null);
    e.add("only_lost", "lost", "2025-02-03T09:00:00Z", null, "ads", null);
    e.add("rewon", "lead", "2025-02-03T09:00:00Z", null, "web", "smb")
        .add("rewon", "won", "2025-02-10T09:00:00Z")
        .add("rewon", "opportunity", "2025-02-12T09:00:00Z")
        .add("rewon", "won", "2025-02-20T09:00:00Z");
    // Lost in the window and converted after it: lost, not converted.
    e.add("late_convert", "lead", "2025-01-13T09:00:00Z", null, "partner", null)
        .add("late_convert", "lost", "2025-01-20T09:00:00Z")
        .add("late_convert", "mql", "2025-05-01T09:00:00Z");
    // Week of 2025-06-23 for Kaplan-Meier: exits at 2 h, 14 h and 18 h; open visits censored at
    // the as-of instant after 12 h and 14 h (a tie with the 14 h exit: exit first).
    e.add("km_a", "lead", "2025-06-29T01:00:00Z", null, "web", "smb")
        .add("km_a", "mql", "2025-06-29T03:00:00Z");
    e.add("km_b", "lead", "2025-06-29T00:00:00Z", null, "web", "smb")
        .add("km_b", "mql", "2025-06-29T14:00:00Z");
    e.add("km_c", "lead", "2025-06-29T08:00:00Z", null, "web", "ent");
    e.add("km_d", "lead", "2025-06-29T10:00:00Z", null, "ads", "ent");
    e.add("km_e", "lead", "2025-06-29T02:00:00Z", null, "ads", "smb")
        .add("km_e", "lost", "2025-06-29T20:00:00Z");
    // Four closed visits: S(t) reaches exactly 0.5 at the second exit (3/4 * 2/3).
    e.add("half_1", "lead", "2025-05-05T08:00:00Z", null, "events", null)
        .add("half_1", "mql", "2025-05-05T09:00:00Z");
    e.add("half_2", "lead", "2025-05-05T08:00:00Z", null, "events", null)
        .add("half_2", "mql", "2025-05-05T10:00:00Z");
    e.add("half_3", "lead", "2025-05-05T08:00:00Z", null, "events", null)
        .add("half_3", "mql", "2025-05-05T11:30:00Z");
    e.add("half_4", "lead", "2025-05-05T08:00:00Z", null, "events", null)
        .add("half_4", "disqualified", "2025-05-06T08:00:00Z");
    // A 256-character lead id is accepted.
    e.add("x".repeat(256), "lead", "2025-02-03T09:00:00Z", null, "web", null);
    // Rejected rows: null fields, unknown stage, too long, control characters, out of range.
    e.add(null, "lead", "2025-01-06T12:00:00Z")
        .add("straight", null, "2025-01-06T12:00:00Z")
        .add("straight", "lead", null)
        .add("straight", "demo", "2025-01-06T12:00:00Z")
        .add("x".repeat(257), "lead", "2025-02-03T09:00:00Z")
        .add("bad\u0001id", "lead", "2025-02-03T09:00:00Z")
        .add("bad_del\u007f", "lead", "2025-02-03T09:00:00Z")
        .add("ctl_stage", "mql\n", "2025-02-03T09:00:00Z")
        .add("ancient", "lead", "1969-12-31T23:59:59Z")
        .add("future", "lead", "2100-01-01T00:00:00Z");
    return e;
  }
}
