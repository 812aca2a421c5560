package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.funnel.calendar.Grain;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses the {@code sla}, {@code business_hours} and {@code targets} sections. */
final class AgreementConfig {
  private static final Set<String> SLA_KEYS = Set.of("name", "stage", "within_hours", "clock");
  private static final Set<String> HOURS_KEYS = Set.of("days", "start", "end", "holidays");
  private static final Set<String> TARGET_KEYS =
      Set.of("name", "stage", "period", "leads", "amount", "currency");
  private static final Map<String, DayOfWeek> DAYS =
      Map.of(
          "MON", DayOfWeek.MONDAY,
          "TUE", DayOfWeek.TUESDAY,
          "WED", DayOfWeek.WEDNESDAY,
          "THU", DayOfWeek.THURSDAY,
          "FRI", DayOfWeek.FRIDAY,
          "SAT", DayOfWeek.SATURDAY,
          "SUN", DayOfWeek.SUNDAY);

  /** Longest SLA limit: ten years of hours. */
  static final double MAX_WITHIN_HOURS = 87_600;

  /** Largest lead-count goal. */
  static final double MAX_TARGET_LEADS = 1e12;

  /** Largest amount goal (any currency); also keeps sums of amounts exact to the cent. */
  static final double MAX_TARGET_AMOUNT = 1e15;

  private AgreementConfig() {}

  /** The item's name, which no earlier item of the list (names so far in {@code names}) has. */
  private static String uniqueName(JsonNode item, String at, Set<String> names, String kind) {
    String name = text(item, at, "name", null);
    ConfigException.check(
        names.add(name), "key '%s.name': %s '%s' is defined twice", at, kind, name);
    return name;
  }

