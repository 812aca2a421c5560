package dev.funnel.config;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated {@code import} section: how a CRM's CSV export becomes stage events (see {@link
 * ImportSection} for the YAML keys).
 *
 * @param layout long (one row per stage event) or wide (one row per lead)
 * @param delimiter field separator
 * @param encoding charset name of the files (ASCII-compatible); a UTF-8 byte-order mark is ignored
 * @param decimal decimal mark of the amount, '.' or ','
 * @param timestampFormat java.time pattern of the timestamps, or null for ISO-8601
 * @param timestampZone zone of timestamps without an offset
 * @param columns canonical name (lead_id, stage, entered_at, amount, a dimension) to the export's
 *     header; a null header means "not in this file" (written as null)
 * @param stageValues renames of stage values (long layout)
 * @param stageColumns stage to the header of its date column (wide layout), in stage order
 * @param outcome the outcome column of the wide layout, or null
 */
public record ImportConfig(
    Layout layout,
    char delimiter,
    String encoding,
    char decimal,
    String timestampFormat,
    ZoneId timestampZone,
    Map<String, String> columns,
    Map<String, String> stageValues,
    Map<String, String> stageColumns,
    Outcome outcome)
    implements Serializable {

  /** The two shapes of stage history an export can have. */
  public enum Layout {
    /** One row per stage event (Salesforce OpportunityHistory, amoCRM, Bitrix24). */
    LONG,
    /** One row per lead with a date column per stage (HubSpot's deal export). */
    WIDE
  }

  /**
   * The wide layout's outcome: a column whose values name a terminal stage, entered at the date in
   * another column. Values not listed mean the lead is still open.
   *
   * @param column header of the outcome column
   * @param date header of the outcome's date column
   * @param values export value to stage
   */
  public record Outcome(String column, String date, Map<String, String> values)
      implements Serializable {
    /** Keeps the values in their configured order. */
    public Outcome {
      values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
  }

  /** Keeps the mappings in their configured order. */
  public ImportConfig {
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    stageValues = Collections.unmodifiableMap(new LinkedHashMap<>(stageValues));
    stageColumns = Collections.unmodifiableMap(new LinkedHashMap<>(stageColumns));
  }
}
