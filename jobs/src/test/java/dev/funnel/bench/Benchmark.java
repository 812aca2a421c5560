package dev.funnel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.oracle.DuckDbCoreTables;
import dev.funnel.oracle.TableComparison;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Spark vs DuckDB benchmark of the nightly job (see {@code bench/README.md}; {@code bench/run.sh}
 * builds and runs it). For each size: generates the events once with the product jar's {@code
 * generate} (fixed seed), then a warm-up and N timed runs of each side, interleaved, each in a
 * fresh JVM under {@code /usr/bin/time}: the Spark side is the product jar's full nightly {@code
 * run} (with {@link ShuffleCounter} as an extra listener), the DuckDB side is {@link DuckDbMain}
 * (the oracle's SQL) on the test classpath. Then it checks that the last outputs agree ({@link
 * TableComparison}) and writes the Markdown report.
 */
public final class Benchmark {
  /** The as-of day of every run: the end of the generated year. */
  static final LocalDate AS_OF = LocalDate.parse("2025-12-31");

  /** First day of the generated data. */
  static final LocalDate START = LocalDate.parse("2025-01-01");

  /** Months of generated data. */
  static final int MONTHS = 12;

  /** Events per generated lead, to size the datasets (EventGenerator.AVERAGE_EVENTS_PER_LEAD). */
  static final double EVENTS_PER_LEAD = 2.8;

  /** The funnel of the generated data: every stage, both lost stages, all four dimensions. */
  static final String CONFIG =
      "name: bench\n"
          + "timezone: Europe/Berlin\n"
          + "stages: [lead, mql, sql, opportunity, won]\n"
          + "lost_stages: [lost, disqualified]\n"
          + "conversion_window_days: 90\n"
          + "dimensions: [source, segment, owner, region]\n"
          // The demo's agreement, so that the full run computes SLA, target and revenue tables.
          + "sla:\n"
          + "  - {name: mql_handoff, stage: mql, within_hours: 9, clock: business}\n"
          + "  - {name: sql_followup, stage: sql, within_hours: 168, clock: calendar}\n"
          + "business_hours: {days: [MON, TUE, WED, THU, FRI], start: \"09:00\", end: \"18:00\"}\n"
          + "targets:\n"
          + "  - {name: mql_volume, stage: mql, period: month, leads: 2400}\n"
          + "  - {name: mql_value, stage: mql, period: month, amount: 25000000, currency: EUR}\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Benchmark() {}

