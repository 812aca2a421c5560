package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.funnel.csvimport.TimestampParser;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses the {@code import} section: how the {@code import} command reads a CRM's CSV export.
 *
 * <pre>
 * import:
 *   layout: long | wide            # default long
 *   delimiter: ";"                 # one character, default ","
 *   encoding: windows-1251         # default UTF-8; a byte-order mark is ignored
 *   decimal: ","                   # decimal mark of the amount, default "."
 *   timestamp_format: "dd.MM.yyyy HH:mm"   # java.time pattern, default ISO-8601
 *   timestamp_zone: Europe/Moscow  # zone of timestamps without an offset, default the funnel's
 *   columns: {lead_id: "ID сделки", ...}   # canonical name → header; dimensions by their names
 *   stage_values: {"Новая заявка": lead}   # long only
 *   stage_columns: {engaging: created_on}  # wide only
 *   outcome: {column: deal_stage, date: close_date, values: {Won: won, Lost: lost}}  # wide only
 * </pre>
 */
public final class ImportSection {
  static final String KEY = "import";
  private static final Set<String> KEYS =
      Set.of(
          "layout",
          "delimiter",
          "encoding",
          "decimal",
          "timestamp_format",
          "timestamp_zone",
          "columns",
          "stage_values",
          "stage_columns",
          "outcome");
  private static final Set<String> OUTCOME_KEYS = Set.of("column", "date", "values");

  /** Canonical columns of a stage event other than the dimensions. */
  public static final List<String> EVENT_COLUMNS =
      List.of("lead_id", "stage", "entered_at", "amount");

  private ImportSection() {}

