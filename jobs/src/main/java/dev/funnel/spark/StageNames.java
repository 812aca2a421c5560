package dev.funnel.spark;

import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import dev.funnel.config.FunnelStages;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Catalyst expressions between stage codes (as the lead pass stores them) and stage names. */
public final class StageNames {
  private StageNames() {}

  /** The stage name of a code column; null for a null code. */
  public static Column name(FunnelStages stages, Column code) {
    Column[] names = stages.all().stream().map(functions::lit).toArray(Column[]::new);
    // element_at over an array of non-null literals is typed non-nullable even for a null index
    // (Spark 4.2, ANSI mode), and a null result then decodes as garbage; guard it explicitly.
    return functions.when(code.isNotNull(), element_at(functions.array(names), code.plus(lit(1))));
  }

  /** The stage code of a name column; null for a name that is not a stage. */
  public static Column code(FunnelStages stages, Column name) {
    Column result = lit(null).cast("int");
    for (int i = stages.size() - 1; i >= 0; i--) {
      result = functions.when(name.equalTo(lit(stages.name(i))), lit(i)).otherwise(result);
    }
    return result;
  }
}
