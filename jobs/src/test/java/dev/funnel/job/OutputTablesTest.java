package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.Funnels;
import dev.funnel.SparkTestSession;
import dev.funnel.io.Schemas;
import dev.funnel.spark.OutputTable;
import dev.funnel.spark.RunContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The job is the ordered list of output tables, and that list covers every output schema. */
class OutputTablesTest {
  /** Schema files that are not output tables of this job: the input. */
  /** Schema files of tables the nightly job does not write: its input, and import's rejections. */
  private static final Set<String> NOT_WRITTEN =
      Set.of(Schemas.STAGE_EVENTS, dev.funnel.io.CsvImport.REJECTED_TABLE);

  private static List<String> names(List<OutputTable> tables) {
    return tables.stream().map(OutputTable::name).toList();
  }

  @Test
  void theTableListCoversEveryOutputSchemaFileOnce() throws IOException {
    Path dir = Path.of(System.getProperty("funnel.schemas.dir", "../schemas"));
    Set<String> files = new TreeSet<>();
    try (Stream<Path> paths = Files.list(dir)) {
      paths
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .filter(n -> !NOT_WRITTEN.contains(n))
          .forEach(files::add);
    }
    List<String> tables = names(NightlyJob.TABLES);
    assertEquals(files, new TreeSet<>(tables));
    assertEquals(tables.size(), Set.copyOf(tables).size(), "a table is listed twice: " + tables);
  }

  @Test
  void tablesAreWrittenInTheirOrderAndCoreOnlyKeepsTheFourCoreTables() {
    RunRequest full = new RunRequest("in", "out", LocalDate.parse("2025-01-31"));
    RunRequest core =
        new RunRequest("in", "out", LocalDate.parse("2025-01-31"), Duration.ZERO, true);
    assertEquals(
        List.of(
            Schemas.REJECTED_EVENTS,
            Schemas.STAGE_VISITS,
            Schemas.STAGE_CONVERSION,
            Schemas.TIME_IN_STAGE,
            Schemas.REVENUE_CONVERSION,
            Schemas.SLA_COMPLIANCE,
            Schemas.SLA_BREACHES,
            Schemas.TARGETS,
            Schemas.ANOMALY_CHECKS,
            Schemas.ANOMALIES),
        names(NightlyJob.tables(full)));
    assertEquals(
        List.of(
            Schemas.REJECTED_EVENTS,
            Schemas.STAGE_VISITS,
            Schemas.STAGE_CONVERSION,
            Schemas.TIME_IN_STAGE),
        names(NightlyJob.tables(core)));
  }

  @Test
  void eachTableDeclaresItsSchemaFileWithDimensionColumnsWhereTheContractSaysSo() {
    var config = Funnels.withAgreement();
    try (RunContext run =
        new RunContext(
            SparkTestSession.get(),
            config,
            LocalDate.parse("2025-01-31"),
            "out",
            1,
            null,
            null,
            null)) {
      for (OutputTable table : NightlyJob.TABLES) {
        boolean withDimensions = Schemas.WITH_DIMENSION_COLUMNS.contains(table.name());
        assertEquals(
            withDimensions
                ? Schemas.load(table.name(), config.dimensions())
                : Schemas.load(table.name()),
            table.schema(run),
            table.name());
        assertTrue(
            table.files() == OutputTable.ONE_FILE || table.files() == OutputTable.FILE_PER_TASK);
      }
    }
    assertEquals(
        OutputTable.FILE_PER_TASK,
        NightlyJob.TABLES.stream()
            .filter(t -> t.name().equals(Schemas.STAGE_VISITS))
            .findFirst()
            .orElseThrow()
            .files());
  }
}
