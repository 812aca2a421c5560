package dev.funnel.job;

import java.time.LocalDate;

/**
 * What one nightly run is asked to do.
 *
 * @param input directory of Parquet stage events
 * @param output root of the output tables
 * @param asOf data known through the end of this day, in the funnel's time zone
 */
public record RunRequest(String input, String output, LocalDate asOf) {}
