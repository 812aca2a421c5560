package dev.funnel.generate;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary of the generated data: its stages, dimension columns and their values, and the
 * business time zone. A funnel config reading generated data uses these stages and dimensions.
 */
public final class SyntheticFunnel {
  /** The business time zone: working hours, weekends and anomaly windows are local to it. */
  public static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

  /** First stage of every lead. */
  public static final String LEAD = "lead";

  /** Marketing-qualified lead. */
  public static final String MQL = "mql";

  /** Sales-qualified lead. */
  public static final String SQL = "sql";

  /** Open opportunity. */
  public static final String OPPORTUNITY = "opportunity";

  /** Won deal: the last stage of the main path. */
  public static final String WON = "won";

  /** Lost after qualification (usually to a competitor or no decision). */
  public static final String LOST = "lost";

  /** Rejected as not a fit. */
  public static final String DISQUALIFIED = "disqualified";

  /** The main path in order, the won stage last. */
  public static final List<String> MAIN_PATH = List.of(LEAD, MQL, SQL, OPPORTUNITY, WON);

  /** The lost stages. */
  public static final List<String> LOST_STAGES = List.of(LOST, DISQUALIFIED);

  /** Stages a lead can advance from: every main-path stage but won. */
  public static final List<String> ADVANCING_STAGES = MAIN_PATH.subList(0, MAIN_PATH.size() - 1);

  /** Dimension column: marketing channel the lead came from. */
  public static final String SOURCE = "source";

  /** Dimension column: customer size. */
  public static final String SEGMENT = "segment";

  /** Dimension column: the sales rep handling the lead. */
  public static final String OWNER = "owner";

  /** Dimension column: sales region. */
  public static final String REGION = "region";

  /** The dimension columns in output order. */
  public static final List<String> DIMENSIONS = List.of(SOURCE, SEGMENT, OWNER, REGION);

  /** Values of {@link #SOURCE}. */
  public static final List<String> SOURCES =
      List.of("organic", "paid_search", "referral", "events", "outbound");

  /** Values of {@link #SEGMENT}. */
  public static final List<String> SEGMENTS = List.of("smb", "mid_market", "enterprise");

  /** Values of {@link #OWNER}: ten reps, from the fastest responder (rep_01) to the slowest. */
  public static final List<String> OWNERS =
      List.of(
          "rep_01", "rep_02", "rep_03", "rep_04", "rep_05", "rep_06", "rep_07", "rep_08", "rep_09",
          "rep_10");

  /** Values of {@link #REGION}. */
  public static final List<String> REGIONS = List.of("emea", "na", "apac", "latam");

  /** The values of each dimension, in {@link #DIMENSIONS} order. */
  public static final Map<String, List<String>> VALUES = values();

  private SyntheticFunnel() {}

  private static Map<String, List<String>> values() {
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put(SOURCE, SOURCES);
    values.put(SEGMENT, SEGMENTS);
    values.put(OWNER, OWNERS);
    values.put(REGION, REGIONS);
    return java.util.Collections.unmodifiableMap(values);
  }
}
