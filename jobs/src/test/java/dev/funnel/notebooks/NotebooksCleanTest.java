package dev.funnel.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed notebooks are clean: no outputs, no execution counts, and their first cell is the
 * one variable naming the run to read, by default the demo's output.
 */
class NotebooksCleanTest {
  /** The first cell's assignment: the demo's folder ({@code demo --dir} default) and as-of. */
  static final String DEFAULT_RUN =
      "RUN = {\"output\": \"../demo-output/tables\", \"as_of\": \"2025-12-17\"}";

  @Test
  void thereAreTheThreeNotebooks() throws IOException {
    assertEquals(
        List.of(
            "01_funnel_overview.ipynb",
            "02_time_in_stage.ipynb",
            "03_agreement_and_anomalies.ipynb"),
        Notebooks.all().stream().map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void committedNotebooksHaveNoOutputsAndNoExecutionCounts() throws IOException {
    for (Path notebook : Notebooks.all()) {
      JsonNode nb = Notebooks.read(notebook);
      int index = 0;
      for (JsonNode cell : nb.path("cells")) {
        String where = notebook.getFileName() + " cell " + index++;
        if (cell.path("cell_type").asText().equals("code")) {
          assertTrue(cell.path("outputs").isArray(), where + ": outputs");
          assertEquals(0, cell.path("outputs").size(), where + " has outputs");
          assertTrue(cell.path("execution_count").isNull(), where + " has an execution count");
        }
        assertFalse(cell.path("metadata").has("execution"), where + " has execution timings");
      }
      assertFalse(nb.path("metadata").has("widgets"), notebook + " has widget state");
    }
  }

  @Test
  void firstCellIsTheRunToRead() throws IOException {
    for (Path notebook : Notebooks.all()) {
      JsonNode first = Notebooks.read(notebook).path("cells").path(0);
      assertEquals("code", first.path("cell_type").asText(), notebook.toString());
      String code =
          Notebooks.source(first)
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("#"))
              .reduce("", (a, b) -> a + b + "\n");
      assertEquals(DEFAULT_RUN + "\n", code, notebook + ": the first cell is only RUN = ...");
    }
  }
}
