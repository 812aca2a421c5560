package dev.funnel.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The table schemas of {@code schemas/} (Spark StructType JSON, one file per table), as the jar
 * carries them. Tables with a breakdown end with one STRING column per configured dimension.
 */
public final class Schemas {
  /** Input: stage events. */
  public static final String STAGE_EVENTS = "stage_events";

  /** Output: one row per visit. */
  public static final String STAGE_VISITS = "stage_visits";

  /** Output: cohort conversion per stage. */
  public static final String STAGE_CONVERSION = "stage_conversion";

  /** Output: time in stage per cohort. */
  public static final String TIME_IN_STAGE = "time_in_stage";

  /** Output: input rows that could not be used, with a reason. */
  public static final String REJECTED_EVENTS = "rejected_events";

  /** Output: SLA compliance per period and breakdown. */
  public static final String SLA_COMPLIANCE = "sla_compliance";

  /** Output: one row per lead that breached an SLA. */
  public static final String SLA_BREACHES = "sla_breaches";

  /** Output: volume and value targets per period. */
  public static final String TARGETS = "targets";

  /** Output: won leads and revenue per stage cohort. */
  public static final String REVENUE_CONVERSION = "revenue_conversion";

  /** Output: flagged anomalies and cells too small to judge. */
  public static final String ANOMALIES = "anomalies";

  /** Output: every judged anomaly check, flagged or not. */
  public static final String ANOMALY_CHECKS = "anomaly_checks";

  /** The dimension and dimension value of a breakdown table's total rows. */
  public static final String ALL = "(all)";

  /** Tables whose rows carry the lead's dimension values as columns. */
  public static final List<String> WITH_DIMENSION_COLUMNS =
      List.of(STAGE_VISITS, REJECTED_EVENTS, SLA_BREACHES);

  private Schemas() {}

  /** Loads a table's declared schema from {@code schemas/<table>.json}. */
  public static StructType load(String table) {
    String resource = "schemas/" + table + ".json";
    try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + resource + " is not on the classpath");
      }
      return (StructType) DataType.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + resource, e);
    }
  }

  /** A table's declared schema followed by one nullable STRING column per dimension. */
  public static StructType load(String table, List<String> dimensions) {
    StructType schema = load(table);
    for (String dimension : dimensions) {
      schema = schema.add(new StructField(dimension, DataTypes.StringType, true, meta(dimension)));
    }
    return schema;
  }

  private static org.apache.spark.sql.types.Metadata meta(String dimension) {
    return new org.apache.spark.sql.types.MetadataBuilder()
        .putString(
            "description",
            "The lead's first-touch value of dimension "
                + dimension
                + " ((none) if never set; a real value (none) as '(none), see DimensionValues).")
        .build();
  }
}
