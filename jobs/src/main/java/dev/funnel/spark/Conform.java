package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Shapes a result to a declared table schema: its columns, in its order, with its types. */
public final class Conform {
  private Conform() {}

  /** Selects the schema's columns in order, cast to the declared types. */
  public static Dataset<Row> toSchema(Dataset<Row> rows, StructType schema) {
    Column[] columns = Arrays.stream(schema.fields()).map(Conform::column).toArray(Column[]::new);
    return rows.select(columns);
  }

  private static Column column(StructField field) {
    return col("`" + field.name() + "`").cast(field.dataType()).as(field.name(), field.metadata());
  }
}
