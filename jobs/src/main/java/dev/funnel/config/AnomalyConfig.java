package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses the {@code anomalies} section; every key is optional. */
final class AnomalyConfig {
  private static final Set<String> KEYS =
      Set.of(
          "baseline_periods",
          "min_leads",
          "false_discovery_rate",
          "lax_gate_pass_rate",
          "conversion_floors",
          "sla_min_compliance");

  /** At most two years of weekly baseline: more is never comparable. */
  static final int MAX_BASELINE_PERIODS = 104;

  /** A cell needs at most this many leads to be judged. */
  static final int MAX_MIN_LEADS = 1_000_000;

  private AnomalyConfig() {}

  static AnomalySettings parse(JsonNode node, FunnelStages stages, List<SlaDefinition> slas) {
    if (node == null || node.isNull()) {
      return AnomalySettings.DEFAULTS;
    }
    ConfigException.check(
        node.isObject(),
        "key 'anomalies' must be a mapping of keys, found %s",
        ConfigLoader.describe(node));
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      ConfigException.check(
          KEYS.contains(key),
          "unknown key 'anomalies.%s' (known keys: %s)",
          key,
          String.join(", ", new java.util.TreeSet<>(KEYS)));
    }
    AnomalySettings d = AnomalySettings.DEFAULTS;
    int baseline =
        wholeNumber(node, "baseline_periods", d.baselinePeriods(), 2, MAX_BASELINE_PERIODS);
    int minLeads = wholeNumber(node, "min_leads", d.minLeads(), 1, MAX_MIN_LEADS);
    double fdr =
        fraction(
            node.get("false_discovery_rate"),
            "anomalies.false_discovery_rate",
            d.falseDiscoveryRate(),
            false);
    double lax =
        fraction(
            node.get("lax_gate_pass_rate"),
            "anomalies.lax_gate_pass_rate",
            d.laxGatePassRate(),
            false);
    Map<String, Double> floors = new LinkedHashMap<>();
    JsonNode floorNode = node.get("conversion_floors");
    for (Map.Entry<String, JsonNode> e : entries(floorNode, "anomalies.conversion_floors")) {
      String key = "anomalies.conversion_floors." + e.getKey();
      ConfigException.check(
          stages.code(e.getKey()) >= 0 && stages.code(e.getKey()) < stages.nonTerminalCount(),
          "key '%s': '%s' is not a non-terminal stage of the main path (one of %s)",
          key,
          e.getKey(),
          stages.mainPath().subList(0, stages.nonTerminalCount()));
      floors.put(e.getKey(), fraction(e.getValue(), key, null, true));
    }
    Map<String, Double> slaMin = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e :
        entries(node.get("sla_min_compliance"), "anomalies.sla_min_compliance")) {
      String key = "anomalies.sla_min_compliance." + e.getKey();
      ConfigException.check(
          slas.stream().anyMatch(s -> s.name().equals(e.getKey())),
          "key '%s': no SLA is named '%s' (defined: %s)",
          key,
          e.getKey(),
          slas.stream().map(SlaDefinition::name).toList());
      slaMin.put(e.getKey(), fraction(e.getValue(), key, null, true));
    }
    return new AnomalySettings(baseline, minLeads, fdr, lax, floors, slaMin);
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode node, String key) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    ConfigException.check(
        node.isObject(),
        "key '%s' must be a mapping of names to rates, found %s",
        key,
        ConfigLoader.describe(node));
    List<Map.Entry<String, JsonNode>> list = new java.util.ArrayList<>();
    node.fields().forEachRemaining(list::add);
    return list;
  }

  private static int wholeNumber(JsonNode parent, String name, int defaultValue, int min, int max) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    ConfigException.check(
        node.isIntegralNumber() && node.canConvertToInt(),
        "key 'anomalies.%s' must be a whole number, found %s",
        name,
        ConfigLoader.describe(node));
    int value = node.intValue();
    ConfigException.check(
        value >= min && value <= max,
        "key 'anomalies.%s' must be between %d and %d, found %d",
        name,
        min,
        max,
        value);
    return value;
  }

  /** A rate strictly between 0 and 1 (or, for limits, from 0 to 1 inclusive). */
  private static double fraction(JsonNode node, String key, Double defaultValue, boolean closed) {
    if (node == null || node.isNull()) {
      ConfigException.check(defaultValue != null, "key '%s' needs a rate", key);
      return defaultValue;
    }
    ConfigException.check(
        node.isNumber(), "key '%s' must be a number, found %s", key, ConfigLoader.describe(node));
    double value = node.doubleValue();
    boolean ok = closed ? value >= 0 && value <= 1 : value > 0 && value < 1;
    ConfigException.check(
        ok,
        "key '%s' must be %s, found %s",
        key,
        closed ? "from 0 to 1" : "between 0 and 1 (exclusive)",
        node.asText());
    return value;
  }
}
