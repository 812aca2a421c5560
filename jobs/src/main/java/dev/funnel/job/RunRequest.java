package dev.funnel.job;

import java.time.Duration;
import java.time.LocalDate;

/**
 * What one nightly run is asked to do.
 *
 * @param input directory of Parquet stage events
 * @param output root of the output tables
 * @param asOf data known through the end of this day, in the funnel's time zone
 * @param lockWait how long to wait for another run on the same output before refusing
 */
public record RunRequest(String input, String output, LocalDate asOf, Duration lockWait) {

  /** A request that refuses at once when another run holds the output. */
  public RunRequest(String input, String output, LocalDate asOf) {
    this(input, output, asOf, Duration.ZERO);
  }
}
