package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.generate.GeneratorSpec;
import dev.funnel.generate.Timing;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code generate}'s options make a spec; no Spark session is built. */
class GenerateCommandTest {
  private static GeneratorSpec spec(String... args) {
    GenerateCommand command = new GenerateCommand();
    new CommandLine(command).parseArgs(args);
    return command.spec();
  }

  @Test
  void withoutTheNewOptionsTheSpecIsTheOldOne() {
    GeneratorSpec spec =
        spec(
            "--output",
            "x",
            "--leads",
            "100",
            "--start",
            "2025-01-01",
            "--months",
            "3",
            "--seed",
            "7");
    assertEquals(GeneratorSpec.of(100, LocalDate.of(2025, 1, 1), 3, 7), spec);
    assertEquals(0.0, spec.weeklyVariation());
    assertEquals(Timing.STANDARD, spec.timing());
  }

  @Test
  void aScenarioGivesLeadsMonthsVariationAndTimingAndOptionsOverrideThem() {
    GeneratorSpec standard =
        spec("--output", "x", "--scenario", "standard", "--start", "2025-01-06", "--seed", "1");
    // 500 leads a week over 365 days.
    assertEquals(26_071, standard.leads());
    assertEquals(12, standard.months());
    assertEquals(0.06, standard.weeklyVariation());
    GeneratorSpec longCycle =
        spec(
            "--output",
            "x",
            "--scenario",
            "long_cycle",
            "--start",
            "2025-01-06",
            "--seed",
            "1",
            "--months",
            "6",
            "--weekly-variation",
            "0.1");
    // 300 leads a week over the 181 days to 2025-07-06.
    assertEquals(Math.round(300 * 181 / 7.0), longCycle.leads());
    assertEquals(6, longCycle.months());
    assertEquals(0.1, longCycle.weeklyVariation());
    assertEquals(Timing.LONG_CYCLE, longCycle.timing());
    GeneratorSpec varied =
        spec(
            "--output",
            "x",
            "--leads",
            "100",
            "--start",
            "2025-01-01",
            "--months",
            "3",
            "--seed",
            "7",
            "--weekly-variation",
            "0.06");
    assertEquals(0.06, varied.weeklyVariation());
  }

  @Test
  void missingLeadsWithoutAScenarioOrABadScenarioAreUsageErrors() {
    CommandLine.ParameterException missing =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> spec("--output", "x", "--start", "2025-01-01", "--months", "3", "--seed", "7"));
    assertTrue(
        missing.getMessage().contains("'--leads' (or give --scenario)"), missing.getMessage());
    CommandLine.ParameterException bad =
        assertThrows(
            CommandLine.ParameterException.class,
            () ->
                spec("--output", "x", "--scenario", "b2c", "--start", "2025-01-01", "--seed", "7"));
    assertTrue(bad.getMessage().contains("scenario 'b2c' is not one of"), bad.getMessage());
    assertEquals(
        ExitCodes.USAGE,
        FunnelMain.execute("generate", "--output", "x", "--start", "2025-01-01", "--seed", "7"));
  }
}
