package dev.funnel.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Short progress lines: phase, rows, seconds. */
public final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger("dev.funnel.progress");
  private long phaseStart = System.nanoTime();

  /** Logs the end of a phase with its row count and duration, and starts the next phase. */
  public void done(String phase, long rows) {
    long now = System.nanoTime();
    LOG.info(String.format("%-22s %,14d rows %8.1f s", phase, rows, (now - phaseStart) / 1e9));
    phaseStart = now;
  }

  /** Logs the end of a phase without a row count. */
  public void done(String phase) {
    long now = System.nanoTime();
    LOG.info(String.format("%-22s %19s %8.1f s", phase, "", (now - phaseStart) / 1e9));
    phaseStart = now;
  }
}
