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

  /** Loads and validates the configuration at {@code location} (exit code 2 on any problem). */
  public static FunnelConfig load(Configuration hadoop, String location) {
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
    return ConfigLoader.parse(text, location);
  }
}
