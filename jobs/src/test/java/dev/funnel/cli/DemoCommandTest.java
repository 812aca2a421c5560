package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.funnel.ChildJvm;
import dev.funnel.IndependentAccounting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end in a fresh JVM, as the README's first command runs it (smaller). */
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void demoGeneratesRunsAndSummarisesEveryTable() throws Exception {
    Path dir = tmp.resolve("demo");
    ChildJvm.Result result =
        ChildJvm.run(tmp.resolve("logs"), "demo", "--dir", dir.toString(), "--leads", "4000");
    assertEquals(0, result.exitCode(), result.stderr());
    String out = result.stdout();
    assertTrue(out.contains("Demo: generated "), out);
    assertTrue(out.contains("Rows read "), out);
    assertTrue(out.contains("SLA compliance, last complete month and current month:"), out);
    assertTrue(out.contains("mql_handoff      2025-11-01"), out);
    assertTrue(out.contains("mql_handoff      2025-12-01"), out);
    assertTrue(out.contains("Targets, last complete month and current month:"), out);
    assertTrue(out.contains("mql_volume       2025-12-01"), out);
    for (String table :
        List.of(
            "stage_visits",
            "stage_conversion",
            "time_in_stage",
            "rejected_events",
            "revenue_conversion",
            "sla_compliance",
            "sla_breaches",
            "targets")) {
      assertTrue(
          Files.isDirectory(dir.resolve("tables").resolve(table).resolve("as_of=2025-12-17")),
          table);
    }
    JsonNode manifest =
        IndependentAccounting.assertHolds(
            dir.resolve("input").toString(),
            dir.resolve("tables").toString(),
            LocalDate.parse("2025-12-17"));
    assertTrue(manifest.at("/tables/sla_breaches").asLong() > 0, manifest.toString());
    assertTrue(Files.exists(dir.resolve("input/_truth.json")));
    // The demo writes the weekly report of its as-of's week and prints where it is.
    Path report = dir.resolve("tables/reports/2025-W51.html").toAbsolutePath();
    assertTrue(out.contains("Weekly report 2025-W51 (Funnel report 2025-W51: "), out);
    assertTrue(out.contains(report.toString()), out);
    for (String ext : List.of("html", "md", "json")) {
      assertTrue(Files.size(dir.resolve("tables/reports/2025-W51." + ext)) > 0, ext);
    }
  }
}
