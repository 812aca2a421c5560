package dev.funnel.csvimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.ImportConfig;
import dev.funnel.config.ImportSection;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows to events without Spark: column plans, reasons in order, the wide layout's amount. */
class RowParserTest {
  @TempDir Path tmp;

  private static final String FUNNEL =
      "name: t\ntimezone: UTC\nstages: [lead, mql, won]\nlost_stages: [lost]\n"
          + "conversion_window_days: 30\ndimensions: [source, región]\n";

  private RowParser parser(String importYaml, List<String> headers) {
    Path file = ImportFixtures.write(tmp, "t", FUNNEL + importYaml);
    FunnelConfig funnel = ConfigLoader.load(file);
    ImportConfig config = ImportSection.load(file, funnel);
    return new RowParser(
        config, funnel.stages(), ColumnPlan.resolve(headers, config, funnel.dimensions()));
  }

  private static String show(RowParser.Result r) {
    if (r.isRejected()) {
      return r.reason();
    }
    return r.events().stream()
        .map(
            e ->
                e.leadId()
                    + " "
                    + e.stage()
                    + " "
                    + e.enteredAt()
                    + " "
                    + e.amount()
                    + " "
                    + String.join("/", java.util.Arrays.asList(e.dimensions())))
        .collect(Collectors.joining("; "));
  }

  private static String[] row(String... cells) {
    return cells;
  }

  @Test
  void longRowsInTheOrderOfTheReasons() {
    RowParser p =
        parser(
            "import: {stage_values: {Won: won}, columns: {región: Region}}\n",
            List.of("lead_id", "stage", "entered_at", "amount", "source", "Region"));
    assertEquals(
        "L1 won 2024-01-05T00:00:00Z 5.0 web/Sur",
        show(p.parse(row(" L1 ", "Won", "2024-01-05", "5", "web", "Sur"), true, true, true)));
    assertEquals(
        "L1 lead 2024-01-05T00:00:00Z null null/null",
        show(p.parse(row("L1", "lead", "2024-01-05", "", " ", null), true, true, true)));
    assertEquals(
        "invalid_encoding", show(p.parse(row("", "", "", "", "", ""), false, false, false)));
    assertEquals("unclosed_quote", show(p.parse(row("", "", "", "", "", ""), true, false, false)));
    assertEquals("wrong_field_count", show(p.parse(row("L1"), true, true, false)));
    assertEquals(
        "missing_lead_id", show(p.parse(row(" ", "x", "x", "x", "", ""), true, true, true)));
    assertEquals("missing_stage", show(p.parse(row("L1", "", "x", "x", "", ""), true, true, true)));
    assertEquals(
        "unknown_stage", show(p.parse(row("L1", "Won!", "x", "x", "", ""), true, true, true)));
    assertEquals(
        "unknown_stage", show(p.parse(row("L1", "Lost", "x", "x", "", ""), true, true, true)));
    assertEquals(
        "missing_entered_at", show(p.parse(row("L1", "lost", "", "x", "", ""), true, true, true)));
    assertEquals(
        "unparsable_timestamp",
        show(p.parse(row("L1", "lost", "5.1.2024", "x", "", ""), true, true, true)));
    assertEquals(
        "unparsable_amount",
        show(p.parse(row("L1", "lost", "2024-01-05", "x", "", ""), true, true, true)));
  }

  @Test
  void wideRowsAmountGoesWithTheOutcomeOrTheFurthestStage() {
    RowParser p =
        parser(
            "import:\n  layout: wide\n  columns: {lead_id: id}\n"
                + "  stage_columns: {mql: d_mql, lead: d_lead}\n"
                + "  outcome: {column: status, date: closed, values: {W: won, L: lost}}\n",
            List.of("id", "d_lead", "d_mql", "status", "closed", "amount", "source", "región"));
    assertEquals(
        "1 lead 2024-01-01T00:00:00Z null a/b; 1 mql 2024-01-02T00:00:00Z null a/b;"
            + " 1 won 2024-01-03T00:00:00Z 9.0 a/b",
        show(
            p.parse(
                row("1", "2024-01-01", "2024-01-02", "W", "2024-01-03", "9", "a", "b"),
                true,
                true,
                true)));
    assertEquals(
        "2 lead 2024-01-01T00:00:00Z 7.0 null/null",
        show(p.parse(row("2", "2024-01-01", "", "Open", "", "7", "", ""), true, true, true)));
    assertEquals(
        "3 lost 2024-01-03T00:00:00Z null null/null",
        show(p.parse(row("3", "", "", "L", "2024-01-03", "", "", ""), true, true, true)));
    assertEquals(
        "missing_outcome_date",
        show(p.parse(row("4", "2024-01-01", "", "W", "", "", "", ""), true, true, true)));
    assertEquals(
        "no_stage_dates",
        show(p.parse(row("5", "", "", "Open", "", "", "", ""), true, true, true)));
    assertEquals(
        "unparsable_timestamp",
        show(p.parse(row("6", "2024-01-01", "soon", "", "", "", "", ""), true, true, true)));
  }

  @Test
  void columnPlans() {
    // Unmapped optional columns absent from the header are null; mapped ones must be there.
    ColumnPlan plan =
        ColumnPlan.resolve(
            List.of("lead_id", "stage", "entered_at"),
            ImportSection.load(
                ImportFixtures.write(tmp, "p", FUNNEL + "import: {columns: {source: ~}}\n"),
                ConfigLoader.load(tmp.resolve("p.yaml"))),
            List.of("source", "región"));
    assertEquals(
        "{lead_id=lead_id, stage=stage, entered_at=entered_at, amount=(not in the file),"
            + " source=(not in the file), región=(not in the file)}",
        plan.described().toString());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> parser("import: {}\n", List.of("lead_id", "Stage", "entered_at")));
    assertEquals(
        "column 'stage' (not mapped in import.columns, so looked up by name) is missing; headers"
            + " found: 'lead_id', 'Stage', 'entered_at'",
        missing.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parser(
                    "import: {columns: {stage: S}}\n", List.of("lead_id", "S", "entered_at", "S")));
    assertEquals(
        "column 'S' (import.columns.stage) appears more than once in the header",
        twice.getMessage());
  }
}
