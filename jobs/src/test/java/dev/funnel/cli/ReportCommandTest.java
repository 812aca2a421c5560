package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.SparkTestSession;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.InputException;
import dev.funnel.io.ReportTables;
import dev.funnel.report.ReportFixture;
import dev.funnel.report.ReportInput;
import dev.funnel.report.ReportTablesFixture;
import dev.funnel.report.ReportWeek;
import dev.funnel.report.WeeklyReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report} on Parquet tables written in the declared schemas. */
class ReportCommandTest {
  @TempDir Path tmp;

  @Test
  void readsTheTablesOfTheLatestRunInTheWeekByColumnName() {
    SparkSession spark = SparkTestSession.get();
    String output = tmp.resolve("tables").toString();
    ReportTablesFixture.write(spark, output, true);
    FunnelConfig config = ReportFixture.config();
    ReportTables tables = new ReportTables(spark, config, output);
    assertEquals(
        ReportFixture.AS_OF,
        tables.latestRun(ReportFixture.WEEK.monday(), ReportFixture.WEEK.sunday()).orElseThrow());
    assertTrue(
        tables
            .latestRun(
                ReportFixture.WEEK.monday().minusWeeks(1), ReportFixture.WEEK.monday().minusDays(1))
            .isEmpty());
    ReportInput read = tables.read(ReportFixture.AS_OF);
    ReportInput expected = ReportFixture.input(true);
    assertEquals(sorted(expected.anomalies()), sorted(read.anomalies()));
    assertEquals(sorted(expected.checks()), sorted(read.checks()));
    assertEquals(expected.targets().size(), read.targets().size());
    // Breaches are grouped per owner in Spark: entered in November (Europe/Berlin).
    assertEquals(
        List.of(
            new ReportInput.OwnerBreaches("mql_handoff", "ann", 3, 2),
            new ReportInput.OwnerBreaches("mql_handoff", "bob", 1, 0)),
        read.ownerBreaches().stream()
            .sorted(Comparator.comparing(ReportInput.OwnerBreaches::owner))
            .toList());
    assertEquals(
        List.of("L-4", "L-1", "L-2"),
        read.unworked().stream()
            .sorted(Comparator.comparing(ReportInput.Unworked::enteredAt))
            .map(ReportInput.Unworked::leadId)
            .toList());
    assertEquals(
        ReportFixture.HOSTILE,
        read.unworked().stream()
            .filter(u -> u.leadId().equals("L-4"))
            .findFirst()
            .orElseThrow()
            .owner());
    // Weekly and monthly conversion rows of the read window only.
    assertEquals(
        expected.conversion().stream()
            .filter(
                c ->
                    !c.cohortStart().isBefore(ReportFixture.WEEK.monday().minusWeeks(30))
                        || c.grain().equals("month"))
            .count(),
        read.conversion().size());

    WeeklyReports.Written written = ReportCommand.write(spark, config, output, ReportFixture.WEEK);
    assertEquals(tmp.resolve("tables/reports/2026-W48.html"), written.files().html());
    assertTrue(Files.exists(tmp.resolve("tables/reports/2026-W48.md")));
    assertTrue(Files.exists(tmp.resolve("tables/reports/2026-W48.json")));
    assertEquals("Funnel report 2026-W48: 2 critical, 1 warning", written.report().subject());
  }

