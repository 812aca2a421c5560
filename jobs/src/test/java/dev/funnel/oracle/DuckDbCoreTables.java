package dev.funnel.oracle;

import dev.funnel.config.FunnelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The test oracle: an independent DuckDB SQL implementation of the nightly job's core tables
 * ({@code bench/sql/core_tables.sql}), run in-memory over the same input Parquet.
 */
public final class DuckDbCoreTables {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
  private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(\\r?\\n|$)");
  private static final DateTimeFormatter UTC_LITERAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

  /** The three Parquet files written by the SQL. */
  public record Outputs(Path stageVisits, Path stageConversion, Path timeInStage) {

    /** The file of a table by its name (stage_visits, stage_conversion or time_in_stage). */
    public Path table(String name) {
      return switch (name) {
        case "stage_visits" -> stageVisits;
        case "stage_conversion" -> stageConversion;
        case "time_in_stage" -> timeInStage;
        default -> throw new IllegalArgumentException("unknown table " + name);
      };
    }
  }

  private DuckDbCoreTables() {}

  /** The SQL file next to the schemas: {@code ${funnel.schemas.dir}/../bench/sql/...}. */
  public static Path defaultSqlFile() {
    String schemas = System.getProperty("funnel.schemas.dir");
    Path base = schemas == null ? Path.of("schemas") : Path.of(schemas);
    return base.resolve("../bench/sql/core_tables.sql").normalize();
  }

  /** A glob of all Parquet files under a directory written by Spark (or any tree of them). */
  public static String parquetGlob(String directory) {
    return directory.replaceAll("/+$", "") + "/**/*.parquet";
  }

  /** Runs the default SQL file over {@code inputGlob} into {@code outDir}; returns the files. */
  public static Outputs run(FunnelConfig config, LocalDate asOf, String inputGlob, Path outDir) {
    return run(defaultSqlFile(), config, asOf, inputGlob, outDir);
  }

  /** Runs the given SQL file over {@code inputGlob} into {@code outDir}; returns the files. */
  public static Outputs run(
      Path sqlFile, FunnelConfig config, LocalDate asOf, String inputGlob, Path outDir) {
    try {
      Files.createDirectories(outDir);
      String sql = render(Files.readString(sqlFile), config, asOf, inputGlob, outDir);
      try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
          Statement statement = connection.createStatement()) {
        for (String each : statements(sql)) {
          statement.execute(each);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB core tables failed: " + e.getMessage(), e);
    }
    return new Outputs(
        outDir.resolve("stage_visits.parquet"),
        outDir.resolve("stage_conversion.parquet"),
        outDir.resolve("time_in_stage.parquet"));
  }

  /** The placeholder values for a configuration and as-of day (see the SQL file's header). */
  public static Map<String, String> placeholders(
      FunnelConfig config, LocalDate asOf, String inputGlob, Path outDir) {
    Instant asOfInstant = asOf.plusDays(1).atStartOfDay(config.zone()).toInstant();
    List<String> dims = config.dimensions();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("input", escape(inputGlob));
    values.put("out", escape(outDir.toAbsolutePath().toString()));
    values.put("as_of", asOf.toString());
    values.put("as_of_instant", UTC_LITERAL.format(asOfInstant));
    values.put("zone", escape(config.zone().getId()));
    values.put("window_micros", Long.toString(config.conversionWindow().toNanos() / 1000));
    values.put("stages", list(config.stages().mainPath()));
    values.put("lost_stages", list(config.stages().lostStages()));
    values.put("max_lead_id_length", Integer.toString(config.maxLeadIdLength()));
    values.put("earliest_entered_at", UTC_LITERAL.format(FunnelConfig.EARLIEST_ENTERED_AT));
    values.put("latest_entered_at", UTC_LITERAL.format(config.latestEnteredAt()));
    values.put("dim_columns", each(dims, d -> ", " + ident(d), ""));
    values.put("dim_dedup", each(dims, d -> ", min(" + ident(d) + ") AS " + ident(d), ""));
    values.put(
        "dim_first_touch",
        each(
            dims,
            d ->
                // A real value (none) is published as '(none), one more apostrophe each time.
                ", coalesce(first_value(regexp_replace("
                    + ident(d)
                    + ", '^(''*\\(none\\))$', '''\\1')"
                    + " IGNORE NULLS) OVER whole_lead, '(none)') AS "
                    + ident(d),
            ""));
    values.put("dim_sets", "()" + each(dims, d -> ", (" + ident(d) + ")", ""));
    values.put(
        "dimension",
        dims.isEmpty()
            ? "'(all)'"
            : "CASE"
                + each(dims, d -> " WHEN " + ident(d) + " IS NOT NULL THEN '" + escape(d) + "'", "")
                + " ELSE '(all)' END");
    values.put(
        "dimension_value",
        dims.isEmpty()
            ? "'(all)'"
            : "coalesce(" + each(dims, DuckDbCoreTables::ident, ", ") + ", '(all)')");
    return values;
  }

  /** Fills every {@code ${name}} of the SQL; an unknown placeholder is an error. */
  public static String render(
      String template, FunnelConfig config, LocalDate asOf, String inputGlob, Path outDir) {
    return render(template, placeholders(config, asOf, inputGlob, outDir));
  }

  /** Fills every {@code ${name}} of the SQL from {@code values}; an unknown one is an error. */
  public static String render(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sql = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("unknown placeholder ${" + m.group(1) + "}");
      }
      if (value.contains("\n")) {
        // Values stay on one line, so that placeholders in -- comments stay comments.
        throw new IllegalArgumentException("line break in ${" + m.group(1) + "}");
      }
      m.appendReplacement(sql, Matcher.quoteReplacement(value));
    }
    m.appendTail(sql);
    return sql.toString();
  }

  /** Splits a script into statements at semicolons that end a line. */
  public static List<String> statements(String sql) {
    List<String> result = new ArrayList<>();
    for (String part : STATEMENT_END.split(sql)) {
      boolean onlyComments = part.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"));
      if (!onlyComments) {
        result.add(part);
      }
    }
    return result;
  }

  private static String each(List<String> dims, Function<String, String> f, String separator) {
    return dims.stream().map(f).collect(Collectors.joining(separator));
  }

  private static String list(List<String> names) {
    return names.stream()
        .map(n -> "'" + escape(n) + "'")
        .collect(Collectors.joining(", ", "([", "]::VARCHAR[])"));
  }

  private static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String escape(String literal) {
    return literal.replace("'", "''");
  }
}
