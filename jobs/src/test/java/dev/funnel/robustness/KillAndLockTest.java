package dev.funnel.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.io.HaltPoint;
import dev.funnel.io.OutputLock;
import dev.funnel.io.Schemas;
import dev.funnel.io.TablePublisher;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run stopped dead at any point of its publication (the JVM halted there by {@link HaltPoint}, as
 * SIGKILL would stop it) leaves every published partition either as it was or as the run wrote it,
 * never half-written, and the next run finishes or discards what it left; plus the lock.
 */
class KillAndLockTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");

  /** Every table a full run publishes (read from the first run's output). */
  private static List<String> tables;

  /** A file put in each partition of the first run: readers skip it, it tells old from new. */
  private static final String OLD_MARKER = "_old_partition";

  private static final String OLD = "old";
  private static final String NEW = "new";
  private static final String MISSING = "missing";

  private static SparkSession spark;
  @TempDir static Path shared;
  private static String beforeInput;
  private static String afterInput;
  private static Path config;

  /** The output of a complete run on the "before" input: what readers see before each kill. */
  private static Path pristine;

  /** Each table's content after the run on the "before" and on the "after" input. */
  private static Map<String, String> oldContent;

  private static Map<String, String> newContent;

  @TempDir Path tmp;

  /** The shared input (see {@link RobustnessInputs#write}). */
  private static String input(String name, int leads, long offsetSeconds, int rejected) {
    return RobustnessInputs.write(spark, shared, name, leads, offsetSeconds, rejected);
  }

  @BeforeAll
  static void publishBothInputs() throws IOException {
    spark = SparkTestSession.get();
    beforeInput = input("before", 200, 0, 1);
    afterInput = input("after", 300, 3600, 2);
    config = shared.resolve("funnel.yaml");
    Files.writeString(config, Funnels.AGREEMENT_YAML);
    pristine = shared.resolve("pristine");
    new NightlyJob(spark, Funnels.withAgreement())
        .run(new RunRequest(beforeInput, pristine.toString(), AS_OF));
    Path reference = shared.resolve("reference");
    new NightlyJob(spark, Funnels.withAgreement())
        .run(new RunRequest(afterInput, reference.toString(), AS_OF));
    try (Stream<Path> list = Files.list(pristine)) {
      tables =
          list.map(p -> p.getFileName().toString())
              .filter(t -> !t.startsWith("_"))
              .sorted()
              .toList();
    }
    assertTrue(
        tables.containsAll(List.of(Schemas.STAGE_VISITS, Schemas.TARGETS)), tables.toString());
    oldContent = contents(pristine);
    newContent = contents(reference);
    for (String table : tables) {
      Files.createFile(pristine.resolve(table).resolve("as_of=" + AS_OF).resolve(OLD_MARKER));
    }
  }

  /**
   * The points at which a whole run (Spark and all, in a child JVM) is halted: before the commit
   * marker (the first and the last table staged), in the middle of the swap, after the swap and
   * after the manifest. The commit marker and every single rename are halted in {@link
   * #everyRenameOfTheSwapHaltedForReal}.
   */
  static List<String> runHaltPoints() {
    return List.of(
        "after-stage:" + tables.get(0),
        "after-stage:" + tables.get(tables.size() - 1),
        "between-renames:3",
        "after-publish",
        "after-manifest");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runHaltPoints")
  void aRunHaltedAtAPointLeavesWholePartitionsAndIsRecovered(String point) throws Exception {
    Path output = tmp.resolve("out");
    copyTree(pristine, output);
    haltRun(point, output, tmp.resolve("child"));
    assertVisible(point, output);
    assertTrue(Files.exists(output.resolve("_lock")), "the halted run left its lock");
    assertRecovers(point, output);
  }

  /**
   * Halts a run right after its commit marker, then halts the recovery of that run (the same swap
   * code, in a JVM without Spark) after each rename in turn, and after the last: each time readers
   * see whole partitions only, and the next recovery completes the swap.
   */
  @Test
  void everyRenameOfTheSwapHaltedForReal() throws Exception {
    Path committed = tmp.resolve("committed");
    copyTree(pristine, committed);
    haltRun("after-marker", committed, tmp.resolve("child"));
    assertVisible("after-marker", committed);

    List<String> points = new ArrayList<>();
    // Every table replaces a partition: two renames each.
    for (int n = 1; n <= 2 * tables.size(); n++) {
      points.add("between-renames:" + n);
    }
    points.add("after-renames");
    for (String point : points) {
      Path output = tmp.resolve(point.replace(':', '_'));
      copyTree(committed, output);
      Path logs = tmp.resolve("recover_" + point.replace(':', '_'));
      Process recovery =
          ChildJvm.startMain(
              logs,
              List.of("-D" + HaltPoint.PROPERTY + "=" + point),
              RecoverOutput.class.getName(),
              output.toString());
      assertHalted(recovery, point, logs);
      assertVisible(point, output);
      if (point.equals("between-renames:5")) {
        // The next real run finishes the swap first, then publishes its own tables.
        new NightlyJob(spark, Funnels.withAgreement())
            .run(new RunRequest(beforeInput, output.toString(), AS_OF));
        // Freshly written from the "before" input: the old content, without the old marker.
        for (String table : tables) {
          assertEquals(
              oldContent.get(table),
              content(output.resolve(table).resolve("as_of=" + AS_OF)),
              table + " after the next run");
        }
        assertFalse(Files.exists(output.resolve("_staging")));
        assertFalse(Files.exists(output.resolve("_lock")));
      } else {
        assertRecovers(point, output);
      }
    }
  }

  /** The recovery step of a run, alone, for a child JVM: {@code RecoverOutput OUTPUT}. */
  public static final class RecoverOutput {
    private RecoverOutput() {}

    /** Finishes or discards what a dead run left in the output directory {@code args[0]}. */
    public static void main(String[] args) {
      TablePublisher.recover(new org.apache.hadoop.conf.Configuration(), args[0]);
    }
  }

  /** Runs the job on the "after" input in a child JVM that halts at {@code point}. */
  private static void haltRun(String point, Path output, Path logs) throws Exception {
    Process child =
        ChildJvm.start(
            logs,
            List.of("-D" + HaltPoint.PROPERTY + "=" + point),
            "run",
            "--config",
            config.toString(),
            "--input",
            afterInput,
            "--output",
            output.toString(),
            "--as-of",
            AS_OF.toString());
    assertHalted(child, point, logs);
  }

  private static void assertHalted(Process child, String point, Path logs) throws Exception {
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child did not stop");
    String stderr = Files.readString(logs.resolve("stderr.txt"));
    assertEquals(HaltPoint.EXIT_STATUS, child.exitValue(), point + ": " + stderr);
    assertTrue(stderr.contains("halted at " + point), stderr);
  }

  /** Whether the commit marker was written before {@code point}. */
  private static boolean committed(String point) {
    return !point.startsWith("after-stage:");
  }

  /** What readers see at the moment of the crash, and what the dead run left behind. */
  private static void assertVisible(String point, Path output) throws IOException {
    Map<String, Long> seen = countStates(output);
    if (point.startsWith("between-renames:")) {
      int renames = Integer.parseInt(point.substring(point.indexOf(':') + 1));
      Map<String, Long> expected = new HashMap<>();
      expected.merge(NEW, (long) renames / 2, Long::sum);
      expected.merge(MISSING, (long) renames % 2, Long::sum);
      expected.merge(OLD, (long) tables.size() - renames / 2 - renames % 2, Long::sum);
      expected.values().removeIf(v -> v == 0);
      assertEquals(expected, seen, "tables after " + renames + " renames");
    } else {
      boolean swapped = Set.of("after-renames", "after-publish", "after-manifest").contains(point);
      assertEquals(Map.of(swapped ? NEW : OLD, (long) tables.size()), seen, "tables at " + point);
    }
    assertEquals(
        !point.equals("after-publish") && !point.equals("after-manifest"),
        Files.exists(output.resolve("_staging")),
        "staging left at " + point);
  }

  /**
   * The next run's first steps (take over the dead run's lock, finish or discard its swap) leave
   * the new tables if the marker was written, the old ones otherwise, and nothing else.
   */
  private static void assertRecovers(String point, Path output) throws IOException {
    var hadoop = spark.sparkContext().hadoopConfiguration();
    try (OutputLock lock = OutputLock.acquire(hadoop, output.toString(), "next", Duration.ZERO)) {
      TablePublisher.recover(hadoop, output.toString());
    }
    assertEquals(
        Map.of(committed(point) ? NEW : OLD, (long) tables.size()),
        countStates(output),
        "tables after recovering from " + point);
    assertFalse(Files.exists(output.resolve("_staging")), "staging removed");
    assertFalse(Files.exists(output.resolve("_lock")), "lock released");
  }

  /** How many tables are as the old run wrote them, as the new one did, or missing. */
  private static Map<String, Long> countStates(Path output) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    for (String table : tables) {
      counts.merge(state(output, table), 1L, Long::sum);
    }
    return counts;
  }

  private static String state(Path output, String table) throws IOException {
    Path dir = output.resolve(table);
    List<String> partitions;
    try (Stream<Path> list = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
      partitions = list.map(p -> p.getFileName().toString()).sorted().toList();
    }
    if (partitions.isEmpty()) {
      return MISSING;
    }
    assertEquals(List.of("as_of=" + AS_OF), partitions, table + ": only complete partitions");
    Path partition = dir.resolve("as_of=" + AS_OF);
    boolean old = Files.exists(partition.resolve(OLD_MARKER));
    assertEquals(
        (old ? oldContent : newContent).get(table),
        content(partition),
        table + ": the whole " + (old ? "old" : "new") + " partition");
    return old ? OLD : NEW;
  }

  private static Map<String, String> contents(Path output) {
    Map<String, String> contents = new HashMap<>();
    for (String table : tables) {
      contents.put(table, content(output.resolve(table).resolve("as_of=" + AS_OF)));
    }
    return contents;
  }

  /** A partition's rows, read by DuckDB, sorted and joined: equal strings, equal tables. */
  private static String content(Path partition) {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duckdb.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      StringBuilder rows = new StringBuilder();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT string_agg(r, chr(10) ORDER BY r) FROM (SELECT CAST(t AS VARCHAR) AS r"
                  + " FROM read_parquet('"
                  + partition
                  + "/*.parquet') AS t)")) {
        rs.next();
        rows.append(rs.getString(1));
      }
      return rows.toString();
    } catch (SQLException e) {
      throw new AssertionError("DuckDB cannot read " + partition, e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void aSecondRunRefusesWhileTheFirstHoldsTheLockAndNamesTheHolder() throws IOException {
    String input = input("in", 100, 0, 0);
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
    assertFalse(Files.exists(Path.of(output, "_staging")), "the refused run wrote nothing");
    // Once released, a run that waits gets through.
    new NightlyJob(spark, Funnels.berlin())
        .run(new RunRequest(input, output, AS_OF, Duration.ofSeconds(5), false));
    // 100 leads with three visits each, plus a won visit for 34 of them and a lost one for 33.
    assertEquals(367, spark.read().parquet(output + "/stage_visits/as_of=" + AS_OF).count());
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
