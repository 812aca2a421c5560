package dev.funnel.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.SparkTestSession;
import dev.funnel.cli.DemoCommand;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import dev.funnel.report.ReportBuilder;
import dev.funnel.report.ReportFixture;
import dev.funnel.report.ReportRenderer;
import dev.funnel.report.WeeklyReport;
import dev.funnel.report.WeeklyReports;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The weekly report as a person sees it: opened from disk in headless Chromium (Debian's {@code
 * chromium} and {@code chromium-driver}, driven by Selenium) at desktop and phone width. Asserts no
 * console errors, no network requests, the headline and every section, every chart with a non-zero
 * size, the hostile dimension value shown as text with no script run, and no sideways scrolling at
 * 375 px. Screenshots go to {@code target/report-screenshots/}.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}; without them the test is
 * skipped, except under {@code FUNNEL_BROWSER_REQUIRED=true} (set by {@code .ci/run}), where it
 * fails.
 */
class ReportBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/report-screenshots");

  /** Height of the top-of-page screenshot (the README's). */
  static final int TOP_HEIGHT = 2000;

  static final String[] SECTIONS = {"headline", "agreement", "anomalies", "funnel", "not-judged"};

  static ChromeDriver driver;
  static Path profile;

  @BeforeAll
  static void startBrowser() throws Exception {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!installed && Boolean.parseBoolean(System.getenv("FUNNEL_BROWSER_REQUIRED"))) {
      throw new AssertionError(
          "FUNNEL_BROWSER_REQUIRED=true but " + CHROMIUM + " or " + DRIVER + " is missing");
    }
    Assumptions.assumeTrue(
        installed, "headless Chromium not installed (apt-get install chromium chromium-driver)");
    profile = Files.createTempDirectory("funnel-report-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stopBrowser() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (profile != null) {
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /** A report with several flags and the hostile value, written as the command writes it. */
  static Path fixtureReport(Path dir) {
    WeeklyReport report =
        ReportBuilder.build(
            ReportFixture.config(),
            ReportFixture.WEEK,
            ReportFixture.input(true),
            WeeklyReports.settings(ReportFixture.config()));
    return ReportRenderer.write(report, dir).html();
  }

  @Test
  void theReportReadsWellAtDesktopAndPhoneWidthWithoutNetworkOrScripts() throws Exception {
    Path html = fixtureReport(Path.of("target/report-browser"));
    Map<String, Object> desktop = look(html, 1280, 900, "fixture-desktop");
    Map<String, Object> phone = look(html, 375, 812, "fixture-phone");
    assertEquals(4L, desktop.get("charts"), "three trend charts and the funnel");
    assertEquals(4L, phone.get("charts"));
  }

  /**
   * The demo's report, as {@code demo} writes it (4,000 leads here), after a few leads whose source
   * and owner are {@code <script>alert(1)</script>} were added to its input and the night re-run
   * with {@code run --report}'s steps: they are the oldest unworked SLA breaches, so the hostile
   * owner is listed in the agreement section. The desktop screenshot is the README's.
   */
  @Test
  void theDemosReportWithAHostileOwner() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path dir = Path.of("target/report-demo").toAbsolutePath();
    deleteTree(dir);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    DemoCommand.generate(spark, dir, Long.getLong("funnel.report.demoLeads", 4000), 42, quiet);
    FunnelConfig funnel = ConfigLoader.load(dir.resolve("funnel.yaml"));
    List<String> dims = funnel.dimensions();
    StructType schema = Schemas.load(Schemas.STAGE_EVENTS, dims);
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      for (String[] event :
          new String[][] {{"lead", "2024-12-02T09:00:00Z"}, {"mql", "2024-12-02T10:00:00Z"}}) {
        Object[] cells = new Object[schema.fields().length];
        for (int c = 0; c < cells.length; c++) {
          String column = schema.fields()[c].name();
          cells[c] =
              switch (column) {
                case "lead_id" -> "hostile-" + i;
                case "stage" -> event[0];
                case "entered_at" -> java.sql.Timestamp.from(java.time.Instant.parse(event[1]));
                case "amount" -> null;
                case "source", "owner" -> ReportFixture.HOSTILE;
                default -> dims.contains(column) ? "x" : null;
              };
        }
        rows.add(RowFactory.create(cells));
      }
    }
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .parquet(dir.resolve("input/hostile").toString());
    WeeklyReports.Written written = DemoCommand.runAndReport(spark, dir, quiet);
    assertTrue(
        written.report().agreement().unworked().stream()
            .anyMatch(u -> u.owner().equals(ReportFixture.HOSTILE)),
        "the hostile owner is among the oldest unworked breaches");
    Map<String, Object> desktop = look(written.files().html(), 1280, 900, "demo-desktop");
    look(written.files().html(), 375, 812, "demo-phone");
    assertEquals((long) written.report().anomalies().size() + 1, desktop.get("charts"));
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /**
   * Opens the report at one window width, runs every assertion, saves a full-page screenshot, and
   * returns what it measured.
   */
  static Map<String, Object> look(Path html, int width, int height, String name) throws Exception {
    driver.manage().window().setSize(new Dimension(width, height));
    driver.manage().logs().get(LogType.BROWSER); // drop entries of earlier pages
    driver.manage().logs().get(LogType.PERFORMANCE);
    String url = html.toAbsolutePath().toUri().toString();
    driver.get(url);
    JavascriptExecutor js = driver;

    // The headline and every section, in the order.
    List<WebElement> sections = driver.findElements(By.cssSelector("main > section"));
    assertEquals(
        List.of(SECTIONS),
        sections.stream().map(s -> s.getAttribute("id")).toList(),
        "sections in order");
    for (WebElement s : sections) {
      assertTrue(s.isDisplayed(), s.getAttribute("id"));
      assertFalse(s.findElement(By.tagName("h2")).getText().isBlank());
    }
    String headline = driver.findElement(By.id("headline")).getText();
    assertTrue(headline.contains("critical"), headline);

    // Every chart rendered with a non-zero size.
    List<WebElement> charts = driver.findElements(By.cssSelector("svg.chart"));
    assertFalse(charts.isEmpty());
    for (WebElement chart : charts) {
      assertTrue(
          chart.getSize().getWidth() > 0 && chart.getSize().getHeight() > 0,
          "chart size " + chart.getSize());
      assertTrue(chart.getSize().getWidth() <= width, "chart fits the window");
    }

    // The hostile value is text, and no script of it ran.
    String body = driver.findElement(By.tagName("body")).getText();
    assertTrue(body.contains(ReportFixture.HOSTILE), "hostile value shown as text");
    assertEquals(0L, js.executeScript("return document.getElementsByTagName('script').length"));
    try {
      driver.switchTo().alert();
      throw new AssertionError("an alert dialog is open: a script ran");
    } catch (NoAlertPresentException expected) {
      // no dialog: nothing ran
    }

    // The layout fits the window: no sideways scrolling of the page (tables scroll inside).
    long scrollWidth = (Long) js.executeScript("return document.documentElement.scrollWidth");
    long innerWidth = (Long) js.executeScript("return window.innerWidth");
    assertTrue(
        scrollWidth <= innerWidth,
        "page " + scrollWidth + " px wide in a " + innerWidth + " px window");

    // No console errors, no network requests (the page's own file:// load aside).
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        errors.add(e.getMessage());
      }
    }
    assertEquals(List.of(), errors, "console errors or warnings");
    ObjectMapper json = new ObjectMapper();
    List<String> requests = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = json.readTree(e.getMessage()).get("message");
      if (message.get("method").asText().equals("Network.requestWillBeSent")) {
        String requested = message.at("/params/request/url").asText();
        if (!requested.equals(url)) {
          requests.add(requested);
        }
      }
    }
    assertEquals(List.of(), requests, "network requests");

    // The first screenful and the full page, for people to look at.
    driver.manage().window().setSize(new Dimension(width, TOP_HEIGHT));
    Files.copy(
        driver.getScreenshotAs(OutputType.FILE).toPath(),
        SCREENSHOTS.resolve(name + "-top.png"),
        StandardCopyOption.REPLACE_EXISTING);
    long pageHeight = (Long) js.executeScript("return document.documentElement.scrollHeight");
    driver.manage().window().setSize(new Dimension(width, (int) Math.min(pageHeight + 40, 12000)));
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    return Map.of("charts", (long) charts.size(), "height", pageHeight);
  }
}
