package dev.funnel.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes a table's old as-of partitions, through Hadoop's FileSystem (HDFS, object stores). */
public final class PartitionRetention {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionRetention.class);
  private static final String PREFIX = "as_of=";

  private PartitionRetention() {}

  /**
   * Deletes {@code OUTPUT/<table>/as_of=D} for every D strictly before {@code asOf - keepDays};
   * later partitions (the run's own, and any newer day's) and anything not named {@code
   * as_of=YYYY-MM-DD} are left alone. Call it while holding the output lock, after the run's
   * publication. Returns the removed days, oldest first.
   */
  public static List<LocalDate> apply(
      Configuration hadoop, String output, String table, LocalDate asOf, int keepDays) {
    if (keepDays < 0) {
      throw new IllegalArgumentException("keepDays must not be negative, got " + keepDays);
    }
    LocalDate oldestKept = asOf.minusDays(keepDays);
    Path tableDir = new Path(output, table);
    List<LocalDate> removed = new ArrayList<>();
    try {
      FileSystem fs = tableDir.getFileSystem(hadoop);
      if (!fs.exists(tableDir)) {
        return removed;
      }
      List<FileStatus> partitions = new ArrayList<>(List.of(fs.listStatus(tableDir)));
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
    } catch (IOException e) {
      throw new UncheckedIOException("cannot apply the retention of " + tableDir, e);
    }
    if (!removed.isEmpty()) {
      LOG.info(
          "removed {} {} partition(s) before {} (retention {} days): {}",
          removed.size(),
          table,
          oldestKept,
          keepDays,
          removed);
    }
    return removed;
  }

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
}
