package dev.funnel.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RuntimeConfig;

/**
 * The Spark SQL settings a run chooses by its input size, applied for the run and removed after it.
 * A setting the session already has (spark-submit {@code --conf}, a test session) is kept: the
 * user's word wins.
 */
final class RunSettings implements AutoCloseable {
  /** Shuffle partitions of the tables' aggregations. */
  static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

  private final RuntimeConfig conf;
  private final List<String> applied;

  private RunSettings(RuntimeConfig conf, List<String> applied) {
    this.conf = conf;
    this.applied = List.copyOf(applied);
  }

  /** Adaptive query execution. */
  static final String ADAPTIVE = "spark.sql.adaptive.enabled";

  /**
   * The settings for {@code partitions} event partitions on {@code parallelism} cores. The tables'
   * shuffles move per-lead facts and cells, far less than the events, so the event partitions are
   * plenty for them (Spark's default of 200 is a fixed cost of hundreds of tiny tasks per table on
   * small inputs). When that is a single wave (one partition per core, inputs up to about a million
   * events per core), adaptive execution has nothing to coalesce or re-plan and only adds its
   * per-query planning and a Spark job per query stage (47 jobs instead of 23 for a run at 100 k
   * events), so it is off; larger inputs keep Spark's default.
   */
  static Map<String, String> forInput(int partitions, int parallelism) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(SHUFFLE_PARTITIONS, Integer.toString(partitions));
    if (partitions <= parallelism) {
      settings.put(ADAPTIVE, "false");
    }
    return settings;
  }

  /** Applies every setting the session does not have; {@link #close} removes them again. */
  static RunSettings apply(RuntimeConfig conf, Map<String, String> settings) {
    List<String> applied = new ArrayList<>();
    for (Map.Entry<String, String> s : settings.entrySet()) {
      if (!conf.contains(s.getKey())) {
        conf.set(s.getKey(), s.getValue());
        applied.add(s.getKey());
      }
    }
    return new RunSettings(conf, applied);
  }

  /** The settings this run applied (not those the session had). */
  List<String> applied() {
    return applied;
  }

  @Override
  public void close() {
    for (String key : applied) {
      conf.unset(key);
    }
  }
}
