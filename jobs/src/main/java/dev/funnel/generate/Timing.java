package dev.funnel.generate;

/**
 * How long generated leads stay in each stage: a multiplier of the generator's durations per stage
 * a lead advances from (lead, mql, sql, opportunity), applied to every stay whatever follows it.
 */
public enum Timing {
  /** The generator's own durations: most leads close within a few weeks of creation. */
  STANDARD(new double[] {1, 1, 1, 1}),
  /**
   * A long-cycle B2B funnel: qualification and deals take several times longer (the MQL hand-off to
   * sales keeps its speed), so the median time from lead creation to a won deal is about 50 days;
   * meant for a 120-day conversion window.
   */
  LONG_CYCLE(new double[] {2.0, 1, 2.5, 2.2});

  private final double[] stageFactors;

  Timing(double[] stageFactors) {
    this.stageFactors = stageFactors;
  }

  /**
   * The duration multiplier for stays in main-path stage {@code stage} (0 = lead, 3 = opportunity).
   */
  public double factor(int stage) {
    return stageFactors[stage];
  }
}
