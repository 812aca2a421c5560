package dev.funnel.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's tables so that readers never see a half-written day. Each table is written to
 * {@code OUTPUT/_staging/<run>/<table>} (Parquet, whatever the output format); only when every
 * table of the run is written are the days published by the {@link TableStore}: Parquet partitions
 * {@code OUTPUT/<table>/as_of=YYYY-MM-DD} swapped in by one directory rename each, or one Delta
 * {@code replaceWhere} commit per table. A commit marker written before publishing lets the next
 * run finish a publication that a crash interrupted; staging left without a marker is discarded.
 */
public final class TablePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(TablePublisher.class);
  static final String STAGING = "_staging";
  static final String COMMIT_MARKER = "_COMMITTING";
  static final String REPLACED = "_replaced";

  private final SparkSession spark;
  private final TableStore store;
  private final FileSystem fs;
  private final Path output;
  private final LocalDate asOf;
  private final Path runDir;
  private final Map<String, Long> rowCounts = new LinkedHashMap<>();

  /**
   * A publisher for one run into {@code store}; {@code runId} must be unique among concurrent and
   * past runs.
   */
  public TablePublisher(SparkSession spark, TableStore store, LocalDate asOf, String runId) {
    this.spark = spark;
    this.store = store;
    this.output = store.output();
    this.fs = store.fs;
    this.asOf = asOf;
    this.runDir = new Path(new Path(this.output, STAGING), runId);
  }

  /** The partition directory of a table for this run's as-of day. */
  public Path partition(String table) {
    return partition(output, table, asOf);
  }

  /** The partition directory {@code OUTPUT/<table>/as_of=YYYY-MM-DD}. */
  public static Path partition(Path output, String table, LocalDate asOf) {
    return new Path(new Path(output, table), "as_of=" + asOf);
  }

  /** Writes a table to the staging area and returns its row count. */
  public long stage(String table, Dataset<Row> rows, int files) {
    Path target = new Path(runDir, table);
    // repartition, not coalesce: coalesce would pull the whole upstream stage into one task.
    Dataset<Row> shaped = files > 0 ? rows.repartition(files) : rows;
    shaped.write().mode(SaveMode.ErrorIfExists).parquet(target.toString());
    long count = writtenRows(target);
    rowCounts.put(table, count);
    HaltPoint.reach("after-stage:" + table);
    return count;
  }

  /**
   * The rows of the Parquet files written to {@code dir}, from their footers: what is on disk,
   * without a Spark job of its own (a count job per table was a fixed cost of every run).
   */
  private long writtenRows(Path dir) {
    try {
      long rows = 0;
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (f.isFile()
            && name.endsWith(".parquet")
            && !name.startsWith("_")
            && !name.startsWith(".")) {
          try (ParquetFileReader reader =
              ParquetFileReader.open(HadoopInputFile.fromPath(f.getPath(), hadoop))) {
            rows += reader.getRecordCount();
          }
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the footers of " + dir, e);
    }
  }

  /** Row counts of the tables staged so far, in staging order. */
  public Map<String, Long> rowCounts() {
    return Map.copyOf(rowCounts);
  }

  /** Swaps every staged table into place, then removes the staging area. */
  public void publish() {
    try {
      fs.create(new Path(runDir, COMMIT_MARKER), true).close();
      HaltPoint.reach("after-marker");
      finish(store, runDir, asOf);
      HaltPoint.reach("after-publish");
    } catch (IOException e) {
      throw new UncheckedIOException("publishing to " + output + " failed", e);
    }
  }

  /** Removes this run's staging area without publishing (after a failure). */
  public void abandon() {
    try {
      fs.delete(runDir, true);
      deleteIfEmpty(fs, runDir.getParent());
    } catch (IOException e) {
      // The next run's recovery removes what is left.
    }
  }

  /**
   * Cleans up after runs that died in a Parquet output, without a Spark session: finishes swaps
   * whose commit marker exists, discards staging without one. Call it while holding the output
   * lock.
   */
  public static void recover(Configuration hadoop, String output) {
    recover(TableStore.parquetFiles(hadoop, output));
  }

  /**
   * Cleans up after runs that died: finishes the publication of runs whose commit marker exists
   * (the rest of the swap, or every table's Delta commit again), discards staging without one. Call
   * it while holding the output lock.
   */
  public static void recover(TableStore store) {
    FileSystem fs = store.fs;
    Path staging = new Path(store.output(), STAGING);
    try {
      if (!fs.exists(staging)) {
        return;
      }
      for (FileStatus run : fs.listStatus(staging)) {
        Path marker = new Path(run.getPath(), COMMIT_MARKER);
        if (fs.exists(marker)) {
          LOG.warn("finishing the publication of interrupted run {}", run.getPath().getName());
          LocalDate day = LocalDate.parse(readAsOf(run.getPath().getName()));
          finish(store, run.getPath(), day);
        } else {
          LOG.warn("discarding the staged tables of interrupted run {}", run.getPath().getName());
          fs.delete(run.getPath(), true);
        }
      }
      deleteIfEmpty(fs, staging);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot clean up after an earlier run in " + store.output(), e);
    }
  }

  private static String readAsOf(String runId) {
    // Run ids start with the as-of day: YYYY-MM-DD_<suffix>.
    return runId.substring(0, 10);
  }

  private static void finish(TableStore store, Path runDir, LocalDate asOf) throws IOException {
    store.publishStaged(runDir, asOf);
    store.fs.delete(runDir, true);
    deleteIfEmpty(store.fs, runDir.getParent());
  }

  private static void deleteIfEmpty(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }
}
