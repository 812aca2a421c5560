package dev.funnel.io;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Reads back one published day of a table, with the table's declared schema, in any format. */
public final class PublishedTable {
  private PublishedTable() {}

  /** A published table day that does not exist. */
  public static final class MissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingException(String message) {
      super(message);
    }
  }

  /** True when the store holds the day {@code asOf} of {@code table}. */
  public static boolean exists(TableStore store, String table, LocalDate asOf) {
    return store.exists(table, asOf);
  }

  /**
   * The rows of the day {@code asOf} of {@code table} read with {@code schemas/<table>.json}.
   *
   * @throws MissingException when the run wrote no such day
   */
  public static Dataset<Row> read(TableStore store, String table, LocalDate asOf) {
    return read(store, table, Schemas.load(table), asOf);
  }

  /**
   * The rows of the day {@code asOf} of {@code table} read with the given declared schema (that of
   * a table with dimension columns).
   *
   * @throws MissingException when the run wrote no such day
   */
  public static Dataset<Row> read(
      TableStore store, String table, StructType schema, LocalDate asOf) {
    if (!exists(store, table, asOf)) {
      throw new MissingException(
          "the run wrote no " + table + " table: " + store.location(table, asOf) + " is missing");
    }
    return store.read(table, schema, List.of(asOf));
  }
}
