package dev.funnel.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the input before any heavy work, from the Parquet footers alone: every data file must be
 * readable Parquet and carry the required columns with the declared types, or with an alternative
 * that {@link InputTypes} accepts. Each problem is an {@link InputException} naming the path, the
 * column, what was expected and what was found.
 */
public final class InputValidator {
  private static final Pattern PARTITION_DIRECTORY = Pattern.compile("[^=/]+=[^/]*");

  private InputValidator() {}

  /**
   * What the validation found.
   *
   * @param files data files
   * @param rows rows according to the footers
   * @param hivePartitioned every directory below the root is a {@code key=value} partition
   * @param groups the files grouped by the schema to read them with: one group when every file
   *     stores the declared types (or the same accepted alternatives)
   * @param nanosecondTimestamps some file stores a nanosecond timestamp, which Spark reads only as
   *     its INT64 ({@link InputTypes#NANOS_AS_LONG})
   * @param inputs every data file with its size, modification time and earliest entered_at, in the
   *     order of {@code files}
   */
  public record Listing(
      List<Path> files,
      long rows,
      boolean hivePartitioned,
      List<FileGroup> groups,
      boolean nanosecondTimestamps,
      List<InputFile> inputs) {}

  /**
   * Files read with one schema: the declared columns, each with the type requested from these files
   * (see {@link InputTypes}).
   */
  public record FileGroup(StructType readSchema, List<Path> files) {}

  /**
   * Validates every data file under {@code root} against the declared schema.
   *
   * @param required columns that must be present (others may be missing in some files)
   */
  public static Listing validate(
      Configuration hadoop, String root, StructType declared, Set<String> required) {
    Path rootPath = new Path(root);
    FileSystem fs;
    try {
      fs = rootPath.getFileSystem(hadoop);
      if (!fs.exists(rootPath)) {
        throw InputException.of(
            "input path %s does not exist (pass --input the directory of Parquet stage events)",
            root);
      }
    } catch (IOException e) {
      throw new InputException("input path " + root + " cannot be read: " + e.getMessage(), e);
    }
    List<FileStatus> statuses = new ArrayList<>();
    boolean[] hive = {true};
    int[] directories = {0};
    list(fs, rootPath, rootPath, statuses, hive, directories);
    List<Path> files = statuses.stream().map(FileStatus::getPath).toList();
    if (files.isEmpty()) {
      throw InputException.of(
          "input %s holds no Parquet data files (%d directories, no files); expected a directory"
              + " of Parquet files with columns lead_id, stage, entered_at",
          root, directories[0]);
    }
    // Convert footers as the reader will see them: nanosecond timestamps as their INT64.
    SQLConf conf = SQLConf.get().clone();
    conf.setConfString(InputTypes.NANOS_AS_LONG, "true");
    ParquetToSparkSchemaConverter converter = new ParquetToSparkSchemaConverter(conf);
    Map<StructType, List<Path>> groups = new LinkedHashMap<>();
    boolean nanos = false;
    long rows = 0;
    List<InputFile> inputs = new ArrayList<>();
    for (FileStatus status : statuses) {
      Path file = status.getPath();
      ParquetMetadata footer = footer(fs, hadoop, file);
      inputs.add(
          new InputFile(
              fs.makeQualified(file).toString(),
              status.getLen(),
              java.time.Instant.ofEpochMilli(status.getModificationTime()),
              earliestEnteredAt(footer)));
      rows += footer.getBlocks().stream().mapToLong(b -> b.getRowCount()).sum();
      MessageType parquetSchema = footer.getFileMetaData().getSchema();
      StructType readSchema =
          readSchema(file, converter.convert(parquetSchema), parquetSchema, declared, required);
      nanos |= hasNanosecondTimestamp(parquetSchema, declared);
      groups.computeIfAbsent(readSchema, k -> new ArrayList<>()).add(file);
    }
    if (rows == 0) {
      throw InputException.of(
          "input %s has no rows (%d Parquet files, all empty); nothing to compute",
          root, files.size());
    }
    List<FileGroup> fileGroups = new ArrayList<>();
    groups.forEach((schema, groupFiles) -> fileGroups.add(new FileGroup(schema, groupFiles)));
    return new Listing(
        List.copyOf(files), rows, hive[0], List.copyOf(fileGroups), nanos, List.copyOf(inputs));
  }

