package dev.funnel.evaluate;

import dev.funnel.stats.Percentiles;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the evaluation measures for one case (scenario and injected kind) over its seeds.
 *
 * @param evaluationCase the case
 * @param runs one per seed
 */
public record CaseMetrics(EvaluationCase evaluationCase, List<SeedRun> runs) {
  /** Copies the run list. */
  public CaseMetrics {
    runs = List.copyOf(runs);
  }

  /** Seeds evaluated. */
  public int seeds() {
    return runs.size();
  }

  /** Weekly reports over all seeds. */
  public long reports() {
    return runs.stream().mapToLong(run -> run.reports().size()).sum();
  }

  /**
   * Seeds whose injection was found by a report at most {@code weeks} weeks after the onset: the
   * numerator of recall within {@code weeks}.
   */
  public long detectedWithin(int weeks) {
    return runs.stream()
        .map(SeedRun::firstHitWeeks)
        .filter(first -> first.isPresent() && first.getAsInt() <= weeks)
        .count();
  }

  /**
   * Recall within {@code weeks}: the share of seeds whose injection a report at most that many
   * weeks after the onset found; NaN without injection or seeds.
   */
  public double recallWithin(int weeks) {
    if (!evaluationCase.injects() || runs.isEmpty()) {
      return Double.NaN;
    }
    return detectedWithin(weeks) / (double) runs.size();
  }

  /**
   * The median detection delay in weeks (type-7, over the seeds that were detected at all); null
   * when none was.
   */
  public Double medianDelayWeeks() {
    double[] delays =
        runs.stream()
            .map(SeedRun::firstHitWeeks)
            .filter(OptionalInt::isPresent)
            .mapToDouble(OptionalInt::getAsInt)
            .toArray();
    return delays.length == 0 ? null : Percentiles.of(delays).quantile(0.5);
  }

  /** Critical and warning flags over all reports. */
  public long actionableFlags() {
    return runs.stream().mapToLong(SeedRun::actionableFlags).sum();
  }

  /** Critical and warning flags the injection does not explain (every one without injection). */
  public long unexplainedFlags() {
    return runs.stream().mapToLong(SeedRun::unexplainedFlags).sum();
  }

  /**
   * Precision: the share of critical and warning flags that the injection explains; NaN without
   * injection or without flags.
   */
  public double precision() {
    long flags = actionableFlags();
    if (!evaluationCase.injects() || flags == 0) {
      return Double.NaN;
    }
    return (flags - unexplainedFlags()) / (double) flags;
  }

  /**
   * Unexplained critical and warning flags per weekly report: the false flags per report; on runs
   * with nothing injected every flag is false. NaN without reports.
   */
  public double falseFlagsPerReport() {
    long reports = reports();
    return reports == 0 ? Double.NaN : unexplainedFlags() / (double) reports;
  }

  /** The share of weekly reports with at least one false flag; NaN without reports. */
  public double reportsWithFalseFlags() {
    long reports = reports();
    long withFalse = runs.stream().mapToLong(SeedRun::reportsWithUnexplainedFlags).sum();
    return reports == 0 ? Double.NaN : withFalse / (double) reports;
  }

  /**
   * Whether the case's target ({@link EvaluationCase#target()}) is met; null when it is not met by
   * the reports made but the runs had no report as late as the target's weeks (not measured).
   */
  public Boolean targetMet() {
    EvaluationCase c = evaluationCase;
    if (!c.injects()) {
      return falseFlagsPerReport() <= c.maxFalseFlagsPerReport();
    }
    if (recallWithin(c.targetWeeks()) >= c.targetRecall()) {
      return true;
    }
    int latest =
        runs.stream()
            .flatMap(run -> run.reports().stream())
            .mapToInt(Report::weeksAfterOnset)
            .max()
            .orElse(0);
    return latest < c.targetWeeks() ? null : false;
  }
}
