package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.FunnelStages;
import dev.funnel.config.SlaDefinition;
import dev.funnel.sla.ResponseClock;
import dev.funnel.sla.SlaOutcome;
import dev.funnel.timeline.LeadTimeline;
import dev.funnel.timeline.StageEntry;
import dev.funnel.timeline.Visit;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-lead pass: the only shuffle of event-level data. Candidate events are partitioned by lead
 * and sorted by (lead, instant, stage code); each lead's events then stream through a {@link
 * LeadTimeline} once. The result is one flat row per visit ("visit facts") carrying everything the
 * output tables need, so that no consumer looks at events again:
 *
 * <ul>
 *   <li>the visit itself, with its cohort periods and duration (or censoring time);
 *   <li>on a lead's first visit to a non-terminal main-path stage, that first entry's conversion
 *       outcome and the times of the events that decide it (to compare cohorts at equal age);
 *   <li>on a lead's first visit to an SLA's stage, the lead's standing in that SLA;
 *   <li>the lead's first-touch dimensions and latest amount on every row, and its event and
 *       duplicate counts on its first row.
 * </ul>
 *
 * Flat rows rather than one row per lead with nested arrays: Spark serialises and caches flat rows
 * several times faster.
 */
public final class LeadHistories {
  /** Column prefix of the first-touch dimension values: dim_0, dim_1, … in configuration order. */
  public static final String DIM = "dim_";

  private LeadHistories() {}

  /** The visit-facts schema of a funnel (dimension and SLA columns depend on the configuration). */
  public static StructType schema(FunnelConfig config) {
    StructType schema = new StructType().add("lead_id", DataTypes.StringType, false);
    for (int d = 0; d < config.dimensions().size(); d++) {
      schema = schema.add(DIM + d, DataTypes.StringType, false);
    }
    schema =
        schema
            .add("lead_amount", DataTypes.DoubleType, true)
            .add("lead_events", DataTypes.IntegerType, false)
            .add("lead_duplicates", DataTypes.IntegerType, false)
            .add("stage", DataTypes.IntegerType, false)
            .add("visit_number", DataTypes.IntegerType, false)
            .add("entered_at", DataTypes.LongType, false)
            .add("exited_at", DataTypes.LongType, true)
            .add("next_stage", DataTypes.IntegerType, true)
            .add("duration_hours", DataTypes.DoubleType, true)
            .add("is_open", DataTypes.BooleanType, false)
            .add("censored_hours", DataTypes.DoubleType, true)
            .add("day_start", DataTypes.IntegerType, false)
            .add("week_start", DataTypes.IntegerType, false)
            .add("month_start", DataTypes.IntegerType, false)
            .add("is_entry", DataTypes.BooleanType, false)
            .add("converted", DataTypes.BooleanType, true)
            .add("won", DataTypes.BooleanType, true)
            .add("lost", DataTypes.BooleanType, true)
            .add("converted_at", DataTypes.LongType, true)
            .add("won_at", DataTypes.LongType, true)
            .add("lost_at", DataTypes.LongType, true);
    for (int i = 0; i < config.slas().size(); i++) {
      schema =
          schema
              .add(slaColumn(i, "status"), DataTypes.StringType, true)
              .add(slaColumn(i, "worked"), DataTypes.BooleanType, true)
              .add(slaColumn(i, "response_hours"), DataTypes.DoubleType, true);
    }
    return schema;
  }

  /** The name of a per-SLA column: sla_0_status, sla_0_worked, sla_0_response_hours. */
  public static String slaColumn(int sla, String field) {
    return "sla_" + sla + "_" + field;
  }

  /**
   * Groups candidate events by lead (one shuffle) and derives the visit facts.
   *
   * @param candidates rows of {@link EventCleaning#candidates}
   * @param partitions number of shuffle partitions for the event data
   */
  public static Dataset<Row> visitFacts(
      Dataset<Row> candidates, FunnelConfig config, Instant asOf, int partitions) {
    Dataset<Row> sorted =
        candidates
            .repartition(partitions, col("lead_id"))
            .sortWithinPartitions(
                col("lead_id"), col(EventCleaning.ENTERED_MICROS), col(EventCleaning.STAGE_CODE));
    return sorted.mapPartitions(new LeadPass(config, asOf), Encoders.row(schema(config)));
  }

  /** Streams a sorted partition lead by lead. */
  static final class LeadPass implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final FunnelConfig config;
    private final long asOfMicros;

