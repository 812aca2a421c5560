package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.Events;
import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a successful publish, stage_visits keeps the partitions of the last {@code
 * retention.stage_visits_days} days before the as-of day and the run's own; older ones go, the
 * aggregate tables keep everything.
 */
class RetentionTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private static FunnelConfig config(String retention) {
    return ConfigLoader.parse(
        "name: r\ntimezone: Europe/Berlin\nstages: [lead, mql, sql, opportunity, won]\n"
            + "lost_stages: [lost, disqualified]\nconversion_window_days: 90\n"
            + "dimensions: [source, segment]\n"
            + retention,
        "r");
  }

  /**
   * Earlier nights' partitions: stage_visits and stage_conversion for every day of March, a later
   * day, a folder that is not an as-of day, and a file.
   */
  private Path outputWithHistory() throws IOException {
    Path output = tmp.resolve("out");
    for (String table : List.of("stage_visits", "stage_conversion")) {
      for (int day = 1; day <= 31; day++) {
        Path partition = output.resolve(table).resolve("as_of=" + LocalDate.of(2025, 3, day));
        Files.createDirectories(partition);
        Files.writeString(partition.resolve("part-00000.parquet"), "an earlier night");
      }
      Files.createDirectories(output.resolve(table).resolve("as_of=2025-04-05"));
      Files.createDirectories(output.resolve(table).resolve("as_of=latest"));
      Files.writeString(output.resolve(table).resolve("README.txt"), "kept");
    }
    return output;
  }

  private String input() {
    return new Events()
        .add("L1", "lead", "2025-03-03T10:00:00Z", null, "web", "smb")
        .add("L1", "mql", "2025-03-04T10:00:00Z")
        .write(spark, tmp);
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Days of March 2025 from {@code first} to 31 as partition names, plus the others kept. */
  private static List<String> marchFrom(int first) {
    List<String> names = new ArrayList<>();
    for (int day = first; day <= 31; day++) {
      names.add("as_of=" + LocalDate.of(2025, 3, day));
    }
    names.addAll(List.of("README.txt", "as_of=2025-04-05", "as_of=latest"));
    return names.stream().sorted().toList();
  }

  @Test
  void theDefaultKeepsAWeekOfStageVisitsAndEveryAggregate() throws IOException {
    Path output = outputWithHistory();
    new NightlyJob(spark, config("")).run(new RunRequest(input(), output.toString(), AS_OF));
    // 2025-03-31 minus 7 days is 2025-03-24: the 23 partitions before it are removed.
    assertEquals(marchFrom(24), entries(output.resolve("stage_visits")));
    assertEquals(marchFrom(1), entries(output.resolve("stage_conversion")));
    // The run's own partition is the new one.
    assertEquals(2, spark.read().parquet(output + "/stage_visits/as_of=" + AS_OF).count());
  }

  @Test
  void zeroDaysKeepOnlyTheRunsOwnPartition() throws IOException {
    Path output = outputWithHistory();
    new NightlyJob(spark, config("retention: {stage_visits_days: 0}\n"))
        .run(new RunRequest(input(), output.toString(), AS_OF));
    assertEquals(marchFrom(31), entries(output.resolve("stage_visits")));
    assertEquals(marchFrom(1), entries(output.resolve("stage_conversion")));
  }

  @Test
  void aFailedRunRemovesNothing() throws IOException {
    Path output = outputWithHistory();
    assertThrows(
        RuntimeException.class,
        () ->
            new NightlyJob(spark, config(""))
                .run(new RunRequest(tmp.resolve("missing").toString(), output.toString(), AS_OF)));
    assertEquals(marchFrom(1), entries(output.resolve("stage_visits")));
  }
}
