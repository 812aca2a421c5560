package dev.funnel.robustness;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.OutputFormat;
import dev.funnel.io.HaltPoint;
import dev.funnel.io.OutputLock;
import dev.funnel.io.PartitionRetention;
import dev.funnel.io.RunManifest;
import dev.funnel.io.Schemas;
import dev.funnel.io.TablePublisher;
import dev.funnel.io.TableStore;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import dev.funnel.report.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code output_format: delta}: the same tables as Parquet, a day replaced by one {@code
 * replaceWhere} commit per table (idempotent re-runs), a run killed between two tables' commits
 * leaves every table whole and earlier days untouched and is recovered, the lock refuses a second
 * run, and retention deletes old days. The Delta tables are read here with Spark's own Delta
 * reader, not with the job's {@link TableStore}.
 */
class DeltaOutputTest {
  private static final LocalDate DAY1 = LocalDate.parse("2025-03-30");
  private static final LocalDate DAY2 = LocalDate.parse("2025-03-31");

  private static SparkSession spark;
  @TempDir static Path shared;
  private static String beforeInput;
  private static String afterInput;
  private static Path deltaYaml;
  private static FunnelConfig delta;

  /** Every table a full run publishes. */
  private static List<String> tables;

  /** Delta output after DAY1 on "before" and DAY2 on "after": the state each kill starts from. */
  private static Path pristine;

  /** Delta output after DAY1 on "before", then DAY2 on "after" twice. */
  private static Path deltaOut;

  /** Parquet output after DAY1 on "before" and DAY2 on "after". */
  private static Path parquetOut;

  /** Each table's DAY1 content ("before") and DAY2 content ("after"). */
  private static Map<String, String> day1;

  private static Map<String, String> day2After;

  /** The results of the Parquet run and the (last) Delta run of DAY2 on the "after" input. */
  private static RunResult parquetResult;

  private static RunResult deltaResult;

  /** The number of commits of each Delta table once the "after" run was repeated. */
  private static Map<String, Long> versionsAfterRepeat;

  @TempDir Path tmp;

  /** The shared input (see {@link RobustnessInputs#write}). */
  private static String input(String name, int leads, long offsetSeconds, int rejected) {
    return RobustnessInputs.write(spark, shared, name, leads, offsetSeconds, rejected);
  }

  @BeforeAll
  static void runBothFormats() throws IOException {
    spark = SparkTestSession.get();
    beforeInput = input("before", 200, 0, 1);
    afterInput = input("after", 300, 3600, 2);
    deltaYaml = shared.resolve("delta.yaml");
    Files.writeString(deltaYaml, Funnels.AGREEMENT_YAML + "\noutput_format: delta\n");
    delta = ConfigLoader.load(deltaYaml);
    assertEquals(OutputFormat.DELTA, delta.outputFormat());
    assertEquals(OutputFormat.PARQUET, Funnels.withAgreement().outputFormat());

    parquetOut = shared.resolve("parquet");
    NightlyJob parquetJob = new NightlyJob(spark, Funnels.withAgreement());
    parquetJob.run(new RunRequest(beforeInput, parquetOut.toString(), DAY1));
    parquetResult = parquetJob.run(new RunRequest(afterInput, parquetOut.toString(), DAY2));
    try (Stream<Path> list = Files.list(parquetOut)) {
      tables =
          list.map(p -> p.getFileName().toString())
              .filter(t -> !t.startsWith("_"))
              .sorted()
              .toList();
    }
    assertEquals(NightlyJob.TABLES.size(), tables.size(), tables.toString());

    deltaOut = shared.resolve("delta");
    NightlyJob deltaJob = new NightlyJob(spark, delta);
    deltaJob.run(new RunRequest(beforeInput, deltaOut.toString(), DAY1));
    deltaJob.run(new RunRequest(afterInput, deltaOut.toString(), DAY2));
    pristine = shared.resolve("pristine");
    copyTree(deltaOut, pristine);
    day1 = deltaContents(deltaOut, DAY1);
    day2After = deltaContents(deltaOut, DAY2);
    deltaResult = deltaJob.run(new RunRequest(afterInput, deltaOut.toString(), DAY2));
    versionsAfterRepeat = new LinkedHashMap<>();
    for (String table : tables) {
      versionsAfterRepeat.put(table, history(deltaOut, table).count());
    }
  }

