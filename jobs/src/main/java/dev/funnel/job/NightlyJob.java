package dev.funnel.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.funnel.anomaly.Check;
import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.EventSource;
import dev.funnel.io.OutputLock;
import dev.funnel.io.RunManifest;
import dev.funnel.io.Schemas;
import dev.funnel.io.TablePublisher;
import dev.funnel.spark.AnomalyTables;
import dev.funnel.spark.Conform;
import dev.funnel.spark.ConversionCells;
import dev.funnel.spark.EventCleaning;
import dev.funnel.spark.LeadHistories;
import dev.funnel.spark.RevenueConversionTable;
import dev.funnel.spark.SlaTables;
import dev.funnel.spark.StageConversionTable;
import dev.funnel.spark.StageVisitsTable;
import dev.funnel.spark.TargetsTable;
import dev.funnel.spark.TimeInStageTable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The nightly job: reads stage events as of a day, cleans them, derives each lead's history in one
 * pass, and publishes stage_visits, stage_conversion, time_in_stage and rejected_events with a run
 * manifest. Either every table of the run is published or none is.
 */
public final class NightlyJob {
  private final SparkSession spark;
  private final FunnelConfig config;

  /** A job for one funnel on the given session. */
  public NightlyJob(SparkSession spark, FunnelConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Runs the job for one as-of day while holding the output lock; first finishes or discards what a
   * crashed run left behind.
   */
  public RunResult run(RunRequest request) {
    String runId = request.asOf() + "_" + UUID.randomUUID();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (OutputLock lock =
        OutputLock.acquire(hadoop, request.output(), runId, request.lockWait())) {
      TablePublisher.recover(hadoop, request.output());
      return runLocked(request, runId, lock);
    }
  }

  private RunResult runLocked(RunRequest request, String runId, OutputLock lock) {
    long started = System.nanoTime();
    Progress progress = new Progress();
    FunnelCalendar calendar = new FunnelCalendar(config.zone());
    Instant asOf = calendar.asOfInstant(request.asOf());

    EventSource.Input input = EventSource.read(spark, request.input(), config);
    long rowsRead = input.footerRows();
    progress.done("validate input", rowsRead);
    Dataset<Row> classified = EventCleaning.classify(input.rows(), config, asOf);

    int partitions = partitions(rowsRead);
    Dataset<Row> leads =
        LeadHistories.visitFacts(
                EventCleaning.candidates(classified, config), config, asOf, partitions)
            .persist(StorageLevel.MEMORY_AND_DISK());
    TablePublisher publisher = new TablePublisher(spark, request.output(), request.asOf(), runId);
    try {
      Row totals =
          leads
              .agg(
                  sum(when(col("lead_events").gt(0), lit(1L)).otherwise(lit(0L))),
                  sum(col("lead_events")),
                  sum(col("lead_duplicates")))
              .first();
      long leadCount = totals.isNullAt(0) ? 0 : totals.getLong(0);
      long accepted = totals.isNullAt(1) ? 0 : totals.getLong(1);
      long duplicates = totals.isNullAt(2) ? 0 : totals.getLong(2);
      progress.done("lead pass", leadCount);

      // Writing rejected_events scans the input once more; every row's class is counted in that
      // same scan, which the accounting then checks against the footers and the lead pass.
      Observation observation = new Observation("row_classes");
      Dataset<Row> rejected =
          Conform.toSchema(
              EventCleaning.rejected(EventCleaning.observeClasses(classified, observation))
                  .withColumn("as_of", lit(java.sql.Date.valueOf(request.asOf()))),
              Schemas.load(Schemas.REJECTED_EVENTS, config.dimensions()));
      long rejectedRows = publisher.stage(Schemas.REJECTED_EVENTS, rejected, 1);
      progress.done(Schemas.REJECTED_EVENTS, rejectedRows);
      Map<String, Long> classes = EventCleaning.classCounts(observation);
      checkAccounting(rowsRead, classes, accepted, duplicates, rejectedRows);
      progress.done(
          Schemas.STAGE_VISITS,
          publisher.stage(
              Schemas.STAGE_VISITS, StageVisitsTable.build(leads, config, request.asOf()), 0));
      Dataset<Row> conversionCounts =
          ConversionCells.aggregate(leads, config).persist(StorageLevel.MEMORY_AND_DISK());
      progress.done(
          Schemas.STAGE_CONVERSION,
          publisher.stage(
              Schemas.STAGE_CONVERSION,
              StageConversionTable.build(conversionCounts, config, request.asOf(), asOf),
              1));
      progress.done(
          Schemas.TIME_IN_STAGE,
          publisher.stage(
              Schemas.TIME_IN_STAGE,
              TimeInStageTable.build(leads, config, request.asOf(), partitions),
              1));
      if (!request.coreOnly()) {
        progress.done(
            Schemas.REVENUE_CONVERSION,
            publisher.stage(
                Schemas.REVENUE_CONVERSION,
                RevenueConversionTable.build(conversionCounts, config, request.asOf(), asOf),
                1));
        progress.done(
            Schemas.SLA_COMPLIANCE,
            publisher.stage(
                Schemas.SLA_COMPLIANCE, SlaTables.compliance(leads, config, request.asOf()), 1));
        progress.done(
            Schemas.SLA_BREACHES,
            publisher.stage(
                Schemas.SLA_BREACHES, SlaTables.breaches(leads, config, request.asOf()), 1));
        progress.done(
            Schemas.TARGETS,
            publisher.stage(
                Schemas.TARGETS,
                TargetsTable.build(spark, leads, config, request.asOf(), asOf),
                1));
        List<Check> checks =
            AnomalyTables.judge(spark, leads, config, request.asOf(), asOf, request.output());
        progress.done(
            Schemas.ANOMALY_CHECKS,
            publisher.stage(
                Schemas.ANOMALY_CHECKS, AnomalyTables.checks(spark, checks, request.asOf()), 1));
        progress.done(
            Schemas.ANOMALIES,
            publisher.stage(
                Schemas.ANOMALIES, AnomalyTables.anomalies(spark, checks, request.asOf()), 1));
      }
      conversionCounts.unpersist();

      RunResult result =
          new RunResult(
              asOf,
              rowsRead,
              accepted,
              duplicates,
              classes.get(EventCleaning.REJECTED),
              classes.get(EventCleaning.AFTER_AS_OF),
              leadCount,
              publisher.rowCounts(),
              (System.nanoTime() - started) / 1e9);
      if (!result.accountingHolds()) {
        throw new IllegalStateException("row accounting does not hold: " + result);
      }
      lock.verifyHeld(); // a run whose lease ran out must not publish over its successor
      publisher.publish();
      RunManifest.write(
          spark.sparkContext().hadoopConfiguration(),
          request.output(),
          request.asOf(),
          manifest(request, runId, result, input.files()));
      progress.done("publish");
      return result;
    } catch (RuntimeException e) {
      publisher.abandon();
      throw e;
    } finally {
      leads.unpersist();
    }
  }

  /**
   * The row accounting: the footers' row count is the sum of the classes counted in the scan, the
   * candidates are exactly the accepted events plus their duplicates, and every row classified as
   * rejected was written.
   */
  static void checkAccounting(
      long footerRows, Map<String, Long> classes, long accepted, long duplicates, long written) {
    long rejected = classes.get(EventCleaning.REJECTED);
    long afterAsOf = classes.get(EventCleaning.AFTER_AS_OF);
    long candidates = classes.get(EventCleaning.CANDIDATE);
    if (footerRows != rejected + afterAsOf + candidates
        || candidates != accepted + duplicates
        || written != rejected) {
      throw new IllegalStateException(
          String.format(
              "row accounting failed: %d rows in the files, classified %d rejected (%d written)"
                  + " + %d after as-of + %d candidates = %d accepted + %d duplicates",
              footerRows, rejected, written, afterAsOf, candidates, accepted, duplicates));
    }
  }

  private Map<String, Object> manifest(
      RunRequest request,
      String runId,
      RunResult result,
      java.util.List<dev.funnel.io.InputFile> inputFiles) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("funnel", config.name());
    m.put("as_of", request.asOf().toString());
    m.put("as_of_instant", result.asOfInstant().toString());
    m.put("run_id", runId);
    m.put("input", request.input());
    m.put("core_only", request.coreOnly());
    m.put("rows_read", result.rowsRead());
    m.put("accepted", result.accepted());
    m.put("duplicates", result.duplicates());
    m.put("rejected", result.rejected());
    m.put("after_as_of", result.afterAsOf());
    m.put("accounting_holds", result.accountingHolds());
    m.put("leads", result.leads());
    m.put("tables", new LinkedHashMap<>(result.tableRows()));
    m.put("seconds", Math.round(result.seconds() * 10) / 10.0);
    m.put("finished_at", Instant.now().toString());
    // What this run read, so that a later backfill --changed-since finds the days to re-run.
    m.put("input_files", inputFiles.stream().map(dev.funnel.io.InputFile::toManifest).toList());
    return m;
  }

  /**
   * Shuffle partitions for the event data: about a million rows each (bounded task memory), in
   * whole waves of the cluster's parallelism so that no core idles in the last wave.
   */
  private int partitions(long rows) {
    int parallelism = spark.sparkContext().defaultParallelism();
    long waves =
        Math.max(1, (rows + (long) parallelism * 1_000_000 - 1) / ((long) parallelism * 1_000_000));
    return (int) Math.min(waves * parallelism, 4000);
  }
}
