package dev.funnel.bench;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.oracle.DuckDbCoreTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DuckDB side of the benchmark, run in its own JVM: renders {@code bench/sql/core_tables.sql}
 * with {@link DuckDbCoreTables#render} (exactly as the test oracle does) and runs its statements on
 * one in-memory DuckDB connection, writing the three core tables to Parquet and the seconds per
 * statement to a TSV file.
 *
 * <p>Usage: {@code DuckDbMain --config YAML --input DIR --output DIR --as-of YYYY-MM-DD [--sql
 * FILE] [--timings FILE] [--threads N] [--memory-limit SIZE] [--temp-dir DIR]
 * [--preserve-insertion-order]}. DuckDB's defaults are kept (all cores, 80% of the memory) except
 * that insertion order is not preserved (the tables are compared by key, so no order is needed) and
 * spills go to {@code --temp-dir} (default {@code OUTPUT/../duckdb-tmp}).
 */
public final class DuckDbMain {
  private static final Pattern TARGET =
      Pattern.compile(
          "(?is)^\\s*(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMP\\s+)?TABLE\\s+(\\w+)"
              + "|COPY\\b.*\\bTO\\s+'[^']*/([\\w.]+)'"
              + "|(SET)\\b)");

  private DuckDbMain() {}

  /** Runs the core-tables SQL; exits 0 on success, 1 on failure, 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    Path config = null;
    Path sql = Path.of("bench/sql/core_tables.sql");
    Path timings = null;
    Path temp = null;
    String input = null;
    Path output = null;
    LocalDate asOf = null;
    List<String> settings = new ArrayList<>();
    boolean preserveOrder = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--preserve-insertion-order")) {
        preserveOrder = true;
        continue;
      }
      if (i + 1 >= args.length) {
        usage(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--config" -> config = Path.of(value);
        case "--input" -> input = value;
        case "--output" -> output = Path.of(value);
        case "--as-of" -> asOf = LocalDate.parse(value);
        case "--sql" -> sql = Path.of(value);
        case "--timings" -> timings = Path.of(value);
        case "--temp-dir" -> temp = Path.of(value);
        case "--threads" -> settings.add("SET threads = " + Integer.parseInt(value));
        case "--memory-limit" ->
            settings.add("SET memory_limit = '" + value.replace("'", "") + "'");
        default -> usage("unknown option " + option);
      }
    }
    if (config == null || input == null || output == null || asOf == null) {
      usage("--config, --input, --output and --as-of are required");
    }
    if (temp == null) {
      temp = output.toAbsolutePath().getParent().resolve("duckdb-tmp");
    }
    settings.add("SET preserve_insertion_order = " + preserveOrder);
    settings.add(
        "SET temp_directory = '" + temp.toAbsolutePath().toString().replace("'", "''") + "'");

    FunnelConfig funnel = ConfigLoader.load(config);
    Files.createDirectories(output);
    String rendered =
        DuckDbCoreTables.render(
            Files.readString(sql), funnel, asOf, DuckDbCoreTables.parquetGlob(input), output);
    StringBuilder tsv = new StringBuilder("statement\tseconds\n");
    long startedAll = System.nanoTime();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (String setting : settings) {
        statement.execute(setting);
      }
      for (String each : DuckDbCoreTables.statements(rendered)) {
        long started = System.nanoTime();
        statement.execute(each);
        double seconds = (System.nanoTime() - started) / 1e9;
        String label = label(each);
        tsv.append(label).append('\t').append(String.format(Locale.ROOT, "%.3f", seconds));
        tsv.append('\n');
        System.err.printf(Locale.ROOT, "duckdb %-28s %8.1f s%n", label, seconds);
      }
    } catch (Exception e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    System.err.printf(
        Locale.ROOT, "duckdb %-28s %8.1f s%n", "total", (System.nanoTime() - startedAll) / 1e9);
    if (timings != null) {
      Files.writeString(timings, tsv, StandardCharsets.UTF_8);
    }
  }

  /** A short name for a statement: the table it creates, the file it writes, or "settings". */
  static String label(String statement) {
    String code =
        statement
            .lines()
            .filter(l -> !l.strip().startsWith("--"))
            .reduce("", (a, b) -> a + "\n" + b);
    Matcher m = TARGET.matcher(code);
    if (!m.find()) {
      return "other";
    }
    if (m.group(1) != null) {
      return "table " + m.group(1);
    }
    if (m.group(2) != null) {
      return "write " + m.group(2).replaceAll("\\.parquet$", "");
    }
    return "settings";
  }

  private static void usage(String message) {
    System.err.println("error: " + message);
    System.err.println(
        "usage: DuckDbMain --config YAML --input DIR --output DIR --as-of YYYY-MM-DD"
            + " [--sql FILE] [--timings FILE] [--threads N] [--memory-limit SIZE]"
            + " [--temp-dir DIR] [--preserve-insertion-order]");
    System.exit(2);
  }
}
