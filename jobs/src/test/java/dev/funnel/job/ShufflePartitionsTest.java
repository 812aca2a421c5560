package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables' shuffles are sized by the input, not Spark's default of 200 partitions, unless the
 * session sets {@code spark.sql.shuffle.partitions} itself; the run leaves the setting as it was.
 */
class ShufflePartitionsTest {
  private static final String SHUFFLE = "spark.sql.shuffle.partitions";
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  /** The task count of every stage submitted while it is registered. */
  private static final class StageTasks extends SparkListener {
    final List<Integer> tasks = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
      tasks.add(submitted.stageInfo().numTasks());
    }
  }

  private List<Integer> runWith(String shuffle, String out) throws Exception {
    String input =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", null, "web", "smb")
            .add("L1", "mql", "2025-01-07T10:00:00Z", 100.0, null, null)
            .add("L2", "lead", "2025-01-06T12:00:00Z")
            .write(spark, tmp);
    String previous = spark.conf().get(SHUFFLE);
    StageTasks listener = new StageTasks();
    spark.sparkContext().addSparkListener(listener);
    try {
      if (shuffle == null) {
        spark.conf().unset(SHUFFLE);
      } else {
        spark.conf().set(SHUFFLE, shuffle);
      }
      new NightlyJob(spark, Funnels.withAgreement())
          .run(new RunRequest(input, tmp.resolve(out).toString(), LocalDate.parse("2025-01-31")));
      spark.sparkContext().listenerBus().waitUntilEmpty();
      if (shuffle == null) {
        assertFalse(spark.conf().contains(SHUFFLE), "the run restores an unset setting");
      } else {
        assertEquals(shuffle, spark.conf().get(SHUFFLE), "an explicit setting is kept");
      }
    } finally {
      spark.sparkContext().removeSparkListener(listener);
      spark.conf().set(SHUFFLE, previous);
    }
    return listener.tasks;
  }

  /**
   * Three events on the test session's local cores: the run's stages are exactly those of a run
   * with the event partitions' count set explicitly, and an explicit 7 is kept (some stages have 7
   * tasks, where the sized run has the event partitions' count).
   */
  @Test
  void tablesShuffleIntoTheEventPartitionsUnlessTheSessionSaysOtherwise() throws Exception {
    int partitions = PartitionSizing.partitions(3, spark.sparkContext().defaultParallelism());
    List<Integer> sized = runWith(null, "sized");
    List<Integer> asEvents = runWith(String.valueOf(partitions), "as-events");
    List<Integer> seven = runWith("7", "seven");
    assertEquals(asEvents, sized);
    assertTrue(seven.contains(7) && !sized.contains(7), "sized " + sized + ", seven " + seven);
  }
}
