package dev.funnel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The dimension clash check knows every table of {@code schemas/}. */
class OutputColumnsTest {
  @Test
  void listsEverySchemaFile() throws IOException {
    Path dir = Path.of(System.getProperty("funnel.schemas.dir"));
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - ".json".length()))
              .sorted()
              .collect(Collectors.toList());
    }
    assertEquals(files, OutputColumns.TABLES.stream().sorted().collect(Collectors.toList()));
  }

  @Test
  void findsColumnsWithoutCase() {
    assertEquals("sla_compliance, sla_breaches", OutputColumns.tablesWith("SLA"));
    assertEquals("import_rejected", OutputColumns.tablesWith("line_number"));
    assertEquals(null, OutputColumns.tablesWith("источник"));
  }
}
