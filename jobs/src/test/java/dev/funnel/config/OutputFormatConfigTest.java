package dev.funnel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.cli.ExitCodes;
import org.junit.jupiter.api.Test;

/** The {@code output_format} key: Parquet by default, delta on request, keyed errors (exit 2). */
class OutputFormatConfigTest {
  private static final String BASE =
      "name: t\ntimezone: Europe/Berlin\nstages: [lead, mql, won]\nlost_stages: [lost]\n"
          + "conversion_window_days: 30\ndimensions: []\n";

  private static OutputFormat parse(String line) {
    return ConfigLoader.parse(BASE + line, "t.yaml").outputFormat();
  }

  private static String error(String line) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(line));
    assertEquals(ExitCodes.USAGE, ExitCodes.of(e));
    return e.getMessage();
  }

  @Test
  void defaultsToParquet() {
    assertEquals(OutputFormat.PARQUET, parse(""));
    assertEquals(OutputFormat.PARQUET, parse("output_format:\n"));
    assertEquals(OutputFormat.PARQUET, parse("output_format: parquet\n"));
  }

  @Test
  void takesDelta() {
    assertEquals(OutputFormat.DELTA, parse("output_format: delta\n"));
    assertEquals(OutputFormat.DELTA, parse("output_format: ' delta '\n"));
  }

  @Test
  void refusesOtherValuesNamingTheKeyAndTheChoices() {
    assertEquals(
        "key 'output_format' must be one of parquet, delta, found 'Delta'",
        error("output_format: Delta\n"));
    assertEquals(
        "key 'output_format' must be one of parquet, delta, found 'orc'",
        error("output_format: orc\n"));
    assertEquals(
        "key 'output_format' must be one of parquet, delta, found 3", error("output_format: 3\n"));
    assertEquals(
        "key 'output_format' must be one of parquet, delta, found array [\"delta\"]",
        error("output_format: [delta]\n"));
  }
}
