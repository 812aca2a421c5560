package dev.funnel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.funnel.bench.Benchmark.Machine;
import dev.funnel.bench.Benchmark.Options;
import dev.funnel.bench.Benchmark.RunRecord;
import dev.funnel.bench.Benchmark.SizeResult;
import dev.funnel.oracle.TableComparison;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The benchmark's Markdown report ({@code bench/RESULTS.md}). */
final class ResultsReport {
  /** Phases of the Spark job that build the three core tables (the rest is the full run). */
  static final List<String> CORE_PHASES =
      List.of(
          "read and classify", "lead pass", "stage_visits", "stage_conversion", "time_in_stage");

  private static final int TOP_STAGES = 10;

  private ResultsReport() {}

  /** The whole report for the sizes measured so far. */
  static String render(Options o, Machine m, List<SizeResult> sizes, double benchSeconds) {
    StringBuilder s = new StringBuilder();
    s.append("# Benchmark: Spark nightly job vs DuckDB SQL\n\n");
    if (!o.label().isBlank()) {
      s.append("> **").append(o.label()).append("**\n\n");
    }
    s.append("- Date: ").append(m.date()).append('\n');
    s.append(
        f(
            "- Machine: %d cores (%s), %.1f GB memory; load average (1, 5, 15 min) at start: %s,"
                + " when this was written: %s\n",
            m.cores(),
            m.cpu(),
            m.memTotalKb() / 1024.0 / 1024.0,
            loadAverage(m.loadAverage()),
            loadAverage(Benchmark.Machine.currentLoad())));
    s.append(
        f(
            "- Java: %s; default max heap %,d MB%s\n",
            m.javaVersion(),
            m.defaultMaxHeapBytes() >> 20,
            o.sparkXmx().isBlank()
                ? " (the Spark child runs with it)"
                : "; the Spark child runs with -Xmx" + o.sparkXmx()));
    s.append(
        f(
            "- Spark %s (product jar `%s`, `local[*]`); DuckDB %s (test scope; the product jar"
                + " holds %s DuckDB classes)\n",
            m.sparkVersion(),
            o.jar().getFileName(),
            m.duckdbVersion(),
            m.jarHasDuckDb() ? "**some**" : "no"));
    s.append("- Commit: ").append(m.gitCommit()).append('\n');
    s.append(
        f(
            "- Command: `bench/run.sh --sizes %s --runs %d%s%s`; whole benchmark %.0f s\n",
            o.sizes().stream()
                .map(Benchmark::label)
                .map(l -> l.replace("M", ""))
                .collect(Collectors.joining(",")),
            o.runs(),
            o.sparkXmx().isBlank() ? "" : " --spark-xmx " + o.sparkXmx(),
            o.smallHeapXmx().isBlank() ? "" : " --small-heap-xmx " + o.smallHeapXmx(),
            benchSeconds));
    s.append(
        f(
            "- Method: every run is a fresh JVM; wall time is the whole process (JVM start to"
                + " exit), median of %d run(s) after %d warm-up(s), Spark and DuckDB runs"
                + " interleaved; peak RSS is the child's max resident set (GNU time), the highest"
                + " of the timed runs. Events are generated once per size with `funnel.jar"
                + " generate` (seed %d, %s, %d months); as of %s.\n",
            o.runs(), o.warmups(), o.seed(), Benchmark.START, Benchmark.MONTHS, Benchmark.AS_OF));
    s.append(
        "- Spark side: `java <Spark module flags> -cp funnel.jar:<ShuffleCounter> FunnelMain run"
            + " --core-only`, the nightly job restricted to the core tables (`stage_visits`,"
            + " `stage_conversion`, `time_in_stage`, plus `rejected_events` and the manifest);"
            + " the full run (every table: SLA, targets, revenue and the anomaly tables too) is"
            + " timed as often, after the core runs, and reported in its own table. DuckDB side:"
            + " `DuckDbMain`,"
            + " `bench/sql/core_tables.sql` (three core tables, both grains, all dimensions,"
            + " Kaplan–Meier) from the same Parquet input to Parquet files.\n\n");

    List<SizeResult> measured =
        sizes.stream().filter(r -> r.failure() == null && r.measured()).toList();
    summary(s, sizes);
    fullRuns(s, sizes);
    disagreements(s, sizes);
    growth(s, measured);
    memory(s, o, sizes);
    if (!measured.isEmpty()) {
      phases(s, measured);
      shuffles(s, measured);
      stages(s, measured);
      runs(s, measured);
    }
    return s.toString();
  }

