package dev.funnel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.ExitCodes;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs written by other tools (here DuckDB, whose {@code TIMESTAMP}, {@code TIMESTAMP_NS}, {@code
 * INTEGER} and {@code DECIMAL} are what pandas and most SQL engines write too) give the same tables
 * as the declared types; incompatible types still stop the job with exit code 3.
 */
class AcceptedInputTypesTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-01-31");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  /** The events once, in microseconds; every variant is derived from them. */
  private static final String EVENTS =
      "CREATE TABLE events AS SELECT lead_id, stage, entered_at::TIMESTAMP AS entered_at,"
          + " amount, source, segment FROM (VALUES"
          + " ('L1', 'lead', '2025-01-06 10:00:00.123456', NULL, 'web', 'smb'),"
          + " ('L1', 'mql', '2025-01-07 10:00:00', NULL, 'web', 'smb'),"
          + " ('L1', 'won', '2025-01-10 12:00:00', 1500, 'web', 'smb'),"
          + " ('L2', 'lead', '2025-01-08 09:30:00', NULL, 'ads', 'ent'),"
          + " ('L2', 'mql', '2025-01-09 11:00:00', 250, 'ads', 'ent'),"
          + " ('L2', 'lost', '2025-01-15 16:45:00', NULL, 'ads', 'ent'),"
          + " ('L3', 'lead', '2025-01-20 08:00:00', 42, 'web', NULL))"
          + " t(lead_id, stage, entered_at, amount, source, segment)";

  /** Variant name → the SELECT list that stores the events with other Parquet types. */
  private static final Map<String, String> VARIANTS = new LinkedHashMap<>();

  static {
    String rest = ", source, segment";
    // The declared types: TIMESTAMP(MICROS, adjusted to UTC) and DOUBLE.
    VARIANTS.put(
        "declared",
        "lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, amount::DOUBLE AS amount" + rest);
    VARIANTS.put(
        "timestamp_ntz",
        "lead_id, stage, entered_at::TIMESTAMP AS entered_at, amount::DOUBLE AS amount" + rest);
    // 789 ns past each microsecond: floored away, as Spark's own casts and java.time truncate.
    VARIANTS.put(
        "timestamp_nanos",
        "lead_id, stage, make_timestamp_ns(epoch_ns(entered_at) + 789) AS entered_at,"
            + " amount::DOUBLE AS amount"
            + rest);
    // A column the job does not read may have a type Spark cannot read at all.
    VARIANTS.put(
        "extra_nanosecond_column",
        "lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, amount::DOUBLE AS amount,"
            + " entered_at::TIMESTAMP_NS AS synced_at"
            + rest);
    VARIANTS.put(
        "amount_int",
        "lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, amount::INTEGER AS amount" + rest);
    VARIANTS.put(
        "amount_bigint",
        "lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, amount::BIGINT AS amount" + rest);
    VARIANTS.put(
        "amount_decimal",
        "lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, amount::DECIMAL(18,2) AS amount"
            + rest);
    VARIANTS.put(
        "amount_float",
        "lead_id, stage, entered_at::TIMESTAMPTZ AS entered_at, amount::FLOAT AS amount" + rest);
  }

  @BeforeEach
  void writeVariants() throws SQLException, IOException {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duckdb.createStatement()) {
      sql.execute("SET TimeZone = 'UTC'");
      sql.execute(EVENTS);
      for (Map.Entry<String, String> variant : VARIANTS.entrySet()) {
        Path dir = Files.createDirectories(tmp.resolve("in/" + variant.getKey()));
        copy(sql, variant.getValue(), dir.resolve("part-0.parquet"));
        // The same variant again, all in one folder: a mixed-schema input.
        copy(sql, variant.getValue(), tmp.resolve("in/" + variant.getKey() + ".parquet"));
      }
      copy(
          sql,
          "lead_id, stage, entered_at, amount::VARCHAR AS amount, source, segment",
          bad("amount_string"));
      copy(
          sql,
          "lead_id, stage, entered_at::DATE AS entered_at, amount::DOUBLE AS amount, source, segment",
          bad("entered_at_date"));
    }
  }

  @Test
  void declaredTypesGiveTheHandWorkedFigures() {
    run("in/declared", "out/declared");
    Row l1Lead =
        spark
            .read()
            .parquet(tmp.resolve("out/declared/stage_visits/as_of=" + AS_OF).toString())
            .where("lead_id = 'L1' AND stage = 'lead'")
            .first();
    assertEquals(
        Timestamp.from(Instant.parse("2025-01-06T10:00:00.123456Z")), l1Lead.getAs("entered_at"));
    Row leadCohort =
        spark
            .read()
            .parquet(tmp.resolve("out/declared/revenue_conversion/as_of=" + AS_OF).toString())
            .where(
                "grain = 'month' AND stage = 'lead' AND dimension = '(all)'"
                    + " AND cohort_start = DATE '2025-01-01'")
            .first();
    assertEquals(3L, (long) leadCohort.getAs("entered"));
    assertEquals(1L, (long) leadCohort.getAs("won"));
    assertEquals(1500.0, (double) leadCohort.getAs("won_amount"));
  }

  @Test
  void everyAcceptedVariantGivesTheSameTablesAsTheDeclaredTypes() {
    run("in/declared", "out/declared");
    Map<String, List<String>> expected = tables("out/declared");
    assertEquals(1 + 7, expected.get("stage_visits").size(), "header and 7 visits");
    for (String variant : VARIANTS.keySet()) {
      RunResult result = run("in/" + variant, "out/" + variant);
      assertEquals(7, result.accepted(), variant);
      assertEquals(expected, tables("out/" + variant), variant);
    }
  }

  @Test
  void aFolderMixingEveryVariantIsReadAsOneDataset() {
    run("in/declared", "out/declared");
    // in/ holds each variant twice (its folder and a file beside it): 14 copies of 7 events, and
    // all copies of an event are exact duplicates only if every variant converts to the same row.
    RunResult mixed = run("in", "out/mixed");
    assertEquals(7 * 2 * VARIANTS.size(), mixed.rowsRead());
    assertEquals(7, mixed.accepted());
    assertEquals(7 * (2 * VARIANTS.size() - 1), mixed.duplicates());
    assertEquals(tables("out/declared"), tables("out/mixed"));
  }

  @Test
  void incompatibleTypesStillStopTheJob() {
    assertEquals(
        "column 'amount' has type string, expected double"
            + " (any numeric type is accepted and widened to double)",
        inputError("bad/amount_string"));
    assertEquals(
        "column 'entered_at' has type date, expected timestamp"
            + " (timestamp_ntz, read as UTC, and nanosecond timestamps are accepted too)",
        inputError("bad/entered_at_date"));
  }

  private Path bad(String name) throws IOException {
    return Files.createDirectories(tmp.resolve("bad/" + name)).resolve("part-0.parquet");
  }

  private static void copy(Statement sql, String select, Path file) throws SQLException {
    sql.execute("COPY (SELECT " + select + " FROM events) TO '" + file + "' (FORMAT parquet)");
  }

  private RunResult run(String input, String output) {
    return new NightlyJob(spark, Funnels.berlin())
        .run(new RunRequest(tmp.resolve(input).toString(), tmp.resolve(output).toString(), AS_OF));
  }

  /** Each table's rows as sorted strings, after a header line with the column names. */
  private Map<String, List<String>> tables(String output) {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (String table :
        List.of("stage_visits", "stage_conversion", "time_in_stage", "revenue_conversion")) {
      var rows =
          spark.read().parquet(tmp.resolve(output + "/" + table + "/as_of=" + AS_OF).toString());
      List<String> lines =
          rows.collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList());
      lines.add(0, String.join(",", rows.columns()));
      tables.put(table, lines);
    }
    return tables;
  }

  private String inputError(String input) {
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> run(input, "out/" + input.replace('/', '_')));
    assertEquals(ExitCodes.INPUT, ExitCodes.of(e), e.toString());
    String message = e.getMessage();
    assertTrue(message.startsWith("input file "), message);
    assertTrue(message.contains(input + "/part-0.parquet: "), message);
    return message.substring(message.indexOf("column '"));
  }
}
