package dev.funnel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.funnel.calendar.Grain;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The row-level cell fan-out and run merging, on plain rows (no Spark session). */
class CellRowsTest {
  @Test
  void aFactCountsInTheTotalAndOneBreakdownPerDimensionOfEachGrain() {
    // stage, hours, week_start, month_start, dim_0, dim_1
    Row fact = RowFactory.create(1, 2.5, 20_100, 20_089, "web", "smb");
    List<String> cells = new ArrayList<>();
    CellRows.forEachCell(
        fact,
        2,
        List.of(Grain.WEEK, Grain.MONTH),
        List.of("source", "segment"),
        (grain, day, dimension, value) ->
            cells.add(grain + " " + day + " " + dimension + "=" + value));
    assertEquals(
        List.of(
            "week 20100 (all)=(all)",
            "week 20100 source=web",
            "week 20100 segment=smb",
            "month 20089 (all)=(all)",
            "month 20089 source=web",
            "month 20089 segment=smb"),
        cells);
  }

  /** Sums column 2 of a cell's partial rows and counts them. */
  private static final CellRows.CellMerge<long[]> SUM =
      new CellRows.CellMerge<>() {
        @Override
        public long[] start() {
          return new long[2];
        }

        @Override
        public void add(long[] sumAndCount, Row partial) {
          sumAndCount[0] += partial.getLong(2);
          sumAndCount[1]++;
        }

        @Override
        public Row finish(Row cell, long[] sumAndCount) {
          return RowFactory.create(cell.get(0), cell.get(1), sumAndCount[0], sumAndCount[1]);
        }
      };

  @Test
  void consecutiveRowsWithTheSameKeyMergeIntoOne() {
    Iterator<Row> sorted =
        List.of(
                RowFactory.create("week", 1, 3L),
                RowFactory.create("week", 1, 4L),
                RowFactory.create("week", 2, 5L),
                RowFactory.create("month", 2, 6L),
                RowFactory.create("month", 2, 7L),
                RowFactory.create("month", 2, 8L))
            .iterator();
    List<String> merged = new ArrayList<>();
    CellRows.mergeRuns(sorted, 2, SUM).forEachRemaining(r -> merged.add(r.mkString(" ")));
    assertEquals(List.of("week 1 7 2", "week 2 5 1", "month 2 21 3"), merged);
  }

  @Test
  void anEmptyPartitionHasNoCells() {
    assertFalse(CellRows.mergeRuns(List.<Row>of().iterator(), 2, SUM).hasNext());
  }
}
