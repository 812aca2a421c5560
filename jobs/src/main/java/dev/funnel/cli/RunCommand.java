package dev.funnel.cli;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.ConfigSource;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import dev.funnel.report.RunSummary;
import dev.funnel.spark.FunnelSpark;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the nightly job for one as-of day. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the nightly job: publish the funnel tables as of a day.")
public final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      description = "Funnel configuration (YAML; a path or a file system URI such as hdfs://...).")
  String config;

  @Option(names = "--input", required = true, description = "Directory of Parquet stage events.")
  String input;

  @Option(names = "--output", required = true, description = "Root directory of output tables.")
  String output;

  @Option(
      names = "--as-of",
      description =
          "Use data known through the end of this day (YYYY-MM-DD, funnel time zone; default:"
              + " yesterday in the funnel's time zone, the nightly run).")
  LocalDate asOf;

  @Option(
      names = "--wait-for-lock",
      defaultValue = "0",
      description =
          "Seconds to wait while another run holds the output, then refuse (default: ${DEFAULT-VALUE}).")
  long waitForLockSeconds;

  @Option(
      names = "--core-only",
      description =
          "Write only stage_visits, stage_conversion, time_in_stage and rejected_events"
              + " (no SLA, target or revenue tables).")
  boolean coreOnly;

  @Option(
      names = "--report",
      description =
          "After the tables, write the weekly report of the as-of's week under OUTPUT/reports/.")
  boolean report;

  @Option(
      names = "--master",
      description = "Spark master (default: spark.master if set, else local[*]).")
  String master;

  @Override
  public Integer call() {
    FunnelConfig funnel = ConfigSource.load(new Configuration(), config);
    LocalDate asOf =
        this.asOf != null
            ? this.asOf
            : new FunnelCalendar(funnel.zone()).yesterday(java.time.Instant.now());
    SparkSession spark =
        FunnelSpark.builder("funnel-run " + funnel.name(), master, funnel.outputFormat())
            .getOrCreate();
    try {
      RunRequest request =
          new RunRequest(
              input, output, asOf, java.time.Duration.ofSeconds(waitForLockSeconds), coreOnly);
      RunResult result = new NightlyJob(spark, funnel).run(request);
      dev.funnel.io.ConfigSource.keep(spark.sparkContext().hadoopConfiguration(), config, output);
      RunSummary.print(spark, funnel, request, result, System.out);
      if (report) {
        dev.funnel.report.WeeklyReports.Written written =
            ReportCommand.write(spark, funnel, output, dev.funnel.report.ReportWeek.of(asOf));
        System.out.println("Report " + written.report().subject() + ": " + written.files().html());
      }
      return ExitCodes.OK;
    } finally {
      spark.stop();
    }
  }
}
