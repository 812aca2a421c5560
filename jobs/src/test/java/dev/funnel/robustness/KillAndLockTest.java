package dev.funnel.robustness;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.io.OutputLock;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL at any point leaves the published outputs exactly as they were. */
class KillAndLockTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");
  private static final List<String> TABLES =
      List.of("stage_visits", "stage_conversion", "time_in_stage", "rejected_events");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  /** Synthetic events: {@code leads} leads walking lead → mql → sql a few hours apart. */
  private String input(String name, long leads, long offsetSeconds) {
    String dir = tmp.resolve(name).toString();
    Dataset<Row> ids = spark.range(leads * 3).withColumn("lead", col("id").divide(3).cast("long"));
    ids.select(
            concat(lit("L"), col("lead").cast("string")).as("lead_id"),
            element_at(
                    functions.array(lit("lead"), lit("mql"), lit("sql")),
                    col("id").mod(3).plus(1).cast("int"))
                .as("stage"),
            timestamp_seconds(
                    lit(1735689600L + offsetSeconds)
                        .plus(col("lead").mod(5_000_000).multiply(1))
                        .plus(col("id").mod(3).multiply(3600 * 7)))
                .as("entered_at"),
            lit(null).cast("double").as("amount"),
            concat(lit("src"), col("lead").mod(7).cast("string")).as("source"),
            lit("smb").as("segment"))
        .repartition(4)
        .write()
        .parquet(dir);
    return dir;
  }

  private Dataset<Row> published(String output, String table) {
    return spark.read().parquet(output + "/" + table + "/as_of=" + AS_OF);
  }

  private static boolean exists(Path p) {
    return Files.exists(p);
  }

  @Test
  void killMinus9DuringARunLeavesThePreviousOutputsAndTheNextRunCleansUp() throws Exception {
    String before = input("before", 20_000, 0);
    String after = input("after", 150_000, 3600);
    String output = tmp.resolve("out").toString();
    Path config = tmp.resolve("funnel.yaml");
    Files.writeString(
        config,
        "name: kill\ntimezone: Europe/Berlin\nstages: [lead, mql, sql, opportunity, won]\n"
            + "lost_stages: [lost, disqualified]\nconversion_window_days: 90\n"
            + "dimensions: [source, segment]\n");
    new NightlyJob(spark, Funnels.berlin()).run(new RunRequest(before, output, AS_OF));
    java.util.Map<String, List<Row>> snapshot = new java.util.HashMap<>();
    for (String table : TABLES) {
      snapshot.put(table, published(output, table).collectAsList());
    }

    // Kill at several points: as soon as staging appears, and later while tables are written.
    long[] delaysMillis = {0, 1500, 4000};
    for (int attempt = 0; attempt < delaysMillis.length; attempt++) {
      Process child =
          ChildJvm.start(
              tmp.resolve("child" + attempt),
              "run",
              "--config",
              config.toString(),
              "--input",
              after,
              "--output",
              output,
              "--as-of",
              AS_OF.toString());
      Path staging = Path.of(output, "_staging");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!exists(staging) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(
          child.isAlive(), "the child run finished before it could be killed; attempt " + attempt);
      Thread.sleep(delaysMillis[attempt]);
      child.destroyForcibly(); // SIGKILL on Linux
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));

      for (String table : TABLES) {
        Dataset<Row> now = published(output, table);
        Dataset<Row> was = spark.createDataFrame(snapshot.get(table), now.schema());
        assertEquals(0, now.except(was).count(), table + " changed after kill " + attempt);
        assertEquals(0, was.except(now).count(), table + " lost rows after kill " + attempt);
        try (Stream<Path> partitions = Files.list(Path.of(output, table))) {
          assertEquals(
              List.of("as_of=" + AS_OF),
              partitions.map(p -> p.getFileName().toString()).toList(),
              "only the complete partition is visible to readers");
        }
      }
    }

    // The next run takes over the dead run's stale lock, discards its staging and publishes.
    assertTrue(exists(Path.of(output, "_lock")), "the killed run left its lock");
    new NightlyJob(spark, Funnels.berlin()).run(new RunRequest(before, output, AS_OF));
    assertFalse(exists(Path.of(output, "_staging")));
    assertFalse(exists(Path.of(output, "_lock")));
    assertEquals(snapshot.get("stage_visits").size(), published(output, "stage_visits").count());
  }

  @Test
  void aSecondRunRefusesWhileTheFirstHoldsTheLockAndNamesTheHolder() throws IOException {
    String input = input("in", 100, 0);
    String output = tmp.resolve("out").toString();
    try (OutputLock held =
        OutputLock.acquire(
            spark.sparkContext().hadoopConfiguration(), output, "holder-run", Duration.ZERO)) {
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () ->
                  new NightlyJob(spark, Funnels.berlin())
                      .run(new RunRequest(input, output, AS_OF, Duration.ofSeconds(1), false)));
      assertEquals(ExitCodes.LOCKED, ExitCodes.of(e));
      assertTrue(e.getMessage().contains("is locked by another run"), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      assertTrue(e.getMessage().contains("run holder-run"), e.getMessage());
    }
    assertFalse(exists(Path.of(output, "_staging")), "the refused run wrote nothing");
    // Once released, a run that waits gets through.
    new NightlyJob(spark, Funnels.berlin())
        .run(new RunRequest(input, output, AS_OF, Duration.ofSeconds(5), false));
    assertEquals(300, published(output, "stage_visits").count());
  }

  @Test
  void aRunThatWaitsGetsTheLockWhenTheHolderFinishes() throws Exception {
    String output = tmp.resolve("out").toString();
    var hadoop = spark.sparkContext().hadoopConfiguration();
    OutputLock first = OutputLock.acquire(hadoop, output, "first", Duration.ZERO);
    Thread releaser =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              first.close();
            });
    releaser.start();
    try (OutputLock second = OutputLock.acquire(hadoop, output, "second", Duration.ofSeconds(30))) {
      String content = Files.readString(Path.of(output, "_lock"));
      assertTrue(content.contains("\"run_id\":\"second\""), content);
    }
    releaser.join();
  }

  @Test
  void aLockLeftByADeadProcessOnThisHostIsStale() throws IOException {
    Path output = tmp.resolve("out");
    Files.createDirectories(output);
    Process dead = new ProcessBuilder("true").start();
    try {
      dead.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(
        output.resolve("_lock"),
        "{\"host\":\"" + host + "\",\"pid\":" + dead.pid() + ",\"run_id\":\"dead\"}");
    try (OutputLock lock =
        OutputLock.acquire(
            spark.sparkContext().hadoopConfiguration(), output.toString(), "new", Duration.ZERO)) {
      assertTrue(Files.readString(output.resolve("_lock")).contains("\"run_id\":\"new\""));
    }
    // A lock of a live process on another host is never taken over.
    Files.writeString(
        output.resolve("_lock"), "{\"host\":\"elsewhere\",\"pid\":1,\"run_id\":\"remote\"}");
    assertThrows(
        OutputLock.LockedException.class,
        () ->
            OutputLock.acquire(
                spark.sparkContext().hadoopConfiguration(), output.toString(), "x", Duration.ZERO));
  }
}
