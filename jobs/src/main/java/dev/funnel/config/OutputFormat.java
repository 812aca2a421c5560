package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the output tables are stored: the {@code output_format} key. The one place that names the
 * formats; {@code io.TableStore} implements each.
 */
public enum OutputFormat {
  /**
   * Plain Parquet directories {@code OUTPUT/<table>/as_of=YYYY-MM-DD}, swapped in by directory
   * renames (the default; atomic on local file systems and HDFS).
   */
  PARQUET,
  /**
   * Delta Lake tables {@code OUTPUT/<table>} partitioned by {@code as_of}, a day replaced by one
   * {@code replaceWhere} commit per table (atomic on object stores such as S3 too).
   */
  DELTA;

  /** The configuration key. */
  public static final String KEY = "output_format";

  /** The value as written in the configuration. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code output_format} (null or absent: {@link #PARQUET}). */
  static OutputFormat parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return PARQUET;
    }
    for (OutputFormat format : values()) {
      if (node.isTextual() && format.key().equals(node.asText().trim())) {
        return format;
      }
    }
    throw ConfigException.of(
        "key '%s' must be one of %s, found %s",
        KEY,
        Arrays.stream(values()).map(OutputFormat::key).collect(Collectors.joining(", ")),
        ConfigLoader.describe(node));
  }
}
