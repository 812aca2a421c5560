package dev.funnel.sla;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * sla_compliance, sla_breaches, targets and revenue_conversion on hand-built leads, as of Friday
 * 2025-02-14 (as-of instant 2025-02-14T23:00Z). Times below are UTC; Berlin is UTC+1 in winter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgreementTablesTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-02-14");
  private final SparkSession spark = SparkTestSession.get();
  private String output;

  @BeforeAll
  void runTheJob(@TempDir Path tmp) {
    Events events =
        new Events()
            // A: mql Mon 2025-01-06 10:00 Berlin, worked Tue 10:00 → 9 business hours: met.
            .add("A", "lead", "2025-01-06T08:00:00Z", null, "web", "smb")
            .add("A", "mql", "2025-01-06T09:00:00Z", 500.0, null, null)
            .add("A", "sql", "2025-01-07T09:00:00Z", null, null, null)
            .add("A", "won", "2025-01-20T09:00:00Z", 700.0, null, null)
            // B: mql Fri 2025-0110 17:00 Berlin, rejected straight to lost Thu 16 12:00 Berlin:
            // Fri 1 h + Mon..Wed 27 h + Thu 3 h = 31 business hours > 24: worked, breached.
            .add("B", "mql", "2025-01-10T16:00:00Z", null, "ads", "ent")
            .add("B", "lost", "2025-01-16T11:00:00Z", null, null, null)
            // C: mql Thu 2025-01-09 12:00 Berlin, disqualified Thu 12:00 + 24 business h exactly
            // (Thu 6 h, Fri 9 h, Mon 9 h = Mon 2025-01-13 18:00 Berlin): met at the boundary.
            .add("C", "mql", "2025-01-09T11:00:00Z", 200.0, "ads", null)
            .add("C", "disqualified", "2025-01-13T17:00:00Z", null, null, null)
            // D: mql Thu 2025-02-13 10:00 Berlin, not worked; as of Fri 24:00 → 8 + 9 = 17 h:
            // pending. Its amount changes after the as-of instant (ignored).
            .add("D", "mql", "2025-02-13T09:00:00Z", 100.0, "web", null)
            .add("D", "mql", "2025-02-20T09:00:00Z", 9999.0, null, null)
            // E: mql Mon 2025-02-03 09:00 Berlin, never worked: 9 days x 9 h... breached.
            .add("E", "mql", "2025-02-03T08:00:00Z", null, "web", null)
            // F: sql only (calendar 48 h): worked after 49 h → breached in sql_followup (as is A).
            .add("F", "sql", "2025-01-20T00:00:00Z", 1000.0, "web", null)
            .add("F", "opportunity", "2025-01-22T01:00:00Z", null, null, null);
    String input = events.write(spark, tmp);
    output = tmp.resolve("out").toString();
    new NightlyJob(spark, Funnels.withAgreement()).run(new RunRequest(input, output, AS_OF));
  }

  private Dataset<Row> table(String name) {
    return spark.read().parquet(output + "/" + name + "/as_of=" + AS_OF);
  }

  private Row compliance(String sla, String grain, String period, String dim, String value) {
    List<Row> rows =
        table("sla_compliance")
            .where(
                col("sla")
                    .equalTo(sla)
                    .and(col("grain").equalTo(grain))
                    .and(col("period_start").equalTo(java.sql.Date.valueOf(period)))
                    .and(col("dimension").equalTo(dim))
                    .and(col("dimension_value").equalTo(value)))
            .collectAsList();
    assertEquals(1, rows.size(), "one compliance row");
    return rows.get(0);
  }

  @Test
  void januaryMqlHandoffCompliance() {
    // A met (9 h), B breached (31 h), C met at exactly 24 h.
    Row january = compliance("mql_handoff", "month", "2025-01-01", "(all)", "(all)");
    assertEquals(3L, (long) january.getAs("entered"));
    assertEquals(2L, (long) january.getAs("met"));
    assertEquals(1L, (long) january.getAs("breached"));
    assertEquals(0L, (long) january.getAs("pending"));
    assertEquals(2.0 / 3, (double) january.getAs("compliance_rate"), 1e-12);
    // Worked responses {9, 24, 31}: type-7 p50 = 24, p90 = 24 + 0.8 * 7 = 29.6.
    assertEquals(24.0, (double) january.getAs("p50_response_hours"), 1e-9);
    assertEquals(29.6, (double) january.getAs("p90_response_hours"), 1e-9);
    Row ads = compliance("mql_handoff", "month", "2025-01-01", "source", "ads");
    assertEquals(2L, (long) ads.getAs("entered"));
    assertEquals(1L, (long) ads.getAs("met"));
    Row week = compliance("mql_handoff", "week", "2025-01-06", "(all)", "(all)");
    assertEquals(3L, (long) week.getAs("entered"));
    Row day = compliance("mql_handoff", "day", "2025-01-10", "(all)", "(all)");
    assertEquals(1L, (long) day.getAs("breached"));
  }

  @Test
  void februaryHasAPendingAndAnUnworkedBreach() {
    // D pending (17 h so far), E breached without being worked: no worked responses.
    Row february = compliance("mql_handoff", "month", "2025-02-01", "(all)", "(all)");
    assertEquals(2L, (long) february.getAs("entered"));
    assertEquals(0L, (long) february.getAs("met"));
    assertEquals(1L, (long) february.getAs("breached"));
    assertEquals(1L, (long) february.getAs("pending"));
    assertEquals(0.0, (double) february.getAs("compliance_rate"), 0);
    assertNull(february.getAs("p50_response_hours"));
    Row pendingOnly = compliance("mql_handoff", "day", "2025-02-13", "(all)", "(all)");
    assertNull(pendingOnly.getAs("compliance_rate"), "met + breached = 0");
  }

  @Test
  void breachesListEachBreachedLeadWithItsDimensions() {
    List<Row> breaches = table("sla_breaches").orderBy("sla", "lead_id").collectAsList();
    assertEquals(
        List.of("mql_handoff/B", "mql_handoff/E", "sql_followup/A", "sql_followup/F"),
        breaches.stream().map(r -> r.getAs("sla") + "/" + r.getAs("lead_id")).toList());
    Row b = breaches.get(0);
    assertEquals(31.0, (double) b.getAs("response_hours"), 1e-9);
    assertEquals("ads", b.getAs("source"));
    assertEquals("ent", b.getAs("segment"));
    assertEquals(Events.ts("2025-01-16T11:00:00Z"), b.getAs("worked_at"));
    Row e = breaches.get(1);
    assertNull(e.getAs("worked_at"));
    // Unworked: business hours from Mon 2025-02-03 09:00 to the as-of instant = 10 days x 9 h.
    assertEquals(90.0, (double) e.getAs("response_hours"), 1e-9);
    // A sat in sql from 2025-01-07 09:00Z to 2025-01-20 09:00Z: 13 days on the calendar clock.
    assertEquals(312.0, (double) breaches.get(2).getAs("response_hours"), 1e-9);
    Row f = breaches.get(3);
    assertEquals(49.0, (double) f.getAs("response_hours"), 1e-9);
    assertEquals(48.0, (double) f.getAs("within_hours"), 0);
  }

  @Test
  void targetsCountAndSumFirstEntriesPerMonth() {
    List<Row> volume =
        table("targets")
            .where(col("target").equalTo("mql_volume"))
            .orderBy("period_start")
            .collectAsList();
    assertEquals(2, volume.size());
    Row january = volume.get(0);
    assertEquals(3.0, (double) january.getAs("actual"), 0);
    assertEquals(1.0, (double) january.getAs("attainment"), 1e-12);
    assertTrue((boolean) january.getAs("complete"));
    assertTrue((boolean) january.getAs("on_track"));
    assertNull(january.getAs("lead_velocity_rate"), "no previous month");
    Row february = volume.get(1);
    assertFalse((boolean) february.getAs("complete"));
    // 14 of 28 days of February have passed.
    assertEquals(0.5, (double) february.getAs("elapsed_fraction"), 1e-12);
    assertEquals(4.0, (double) february.getAs("projected"), 1e-12);
    assertTrue((boolean) february.getAs("on_track"));
    assertNull(february.getAs("lead_velocity_rate"), "incomplete period");

    List<Row> value =
        table("targets")
            .where(col("target").equalTo("mql_value"))
            .orderBy("period_start")
            .collectAsList();
    // January: A 700 (its last amount, from the won event) + B 0 + C 200 = 900.
    assertEquals(900.0, (double) value.get(0).getAs("actual"), 1e-9);
    assertEquals("EUR", value.get(0).getAs("currency"));
    // February: D 100 (the 9999 update comes after the as-of instant) + E 0.
    assertEquals(100.0, (double) value.get(1).getAs("actual"), 1e-9);
  }

  @Test
  void revenueConversionWorthOfAnMql() {
    // January mql cohort: A (won, 700), B, C: entered 3, won 1, won_amount 700.
    Row mql =
        table("revenue_conversion")
            .where(
                col("grain")
                    .equalTo("month")
                    .and(col("cohort_start").equalTo(java.sql.Date.valueOf("2025-01-01")))
                    .and(col("stage").equalTo("mql"))
                    .and(col("dimension").equalTo("(all)")))
            .first();
    assertEquals(3L, (long) mql.getAs("entered"));
    assertEquals(1L, (long) mql.getAs("won"));
    assertEquals(700.0, (double) mql.getAs("won_amount"), 1e-9);
    assertEquals(1.0 / 3, (double) mql.getAs("win_rate"), 1e-12);
    assertEquals(700.0 / 3, (double) mql.getAs("revenue_per_lead"), 1e-9);
    assertFalse((boolean) mql.getAs("mature"));
  }
}
