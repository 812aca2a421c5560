package dev.funnel.oracle;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job and the independent DuckDB SQL of {@code bench/sql/agreement_tables.sql} agree on
 * every row of sla_compliance, sla_breaches, targets and revenue_conversion.
 */
class AgreementOracleTest {
  /**
   * Business and calendar SLAs on several stages (one with a fractional limit), weekly and monthly
   * count and amount targets, holidays inside the data's period.
   */
  static final String AGREEMENT =
      "sla:\n"
          + "  - {name: lead_touch, stage: lead, within_hours: 2.5, clock: business}\n"
          + "  - {name: mql_handoff, stage: mql, within_hours: 24, clock: business}\n"
          + "  - {name: sql_followup, stage: sql, within_hours: 48, clock: calendar}\n"
          + "business_hours:\n"
          + "  days: [MON, TUE, WED, THU, FRI]\n"
          + "  start: \"09:00\"\n"
          + "  end: \"17:30\"\n"
          + "  holidays: [2025-01-06, 2025-04-18, 2025-04-21, 2025-05-01, 2024-12-25]\n"
          + "targets:\n"
          + "  - {name: mql_volume, stage: mql, period: month, leads: 40}\n"
          + "  - {name: mql_value, stage: mql, period: month, amount: 5000, currency: EUR}\n"
          + "  - {name: sql_weekly, stage: sql, period: week, leads: 3}\n"
          + "  - {name: won_weekly_value, stage: won, period: week, amount: 900, currency: EUR}\n";

  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @Test
  void agreementTablesAgreeWithDuckDbOnTrickyLeads() {
    String input = agreementLeads(OracleAgreementTest.trickyLeads()).write(spark, tmp);
    FunnelConfig config =
        ConfigLoader.parse(
            "name: tricky\ntimezone: Europe/Berlin\n"
                + "stages: [lead, mql, sql, opportunity, won]\n"
                + "lost_stages: [lost, disqualified]\nconversion_window_days: 90\n"
                + "dimensions: [source, segment]\n"
                + AGREEMENT,
            "tricky");
    assertAgree(config, OracleAgreementTest.AS_OF, input);
  }

  @Test
  void agreementTablesAgreeWithDuckDbOnGeneratedData() {
    // 8,000 generated leads over 6 months, as of a day inside the period: complete and current
    // periods, worked and unworked leads, owners with different response speeds.
    GeneratorSpec spec = GeneratorSpec.of(8_000, LocalDate.parse("2024-12-01"), 6, 20251201L);
    String input = tmp.resolve("generated").toString();
    EventGenerator.generate(spark, spec, input);
    FunnelConfig config =
        ConfigLoader.parse(
            "name: generated\ntimezone: Europe/Berlin\n"
                + "stages: [lead, mql, sql, opportunity, won]\n"
                + "lost_stages: [lost, disqualified]\nconversion_window_days: 60\n"
                + "dimensions: [source, segment, owner]\n"
                + AGREEMENT,
            "generated");
    RunResult result = assertAgree(config, LocalDate.parse("2025-04-20"), input);
    for (String table : DuckDbAgreementTables.TABLES) {
      assertTrue(result.tableRows().get(table) > 10, table + ": " + result.tableRows());
    }
  }

