package dev.funnel.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.timestamp_micros;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The input types accepted besides the declared ones, as other writers store them: a timestamp
 * without time zone (DuckDB's {@code TIMESTAMP}, pandas' naive datetimes) is read as a UTC wall
 * clock, a nanosecond timestamp (pandas and pyarrow's default) is floored to the microsecond, and
 * any numeric type is widened to DOUBLE. Every other difference from the declared type is an input
 * error.
 */
public final class InputTypes {
  /** Lets Spark read nanosecond Parquet timestamps as their raw INT64 instead of failing. */
  public static final String NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong";

  private InputTypes() {}

  /**
   * The type to request from a file whose column has type {@code found}, or null if the column
   * cannot stand for the declared type.
   *
   * @param nanos the column is a Parquet nanosecond timestamp (then {@code found} is its INT64)
   */
  public static DataType readType(DataType declared, DataType found, boolean nanos) {
    if (nanos) {
      return declared instanceof TimestampType ? DataTypes.LongType : null;
    }
    if (found.equals(declared)) {
      return declared;
    }
    if (declared instanceof TimestampType && found instanceof TimestampNTZType) {
      // Spark reads a zone-less Parquet timestamp requested as TIMESTAMP as the same instant in
      // UTC, independent of the session time zone.
      return declared;
    }
    if (declared.equals(DataTypes.DoubleType) && isNumeric(found)) {
      return found;
    }
    return null;
  }

  /** What a rejected type could have been instead, for the error message ("" if nothing). */
  public static String alternatives(DataType declared) {
    if (declared instanceof TimestampType) {
      return " (timestamp_ntz, read as UTC, and nanosecond timestamps are accepted too)";
    }
    if (declared.equals(DataTypes.DoubleType)) {
      return " (any numeric type is accepted and widened to double)";
    }
    return "";
  }

  /** Column {@code name}, read with {@code readType}, converted to the declared type. */
  public static Column convert(String name, DataType readType, DataType declared) {
    Column column = col(quoted(name));
    if (readType.equals(declared)) {
      return column.as(name);
    }
    if (declared instanceof TimestampType && readType instanceof LongType) {
      // Floor, not truncate: an instant just before a microsecond belongs to the one before.
      return timestamp_micros(
              expr(String.format("(%1$s - pmod(%1$s, 1000)) div 1000", quoted(name))))
          .as(name);
    }
    return column.cast(declared).as(name);
  }

  private static boolean isNumeric(DataType type) {
    return type instanceof ByteType
        || type instanceof ShortType
        || type instanceof IntegerType
        || type instanceof LongType
        || type instanceof FloatType
        || type instanceof DecimalType;
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