  @Test
  void everyTableIsADeltaTablePartitionedByAsOfWithTheParquetRunsRows() {
    for (String table : tables) {
      Path dir = deltaOut.resolve(table);
      assertTrue(Files.isDirectory(dir.resolve("_delta_log")), table + " is a Delta table");
      Row detail = spark.sql("DESCRIBE DETAIL delta.`" + dir + "`").first();
      assertEquals(List.of("as_of"), detail.getList(detail.fieldIndex("partitionColumns")), table);
      assertEquals(
          parquetContent(parquetOut, table, DAY2),
          deltaContent(deltaOut, table, DAY2),
          table + " as of " + DAY2 + ": Delta and Parquet runs on the same input and history");
      assertEquals(
          parquetContent(parquetOut, table, DAY1), day1.get(table), table + " as of " + DAY1);
    }
    long visits = deltaRows(deltaOut, Schemas.STAGE_VISITS, DAY2).count();
    // 300 leads with three visits each, plus a won visit for 100 and a lost one for 100.
    assertEquals(1100, visits);
    Map<String, Object> manifest = RunManifest.read(hadoop(), deltaOut.toString(), DAY2);
    assertEquals(
        1100, ((Number) ((Map<?, ?>) manifest.get("tables")).get("stage_visits")).intValue());
  }

  @Test
  void aRepeatedDayIsReplacedByReplaceWhereCommitsWithoutDuplicates() {
    for (String table : tables) {
      // Three runs, one commit each: DAY1, DAY2, DAY2 again.
      assertEquals(3L, versionsAfterRepeat.get(table), table + " commits");
      Row latest = history(deltaOut, table).orderBy(col("version").desc()).first();
      assertEquals("WRITE", latest.getAs("operation"), table);
      Map<String, String> parameters = latest.getJavaMap(latest.fieldIndex("operationParameters"));
      assertEquals("Overwrite", parameters.get("mode"), table);
      assertEquals("as_of = DATE'" + DAY2 + "'", parameters.get("predicate"), table);
      assertEquals(day2After.get(table), deltaContent(deltaOut, table, DAY2), table);
      assertEquals(day1.get(table), deltaContent(deltaOut, table, DAY1), table + " day 1 kept");
      Dataset<Row> rows = deltaRows(deltaOut, table, DAY2);
      assertEquals(rows.count(), rows.distinct().count(), table + ": no duplicate rows");
    }
  }

