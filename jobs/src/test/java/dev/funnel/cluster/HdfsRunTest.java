package dev.funnel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.SparkTestSession;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.io.ConfigSource;
import dev.funnel.io.OutputLock;
import dev.funnel.io.RunManifest;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job with its configuration, input and output on an in-process HDFS ({@code
 * MiniDFSCluster}, the Hadoop version of Spark's client): two runs for the same as-of day publish
 * the tables of a local run and the second replaces the first; a run killed with SIGKILL mid-run
 * leaves the published tables and its lock, and the next run recovers, as on the local file system.
 */
class HdfsRunTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-05-31");
  private static MiniDFSCluster dfs;
  private static String root;
  @TempDir static Path tmp;
  private final SparkSession spark = SparkTestSession.get();

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    root = dfs.getURI().toString();
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private FileSystem hdfs() throws Exception {
    return FileSystem.get(dfs.getURI(), hadoop());
  }

  private Dataset<Row> table(String output, String table) {
    return spark.read().parquet(output + "/" + table + "/as_of=" + AS_OF);
  }

  private static void assertSameRows(Dataset<Row> a, Dataset<Row> b, String what) {
    assertEquals(0, a.exceptAll(b).count(), what + ": rows missing");
    assertEquals(0, b.exceptAll(a).count(), what + ": rows added");
  }

  @Test
  void runsTwiceKilledOnceAndRecoversOnHdfs() throws Exception {
    String config = root + "/apps/funnel/funnel.yaml";
    try (InputStream in = getClass().getResourceAsStream("/demo-funnel.yaml");
        OutputStream out = hdfs().create(new org.apache.hadoop.fs.Path(config))) {
      in.transferTo(out);
    }
    FunnelConfig funnel = ConfigSource.load(hadoop(), config);
    assertEquals("demo-inbound-b2b", funnel.name());

    String input = root + "/crm/events";
    String bigger = root + "/crm/events-next";
    EventGenerator.generate(
        spark, GeneratorSpec.of(2000, LocalDate.parse("2025-01-01"), 6, 7), input);
    EventGenerator.generate(
        spark, GeneratorSpec.of(30_000, LocalDate.parse("2025-01-01"), 6, 8), bigger);
    String output = root + "/funnel";
    String local = tmp.resolve("local").toString();
    new NightlyJob(spark, funnel).run(new RunRequest(input, local, AS_OF));

    // Two runs for the same day: the tables of the local run, the second replacing the first.
    new NightlyJob(spark, funnel).run(new RunRequest(input, output, AS_OF));
    String firstRun = (String) RunManifest.read(hadoop(), output, AS_OF).get("run_id");
    new NightlyJob(spark, funnel).run(new RunRequest(input, output, AS_OF));
    Map<String, Object> manifest = RunManifest.read(hadoop(), output, AS_OF);
    assertFalse(firstRun.equals(manifest.get("run_id")));
    @SuppressWarnings("unchecked")
    Map<String, Object> tables = (Map<String, Object>) manifest.get("tables");
    assertEquals(StandaloneCluster.outputTables(), tables.keySet(), "every table was written");
    Map<String, List<Row>> snapshot = new HashMap<>();
    for (String t : tables.keySet()) {
      assertSameRows(table(local, t), table(output, t), t);
      FileStatus[] partitions = hdfs().listStatus(new org.apache.hadoop.fs.Path(output, t));
      assertEquals(1, partitions.length, t + ": one partition");
      snapshot.put(t, table(output, t).collectAsList());
    }
    assertTrue(((List<?>) manifest.get("input_files")).size() > 0);
    assertTrue(
        ((String) ((Map<?, ?>) ((List<?>) manifest.get("input_files")).get(0)).get("path"))
            .startsWith(root),
        "input files are recorded with their hdfs:// path");
    assertFalse(hdfs().exists(new org.apache.hadoop.fs.Path(output, "_staging")));
    assertFalse(hdfs().exists(new org.apache.hadoop.fs.Path(output, "_lock")));

    // The lock on HDFS: a second run refuses while one holds it.
    try (OutputLock held = OutputLock.acquire(hadoop(), output, "holder", Duration.ZERO)) {
      assertThrows(
          OutputLock.LockedException.class,
          () -> OutputLock.acquire(hadoop(), output, "second", Duration.ZERO));
    }

    // A run of other input, configuration on HDFS, killed once its staging area exists.
    Process child =
        ChildJvm.start(
            tmp.resolve("child"),
            "run",
            "--config",
            config,
            "--input",
            bigger,
            "--output",
            output,
            "--as-of",
            AS_OF.toString());
    org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(output, "_staging");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!hdfs().exists(staging) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(child.isAlive(), "the child run ended before it could be killed");
    Thread.sleep(1000);
    child.destroyForcibly();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    assertTrue(hdfs().exists(new org.apache.hadoop.fs.Path(output, "_lock")), "lock left");
    for (String t : tables.keySet()) {
      Dataset<Row> now = table(output, t);
      assertSameRows(spark.createDataFrame(snapshot.get(t), now.schema()), now, t + " after kill");
    }

    // The next run takes over the dead run's lock, discards its staging and publishes.
    new NightlyJob(spark, funnel).run(new RunRequest(input, output, AS_OF));
    assertFalse(hdfs().exists(staging));
    assertFalse(hdfs().exists(new org.apache.hadoop.fs.Path(output, "_lock")));
    for (String t : tables.keySet()) {
      assertSameRows(table(local, t), table(output, t), t + " after recovery");
    }
  }
}