  private static void summary(StringBuilder s, List<SizeResult> sizes) {
    s.append("## Summary\n\n");
    s.append(
        "| events | Spark `run` wall (s) | DuckDB wall (s) | Spark / DuckDB | events/s Spark |"
            + " events/s DuckDB | peak RSS Spark (MB) | peak RSS DuckDB (MB) |"
            + " event-level shuffles (Spark) | agreement |\n");
    s.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (SizeResult r : sizes) {
      if (r.failure() != null || !r.measured()) {
        s.append(
            f(
                "| %,d (%s) | – | – | – | – | – | – | – | – | **FAILED**: %s |\n",
                r.events(), r.label(), r.failure()));
        continue;
      }
      double spark = medianWall(r.spark());
      double duck = medianWall(r.duckdb());
      s.append(
          f(
              "| %,d (%s) | %.1f | %.1f | %.2f | %,.0f | %,.0f | %,.0f | %,.0f | %s | %s |\n",
              r.events(),
              r.label(),
              spark,
              duck,
              spark / duck,
              r.events() / spark,
              r.events() / duck,
              maxRss(r.spark()),
              maxRss(r.duckdb()),
              shuffleCount(r.spark()),
              agreement(r.agreement())));
    }
    s.append(
        "\nAgreement: the last Spark output vs the last DuckDB output, every row of the three"
            + " tables joined on their keys; counts exactly, hours and percentiles to 1e-6"
            + " relative. An event-level shuffle is a Spark stage that wrote at least half as"
            + " many shuffle records as there are input events (SparkListener"
            + " `ShuffleCounter`).\n\n");
  }

