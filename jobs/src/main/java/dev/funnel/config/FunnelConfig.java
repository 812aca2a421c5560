package dev.funnel.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The validated, immutable configuration of one funnel (see {@link ConfigLoader} for the YAML
 * keys). Everything here is checked before Spark starts.
 *
 * @param name funnel name, used in logs and the manifest
 * @param zone calendar for weeks, months and the as-of day
 * @param stages main path and lost stages, in tie-break order
 * @param conversionWindowDays how long after the first entry into a stage a conversion counts
 * @param dimensions breakdown columns of the input, all strings
 * @param maxLeadIdLength longer lead ids are rejected as {@code lead_id_too_long}
 * @param latestEnteredAt events at or after this instant are rejected as out of range
 * @param slas response service-level agreements
 * @param businessHours calendar of {@code clock: business}; null when no SLA uses it
 * @param targets volume and value targets
 * @param anomalies how the anomaly phase judges the funnel
 * @param retention how long stage_visits snapshots are kept
 * @param smtp where the weekly report is mailed from; null when not configured
 * @param outputFormat how the output tables are stored (Parquet directories or Delta tables)
 */
public record FunnelConfig(
    String name,
    ZoneId zone,
    FunnelStages stages,
    int conversionWindowDays,
    List<String> dimensions,
    int maxLeadIdLength,
    Instant latestEnteredAt,
    List<SlaDefinition> slas,
    BusinessHours businessHours,
    List<TargetDefinition> targets,
    AnomalySettings anomalies,
    Retention retention,
    SmtpConfig smtp,
    OutputFormat outputFormat)
    implements Serializable {

  /** Events before this instant are rejected as out of range. */
  public static final Instant EARLIEST_ENTERED_AT = Instant.EPOCH;

  /** Normalises the lists to unmodifiable copies. */
  public FunnelConfig {
    dimensions = List.copyOf(dimensions);
    slas = List.copyOf(slas);
    targets = List.copyOf(targets);
  }

  /** The conversion window as an exact duration (days of 24 hours, whatever the calendar). */
  public Duration conversionWindow() {
    return Duration.ofDays(conversionWindowDays);
  }
}