  /**
   * A re-run of DAY2 on the "before" input killed (in a child JVM, by {@link HaltPoint}) after the
   * third table's commit and before the manifest: the other tables keep the old DAY2 whole, DAY1 is
   * untouched, the manifest is the old run's. The next run's recovery re-commits every staged
   * table; that is what an uninterrupted run of the same input writes, and the first three tables
   * (in name order) already had it.
   */
  @Test
  void aRunKilledBetweenCommitsLeavesWholeTablesAndIsRecovered() throws Exception {
    Path output = tmp.resolve("out");
    copyTree(pristine, output);
    Object oldRun = RunManifest.read(hadoop(), output.toString(), DAY2).get("run_id");
    Path logs = tmp.resolve("child");
    String point = "between-commits:3";
    Process child =
        ChildJvm.start(
            logs,
            List.of(
                "-D" + HaltPoint.PROPERTY + "=" + point,
                "-Dspark.databricks.delta.snapshotPartitions=2"),
            "run",
            "--config",
            deltaYaml.toString(),
            "--input",
            beforeInput,
            "--output",
            output.toString(),
            "--as-of",
            DAY2.toString());
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child did not stop");
    String stderr = Files.readString(logs.resolve("stderr.txt"));
    assertEquals(HaltPoint.EXIT_STATUS, child.exitValue(), stderr);
    assertTrue(stderr.contains("halted at " + point), stderr);

    Map<String, String> killed = deltaContents(output, DAY2);
    for (String table : tables) {
      assertEquals(day1.get(table), deltaContent(output, table, DAY1), table + " day 1 untouched");
    }
    assertEquals(oldRun, RunManifest.read(hadoop(), output.toString(), DAY2).get("run_id"));
    assertTrue(Files.exists(output.resolve("_lock")), "the killed run left its lock");
    assertTrue(Files.isDirectory(output.resolve("_staging")), "and its staged tables");

    try (OutputLock lock = OutputLock.acquire(hadoop(), output.toString(), "next", Duration.ZERO)) {
      TablePublisher.recover(TableStore.of(spark, output.toString(), OutputFormat.DELTA));
    }
    Map<String, String> recovered = deltaContents(output, DAY2);
    assertFalse(Files.exists(output.resolve("_staging")), "staging removed");

    new NightlyJob(spark, delta).run(new RunRequest(beforeInput, output.toString(), DAY2));
    Map<String, String> rerun = deltaContents(output, DAY2);
    // 200 leads: 600 visits plus 67 won and 67 lost ones, not the 1,100 of the "after" input.
    assertEquals(734, deltaRows(output, Schemas.STAGE_VISITS, DAY2).count());
    for (int i = 0; i < tables.size(); i++) {
      String table = tables.get(i);
      assertEquals(rerun.get(table), recovered.get(table), table + ": recovered as a re-run");
      assertEquals(
          (i < 3 ? rerun : day2After).get(table),
          killed.get(table),
          table + " as of " + DAY2 + " after the kill: " + (i < 3 ? "new" : "old") + ", whole");
      assertEquals(day1.get(table), deltaContent(output, table, DAY1), table + " day 1 kept");
    }
    assertTrue(
        !rerun.get(Schemas.STAGE_VISITS).equals(day2After.get(Schemas.STAGE_VISITS)),
        "the inputs differ");
    assertFalse(Files.exists(output.resolve("_lock")), "lock released");
  }

