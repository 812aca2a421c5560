package dev.funnel.config;

import java.io.Serializable;
import java.util.Map;

/**
 * The {@code anomalies} section: how the anomaly phase judges the funnel.
 *
 * @param baselinePeriods trailing comparable weeks that form a cell's baseline
 * @param minLeads a cell with fewer leads (or visits) than this is reported as insufficient data
 * @param falseDiscoveryRate Benjamini–Hochberg level across all tests of a run
 * @param laxGatePassRate a stage whose pass rate reaches this is a lax gate
 * @param conversionFloors stage name → the lowest acceptable final conversion rate
 * @param slaMinCompliance SLA name → the lowest acceptable compliance rate
 */
public record AnomalySettings(
    int baselinePeriods,
    int minLeads,
    double falseDiscoveryRate,
    double laxGatePassRate,
    Map<String, Double> conversionFloors,
    Map<String, Double> slaMinCompliance)
    implements Serializable {

  /** The defaults of every key. */
  public static final AnomalySettings DEFAULTS =
      new AnomalySettings(8, 30, 0.05, 0.97, Map.of(), Map.of());

  /** Copies the maps. */
  public AnomalySettings {
    conversionFloors = Map.copyOf(conversionFloors);
    slaMinCompliance = Map.copyOf(slaMinCompliance);
  }
}
