package dev.funnel.cli;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.ConfigSource;
import dev.funnel.io.EventSource;
import dev.funnel.io.InputValidator;
import dev.funnel.job.Backfill;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.spark.FunnelSpark;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backfill}: the nightly job for a range of as-of days in one Spark session. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Run the nightly job for each as-of day of a range, oldest first, in one Spark session.",
      "Days whose outputs are complete are skipped unless --force. With --changed-since, exactly"
          + " the days already run whose input files changed since their run are re-run"
          + " (late-arriving data)."
    })
public final class BackfillCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      description = "Funnel configuration (YAML; a path or a file system URI).")
  String config;

  @Option(names = "--input", required = true, description = "Directory of Parquet stage events.")
  String input;

  @Option(names = "--output", required = true, description = "Root directory of output tables.")
  String output;

  @Option(names = "--from", description = "First as-of day (YYYY-MM-DD).")
  LocalDate from;

  @Option(
      names = "--to",
      description = "Last as-of day (YYYY-MM-DD; default: yesterday in the funnel's time zone).")
  LocalDate to;

  @Option(names = "--force", description = "Re-run days whose outputs are already complete.")
  boolean force;

  @Option(
      names = "--changed-since",
      paramLabel = "RUN_DATE",
      description =
          "Instead of --from: consider the as-of days from RUN_DATE on and re-run exactly those"
              + " whose input files changed (added, modified or removed) since their run.")
  LocalDate changedSince;

  @Option(
      names = "--wait-for-lock",
      defaultValue = "0",
      description =
          "Seconds each day waits while another run holds the output, then refuses (default:"
              + " ${DEFAULT-VALUE}).")
  long waitForLockSeconds;

  @Option(
      names = "--core-only",
      description = "Write only stage_visits, stage_conversion, time_in_stage and rejected_events.")
  boolean coreOnly;

  @Option(
      names = "--master",
      description = "Spark master (default: spark.master if set, else local[*]).")
  String master;

  @Override
  public Integer call() {
    if ((from == null) == (changedSince == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give exactly one of --from DATE and --changed-since RUN_DATE");
    }
    if (force && changedSince != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--force and --changed-since do not go together");
    }
    FunnelConfig funnel = ConfigSource.load(new Configuration(), config);
    LocalDate first = from != null ? from : changedSince;
    LocalDate last = to != null ? to : new FunnelCalendar(funnel.zone()).yesterday(Instant.now());
    if (first.isAfter(last)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "the range is empty: " + first + " is after --to " + last);
    }
    SparkSession spark =
        FunnelSpark.builder("funnel-backfill " + funnel.name(), master, funnel.outputFormat())
            .getOrCreate();
    try {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      Backfill backfill = new Backfill(hadoop, funnel, input, output, coreOnly);
      Backfill.Plan plan =
          changedSince == null
              ? backfill.range(first, last, force)
              : backfill.changedSince(
                  first,
                  last,
                  InputValidator.validate(
                          hadoop,
                          input,
                          EventSource.declaredSchema(funnel),
                          EventSource.requiredColumns(funnel))
                      .inputs());
      NightlyJob job = new NightlyJob(spark, funnel);
      Duration wait = Duration.ofSeconds(waitForLockSeconds);
      Backfill.Outcome outcome =
          Backfill.execute(
              plan, day -> job.run(new RunRequest(input, output, day, wait, coreOnly)), System.err);
      System.out.printf(
          "backfill %s..%s: %d day%s run, %d skipped%n",
          first,
          last,
          outcome.ran().size(),
          outcome.ran().size() == 1 ? "" : "s",
          outcome.skipped().size());
      return ExitCodes.OK;
    } finally {
      spark.stop();
    }
  }
}
