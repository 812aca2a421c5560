package dev.funnel.csvimport;

import dev.funnel.config.ImportConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each canonical column is in one export file: the header positions of lead id, stage,
 * entered_at, amount, each dimension, each wide stage column and the outcome columns (-1: not in
 * the file, written as null).
 *
 * <p>A column the configuration maps explicitly must be in the header. One it does not map is
 * looked up by its own name: required ones (lead_id; stage and entered_at in the long layout) must
 * be there, optional ones (amount, dimensions) are null when absent.
 */
public final class ColumnPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  final int width;
  final int leadId;
  final int stage;
  final int enteredAt;
  final int amount;
  final int[] dimensions;
  final String[] stageNames;
  final int[] stageColumns;
  final int outcome;
  final int outcomeDate;
  final Map<String, String> described;
  private final List<String> headers;

  private ColumnPlan(List<String> headers, ImportConfig config, List<String> dimensionNames) {
    this.headers = List.copyOf(headers);
    this.width = headers.size();
    this.described = new LinkedHashMap<>();
    boolean wide = config.layout() == ImportConfig.Layout.WIDE;
    this.leadId = find(config, "lead_id", true);
    this.stage = wide ? -1 : find(config, "stage", true);
    this.enteredAt = wide ? -1 : find(config, "entered_at", true);
    this.amount = find(config, "amount", false);
    this.dimensions = new int[dimensionNames.size()];
    for (int d = 0; d < dimensions.length; d++) {
      dimensions[d] = find(config, dimensionNames.get(d), false);
    }
    this.stageNames = config.stageColumns().keySet().toArray(new String[0]);
    this.stageColumns = new int[stageNames.length];
    for (int s = 0; s < stageNames.length; s++) {
      String header = config.stageColumns().get(stageNames[s]);
      stageColumns[s] = require(header, "stage_columns." + stageNames[s]);
      described.put("stage " + stageNames[s], header);
    }
    ImportConfig.Outcome out = config.outcome();
    this.outcome = out == null ? -1 : require(out.column(), "outcome.column");
    this.outcomeDate = out == null ? -1 : require(out.date(), "outcome.date");
    if (out != null) {
      described.put("outcome", out.column() + " (date " + out.date() + ")");
    }
  }

  /**
   * The plan of a file with these headers; an {@link IllegalArgumentException} naming the missing
   * column and listing the headers found when a mapped or required column is not there.
   */
  public static ColumnPlan resolve(
      List<String> headers, ImportConfig config, List<String> dimensions) {
    return new ColumnPlan(headers, config, dimensions);
  }

  /** Canonical column to the header it is read from ("(not in the file)" when none). */
  public Map<String, String> described() {
    return described;
  }

  /** The number of fields of a row. */
  public int width() {
    return width;
  }

  private int find(ImportConfig config, String name, boolean required) {
    Map<String, String> columns = config.columns();
    if (columns.containsKey(name)) {
      String header = columns.get(name);
      if (header == null) {
        described.put(name, "(not in the file)");
        return -1;
      }
      described.put(name, header);
      return require(header, "columns." + name);
    }
    int at = headers.indexOf(name);
    if (at < 0 && required) {
      throw missing(name, "'" + name + "' (not mapped in import.columns, so looked up by name)");
    }
    described.put(name, at < 0 ? "(not in the file)" : name);
    return at;
  }

  private int require(String header, String key) {
    int at = headers.indexOf(header);
    if (at < 0) {
      throw missing(header, "'" + header + "' (import." + key + ")");
    }
    if (headers.lastIndexOf(header) != at) {
      throw new IllegalArgumentException(
          "column '" + header + "' (import." + key + ") appears more than once in the header");
    }
    return at;
  }

  private IllegalArgumentException missing(String header, String what) {
    List<String> quoted = new ArrayList<>();
    for (String h : headers) {
      quoted.add("'" + h + "'");
    }
    return new IllegalArgumentException(
        "column " + what + " is missing; headers found: " + String.join(", ", quoted));
  }
}
