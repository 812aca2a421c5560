package dev.funnel.spark;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Everything an {@link OutputTable} is built from in one nightly run: the as-of day and instant,
 * the funnel's calendar and configuration, the shuffle partitions for event-level data, the run's
 * {@link VisitFacts visit facts} and classified input rows, and the intermediates shared between
 * tables. Immutable except for the memo of {@link #shared} results, which {@link #close} releases
 * (the run calls it in a {@code finally}, so also when the run fails).
 */
public final class RunContext implements AutoCloseable {
  private final SparkSession spark;
  private final FunnelConfig config;
  private final FunnelCalendar calendar;
  private final LocalDate asOfDay;
  private final Instant asOf;
  private final int partitions;
  private final Dataset<Row> classified;
  private final Observation rowClasses;
  private final Dataset<Row> facts;
  private final String output;
  private final Map<SharedResult, Dataset<Row>> shared = new IdentityHashMap<>();
  private final Map<SharedValue<?>, Object> values = new IdentityHashMap<>();

  /**
   * The context of a run.
   *
   * @param asOfDay the {@code --as-of} day; the as-of instant is the start of the next day in the
   *     funnel's zone
   * @param output root of the output tables (earlier runs' published tables live there)
   * @param partitions shuffle partitions for event-level data
   * @param classified input rows with their row class ({@link EventCleaning#classify})
   * @param rowClasses the observation that counts the row classes while rejected_events is written
   * @param facts the visit facts of the run, persisted; the context unpersists them on {@link
   *     #close}
   */
  public RunContext(
      SparkSession spark,
      FunnelConfig config,
      LocalDate asOfDay,
      String output,
      int partitions,
      Dataset<Row> classified,
      Observation rowClasses,
      Dataset<Row> facts) {
    this.spark = Objects.requireNonNull(spark);
    this.config = Objects.requireNonNull(config);
    this.calendar = new FunnelCalendar(config.zone());
    this.asOfDay = Objects.requireNonNull(asOfDay);
    this.asOf = calendar.asOfInstant(asOfDay);
    this.output = output;
    this.partitions = partitions;
    this.classified = classified;
    this.rowClasses = rowClasses;
    this.facts = facts;
  }

  /** The session (only for building small driver-side tables; never to read more input). */
  public SparkSession spark() {
    return spark;
  }

  /** The funnel's configuration. */
  public FunnelConfig config() {
    return config;
  }

  /** The funnel's calendar (its time zone). */
  public FunnelCalendar calendar() {
    return calendar;
  }

  /** The {@code --as-of} day: the value of every table's {@code as_of} column. */
  public LocalDate asOfDay() {
    return asOfDay;
  }

  /** The as-of instant: the start of the day after {@link #asOfDay} in the funnel's zone. */
  public Instant asOf() {
    return asOf;
  }

  /** The as-of instant in microseconds since the epoch, as the visit facts store instants. */
  public long asOfMicros() {
    return FunnelCalendar.toMicros(asOf);
  }

  /** The root of the output tables, where earlier runs' published tables can be read. */
  public String output() {
    return output;
  }

  /** Shuffle partitions for event-level data (sized from the input's row count). */
  public int partitions() {
    return partitions;
  }

  /** The input rows with their row class; rejected_events reads it, nothing else should. */
  public Dataset<Row> classified() {
    return classified;
  }

  /** The observation that counts row classes in the rejected_events scan (used once). */
  public Observation rowClasses() {
    return rowClasses;
  }

  /** The run's {@link VisitFacts}: one row per visit, persisted. Read columns by those names. */
  public Dataset<Row> facts() {
    return facts;
  }

  /**
   * The run's value of a shared intermediate: computed and persisted on first use, the same Dataset
   * afterwards. Released by {@link #close}.
   */
  public synchronized Dataset<Row> shared(SharedResult result) {
    Dataset<Row> value = shared.get(result);
    if (value == null) {
      value = result.compute(this).persist(StorageLevel.MEMORY_AND_DISK());
      shared.put(result, value);
    }
    return value;
  }

  /** The run's value of a shared driver-side value: computed on first use, the same afterwards. */
  @SuppressWarnings("unchecked")
  public synchronized <T> T value(SharedValue<T> value) {
    if (!values.containsKey(value)) {
      values.put(value, value.compute(this));
    }
    return (T) values.get(value);
  }

  /** The shared intermediates computed so far (for tests and logs). */
  public synchronized List<SharedResult> sharedResults() {
    return List.copyOf(shared.keySet());
  }

  /** Unpersists the shared intermediates and the visit facts. */
  @Override
  public synchronized void close() {
    List<Dataset<Row>> cached = new ArrayList<>(shared.values());
    shared.clear();
    values.clear();
    for (Dataset<Row> d : cached) {
      d.unpersist();
    }
    if (facts != null) {
      facts.unpersist();
    }
  }
}
