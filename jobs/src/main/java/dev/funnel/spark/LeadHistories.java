package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
  private LeadHistories() {}

  /**
   * Groups candidate events by lead (one shuffle) and derives the visit facts.
   *
   * @param candidates rows of {@link EventCleaning#candidates}, read by column name
   * @param partitions number of shuffle partitions for the event data
   */
  public static Dataset<Row> visitFacts(
      Dataset<Row> candidates, FunnelConfig config, Instant asOf, int partitions) {
    Dataset<Row> sorted =
        candidates
            .repartition(partitions, col(EventCleaning.LEAD_ID))
            .sortWithinPartitions(
                col(EventCleaning.LEAD_ID),
                col(EventCleaning.ENTERED_MICROS),
                col(EventCleaning.STAGE_CODE));
    return sorted.mapPartitions(
        new LeadPass(config, asOf, InputColumns.of(candidates.schema(), config)),
        Encoders.row(VisitFacts.schema(config)));
  }

  /**
   * Run totals of the visit facts.
   *
   * @param leads leads with at least one accepted event
   * @param accepted distinct accepted events
   * @param duplicates extra copies of events
   */
  public record Totals(long leads, long accepted, long duplicates) {}

  /** Adds up the per-lead counts of the visit facts (one small aggregation). */
  public static Totals totals(Dataset<Row> facts) {
    Row totals =
        facts
            .agg(
                sum(when(col(VisitFacts.LEAD_EVENTS).gt(0), lit(1L)).otherwise(lit(0L))),
                sum(col(VisitFacts.LEAD_EVENTS)),
                sum(col(VisitFacts.LEAD_DUPLICATES)))
            .first();
    long[] sums = new long[totals.size()];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = totals.isNullAt(i) ? 0 : totals.getLong(i); // a sum over no rows is null
    }
    return new Totals(sums[0], sums[1], sums[2]);
  }

  /** Where the lead pass finds its inputs in a candidate row, looked up by name once. */
  record InputColumns(int leadId, int stageCode, int enteredMicros, int amount, int[] dimensions)
      implements Serializable {
    static InputColumns of(StructType candidates, FunnelConfig config) {
      int[] dimensions = new int[config.dimensions().size()];
      for (int d = 0; d < dimensions.length; d++) {
        dimensions[d] = candidates.fieldIndex(config.dimensions().get(d));
      }
      return new InputColumns(
          candidates.fieldIndex(EventCleaning.LEAD_ID),
          candidates.fieldIndex(EventCleaning.STAGE_CODE),
          candidates.fieldIndex(EventCleaning.ENTERED_MICROS),
          candidates.fieldIndex(EventCleaning.AMOUNT),
          dimensions);
    }
  }

  /** Where the lead pass writes each visit fact, looked up by name once. */
  private record OutputColumns(
      int width,
      int leadId,
      int[] dimensions,
      int amount,
      int events,
      int duplicates,
      int stage,
      int visitNumber,
      int enteredAt,
      int exitedAt,
      int nextStage,
      int durationHours,
      int isOpen,
      int censoredHours,
      int dayStart,
      int weekStart,
      int monthStart,
      int isEntry,
      int converted,
      int won,
      int lost,
      int convertedAt,
      int wonAt,
      int lostAt,
      int[] slaStatus,
      int[] slaWorked,
      int[] slaResponseHours) {
    static OutputColumns of(FunnelConfig config) {
      StructType s = VisitFacts.schema(config);
      int[] dimensions = new int[config.dimensions().size()];
      for (int d = 0; d < dimensions.length; d++) {
        dimensions[d] = s.fieldIndex(VisitFacts.dimension(d));
      }
      int slas = config.slas().size();
      int[] status = new int[slas];
      int[] worked = new int[slas];
      int[] hours = new int[slas];
      for (int i = 0; i < slas; i++) {
        status[i] = s.fieldIndex(VisitFacts.sla(i, VisitFacts.SLA_STATUS));
        worked[i] = s.fieldIndex(VisitFacts.sla(i, VisitFacts.SLA_WORKED));
        hours[i] = s.fieldIndex(VisitFacts.sla(i, VisitFacts.SLA_RESPONSE_HOURS));
      }
      return new OutputColumns(
          s.size(),
          s.fieldIndex(VisitFacts.LEAD_ID),
          dimensions,
          s.fieldIndex(VisitFacts.LEAD_AMOUNT),
          s.fieldIndex(VisitFacts.LEAD_EVENTS),
          s.fieldIndex(VisitFacts.LEAD_DUPLICATES),
          s.fieldIndex(VisitFacts.STAGE),
          s.fieldIndex(VisitFacts.VISIT_NUMBER),
          s.fieldIndex(VisitFacts.ENTERED_AT),
          s.fieldIndex(VisitFacts.EXITED_AT),
          s.fieldIndex(VisitFacts.NEXT_STAGE),
          s.fieldIndex(VisitFacts.DURATION_HOURS),
          s.fieldIndex(VisitFacts.IS_OPEN),
          s.fieldIndex(VisitFacts.CENSORED_HOURS),
          s.fieldIndex(VisitFacts.DAY_START),
          s.fieldIndex(VisitFacts.WEEK_START),
          s.fieldIndex(VisitFacts.MONTH_START),
          s.fieldIndex(VisitFacts.IS_ENTRY),
          s.fieldIndex(VisitFacts.CONVERTED),
          s.fieldIndex(VisitFacts.WON),
          s.fieldIndex(VisitFacts.LOST),
          s.fieldIndex(VisitFacts.CONVERTED_AT),
          s.fieldIndex(VisitFacts.WON_AT),
          s.fieldIndex(VisitFacts.LOST_AT),
          status,
          worked,
          hours);
    }
  }

  /** Streams a sorted partition lead by lead. */
  static final class LeadPass implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final FunnelConfig config;
    private final long asOfMicros;
    private final InputColumns in;

    LeadPass(FunnelConfig config, Instant asOf, InputColumns in) {
      this.config = config;
      this.asOfMicros = FunnelCalendar.toMicros(asOf);
      this.in = in;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new VisitFactIterator(rows, config, asOfMicros, in);
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
    private final InputColumns in;
    private final OutputColumns out;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Row pending;

    VisitFactIterator(Iterator<Row> rows, FunnelConfig config, long asOfMicros, InputColumns in) {
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
      this.in = in;
      this.out = OutputColumns.of(config);
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
      String leadId = pending.getString(in.leadId());
      builder.reset();
      String[] dims = new String[dimensionCount];
      int[] dimColumns = in.dimensions();
      while (pending != null && leadId.equals(pending.getString(in.leadId()))) {
        for (int d = 0; d < dimensionCount; d++) {
          dims[d] = pending.isNullAt(dimColumns[d]) ? null : pending.getString(dimColumns[d]);
        }
        Double amount = pending.isNullAt(in.amount()) ? null : pending.getDouble(in.amount());
        builder.add(
            pending.getInt(in.stageCode()), pending.getLong(in.enteredMicros()), amount, dims);
        pending = rows.hasNext() ? rows.next() : null;
      }
      emit(leadId, builder.build());
    }

    private void emit(String leadId, LeadTimeline lead) {
      boolean firstRow = true;
      OutputColumns o = out;
      for (Visit v : lead.visits()) {
        Object[] values = new Object[o.width()];
        values[o.leadId()] = leadId;
        for (int d = 0; d < dimensionCount; d++) {
          values[o.dimensions()[d]] = lead.dimension(d);
        }
        values[o.amount()] = lead.amount();
        values[o.events()] = firstRow ? lead.events() : 0;
        values[o.duplicates()] = firstRow ? lead.duplicates() : 0;
        values[o.stage()] = v.stage();
        values[o.visitNumber()] = v.visitNumber();
        values[o.enteredAt()] = v.enteredAt();
        values[o.exitedAt()] = v.hasExit() ? v.exitedAt() : null;
        values[o.nextStage()] = v.hasExit() ? v.nextStage() : null;
        values[o.durationHours()] = v.isClosed() ? v.durationHours() : null;
        values[o.isOpen()] = v.isOpen();
        values[o.censoredHours()] =
            v.isOpen() ? FunnelCalendar.hoursBetween(v.enteredAt(), asOfMicros) : null;
        java.time.LocalDate day = calendar.localDate(v.enteredAt());
        values[o.dayStart()] = epochDay(Grain.DAY, day);
        values[o.weekStart()] = epochDay(Grain.WEEK, day);
        values[o.monthStart()] = epochDay(Grain.MONTH, day);
        StageEntry entry = v.isFirstVisit() ? entry(lead, v.stage()) : null;
        values[o.isEntry()] = entry != null;
        if (entry != null) {
          values[o.converted()] = entry.converted(windowMicros);
          values[o.won()] = entry.won(windowMicros);
          values[o.lost()] = entry.lost(windowMicros);
          values[o.convertedAt()] = time(entry.convertedAt());
          values[o.wonAt()] = time(entry.wonAt());
          values[o.lostAt()] = time(entry.lostAt());
        }
        for (int s = 0; s < slaStages.length; s++) {
          if (v.isFirstVisit() && v.stage() == slaStages[s]) {
            SlaOutcome outcome =
                SlaOutcome.evaluate(
                    slaDefinitions.get(s).withinHours(),
                    slaClocks[s],
                    v.enteredAt(),
                    v.exitedAt(),
                    asOfMicros);
            values[o.slaStatus()[s]] = outcome.status().label();
            values[o.slaWorked()[s]] = outcome.worked();
            values[o.slaResponseHours()[s]] = outcome.responseHours();
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
