package dev.funnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks a finished run's row accounting against figures the job did not compute: the input's rows
 * and the written rejected_events rows, both counted by DuckDB from the files, against the figures
 * in the run manifest (read as JSON, not through the job's classes).
 */
public final class IndependentAccounting {
  private IndependentAccounting() {}

  /**
   * Asserts that the manifest of {@code output} for {@code asOf} reports the input's row count as
   * rows read, splits it exactly into accepted + duplicates + rejected + after as-of, and reports
   * as rejected the number of rows in the published rejected_events partition; returns the
   * manifest.
   */
  public static JsonNode assertHolds(String input, String output, LocalDate asOf) {
    JsonNode manifest;
    try {
      manifest = new ObjectMapper().readTree(Path.of(output, "_runs", asOf + ".json").toFile());
    } catch (IOException e) {
      throw new AssertionError("no readable run manifest in " + output + " for " + asOf, e);
    }
    long inputRows = countRows(dataFiles(Path.of(input)));
    long rejectedRows = countRows(dataFiles(Path.of(output, "rejected_events", "as_of=" + asOf)));
    assertEquals(inputRows, manifest.get("rows_read").asLong(), "rows_read vs the input files");
    assertEquals(
        inputRows,
        manifest.get("accepted").asLong()
            + manifest.get("duplicates").asLong()
            + manifest.get("rejected").asLong()
            + manifest.get("after_as_of").asLong(),
        "accepted + duplicates + rejected + after_as_of vs the input files: " + manifest);
    assertEquals(
        rejectedRows, manifest.get("rejected").asLong(), "rejected vs rejected_events rows");
    return manifest;
  }

  /** The Parquet data files under a path as a reader sees them (hidden _ and . names skipped). */
  static List<Path> dataFiles(Path root) {
    if (Files.isRegularFile(root)) {
      return List.of(root);
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                for (Path part : root.relativize(p)) {
                  String name = part.toString();
                  if (name.startsWith("_") || name.startsWith(".")) {
                    return false;
                  }
                }
                return true;
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + root, e);
    }
  }

  /** Rows in the files as DuckDB counts them (from the Parquet metadata, no column decoded). */
  static long countRows(List<Path> files) {
    if (files.isEmpty()) {
      return 0;
    }
    String list =
        files.stream()
            .map(p -> "'" + p.toAbsolutePath().toString().replace("'", "''") + "'")
            .collect(Collectors.joining(", ", "[", "]"));
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duckdb.createStatement();
        ResultSet rs =
            sql.executeQuery(
                "SELECT coalesce(sum(num_rows), 0) FROM (SELECT DISTINCT file_name, num_rows"
                    + " FROM parquet_file_metadata("
                    + list
                    + "))")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError("DuckDB could not count the rows of " + files, e);
    }
  }
}