  private static void list(
      FileSystem fs,
      Path root,
      Path dir,
      List<FileStatus> files,
      boolean[] hive,
      int[] directories) {
    FileStatus[] children;
    try {
      children = fs.listStatus(dir);
    } catch (IOException e) {
      throw new InputException(
          "input directory " + dir + " cannot be listed: " + e.getMessage(), e);
    }
    for (FileStatus child : children) {
      String name = child.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue; // Spark ignores these too (_SUCCESS, .crc, _truth.json)
      }
      if (child.isDirectory()) {
        directories[0]++;
        hive[0] &= PARTITION_DIRECTORY.matcher(name).matches();
        list(fs, root, child.getPath(), files, hive, directories);
      } else {
        files.add(child);
      }
    }
  }

  /**
   * The smallest entered_at of a file from its row groups' statistics, or null when the footer
   * cannot prove it: a row group without statistics, a null entered_at, or a physical type other
   * than an INT64 timestamp (INT96 files carry no usable statistics).
   */
  static java.time.Instant earliestEnteredAt(ParquetMetadata footer) {
    MessageType schema = footer.getFileMetaData().getSchema();
    if (!schema.containsField("entered_at")) {
      return null;
    }
    Type type = schema.getType("entered_at");
    if (!type.isPrimitive()
        || type.asPrimitiveType().getPrimitiveTypeName()
            != org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64
        || !(type.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp)) {
      return null;
    }
    Long min = null;
    for (var block : footer.getBlocks()) {
      if (block.getRowCount() == 0) {
        continue;
      }
      org.apache.parquet.column.statistics.Statistics<?> stats = null;
      for (var column : block.getColumns()) {
        if (column.getPath().toDotString().equals("entered_at")) {
          stats = column.getStatistics();
        }
      }
      if (stats == null
          || stats.isEmpty()
          || !stats.isNumNullsSet()
          || stats.getNumNulls() > 0
          || !stats.hasNonNullValue()) {
        return null;
      }
      long blockMin = ((Number) stats.genericGetMin()).longValue();
      min = min == null ? blockMin : Math.min(min, blockMin);
    }
    if (min == null) {
      return null;
    }
    return switch (timestamp.getUnit()) {
      case MILLIS -> java.time.Instant.ofEpochMilli(min);
      case MICROS -> dev.funnel.calendar.FunnelCalendar.toInstant(min);
      // Floored to the microsecond, as the reader floors the values themselves.
      case NANOS -> dev.funnel.calendar.FunnelCalendar.toInstant(Math.floorDiv(min, 1000L));
    };
  }

  private static ParquetMetadata footer(FileSystem fs, Configuration hadoop, Path file) {
    try {
      long length = fs.getFileStatus(file).getLen();
      if (length == 0) {
        throw InputException.of(
            "input file %s is empty (0 bytes), expected a Parquet file; remove it or re-export it",
            file);
      }
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
        return reader.getFooter();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InputException inputException) {
        throw inputException;
      }
      throw new InputException(
          "input file "
              + file
              + " is not a readable Parquet file (not Parquet, or truncated): "
              + firstLine(e.getMessage()),
          e);
    }
  }

  /** The schema to read {@code file} with, or an {@link InputException} for its first problem. */
  private static StructType readSchema(
      Path file,
      StructType found,
      MessageType parquetSchema,
      StructType declared,
      Set<String> required) {
    StructType read = new StructType();
    for (StructField expected : declared.fields()) {
      StructField actual = find(found, expected.name());
      if (actual == null) {
        if (required.contains(expected.name())) {
          throw InputException.of(
              "input file %s: column '%s' is missing (expected %s; found columns %s)",
              file,
              expected.name(),
              expected.dataType().simpleString(),
              String.join(", ", found.fieldNames()));
        }
        read = read.add(expected);
        continue;
      }
      DataType readType =
          InputTypes.readType(
              expected.dataType(),
              actual.dataType(),
              isNanosecondTimestamp(parquetSchema, expected.name()));
      if (readType == null) {
        throw InputException.of(
            "input file %s: column '%s' has type %s, expected %s%s",
            file,
            expected.name(),
            actual.dataType().simpleString(),
            expected.dataType().simpleString(),
            InputTypes.alternatives(expected.dataType()));
      }
      read = read.add(expected.name(), readType, true, expected.metadata());
    }
    return read;
  }

  private static boolean hasNanosecondTimestamp(MessageType parquetSchema, StructType declared) {
    for (String name : declared.fieldNames()) {
      if (isNanosecondTimestamp(parquetSchema, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNanosecondTimestamp(MessageType parquetSchema, String name) {
    if (!parquetSchema.containsField(name)) {
      return false;
    }
    Type type = parquetSchema.getType(name);
    return type.isPrimitive()
        && type.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp
        && timestamp.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS;
  }

  private static StructField find(StructType schema, String name) {
    for (StructField field : schema.fields()) {
      if (field.name().equals(name)) {
        return field;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
