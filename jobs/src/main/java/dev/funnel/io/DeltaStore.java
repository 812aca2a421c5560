package dev.funnel.io;

import static org.apache.spark.sql.functions.col;

import dev.funnel.config.ConfigException;
import dev.funnel.config.OutputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code output_format: delta}: each table is a Delta table {@code OUTPUT/<table>} partitioned by
 * {@code as_of}; a run replaces its day of a table in one commit ({@code replaceWhere as_of =
 * DAY}), which is atomic wherever the Delta log is (object stores included). Delta has no
 * cross-table transaction: a crash between two tables' commits leaves each table whole, some with
 * the new day; the commit marker in staging lets the next run re-commit every table of the
 * interrupted run, and the run manifest is written only after all the commits.
 *
 * <p>A day with no rows leaves no trace in a Delta table, so a table holds a day when it has rows
 * of that day, or when the day's run manifest lists the table with zero rows.
 */
final class DeltaStore extends TableStore {
  /** The transaction log directory of a Delta table. */
  static final String LOG = "_delta_log";

  private static final String AS_OF = "as_of";

  DeltaStore(SparkSession spark, Configuration hadoop, String output) {
    super(spark, hadoop, output);
  }

  @Override
  public OutputFormat format() {
    return OutputFormat.DELTA;
  }

  @Override
  public String location(String table, LocalDate day) {
    return tableDir(table) + " (Delta, as_of = " + day + ")";
  }

  @Override
  public boolean exists(String table, LocalDate day) {
    if (!isDelta(table)) {
      return false;
    }
    return !table(table).where(col(AS_OF).equalTo(Date.valueOf(day))).limit(1).isEmpty()
        || listedEmpty(table, day);
  }

  @Override
  public SortedSet<LocalDate> days(String table, LocalDate from, LocalDate to) {
    SortedSet<LocalDate> days = rowDays(table, from, to);
    if (!isDelta(table)) {
      return days;
    }
    for (LocalDate day : manifestDays(from, to)) {
      if (!days.contains(day) && listedEmpty(table, day)) {
        days.add(day);
      }
    }
    return days;
  }

  @Override
  public Dataset<Row> read(String table, StructType schema, Collection<LocalDate> days) {
    if (days.isEmpty() || !isDelta(table)) {
      return spark.createDataFrame(List.of(), schema);
    }
    Object[] dates = days.stream().distinct().map(Date::valueOf).toArray();
    return declared(table(table).where(col(AS_OF).isin(dates)), table, schema);
  }

  @Override
  void publishStaged(Path runDir, LocalDate day) throws IOException {
    List<FileStatus> staged = new ArrayList<>(Arrays.asList(fs.listStatus(runDir)));
    staged.sort(Comparator.comparing(s -> s.getPath().getName()));
    int commits = 0;
    for (FileStatus status : staged) {
      String table = status.getPath().getName();
      if (!status.isDirectory() || table.startsWith("_")) {
        continue;
      }
      spark
          .read()
          .parquet(status.getPath().toString())
          .write()
          .format("delta")
          .mode(SaveMode.Overwrite)
          .partitionBy(AS_OF)
          .option("replaceWhere", dayPredicate(day))
          // A new dimension adds a (nullable) column to the tables that carry dimensions.
          .option("mergeSchema", "true")
          .save(tableDir(table).toString());
      HaltPoint.reach("between-commits:" + ++commits);
    }
    HaltPoint.reach("after-commits");
  }

  @Override
  List<LocalDate> deleteBefore(String table, LocalDate oldestKept) {
    if (!isDelta(table)) {
      return List.of();
    }
    List<LocalDate> removed = new ArrayList<>(rowDays(table, null, oldestKept.minusDays(1)));
    if (!removed.isEmpty()) {
      // Removes the days from the table's current version; their files stay until VACUUM.
      spark.sql(
          "DELETE FROM delta.`"
              + tableDir(table).toString().replace("`", "``")
              + "` WHERE as_of < DATE'"
              + oldestKept
              + "'");
    }
    return removed;
  }

  @Override
  public void checkLayout(Collection<String> tables) {
    for (String table : tables) {
      Path dir = tableDir(table);
      boolean parquet;
      try {
        parquet =
            fs.exists(dir)
                && !isDelta(table)
                && Arrays.stream(fs.listStatus(dir))
                    .anyMatch(s -> s.getPath().getName().startsWith(AS_OF + "="));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot look into " + dir, e);
      }
      ConfigException.check(
          !parquet,
          "key '%s' is %s, but %s holds Parquet partitions (written with output_format %s); one"
              + " output directory holds one format: set output_format back or use a new --output",
          OutputFormat.KEY,
          format().key(),
          dir,
          OutputFormat.PARQUET.key());
    }
  }

  /** The predicate that selects one day of a table, as {@code replaceWhere} takes it. */
  static String dayPredicate(LocalDate day) {
    return AS_OF + " = DATE'" + day + "'";
  }

  private Dataset<Row> table(String table) {
    return spark.read().format("delta").load(tableDir(table).toString());
  }

  /**
   * The declared columns of a Delta table's rows, by name and cast to their declared types (Delta
   * reads with the schema in its log and takes no schema from the reader).
   */
  private static Dataset<Row> declared(Dataset<Row> rows, String table, StructType schema) {
    Set<String> present = Set.of(rows.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (!present.contains(field.name())) {
        throw new IllegalStateException(
            "Delta table " + table + " has no column " + field.name() + " of its declared schema");
      }
      columns.add(col(field.name()).cast(field.dataType()).as(field.name(), field.metadata()));
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /** The days with rows between {@code from} (null: no bound) and {@code to}, inclusive. */
  private SortedSet<LocalDate> rowDays(String table, LocalDate from, LocalDate to) {
    SortedSet<LocalDate> days = new TreeSet<>();
    if (!isDelta(table)) {
      return days;
    }
    Column range = col(AS_OF).leq(Date.valueOf(to));
    if (from != null) {
      range = range.and(col(AS_OF).geq(Date.valueOf(from)));
    }
    // as_of is the partition column: Spark answers from the log's file list, reading no data.
    for (Row r : table(table).where(range).select(AS_OF).distinct().collectAsList()) {
      days.add(r.getDate(0).toLocalDate());
    }
    return days;
  }

  /** The days between {@code from} and {@code to} that have a run manifest. */
  private List<LocalDate> manifestDays(LocalDate from, LocalDate to) {
    Path runs = RunManifest.path(output.toString(), from).getParent();
    List<LocalDate> days = new ArrayList<>();
    try {
      if (!fs.exists(runs)) {
        return days;
      }
      for (FileStatus status : fs.listStatus(runs)) {
        String name = status.getPath().getName();
        if (status.isFile() && name.matches("\\d{4}-\\d{2}-\\d{2}\\.json")) {
          LocalDate day = LocalDate.parse(name.substring(0, 10));
          if (!day.isBefore(from) && !day.isAfter(to)) {
            days.add(day);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runs, e);
    }
    return days;
  }

  /** Whether the day's run manifest lists the table with zero rows. */
  private boolean listedEmpty(String table, LocalDate day) {
    Path manifest = RunManifest.path(output.toString(), day);
    try {
      if (!fs.exists(manifest)) {
        return false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + manifest, e);
    }
    Object tables = RunManifest.read(hadoop, output.toString(), day).get("tables");
    return tables instanceof Map<?, ?> rows
        && rows.get(table) instanceof Number n
        && n.longValue() == 0;
  }
}
