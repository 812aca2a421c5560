package dev.funnel.job;

/**
 * Shuffle partitions for the event data: about {@link #ROWS_PER_PARTITION} rows each, in whole
 * waves of the cluster's parallelism so that no core idles in the last wave, at most {@link
 * #MAX_PARTITIONS}.
 */
final class PartitionSizing {
  /**
   * Input rows per partition aimed at: a million events keep a lead-pass task's sort buffer and
   * per-cell arrays well inside an executor's default memory, while tasks stay long enough that
   * scheduling overhead is negligible.
   */
  static final long ROWS_PER_PARTITION = 1_000_000L;

  /**
   * The most partitions: beyond a few thousand tasks the driver's bookkeeping and the number of
   * shuffle files grow faster than the work per task shrinks.
   */
  static final int MAX_PARTITIONS = 4_000;

  private PartitionSizing() {}

  /** Partitions for {@code rows} input rows on a cluster with {@code parallelism} cores. */
  static int partitions(long rows, int parallelism) {
    long perWave = parallelism * ROWS_PER_PARTITION;
    long waves = Math.max(1, (rows + perWave - 1) / perWave);
    return (int) Math.min(waves * parallelism, MAX_PARTITIONS);
  }
}
