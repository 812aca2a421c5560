package dev.funnel.cli;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.OutputFormat;
import dev.funnel.evaluate.CaseMetrics;
import dev.funnel.evaluate.EvaluationCase;
import dev.funnel.evaluate.EvaluationPlan;
import dev.funnel.evaluate.Flag;
import dev.funnel.evaluate.Injection;
import dev.funnel.evaluate.Report;
import dev.funnel.evaluate.ResultsTable;
import dev.funnel.evaluate.SeedRun;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.generate.InjectedAnomaly;
import dev.funnel.generate.Scenario;
import dev.funnel.io.PublishedTable;
import dev.funnel.io.Schemas;
import dev.funnel.io.TableStore;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.spark.FunnelSpark;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: measures the anomaly phase on generated data with injected anomalies of known
 * truth, over many seeds, and prints recall, detection delay, precision and false flags.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the anomaly phase: for each kind, over many seeds, generate the scenario with the",
      "anomaly injected (or nothing, kind null), run the nightly job as of the Mondays 1, 2, 4 and",
      "6 weeks after the onset, and match its anomalies table with the truth. Prints a Markdown",
      "table of recall, detection delay, precision and false flags per weekly report."
    })
public final class EvaluateCommand implements Callable<Integer> {
  /** The table the anomaly phase writes. */
  static final String ANOMALIES = Schemas.ANOMALIES;

  /** Kinds of the quick mode when --kinds is not given. */
  static final List<String> QUICK_KINDS = List.of(EvaluationCase.NULL, "conversion_drop");

