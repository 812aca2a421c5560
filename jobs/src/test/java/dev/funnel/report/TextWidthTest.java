package dev.funnel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Terminal widths of names in the summary. */
class TextWidthTest {
  @Test
  void widths() {
    assertEquals(14, TextWidth.of("квалифицирован"));
    assertEquals(6, TextWidth.of("región"));
    assertEquals(6, TextWidth.of("regio\u0301n"), "a combining accent takes no column");
    assertEquals(4, TextWidth.of("渠道"), "CJK characters take two");
    assertEquals("заявка    |", TextWidth.padRight("заявка", 10) + "|");
    assertEquals("  渠道|", TextWidth.padLeft("渠道", 6) + "|");
  }
}
