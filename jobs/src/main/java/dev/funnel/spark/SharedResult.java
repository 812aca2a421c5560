package dev.funnel.spark;

import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An intermediate result that several output tables of a run are built from (for example the
 * conversion counts of stage_conversion and revenue_conversion): computed at most once per run
 * through {@link RunContext#shared}, persisted, and unpersisted when the run ends, also when it
 * fails. Declare one as a constant; its identity is the key.
 */
public final class SharedResult {
  private final String name;
  private final Function<RunContext, Dataset<Row>> compute;

  private SharedResult(String name, Function<RunContext, Dataset<Row>> compute) {
    this.name = name;
    this.compute = compute;
  }

  /** A shared result with a name (for logs and the Spark UI) and how to compute it from a run. */
  public static SharedResult of(String name, Function<RunContext, Dataset<Row>> compute) {
    return new SharedResult(Objects.requireNonNull(name), Objects.requireNonNull(compute));
  }

  /** The name shown in the Spark UI's storage tab. */
  public String name() {
    return name;
  }

  Dataset<Row> compute(RunContext run) {
    return compute.apply(run);
  }

  @Override
  public String toString() {
    return name;
  }
}
