package dev.funnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a small stage-event input from readable rows: {@code add("L1", "lead",
 * "2025-01-06T10:00:00Z")}, optionally with an amount and dimension values (source, segment).
 */
public final class Events {
  /** The input schema the fixtures write, with two dimensions. */
  public static final StructType SCHEMA =
      new StructType()
          .add("lead_id", DataTypes.StringType)
          .add("stage", DataTypes.StringType)
          .add("entered_at", DataTypes.TimestampType)
          .add("amount", DataTypes.DoubleType)
          .add("source", DataTypes.StringType)
          .add("segment", DataTypes.StringType);

  private final List<Row> rows = new ArrayList<>();

  /** Adds an event without amount or dimensions. */
  public Events add(String lead, String stage, String at) {
    return add(lead, stage, at, null, null, null);
  }

  /** Adds an event; any value may be null. */
  public Events add(
      String lead, String stage, String at, Double amount, String source, String segment) {
    rows.add(RowFactory.create(lead, stage, ts(at), amount, source, segment));
    return this;
  }

  /** The rows added so far. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Writes the events as Parquet into a new directory under {@code parent}; returns its path. */
  public String write(SparkSession spark, Path parent) {
    try {
      Path dir = Files.createTempDirectory(parent, "events");
      Files.delete(dir);
      spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(dir.toString());
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An ISO instant as a Timestamp, or null. */
  public static Timestamp ts(String at) {
    return at == null ? null : Timestamp.from(Instant.parse(at));
  }

  /** Convenience for assertions: a list of values. */
  public static List<Object> values(Object... values) {
    return Arrays.asList(values);
  }
}
