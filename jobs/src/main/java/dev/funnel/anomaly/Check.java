package dev.funnel.anomaly;

import java.time.LocalDate;

/**
 * One judged cell: a row of {@code anomaly_checks} (and of {@code anomalies} when flagged or
 * insufficient). Column meanings are in {@code schemas/anomaly_checks.json}; nullable columns are
 * boxed.
 *
 * @param family true for the cell's one test in the run's Benjamini–Hochberg family (weekly checks
 *     and probability judgements are not members)
 * @param relativeChange the size of the deviation relative to the expectation or limit, for
 *     severity
 */
public record Check(
    AnomalyKind kind,
    Severity severity,
    String grain,
    LocalDate periodStart,
    CellKey cell,
    String metric,
    Double observed,
    Double expected,
    Double lower,
    Double upper,
    long n,
    Double pValue,
    Double qValue,
    Double detectableEffect,
    LocalDate firstFlagged,
    String message,
    boolean flagged,
    boolean family,
    double relativeChange) {

  /** True for the rows of {@code anomalies}: flags and insufficient cells. */
  public boolean reported() {
    return family && flagged || kind == AnomalyKind.INSUFFICIENT_DATA || flaggedJudgement();
  }

  private boolean flaggedJudgement() {
    return flagged && kind == AnomalyKind.TARGET_AT_RISK && !family;
  }

  /**
   * A family test before judgement: severity warning, no q-value, effect or first-flagged day yet;
   * the message is written once its q-value is known.
   */
  public static Check test(
      AnomalyKind kind,
      String grain,
      LocalDate periodStart,
      CellKey cell,
      String metric,
      Double observed,
      Double expected,
      Double lower,
      Double upper,
      long n,
      Double pValue,
      double relativeChange) {
    return new Check(
        kind,
        Severity.WARNING,
        grain,
        periodStart,
        cell,
        metric,
        observed,
        expected,
        lower,
        upper,
        n,
        pValue,
        null,
        null,
        null,
        "",
        false,
        true,
        relativeChange);
  }

  /** This check with its BH q-value, flag, severity and message. */
  public Check judged(Double q, boolean isFlagged, Severity newSeverity, String newMessage) {
    return copy(q, isFlagged, newSeverity, newMessage, detectableEffect, firstFlagged);
  }

  /** This check with a detectable effect. */
  public Check withDetectableEffect(Double effect) {
    return copy(qValue, flagged, severity, message, effect, firstFlagged);
  }

  /** This check with its first-flagged day. */
  public Check withFirstFlagged(LocalDate day) {
    return copy(qValue, flagged, severity, message, detectableEffect, day);
  }

  /** This check marked as inside a flagged pooled run (weekly checks). */
  public Check markedFlagged() {
    return copy(qValue, true, severity, message, detectableEffect, firstFlagged);
  }

  private Check copy(
      Double q, boolean isFlagged, Severity s, String text, Double effect, LocalDate first) {
    return new Check(
        kind,
        s,
        grain,
        periodStart,
        cell,
        metric,
        observed,
        expected,
        lower,
        upper,
        n,
        pValue,
        q,
        effect,
        first,
        text,
        isFlagged,
        family,
        relativeChange);
  }
}