  @Test
  void aWeekWithoutARunSaysWhichRunItNeeds() {
    SparkSession spark = SparkTestSession.get();
    String output = tmp.resolve("tables").toString();
    ReportTablesFixture.write(spark, output, false);
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                ReportCommand.write(
                    spark, ReportFixture.config(), output, ReportWeek.parse("2026-W49")));
    assertEquals(3, ExitCodes.of(e));
    assertEquals(
        "the report of 2026-W49 needs a run with --as-of between 2026-11-30 and 2026-12-06, and"
            + " there is none under "
            + output
            + " (run: funnel run --as-of 2026-12-06 ...)",
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void aFailedDeliveryExitsWithFiveAndKeepsTheFiles() throws Exception {
    String output = tmp.resolve("tables").toString();
    ReportTablesFixture.write(SparkTestSession.get(), output, true);
    Path config = tmp.resolve("funnel.yaml");
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Files.writeString(
        config,
        ReportFixture.CONFIG
            .replace("port: 3025", "port: " + closedPort)
            .replace("  user: reports@example.com\n", "")
            .replace("  password_env: FUNNEL_TEST_SMTP_PASSWORD\n", ""));
    ChildJvm.Result result =
        ChildJvm.run(
            tmp.resolve("logs"),
            "report",
            "--config",
            config.toString(),
            "--output",
            output,
            "--week",
            "2026-W48",
            "--mail-to",
            "manager@example.com,sales@example.com");
    assertEquals(5, result.exitCode(), result.stderr());
    List<String> errors = result.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    String lastLine = result.stderr().strip().lines().reduce((a, b) -> b).orElse("");
    assertEquals(errors.get(errors.size() - 1), lastLine, "the error line ends the output");
    assertEquals(1, errors.size(), result.stderr());
    assertTrue(
        errors
            .get(0)
            .startsWith(
                "error: cannot send the report to 2 recipient(s) via localhost:"
                    + closedPort
                    + ": "),
        errors.get(0));
    assertTrue(
        result.stdout().contains("Funnel report 2026-W48: 2 critical, 1 warning"), result.stdout());
    for (String ext : List.of("html", "md", "json")) {
      assertTrue(Files.size(tmp.resolve("tables/reports/2026-W48." + ext)) > 0, ext);
    }
  }

  @Test
  void runWithReportWritesTheReportOfTheAsOfsWeek() throws Exception {
    Path config = tmp.resolve("funnel.yaml");
    Files.writeString(
        config,
        "name: t\ntimezone: Europe/Berlin\nstages: [lead, mql, won]\nlost_stages: [lost]\n"
            + "conversion_window_days: 30\ndimensions: [source]\n");
    String input =
        new dev.funnel.Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", null, ReportFixture.HOSTILE, null)
            .add("L1", "mql", "2025-01-07T10:00:00Z")
            .add("L2", "lead", "2025-01-20T10:00:00Z", null, "web", null)
            .write(SparkTestSession.get(), tmp);
    ChildJvm.Result result =
        ChildJvm.run(
            tmp.resolve("logs"),
            "run",
            "--config",
            config.toString(),
            "--input",
            input,
            "--output",
            tmp.resolve("out").toString(),
            "--as-of",
            "2025-01-29",
            "--report");
    assertEquals(0, result.exitCode(), result.stderr());
    // 29 Jan 2025 is the Wednesday of ISO week 5.
    Path html = tmp.resolve("out/reports/2025-W05.html");
    assertTrue(
        result.stdout().contains("Report Funnel report 2025-W05: 0 critical, 0 warnings: " + html),
        result.stdout());
    String page = Files.readString(html);
    assertTrue(page.contains("No flags this week"), page);
    assertTrue(page.contains("data known through 29 Jan 2025 (Europe/Berlin)"), page);
    assertTrue(Files.exists(tmp.resolve("out/reports/2025-W05.md")));
    assertTrue(Files.exists(tmp.resolve("out/reports/2025-W05.json")));

    // The run kept its configuration, so the issue's `report --output DIR --week W` needs no
    // --config.
    assertEquals(Files.readString(config), Files.readString(tmp.resolve("out/_runs/funnel.yaml")));
    Files.delete(html);
    ChildJvm.Result report =
        ChildJvm.run(
            tmp.resolve("logs-report"),
            "report",
            "--output",
            tmp.resolve("out").toString(),
            "--week",
            "2025-W05");
    assertEquals(0, report.exitCode(), report.stderr());
    assertTrue(Files.readString(html).contains("No flags this week"));
  }

  @Test
  void usageErrorsStopBeforeSparkStarts() throws Exception {
    Path config = tmp.resolve("funnel.yaml");
    Files.writeString(
        config, ReportFixture.CONFIG.substring(0, ReportFixture.CONFIG.indexOf("smtp:")));
    Object[] badWeek =
        inProcess("report", "--config", config.toString(), "--output", "x", "--week", "2026-W54");
    assertEquals(2, badWeek[0]);
    assertTrue(
        ((String) badWeek[1])
            .contains(
                "Invalid value for option '--week': '2026-W54' is not an ISO week of its year"),
        (String) badWeek[1]);
    Object[] noSmtp =
        inProcess(
            "report", "--config", config.toString(), "--output", "x", "--mail-to", "a@example.com");
    assertEquals(2, noSmtp[0]);
    assertTrue(
        ((String) noSmtp[1])
            .contains("error: --mail-to needs an 'smtp' section in the configuration"),
        (String) noSmtp[1]);
    Files.writeString(config, ReportFixture.CONFIG);
    Object[] badAddress =
        inProcess(
            "report",
            "--config",
            config.toString(),
            "--output",
            "x",
            "--mail-to",
            "not an address");
    assertEquals(2, badAddress[0]);
    assertTrue(
        ((String) badAddress[1])
            .contains("error: --mail-to: 'not an address' is not a list of e-mail addresses"),
        (String) badAddress[1]);
    assertEquals(0, inProcess("report", "--help")[0]);
  }

  /** Runs in this JVM; only for paths that fail before a Spark session is built. */
  private static Object[] inProcess(String... args) {
    java.io.PrintStream originalErr = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      int code = FunnelMain.execute(args);
      return new Object[] {code, err.toString(java.nio.charset.StandardCharsets.UTF_8)};
    } finally {
      System.setErr(originalErr);
    }
  }

  private static List<ReportInput.Check> sorted(List<ReportInput.Check> checks) {
    return checks.stream()
        .sorted(
            Comparator.comparing(ReportInput.Check::kind)
                .thenComparing(ReportInput.Check::periodStart)
                .thenComparing(ReportInput.Check::stage)
                .thenComparing(ReportInput.Check::dimension)
                .thenComparing(ReportInput.Check::dimensionValue))
        .toList();
  }
}
