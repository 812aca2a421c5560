package dev.funnel.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import dev.funnel.job.RunResult;
import dev.funnel.oracle.DuckDbCoreTables;
import dev.funnel.oracle.TableComparison;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's agreement check at 1 million events, in-process (no timing): the nightly job and
 * the DuckDB SQL agree on all three core tables of the benchmark's dataset and funnel.
 */
class BenchAgreementTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @Test
  void sparkAndDuckDbAgreeOnAMillionEvents() {
    long leads = (long) Math.ceil(1_000_000 / Benchmark.EVENTS_PER_LEAD);
    GeneratorSpec spec = GeneratorSpec.of(leads, Benchmark.START, Benchmark.MONTHS, 7L);
    String input = tmp.resolve("events").toString();
    long events = EventGenerator.generate(spark, spec, input);
    assertTrue(events > 950_000 && events < 1_050_000, "events: " + events);

    FunnelConfig config = ConfigLoader.parse(Benchmark.CONFIG, "bench");
    String output = tmp.resolve("out").toString();
    RunResult result =
        new NightlyJob(spark, config).run(new RunRequest(input, output, Benchmark.AS_OF));
    assertEquals(events, result.rowsRead());
    // The full run at a million events writes the agreement tables too.
    for (String table :
        List.of("sla_compliance", "sla_breaches", "targets", "revenue_conversion")) {
      assertTrue(result.tableRows().get(table) > 0, table + ": " + result.tableRows());
    }

    DuckDbCoreTables.Outputs oracle =
        DuckDbCoreTables.run(
            config, Benchmark.AS_OF, DuckDbCoreTables.parquetGlob(input), tmp.resolve("duckdb"));
    List<TableComparison.Result> results =
        TableComparison.compareAll(output, Benchmark.AS_OF, oracle);
    assertAll(results.stream().map(r -> (Executable) r::assertAgree));
    // The row counts the job reports (manifest) against the oracle's own tables.
    for (TableComparison.Result r : results) {
      assertEquals(r.duckdbRows(), result.tableRows().get(r.table()).longValue(), r.table());
    }
  }
}
