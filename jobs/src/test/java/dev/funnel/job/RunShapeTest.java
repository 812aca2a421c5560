package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.spark.OutputTable;
import dev.funnel.spark.RunContext;
import dev.funnel.spark.SharedResult;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run names each table's Spark jobs and releases every cached intermediate. */
class RunShapeTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private static Events events() {
    return new Events()
        .add("L1", "lead", "2025-01-06T10:00:00Z", null, "web", "smb")
        .add("L1", "mql", "2025-01-07T10:00:00Z", 100.0, null, null)
        .add("L1", "sql", "2025-01-08T10:00:00Z")
        .add("L2", "lead", "2025-01-06T12:00:00Z")
        .add("L2", "mql", "2025-01-10T12:00:00Z")
        .add(null, "lead", "2025-01-06T12:00:00Z");
  }

  /** Collects the description of every Spark job started while it is registered. */
  private static final class Descriptions extends SparkListener {
    final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String d =
          start.properties() == null
              ? null
              : start.properties().getProperty("spark.job.description");
      seen.add(String.valueOf(d));
    }
  }

  @Test
  void everyTablesSparkJobsCarryItsNameAndNothingStaysCached() throws Exception {
    String input = events().write(spark, tmp);
    Descriptions listener = new Descriptions();
    spark.sparkContext().addSparkListener(listener);
    try {
      new NightlyJob(spark, Funnels.withAgreement())
          .run(new RunRequest(input, tmp.resolve("out").toString(), LocalDate.parse("2025-01-31")));
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    Set<String> expected = new TreeSet<>();
    for (OutputTable table : NightlyJob.TABLES) {
      expected.add(table.name());
    }
    expected.add(NightlyJob.LEAD_PASS);
    Set<String> seen = new TreeSet<>(listener.seen);
    assertTrue(seen.containsAll(expected), "job descriptions " + seen + ", expected " + expected);
    assertTrue(
        spark.sharedState().cacheManager().isEmpty(),
        "a run leaves no persisted facts or shared intermediates");
  }

  @Test
  void aSharedResultIsComputedOncePersistedAndReleasedOnClose() {
    AtomicInteger computed = new AtomicInteger();
    SharedResult numbers =
        SharedResult.of(
            "numbers",
            run -> {
              computed.incrementAndGet();
              return run.spark().range(3).toDF();
            });
    Dataset<Row> first;
    try (RunContext run =
        new RunContext(
            spark, Funnels.berlin(), LocalDate.parse("2025-01-31"), "out", 1, null, null, null)) {
      first = run.shared(numbers);
      assertSame(first, run.shared(numbers));
      assertEquals(1, computed.get());
      assertNotEquals(StorageLevel.NONE(), first.storageLevel());
      assertEquals(List.of(numbers), run.sharedResults());
    }
    assertEquals(StorageLevel.NONE(), first.storageLevel());
  }

  @Test
  void sharedResultsAreReleasedWhenABuildFails() {
    SharedResult numbers = SharedResult.of("numbers", run -> run.spark().range(3).toDF());
    Dataset<Row> shared = null;
    try (RunContext run =
        new RunContext(
            spark, Funnels.berlin(), LocalDate.parse("2025-01-31"), "out", 1, null, null, null)) {
      shared = run.shared(numbers);
      throw new IllegalStateException("a table failed");
    } catch (IllegalStateException expected) {
      assertEquals("a table failed", expected.getMessage());
    }
    assertEquals(StorageLevel.NONE(), shared.storageLevel());
  }
}
