package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.calendar.Grain;
import dev.funnel.io.Schemas;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The two row-level halves of the per-partition cell aggregations ({@link TimeInStageTable}, {@link
 * SlaTables}): the cohort cells a fact row counts in (the row-by-row form of {@link
 * Cohorts#cells}), and, after the shuffle, the runs of partial rows that belong to one cell.
 */
final class CellRows {
  private CellRows() {}

  /** Receives one cell of a fact row. */
  @FunctionalInterface
  interface CellSink {
    /** One cell: grain label, period start (epoch day), dimension and its value. */
    void accept(String grain, int cohortDay, String dimension, String dimensionValue);
  }

  /**
   * The columns {@link #forEachCell} reads, to be selected after the caller's own: each grain's
   * period start, then each first-touch dimension value.
   */
  static List<Column> columns(List<Grain> grains, int dimensionCount) {
    List<Column> columns = new ArrayList<>();
    for (Grain grain : grains) {
      columns.add(col(VisitFacts.periodStart(grain)));
    }
    for (int d = 0; d < dimensionCount; d++) {
      columns.add(col(VisitFacts.dimension(d)));
    }
    return columns;
  }

  /**
   * Calls {@code sink} for every cell of {@code row} ({@link Cohorts#fanOut}), whose {@link
   * #columns} start at {@code first}.
   */
  static void forEachCell(
      Row row, int first, List<Grain> grains, List<String> dimensions, CellSink sink) {
    forEachCell(row, first, grains.size(), Cohorts.fanOut(grains, dimensions), sink);
  }

  /**
   * {@link #forEachCell(Row, int, List, List, CellSink)} with the fan-out computed once per
   * partition rather than per row.
   */
  static void forEachCell(
      Row row, int first, int grainCount, List<Cohorts.Cell> fanOut, CellSink sink) {
    int firstDimension = first + grainCount;
    for (Cohorts.Cell cell : fanOut) {
      int day = row.getInt(first + cell.grainIndex());
      String value =
          cell.total() ? Schemas.ALL : row.getString(firstDimension + cell.dimensionIndex());
      sink.accept(cell.grain().label(), day, cell.dimension(), value);
    }
  }

  /** Folds the partial rows of one cell into its summary row. */
  interface CellMerge<A> {
    /** A fresh accumulator for a cell. */
    A start();

    /** Adds one partial row of the cell. */
    void add(A accumulator, Row partial);

    /** The cell's summary row; {@code cell} is its first partial row (for the key columns). */
    Row finish(Row cell, A accumulator);
  }

  /**
   * One summary row per run of consecutive rows with equal first {@code keyWidth} columns; the rows
   * must be sorted (or at least clustered) by those columns. Each partial row is folded in as it
   * comes, so a cell's partial rows are never all held at once.
   */
  static <A> Iterator<Row> mergeRuns(Iterator<Row> sorted, int keyWidth, CellMerge<A> merge) {
    List<Row> out = new ArrayList<>();
    Row cell = null;
    A accumulator = null;
    while (sorted.hasNext()) {
      Row row = sorted.next();
      if (cell != null && !sameKey(cell, row, keyWidth)) {
        out.add(merge.finish(cell, accumulator));
        cell = null;
      }
      if (cell == null) {
        cell = row;
        accumulator = merge.start();
      }
      merge.add(accumulator, row);
    }
    if (cell != null) {
      out.add(merge.finish(cell, accumulator));
    }
    return out.iterator();
  }

  /** A summary row: the first {@code keyWidth} columns of {@code cell}, then {@code values}. */
  static Row keyThen(Row cell, int keyWidth, Object... values) {
    Object[] out = new Object[keyWidth + values.length];
    for (int i = 0; i < keyWidth; i++) {
      out[i] = cell.get(i);
    }
    System.arraycopy(values, 0, out, keyWidth, values.length);
    return RowFactory.create(out);
  }

  private static boolean sameKey(Row a, Row b, int keyWidth) {
    for (int i = 0; i < keyWidth; i++) {
      if (!Objects.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
