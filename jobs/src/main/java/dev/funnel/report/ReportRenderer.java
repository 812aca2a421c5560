package dev.funnel.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays the {@link WeeklyReport} out as HTML and Markdown (FreeMarker templates with auto-escaping)
 * and serialises it as JSON, and writes the three files.
 */
public final class ReportRenderer {
  private static final Configuration FREEMARKER = freemarker();
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportRenderer() {}

  /** The three files of one report. */
  public record ReportFiles(Path html, Path markdown, Path json) {}

  private static Configuration freemarker() {
    Configuration cfg = new Configuration(Configuration.VERSION_2_3_35);
    cfg.setClassForTemplateLoading(ReportRenderer.class, "/report");
    cfg.setDefaultEncoding("UTF-8");
    cfg.setLocale(Locale.UK);
    // .ftlh templates are HTML with auto-escaping; the Markdown template names its own format.
    cfg.setRecognizeStandardFileExtensions(true);
    cfg.setRegisteredCustomOutputFormats(List.of(MarkdownOutputFormat.INSTANCE));
    cfg.setAutoEscapingPolicy(Configuration.ENABLE_IF_SUPPORTED_AUTO_ESCAPING_POLICY);
    cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    cfg.setLogTemplateExceptions(false);
    cfg.setWrapUncheckedExceptions(true);
    cfg.setFallbackOnNullLoopVariable(false);
    return cfg;
  }

  /** The self-contained HTML page. */
  public static String html(WeeklyReport report) {
    return render("report.ftlh", report);
  }

  /** The same content as Markdown, tables instead of charts. */
  public static String markdown(WeeklyReport report) {
    return render("report.ftlmd", report);
  }

  /** The figures as JSON (the model without its SVG). */
  public static String json(WeeklyReport report) {
    try {
      return JSON.writeValueAsString(report) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the report", e);
    }
  }

  /** Writes {@code DIR/reports/<week>.html}, {@code .md} and {@code .json} (each atomically). */
  public static ReportFiles write(WeeklyReport report, Path dir) {
    Path reports = dir.resolve("reports");
    Path html = reports.resolve(report.week() + ".html");
    Path md = reports.resolve(report.week() + ".md");
    Path json = reports.resolve(report.week() + ".json");
    try {
      Files.createDirectories(reports);
      writeAtomically(html, html(report));
      writeAtomically(md, markdown(report));
      writeAtomically(json, json(report));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report under " + reports, e);
    }
    return new ReportFiles(html, md, json);
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String render(String name, WeeklyReport report) {
    try {
      Template template = FREEMARKER.getTemplate(name);
      StringWriter out = new StringWriter();
      template.process(Map.of("r", report), out);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load report template " + name, e);
    } catch (TemplateException e) {
      throw new IllegalStateException("report template " + name + " failed: " + e.getMessage(), e);
    }
  }
}
