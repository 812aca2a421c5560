package dev.funnel.csvimport;

import dev.funnel.SparkTestSession;
import dev.funnel.io.CsvImport;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import of the three sample exports, against events and rejections worked by hand. */
class CsvImportTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private CsvImport.Result run(String yaml, String sample, Path out) {
    Path config = ImportFixtures.write(tmp, "c", yaml);
    return new CsvImport(spark, ImportFixtures.funnel(config), ImportFixtures.importSection(config))
        .run(List.of(ImportFixtures.sample(sample).toString()), out.toString());
  }

  private List<String> events(Path out) {
    return spark
        .read()
        .parquet(out.toString())
        .orderBy("lead_id", "entered_at", "stage")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .collect(Collectors.toList());
  }

  private List<String> rejected(Path out) {
    return spark.read().parquet(out + "/_rejected").orderBy("line_number").collectAsList().stream()
        .map(r -> r.getLong(1) + " " + r.getString(2) + " " + r.getString(3))
        .collect(Collectors.toList());
  }

  @Test
  void salesforce() {
    Path out = tmp.resolve("sf");
    CsvImport.Result r = run(ImportFixtures.SALESFORCE, "salesforce_opportunity_history.csv", out);
    System.out.println(r);
    events(out).forEach(System.out::println);
    rejected(out).forEach(System.out::println);
  }

  @Test
  void hubspot() {
    Path out = tmp.resolve("hs");
    CsvImport.Result r = run(ImportFixtures.HUBSPOT, "hubspot_deals.csv", out);
    System.out.println(r);
    events(out).forEach(System.out::println);
    rejected(out).forEach(System.out::println);
  }

  @Test
  void russian() {
    Path out = tmp.resolve("ru");
    CsvImport.Result r = run(ImportFixtures.RUSSIAN, "russian_excel_export.csv", out);
    System.out.println(r);
    events(out).forEach(System.out::println);
    rejected(out).forEach(System.out::println);
  }
}
