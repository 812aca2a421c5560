package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.evaluate.EvaluationCase;
import dev.funnel.evaluate.Flag;
import dev.funnel.generate.Scenario;
import dev.funnel.generate.SyntheticFunnel;
import dev.funnel.io.Schemas;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code evaluate}'s options, configurations and reading of the anomalies table. */
class EvaluateCommandTest {
  @TempDir Path tmp;

  private static EvaluateCommand parsed(String... args) {
    EvaluateCommand command = new EvaluateCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void kindsDefaultToTheScenariosCatalogAndQuickToTwoKinds() {
    assertEquals(
        List.of("null", "conversion_drop", "conversion_rise", "slowdown", "volume_cut"),
        parsed().cases().stream().map(EvaluationCase::kind).toList());
    assertEquals(
        List.of("null", "conversion_drop"),
        parsed("--quick").cases().stream().map(EvaluationCase::kind).toList());
    assertEquals(
        List.of("conversion_drop"),
        parsed("--scenario", "long_cycle", "--kinds", "conversion_drop").cases().stream()
            .map(c -> c.scenario().label() + "/" + c.kind())
            .map(s -> s.substring(s.indexOf('/') + 1))
            .toList());
    assertEquals(
        "stage=opportunity",
        parsed("--scenario", "long_cycle", "--kinds", "conversion_drop")
            .cases()
            .get(0)
            .anomalyTemplate()
            .split(",")[0]);
  }

  @Test
  void theCommandLineIsRecordedAsTyped() {
    EvaluateCommand command =
        parsed("--seeds", "20", "--kinds", "null,volume_cut", "--results", "my results.md");
    assertEquals(
        "java -jar jobs/target/funnel.jar evaluate --seeds 20 --kinds null,volume_cut"
            + " --results 'my results.md'",
        command.commandLine());
    // Through the entry point, as the jar runs it.
    CommandLine main = new CommandLine(new FunnelMain());
    main.parseArgs("evaluate", "--quick", "--results", "q.md");
    EvaluateCommand sub = main.getSubcommands().get("evaluate").getCommand();
    assertEquals(
        "java -jar jobs/target/funnel.jar evaluate --quick --results q.md", sub.commandLine());
  }

  @Test
  void unknownKindsAndScenariosAreUsageErrorsBeforeSparkStarts() {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(
          ExitCodes.USAGE,
          FunnelMain.execute(
              "evaluate",
              "--scenario",
              "long_cycle",
              "--kinds",
              "slowdown",
              "--output",
              tmp.toString()));
      assertEquals(
          ExitCodes.USAGE,
          FunnelMain.execute("evaluate", "--scenario", "b2c", "--output", tmp.toString()));
      assertEquals(
          ExitCodes.USAGE,
          FunnelMain.execute("evaluate", "--seeds", "0", "--output", tmp.toString()));
    } finally {
      System.setErr(originalErr);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.contains(
            "kind 'slowdown' is not evaluated for scenario long_cycle (one of [null,"
                + " conversion_drop])"),
        text);
    assertTrue(text.contains("scenario 'b2c' is not one of [standard, long_cycle]"), text);
    assertTrue(text.contains("--seeds 0 must be at least 1"), text);
  }

  @Test
  void theBuiltInConfigurationsUseTheGeneratorsFunnelAndTheirWindows() {
    FunnelConfig standard =
        ConfigLoader.parse(EvaluateCommand.builtInConfig(Scenario.STANDARD), "standard.yaml");
    FunnelConfig longCycle =
        ConfigLoader.parse(EvaluateCommand.builtInConfig(Scenario.LONG_CYCLE), "long_cycle.yaml");
    assertEquals(60, standard.conversionWindowDays());
    assertEquals(120, longCycle.conversionWindowDays());
    for (FunnelConfig config : List.of(standard, longCycle)) {
      assertEquals(SyntheticFunnel.DIMENSIONS, config.dimensions());
      assertEquals(SyntheticFunnel.ZONE, config.zone());
      assertEquals("mql_handoff", config.slas().get(0).name());
      assertTrue(config.targets().isEmpty(), "no targets");
    }
  }

  @Test
  void readsTheAnomaliesTableByNameAndFailsClearlyWithoutIt() {
    SparkSession spark = SparkTestSession.get();
    String tables = tmp.resolve("tables").toString();
    LocalDate asOf = LocalDate.of(2025, 5, 26);
    IllegalStateException missing =
        assertThrows(IllegalStateException.class, () -> EvaluateCommand.flags(spark, tables, asOf));
    assertTrue(
        missing.getMessage().startsWith("the run wrote no anomalies table ("),
        missing.getMessage());

    StructType schema = Schemas.load(EvaluateCommand.ANOMALIES);
    Row drop =
        row(
            schema,
            values(
                "as_of", Date.valueOf(asOf),
                "kind", "CONVERSION_DROP",
                "severity", "warning",
                "grain", "week",
                "period_start", Date.valueOf("2025-05-19"),
                "stage", "mql",
                "dimension", "source",
                "dimension_value", "organic",
                "metric", "conversion_rate",
                "n", 90L,
                "message", "MQL conversion fell"));
    Row small =
        row(
            schema,
            values(
                "as_of", Date.valueOf(asOf),
                "kind", "INSUFFICIENT_DATA",
                "severity", "info",
                "grain", "week",
                "period_start", Date.valueOf("2025-05-26"),
                "stage", "won",
                "dimension", "owner",
                "dimension_value", "rep_10",
                "metric", "conversion_rate",
                "n", 4L,
                "message", "too small"));
    spark
        .createDataFrame(List.of(drop, small), schema)
        .write()
        .parquet(tmp.resolve("tables/anomalies/as_of=2025-05-26").toString());
    List<Flag> flags = EvaluateCommand.flags(spark, tables, asOf);
    assertEquals(
        List.of(
            new Flag(
                asOf,
                "CONVERSION_DROP",
                "warning",
                "mql",
                "source",
                "organic",
                LocalDate.of(2025, 5, 19)),
            new Flag(
                asOf,
                "INSUFFICIENT_DATA",
                "info",
                "won",
                "owner",
                "rep_10",
                LocalDate.of(2025, 5, 26))),
        flags.stream().sorted(java.util.Comparator.comparing(Flag::kind)).toList());
  }

  private static Map<String, Object> values(Object... namesAndValues) {
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return values;
  }

  /** A row of {@code schema} from values by column name; columns not given are null. */
  private static Row row(StructType schema, Map<String, Object> values) {
    Map<String, Object> byName = new HashMap<>(values);
    Object[] cells = new Object[schema.size()];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = byName.remove(schema.fields()[i].name());
    }
    assertTrue(byName.isEmpty(), "unknown columns " + byName.keySet());
    return RowFactory.create(cells);
  }
}
