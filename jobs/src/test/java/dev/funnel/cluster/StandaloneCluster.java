package dev.funnel.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on this machine: a master and a worker, each in its own JVM bound
 * to 127.0.0.1, run from a Spark home whose {@code jars/} links the Spark jars Maven resolved (the
 * worker launches executors from it). {@link #close()} stops both and every executor, even after a
 * failure, and checks that no process is left.
 */
final class StandaloneCluster implements AutoCloseable {
  /** Spark's module flags (as spark-submit adds them), for the daemons and the driver. */
  static final List<String> MODULE_FLAGS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true");

  /** The tables a full nightly run writes ({@code NightlyJob.TABLES}). */
  static java.util.Set<String> outputTables() {
    return dev.funnel.job.NightlyJob.TABLES.stream()
        .map(dev.funnel.spark.OutputTable::name)
        .collect(java.util.stream.Collectors.toSet());
  }

  private final Path home;
  private final Path logs;
  private final int port;
  private final List<Process> daemons = new ArrayList<>();
  private final List<ProcessHandle> seen = new ArrayList<>();
  private Process master;
  private Process worker;

  private StandaloneCluster(Path home, Path logs, int port) {
    this.home = home;
    this.logs = logs;
    this.port = port;
  }

  /**
   * Lays out a Spark home in {@code dir} from the jars listed in {@code sparkClasspath} (Maven's
   * provided classpath of the cluster profile) and starts a master and a worker with two cores.
   */
  static StandaloneCluster start(Path dir, Path sparkClasspath) throws Exception {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    Files.createDirectories(home.resolve("conf"));
    for (String jar : Files.readString(sparkClasspath).trim().split(File.pathSeparator)) {
      Path source = Path.of(jar);
      Files.createSymbolicLink(jars.resolve(source.getFileName()), source);
    }
    Path logs = Files.createDirectories(dir.resolve("logs"));
    StandaloneCluster cluster = new StandaloneCluster(home, logs, freePort());
    try {
      cluster.startDaemons(dir);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The master URL, {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The classpath of Spark's own jars ({@code SPARK_HOME/jars/*}). */
  String sparkClasspath() {
    return home.resolve("jars") + File.separator + "*";
  }

  private void startDaemons(Path dir) throws Exception {
    master =
        daemon(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--webui-port",
            Integer.toString(freePort()));
    awaitLog(logs.resolve("master.err"), "I have been elected leader", master);
    worker =
        daemon(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--webui-port",
            Integer.toString(freePort()),
            "--cores",
            "2",
            "--memory",
            "2g",
            "--work-dir",
            Files.createDirectories(dir.resolve("work")).toString(),
            masterUrl());
    awaitLog(logs.resolve("worker.err"), "Successfully registered with master", worker);
  }

  private Process daemon(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(MODULE_FLAGS);
    command.add("-cp");
    command.add(sparkClasspath());
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    environment(builder);
    builder.redirectOutput(logs.resolve(name + ".out").toFile());
    builder.redirectError(logs.resolve(name + ".err").toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    daemons.add(process);
    seen.add(process.toHandle());
    return process;
  }

  /** The environment of the daemons, executors and driver: this Spark home, local addresses. */
  void environment(ProcessBuilder builder) {
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("SPARK_MASTER_HOST", "127.0.0.1");
    builder.environment().remove("SPARK_CONF_DIR");
    builder.environment().remove("HADOOP_CONF_DIR");
  }

  /** Remembers the executors the worker runs now, so that close() can check they are gone. */
  void recordExecutors() {
    if (worker != null) {
      worker.descendants().forEach(seen::add);
    }
  }

  private static void awaitLog(Path log, String line, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Spark daemon exited with " + process.exitValue() + ":\n" + tail(log));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no '" + line + "' in " + log + ":\n" + tail(log));
  }

  /** The last lines of a log, for failure messages. */
  static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The processes of the cluster that are still alive (should be none after close). */
  List<ProcessHandle> alive() {
    return seen.stream().filter(ProcessHandle::isAlive).toList();
  }

  /**
   * Stops the worker (which kills its executors) and the master with SIGTERM, waits, then kills
   * whatever is left, executors included.
   */
  @Override
  public void close() {
    recordExecutors();
    List<ProcessHandle> all = new ArrayList<>(seen);
    List<Process> stopOrder = new ArrayList<>(daemons);
    java.util.Collections.reverse(stopOrder); // the worker before the master
    for (Process daemon : stopOrder) {
      daemon.destroy();
      try {
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
          daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (ProcessHandle process : all) {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    for (ProcessHandle process : all) {
      process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> process).join();
    }
    // The links into the Maven repository: removed here so that nothing follows them later.
    try (java.util.stream.Stream<Path> links = Files.list(home.resolve("jars"))) {
      for (Path link : links.toList()) {
        Files.deleteIfExists(link);
      }
    } catch (IOException e) {
      // the temporary directory's cleanup reports it
    }
  }
}
