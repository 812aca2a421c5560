package dev.funnel.report;

import dev.funnel.config.SmtpConfig;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Sends the weekly report by e-mail (Jakarta Mail): a multipart/mixed message whose first part is a
 * multipart/alternative of the Markdown (plain text) and the HTML, followed by the JSON as an
 * attachment.
 */
public final class ReportMailer {
  /** Delivery failed: the message names the server and the reason. */
  public static final class DeliveryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliveryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ReportMailer() {}

  /** Parses {@code a@x.org,b@y.org}; throws {@link IllegalArgumentException} naming a bad one. */
  public static List<InternetAddress> recipients(String list) {
    try {
      InternetAddress[] parsed = InternetAddress.parse(list, true);
      if (parsed.length == 0) {
        throw new IllegalArgumentException("--mail-to needs at least one address");
      }
      for (InternetAddress a : parsed) {
        a.validate();
      }
      return List.of(parsed);
    } catch (AddressException e) {
      throw new IllegalArgumentException(
          "--mail-to: '" + list + "' is not a list of e-mail addresses: " + e.getMessage(), e);
    }
  }

  /**
   * Sends the report. The password is read from the environment variable the configuration names
   * ({@code env} is the process environment, passed in for tests).
   */
  public static void send(
      SmtpConfig smtp,
      Map<String, String> env,
      List<InternetAddress> to,
      WeeklyReport report,
      String html,
      String markdown,
      String json) {
    Properties props = new Properties();
    props.put("mail.smtp.host", smtp.host());
    props.put("mail.smtp.port", String.valueOf(smtp.port()));
    props.put("mail.smtp.connectiontimeout", "20000");
    props.put("mail.smtp.timeout", "30000");
    props.put("mail.smtp.writetimeout", "30000");
    if (smtp.starttls()) {
      props.put("mail.smtp.starttls.enable", "true");
      props.put("mail.smtp.starttls.required", "true");
    }
    Authenticator auth = null;
    if (smtp.user() != null) {
      String password = env.get(smtp.passwordEnv());
      if (password == null) {
        throw new DeliveryException(
            "cannot send the report: environment variable "
                + smtp.passwordEnv()
                + " (smtp.password_env) is not set",
            null);
      }
      props.put("mail.smtp.auth", "true");
      auth =
          new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
              return new PasswordAuthentication(smtp.user(), password);
            }
          };
    }
    Session session = Session.getInstance(props, auth);
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from()));
      message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
      message.setSubject(report.subject(), StandardCharsets.UTF_8.name());
      message.setSentDate(new Date());

      MimeMultipart alternative = new MimeMultipart("alternative");
      MimeBodyPart text = new MimeBodyPart();
      text.setText(markdown, StandardCharsets.UTF_8.name(), "plain");
      alternative.addBodyPart(text);
      MimeBodyPart htmlPart = new MimeBodyPart();
      htmlPart.setText(html, StandardCharsets.UTF_8.name(), "html");
      alternative.addBodyPart(htmlPart);
      MimeBodyPart body = new MimeBodyPart();
      body.setContent(alternative);

      MimeBodyPart attachment = new MimeBodyPart();
      attachment.setContent(json, "application/json; charset=UTF-8");
      attachment.setFileName(report.week() + ".json");
      attachment.setDisposition(MimeBodyPart.ATTACHMENT);

      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      mixed.addBodyPart(attachment);
      message.setContent(mixed);
      message.saveChanges();
      Transport.send(message);
    } catch (MessagingException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new DeliveryException(
          "cannot send the report to "
              + to.size()
              + " recipient(s) via "
              + smtp.host()
              + ":"
              + smtp.port()
              + ": "
              + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()),
          e);
    }
  }
}
