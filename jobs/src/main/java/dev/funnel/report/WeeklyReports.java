package dev.funnel.report;

import dev.funnel.config.FunnelConfig;
import java.nio.file.Path;

/** Builds, renders and writes one week's report from its rows: the steps every command shares. */
public final class WeeklyReports {
  private WeeklyReports() {}

  /** A written report: the model and its files. */
  public record Written(WeeklyReport report, ReportRenderer.ReportFiles files) {}

  /** Builds the report of {@code week} from its rows and writes it under {@code dir/reports}. */
  public static Written write(
      FunnelConfig config,
      ReportWeek week,
      ReportInput input,
      ReportBuilder.Settings settings,
      Path dir) {
    WeeklyReport report = ReportBuilder.build(config, week, input, settings);
    return new Written(report, ReportRenderer.write(report, dir));
  }

  /** The settings the configuration gives (SLA minimums and baseline length of the anomalies). */
  public static ReportBuilder.Settings settings(FunnelConfig config) {
    return new ReportBuilder.Settings(
        config.anomalies().baselinePeriods(), config.anomalies().slaMinCompliance());
  }
}
