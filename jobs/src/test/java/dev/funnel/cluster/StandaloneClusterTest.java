package dev.funnel.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.SparkTestSession;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.generate.EventGenerator;
import dev.funnel.generate.GeneratorSpec;
import dev.funnel.io.RunManifest;
import dev.funnel.job.NightlyJob;
import dev.funnel.job.RunRequest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job submitted with {@code SparkSubmit --deploy-mode client} to a real standalone
 * cluster (master, worker and executors in their own JVMs), from the cluster jar: every table
 * equals the one a local run produced on the same input.
 *
 * <p>Needs {@code target/funnel-cluster.jar} and {@code target/spark-provided.classpath} from
 * {@code mvn -Pcluster package -DskipTests} (.ci/run builds them first); without them the test is
 * skipped with that reason, except under {@code FUNNEL_CLUSTER_REQUIRED=true}, where it fails.
 */
class StandaloneClusterTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-05-31");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private static Path required(String property, String what) {
    Path path = Path.of(System.getProperty(property, "missing"));
    if (!Files.isRegularFile(path)) {
      String reason =
          what + " " + path + " is missing; build it with: mvn -B -Pcluster package -DskipTests";
      if ("true".equals(System.getenv("FUNNEL_CLUSTER_REQUIRED"))) {
        throw new AssertionError(reason);
      }
      Assumptions.abort(reason);
    }
    return path;
  }

  @Test
  void theNightlyJobOnAStandaloneClusterWritesTheTablesOfALocalRun() throws Exception {
    Path jar = required("funnel.cluster.jar", "the cluster jar");
    Path sparkClasspath = required("funnel.spark.classpath", "Spark's classpath list");
    assertJarMatchesTheseClasses(jar, Path.of(System.getProperty("funnel.classes.dir")));

    String input = tmp.resolve("events").toString();
    EventGenerator.generate(
        spark, GeneratorSpec.of(3000, LocalDate.parse("2025-01-01"), 6, 7), input);
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/demo-funnel.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path configFile = tmp.resolve("funnel.yaml");
    Files.writeString(configFile, yaml);
    FunnelConfig config = ConfigLoader.parse(yaml, "demo");

    String local = tmp.resolve("local").toString();
    new NightlyJob(spark, config).run(new RunRequest(input, local, AS_OF));

    String clustered = tmp.resolve("cluster").toString();
    List<ProcessHandle> leftovers;
    try (StandaloneCluster cluster =
        StandaloneCluster.start(tmp.resolve("spark"), sparkClasspath)) {
      Path driverDir = Files.createDirectories(tmp.resolve("driver"));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx1g");
      command.addAll(StandaloneCluster.MODULE_FLAGS);
      command.addAll(
          List.of(
              "-cp",
              cluster.sparkClasspath(),
              "org.apache.spark.deploy.SparkSubmit",
              "--master",
              cluster.masterUrl(),
              "--deploy-mode",
              "client",
              "--class",
              "dev.funnel.cli.FunnelMain",
              "--driver-memory",
              "1g",
              "--executor-memory",
              "1g",
              "--total-executor-cores",
              "2",
              "--conf",
              "spark.driver.host=127.0.0.1",
              "--conf",
              "spark.driver.bindAddress=127.0.0.1",
              "--conf",
              "spark.ui.enabled=false",
              "--conf",
              "spark.sql.shuffle.partitions=4",
              jar.toString(),
              "run",
              "--config",
              configFile.toUri().toString(),
              "--input",
              input,
              "--output",
              clustered,
              "--as-of",
              AS_OF.toString()));
      ProcessBuilder builder = new ProcessBuilder(command);
      cluster.environment(builder);
      builder.redirectOutput(driverDir.resolve("stdout.txt").toFile());
      builder.redirectError(driverDir.resolve("stderr.txt").toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process driver = builder.start();
      try {
        while (!driver.waitFor(500, TimeUnit.MILLISECONDS)) {
          cluster.recordExecutors();
        }
      } finally {
        driver.destroyForcibly();
      }
      assertEquals(
          0,
          driver.exitValue(),
          "driver failed:\n" + StandaloneCluster.tail(driverDir.resolve("stderr.txt")));
      assertTrue(!Files.readString(driverDir.resolve("stdout.txt")).isBlank(), "no summary");
      assertExecutorsRan(tmp.resolve("spark/work"));
      cluster.close();
      leftovers = cluster.alive();
    }
    assertEquals(List.of(), leftovers, "processes of the cluster left behind");

    Map<String, Object> localManifest =
        RunManifest.read(spark.sparkContext().hadoopConfiguration(), local, AS_OF);
    Map<String, Object> clusterManifest =
        RunManifest.read(spark.sparkContext().hadoopConfiguration(), clustered, AS_OF);
    assertEquals(localManifest.get("tables"), clusterManifest.get("tables"));
    assertEquals(localManifest.get("rows_read"), clusterManifest.get("rows_read"));
    @SuppressWarnings("unchecked")
    Map<String, Object> tables = (Map<String, Object>) localManifest.get("tables");
    assertEquals(StandaloneCluster.outputTables(), tables.keySet(), "every table was written");
    for (String table : tables.keySet()) {
      Dataset<Row> a = spark.read().parquet(local + "/" + table + "/as_of=" + AS_OF);
      Dataset<Row> b = spark.read().parquet(clustered + "/" + table + "/as_of=" + AS_OF);
      assertEquals(a.schema(), b.schema(), table);
      assertEquals(0, a.exceptAll(b).count(), table + ": rows of the local run missing");
      assertEquals(0, b.exceptAll(a).count(), table + ": rows the local run does not have");
    }
  }

  /** The executors ran in the worker's JVMs: their directories exist under the work dir. */
  private static void assertExecutorsRan(Path work) throws IOException {
    try (Stream<Path> apps = Files.list(work)) {
      List<Path> executorDirs =
          apps.flatMap(
                  app -> {
                    try {
                      return Files.list(app).toList().stream();
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .toList();
      assertTrue(!executorDirs.isEmpty(), "no executor ran on the worker");
    }
  }

  /**
   * The jar is not stale: each of this project's classes in it is byte for byte the compiled class,
   * and it holds no Spark or Hadoop class (Spark is provided).
   */
  private static void assertJarMatchesTheseClasses(Path jar, Path classes) throws IOException {
    int checked = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        assertTrue(
            !name.startsWith("org/apache/spark/") && !name.startsWith("org/apache/hadoop/"),
            "Spark or Hadoop class in the cluster jar: " + name);
        if (name.startsWith("dev/funnel/") && name.endsWith(".class")) {
          Path compiled = classes.resolve(name);
          assertTrue(Files.exists(compiled), "stale cluster jar: " + name + " is not compiled now");
          try (InputStream in = file.getInputStream(entry)) {
            assertArrayEquals(
                Files.readAllBytes(compiled),
                in.readAllBytes(),
                "stale cluster jar (rebuild with mvn -Pcluster package): " + name);
          }
          checked++;
        }
      }
    }
    long compiledClasses;
    try (Stream<Path> all = Files.walk(classes.resolve("dev/funnel"))) {
      compiledClasses = all.filter(p -> p.toString().endsWith(".class")).count();
    }
    assertEquals(compiledClasses, checked, "stale cluster jar: classes compiled since are missing");
    assertTrue(Files.size(jar) < 10_000_000, "cluster jar of " + Files.size(jar) + " bytes");
  }
}
