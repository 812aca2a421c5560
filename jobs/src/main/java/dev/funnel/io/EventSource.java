package dev.funnel.io;

import dev.funnel.config.FunnelConfig;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the stage-event input with its declared schema ({@code schemas/stage_events.json} plus the
 * configured dimensions), after checking the files' own schema against it. Problems end as an
 * {@link InputException} naming the path, the column, what was expected and what was found.
 */
public final class EventSource {
  private EventSource() {}

  /** The schema the input is read with: the declared columns plus one STRING per dimension. */
  public static StructType declaredSchema(FunnelConfig config) {
    StructType schema = Schemas.load(Schemas.STAGE_EVENTS);
    for (String dimension : config.dimensions()) {
      schema = schema.add(dimension, DataTypes.StringType, true);
    }
    return schema;
  }

  /** Validates and reads the input dataset at {@code path}. */
  public static Dataset<Row> read(SparkSession spark, String path, FunnelConfig config) {
    checkExists(spark, path);
    StructType found = fileSchema(spark, path);
    StructType declared = declaredSchema(config);
    for (StructField expected : declared.fields()) {
      boolean required =
          !config.dimensions().contains(expected.name())
              && expected.metadata().contains("required")
              && expected.metadata().getBoolean("required");
      boolean isDimension = config.dimensions().contains(expected.name());
      StructField actual = find(found, expected.name());
      if (actual == null) {
        if (required || isDimension) {
          throw InputException.of(
              "input %s: column '%s' is missing (expected %s%s; found columns %s)",
              path,
              expected.name(),
              expected.dataType().simpleString(),
              isDimension ? ", configured as a dimension" : "",
              String.join(", ", found.fieldNames()));
        }
        continue;
      }
      if (!actual.dataType().equals(expected.dataType())) {
        throw InputException.of(
            "input %s: column '%s' has type %s, expected %s",
            path,
            expected.name(),
            actual.dataType().simpleString(),
            expected.dataType().simpleString());
      }
    }
    return spark.read().schema(declared).parquet(path);
  }

  private static StructField find(StructType schema, String name) {
    for (StructField field : schema.fields()) {
      if (field.name().equals(name)) {
        return field;
      }
    }
    return null;
  }

  private static void checkExists(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw InputException.of(
            "input path %s does not exist (pass --input the directory of Parquet stage events)",
            path);
      }
    } catch (IOException e) {
      throw new InputException("input path " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static StructType fileSchema(SparkSession spark, String path) {
    try {
      return spark.read().parquet(path).schema();
    } catch (RuntimeException e) {
      throw new InputException(
          "input "
              + path
              + " has no readable Parquet data: "
              + firstLine(e.getMessage())
              + " (expected a directory of Parquet files with columns lead_id, stage, entered_at)",
          e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
