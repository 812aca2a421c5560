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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-lead pass: the only shuffle of event-level data. Candidate events are partitioned by lead
 * and sorted by (lead, instant, stage code); each lead's events then stream through a {@link
 * LeadTimeline} once, which yields one compact row per lead with everything the output tables need:
 * visits (with their cohort periods and durations) and first stage entries (with their conversion
 * outcome and times, so later consumers can compare cohorts at equal age).
 */
public final class LeadHistories {
  /** One visit of the lead; times are epoch microseconds, periods are epoch days. */
  public static final StructType VISIT =
      new StructType()
          .add("stage", DataTypes.IntegerType, false)
          .add("visit_number", DataTypes.IntegerType, false)
          .add("entered_at", DataTypes.LongType, false)
          .add("exited_at", DataTypes.LongType, true)
          .add("next_stage", DataTypes.IntegerType, true)
          .add("duration_hours", DataTypes.DoubleType, true)
          .add("is_open", DataTypes.BooleanType, false)
          .add("censored_hours", DataTypes.DoubleType, true)
          .add("week_start", DataTypes.IntegerType, false)
          .add("month_start", DataTypes.IntegerType, false);

  /** First entry into a non-terminal main-path stage and how it ended. */
  public static final StructType ENTRY =
      new StructType()
          .add("stage", DataTypes.IntegerType, false)
          .add("entered_at", DataTypes.LongType, false)
          .add("converted_at", DataTypes.LongType, true)
          .add("won_at", DataTypes.LongType, true)
          .add("lost_at", DataTypes.LongType, true)
          .add("converted", DataTypes.BooleanType, false)
          .add("won", DataTypes.BooleanType, false)
          .add("lost", DataTypes.BooleanType, false)
          .add("week_start", DataTypes.IntegerType, false)
          .add("month_start", DataTypes.IntegerType, false);

  /** Where the lead stands in one SLA whose stage it entered. */
  public static final StructType SLA =
      new StructType()
          .add("sla", DataTypes.IntegerType, false)
          .add("entered_at", DataTypes.LongType, false)
          .add("worked_at", DataTypes.LongType, true)
          .add("worked", DataTypes.BooleanType, false)
          .add("response_hours", DataTypes.DoubleType, false)
          .add("status", DataTypes.StringType, false)
          .add("day_start", DataTypes.IntegerType, false)
          .add("week_start", DataTypes.IntegerType, false)
          .add("month_start", DataTypes.IntegerType, false);

  /** One row per lead. */
  public static final StructType LEAD =
      new StructType()
          .add("lead_id", DataTypes.StringType, false)
          .add("dims", new ArrayType(DataTypes.StringType, false), false)
          .add("amount", DataTypes.DoubleType, true)
          .add("events", DataTypes.IntegerType, false)
          .add("duplicates", DataTypes.IntegerType, false)
          .add("visits", new ArrayType(VISIT, false), false)
          .add("entries", new ArrayType(ENTRY, false), false)
          .add("slas", new ArrayType(SLA, false), false);

  private LeadHistories() {}

  /**
   * Groups candidate events by lead (one shuffle) and derives one {@link #LEAD} row per lead.
   *
   * @param candidates rows of {@link EventCleaning#candidates}
   * @param partitions number of shuffle partitions for the event data
   */
  public static Dataset<Row> summarize(
      Dataset<Row> candidates, FunnelConfig config, Instant asOf, int partitions) {
    Dataset<Row> sorted =
        candidates
            .repartition(partitions, col("lead_id"))
            .sortWithinPartitions(
                col("lead_id"), col(EventCleaning.ENTERED_MICROS), col(EventCleaning.STAGE_CODE));
    return sorted.mapPartitions(new LeadPass(config, asOf), Encoders.row(LEAD));
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
      return new LeadIterator(rows, config, asOfMicros);
    }
  }

  private static final class LeadIterator implements Iterator<Row> {
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
    private Row pending;

    LeadIterator(Iterator<Row> rows, FunnelConfig config, long asOfMicros) {
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
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      return pending != null;
    }

    @Override
    public Row next() {
      if (pending == null) {
        throw new NoSuchElementException();
      }
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
      return toRow(leadId, builder.build());
    }

    private Row toRow(String leadId, LeadTimeline lead) {
      Row[] visits = new Row[lead.visits().size()];
      int i = 0;
      for (Visit v : lead.visits()) {
        visits[i++] =
            RowFactory.create(
                v.stage(),
                v.visitNumber(),
                v.enteredAt(),
                v.hasExit() ? v.exitedAt() : null,
                v.hasExit() ? v.nextStage() : null,
                v.isClosed() ? v.durationHours() : null,
                v.isOpen(),
                v.isOpen() ? Visit.hoursBetween(v.enteredAt(), asOfMicros) : null,
                epochDay(Grain.WEEK, v.enteredAt()),
                epochDay(Grain.MONTH, v.enteredAt()));
      }
      Row[] entries = new Row[lead.entries().size()];
      i = 0;
      for (StageEntry e : lead.entries()) {
        entries[i++] =
            RowFactory.create(
                e.stage(),
                e.enteredAt(),
                time(e.convertedAt()),
                time(e.wonAt()),
                time(e.lostAt()),
                e.converted(windowMicros),
                e.won(windowMicros),
                e.lost(windowMicros),
                epochDay(Grain.WEEK, e.enteredAt()),
                epochDay(Grain.MONTH, e.enteredAt()));
      }
      return RowFactory.create(
          leadId,
          seq(lead.dimensions()),
          lead.amount(),
          lead.events(),
          lead.duplicates(),
          seq(visits),
          seq(entries),
          seq(slaRows(lead)));
    }

    /** The lead's standing in each SLA whose stage it entered (its first visit there). */
    private Row[] slaRows(LeadTimeline lead) {
      List<Row> rows = new ArrayList<>(slaStages.length);
      for (int i = 0; i < slaStages.length; i++) {
        Visit first = lead.firstVisit(slaStages[i]);
        if (first == null) {
          continue;
        }
        SlaOutcome outcome =
            SlaOutcome.evaluate(
                slaDefinitions.get(i).withinHours(),
                slaClocks[i],
                first.enteredAt(),
                first.exitedAt(),
                asOfMicros);
        rows.add(
            RowFactory.create(
                i,
                first.enteredAt(),
                first.hasExit() ? first.exitedAt() : null,
                outcome.worked(),
                outcome.responseHours(),
                outcome.status().label(),
                epochDay(Grain.DAY, first.enteredAt()),
                epochDay(Grain.WEEK, first.enteredAt()),
                epochDay(Grain.MONTH, first.enteredAt())));
      }
      return rows.toArray(new Row[0]);
    }

    /** Spark's Row encoder wants Scala sequences for array columns; wrapping copies nothing. */
    private static <T> scala.collection.immutable.Seq<T> seq(T[] values) {
      return scala.collection.immutable.ArraySeq.unsafeWrapArray(values);
    }

    private int epochDay(Grain grain, long micros) {
      return Math.toIntExact(calendar.periodStart(grain, micros).toEpochDay());
    }

    private static Long time(long micros) {
      return micros == LeadTimeline.NO_TIME ? null : micros;
    }
  }
}
