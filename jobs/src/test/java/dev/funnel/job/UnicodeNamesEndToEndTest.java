package dev.funnel.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.FunnelConfig;
import dev.funnel.csvimport.ImportFixtures;
import dev.funnel.io.CsvImport;
import dev.funnel.oracle.DuckDbCoreTables;
import dev.funnel.oracle.TableComparison;
import dev.funnel.report.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Russian sample export end to end: Cyrillic stage, column and dimension names from the
 * configuration through the import, the run, the output tables and the summary, and a real
 * dimension value "(none)" kept apart from the never-set bucket.
 */
class UnicodeNamesEndToEndTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-03-31");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @Test
  void cyrillicNamesAndARealNoneValue() {
    Path config = ImportFixtures.write(tmp, "ru", ImportFixtures.RUSSIAN);
    FunnelConfig funnel = ImportFixtures.funnel(config);
    String events = tmp.resolve("events").toString();
    new CsvImport(spark, funnel, ImportFixtures.importSection(config))
        .run(List.of(ImportFixtures.sample("russian_excel_export.csv").toString()), events);
    String output = tmp.resolve("out").toString();
    RunRequest request = new RunRequest(events, output, AS_OF);
    RunResult result = new NightlyJob(spark, funnel).run(request);
    assertEquals(7, result.accepted());
    assertEquals(3, result.leads());

    // Leads 5001 (Сайт, Иванова), 5002 (Яндекс.Директ, Сидоров), 5004 ("(none)", Сидоров) enter
    // заявка in March; 5004's real "(none)" is published as "'(none)", apart from never-set.
    List<Row> conversion =
        spark
            .read()
            .parquet(output + "/stage_conversion/as_of=" + AS_OF)
            .where(col("grain").equalTo("month").and(col("stage").equalTo("заявка")))
            .collectAsList();
    TreeMap<String, Long> entered = new TreeMap<>();
    for (Row r : conversion) {
      entered.put(
          r.<String>getAs("dimension") + "=" + r.<String>getAs("dimension_value"),
          r.<Long>getAs("entered"));
    }
    TreeMap<String, Long> expected = new TreeMap<>();
    expected.put("(all)=(all)", 3L);
    expected.put("источник=Сайт", 1L);
    expected.put("источник=Яндекс.Директ", 1L);
    expected.put("источник='(none)", 1L);
    expected.put("ответственный=Иванова", 1L);
    expected.put("ответственный=Сидоров", 2L);
    assertEquals(expected, entered);

    List<String> visits =
        spark
            .read()
            .parquet(output + "/stage_visits/as_of=" + AS_OF)
            .orderBy("lead_id", "entered_at")
            .collectAsList()
            .stream()
            .map(r -> r.getAs("lead_id") + " " + r.getAs("stage") + " " + r.getAs("источник"))
            .collect(Collectors.toList());
    assertEquals(
        List.of(
            "5001 заявка Сайт",
            "5001 квалифицирован Сайт",
            "5001 встреча Сайт",
            "5001 оплачено Сайт",
            "5002 заявка Яндекс.Директ",
            "5002 отказ Яндекс.Директ",
            "5004 заявка '(none)"),
        visits);

    // The independent DuckDB SQL agrees on all three core tables, Cyrillic names included.
    DuckDbCoreTables.Outputs oracle =
        DuckDbCoreTables.run(funnel, AS_OF, events + "/*.parquet", tmp.resolve("oracle"));
    for (TableComparison.Result agreement : TableComparison.compareAll(output, AS_OF, oracle)) {
      agreement.assertAgree();
    }

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunSummary.print(
        spark, funnel, request, result, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String summary = bytes.toString(StandardCharsets.UTF_8);
    // The stage column is as wide as "квалифицирован" (14 letters), so the numbers line up.
    assertTrue(summary.contains("\n  cohort     stage            entered"), summary);
    assertTrue(summary.contains("\n  2024-03-01 заявка                 3 "), summary);
    assertTrue(summary.contains("\n  2024-03-01 квалифицирован         1 "), summary);
  }
}
