package dev.funnel.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GeneratorSpecTest {
  private static final LocalDate START = LocalDate.of(2025, 1, 1);

  private static void assertRejected(Executable build, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void acceptsAValidSpecAndCopiesTheAnomalies() {
    List<InjectedAnomaly> anomalies =
        new ArrayList<>(
            List.of(
                InjectedAnomaly.parse(
                    "stage=sql,dimension=source,value=paid_search,week=2025-03-03,"
                        + "kind=conversion_drop,magnitude=0.5")));
    GeneratorSpec spec = new GeneratorSpec(1000, START, 6, 7, anomalies, 3);
    anomalies.clear();
    assertEquals(1, spec.anomalies().size());
    assertEquals(LocalDate.of(2025, 7, 1), spec.end());
    assertEquals(3, spec.effectivePartitions());
  }

  @Test
  void rejectsBadValuesNamingThem() {
    assertRejected(() -> GeneratorSpec.of(0, START, 6, 1), "leads 0");
    assertRejected(() -> GeneratorSpec.of(1_000_000_000L, START, 6, 1), "leads 1000000000");
    assertRejected(() -> GeneratorSpec.of(10, null, 6, 1), "start null");
    assertRejected(() -> GeneratorSpec.of(10, LocalDate.of(1969, 12, 31), 6, 1), "1969-12-31");
    assertRejected(() -> GeneratorSpec.of(10, START, 0, 1), "months 0");
    assertRejected(() -> GeneratorSpec.of(10, START, 121, 1), "months 121");
    assertRejected(() -> new GeneratorSpec(10, START, 6, 1, List.of(), -1), "partitions -1");
    assertRejected(() -> new GeneratorSpec(10, START, 6, 1, null, 0), "anomalies is null");
    assertRejected(
        () -> new GeneratorSpec(10, START, 6, 1, Arrays.asList((InjectedAnomaly) null), 0),
        "anomaly #1 is null");
  }

  @Test
  void rejectsAnAnomalyOutsideThePeriod() {
    InjectedAnomaly late =
        InjectedAnomaly.parse(
            "stage=mql,dimension=owner,value=rep_03,week=2025-07-07,kind=slowdown,magnitude=0.5");
    assertRejected(
        () -> new GeneratorSpec(10, START, 6, 1, List.of(late), 0),
        "[2025-07-07, 2025-08-04) does not overlap the generated period [2025-01-01, 2025-07-01)");
  }

  @Test
  void anAnomalyStartingBeforeThePeriodButOverlappingIsFine() {
    InjectedAnomaly early =
        InjectedAnomaly.parse(
            "stage=mql,dimension=owner,value=rep_03,week=2024-12-30,kind=slowdown,magnitude=0.5");
    assertEquals(1, new GeneratorSpec(10, START, 6, 1, List.of(early), 0).anomalies().size());
  }

  @Test
  void automaticPartitionsAreAboutOnePerMillionEventsAndAtLeastTwo() {
    assertEquals(2, GeneratorSpec.of(1_000, START, 6, 1).effectivePartitions());
    long leads = (long) (40_000_000 / EventGenerator.AVERAGE_EVENTS_PER_LEAD);
    assertEquals(40, GeneratorSpec.of(leads, START, 6, 1).effectivePartitions());
  }
}
