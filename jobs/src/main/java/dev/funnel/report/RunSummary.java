package dev.funnel.report;

import static org.apache.spark.sql.functions.col;

import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.PublishedTable;
import dev.funnel.io.Schemas;
import dev.funnel.io.TableStore;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The short summary printed after a run: accounting, where the tables are, the funnel. */
public final class RunSummary {
  private static final int MONTHS_SHOWN = 2;

  private RunSummary() {}

  /** Prints the summary of a finished run. */
  public static void print(
      SparkSession spark,
      FunnelConfig config,
      RunRequest request,
      RunResult result,
      PrintStream out) {
    TableStore tables = TableStore.of(spark, request.output(), config.outputFormat());
    out.printf(
        Locale.ROOT,
        "%nFunnel %s as of %s (events before %s)%n",
        config.name(),
        request.asOf(),
        result.asOfInstant().atZone(config.zone()).toOffsetDateTime());
    out.printf(
        Locale.ROOT,
        "Rows read %,d = accepted %,d + duplicates %,d + rejected %,d + after as-of %,d; %,d leads%n",
        result.rowsRead(),
        result.accepted(),
        result.duplicates(),
        result.rejected(),
        result.afterAsOf(),
        result.leads());
    out.println("Tables:");
    for (String table :
        List.of(
            Schemas.STAGE_VISITS,
            Schemas.STAGE_CONVERSION,
            Schemas.TIME_IN_STAGE,
            Schemas.REJECTED_EVENTS)) {
      String partition = tables.location(table, request.asOf());
      out.printf(
          Locale.ROOT,
          "  %-18s %,12d rows  %s%n",
          table,
          result.tableRows().getOrDefault(table, 0L),
          partition);
    }
    printConversion(tables, config, request, out);
    if (!request.coreOnly()) {
      printAgreement(tables, config, request, out);
      printAnomalies(tables, request, out);
    }
    out.printf(Locale.ROOT, "Finished in %.1f s%n", result.seconds());
  }

  private static void printConversion(
      TableStore tables, FunnelConfig config, RunRequest request, PrintStream out) {
    List<Row> conversion =
        new java.util.ArrayList<>(monthlyTotals(tables, request, Schemas.STAGE_CONVERSION));
    // Latest cohort first, stages in funnel order; a few rows, sorted on the driver.
    conversion.sort(
        java.util.Comparator.comparing((Row r) -> (java.sql.Date) r.getAs("cohort_start"))
            .reversed()
            .thenComparingInt(r -> config.stages().code(r.getAs("stage"))));
    List<Row> times = monthlyTotals(tables, request, Schemas.TIME_IN_STAGE);
    out.println("Monthly cohorts, all leads: the latest two and the latest mature one");
    int stageWidth = width(12, config.stages().all());
    out.printf(
        Locale.ROOT,
        "  %-10s %s %9s %9s %6s %7s %7s %6s %9s %9s  %s%n",
        "cohort",
        TextWidth.padRight("stage", stageWidth),
        "entered",
        "converted",
        "rate",
        "won",
        "lost",
        "open",
        "p50 h",
        "KM p50 h",
        "mature");
    Object latestMature = null;
    for (Row r : conversion) {
      if (r.<Boolean>getAs("mature")) {
        latestMature = r.getAs("cohort_start");
        break;
      }
    }
    java.util.Set<Object> months = new java.util.LinkedHashSet<>();
    for (Row r : conversion) {
      months.add(r.getAs("cohort_start"));
      boolean recent = months.size() <= MONTHS_SHOWN;
      if (!recent && !r.getAs("cohort_start").equals(latestMature)) {
        continue;
      }
      Row time = find(times, r.getAs("cohort_start"), r.getAs("stage"));
      out.printf(
          Locale.ROOT,
          "  %-10s %s %,9d %,9d %5.1f%% %,7d %,7d %,6d %9s %9s  %s%n",
          r.getAs("cohort_start"),
          TextWidth.padRight(r.getAs("stage"), stageWidth),
          (long) r.getAs("entered"),
          (long) r.getAs("converted"),
          100.0 * (double) r.getAs("conversion_rate"),
          (long) r.getAs("won"),
          (long) r.getAs("lost"),
          (long) r.getAs("open"),
          hours(time, "p50_hours"),
          hours(time, "km_p50_hours"),
          (boolean) r.getAs("mature") ? "yes" : "no");
    }
    if (conversion.isEmpty()) {
      out.println("  (no leads entered a stage)");
    }
    out.println("(immature cohorts are still inside the conversion window: their rates will rise)");
  }

