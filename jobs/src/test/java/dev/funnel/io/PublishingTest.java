package dev.funnel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.config.OutputFormat;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-running an as-of replaces its partition and nothing else; the same input gives the same data.
 */
class PublishingTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private Dataset<Row> visits(String output, String asOf) {
    return spark.read().parquet(output + "/stage_visits/as_of=" + asOf);
  }

  @Test
  void aSwapInterruptedAfterItsCommitMarkerIsFinishedByTheNextRunAndUnmarkedStagingIsDiscarded()
      throws Exception {
    String output = tmp.resolve("out").toString();
    LocalDate day = LocalDate.parse("2025-01-31");
    Dataset<Row> rows = spark.range(3).toDF("n");
    // A run that died after writing both tables and its commit marker, before the swap.
    TablePublisher committed =
        new TablePublisher(
            spark, TableStore.of(spark, output, OutputFormat.PARQUET), day, day + "_committed");
    committed.stage("table_a", rows, 1);
    committed.stage("table_b", rows.limit(2), 1);
    java.nio.file.Files.createFile(Path.of(output, "_staging", day + "_committed", "_COMMITTING"));
    // A run that died while writing: no marker.
    TablePublisher dead =
        new TablePublisher(
            spark, TableStore.of(spark, output, OutputFormat.PARQUET), day, day + "_dead");
    dead.stage("table_a", spark.range(100).toDF("n"), 1);

    TablePublisher.recover(spark.sparkContext().hadoopConfiguration(), output);

    assertEquals(3, spark.read().parquet(output + "/table_a/as_of=" + day).count());
    assertEquals(2, spark.read().parquet(output + "/table_b/as_of=" + day).count());
    assertEquals(false, java.nio.file.Files.exists(Path.of(output, "_staging")));
  }

  @Test
  void rerunReplacesOnlyItsOwnPartitionAndIsIdempotent() {
    String first =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z")
            .add("L1", "mql", "2025-01-08T10:00:00Z")
            .write(spark, tmp);
    String second = new Events().add("L9", "lead", "2025-01-06T10:00:00Z").write(spark, tmp);
    String output = tmp.resolve("out").toString();
    NightlyJob job = new NightlyJob(spark, Funnels.berlin());
    job.run(new RunRequest(first, output, LocalDate.parse("2025-01-07")));
    job.run(new RunRequest(first, output, LocalDate.parse("2025-01-31")));
    Dataset<Row> before = visits(output, "2025-01-31").cache();
    assertEquals(2, before.count());

    // Same input again: same contents.
    job.run(new RunRequest(first, output, LocalDate.parse("2025-01-31")));
    Dataset<Row> again = visits(output, "2025-01-31");
    assertEquals(0, before.except(again).count());
    assertEquals(0, again.except(before).count());

    // Other input for 2025-01-07: that partition changes, 2025-01-31 does not.
    job.run(new RunRequest(second, output, LocalDate.parse("2025-01-07")));
    assertEquals("L9", visits(output, "2025-01-07").first().getAs("lead_id"));
    assertEquals(2, visits(output, "2025-01-31").count());
    // Reading the table root sees both partitions through the as_of column.
    assertEquals(3, spark.read().parquet(output + "/stage_visits").count());
  }
}
