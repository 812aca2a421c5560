package dev.funnel.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The rows of one run's tables that the weekly report needs, read by column name through the
 * declared schemas ({@code io.ReportTables}) and already narrowed to small aggregates: no
 * event-level data. Plain Java, so the report is built and tested without Spark.
 *
 * @param asOf the run's as-of day
 * @param conversion {@code stage_conversion} rows (week and month grain)
 * @param times {@code time_in_stage} rows (month grain, total)
 * @param revenue {@code revenue_conversion} rows (month grain, total)
 * @param sla {@code sla_compliance} rows (week and month grain)
 * @param targets {@code targets} rows
 * @param ownerBreaches breaches per SLA and owner of leads that entered in the as-of's month
 * @param unworked the oldest breached leads not worked yet, per SLA
 * @param anomalies {@code anomalies} rows
 * @param checks {@code anomaly_checks} rows
 */
public record ReportInput(
    LocalDate asOf,
    List<Conversion> conversion,
    List<Time> times,
    List<Revenue> revenue,
    List<Sla> sla,
    List<Target> targets,
    List<OwnerBreaches> ownerBreaches,
    List<Unworked> unworked,
    List<Check> anomalies,
    List<Check> checks) {

  /** Copies the lists. */
  public ReportInput {
    conversion = List.copyOf(conversion);
    times = List.copyOf(times);
    revenue = List.copyOf(revenue);
    sla = List.copyOf(sla);
    targets = List.copyOf(targets);
    ownerBreaches = List.copyOf(ownerBreaches);
    unworked = List.copyOf(unworked);
    anomalies = List.copyOf(anomalies);
    checks = List.copyOf(checks);
  }

  /** A {@code stage_conversion} row. */
  public record Conversion(
      String grain,
      LocalDate cohortStart,
      String stage,
      String nextStage,
      String dimension,
      String dimensionValue,
      long entered,
      long converted,
      double conversionRate,
      boolean mature) {}

  /** A {@code time_in_stage} row (the censoring-aware Kaplan-Meier figures). */
  public record Time(
      String grain,
      LocalDate cohortStart,
      String stage,
      String dimension,
      String dimensionValue,
      long visits,
      long open,
      Double kmP50Hours,
      Double kmP90Hours) {}

  /** A {@code revenue_conversion} row. */
  public record Revenue(
      String grain,
      LocalDate cohortStart,
      String stage,
      long entered,
      long won,
      double wonAmount,
      double revenuePerLead,
      boolean mature) {}

  /** A {@code sla_compliance} row. */
  public record Sla(
      String sla,
      String grain,
      LocalDate periodStart,
      String dimension,
      String dimensionValue,
      long entered,
      long met,
      long breached,
      long pending,
      Double complianceRate) {}

  /** A {@code targets} row. */
  public record Target(
      String target,
      String stage,
      String kind,
      String currency,
      LocalDate periodStart,
      double goal,
      double actual,
      boolean complete,
      double elapsedFraction,
      double projected,
      boolean onTrack) {}

  /** Breached leads of one owner under one SLA. */
  public record OwnerBreaches(String sla, String owner, long breaches, long unworked) {}

  /** A breached lead that has not been worked yet. */
  public record Unworked(
      String sla, String leadId, String owner, Instant enteredAt, double responseHours) {}

  /**
   * An {@code anomalies} or {@code anomaly_checks} row (anomalies: flagged unless
   * INSUFFICIENT_DATA).
   */
  public record Check(
      String kind,
      String severity,
      String grain,
      LocalDate periodStart,
      String stage,
      String dimension,
      String dimensionValue,
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
      boolean flagged,
      String message) {}
}
