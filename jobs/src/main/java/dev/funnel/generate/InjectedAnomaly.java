package dev.funnel.generate;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberate change of behaviour planted in generated data, so that analyses can be checked
 * against a known truth.
 *
 * <p>The anomaly concerns <em>matching leads</em>: leads whose value of {@code dimension} is {@code
 * value} (the value the lead is created with, which is its first-touch value whenever any of its
 * events carries the dimension; leads that never carry the dimension never match). Its
 * <em>window</em> is {@code [weekStart, weekStart + 7 * weeks days)}, from midnight to midnight in
 * {@link SyntheticFunnel#ZONE}. {@code magnitude} is always the factor that <em>remains</em> of
 * something, so smaller is stronger and 1 would be no change:
 *
 * <ul>
 *   <li>{@link Kind#CONVERSION_DROP}: each entry of a matching lead into {@code stage} at an
 *       instant in the window advances to a later main-path stage with probability {@code p *
 *       magnitude} instead of {@code p} (0.5 halves conversion); {@code 0 <= magnitude < 1}.
 *   <li>{@link Kind#CONVERSION_RISE}: the same entries advance with probability {@code 1 - (1 - p)
 *       * magnitude} (0.5 halves the share that does not advance); {@code 0 <= magnitude < 1}.
 *   <li>{@link Kind#SLOWDOWN}: the same entries stay in {@code stage} {@code 1 / magnitude} times
 *       as long before their next event, whatever it is (0.5 doubles the time); {@code 0 <
 *       magnitude < 1}.
 *   <li>{@link Kind#VOLUME_CUT}: of the matching leads created (first event, stage {@code lead}) in
 *       the window, only a fraction {@code magnitude} is generated at all (0.5 halves the volume);
 *       {@code 0 <= magnitude < 1}. Its stage is always {@code lead}.
 * </ul>
 *
 * <p>{@code p} is the probability the generator would use without anomalies for that lead and
 * stage; several anomalies on the same entry apply one after the other in list order.
 *
 * @param stage the stage whose entries are affected: one of {@link
 *     SyntheticFunnel#ADVANCING_STAGES}; {@code lead} for VOLUME_CUT
 * @param dimension one of {@link SyntheticFunnel#DIMENSIONS}
 * @param value one of the dimension's values ({@link SyntheticFunnel#VALUES})
 * @param weekStart first day of the window, a Monday
 * @param weeks length of the window in weeks, 1 to 520
 * @param kind what changes
 * @param magnitude the factor that remains, see above
 */
public record InjectedAnomaly(
    String stage,
    String dimension,
    String value,
    LocalDate weekStart,
    int weeks,
    Kind kind,
    double magnitude)
    implements Serializable {

  /** Window length when a spec does not say {@code weeks}. */
  public static final int DEFAULT_WEEKS = 4;

  /** What an anomaly changes; see {@link InjectedAnomaly} for the exact effect of each. */
  public enum Kind {
    /** Fewer entries into the stage advance. */
    CONVERSION_DROP,
    /** More entries into the stage advance. */
    CONVERSION_RISE,
    /** Entries stay longer in the stage. */
    SLOWDOWN,
    /** Fewer leads are created. */
    VOLUME_CUT;

    /** The lower-case name used in specs and the truth file. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final List<String> KEYS =
      List.of("stage", "dimension", "value", "week", "weeks", "kind", "magnitude");

  /** Checks every component; messages name the bad value. */
  public InjectedAnomaly {
    if (kind == null) {
      throw new IllegalArgumentException("anomaly kind is missing (one of " + kindLabels() + ")");
    }
    if (kind == Kind.VOLUME_CUT && stage == null) {
      stage = SyntheticFunnel.LEAD;
    }
    if (kind == Kind.VOLUME_CUT && !SyntheticFunnel.LEAD.equals(stage)) {
      throw new IllegalArgumentException(
          "stage '"
              + stage
              + "' does not apply to volume_cut: it always concerns lead creation,"
              + " omit stage or use stage="
              + SyntheticFunnel.LEAD);
    }
    if (!SyntheticFunnel.ADVANCING_STAGES.contains(stage)) {
      throw new IllegalArgumentException(
          "stage '"
              + stage
              + "' is not a stage a lead can advance from (one of "
              + SyntheticFunnel.ADVANCING_STAGES
              + ")");
    }
    if (!SyntheticFunnel.DIMENSIONS.contains(dimension)) {
      throw new IllegalArgumentException(
          "dimension '"
              + dimension
              + "' is not a generated dimension (one of "
              + SyntheticFunnel.DIMENSIONS
              + ")");
    }
    List<String> values = SyntheticFunnel.VALUES.get(dimension);
    if (!values.contains(value)) {
      throw new IllegalArgumentException(
          "value '"
              + value
              + "' is not a value of dimension "
              + dimension
              + " (one of "
              + values
              + ")");
    }
    if (weekStart == null || weekStart.getDayOfWeek() != DayOfWeek.MONDAY) {
      throw new IllegalArgumentException(
          "week "
              + weekStart
              + " is not a Monday"
              + (weekStart == null ? "" : " (it is a " + weekStart.getDayOfWeek() + ")"));
    }
    if (weeks < 1 || weeks > 520) {
      throw new IllegalArgumentException("weeks " + weeks + " is not between 1 and 520");
    }
    boolean positive = kind == Kind.SLOWDOWN;
    if (!(magnitude < 1) || (positive ? !(magnitude > 0) : !(magnitude >= 0))) {
      throw new IllegalArgumentException(
          "magnitude "
              + magnitude
              + " is out of range for "
              + kind.label()
              + ": it is the factor that remains, "
              + (positive ? "0 < magnitude < 1" : "0 <= magnitude < 1"));
    }
  }

  /** An anomaly lasting {@link #DEFAULT_WEEKS} weeks. */
  public InjectedAnomaly(
      String stage,
      String dimension,
      String value,
      LocalDate weekStart,
      Kind kind,
      double magnitude) {
    this(stage, dimension, value, weekStart, DEFAULT_WEEKS, kind, magnitude);
  }

  /**
   * Parses a CLI spec: comma-separated {@code key=value} pairs with keys {@code stage} (optional
   * for volume_cut), {@code dimension}, {@code value}, {@code week} (a Monday, YYYY-MM-DD), {@code
   * weeks} (optional, default 4), {@code kind} (conversion_drop, conversion_rise, slowdown,
   * volume_cut) and {@code magnitude}, e.g. {@code
   * stage=sql,dimension=source,value=paid_search,week=2025-03-03,weeks=4,kind=conversion_drop,magnitude=0.5}.
   *
   * @throws IllegalArgumentException naming the bad key and value
   */
  public static InjectedAnomaly parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("anomaly spec is empty; expected key=value pairs " + KEYS);
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String part : spec.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "anomaly spec '" + spec + "': '" + part + "' is not key=value");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String val = part.substring(eq + 1).trim();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "anomaly spec '" + spec + "': unknown key '" + key + "' (keys: " + KEYS + ")");
      }
      if (pairs.put(key, val) != null) {
        throw new IllegalArgumentException(
            "anomaly spec '" + spec + "': key '" + key + "' is given twice");
      }
    }
    Kind kind = parseKind(spec, required(spec, pairs, "kind"));
    String stage = pairs.get("stage");
    if (stage == null && kind != Kind.VOLUME_CUT) {
      required(spec, pairs, "stage");
    }
    String dimension = required(spec, pairs, "dimension");
    String value = required(spec, pairs, "value");
    LocalDate week =
        parse(spec, "week", required(spec, pairs, "week"), LocalDate::parse, "a date (YYYY-MM-DD)");
    int weeks =
        pairs.containsKey("weeks")
            ? parse(spec, "weeks", pairs.get("weeks"), Integer::parseInt, "a whole number")
            : DEFAULT_WEEKS;
    double magnitude =
        parse(
            spec, "magnitude", required(spec, pairs, "magnitude"), Double::parseDouble, "a number");
    try {
      return new InjectedAnomaly(stage, dimension, value, week, weeks, kind, magnitude);
    } catch (IllegalArgumentException e) {
      // The constructor's messages already name the key and the value; add the spec for context.
      throw new IllegalArgumentException("anomaly spec '" + spec + "': " + e.getMessage(), e);
    }
  }

  /** The spec that {@link #parse} reads back into this anomaly. */
  public String toSpec() {
    return "stage="
        + stage
        + ",dimension="
        + dimension
        + ",value="
        + value
        + ",week="
        + weekStart
        + ",weeks="
        + weeks
        + ",kind="
        + kind.label()
        + ",magnitude="
        + magnitude;
  }

  /** The first day after the window. */
  public LocalDate weekEnd() {
    return weekStart.plusWeeks(weeks);
  }

  /** The anomaly as the truth file lists it: its components, window and a plain-words effect. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("spec", toSpec());
    map.put("kind", kind.label());
    map.put("stage", stage);
    map.put("dimension", dimension);
    map.put("value", value);
    map.put("week_start", weekStart.toString());
    map.put("weeks", weeks);
    map.put("window_start", weekStart.toString());
    map.put("window_end_exclusive", weekEnd().toString());
    map.put("window_zone", SyntheticFunnel.ZONE.getId());
    map.put("magnitude", magnitude);
    map.put("effect", effect());
    return map;
  }

  private String effect() {
    String leads = "leads whose " + dimension + " is " + value;
    String window =
        "at an instant in [" + weekStart + ", " + weekEnd() + ") " + SyntheticFunnel.ZONE.getId();
    return switch (kind) {
      case CONVERSION_DROP ->
          "each entry into "
              + stage
              + " by "
              + leads
              + " "
              + window
              + " advances to a later main-path stage with probability p * "
              + magnitude
              + " instead of p";
      case CONVERSION_RISE ->
          "each entry into "
              + stage
              + " by "
              + leads
              + " "
              + window
              + " advances to a later main-path stage with probability 1 - (1 - p) * "
              + magnitude
              + " instead of p";
      case SLOWDOWN ->
          "each entry into "
              + stage
              + " by "
              + leads
              + " "
              + window
              + " stays in "
              + stage
              + " 1 / "
              + magnitude
              + " times as long before the lead's next event";
      case VOLUME_CUT ->
          "of the "
              + leads
              + " created "
              + window
              + ", only a fraction "
              + magnitude
              + " is generated; the others are dropped entirely";
    };
  }

  private static String required(String spec, Map<String, String> pairs, String key) {
    String val = pairs.get(key);
    if (val == null || val.isEmpty()) {
      throw new IllegalArgumentException(
          "anomaly spec '" + spec + "': key '" + key + "' is missing or empty");
    }
    return val;
  }

  private static Kind parseKind(String spec, String text) {
    for (Kind kind : Kind.values()) {
      if (kind.label().equalsIgnoreCase(text)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "anomaly spec '" + spec + "': kind '" + text + "' is not one of " + kindLabels());
  }

  /**
   * Parses one value of a spec; a value that does not parse names the spec, the key and what the
   * value should be.
   */
  private static <T> T parse(
      String spec,
      String key,
      String text,
      java.util.function.Function<String, T> parser,
      String what) {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "anomaly spec '" + spec + "': " + key + " '" + text + "' is not " + what, e);
    }
  }

  private static List<String> kindLabels() {
    return java.util.Arrays.stream(Kind.values()).map(Kind::label).toList();
  }
}
