package dev.funnel.spark;

import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/** Aggregation of money amounts. */
public final class Amounts {
  private Amounts() {}

  /**
   * The sum of amounts, the same whatever the partitioning: each amount is taken to 6 decimal
   * places and added exactly as a decimal, and the sum is returned as a double. (A double sum
   * depends on the order of the additions, so a cluster with another number of partitions would
   * write other last digits.)
   */
  public static Column sumOf(Column amount) {
    return sum(amount.cast(DataTypes.createDecimalType(38, 6))).cast(DataTypes.DoubleType);
  }
}
