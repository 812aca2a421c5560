package dev.funnel.job;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.InputFile;
import dev.funnel.io.RunManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Runs the nightly job for a range of as-of days, oldest first (so that each day's history sees the
 * days before it), printing one progress line per day and stopping at the first failure. Which days
 * run is decided up front by a {@link Plan}: every day ({@code --force}), the days whose outputs
 * are not complete, or the days whose inputs changed since their last run ({@code
 * --changed-since}).
 */
public final class Backfill {
  /** Runs the job for one as-of day. */
  @FunctionalInterface
  public interface DayRunner {
    /** Runs (or re-runs) the day and returns its result; throws on failure. */
    RunResult run(LocalDate asOf);
  }

  /**
   * What to do with one day.
   *
   * @param asOf the as-of day
   * @param run whether to run it
   * @param why the reason, shown on the day's progress line
   */
  public record Step(LocalDate asOf, boolean run, String why) {}

  /** The days of a backfill, oldest first. */
  public record Plan(List<Step> steps) {
    /** Copies the list. */
    public Plan {
      steps = List.copyOf(steps);
    }

    /** The days that will run. */
    public List<LocalDate> daysToRun() {
      return steps.stream().filter(Step::run).map(Step::asOf).toList();
    }
  }

  /** What a finished backfill did. */
  public record Outcome(List<LocalDate> ran, List<LocalDate> skipped) {}

  /** A day failed; earlier days are published, this one and later ones are not touched. */
  public static final class StoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final LocalDate failedDay;

    StoppedException(LocalDate failedDay, LocalDate to, int published, RuntimeException cause) {
      super(
          String.format(
              "backfill stopped at %s (%d earlier day%s of this backfill published): %s; fix the"
                  + " cause and resume with --from %s --to %s",
              failedDay,
              published,
              published == 1 ? "" : "s",
              firstLine(cause.getMessage(), cause),
              failedDay,
              to),
          cause);
      this.failedDay = failedDay;
    }

