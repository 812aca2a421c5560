package dev.funnel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final String VALID =
      "name: inbound-b2b\n"
          + "timezone: Europe/Berlin\n"
          + "stages: [lead, mql, sql, opportunity, won]\n"
          + "lost_stages: [lost, disqualified]\n"
          + "conversion_window_days: 90\n"
          + "dimensions: [source, segment, owner]\n";

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml"))
        .getMessage();
  }

  @Test
  void parsesTheIssueExample() {
    FunnelConfig config = ConfigLoader.parse(VALID, "test.yaml");
    assertEquals("inbound-b2b", config.name());
    assertEquals(ZoneId.of("Europe/Berlin"), config.zone());
    assertEquals(List.of("lead", "mql", "sql", "opportunity", "won"), config.stages().mainPath());
    assertEquals(4, config.stages().wonCode());
    assertEquals(5, config.stages().code("lost"));
    assertEquals(90, config.conversionWindowDays());
    assertEquals(List.of("source", "segment", "owner"), config.dimensions());
    assertEquals(256, config.maxLeadIdLength());
  }

  @Test
  void lostStagesAndDimensionsMayBeEmpty() {
    FunnelConfig config =
        ConfigLoader.parse(
            "name: x\ntimezone: UTC\nstages: [a, b]\nlost_stages: []\nconversion_window_days: 1\n",
            "t");
    assertTrue(config.stages().lostStages().isEmpty());
    assertTrue(config.dimensions().isEmpty());
  }

  @Test
  void unknownKeyIsNamed() {
    assertTrue(error(VALID + "windw: 3\n").contains("unknown key 'windw'"));
  }

  @Test
  void duplicateStageIsNamed() {
    String message = error(VALID.replace("[lead, mql,", "[lead, mql, mql,"));
    assertTrue(message.contains("'mql' is listed twice"), message);
  }

  @Test
  void stageInBothListsIsRejected() {
    String message = error(VALID.replace("[lost, disqualified]", "[lost, sql]"));
    assertTrue(message.contains("stage 'sql' is also in 'stages'"), message);
  }

  @Test
  void nonPositiveWindowIsRejectedWithItsValue() {
    String message =
        error(VALID.replace("conversion_window_days: 90", "conversion_window_days: 0"));
    assertEquals("key 'conversion_window_days' must be positive, found 0", message);
    message = error(VALID.replace("conversion_window_days: 90", "conversion_window_days: ninety"));
    assertEquals("key 'conversion_window_days' must be a whole number, found 'ninety'", message);
  }

  @Test
  void unknownTimeZoneIsNamed() {
    String message = error(VALID.replace("Europe/Berlin", "Europe/Springfield"));
    assertTrue(message.startsWith("key 'timezone': unknown time zone 'Europe/Springfield'"));
  }

  @Test
  void emptyStageListAndSingleStageAreRejected() {
    assertEquals(
        "key 'stages' must not be empty",
        error(VALID.replace("[lead, mql, sql, opportunity, won]", "[]")));
    assertTrue(
        error(VALID.replace("[lead, mql, sql, opportunity, won]", "[won]"))
            .contains("at least two"));
  }

  @Test
  void missingRequiredKeyIsNamed() {
    assertEquals(
        "missing required key 'timezone'", error(VALID.replace("timezone: Europe/Berlin\n", "")));
  }

  @Test
  void yamlSyntaxErrorGivesLineAndColumn() {
    String message = error("name: x\nstages: [lead, mql\ntimezone: UTC\n");
    assertTrue(message.contains("is not valid YAML at line"), message);
    assertTrue(message.contains("column"), message);
  }

  @Test
  void dimensionThatShadowsAnOutputColumnIsRejected() {
    String message = error(VALID.replace("[source, segment, owner]", "[source, stage]"));
    assertTrue(
        message.contains("'stage' clashes with column 'stage' of the output tables (stage_events,"),
        message);
  }

  private static final String AGREEMENT =
      "sla:\n"
          + "  - name: mql_handoff\n"
          + "    stage: mql\n"
          + "    within_hours: 24\n"
          + "    clock: business\n"
          + "business_hours:\n"
          + "  days: [MON, TUE, WED, THU, FRI]\n"
          + "  start: \"09:00\"\n"
          + "  end: \"18:00\"\n"
          + "  holidays: [2026-12-24, 2026-12-25, 2026-12-31]\n"
          + "targets:\n"
          + "  - {name: mql_volume, stage: mql, period: month, leads: 1000}\n"
          + "  - {name: mql_value,  stage: mql, period: month, amount: 100000, currency: EUR}\n";

  @Test
  void parsesTheAgreementExample() {
    FunnelConfig config = ConfigLoader.parse(VALID + AGREEMENT, "t");
    assertEquals(
        List.of(new SlaDefinition("mql_handoff", "mql", 24, SlaDefinition.Clock.BUSINESS)),
        config.slas());
    assertEquals(java.time.LocalTime.of(9, 0), config.businessHours().start());
    assertTrue(config.businessHours().holidays().contains(java.time.LocalDate.parse("2026-12-31")));
    assertEquals(2, config.targets().size());
    assertEquals(TargetDefinition.Kind.AMOUNT, config.targets().get(1).kind());
    assertEquals("EUR", config.targets().get(1).currency());
    assertEquals(100000.0, config.targets().get(1).goal());
  }

  @Test
  void slaStageThatIsNotDefinedIsNamed() {
    String message =
        error(VALID + AGREEMENT.replace("stage: mql\n    within", "stage: mqll\n    within"));
    assertTrue(message.startsWith("key 'sla[0].stage': stage 'mqll' is not defined"), message);
  }

  @Test
  void businessClockNeedsBusinessHours() {
    String message = error(VALID + AGREEMENT.substring(0, AGREEMENT.indexOf("business_hours")));
    assertEquals(
        "key 'business_hours' is required: sla 'mql_handoff' uses clock: business", message);
  }

  @Test
  void targetNeedsExactlyOneGoal() {
    String message =
        error(VALID + "targets:\n  - {name: t, stage: mql, period: month, leads: 5, amount: 5}\n");
    assertTrue(message.contains("needs exactly one of 'leads'"), message);
    message = error(VALID + "targets:\n  - {name: t, stage: mql, period: year, leads: 5}\n");
    assertEquals("key 'targets[0].period' must be week or month, found 'year'", message);
  }

  @Test
  void unquotedOrBadTimesAndUnknownSlaKeysAreNamed() {
    String message = error(VALID + AGREEMENT.replace("start: \"09:00\"", "start: \"9am\""));
    assertTrue(message.startsWith("key 'business_hours.start' must be a time HH:MM"), message);
    message = error(VALID + AGREEMENT.replace("clock: business", "clock: business\n    owner: x"));
    assertTrue(message.startsWith("unknown key 'sla[0].owner'"), message);
    message = error(VALID + AGREEMENT.replace("within_hours: 24", "within_hours: -1"));
    assertEquals("key 'sla[0].within_hours' must be positive, found -1", message);
  }

  @Test
  void wrongTypeOfListIsNamed() {
    String message = error(VALID.replace("[source, segment, owner]", "source"));
    assertEquals("key 'dimensions' must be a list of strings, found 'source'", message);
  }
}