  @Test
  void aSecondRunRefusesWhileTheFirstHoldsTheLockAndCommitsNothing() {
    try (OutputLock held =
        OutputLock.acquire(hadoop(), deltaOut.toString(), "holder-run", Duration.ZERO)) {
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () ->
                  new NightlyJob(spark, delta)
                      .run(new RunRequest(afterInput, deltaOut.toString(), DAY2)));
      assertEquals(ExitCodes.LOCKED, ExitCodes.of(e));
      assertTrue(e.getMessage().contains("run holder-run"), e.getMessage());
    }
    for (String table : tables) {
      assertEquals(versionsAfterRepeat.get(table), history(deltaOut, table).count(), table);
    }
  }

  @Test
  void anOutputKeepsItsFormatARunInTheOtherOneRefusesWithExitCode2() {
    RuntimeException deltaOnParquet =
        assertThrows(
            RuntimeException.class,
            () ->
                new NightlyJob(spark, delta)
                    .run(new RunRequest(afterInput, parquetOut.toString(), DAY2)));
    assertEquals(ExitCodes.USAGE, ExitCodes.of(deltaOnParquet));
    assertTrue(
        deltaOnParquet.getMessage().startsWith("key 'output_format' is delta, but "),
        deltaOnParquet.getMessage());
    assertTrue(deltaOnParquet.getMessage().contains("holds Parquet partitions"));
    RuntimeException parquetOnDelta =
        assertThrows(
            RuntimeException.class,
            () ->
                new NightlyJob(spark, Funnels.withAgreement())
                    .run(new RunRequest(afterInput, deltaOut.toString(), DAY2)));
    assertEquals(ExitCodes.USAGE, ExitCodes.of(parquetOnDelta));
    assertTrue(
        parquetOnDelta.getMessage().contains("is a Delta table"), parquetOnDelta.getMessage());
    for (String table : tables) {
      assertEquals(versionsAfterRepeat.get(table), history(deltaOut, table).count(), table);
    }
    assertFalse(Files.exists(parquetOut.resolve("_staging")), "nothing staged");
    assertFalse(Files.exists(deltaOut.resolve("_lock")), "lock released");
  }

  /** Every Delta table has exactly the declared columns and types of {@code schemas/}. */
  @Test
  void theDeltaTablesHaveTheDeclaredSchemas() {
    for (String table : tables) {
      var declared =
          Schemas.WITH_DIMENSION_COLUMNS.contains(table)
              ? Schemas.load(table, Funnels.withAgreement().dimensions())
              : Schemas.load(table);
      var written = spark.read().format("delta").load(deltaOut.resolve(table).toString()).schema();
      assertEquals(
          Arrays.stream(declared.fields()).map(f -> f.name() + " " + f.dataType()).toList(),
          Arrays.stream(written.fields()).map(f -> f.name() + " " + f.dataType()).toList(),
          table);
    }
  }

  @Test
  void retentionDeletesOldStageVisitsDaysWithADeltaDelete() throws IOException {
    Path output = tmp.resolve("retention");
    copyTree(pristine, output);
    TableStore store = TableStore.of(spark, output.toString(), OutputFormat.DELTA);
    assertEquals(List.of(DAY1), PartitionRetention.apply(store, Schemas.STAGE_VISITS, DAY2, 0));
    assertEquals(0, deltaRows(output, Schemas.STAGE_VISITS, DAY1).count());
    assertEquals(
        day2After.get(Schemas.STAGE_VISITS), deltaContent(output, Schemas.STAGE_VISITS, DAY2));
    Row latest = history(output, Schemas.STAGE_VISITS).orderBy(col("version").desc()).first();
    assertEquals("DELETE", latest.getAs("operation"));
    assertEquals(List.of(), PartitionRetention.apply(store, Schemas.STAGE_VISITS, DAY2, 0));
  }

  @Test
  void theRunSummaryReadsDeltaAsItReadsParquet() {
    String fromParquet =
        summary(
            Funnels.withAgreement(),
            new RunRequest(afterInput, parquetOut.toString(), DAY2),
            parquetResult);
    String fromDelta =
        summary(delta, new RunRequest(afterInput, deltaOut.toString(), DAY2), deltaResult);
    assertTrue(fromDelta.contains("Anomalies:"), fromDelta);
    assertTrue(fromDelta.contains("Targets, last complete month"), fromDelta);
    assertEquals(fromParquet, fromDelta);
  }

  /** The run summary without the lines that differ by format: table locations and run time. */
  private static String summary(FunnelConfig config, RunRequest request, RunResult result) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunSummary.print(
        spark, config, request, result, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(line -> !line.contains(request.output()) && !line.startsWith("Finished in"))
        .collect(Collectors.joining("\n"));
  }

  private static org.apache.hadoop.conf.Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private static Dataset<Row> history(Path output, String table) {
    return spark.sql("DESCRIBE HISTORY delta.`" + output.resolve(table) + "`");
  }

  /** A day of a Delta table, read by Spark's Delta reader. */
  private static Dataset<Row> deltaRows(Path output, String table, LocalDate day) {
    return spark
        .read()
        .format("delta")
        .load(output.resolve(table).toString())
        .where(col("as_of").equalTo(java.sql.Date.valueOf(day)));
  }

  private static Map<String, String> deltaContents(Path output, LocalDate day) {
    Map<String, String> contents = new LinkedHashMap<>();
    for (String table : tables) {
      contents.put(table, deltaContent(output, table, day));
    }
    return contents;
  }

  private static String deltaContent(Path output, String table, LocalDate day) {
    return content(deltaRows(output, table, day));
  }

  private static String parquetContent(Path output, String table, LocalDate day) {
    return content(spark.read().parquet(output.resolve(table).resolve("as_of=" + day).toString()));
  }

  /**
   * A table's rows as sorted lines of {@code column=value} in column-name order: equal strings,
   * equal tables (duplicates included), whatever the column order of the files.
   */
  private static String content(Dataset<Row> rows) {
    String[] names = rows.columns().clone();
    Arrays.sort(names);
    Column[] columns = Arrays.stream(names).map(n -> col("`" + n + "`")).toArray(Column[]::new);
    List<String> lines = new ArrayList<>();
    for (Row r : rows.select(columns).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        cells.add(names[i] + "=" + r.get(i));
      }
      lines.add(String.join("|", cells));
    }
    return lines.stream().sorted().collect(Collectors.joining("\n"));
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
}