  /** SLA compliance and target attainment of the last complete month and the current one. */
  private static void printAgreement(
      TableStore tables, FunnelConfig config, RunRequest request, PrintStream out) {
    java.time.LocalDate current = Grain.MONTH.periodStart(request.asOf());
    java.time.LocalDate previous = Grain.MONTH.periodStart(current.minusDays(1));
    List<java.sql.Date> months =
        List.of(java.sql.Date.valueOf(previous), java.sql.Date.valueOf(current));
    if (!config.slas().isEmpty()) {
      List<Row> sla =
          read(tables, request, Schemas.SLA_COMPLIANCE)
              .where(
                  col("grain")
                      .equalTo("month")
                      .and(col("dimension").equalTo(Schemas.ALL))
                      .and(col("period_start").isin(months.toArray())))
              .orderBy("sla", "period_start")
              .collectAsList();
      out.println("SLA compliance, last complete month and current month:");
      int slaWidth =
          width(16, config.slas().stream().map(dev.funnel.config.SlaDefinition::name).toList());
      out.printf(
          Locale.ROOT,
          "  %s %-10s %8s %8s %8s %8s %11s %8s %8s%n",
          TextWidth.padRight("sla", slaWidth),
          "month",
          "entered",
          "met",
          "breached",
          "pending",
          "compliance",
          "p50 h",
          "p90 h");
      for (Row r : sla) {
        out.printf(
            Locale.ROOT,
            "  %s %-10s %,8d %,8d %,8d %,8d %11s %8s %8s%n",
            TextWidth.padRight(r.getAs("sla"), slaWidth),
            r.getAs("period_start"),
            (long) r.getAs("entered"),
            (long) r.getAs("met"),
            (long) r.getAs("breached"),
            (long) r.getAs("pending"),
            percent(r, "compliance_rate"),
            hours(r, "p50_response_hours"),
            hours(r, "p90_response_hours"));
      }
    }
    if (!config.targets().isEmpty()) {
      List<Row> targets =
          read(tables, request, Schemas.TARGETS)
              .where(col("period_start").isin(months.toArray()))
              .orderBy("target", "period_start")
              .collectAsList();
      out.println("Targets, last complete month and current month:");
      int targetWidth =
          width(
              16, config.targets().stream().map(dev.funnel.config.TargetDefinition::name).toList());
      out.printf(
          Locale.ROOT,
          "  %s %-10s %14s %14s %10s %9s %14s %9s%n",
          TextWidth.padRight("target", targetWidth),
          "month",
          "goal",
          "actual",
          "attainment",
          "elapsed",
          "projected",
          "on track");
      for (Row r : targets) {
        out.printf(
            Locale.ROOT,
            "  %s %-10s %,14.0f %,14.0f %9.1f%% %8.0f%% %,14.0f %9s%n",
            TextWidth.padRight(r.getAs("target"), targetWidth),
            r.getAs("period_start"),
            (double) r.getAs("goal"),
            (double) r.getAs("actual"),
            100 * (double) r.getAs("attainment"),
            100 * (double) r.getAs("elapsed_fraction"),
            (double) r.getAs("projected"),
            (boolean) r.getAs("on_track") ? "yes" : "no");
      }
    }
  }

  /** A cohort table's monthly total rows (dimension {@link Schemas#ALL}); a few rows. */
  private static List<Row> monthlyTotals(TableStore tables, RunRequest request, String table) {
    return read(tables, request, table)
        .where(col("grain").equalTo(Grain.MONTH.label()).and(col("dimension").equalTo(Schemas.ALL)))
        .collectAsList();
  }

  /** The run's critical and warning flags, most severe and most certain first. */
  private static void printAnomalies(TableStore tables, RunRequest request, PrintStream out) {
    List<Row> flags =
        read(tables, request, Schemas.ANOMALIES)
            .where(col("severity").isin("critical", "warning"))
            .orderBy(
                org.apache
                    .spark
                    .sql
                    .functions
                    .when(col("severity").equalTo("critical"), 0)
                    .otherwise(1),
                col("q_value").asc_nulls_last(),
                col("p_value"))
            .select("severity", "message")
            .collectAsList();
    long critical = flags.stream().filter(r -> r.getString(0).equals("critical")).count();
    out.printf(
        Locale.ROOT,
        "Anomalies: %d critical, %d warning%s%n",
        critical,
        flags.size() - critical,
        flags.isEmpty() ? " (nothing unusual in the judged weeks)" : "");
    for (Row r : flags) {
      out.printf(Locale.ROOT, "  %-8s %s%n", r.getString(0), r.getString(1));
    }
  }

  private static org.apache.spark.sql.Dataset<Row> read(
      TableStore tables, RunRequest request, String table) {
    return PublishedTable.read(tables, table, request.asOf());
  }

  /** The column width of names: the widest in terminal columns, at least {@code minimum}. */
  private static int width(int minimum, List<String> names) {
    int width = minimum;
    for (String name : names) {
      width = Math.max(width, TextWidth.of(name));
    }
    return width;
  }

  private static String percent(Row row, String column) {
    if (row.isNullAt(row.fieldIndex(column))) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f%%", 100 * (double) row.getAs(column));
  }

  private static Row find(List<Row> times, Object cohort, Object stage) {
    for (Row t : times) {
      if (t.getAs("cohort_start").equals(cohort) && t.getAs("stage").equals(stage)) {
        return t;
      }
    }
    return null;
  }

  private static String hours(Row time, String column) {
    if (time == null || time.isNullAt(time.fieldIndex(column))) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f", (double) time.getAs(column));
  }
}
