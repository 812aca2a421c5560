package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The accounting check fails the run on any row that is not counted exactly once. */
class RowAccountingTest {
  private static Map<String, Long> classes(long rejected, long after, long candidates) {
    return Map.of("rejected", rejected, "after_as_of", after, "candidate", candidates);
  }

  @Test
  void balancedAccountsPass() {
    assertDoesNotThrow(() -> NightlyJob.checkAccounting(10, classes(2, 3, 5), 4, 1, 2));
  }

  @Test
  void aRowMissingFromTheClassesFails() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> NightlyJob.checkAccounting(11, classes(2, 3, 5), 4, 1, 2));
    assertTrue(e.getMessage().startsWith("row accounting failed: 11 rows in the files"));
  }

  @Test
  void candidatesThatAreNeitherAcceptedNorDuplicatesFail() {
    assertThrows(
        IllegalStateException.class,
        () -> NightlyJob.checkAccounting(10, classes(2, 3, 5), 3, 1, 2));
  }

  @Test
  void rejectedRowsThatWereNotWrittenFail() {
    assertThrows(
        IllegalStateException.class,
        () -> NightlyJob.checkAccounting(10, classes(2, 3, 5), 4, 1, 1));
  }
}
