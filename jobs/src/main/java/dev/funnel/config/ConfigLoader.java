package dev.funnel.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the funnel YAML. Every problem is a {@link ConfigException} whose message
 * names the key and the bad value; nothing here touches Spark.
 */
public final class ConfigLoader {
  static final Set<String> KNOWN_KEYS =
      Set.of(
          "name",
          "timezone",
          "stages",
          "lost_stages",
          "conversion_window_days",
          "dimensions",
          "max_lead_id_length",
          "max_entered_at",
          "sla",
          "business_hours",
          "targets",
          "anomalies",
          "retention",
          ImportSection.KEY,
          "smtp",
          OutputFormat.KEY);

  /**
   * A column or dimension name: Unicode letters (with their combining marks), digits and
   * underscores, not starting with a digit ({@code источник}, {@code región}).
   */
  private static final Pattern DIMENSION_NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{M}\\p{Nd}_]*");

  /**
   * Working columns that sit beside the dimension columns while events are cleaned and grouped (see
   * EventCleaning and LeadHistories), compared without case.
   */
  private static final Pattern INTERNAL_COLUMN =
      Pattern.compile("_.*|stage_code|entered_micros|dim_[0-9]+");

  /** Longest conversion window: ten years (also keeps every instant arithmetic in range). */
  static final int MAX_CONVERSION_WINDOW_DAYS = 3_650;

  /** Largest max_lead_id_length: 1 MiB characters. */
  static final int MAX_LEAD_ID_LENGTH_BOUND = 1 << 20;

  private static final YAMLMapper YAML = new YAMLMapper();

  private ConfigLoader() {}

  /** Loads and validates a configuration file. */
  public static FunnelConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw ConfigException.of("configuration file %s does not exist", file);
    } catch (IOException e) {
      throw ConfigException.of("cannot read configuration file %s: %s", file, e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses and validates configuration text; {@code source} names it in messages. */
  public static FunnelConfig parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null
              ? ""
              : String.format(" at line %d, column %d", at.getLineNr(), at.getColumnNr());
      throw ConfigException.of(
          "configuration %s is not valid YAML%s: %s",
          source, where, e.getOriginalMessage().replaceAll("\\s*\\R\\s*", "; "));
    }
    ConfigException.check(
        root instanceof ObjectNode,
        "configuration %s must be a YAML mapping of keys, found %s",
        source,
        root == null || root.isMissingNode() ? "an empty document" : root.getNodeType());
    return fromTree((ObjectNode) root);
  }

  private static FunnelConfig fromTree(ObjectNode root) {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      ConfigException.check(
          KNOWN_KEYS.contains(key), "unknown key '%s' (known keys: %s)", key, sortedKeys());
    }
    String name = requiredString(root, "name");
    ZoneId zone = zone(requiredString(root, "timezone"));
    List<String> stages = stringList(root, "stages", true);
    ConfigException.check(
        stages.size() >= 2,
        "key 'stages' needs at least two stages (a path ending in the won stage), found %s",
        stages);
    List<String> lost = stringList(root, "lost_stages", false);
    checkDistinct("stages", stages);
    checkDistinct("lost_stages", lost);
    for (String stage : lost) {
      ConfigException.check(
          !stages.contains(stage),
          "key 'lost_stages': stage '%s' is also in 'stages'; a stage is either on the main path"
              + " or lost",
          stage);
    }
    int window = positiveInt(root, "conversion_window_days", null);
    checkAtMost("conversion_window_days", window, MAX_CONVERSION_WINDOW_DAYS, "days (ten years)");
    List<String> dimensions = stringList(root, "dimensions", false);
    checkDistinct("dimensions", dimensions);
    for (String dimension : dimensions) {
      ConfigException.check(
          DIMENSION_NAME.matcher(dimension).matches(),
          "key 'dimensions': '%s' is not a plain column name (letters, digits and underscores,"
              + " not starting with a digit)",
          dimension);
      ConfigException.check(
          !INTERNAL_COLUMN.matcher(dimension.toLowerCase(java.util.Locale.ROOT)).matches(),
          "key 'dimensions': '%s' is a name the job uses for its own working columns (names"
              + " starting with '_', stage_code, entered_micros, dim_<n>); rename the dimension",
          dimension);
      String table = OutputColumns.tablesWith(dimension);
      ConfigException.check(
          table == null,
          "key 'dimensions': '%s' clashes with column '%s' of the output tables (%s; column names"
              + " are compared without case); rename the dimension",
          dimension,
          dimension.toLowerCase(java.util.Locale.ROOT),
          table);
    }
    int maxLeadIdLength = positiveInt(root, "max_lead_id_length", 256);
    checkAtMost("max_lead_id_length", maxLeadIdLength, MAX_LEAD_ID_LENGTH_BOUND, "characters");
    Instant latest = latestEnteredAt(root);
    FunnelStages funnelStages = new FunnelStages(stages, lost);
    List<SlaDefinition> slas = AgreementConfig.slas(root.get("sla"), funnelStages);
    BusinessHours businessHours = AgreementConfig.businessHours(root.get("business_hours"), slas);
    List<TargetDefinition> targets = AgreementConfig.targets(root.get("targets"), funnelStages);
    AnomalySettings anomalies = AnomalyConfig.parse(root.get("anomalies"), funnelStages, slas);
    // Checked with every load, so that run also refuses a broken import section.
    ImportSection.parse(root.get(ImportSection.KEY), funnelStages, dimensions, zone);
    return new FunnelConfig(
        name,
        zone,
        funnelStages,
        window,
        dimensions,
        maxLeadIdLength,
        latest,
        slas,
        businessHours,
        targets,
        anomalies,
        Retention.parse(root.get("retention")),
        SmtpConfig.parse(root.get("smtp")),
        OutputFormat.parse(root.get(OutputFormat.KEY)));
  }

  private static String sortedKeys() {
    return String.join(", ", new java.util.TreeSet<>(KNOWN_KEYS));
  }

  private static String requiredString(ObjectNode root, String key) {
    JsonNode node = root.get(key);
    ConfigException.check(node != null && !node.isNull(), "missing required key '%s'", key);
    ConfigException.check(
        node.isTextual() && !node.asText().isBlank(),
        "key '%s' must be a non-empty string, found %s",
        key,
        describe(node));
    return node.asText().trim();
  }

  private static ZoneId zone(String value) {
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw ConfigException.of(
          "key 'timezone': unknown time zone '%s' (use an IANA name such as Europe/Berlin)", value);
    }
  }

  private static List<String> stringList(ObjectNode root, String key, boolean required) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      ConfigException.check(!required, "missing required key '%s'", key);
      return List.of();
    }
    ConfigException.check(
        node.isArray(), "key '%s' must be a list of strings, found %s", key, describe(node));
    List<String> values = new ArrayList<>();
    for (JsonNode item : node) {
      ConfigException.check(
          item.isTextual() && !item.asText().isBlank(),
          "key '%s' must be a list of non-empty strings, found item %s",
          key,
          describe(item));
      values.add(item.asText().trim());
    }
    ConfigException.check(!required || !values.isEmpty(), "key '%s' must not be empty", key);
    return values;
  }

  private static void checkDistinct(String key, List<String> values) {
    Set<String> seen = new LinkedHashSet<>();
    for (String value : values) {
      ConfigException.check(seen.add(value), "key '%s': '%s' is listed twice", key, value);
    }
  }

  private static int positiveInt(ObjectNode root, String key, Integer defaultValue) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      ConfigException.check(defaultValue != null, "missing required key '%s'", key);
      return defaultValue;
    }
    ConfigException.check(
        node.isIntegralNumber() && node.canConvertToInt(),
        "key '%s' must be a whole number, found %s",
        key,
        describe(node));
    ConfigException.check(
        node.intValue() > 0, "key '%s' must be positive, found %s", key, node.intValue());
    return node.intValue();
  }

  /** Bounds a configured number, with a message that says the bound and its unit. */
  static void checkAtMost(String key, double value, double bound, String unit) {
    ConfigException.check(
        value <= bound,
        "key '%s' must be at most %s%s, found %s",
        key,
        plain(bound),
        unit.isEmpty() ? "" : " " + unit,
        plain(value));
  }

  private static String plain(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e18
        ? String.format(java.util.Locale.ROOT, "%,d", (long) value)
        : String.valueOf(value);
  }

  private static Instant latestEnteredAt(ObjectNode root) {
    JsonNode node = root.get("max_entered_at");
    if (node == null || node.isNull()) {
      return LocalDate.of(2100, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    try {
      return LocalDate.parse(node.asText()).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException e) {
      throw ConfigException.of(
          "key 'max_entered_at' must be a date (YYYY-MM-DD), found %s", describe(node));
    }
  }

  static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "'" + node.asText() + "'";
    }
    if (node.isContainerNode()) {
      return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + node;
    }
    return node.toString();
  }
}
