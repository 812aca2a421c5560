package dev.funnel.io;

import dev.funnel.config.ConfigException;
import dev.funnel.config.OutputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code output_format: parquet}: a day of a table is the directory {@code
 * OUTPUT/<table>/as_of=YYYY-MM-DD}, swapped in by directory renames (atomic on local file systems
 * and HDFS, not on object stores).
 */
final class ParquetStore extends TableStore {
  private static final String PREFIX = "as_of=";

  ParquetStore(SparkSession spark, Configuration hadoop, String output) {
    super(spark, hadoop, output);
  }

  @Override
  public OutputFormat format() {
    return OutputFormat.PARQUET;
  }

  @Override
  public String location(String table, LocalDate day) {
    return TablePublisher.partition(output, table, day).toString();
  }

  @Override
  public boolean exists(String table, LocalDate day) {
    Path partition = TablePublisher.partition(output, table, day);
    try {
      return fs.exists(partition);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + partition, e);
    }
  }

  @Override
  public SortedSet<LocalDate> days(String table, LocalDate from, LocalDate to) {
    SortedSet<LocalDate> days = new TreeSet<>();
    try {
      for (FileStatus partition : partitions(table)) {
        LocalDate day = day(partition);
        if (day != null && !day.isBefore(from) && !day.isAfter(to)) {
          days.add(day);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tableDir(table), e);
    }
    return days;
  }

  @Override
  public Dataset<Row> read(String table, StructType schema, Collection<LocalDate> days) {
    String[] paths =
        days.stream()
            .distinct()
            .filter(day -> exists(table, day))
            .map(day -> TablePublisher.partition(output, table, day).toString())
            .toArray(String[]::new);
    if (paths.length == 0) {
      return spark.createDataFrame(List.of(), schema);
    }
    return spark.read().schema(schema).parquet(paths);
  }

  @Override
  void publishStaged(Path runDir, LocalDate day) throws IOException {
    Path replaced = new Path(runDir, TablePublisher.REPLACED);
    int renames = 0;
    for (FileStatus staged : fs.listStatus(runDir)) {
      String table = staged.getPath().getName();
      if (!staged.isDirectory() || table.startsWith("_")) {
        continue;
      }
      Path target = TablePublisher.partition(output, table, day);
      fs.mkdirs(target.getParent());
      if (fs.exists(target)) {
        fs.mkdirs(replaced);
        rename(target, new Path(replaced, table));
        HaltPoint.reach("between-renames:" + ++renames);
      }
      rename(staged.getPath(), target);
      HaltPoint.reach("between-renames:" + ++renames);
    }
    HaltPoint.reach("after-renames");
  }

  @Override
  List<LocalDate> deleteBefore(String table, LocalDate oldestKept) throws IOException {
    List<LocalDate> removed = new ArrayList<>();
    List<FileStatus> partitions = partitions(table);
    partitions.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus partition : partitions) {
      LocalDate day = day(partition);
      if (day != null && day.isBefore(oldestKept)) {
        if (!fs.delete(partition.getPath(), true)) {
          throw new IOException("could not delete " + partition.getPath());
        }
        removed.add(day);
      }
    }
    return removed;
  }

  @Override
  public void checkLayout(Collection<String> tables) {
    for (String table : tables) {
      ConfigException.check(
          !isDelta(table),
          "key '%s' is %s, but %s is a Delta table (written with output_format %s); one output"
              + " directory holds one format: set output_format back or use a new --output",
          OutputFormat.KEY,
          format().key(),
          tableDir(table),
          OutputFormat.DELTA.key());
    }
  }

  private List<FileStatus> partitions(String table) throws IOException {
    Path dir = tableDir(table);
    return fs.exists(dir) ? new ArrayList<>(List.of(fs.listStatus(dir))) : new ArrayList<>();
  }

  /** The day of a partition directory {@code as_of=YYYY-MM-DD}, or null for anything else. */
  private static LocalDate day(FileStatus partition) {
    String name = partition.getPath().getName();
    if (!partition.isDirectory() || !name.startsWith(PREFIX)) {
      return null;
    }
    try {
      return LocalDate.parse(name.substring(PREFIX.length()));
    } catch (DateTimeException e) {
      return null;
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }
}
