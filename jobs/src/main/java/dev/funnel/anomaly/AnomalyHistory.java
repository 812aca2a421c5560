package dev.funnel.anomaly;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What earlier runs judged: the as-of days of the runs that wrote {@code anomaly_checks} before
 * this one, and the flags they reported, so that flagged weeks stay out of baselines and a flag's
 * {@code first_flagged} day is known.
 */
public final class AnomalyHistory {
  /** A flag of an earlier run: kind, cell, its period start and the run's as-of day. */
  public record PriorFlag(AnomalyKind kind, CellKey cell, LocalDate periodStart, LocalDate asOf) {}

  private final TreeSet<LocalDate> runs;
  private final List<PriorFlag> flags;

  /** The history of the given runs (as-of days) and their flags. */
  public AnomalyHistory(Set<LocalDate> runs, List<PriorFlag> flags) {
    this.runs = new TreeSet<>(runs);
    this.flags = List.copyOf(flags);
  }

  /** No earlier run. */
  public static AnomalyHistory none() {
    return new AnomalyHistory(Set.of(), List.of());
  }

  /** True when no earlier run is known: baselines are then re-judged in this run. */
  public boolean isEmpty() {
    return runs.isEmpty();
  }

  /**
   * Weeks (Mondays) that earlier runs flagged for a kind and cell: every week from a flag's period
   * start through the week of that run's as-of day.
   */
  public Set<LocalDate> flaggedWeeks(AnomalyKind kind, CellKey cell) {
    Set<LocalDate> weeks = new HashSet<>();
    for (PriorFlag f : flags) {
      if (f.kind() == kind && f.cell().equals(cell)) {
        LocalDate last = Weeks.monday(f.asOf());
        for (LocalDate w = Weeks.monday(f.periodStart()); !w.isAfter(last); w = w.plusWeeks(1)) {
          weeks.add(w);
        }
      }
    }
    return weeks;
  }

  /**
   * The earliest as-of day of the unbroken run of runs, ending with {@code today}, that flagged
   * this kind and cell: walking back over earlier runs, stops at the first run that did not.
   */
  public LocalDate firstFlagged(AnomalyKind kind, CellKey cell, LocalDate today) {
    Set<LocalDate> flaggedOn = new HashSet<>();
    for (PriorFlag f : flags) {
      if (f.kind() == kind && f.cell().equals(cell)) {
        flaggedOn.add(f.asOf());
      }
    }
    LocalDate first = today;
    for (LocalDate run : runs.headSet(today, false).descendingSet()) {
      if (!flaggedOn.contains(run)) {
        break;
      }
      first = run;
    }
    return first;
  }

  /** Days between two dates, for messages. */
  static long days(LocalDate from, LocalDate to) {
    return ChronoUnit.DAYS.between(from, to);
  }
}