  private static final String PROGRESS_LOGGER = "dev.funnel.progress";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--scenario",
      defaultValue = "standard",
      description = "standard or long_cycle (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--kinds",
      split = ",",
      description =
          "Kinds to evaluate: null (nothing injected), conversion_drop, conversion_rise, slowdown,"
              + " volume_cut (long_cycle: null, conversion_drop). Default: all of the scenario's"
              + " (--quick: null,conversion_drop).")
  List<String> kinds;

  @Option(names = "--seeds", description = "Seeds per kind (default: 20; --quick: 2).")
  Integer seeds;

  @Option(
      names = "--first-seed",
      defaultValue = "1",
      description = "The first seed; kinds share seeds (default: ${DEFAULT-VALUE}).")
  long firstSeed;

  @Option(
      names = "--output",
      defaultValue = "evaluate-output",
      description =
          "Scratch folder for generated data and run outputs; each seed's folder is replaced and"
              + " deleted after it is measured unless --keep (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--results", description = "Also write the Markdown results to this file.")
  Path results;

  @Option(
      names = "--quick",
      description = "A small run for CI: 2 seeds of null and conversion_drop unless told.")
  boolean quick;

  @Option(names = "--keep", description = "Keep each seed's data and tables in --output.")
  boolean keep;

  @Option(names = "--master", description = "Spark master (default: local[*]).")
  String master;

  @Override
  public Integer call() throws IOException {
    Scenario preset = parse(() -> Scenario.parse(scenario));
    List<EvaluationCase> cases = parse(this::cases);
    int seedCount = seeds != null ? seeds : quick ? 2 : 20;
    if (seedCount < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--seeds " + seedCount + " must be at least 1");
    }
    if (!LoggerFactory.getLogger("dev.funnel").isDebugEnabled()) {
      // Dozens of nightly runs: their per-phase progress lines would bury the evaluation's own.
      Configurator.setLevel(PROGRESS_LOGGER, Level.WARN);
    }
    Files.createDirectories(output);
    Path configFile = output.resolve(preset.label() + ".yaml");
    Files.writeString(configFile, builtInConfig(preset));
    FunnelConfig funnel = ConfigLoader.load(configFile);
    EvaluationPlan plan =
        new EvaluationPlan(
            preset, EvaluationPlan.START, funnel.conversionWindowDays(), EvaluationPlan.DELAYS);
    LocalDate end = preset.spec(plan.start(), firstSeed).end();
    if (plan.asOf(plan.injectionWeeks()).isAfter(end)) {
      throw new IllegalStateException(
          "the last report " + plan.asOf(plan.injectionWeeks()) + " is after the data ends " + end);
    }
    System.err.printf(
        "evaluate: %s, onset %s, reports as of %s, %d seeds of %s%n",
        preset.label(),
        plan.onset(),
        plan.delays().stream().map(plan::asOf).toList(),
        seedCount,
        cases.stream().map(EvaluationCase::kind).toList());
    SparkSession spark =
        FunnelSpark.builder("funnel-evaluate", master, funnel.outputFormat())
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
    List<CaseMetrics> measured = new ArrayList<>();
    try {
      NightlyJob job = new NightlyJob(spark, funnel);
      for (EvaluationCase evaluationCase : cases) {
        List<SeedRun> runs = new ArrayList<>();
        for (int i = 0; i < seedCount; i++) {
          long seed = firstSeed + i;
          long started = System.nanoTime();
          SeedRun run = runSeed(spark, job, plan, evaluationCase, seed);
          runs.add(run);
          OptionalInt found = run.firstHitWeeks();
          System.err.printf(
              "evaluate: %s %s seed %d (%d/%d): %s, %d other flags in %d reports (%.0f s)%n",
              preset.label(),
              evaluationCase.kind(),
              seed,
              i + 1,
              seedCount,
              !evaluationCase.injects()
                  ? "nothing injected"
                  : found.isPresent() ? "found after " + found.getAsInt() + " weeks" : "not found",
              run.unexplainedFlags(),
              run.reports().size(),
              (System.nanoTime() - started) / 1e9);
        }
        measured.add(new CaseMetrics(evaluationCase, runs));
      }
    } finally {
      spark.stop();
    }
    String markdown = ResultsTable.markdown(commandLine(), plan.delays(), measured);
    System.out.print(markdown);
    if (results != null) {
      Path parent = results.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(results, markdown);
    }
    return ExitCodes.OK;
  }

  private SeedRun runSeed(
      SparkSession spark,
      NightlyJob job,
      EvaluationPlan plan,
      EvaluationCase evaluationCase,
      long seed)
      throws IOException {
    Path dir =
        output.resolve(
            String.format(
                Locale.ROOT,
                "%s/%s/seed-%03d",
                plan.scenario().label(),
                evaluationCase.kind(),
                seed));
    // Runs read earlier runs' anomalies of the same output, so a seed always starts afresh.
    delete(dir);
    String input = dir.resolve("input").toAbsolutePath().toString();
    String tables = dir.resolve("tables").toAbsolutePath().toString();
    InjectedAnomaly anomaly = evaluationCase.anomaly(plan.onset(), plan.injectionWeeks());
    GeneratorSpec generatorSpec =
        plan.scenario()
            .spec(plan.start(), seed)
            .withAnomalies(anomaly == null ? List.of() : List.of(anomaly));
    EventGenerator.generate(spark, generatorSpec, input);
    List<Report> reports = new ArrayList<>();
    for (int weeks : plan.delays()) {
      LocalDate asOf = plan.asOf(weeks);
      job.run(new RunRequest(input, tables, asOf));
      reports.add(
          new Report(weeks, asOf, flags(TableStore.of(spark, tables, job.outputFormat()), asOf)));
    }
    if (!keep) {
      delete(dir);
    }
    return new SeedRun(seed, anomaly == null ? null : Injection.of(anomaly), reports);
  }

  /** {@link #flags(TableStore, LocalDate)} of a Parquet output (evaluate's own). */
  static List<Flag> flags(SparkSession spark, String tables, LocalDate asOf) {
    return flags(TableStore.of(spark, tables, OutputFormat.PARQUET), asOf);
  }

  /** Every row of a run's anomalies table, read with the declared schema, by column name. */
  static List<Flag> flags(TableStore tables, LocalDate asOf) {
    if (!PublishedTable.exists(tables, ANOMALIES, asOf)) {
      throw new IllegalStateException(
          "the run wrote no anomalies table ("
              + tables.location(ANOMALIES, asOf)
              + " is missing): the nightly job has no anomaly phase to evaluate");
    }
    List<Row> rows =
        PublishedTable.read(tables, ANOMALIES, asOf)
            .select("kind", "severity", "stage", "dimension", "dimension_value", "period_start")
            .collectAsList();
    List<Flag> flags = new ArrayList<>(rows.size());
    for (Row row : rows) {
      java.sql.Date week = row.getAs("period_start");
      flags.add(
          new Flag(
              asOf,
              row.getAs("kind"),
              row.getAs("severity"),
              row.getAs("stage"),
              row.getAs("dimension"),
              row.getAs("dimension_value"),
              week == null ? null : week.toLocalDate()));
    }
    return flags;
  }

  List<EvaluationCase> cases() {
    Scenario preset = Scenario.parse(scenario);
    List<String> wanted = kinds != null ? kinds : quick ? QUICK_KINDS : null;
    if (wanted == null) {
      return EvaluationCase.catalog(preset);
    }
    List<EvaluationCase> cases = new ArrayList<>();
    for (String kind : wanted) {
      EvaluationCase found = EvaluationCase.find(preset, kind);
      if (cases.contains(found)) {
        throw new IllegalArgumentException("kind '" + kind + "' is given twice");
      }
      cases.add(found);
    }
    return cases;
  }

  /**
   * The command as typed, for the results: {@code java -jar jobs/target/funnel.jar evaluate ...}.
   */
  String commandLine() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    StringBuilder line = new StringBuilder("java -jar jobs/target/funnel.jar");
    // Through funnel's entry point the arguments start with (or include) the command's name.
    if (!args.contains(spec.name())) {
      line.append(' ').append(spec.name());
    }
    for (String arg : args) {
      line.append(' ').append(quote(arg));
    }
    return line.toString();
  }

  private static String quote(String arg) {
    if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_./=:,+@%-]+")) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private <T> T parse(java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  static String builtInConfig(Scenario scenario) {
    String resource = EvaluationPlan.configResource(scenario);
    try (InputStream in = EvaluateCommand.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
