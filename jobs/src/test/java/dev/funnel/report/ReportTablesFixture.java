package dev.funnel.report;

import dev.funnel.io.RunManifest;
import dev.funnel.io.Schemas;
import dev.funnel.io.TablePublisher;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Writes {@link ReportFixture}'s rows as a run's Parquet tables, in the declared schemas. */
public final class ReportTablesFixture {
  private ReportTablesFixture() {}

  /** Writes every table the report reads, and the run manifest, as of the fixture's day. */
  public static void write(SparkSession spark, String output, boolean flags) {
    ReportInput in = ReportFixture.input(flags);
    LocalDate asOf = in.asOf();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ReportInput.Conversion c : in.conversion()) {
      rows.add(
          row(
              "grain",
              c.grain(),
              "cohort_start",
              Date.valueOf(c.cohortStart()),
              "stage",
              c.stage(),
              "next_stage",
              c.nextStage(),
              "dimension",
              c.dimension(),
              "dimension_value",
              c.dimensionValue(),
              "entered",
              c.entered(),
              "converted",
              c.converted(),
              "won",
              0L,
              "lost",
              0L,
              "open",
              c.entered() - c.converted(),
              "conversion_rate",
              c.conversionRate(),
              "mature",
              c.mature()));
    }
    table(spark, output, Schemas.STAGE_CONVERSION, asOf, rows, List.of());
    rows = new ArrayList<>();
    for (ReportInput.Time t : in.times()) {
      rows.add(
          row(
              "grain",
              t.grain(),
              "cohort_start",
              Date.valueOf(t.cohortStart()),
              "stage",
              t.stage(),
              "dimension",
              t.dimension(),
              "dimension_value",
              t.dimensionValue(),
              "visits",
              t.visits(),
              "closed",
              t.visits() - t.open(),
              "open",
              t.open(),
              "km_p50_hours",
              t.kmP50Hours(),
              "km_p90_hours",
              t.kmP90Hours()));
    }
    table(spark, output, Schemas.TIME_IN_STAGE, asOf, rows, List.of());
    rows = new ArrayList<>();
    for (ReportInput.Revenue r : in.revenue()) {
      rows.add(
          row(
              "grain",
              r.grain(),
              "cohort_start",
              Date.valueOf(r.cohortStart()),
              "stage",
              r.stage(),
              "dimension",
              "(all)",
              "dimension_value",
              "(all)",
              "entered",
              r.entered(),
              "won",
              r.won(),
              "won_amount",
              r.wonAmount(),
              "win_rate",
              (double) r.won() / r.entered(),
              "revenue_per_lead",
              r.revenuePerLead(),
              "mature",
              r.mature()));
    }
    table(spark, output, Schemas.REVENUE_CONVERSION, asOf, rows, List.of());
    rows = new ArrayList<>();
    for (ReportInput.Sla s : in.sla()) {
      rows.add(
          row(
              "sla",
              s.sla(),
              "grain",
              s.grain(),
              "period_start",
              Date.valueOf(s.periodStart()),
              "dimension",
              s.dimension(),
              "dimension_value",
              s.dimensionValue(),
              "entered",
              s.entered(),
              "met",
              s.met(),
              "breached",
              s.breached(),
              "pending",
              s.pending(),
              "compliance_rate",
              s.complianceRate()));
    }
    table(spark, output, Schemas.SLA_COMPLIANCE, asOf, rows, List.of());
    rows = new ArrayList<>();
    for (ReportFixture.Breach b : ReportFixture.breaches()) {
      rows.add(
          row(
              "sla",
              b.sla(),
              "lead_id",
              b.leadId(),
              "entered_at",
              Timestamp.from(b.enteredAt()),
              "worked_at",
              b.workedAt() == null ? null : Timestamp.from(b.workedAt()),
              "response_hours",
              b.hours(),
              "within_hours",
              24.0,
              "owner",
              b.owner(),
              "source",
              "organic"));
    }
    table(spark, output, Schemas.SLA_BREACHES, asOf, rows, List.of("source", "owner"));
    rows = new ArrayList<>();
    for (ReportInput.Target t : in.targets()) {
      rows.add(
          row(
              "target",
              t.target(),
              "stage",
              t.stage(),
              "kind",
              t.kind(),
              "currency",
              t.currency(),
              "period_start",
              Date.valueOf(t.periodStart()),
              "goal",
              t.goal(),
              "actual",
              t.actual(),
              "attainment",
              t.actual() / t.goal(),
              "complete",
              t.complete(),
              "elapsed_fraction",
              t.elapsedFraction(),
              "projected",
              t.projected(),
              "on_track",
              t.onTrack()));
    }
    table(spark, output, Schemas.TARGETS, asOf, rows, List.of());
    table(spark, output, "anomalies", asOf, checks(in.anomalies()), List.of());
    table(spark, output, "anomaly_checks", asOf, checks(in.checks()), List.of());
    RunManifest.write(
        spark.sparkContext().hadoopConfiguration(),
        output,
        asOf,
        Map.of("funnel", "fixture-b2b", "as_of", asOf.toString()));
  }

  private static List<Map<String, Object>> checks(List<ReportInput.Check> checks) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ReportInput.Check c : checks) {
      rows.add(
          row(
              "kind",
              c.kind(),
              "severity",
              c.severity(),
              "grain",
              c.grain(),
              "period_start",
              Date.valueOf(c.periodStart()),
              "stage",
              c.stage(),
              "dimension",
              c.dimension(),
              "dimension_value",
              c.dimensionValue(),
              "metric",
              c.metric(),
              "observed",
              c.observed(),
              "expected",
              c.expected(),
              "lower",
              c.lower(),
              "upper",
              c.upper(),
              "n",
              c.n(),
              "p_value",
              c.pValue(),
              "q_value",
              c.qValue(),
              "detectable_effect",
              c.detectableEffect(),
              "first_flagged",
              c.firstFlagged() == null ? null : Date.valueOf(c.firstFlagged()),
              "flagged",
              c.flagged(),
              "message",
              c.message()));
    }
    return rows;
  }

  private static Map<String, Object> row(Object... pairs) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      row.put((String) pairs[i], pairs[i + 1]);
    }
    return row;
  }

  /** Writes rows (by column name; as_of added) in the table's declared schema. */
  private static void table(
      SparkSession spark,
      String output,
      String table,
      LocalDate asOf,
      List<Map<String, Object>> rows,
      List<String> dimensions) {
    StructType schema = Schemas.load(table, dimensions);
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> values : rows) {
      Object[] cells = new Object[schema.fields().length];
      for (int i = 0; i < cells.length; i++) {
        StructField f = schema.fields()[i];
        cells[i] = f.name().equals("as_of") ? Date.valueOf(asOf) : values.get(f.name());
        if (cells[i] == null && !f.nullable()) {
          throw new IllegalArgumentException(table + "." + f.name() + " is not nullable");
        }
      }
      out.add(RowFactory.create(cells));
    }
    Path partition = TablePublisher.partition(new Path(output), table, asOf);
    spark.createDataFrame(out, schema).coalesce(1).write().parquet(partition.toString());
  }
}
