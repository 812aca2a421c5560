package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Set;

/**
 * How long snapshots are kept: the {@code retention} section. Only {@code stage_visits} (a full
 * snapshot of every visit, every night) is pruned; the aggregate tables are small and kept.
 *
 * @param stageVisitsDays after a successful publish, {@code stage_visits} partitions whose as-of
 *     day is more than this many days before the run's as-of day are removed (0 keeps only the
 *     run's own partition)
 */
public record Retention(int stageVisitsDays) implements Serializable {
  /** The default: a week of stage_visits snapshots besides the run's own. */
  public static final Retention DEFAULTS = new Retention(7);

  /** About a century: more is "keep everything" and would overflow date arithmetic. */
  static final int MAX_DAYS = 36_500;

  private static final Set<String> KEYS = Set.of("stage_visits_days");

  /** Parses the {@code retention} section (null or absent: the defaults). */
  static Retention parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return DEFAULTS;
    }
    ConfigException.check(
        node.isObject(),
        "key 'retention' must be a mapping of keys, found %s",
        ConfigLoader.describe(node));
    AgreementConfig.checkKeys(node, "retention", KEYS);
    JsonNode days = node.get("stage_visits_days");
    if (days == null || days.isNull()) {
      return DEFAULTS;
    }
    ConfigException.check(
        days.isIntegralNumber() && days.canConvertToInt(),
        "key 'retention.stage_visits_days' must be a whole number of days, found %s",
        ConfigLoader.describe(days));
    ConfigException.check(
        days.intValue() >= 0 && days.intValue() <= MAX_DAYS,
        "key 'retention.stage_visits_days' must be between 0 and %d, found %d",
        MAX_DAYS,
        days.intValue());
    return new Retention(days.intValue());
  }
}
