package dev.funnel.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.ImportConfig;
import dev.funnel.csvimport.ColumnPlan;
import dev.funnel.csvimport.QuotedLineBreaks;
import dev.funnel.csvimport.RowParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code import} command's work: CSV exports in, canonical stage events ({@code
 * schemas/stage_events.json}) out as Parquet, every row accounted for.
 *
 * <p>Line numbers: each file is read as lines (Hadoop's text input, split at line breaks, so
 * numbering counts every physical line, blank ones included; the header is line 1) and indexed in
 * file order. Each line, decoded in the configured encoding, is prefixed with its number and an
 * encoding flag and handed to Spark's CSV reader with an explicit all-string schema, so every
 * parsed row knows its line. A quoted field cannot span lines this way: such a record's lines are
 * rejected as {@code wrong_field_count}.
 */
public final class CsvImport {
  /** Schema of {@code DIR/_rejected/}: one row per rejected input row. */
  public static final String REJECTED_TABLE = "import_rejected";

  private static final String LINE = "_line";
  private static final String VALID = "_valid";
  private static final String CORRUPT = "_corrupt";

  private final SparkSession spark;
  private final FunnelConfig funnel;
  private final ImportConfig config;
  private final List<JavaRDD<?>> cached = new ArrayList<>();

  /** An import of exports laid out as {@code config} says into {@code funnel}'s stage events. */
  public CsvImport(SparkSession spark, FunnelConfig funnel, ImportConfig config) {
    this.spark = spark;
    this.funnel = funnel;
    this.config = config;
  }

  /**
   * Row accounting of one file.
   *
   * @param file the file
   * @param columns canonical column to the header it was read from
   * @param rowsRead non-blank lines after the header
   * @param blankLines blank lines (not rows; skipped)
   * @param rowsUsed rows that yielded events
   * @param events events written
   * @param rejected rejected rows per reason
   */
  public record FileResult(
      String file,
      Map<String, String> columns,
      long rowsRead,
      long blankLines,
      long rowsUsed,
      long events,
      Map<String, Long> rejected) {
    /** Rejected rows of all reasons. */
    public long rowsRejected() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rows read = rows used + rows rejected. */
    public boolean accountingHolds() {
      return rowsRead == rowsUsed + rowsRejected();
    }
  }

  /**
   * What an import did.
   *
   * @param files per input file
   * @param output the output folder
   * @param examples the first rejected rows (file, line, reason, detail), at most five
   */
  public record Result(List<FileResult> files, String output, List<String> examples) {
    /** Rows read over all files. */
    public long rowsRead() {
      return files.stream().mapToLong(FileResult::rowsRead).sum();
    }

    /** Rows used over all files. */
    public long rowsUsed() {
      return files.stream().mapToLong(FileResult::rowsUsed).sum();
    }

    /** Rows rejected over all files. */
    public long rowsRejected() {
      return files.stream().mapToLong(FileResult::rowsRejected).sum();
    }

    /** Events written. */
    public long events() {
      return files.stream().mapToLong(FileResult::events).sum();
    }

    /** Rejected rows per reason over all files, by reason. */
    public Map<String, Long> rejectedByReason() {
      Map<String, Long> all = new TreeMap<>();
      for (FileResult f : files) {
        f.rejected().forEach((reason, n) -> all.merge(reason, n, Long::sum));
      }
      return all;
    }
  }