    LeadPass(FunnelConfig config, Instant asOf) {
      this.config = config;
      this.asOfMicros = FunnelCalendar.toMicros(asOf);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new VisitFactIterator(rows, config, asOfMicros);
    }
  }

  private static final class VisitFactIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final FunnelStages stages;
    private final FunnelCalendar calendar;
    private final long windowMicros;
    private final long asOfMicros;
    private final int dimensionCount;
    private final LeadTimeline.Builder builder;
    private final List<SlaDefinition> slaDefinitions;
    private final int[] slaStages;
    private final ResponseClock[] slaClocks;
    private final int width;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Row pending;

    VisitFactIterator(Iterator<Row> rows, FunnelConfig config, long asOfMicros) {
      this.rows = rows;
      this.stages = config.stages();
      this.calendar = new FunnelCalendar(config.zone());
      this.windowMicros = config.conversionWindow().toNanos() / 1000;
      this.asOfMicros = asOfMicros;
      this.dimensionCount = config.dimensions().size();
      this.builder = new LeadTimeline.Builder(stages, dimensionCount);
      this.slaDefinitions = config.slas();
      this.slaStages = new int[slaDefinitions.size()];
      this.slaClocks = new ResponseClock[slaDefinitions.size()];
      for (int i = 0; i < slaDefinitions.size(); i++) {
        SlaDefinition sla = slaDefinitions.get(i);
        slaStages[i] = stages.code(sla.stage());
        slaClocks[i] = ResponseClock.of(sla, config.businessHours(), config.zone());
      }
      this.width = schema(config).size();
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && pending != null) {
        nextLead();
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void nextLead() {
      String leadId = pending.getString(0);
      builder.reset();
      String[] dims = new String[dimensionCount];
      while (pending != null && leadId.equals(pending.getString(0))) {
        for (int d = 0; d < dimensionCount; d++) {
          dims[d] = pending.isNullAt(4 + d) ? null : pending.getString(4 + d);
        }
        Double amount = pending.isNullAt(3) ? null : pending.getDouble(3);
        builder.add(pending.getInt(1), pending.getLong(2), amount, dims);
        pending = rows.hasNext() ? rows.next() : null;
      }
      emit(leadId, builder.build());
    }

    private void emit(String leadId, LeadTimeline lead) {
      boolean firstRow = true;
      for (Visit v : lead.visits()) {
        Object[] values = new Object[width];
        int i = 0;
        values[i++] = leadId;
        for (int d = 0; d < dimensionCount; d++) {
          values[i++] = lead.dimension(d);
        }
        values[i++] = lead.amount();
        values[i++] = firstRow ? lead.events() : 0;
        values[i++] = firstRow ? lead.duplicates() : 0;
        values[i++] = v.stage();
        values[i++] = v.visitNumber();
        values[i++] = v.enteredAt();
        values[i++] = v.hasExit() ? v.exitedAt() : null;
        values[i++] = v.hasExit() ? v.nextStage() : null;
        values[i++] = v.isClosed() ? v.durationHours() : null;
        values[i++] = v.isOpen();
        values[i++] = v.isOpen() ? FunnelCalendar.hoursBetween(v.enteredAt(), asOfMicros) : null;
        java.time.LocalDate day = calendar.localDate(v.enteredAt());
        values[i++] = epochDay(Grain.DAY, day);
        values[i++] = epochDay(Grain.WEEK, day);
        values[i++] = epochDay(Grain.MONTH, day);
        StageEntry entry = v.visitNumber() == 1 ? entry(lead, v.stage()) : null;
        values[i++] = entry != null;
        values[i++] = entry == null ? null : entry.converted(windowMicros);
        values[i++] = entry == null ? null : entry.won(windowMicros);
        values[i++] = entry == null ? null : entry.lost(windowMicros);
        values[i++] = entry == null ? null : time(entry.convertedAt());
        values[i++] = entry == null ? null : time(entry.wonAt());
        values[i++] = entry == null ? null : time(entry.lostAt());
        for (int s = 0; s < slaStages.length; s++) {
          if (v.visitNumber() == 1 && v.stage() == slaStages[s]) {
            SlaOutcome outcome =
                SlaOutcome.evaluate(
                    slaDefinitions.get(s).withinHours(),
                    slaClocks[s],
                    v.enteredAt(),
                    v.exitedAt(),
                    asOfMicros);
            values[i++] = outcome.status().label();
            values[i++] = outcome.worked();
            values[i++] = outcome.responseHours();
          } else {
            i += 3;
          }
        }
        ready.add(RowFactory.create(values));
        firstRow = false;
      }
    }

    private static StageEntry entry(LeadTimeline lead, int stage) {
      for (StageEntry e : lead.entries()) {
        if (e.stage() == stage) {
          return e;
        }
      }
      return null;
    }

    private static int epochDay(Grain grain, java.time.LocalDate day) {
      return Math.toIntExact(grain.periodStart(day).toEpochDay());
    }

    private static Long time(long micros) {
      return micros == LeadTimeline.NO_TIME ? null : micros;
    }
  }
}
