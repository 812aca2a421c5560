package dev.funnel.csvimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The plain-Java cell parsers of the import: timestamps, amounts, quoted line breaks. */
class ParsersTest {
  private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void isoTimestampsWithAndWithoutOffsetAndTime() {
    TimestampParser iso = new TimestampParser(null, BERLIN);
    assertEquals(Instant.parse("2024-01-04T23:00:00Z"), iso.parse("2024-01-05"));
    assertEquals(Instant.parse("2024-01-05T09:30:00Z"), iso.parse("2024-01-05T10:30"));
    assertEquals(Instant.parse("2024-07-05T08:30:15.250Z"), iso.parse("2024-07-05 10:30:15.25"));
    assertEquals(Instant.parse("2024-01-05T07:30:00Z"), iso.parse("2024-01-05T10:30:00+03:00"));
    assertEquals(Instant.parse("2024-01-05T10:30:00Z"), iso.parse(" 2024-01-05T10:30:00.000Z "));
    for (String bad : new String[] {"2024-02-30", "05.01.2024", "2024-01-05T25:00", "x"}) {
      assertThrows(DateTimeException.class, () -> iso.parse(bad), bad);
    }
  }

  @Test
  void patternsAreStrictAndYyyyIsTheYear() {
    TimestampParser ru = new TimestampParser("dd.MM.yyyy HH:mm", MOSCOW);
    assertEquals(Instant.parse("2024-03-01T07:15:00Z"), ru.parse("01.03.2024 10:15"));
    assertThrows(DateTimeException.class, () -> ru.parse("31.04.2024 10:00"));
    assertThrows(DateTimeException.class, () -> ru.parse("1.3.2024 10:15"));
    assertThrows(DateTimeException.class, () -> ru.parse("01.03.2024"));
    TimestampParser us = new TimestampParser("MM/dd/yyyy h:mm a", ZoneId.of("America/New_York"));
    assertEquals(Instant.parse("2024-03-13T14:05:00Z"), us.parse("03/13/2024 10:05 AM"));
    // Optional sections: a date alone is midnight.
    TimestampParser optional = new TimestampParser("yyyy-MM-dd[ HH:mm:ss]", BERLIN);
    assertEquals(Instant.parse("2024-01-04T23:00:00Z"), optional.parse("2024-01-05"));
    assertEquals(Instant.parse("2024-01-05T00:00:01Z"), optional.parse("2024-01-05 01:00:01"));
  }

  @Test
  void daylightSavingGapsMoveForwardAndOverlapsTakeTheEarlierOffset() {
    TimestampParser berlin = new TimestampParser("yyyy-MM-dd HH:mm", BERLIN);
    // 2024-03-31 02:30 does not exist in Berlin (02:00 -> 03:00): it is 03:30 CEST = 01:30Z.
    assertEquals(Instant.parse("2024-03-31T01:30:00Z"), berlin.parse("2024-03-31 02:30"));
    // 2024-10-27 02:30 happens twice: the first, CEST, is 00:30Z.
    assertEquals(Instant.parse("2024-10-27T00:30:00Z"), berlin.parse("2024-10-27 02:30"));
  }

  @Test
  void patternsWithoutADateAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TimestampParser.formatter("HH:mm"));
    assertThrows(IllegalArgumentException.class, () -> TimestampParser.formatter("MM.yyyy"));
    assertThrows(IllegalArgumentException.class, () -> TimestampParser.formatter("dd.MM.yyyy {"));
  }

  @Test
  void amountsWithEitherDecimalMark() {
    AmountParser dot = new AmountParser('.');
    assertEquals(1234.5, dot.parse("1234.5"));
    assertEquals(8000.0, dot.parse("8,000.00"));
    assertEquals(-1234567.25, dot.parse("-1,234,567.25"));
    assertEquals(1500.0, dot.parse("1.5E3"));
    assertEquals(150000.5, dot.parse("150 000.50"));
    AmountParser comma = new AmountParser(',');
    assertEquals(150000.5, comma.parse("150 000,50"));
    assertEquals(150000.5, comma.parse("150\u00A0000,50"));
    assertEquals(1234.5, comma.parse("1.234,5"));
    assertEquals(148500.0, comma.parse("148 500"));
    assertEquals(12.5, comma.parse("+12,5"));
    for (String bad : new String[] {"12,5,0", "1,2345.0", "n/a", "12.5", "1 23,0", "NaN", "€5"}) {
      assertThrows(NumberFormatException.class, () -> comma.parse(bad), bad);
    }
    assertThrows(NumberFormatException.class, () -> dot.parse("1e999"));
    assertThrows(NumberFormatException.class, () -> dot.parse("12,34"));
  }

  @Test
  void linesEndingInsideQuotes() {
    assertFalse(QuotedLineBreaks.endsInsideQuotes("a,\"b,c\",d", ','));
    assertFalse(QuotedLineBreaks.endsInsideQuotes("a,\"say \"\"hi\"\"\",d", ','));
    assertFalse(QuotedLineBreaks.endsInsideQuotes("a,5\" screen,d", ','));
    assertFalse(QuotedLineBreaks.endsInsideQuotes("\"\"", ','));
    assertTrue(QuotedLineBreaks.endsInsideQuotes("a,\"two", ','));
    assertTrue(QuotedLineBreaks.endsInsideQuotes("a;\"x;\"\"", ';'));
    assertFalse(QuotedLineBreaks.endsInsideQuotes("a;\"x;\"\"", ','), "not a field start");
  }
}
