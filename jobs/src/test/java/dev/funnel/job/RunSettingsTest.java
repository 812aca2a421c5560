package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings a run chooses by input size. */
class RunSettingsTest {
  /** One wave of event partitions: its count for the tables' shuffles, adaptive execution off. */
  @Test
  void smallInputsRunOneWaveWithoutAdaptiveExecution() {
    assertEquals(
        Map.of(RunSettings.SHUFFLE_PARTITIONS, "2", RunSettings.ADAPTIVE, "false"),
        RunSettings.forInput(PartitionSizing.partitions(1_006_727, 2), 2));
  }

  /**
   * 10.06 M events on two cores: 12 partitions in six waves, adaptive execution as Spark has it.
   */
  @Test
  void largerInputsKeepAdaptiveExecution() {
    assertEquals(
        Map.of(RunSettings.SHUFFLE_PARTITIONS, "12"),
        RunSettings.forInput(PartitionSizing.partitions(10_064_344, 2), 2));
  }
}
