package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.ChildJvm;
import dev.funnel.io.TablePublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The shipped log configuration and the progress lines, as a data engineer greps them. */
class LogFormatTest {
  @TempDir Path tmp;

  /** Logs what a run logs: progress lines, a warning and an error of the job's own loggers. */
  public static final class Emit {
    private Emit() {}

    /** Emits one line of each kind. */
    public static void main(String[] args) {
      Progress progress = new Progress();
      progress.done("validate input", 1_234_567L);
      progress.done("publish");
      LoggerFactory.getLogger(TablePublisher.class).warn("finishing the publication of run r1");
      LoggerFactory.getLogger("dev.funnel.cli.FunnelMain").error("command failed");
      LoggerFactory.getLogger("org.apache.spark.SparkContext").warn("a Spark warning");
      LoggerFactory.getLogger("org.apache.spark.SparkContext").info("Spark chatter");
    }
  }

  @Test
  void warningsAndErrorsCarryLevelLoggerAndDateProgressLinesStayShort() throws Exception {
    Path config = Path.of(Progress.class.getResource("/log4j2.properties").toURI());
    Process child =
        ChildJvm.startMain(
            tmp,
            List.of(
                "-Dlog4j2.configurationFile=" + config,
                // A locale with other digit grouping and decimal signs.
                "-Duser.language=de",
                "-Duser.country=DE"),
            Emit.class.getName());
    assertTrue(child.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, child.exitValue(), Files.readString(tmp.resolve("stderr.txt")));
    List<String> lines =
        Files.readAllLines(tmp.resolve("stderr.txt")).stream()
            .filter(l -> l.matches("^\\d{4}-.*"))
            .toList();
    String date = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ";
    assertEquals(5, lines.size(), String.join("\n", lines));
    assertTrue(
        lines.get(0).matches(date + "validate input +1,234,567 rows +\\d+\\.\\d s"), lines.get(0));
    assertTrue(lines.get(1).matches(date + "publish +\\d+\\.\\d s"), lines.get(1));
    // Short: the progress text after the timestamp fits in 60 characters.
    assertTrue(lines.get(0).length() - 20 <= 60, lines.get(0));
    assertTrue(
        lines.get(2).matches(date + "WARN  TablePublisher: finishing the publication of run r1"),
        lines.get(2));
    assertTrue(lines.get(3).matches(date + "ERROR FunnelMain: command failed"), lines.get(3));
    assertTrue(lines.get(4).matches(date + "WARN  SparkContext: a Spark warning"), lines.get(4));
  }

  @Test
  void progressLinesDoNotDependOnTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      for (Locale locale : List.of(Locale.GERMANY, Locale.FRANCE, new Locale("hi", "IN"))) {
        Locale.setDefault(locale);
        assertEquals(
            "lead pass                  12,345,678 rows     12.5 s",
            Progress.line("lead pass", 12_345_678L, 12.46),
            locale.toString());
        assertEquals(
            "publish                                         0.3 s",
            Progress.line("publish", null, 0.25),
            locale.toString());
      }
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void progressKeepsEveryPhaseForTheManifest() {
    Progress progress = new Progress();
    progress.done("validate input", 10);
    progress.done("publish");
    assertEquals(List.of("validate input", "publish"), List.copyOf(progress.phases().keySet()));
    assertEquals(10L, progress.phases().get("validate input").get("rows"));
    assertEquals(List.of("seconds"), List.copyOf(progress.phases().get("publish").keySet()));
    assertTrue((double) progress.phases().get("publish").get("seconds") >= 0);
  }
}
