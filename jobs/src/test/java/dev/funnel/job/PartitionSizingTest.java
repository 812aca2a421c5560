package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Shuffle partitions: about a million rows each, whole waves, at most 4,000. */
class PartitionSizingTest {
  @Test
  void oneWaveUpToAMillionRowsPerCore() {
    assertEquals(4, PartitionSizing.partitions(0, 4));
    assertEquals(4, PartitionSizing.partitions(4_000_000, 4));
  }

  @Test
  void oneRowMoreStartsAnotherWholeWave() {
    assertEquals(8, PartitionSizing.partitions(4_000_001, 4));
    assertEquals(12, PartitionSizing.partitions(8_000_001, 4));
  }

  @Test
  void neverMoreThanFourThousand() {
    assertEquals(4_000, PartitionSizing.partitions(10_000_000_000L, 16));
    assertEquals(3_996, PartitionSizing.partitions(3_996_000_000L, 4));
  }
}