  /**
   * The {@code import} section of a configuration file whose funnel part is {@code funnel}; a
   * {@link ConfigException} when the file has none or it is invalid.
   */
  public static ImportConfig load(Path file, FunnelConfig funnel) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ConfigException.of("cannot read configuration file %s: %s", file, e.getMessage());
    }
    JsonNode node = root == null ? null : root.get(KEY);
    ConfigException.check(
        node != null && !node.isNull(),
        "configuration %s has no 'import' section; the import command needs one (see README,"
            + " \"From your CRM export\")",
        file);
    return parse(node, funnel.stages(), funnel.dimensions(), funnel.zone());
  }

  /** Validates an {@code import} section; null when {@code node} is absent. */
  static ImportConfig parse(
      JsonNode node, FunnelStages stages, List<String> dimensions, ZoneId funnelZone) {
    if (node == null || node.isNull()) {
      return null;
    }
    ConfigException.check(
        node.isObject(), "key 'import' must be a mapping, found %s", ConfigLoader.describe(node));
    checkKeys(node, "import", KEYS);
    String layoutText = text(node, "layout", "long");
    ConfigException.check(
        layoutText.equals("long") || layoutText.equals("wide"),
        "key 'import.layout' must be long or wide, found '%s'",
        layoutText);
    ImportConfig.Layout layout =
        layoutText.equals("long") ? ImportConfig.Layout.LONG : ImportConfig.Layout.WIDE;
    char delimiter = oneChar(node, "delimiter", ',');
    ConfigException.check(
        delimiter != '"' && delimiter != '\n' && delimiter != '\r',
        "key 'import.delimiter' cannot be a quote or a line break");
    String encoding = encoding(text(node, "encoding", "UTF-8"));
    char decimal = oneChar(node, "decimal", '.');
    ConfigException.check(
        decimal == '.' || decimal == ',',
        "key 'import.decimal' must be \".\" or \",\", found '%s'",
        decimal);
    String format = text(node, "timestamp_format", null);
    if (format != null) {
      try {
        TimestampParser.formatter(format);
      } catch (IllegalArgumentException e) {
        throw ConfigException.of(
            "key 'import.timestamp_format': '%s' is not a usable java.time pattern: %s",
            format, e.getMessage());
      }
    }
    String zoneText = text(node, "timestamp_zone", null);
    ZoneId zone = funnelZone;
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        throw ConfigException.of(
            "key 'import.timestamp_zone': unknown time zone '%s' (use an IANA name such as"
                + " Europe/Moscow)",
            zoneText);
      }
    }
    Map<String, String> columns = columns(node, layout, dimensions);
    Map<String, String> stageValues = stageMap(node, "stage_values", stages, true);
    Map<String, String> stageColumns = new LinkedHashMap<>();
    ImportConfig.Outcome outcome = null;
    if (layout == ImportConfig.Layout.LONG) {
      for (String key : List.of("stage_columns", "outcome")) {
        ConfigException.check(
            !node.has(key), "key 'import.%s' only goes with layout: wide", key, layoutText);
      }
    } else {
      ConfigException.check(
          !node.has("stage_values"),
          "key 'import.stage_values' only goes with layout: long (the wide layout names stages"
              + " by their columns)");
      Map<String, String> byColumn = stageMap(node, "stage_columns", stages, false);
      ConfigException.check(
          !byColumn.isEmpty(),
          "key 'import.stage_columns' is required with layout: wide (stage: date column)");
      // Kept in stage order, so the furthest stage is last.
      for (String stage : stages.all()) {
        if (byColumn.containsKey(stage)) {
          stageColumns.put(stage, byColumn.get(stage));
        }
      }
      outcome = outcome(node.get("outcome"), stages);
    }
    return new ImportConfig(
        layout,
        delimiter,
        encoding,
        decimal,
        format,
        zone,
        columns,
        stageValues,
        stageColumns,
        outcome);
  }

  private static Map<String, String> columns(
      JsonNode node, ImportConfig.Layout layout, List<String> dimensions) {
    Map<String, String> columns = new LinkedHashMap<>();
    JsonNode map = node.get("columns");
    if (map == null || map.isNull()) {
      return columns;
    }
    ConfigException.check(
        map.isObject(),
        "key 'import.columns' must be a mapping of column names to the export's headers, found %s",
        ConfigLoader.describe(map));
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      ConfigException.check(
          EVENT_COLUMNS.contains(name) || dimensions.contains(name),
          "key 'import.columns': '%s' is neither a column of the stage events (%s) nor a"
              + " configured dimension (%s)",
          name,
          String.join(", ", EVENT_COLUMNS),
          String.join(", ", dimensions));
      if (layout == ImportConfig.Layout.WIDE) {
        ConfigException.check(
            !name.equals("stage") && !name.equals("entered_at"),
            "key 'import.columns.%s' only goes with layout: long (the wide layout takes stages and"
                + " dates from stage_columns and outcome)",
            name);
      }
      JsonNode header = e.getValue();
      boolean optional = name.equals("amount") || dimensions.contains(name);
      if (header.isNull() && optional) {
        columns.put(name, null);
        continue;
      }
      ConfigException.check(
          header.isTextual() && !header.asText().isBlank(),
          "key 'import.columns.%s' must be the export's header (a string)%s, found %s",
          name,
          optional ? " or null (not in this export)" : "",
          ConfigLoader.describe(header));
      columns.put(name, header.asText().trim());
    }
    return columns;
  }

  private static Map<String, String> stageMap(
      JsonNode node, String key, FunnelStages stages, boolean valueIsStage) {
    Map<String, String> result = new LinkedHashMap<>();
    JsonNode map = node.get(key);
    if (map == null || map.isNull()) {
      return result;
    }
    ConfigException.check(
        map.isObject(), "key 'import.%s' must be a mapping, found %s", key, describe(map));
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode value = e.getValue();
      ConfigException.check(
          value.isTextual() && !value.asText().isBlank(),
          "key 'import.%s.%s' must be a non-empty string, found %s",
          key,
          e.getKey(),
          describe(value));
      String stage = valueIsStage ? value.asText().trim() : e.getKey();
      ConfigException.check(
          stages.code(stage) >= 0,
          "key 'import.%s': '%s' is not a stage of the funnel (stages: %s)",
          key,
          stage,
          stages.all());
      result.put(e.getKey(), value.asText().trim());
    }
    return result;
  }

  private static ImportConfig.Outcome outcome(JsonNode node, FunnelStages stages) {
    if (node == null || node.isNull()) {
      return null;
    }
    ConfigException.check(
        node.isObject(),
        "key 'import.outcome' must be a mapping {column, date, values}, found %s",
        describe(node));
    checkKeys(node, "import.outcome", OUTCOME_KEYS);
    String column = requiredText(node, "import.outcome", "column");
    String date = requiredText(node, "import.outcome", "date");
    JsonNode values = node.get("values");
    ConfigException.check(
        values != null && values.isObject() && values.size() > 0,
        "key 'import.outcome.values' must be a non-empty mapping of the export's values to stages"
            + " (e.g. {Won: won, Lost: lost}), found %s",
        values == null ? "nothing" : describe(values));
    Map<String, String> byValue = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String stage = e.getValue().asText().trim();
      ConfigException.check(
          e.getValue().isTextual() && stages.code(stage) >= 0,
          "key 'import.outcome.values.%s': '%s' is not a stage of the funnel (stages: %s)",
          e.getKey(),
          e.getValue().asText(),
          stages.all());
      byValue.put(e.getKey(), stage);
    }
    return new ImportConfig.Outcome(column, date, byValue);
  }

  private static String encoding(String name) {
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw ConfigException.of(
          "key 'import.encoding': unknown encoding '%s' (e.g. UTF-8, windows-1251, ISO-8859-1)",
          name);
    }
    // Lines are split at byte 0x0A before decoding, so each character of these must be one byte.
    byte[] probe = "\n;,\"0aZ".getBytes(charset);
    ConfigException.check(
        charset.canEncode()
            && Arrays.equals(probe, "\n;,\"0aZ".getBytes(StandardCharsets.US_ASCII)),
        "key 'import.encoding': '%s' is not ASCII-compatible; re-save the export as UTF-8",
        name);
    return charset.name();
  }

  private static char oneChar(JsonNode node, String key, char defaultValue) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    String text = value.asText();
    ConfigException.check(
        value.isTextual() && text.length() == 1,
        "key 'import.%s' must be one character (quote it, e.g. \";\"; a tab is \"\\t\"), found %s",
        key,
        describe(value));
    return text.charAt(0);
  }

  private static String text(JsonNode node, String key, String defaultValue) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    ConfigException.check(
        value.isTextual() && !value.asText().isBlank(),
        "key 'import.%s' must be a non-empty string, found %s",
        key,
        describe(value));
    return value.asText().trim();
  }

  private static String requiredText(JsonNode node, String at, String key) {
    JsonNode value = node.get(key);
    ConfigException.check(
        value != null && !value.isNull(), "missing required key '%s.%s'", at, key);
    ConfigException.check(
        value.isTextual() && !value.asText().isBlank(),
        "key '%s.%s' must be the export's header (a string), found %s",
        at,
        key,
        describe(value));
    return value.asText().trim();
  }

  private static void checkKeys(JsonNode node, String at, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      ConfigException.check(
          known.contains(key),
          "unknown key '%s.%s' (known keys: %s)",
          at,
          key,
          String.join(", ", new TreeSet<>(known)));
    }
  }

  private static String describe(JsonNode node) {
    return ConfigLoader.describe(node);
  }
}
