package dev.funnel.io;

import dev.funnel.config.FunnelConfig;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the stage-event input with its declared schema ({@code schemas/stage_events.json} plus the
 * configured dimensions), after {@link InputValidator} has checked every file's own schema.
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

  /** Columns every input file must have: those marked required in the schema, and dimensions. */
  public static Set<String> requiredColumns(FunnelConfig config) {
    Set<String> required = new LinkedHashSet<>();
    for (StructField field : Schemas.load(Schemas.STAGE_EVENTS).fields()) {
      if (field.metadata().contains("required") && field.metadata().getBoolean("required")) {
        required.add(field.name());
      }
    }
    required.addAll(config.dimensions());
    return required;
  }

  /**
   * The input as read.
   *
   * @param rows the events with the declared schema
   * @param footerRows the row count according to the files' footers
   */
  public record Input(Dataset<Row> rows, long footerRows) {}

  /** Validates and reads the input dataset at {@code path}. */
  public static Input read(SparkSession spark, String path, FunnelConfig config) {
    StructType declared = declaredSchema(config);
    InputValidator.Listing listing =
        InputValidator.validate(
            spark.sparkContext().hadoopConfiguration(), path, declared, requiredColumns(config));
    DataFrameReader reader = spark.read().schema(declared);
    if (!listing.hivePartitioned()) {
      // Plain nested folders are not partitions; read every file below the root.
      reader = reader.option("recursiveFileLookup", "true");
    }
    return new Input(reader.parquet(path), listing.rows());
  }
}