  /**
   * Reads every CSV file of {@code inputs} (files, or folders whose {@code .csv} files are read),
   * checks the row accounting and writes the events to {@code output} and the rejected rows to
   * {@code output/_rejected/} (both replaced when they exist; see {@link #mayWrite}).
   */
  public Result run(List<String> inputs, String output) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> files = files(inputs, hadoop);
    Dataset<Row> all = null;
    List<ColumnPlan> plans = new ArrayList<>();
    List<JavaRDD<String>> lines = new ArrayList<>();
    for (String file : files) {
      List<String> headers = header(file, hadoop);
      ColumnPlan plan;
      try {
        plan = ColumnPlan.resolve(headers, config, funnel.dimensions());
      } catch (IllegalArgumentException e) {
        throw InputException.of("input file %s: %s", file, e.getMessage());
      }
      plans.add(plan);
      JavaRDD<String> fileLines = numberedLines(file, hadoop);
      lines.add(fileLines);
      Dataset<Row> parsed = parse(file, plan, fileLines);
      all = all == null ? parsed : all.unionByName(parsed);
    }
    all = all.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<FileResult> results = account(files, plans, lines, all);
      for (FileResult r : results) {
        if (!r.accountingHolds()) {
          throw new IllegalStateException(
              String.format(
                  "row accounting does not hold for %s: %d rows read, %d used + %d rejected;"
                      + " nothing was written",
                  r.file(), r.rowsRead(), r.rowsUsed(), r.rowsRejected()));
        }
      }
      List<String> dims = funnel.dimensions();
      List<org.apache.spark.sql.Column> eventColumns = new ArrayList<>();
      for (String name : Schemas.load(Schemas.STAGE_EVENTS, dims).fieldNames()) {
        eventColumns.add(col(name));
      }
      all.where(col("reason").isNull())
          .select(eventColumns.toArray(new org.apache.spark.sql.Column[0]))
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(output);
      Dataset<Row> rejected =
          all.where(col("reason").isNotNull())
              .select(col("file"), col("line_number"), col("reason"), col("detail"));
      rejected.write().mode(SaveMode.Overwrite).parquet(output + "/_rejected");
      List<String> examples = new ArrayList<>();
      for (Row r : rejected.orderBy("file", "line_number").limit(5).collectAsList()) {
        examples.add(
            String.format(
                "%s line %d: %s (%s)",
                r.getString(0), r.getLong(1), r.getString(2), r.getString(3)));
      }
      return new Result(results, output, examples);
    } finally {
      all.unpersist();
      cached.forEach(JavaRDD::unpersist);
    }
  }

  private List<FileResult> account(
      List<String> files, List<ColumnPlan> plans, List<JavaRDD<String>> lines, Dataset<Row> all) {
    Map<String, Map<String, long[]>> byFile = new TreeMap<>();
    for (Row r :
        all.groupBy("file", "reason")
            .agg(count(lit(1)), sum(when(col("first_of_row"), 1L).otherwise(0L)))
            .collectAsList()) {
      byFile
          .computeIfAbsent(r.getString(0), f -> new TreeMap<>())
          .put(r.isNullAt(1) ? "" : r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
    }
    List<FileResult> results = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      String file = files.get(i);
      // Counted from the raw lines, independently of the CSV reader and the parser.
      long[] lineCounts =
          lines
              .get(i)
              .map(line -> isBlank(line) ? new long[] {0, 1} : new long[] {1, 0})
              .fold(new long[] {0, 0}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      Map<String, long[]> counts = byFile.getOrDefault(file, Map.of());
      long[] used = counts.getOrDefault("", new long[] {0, 0});
      Map<String, Long> rejected = new TreeMap<>();
      counts.forEach(
          (reason, c) -> {
            if (!reason.isEmpty()) {
              rejected.put(reason, c[1]);
            }
          });
      results.add(
          new FileResult(
              file,
              plans.get(i).described(),
              lineCounts[0],
              lineCounts[1],
              used[1],
              used[0],
              rejected));
    }
    return results;
  }

  /**
   * True when {@code output} may be written: it does not exist, is an empty folder, or holds an
   * earlier import (it has a {@code _rejected/} folder), which is then replaced. Anything else is
   * refused rather than deleted.
   */
  public static boolean mayWrite(String output, Configuration hadoop) {
    Path path = new Path(output);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        return true;
      }
      return fs.getFileStatus(path).isDirectory()
          && (fs.listStatus(path).length == 0 || fs.exists(new Path(path, "_rejected")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect output " + output, e);
    }
  }

  /** The files of the inputs, in order; folders give their {@code .csv} files, sorted. */
  private static List<String> files(List<String> inputs, Configuration hadoop) {
    List<String> files = new ArrayList<>();
    for (String input : inputs) {
      Path path = new Path(input);
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
          throw InputException.of("input path %s does not exist", input);
        }
        FileStatus status = fs.getFileStatus(path);
        if (status.isFile()) {
          files.add(status.getPath().toString());
          continue;
        }
        List<String> found = new ArrayList<>();
        for (FileStatus child : fs.listStatus(path)) {
          String name = child.getPath().getName();
          if (child.isFile() && name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            found.add(child.getPath().toString());
          }
        }
        if (found.isEmpty()) {
          throw InputException.of("input folder %s holds no .csv files", input);
        }
        found.sort(null);
        files.addAll(found);
      } catch (IOException e) {
        throw new InputException("cannot read input " + input + ": " + e.getMessage(), e);
      }
    }
    return files;
  }

  /** The header of a file: its first line, decoded, without a byte-order mark, split as CSV. */
  private List<String> header(String file, Configuration hadoop) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Path path = new Path(file);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      int b;
      while ((b = in.read()) >= 0 && b != '\n' && b != '\r') {
        bytes.write(b);
      }
    } catch (IOException e) {
      throw new InputException("cannot read input file " + file + ": " + e.getMessage(), e);
    }
    String line = decode(bytes.toByteArray(), bytes.size(), Charset.forName(config.encoding()));
    if (line == null) {
      throw InputException.of(
          "input file %s: the header line is not valid %s text (set import.encoding)",
          file, config.encoding());
    }
    line = stripBom(line);
    if (line.isBlank()) {
      throw InputException.of("input file %s has no header line (the first line is empty)", file);
    }
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(config.delimiter());
    settings.getFormat().setQuote('"');
    settings.getFormat().setQuoteEscape('"');
    settings.setMaxColumns(100_000);
    settings.setNullValue("");
    String[] cells = new CsvParser(settings).parseLine(line);
    List<String> headers = new ArrayList<>();
    for (String cell : cells) {
      headers.add(cell == null ? "" : cell.strip());
    }
    return headers;
  }

  /**
   * The file's lines after the header, each as {@code <line number><sep><flag><sep><line>}, in file
   * order; the flag is 1 for a good line, 0 when its bytes do not decode, 2 when it ends inside a
   * quoted field.
   */
  private JavaRDD<String> numberedLines(String file, Configuration hadoop) {
    String encoding = config.encoding();
    String sep = String.valueOf(config.delimiter());
    JavaRDD<String> decodedLines =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .newAPIHadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, hadoop)
            .map(
                pair -> {
                  Text text = pair._2();
                  byte[] raw = Arrays.copyOf(text.getBytes(), text.getLength());
                  String decoded = decode(raw, raw.length, Charset.forName(encoding));
                  if (decoded == null) {
                    return "0" + sep + new String(raw, Charset.forName(encoding));
                  }
                  return (QuotedLineBreaks.endsInsideQuotes(decoded, sep.charAt(0)) ? "2" : "1")
                      + sep
                      + decoded;
                });
    // Used three times (line index, counts, parse): read from the source once.
    decodedLines.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(decodedLines);
    return decodedLines
        .zipWithIndex()
        .filter(line -> line._2() > 0)
        .map(line -> (line._2() + 1) + sep + line._1());
  }

  /** True when a numbered line ({@code <number><sep><flag><sep><line>}) has a blank line. */
  private static boolean isBlank(String numbered) {
    int digits = 0;
    while (digits < numbered.length() && Character.isDigit(numbered.charAt(digits))) {
      digits++;
    }
    return numbered.substring(digits + 3).isBlank();
  }

  private Dataset<Row> parse(String file, ColumnPlan plan, JavaRDD<String> numbered) {
    StructType schema =
        new StructType()
            .add(LINE, DataTypes.LongType, false)
            .add(VALID, DataTypes.IntegerType, false);
    for (int i = 0; i < plan.width(); i++) {
      schema = schema.add("c" + i, DataTypes.StringType, true);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType, true);
    Dataset<String> text =
        spark.createDataset(numbered.filter(line -> !isBlank(line)).rdd(), Encoders.STRING());
    Dataset<Row> rows =
        spark
            .read()
            .schema(schema)
            .option("header", "false")
            .option("sep", String.valueOf(config.delimiter()))
            .option("quote", "\"")
            .option("escape", "\"")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .csv(text);
    StructType out = outputSchema();
    return rows.mapPartitions(
        new ParseRows(file, new RowParser(config, funnel.stages(), plan), plan.width()),
        Encoders.row(out));
  }

  private StructType outputSchema() {
    StructType schema =
        new StructType()
            .add("file", DataTypes.StringType, false)
            .add("line_number", DataTypes.LongType, false)
            .add("first_of_row", DataTypes.BooleanType, false)
            .add("lead_id", DataTypes.StringType, true)
            .add("stage", DataTypes.StringType, true)
            .add("entered_at", DataTypes.TimestampType, true)
            .add("amount", DataTypes.DoubleType, true);
    for (String dimension : funnel.dimensions()) {
      schema = schema.add(dimension, DataTypes.StringType, true);
    }
    return schema
        .add("reason", DataTypes.StringType, true)
        .add("detail", DataTypes.StringType, true);
  }

  /** Decodes bytes strictly; null when they are not valid in the charset. */
  static String decode(byte[] bytes, int length, Charset charset) {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String stripBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /** Parses each CSV row with the plain-Java {@link RowParser}: its events or its rejection. */
  private static final class ParseRows implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final RowParser parser;
    private final int width;

    ParseRows(String file, RowParser parser, int width) {
      this.file = file;
      this.parser = parser;
      this.width = width;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      // Lazily, one input row at a time: a partition never sits in memory.
      return new Iterator<>() {
        private Iterator<Row> pending = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!pending.hasNext() && rows.hasNext()) {
            pending = expand(rows.next()).iterator();
          }
          return pending.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return pending.next();
        }
      };
    }

    private List<Row> expand(Row row) {
      long line = row.getLong(0);
      int flag = row.getInt(1);
      String[] cells = new String[width];
      for (int i = 0; i < width; i++) {
        cells[i] = row.getString(2 + i);
      }
      boolean fieldsMatch = row.isNullAt(2 + width);
      RowParser.Result result = parser.parse(cells, flag != 0, flag != 2, fieldsMatch);
      List<Row> out = new ArrayList<>();
      if (result.isRejected()) {
        out.add(
            row(
                line,
                true,
                null,
                null,
                null,
                null,
                new String[0],
                result.reason(),
                result.detail()));
        return out;
      }
      boolean first = true;
      for (RowParser.Event e : result.events()) {
        out.add(
            row(
                line,
                first,
                e.leadId(),
                e.stage(),
                Timestamp.from(e.enteredAt()),
                e.amount(),
                e.dimensions(),
                null,
                null));
        first = false;
      }
      return out;
    }

    private Row row(
        long line,
        boolean first,
        String leadId,
        String stage,
        Timestamp at,
        Double amount,
        String[] dims,
        String reason,
        String detail) {
      int dimCount = parser.dimensionCount();
      Object[] values = new Object[9 + dimCount];
      values[0] = file;
      values[1] = line;
      values[2] = first;
      values[3] = leadId;
      values[4] = stage;
      values[5] = at;
      values[6] = amount;
      for (int d = 0; d < dimCount; d++) {
        values[7 + d] = d < dims.length ? dims[d] : null;
      }
      values[7 + dimCount] = reason;
      values[8 + dimCount] = detail;
      return RowFactory.create(values);
    }
  }
}
