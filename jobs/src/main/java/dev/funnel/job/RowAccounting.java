package dev.funnel.job;

import dev.funnel.spark.EventCleaning;
import java.util.Map;

/**
 * The row accounting of a run, the one definition of "every input row is accounted for": the
 * footers' row count is the sum of the classes counted in the rejected_events scan, the candidates
 * are exactly the accepted events plus their duplicates, and every row classified as rejected was
 * written.
 *
 * @param rowsRead rows in the input files' footers
 * @param rejected rows classified as rejected
 * @param afterAsOf rows at or after the as-of instant, ignored
 * @param candidates rows that went on to the lead pass
 * @param accepted distinct events the lead pass used
 * @param duplicates extra copies of an event, counted once
 * @param written rows written to rejected_events
 */
public record RowAccounting(
    long rowsRead,
    long rejected,
    long afterAsOf,
    long candidates,
    long accepted,
    long duplicates,
    long written) {

  /** The accounting from the classes counted by {@link EventCleaning#classCounts}. */
  public static RowAccounting of(
      long rowsRead, Map<String, Long> classes, long accepted, long duplicates, long written) {
    return new RowAccounting(
        rowsRead,
        classes.get(EventCleaning.REJECTED),
        classes.get(EventCleaning.AFTER_AS_OF),
        classes.get(EventCleaning.CANDIDATE),
        accepted,
        duplicates,
        written);
  }

  /** True when every row is accounted for (see the type's documentation). */
  public boolean holds() {
    return rowsRead == rejected + afterAsOf + candidates
        && candidates == accepted + duplicates
        && written == rejected;
  }

  /** Throws when the accounting does not hold, naming every figure. */
  public void check() {
    if (!holds()) {
      throw new IllegalStateException(
          String.format(
              "row accounting failed: %d rows in the files, classified %d rejected (%d written)"
                  + " + %d after as-of + %d candidates = %d accepted + %d duplicates",
              rowsRead, rejected, written, afterAsOf, candidates, accepted, duplicates));
    }
  }
}
