package dev.funnel.spark;

import java.util.Objects;
import java.util.function.Function;

/**
 * A small driver-side value that several output tables of a run are built from (for example the
 * judged anomaly checks behind anomalies and anomaly_checks): computed at most once per run through
 * {@link RunContext#value}. Declare one as a constant; its identity is the key. For a Dataset that
 * should be persisted, use {@link SharedResult}.
 *
 * @param <T> the value's type
 */
public final class SharedValue<T> {
  private final String name;
  private final Function<RunContext, T> compute;

  private SharedValue(String name, Function<RunContext, T> compute) {
    this.name = name;
    this.compute = compute;
  }

  /** A shared value with a name and how to compute it from a run. */
  public static <T> SharedValue<T> of(String name, Function<RunContext, T> compute) {
    return new SharedValue<>(Objects.requireNonNull(name), Objects.requireNonNull(compute));
  }

  T compute(RunContext run) {
    return compute.apply(run);
  }

  @Override
  public String toString() {
    return name;
  }
}
