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
   * An array of cell structs (grain, cohort_day, dimension, dimension_value) for a visit fact (see
   * {@link LeadHistories}), whose period starts are in {@code day_start}, {@code week_start} and
   * {@code month_start} (epoch days) and whose lead's first-touch dimension values are in {@code
   * dim_0}, {@code dim_1}, …; explode it with {@code inline}.
   */
  public static Column cells(List<Grain> grains, List<String> dimensions) {
    List<Column> cells = new ArrayList<>();
    for (Grain grain : grains) {
      Column day = col(grain.label() + "_start");
      cells.add(cell(grain, day, lit(Schemas.ALL), lit(Schemas.ALL)));
      for (int d = 0; d < dimensions.size(); d++) {
        cells.add(cell(grain, day, lit(dimensions.get(d)), col(LeadHistories.DIM + d)));
      }
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
