package dev.funnel.evaluate;

import dev.funnel.generate.InjectedAnomaly;
import java.time.LocalDate;

/**
 * The ground truth of one injected anomaly in the terms of the {@code anomalies} table, and the
 * rules by which a flag finds it or is explained by it.
 *
 * @param anomaly the injected anomaly
 * @param expectedKind the table's kind that should flag it (see {@link #expectedKind})
 */
public record Injection(InjectedAnomaly anomaly, String expectedKind) {

  /** How far before the onset a flagged cohort week may start and still count: two weeks. */
  public static final int EARLY_DAYS = 14;

  /** The truth of {@code anomaly}, with {@link #expectedKind(InjectedAnomaly.Kind)}. */
  public static Injection of(InjectedAnomaly anomaly) {
    return new Injection(anomaly, expectedKind(anomaly.kind()));
  }

  /**
   * The table's kind for an injected kind: conversion_drop → CONVERSION_DROP, conversion_rise (to
   * about 99%) → LAX_GATE, slowdown → SLOW_STAGE, volume_cut → VOLUME_DROP.
   */
  public static String expectedKind(InjectedAnomaly.Kind kind) {
    return switch (kind) {
      case CONVERSION_DROP -> "CONVERSION_DROP";
      case CONVERSION_RISE -> "LAX_GATE";
      case SLOWDOWN -> "SLOW_STAGE";
      case VOLUME_CUT -> "VOLUME_DROP";
    };
  }

  /** The onset: the first day of the injection window, a Monday. */
  public LocalDate onset() {
    return anomaly.weekStart();
  }

  /**
   * True when {@code flag}'s cohort week can carry the injection: its Monday lies in [onset - 14
   * days, end of the injection window). Pooled tests name the first week of the pooled run, which
   * may start a little before the onset.
   */
  public boolean inWindow(Flag flag) {
    LocalDate week = flag.periodStart();
    return week != null
        && !week.isBefore(onset().minusDays(EARLY_DAYS))
        && week.isBefore(anomaly.weekEnd());
  }

  /**
   * True when {@code flag} finds the injection: actionable (critical or warning), the expected
   * kind, the injected stage, dimension and value, and a cohort week {@link #inWindow in the
   * window}.
   */
  public boolean hits(Flag flag) {
    return flag.actionable()
        && expectedKind.equals(flag.kind())
        && anomaly.stage().equals(flag.stage())
        && anomaly.dimension().equals(flag.dimension())
        && anomaly.value().equals(flag.dimensionValue())
        && inWindow(flag);
  }

  /**
   * True when an actionable {@code flag} is explained by the injection: the expected kind, a cohort
   * week in the window, on the injected cell or the total cell; for conversion and time kinds at
   * the injected stage, for a volume cut (fewer leads created, hence fewer entering every later
   * stage) at any stage.
   */
  public boolean explains(Flag flag) {
    if (!flag.actionable() || !expectedKind.equals(flag.kind()) || !inWindow(flag)) {
      return false;
    }
    boolean cell =
        flag.isTotal()
            || (anomaly.dimension().equals(flag.dimension())
                && anomaly.value().equals(flag.dimensionValue()));
    boolean stage =
        anomaly.kind() == InjectedAnomaly.Kind.VOLUME_CUT || anomaly.stage().equals(flag.stage());
    return cell && stage;
  }
}
