package dev.funnel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomalyConfigTest {
  private static final String BASE =
      "name: inbound-b2b\n"
          + "timezone: Europe/Berlin\n"
          + "stages: [lead, mql, sql, opportunity, won]\n"
          + "lost_stages: [lost]\n"
          + "conversion_window_days: 90\n"
          + "sla:\n"
          + "  - {name: mql_handoff, stage: mql, within_hours: 24}\n";

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"))
        .getMessage();
  }

  @Test
  void defaultsWhenTheSectionIsAbsent() {
    AnomalySettings s = ConfigLoader.parse(BASE, "t.yaml").anomalies();
    assertEquals(8, s.baselinePeriods());
    assertEquals(30, s.minLeads());
    assertEquals(0.05, s.falseDiscoveryRate());
    assertEquals(0.97, s.laxGatePassRate());
    assertEquals(Map.of(), s.conversionFloors());
  }

  @Test
  void readsTheIssueExample() {
    AnomalySettings s =
        ConfigLoader.parse(
                BASE
                    + "anomalies:\n  baseline_periods: 6\n  min_leads: 40\n"
                    + "  false_discovery_rate: 0.1\n  lax_gate_pass_rate: 0.95\n"
                    + "  conversion_floors: {mql: 0.10}\n"
                    + "  sla_min_compliance: {mql_handoff: 0.90}\n",
                "t.yaml")
            .anomalies();
    assertEquals(6, s.baselinePeriods());
    assertEquals(40, s.minLeads());
    assertEquals(0.1, s.falseDiscoveryRate());
    assertEquals(0.95, s.laxGatePassRate());
    assertEquals(Map.of("mql", 0.10), s.conversionFloors());
    assertEquals(Map.of("mql_handoff", 0.90), s.slaMinCompliance());
  }

  @Test
  void badValuesNameTheKey() {
    assertEquals(
        "unknown key 'anomalies.baseline' (known keys: baseline_periods, conversion_floors,"
            + " false_discovery_rate, lax_gate_pass_rate, min_leads, sla_min_compliance)",
        error(BASE + "anomalies: {baseline: 3}\n"));
    assertEquals(
        "key 'anomalies.baseline_periods' must be between 2 and 104, found 1",
        error(BASE + "anomalies: {baseline_periods: 1}\n"));
    assertEquals(
        "key 'anomalies.false_discovery_rate' must be between 0 and 1 (exclusive), found 1.5",
        error(BASE + "anomalies: {false_discovery_rate: 1.5}\n"));
    assertEquals(
        "key 'anomalies.conversion_floors.won': 'won' is not a non-terminal stage of the main path"
            + " (one of [lead, mql, sql, opportunity])",
        error(BASE + "anomalies: {conversion_floors: {won: 0.1}}\n"));
    assertEquals(
        "key 'anomalies.sla_min_compliance.sql_followup': no SLA is named 'sql_followup'"
            + " (defined: [mql_handoff])",
        error(BASE + "anomalies: {sla_min_compliance: {sql_followup: 0.9}}\n"));
  }
}
