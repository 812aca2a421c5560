package dev.funnel.notebooks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What NotebooksRunTest refuses in an executed notebook, on hand-made notebooks (no Python). */
class NotebookChecksTest {
  @TempDir Path tables; // a run without an anomalies table

  @Test
  void aGoodNotebookPasses() {
    assertDoesNotThrow(() -> NotebooksRunTest.check(notebook(figureCell(image(7))), "nb", tables));
  }

  @Test
  void aCellErrorFails() throws IOException {
    ObjectNode cell = figureCell(image(7));
    ((ArrayNode) cell.get("outputs"))
        .addObject()
        .put("output_type", "error")
        .put("ename", "KeyError")
        .put("evalue", "'stage'");
    assertFails(notebook(cell), "raised KeyError");
  }

  @Test
  void aFigureCellWithoutAFigureFails() {
    assertFails(notebook(figureCell()), "displayed no figure");
  }

  @Test
  void aPlotThatDrawsNothingFails() throws IOException {
    assertFails(notebook(figureCell(image(0))), "plots nothing");
  }

  @Test
  void aFigureNotShownThroughTheHelperFails() throws IOException {
    ObjectNode output = image(3);
    output.remove("metadata");
    assertFails(notebook(figureCell(output)), "not displayed through funnel_tables.show");
  }

  @Test
  void anUnexecutedCellFails() throws IOException {
    ObjectNode cell = figureCell(image(7));
    cell.putNull("execution_count");
    assertFails(notebook(cell), "was not executed");
  }

  @Test
  void withoutAnomaliesTableTheAnomalyCellMustSaySo() throws IOException {
    ObjectNode silent = figureCell();
    silent.putObject("metadata").putArray("tags").add("figure-when-anomalies");
    assertFails(notebook(figureCell(image(2)), silent), "says why there is nothing to plot");
    ObjectNode said = silent.deepCopy();
    ((ArrayNode) said.get("outputs"))
        .addObject()
        .put("output_type", "stream")
        .put("text", "Note: no anomalies table in this run, so no series to plot.\n");
    assertDoesNotThrow(
        () -> NotebooksRunTest.check(notebook(figureCell(image(2)), said), "nb", tables));
  }

  private void assertFails(ObjectNode nb, String message) {
    AssertionError e =
        assertThrows(AssertionError.class, () -> NotebooksRunTest.check(nb, "nb", tables));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private static ObjectNode notebook(ObjectNode... cells) {
    ObjectNode nb = Notebooks.JSON.createObjectNode();
    ArrayNode list = nb.putArray("cells");
    for (ObjectNode c : cells) {
      list.add(c);
    }
    return nb;
  }

  private static ObjectNode figureCell(ObjectNode... outputs) {
    ObjectNode cell = Notebooks.JSON.createObjectNode();
    cell.put("cell_type", "code").put("execution_count", 1);
    cell.putObject("metadata").putArray("tags").add("figure");
    ArrayNode list = cell.putArray("outputs");
    for (ObjectNode o : outputs) {
      list.add(o);
    }
    return cell;
  }

  /** A display_data output with a real PNG and the helper's metadata for one plot. */
  private static ObjectNode image(int points) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB), "png", png);
    ObjectNode output = Notebooks.JSON.createObjectNode().put("output_type", "display_data");
    output
        .putObject("data")
        .put("image/png", Base64.getEncoder().encodeToString(png.toByteArray()));
    output
        .putObject("metadata")
        .putObject("funnel_figure")
        .put("name", "f")
        .putObject("points")
        .put("1: conversion", points);
    return output;
  }
}
