package dev.funnel.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The generator's options without Spark: lead by lead, as the executors run them. */
class LeadSimulatorTest {
  /** EventGeneratorTest's spec. */
  private static final GeneratorSpec SPEC =
      GeneratorSpec.of(2_000, LocalDate.of(2025, 1, 1), 6, 20250101L);

  private static final List<InjectedAnomaly> THREE_ANOMALIES =
      List.of(
          InjectedAnomaly.parse(
              "stage=sql,dimension=source,value=paid_search,week=2025-02-03,weeks=12,"
                  + "kind=conversion_drop,magnitude=0.2"),
          InjectedAnomaly.parse(
              "stage=mql,dimension=owner,value=rep_03,week=2025-02-03,weeks=12,"
                  + "kind=slowdown,magnitude=0.4"),
          InjectedAnomaly.parse(
              "dimension=region,value=apac,week=2025-03-03,weeks=6,kind=volume_cut,magnitude=0.5"));

  private static final List<String> MAIN_PATH = SyntheticFunnel.MAIN_PATH;

  /** Event count and CRC-32 of every row's text, lead by lead. */
  private static long[] fingerprint(GeneratorSpec spec) {
    LeadSimulator simulator = new LeadSimulator(spec);
    CRC32 crc = new CRC32();
    long events = 0;
    for (long i = 0; i < spec.leads(); i++) {
      for (Row row : simulator.events(i)) {
        crc.update(row.toString().getBytes(StandardCharsets.UTF_8));
        events++;
      }
    }
    return new long[] {events, crc.getValue()};
  }

  @Test
  void withoutTheNewOptionsTheDataIsExactlyTheOldGeneratorsData() {
    // Pinned with the generator before weekly variation and timing existed (commit 8bc463c).
    assertArrayEquals(new long[] {5570, 3270963260L}, fingerprint(SPEC));
    assertArrayEquals(
        new long[] {5428, 3871140146L}, fingerprint(SPEC.withAnomalies(THREE_ANOMALIES)));
    GeneratorSpec explicit =
        new GeneratorSpec(
            SPEC.leads(),
            SPEC.start(),
            SPEC.months(),
            SPEC.seed(),
            List.of(),
            0,
            0.0,
            Timing.STANDARD);
    assertEquals(SPEC, explicit);
    assertNotEquals(
        fingerprint(SPEC)[1], fingerprint(SPEC.withWeeklyVariation(0.06))[1], "variation on");
    assertNotEquals(
        fingerprint(SPEC)[1], fingerprint(SPEC.withTiming(Timing.LONG_CYCLE))[1], "long cycle");
  }

