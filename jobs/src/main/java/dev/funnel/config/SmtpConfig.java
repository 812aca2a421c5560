package dev.funnel.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code smtp} section: where the weekly report is mailed from. The password is never in the
 * file: {@code password_env} names the environment variable that holds it.
 *
 * @param host SMTP server host
 * @param port SMTP server port (default 587 with STARTTLS, else 25)
 * @param starttls whether to upgrade the connection with STARTTLS (required when true)
 * @param user login user; null for a server without authentication
 * @param passwordEnv name of the environment variable with the password; null without user
 * @param from sender address (default: the user, else {@code funnel-report@<host>})
 */
public record SmtpConfig(
    String host, int port, boolean starttls, String user, String passwordEnv, String from)
    implements Serializable {
  private static final Set<String> KEYS =
      Set.of("host", "port", "starttls", "user", "password_env", "from");

  /** Parses the section; null when absent. */
  static SmtpConfig parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    ConfigException.check(
        node.isObject(), "key 'smtp' must be a mapping, found %s", ConfigLoader.describe(node));
    ConfigException.check(
        !node.has("password"),
        "key 'smtp.password' is not allowed: the password is never read from the file; put it in"
            + " an environment variable and name that variable in 'smtp.password_env'");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      ConfigException.check(
          KEYS.contains(key),
          "unknown key 'smtp.%s' (known keys: %s)",
          key,
          String.join(", ", new TreeSet<>(KEYS)));
    }
    String host = text(node, "host");
    ConfigException.check(host != null, "missing required key 'smtp.host'");
    JsonNode tls = node.get("starttls");
    ConfigException.check(
        tls == null || tls.isBoolean(),
        "key 'smtp.starttls' must be true or false, found %s",
        tls == null ? "" : ConfigLoader.describe(tls));
    boolean starttls = tls == null || tls.booleanValue();
    JsonNode portNode = node.get("port");
    int port = starttls ? 587 : 25;
    if (portNode != null && !portNode.isNull()) {
      ConfigException.check(
          portNode.isIntegralNumber() && portNode.intValue() > 0 && portNode.intValue() < 65536,
          "key 'smtp.port' must be a port number (1-65535), found %s",
          ConfigLoader.describe(portNode));
      port = portNode.intValue();
    }
    String user = text(node, "user");
    String passwordEnv = text(node, "password_env");
    ConfigException.check(
        user == null || passwordEnv != null,
        "key 'smtp.password_env' is required with 'smtp.user': name the environment variable"
            + " that holds the password");
    String from = text(node, "from");
    if (from == null) {
      from = user != null && user.contains("@") ? user : "funnel-report@" + host;
    }
    return new SmtpConfig(host, port, starttls, user, passwordEnv, from);
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    ConfigException.check(
        value.isTextual() && !value.asText().isBlank(),
        "key 'smtp.%s' must be a non-empty string, found %s",
        key,
        ConfigLoader.describe(value));
    return value.asText().trim();
  }
}
