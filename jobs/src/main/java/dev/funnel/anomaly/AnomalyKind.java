package dev.funnel.anomaly;

/** What a check judges; the names are the {@code kind} column's values. */
public enum AnomalyKind {
  /** Conversion at equal age significantly below the baseline: a bottleneck forming. */
  CONVERSION_DROP,
  /** Estimated final conversion significantly below the configured floor. */
  CONVERSION_FLOOR,
  /** Nearly everyone passes the stage. */
  LAX_GATE,
  /** Time in stage significantly longer than the baseline (log-rank, censoring-aware). */
  SLOW_STAGE,
  /** Fewer entries than the baseline makes plausible. */
  VOLUME_DROP,
  /** The target's period is more likely than not to end below its goal. */
  TARGET_AT_RISK,
  /** SLA compliance significantly below its baseline or below the configured minimum. */
  SLA_BREACH_RATE,
  /** A cell too small to judge. */
  INSUFFICIENT_DATA
}
