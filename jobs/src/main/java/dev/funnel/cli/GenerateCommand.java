package dev.funnel.cli;

import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.generate.InjectedAnomaly;
import dev.funnel.generate.Scenario;
import dev.funnel.generate.Timing;
import dev.funnel.spark.FunnelSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: writes a realistic synthetic stage-event dataset. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Write a synthetic stage-event dataset (Parquet, the input schema) generated in parallel.",
      "About 2.8 events per lead; the same seed gives identical data."
    })
public final class GenerateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--output", required = true, description = "Directory to write (replaced).")
  String output;

  @Option(
      names = "--leads",
      description = "Number of leads (required unless --scenario gives them).")
  Long leads;

  @Option(names = "--start", required = true, description = "First day of lead creation.")
  LocalDate start;

  @Option(
      names = "--months",
      description = "Months of lead creation (required unless --scenario gives them).")
  Integer months;

  @Option(names = "--seed", required = true, description = "Random seed.")
  long seed;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      description = "Output partitions (0: about one per million events).")
  int partitions;

  @Option(
      names = "--anomaly",
      description =
          "Inject an anomaly, e.g. stage=sql,dimension=source,value=paid_search,"
              + "week=2025-03-03,weeks=4,kind=conversion_drop,magnitude=0.5 (repeatable).")
  List<String> anomalies = new ArrayList<>();

  @Option(
      names = "--scenario",
      description =
          "Preset: standard (about 500 leads a week, a year, 6%% weekly variation) or long_cycle"
              + " (about 300 leads a week, a year, median 50 days from creation to won, 6%%)."
              + " --leads, --months and --weekly-variation override its values.")
  String scenario;

  @Option(
      names = "--weekly-variation",
      description =
          "Relative sd of the shared weekly factors of every conversion and of the volume, e.g."
              + " 0.06 (default: the scenario's, else 0 = none).")
  Double weeklyVariation;

  @Option(names = "--master", description = "Spark master (default: local[*]).")
  String master;

  @Override
  public Integer call() {
    GeneratorSpec generatorSpec = spec();
    SparkSession spark = FunnelSpark.builder("funnel-generate", master).getOrCreate();
    try {
      long events = EventGenerator.generate(spark, generatorSpec, output);
      System.out.printf(
          "Generated %,d events for %,d leads in %s (ground truth: %s/%s)%n",
          events, generatorSpec.leads(), output, output, EventGenerator.TRUTH_FILE);
      return ExitCodes.OK;
    } finally {
      spark.stop();
    }
  }

  GeneratorSpec spec() {
    try {
      List<InjectedAnomaly> parsed = new ArrayList<>();
      for (String anomaly : anomalies) {
        parsed.add(InjectedAnomaly.parse(anomaly));
      }
      Scenario preset = scenario == null ? null : Scenario.parse(scenario);
      if (preset == null && (leads == null || months == null)) {
        throw new IllegalArgumentException(
            "Missing required option: '"
                + (leads == null ? "--leads" : "--months")
                + "' (or give --scenario)");
      }
      int monthCount = months != null ? months : preset.months();
      long leadCount = leads != null ? leads : preset.leads(start, monthCount);
      double variation =
          weeklyVariation != null ? weeklyVariation : preset == null ? 0 : preset.weeklyVariation();
      Timing timing = preset == null ? Timing.STANDARD : preset.timing();
      return new GeneratorSpec(
          leadCount, start, monthCount, seed, parsed, partitions, variation, timing);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
