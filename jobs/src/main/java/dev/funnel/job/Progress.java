package dev.funnel.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Short progress lines (phase, rows, seconds), formatted the same in every locale, and the same
 * figures kept for the run manifest.
 */
public final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger("dev.funnel.progress");
  private long phaseStart = System.nanoTime();
  private final Map<String, Map<String, Object>> phases = new LinkedHashMap<>();

  /** Logs the end of a phase with its row count and duration, and starts the next phase. */
  public void done(String phase, long rows) {
    finish(phase, rows);
  }

  /** Logs the end of a phase without a row count. */
  public void done(String phase) {
    finish(phase, null);
  }

  /**
   * The phases ended so far, in order, for the manifest: phase name → {@code seconds} (rounded to
   * the millisecond) and, where the phase has one, {@code rows}.
   */
  public Map<String, Map<String, Object>> phases() {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    phases.forEach((phase, figures) -> copy.put(phase, new LinkedHashMap<>(figures)));
    return Collections.unmodifiableMap(copy);
  }

  private void finish(String phase, Long rows) {
    long now = System.nanoTime();
    double seconds = (now - phaseStart) / 1e9;
    phaseStart = now;
    Map<String, Object> figures = new LinkedHashMap<>();
    if (rows != null) {
      figures.put("rows", rows);
    }
    figures.put("seconds", Math.round(seconds * 1000) / 1000.0);
    phases.put(phase, figures);
    LOG.info(line(phase, rows, seconds));
  }

  /**
   * One progress line: the phase padded to 22 characters, the row count with comma grouping (or
   * blanks), the seconds with one decimal and a point, whatever the default locale.
   */
  static String line(String phase, Long rows, double seconds) {
    return rows == null
        ? String.format(Locale.ROOT, "%-22s %19s %8.1f s", phase, "", seconds)
        : String.format(Locale.ROOT, "%-22s %,14d rows %8.1f s", phase, rows, seconds);
  }
}