  /** The command-line options. */
  record Options(
      List<Double> sizes,
      int runs,
      int warmups,
      Path work,
      Path jar,
      Path results,
      String sparkXmx,
      String smallHeapXmx,
      long seed,
      Path sql,
      Path pom,
      String label,
      String duckdbMemoryLimit,
      long timeoutMinutes) {

    static Options parse(String[] args) {
      Map<String, String> v = new LinkedHashMap<>();
      v.put("--sizes", "1,10,40");
      v.put("--runs", "3");
      v.put("--warmups", "1");
      v.put("--work", "bench/work");
      v.put("--jar", "jobs/target/funnel.jar");
      v.put("--results", "bench/RESULTS.md");
      v.put("--spark-xmx", "");
      v.put("--small-heap-xmx", "");
      v.put("--seed", "7");
      v.put("--sql", "bench/sql/core_tables.sql");
      v.put("--pom", "pom.xml");
      v.put("--label", "");
      v.put("--duckdb-memory-limit", "");
      v.put("--timeout-minutes", "240");
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--help") || args[i].equals("-h")) {
          System.out.println("options (defaults): " + v);
          System.exit(0);
        }
        if (!v.containsKey(args[i]) || i + 1 >= args.length) {
          System.err.println("error: unknown option or missing value: " + args[i]);
          System.err.println("options (defaults): " + v);
          System.exit(2);
        }
        v.put(args[i], args[++i]);
      }
      List<Double> sizes =
          Arrays.stream(v.get("--sizes").split(","))
              .map(String::trim)
              .map(Double::valueOf)
              .toList();
      int runs = Integer.parseInt(v.get("--runs"));
      if (runs < 1 || sizes.isEmpty() || sizes.stream().anyMatch(s -> s <= 0)) {
        System.err.println("error: --runs must be >= 1 and --sizes positive");
        System.exit(2);
      }
      return new Options(
          sizes,
          runs,
          Integer.parseInt(v.get("--warmups")),
          Path.of(v.get("--work")).toAbsolutePath(),
          Path.of(v.get("--jar")).toAbsolutePath(),
          Path.of(v.get("--results")).toAbsolutePath(),
          v.get("--spark-xmx"),
          v.get("--small-heap-xmx"),
          Long.parseLong(v.get("--seed")),
          Path.of(v.get("--sql")).toAbsolutePath(),
          Path.of(v.get("--pom")).toAbsolutePath(),
          v.get("--label"),
          v.get("--duckdb-memory-limit"),
          Long.parseLong(v.get("--timeout-minutes")));
    }
  }

  /**
   * One run of one side: the process figures, its phases (seconds, rows), Spark's stages, and how
   * many OutOfMemoryErrors its stderr mentions (Spark retries some allocations after one).
   */
  record RunRecord(
      ChildProcess.Outcome outcome,
      Map<String, Double> phaseSeconds,
      Map<String, Long> phaseRows,
      JsonNode sparkStages,
      int outOfMemoryErrors) {

    double wall() {
      return outcome.wallSeconds();
    }

    /** The listener's event-level shuffle count, -1 when unknown. */
    int eventLevelShuffles() {
      return sparkStages == null ? -1 : sparkStages.path("event_level_shuffles").asInt(-1);
    }
  }

  /**
   * Everything measured for one size. {@code failure} is set when a warm-up or timed run failed
   * (the runs before it are kept), {@code smallHeapFailure} when the small-heap run failed; {@code
   * fullRuns} are the timed runs of the full nightly job (every table, anomalies included), {@code
   * fullFailure} their failure.
   */
  record SizeResult(
      String label,
      long leads,
      long events,
      String generated,
      List<RunRecord> spark,
      List<RunRecord> duckdb,
      List<TableComparison.Result> agreement,
      RunRecord smallHeap,
      List<TableComparison.Result> smallHeapAgreement,
      String failure,
      String smallHeapFailure,
      List<RunRecord> fullRuns,
      String fullFailure) {

    /** The median of the full runs, null when there is none. */
    RunRecord full() {
      return fullRuns.isEmpty() ? null : medianRun(fullRuns);
    }

    /** True when every run finished and the outputs agree, the small-heap run's included. */
    boolean passes() {
      return failure == null
          && smallHeapFailure == null
          && fullFailure == null
          && agreement.stream().allMatch(TableComparison.Result::agrees)
          && smallHeapAgreement.stream().allMatch(TableComparison.Result::agrees);
    }

    /** True when both sides have timed runs to report. */
    boolean measured() {
      return !spark.isEmpty() && !duckdb.isEmpty();
    }
  }

  /** Runs the benchmark; exits 1 when a size's runs fail or its outputs disagree. */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (!ChildProcess.timeAvailable()) {
      throw new IllegalStateException(
          ChildProcess.TIME + " is missing (apt-get install -y time; bench/run.sh does this)");
    }
    if (!Files.isRegularFile(options.jar())) {
      throw new IllegalStateException("no product jar at " + options.jar() + " (mvn package)");
    }
    Files.createDirectories(options.work());
    Machine machine = Machine.probe(options, sparkVersion(options.pom()));
    System.out.println(machine.summaryLine());
    if (machine.jarHasDuckDb()) {
      throw new IllegalStateException("the product jar contains DuckDB classes: " + options.jar());
    }
    List<String> moduleFlags = moduleFlags(options.pom());
    Path config = options.work().resolve("bench-funnel.yaml");
    Files.writeString(config, CONFIG);
    Path listenerDir = listenerClasses(options.work().resolve("listener"));

    List<SizeResult> results = new ArrayList<>();
    boolean allPass = true;
    long benchStarted = System.nanoTime();
    for (double millions : options.sizes()) {
      SizeResult result = runSize(options, moduleFlags, config, listenerDir, millions);
      results.add(result);
      allPass &= result.passes();
      String report =
          ResultsReport.render(options, machine, results, (System.nanoTime() - benchStarted) / 1e9);
      Files.createDirectories(options.results().toAbsolutePath().getParent());
      Files.writeString(options.results(), report, StandardCharsets.UTF_8);
    }
    System.out.println();
    System.out.println(Files.readString(options.results()));
    System.out.println("written to " + options.results());
    System.exit(allPass ? 0 : 1);
  }

  private static SizeResult runSize(
      Options o, List<String> moduleFlags, Path config, Path listenerDir, double millions)
      throws Exception {
    String label = label(millions);
    long target = Math.round(millions * 1_000_000);
    long leads = (long) Math.ceil(target / EVENTS_PER_LEAD);
    Path data = o.work().resolve("data").resolve("events-" + label);
    String generated = generate(o, moduleFlags, data, leads, label);
    long events =
        JSON.readTree(data.resolve("_truth.json").toFile()).path("events_written").asLong();
    log("%s: %,d events of %,d leads (%s) in %s", label, events, leads, generated, data);

    Path runs = o.work().resolve("runs").resolve(label);
    Path out = o.work().resolve("out").resolve(label);
    Path sparkOut = out.resolve("spark");
    Path duckOut = out.resolve("duckdb");
    List<RunRecord> spark = new ArrayList<>();
    List<RunRecord> duck = new ArrayList<>();
    try {
      for (int i = -o.warmups(); i < o.runs(); i++) {
        String name = i < 0 ? "warmup-" + (i + o.warmups() + 1) : "run-" + (i + 1);
        RunRecord s =
            runSpark(
                o,
                moduleFlags,
                listenerDir,
                config,
                data,
                sparkOut,
                runs.resolve("spark-" + name),
                events,
                o.sparkXmx(),
                true);
        log(
            "%s spark  %-9s %8.1f s  %,8.0f MB RSS  %d event-level shuffles",
            label, name, s.wall(), s.outcome().peakRssMb(), s.eventLevelShuffles());
        RunRecord d = runDuckDb(o, config, data, duckOut, runs.resolve("duckdb-" + name));
        log(
            "%s duckdb %-9s %8.1f s  %,8.0f MB RSS",
            label, name, d.wall(), d.outcome().peakRssMb());
        if (i >= 0) {
          spark.add(s);
          duck.add(d);
        }
      }
    } catch (ChildProcess.Failure e) {
      log("%s FAILED: %s", label, e.getMessage());
      return new SizeResult(
          label,
          leads,
          events,
          generated,
          spark,
          duck,
          List.of(),
          null,
          List.of(),
          e.summary(),
          null,
          List.of(),
          null);
    }
    DuckDbCoreTables.Outputs oracle =
        new DuckDbCoreTables.Outputs(
            duckOut.resolve("stage_visits.parquet"),
            duckOut.resolve("stage_conversion.parquet"),
            duckOut.resolve("time_in_stage.parquet"));
    List<TableComparison.Result> agreement =
        TableComparison.compareAll(sparkOut.toString(), AS_OF, oracle);
    agreement.forEach(r -> log("%s agreement: %s", label, r));

    RunRecord small = null;
    String smallFailure = null;
    List<TableComparison.Result> smallPassment = List.of();
    if (!o.smallHeapXmx().isBlank()) {
      Path smallOut = out.resolve("spark-small-heap");
      try {
        small =
            runSpark(
                o,
                moduleFlags,
                listenerDir,
                config,
                data,
                smallOut,
                runs.resolve("spark-small-heap"),
                events,
                o.smallHeapXmx(),
                true);
        log(
            "%s spark -Xmx%s %8.1f s  %,8.0f MB RSS",
            label, o.smallHeapXmx(), small.wall(), small.outcome().peakRssMb());
        smallPassment = TableComparison.compareAll(smallOut.toString(), AS_OF, oracle);
        smallPassment.forEach(r -> log("%s small-heap agreement: %s", label, r));
      } catch (ChildProcess.Failure e) {
        smallFailure = e.summary();
        log("%s small-heap run FAILED: %s", label, e.getMessage());
      }
    }
    // The full nightly run (every table, anomalies included), timed as often as the core run.
    List<RunRecord> full = new ArrayList<>();
    String fullFailure = null;
    try {
      for (int i = 0; i < o.runs(); i++) {
        RunRecord f =
            runSpark(
                o,
                moduleFlags,
                listenerDir,
                config,
                data,
                out.resolve("spark-full"),
                runs.resolve("spark-full-run-" + (i + 1)),
                events,
                o.sparkXmx(),
                false);
        full.add(f);
        log(
            "%s spark full run-%d %8.1f s  %,8.0f MB RSS",
            label, i + 1, f.wall(), f.outcome().peakRssMb());
      }
    } catch (ChildProcess.Failure e) {
      fullFailure = e.summary();
      log("%s full run FAILED: %s", label, e.getMessage());
    }
    return new SizeResult(
        label,
        leads,
        events,
        generated,
        spark,
        duck,
        agreement,
        small,
        smallPassment,
        null,
        smallFailure,
        full,
        fullFailure);
  }

  /** Generates the dataset unless the marker says it exists with the same spec. */
  private static String generate(
      Options o, List<String> moduleFlags, Path data, long leads, String label) throws Exception {
    String spec =
        String.format(
            Locale.ROOT, "leads=%d start=%s months=%d seed=%d%n", leads, START, MONTHS, o.seed());
    Path marker = data.resolve("_bench_spec.txt");
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(spec)) {
      return "reused";
    }
    deleteTree(data);
    List<String> command = new ArrayList<>(java());
    command.addAll(moduleFlags);
    command.addAll(
        List.of(
            "-jar",
            o.jar().toString(),
            "generate",
            "--output",
            data.toString(),
            "--leads",
            Long.toString(leads),
            "--start",
            START.toString(),
            "--months",
            Integer.toString(MONTHS),
            "--seed",
            Long.toString(o.seed())));
    log("%s: generating %,d leads (seed %d)", label, leads, o.seed());
    ChildProcess.Outcome outcome =
        ChildProcess.run(
            command,
            o.work().resolve("runs").resolve(label).resolve("generate"),
            o.timeoutMinutes());
    Files.writeString(marker, spec);
    return String.format(Locale.ROOT, "generated in %.0f s", outcome.wallSeconds());
  }

  private static RunRecord runSpark(
      Options o,
      List<String> moduleFlags,
      Path listenerDir,
      Path config,
      Path data,
      Path output,
      Path dir,
      long events,
      String xmx,
      boolean coreOnly)
      throws Exception {
    deleteTree(output);
    deleteTree(dir);
    Files.createDirectories(dir);
    Path stagesJson = dir.resolve("stages.json");
    List<String> command = new ArrayList<>(java());
    if (!xmx.isBlank()) {
      command.add("-Xmx" + xmx);
    }
    command.addAll(moduleFlags);
    command.add("-Dspark.extraListeners=" + ShuffleCounter.class.getName());
    command.add("-D" + ShuffleCounter.OUTPUT_PROPERTY + "=" + stagesJson);
    command.add("-D" + ShuffleCounter.EVENTS_PROPERTY + "=" + events);
    command.add("-cp");
    command.add(o.jar() + java.io.File.pathSeparator + listenerDir);
    command.add("dev.funnel.cli.FunnelMain");
    command.addAll(
        List.of(
            "run",
            "--config",
            config.toString(),
            "--input",
            data.toString(),
            "--output",
            output.toString(),
            "--as-of",
            AS_OF.toString()));
    if (coreOnly) {
      command.add("--core-only");
    }
    ChildProcess.Outcome outcome = ChildProcess.run(command, dir, o.timeoutMinutes());
    Map<String, Double> seconds = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    Path manifest = output.resolve("_runs").resolve(AS_OF + ".json");
    if (Files.isRegularFile(manifest)) {
      readPhases(manifest, seconds, rows);
    }
    int outOfMemory = 0;
    for (String line : Files.readAllLines(outcome.stderr())) {
      if (line.startsWith("java.lang.OutOfMemoryError")) {
        outOfMemory++;
      }
    }
    JsonNode stages = Files.isRegularFile(stagesJson) ? JSON.readTree(stagesJson.toFile()) : null;
    return new RunRecord(outcome, seconds, rows, stages, outOfMemory);
  }

  /**
   * Reads the per-phase figures of a run from its manifest ({@code phases}: name → seconds and,
   * where the phase has one, rows) into {@code seconds} and {@code rows}, in phase order.
   */
  public static void readPhases(Path manifest, Map<String, Double> seconds, Map<String, Long> rows)
      throws IOException {
    JsonNode phases = JSON.readTree(manifest.toFile()).get("phases");
    if (phases == null) {
      throw new IOException("run manifest " + manifest + " has no phases");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = phases.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> phase = it.next();
      seconds.put(phase.getKey(), phase.getValue().get("seconds").asDouble());
      if (phase.getValue().has("rows")) {
        rows.put(phase.getKey(), phase.getValue().get("rows").asLong());
      }
    }
  }

  private static RunRecord runDuckDb(Options o, Path config, Path data, Path output, Path dir)
      throws Exception {
    deleteTree(output);
    deleteTree(output.resolveSibling("duckdb-tmp"));
    deleteTree(dir);
    Files.createDirectories(dir);
    Path timings = dir.resolve("timings.tsv");
    List<String> command = new ArrayList<>(java());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DuckDbMain.class.getName());
    command.addAll(
        List.of(
            "--config",
            config.toString(),
            "--input",
            data.toString(),
            "--output",
            output.toString(),
            "--as-of",
            AS_OF.toString(),
            "--sql",
            o.sql().toString(),
            "--timings",
            timings.toString()));
    if (!o.duckdbMemoryLimit().isBlank()) {
      command.addAll(List.of("--memory-limit", o.duckdbMemoryLimit()));
    }
    ChildProcess.Outcome outcome = ChildProcess.run(command, dir, o.timeoutMinutes());
    Map<String, Double> seconds = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(timings);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      seconds.merge(f[0], Double.parseDouble(f[1]), Double::sum);
    }
    return new RunRecord(outcome, seconds, Map.of(), null, 0);
  }

  /** The java binary of this JVM, as a command prefix. */
  private static List<String> java() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Spark's JVM flags, read from the aggregator pom's {@code spark.module.flags} property. */
  static List<String> moduleFlags(Path pom) throws IOException {
    Matcher m =
        Pattern.compile("<spark\\.module\\.flags>([^<]*)</spark\\.module\\.flags>")
            .matcher(Files.readString(pom));
    if (!m.find()) {
      throw new IllegalStateException("no spark.module.flags in " + pom);
    }
    return Arrays.stream(m.group(1).trim().split("\\s+")).toList();
  }

  private static String sparkVersion(Path pom) throws IOException {
    Matcher m =
        Pattern.compile("<spark\\.version>([^<]*)</spark\\.version>")
            .matcher(Files.readString(pom));
    return m.find() ? m.group(1) : "?";
  }

  /**
   * Copies the compiled {@link ShuffleCounter} classes (and only those) into {@code dir}, so the
   * Spark child runs the product jar plus the listener and nothing else of the test classpath.
   */
  static Path listenerClasses(Path dir) throws IOException, URISyntaxException {
    URL own = ShuffleCounter.class.getResource("ShuffleCounter.class");
    if (own == null || !"file".equals(own.getProtocol())) {
      throw new IllegalStateException("ShuffleCounter must be a class file on disk, found " + own);
    }
    Path source = Path.of(own.toURI()).getParent();
    Path target = dir.resolve(ShuffleCounter.class.getPackageName().replace('.', '/'));
    deleteTree(dir);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith("ShuffleCounter") && name.endsWith(".class")) {
          Files.copy(f, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return dir;
  }

  /** "1M", "10M", "0.1M". */
  static String label(double millions) {
    return (millions == Math.rint(millions)
            ? Long.toString((long) millions)
            : String.valueOf(millions).replaceAll("0+$", ""))
        + "M";
  }

  /** The median of the values (mean of the two middle ones for an even count). */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The run whose wall time is the (lower) median. */
  static RunRecord medianRun(List<RunRecord> runs) {
    List<RunRecord> sorted =
        runs.stream().sorted(Comparator.comparingDouble(RunRecord::wall)).toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void log(String format, Object... args) {
    System.out.println(
        ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
            + " "
            + String.format(Locale.ROOT, format, args));
  }

  /** The machine and software the benchmark ran on. */
  record Machine(
      String date,
      int cores,
      long memTotalKb,
      String cpu,
      String javaVersion,
      long defaultMaxHeapBytes,
      String loadAverage,
      String gitCommit,
      String sparkVersion,
      String duckdbVersion,
      boolean jarHasDuckDb) {

    static Machine probe(Options o, String sparkVersion) throws Exception {
      long mem = 0;
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          mem = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      String cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst()
              .orElse("?");
      String javaVersion =
          command(List.of(java().get(0), "-version")).lines().findFirst().orElse("?");
      long maxHeap = 0;
      for (String line :
          command(List.of(java().get(0), "-XX:+PrintFlagsFinal", "-version")).lines().toList()) {
        if (line.contains(" MaxHeapSize ")) {
          maxHeap = Long.parseLong(line.replaceAll(".*=\\s*(\\d+).*", "$1"));
        }
      }
      String git = command(List.of("git", "rev-parse", "--short", "HEAD")).strip();
      if (!command(List.of("git", "status", "--porcelain", "--untracked-files=no")).isBlank()) {
        git += " (with uncommitted changes)";
      }
      String duckdb;
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT version()")) {
        rs.next();
        duckdb = rs.getString(1);
      }
      boolean jarHasDuckDb;
      try (ZipFile zip = new ZipFile(o.jar().toFile())) {
        jarHasDuckDb =
            zip.stream().anyMatch(e -> e.getName().toLowerCase(Locale.ROOT).contains("duckdb"));
      }
      return new Machine(
          ZonedDateTime.now()
              .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
          Runtime.getRuntime().availableProcessors(),
          mem,
          cpu,
          javaVersion,
          maxHeap,
          currentLoad(),
          git,
          sparkVersion,
          duckdb,
          jarHasDuckDb);
    }

    /** The content of /proc/loadavg. */
    static String currentLoad() {
      try {
        return Files.readString(Path.of("/proc/loadavg")).strip();
      } catch (IOException e) {
        return "?";
      }
    }

    String summaryLine() {
      return String.format(
          Locale.ROOT,
          "%d cores, %.1f GB, %s; Spark %s, DuckDB %s; load %s",
          cores,
          memTotalKb / 1024.0 / 1024.0,
          javaVersion,
          sparkVersion,
          duckdbVersion,
          loadAverage);
    }

    private static String command(List<String> command) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
          String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          p.waitFor();
          return out;
        }
      } catch (IOException | InterruptedException e) {
        return "?";
      }
    }
  }
}
