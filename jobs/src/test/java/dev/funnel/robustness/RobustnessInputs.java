package dev.funnel.robustness;

import dev.funnel.Events;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;

/** The input of the kill, re-run and lock tests, on both output formats. */
final class RobustnessInputs {
  private RobustnessInputs() {}

  /**
   * Leads walking lead → mql → sql 7 h apart, a third of them won (with an amount), a third lost,
   * plus {@code rejected} rows with an unknown stage; so that every table has rows. Written under
   * {@code parent/name}; returns the input path.
   */
  static String write(
      SparkSession spark, Path parent, String name, int leads, long offsetSeconds, int rejected) {
    Events e = new Events();
    Instant start = Instant.parse("2025-01-06T00:00:00Z").plusSeconds(offsetSeconds);
    for (int i = 0; i < leads; i++) {
      String lead = "L" + i;
      Instant t = start.plusSeconds(i * 4_999L);
      e.add(lead, "lead", t.toString(), null, "src" + (i % 7), i % 2 == 0 ? "smb" : "ent");
      e.add(lead, "mql", t.plusSeconds(7 * 3600).toString(), 100.0 + i, null, null);
      e.add(lead, "sql", t.plusSeconds(14 * 3600).toString());
      if (i % 3 == 0) {
        e.add(lead, "won", t.plusSeconds(80 * 3600).toString(), 200.0 + i, null, null);
      } else if (i % 3 == 1) {
        e.add(lead, "lost", t.plusSeconds(90 * 3600).toString());
      }
    }
    for (int r = 0; r < rejected; r++) {
      e.add("R" + r, "demo", start.toString());
    }
    try {
      return e.write(spark, Files.createDirectories(parent.resolve(name)));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
