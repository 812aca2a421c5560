package dev.funnel.job;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of a successful run: the row accounting and the row count of each table written.
 *
 * @param asOfInstant the instant at which data stopped being known
 * @param accounting the run's row accounting (checked before anything was published)
 * @param leads leads with at least one accepted event
 * @param tableRows rows written per table
 * @param seconds wall time of the run
 */
public record RunResult(
    Instant asOfInstant,
    RowAccounting accounting,
    long leads,
    Map<String, Long> tableRows,
    double seconds) {

  /** Normalises the map to an unmodifiable copy. */
  public RunResult {
    tableRows = Map.copyOf(tableRows);
  }

  /** Input rows. */
  public long rowsRead() {
    return accounting.rowsRead();
  }

  /** Distinct events used. */
  public long accepted() {
    return accounting.accepted();
  }

  /** Extra copies of an event, counted once. */
  public long duplicates() {
    return accounting.duplicates();
  }

  /** Rows classified as rejected (and written to rejected_events). */
  public long rejected() {
    return accounting.rejected();
  }

  /** Rows at or after the as-of instant, ignored. */
  public long afterAsOf() {
    return accounting.afterAsOf();
  }

  /** {@link RowAccounting#holds}. */
  public boolean accountingHolds() {
    return accounting.holds();
  }
}
