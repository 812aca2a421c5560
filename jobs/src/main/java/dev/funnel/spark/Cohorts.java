package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Cohort cells: every fact counts once per grain (week, month) and once per breakdown (the total
 * {@code (all)} row and one row per dimension, never cross products).
 */
public final class Cohorts {
  /** The grains of the core tables, in output order. */
  public static final List<Grain> CORE_GRAINS = List.of(Grain.WEEK, Grain.MONTH);

  private Cohorts() {}

  /**
   * One cohort cell a fact counts in: a grain and a breakdown.
   *
   * @param grain the period length
   * @param grainIndex position of the grain in the list given to {@link #fanOut}
   * @param dimension the dimension's name, or {@link Schemas#ALL} for the total row
   * @param dimensionIndex position of the dimension in the configuration, or -1 for the total row
   */
  public record Cell(Grain grain, int grainIndex, String dimension, int dimensionIndex) {
    /** The total row of its grain. */
    public boolean total() {
      return dimensionIndex < 0;
    }
  }

  /**
   * The breakdown fan-out, the one definition of which cells a fact counts in: per grain (in the
   * given order), the total row and then one row per dimension (configuration order), never cross
   * products.
   */
  public static List<Cell> fanOut(List<Grain> grains, List<String> dimensions) {
    List<Cell> cells = new ArrayList<>();
    for (int g = 0; g < grains.size(); g++) {
      cells.add(new Cell(grains.get(g), g, Schemas.ALL, -1));
      for (int d = 0; d < dimensions.size(); d++) {
        cells.add(new Cell(grains.get(g), g, dimensions.get(d), d));
      }
    }
    return List.copyOf(cells);
  }

  /**
   * An array of cell structs (grain, cohort_day, dimension, dimension_value) of {@link #fanOut} for
   * a {@link VisitFacts} row (period starts from {@link VisitFacts#periodStart}, values from {@link
   * VisitFacts#dimension}); explode it with {@code inline}.
   */
  public static Column cells(List<Grain> grains, List<String> dimensions) {
    List<Column> cells = new ArrayList<>();
    for (Cell c : fanOut(grains, dimensions)) {
      Column day = col(VisitFacts.periodStart(c.grain()));
      Column value = c.total() ? lit(Schemas.ALL) : col(VisitFacts.dimension(c.dimensionIndex()));
      cells.add(cell(c.grain(), day, lit(c.dimension()), value));
    }
    return functions.array(cells.toArray(Column[]::new));
  }

  private static Column cell(Grain grain, Column day, Column dimension, Column value) {
    return struct(
        lit(grain.label()).as("grain"),
        day.as("cohort_day"),
        dimension.as("dimension"),
        value.as("dimension_value"));
  }

  /**
   * {@code mature(grain, cohort_day)}: the period's end plus the conversion window is at or before
   * the as-of instant ({@link FunnelCalendar#isMature}).
   */
  public static UserDefinedFunction mature(FunnelConfig config, Instant asOf) {
    FunnelCalendar calendar = new FunnelCalendar(config.zone());
    Duration window = config.conversionWindow();
    UDF2<String, Integer, Boolean> isMature =
        (grain, day) ->
            calendar.isMature(Grain.fromLabel(grain), LocalDate.ofEpochDay(day), window, asOf);
    return functions.udf(isMature, DataTypes.BooleanType).asNonNullable();
  }
}
