package dev.funnel.oracle;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Compares one table written by the Spark job with the DuckDB oracle's file, in DuckDB: a FULL
 * OUTER JOIN on the table key, row counts exact, doubles to 1e-6 relative (1e-9 absolute near
 * zero), nulls only against nulls.
 */
public final class TableComparison {
  /** Key columns of each table with an oracle. */
  public static final Map<String, List<String>> KEYS =
      Map.of(
          "stage_visits", List.of("lead_id", "stage", "visit_number"),
          "stage_conversion",
              List.of("grain", "cohort_start", "stage", "dimension", "dimension_value"),
          "time_in_stage",
              List.of("grain", "cohort_start", "stage", "dimension", "dimension_value"),
          "sla_compliance", List.of("sla", "grain", "period_start", "dimension", "dimension_value"),
          "sla_breaches", List.of("sla", "lead_id"),
          "targets", List.of("target", "period_start"),
          "revenue_conversion",
              List.of("grain", "cohort_start", "stage", "dimension", "dimension_value"));

  /** Tables in the order they are reported. */
  public static final List<String> TABLES =
      List.of("stage_visits", "stage_conversion", "time_in_stage");

  private static final int EXAMPLES = 10;
  private static final double RELATIVE = 1e-6;
  private static final double ABSOLUTE = 1e-9;

  private TableComparison() {}

