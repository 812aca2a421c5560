package dev.funnel.csvimport;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an export's amounts with a configured decimal mark: {@code 1234.5}, {@code -1 234,50}
 * (spaces, no-break and thin spaces group digits), {@code 1,234.50} or {@code 1.234,50} (the other
 * mark groups digits in threes), {@code 1.5E3}. Anything else, and non-finite values, is an error.
 */
public final class AmountParser implements Serializable {
  private static final long serialVersionUID = 1L;

  private final char decimal;
  private final Pattern pattern;

  /** A parser for the decimal mark {@code '.'} or {@code ','}. */
  public AmountParser(char decimal) {
    if (decimal != '.' && decimal != ',') {
      throw new IllegalArgumentException("decimal mark must be '.' or ',', found " + decimal);
    }
    this.decimal = decimal;
    String mark = Pattern.quote(String.valueOf(decimal));
    String group = Pattern.quote(decimal == '.' ? "," : ".");
    this.pattern =
        Pattern.compile(
            "([+-]?)(\\d{1,3}(?:"
                + group
                + "\\d{3})+|\\d{1,3}(?:[ \\u00A0\\u202F\\u2009]\\d{3})+|\\d+)(?:"
                + mark
                + "(\\d+))?(?:[eE]([+-]?\\d{1,3}))?");
  }

  /** The amount of a non-blank cell; throws {@link NumberFormatException} when it is not one. */
  public double parse(String value) {
    Matcher m = pattern.matcher(value.trim());
    if (!m.matches()) {
      throw new NumberFormatException("not a number with decimal mark '" + decimal + "'");
    }
    String digits = m.group(2).replaceAll("[^0-9]", "");
    StringBuilder plain = new StringBuilder(m.group(1)).append(digits);
    if (m.group(3) != null) {
      plain.append('.').append(m.group(3));
    }
    if (m.group(4) != null) {
      plain.append('E').append(m.group(4));
    }
    double amount = Double.parseDouble(plain.toString());
    if (!Double.isFinite(amount)) {
      throw new NumberFormatException("out of range");
    }
    return amount;
  }
}
