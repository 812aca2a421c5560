package dev.funnel.generate;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** A preset of generated data: volume, history, timing and week-to-week variation. */
public enum Scenario {
  /**
   * About 500 new leads a week over a year, the generator's dimensions and timing, and a real
   * week-to-week variation of 6% of every conversion and of the volume.
   */
  STANDARD(500, 12, 0.06, Timing.STANDARD),
  /**
   * A long-cycle B2B funnel: about 300 new leads a week over a year, {@link Timing#LONG_CYCLE}
   * (median time from lead creation to a won deal about 50 days), 6% week-to-week variation.
   */
  LONG_CYCLE(300, 12, 0.06, Timing.LONG_CYCLE);

  private final int leadsPerWeek;
  private final int months;
  private final double weeklyVariation;
  private final Timing timing;

  Scenario(int leadsPerWeek, int months, double weeklyVariation, Timing timing) {
    this.leadsPerWeek = leadsPerWeek;
    this.months = months;
    this.weeklyVariation = weeklyVariation;
    this.timing = timing;
  }

  /** The lower-case name used on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scenario of a command-line label ({@code standard}, {@code long_cycle}). */
  public static Scenario parse(String label) {
    for (Scenario scenario : values()) {
      if (scenario.label().equalsIgnoreCase(label)) {
        return scenario;
      }
    }
    throw new IllegalArgumentException(
        "scenario '"
            + label
            + "' is not one of "
            + List.of(values()).stream().map(Scenario::label).toList());
  }

  /** New leads per week on average. */
  public int leadsPerWeek() {
    return leadsPerWeek;
  }

  /** Months of history. */
  public int months() {
    return months;
  }

  /** Relative standard deviation of the weekly factors. */
  public double weeklyVariation() {
    return weeklyVariation;
  }

  /** Stage durations. */
  public Timing timing() {
    return timing;
  }

  /** Leads for {@code months} from {@code start}: {@link #leadsPerWeek()} per 7 days, rounded. */
  public long leads(LocalDate start, int months) {
    long days = ChronoUnit.DAYS.between(start, start.plusMonths(months));
    return Math.round(leadsPerWeek * days / 7.0);
  }

  /** The scenario's spec from {@code start} with {@code seed}, without anomalies. */
  public GeneratorSpec spec(LocalDate start, long seed) {
    return new GeneratorSpec(
        leads(start, months), start, months, seed, List.of(), 0, weeklyVariation, timing);
  }
}