  /**
   * The core's tricky leads plus SLA and amount corner cases (business hours Mon–Fri 09:00–17:30
   * Berlin): limits met exactly and missed by a microsecond on both clocks, weekend, holiday and
   * daylight-saving entries, unworked leads exactly at the limit at the as-of instant
   * (2025-06-29T22:00Z), a lead sent straight to lost, one moved back, revised amounts.
   */
  static dev.funnel.Events agreementLeads(dev.funnel.Events e) {
    // Calendar clock, 48 h on sql: exactly 48 h is met, a microsecond more is breached.
    e.add("cal_exact", "sql", "2025-03-03T10:00:00Z", null, "web", "smb")
        .add("cal_exact", "opportunity", "2025-03-05T10:00:00Z");
    e.add("cal_over", "sql", "2025-03-03T10:00:00Z", null, "ads", "smb")
        .add("cal_over", "opportunity", "2025-03-05T10:00:00.000001Z");
    // Business clock, 24 h on mql: Mon 09:00 Berlin + 8.5 + 8.5 + 7 h = Wed 16:00 Berlin.
    e.add("bus_exact", "mql", "2025-03-03T08:00:00Z", 100.0, "web", "ent")
        .add("bus_exact", "sql", "2025-03-05T15:00:00Z", null, null, null);
    e.add("bus_over", "mql", "2025-03-03T08:00:00Z", null, "web", "ent")
        .add("bus_over", "sql", "2025-03-05T15:00:00.000001Z");
    // Saturday entry: the clock starts Monday 09:00; worked at 09:30 (0.5 h).
    e.add("weekend", "mql", "2025-03-08T12:00:00Z", null, "partner", null)
        .add("weekend", "sql", "2025-03-10T08:30:00Z");
    // Friday 17:00 CET to Monday 10:00 CEST across the change to summer time: 0.5 + 1 h.
    e.add("dst", "mql", "2025-03-28T16:00:00Z", null, "ads", "smb")
        .add("dst", "sql", "2025-03-31T08:00:00Z");
    // Lead on Good Friday (holiday), Easter Monday a holiday too: opens Tue 09:00, 1 h at 10:00.
    e.add("holiday", "lead", "2025-04-18T10:00:00Z", 50.0, "events", "smb")
        .add("holiday", "mql", "2025-04-22T08:00:00Z", null, null, null)
        .add("holiday", "lost", "2025-04-30T08:00:00Z", 70.0, null, null);
    // Straight to lost: worked (rejected counts as responding).
    e.add("to_lost", "mql", "2025-05-05T07:00:00Z", null, "web", null)
        .add("to_lost", "lost", "2025-05-08T07:00:00Z");
    // Moved back from mql to lead, then mql again.
    e.add("moved_back", "mql", "2025-05-06T09:00:00Z", null, "ads", null)
        .add("moved_back", "lead", "2025-05-06T12:00:00Z")
        .add("moved_back", "mql", "2025-05-20T12:00:00Z");
    // Unworked at the as-of instant: exactly 48 calendar hours (pending), a microsecond more
    // (breached); 8.5 business hours since Friday 09:00 (pending).
    e.add("cal_pending", "sql", "2025-06-27T22:00:00Z", null, "web", "ent");
    e.add("cal_breached", "sql", "2025-06-27T21:59:59.999999Z", null, "web", "ent");
    e.add("bus_pending", "mql", "2025-06-27T07:00:00Z", null, "partner", "ent");
    // Amounts: the last non-null one known at the as-of instant counts (300, not the later null,
    // not the 9999 after as-of); won leads carry revenue.
    e.add("amounts", "lead", "2025-02-10T09:00:00Z", 100.0, "web", "smb")
        .add("amounts", "mql", "2025-02-11T09:00:00Z", 300.0, null, null)
        .add("amounts", "sql", "2025-02-12T09:00:00Z", null, null, null)
        .add("amounts", "won", "2025-02-20T09:00:00Z", null, null, null)
        .add("amounts", "won", "2025-07-01T09:00:00Z", 9999.0, null, null);
    e.add("won_big", "mql", "2025-02-12T10:00:00Z", 1200.5, "ads", "ent")
        .add("won_big", "won", "2025-02-14T10:00:00Z", 1500.25, null, null);
    return e;
  }

  /** Runs the job and the oracle, compares every row of the four tables, returns the run. */
  RunResult assertAgree(FunnelConfig config, LocalDate asOf, String input) {
    String output = tmp.resolve("out").toString();
    RunResult result = new NightlyJob(spark, config).run(new RunRequest(input, output, asOf));
    Map<String, Path> oracle =
        DuckDbAgreementTables.run(
            config, asOf, DuckDbCoreTables.parquetGlob(input), tmp.resolve("oracle"));
    List<TableComparison.Result> results = TableComparison.compareAgreement(output, asOf, oracle);
    assertAll(results.stream().map(r -> (Executable) r::assertAgree));
    for (TableComparison.Result r : results) {
      assertEquals(r.duckdbRows(), result.tableRows().get(r.table()).longValue(), r.table());
    }
    return result;
  }
}
