package dev.funnel.cli;

import dev.funnel.config.ConfigException;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.InputException;
import dev.funnel.io.ReportTables;
import dev.funnel.report.ReportMailer;
import dev.funnel.report.ReportWeek;
import dev.funnel.report.WeeklyReports;
import dev.funnel.spark.FunnelSpark;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: the weekly anomaly report of one ISO week, as HTML, Markdown and JSON. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write the weekly report (HTML, Markdown, JSON) under OUTPUT/reports/ from the tables of"
            + " the latest run in the week; optionally mail it.")
public final class ReportCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      description =
          "Funnel configuration (YAML); default: the one the latest run kept in"
              + " OUTPUT/_runs/funnel.yaml.")
  Path config;

  @Option(
      names = "--output",
      required = true,
      description = "Root directory of the output tables; the report goes to OUTPUT/reports/.")
  String output;

  @Option(
      names = "--week",
      converter = WeekConverter.class,
      description =
          "ISO week, e.g. 2026-W48 (default: the last complete week before today in the funnel's"
              + " time zone).")
  ReportWeek week;

  @Option(
      names = "--mail-to",
      split = ",",
      description = "Send the report to these addresses (needs the smtp section).")
  List<String> mailTo;

  @Option(names = "--master", description = "Spark master (default: local[*]).")
  String master;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    FunnelConfig funnel =
        config != null
            ? ConfigLoader.load(config)
            : dev.funnel.io.ConfigSource.kept(
                new org.apache.hadoop.conf.Configuration(), output.toString());
    if (funnel == null) {
      throw ConfigException.of(
          "no --config given and %s has no %s (run keeps its configuration there): pass --config",
          output, dev.funnel.io.ConfigSource.RUN_CONFIG);
    }
    ReportWeek reportWeek =
        week == null ? ReportWeek.lastComplete(Clock.systemUTC(), funnel.zone()) : week;
    List<InternetAddress> recipients = null;
    if (mailTo != null && !mailTo.isEmpty()) {
      if (funnel.smtp() == null) {
        throw ConfigException.of(
            "--mail-to needs an 'smtp' section in the configuration %s",
            config != null ? config : output + "/" + dev.funnel.io.ConfigSource.RUN_CONFIG);
      }
      try {
        recipients = ReportMailer.recipients(String.join(",", mailTo));
      } catch (IllegalArgumentException e) {
        throw ConfigException.of("%s", e.getMessage());
      }
    }
    SparkSession spark =
        FunnelSpark.builder("funnel-report " + funnel.name(), master, funnel.outputFormat())
            .getOrCreate();
    WeeklyReports.Written written;
    try {
      written = write(spark, funnel, output, reportWeek);
    } finally {
      spark.stop();
    }
    System.out.println("Report " + written.report().week() + ": " + written.report().subject());
    System.out.println("  " + written.files().html());
    System.out.println("  " + written.files().markdown());
    System.out.println("  " + written.files().json());
    if (recipients != null) {
      try {
        ReportMailer.send(
            funnel.smtp(),
            System.getenv(),
            recipients,
            written.report(),
            read(written.files().html()),
            read(written.files().markdown()),
            read(written.files().json()));
      } catch (ReportMailer.DeliveryException e) {
        // The files stay written; the error line comes last, as for every failure.
        spec.commandLine().getErr().println("The report files are written; mailing them failed.");
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return ExitCodes.MAIL;
      }
      System.out.println("Mailed to " + String.join(", ", mailTo));
    }
    return ExitCodes.OK;
  }

  /** Parses {@code --week} (YYYY-Www) at parse time, so a bad week is a usage error. */
  static final class WeekConverter implements CommandLine.ITypeConverter<ReportWeek> {
    @Override
    public ReportWeek convert(String value) {
      try {
        return ReportWeek.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /**
   * Writes the report of {@code week} from the latest run in it under {@code output}; throws an
   * {@link InputException} (exit code 3) naming the run it needs when there is none.
   */
  public static WeeklyReports.Written write(
      SparkSession spark, FunnelConfig funnel, String output, ReportWeek week) {
    ReportTables tables = new ReportTables(spark, funnel, output);
    LocalDate asOf =
        tables
            .latestRun(week.monday(), week.sunday())
            .orElseThrow(
                () ->
                    InputException.of(
                        "the report of %s needs a run with --as-of between %s and %s, and there is"
                            + " none under %s (run: funnel run --as-of %s ...)",
                        week.label(), week.monday(), week.sunday(), output, week.sunday()));
    return WeeklyReports.write(
        funnel, week, tables.read(asOf), WeeklyReports.settings(funnel), Path.of(output));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
