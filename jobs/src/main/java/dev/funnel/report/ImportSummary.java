package dev.funnel.report;

import dev.funnel.io.CsvImport;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The summary printed after an import: columns used, row accounting per file, rejections. */
public final class ImportSummary {
  private ImportSummary() {}

  /** Prints the summary of a finished import. */
  public static void print(CsvImport.Result result, PrintStream out) {
    for (CsvImport.FileResult file : result.files()) {
      out.printf(Locale.ROOT, "%nImported %s%n", file.file());
      int width = 0;
      for (String name : file.columns().keySet()) {
        width = Math.max(width, TextWidth.of(name));
      }
      for (Map.Entry<String, String> column : file.columns().entrySet()) {
        out.printf(
            Locale.ROOT,
            "  %s  <- %s%n",
            TextWidth.padRight(column.getKey(), width),
            column.getValue());
      }
      out.printf(
          Locale.ROOT,
          "  rows read %,d = used %,d + rejected %,d (%s); %,d events%s%n",
          file.rowsRead(),
          file.rowsUsed(),
          file.rowsRejected(),
          file.accountingHolds() ? "holds" : "DOES NOT HOLD",
          file.events(),
          file.blankLines() > 0
              ? String.format(Locale.ROOT, "; %,d blank lines skipped", file.blankLines())
              : "");
    }
    out.printf(
        Locale.ROOT,
        "%nRows read %,d = used %,d + rejected %,d; %,d events written to %s%n",
        result.rowsRead(),
        result.rowsUsed(),
        result.rowsRejected(),
        result.events(),
        result.output());
    for (Map.Entry<String, Long> reason : result.rejectedByReason().entrySet()) {
      out.printf(Locale.ROOT, "  rejected %-22s %,d%n", reason.getKey(), reason.getValue());
    }
    if (result.rowsRejected() > 0) {
      out.printf(
          Locale.ROOT, "Rejected rows (file, line, reason): %s/_rejected/%n", result.output());
      for (String example : result.examples()) {
        out.println("  " + example);
      }
    }
  }
}
