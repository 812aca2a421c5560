package dev.funnel.spark;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One output table of the nightly run: its name (and schema file), whether it is a core table, how
 * many files it is written as, and how its rows are built from the run's context. The job ({@code
 * NightlyJob.TABLES}) is an ordered list of these; adding a table is one class with a {@code
 * build(RunContext)} method and one {@link #core}/{@link #full} line there.
 */
public interface OutputTable {
  /** {@link #files()}: as many files as the last stage has tasks (large tables, no shuffle). */
  int FILE_PER_TASK = 0;

  /** {@link #files()}: exactly one file (small aggregate tables). */
  int ONE_FILE = 1;

  /**
   * The table name: its folder under the output and its schema file {@code schemas/<name>.json}.
   */
  String name();

  /** A core table is written by {@code --core-only} runs too; the others only by full runs. */
  boolean core();

  /** The number of files to write: {@link #FILE_PER_TASK}, {@link #ONE_FILE} or more. */
  int files();

  /**
   * The table's rows, shaped to {@link #schema}. Lazy: nothing runs until the publisher writes it.
   * Intermediates shared with another table come from {@link RunContext#shared}.
   */
  Dataset<Row> build(RunContext run);

  /**
   * The declared schema of the table for this run's configuration: {@link #schema(String,
   * FunnelConfig)}.
   */
  default StructType schema(RunContext run) {
    return schema(name(), run.config());
  }

  /**
   * The declared schema of a table: {@code schemas/<table>.json}, followed by one column per
   * configured dimension for the tables of {@link Schemas#WITH_DIMENSION_COLUMNS}.
   */
  static StructType schema(String table, FunnelConfig config) {
    return Schemas.WITH_DIMENSION_COLUMNS.contains(table)
        ? Schemas.load(table, config.dimensions())
        : Schemas.load(table);
  }

  /** A core table, written by every run. */
  static OutputTable core(String name, int files, Function<RunContext, Dataset<Row>> build) {
    return new Defined(name, true, files, build);
  }

  /** A table written by full runs only (not by {@code --core-only}). */
  static OutputTable full(String name, int files, Function<RunContext, Dataset<Row>> build) {
    return new Defined(name, false, files, build);
  }

  /** A table given by its name, kind, file count and build function. */
  record Defined(String name, boolean core, int files, Function<RunContext, Dataset<Row>> builder)
      implements OutputTable {
    /** Checks the arguments. */
    public Defined {
      Objects.requireNonNull(name);
      Objects.requireNonNull(builder);
      if (files < 0) {
        throw new IllegalArgumentException("files must be 0 (one per task) or more: " + files);
      }
    }

    @Override
    public Dataset<Row> build(RunContext run) {
      return builder.apply(run);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
