package dev.funnel.report;

/**
 * The width of text in a terminal's columns, so tables of the summary stay aligned whatever the
 * names: one column per character (Cyrillic, Greek, accented Latin alike, however many UTF-16 units
 * or bytes), none for combining marks and zero-width characters, two for East Asian wide characters
 * (CJK, Hangul, kana, fullwidth forms).
 */
public final class TextWidth {
  private TextWidth() {}

  /** The number of terminal columns the text takes. */
  public static int of(String text) {
    int width = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      width += width(cp);
    }
    return width;
  }

  /** The text followed by spaces up to {@code columns} terminal columns. */
  public static String padRight(String text, int columns) {
    return text + " ".repeat(Math.max(0, columns - of(text)));
  }

  /** Spaces up to {@code columns} terminal columns followed by the text. */
  public static String padLeft(String text, int columns) {
    return " ".repeat(Math.max(0, columns - of(text))) + text;
  }

  private static int width(int cp) {
    int type = Character.getType(cp);
    if (type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.FORMAT
        || cp == 0x200B) {
      return 0;
    }
    if ((cp >= 0x1100 && cp <= 0x115F)
        || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F)
        || (cp >= 0xAC00 && cp <= 0xD7A3)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0xFE30 && cp <= 0xFE4F)
        || (cp >= 0xFF00 && cp <= 0xFF60)
        || (cp >= 0xFFE0 && cp <= 0xFFE6)
        || (cp >= 0x1F300 && cp <= 0x1F64F)
        || (cp >= 0x20000 && cp <= 0x3FFFD)) {
      return 2;
    }
    return 1;
  }
}
