package dev.funnel.timeline;

import dev.funnel.config.FunnelStages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the pipeline derives from one lead's history, in one pass over its events: visits,
 * first entries into each stage with their conversion events, first-touch dimensions and the latest
 * known amount. Pure Java; the Spark job feeds it each lead's events in order.
 */
public final class LeadTimeline {
  /** Marks an absent instant. */
  public static final long NO_TIME = Long.MIN_VALUE;

  /** The dimension value of a lead that never had one. */
  public static final String NO_VALUE = "(none)";

  private final List<Visit> visits;
  private final List<StageEntry> entries;
  private final String[] dimensions;
  private final Double amount;
  private final int events;
  private final int duplicates;

  private LeadTimeline(
      List<Visit> visits,
      List<StageEntry> entries,
      String[] dimensions,
      Double amount,
      int events,
      int duplicates) {
    this.visits = visits;
    this.entries = entries;
    this.dimensions = dimensions;
    this.amount = amount;
    this.events = events;
    this.duplicates = duplicates;
  }

  /** The lead's visits in order. */
  public List<Visit> visits() {
    return visits;
  }

  /** First entries into the non-terminal main-path stages the lead reached, in stage order. */
  public List<StageEntry> entries() {
    return entries;
  }

  /** First-touch dimension values, {@link #NO_VALUE} where the lead never had one. */
  public String[] dimensions() {
    return dimensions.clone();
  }

  /** First-touch value of dimension {@code i}. */
  public String dimension(int i) {
    return dimensions[i];
  }

  /** The last non-null amount in event order, or null. */
  public Double amount() {
    return amount;
  }

  /** Accepted (distinct) events. */
  public int events() {
    return events;
  }

  /** Extra copies of events with the same stage and instant, counted once in {@link #events()}. */
  public int duplicates() {
    return duplicates;
  }

  /**
   * Collects one lead's events, which must arrive ordered by instant and then stage code (the
   * funnel's tie-break). Exact duplicates (same stage and instant) are merged: for dimensions the
   * smallest non-null value wins and for the amount the largest, so the result does not depend on
   * the order in which copies arrive.
   */
  public static final class Builder {
    private final FunnelStages stages;
    private final int dimensionCount;
    private int size;
    private int[] stage = new int[16];
    private long[] at = new long[16];
    private double[] amount = new double[16];
    private String[][] dims = new String[16][];
    private int duplicates;

    /** A builder for a funnel with the given stages and number of dimensions. */
    public Builder(FunnelStages stages, int dimensionCount) {
      this.stages = stages;
      this.dimensionCount = dimensionCount;
    }

    /** Forgets the current lead so the builder can be reused for the next one. */
    public Builder reset() {
      size = 0;
      duplicates = 0;
      return this;
    }

    /**
     * Adds the next event; {@code amount} may be null, {@code dimensionValues} may hold nulls.
     *
     * @return false when the event duplicates the previous one and was merged into it
     */
    public boolean add(
        int stageCode, long enteredAt, Double amountValue, String[] dimensionValues) {
      if (size > 0) {
        int last = size - 1;
        if (enteredAt < at[last] || (enteredAt == at[last] && stageCode < stage[last])) {
          throw new IllegalArgumentException(
              String.format(
                  "events out of order: stage %d at %d after stage %d at %d",
                  stageCode, enteredAt, stage[last], at[last]));
        }
        if (enteredAt == at[last] && stageCode == stage[last]) {
          mergeDuplicate(last, amountValue, dimensionValues);
          duplicates++;
          return false;
        }
      }
      ensureCapacity();
      stage[size] = stageCode;
      at[size] = enteredAt;
      amount[size] = amountValue == null ? Double.NaN : amountValue;
      String[] copy = new String[dimensionCount];
      for (int d = 0; d < dimensionCount; d++) {
        copy[d] = dimensionValues == null ? null : dimensionValues[d];
      }
      dims[size] = copy;
      size++;
      return true;
    }

    private void mergeDuplicate(int index, Double amountValue, String[] dimensionValues) {
      if (amountValue != null && !amountValue.isNaN()) {
        double current = amount[index];
        amount[index] = Double.isNaN(current) ? amountValue : Math.max(current, amountValue);
      }
      for (int d = 0; d < dimensionCount && dimensionValues != null; d++) {
        String value = dimensionValues[d];
        String current = dims[index][d];
        if (value != null && (current == null || value.compareTo(current) < 0)) {
          dims[index][d] = value;
        }
      }
    }

    private void ensureCapacity() {
      if (size == stage.length) {
        int capacity = size * 2;
        stage = Arrays.copyOf(stage, capacity);
        at = Arrays.copyOf(at, capacity);
        amount = Arrays.copyOf(amount, capacity);
        dims = Arrays.copyOf(dims, capacity);
      }
    }

    /** Derives the lead's timeline from the events added since the last reset. */
    public LeadTimeline build() {
      return new LeadTimeline(
          buildVisits(), buildEntries(), firstTouch(), lastAmount(), size, duplicates);
    }

    private List<Visit> buildVisits() {
      List<Visit> visits = new ArrayList<>();
      int[] visitCount = new int[stages.size()];
      int i = 0;
      while (i < size) {
        int j = i + 1;
        while (j < size && stage[j] == stage[i]) {
          j++;
        }
        boolean hasNext = j < size;
        visits.add(
            new Visit(
                stage[i],
                ++visitCount[stage[i]],
                at[i],
                hasNext ? at[j] : NO_TIME,
                hasNext ? stage[j] : -1,
                stages.isTerminal(stage[i])));
        i = j;
      }
      return visits;
    }

    private List<StageEntry> buildEntries() {
      List<StageEntry> entries = new ArrayList<>();
      int won = stages.wonCode();
      for (int s = 0; s < stages.nonTerminalCount(); s++) {
        int first = -1;
        for (int k = 0; k < size; k++) {
          if (stage[k] == s) {
            first = k;
            break;
          }
        }
        if (first < 0) {
          continue;
        }
        long convertedAt = NO_TIME;
        long wonAt = NO_TIME;
        long lostAt = NO_TIME;
        for (int k = first + 1; k < size; k++) {
          int code = stage[k];
          if (stages.isLost(code)) {
            lostAt = lostAt == NO_TIME ? at[k] : lostAt;
          } else if (code > s) {
            convertedAt = convertedAt == NO_TIME ? at[k] : convertedAt;
            if (code == won && wonAt == NO_TIME) {
              wonAt = at[k];
            }
          }
        }
        entries.add(new StageEntry(s, at[first], convertedAt, wonAt, lostAt));
      }
      return entries;
    }

    private String[] firstTouch() {
      String[] values = new String[dimensionCount];
      for (int d = 0; d < dimensionCount; d++) {
        values[d] = NO_VALUE;
        for (int k = 0; k < size; k++) {
          if (dims[k][d] != null) {
            values[d] = dims[k][d];
            break;
          }
        }
      }
      return values;
    }

    private Double lastAmount() {
      for (int k = size - 1; k >= 0; k--) {
        if (!Double.isNaN(amount[k])) {
          return amount[k];
        }
      }
      return null;
    }
  }
}
