package dev.funnel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code funnel} commands in a fresh JVM on the test classpath, as a scheduler would. */
public final class ChildJvm {
  /** Spark's module flags (pom property spark.module.flags), needed by a child JVM too. */
  private static final List<String> MODULE_FLAGS =
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
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

  private ChildJvm() {}

  /** The result of a finished child process. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /** Starts {@code FunnelMain} with the given arguments; output goes to files in {@code dir}. */
  public static Process start(Path dir, String... args) throws IOException {
    return start(dir, List.of(), args);
  }

  /**
   * Starts {@code FunnelMain} with extra JVM options (such as {@code -Dname=value}) and the given
   * arguments; output goes to files in {@code dir}.
   */
  public static Process start(Path dir, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> arguments = new ArrayList<>();
    arguments.add("dev.funnel.cli.FunnelMain");
    arguments.addAll(Arrays.asList(args));
    return startMain(dir, jvmOptions, arguments.toArray(String[]::new));
  }

  /**
   * Starts the main class {@code mainAndArgs[0]} of the test classpath with extra JVM options and
   * the remaining arguments; output goes to files in {@code dir}.
   */
  public static Process startMain(Path dir, List<String> jvmOptions, String... mainAndArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(jvmOptions);
    command.addAll(MODULE_FLAGS);
    command.add("-Dspark.master=local[2]");
    command.add("-Dspark.ui.enabled=false");
    command.add("-Dspark.sql.shuffle.partitions=4");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(Arrays.asList(mainAndArgs));
    Files.createDirectories(dir);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.redirectOutput(dir.resolve("stdout.txt").toFile());
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return builder.start();
  }

  /** Runs {@code FunnelMain} to completion (at most five minutes). */
  public static Result run(Path dir, String... args) throws IOException, InterruptedException {
    Process process = start(dir, args);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish: " + Arrays.toString(args));
    }
    return new Result(
        process.exitValue(),
        Files.readString(dir.resolve("stdout.txt")),
        Files.readString(dir.resolve("stderr.txt")));
  }
}
