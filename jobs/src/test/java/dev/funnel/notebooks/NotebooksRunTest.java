package dev.funnel.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.funnel.ChildJvm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the demo once, then executes every notebook headless against its tables with Debian's {@code
 * /usr/bin/python3} ({@code jupyter nbconvert --to notebook --execute}), as an analyst's machine
 * would. A notebook fails on any cell error, on a figure cell without a figure, on a figure that
 * plots nothing, or on a figure not displayed through {@code funnel_tables.show} (which is what
 * counts the plotted points). Executed copies land in {@code target/notebooks/}.
 *
 * <p>Without the notebook tools ({@code notebooks/install.sh}) the test is skipped with the reason,
 * unless {@code FUNNEL_NOTEBOOKS_REQUIRED=true} (set by {@code .ci/run}), where it fails.
 */
class NotebooksRunTest {
  static final String PYTHON = "/usr/bin/python3";

  /** Where the executed notebooks and the demo's output go (the module's build folder). */
  static final Path TARGET = Path.of("target", "notebooks").toAbsolutePath();

  static Path demoTables;

  @BeforeAll
  static void runTheDemo() throws Exception {
    String missing = missingTools();
    if (missing != null) {
      if ("true".equals(System.getenv("FUNNEL_NOTEBOOKS_REQUIRED"))) {
        fail("notebook tools missing (" + missing + "): run notebooks/install.sh");
      }
      Assumptions.abort("notebook tools missing (" + missing + "): run notebooks/install.sh");
    }
    Path demo = TARGET.resolve("demo");
    deleteRecursively(demo);
    Files.createDirectories(TARGET);
    ChildJvm.Result result =
        ChildJvm.run(TARGET.resolve("demo-logs"), "demo", "--dir", demo.toString());
    assertEquals(0, result.exitCode(), result.stderr());
    demoTables = demo.resolve("tables");
  }

  @TestFactory
  Stream<DynamicTest> everyNotebookRunsAndDrawsItsFigures() throws IOException {
    return Notebooks.all().stream()
        .map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> execute(nb)));
  }

  private static void execute(Path notebook) throws Exception {
    Path executed = TARGET.resolve(notebook.getFileName());
    Files.deleteIfExists(executed);
    Path log = TARGET.resolve(notebook.getFileName() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            PYTHON,
            "-m",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=600",
            "--ExecutePreprocessor.startup_timeout=300",
            "--ExecutePreprocessor.kernel_name=python3",
            "--output-dir",
            TARGET.toString(),
            notebook.toString());
    builder.directory(notebook.getParent().toFile());
    Map<String, String> env = builder.environment();
    // Debian's Python and nothing of a virtualenv or pyenv around the build.
    env.put("PATH", "/usr/bin:/bin:" + env.getOrDefault("PATH", ""));
    env.remove("PYTHONPATH");
    env.remove("PYTHONHOME");
    env.remove("VIRTUAL_ENV");
    env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    env.put("FUNNEL_OUTPUT", demoTables.toString());
    env.put("FUNNEL_DUCKDB_JAR", duckDbJar());
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(notebook.getFileName() + " did not finish in 15 minutes");
    }
    assertEquals(
        0, process.exitValue(), notebook.getFileName() + " failed:\n" + Files.readString(log));
    check(Notebooks.read(executed), notebook.getFileName().toString(), demoTables);
  }

  /** What an executed notebook must hold; see the class comment. */
  static void check(JsonNode nb, String name, Path tables) throws IOException {
    long flags = flags(tables);
    int figures = 0;
    int index = 0;
    for (JsonNode cell : Notebooks.codeCells(nb)) {
      String where = name + " code cell " + index++;
      assertTrue(cell.path("execution_count").isInt(), where + " was not executed");
      List<JsonNode> images = new ArrayList<>();
      for (JsonNode output : cell.path("outputs")) {
        String type = output.path("output_type").asText();
        if (type.equals("error")) {
          fail(where + " raised " + output.path("ename").asText() + ": " + output.path("evalue"));
        }
        if (output.path("data").has("image/png")) {
          images.add(output);
        }
      }
      if (Notebooks.tagged(cell, "figure")) {
        assertTrue(!images.isEmpty(), where + " (a figure cell) displayed no figure");
      }
      if (Notebooks.tagged(cell, "figure-when-anomalies")) {
        if (flags > 0) {
          assertTrue(!images.isEmpty(), where + ": " + flags + " flags and no figure");
        } else {
          assertTrue(
              text(cell).contains(flags < 0 ? "no anomalies table" : "No flags"),
              where + ": says why there is nothing to plot");
        }
      }
      for (JsonNode image : images) {
        JsonNode meta = image.path("metadata").path("funnel_figure");
        assertTrue(meta.isObject(), where + ": a figure not displayed through funnel_tables.show");
        assertTrue(meta.path("points").size() > 0, where + ": a figure without axes");
        meta.path("points")
            .fields()
            .forEachRemaining(
                axes ->
                    assertTrue(
                        axes.getValue().asLong() > 0,
                        where + ": plot '" + axes.getKey() + "' plots nothing"));
        byte[] png = Base64.getMimeDecoder().decode(image.path("data").path("image/png").asText());
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(picture, where + ": not a PNG");
        assertTrue(picture.getWidth() > 200 && picture.getHeight() > 100, where + ": tiny figure");
        figures++;
      }
    }
    assertTrue(figures > 0, name + " drew no figure");
  }

  /**
   * Flags (anomalies rows other than INSUFFICIENT_DATA) of the run, counted with DuckDB apart from
   * the notebook; -1 when the run wrote no anomalies table.
   */
  static long flags(Path tables) {
    Path dir = tables.resolve("anomalies");
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    String sql =
        "SELECT count(*) FROM read_parquet('"
            + dir.toString().replace("'", "''")
            + "/*/*.parquet') WHERE kind <> 'INSUFFICIENT_DATA'";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Everything a cell printed. */
  private static String text(JsonNode cell) {
    StringBuilder out = new StringBuilder();
    for (JsonNode output : cell.path("outputs")) {
      JsonNode text = output.path("text");
      if (text.isArray()) {
        text.forEach(line -> out.append(line.asText()));
      } else {
        out.append(text.asText());
      }
    }
    return out.toString();
  }

  /** The DuckDB JDBC driver the tests use (test scope), so the notebooks read with the same. */
  private static String duckDbJar() {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().startsWith("duckdb_jdbc")) {
        return entry;
      }
    }
    throw new IllegalStateException("duckdb_jdbc is not on the test class path");
  }

  /** Null when Debian's Python can run the notebooks, else what is missing. */
  private static String missingTools() throws InterruptedException {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return PYTHON;
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import nbconvert, ipykernel, pandas, matplotlib, jpype")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor() == 0 ? null : out.strip();
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
