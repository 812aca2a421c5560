package dev.funnel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The visit facts are a contract by column name, on the way in and on the way out. */
class VisitFactsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static long micros(String instant) {
    return FunnelCalendar.toMicros(Instant.parse(instant));
  }

  @Test
  void theLeadPassReadsItsInputByNameAndWritesEveryFactByName() {
    FunnelConfig config = Funnels.berlin();
    // The candidate columns in an order unlike EventCleaning.candidates: read by name or wrong.
    StructType candidates =
        new StructType()
            .add(config.dimensions().get(1), DataTypes.StringType, true)
            .add(EventCleaning.AMOUNT, DataTypes.DoubleType, true)
            .add(EventCleaning.ENTERED_MICROS, DataTypes.LongType, false)
            .add(config.dimensions().get(0), DataTypes.StringType, true)
            .add(EventCleaning.STAGE_CODE, DataTypes.IntegerType, false)
            .add(EventCleaning.LEAD_ID, DataTypes.StringType, false);
    int lead = config.stages().code("lead");
    int mql = config.stages().code("mql");
    List<Row> rows =
        List.of(
            RowFactory.create("smb", null, micros("2025-01-06T10:00:00Z"), "web", lead, "L1"),
            RowFactory.create(null, 250.0, micros("2025-01-07T16:00:00Z"), null, mql, "L1"));
    Instant asOf = new FunnelCalendar(config.zone()).asOfInstant(LocalDate.parse("2025-01-31"));
    List<Row> facts =
        LeadHistories.visitFacts(spark.createDataFrame(rows, candidates), config, asOf, 2)
            .orderBy(VisitFacts.ENTERED_AT)
            .collectAsList();
    assertEquals(2, facts.size());
    Row first = facts.get(0);
    assertEquals("L1", first.getAs(VisitFacts.LEAD_ID));
    assertEquals("web", first.getAs(VisitFacts.dimension(0)));
    assertEquals("smb", first.getAs(VisitFacts.dimension(1)));
    assertEquals(250.0, (double) first.getAs(VisitFacts.LEAD_AMOUNT));
    assertEquals(2, (int) first.getAs(VisitFacts.LEAD_EVENTS));
    assertEquals(lead, (int) first.getAs(VisitFacts.STAGE));
    assertEquals(1, (int) first.getAs(VisitFacts.VISIT_NUMBER));
    assertEquals(micros("2025-01-06T10:00:00Z"), (long) first.getAs(VisitFacts.ENTERED_AT));
    assertEquals(micros("2025-01-07T16:00:00Z"), (long) first.getAs(VisitFacts.EXITED_AT));
    assertEquals(mql, (int) first.getAs(VisitFacts.NEXT_STAGE));
    assertEquals(30.0, (double) first.getAs(VisitFacts.DURATION_HOURS), 1e-9);
    assertFalse((boolean) first.getAs(VisitFacts.IS_OPEN));
    assertNull(first.getAs(VisitFacts.CENSORED_HOURS));
    // 2025-01-06 is a Monday.
    int monday = (int) LocalDate.parse("2025-01-06").toEpochDay();
    assertEquals(monday, (int) first.getAs(VisitFacts.DAY_START));
    assertEquals(monday, (int) first.getAs(VisitFacts.WEEK_START));
    assertEquals(
        (int) LocalDate.parse("2025-01-01").toEpochDay(),
        (int) first.getAs(VisitFacts.MONTH_START));
    assertTrue((boolean) first.getAs(VisitFacts.IS_ENTRY));
    assertTrue((boolean) first.getAs(VisitFacts.CONVERTED));
    assertFalse((boolean) first.getAs(VisitFacts.WON));
    assertFalse((boolean) first.getAs(VisitFacts.LOST));
    assertEquals(micros("2025-01-07T16:00:00Z"), (long) first.getAs(VisitFacts.CONVERTED_AT));
    assertNull(first.getAs(VisitFacts.WON_AT));
    assertNull(first.getAs(VisitFacts.LOST_AT));

    // The entry read back from the row decides conversion at any age by the one rule.
    dev.funnel.timeline.StageEntry entry = VisitFacts.stageEntry(first);
    long thirtyHours = 30L * 3_600_000_000L;
    assertTrue(entry.convertedWithin(thirtyHours));
    assertFalse(entry.convertedWithin(thirtyHours - 1));
    assertEquals(dev.funnel.timeline.LeadTimeline.NO_TIME, entry.wonAt());

    Row second = facts.get(1);
    assertEquals(0, (int) second.getAs(VisitFacts.LEAD_EVENTS));
    assertTrue((boolean) second.getAs(VisitFacts.IS_OPEN));
    assertNull(second.getAs(VisitFacts.DURATION_HOURS));
    // Open from 2025-01-07T16:00Z to the as-of instant 2025-01-31T23:00Z (midnight in Berlin).
    assertEquals(24 * 24 + 7.0, (double) second.getAs(VisitFacts.CENSORED_HOURS), 1e-9);
    assertEquals("web", second.getAs(VisitFacts.dimension(0)));
  }
}