  /** The full nightly run's median wall time against DuckDB's core tables, per size. */
  private static void fullRuns(StringBuilder s, List<SizeResult> sizes) {
    s.append("## Full run\n\n");
    s.append(
        "| events | full `run` wall (s), median | runs | core `run` wall (s) | DuckDB core wall (s) |"
            + " full / DuckDB core | full − core (s) |\n");
    s.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SizeResult r : sizes) {
      if (r.fullFailure() != null) {
        s.append(
            f("| %,d (%s) | **FAILED**: %s | | | | | |\n", r.events(), r.label(), r.fullFailure()));
        continue;
      }
      if (r.fullRuns().isEmpty() || !r.measured()) {
        continue;
      }
      double full = medianWall(r.fullRuns());
      double core = medianWall(r.spark());
      double duck = medianWall(r.duckdb());
      s.append(
          f(
              "| %,d (%s) | %.1f | %d | %.1f | %.1f | %.2f | %.1f |\n",
              r.events(),
              r.label(),
              full,
              r.fullRuns().size(),
              core,
              duck,
              full / duck,
              full - core));
    }
    s.append('\n');
  }

  private static void growth(StringBuilder s, List<SizeResult> sizes) {
    if (sizes.size() < 2) {
      return;
    }
    s.append("## Growth\n\n");
    s.append(
        "| from → to | events × | Spark wall × | DuckDB wall × | Spark peak RSS × |"
            + " DuckDB peak RSS × |\n");
    s.append("|---|---:|---:|---:|---:|---:|\n");
    for (int i = 1; i < sizes.size(); i++) {
      SizeResult a = sizes.get(i - 1);
      SizeResult b = sizes.get(i);
      s.append(
          f(
              "| %s → %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
              a.label(),
              b.label(),
              (double) b.events() / a.events(),
              medianWall(b.spark()) / medianWall(a.spark()),
              medianWall(b.duckdb()) / medianWall(a.duckdb()),
              maxRss(b.spark()) / maxRss(a.spark()),
              maxRss(b.duckdb()) / maxRss(a.duckdb())));
    }
    s.append('\n');
  }

  private static void disagreements(StringBuilder s, List<SizeResult> sizes) {
    List<String> lines = new ArrayList<>();
    for (SizeResult r : sizes) {
      for (TableComparison.Result t : r.agreement()) {
        if (!t.agrees()) {
          lines.add(r.label() + " " + t);
        }
      }
      for (TableComparison.Result t : r.smallHeapAgreement()) {
        if (!t.agrees()) {
          lines.add(r.label() + " (small-heap run) " + t);
        }
      }
    }
    if (lines.isEmpty()) {
      return;
    }
    s.append("## Disagreements\n\n```\n");
    lines.forEach(l -> s.append(l).append('\n'));
    s.append("```\n\n");
  }

  private static void memory(StringBuilder s, Options o, List<SizeResult> sizes) {
    s.append("## Spark memory\n\n");
    s.append(
        "Heap figures are sampled in the child every 100 ms by `ShuffleCounter` (after GC: the"
            + " heap pools' usage right after the latest collection). In `local[*]` the driver"
            + " and the executors share this one JVM, so the heap also holds task memory and"
            + " cached blocks. OutOfMemoryErrors counts the `java.lang.OutOfMemoryError` lines"
            + " of the child's stderr over all timed runs (Spark survives some, retrying the"
            + " allocation).\n\n");
    s.append(
        "| events | run | max heap (MB) | peak heap used (MB) | peak heap after GC (MB) |"
            + " peak RSS (MB) | spilled to disk (MB) | OutOfMemoryErrors in the log | wall (s) |"
            + " agreement |\n");
    s.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (SizeResult r : sizes) {
      if (r.failure() == null && r.measured()) {
        RunRecord median = Benchmark.medianRun(r.spark());
        int oom = r.spark().stream().mapToInt(RunRecord::outOfMemoryErrors).sum();
        memoryRow(s, r, "median timed run", median, oom, agreement(r.agreement()));
      }
      if (r.smallHeapFailure() != null) {
        s.append(
            f(
                "| %,d | small heap -Xmx%s | – | – | – | – | – | – | – | **FAILED**: %s |\n",
                r.events(), o.smallHeapXmx(), r.smallHeapFailure()));
      } else if (r.smallHeap() != null) {
        memoryRow(
            s,
            r,
            "small heap -Xmx" + o.smallHeapXmx(),
            r.smallHeap(),
            r.smallHeap().outOfMemoryErrors(),
            agreement(r.smallHeapAgreement()));
      }
      if (r.fullFailure() != null) {
        s.append(
            f(
                "| %,d | full run (all tables) | – | – | – | – | – | – | – | **FAILED**: %s |\n",
                r.events(), r.fullFailure()));
      } else if (r.full() != null) {
        memoryRow(
            s,
            r,
            "full run (all tables, anomalies included), median",
            r.full(),
            r.full().outOfMemoryErrors(),
            "not compared (the oracle covers the core tables)");
      }
    }
    s.append('\n');
  }

  private static void memoryRow(
      StringBuilder s, SizeResult r, String run, RunRecord rec, int oom, String agreement) {
    JsonNode st = rec.sparkStages();
    long spilled = 0;
    if (st != null) {
      for (JsonNode stage : st.path("stages")) {
        spilled += stage.path("disk_spilled_bytes").asLong();
      }
    }
    s.append(
        f(
            "| %,d | %s | %s | %s | %s | %,.0f | %,.0f | %d | %.1f | %s |\n",
            r.events(),
            run,
            mb(st, "max_heap_bytes"),
            mb(st, "peak_heap_used_bytes"),
            mb(st, "peak_heap_after_gc_bytes"),
            rec.outcome().peakRssMb(),
            spilled / 1048576.0,
            oom,
            rec.wall(),
            agreement));
  }

  private static void phases(StringBuilder s, List<SizeResult> sizes) {
    s.append("## Time per phase (median run, seconds)\n\n");
    s.append(
        "Spark phases are the run manifest's phases (`_runs/<as-of>.json`); the core-table phases are "
            + String.join(", ", CORE_PHASES)
            + " (the full run adds rejected_events and publish); \"JVM, session, lock, summary\""
            + " is the rest of the process wall time. DuckDB phases are its statements.\n\n");
    phaseTable(s, sizes, "Spark phase", SizeResult::spark, true);
    List<SizeResult> withFull = sizes.stream().filter(r -> !r.fullRuns().isEmpty()).toList();
    if (!withFull.isEmpty()) {
      s.append("Full runs (every table), median run:\n\n");
      phaseTable(s, withFull, "Spark phase (full run)", SizeResult::fullRuns, true);
    }
    phaseTable(s, sizes, "DuckDB statement", SizeResult::duckdb, false);
  }

  private static void phaseTable(
      StringBuilder s,
      List<SizeResult> sizes,
      String title,
      Function<SizeResult, List<RunRecord>> side,
      boolean spark) {
    Set<String> names = new LinkedHashSet<>();
    for (SizeResult r : sizes) {
      names.addAll(Benchmark.medianRun(side.apply(r)).phaseSeconds().keySet());
    }
    s.append("| ").append(title);
    sizes.forEach(r -> s.append(" | ").append(r.label()));
    s.append(" |\n|---");
    sizes.forEach(r -> s.append("|---:"));
    s.append("|\n");
    for (String name : names) {
      s.append("| ").append(name);
      for (SizeResult r : sizes) {
        Double v = Benchmark.medianRun(side.apply(r)).phaseSeconds().get(name);
        s.append(" | ").append(v == null ? "–" : f("%.1f", v));
      }
      s.append(" |\n");
    }
    if (spark) {
      s.append("| *sum of the core-table phases*");
      for (SizeResult r : sizes) {
        RunRecord median = Benchmark.medianRun(side.apply(r));
        double core =
            CORE_PHASES.stream().mapToDouble(p -> median.phaseSeconds().getOrDefault(p, 0.0)).sum();
        s.append(f(" | *%.1f*", core));
      }
      s.append(" |\n");
    }
    s.append("| ").append(spark ? "JVM, session, lock, summary" : "JVM start, connect, exit");
    for (SizeResult r : sizes) {
      RunRecord median = Benchmark.medianRun(side.apply(r));
      double phases =
          median.phaseSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
      s.append(f(" | %.1f", median.wall() - phases));
    }
    s.append(" |\n| **wall**");
    for (SizeResult r : sizes) {
      s.append(f(" | **%.1f**", Benchmark.medianRun(side.apply(r)).wall()));
    }
    s.append(" |\n\n");
  }

  private static void shuffles(StringBuilder s, List<SizeResult> sizes) {
    s.append("## Spark shuffles (median run)\n\n");
    s.append(
        "| events | shuffle stages | records written | event-level shuffles: stage (records"
            + " written) |\n");
    s.append("|---:|---:|---:|---|\n");
    for (SizeResult r : sizes) {
      JsonNode st = Benchmark.medianRun(r.spark()).sparkStages();
      if (st == null) {
        s.append(f("| %,d | ? | ? | (no listener output) |\n", r.events()));
        continue;
      }
      List<String> eventLevel = new ArrayList<>();
      long threshold = st.path("threshold_records").asLong();
      for (JsonNode stage : st.path("stages")) {
        long written = stage.path("shuffle_write_records").asLong();
        if (written > 0 && written >= threshold) {
          eventLevel.add(
              f("stage %d %s (%,d)", stage.path("id").asInt(), stageLabel(stage), written));
        }
      }
      s.append(
          f(
              "| %,d | %d | %,d | %s |\n",
              r.events(),
              st.path("shuffle_stages").asInt(),
              st.path("shuffle_records").asLong(),
              String.join("; ", eventLevel)));
    }
    s.append('\n');
  }

  private static void stages(StringBuilder s, List<SizeResult> sizes) {
    SizeResult largest = sizes.get(sizes.size() - 1);
    JsonNode st = Benchmark.medianRun(largest.spark()).sparkStages();
    if (st == null) {
      return;
    }
    s.append(
        f(
            "## Slowest Spark stages at %s (median run; %d stages in all)\n\n",
            largest.label(), st.path("stages_completed").asInt()));
    s.append(
        "| stage | name | tasks | seconds | task seconds | input records | shuffle read |"
            + " shuffle write | spilled (MB) |\n");
    s.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    List<JsonNode> all = new ArrayList<>();
    st.path("stages").forEach(all::add);
    all.sort(Comparator.comparingDouble((JsonNode n) -> n.path("seconds").asDouble()).reversed());
    for (JsonNode n : all.subList(0, Math.min(TOP_STAGES, all.size()))) {
      s.append(
          f(
              "| %d | %s | %d | %.1f | %.1f | %,d | %,d | %,d | %,.0f |\n",
              n.path("id").asInt(),
              stageLabel(n),
              n.path("tasks").asInt(),
              n.path("seconds").asDouble(),
              n.path("task_seconds").asDouble(),
              n.path("input_records").asLong(),
              n.path("shuffle_read_records").asLong(),
              n.path("shuffle_write_records").asLong(),
              n.path("disk_spilled_bytes").asLong() / 1048576.0));
    }
    s.append('\n');
  }

  private static void runs(StringBuilder s, List<SizeResult> sizes) {
    s.append("## All timed runs\n\n");
    s.append("| events | side | wall (s) | CPU user+sys (s) | peak RSS (MB) | data |\n");
    s.append("|---:|---|---|---|---|---|\n");
    for (SizeResult r : sizes) {
      s.append(
          f(
              "| %,d | Spark | %s | %s | %s | %s |\n",
              r.events(),
              list(r.spark(), RunRecord::wall),
              list(r.spark(), x -> x.outcome().cpuSeconds()),
              list(r.spark(), x -> x.outcome().peakRssMb()),
              r.generated()));
      s.append(
          f(
              "| %,d | DuckDB | %s | %s | %s | |\n",
              r.events(),
              list(r.duckdb(), RunRecord::wall),
              list(r.duckdb(), x -> x.outcome().cpuSeconds()),
              list(r.duckdb(), x -> x.outcome().peakRssMb())));
    }
    s.append('\n');
  }

  /** The stage's action (its SQL execution's call site, else its name) and its operators. */
  static String stageLabel(JsonNode stage) {
    String query = stage.path("query").asText("");
    String name = stage.path("name").asText("");
    String what = !query.isEmpty() ? query : name;
    String ops = stage.path("operators").asText("");
    return "`" + what + "`" + (ops.isEmpty() ? "" : ": " + ops);
  }

  private static String loadAverage(String proc) {
    String[] f = proc.trim().split("\\s+");
    return f.length < 3 ? proc : f[0] + " " + f[1] + " " + f[2];
  }

  private static String list(List<RunRecord> runs, Function<RunRecord, Double> value) {
    return runs.stream().map(r -> f("%.1f", value.apply(r))).collect(Collectors.joining(", "));
  }

  private static String shuffleCount(List<RunRecord> runs) {
    Set<Integer> counts = new LinkedHashSet<>();
    runs.forEach(r -> counts.add(r.eventLevelShuffles()));
    if (counts.contains(-1)) {
      return "?";
    }
    return counts.stream().sorted().map(String::valueOf).collect(Collectors.joining(" or "));
  }

  static String agreement(List<TableComparison.Result> results) {
    if (results.isEmpty()) {
      return "not checked";
    }
    boolean ok = results.stream().allMatch(TableComparison.Result::agrees);
    String detail =
        results.stream()
            .map(
                r ->
                    r.agrees()
                        ? f("%s %,d rows", r.table(), r.sparkRows())
                        : f(
                            "%s spark %,d / duckdb %,d rows, %,d mismatching",
                            r.table(), r.sparkRows(), r.duckdbRows(), r.mismatches()))
            .collect(Collectors.joining("; "));
    return (ok ? "pass: " : "**FAIL**: ") + detail;
  }

  private static double medianWall(List<RunRecord> runs) {
    return Benchmark.median(runs.stream().map(RunRecord::wall).toList());
  }

  private static double maxRss(List<RunRecord> runs) {
    return runs.stream().mapToDouble(r -> r.outcome().peakRssMb()).max().orElse(0);
  }

  private static String mb(JsonNode st, String field) {
    return st == null ? "?" : f("%,d", st.path(field).asLong() >> 20);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
