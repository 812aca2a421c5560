package dev.funnel.io;

import dev.funnel.config.OutputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Where and how the published tables of one output directory are stored: the one place that acts on
 * {@link OutputFormat}. Every reader of earlier outputs and the publisher go through it; {@link
 * #of} picks the implementation. A table's rows of one as-of day are a <em>day</em> of the table.
 */
public abstract sealed class TableStore permits ParquetStore, DeltaStore {
  final SparkSession spark;
  final Configuration hadoop;
  final Path output;
  final FileSystem fs;

  TableStore(SparkSession spark, Configuration hadoop, String output) {
    this.spark = spark;
    this.hadoop = hadoop;
    this.output = new Path(output);
    try {
      this.fs = this.output.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open output " + output, e);
    }
  }

  /** The store of {@code output} in the given format, on the given session. */
  public static TableStore of(SparkSession spark, String output, OutputFormat format) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    return switch (format) {
      case PARQUET -> new ParquetStore(spark, hadoop, output);
      case DELTA -> new DeltaStore(spark, hadoop, output);
    };
  }

  /**
   * A Parquet store without a Spark session: enough to finish or discard an interrupted swap
   * ({@link TablePublisher#recover(Configuration, String)}), not to read tables.
   */
  static TableStore parquetFiles(Configuration hadoop, String output) {
    return new ParquetStore(null, hadoop, output);
  }

  /** The format of this store. */
  public abstract OutputFormat format();

  /** The output root directory. */
  public Path output() {
    return output;
  }

  /** Where a day of a table is, for messages: a partition directory or a Delta table and day. */
  public abstract String location(String table, LocalDate day);

  /** Whether the table holds the day (a run published it and retention has not removed it). */
  public abstract boolean exists(String table, LocalDate day);

  /** The days the table holds between {@code from} and {@code to}, inclusive, in order. */
  public abstract SortedSet<LocalDate> days(String table, LocalDate from, LocalDate to);

  /**
   * The rows of the given days of a table, with exactly the columns of {@code schema}, read by
   * name; days the table does not hold contribute no rows.
   */
  public abstract Dataset<Row> read(String table, StructType schema, Collection<LocalDate> days);

  /**
   * Replaces the days of the tables staged (as Parquet, one directory per table) in {@code runDir}
   * by what is staged, and removes nothing else; {@code runDir} may be left for the caller to
   * delete. Safe to repeat after a crash (the recovery of a run whose commit marker exists).
   */
  abstract void publishStaged(Path runDir, LocalDate day) throws IOException;

  /** Removes the days of a table strictly before {@code oldestKept}; returns them, oldest first. */
  abstract List<LocalDate> deleteBefore(String table, LocalDate oldestKept) throws IOException;

  /**
   * Fails with a {@link dev.funnel.config.ConfigException} (exit code 2) when the output already
   * holds one of the tables in the other format: one output directory holds one format.
   */
  public abstract void checkLayout(Collection<String> tables);

  /** The table's root directory {@code OUTPUT/<table>}. */
  Path tableDir(String table) {
    return new Path(output, table);
  }

  /** Whether {@code OUTPUT/<table>} is a Delta table (it has a transaction log). */
  boolean isDelta(String table) {
    try {
      return fs.exists(new Path(tableDir(table), DeltaStore.LOG));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look into " + tableDir(table), e);
    }
  }
}
