package dev.funnel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** schemas/TABLES.md is what TableDocs generates from the schema files, and that is complete. */
class TableDocsTest {
  private static final Path SCHEMAS =
      Path.of(System.getProperty("funnel.schemas.dir", "../schemas")).toAbsolutePath().normalize();

  @TempDir Path tmp;

  @Test
  void tablesPageIsCurrent() throws IOException {
    assertEquals(
        TableDocs.render(SCHEMAS),
        Files.readString(SCHEMAS.resolve(TableDocs.PAGE)),
        "schemas/TABLES.md is not current: run"
            + " java -cp jobs/target/funnel.jar dev.funnel.io.TableDocs schemas");
  }

  @Test
  void pageDocumentsEveryColumnWithTypeUnitAndMeaning() throws IOException {
    String page = TableDocs.render(SCHEMAS);
    assertTrue(
        page.contains(
            "| `conversion_rate` | DOUBLE | no | fraction (0-1) | converted / entered. |"),
        page);
    assertTrue(
        page.contains(
            "| `km_p50_hours` | DOUBLE | yes | hours | Kaplan-Meier median with open visits"
                + " censored at the as-of instant: smallest exit time t with S(t) <= 0.5; null if"
                + " never reached. |"),
        page);
    assertTrue(
        page.contains("- **Key**: (grain, cohort_start, stage, dimension, dimension_value)"));
    assertTrue(Files.readString(SCHEMAS.resolve("README.md")).contains("(TABLES.md)"));
  }

  @Test
  void columnWithoutUnitIsRefusedByName() throws IOException {
    copySchemas();
    Path file = tmp.resolve("targets.json");
    Files.writeString(
        file, Files.readString(file).replace("\"unit\": \"fraction (1 = goal met)\",", ""));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TableDocs.render(tmp));
    assertEquals("targets.json column 'attainment' has no unit in its metadata", e.getMessage());
  }

  @Test
  void schemaFileMissingFromTheCatalogueIsRefused() throws IOException {
    copySchemas();
    Files.copy(tmp.resolve("targets.json"), tmp.resolve("targets_v2.json"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TableDocs.render(tmp));
    assertEquals(
        "tables.yaml must list every schema file: not listed [targets_v2], listed without a"
            + " schema file []",
        e.getMessage());
  }

  @Test
  void keyNamingAnUnknownColumnIsRefused() throws IOException {
    copySchemas();
    Path catalogue = tmp.resolve(TableDocs.CATALOGUE);
    Files.writeString(
        catalogue,
        Files.readString(catalogue).replace("key: (target, period_start)", "key: (target, month)"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TableDocs.render(tmp));
    assertEquals(
        "tables.yaml: key of targets names column 'month', not in targets.json", e.getMessage());
  }

  private void copySchemas() throws IOException {
    try (Stream<Path> files = Files.list(SCHEMAS)) {
      for (Path f : files.toList()) {
        Files.copy(f, tmp.resolve(f.getFileName()));
      }
    }
  }
}
