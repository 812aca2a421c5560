package dev.funnel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    CellRows.mergeRuns(
            sorted,
            2,
            run -> {
              long sum = run.stream().mapToLong(r -> r.getLong(2)).sum();
              return RowFactory.create(run.get(0).get(0), run.get(0).get(1), sum, run.size());
            })
        .forEachRemaining(r -> merged.add(r.mkString(" ")));
    assertEquals(List.of("week 1 7 2", "week 2 5 1", "month 2 21 3"), merged);
  }

  @Test
  void anEmptyPartitionHasNoCells() {
    assertEquals(
        false, CellRows.mergeRuns(List.<Row>of().iterator(), 2, run -> run.get(0)).hasNext());
  }
}
