package dev.funnel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.funnel.config.SmtpConfig;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The report mailed to an in-process SMTP server (GreenMail). */
class ReportMailTest {
  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withConfiguration(
              GreenMailConfiguration.aConfig().withUser("reports@example.com", "s3cret"));

  private SmtpConfig smtp() {
    return new SmtpConfig(
        "127.0.0.1",
        SMTP.getSmtp().getPort(),
        false,
        "reports@example.com",
        "FUNNEL_TEST_SMTP_PASSWORD",
        "reports@example.com");
  }

  @Test
  void sendsHtmlWithAMarkdownAlternativeAndTheJsonAttached() throws Exception {
    WeeklyReport report =
        ReportBuilder.build(
            ReportFixture.config(),
            ReportFixture.WEEK,
            ReportFixture.input(true),
            WeeklyReports.settings(ReportFixture.config()));
    String html = ReportRenderer.html(report);
    String markdown = ReportRenderer.markdown(report);
    String json = ReportRenderer.json(report);
    ReportMailer.send(
        smtp(),
        Map.of("FUNNEL_TEST_SMTP_PASSWORD", "s3cret"),
        ReportMailer.recipients("manager@example.com, sales-lead@example.com"),
        report,
        html,
        markdown,
        json);

    MimeMessage[] received = SMTP.getReceivedMessages();
    assertEquals(2, received.length, "one delivery per recipient");
    MimeMessage message = received[0];
    assertEquals("Funnel report 2026-W48: 2 critical, 1 warning", message.getSubject());
    assertEquals(
        List.of("manager@example.com", "sales-lead@example.com"),
        Arrays.stream(message.getAllRecipients()).map(Address::toString).toList());
    assertEquals("reports@example.com", message.getFrom()[0].toString());

    MimeMultipart mixed = (MimeMultipart) message.getContent();
    assertTrue(mixed.getContentType().startsWith("multipart/mixed"), mixed.getContentType());
    assertEquals(2, mixed.getCount());
    MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
    assertTrue(alternative.getContentType().startsWith("multipart/alternative"));
    assertEquals(2, alternative.getCount());
    BodyPart text = alternative.getBodyPart(0);
    BodyPart htmlPart = alternative.getBodyPart(1);
    assertTrue(text.isMimeType("text/plain"), text.getContentType());
    assertTrue(htmlPart.isMimeType("text/html"), htmlPart.getContentType());
    assertEquals(markdown.strip(), ((String) text.getContent()).strip().replace("\r\n", "\n"));
    assertEquals(html.strip(), ((String) htmlPart.getContent()).strip().replace("\r\n", "\n"));
    assertTrue(((String) htmlPart.getContent()).contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    BodyPart attachment = mixed.getBodyPart(1);
    assertEquals(Part.ATTACHMENT, attachment.getDisposition());
    assertEquals("2026-W48.json", attachment.getFileName());
    assertTrue(attachment.isMimeType("application/json"), attachment.getContentType());
    String attached;
    try (InputStream in = attachment.getInputStream()) {
      attached = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals("2026-W48", new ObjectMapper().readTree(attached).get("week").asText());
    assertEquals(2, new ObjectMapper().readTree(attached).at("/headline/critical").asInt());
  }

  @Test
  void aMissingPasswordVariableIsADeliveryFailureNamingIt() {
    WeeklyReport report =
        ReportBuilder.build(
            ReportFixture.config(),
            ReportFixture.WEEK,
            ReportFixture.input(false),
            WeeklyReports.settings(ReportFixture.config()));
    ReportMailer.DeliveryException e =
        assertThrows(
            ReportMailer.DeliveryException.class,
            () ->
                ReportMailer.send(
                    smtp(),
                    Map.of(),
                    ReportMailer.recipients("manager@example.com"),
                    report,
                    "<p>x</p>",
                    "x",
                    "{}"));
    assertEquals(
        "cannot send the report: environment variable FUNNEL_TEST_SMTP_PASSWORD"
            + " (smtp.password_env) is not set",
        e.getMessage());
    assertEquals(0, SMTP.getReceivedMessages().length);
  }
}
