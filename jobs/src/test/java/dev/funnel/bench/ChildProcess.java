package dev.funnel.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one child process under GNU {@code /usr/bin/time} and measures it the same way for both
 * sides of the benchmark: whole-process wall time (from start to exit, measured here), peak
 * resident set size and CPU seconds (from the kernel's rusage of the child, via {@code time}).
 */
final class ChildProcess {
  /** GNU time: max RSS in KB, elapsed, user and system seconds. */
  static final String TIME = "/usr/bin/time";

  private ChildProcess() {}

  /** What a finished child process used; its stdout and stderr are files in {@code dir}. */
  record Outcome(int exitCode, double wallSeconds, long peakRssKb, double cpuSeconds, Path dir) {

    /** The child's stderr file. */
    Path stderr() {
      return dir.resolve("stderr.txt");
    }

    /** The child's stdout file. */
    Path stdout() {
      return dir.resolve("stdout.txt");
    }

    /** The peak RSS in MB (1024 x 1024 bytes). */
    double peakRssMb() {
      return peakRssKb / 1024.0;
    }
  }

  /** True when GNU time is installed. */
  static boolean timeAvailable() {
    return Files.isExecutable(Path.of(TIME));
  }

  /**
   * Runs {@code command} to completion under {@code /usr/bin/time}, stdout and stderr to files in
   * {@code dir}; fails (with the end of stderr) on a non-zero exit or after {@code timeoutMinutes}.
   */
  static Outcome run(List<String> command, Path dir, long timeoutMinutes)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path timeFile = dir.resolve("time.txt");
    Files.deleteIfExists(timeFile);
    List<String> full = new ArrayList<>();
    full.add(TIME);
    full.add("-f");
    full.add("%M %e %U %S");
    full.add("-o");
    full.add(timeFile.toString());
    full.addAll(command);
    Files.writeString(dir.resolve("command.txt"), String.join(" ", command) + "\n");
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.redirectOutput(dir.resolve("stdout.txt").toFile());
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    long started = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
      throw new Failure(-1, "did not finish within " + timeoutMinutes + " minutes", dir);
    }
    double wall = (System.nanoTime() - started) / 1e9;
    int code = process.exitValue();
    if (code != 0) {
      throw new Failure(code, reason(dir), dir);
    }
    // Only the last line holds the figures ("Command exited with non-zero status" comes first).
    List<String> lines = Files.readAllLines(timeFile);
    String[] f = lines.get(lines.size() - 1).trim().split("\\s+");
    long rssKb = Long.parseLong(f[0]);
    double cpu = Double.parseDouble(f[2]) + Double.parseDouble(f[3]);
    return new Outcome(code, wall, rssKb, cpu, dir);
  }

  /** A child that failed: its exit code, a one-line reason, its folder. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The exit code, -1 for a timeout. */
    final int exitCode;

    /** The one-line reason. */
    final String reason;

    Failure(int exitCode, String reason, Path dir) {
      super(
          "child "
              + (exitCode < 0 ? "" : "exited with " + exitCode + ": ")
              + reason
              + " ("
              + dir
              + "), end of its stderr:\n"
              + tail(dir, 15));
      this.exitCode = exitCode;
      this.reason = reason;
    }

    /** "exit 52: java.lang.OutOfMemoryError: Java heap space". */
    String summary() {
      return (exitCode < 0 ? "" : "exit " + exitCode + ": ") + reason;
    }
  }

  /** The first OutOfMemoryError line, else the last "error:" line, else the last stderr line. */
  private static String reason(Path dir) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("stderr.txt"));
      for (String line : lines) {
        if (line.contains("OutOfMemoryError")) {
          int at = line.indexOf("java.lang.OutOfMemoryError");
          return (at >= 0 ? line.substring(at) : line).strip();
        }
      }
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("error:")) {
          return lines.get(i);
        }
      }
      return lines.isEmpty() ? "(no stderr)" : lines.get(lines.size() - 1).strip();
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }

  /** The last {@code n} lines of a child's stderr. */
  static String tail(Path dir, int n) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("stderr.txt"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
