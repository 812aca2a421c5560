package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.SparkTestSession;
import dev.funnel.anomaly.AnomalyJudge;
import dev.funnel.anomaly.CellKey;
import dev.funnel.anomaly.WeekFacts;
import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The anomaly phase's weekly facts of three leads, worked out by hand from the definitions in
 * {@link WeekFacts} and {@link AnomalyFacts#weekly}.
 */
class AnomalyFactsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final FunnelConfig CONFIG =
      ConfigLoader.parse(
          "name: facts\n"
              + "timezone: Europe/Berlin\n"
              + "stages: [lead, mql, won]\n"
              + "lost_stages: [lost]\n"
              + "conversion_window_days: 28\n"
              + "dimensions: [source]\n"
              + "sla:\n"
              + "  - {name: handoff, stage: mql, within_hours: 48, clock: calendar}\n",
          "facts.yaml");

  private static long micros(String instant) {
    return FunnelCalendar.toMicros(Instant.parse(instant));
  }

  /** {@code counts[i]} leads in bin {@code bins[i]}, as a bin array. */
  private static long[] bins(int... binAndCount) {
    int width = 0;
    for (int i = 0; i < binAndCount.length; i += 2) {
      width = Math.max(width, binAndCount[i] + 1);
    }
    long[] out = new long[width];
    for (int i = 0; i < binAndCount.length; i += 2) {
      out[binAndCount[i]] += binAndCount[i + 1];
    }
    return out;
  }

  /**
   * As of Wednesday 2025-03-26 in Berlin (the as-of instant 2025-03-26T23:00Z, CET): the elapsed
   * part of a week is Monday 00:00 to Thursday 00:00 local, 259,200 s. Bins are 1 + ⌊ln h / ln
   * 1.08⌋: 24 h → 42, 38 h → 48, 62 h → 54, 503.5 h → 81, 543 h → 82, 567 h → 83.
   *
   * <pre>
   * L1 web: lead 03-03T08:00Z (Mon 09:00 local), mql 03-04T08:00Z (24 h later), still in mql.
   *   lead visit: closed after 24 h (exit bin 42); entry of age 567 h (< 672 h: age bin 83),
   *   converted after 24 h (delay bin 42), by the elapsed part (Mon 09:00).
   *   mql visit: open, 543 h old (censored bin 82, age bin 82), not converted, by the elapsed
   *   part (Tue 09:00); the 48 h handoff is breached.
   * L2 web: lead 03-05T23:30Z (Thu 00:30 local: after the elapsed part, though before it in
   *   UTC), still open: 503.5 h (censored bin 81, age bin 81), not converted.
   * L3 ads: lead 03-24T09:00Z, mql 03-25T09:00Z, still in mql.
   *   lead visit: closed after 24 h (exit 42), age 62 h (age bin 54), converted (delay 42), by
   *   the elapsed part. mql visit: open 38 h (censored 48, age 48), handoff pending (38 h < 48 h).
   * </pre>
   */
  @Test
  void weeklyFactsOfThreeLeadsWorkedByHand() {
    StructType candidates =
        new StructType()
            .add(EventCleaning.LEAD_ID, DataTypes.StringType, false)
            .add(EventCleaning.STAGE_CODE, DataTypes.IntegerType, false)
            .add(EventCleaning.ENTERED_MICROS, DataTypes.LongType, false)
            .add("source", DataTypes.StringType, true)
            .add(EventCleaning.AMOUNT, DataTypes.DoubleType, true);
    int lead = CONFIG.stages().code("lead");
    int mql = CONFIG.stages().code("mql");
    List<Row> events =
        List.of(
            RowFactory.create("L1", lead, micros("2025-03-03T08:00:00Z"), "web", null),
            RowFactory.create("L1", mql, micros("2025-03-04T08:00:00Z"), "web", null),
            RowFactory.create("L2", lead, micros("2025-03-05T23:30:00Z"), "web", null),
            RowFactory.create("L3", lead, micros("2025-03-24T09:00:00Z"), "ads", null),
            RowFactory.create("L3", mql, micros("2025-03-25T09:00:00Z"), "ads", null));
    LocalDate asOfDay = LocalDate.parse("2025-03-26");
    Instant asOf = new FunnelCalendar(CONFIG.zone()).asOfInstant(asOfDay);
    assertEquals(Instant.parse("2025-03-26T23:00:00Z"), asOf);
    Map<CellKey, Map<LocalDate, WeekFacts>> facts =
        AnomalyFacts.weekly(
            LeadHistories.visitFacts(spark.createDataFrame(events, candidates), CONFIG, asOf, 2),
            CONFIG,
            asOfDay,
            asOf,
            LocalDate.parse("2025-01-06"));

    String all = AnomalyJudge.ALL;
    LocalDate march3 = LocalDate.parse("2025-03-03");
    LocalDate march24 = LocalDate.parse("2025-03-24");
    // lead stage, week of 03-03: L1 and L2; the total and source = web are the same leads.
    for (CellKey cell :
        List.of(new CellKey("lead", all, all), new CellKey("lead", "source", "web"))) {
      WeekFacts f = facts.get(cell).get(march3);
      assertEquals(2, f.entered(), cell.toString());
      assertEquals(1, f.converted());
      assertEquals(0, f.fullAge());
      assertEquals(1, f.enteredByElapsed());
      assertArrayEquals(bins(42, 1), f.delayBins());
      assertArrayEquals(bins(81, 1, 83, 1), f.ageBins());
      assertArrayEquals(bins(42, 1), f.exitBins());
      assertArrayEquals(bins(81, 1), f.censoredBins());
      assertArrayEquals(new long[] {0}, f.slaMet());
      assertArrayEquals(new long[] {0}, f.slaBreached());
    }
    // lead stage, week of 03-24: L3 alone, in the total and in source = ads.
    for (CellKey cell :
        List.of(new CellKey("lead", all, all), new CellKey("lead", "source", "ads"))) {
      WeekFacts f = facts.get(cell).get(march24);
      assertEquals(1, f.entered());
      assertEquals(1, f.converted());
      assertEquals(1, f.enteredByElapsed());
      assertArrayEquals(bins(42, 1), f.delayBins());
      assertArrayEquals(bins(54, 1), f.ageBins());
      assertArrayEquals(bins(42, 1), f.exitBins());
      assertArrayEquals(new long[0], f.censoredBins());
    }
    WeekFacts mql3 = facts.get(new CellKey("mql", all, all)).get(march3);
    assertEquals(1, mql3.entered());
    assertEquals(0, mql3.converted());
    assertEquals(1, mql3.enteredByElapsed());
    assertArrayEquals(new long[0], mql3.delayBins());
    assertArrayEquals(bins(82, 1), mql3.ageBins());
    assertArrayEquals(bins(82, 1), mql3.censoredBins());
    assertArrayEquals(new long[] {0}, mql3.slaMet());
    assertArrayEquals(new long[] {1}, mql3.slaBreached());
    WeekFacts mql24 = facts.get(new CellKey("mql", "source", "ads")).get(march24);
    assertEquals(1, mql24.entered());
    assertArrayEquals(bins(48, 1), mql24.censoredBins());
    assertArrayEquals(new long[] {0}, mql24.slaMet());
    assertArrayEquals(new long[] {0}, mql24.slaBreached());
    // No other cells: two stages × (total + two sources), and the web source has no mql in 03-24.
    assertEquals(6, facts.size());
    assertEquals(1, facts.get(new CellKey("mql", "source", "web")).size());
  }

  /**
   * The local weekday and time behind {@code enteredByElapsed}, across the change to summer time:
   * Monday 2025-03-31 00:30 CEST is 2025-03-30T22:30Z, 1,800 s into its week; Sunday 2025-03-30
   * 03:30 CEST (just after the clocks went forward) is 2025-03-30T01:30Z, 6 days and 12,600 s.
   */
  @Test
  void secondsIntoTheWeekAreLocalWallClockTime() {
    StructType schema = new StructType().add("at", DataTypes.LongType, false);
    List<Row> instants =
        List.of(
            RowFactory.create(micros("2025-03-30T22:30:00Z")),
            RowFactory.create(micros("2025-03-30T01:30:00Z")),
            RowFactory.create(micros("1969-12-31T23:59:59Z") + 999_999));
    List<Row> berlin =
        spark
            .createDataFrame(instants, schema)
            .select(AnomalyFacts.secondsIntoWeek(col("at"), ZoneId.of("Europe/Berlin")))
            .collectAsList();
    assertEquals(1_800L, berlin.get(0).getLong(0));
    assertEquals(6 * 86_400L + 12_600, berlin.get(1).getLong(0));
    // Sub-second parts are dropped, before the epoch too (1969-12-31 is a Wednesday).
    List<Row> utc =
        spark
            .createDataFrame(instants, schema)
            .select(AnomalyFacts.secondsIntoWeek(col("at"), ZoneId.of("UTC")))
            .collectAsList();
    assertEquals(3 * 86_400L - 1, utc.get(2).getLong(0));
  }
}
