package dev.funnel.io;

import dev.funnel.config.ConfigException;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the funnel configuration through Hadoop's FileSystem, so that {@code --config} may be a
 * local path or an {@code hdfs://}, {@code s3a://} or {@code file://} URI. The driver reads it; the
 * jobs receive the validated {@link FunnelConfig} as values, never the path.
 */
public final class ConfigSource {
  private ConfigSource() {}

  /**
   * Where {@code run} keeps a copy of the configuration of its latest successful run, so that
   * {@code report --output DIR} needs no {@code --config} (the configuration never holds the SMTP
   * password: it names the environment variable that does).
   */
  public static final String RUN_CONFIG = "_runs/funnel.yaml";

  /** Loads and validates the configuration at {@code location} (exit code 2 on any problem). */
  public static FunnelConfig load(Configuration hadoop, String location) {
    return ConfigLoader.parse(text(hadoop, location), location);
  }

  /** The configuration {@code run} kept in {@code output}, or null when there is none. */
  public static FunnelConfig kept(Configuration hadoop, String output) {
    Path path = new Path(new Path(output), RUN_CONFIG);
    try {
      if (!path.getFileSystem(hadoop).exists(path)) {
        return null;
      }
    } catch (IOException e) {
      throw ConfigException.of("cannot read configuration file %s: %s", path, e.getMessage());
    }
    return load(hadoop, path.toString());
  }

  /**
   * Keeps a copy of the configuration at {@code location} in {@code output} ({@link #RUN_CONFIG}).
   */
  public static void keep(Configuration hadoop, String location, String output) {
    String text = text(hadoop, location);
    Path target = new Path(new Path(output), RUN_CONFIG);
    Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      try (java.io.OutputStream out = fs.create(temporary, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(temporary, target)) {
        throw new IOException("could not rename " + temporary + " to " + target);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot keep the configuration in " + output, e);
    }
  }

  private static String text(Configuration hadoop, String location) {
    Path path = new Path(location);
    String text;
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      try (InputStream in = fs.open(path)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (FileNotFoundException e) {
      throw ConfigException.of("configuration file %s does not exist", location);
    } catch (IOException e) {
      throw ConfigException.of("cannot read configuration file %s: %s", location, e.getMessage());
    }
    return text;
  }
}
