package dev.funnel.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.generate.InjectedAnomaly.Kind;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InjectedAnomalyTest {
  private static final String GOOD =
      "stage=sql,dimension=source,value=paid_search,week=2025-03-03,weeks=6,"
          + "kind=conversion_drop,magnitude=0.5";

  @Test
  void parsesEveryKey() {
    InjectedAnomaly anomaly = InjectedAnomaly.parse(GOOD);
    assertEquals(
        new InjectedAnomaly(
            "sql", "source", "paid_search", LocalDate.of(2025, 3, 3), 6, Kind.CONVERSION_DROP, 0.5),
        anomaly);
    assertEquals(LocalDate.of(2025, 4, 14), anomaly.weekEnd());
  }

  @Test
  void weeksDefaultsToFourAndKeysAreLenientAboutCaseAndSpaces() {
    InjectedAnomaly anomaly =
        InjectedAnomaly.parse(
            " Stage=mql , dimension=owner, value=rep_09, week=2025-01-06, kind=SLOWDOWN,"
                + " magnitude=0.25");
    assertEquals(InjectedAnomaly.DEFAULT_WEEKS, anomaly.weeks());
    assertEquals(Kind.SLOWDOWN, anomaly.kind());
    assertEquals("rep_09", anomaly.value());
  }

  @Test
  void volumeCutNeedsNoStage() {
    InjectedAnomaly anomaly =
        InjectedAnomaly.parse(
            "dimension=region,value=apac,week=2025-02-03,kind=volume_cut,magnitude=0.3");
    assertEquals("lead", anomaly.stage());
    assertEquals(Kind.VOLUME_CUT, anomaly.kind());
  }

  @Test
  void specRoundTrips() {
    InjectedAnomaly anomaly = InjectedAnomaly.parse(GOOD);
    assertEquals(anomaly, InjectedAnomaly.parse(anomaly.toSpec()));
  }

  @Test
  void jsonMapDescribesTheWindowAndEffect() {
    Map<String, Object> json = InjectedAnomaly.parse(GOOD).toJsonMap();
    assertEquals("conversion_drop", json.get("kind"));
    assertEquals("2025-03-03", json.get("window_start"));
    assertEquals("2025-04-14", json.get("window_end_exclusive"));
    assertEquals("Europe/Berlin", json.get("window_zone"));
    assertEquals(0.5, json.get("magnitude"));
    String effect = (String) json.get("effect");
    assertTrue(effect.contains("p * 0.5"), effect);
    assertTrue(effect.contains("source is paid_search"), effect);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "stage=sql,dimension=source,value=paid_search,week=2025-03-04,kind=conversion_drop,"
            + "magnitude=0.5|week 2025-03-04 is not a Monday",
        "stage=sql,dimension=source,value=paid_search,week=2025-3-3,kind=conversion_drop,"
            + "magnitude=0.5|week '2025-3-3' is not a date",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=conversion_dip,"
            + "magnitude=0.5|kind 'conversion_dip' is not one of",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=conversion_drop,"
            + "magnitude=half|magnitude 'half' is not a number",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=conversion_drop,"
            + "magnitude=1.5|magnitude 1.5 is out of range for conversion_drop",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude=0|magnitude 0.0 is out of range for slowdown",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,weeks=0,kind=slowdown,"
            + "magnitude=0.5|weeks 0 is not between 1 and 520",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,weeks=four,kind=slowdown,"
            + "magnitude=0.5|weeks 'four' is not a whole number",
        "stage=won,dimension=source,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude=0.5|stage 'won' is not a stage a lead can advance from",
        "stage=sql,dimension=channel,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude=0.5|dimension 'channel' is not a generated dimension",
        "stage=sql,dimension=source,value=tv,week=2025-03-03,kind=slowdown,"
            + "magnitude=0.5|value 'tv' is not a value of dimension source",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=volume_cut,"
            + "magnitude=0.5|stage 'sql' does not apply to volume_cut",
        "dimension=source,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude=0.5|key 'stage' is missing",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=slowdown|"
            + "key 'magnitude' is missing",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude=0.5,color=red|unknown key 'color'",
        "stage=sql,stage=mql,dimension=source,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude=0.5|key 'stage' is given twice",
        "stage=sql,dimension=source,value=paid_search,week=2025-03-03,kind=slowdown,"
            + "magnitude|'magnitude' is not key=value",
      })
  void badSpecsNameTheKeyAndValue(String spec, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InjectedAnomaly.parse(spec));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void emptySpecIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InjectedAnomaly.parse(" "));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void constructorChecksToo() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new InjectedAnomaly(
                    "sql", "segment", "smb", LocalDate.of(2025, 3, 3), Kind.CONVERSION_RISE, -0.1));
    assertTrue(e.getMessage().contains("magnitude -0.1"), e.getMessage());
  }
}
