package dev.funnel.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the definitions through the whole Spark job on hand-built histories. */
class NightlyJobDefinitionsTest {
  @TempDir Path tmp;

  @Test
  void eventExactlyAtTheAsOfInstantIsIgnoredButCounted() {
    // As of 2025-01-31 in Berlin: the as-of instant is 2025-01-31T23:00:00Z.
    Events events =
        new Events()
            .add("L1", "lead", "2025-01-30T10:00:00Z")
            .add("L1", "mql", "2025-01-31T22:59:59.999999Z")
            .add("L1", "sql", "2025-01-31T23:00:00Z");
    JobRunner job = new JobRunner(tmp, Funnels.berlin()).run(events, tmp, "2025-01-31");
    assertEquals(3, job.result.rowsRead());
    assertEquals(2, job.result.accepted());
    assertEquals(1, job.result.afterAsOf());
    List<Row> visits = job.table("stage_visits").orderBy("entered_at").collectAsList();
    assertEquals(2, visits.size());
    assertTrue((boolean) visits.get(1).getAs("is_open"), "mql is still open as of the day");
  }

  @Test
  void rejectedRowsCarryTheFirstReasonThatApplies() {
    String longId = "x".repeat(257);
    Events events =
        new Events()
            .add(null, "nonsense", "2025-01-10T10:00:00Z")
            .add("L1", null, "2025-01-10T10:00:00Z")
            .add("L2", "lead", null)
            .add(longId, "lead", "2025-01-10T10:00:00Z")
            .add("L\u0007", "lead", "2025-01-10T10:00:00Z")
            .add("L3", "nonsense", "2025-01-10T10:00:00Z")
            .add("L4", "lead", "1969-12-31T23:59:59Z")
            .add("L5", "lead", "2100-01-01T00:00:00Z")
            .add("L6", "lead", "2025-01-10T10:00:00Z");
    JobRunner job = new JobRunner(tmp, Funnels.berlin()).run(events, tmp, "2025-01-31");
    Map<String, Long> reasons =
        job.table("rejected_events").groupBy("reason").count().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    assertEquals(
        Map.of(
            "null_lead_id", 1L,
            "null_stage", 1L,
            "null_entered_at", 1L,
            "lead_id_too_long", 1L,
            "control_characters", 1L,
            "unknown_stage", 1L,
            "entered_at_out_of_range", 2L),
        reasons);
    assertEquals(8, job.result.rejected());
    assertEquals(1, job.result.accepted());
    assertEquals(0, job.result.afterAsOf());
  }

  @Test
  void conversionCountsForACohort() {
    // Four leads enter "lead" in January (Berlin). L1 converts (skips to sql), L2 is lost,
    // L3 converts after the 10-day window (open), L4 is disqualified and reopened to mql
    // (converted).
    Events events =
        new Events()
            .add("L1", "lead", "2025-01-02T10:00:00Z")
            .add("L1", "sql", "2025-01-03T10:00:00Z")
            .add("L2", "lead", "2025-01-05T10:00:00Z")
            .add("L2", "lost", "2025-01-06T10:00:00Z")
            .add("L3", "lead", "2025-01-10T10:00:00Z")
            .add("L3", "mql", "2025-01-20T10:00:00.000001Z")
            .add("L4", "lead", "2025-01-15T10:00:00Z")
            .add("L4", "disqualified", "2025-01-16T10:00:00Z")
            .add("L4", "mql", "2025-01-17T10:00:00Z");
    JobRunner job = new JobRunner(tmp, Funnels.withWindow(10)).run(events, tmp, "2025-02-10");
    Row lead = job.conversion("month", "lead").get(0);
    assertEquals(4L, (long) lead.getAs("entered"));
    assertEquals(2L, (long) lead.getAs("converted"));
    assertEquals(0L, (long) lead.getAs("won"));
    assertEquals(1L, (long) lead.getAs("lost"));
    assertEquals(1L, (long) lead.getAs("open"));
    assertEquals(0.5, (double) lead.getAs("conversion_rate"), 0);
    assertEquals("mql", lead.getAs("next_stage"));
    // January's end (2025-01-31T23:00Z) + 10 days = the as-of instant of 2025-02-10: mature.
    assertTrue((boolean) lead.getAs("mature"));
    // L1 skipped mql: the mql cohort is L3 and L4 (first entered mql in January).
    Row mql = job.conversion("month", "mql").get(0);
    assertEquals(2L, (long) mql.getAs("entered"));
    // One day earlier the January cohort is not mature yet.
    JobRunner earlier =
        new JobRunner(
                tmp.resolve("x").toFile().mkdirs() ? tmp.resolve("x") : tmp, Funnels.withWindow(10))
            .run(events, tmp, "2025-02-09");
    assertFalse((boolean) earlier.conversion("month", "lead").get(0).getAs("mature"));
  }