  @Test
  void variedDataIsTheSameOnEveryExecutor() throws Exception {
    // Executors receive the simulator serialized; each lead depends on its index alone.
    GeneratorSpec spec =
        SPEC.withWeeklyVariation(0.06).withTiming(Timing.LONG_CYCLE).withAnomalies(THREE_ANOMALIES);
    LeadSimulator local = new LeadSimulator(spec);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(local);
    }
    LeadSimulator shipped;
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      shipped = (LeadSimulator) in.readObject();
    }
    for (long i = spec.leads() - 1; i >= 0; i--) {
      assertEquals(local.events(i), shipped.events(i), "lead " + i);
    }
  }

  @Test
  void weeklyFactorsHaveMeanOneAndTheRequestedRelativeSd() {
    int n = 20_000;
    double[] stage1 = new double[n];
    double[] stage2 = new double[n];
    double sum = 0;
    for (int w = 0; w < n; w++) {
      stage1[w] = WeeklyVariation.factor(7, 2_000 + w, 1, 0.06);
      stage2[w] = WeeklyVariation.factor(7, 2_000 + w, 2, 0.06);
      sum += stage1[w];
    }
    double mean = sum / n;
    double squares = 0;
    for (double f : stage1) {
      squares += (f - mean) * (f - mean);
    }
    double sd = Math.sqrt(squares / (n - 1));
    // Standard errors: 0.06 / sqrt(n) = 0.00042 for the mean, about 0.06 / sqrt(2n) = 0.0003 for
    // the sd; five of them each way.
    assertEquals(1.0, mean, 0.0021);
    assertEquals(0.06, sd, 0.0015);
    // Stages vary independently: |r| of 20,000 independent pairs is below 0.035 (5 sigma).
    double r = new PearsonsCorrelation().correlation(stage1, stage2);
    assertTrue(Math.abs(r) < 0.035, "correlation between stages " + r);
    // A function of (seed, week, key) alone; another seed draws other factors.
    assertEquals(stage1[5], WeeklyVariation.factor(7, 2_005, 1, 0.06));
    assertNotEquals(stage1[5], WeeklyVariation.factor(8, 2_005, 1, 0.06));
    assertEquals(1.0, WeeklyVariation.factor(7, 2_005, 1, 0.0));
  }

  @Test
  void weeksAreIsoWeeksNamedByTheirMonday() {
    assertEquals(0, WeeklyVariation.week(LocalDate.of(1970, 1, 5)));
    assertEquals(0, WeeklyVariation.week(LocalDate.of(1970, 1, 11)));
    assertEquals(1, WeeklyVariation.week(LocalDate.of(1970, 1, 12)));
    assertEquals(-1, WeeklyVariation.week(LocalDate.of(1970, 1, 4)));
    // 2025-01-06 is epoch day 20,094 (2025-01-01 is 20,089): (20,094 - 4) / 7 = 2,870.
    assertEquals(2_870, WeeklyVariation.week(LocalDate.of(2025, 1, 6)));
  }

  @Test
  void weeklyVariationMovesEachWeeksConversionWithItsFactor() {
    // 150,000 leads over a year: about 2,900 a week, so the binomial noise of a week's lead-stage
    // pass rate (relative sd about 1.8%) is small next to the 6% factors.
    GeneratorSpec spec =
        GeneratorSpec.of(150_000, LocalDate.of(2025, 1, 6), 12, 11).withWeeklyVariation(0.06);
    LeadSimulator simulator = new LeadSimulator(spec);
    Map<Long, long[]> weeks = new HashMap<>();
    for (long i = 0; i < spec.leads(); i++) {
      List<Row> rows = simulator.events(i);
      LocalDate created = localDay(rows.get(0).getLong(2));
      long[] cell = weeks.computeIfAbsent(WeeklyVariation.week(created), w -> new long[3]);
      cell[0]++;
      // The first step from lead advances to mql or sql, or sets the lead back.
      if (rows.size() > 1 && MAIN_PATH.indexOf(rows.get(1).getString(1)) > 0) {
        cell[1]++;
      }
    }
    long first = WeeklyVariation.week(spec.start());
    long last = WeeklyVariation.week(spec.end()) - 2; // leave out weeks cut by the period's end
    List<Double> rates = new ArrayList<>();
    List<Double> factors = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    List<Double> volumeFactors = new ArrayList<>();
    for (long w = first + 1; w <= last; w++) {
      long[] cell = weeks.get(w);
      rates.add(cell[1] / (double) cell[0]);
      factors.add(WeeklyVariation.factor(spec.seed(), w, LeadSimulator.LEAD, 0.06));
      counts.add((double) cell[0]);
      volumeFactors.add(WeeklyVariation.factor(spec.seed(), w, WeeklyVariation.VOLUME, 0.06));
    }
    // Signal sd 0.06 against noise 0.018: the expected correlation is 0.96.
    double r = new PearsonsCorrelation().correlation(array(rates), array(factors));
    assertTrue(r > 0.85, "weekly pass rate against the week's factor: r = " + r);
    // The volume also follows its factor, beneath the season and growth curve.
    double rv = new PearsonsCorrelation().correlation(array(counts), array(volumeFactors));
    assertTrue(rv > 0.3, "weekly volume against the week's factor: r = " + rv);
    // The rates' own relative spread: the factors' 6% plus binomial noise, sqrt(6^2 + 1.8^2).
    assertEquals(0.063, relativeSd(rates), 0.015);
  }

  @Test
  void longCycleTimingClosesInAbout50DaysAndStandardInAbout27() {
    assertEquals(27, medianDaysToWon(Scenario.STANDARD), 3);
    assertEquals(50, medianDaysToWon(Scenario.LONG_CYCLE), 3);
  }

  @Test
  void conversionRiseWithASmallMagnitudeBringsTheGateTo99Percent() {
    // 1 - (1 - p) * 0.02 with p about 0.52 for mid-market leads: 0.990.
    InjectedAnomaly rise =
        InjectedAnomaly.parse(
            "stage=lead,dimension=segment,value=mid_market,week=2025-03-03,weeks=6,"
                + "kind=conversion_rise,magnitude=0.02");
    GeneratorSpec spec = Scenario.STANDARD.spec(LocalDate.of(2025, 1, 6), 3);
    LeadSimulator simulator = new LeadSimulator(spec.withAnomalies(List.of(rise)));
    long from = LocalDate.of(2025, 3, 3).atStartOfDay(SyntheticFunnel.ZONE).toEpochSecond();
    long to = LocalDate.of(2025, 4, 14).atStartOfDay(SyntheticFunnel.ZONE).toEpochSecond();
    long entered = 0;
    long advanced = 0;
    for (long i = 0; i < spec.leads(); i++) {
      List<Row> rows = simulator.events(i);
      long created = rows.get(0).getLong(2) / 1_000_000;
      if (rows.get(0).get(5) == null || !"mid_market".equals(rows.get(0).getString(5))) {
        continue;
      }
      if (created < from || created >= to) {
        continue;
      }
      entered++;
      if (rows.stream().anyMatch(row -> MAIN_PATH.indexOf(row.getString(1)) > 0)) {
        advanced++;
      }
    }
    double rate = advanced / (double) entered;
    assertTrue(entered > 700, "mid-market leads in the window: " + entered);
    assertTrue(rate >= 0.985 && rate <= 0.997, "pass rate " + rate + " of " + entered);
  }

  @Test
  void scenariosSizeTheirVolumePerWeek() {
    // 2025-01-06 + 12 months = 365 days: 500 * 365 / 7 = 26,071.4.
    GeneratorSpec standard = Scenario.STANDARD.spec(LocalDate.of(2025, 1, 6), 1);
    assertEquals(26_071, standard.leads());
    assertEquals(0.06, standard.weeklyVariation());
    assertEquals(Timing.STANDARD, standard.timing());
    // 300 * 365 / 7 = 15,642.9.
    GeneratorSpec longCycle = Scenario.LONG_CYCLE.spec(LocalDate.of(2025, 1, 6), 1);
    assertEquals(15_643, longCycle.leads());
    assertEquals(Timing.LONG_CYCLE, longCycle.timing());
    assertEquals(Scenario.LONG_CYCLE, Scenario.parse("long_cycle"));
  }

  private static double medianDaysToWon(Scenario scenario) {
    GeneratorSpec spec = scenario.spec(LocalDate.of(2025, 1, 6), 1);
    LeadSimulator simulator = new LeadSimulator(spec);
    List<Double> days = new ArrayList<>();
    for (long i = 0; i < spec.leads(); i++) {
      List<Row> rows = simulator.events(i);
      for (Row row : rows) {
        if (SyntheticFunnel.WON.equals(row.getString(1))) {
          days.add((row.getLong(2) - rows.get(0).getLong(2)) / 86_400e6);
          break;
        }
      }
    }
    Collections.sort(days);
    return days.get(days.size() / 2);
  }

  private static LocalDate localDay(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000))
        .atZone(SyntheticFunnel.ZONE)
        .toLocalDate();
  }

  private static double relativeSd(List<Double> values) {
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return Math.sqrt(squares / (values.size() - 1)) / mean;
  }

  private static double[] array(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
