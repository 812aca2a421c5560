package dev.funnel.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.TargetDefinition;
import dev.funnel.io.Schemas;
import dev.funnel.sla.TargetSeries;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code targets}: per target and period, leads first entering the target's stage (counted, or
 * their amounts summed) against the goal. Spark adds up one small row per period; the series itself
 * ({@link TargetSeries}) is computed on the driver from those few numbers.
 */
public final class TargetsTable {
  private TargetsTable() {}

  /** Builds the table from the run's {@link VisitFacts}: leads' first visits to each stage. */
  public static Dataset<Row> build(RunContext run) {
    FunnelConfig config = run.config();
    FunnelCalendar calendar = run.calendar();
    LocalDate asOfDay = run.asOfDay();
    Instant asOf = run.asOf();
    List<Row> rows = new ArrayList<>();
    Dataset<Row> firstVisits =
        run.facts()
            .where(VisitFacts.isFirstVisit())
            .select(
                col(VisitFacts.STAGE).as("stage_code"),
                col(VisitFacts.WEEK_START).as("week_start"),
                col(VisitFacts.MONTH_START).as("month_start"),
                coalesce(col(VisitFacts.LEAD_AMOUNT), lit(0.0)).as("lead_amount"));
    for (TargetDefinition target : config.targets()) {
      String periodColumn = VisitFacts.periodStart(target.period());
      Map<LocalDate, Double> actuals = new HashMap<>();
      // One row per period: a handful of numbers, safe to collect.
      for (Row r :
          firstVisits
              .where(col("stage_code").equalTo(config.stages().code(target.stage())))
              .groupBy(col(periodColumn))
              .agg(count(lit(1)).as("leads"), Amounts.sumOf(col("lead_amount")).as("amount"))
              .collectAsList()) {
        double actual =
            target.kind() == TargetDefinition.Kind.LEADS ? r.getLong(1) : r.getDouble(2);
        actuals.put(LocalDate.ofEpochDay(r.getInt(0)), actual);
      }
      for (TargetSeries.Row t : TargetSeries.of(target, actuals, calendar, asOfDay, asOf)) {
        rows.add(
            RowFactory.create(
                java.sql.Date.valueOf(asOfDay),
                target.name(),
                target.stage(),
                target.kind().name().toLowerCase(java.util.Locale.ROOT),
                target.currency(),
                java.sql.Date.valueOf(t.periodStart()),
                t.goal(),
                t.actual(),
                t.attainment(),
                t.complete(),
                t.elapsedFraction(),
                t.projected(),
                t.onTrack(),
                t.leadVelocityRate()));
      }
    }
    return run.spark().createDataFrame(rows, OutputTable.schema(Schemas.TARGETS, run.config()));
  }
}
