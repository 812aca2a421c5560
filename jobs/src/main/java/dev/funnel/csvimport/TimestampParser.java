package dev.funnel.csvimport;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * Parses an export's timestamps to instants: a java.time pattern (or ISO-8601 when none is
 * configured), strictly (31.02. is an error, not 29.02.), in a zone for values without an offset.
 */
public final class TimestampParser implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * ISO-8601: a date, optionally 'T' (or one space) and a time, optionally an offset or Z:
   * 2024-01-05, 2024-01-05T10:00, 2024-01-05 10:00:30.5, 2024-01-05T10:00:00+03:00.
   */
  private static final DateTimeFormatter ISO =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffsetId()
          .optionalEnd()
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withChronology(IsoChronology.INSTANCE)
          .withResolverStyle(ResolverStyle.STRICT);

  private final String pattern;
  private final ZoneId zone;
  private transient DateTimeFormatter formatter;

  /** A parser of {@code pattern} (null: ISO-8601) with {@code zone} for local values. */
  public TimestampParser(String pattern, ZoneId zone) {
    this.pattern = pattern;
    this.zone = zone;
    this.formatter = formatter(pattern);
  }

  /**
   * The strict formatter of a java.time pattern (null: ISO-8601). {@code yyyy} means the year of
   * the current era, as users write it. Throws {@link IllegalArgumentException} when the pattern is
   * invalid or has no year, month and day.
   */
  public static DateTimeFormatter formatter(String pattern) {
    if (pattern == null) {
      return ISO;
    }
    DateTimeFormatter built =
        new DateTimeFormatterBuilder()
            .appendPattern(pattern)
            .parseDefaulting(ChronoField.ERA, 1)
            .toFormatter(Locale.ROOT)
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);
    // A round trip of a known instant shows whether the pattern carries a whole date.
    java.time.ZonedDateTime probe =
        java.time.ZonedDateTime.of(2024, 11, 28, 13, 45, 30, 0, java.time.ZoneOffset.UTC);
    String text;
    try {
      text = built.format(probe);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    LocalDate date;
    try {
      date = built.parse(text).query(TemporalQueries.localDate());
    } catch (DateTimeException e) {
      date = null;
    }
    if (date == null || !date.equals(probe.toLocalDate())) {
      throw new IllegalArgumentException("it must contain the year, the month and the day");
    }
    return built;
  }

  /**
   * The instant of a timestamp: values with an offset are exact; values without one are wall-clock
   * times of the zone (a date alone is its midnight; a time in a daylight-saving gap moves forward
   * by the gap, an ambiguous one takes the earlier offset). Throws {@link DateTimeException} when
   * the value does not match.
   */
  public Instant parse(String value) {
    String text = value.trim();
    if (pattern == null && text.length() > 10 && text.charAt(10) == ' ') {
      text = text.substring(0, 10) + 'T' + text.substring(11);
    }
    TemporalAccessor parsed = formatter().parse(text);
    LocalDate date = parsed.query(TemporalQueries.localDate());
    LocalTime time = parsed.query(TemporalQueries.localTime());
    java.time.ZoneOffset offset = parsed.query(TemporalQueries.offset());
    ZoneId parsedZone = parsed.query(TemporalQueries.zoneId());
    java.time.LocalDateTime local = date.atTime(time == null ? LocalTime.MIDNIGHT : time);
    if (offset != null) {
      return local.toInstant(offset);
    }
    return local.atZone(parsedZone != null ? parsedZone : zone).toInstant();
  }

  /** The configured pattern, or "ISO-8601". */
  public String describe() {
    return pattern == null ? "ISO-8601" : pattern;
  }

  private DateTimeFormatter formatter() {
    if (formatter == null) {
      formatter = formatter(pattern);
    }
    return formatter;
  }
}
