package dev.funnel.io;

import dev.funnel.config.FunnelConfig;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
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
   * @param files the data files read, for the run manifest
   */
  public record Input(Dataset<Row> rows, long footerRows, java.util.List<InputFile> files) {}

  /**
   * Validates and reads the input dataset at {@code path}. Files that store an accepted alternative
   * type ({@link InputTypes}) are read with it and converted, so the rows always have the declared
   * schema.
   */
  public static Input read(SparkSession spark, String path, FunnelConfig config) {
    StructType declared = declaredSchema(config);
    InputValidator.Listing listing =
        InputValidator.validate(
            spark.sparkContext().hadoopConfiguration(), path, declared, requiredColumns(config));
    if (listing.nanosecondTimestamps()) {
      // Without it Spark refuses nanosecond timestamps; with it they arrive as INT64 nanoseconds,
      // which InputTypes.convert floors to microseconds. Nothing else is read differently.
      spark.conf().set(InputTypes.NANOS_AS_LONG, "true");
    }
    Dataset<Row> rows = null;
    for (InputValidator.FileGroup group : listing.groups()) {
      DataFrameReader reader = spark.read().schema(group.readSchema());
      if (!listing.hivePartitioned()) {
        // Plain nested folders are not partitions; read every file below the root.
        reader = reader.option("recursiveFileLookup", "true");
      } else if (listing.groups().size() > 1) {
        reader = reader.option("basePath", path);
      }
      Dataset<Row> groupRows =
          listing.groups().size() == 1
              ? reader.parquet(path)
              : reader.parquet(group.files().stream().map(Path::toString).toArray(String[]::new));
      groupRows = groupRows.select(converted(declared, group.readSchema()));
      rows = rows == null ? groupRows : rows.unionAll(groupRows);
    }
    return new Input(rows, listing.rows(), listing.inputs());
  }

  private static Column[] converted(StructType declared, StructType read) {
    Column[] columns = new Column[declared.size()];
    for (int i = 0; i < columns.length; i++) {
      StructField field = declared.fields()[i];
      columns[i] =
          InputTypes.convert(field.name(), read.apply(field.name()).dataType(), field.dataType());
    }
    return columns;
  }
}
