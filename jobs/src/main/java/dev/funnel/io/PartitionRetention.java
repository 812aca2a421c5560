package dev.funnel.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a table's old as-of days: Parquet partition directories through Hadoop's FileSystem
 * (HDFS, object stores), or a Delta {@code DELETE} of the old days (their files stay until the
 * table is vacuumed, README).
 */
public final class PartitionRetention {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionRetention.class);

  private PartitionRetention() {}

  /**
   * Removes every day D of {@code table} strictly before {@code asOf - keepDays}; later days (the
   * run's own, and any newer day's) and, in a Parquet output, anything not named {@code
   * as_of=YYYY-MM-DD} are left alone. Call it while holding the output lock, after the run's
   * publication. Returns the removed days, oldest first.
   */
  public static List<LocalDate> apply(
      TableStore store, String table, LocalDate asOf, int keepDays) {
    if (keepDays < 0) {
      throw new IllegalArgumentException("keepDays must not be negative, got " + keepDays);
    }
    LocalDate oldestKept = asOf.minusDays(keepDays);
    List<LocalDate> removed;
    try {
      removed = store.deleteBefore(table, oldestKept);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot apply the retention of " + store.tableDir(table), e);
    }
    if (!removed.isEmpty()) {
      LOG.info(
          "removed {} {} day(s) before {} (retention {} days): {}",
          removed.size(),
          table,
          oldestKept,
          keepDays,
          removed);
    }
    return removed;
  }

  /** {@link #apply(TableStore, String, LocalDate, int)} on a Parquet output. */
  public static List<LocalDate> apply(
      Configuration hadoop, String output, String table, LocalDate asOf, int keepDays) {
    return apply(TableStore.parquetFiles(hadoop, output), table, asOf, keepDays);
  }
}
