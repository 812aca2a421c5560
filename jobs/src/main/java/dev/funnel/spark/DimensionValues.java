package dev.funnel.spark;

import static org.apache.spark.sql.functions.regexp_replace;

import org.apache.spark.sql.Column;

/**
 * Keeps real dimension values apart from the reserved markers of the output tables. The total row
 * of a breakdown is {@code dimension = '(all)'} (a dimension name cannot be {@code (all)}), so a
 * real value {@code (all)} is published as it is. {@code (none)} marks a lead that never had a
 * value, so a real value {@code (none)} is published as {@code '(none)}, a real {@code '(none)} as
 * {@code ''(none)}, and so on (one more leading apostrophe): {@code (none)} always means "never
 * set", and no two input values meet in one output value.
 */
public final class DimensionValues {
  private DimensionValues() {}

  /** The published form of an input dimension value (null stays null: never set). */
  public static Column published(Column value) {
    return regexp_replace(value, "^('*\\(none\\))$", "'$1");
  }
}
