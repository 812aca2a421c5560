package dev.funnel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The {@code smtp} section: defaults and keyed errors; the password never in the file. */
class SmtpConfigTest {
  static final String BASE =
      "name: t\ntimezone: Europe/Berlin\nstages: [lead, mql, won]\nconversion_window_days: 30\n";

  static FunnelConfig parse(String smtp) {
    return ConfigLoader.parse(BASE + smtp, "test.yaml");
  }

  static String error(String smtp) {
    return assertThrows(ConfigException.class, () -> parse(smtp)).getMessage();
  }

  @Test
  void absentIsNull() {
    assertNull(parse("").smtp());
  }

  @Test
  void defaults() {
    assertEquals(
        new SmtpConfig("mail.example.com", 587, true, null, null, "funnel-report@mail.example.com"),
        parse("smtp: {host: mail.example.com}\n").smtp());
    assertEquals(
        new SmtpConfig("mx", 25, false, "bot@example.com", "SMTP_PW", "bot@example.com"),
        parse("smtp: {host: mx, starttls: false, user: bot@example.com, password_env: SMTP_PW}\n")
            .smtp());
    assertEquals(
        2525, parse("smtp: {host: mx, port: 2525, from: reports@example.com}\n").smtp().port());
  }

  @Test
  void keyedErrors() {
    assertEquals(
        "key 'smtp.password' is not allowed: the password is never read from the file; put it in"
            + " an environment variable and name that variable in 'smtp.password_env'",
        error("smtp: {host: mx, user: u, password: hunter2}\n"));
    assertEquals("missing required key 'smtp.host'", error("smtp: {port: 25}\n"));
    assertEquals(
        "key 'smtp.password_env' is required with 'smtp.user': name the environment variable that"
            + " holds the password",
        error("smtp: {host: mx, user: u}\n"));
    assertEquals(
        "key 'smtp.port' must be a port number (1-65535), found 70000",
        error("smtp: {host: mx, port: 70000}\n"));
    assertEquals(
        "key 'smtp.starttls' must be true or false, found 'yes please'",
        error("smtp: {host: mx, starttls: yes please}\n"));
    assertEquals(
        "unknown key 'smtp.hots' (known keys: from, host, password_env, port, starttls, user)",
        error("smtp: {host: mx, hots: x}\n"));
  }
}
