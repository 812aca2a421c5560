package dev.funnel.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The weekly report as one immutable value: built from the tables by {@link ReportBuilder}, laid
 * out by the HTML and Markdown templates, serialised as the JSON file and mailed. Every text here
 * is already formatted for people; raw figures sit beside them for the JSON. Dates are ISO days of
 * the funnel's time zone.
 *
 * @param funnel the funnel's name
 * @param week ISO week label, e.g. 2026-W48
 * @param weekStart the week's Monday
 * @param weekEnd the week's Sunday
 * @param weekText the week for people, e.g. "23 Nov – 29 Nov 2026"
 * @param asOf the as-of day of the run the report reads
 * @param asOfText "data known through 26 Nov 2026 (Europe/Berlin)"
 * @param subject the e-mail subject
 * @param headline section 1
 * @param agreement section 2
 * @param anomalies section 3, most severe first
 * @param funnelSection section 4
 * @param notJudged section 5
 */
public record WeeklyReport(
    String funnel,
    String week,
    String weekStart,
    String weekEnd,
    String weekText,
    String asOf,
    String asOfText,
    String subject,
    Headline headline,
    Agreement agreement,
    List<Anomaly> anomalies,
    FunnelSection funnelSection,
    NotJudged notJudged) {

  /** Copies the list. */
  public WeeklyReport {
    anomalies = List.copyOf(anomalies);
  }

  /**
   * @param critical number of critical flags
   * @param warnings number of warning flags
   * @param summary the headline sentence
   * @param criticalSentences one explanation per critical flag
   */
  public record Headline(
      int critical, int warnings, String summary, List<String> criticalSentences) {
    /** Copies the list. */
    public Headline {
      criticalSentences = List.copyOf(criticalSentences);
    }
  }

  /** Section 2: SLAs, targets, owners with most breaches, oldest unworked breaches. */
  public record Agreement(
      List<SlaLine> slas,
      List<TargetLine> targets,
      List<OwnerLine> owners,
      List<UnworkedLine> unworked,
      List<String> notes) {
    /** Copies the lists. */
    public Agreement {
      slas = List.copyOf(slas);
      targets = List.copyOf(targets);
      owners = List.copyOf(owners);
      unworked = List.copyOf(unworked);
      notes = List.copyOf(notes);
    }
  }

  /** One SLA: compliance of the week and of the month so far against the agreed minimum. */
  public record SlaLine(
      String name,
      String stage,
      String limitText,
      Double weekCompliance,
      String weekText,
      String weekCounts,
      Double monthCompliance,
      String monthText,
      String monthCounts,
      Double minimum,
      String minimumText,
      String status,
      boolean kept) {}

  /** One target's current period: actual, goal, projection, on track or not. */
  public record TargetLine(
      String name,
      String stage,
      String periodText,
      double actual,
      String actualText,
      double goal,
      String goalText,
      double projected,
      String projectedText,
      String attainmentText,
      boolean onTrack,
      String status) {}

  /** An owner's breached leads this month under one SLA. */
  public record OwnerLine(String sla, String owner, long breaches, long unworked) {}

  /** A breached lead still waiting to be worked. */
  public record UnworkedLine(
      String sla, String leadId, String owner, String enteredText, String waitingText) {}

  /** One flag of section 3. */
  public record Anomaly(
      String severity,
      String kind,
      String kindLabel,
      String stage,
      String breakdown,
      String periodText,
      String message,
      String metricLabel,
      Double observed,
      String observedText,
      Double expected,
      String expectedText,
      String bandText,
      long leads,
      String leadsText,
      String sinceText,
      Double qValue,
      String qText,
      Chart chart,
      Split split,
      String discuss) {}

  /**
   * A trend chart: its data for the JSON, the SVG for the HTML (not in the JSON).
   *
   * @param title what it shows
   * @param note what the band and marks mean
   * @param weeks the points, oldest first
   * @param svg the inline SVG
   */
  public record Chart(String title, String note, List<ChartPoint> weeks, @JsonIgnore String svg) {
    /** Copies the list. */
    public Chart {
      weeks = List.copyOf(weeks);
    }
  }

  /** One point of a trend chart. */
  public record ChartPoint(
      String periodStart,
      String label,
      Double observed,
      String observedText,
      Double expected,
      Double lower,
      Double upper,
      boolean flagged) {}

  /** "Where it comes from": the change of a total split into mix and rate across a dimension. */
  public record Split(
      String dimension,
      String baselineText,
      String currentText,
      double mix,
      String mixText,
      double rate,
      String rateText,
      String verdict,
      List<SplitPart> parts) {
    /** Copies the list. */
    public Split {
      parts = List.copyOf(parts);
    }
  }

  /** One part of the split. */
  public record SplitPart(
      String value,
      String shareText,
      String rateText,
      double mix,
      String mixText,
      double rate,
      String rateEffectText) {}

  /** Section 4: this month against the previous three. */
  public record FunnelSection(
      List<String> months, List<StageLine> stages, String note, @JsonIgnore String chartSvg) {
    /** Copies the lists. */
    public FunnelSection {
      months = List.copyOf(months);
      stages = List.copyOf(stages);
    }
  }

  /** One stage across the months. */
  public record StageLine(String stage, String nextStage, List<StageMonth> months) {
    /** Copies the list. */
    public StageLine {
      months = List.copyOf(months);
    }
  }

  /** One stage in one month's cohort. */
  public record StageMonth(
      String month,
      long entered,
      String enteredText,
      Double conversion,
      String conversionText,
      boolean mature,
      String medianText,
      String p90Text,
      Double worth,
      String worthText) {}

  /** Section 5: cells too small to judge and cohorts too young. */
  public record NotJudged(
      int insufficientCells,
      List<InsufficientLine> largest,
      List<InsufficientLine> leastSensitive,
      List<String> immature) {
    /** Copies the lists. */
    public NotJudged {
      largest = List.copyOf(largest);
      leastSensitive = List.copyOf(leastSensitive);
      immature = List.copyOf(immature);
    }
  }

  /**
   * A cell too small to judge (or, among the judged ones, one of the least sensitive), with the
   * change it could have detected.
   */
  public record InsufficientLine(
      String kindLabel,
      String stage,
      String breakdown,
      String periodText,
      String message,
      long leads,
      String leadsText,
      Double detectableEffect,
      String detectableText) {}
}
