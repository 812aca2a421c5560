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
 * @param coreOnly write only the core tables (stage_visits, stage_conversion, time_in_stage,
 *     rejected_events), as the benchmark does
 */
public record RunRequest(
    String input, String output, LocalDate asOf, Duration lockWait, boolean coreOnly) {

  /** A request for every table that refuses at once when another run holds the output. */
  public RunRequest(String input, String output, LocalDate asOf) {
    this(input, output, asOf, Duration.ZERO, false);
  }
}
