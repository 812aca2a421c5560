package dev.funnel.robustness;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.IndependentAccounting;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.config.ConfigException;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus: broken inputs and configurations built here, each with the exit code and
 * message it must produce, or the rows it must reject; every accepted run keeps the row accounting
 * (rows read = accepted + duplicates + rejected + after as-of). The README lists these cases.
 */
class BadInputCorpusTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-01-31");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private static final String CONFIG =
      "name: corpus\ntimezone: Europe/Berlin\nstages: [lead, mql, sql, opportunity, won]\n"
          + "lost_stages: [lost, disqualified]\nconversion_window_days: 90\n"
          + "dimensions: [source, segment]\n";

  // ---- helpers --------------------------------------------------------------------------------

  private String configError(String yaml) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "corpus.yaml"));
    assertEquals(ExitCodes.USAGE, ExitCodes.of(e));
    return e.getMessage();
  }

  private String inputError(String input) {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                new NightlyJob(spark, Funnels.berlin())
                    .run(new RunRequest(input, tmp.resolve("out").toString(), AS_OF)));
    assertEquals(ExitCodes.INPUT, ExitCodes.of(e), e.toString());
    assertTrue(e.getMessage().startsWith("input"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  private RunResult accepted(String input) {
    RunResult result =
        new NightlyJob(spark, Funnels.berlin())
            .run(new RunRequest(input, tmp.resolve("out").toString(), AS_OF));
    IndependentAccounting.assertHolds(input, tmp.resolve("out").toString(), AS_OF);
    return result;
  }

  private Map<String, Long> rejectedReasons() {
    return spark
        .read()
        .parquet(tmp.resolve("out/rejected_events/as_of=" + AS_OF).toString())
        .groupBy("reason")
        .count()
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
  }

  private String dir(String name) {
    return tmp.resolve(name).toString();
  }

  private Dataset<Row> goodEvents() {
    return spark.createDataFrame(
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", 5.0, "web", "smb")
            .add("L1", "mql", "2025-01-07T10:00:00Z")
            .rows(),
        Events.SCHEMA);
  }

  // ---- configuration: exit code 2, before Spark --------------------------------------------

  @Test
  void c01YamlSyntaxErrorNamesLineAndColumn() {
    String m = configError("name: x\ntimezone: [UTC\n");
    assertTrue(
        m.matches("configuration corpus.yaml is not valid YAML at line \\d+, column \\d+: .*"), m);
  }

  @Test
  void c02UnknownKey() {
    assertTrue(configError(CONFIG + "stagez: [a]\n").startsWith("unknown key 'stagez'"));
  }

  @Test
  void c03WrongType() {
    assertEquals(
        "key 'conversion_window_days' must be a whole number, found [1,2]",
        configError(CONFIG.replace("conversion_window_days: 90", "conversion_window_days: [1, 2]"))
            .replace("array ", ""));
  }

  @Test
  void c04EmptyStageList() {
    assertEquals(
        "key 'stages' must not be empty",
        configError(CONFIG.replace("[lead, mql, sql, opportunity, won]", "[]")));
  }

  @Test
  void c05OverlappingStageNames() {
    assertTrue(
        configError(CONFIG.replace("[lost, disqualified]", "[lost, mql]"))
            .contains("stage 'mql' is also in 'stages'"));
  }

  @Test
  void c06EveryStageLost() {
    String m =
        configError(
            CONFIG.replace(
                "stages: [lead, mql, sql, opportunity, won]\nlost_stages: [lost, disqualified]",
                "stages: []\nlost_stages: [lead, mql, lost]"));
    assertEquals("key 'stages' must not be empty", m);
  }

  @Test
  void c07UnknownTimeZone() {
    assertTrue(
        configError(CONFIG.replace("Europe/Berlin", "Mars/Olympus"))
            .contains("unknown time zone 'Mars/Olympus'"));
  }

  @Test
  void c08NonPositiveWindow() {
    assertEquals(
        "key 'conversion_window_days' must be positive, found -5",
        configError(CONFIG.replace("conversion_window_days: 90", "conversion_window_days: -5")));
  }

  @Test
  void c09DimensionNamedLikeAnOutputColumn() {
    // Used to pass and crash the run with AMBIGUOUS_REFERENCE after several tables were written.
    assertEquals(
        "key 'dimensions': 'sla' clashes with column 'sla' of the output tables (sla_compliance,"
            + " sla_breaches; column names are compared without case); rename the dimension",
        configError(CONFIG.replace("[source, segment]", "[source, sla]")));
    // Spark resolves names without case: Stage is stage. And the anomaly tables count too.
    assertTrue(
        configError(CONFIG.replace("[source, segment]", "[Stage]"))
            .startsWith(
                "key 'dimensions': 'Stage' clashes with column 'stage' of the output tables"
                    + " (stage_events, stage_visits, stage_conversion and 6 more; column names"));
    assertTrue(
        configError(CONFIG.replace("[source, segment]", "[severity]"))
            .startsWith(
                "key 'dimensions': 'severity' clashes with column 'severity' of the output tables"
                    + " (anomalies, anomaly_checks;"));
  }

  @Test
  void c10DimensionNamedLikeAWorkingColumn() {
    for (String name : List.of("stage_code", "entered_micros", "dim_0", "_class")) {
      assertTrue(
          configError(CONFIG.replace("[source, segment]", "[" + name + "]"))
              .startsWith(
                  "key 'dimensions': '" + name + "' is a name the job uses for its own working"),
          name);
    }
  }

  @Test
  void c11UnicodeDimensionNamesAreNamesButNotDigitsFirst() {
    FunnelConfig config =
        ConfigLoader.parse(
            CONFIG.replace("[source, segment]", "[источник, región, 渠道, ответственный_2]"),
            "corpus.yaml");
    assertEquals(List.of("источник", "región", "渠道", "ответственный_2"), config.dimensions());
    assertEquals(
        "key 'dimensions': '2nd_source' is not a plain column name (letters, digits and"
            + " underscores, not starting with a digit)",
        configError(CONFIG.replace("[source, segment]", "[2nd_source]")));
  }

  @Test
  void c12ConversionWindowThatWouldOverflow() {
    // 365,000 days crashed with "long overflow" (exit code 1) in the lead pass.
    assertEquals(
        "key 'conversion_window_days' must be at most 3,650 days (ten years), found 365,000",
        configError(
            CONFIG.replace("conversion_window_days: 90", "conversion_window_days: 365000")));
    assertEquals(
        3_650,
        ConfigLoader.parse(
                CONFIG.replace("conversion_window_days: 90", "conversion_window_days: 3650"), "c")
            .conversionWindowDays());
  }

  @Test
  void c13EveryOtherDurationAndCountIsBounded() {
    assertEquals(
        "key 'max_lead_id_length' must be at most 1,048,576 characters, found 2,147,483,647",
        configError(CONFIG + "max_lead_id_length: 2147483647\n"));
    String sla = "sla:\n  - {name: handoff, stage: mql, within_hours: %s}\n";
    assertEquals(
        "key 'sla[0].within_hours' must be at most 87,600 hours (ten years), found 1,000,000,000",
        configError(CONFIG + String.format(sla, "1.0e9")));
    String target = "targets:\n  - {name: volume, stage: mql, %s}\n";
    assertEquals(
        "key 'targets[0].leads' must be at most 1,000,000,000,000 leads, found 10,000,000,000,000",
        configError(CONFIG + String.format(target, "leads: 1.0e13")));
    assertEquals(
        "key 'targets[0].amount' must be at most 1,000,000,000,000,000, found 1.0E300",
        configError(CONFIG + String.format(target, "amount: 1.0e300")));
    // A positive window of one day and an SLA of ten years are fine.
    ConfigLoader.parse(
        CONFIG.replace("conversion_window_days: 90", "conversion_window_days: 1")
            + String.format(sla, "87600"),
        "c");
  }

  @Test
  void c14BadImportSections() {
    assertEquals(
        "key 'import.encoding': 'UTF-16' is not ASCII-compatible; re-save the export as UTF-8",
        configError(CONFIG + "import: {encoding: UTF-16}\n"));
    assertEquals(
        "key 'import.encoding': unknown encoding 'cp-9999' (e.g. UTF-8, windows-1251,"
            + " ISO-8859-1)",
        configError(CONFIG + "import: {encoding: cp-9999}\n"));
    assertEquals(
        "key 'import.timestamp_format': 'HH:mm' is not a usable java.time pattern: it must"
            + " contain the year, the month and the day",
        configError(CONFIG + "import: {timestamp_format: \"HH:mm\"}\n"));
    assertTrue(
        configError(CONFIG + "import: {timestamp_format: \"dd.MM.yyyy {\"}\n")
            .startsWith("key 'import.timestamp_format': 'dd.MM.yyyy {' is not a usable"));
    assertEquals(
        "key 'import.delimiter' must be one character (quote it, e.g. \";\"; a tab is \"\\t\"),"
            + " found ';;'",
        configError(CONFIG + "import: {delimiter: \";;\"}\n"));
    assertEquals(
        "key 'import.stage_values': 'won_deal' is not a stage of the funnel (stages: [lead, mql,"
            + " sql, opportunity, won, lost, disqualified])",
        configError(CONFIG + "import: {stage_values: {Won: won_deal}}\n"));
    assertEquals(
        "key 'import.stage_columns' is required with layout: wide (stage: date column)",
        configError(CONFIG + "import: {layout: wide}\n"));
    assertEquals(
        "key 'import.columns.stage' only goes with layout: long (the wide layout takes stages and"
            + " dates from stage_columns and outcome)",
        configError(
            CONFIG + "import: {layout: wide, columns: {stage: S}, stage_columns: {lead: D}}\n"));
    assertEquals(
        "key 'import.columns': 'region' is neither a column of the stage events (lead_id, stage,"
            + " entered_at, amount) nor a configured dimension (source, segment)",
        configError(CONFIG + "import: {columns: {region: Region}}\n"));
    assertTrue(
        configError(CONFIG + "import: {layut: wide}\n").startsWith("unknown key 'import.layut'"));
  }

  // ---- input files: exit code 3 ------------------------------------------------------------

  @Test
  void i01PathDoesNotExist() {
    assertTrue(
        inputError(dir("nope"))
            .endsWith("does not exist (pass --input the directory of Parquet stage events)"));
  }

  @Test
  void i02MissingRequiredColumn() {
    goodEvents().drop("entered_at").write().parquet(dir("in"));
    String m = inputError(dir("in"));
    assertTrue(
        m.contains(
            "column 'entered_at' is missing (expected timestamp; found columns lead_id, stage, amount, source, segment)"),
        m);
  }

  @Test
  void i03EnteredAtAsString() {
    goodEvents()
        .withColumn("entered_at", col("entered_at").cast("string"))
        .write()
        .parquet(dir("in"));
    String m = inputError(dir("in"));
    assertTrue(m.contains("column 'entered_at' has type string, expected timestamp"), m);
  }

  @Test
  void i04LeadIdAsInteger() {
    goodEvents().withColumn("lead_id", lit(7)).write().parquet(dir("in"));
    assertTrue(inputError(dir("in")).contains("column 'lead_id' has type int, expected string"));
  }

  @Test
  void i05EmptyDatasetWithZeroRows() {
    goodEvents().limit(0).write().parquet(dir("in"));
    assertTrue(inputError(dir("in")).contains("has no rows"));
  }

  @Test
  void i06EmptyDirectory() throws IOException {
    Files.createDirectories(tmp.resolve("in"));
    assertTrue(inputError(dir("in")).contains("holds no Parquet data files (0 directories"));
  }

  @Test
  void i07ZeroByteFile() throws IOException {
    goodEvents().write().parquet(dir("in"));
    Files.createFile(tmp.resolve("in/part-99999.parquet"));
    String m = inputError(dir("in"));
    assertTrue(m.contains("part-99999.parquet is empty (0 bytes)"), m);
  }

  @Test
  void i08NotParquet() throws IOException {
    Files.createDirectories(tmp.resolve("in"));
    Files.writeString(
        tmp.resolve("in/events.parquet"), "lead_id,stage,entered_at\nL1,lead,2025-01-01\n");
    String m = inputError(dir("in"));
    assertTrue(m.contains("events.parquet is not a readable Parquet file"), m);
  }

  @Test
  void i09TruncatedParquet() throws IOException {
    goodEvents().coalesce(1).write().parquet(dir("good"));
    Path file;
    try (Stream<Path> files = Files.list(tmp.resolve("good"))) {
      file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.createDirectories(tmp.resolve("in"));
    Files.write(tmp.resolve("in/cut.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertTrue(inputError(dir("in")).contains("cut.parquet is not a readable Parquet file"));
  }

  @Test
  void i10MixedSchemasInOneFolder() {
    goodEvents().write().parquet(dir("in"));
    goodEvents()
        .withColumn("entered_at", col("entered_at").cast("string"))
        .write()
        .mode("append")
        .parquet(dir("in"));
    String m = inputError(dir("in"));
    assertTrue(m.contains("column 'entered_at' has type string, expected timestamp"), m);
  }

  @Test
  void i11DirectoryOfEmptyDirectories() throws IOException {
    Files.createDirectories(tmp.resolve("in/a/b"));
    Files.createDirectories(tmp.resolve("in/c"));
    assertTrue(
        inputError(dir("in")).contains("holds no Parquet data files (3 directories, no files)"));
  }

  @Test
  void i12MissingDimensionColumn() {
    goodEvents().drop("segment").write().parquet(dir("in"));
    assertTrue(inputError(dir("in")).contains("column 'segment' is missing"));
  }

  // ---- row-level problems: rejected, the run succeeds ---------------------------------------

  @Test
  void r01NullsEverywhere() {
    new Events()
        .add(null, null, null)
        .add("L1", null, null)
        .add("L1", "lead", null)
        .add(null, "lead", "2025-01-06T10:00:00Z")
        .add("L2", "lead", "2025-01-06T10:00:00Z", null, null, null)
        .write(spark, tmp);
    RunResult r = accepted(onlyDir());
    assertEquals(4, r.rejected());
    assertEquals(1, r.accepted());
    assertEquals(
        Map.of("null_lead_id", 2L, "null_stage", 1L, "null_entered_at", 1L), rejectedReasons());
  }

  @Test
  void r02UnknownStagesOnly() {
    new Events()
        .add("L1", "prospect", "2025-01-06T10:00:00Z")
        .add("L2", "LEAD", "2025-01-06T10:00:00Z")
        .write(spark, tmp);
    RunResult r = accepted(onlyDir());
    assertEquals(2, r.rejected());
    assertEquals(0, r.accepted());
    assertEquals(0, r.leads());
    assertEquals(Map.of("unknown_stage", 2L), rejectedReasons());
    assertEquals(0L, r.tableRows().get("stage_visits"));
  }

  @Test
  void r03OneLeadWithOneHundredThousandEvents() {
    // Alternating lead/mql every 10 s from 2025-01-01: 100,000 events, 50,000 visits of each.
    spark
        .range(100_000)
        .select(
            lit("BIG").as("lead_id"),
            org.apache
                .spark
                .sql
                .functions
                .when(col("id").mod(2).equalTo(0), lit("lead"))
                .otherwise(lit("mql"))
                .as("stage"),
            org.apache
                .spark
                .sql
                .functions
                .timestamp_seconds(lit(1735689600L).plus(col("id").multiply(10)))
                .as("entered_at"),
            lit(null).cast("double").as("amount"),
            lit("web").as("source"),
            lit(null).cast("string").as("segment"))
        .write()
        .parquet(dir("in"));
    RunResult r = accepted(dir("in"));
    assertEquals(100_000, r.accepted(), r.toString());
    assertEquals(1, r.leads());
    assertEquals(100_000L, r.tableRows().get("stage_visits"));
    Row lastLead =
        spark
            .read()
            .parquet(tmp.resolve("out/stage_visits/as_of=" + AS_OF).toString())
            .where(col("stage").equalTo("lead"))
            .orderBy(col("visit_number").desc())
            .first();
    assertEquals(50_000, (int) lastLead.getAs("visit_number"));
    assertEquals(10.0 / 3600, (double) lastLead.getAs("duration_hours"), 1e-12);
  }

  @Test
  void r04AllEventsOfALeadAtOneInstant() {
    String at = "2025-01-06T10:00:00Z";
    new Events()
        .add("L1", "won", at)
        .add("L1", "lost", at)
        .add("L1", "mql", at)
        .add("L1", "lead", at)
        .write(spark, tmp);
    RunResult r = accepted(onlyDir());
    assertEquals(4, r.accepted());
    List<String> order =
        spark
            .read()
            .parquet(tmp.resolve("out/stage_visits/as_of=" + AS_OF).toString())
            .collectAsList()
            .stream()
            .sorted(
                java.util.Comparator.comparing(
                    v ->
                        v.<String>getAs("stage").equals("lead")
                            ? 0
                            : v.<String>getAs("stage").equals("mql")
                                ? 1
                                : v.<String>getAs("stage").equals("won") ? 2 : 3))
            .map(
                v ->
                    v.getAs("stage")
                        + "->"
                        + v.getAs("next_stage")
                        + ":"
                        + v.getAs("duration_hours"))
            .toList();
    // Ties follow stage order: lead, mql, won, then lost.
    assertEquals(
        List.of("lead->mql:0.0", "mql->won:0.0", "won->lost:null", "lost->null:null"), order);
  }

  @Test
  void r05TimestampsAtTheParquetExtremes() {
    List<Row> rows = new ArrayList<>();
    rows.add(
        RowFactory.create(
            "L1", "lead", Timestamp.valueOf("0001-01-01 00:00:00"), null, null, null));
    rows.add(
        RowFactory.create(
            "L2", "lead", Timestamp.valueOf("9999-12-31 23:59:59.999999"), null, null, null));
    rows.add(RowFactory.create("L3", "lead", Events.ts("2025-01-06T10:00:00Z"), null, null, null));
    spark.createDataFrame(rows, Events.SCHEMA).write().parquet(dir("in"));
    RunResult r = accepted(dir("in"));
    assertEquals(Map.of("entered_at_out_of_range", 2L), rejectedReasons());
    assertEquals(1, r.accepted());
  }

  @Test
  void r06NonUtf8Strings() {
    StructType binary = Events.SCHEMA.add("raw", DataTypes.BinaryType);
    List<Row> rows = new ArrayList<>();
    rows.add(
        RowFactory.create(
            "x",
            "lead",
            Events.ts("2025-01-06T10:00:00Z"),
            null,
            null,
            null,
            new byte[] {(byte) 0xC3, (byte) 0x28}));
    rows.add(
        RowFactory.create(
            "x", "lead", Events.ts("2025-01-06T10:00:00Z"), null, null, null, "L2".getBytes()));
    spark
        .createDataFrame(rows, binary)
        .withColumn("lead_id", col("raw").cast("string"))
        .drop("raw")
        .write()
        .parquet(dir("in"));
    RunResult r = accepted(dir("in"));
    assertEquals(Map.of("invalid_utf8", 1L), rejectedReasons());
    assertEquals(1, r.accepted());
  }

  @Test
  void r07VeryLongStrings() {
    String longId = "L".repeat(10_000);
    String longSource = "s".repeat(1_000_000);
    new Events()
        .add(longId, "lead", "2025-01-06T10:00:00Z")
        .add("L2", "lead", "2025-01-06T10:00:00Z", null, longSource, null)
        .write(spark, tmp);
    RunResult r = accepted(onlyDir());
    assertEquals(Map.of("lead_id_too_long", 1L), rejectedReasons());
    assertEquals(1, r.accepted());
    Row visit =
        spark.read().parquet(tmp.resolve("out/stage_visits/as_of=" + AS_OF).toString()).first();
    assertEquals(1_000_000, visit.<String>getAs("source").length());
  }

  @Test
  void r08ControlCharacters() {
    new Events()
        .add("L\u0000", "lead", "2025-01-06T10:00:00Z")
        .add("L2", "lead\n", "2025-01-06T10:00:00Z")
        .add("L3", "lead", "2025-01-06T10:00:00Z")
        .write(spark, tmp);
    RunResult r = accepted(onlyDir());
    assertEquals(Map.of("control_characters", 2L), rejectedReasons());
    assertEquals(1, r.accepted());
  }

  @Test
  void r09FilesWithAndWithoutTheOptionalAmountColumn() {
    goodEvents().write().parquet(dir("in"));
    goodEvents()
        .drop("amount")
        .withColumn("lead_id", lit("L2"))
        .write()
        .mode("append")
        .parquet(dir("in"));
    RunResult r = accepted(dir("in"));
    assertEquals(4, r.accepted());
    assertEquals(2, r.leads());
  }

  @Test
  void r10HivePartitionedAndPlainNestedFolders() {
    goodEvents()
        .withColumn("day", lit("2025-01-06"))
        .write()
        .partitionBy("day")
        .parquet(dir("hive"));
    assertEquals(2, accepted(dir("hive")).accepted());
    goodEvents().write().parquet(dir("nested/batch1/part"));
    goodEvents().withColumn("lead_id", lit("L2")).write().parquet(dir("nested/batch2"));
    RunResult r = accepted(dir("nested"));
    assertEquals(4, r.accepted());
  }

  @Test
  void r11DuplicatesOnlyAndEventsAfterTheAsOfDay() {
    new Events()
        .add("L1", "lead", "2025-01-06T10:00:00Z")
        .add("L1", "lead", "2025-01-06T10:00:00Z")
        .add("L1", "lead", "2025-01-06T10:00:00Z")
        .add("L1", "mql", "2025-03-01T10:00:00Z")
        .add("L1", "mql", "2025-03-01T10:00:00Z")
        .write(spark, tmp);
    RunResult r = accepted(onlyDir());
    assertEquals(1, r.accepted());
    assertEquals(2, r.duplicates());
    assertEquals(2, r.afterAsOf(), "after-as-of copies are counted as after as-of, not duplicates");
  }

  @Test
  void r12RealValuesEqualToTheReservedMarkers() {
    // Real values "(none)", "(all)" and "'(none)", and one never set.
    new Events()
        .add("L1", "lead", "2025-01-06T10:00:00Z", null, "(none)", null)
        .add("L2", "lead", "2025-01-07T10:00:00Z", null, null, null)
        .add("L3", "lead", "2025-01-08T10:00:00Z", null, "(all)", null)
        .add("L4", "lead", "2025-01-09T10:00:00Z", null, "'(none)", null)
        .write(spark, tmp);
    accepted(onlyDir());
    Dataset<Row> leadCohort =
        spark
            .read()
            .parquet(tmp.resolve("out/stage_conversion/as_of=" + AS_OF).toString())
            .where(col("grain").equalTo("month").and(col("stage").equalTo("lead")));
    Map<String, Long> entered =
        leadCohort.collectAsList().stream()
            .collect(
                Collectors.toMap(
                    r -> r.getAs("dimension") + "=" + r.getAs("dimension_value"),
                    r -> r.<Long>getAs("entered")));
    assertEquals(
        Map.of(
            "(all)=(all)", 4L,
            "source=(none)", 1L,
            "source='(none)", 1L,
            "source=''(none)", 1L,
            "source=(all)", 1L,
            "segment=(none)", 4L),
        entered);
    // The total is the one row with dimension = '(all)', whatever dimension_value holds.
    assertEquals(1, leadCohort.where(col("dimension").equalTo("(all)")).count());
    // The independent DuckDB SQL follows the same rule.
    dev.funnel.oracle.DuckDbCoreTables.Outputs oracle =
        dev.funnel.oracle.DuckDbCoreTables.run(
            Funnels.berlin(),
            AS_OF,
            dev.funnel.oracle.DuckDbCoreTables.parquetGlob(onlyDir()),
            tmp.resolve("oracle"));
    for (var agreement :
        dev.funnel.oracle.TableComparison.compareAll(
            tmp.resolve("out").toString(), AS_OF, oracle)) {
      agreement.assertAgree();
    }
  }

  @Test
  void r13DimensionsNamedLikeInternalColumnsOfTheLaterPhases() {
    // Names the job uses inside the lead pass and the tables, but never beside the dimension
    // columns: a full run with SLAs and targets works.
    List<String> names = List.of("cohort_day", "status", "worked", "lead_amount", "is_entry");
    String yaml = Funnels.withAgreementYaml().replace("[source, segment]", names.toString());
    FunnelConfig config = ConfigLoader.parse(yaml, "internal-names.yaml");
    Dataset<Row> events = goodEvents();
    for (String name : names) {
      events = events.withColumn(name, col("source"));
    }
    events = events.drop("source", "segment");
    events.write().parquet(dir("internal"));
    RunResult r =
        new NightlyJob(spark, config)
            .run(new RunRequest(dir("internal"), tmp.resolve("out").toString(), AS_OF));
    assertTrue(r.accountingHolds());
    assertEquals(2, r.accepted());
  }

  private String onlyDir() {
    try (Stream<Path> dirs = Files.list(tmp)) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("events"))
          .findFirst()
          .orElseThrow()
          .toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
