package dev.funnel.csvimport;

import dev.funnel.config.FunnelStages;
import dev.funnel.config.ImportConfig;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one row of an export into stage events, or rejects it with one reason (the first that
 * applies, in the order of the constants below). Long layout: one event per row. Wide layout: one
 * event per filled stage date column, plus the outcome's event when the outcome column holds one of
 * the configured values (other values mean the lead is still open); a wide row is used whole or
 * rejected whole.
 */
public final class RowParser implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bytes that are not valid in the configured encoding. */
  public static final String INVALID_ENCODING = "invalid_encoding";

  /**
   * A line that ends inside a quoted field: an unclosed quote, or a record with a quoted line break
   * (not supported: each line is a record); the lines after it are judged on their own.
   */
  public static final String UNCLOSED_QUOTE = "unclosed_quote";

  /** More or fewer fields than the header. */
  public static final String WRONG_FIELD_COUNT = "wrong_field_count";

  /** Empty lead id. */
  public static final String MISSING_LEAD_ID = "missing_lead_id";

  /** Empty stage (long layout). */
  public static final String MISSING_STAGE = "missing_stage";

  /** A stage value that, after stage_values, is not a stage of the funnel (long layout). */
  public static final String UNKNOWN_STAGE = "unknown_stage";

  /** Empty timestamp (long layout). */
  public static final String MISSING_ENTERED_AT = "missing_entered_at";

  /** A timestamp that does not match timestamp_format. */
  public static final String UNPARSABLE_TIMESTAMP = "unparsable_timestamp";

  /** An amount that is not a number with the configured decimal mark. */
  public static final String UNPARSABLE_AMOUNT = "unparsable_amount";

  /** An outcome value without its date (wide layout). */
  public static final String MISSING_OUTCOME_DATE = "missing_outcome_date";

  /** A wide row without any stage date and without an outcome. */
  public static final String NO_STAGE_DATES = "no_stage_dates";

  /** One stage event of a row. */
  public record Event(
      String leadId, String stage, Instant enteredAt, Double amount, String[] dimensions) {}

  /**
   * What became of one row: its events, or the reason (and a detail naming the column and value) it
   * was rejected for.
   */
  public record Result(List<Event> events, String reason, String detail) {
    static Result rejected(String reason, String detail) {
      return new Result(List.of(), reason, detail);
    }

    /** True when the row was rejected. */
    public boolean isRejected() {
      return reason != null;
    }
  }

  private final ImportConfig config;
  private final FunnelStages stages;
  private final ColumnPlan plan;
  private final TimestampParser timestamps;
  private final AmountParser amounts;

  /** A parser of rows laid out as {@code plan} says. */
  public RowParser(ImportConfig config, FunnelStages stages, ColumnPlan plan) {
    this.config = config;
    this.stages = stages;
    this.plan = plan;
    this.timestamps = new TimestampParser(config.timestampFormat(), config.timestampZone());
    this.amounts = new AmountParser(config.decimal());
  }

  /** The number of dimensions of each event. */
  public int dimensionCount() {
    return plan.dimensions.length;
  }

  /**
   * Parses one row: {@code cells} in header order (null or blank = empty; cells are trimmed),
   * {@code validEncoding} false when its bytes did not decode, {@code quotesClosed} false when the
   * line ends inside a quoted field ({@link QuotedLineBreaks}), {@code fieldCountMatches} false
   * when the CSV reader found another number of fields than the header has.
   */
  public Result parse(
      String[] cells, boolean validEncoding, boolean quotesClosed, boolean fieldCountMatches) {
    if (!validEncoding) {
      return Result.rejected(
          INVALID_ENCODING, "bytes that are not valid " + config.encoding() + " text");
    }
    if (!quotesClosed) {
      return Result.rejected(
          UNCLOSED_QUOTE,
          "the line ends inside a quoted field (an unclosed quote, or a quoted line break, which"
              + " import does not support)");
    }
    if (!fieldCountMatches) {
      return Result.rejected(
          WRONG_FIELD_COUNT,
          "expected " + plan.width + " fields separated by '" + config.delimiter() + "'");
    }
    String leadId = cell(cells, plan.leadId);
    if (leadId == null) {
      return Result.rejected(MISSING_LEAD_ID, "column '" + header("lead_id") + "' is empty");
    }
    String[] dims = new String[plan.dimensions.length];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = cell(cells, plan.dimensions[d]);
    }
    return config.layout() == ImportConfig.Layout.LONG
        ? parseLong(cells, leadId, dims)
        : parseWide(cells, leadId, dims);
  }

  private Result parseLong(String[] cells, String leadId, String[] dims) {
    String value = cell(cells, plan.stage);
    if (value == null) {
      return Result.rejected(MISSING_STAGE, "column '" + header("stage") + "' is empty");
    }
    String stage = config.stageValues().getOrDefault(value, value);
    if (stages.code(stage) < 0) {
      return Result.rejected(
          UNKNOWN_STAGE,
          "'"
              + value
              + "' is neither a stage ("
              + String.join(", ", stages.all())
              + ") nor renamed in import.stage_values");
    }
    String time = cell(cells, plan.enteredAt);
    if (time == null) {
      return Result.rejected(MISSING_ENTERED_AT, "column '" + header("entered_at") + "' is empty");
    }
    Instant at;
    try {
      at = timestamps.parse(time);
    } catch (DateTimeException e) {
      return unparsableTimestamp(header("entered_at"), time);
    }
    Double amount;
    try {
      amount = amount(cells);
    } catch (NumberFormatException e) {
      return unparsableAmount(cells);
    }
    return new Result(List.of(new Event(leadId, stage, at, amount, dims)), null, null);
  }

  private Result parseWide(String[] cells, String leadId, String[] dims) {
    List<String> eventStages = new ArrayList<>();
    List<Instant> eventTimes = new ArrayList<>();
    for (int s = 0; s < plan.stageColumns.length; s++) {
      String time = cell(cells, plan.stageColumns[s]);
      if (time == null) {
        continue;
      }
      try {
        eventTimes.add(timestamps.parse(time));
      } catch (DateTimeException e) {
        return unparsableTimestamp(config.stageColumns().get(plan.stageNames[s]), time);
      }
      eventStages.add(plan.stageNames[s]);
    }
    if (plan.outcome >= 0) {
      String value = cell(cells, plan.outcome);
      String stage = value == null ? null : config.outcome().values().get(value);
      if (stage != null) {
        String time = cell(cells, plan.outcomeDate);
        if (time == null) {
          return Result.rejected(
              MISSING_OUTCOME_DATE,
              "outcome '" + value + "' but column '" + config.outcome().date() + "' is empty");
        }
        try {
          eventTimes.add(timestamps.parse(time));
        } catch (DateTimeException e) {
          return unparsableTimestamp(config.outcome().date(), time);
        }
        eventStages.add(stage);
      }
    }
    if (eventStages.isEmpty()) {
      return Result.rejected(
          NO_STAGE_DATES,
          "no date in " + String.join(", ", config.stageColumns().values()) + " and no outcome");
    }
    Double amount;
    try {
      amount = amount(cells);
    } catch (NumberFormatException e) {
      return unparsableAmount(cells);
    }
    List<Event> events = new ArrayList<>(eventStages.size());
    int last = eventStages.size() - 1;
    for (int i = 0; i <= last; i++) {
      // The amount is the deal's value as exported: it goes with its outcome, or else with the
      // furthest stage the lead reached (stage columns are in stage order, the outcome last).
      events.add(
          new Event(
              leadId, eventStages.get(i), eventTimes.get(i), i == last ? amount : null, dims));
    }
    return new Result(events, null, null);
  }

  private Double amount(String[] cells) {
    String value = cell(cells, plan.amount);
    return value == null ? null : amounts.parse(value);
  }

  private Result unparsableTimestamp(String header, String value) {
    return Result.rejected(
        UNPARSABLE_TIMESTAMP,
        "column '" + header + "': '" + value + "' does not match " + timestamps.describe());
  }

  private Result unparsableAmount(String[] cells) {
    return Result.rejected(
        UNPARSABLE_AMOUNT,
        "column '"
            + header("amount")
            + "': '"
            + cell(cells, plan.amount)
            + "' is not a number with decimal mark '"
            + config.decimal()
            + "'");
  }

  private String header(String canonical) {
    return plan.described.getOrDefault(canonical, canonical);
  }

  /** A trimmed cell, null when it is absent or blank. */
  private static String cell(String[] cells, int at) {
    if (at < 0 || at >= cells.length || cells[at] == null) {
      return null;
    }
    String value = cells[at].strip();
    return value.isEmpty() ? null : value;
  }
}