  /** The outcome of one comparison: row counts, number of mismatching rows, a few examples. */
  public record Result(
      String table, long sparkRows, long duckdbRows, long mismatches, List<String> examples) {

    /** Copies the examples. */
    public Result {
      examples = List.copyOf(examples);
    }

    /** True when counts agree and no row differs. */
    public boolean agrees() {
      return sparkRows == duckdbRows && mismatches == 0;
    }

    /** Throws an AssertionError listing the counts and the example mismatches. */
    public void assertAgree() {
      if (!agrees()) {
        throw new AssertionError(toString());
      }
    }

    @Override
    public String toString() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  "%s: spark %d rows, duckdb %d rows, %d mismatching",
                  table, sparkRows, duckdbRows, mismatches));
      for (String example : examples) {
        s.append("\n  ").append(example);
      }
      return s.toString();
    }
  }

  /** Compares the three core tables of a Spark output root with the oracle's files. */
  public static List<Result> compareAll(
      String sparkOutputRoot, LocalDate asOf, DuckDbCoreTables.Outputs oracle) {
    List<Result> results = new ArrayList<>();
    for (String table : TABLES) {
      String partition = sparkOutputRoot + "/" + table + "/as_of=" + asOf;
      results.add(compare(table, partition, oracle.table(table)));
    }
    return results;
  }

  /** Compares the four agreement tables of a Spark output root with the oracle's files. */
  public static List<Result> compareAgreement(
      String sparkOutputRoot, LocalDate asOf, Map<String, Path> oracle) {
    List<Result> results = new ArrayList<>();
    for (String table : DuckDbAgreementTables.TABLES) {
      String partition = sparkOutputRoot + "/" + table + "/as_of=" + asOf;
      results.add(compare(table, partition, oracle.get(table)));
    }
    return results;
  }

  /** Compares a Spark partition directory of {@code table} with the oracle's Parquet file. */
  public static Result compare(String table, String sparkPartitionDir, Path duckdbFile) {
    List<String> keys = KEYS.get(table);
    if (keys == null) {
      throw new IllegalArgumentException("unknown table " + table);
    }
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = connection.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute(
          "CREATE TEMP VIEW spark AS SELECT * FROM read_parquet("
              + literal(sparkPartitionDir.replaceAll("/+$", "") + "/*.parquet")
              + ", hive_partitioning = false)");
      st.execute(
          "CREATE TEMP VIEW duck AS SELECT * FROM read_parquet("
              + literal(duckdbFile.toString())
              + ", hive_partitioning = false)");
      return compare(st, table, keys);
    } catch (SQLException e) {
      throw new IllegalStateException("comparing " + table + " failed: " + e.getMessage(), e);
    }
  }

  private static Result compare(Statement st, String table, List<String> keys) throws SQLException {
    Map<String, String> sparkTypes = types(st, "spark");
    Map<String, String> duckTypes = types(st, "duck");
    long sparkRows = single(st, "SELECT count(*) FROM spark");
    long duckRows = single(st, "SELECT count(*) FROM duck");
    List<String> examples = new ArrayList<>();
    long problems = 0;

    List<String> columns = new ArrayList<>(sparkTypes.keySet());
    for (String column : duckTypes.keySet()) {
      if (!columns.contains(column)) {
        columns.add(column);
      }
    }
    List<String> shared = new ArrayList<>();
    for (String column : columns) {
      if (!sparkTypes.containsKey(column) || !duckTypes.containsKey(column)) {
        problems++;
        examples.add(
            "column "
                + column
                + " only in "
                + (sparkTypes.containsKey(column) ? "spark" : "duckdb"));
      } else if (!keys.contains(column)) {
        shared.add(column);
      }
    }
    for (String key : keys) {
      if (!sparkTypes.containsKey(key) || !duckTypes.containsKey(key)) {
        return new Result(table, sparkRows, duckRows, problems, examples);
      }
    }

    String keyList = keys.stream().map(TableComparison::ident).collect(Collectors.joining(", "));
    for (String side : List.of("spark", "duck")) {
      long duplicates =
          single(st, "SELECT count(*) - count(DISTINCT (" + keyList + ")) FROM " + side);
      if (duplicates > 0) {
        problems += duplicates;
        examples.add(side + " has " + duplicates + " rows with a duplicate key");
      }
    }

    // One row per key on either side, with the names of the differing columns.
    StringBuilder differing = new StringBuilder("list_filter([");
    for (int i = 0; i < shared.size(); i++) {
      String c = shared.get(i);
      differing
          .append(i == 0 ? "" : ", ")
          .append("CASE WHEN ")
          .append(differs(c, sparkTypes.get(c), duckTypes.get(c)))
          .append(" THEN ")
          .append(literal(c))
          .append(" END");
    }
    differing.append("]::VARCHAR[], lambda x: x IS NOT NULL)");
    String on =
        keys.stream()
            .map(k -> "s." + ident(k) + " = d." + ident(k))
            .collect(Collectors.joining(" AND "));
    String keyValues =
        keys.stream()
            .map(
                k ->
                    literal(k + "=")
                        + " || coalesce(s."
                        + ident(k)
                        + ", d."
                        + ident(k)
                        + ")::VARCHAR")
            .collect(Collectors.joining(" || ', ' || "));
    String values =
        shared.stream()
            .map(
                c ->
                    "struct_pack(name := "
                        + literal(c)
                        + ", spark := s."
                        + ident(c)
                        + "::VARCHAR, duckdb := d."
                        + ident(c)
                        + "::VARCHAR)")
            .collect(Collectors.joining(", ", "[", "]"));
    st.execute(
        "CREATE TEMP TABLE diff AS SELECT * FROM (SELECT "
            + keyValues
            + " AS key, s.__present IS NOT NULL AS in_spark, d.__present IS NOT NULL AS in_duck, "
            + (shared.isEmpty() ? "[]::VARCHAR[]" : differing)
            + " AS differing, "
            + (shared.isEmpty() ? "[]" : values)
            + " AS vals FROM (SELECT *, true AS __present FROM spark) AS s"
            + " FULL OUTER JOIN (SELECT *, true AS __present FROM duck) AS d ON "
            + on
            + ") WHERE NOT in_spark OR NOT in_duck OR len(differing) > 0");
    problems += single(st, "SELECT count(*) FROM diff");
    try (ResultSet rs =
        st.executeQuery(
            "SELECT key, in_spark, in_duck, differing::VARCHAR AS differing,"
                + " list_filter(vals, lambda v: list_contains(differing, v.name))::VARCHAR AS vals"
                + " FROM diff ORDER BY key LIMIT "
                + EXAMPLES)) {
      while (rs.next() && examples.size() < EXAMPLES) {
        String key = "[" + rs.getString("key") + "] ";
        if (!rs.getBoolean("in_spark")) {
          examples.add(key + "only in duckdb");
        } else if (!rs.getBoolean("in_duck")) {
          examples.add(key + "only in spark");
        } else {
          examples.add(key + "differs in " + rs.getString("vals"));
        }
      }
    }
    return new Result(table, sparkRows, duckRows, problems, examples);
  }

  /** SQL that is true when column {@code c} of s and d disagree. */
  private static String differs(String c, String sparkType, String duckType) {
    String s = "s." + ident(c);
    String d = "d." + ident(c);
    if (isFloating(sparkType) || isFloating(duckType)) {
      String a = s + "::DOUBLE";
      String b = d + "::DOUBLE";
      return String.format(
          "NOT ((%1$s IS NULL AND %2$s IS NULL) OR (%1$s IS NOT NULL AND %2$s IS NOT NULL AND"
              + " (%1$s = %2$s OR abs(%1$s - %2$s) <= %3$s"
              + " OR abs(%1$s - %2$s) <= %4$s * greatest(abs(%1$s), abs(%2$s)))))",
          a, b, ABSOLUTE, RELATIVE);
    }
    if (sparkType.startsWith("TIMESTAMP") || duckType.startsWith("TIMESTAMP")) {
      return s + "::TIMESTAMPTZ IS DISTINCT FROM " + d + "::TIMESTAMPTZ";
    }
    return s + " IS DISTINCT FROM " + d;
  }

  private static boolean isFloating(String type) {
    return type.equals("DOUBLE") || type.equals("FLOAT") || type.equals("REAL");
  }

  private static Map<String, String> types(Statement st, String view) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (ResultSet rs = st.executeQuery("DESCRIBE " + view)) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    return types;
  }

  private static long single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
