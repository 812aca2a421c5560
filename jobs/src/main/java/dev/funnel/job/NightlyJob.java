package dev.funnel.job;

import static dev.funnel.spark.OutputTable.FILE_PER_TASK;
import static dev.funnel.spark.OutputTable.ONE_FILE;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.EventSource;
import dev.funnel.io.OutputLock;
import dev.funnel.io.PartitionRetention;
import dev.funnel.io.RunManifest;
import dev.funnel.io.Schemas;
import dev.funnel.io.TablePublisher;
import dev.funnel.io.TableStore;
import dev.funnel.spark.AnomalyTables;
import dev.funnel.spark.EventCleaning;
import dev.funnel.spark.LeadHistories;
import dev.funnel.spark.OutputTable;
import dev.funnel.spark.RejectedEventsTable;
import dev.funnel.spark.RevenueConversionTable;
import dev.funnel.spark.RunContext;
import dev.funnel.spark.SlaTables;
import dev.funnel.spark.StageConversionTable;
import dev.funnel.spark.StageVisitsTable;
import dev.funnel.spark.TargetsTable;
import dev.funnel.spark.TimeInStageTable;
import dev.funnel.spark.VisitFacts;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The nightly job: reads stage events as of a day, cleans them, derives each lead's {@link
 * VisitFacts visit facts} in one pass, then builds and stages every table of {@link #TABLES} in
 * order from one {@link RunContext}, checks the row accounting and publishes all tables with a run
 * manifest. Either every table of the run is published or none is.
 */
public final class NightlyJob {
  /**
   * The output tables of a run, in the order they are written; {@code --core-only} runs write the
   * {@link OutputTable#core} ones. Adding a table is one {@link OutputTable} and one line here.
   */
  public static final List<OutputTable> TABLES =
      List.of(
          OutputTable.core(Schemas.REJECTED_EVENTS, ONE_FILE, RejectedEventsTable::build),
          OutputTable.core(Schemas.STAGE_VISITS, FILE_PER_TASK, StageVisitsTable::build),
          OutputTable.core(Schemas.STAGE_CONVERSION, ONE_FILE, StageConversionTable::build),
          OutputTable.core(Schemas.TIME_IN_STAGE, ONE_FILE, TimeInStageTable::build),
          OutputTable.full(Schemas.REVENUE_CONVERSION, ONE_FILE, RevenueConversionTable::build),
          OutputTable.full(Schemas.SLA_COMPLIANCE, ONE_FILE, SlaTables::compliance),
          OutputTable.full(Schemas.SLA_BREACHES, ONE_FILE, SlaTables::breaches),
          OutputTable.full(Schemas.TARGETS, ONE_FILE, TargetsTable::build),
          OutputTable.full(Schemas.ANOMALY_CHECKS, ONE_FILE, AnomalyTables::checks),
          OutputTable.full(Schemas.ANOMALIES, ONE_FILE, AnomalyTables::anomalies));

  /** Spark job description of the input validation and the lead pass (tables use their name). */
  static final String LEAD_PASS = "lead pass";

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
      TableStore store = TableStore.of(spark, request.output(), config.outputFormat());
      store.checkLayout(TABLES.stream().map(OutputTable::name).toList());
      TablePublisher.recover(store);
      return runLocked(request, runId, lock, store);
    }
  }

  /** How this job stores its tables (the configuration's {@code output_format}). */
  public dev.funnel.config.OutputFormat outputFormat() {
    return config.outputFormat();
  }

  /** The tables a request writes, in order. */
  static List<OutputTable> tables(RunRequest request) {
    return TABLES.stream().filter(t -> t.core() || !request.coreOnly()).toList();
  }

  private RunResult runLocked(RunRequest request, String runId, OutputLock lock, TableStore store) {
    long started = System.nanoTime();
    Progress progress = new Progress();
    SparkContext sc = spark.sparkContext();
    FunnelCalendar calendar = new FunnelCalendar(config.zone());
    Instant asOf = calendar.asOfInstant(request.asOf());

    sc.setJobDescription("validate input");
    EventSource.Input input = EventSource.read(spark, request.input(), config);
    long rowsRead = input.footerRows();
    progress.done("validate input", rowsRead);
    Dataset<Row> classified = EventCleaning.classify(input.rows(), config, asOf);
    int partitions = PartitionSizing.partitions(rowsRead, sc.defaultParallelism());
    Dataset<Row> facts =
        LeadHistories.visitFacts(
                EventCleaning.candidates(classified, config), config, asOf, partitions)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Observation rowClasses = new Observation("row_classes");
    TablePublisher publisher = new TablePublisher(spark, store, request.asOf(), runId);
    try (RunSettings settings =
            RunSettings.apply(
                spark.conf(), RunSettings.forInput(partitions, sc.defaultParallelism()));
        RunContext run =
            new RunContext(
                spark,
                config,
                request.asOf(),
                request.output(),
                partitions,
                classified,
                rowClasses,
                facts)) {
      sc.setJobDescription(LEAD_PASS);
      LeadHistories.Totals totals = LeadHistories.totals(facts);
      progress.done(LEAD_PASS, totals.leads());
      for (OutputTable table : tables(request)) {
        sc.setJobDescription(table.name());
        progress.done(table.name(), publisher.stage(table.name(), table.build(run), table.files()));
      }
      sc.setJobDescription(null);
      RowAccounting accounting =
          RowAccounting.of(
              rowsRead,
              EventCleaning.classCounts(rowClasses),
              totals.accepted(),
              totals.duplicates(),
              publisher.rowCounts().get(Schemas.REJECTED_EVENTS));
      accounting.check();
      RunResult result =
          new RunResult(
              asOf,
              accounting,
              totals.leads(),
              publisher.rowCounts(),
              (System.nanoTime() - started) / 1e9);
      lock.verifyHeld(); // a run whose lease ran out must not publish over its successor
      publisher.publish();
      progress.done("publish");
      PartitionRetention.apply(
          store, Schemas.STAGE_VISITS, request.asOf(), config.retention().stageVisitsDays());
      progress.done("retention");
      RunManifest.write(
          spark.sparkContext().hadoopConfiguration(),
          request.output(),
          request.asOf(),
          manifest(request, runId, result, progress, input.files()));
      return result;
    } catch (RuntimeException e) {
      publisher.abandon();
      throw e;
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** {@link RowAccounting#check} of the given figures. */
  static void checkAccounting(
      long footerRows, Map<String, Long> classes, long accepted, long duplicates, long written) {
    RowAccounting.of(footerRows, classes, accepted, duplicates, written).check();
  }

  private Map<String, Object> manifest(
      RunRequest request,
      String runId,
      RunResult result,
      Progress progress,
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
    m.put("phases", progress.phases());
    m.put("finished_at", Instant.now().toString());
    // What this run read, so that a later backfill --changed-since finds the days to re-run.
    m.put("input_files", inputFiles.stream().map(dev.funnel.io.InputFile::toManifest).toList());
    return m;
  }
}
