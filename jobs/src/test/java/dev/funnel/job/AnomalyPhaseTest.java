package dev.funnel.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.generate.InjectedAnomaly;
import dev.funnel.io.Schemas;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anomaly phase end to end on generated data with a known injected drop: it is flagged in the
 * right kind and cell with a sentence, the next night's run dates it back to the first night that
 * flagged it, and re-running a night changes nothing.
 */
class AnomalyPhaseTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final LocalDate ONSET = LocalDate.of(2025, 11, 3);
  @TempDir static Path tmp;
  private static FunnelConfig config;
  private static String input;
  private static String output;

  @BeforeAll
  static void generate() throws Exception {
    try (InputStream in =
        AnomalyPhaseTest.class.getClassLoader().getResourceAsStream("demo-funnel.yaml")) {
      config =
          ConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo-funnel");
    }
    input = tmp.resolve("in").toString();
    output = tmp.resolve("out").toString();
    GeneratorSpec spec =
        new GeneratorSpec(
            20_000,
            LocalDate.of(2025, 1, 1),
            12,
            5,
            List.of(
                InjectedAnomaly.parse(
                    "stage=mql,dimension=source,value=paid_search,week="
                        + ONSET
                        + ",weeks=7,kind=conversion_drop,magnitude=0.4")),
            2);
    EventGenerator.generate(SPARK, spec, input);
  }

  private static Dataset<Row> run(String asOf) {
    new NightlyJob(SPARK, config).run(new RunRequest(input, output, LocalDate.parse(asOf)));
    return SPARK
        .read()
        .schema(Schemas.load(Schemas.ANOMALIES))
        .parquet(output + "/anomalies/as_of=" + asOf);
  }

  private static List<Row> drops(Dataset<Row> anomalies) {
    return anomalies
        .where(
            col("kind")
                .equalTo("CONVERSION_DROP")
                .and(col("stage").equalTo("mql"))
                .and(col("dimension").equalTo("source"))
                .and(col("dimension_value").equalTo("paid_search")))
        .collectAsList();
  }

  @Test
  void theInjectedDropIsFlaggedAndDatedBackAcrossNights() {
    List<Row> first = drops(run("2025-12-08"));
    assertEquals(1, first.size(), first.toString());
    Row flag = first.get(0);
    assertTrue(List.of("critical", "warning").contains(flag.getAs("severity")), flag.toString());
    LocalDate start = ((Date) flag.getAs("period_start")).toLocalDate();
    assertTrue(
        !start.isBefore(ONSET.minusWeeks(2)) && !start.isAfter(LocalDate.of(2025, 12, 8)),
        "change start " + start);
    double observed = flag.getAs("observed");
    double expected = flag.getAs("expected");
    // 60% fewer MQLs advance in the window: the pooled rate must sit well below the expected.
    assertTrue(observed < 0.75 * expected, observed + " vs " + expected);
    assertTrue((double) flag.getAs("q_value") <= 0.05);
    assertTrue(
        ((String) flag.getAs("message"))
            .startsWith("MQL → SQL conversion for source = paid_search fell to "),
        (String) flag.getAs("message"));
    assertEquals(Date.valueOf("2025-12-08"), flag.getAs("first_flagged"));

    Row next = drops(run("2025-12-09")).get(0);
    assertEquals(Date.valueOf("2025-12-08"), next.getAs("first_flagged"));
    Row again = drops(run("2025-12-09")).get(0);
    assertEquals(Date.valueOf("2025-12-08"), again.getAs("first_flagged"));
    assertEquals((double) next.getAs("q_value"), (double) again.getAs("q_value"));

    // Every flag of anomalies is a flagged family row of anomaly_checks with the same q-value.
    Dataset<Row> checks =
        SPARK
            .read()
            .schema(Schemas.load(Schemas.ANOMALY_CHECKS))
            .parquet(output + "/anomaly_checks/as_of=2025-12-09");
    long flaggedFamily = checks.where(col("flagged").and(col("q_value").isNotNull())).count();
    long flags =
        SPARK
            .read()
            .schema(Schemas.load(Schemas.ANOMALIES))
            .parquet(output + "/anomalies/as_of=2025-12-09")
            .where(col("q_value").isNotNull())
            .count();
    assertEquals(flags, flaggedFamily);
    // The weeks of the flagged run are marked in the weekly checks, for the charts.
    long markedWeeks =
        checks
            .where(
                col("kind")
                    .equalTo("CONVERSION_DROP")
                    .and(col("stage").equalTo("mql"))
                    .and(col("dimension_value").equalTo("paid_search"))
                    .and(col("q_value").isNull())
                    .and(col("flagged")))
            .count();
    assertTrue(markedWeeks >= 2, "marked weeks " + markedWeeks);
  }
}