  @Test
  void openVisitsAreCensoredAtTheAsOfInstantInKaplanMeier() {
    // As of 2025-01-31 (instant 23:00Z). mql visits entered in January:
    // A closed after 10 h, B closed after 30 h, C open since 2025-01-31T03:00Z (censored at 20 h),
    // D open since 2025-01-30T23:00Z (censored at 24 h).
    // KM: t=10: 4 at risk, S = 3/4; t=30: C and D left at 20 and 24, 1 at risk, S = 0.
    // km_p50 = 30 (S(10) = 0.75 > 0.5); type-7 median of closed {10, 30} = 20.
    Events events =
        new Events()
            .add("A", "mql", "2025-01-05T00:00:00Z")
            .add("A", "sql", "2025-01-05T10:00:00Z")
            .add("B", "mql", "2025-01-06T00:00:00Z")
            .add("B", "lost", "2025-01-07T06:00:00Z")
            .add("C", "mql", "2025-01-31T03:00:00Z")
            .add("D", "mql", "2025-01-30T23:00:00Z");
    JobRunner job = new JobRunner(tmp, Funnels.berlin()).run(events, tmp, "2025-01-31");
    Row cell = job.timeInStage("month", "2025-01-01", "mql", "(all)", "(all)");
    assertEquals(4L, (long) cell.getAs("visits"));
    assertEquals(2L, (long) cell.getAs("closed"));
    assertEquals(2L, (long) cell.getAs("open"));
    assertEquals(20.0, (double) cell.getAs("mean_hours"), 1e-9);
    assertEquals(20.0, (double) cell.getAs("p50_hours"), 1e-9);
    assertEquals(30.0, (double) cell.getAs("km_p50_hours"), 1e-9);
    assertEquals(30.0, (double) cell.getAs("km_p90_hours"), 1e-9);
    // lost stages are terminal: no time_in_stage rows for them.
    assertEquals(0, job.table("time_in_stage").where(col("stage").equalTo("lost")).count());
  }

  @Test
  void breakdownRowsUseFirstTouchValuesAndNoneWhenNeverSet() {
    Events events =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", null, null, "smb")
            .add("L1", "mql", "2025-01-07T10:00:00Z", null, "web", "ent")
            .add("L2", "lead", "2025-01-06T11:00:00Z", null, "ads", null);
    JobRunner job = new JobRunner(tmp, Funnels.berlin()).run(events, tmp, "2025-01-31");
    List<Row> rows =
        job.table("stage_conversion")
            .where(col("grain").equalTo("week").and(col("stage").equalTo("lead")))
            .orderBy("dimension", "dimension_value")
            .select("dimension", "dimension_value", "entered", "converted")
            .collectAsList();
    assertEquals(
        List.of(
            "[(all),(all),2,1]",
            "[segment,(none),1,0]",
            "[segment,smb,1,1]",
            "[source,ads,1,0]",
            "[source,web,1,1]"),
        rows.stream().map(Row::toString).toList());
    Row visit = job.table("stage_visits").where(col("lead_id").equalTo("L1")).first();
    assertEquals("web", visit.getAs("source"));
    assertEquals("smb", visit.getAs("segment"));
    assertNull(
        job.table("stage_visits").where(col("lead_id").equalTo("L2")).first().getAs("exited_at"));
  }
}
