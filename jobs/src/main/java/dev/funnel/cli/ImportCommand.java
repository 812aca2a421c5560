package dev.funnel.cli;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.ImportConfig;
import dev.funnel.config.ImportSection;
import dev.funnel.io.CsvImport;
import dev.funnel.report.ImportSummary;
import dev.funnel.spark.FunnelSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code import}: a CRM's CSV export in, canonical stage events out (Parquet, ready for run). */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Import CSV stage histories (long or wide exports) as stage events, as the configuration's"
            + " import section says.")
public final class ImportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      description = "Funnel configuration (YAML) with an import section.")
  Path config;

  @Option(
      names = "--input",
      required = true,
      arity = "1..*",
      description = "CSV files, or folders whose .csv files are read (repeatable).")
  List<String> inputs;

  @Option(
      names = "--output",
      required = true,
      description = "Folder for the stage events (Parquet); rejected rows go to its _rejected/.")
  String output;

  @Option(
      names = "--master",
      description = "Spark master (default: spark.master if set, else local[*]).")
  String master;

  @Override
  public Integer call() {
    FunnelConfig funnel = ConfigLoader.load(config);
    ImportConfig settings = ImportSection.load(config, funnel);
    SparkSession spark =
        FunnelSpark.builder("funnel-import " + funnel.name(), master).getOrCreate();
    try {
      if (!CsvImport.mayWrite(output, spark.sparkContext().hadoopConfiguration())) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--output "
                + output
                + " exists and is not an earlier import (no _rejected/ folder in it); choose a new"
                + " or empty folder");
      }
      CsvImport.Result result = new CsvImport(spark, funnel, settings).run(inputs, output);
      ImportSummary.print(result, System.out);
      return ExitCodes.OK;
    } finally {
      spark.stop();
    }
  }
}
