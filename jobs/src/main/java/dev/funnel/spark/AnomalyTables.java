package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.anomaly.AnomalyHistory;
import dev.funnel.anomaly.AnomalyJudge;
import dev.funnel.anomaly.AnomalyKind;
import dev.funnel.anomaly.CellKey;
import dev.funnel.anomaly.Check;
import dev.funnel.anomaly.Severity;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import dev.funnel.io.TableStore;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code anomalies} and {@code anomaly_checks}: the run's compact facts are aggregated from the
 * visit facts ({@link AnomalyFacts}), judged on the driver ({@link AnomalyJudge}) together with
 * what earlier runs in the same output flagged, and turned into rows.
 */
public final class AnomalyTables {
  /** Earlier runs further back than this cannot matter to a baseline or a first-flagged day. */
  static final int HISTORY_DAYS = 400;

  /** The run's judged checks, shared by {@code anomaly_checks} and {@code anomalies}. */
  public static final SharedValue<List<Check>> CHECKS =
      SharedValue.of(
          "anomaly checks",
          run ->
              judge(
                  run.spark(), run.facts(), run.config(), run.asOfDay(), run.asOf(), run.output()));

  private AnomalyTables() {}

  /** {@code anomaly_checks} of a run, from the shared {@link #CHECKS}. */
  public static Dataset<Row> checks(RunContext run) {
    return checks(run.spark(), run.value(CHECKS), run.asOfDay());
  }

  /** {@code anomalies} of a run, from the shared {@link #CHECKS}. */
  public static Dataset<Row> anomalies(RunContext run) {
    return anomalies(run.spark(), run.value(CHECKS), run.asOfDay());
  }

  /** Judges the run: every check, flagged or not. */
  public static List<Check> judge(
      SparkSession spark,
      Dataset<Row> visitFacts,
      FunnelConfig config,
      LocalDate asOfDay,
      Instant asOf,
      String output) {
    AnomalyJudge.Context context = new AnomalyJudge.Context(asOfDay, asOf, config);
    LocalDate first = AnomalyJudge.firstWeekNeeded(context);
    return AnomalyJudge.judge(
        context,
        AnomalyFacts.weekly(visitFacts, config, asOfDay, asOf, first),
        AnomalyFacts.targets(visitFacts, config, asOfDay),
        history(TableStore.of(spark, output, config.outputFormat()), asOfDay));
  }

  /** The rows of {@code anomaly_checks}: every check. */
  public static Dataset<Row> checks(SparkSession spark, List<Check> checks, LocalDate asOfDay) {
    StructType schema = Schemas.load(Schemas.ANOMALY_CHECKS);
    List<Row> rows = new ArrayList<>();
    for (Check c : checks) {
      rows.add(row(c, asOfDay, true));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** The rows of {@code anomalies}: flags and insufficient cells. */
  public static Dataset<Row> anomalies(SparkSession spark, List<Check> checks, LocalDate asOfDay) {
    StructType schema = Schemas.load(Schemas.ANOMALIES);
    List<Row> rows = new ArrayList<>();
    for (Check c : checks) {
      if (c.reported()) {
        rows.add(row(c, asOfDay, false));
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  private static Row row(Check c, LocalDate asOfDay, boolean withFlag) {
    List<Object> v = new ArrayList<>();
    v.add(Date.valueOf(asOfDay));
    v.add(c.kind().name());
    v.add(c.severity().label());
    v.add(c.grain());
    v.add(Date.valueOf(c.periodStart()));
    v.add(c.cell().stage());
    v.add(c.cell().dimension());
    v.add(c.cell().dimensionValue());
    v.add(c.metric());
    v.add(finite(c.observed()));
    v.add(finite(c.expected()));
    v.add(finite(c.lower()));
    v.add(finite(c.upper()));
    v.add(c.n());
    v.add(finite(c.pValue()));
    v.add(finite(c.qValue()));
    v.add(finite(c.detectableEffect()));
    v.add(c.firstFlagged() == null ? null : Date.valueOf(c.firstFlagged()));
    if (withFlag) {
      v.add(c.flagged());
    }
    v.add(c.message());
    return RowFactory.create(v.toArray());
  }

  private static Double finite(Double d) {
    return d == null || d.isNaN() || d.isInfinite() ? null : d;
  }

  /**
   * What earlier runs in the output judged: the as-of days before this one that have an {@code
   * anomaly_checks} day, and the flags (critical and warning) of their {@code anomalies}.
   */
  static AnomalyHistory history(TableStore tables, LocalDate asOfDay) {
    Set<LocalDate> runs =
        new HashSet<>(
            tables.days(
                Schemas.ANOMALY_CHECKS, asOfDay.minusDays(HISTORY_DAYS), asOfDay.minusDays(1)));
    List<AnomalyHistory.PriorFlag> flags = new ArrayList<>();
    if (!runs.isEmpty()) {
      List<Row> rows =
          tables
              .read(Schemas.ANOMALIES, Schemas.load(Schemas.ANOMALIES), runs)
              .where(
                  col("severity")
                      .isin(Severity.CRITICAL.label(), Severity.WARNING.label())
                      .and(col("kind").notEqual(AnomalyKind.INSUFFICIENT_DATA.name())))
              .select("kind", "stage", "dimension", "dimension_value", "period_start", "as_of")
              .collectAsList();
      for (Row r : rows) {
        flags.add(
            new AnomalyHistory.PriorFlag(
                AnomalyKind.valueOf(r.getString(0)),
                new CellKey(r.getString(1), r.getString(2), r.getString(3)),
                r.getDate(4).toLocalDate(),
                r.getDate(5).toLocalDate()));
      }
    }
    return new AnomalyHistory(runs, flags);
  }
}
