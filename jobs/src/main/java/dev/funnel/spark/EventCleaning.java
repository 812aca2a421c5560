package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * Sorts every input row into exactly one class, in this order of precedence: rejected (with a
 * reason code), after the as-of instant, and otherwise a candidate event; candidates that repeat an
 * event (same lead, stage and instant) are counted as duplicates later, in the lead pass.
 */
public final class EventCleaning {
  /** Column holding the rejection reason, null for usable rows. */
  public static final String REASON = "_reason";

  /** Column holding the row class: rejected, after_as_of or candidate. */
  public static final String ROW_CLASS = "_class";

  /** Row class of rejected rows. */
  public static final String REJECTED = "rejected";

  /** Row class of rows at or after the as-of instant. */
  public static final String AFTER_AS_OF = "after_as_of";

  /** Row class of rows that go on to the lead pass. */
  public static final String CANDIDATE = "candidate";

  /** Candidate column: the stage code. */
  public static final String STAGE_CODE = "stage_code";

  /** Candidate column: the lead (the input column of the same name). */
  public static final String LEAD_ID = "lead_id";

  /** Candidate column: the event's amount (the input column of the same name). */
  public static final String AMOUNT = "amount";

  /** Candidate column: entered_at in microseconds since the epoch. */
  public static final String ENTERED_MICROS = "entered_micros";

  private static final String CONTROL_CHARACTERS = "[\\x00-\\x1F\\x7F]";

  private EventCleaning() {}

  /**
   * The rejection reason of a row, the first that applies: null_lead_id, null_stage,
   * null_entered_at, invalid_utf8 (in lead_id or stage), lead_id_too_long, control_characters (in
   * lead_id or stage), unknown_stage, entered_at_out_of_range (before 1970 or at/after the
   * configured bound).
   */
  public static Column reason(FunnelConfig config) {
    Column knownStage = col("stage").isin(config.stages().all().toArray());
    long earliest = FunnelCalendar.toMicros(FunnelConfig.EARLIEST_ENTERED_AT);
    long latest = FunnelCalendar.toMicros(config.latestEnteredAt());
    Column micros = unix_micros(col("entered_at"));
    return when(col("lead_id").isNull(), lit("null_lead_id"))
        .when(col("stage").isNull(), lit("null_stage"))
        .when(col("entered_at").isNull(), lit("null_entered_at"))
        .when(
            not(is_valid_utf8(col("lead_id"))).or(not(is_valid_utf8(col("stage")))),
            lit("invalid_utf8"))
        .when(length(col("lead_id")).gt(config.maxLeadIdLength()), lit("lead_id_too_long"))
        .when(
            col("lead_id").rlike(CONTROL_CHARACTERS).or(col("stage").rlike(CONTROL_CHARACTERS)),
            lit("control_characters"))
        .when(not(knownStage), lit("unknown_stage"))
        .when(micros.lt(earliest).or(micros.geq(latest)), lit("entered_at_out_of_range"))
        .otherwise(lit(null).cast("string"));
  }

  /** Adds {@link #REASON} and {@link #ROW_CLASS} to the input rows. */
  public static Dataset<Row> classify(Dataset<Row> events, FunnelConfig config, Instant asOf) {
    long asOfMicros = FunnelCalendar.toMicros(asOf);
    Dataset<Row> withReason = events.withColumn(REASON, reason(config));
    return withReason.withColumn(
        ROW_CLASS,
        when(col(REASON).isNotNull(), lit(REJECTED))
            .when(unix_micros(col("entered_at")).geq(asOfMicros), lit(AFTER_AS_OF))
            .otherwise(lit(CANDIDATE)));
  }

  /**
   * Counts rows per class while they stream through the next action on the returned Dataset (no
   * extra scan of the input); read the counts with {@link #classCounts} after that action.
   */
  public static Dataset<Row> observeClasses(Dataset<Row> classified, Observation observation) {
    return classified.observe(
        observation,
        countClass(REJECTED).as(REJECTED),
        countClass(AFTER_AS_OF).as(AFTER_AS_OF),
        countClass(CANDIDATE).as(CANDIDATE));
  }

  private static Column countClass(String rowClass) {
    return sum(when(col(ROW_CLASS).equalTo(rowClass), lit(1L)).otherwise(lit(0L)));
  }

  /** The counts gathered by {@link #observeClasses}, by class; waits for the action to finish. */
  public static Map<String, Long> classCounts(Observation observation) {
    Map<String, Long> counts = new HashMap<>(Map.of(REJECTED, 0L, AFTER_AS_OF, 0L, CANDIDATE, 0L));
    Map<String, Object> observed;
    try {
      observed = observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting row classes", e);
    }
    for (Map.Entry<String, Object> e : observed.entrySet()) {
      counts.put(e.getKey(), e.getValue() == null ? 0L : ((Number) e.getValue()).longValue());
    }
    return counts;
  }

  /** The rejected rows with their reason, input columns kept. */
  public static Dataset<Row> rejected(Dataset<Row> classified) {
    return classified
        .where(col(ROW_CLASS).equalTo(REJECTED))
        .withColumnRenamed(REASON, "reason")
        .drop(ROW_CLASS);
  }

  /**
   * The candidate events, reduced to what the lead pass needs: lead_id, stage code, entered_at in
   * microseconds, amount and the dimension columns (as {@link DimensionValues#published}).
   */
  public static Dataset<Row> candidates(Dataset<Row> classified, FunnelConfig config) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(LEAD_ID));
    columns.add(StageNames.code(config.stages(), col("stage")).as(STAGE_CODE));
    columns.add(unix_micros(col("entered_at")).as(ENTERED_MICROS));
    columns.add(col(AMOUNT));
    for (String dimension : config.dimensions()) {
      columns.add(DimensionValues.published(col(dimension)).as(dimension));
    }
    return classified
        .where(col(ROW_CLASS).equalTo(CANDIDATE))
        .select(columns.toArray(Column[]::new));
  }
}
