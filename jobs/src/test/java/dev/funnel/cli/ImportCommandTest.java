package dev.funnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.csvimport.ImportFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import} as a user runs it, in a fresh JVM: the summary, and exit code 3 with headers. */
class ImportCommandTest {
  @TempDir Path tmp;

  @Test
  void importsTheRussianExportAndPrintsTheAccounting() throws Exception {
    Path config = ImportFixtures.write(tmp, "ru", ImportFixtures.RUSSIAN);
    Path out = tmp.resolve("events");
    ChildJvm.Result result =
        ChildJvm.run(
            tmp.resolve("logs"),
            "import",
            "--config",
            config.toString(),
            "--input",
            ImportFixtures.sample("russian_excel_export.csv").toString(),
            "--output",
            out.toString());
    assertEquals(0, result.exitCode(), result.stderr());
    String summary = result.stdout();
    // Canonical names padded to the widest (ответственный: 13 letters), Cyrillic as is.
    assertTrue(summary.contains("\n  lead_id        <- ID сделки\n"), summary);
    assertTrue(summary.contains("\n  ответственный  <- Ответственный\n"), summary);
    assertTrue(summary.contains("rows read 9 = used 7 + rejected 2 (holds); 7 events"), summary);
    assertTrue(summary.contains("\n  rejected unparsable_amount      1\n"), summary);
    assertTrue(summary.contains("\n  rejected unparsable_timestamp   1\n"), summary);
    assertTrue(summary.contains("russian_excel_export.csv line 8: unparsable_timestamp"), summary);
    assertTrue(Files.isDirectory(out.resolve("_rejected")));
  }

  @Test
  void aMissingColumnIsExitCodeThreeListingTheHeaders() throws Exception {
    Path config =
        ImportFixtures.write(tmp, "ru", ImportFixtures.RUSSIAN.replace("\"Этап\"", "\"Стадия\""));
    ChildJvm.Result result =
        ChildJvm.run(
            tmp.resolve("logs"),
            "import",
            "--config",
            config.toString(),
            "--input",
            ImportFixtures.sample("russian_excel_export.csv").toString(),
            "--output",
            tmp.resolve("events").toString());
    assertEquals(ExitCodes.INPUT, result.exitCode(), result.stderr());
    String last = result.stderr().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(
        last.startsWith("error: input file ")
            && last.endsWith(
                "russian_excel_export.csv: column 'Стадия' (import.columns.stage) is missing;"
                    + " headers found: 'ID сделки', 'Название', 'Этап', 'Дата перехода', 'Бюджет',"
                    + " 'Источник', 'Ответственный'"),
        result.stderr());
  }
}
