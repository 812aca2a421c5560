package dev.funnel.anomaly;

import dev.funnel.calendar.Grain;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** ISO weeks, named by their Monday. */
final class Weeks {
  private Weeks() {}

  /** The Monday of the ISO week that contains the day. */
  static LocalDate monday(LocalDate day) {
    return Grain.WEEK.periodStart(day);
  }

  /** Fewest weeks in a group of {@link #spreadGroups} (two weeks give one residual twice). */
  static final int MIN_GROUP = 3;

  /**
   * The groups in which a cell's week-to-week spread is measured on more weeks than its baseline:
   * the usable weeks (newest first) in consecutive groups of {@code size}, each week to be judged
   * against the others of its group (leave one out); a last group of fewer than {@link #MIN_GROUP}
   * weeks is left out. Why more weeks than one baseline: a variance from eight weeks is itself
   * uncertain (its few degrees of freedom widen every p-value's reference); why groups as long as
   * the baseline: each week's reference stays as local as the baseline's, so a slow drift of the
   * level is not taken for week-to-week variation.
   */
  static <T> List<List<T>> spreadGroups(List<T> newestFirst, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("group size " + size + " < 1");
    }
    List<List<T>> groups = new ArrayList<>();
    for (int from = 0; from < newestFirst.size(); from += size) {
      List<T> group = newestFirst.subList(from, Math.min(from + size, newestFirst.size()));
      if (from > 0 && group.size() < MIN_GROUP) {
        break;
      }
      groups.add(List.copyOf(group));
    }
    return groups;
  }
}
