package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.io.RunManifest;
import java.nio.file.Path;
import java.time.LocalDate;
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
  void smallHistoryEndToEnd() {
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
    assertTrue(result.accountingHolds());

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
    spark.read().parquet(output + "/stage_conversion/as_of=2025-01-31").show(100, false);
    spark.read().parquet(output + "/time_in_stage/as_of=2025-01-31").show(100, false);
    spark.read().parquet(output + "/rejected_events/as_of=2025-01-31").show(100, false);
  }
}
