package dev.funnel.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The analysts' notebooks of {@code notebooks/} and what the tests read in them. */
final class Notebooks {
  static final ObjectMapper JSON = new ObjectMapper();

  private Notebooks() {}

  /** The repository's {@code notebooks/} folder (surefire passes it; the module runs in jobs/). */
  static Path dir() {
    return Path.of(System.getProperty("funnel.notebooks.dir", "../notebooks"))
        .toAbsolutePath()
        .normalize();
  }

  /** Every committed notebook, by name. */
  static List<Path> all() throws IOException {
    try (Stream<Path> files = Files.list(dir())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  static JsonNode read(Path notebook) throws IOException {
    return JSON.readTree(notebook.toFile());
  }

  /** A cell's source as one string (nbformat stores it as a string or a list of lines). */
  static String source(JsonNode cell) {
    JsonNode source = cell.path("source");
    if (source.isTextual()) {
      return source.asText();
    }
    StringBuilder text = new StringBuilder();
    source.forEach(line -> text.append(line.asText()));
    return text.toString();
  }

  /** Whether the cell carries the tag in its metadata. */
  static boolean tagged(JsonNode cell, String tag) {
    for (JsonNode t : cell.path("metadata").path("tags")) {
      if (t.asText().equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /** The code cells of a notebook. */
  static List<JsonNode> codeCells(JsonNode notebook) {
    List<JsonNode> cells = new ArrayList<>();
    for (JsonNode cell : notebook.path("cells")) {
      if (cell.path("cell_type").asText().equals("code")) {
        cells.add(cell);
      }
    }
    return cells;
  }
}
