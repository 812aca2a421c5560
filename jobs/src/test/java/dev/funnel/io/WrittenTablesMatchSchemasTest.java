package dev.funnel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.Events;
import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every table the job writes has exactly the columns and types of its file in schemas/. */
class WrittenTablesMatchSchemasTest {
  private static final List<String> TABLES =
      List.of(
          Schemas.STAGE_VISITS,
          Schemas.STAGE_CONVERSION,
          Schemas.TIME_IN_STAGE,
          Schemas.REJECTED_EVENTS,
          Schemas.REVENUE_CONVERSION,
          Schemas.SLA_COMPLIANCE,
          Schemas.SLA_BREACHES,
          Schemas.TARGETS,
          Schemas.ANOMALY_CHECKS,
          Schemas.ANOMALIES);
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  /** Reads schemas/<table>.json from the repository folder, not from the jar's copy. */
  private static StructType schemaFile(String table) throws IOException {
    Path dir = Path.of(System.getProperty("funnel.schemas.dir", "../schemas"));
    return (StructType) DataType.fromJson(Files.readString(dir.resolve(table + ".json")));
  }

  @Test
  void everyWrittenTableMatchesItsSchemaFile() throws IOException {
    String input =
        new Events()
            .add("L1", "lead", "2025-01-06T10:00:00Z", 10.0, "web", "smb")
            .add("L1", "mql", "2025-01-07T10:00:00Z", 20.0, null, null)
            .add("L1", "sql", "2025-01-09T10:00:00Z")
            .add("L1", "won", "2025-01-20T10:00:00Z")
            .add("L2", "bogus", "2025-01-07T10:00:00Z")
            .write(spark, tmp);
    String output = tmp.resolve("out").toString();
    LocalDate asOf = LocalDate.parse("2025-01-31");
    new NightlyJob(spark, Funnels.withAgreement()).run(new RunRequest(input, output, asOf));
    List<String> dims = Funnels.withAgreement().dimensions();
    for (String table : TABLES) {
      StructType expected = schemaFile(table);
      if (Schemas.WITH_DIMENSION_COLUMNS.contains(table)) {
        for (String d : dims) {
          expected = expected.add(d, "string");
        }
      }
      String partition = output + "/" + table + "/as_of=" + asOf;
      StructType written = spark.read().parquet(partition).schema();
      assertEquals(describe(expected), describe(written), table);
      assertEquals(duckDbView(expected), duckDbView(partition), table + " as DuckDB reads it");
      assertTrue(duckDbRows(partition, "true") > 0, table + " has rows");
      for (StructField f : expected.fields()) {
        if (!f.nullable()) {
          assertEquals(
              0,
              duckDbRows(partition, "\"" + f.name() + "\" IS NULL"),
              table + "." + f.name() + " is declared not null");
        }
      }
    }
    try (Stream<Path> tables = Files.list(Path.of(output))) {
      assertEquals(
          Stream.concat(Stream.of("_runs"), TABLES.stream().sorted()).toList(),
          tables.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging left behind, nothing else written");
    }
  }

  @Test
  void theInputSchemaFileIsWhatTheReaderDeclares() throws IOException {
    StructType declared = EventSource.declaredSchema(Funnels.berlin());
    StructType file = schemaFile(Schemas.STAGE_EVENTS);
    assertEquals(
        describe(file.add("source", "string").add("segment", "string")), describe(declared));
  }

  @Test
  void everyColumnOfEverySchemaFileIsDescribed() throws IOException {
    Path dir = Path.of(System.getProperty("funnel.schemas.dir", "../schemas"));
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(files.size() >= TABLES.size() + 1, files.toString());
    for (Path file : files) {
      JsonNode fields = new ObjectMapper().readTree(file.toFile()).get("fields");
      assertTrue(fields != null && fields.size() > 0, file + " has fields");
      for (JsonNode field : fields) {
        assertTrue(field.has("nullable"), file + ": " + field.get("name") + " declares nullable");
        String description = field.path("metadata").path("description").asText("");
        assertTrue(
            !description.isBlank(),
            file.getFileName() + ": column " + field.get("name") + " has no description");
      }
    }
  }

  /** Column name and DuckDB type as the declared schema implies them. */
  private static List<String> duckDbView(StructType schema) {
    return Stream.of(schema.fields())
        .map(
            f ->
                f.name()
                    + ":"
                    + switch (f.dataType().typeName()) {
                      case "string" -> "VARCHAR";
                      case "long" -> "BIGINT";
                      case "integer" -> "INTEGER";
                      case "double" -> "DOUBLE";
                      case "boolean" -> "BOOLEAN";
                      case "date" -> "DATE";
                      case "timestamp" -> "TIMESTAMP WITH TIME ZONE";
                      default -> "unexpected type " + f.dataType().typeName();
                    })
        .toList();
  }

  /** The columns of a written partition as DuckDB (an independent Parquet reader) sees them. */
  private static List<String> duckDbView(String partition) {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duckdb.createStatement();
        ResultSet rs =
            st.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + partition + "/*.parquet')")) {
      List<String> columns = new ArrayList<>();
      while (rs.next()) {
        columns.add(rs.getString("column_name") + ":" + rs.getString("column_type"));
      }
      return columns;
    } catch (SQLException e) {
      throw new AssertionError("DuckDB cannot read " + partition, e);
    }
  }

  private static long duckDbRows(String partition, String where) {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duckdb.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM read_parquet('"
                    + partition
                    + "/*.parquet') WHERE "
                    + where)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError("DuckDB cannot read " + partition, e);
    }
  }

  private static List<String> describe(StructType schema) {
    return Stream.of(schema.fields()).map(WrittenTablesMatchSchemasTest::describe).toList();
  }

  private static String describe(StructField f) {
    return f.name() + ":" + f.dataType().simpleString();
  }
}