  static List<SlaDefinition> slas(JsonNode node, FunnelStages stages) {
    List<SlaDefinition> slas = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode item : items(node, "sla")) {
      String at = "sla[" + slas.size() + "]";
      checkKeys(item, at, SLA_KEYS);
      String name = uniqueName(item, at, names, "sla");
      String stage = stage(item, at, stages);
      int code = stages.code(stage);
      ConfigException.check(
          stages.isMainPath(code) && !stages.isTerminal(code),
          "key '%s.stage': stage '%s' is terminal; an SLA needs a stage that leads are worked out"
              + " of (one of %s)",
          at,
          stage,
          stages.mainPath().subList(0, stages.nonTerminalCount()));
      double within = positiveNumber(item, at, "within_hours");
      ConfigLoader.checkAtMost(at + ".within_hours", within, MAX_WITHIN_HOURS, "hours (ten years)");
      String clock = text(item, at, "clock", "calendar");
      ConfigException.check(
          clock.equals("calendar") || clock.equals("business"),
          "key '%s.clock' must be calendar or business, found '%s'",
          at,
          clock);
      slas.add(
          new SlaDefinition(
              name,
              stage,
              within,
              clock.equals("business")
                  ? SlaDefinition.Clock.BUSINESS
                  : SlaDefinition.Clock.CALENDAR));
    }
    return slas;
  }

  static BusinessHours businessHours(JsonNode node, List<SlaDefinition> slas) {
    if (node == null || node.isNull()) {
      for (SlaDefinition sla : slas) {
        ConfigException.check(
            sla.clock() != SlaDefinition.Clock.BUSINESS,
            "key 'business_hours' is required: sla '%s' uses clock: business",
            sla.name());
      }
      return null;
    }
    ConfigException.check(
        node.isObject(),
        "key 'business_hours' must be a mapping, found %s",
        ConfigLoader.describe(node));
    checkKeys(node, "business_hours", HOURS_KEYS);
    Set<DayOfWeek> days = new LinkedHashSet<>();
    JsonNode dayList = node.get("days");
    if (dayList == null || dayList.isNull()) {
      days.addAll(BusinessHours.standard().days());
    } else {
      ConfigException.check(
          dayList.isArray() && dayList.size() > 0,
          "key 'business_hours.days' must be a non-empty list of MON..SUN, found %s",
          ConfigLoader.describe(dayList));
      for (JsonNode day : dayList) {
        DayOfWeek d = DAYS.get(day.asText().trim().toUpperCase(java.util.Locale.ROOT));
        ConfigException.check(
            day.isTextual() && d != null,
            "key 'business_hours.days': '%s' is not one of MON, TUE, WED, THU, FRI, SAT, SUN",
            day.asText());
        days.add(d);
      }
    }
    LocalTime start = time(node, "start");
    LocalTime end = time(node, "end");
    ConfigException.check(
        start.isBefore(end), "key 'business_hours': start %s must be before end %s", start, end);
    Set<LocalDate> holidays = new HashSet<>();
    JsonNode list = node.get("holidays");
    if (list != null && !list.isNull()) {
      ConfigException.check(
          list.isArray(),
          "key 'business_hours.holidays' must be a list of dates, found %s",
          ConfigLoader.describe(list));
      for (JsonNode day : list) {
        try {
          holidays.add(LocalDate.parse(day.asText()));
        } catch (DateTimeException e) {
          throw ConfigException.of(
              "key 'business_hours.holidays': '%s' is not a date (YYYY-MM-DD)", day.asText());
        }
      }
    }
    return new BusinessHours(days, start, end, holidays);
  }

  static List<TargetDefinition> targets(JsonNode node, FunnelStages stages) {
    List<TargetDefinition> targets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode item : items(node, "targets")) {
      String at = "targets[" + targets.size() + "]";
      checkKeys(item, at, TARGET_KEYS);
      String name = uniqueName(item, at, names, "target");
      String stage = stage(item, at, stages);
      String period = text(item, at, "period", "month");
      ConfigException.check(
          period.equals("month") || period.equals("week"),
          "key '%s.period' must be week or month, found '%s'",
          at,
          period);
      boolean leads = item.has("leads");
      boolean amount = item.has("amount");
      ConfigException.check(
          leads != amount,
          "target '%s' needs exactly one of 'leads' (a count goal) or 'amount' (a value goal)",
          name);
      String currency = amount ? text(item, at, "currency", "") : null;
      ConfigException.check(
          amount || !item.has("currency"), "key '%s.currency' only goes with an 'amount' goal", at);
      targets.add(
          new TargetDefinition(
              name,
              stage,
              Grain.fromLabel(period),
              leads ? TargetDefinition.Kind.LEADS : TargetDefinition.Kind.AMOUNT,
              bounded(item, at, leads),
              currency == null || currency.isEmpty() ? null : currency));
    }
    return targets;
  }

  /** A target's goal: a positive count of at most 10^12 leads, or a positive, finite amount. */
  private static double bounded(JsonNode item, String at, boolean leads) {
    String key = leads ? "leads" : "amount";
    double goal = positiveNumber(item, at, key);
    ConfigLoader.checkAtMost(
        at + "." + key, goal, leads ? MAX_TARGET_LEADS : MAX_TARGET_AMOUNT, leads ? "leads" : "");
    return goal;
  }

  private static List<JsonNode> items(JsonNode node, String key) {
    List<JsonNode> items = new ArrayList<>();
    if (node == null || node.isNull()) {
      return items;
    }
    ConfigException.check(
        node.isArray(), "key '%s' must be a list, found %s", key, ConfigLoader.describe(node));
    for (JsonNode item : node) {
      ConfigException.check(
          item.isObject(),
          "key '%s[%d]' must be a mapping, found %s",
          key,
          items.size(),
          ConfigLoader.describe(item));
      items.add(item);
    }
    return items;
  }

  /** Rejects a key of the mapping {@code item} (at {@code at}) that is not in {@code known}. */
  static void checkKeys(JsonNode item, String at, Set<String> known) {
    for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      ConfigException.check(
          known.contains(key),
          "unknown key '%s.%s' (known keys: %s)",
          at,
          key,
          String.join(", ", new java.util.TreeSet<>(known)));
    }
  }

  private static String text(JsonNode item, String at, String key, String defaultValue) {
    JsonNode node = item.get(key);
    if (node == null || node.isNull()) {
      ConfigException.check(defaultValue != null, "missing required key '%s.%s'", at, key);
      return defaultValue;
    }
    ConfigException.check(
        node.isTextual() && !node.asText().isBlank(),
        "key '%s.%s' must be a non-empty string, found %s",
        at,
        key,
        ConfigLoader.describe(node));
    return node.asText().trim();
  }

  private static String stage(JsonNode item, String at, FunnelStages stages) {
    String stage = text(item, at, "stage", null);
    ConfigException.check(
        stages.code(stage) >= 0,
        "key '%s.stage': stage '%s' is not defined (stages: %s)",
        at,
        stage,
        stages.all());
    return stage;
  }

  private static double positiveNumber(JsonNode item, String at, String key) {
    JsonNode node = item.get(key);
    ConfigException.check(node != null && !node.isNull(), "missing required key '%s.%s'", at, key);
    ConfigException.check(
        node.isNumber(),
        "key '%s.%s' must be a number, found %s",
        at,
        key,
        ConfigLoader.describe(node));
    ConfigException.check(
        node.doubleValue() > 0, "key '%s.%s' must be positive, found %s", at, key, node);
    return node.doubleValue();
  }

  private static LocalTime time(JsonNode node, String key) {
    JsonNode value = node.get(key);
    ConfigException.check(
        value != null && !value.isNull(), "missing required key 'business_hours.%s'", key);
    ConfigException.check(
        value.isTextual(),
        "key 'business_hours.%s' must be a quoted time such as \"09:00\", found %s",
        key,
        ConfigLoader.describe(value));
    try {
      return LocalTime.parse(value.asText());
    } catch (DateTimeException e) {
      throw ConfigException.of(
          "key 'business_hours.%s' must be a time HH:MM, found %s",
          key, ConfigLoader.describe(value));
    }
  }
}
