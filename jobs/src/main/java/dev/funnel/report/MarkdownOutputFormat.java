package dev.funnel.report;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import java.io.IOException;
import java.io.Writer;

/**
 * FreeMarker output format for Markdown with auto-escaping: every interpolated value is escaped so
 * that it renders as the same text in any CommonMark reader and never as markup. Markdown's
 * punctuation and HTML's {@code < > &} are backslash-escaped (so {@code <script>} stays text, also
 * when the Markdown is turned into HTML), {@code _} only where it could open emphasis (not inside
 * words such as {@code paid_search}), and line breaks become spaces so a value cannot end a table
 * row or start a heading.
 */
public final class MarkdownOutputFormat
    extends CommonMarkupOutputFormat<MarkdownOutputFormat.Markdown> {
  /** The single instance, registered under the name {@code Markdown}. */
  public static final MarkdownOutputFormat INSTANCE = new MarkdownOutputFormat();

  private MarkdownOutputFormat() {}

  /** Text already in Markdown. */
  public static final class Markdown extends CommonTemplateMarkupOutputModel<Markdown> {
    Markdown(String plainTextContent, String markupContent) {
      super(plainTextContent, markupContent);
    }

    @Override
    public MarkdownOutputFormat getOutputFormat() {
      return INSTANCE;
    }
  }

  @Override
  public String getName() {
    return "Markdown";
  }

  @Override
  public String getMimeType() {
    return "text/markdown";
  }

  @Override
  public void output(String textToEsc, Writer out) throws IOException {
    out.write(escapePlainText(textToEsc));
  }

  @Override
  public String escapePlainText(String text) {
    return escape(text);
  }

  @Override
  public boolean isLegacyBuiltInBypassed(String builtInName) {
    return false;
  }

  @Override
  protected Markdown newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
    return new Markdown(plainTextContent, markupContent);
  }

  /** Escapes a plain text for Markdown (see the class comment). */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\', '`', '*', '[', ']', '<', '>', '&', '|', '#', '~', '!', '{', '}' ->
            out.append('\\').append(c);
        case '_' -> {
          boolean inWord =
              i > 0
                  && i + 1 < text.length()
                  && Character.isLetterOrDigit(text.charAt(i - 1))
                  && Character.isLetterOrDigit(text.charAt(i + 1));
          if (!inWord) {
            out.append('\\');
          }
          out.append(c);
        }
        case '\r', '\n' -> out.append(' ');
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
