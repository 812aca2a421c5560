package dev.funnel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.cli.ExitCodes;
import org.junit.jupiter.api.Test;

/** The {@code retention} section: defaults, values and keyed errors (exit code 2). */
class RetentionConfigTest {
  private static final String BASE =
      "name: t\ntimezone: Europe/Berlin\nstages: [lead, mql, won]\nlost_stages: [lost]\n"
          + "conversion_window_days: 30\ndimensions: []\n";

  private static FunnelConfig parse(String retention) {
    return ConfigLoader.parse(BASE + retention, "t.yaml");
  }

  private static String error(String retention) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(retention));
    assertEquals(ExitCodes.USAGE, ExitCodes.of(e));
    return e.getMessage();
  }

  private static void assertMessage(String expected, String retention) {
    String message = error(retention);
    assertTrue(message.endsWith(expected), message);
  }

  @Test
  void defaultsToSevenDaysOfStageVisits() {
    assertEquals(7, parse("").retention().stageVisitsDays());
    assertEquals(7, parse("retention:\n").retention().stageVisitsDays());
    assertEquals(7, parse("retention: {}\n").retention().stageVisitsDays());
  }

  @Test
  void takesTheConfiguredDays() {
    assertEquals(30, parse("retention:\n  stage_visits_days: 30\n").retention().stageVisitsDays());
    assertEquals(0, parse("retention: {stage_visits_days: 0}\n").retention().stageVisitsDays());
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    assertMessage(
        "key 'retention.stage_visits_days' must be between 0 and 36500, found -1",
        "retention: {stage_visits_days: -1}\n");
    assertMessage(
        "key 'retention.stage_visits_days' must be a whole number of days, found 'a week'",
        "retention: {stage_visits_days: a week}\n");
    assertMessage(
        "key 'retention.stage_visits_days' must be a whole number of days, found 1.5",
        "retention: {stage_visits_days: 1.5}\n");
    assertMessage("key 'retention' must be a mapping of keys, found 7", "retention: 7\n");
    assertMessage(
        "unknown key 'retention.stage_visit_days' (known keys: stage_visits_days)",
        "retention: {stage_visit_days: 3}\n");
  }
}
