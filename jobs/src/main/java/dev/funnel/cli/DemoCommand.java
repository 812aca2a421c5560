package dev.funnel.cli;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.generate.InjectedAnomaly;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import dev.funnel.report.ReportWeek;
import dev.funnel.report.RunSummary;
import dev.funnel.report.WeeklyReports;
import dev.funnel.spark.FunnelSpark;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: generate a year of realistic data, run the nightly job, print the summary. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Generate a synthetic year of funnel data, run the nightly job on it, summarise.")
public final class DemoCommand implements Callable<Integer> {
  static final LocalDate START = LocalDate.parse("2025-01-01");
  static final int MONTHS = 12;
  static final LocalDate AS_OF = LocalDate.parse("2025-12-17");

  /**
   * The demo's injected anomalies, all still going on at the as-of day so that its run flags them:
   * a conversion drop, a slow stage, a volume drop and a lax gate.
   */
  static final List<String> DEMO_ANOMALIES =
      List.of(
          "stage=mql,dimension=source,value=paid_search,week=2025-11-03,weeks=7,"
              + "kind=conversion_drop,magnitude=0.5",
          "stage=sql,dimension=segment,value=mid_market,week=2025-11-10,weeks=6,"
              + "kind=slowdown,magnitude=0.4",
          "stage=lead,dimension=region,value=apac,week=2025-11-24,weeks=4,"
              + "kind=volume_cut,magnitude=0.5",
          "stage=lead,dimension=owner,value=rep_05,week=2025-11-17,weeks=5,"
              + "kind=conversion_rise,magnitude=0.02");

  @Option(
      names = "--dir",
      defaultValue = "demo-output",
      description =
          "Folder for the demo's input, configuration and tables (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--leads",
      defaultValue = "60000",
      description = "Leads to generate (default: ${DEFAULT-VALUE}, about 170,000 events).")
  long leads;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--master", description = "Spark master (default: local[*]).")
  String master;

  @Override
  public Integer call() throws IOException {
    SparkSession spark = FunnelSpark.builder("funnel-demo", master).getOrCreate();
    try {
      run(spark, dir, leads, seed, System.out);
      return ExitCodes.OK;
    } finally {
      spark.stop();
    }
  }

  /**
   * The demo's steps on a session: {@link #generate} the data, then {@link #runAndReport}. Returns
   * the written report.
   */
  public static WeeklyReports.Written run(
      SparkSession spark, Path dir, long leads, long seed, PrintStream out) throws IOException {
    generate(spark, dir, leads, seed, out);
    return runAndReport(spark, dir, out);
  }

  /**
   * Writes the demo's configuration to {@code dir/funnel.yaml} and its data to {@code dir/input}.
   */
  public static void generate(SparkSession spark, Path dir, long leads, long seed, PrintStream out)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("funnel.yaml"), builtInConfig());
    String input = dir.resolve("input").toAbsolutePath().toString();
    GeneratorSpec spec =
        new GeneratorSpec(
            leads,
            START,
            MONTHS,
            seed,
            DEMO_ANOMALIES.stream().map(InjectedAnomaly::parse).toList(),
            0);
    long events = EventGenerator.generate(spark, spec, input);
    out.printf(
        "Demo: generated %,d events for %,d leads (%s to %s) in %s%n",
        events, leads, START, START.plusMonths(MONTHS).minusDays(1), input);
  }

  /**
   * Runs the nightly job on {@code dir/input} as of {@link #AS_OF} into {@code dir/tables}, prints
   * the summary, writes the weekly report of the as-of's week and prints its path.
   */
  public static WeeklyReports.Written runAndReport(SparkSession spark, Path dir, PrintStream out) {
    Path config = dir.resolve("funnel.yaml");
    FunnelConfig funnel = ConfigLoader.load(config);
    String input = dir.resolve("input").toAbsolutePath().toString();
    String output = dir.resolve("tables").toAbsolutePath().toString();
    RunRequest request = new RunRequest(input, output, AS_OF);
    RunResult result = new NightlyJob(spark, funnel).run(request);
    RunSummary.print(spark, funnel, request, result, out);
    WeeklyReports.Written report = ReportCommand.write(spark, funnel, output, ReportWeek.of(AS_OF));
    out.printf(
        "%nWeekly report %s (%s):%n  %s%n",
        report.report().week(), report.report().subject(), report.files().html());
    out.printf(
        "%nRe-run the nightly job yourself:%n  java -jar jobs/target/funnel.jar run --config %s"
            + " --input %s --output %s --as-of %s --report%n",
        config, input, output, AS_OF);
    return report;
  }

  static String builtInConfig() {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-funnel.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
