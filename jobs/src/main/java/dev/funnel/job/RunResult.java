package dev.funnel.job;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of a successful run: the row accounting and the row count of each table written.
 *
 * @param asOfInstant the instant at which data stopped being known
 * @param rowsRead input rows
 * @param accepted distinct events used
 * @param duplicates extra copies of an event, counted once
 * @param rejected rows written to rejected_events
 * @param afterAsOf rows at or after the as-of instant, ignored
 * @param leads leads with at least one accepted event
 * @param tableRows rows written per table
 * @param seconds wall time of the run
 */
public record RunResult(
    Instant asOfInstant,
    long rowsRead,
    long accepted,
    long duplicates,
    long rejected,
    long afterAsOf,
    long leads,
    Map<String, Long> tableRows,
    double seconds) {

  /** Normalises the map to an unmodifiable copy. */
  public RunResult {
    tableRows = Map.copyOf(tableRows);
  }

  /** rows read = accepted + duplicates + rejected + after as-of. */
  public boolean accountingHolds() {
    return rowsRead == accepted + duplicates + rejected + afterAsOf;
  }
}
