package dev.funnel.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventGeneratorTest {
  private static final GeneratorSpec SPEC =
      GeneratorSpec.of(2_000, LocalDate.of(2025, 1, 1), 6, 20250101L);
  private static final InjectedAnomaly SQL_DROP =
      InjectedAnomaly.parse(
          "stage=sql,dimension=source,value=paid_search,week=2025-02-03,weeks=12,"
              + "kind=conversion_drop,magnitude=0.2");

  @TempDir static Path tmp;

  private static SparkSession spark;
  private static String base;
  private static String repartitioned;
  private static String otherSeed;
  private static String injected;
  private static long baseCount;
  private static Dataset<Row> seq;
  private static long repartitionedCount;
  private static final List<String> generationStages =
      Collections.synchronizedList(new ArrayList<>());
  private static final AtomicLong generationResultBytes = new AtomicLong();

  @BeforeAll
  static void generate() throws TimeoutException {
    spark = SparkTestSession.get();
    base = tmp.resolve("base").toString();
    repartitioned = tmp.resolve("repartitioned").toString();
    otherSeed = tmp.resolve("other-seed").toString();
    injected = tmp.resolve("injected").toString();

    SparkListener recorder =
        new SparkListener() {
          @Override
          public void onStageCompleted(SparkListenerStageCompleted done) {
            generationStages.add(done.stageInfo().name());
            generationResultBytes.addAndGet(done.stageInfo().taskMetrics().resultSize());
          }
        };
    spark.sparkContext().addSparkListener(recorder);
    try {
      baseCount = EventGenerator.generate(spark, SPEC, base);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(recorder);
    }
    repartitionedCount = EventGenerator.generate(spark, SPEC.withPartitions(5), repartitioned);
    EventGenerator.generate(
        spark,
        GeneratorSpec.of(SPEC.leads(), SPEC.start(), SPEC.months(), SPEC.seed() + 1),
        otherSeed);
    EventGenerator.generate(spark, SPEC.withAnomalies(List.of(SQL_DROP)), injected);

    read(base).createOrReplaceTempView("raw");
    seq = ordered(base).cache();
    seq.createOrReplaceTempView("seq");
  }

  @AfterAll
  static void release() {
    seq.unpersist();
  }

  private static Dataset<Row> read(String dir) {
    return spark.read().parquet(dir);
  }

  private static long parquetFiles(String dir) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  /** Events with their order within the lead (duplicates dropped), Berlin local time and lag. */
  private static Dataset<Row> ordered(String dir) {
    read(dir)
        .dropDuplicates("lead_id", "stage", "entered_at")
        .createOrReplaceTempView("distinct_ev");
    return spark.sql(
        "SELECT *, "
            + "row_number() OVER (PARTITION BY lead_id ORDER BY entered_at, stage) AS n, "
            + "lag(stage) OVER (PARTITION BY lead_id ORDER BY entered_at, stage) AS prev_stage, "
            + "lag(entered_at) OVER (PARTITION BY lead_id ORDER BY entered_at, stage) AS prev_at, "
            + "from_utc_timestamp(entered_at, 'Europe/Berlin') AS local_at "
            + "FROM distinct_ev");
  }

  @Test
  void sameSeedGivesTheSameEventsWhateverThePartitioning() throws IOException {
    assertEquals(2, parquetFiles(base));
    assertEquals(5, parquetFiles(repartitioned));
    assertEquals(baseCount, repartitionedCount);
    Dataset<Row> a = read(base);
    Dataset<Row> b = read(repartitioned);
    // Multiset differences both ways, so duplicate events must also match one for one.
    assertEquals(0, a.exceptAll(b).union(b.exceptAll(a)).count());
  }

  @Test
  void anotherSeedGivesOtherEvents() {
    Dataset<Row> a = read(base);
    Dataset<Row> c = read(otherSeed);
    assertTrue(c.except(a).count() > baseCount / 2, "most events should differ");
  }

  @Test
  void writesExactlyTheDeclaredSchema() {
    assertEquals(EventGenerator.SCHEMA, read(base).schema());
    assertEquals(EventGenerator.SCHEMA, EventGenerator.events(spark, SPEC).schema());
    assertEquals(
        List.of("lead_id", "stage", "entered_at", "amount", "source", "segment", "owner", "region"),
        List.of(EventGenerator.SCHEMA.fieldNames()));
  }

  @Test
  void returnsTheCountOfTheWrittenData() throws Exception {
    // Two independent counts: the simulation replayed lead by lead on the driver (no Spark), and
    // the written files as DuckDB reads them (no Spark reader).
    LeadSimulator simulator = new LeadSimulator(SPEC);
    long simulated = 0;
    for (long lead = 0; lead < SPEC.leads(); lead++) {
      simulated += simulator.events(lead).size();
    }
    assertEquals(simulated, baseCount);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duckdb.createStatement();
        ResultSet rs =
            sql.executeQuery("SELECT count(*) FROM read_parquet('" + base + "/*.parquet')")) {
      rs.next();
      assertEquals(simulated, rs.getLong(1));
    }
    double perLead = baseCount / (double) SPEC.leads();
    assertTrue(perLead > 2 && perLead < 4, "events per lead " + perLead);
  }

  @Test
  void generationCollectsNothingOnTheDriver() {
    assertTrue(!generationStages.isEmpty(), "no stages recorded");
    for (String stage : generationStages) {
      for (String action : List.of("collect", "take", "head", "tail", "toLocalIterator")) {
        assertTrue(!stage.startsWith(action), "stage " + stage + " brings rows to the driver");
      }
    }
    // Tasks return write commit messages and counts only; the events alone are far bigger.
    assertTrue(
        generationResultBytes.get() < 32 * 1024,
        "driver received " + generationResultBytes.get() + " bytes of task results");
  }

  @Test
  void writesTheTruthFile() throws IOException {
    JsonNode truth = new ObjectMapper().readTree(Path.of(base, EventGenerator.TRUTH_FILE).toFile());
    assertEquals(SPEC.seed(), truth.at("/spec/seed").asLong());
    assertEquals(SPEC.leads(), truth.at("/spec/leads").asLong());
    assertEquals("2025-01-01", truth.at("/spec/start").asText());
    assertEquals(6, truth.at("/spec/months").asInt());
    assertEquals(baseCount, truth.at("/events_written").asLong());
    assertEquals(0, truth.at("/anomalies").size());

    JsonNode withAnomaly =
        new ObjectMapper().readTree(Path.of(injected, EventGenerator.TRUTH_FILE).toFile());
    assertEquals(1, withAnomaly.at("/anomalies").size());
    assertEquals(SQL_DROP.toSpec(), withAnomaly.at("/anomalies/0/spec").asText());
    assertEquals("conversion_drop", withAnomaly.at("/anomalies/0/kind").asText());
    assertEquals("2025-04-28", withAnomaly.at("/anomalies/0/window_end_exclusive").asText());
  }

  @Test
  void leadIdsStagesAndTimesAreWellFormed() {
    Row checks =
        spark
            .sql(
                "SELECT"
                    + " count_if(NOT lead_id RLIKE '^L[0-9]{9}$'),"
                    + " count_if(stage IS NULL OR entered_at IS NULL OR stage NOT IN ("
                    + "   'lead', 'mql', 'sql', 'opportunity', 'won', 'lost', 'disqualified')),"
                    + " count_if(entered_at < timestamp'2024-12-31 23:00:00'),"
                    + " count_if(entered_at >= timestamp'2025-06-30 22:00:00'),"
                    + " count_if(entered_at >= timestamp'2025-07-07 22:00:00'),"
                    + " count(*)"
                    + " FROM raw")
            .first();
    assertEquals(0L, checks.getLong(0), "malformed lead ids");
    assertEquals(0L, checks.getLong(1), "missing or unknown stages or instants");
    // The period is [2025-01-01, 2025-07-01) in Berlin: 23:00 and 22:00 UTC.
    assertEquals(0L, checks.getLong(2), "events before the start");
    assertTrue(checks.getLong(3) > 0, "some events arrive after the period");
    assertTrue(checks.getLong(3) < checks.getLong(5) * 0.05, "most events are within the period");
    assertEquals(0L, checks.getLong(4), "no event more than a week after the period");
  }

  @Test
  void containsTheMessyBehavioursAnalysesMustHandle() {
    long duplicates =
        spark
            .sql("SELECT lead_id FROM raw GROUP BY lead_id, stage, entered_at HAVING count(*) > 1")
            .count();
    assertTrue(duplicates > 0, "duplicate events");
    assertTrue(duplicates < baseCount * 0.02, "duplicates stay rare: " + duplicates);

    Row leads =
        spark
            .sql(
                "SELECT count_if(skip), count_if(back), count_if(reentry), count_if(reopened),"
                    + " count_if(reopened_won), count_if(open_recent)"
                    + " FROM (SELECT lead_id,"
                    + "   bool_or(prev_stage = 'lead' AND stage = 'sql') AS skip,"
                    + "   bool_or(prev_stage = 'opportunity' AND stage = 'sql') AS back,"
                    + "   count(*) > count(DISTINCT stage) AS reentry,"
                    + "   bool_or(prev_stage IN ('lost', 'disqualified')"
                    + "     AND stage IN ('lead', 'mql', 'sql', 'opportunity', 'won')) AS reopened,"
                    + "   coalesce(max(CASE WHEN stage = 'won' THEN entered_at END) > min(CASE"
                    + "     WHEN stage IN ('lost', 'disqualified') THEN entered_at END), false)"
                    + "     AS reopened_won,"
                    + "   max_by(stage, n) IN ('mql', 'sql', 'opportunity')"
                    + "     AND max(entered_at) >= timestamp'2025-06-01 00:00:00' AS open_recent"
                    + " FROM seq GROUP BY lead_id)")
            .first();
    assertTrue(leads.getLong(0) > 0, "a lead skips a stage (lead -> sql)");
    assertTrue(leads.getLong(1) > 0, "a lead moves back (opportunity -> sql)");
    assertTrue(leads.getLong(2) > 0, "a lead re-enters a stage");
    assertTrue(leads.getLong(3) > 0, "a lost or disqualified lead is reopened");
    assertTrue(leads.getLong(4) > 0, "a lost lead is reopened and won");
    assertTrue(leads.getLong(5) > 0, "recent leads are still open mid-funnel");
  }

  @Test
  void dimensionsAreSometimesMissingOnTheFirstEventAndRarelyNeverSet() {
    // Per dimension: null on the first event but set later; never set; null on the first event.
    StringBuilder sql = new StringBuilder("SELECT count(*)");
    for (String dimension : SyntheticFunnel.DIMENSIONS) {
      sql.append(String.format(", count_if(%1$s_first IS NULL AND %1$s_count > 0)", dimension))
          .append(String.format(", count_if(%1$s_count = 0)", dimension))
          .append(String.format(", count_if(%1$s_first IS NULL)", dimension));
    }
    sql.append(", count_if(owners > 1) FROM (SELECT lead_id, count(DISTINCT owner) AS owners");
    for (String dimension : SyntheticFunnel.DIMENSIONS) {
      sql.append(
          String.format(", max_by(%1$s, -n) AS %1$s_first, count(%1$s) AS %1$s_count", dimension));
    }
    sql.append(" FROM seq GROUP BY lead_id)");
    Row row = spark.sql(sql.toString()).first();
    long leads = row.getLong(0);
    for (int d = 0; d < SyntheticFunnel.DIMENSIONS.size(); d++) {
      String dimension = SyntheticFunnel.DIMENSIONS.get(d);
      long setLater = row.getLong(1 + 3 * d);
      long neverSet = row.getLong(2 + 3 * d);
      long firstNull = row.getLong(3 + 3 * d);
      assertTrue(setLater > 0, dimension + " null on the first event and set later");
      assertTrue(neverSet > 0, dimension + " sometimes never set");
      assertTrue(neverSet < leads * 0.05, dimension + " rarely never set: " + neverSet);
      assertTrue(firstNull < leads * 0.15, dimension + " usually set at first: " + firstNull);
    }
    long ownerChanged = row.getLong(1 + 3 * SyntheticFunnel.DIMENSIONS.size());
    assertTrue(ownerChanged > 0, "owners are sometimes reassigned, so first touch matters");
  }

  @Test
  void amountsAppearLaterAreSometimesRevisedAndDependOnTheSegment() {
    Row amounts =
        spark
            .sql(
                "SELECT count_if(stage = 'lead' AND amount IS NOT NULL),"
                    + " count_if(stage = 'sql' AND amount IS NOT NULL),"
                    + " percentile(CASE WHEN stage = 'won' AND segment = 'smb' THEN amount END, 0.5),"
                    + " percentile(CASE WHEN stage = 'won' AND segment = 'enterprise'"
                    + "   THEN amount END, 0.5),"
                    + " percentile(CASE WHEN stage = 'won' THEN amount END, 0.5),"
                    + " min(amount)"
                    + " FROM seq")
            .first();
    assertEquals(0L, amounts.getLong(0), "no amount on lead events");
    assertTrue(amounts.getLong(1) > 0, "amounts on sql events");
    assertTrue(amounts.getDouble(3) > 3 * amounts.getDouble(2), "enterprise deals are bigger");
    assertTrue(amounts.getDouble(4) > 3_000 && amounts.getDouble(4) < 20_000, "median won amount");
    assertTrue(amounts.getDouble(5) > 0, "amounts are positive");
    long revised =
        spark
            .sql("SELECT lead_id FROM seq GROUP BY lead_id HAVING count(DISTINCT amount) > 1")
            .count();
    assertTrue(revised > 0, "a later event carries a revised amount");
  }

  @Test
  void ownersDifferInMqlResponseSoA24HourSlaHasBreaches() {
    List<Row> byOwner =
        spark
            .sql(
                "SELECT prev_owner, avg(CASE WHEN hours > 24 THEN 1.0 ELSE 0.0 END) AS breach"
                    + " FROM (SELECT prev_stage, lag(owner) OVER (PARTITION BY lead_id ORDER BY n)"
                    + "   AS prev_owner,"
                    + "   (unix_micros(entered_at) - unix_micros(prev_at)) / 3.6e9 AS hours"
                    + "   FROM seq)"
                    + " WHERE prev_stage = 'mql' AND prev_owner IS NOT NULL"
                    + " GROUP BY prev_owner ORDER BY breach")
            .collectAsList();
    assertTrue(byOwner.size() >= 8, "owners " + byOwner);
    double fastest = byOwner.get(0).getDecimal(1).doubleValue();
    double slowest = byOwner.get(byOwner.size() - 1).getDecimal(1).doubleValue();
    assertTrue(fastest < 0.2, "the fastest owner rarely breaches: " + byOwner);
    assertTrue(slowest > 0.6, "the slowest owner mostly breaches: " + byOwner);
  }

  @Test
  void activityFollowsTheWorkingWeek() {
    Row shares =
        spark
            .sql(
                "SELECT avg(CASE WHEN dayofweek(local_at) BETWEEN 2 AND 6"
                    + "   AND hour(local_at) BETWEEN 8 AND 18 THEN 1.0 ELSE 0.0 END),"
                    + " avg(CASE WHEN n = 1 AND dayofweek(local_at) IN (1, 7) THEN 1.0"
                    + "   WHEN n = 1 THEN 0.0 END),"
                    + " avg(CASE WHEN hour(local_at) < 6 OR hour(local_at) >= 21 THEN 1.0"
                    + "   ELSE 0.0 END)"
                    + " FROM seq")
            .first();
    double officeHours = shares.getDecimal(0).doubleValue();
    double weekendCreations = shares.getDecimal(1).doubleValue();
    double night = shares.getDecimal(2).doubleValue();
    assertTrue(officeHours > 0.8, "most events in office hours: " + officeHours);
    // Weekend days weigh 0.3 of a weekday: 2 * 0.3 / 5.6 = 11% of creations.
    assertTrue(
        weekendCreations > 0.05 && weekendCreations < 0.18,
        "weekend creations " + weekendCreations);
    assertTrue(night > 0, "some night activity");
  }

  @Test
  void injectedConversionDropLowersTheMatchingCellOnly() {
    read(base).withColumn("run", lit("base")).createOrReplaceTempView("conv_base");
    read(injected).withColumn("run", lit("injected")).createOrReplaceTempView("conv_injected");
    Map<String, Double> rates = new HashMap<>();
    List<Row> cells =
        spark
            .sql(
                "WITH conv AS (SELECT * FROM conv_base UNION ALL SELECT * FROM conv_injected),"
                    + " touch AS (SELECT run, lead_id, min_by(source, entered_at) AS source"
                    + "   FROM conv WHERE source IS NOT NULL GROUP BY run, lead_id),"
                    + " first_sql AS (SELECT run, lead_id, min(entered_at) AS at FROM conv"
                    + "   WHERE stage = 'sql' GROUP BY run, lead_id),"
                    + " cohort AS (SELECT f.run, f.lead_id, f.at, t.source FROM first_sql f"
                    + "   JOIN touch t ON f.run = t.run AND f.lead_id = t.lead_id"
                    + "   WHERE from_utc_timestamp(f.at, 'Europe/Berlin') >= timestamp'2025-02-03'"
                    + "   AND from_utc_timestamp(f.at, 'Europe/Berlin') < timestamp'2025-04-28'),"
                    + " converted AS (SELECT c.run, c.source, bool_or(e.stage IN"
                    + "   ('opportunity', 'won') AND e.entered_at > c.at) AS converted"
                    + "   FROM cohort c JOIN conv e ON e.run = c.run AND e.lead_id = c.lead_id"
                    + "   GROUP BY c.run, c.lead_id, c.source)"
                    + " SELECT run, source, count(*), count_if(converted) FROM converted"
                    + " WHERE source IN ('paid_search', 'organic') GROUP BY run, source")
            .collectAsList();
    for (Row cell : cells) {
      assertTrue(cell.getLong(2) >= 20, "cell too small to compare: " + cells);
      rates.put(
          cell.getString(0) + "/" + cell.getString(1), cell.getLong(3) / (double) cell.getLong(2));
    }
    double baseline = rates.get("base/paid_search");
    double dropped = rates.get("injected/paid_search");
    assertTrue(baseline > 0.3, "baseline conversion " + rates);
    assertTrue(dropped < baseline * 0.5, "conversion should drop well below baseline: " + rates);
    assertEquals(rates.get("base/organic"), rates.get("injected/organic"), rates.toString());
    // Leads outside the anomaly draw from their own random streams and do not change at all.
    Dataset<Row> a = read(base);
    Dataset<Row> d = read(injected);
    Column paid = col("source").equalTo("paid_search");
    Dataset<Row> paidLeads = a.where(paid).select("lead_id").union(d.where(paid).select("lead_id"));
    Dataset<Row> othersA = a.join(paidLeads, "lead_id", "left_anti");
    Dataset<Row> othersD = d.join(paidLeads, "lead_id", "left_anti");
    assertEquals(0, othersA.exceptAll(othersD).union(othersD.exceptAll(othersA)).count());
  }
}
