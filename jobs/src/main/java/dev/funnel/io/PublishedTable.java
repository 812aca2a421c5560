package dev.funnel.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads back one published partition of a table, with the table's declared schema. */
public final class PublishedTable {
  private PublishedTable() {}

  /** A published table partition that does not exist. */
  public static final class MissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingException(String message) {
      super(message);
    }
  }

  /** True when {@code OUTPUT/<table>/as_of=<asOf>} exists. */
  public static boolean exists(SparkSession spark, String output, String table, LocalDate asOf) {
    Path partition = TablePublisher.partition(new Path(output), table, asOf);
    try {
      FileSystem fs = partition.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(partition);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + partition, e);
    }
  }

  /**
   * The rows of {@code OUTPUT/<table>/as_of=<asOf>} read with {@code schemas/<table>.json}.
   *
   * @throws MissingException when the run wrote no such partition
   */
  public static Dataset<Row> read(SparkSession spark, String output, String table, LocalDate asOf) {
    Path partition = TablePublisher.partition(new Path(output), table, asOf);
    if (!exists(spark, output, table, asOf)) {
      throw new MissingException(
          "the run wrote no " + table + " table: " + partition + " is missing");
    }
    return spark.read().schema(Schemas.load(table)).parquet(partition.toString());
  }
}
