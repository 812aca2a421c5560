package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.IndependentAccounting;
import dev.funnel.SparkTestSession;
import dev.funnel.io.RunManifest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NightlyJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @Test
  void smallHistoryEndToEnd() throws java.io.IOException {
    String input =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", null, "web", null)
            .add("L1", "mql", "2025-01-07T10:00:00Z", 100.0, null, "smb")
            .add("L1", "mql", "2025-01-07T10:00:00Z", 100.0, null, "smb")
            .add("L1", "sql", "2025-01-08T10:00:00Z")
            .add("L2", "lead", "2025-01-06T12:00:00Z")
            .add("L2", "lost", "2025-01-09T12:00:00Z")
            .add(null, "lead", "2025-01-06T12:00:00Z")
            .add("L3", "lead", "2025-02-06T12:00:00Z")
            .write(spark, tmp);
    String output = tmp.resolve("out").toString();
    RunResult result =
        new NightlyJob(spark, Funnels.berlin())
            .run(new RunRequest(input, output, LocalDate.parse("2025-01-31")));
    assertEquals(8, result.rowsRead());
    assertEquals(5, result.accepted());
    assertEquals(1, result.duplicates());
    assertEquals(1, result.rejected());
    assertEquals(1, result.afterAsOf());
    IndependentAccounting.assertHolds(input, output, LocalDate.parse("2025-01-31"));

    List<Row> visits =
        spark
            .read()
            .parquet(output + "/stage_visits/as_of=2025-01-31")
            .orderBy("lead_id", "entered_at")
            .collectAsList();
    assertEquals(5, visits.size());
    Row leadVisit = visits.get(0);
    assertEquals("lead", leadVisit.getAs("stage"));
    assertEquals(24.0, (double) leadVisit.getAs("duration_hours"), 1e-9);
    assertEquals("web", leadVisit.getAs("source"));
    assertEquals("smb", leadVisit.getAs("segment"));
    Row sqlVisit = visits.get(2);
    assertTrue((boolean) sqlVisit.getAs("is_open"));
    assertNull(sqlVisit.getAs("duration_hours"));

    Map<String, Object> manifest =
        RunManifest.read(
            spark.sparkContext().hadoopConfiguration(), output, LocalDate.parse("2025-01-31"));
    assertEquals(8, ((Number) manifest.get("rows_read")).intValue());
    // Per-phase figures, as the benchmark reads them: every table's phase with its row count,
    // and the phases around them.
    Map<String, Double> phaseSeconds = new java.util.LinkedHashMap<>();
    Map<String, Long> phaseRows = new java.util.LinkedHashMap<>();
    dev.funnel.bench.Benchmark.readPhases(
        tmp.resolve("out/_runs/2025-01-31.json"), phaseSeconds, phaseRows);
    Map<?, ?> tables = (Map<?, ?>) manifest.get("tables");
    for (Object table : tables.keySet()) {
      assertEquals(
          ((Number) tables.get(table)).longValue(),
          phaseRows.get((String) table),
          "rows of " + table);
    }
    assertEquals(8L, phaseRows.get("validate input"));
    assertEquals(2L, phaseRows.get("lead pass"));
    assertEquals("validate input", phaseSeconds.keySet().iterator().next());
    assertTrue(phaseSeconds.containsKey("publish"), phaseSeconds.toString());
    assertTrue(phaseSeconds.values().stream().allMatch(v -> v >= 0), phaseSeconds.toString());

    // Worked by hand. L1: lead 24 h, mql 24 h, sql open; L2: lead 72 h, then lost. Both leads
    // enter lead in the week of Monday 2025-01-06; L1's first touch is source web, segment smb
    // (from its mql event), L2 has none. Nothing is mature (90-day window).
    List<String> conversion =
        rows(
            output + "/stage_conversion/as_of=2025-01-31",
            "grain, cohort_start, stage, next_stage, dimension, dimension_value, entered, converted,"
                + " won, lost, open, conversion_rate, mature");
    List<String> expectedConversion = new ArrayList<>();
    for (String cohort : List.of("month 2025-01-01", "week 2025-01-06")) {
      expectedConversion.addAll(
          List.of(
              cohort + " lead mql (all) (all) 2 1 0 1 0 0.5 false",
              cohort + " lead mql segment (none) 1 0 0 1 0 0.0 false",
              cohort + " lead mql segment smb 1 1 0 0 0 1.0 false",
              cohort + " lead mql source (none) 1 0 0 1 0 0.0 false",
              cohort + " lead mql source web 1 1 0 0 0 1.0 false",
              cohort + " mql sql (all) (all) 1 1 0 0 0 1.0 false",
              cohort + " mql sql segment smb 1 1 0 0 0 1.0 false",
              cohort + " mql sql source web 1 1 0 0 0 1.0 false",
              cohort + " sql opportunity (all) (all) 1 0 0 0 1 0.0 false",
              cohort + " sql opportunity segment smb 1 0 0 0 1 0.0 false",
              cohort + " sql opportunity source web 1 0 0 0 1 0.0 false"));
    }
    assertEquals(expectedConversion, conversion);

    // Time in stage, totals: lead closes at 24 h and 72 h (type-7 p50 48, p75 60, p90 67.2, p95
    // 69.6; Kaplan-Meier S = 0.5 at 24 h, 0 at 72 h); mql 24 h; sql open (no figures).
    List<String> time =
        rows(
            output + "/time_in_stage/as_of=2025-01-31 WHERE dimension = '(all)'",
            "grain, cohort_start, stage, visits, closed, open, round(mean_hours, 6),"
                + " round(p50_hours, 6), round(p75_hours, 6), round(p90_hours, 6),"
                + " round(p95_hours, 6), round(km_p50_hours, 6), round(km_p90_hours, 6)");
    List<String> expectedTime = new ArrayList<>();
    for (String cohort : List.of("month 2025-01-01", "week 2025-01-06")) {
      expectedTime.addAll(
          List.of(
              cohort + " lead 2 2 0 48.0 48.0 60.0 67.2 69.6 24.0 72.0",
              cohort + " mql 1 1 0 24.0 24.0 24.0 24.0 24.0 24.0 24.0",
              cohort + " sql 1 0 1 null null null null null null null"));
    }
    assertEquals(expectedTime, time);

    assertEquals(
        List.of("null lead 2025-01-06 12:00:00+00 null null_lead_id"),
        rows(
            output + "/rejected_events/as_of=2025-01-31",
            "lead_id, stage, entered_at, amount, reason"));
  }

  /**
   * The rows of a Parquet partition (optionally followed by a WHERE clause) read by DuckDB, each as
   * its columns' text joined by spaces, sorted.
   */
  private static List<String> rows(String partitionAndWhere, String columns) {
    String[] parts = partitionAndWhere.split(" WHERE ", 2);
    String sql =
        "SELECT concat_ws(' ', "
            + String.join(
                ", ",
                java.util.Arrays.stream(columns.split(",(?![^()]*\\))"))
                    .map(c -> "coalesce(CAST(" + c.trim() + " AS VARCHAR), 'null')")
                    .toList())
            + ") AS line FROM read_parquet('"
            + parts[0]
            + "/*.parquet')"
            + (parts.length > 1 ? " WHERE " + parts[1] : "")
            + " ORDER BY line";
    List<String> lines = new ArrayList<>();
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duckdb.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      try (ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(sql, e);
    }
    return lines;
  }
}
