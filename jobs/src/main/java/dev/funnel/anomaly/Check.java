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

  /** This check with its BH q-value, flag, severity and message. */
  public Check judged(Double q, boolean isFlagged, Severity newSeverity, String newMessage) {
    return new Check(
        kind,
        newSeverity,
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
        detectableEffect,
        firstFlagged,
        newMessage,
        isFlagged,
        family,
        relativeChange);
  }

  /** This check with a detectable effect. */
  public Check withDetectableEffect(Double effect) {
    return new Check(
        kind,
        severity,
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
        qValue,
        effect,
        firstFlagged,
        message,
        flagged,
        family,
        relativeChange);
  }

  /** This check with its first-flagged day. */
  public Check withFirstFlagged(LocalDate day) {
    return new Check(
        kind,
        severity,
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
        qValue,
        detectableEffect,
        day,
        message,
        flagged,
        family,
        relativeChange);
  }

  /** This check marked as inside a flagged pooled run (weekly checks). */
  public Check markedFlagged() {
    return new Check(
        kind,
        severity,
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
        qValue,
        detectableEffect,
        firstFlagged,
        message,
        true,
        family,
        relativeChange);
  }
}
