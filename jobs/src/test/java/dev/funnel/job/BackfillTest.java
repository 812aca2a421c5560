package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.Events;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.EventSource;
import dev.funnel.io.InputValidator;
import dev.funnel.io.OutputLock;
import dev.funnel.io.RunManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 30-day backfill of a small funnel: every day's tables are those of a single run as of that day,
 * a failure stops the backfill naming the day to resume from, the resumed backfill skips the
 * complete days, a second backfill changes nothing, and late data re-runs exactly the days it
 * changes.
 */
class BackfillTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final LocalDate FROM = LocalDate.parse("2025-03-01");
  private static final LocalDate TO = LocalDate.parse("2025-03-30");
  private static final LocalDate BROKEN = LocalDate.parse("2025-03-03");
  private static final LocalDate LATE_DAY = LocalDate.parse("2025-03-29");
  private static final Instant START = Instant.parse("2025-02-20T09:00:00Z");
  private static final int LEADS = 120;
  private final SparkSession spark = SparkTestSession.get();
  // Every day's stage_visits is kept (the default retention removes those older than 7 days).
  private final FunnelConfig config =
      dev.funnel.config.ConfigLoader.parse(
          "name: test\ntimezone: Europe/Berlin\nstages: [lead, mql, sql, opportunity, won]\n"
              + "lost_stages: [lost, disqualified]\nconversion_window_days: 90\n"
              + "dimensions: [source, segment]\nretention: {stage_visits_days: 36500}\n",
          "backfill");
  @TempDir Path tmp;

  /**
   * Lead i enters at START + i * 9h 7m (spread over 45 days, every hour of the day), reaches mql 5
   * hours later and, for even i, sql 30 hours after that: every event is its own visit.
   */
  private static Events funnel() {
    Events events = new Events();
    for (int i = 0; i < LEADS; i++) {
      Instant entered = START.plus(Duration.ofMinutes(i * 547L));
      String lead = "L" + i;
      events.add(lead, "lead", entered.toString(), null, "src" + (i % 3), "smb");
      events.add(lead, "mql", entered.plus(Duration.ofHours(5)).toString(), null, null, null);
      if (i % 2 == 0) {
        events.add(lead, "sql", entered.plus(Duration.ofHours(35)).toString(), null, null, null);
      }
    }
    return events;
  }

  /** Events before the end of {@code day} in Berlin, counted here from the rows themselves. */
  private static long eventsKnownAt(List<Row> rows, LocalDate day) {
    Instant asOf = day.plusDays(1).atStartOfDay(BERLIN).toInstant();
    return rows.stream().filter(r -> r.getTimestamp(2).toInstant().isBefore(asOf)).count();
  }

  private Dataset<Row> table(String output, String table, LocalDate day) {
    return spark.read().parquet(output + "/" + table + "/as_of=" + day);
  }

  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private String runId(String output, LocalDate day) {
    return (String) RunManifest.read(hadoop(), output, day).get("run_id");
  }

  private Backfill.Outcome backfill(
      Backfill.Plan plan, String input, String output, List<String> lines) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NightlyJob job = new NightlyJob(spark, config);
    try (PrintStream progress = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      return Backfill.execute(
          plan, day -> job.run(new RunRequest(input, output, day, Duration.ZERO, true)), progress);
    } finally {
      lines.addAll(bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }
  }

  @Test
  void aThirtyDayBackfillStopsAtAFailureResumesSkipsCompleteDaysAndRerunsLateDays()
      throws IOException {
    Events events = funnel();
    String input = events.write(spark, tmp);
    String output = tmp.resolve("out").toString();
    Backfill backfill = new Backfill(hadoop(), config, input, output, true);

    // A directory where day 3's manifest is written first makes that day fail after its tables
    // are published: the day stays incomplete.
    Path obstacle = Path.of(output, "_runs", "." + BROKEN + ".json.tmp");
    Files.createDirectories(obstacle.resolve("in-the-way"));
    List<String> lines = new ArrayList<>();
    Backfill.StoppedException stopped =
        assertThrows(
            Backfill.StoppedException.class,
            () -> backfill(backfill.range(FROM, TO, false), input, output, lines));
    assertEquals(BROKEN, stopped.failedDay());
    assertTrue(
        stopped
            .getMessage()
            .startsWith(
                "backfill stopped at 2025-03-03 (2 earlier days of this backfill published)"),
        stopped.getMessage());
    assertTrue(
        stopped.getMessage().endsWith("resume with --from 2025-03-03 --to 2025-03-30"),
        stopped.getMessage());
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("backfill 2025-03-01 (1/30): published (not complete): "));
    assertTrue(lines.get(2).startsWith("backfill 2025-03-03 (3/30): FAILED: "), lines.get(2));
    for (LocalDate day = BROKEN.plusDays(1); !day.isAfter(TO); day = day.plusDays(1)) {
      assertFalse(Files.exists(Path.of(output, "_runs", day + ".json")), "ran " + day);
    }

    // Fixed; the same command again runs day 3 onwards and skips the 2 complete days.
    Files.delete(obstacle.resolve("in-the-way"));
    Files.delete(obstacle);
    Map<LocalDate, String> firstRunIds = new HashMap<>();
    for (LocalDate day = FROM; day.isBefore(BROKEN); day = day.plusDays(1)) {
      firstRunIds.put(day, runId(output, day));
    }
    lines.clear();
    Backfill.Outcome resumed = backfill(backfill.range(FROM, TO, false), input, output, lines);
    assertEquals(2, resumed.skipped().size());
    assertEquals(28, resumed.ran().size());
    assertEquals(BROKEN, resumed.ran().get(0));
    assertEquals(
        "backfill 2025-03-01 (1/30): complete, skipped (--force re-runs it)", lines.get(0));
    firstRunIds.forEach((day, id) -> assertEquals(id, runId(output, day), "re-ran " + day));

    // Every day holds exactly the events known at its end, and only its own partition exists.
    List<Row> rows = events.rows();
    for (LocalDate day = FROM; !day.isAfter(TO); day = day.plusDays(1)) {
      assertEquals(
          eventsKnownAt(rows, day), table(output, "stage_visits", day).count(), "day " + day);
    }
    try (Stream<Path> partitions = Files.list(Path.of(output, "stage_visits"))) {
      assertEquals(30, partitions.count());
    }
    // Spot check: day 20 of the backfill equals a run of that day alone.
    String alone = tmp.resolve("alone").toString();
    new NightlyJob(spark, config)
        .run(new RunRequest(input, alone, LocalDate.parse("2025-03-20"), Duration.ZERO, true));
    for (String t : List.of("stage_visits", "stage_conversion", "time_in_stage")) {
      Dataset<Row> a = table(alone, t, LocalDate.parse("2025-03-20"));
      Dataset<Row> b = table(output, t, LocalDate.parse("2025-03-20"));
      assertEquals(0, a.exceptAll(b).count() + b.exceptAll(a).count(), t);
    }

    // Idempotent: a second backfill runs nothing; forcing a day reproduces its tables.
    Map<LocalDate, String> runIds = new HashMap<>();
    for (LocalDate day = FROM; !day.isAfter(TO); day = day.plusDays(1)) {
      runIds.put(day, runId(output, day));
    }
    lines.clear();
    assertEquals(0, backfill(backfill.range(FROM, TO, false), input, output, lines).ran().size());
    runIds.forEach((day, id) -> assertEquals(id, runId(output, day)));
    LocalDate forcedFrom = LocalDate.parse("2025-03-15");
    List<Row> before = table(output, "stage_conversion", forcedFrom).collectAsList();
    lines.clear();
    Backfill.Outcome forced =
        backfill(backfill.range(forcedFrom, forcedFrom, true), input, output, lines);
    assertEquals(List.of(forcedFrom), forced.ran());
    Dataset<Row> after = table(output, "stage_conversion", forcedFrom);
    Dataset<Row> was = spark.createDataFrame(before, after.schema());
    assertEquals(0, after.exceptAll(was).count() + was.exceptAll(after).count());

    // Late data: a file with events of 2025-03-29 arrives. Exactly the days from the 29th re-run.
    lines.clear();
    assertEquals(
        List.of(),
        backfill(backfill.changedSince(FROM, TO, current(input)), input, output, lines).ran(),
        "nothing changed yet");
    assertEquals("backfill 2025-03-01 (1/30): input unchanged, skipped", lines.get(0));
    Events late =
        new Events()
            .add("LATE1", "lead", "2025-03-29T10:00:00Z", null, "src0", "smb")
            .add("LATE1", "mql", "2025-03-29T16:00:00Z", null, null, null);
    addFile(late, input, "late-2025-03-29.parquet");
    runIds.clear();
    for (LocalDate day = FROM; !day.isAfter(TO); day = day.plusDays(1)) {
      runIds.put(day, runId(output, day));
    }
    lines.clear();
    Backfill.Outcome rerun =
        backfill(backfill.changedSince(FROM, TO, current(input)), input, output, lines);
    List<LocalDate> expected = new ArrayList<>();
    for (LocalDate day = LATE_DAY; !day.isAfter(TO); day = day.plusDays(1)) {
      expected.add(day);
    }
    assertEquals(expected, rerun.ran());
    assertEquals(
        "backfill 2025-03-28 (28/30): input unchanged, skipped", lines.get(27), lines.toString());
    assertTrue(
        lines
            .get(28)
            .startsWith("backfill 2025-03-29 (29/30): published (input changed: 1 file added): "),
        lines.get(28));
    for (LocalDate day = FROM; !day.isAfter(TO); day = day.plusDays(1)) {
      boolean reran = !day.isBefore(LATE_DAY);
      assertEquals(!reran, runIds.get(day).equals(runId(output, day)), "run id of " + day);
      assertEquals(
          eventsKnownAt(rows, day) + (reran ? 2 : 0),
          table(output, "stage_visits", day).count(),
          "day " + day);
    }
    // Changing a file every run read re-runs every day from --changed-since on.
    Path someFile;
    try (Stream<Path> files = Files.list(Path.of(input))) {
      someFile =
          files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().get();
    }
    Files.setLastModifiedTime(
        someFile, java.nio.file.attribute.FileTime.from(Instant.parse("2025-04-01T00:00:00Z")));
    Backfill.Plan all = backfill.changedSince(LocalDate.parse("2025-03-27"), TO, current(input));
    assertEquals(
        List.of(LocalDate.parse("2025-03-27"), LocalDate.parse("2025-03-28"), LATE_DAY, TO),
        all.daysToRun());
    assertEquals("input changed: 1 file changed", all.steps().get(0).why());
  }

  @Test
  void aDayThatFindsTheOutputLockedStopsTheBackfillWithExitCodeFour() throws IOException {
    String input = funnel().write(spark, tmp);
    String output = tmp.resolve("out").toString();
    Backfill backfill = new Backfill(hadoop(), config, input, output, true);
    try (OutputLock held = OutputLock.acquire(hadoop(), output, "other", Duration.ZERO)) {
      Backfill.StoppedException e =
          assertThrows(
              Backfill.StoppedException.class,
              () -> backfill(backfill.range(FROM, TO, false), input, output, new ArrayList<>()));
      assertEquals(ExitCodes.LOCKED, ExitCodes.of(e));
      assertEquals(FROM, e.failedDay());
      assertTrue(e.getMessage().contains("(0 earlier days of this backfill published)"));
      assertTrue(e.getMessage().contains("is locked by another run"), e.getMessage());
    }
  }

  @Test
  void theCommandLineStopsAtTheFailedDayWithOneErrorLineAndExitCodeOne() throws Exception {
    String input = funnel().write(spark, tmp);
    String output = tmp.resolve("out").toString();
    Path config = tmp.resolve("funnel.yaml");
    Files.writeString(
        config,
        "name: test\ntimezone: Europe/Berlin\nstages: [lead, mql, sql, opportunity, won]\n"
            + "lost_stages: [lost, disqualified]\nconversion_window_days: 90\n"
            + "dimensions: [source, segment]\n");
    Files.createDirectories(Path.of(output, "_runs", ".2025-03-02.json.tmp", "in-the-way"));
    String[] args = {
      "backfill",
      "--config",
      config.toString(),
      "--input",
      input,
      "--output",
      output,
      "--from",
      "2025-03-01",
      "--to",
      "2025-03-03",
      "--core-only"
    };
    ChildJvm.Result failed = ChildJvm.run(tmp.resolve("child1"), args);
    assertEquals(1, failed.exitCode(), failed.stderr());
    List<String> errors = failed.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), failed.stderr());
    assertTrue(
        errors
            .get(0)
            .startsWith(
                "error: backfill stopped at 2025-03-02 (1 earlier day of this"
                    + " backfill published): "),
        errors.get(0));
    assertTrue(failed.stderr().contains("backfill 2025-03-01 (1/3): published"), failed.stderr());
    assertEquals("", failed.stdout());
  }

  @Test
  void usageErrorsExitWithTwoBeforeSparkStarts() {
    assertEquals(
        2,
        dev.funnel.cli.FunnelMain.execute(
            "backfill", "--config", "c", "--input", "i", "--output", "o"));
    assertEquals(
        2,
        dev.funnel.cli.FunnelMain.execute(
            "backfill",
            "--config",
            "c",
            "--input",
            "i",
            "--output",
            "o",
            "--from",
            "2025-03-02",
            "--changed-since",
            "2025-03-01"));
    assertEquals(
        2,
        dev.funnel.cli.FunnelMain.execute(
            "backfill",
            "--config",
            tmp.resolve("no.yaml").toString(),
            "--input",
            "i",
            "--output",
            "o",
            "--from",
            "2025-03-02"));
  }

  private List<dev.funnel.io.InputFile> current(String input) {
    return InputValidator.validate(
            hadoop(),
            input,
            EventSource.declaredSchema(config),
            EventSource.requiredColumns(config))
        .inputs();
  }

  /** Writes {@code events} as one Parquet file named {@code name} into the input directory. */
  private void addFile(Events events, String input, String name) throws IOException {
    String dir = events.write(spark, tmp);
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      Path part =
          files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().get();
      Files.move(part, Path.of(input, name));
    }
  }
}
