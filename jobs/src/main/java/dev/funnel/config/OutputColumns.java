package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every column of every table the product writes, read from the schema files the jar carries
 * ({@code schemas/*.json}), so that the configuration check knows them without Spark.
 */
final class OutputColumns {
  /**
   * The tables of {@code schemas/}; {@code OutputColumnsTest} checks that this list names every
   * file there.
   */
  static final List<String> TABLES =
      List.of(
          "stage_events",
          "stage_visits",
          "stage_conversion",
          "time_in_stage",
          "rejected_events",
          "revenue_conversion",
          "sla_compliance",
          "sla_breaches",
          "targets",
          "anomalies",
          "anomaly_checks",
          "import_rejected");

  private static final Map<String, List<String>> BY_LOWER_CASE_NAME = load();

  private OutputColumns() {}

  /**
   * The tables that have a column of this name (the first three, and how many more), compared
   * without case (Spark resolves column names case-insensitively, so {@code SLA} clashes with
   * {@code sla}); null when none has.
   */
  static String tablesWith(String column) {
    List<String> tables = BY_LOWER_CASE_NAME.get(column.toLowerCase(Locale.ROOT));
    if (tables == null) {
      return null;
    }
    return tables.size() <= 3
        ? String.join(", ", tables)
        : String.join(", ", tables.subList(0, 3)) + " and " + (tables.size() - 3) + " more";
  }

  private static Map<String, List<String>> load() {
    Map<String, List<String>> columns = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String table : TABLES) {
      String resource = "schemas/" + table + ".json";
      try (InputStream in = OutputColumns.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "schema resource " + resource + " is not on the classpath");
        }
        for (JsonNode field : json.readTree(in).get("fields")) {
          columns
              .computeIfAbsent(
                  field.get("name").asText().toLowerCase(Locale.ROOT),
                  name -> new java.util.ArrayList<>())
              .add(table);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + resource, e);
      }
    }
    return columns;
  }
}
