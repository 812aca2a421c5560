package dev.funnel.spark;

import dev.funnel.config.FunnelConfig;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The visit facts: the contract between the lead pass ({@link LeadHistories}) and every output
 * table. One flat row per visit of a lead to a stage; read the columns by these names (the schema
 * is built from them, and the lead pass writes each value by name).
 *
 * <p>Instants are microseconds since the epoch (as Spark stores timestamps), periods are epoch days
 * of the period's first day in the funnel's zone, stages are codes of {@code FunnelStages}.
 *
 * <p>Per lead: {@link #LEAD_ID}, the first-touch dimension values {@link #dimension dim_0, dim_1,
 * …} (configuration order), {@link #LEAD_AMOUNT} on every row; {@link #LEAD_EVENTS} and {@link
 * #LEAD_DUPLICATES} on the lead's first row only (0 on the others, so that a sum counts each lead
 * once).
 *
 * <p>Per visit: {@link #STAGE}, {@link #VISIT_NUMBER}, {@link #ENTERED_AT}, {@link #EXITED_AT} and
 * {@link #NEXT_STAGE} (null while open or for terminal visits), {@link #DURATION_HOURS} (closed
 * visits), {@link #IS_OPEN} and {@link #CENSORED_HOURS} (open visits: hours from entry to the as-of
 * instant), the periods of the entry {@link #DAY_START}, {@link #WEEK_START}, {@link #MONTH_START}.
 *
 * <p>Per first entry into a stage ({@link #IS_ENTRY}, the one definition of "first entry": the
 * lead's first visit to a non-terminal main-path stage, see {@link
 * dev.funnel.timeline.StageEntry}): {@link #CONVERTED}, {@link #WON}, {@link #LOST} within the
 * conversion window, and the instants that decide them {@link #CONVERTED_AT}, {@link #WON_AT},
 * {@link #LOST_AT} (null when there is no such event), so that a consumer can apply {@link
 * dev.funnel.timeline.StageEntry#convertedWithin} at another age. All null on other rows.
 *
 * <p>Per SLA {@code i} on the lead's first visit to the SLA's stage (null elsewhere): {@link
 * #sla(int, String) sla_i_status} ({@link #SLA_STATUS}), {@code sla_i_worked} ({@link
 * #SLA_WORKED}), {@code sla_i_response_hours} ({@link #SLA_RESPONSE_HOURS}).
 */
public final class VisitFacts {
  /** The lead. */
  public static final String LEAD_ID = "lead_id";

  /** The lead's latest non-null amount known at the as-of instant; null if none. */
  public static final String LEAD_AMOUNT = "lead_amount";

  /** The lead's distinct accepted events, on its first row (0 on the others). */
  public static final String LEAD_EVENTS = "lead_events";

  /** The lead's duplicate copies of events, on its first row (0 on the others). */
  public static final String LEAD_DUPLICATES = "lead_duplicates";

  /** The visit's stage code. */
  public static final String STAGE = "stage";

  /** 1-based count of the lead's visits to this stage. */
  public static final String VISIT_NUMBER = "visit_number";

  /** Entry instant of the visit (µs). */
  public static final String ENTERED_AT = "entered_at";

  /** The lead's next event with a different stage (µs); null when there is none. */
  public static final String EXITED_AT = "exited_at";

  /** Stage code of that next event; null when there is none. */
  public static final String NEXT_STAGE = "next_stage";

  /** Hours from entry to exit of a closed non-terminal visit; null otherwise. */
  public static final String DURATION_HOURS = "duration_hours";

  /** A non-terminal visit without an exit: the lead is still in the stage. */
  public static final String IS_OPEN = "is_open";

  /**
   * Hours from entry to the as-of instant of an open visit (its censoring time); null otherwise.
   */
  public static final String CENSORED_HOURS = "censored_hours";

  /** Epoch day of the entry's day. */
  public static final String DAY_START = "day_start";

  /** Epoch day of the Monday of the entry's ISO week. */
  public static final String WEEK_START = "week_start";

  /** Epoch day of the first day of the entry's month. */
  public static final String MONTH_START = "month_start";

  /** The lead's first entry into a non-terminal main-path stage: the row counts in its cohort. */
  public static final String IS_ENTRY = "is_entry";

  /** On entries: converted within the conversion window. */
  public static final String CONVERTED = "converted";

  /** On entries: won within the conversion window. */
  public static final String WON = "won";

  /** On entries: lost (and not converted) within the conversion window. */
  public static final String LOST = "lost";

  /** On entries: first later main-path event after the entry (µs), at any age; null if none. */
  public static final String CONVERTED_AT = "converted_at";

  /** On entries: first won event after the entry (µs), at any age; null if none. */
  public static final String WON_AT = "won_at";

  /** On entries: first lost event after the entry (µs), at any age; null if none. */
  public static final String LOST_AT = "lost_at";

  /** SLA field: the lead's standing (met, breached, pending). */
  public static final String SLA_STATUS = "status";

  /** SLA field: the lead was worked (left the stage) before the as-of instant. */
  public static final String SLA_WORKED = "worked";

  /** SLA field: response hours on the SLA's clock (to the exit, or to the as-of if open). */
  public static final String SLA_RESPONSE_HOURS = "response_hours";

  private static final String DIM = "dim_";

  private VisitFacts() {}

  /** The column of the lead's first-touch value of the {@code d}-th configured dimension. */
  public static String dimension(int d) {
    return DIM + d;
  }

  /**
   * The first-touch dimension columns under the configured dimension names ({@code dim_0 AS
   * source}, …), as the tables with dimension columns carry them.
   */
  public static java.util.List<org.apache.spark.sql.Column> namedDimensions(
      java.util.List<String> dimensions) {
    java.util.List<org.apache.spark.sql.Column> columns = new java.util.ArrayList<>();
    for (int d = 0; d < dimensions.size(); d++) {
      columns.add(org.apache.spark.sql.functions.col(dimension(d)).as(dimensions.get(d)));
    }
    return columns;
  }

  /**
   * The first stage entry of a visit-fact row (read by name), to apply {@link
   * dev.funnel.timeline.StageEntry#convertedWithin} and its siblings at any age; null on rows that
   * are not {@link #IS_ENTRY}.
   */
  public static dev.funnel.timeline.StageEntry stageEntry(org.apache.spark.sql.Row fact) {
    if (!fact.<Boolean>getAs(IS_ENTRY)) {
      return null;
    }
    return new dev.funnel.timeline.StageEntry(
        fact.<Integer>getAs(STAGE),
        fact.<Long>getAs(ENTERED_AT),
        instant(fact, CONVERTED_AT),
        instant(fact, WON_AT),
        instant(fact, LOST_AT));
  }

  private static long instant(org.apache.spark.sql.Row fact, String column) {
    Long micros = fact.getAs(column);
    return micros == null ? dev.funnel.timeline.LeadTimeline.NO_TIME : micros;
  }

  /** The name of a per-SLA column: sla_0_status, sla_0_worked, sla_0_response_hours. */
  public static String sla(int sla, String field) {
    return "sla_" + sla + "_" + field;
  }

  /** The visit-facts schema of a funnel (dimension and SLA columns depend on the configuration). */
  public static StructType schema(FunnelConfig config) {
    StructType schema = new StructType().add(LEAD_ID, DataTypes.StringType, false);
    for (int d = 0; d < config.dimensions().size(); d++) {
      schema = schema.add(dimension(d), DataTypes.StringType, false);
    }
    schema =
        schema
            .add(LEAD_AMOUNT, DataTypes.DoubleType, true)
            .add(LEAD_EVENTS, DataTypes.IntegerType, false)
            .add(LEAD_DUPLICATES, DataTypes.IntegerType, false)
            .add(STAGE, DataTypes.IntegerType, false)
            .add(VISIT_NUMBER, DataTypes.IntegerType, false)
            .add(ENTERED_AT, DataTypes.LongType, false)
            .add(EXITED_AT, DataTypes.LongType, true)
            .add(NEXT_STAGE, DataTypes.IntegerType, true)
            .add(DURATION_HOURS, DataTypes.DoubleType, true)
            .add(IS_OPEN, DataTypes.BooleanType, false)
            .add(CENSORED_HOURS, DataTypes.DoubleType, true)
            .add(DAY_START, DataTypes.IntegerType, false)
            .add(WEEK_START, DataTypes.IntegerType, false)
            .add(MONTH_START, DataTypes.IntegerType, false)
            .add(IS_ENTRY, DataTypes.BooleanType, false)
            .add(CONVERTED, DataTypes.BooleanType, true)
            .add(WON, DataTypes.BooleanType, true)
            .add(LOST, DataTypes.BooleanType, true)
            .add(CONVERTED_AT, DataTypes.LongType, true)
            .add(WON_AT, DataTypes.LongType, true)
            .add(LOST_AT, DataTypes.LongType, true);
    for (int i = 0; i < config.slas().size(); i++) {
      schema =
          schema
              .add(sla(i, SLA_STATUS), DataTypes.StringType, true)
              .add(sla(i, SLA_WORKED), DataTypes.BooleanType, true)
              .add(sla(i, SLA_RESPONSE_HOURS), DataTypes.DoubleType, true);
    }
    return schema;
  }

  /**
   * {@code visit_number = 1}: the lead's first visit to the row's stage, as {@link
   * dev.funnel.timeline.Visit#isFirstVisit} (the one definition of a first entry; {@link #IS_ENTRY}
   * is it restricted to non-terminal main-path stages).
   */
  public static org.apache.spark.sql.Column isFirstVisit() {
    return org.apache.spark.sql.functions.col(VISIT_NUMBER).equalTo(1);
  }

  /** The period-start column of a grain: day_start, week_start, month_start. */
  public static String periodStart(dev.funnel.calendar.Grain grain) {
    return grain.label() + "_start";
  }
}
