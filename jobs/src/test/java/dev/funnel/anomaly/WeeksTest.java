package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** ISO weeks and the groups in which a cell's spread is measured. */
class WeeksTest {
  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void mondayOfTheIsoWeek() {
    assertEquals(LocalDate.of(2025, 12, 29), Weeks.monday(LocalDate.of(2026, 1, 1)));
    assertEquals(LocalDate.of(2025, 12, 29), Weeks.monday(LocalDate.of(2025, 12, 29)));
  }

  @Test
  void spreadGroupsAreAsLongAsTheBaselineAndDropAShortLastGroup() {
    // 20 candidate weeks, baseline 8: 8 + 8 + 4 (the last has at least three weeks).
    assertEquals(
        List.of(upTo(8), upTo(16).subList(8, 16), upTo(20).subList(16, 20)),
        Weeks.spreadGroups(upTo(20), 8));
    // 18: the last two weeks would judge each other only, and are left out.
    assertEquals(List.of(upTo(8), upTo(16).subList(8, 16)), Weeks.spreadGroups(upTo(18), 8));
    assertEquals(
        List.of(upTo(11).subList(0, 8), upTo(11).subList(8, 11)), Weeks.spreadGroups(upTo(11), 8));
    // The first group is the baseline's weeks, kept whatever their number.
    assertEquals(List.of(upTo(2)), Weeks.spreadGroups(upTo(2), 8));
    assertEquals(List.of(), Weeks.spreadGroups(List.of(), 8));
    assertThrows(IllegalArgumentException.class, () -> Weeks.spreadGroups(upTo(3), 0));
  }
}
