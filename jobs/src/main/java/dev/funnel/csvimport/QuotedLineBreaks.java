package dev.funnel.csvimport;

/**
 * Finds lines that end inside a quoted field, the way the CSV reader splits fields (a field is
 * quoted when it starts with {@code "}; inside it, {@code ""} is a quote; elsewhere quotes are
 * literal). Such a line is a record with a quoted line break, or an unclosed quote: either way the
 * line on its own is not a whole record.
 */
public final class QuotedLineBreaks {
  private QuotedLineBreaks() {}

  /** True when {@code line} ends inside a quoted field. */
  public static boolean endsInsideQuotes(String line, char delimiter) {
    boolean fieldStart = true;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            i++;
          } else {
            quoted = false;
          }
        }
      } else if (c == delimiter) {
        fieldStart = true;
        continue;
      } else if (fieldStart && c == '"') {
        quoted = true;
      }
      fieldStart = false;
    }
    return quoted;
  }
}
