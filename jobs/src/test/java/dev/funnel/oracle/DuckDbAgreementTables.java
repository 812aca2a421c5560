package dev.funnel.oracle;

import dev.funnel.config.BusinessHours;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.SlaDefinition;
import dev.funnel.config.TargetDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The test oracle of the agreement tables: the independent DuckDB SQL of {@code
 * bench/sql/agreement_tables.sql} (sla_compliance, sla_breaches, targets, revenue_conversion), run
 * after {@code core_tables.sql} in the same in-memory database over the same input Parquet.
 */
public final class DuckDbAgreementTables {
  /** The agreement tables the SQL writes, each to {@code <out>/<table>.parquet}. */
  public static final List<String> TABLES =
      List.of("sla_compliance", "sla_breaches", "targets", "revenue_conversion");

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

  private DuckDbAgreementTables() {}

  /** The SQL file next to core_tables.sql. */
  public static Path defaultSqlFile() {
    return DuckDbCoreTables.defaultSqlFile().resolveSibling("agreement_tables.sql");
  }

  /**
   * Runs core_tables.sql and then agreement_tables.sql over {@code inputGlob} into {@code outDir};
   * returns the file of each agreement table by name.
   */
  public static Map<String, Path> run(
      FunnelConfig config, LocalDate asOf, String inputGlob, Path outDir) {
    try {
      Files.createDirectories(outDir);
      try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
          Statement statement = connection.createStatement()) {
        Map<String, String> values =
            new java.util.LinkedHashMap<>(
                DuckDbCoreTables.placeholders(config, asOf, inputGlob, outDir));
        values.putAll(placeholders(config, hasAmount(statement, inputGlob)));
        for (Path file : List.of(DuckDbCoreTables.defaultSqlFile(), defaultSqlFile())) {
          String sql = DuckDbCoreTables.render(Files.readString(file), values);
          for (String each : DuckDbCoreTables.statements(sql)) {
            try {
              statement.execute(each);
            } catch (SQLException e) {
              throw new SQLException(
                  e.getMessage() + " in " + file.getFileName() + ":\n" + each, e);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB agreement tables failed: " + e.getMessage(), e);
    }
    return TABLES.stream().collect(Collectors.toMap(t -> t, t -> outDir.resolve(t + ".parquet")));
  }

  /** The agreement placeholders of a configuration (see the SQL file's header). */
  static Map<String, String> placeholders(FunnelConfig config, boolean hasAmount) {
    BusinessHours hours = config.businessHours();
    return Map.of(
        "amount",
        hasAmount ? "amount::DOUBLE" : "NULL::DOUBLE",
        "slas",
        relation(
            "sla VARCHAR, stage VARCHAR, within_hours DOUBLE, clock VARCHAR",
            config.slas().stream().map(DuckDbAgreementTables::row).toList()),
        "targets",
        relation(
            "target VARCHAR, stage VARCHAR, period VARCHAR, kind VARCHAR, goal DOUBLE,"
                + " currency VARCHAR",
            config.targets().stream().map(DuckDbAgreementTables::row).toList()),
        "business_days",
        hours == null
            ? "([]::INTEGER[])"
            : hours.days().stream()
                .map(d -> Integer.toString(d.getValue()))
                .sorted()
                .collect(Collectors.joining(", ", "([", "]::INTEGER[])")),
        "business_start",
        hours == null ? "00:00:00" : hours.start().format(TIME),
        "business_end",
        hours == null ? "00:00:00" : hours.end().format(TIME),
        "holidays",
        hours == null
            ? "([]::DATE[])"
            : hours.holidays().stream()
                .sorted()
                .map(d -> "DATE '" + d + "'")
                .collect(Collectors.joining(", ", "([", "]::DATE[])")));
  }

  private static String row(SlaDefinition sla) {
    return String.format(
        "(%s, %s, %s, %s)",
        literal(sla.name()),
        literal(sla.stage()),
        Double.toString(sla.withinHours()),
        literal(sla.clock().name().toLowerCase(java.util.Locale.ROOT)));
  }

  private static String row(TargetDefinition target) {
    return String.format(
        "(%s, %s, %s, %s, %s, %s)",
        literal(target.name()),
        literal(target.stage()),
        literal(target.period().label()),
        literal(target.kind().name().toLowerCase(java.util.Locale.ROOT)),
        Double.toString(target.goal()),
        target.currency() == null ? "NULL" : literal(target.currency()));
  }

  /** A typed relation of literal rows, empty when there are none. */
  private static String relation(String columns, List<String> rows) {
    String[] names = columns.split(",\\s*");
    String typedNulls =
        java.util.Arrays.stream(names)
            .map(
                c -> {
                  String[] nameType = c.trim().split(" ");
                  return "NULL::" + nameType[1] + " AS " + nameType[0];
                })
            .collect(Collectors.joining(", "));
    String empty = "SELECT " + typedNulls + " WHERE false";
    if (rows.isEmpty()) {
      return "(" + empty + ")";
    }
    // The typed empty row first fixes the column names and types of the union.
    return "(" + empty + " UNION ALL SELECT * FROM (VALUES " + String.join(", ", rows) + "))";
  }

  private static boolean hasAmount(Statement statement, String inputGlob) throws SQLException {
    try (ResultSet rs =
        statement.executeQuery(
            "DESCRIBE SELECT * FROM read_parquet("
                + literal(inputGlob)
                + ", union_by_name = true)")) {
      while (rs.next()) {
        if (rs.getString("column_name").equals("amount")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
