package dev.funnel.realdata;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.CsvImport;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import dev.funnel.oracle.DuckDbAgreementTables;
import dev.funnel.oracle.DuckDbCoreTables;
import dev.funnel.oracle.TableComparison;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job on the two real funnels of {@code ../shared/datasets}: its row accounting and
 * figures counted by hand from the CSV files, and all three core tables against the independent
 * DuckDB SQL. Real data brings what generators rarely do: a deal won 28 hours before its first
 * contact, empty acquisition channels, deals closed on the day they were created, and a funnel of
 * only two stages without lost stages.
 */
class RealFunnelsAgreementTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @BeforeEach
  void needsTheSharedDatasets() {
    RealDatasets.assumePresent();
  }

  @Test
  void olistMarketingFunnel() {
    FunnelConfig config =
        ConfigLoader.parse(
            RealDatasets.OLIST_FUNNEL
                // The agreement tables are compared with the DuckDB oracle too.
                + "sla:\n"
                + "  - {name: mql_close, stage: mql, within_hours: 240, clock: business}\n"
                + "  - {name: mql_close_calendar, stage: mql, within_hours: 720, clock: calendar}\n"
                + "business_hours:\n"
                + "  days: [MON, TUE, WED, THU, FRI]\n"
                + "  start: \"08:00\"\n"
                + "  end: \"18:00\"\n"
                + "  holidays: [2018-01-01, 2018-02-12, 2018-02-13, 2018-03-30, 2018-04-21,"
                + " 2018-05-01, 2018-05-31, 2018-09-07]\n"
                + "targets:\n"
                + "  - {name: mql_volume, stage: mql, period: month, leads: 1000}\n"
                + "  - {name: won_weekly, stage: won, period: week, leads: 10}\n"
                + "  - {name: won_value, stage: won, period: month, amount: 1000, currency: BRL}\n",
            "olist");
    // Known through 2018-08-31 in São Paulo: the 50 deals won from 2018-09-01 on are after as-of.
    LocalDate asOf = LocalDate.parse("2018-08-31");
    RealDatasets.Imported imported = RealDatasets.olist(spark, tmp, tmp.resolve("olist"));
    // Each file by its own import: 8,000 leads, 842 closed deals, every row used.
    assertImported(imported.imports().get(0), 8_000, 8_000);
    assertImported(imported.imports().get(1), 842, 842);
    String input = imported.input();
    String output = tmp.resolve("out").toString();
    RunResult run = new NightlyJob(spark, config).run(new RunRequest(input, output, asOf));

    // 8,000 leads (one mql row each) and 842 won rows; no duplicates and nothing rejected.
    assertAll(
        () -> assertEquals(8_842, run.rowsRead()),
        () -> assertEquals(50, run.afterAsOf()),
        () -> assertEquals(8_792, run.accepted()),
        () -> assertEquals(0, run.duplicates()),
        () -> assertEquals(0, run.rejected()),
        () -> assertEquals(8_000, run.leads()));

    Dataset<Row> conversion = table(output, "stage_conversion", asOf);
    // Every lead enters the mql cohort of one month; 60 have no origin at all, so "(none)".
    assertEquals(8_000, entered(conversion, "(all)", "(all)"));
    assertEquals(60, entered(conversion, "origin", "(none)"));
    assertEquals(2_296, entered(conversion, "origin", "organic search"));

    // Won on 2018-03-06 19:38:55 (22:38:55Z), first contact on 2018-03-08 (03:00Z): the won visit
    // comes first, is terminal and records the mql entry as its exit; the mql visit stays open.
    List<String> visits =
        table(output, "stage_visits", asOf)
            .where(col("lead_id").equalTo("b91cf8812365f50ff4bda4bcd6206b05"))
            .orderBy("entered_at")
            .collectAsList()
            .stream()
            .map(
                r ->
                    String.join(
                        " ",
                        r.<String>getAs("stage"),
                        String.valueOf(r.<Integer>getAs("visit_number")),
                        instant(r.getAs("entered_at")),
                        instant(r.getAs("exited_at")),
                        String.valueOf(r.<String>getAs("next_stage")),
                        String.valueOf(r.<Double>getAs("duration_hours")),
                        String.valueOf(r.<Boolean>getAs("is_open"))))
            .collect(Collectors.toList());
    assertEquals(
        List.of(
            "won 1 2018-03-06T22:38:55Z 2018-03-08T03:00:00Z mql null false",
            "mql 1 2018-03-08T03:00:00Z null null null true"),
        visits);

    assertAgreesWithOracle(config, asOf, input + "/*/*.parquet", output);
  }

  @Test
  void crmSalesPipeline() {
    FunnelConfig config =
        ConfigLoader.parse(
            RealDatasets.CRM_FUNNEL
                // The agreement tables are compared with the DuckDB oracle too.
                + "sla:\n"
                + "  - {name: engage, stage: engaging, within_hours: 200, clock: business}\n"
                + "  - {name: engage_calendar, stage: engaging, within_hours: 960, clock: calendar}\n"
                + "business_hours:\n"
                + "  days: [MON, TUE, WED, THU, FRI]\n"
                + "  start: \"09:00\"\n"
                + "  end: \"17:00\"\n"
                + "  holidays: [2017-01-02, 2017-05-29, 2017-07-04, 2017-09-04, 2017-11-23,"
                + " 2017-12-25]\n"
                + "targets:\n"
                + "  - {name: engaging_volume, stage: engaging, period: month, leads: 500}\n"
                + "  - {name: won_weekly, stage: won, period: week, leads: 50}\n"
                + "  - {name: won_value, stage: won, period: month, amount: 1000000,"
                + " currency: USD}\n",
            "crm");
    LocalDate asOf = LocalDate.parse("2017-12-31");
    RealDatasets.Imported imported = RealDatasets.crm(spark, tmp, tmp.resolve("crm"));
    // One row per opportunity: an engaging event each, and a won or lost one when closed.
    assertImported(imported.imports().get(0), 14_277, 14_277 + 6_438 + 3_493);
    String input = imported.input();
    String output = tmp.resolve("out").toString();
    RunResult run = new NightlyJob(spark, config).run(new RunRequest(input, output, asOf));

    // 14,277 opportunities, of which 6,438 were won and 3,493 lost: one row each per event.
    assertAll(
        () -> assertEquals(14_277 + 6_438 + 3_493, run.rowsRead()),
        () -> assertEquals(run.rowsRead(), run.accepted()),
        () -> assertEquals(14_277, run.leads()));

    Dataset<Row> conversion = table(output, "stage_conversion", asOf);
    assertEquals(14_277, entered(conversion, "(all)", "(all)"));
    assertEquals(3_062, entered(conversion, "product", "GTXBasic"));
    // Nine deals closed on the day they were created: the tie puts engaging first (stage order),
    // so each leaves a closed engaging visit of zero hours.
    assertEquals(
        9,
        table(output, "stage_visits", asOf)
            .where(col("stage").equalTo("engaging").and(col("duration_hours").equalTo(0.0)))
            .count());

    assertAgreesWithOracle(config, asOf, input + "/*.parquet", output);
  }

  private static void assertImported(CsvImport.Result result, long rows, long events) {
    assertAll(
        () -> assertEquals(rows, result.rowsRead()),
        () -> assertEquals(rows, result.rowsUsed()),
        () -> assertEquals(0, result.rowsRejected()),
        () -> assertEquals(events, result.events()));
  }

  /** {@code inputGlob}: the imported events' files, not those of their {@code _rejected/}. */
  private void assertAgreesWithOracle(
      FunnelConfig config, LocalDate asOf, String inputGlob, String output) {
    DuckDbCoreTables.Outputs oracle =
        DuckDbCoreTables.run(config, asOf, inputGlob, tmp.resolve("oracle"));
    Map<String, Path> agreementOracle =
        DuckDbAgreementTables.run(config, asOf, inputGlob, tmp.resolve("agreement-oracle"));
    List<TableComparison.Result> results =
        new ArrayList<>(TableComparison.compareAll(output, asOf, oracle));
    results.addAll(TableComparison.compareAgreement(output, asOf, agreementOracle));
    assertAll(results.stream().map(result -> (Executable) result::assertAgree));
    for (TableComparison.Result result : results) {
      assertTrue(result.sparkRows() > 0, result.toString());
    }
  }

  private Dataset<Row> table(String output, String table, LocalDate asOf) {
    return spark.read().parquet(output + "/" + table + "/as_of=" + asOf);
  }

  /** Leads entered over all month cohorts of the first stage for one breakdown value. */
  private static long entered(Dataset<Row> conversion, String dimension, String value) {
    Row total =
        conversion
            .where(
                col("grain")
                    .equalTo("month")
                    .and(col("dimension").equalTo(dimension))
                    .and(col("dimension_value").equalTo(value))
                    .and(col("stage").isin("mql", "engaging")))
            .agg(sum("entered"))
            .first();
    return total.isNullAt(0) ? 0 : total.getLong(0);
  }

  private static String instant(Object timestamp) {
    return timestamp == null ? "null" : ((Timestamp) timestamp).toInstant().toString();
  }
}
