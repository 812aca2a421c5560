package dev.funnel;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;

/** Configurations used by the tests. */
public final class Funnels {
  private Funnels() {}

  /** The example funnel in Europe/Berlin with a 90-day window and two dimensions. */
  public static FunnelConfig berlin() {
    return withWindow(90);
  }

  /**
   * The example funnel with the agreement: an MQL handoff SLA of 24 business hours (Mon–Fri
   * 09:00–18:00 Berlin, Christmas holidays), a calendar-clock SLA of 48 h on sql, and monthly MQL
   * volume and value targets.
   */
  public static FunnelConfig withAgreement() {
    return ConfigLoader.parse(AGREEMENT_YAML, "agreement");
  }

  /** The YAML of {@link #withAgreement()}. */
  public static String withAgreementYaml() {
    return AGREEMENT_YAML;
  }

  /** The YAML of {@link #withAgreement()}, for runs in a child JVM. */
  public static final String AGREEMENT_YAML =
      "name: agreement\n"
          + "timezone: Europe/Berlin\n"
          + "stages: [lead, mql, sql, opportunity, won]\n"
          + "lost_stages: [lost, disqualified]\n"
          + "conversion_window_days: 90\n"
          + "dimensions: [source, segment]\n"
          + "sla:\n"
          + "  - {name: mql_handoff, stage: mql, within_hours: 24, clock: business}\n"
          + "  - {name: sql_followup, stage: sql, within_hours: 48, clock: calendar}\n"
          + "business_hours:\n"
          + "  days: [MON, TUE, WED, THU, FRI]\n"
          + "  start: \"09:00\"\n"
          + "  end: \"18:00\"\n"
          + "  holidays: [2026-12-24, 2026-12-25, 2026-12-31]\n"
          + "targets:\n"
          + "  - {name: mql_volume, stage: mql, period: month, leads: 3}\n"
          + "  - {name: mql_value, stage: mql, period: month, amount: 1000, currency: EUR}\n";

  /** The example funnel with another conversion window. */
  public static FunnelConfig withWindow(int days) {
    return ConfigLoader.parse(
        "name: test\n"
            + "timezone: Europe/Berlin\n"
            + "stages: [lead, mql, sql, opportunity, won]\n"
            + "lost_stages: [lost, disqualified]\n"
            + "conversion_window_days: "
            + days
            + "\n"
            + "dimensions: [source, segment]\n",
        "test");
  }
}