    /** The day to resume from. */
    public LocalDate failedDay() {
      return failedDay;
    }
  }

  private final Configuration hadoop;
  private final FunnelConfig config;
  private final String input;
  private final String output;
  private final boolean coreOnly;

  /** A backfill of one funnel from {@code input} into {@code output}. */
  public Backfill(
      Configuration hadoop, FunnelConfig config, String input, String output, boolean coreOnly) {
    this.hadoop = hadoop;
    this.config = config;
    this.input = input;
    this.output = output;
    this.coreOnly = coreOnly;
  }

  /**
   * Plans {@code from..to}: with {@code force} every day runs, otherwise the days whose outputs are
   * {@linkplain #isComplete complete} are skipped.
   */
  public Plan range(LocalDate from, LocalDate to, boolean force) {
    List<Step> steps = new ArrayList<>();
    for (LocalDate day : days(from, to)) {
      if (force) {
        steps.add(new Step(day, true, "forced"));
      } else if (isComplete(day)) {
        steps.add(new Step(day, false, "complete, skipped (--force re-runs it)"));
      } else {
        steps.add(new Step(day, true, "not complete"));
      }
    }
    return new Plan(steps);
  }

  /**
   * Plans the late-data re-run of {@code from..to}: a day runs exactly when it has a manifest and
   * {@linkplain #inputChanges the input changed} since that run. Days never run are left alone (a
   * plain backfill runs them).
   *
   * @param current the input's data files now (from {@code InputValidator})
   */
  public Plan changedSince(LocalDate from, LocalDate to, List<InputFile> current) {
    FunnelCalendar calendar = new FunnelCalendar(config.zone());
    List<Step> steps = new ArrayList<>();
    for (LocalDate day : days(from, to)) {
      Map<String, Object> manifest = readManifest(day);
      if (manifest == null) {
        steps.add(
            new Step(
                day, false, "never run, skipped (a backfill without --changed-since runs it)"));
        continue;
      }
      String changes = inputChanges(manifest, input, current, calendar.asOfInstant(day));
      steps.add(
          changes == null
              ? new Step(day, false, "input unchanged, skipped")
              : new Step(day, true, "input changed: " + changes));
    }
    return new Plan(steps);
  }

  /**
   * Executes a plan: one progress line per day on {@code progress}; the first failure stops the
   * backfill with a {@link StoppedException} naming the day to resume from (its cause keeps the
   * exit code of the failure).
   */
  public static Outcome execute(Plan plan, DayRunner runner, PrintStream progress) {
    List<LocalDate> ran = new ArrayList<>();
    List<LocalDate> skipped = new ArrayList<>();
    int total = plan.steps().size();
    LocalDate last = total == 0 ? null : plan.steps().get(total - 1).asOf();
    for (int i = 0; i < total; i++) {
      Step step = plan.steps().get(i);
      String prefix = String.format("backfill %s (%d/%d):", step.asOf(), i + 1, total);
      if (!step.run()) {
        progress.println(prefix + " " + step.why());
        skipped.add(step.asOf());
        continue;
      }
      RunResult result;
      try {
        result = runner.run(step.asOf());
      } catch (RuntimeException e) {
        progress.println(prefix + " FAILED: " + firstLine(e.getMessage(), e));
        throw new StoppedException(step.asOf(), last, ran.size(), e);
      }
      ran.add(step.asOf());
      progress.println(
          String.format(
              "%s published (%s): %,d rows read, %,d leads, %.1f s",
              prefix, step.why(), result.rowsRead(), result.leads(), result.seconds()));
    }
    return new Outcome(List.copyOf(ran), List.copyOf(skipped));
  }

  /**
   * A day's output is complete when its manifest exists (written only after every table of the run
   * was published) and it covers at least the tables this backfill would write (a {@code
   * --core-only} run does not complete a full backfill).
   */
  public boolean isComplete(LocalDate day) {
    Map<String, Object> manifest = readManifest(day);
    if (manifest == null) {
      return false;
    }
    if (!coreOnly && Boolean.TRUE.equals(manifest.get("core_only"))) {
      return false;
    }
    // The manifest is written only after every table of its run was published; partitions are
    // not checked one by one, since retention removes old stage_visits partitions on purpose.
    return manifest.get("tables") instanceof Map<?, ?> tableRows && !tableRows.isEmpty();
  }

  /**
   * How the input differs from what a run read, or null when it does not: the input path changed,
   * the manifest predates file listing, a file it read was changed (size or modification time) or
   * removed, or a file was added that may hold events before the day's as-of instant (a file whose
   * footer proves every row later cannot change that day's tables).
   */
  static String inputChanges(
      Map<String, Object> manifest, String input, List<InputFile> current, Instant asOf) {
    if (!input.equals(manifest.get("input"))) {
      return "the run read " + manifest.get("input") + ", not " + input;
    }
    Object listed = manifest.get("input_files");
    if (!(listed instanceof List<?> entries)) {
      return "its manifest does not list the files it read";
    }
    Map<String, InputFile> read = new HashMap<>();
    for (Object entry : entries) {
      InputFile file = InputFile.fromManifest((Map<?, ?>) entry);
      read.put(file.path(), file);
    }
    int added = 0;
    int changed = 0;
    for (InputFile file : current) {
      InputFile before = read.remove(file.path());
      if (before == null) {
        added += file.mayAffect(asOf) ? 1 : 0;
      } else if (!before.sameAs(file)) {
        changed++;
      }
    }
    int removed = read.size();
    if (added + changed + removed == 0) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    if (added > 0) {
      parts.add(added + " file" + (added == 1 ? "" : "s") + " added");
    }
    if (changed > 0) {
      parts.add(changed + " file" + (changed == 1 ? "" : "s") + " changed");
    }
    if (removed > 0) {
      parts.add(removed + " file" + (removed == 1 ? "" : "s") + " removed");
    }
    return String.join(", ", parts);
  }

  private Map<String, Object> readManifest(LocalDate day) {
    try {
      Path path = RunManifest.path(output, day);
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path) || !fs.getFileStatus(path).isFile()) {
        return null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest of " + day + " in " + output, e);
    }
    return RunManifest.read(hadoop, output, day);
  }

  private static List<LocalDate> days(LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("--from " + from + " is after --to " + to);
    }
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.add(day);
    }
    return days;
  }

  private static String firstLine(String message, Throwable failure) {
    if (message == null || message.isBlank()) {
      return failure.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
