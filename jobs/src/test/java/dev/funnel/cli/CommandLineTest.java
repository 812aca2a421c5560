package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.Events;
import dev.funnel.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line errors of the command line. */
class CommandLineTest {
  @TempDir Path tmp;

  private static final String CONFIG =
      "name: t\ntimezone: Europe/Berlin\nstages: [lead, mql, won]\nlost_stages: [lost]\n"
          + "conversion_window_days: 30\ndimensions: [source]\n";

  /** Runs in this JVM; only for paths that fail before a Spark session is built. */
  private static Object[] inProcess(String... args) {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = FunnelMain.execute(args);
      return new Object[] {code, err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(originalErr);
    }
  }

  @Test
  void missingCommandAndUnknownOptionAreUsageErrors() {
    assertEquals(2, inProcess()[0]);
    assertEquals(2, inProcess("run", "--bogus")[0]);
    assertEquals(0, inProcess("run", "--help")[0]);
  }

  /** Every command's help is formatted cleanly (a bare % in a description makes picocli warn). */
  @Test
  void everyHelpFormatsWithoutWarnings() {
    PrintStream originalOut = System.out;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      for (String command :
          new String[] {"generate", "run", "demo", "evaluate", "import", "report", "backfill"}) {
        Object[] result = inProcess(command, "--help");
        assertEquals(0, result[0], command);
        assertTrue(!((String) result[1]).contains("WARN"), command + ": " + result[1]);
      }
    } finally {
      System.setOut(originalOut);
    }
  }

  @Test
  void badConfigurationExitsWithTwoAndNamesTheKey() throws Exception {
    Path config = tmp.resolve("bad.yaml");
    Files.writeString(
        config, CONFIG.replace("conversion_window_days: 30", "conversion_window_days: -1"));
    Object[] result =
        inProcess(
            "run",
            "--config",
            config.toString(),
            "--input",
            "x",
            "--output",
            "y",
            "--as-of",
            "2025-01-01");
    assertEquals(2, result[0]);
    String err = (String) result[1];
    assertTrue(
        err.trim().endsWith("error: key 'conversion_window_days' must be positive, found -1"), err);
  }

  @Test
  void badAsOfDateIsAUsageError() {
    Object[] result =
        inProcess(
            "run", "--config", "c.yaml", "--input", "x", "--output", "y", "--as-of", "2025-13-01");
    assertEquals(2, result[0]);
    assertTrue(((String) result[1]).contains("--as-of"), (String) result[1]);
  }

  @Test
  void missingInputExitsWithThreeAndTheRunWorksInAFreshJvm() throws Exception {
    Path config = tmp.resolve("funnel.yaml");
    Files.writeString(config, CONFIG);
    ChildJvm.Result missing =
        ChildJvm.run(
            tmp.resolve("missing"),
            "run",
            "--config",
            config.toString(),
            "--input",
            tmp.resolve("nope").toString(),
            "--output",
            tmp.resolve("out").toString(),
            "--as-of",
            "2025-01-31");
    assertEquals(3, missing.exitCode(), missing.stderr());
    String lastLine = missing.stderr().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(
        lastLine.startsWith("error: input path ") && lastLine.contains("does not exist"), lastLine);
    assertTrue(!missing.stderr().contains("\tat "), "no stack trace without --debug");

    String input =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", null, "web", null)
            .add("L1", "mql", "2025-01-07T10:00:00Z")
            .write(SparkTestSession.get(), tmp);
    ChildJvm.Result ok =
        ChildJvm.run(
            tmp.resolve("ok"),
            "run",
            "--config",
            config.toString(),
            "--input",
            input,
            "--output",
            tmp.resolve("out").toString(),
            "--as-of",
            "2025-01-31");
    assertEquals(0, ok.exitCode(), ok.stderr());
    assertTrue(ok.stdout().contains("Rows read 2 = accepted 2"), ok.stdout());
    assertTrue(Files.exists(tmp.resolve("out/_runs/2025-01-31.json")));
  }
}
