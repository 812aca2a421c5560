package dev.funnel.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.report.ReportBuilder;
import dev.funnel.report.ReportFixture;
import dev.funnel.report.ReportRenderer;
import dev.funnel.report.WeeklyReport;
import dev.funnel.report.WeeklyReports;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
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

    // A full-page screenshot for people to look at.
    long pageHeight = (Long) js.executeScript("return document.documentElement.scrollHeight");
    driver.manage().window().setSize(new Dimension(width, (int) Math.min(pageHeight + 40, 12000)));
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    return Map.of("charts", (long) charts.size(), "height", pageHeight);
  }
}
